//! Checks on per-call input, which comes from a form field and is hostile.

use std::net::IpAddr;

use crate::error::{Error, Result};

/// Why a token was refused before any request was sent.
pub(crate) fn token_problem(token: &str, max_len: usize) -> Option<String> {
    if token.is_empty() {
        return Some("token is empty".into());
    }
    // Count characters, as the providers do (Prosopo bounds the token at 131072).
    let len = token.chars().count();
    if len > max_len {
        return Some(format!(
            "token is {len} characters; the limit for this provider is {max_len}"
        ));
    }
    if token.chars().any(char::is_control) {
        return Some("token contains control characters".into());
    }
    if token.trim() != token {
        return Some("token has leading or trailing whitespace".into());
    }
    None
}

/// Parses the end user's IP address. An address that does not parse is an
/// argument error: sending garbage would look like the user's fault.
pub(crate) fn remote_ip(ip: &str) -> Result<IpAddr> {
    ip.trim()
        .parse::<IpAddr>()
        .map_err(|_| Error::argument("remote_ip is not a valid IPv4 or IPv6 address"))
}

/// Reduces an email address to its domain: only the domain leaves the server.
pub(crate) fn email_domain(email: &str) -> Result<String> {
    let domain = match email.rsplit_once('@') {
        Some((_, domain)) => domain,
        None => email,
    }
    .trim()
    .trim_end_matches('.')
    .to_ascii_lowercase();
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if domain.is_empty() || domain.len() > 253 || !domain.split('.').all(valid_label) {
        return Err(Error::argument("email does not end in a valid domain"));
    }
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(token_problem("", 10).is_some());
        assert!(token_problem("abc", 10).is_none());
        assert!(token_problem("abcdefghijk", 10).is_some());
        assert!(token_problem("ab\ncd", 10).is_some());
        assert!(token_problem("ab\u{0}cd", 10).is_some());
        assert!(token_problem(" abc", 10).is_some());
        // Multi-byte characters count once.
        assert!(token_problem("ééééé", 5).is_none());
    }

    #[test]
    fn ips() {
        assert!(remote_ip("203.0.113.7").is_ok());
        assert!(remote_ip("2001:db8::1").is_ok());
        assert!(remote_ip("203.0.113.7; rm -rf").is_err());
        assert!(remote_ip("").is_err());
    }

    #[test]
    fn emails_reduce_to_domain() {
        assert_eq!(email_domain("Alice@Example.COM").unwrap(), "example.com");
        assert_eq!(email_domain("example.com").unwrap(), "example.com");
        assert_eq!(email_domain("a@b@mail.example.org").unwrap(), "mail.example.org");
        assert!(email_domain("alice@").is_err());
        assert!(email_domain("alice@exa mple.com").is_err());
        assert!(email_domain("alice@exa\"mple.com").is_err());
    }
}
