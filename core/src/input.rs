//! Checks on per-call input, which comes from a form field and is hostile.

use std::net::IpAddr;

use crate::error::{Error, Result};
use crate::provider::TokenLimits;

/// Why a token was refused before any request was sent.
pub(crate) fn token_problem(token: &str, limits: TokenLimits) -> Option<String> {
    if token.is_empty() {
        return Some("token is empty".into());
    }
    if token.len() > limits.max_bytes {
        return Some(format!(
            "token is {} bytes; the limit for this provider is {}",
            token.len(),
            limits.max_bytes
        ));
    }
    // Count characters too, as the providers do (Prosopo bounds the token at 131072).
    let len = token.chars().count();
    if len > limits.max_chars {
        return Some(format!(
            "token is {len} characters; the limit for this provider is {}",
            limits.max_chars
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
///
/// The domain is normalised the way browsers and mail servers do (UTS 46:
/// NFKC mapping, lower case, IDNA), and sent as its ASCII form: full-width or
/// otherwise look-alike spellings of one domain become the same A-label, and
/// what does not normalise is refused.
pub(crate) fn email_domain(email: &str) -> Result<String> {
    let raw = match email.rsplit_once('@') {
        Some((_, domain)) => domain,
        None => email,
    }
    .trim();
    let invalid = || Error::argument("email does not end in a valid domain");
    // UTS 46 maps full stops such as U+3002 to '.', so strip the root dot after it.
    let ascii = idna::domain_to_ascii(raw).map_err(|_| invalid())?;
    let domain = ascii.trim_end_matches('.').to_string();
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if domain.is_empty() || domain.len() > 253 || !domain.split('.').all(valid_label) {
        return Err(invalid());
    }
    Ok(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let ten = TokenLimits {
            max_chars: 10,
            max_bytes: 20,
        };
        assert!(token_problem("", ten).is_some());
        assert!(token_problem("abc", ten).is_none());
        assert!(token_problem("abcdefghijk", ten).is_some());
        assert!(token_problem("ab\ncd", ten).is_some());
        assert!(token_problem("ab\u{0}cd", ten).is_some());
        assert!(token_problem(" abc", ten).is_some());
        // Multi-byte characters count once against the character bound...
        assert!(token_problem("éééééééééé", ten).is_none());
        // ...and by their bytes against the byte bound (ten 4-byte characters).
        assert!(token_problem("😀😀😀😀😀😀😀😀😀😀", ten).is_some());
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
        // Full-width letters normalise (NFKC) to the ASCII domain.
        assert_eq!(email_domain("a@ｅｘａｍｐｌｅ.com").unwrap(), "example.com");
        // Unicode domains are sent as their A-label.
        assert_eq!(email_domain("a@bücher.example").unwrap(), "xn--bcher-kva.example");
        assert!(email_domain("a@exa\u{200b}mple.com").map_or(true, |d| d == "example.com"));
        assert!(email_domain("a@ex_ample.com").is_err());
    }
}
