//! Yandex SmartCaptcha: `POST /validate`, form-encoded `secret`, `token`, `ip`.
//!
//! Answers `{status: "ok", message: "", host}` or `{status: "failed",
//! message}`. Yandex documents that an empty `host` with `ok` is what it
//! answers when the cloud account is blocked, even to bots, or after an
//! internal failure: nobody checked the token, so it is a suspected fail-open,
//! never `verified` (like Prosopo's `{verified:true, score:0}`).

use super::json::{opt_str, parse_object};
use super::{
    endpoint_refusal, no_regions, Answer, Capabilities, Credentials, Extras, Protocol, Sent, TokenLimits, Verdict,
    WireRequest,
};
use crate::error::Result;
use crate::outcome::Reason;

pub(crate) struct Yandex;

/// Not documented; 32 KiB is far above its tokens.
const MAX_TOKEN_LEN: usize = 32_768;

/// Its documented answer to a spent or unknown token.
const SPENT: &str = "Invalid or expired Token.";

impl Protocol for Yandex {
    fn name(&self) -> &'static str {
        "yandex"
    }

    fn endpoint(&self, region: Option<&str>, _creds: &Credentials) -> Result<String> {
        match region {
            None => Ok("https://smartcaptcha.yandexcloud.net/validate".into()),
            Some(_) => Err(no_regions(self.name())),
        }
    }

    fn token_limits(&self) -> TokenLimits {
        TokenLimits {
            max_chars: MAX_TOKEN_LEN,
            max_bytes: MAX_TOKEN_LEN,
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            action: false,
            challenge_ts: false,
            ..Capabilities::basic()
        }
    }

    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest {
        let ip = extras.remote_ip.map(|ip| ip.to_string());
        let mut pairs = vec![("secret", creds.secret.expose()), ("token", token)];
        if let Some(ip) = &ip {
            pairs.push(("ip", ip));
        }
        WireRequest::form(&pairs)
    }

    fn parse(&self, status: u16, body: &[u8], _sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        if !(200..300).contains(&status) {
            // Yandex documents answers with 200 only; anything else is the
            // provider (or a proxy in front of it) in trouble, or not it at all.
            return Answer::unusable(status, format!("HTTP {status} from provider"));
        }
        let read = parse_object(body).and_then(|obj| {
            let message = opt_str(&obj, "message")?;
            match opt_str(&obj, "status")?.as_deref() {
                Some("ok") => match opt_str(&obj, "host")? {
                    None => Err("`status:ok` without `host`".to_string()),
                    Some(host) if host.trim().is_empty() => Ok(Answer::new(Verdict::FailOpen)
                        .with_detail("provider answered ok with an empty host: it did not check the token")),
                    Some(host) => {
                        let mut a = Answer::new(Verdict::Verified);
                        a.hostname = Some(strip_port(&host));
                        Ok(a)
                    }
                },
                Some("failed") => Ok(failed(message)),
                Some(_) => Err("field `status` is neither \"ok\" nor \"failed\"".to_string()),
                None => Err("field `status` is missing".to_string()),
            }
        });
        read.unwrap_or_else(|e| Answer::unusable(status, e))
    }
}

/// `failed` is the token's doing unless the message says the secret is the
/// problem ("Authentication failed. ..."): configuration only.
fn failed(message: Option<String>) -> Answer {
    let verdict = match message.as_deref() {
        Some(m) if m.starts_with("Authentication failed") => Verdict::RequestRefused,
        Some(SPENT) => Verdict::Rejected(Reason::TokenExpiredOrDuplicate),
        _ => Verdict::Rejected(Reason::TokenInvalid),
    };
    let detail = match verdict {
        Verdict::RequestRefused => "provider refused the request: check the server key",
        _ => "provider rejected the token",
    };
    let mut a = Answer::new(verdict).with_detail(detail);
    a.error_key = message.filter(|m| !m.is_empty());
    a
}

/// Yandex reports `example.com:8080` for a page on a non-default port; the
/// hostname check compares hosts.
fn strip_port(host: &str) -> String {
    match host.rsplit_once(':') {
        Some((h, port)) if !h.contains(':') && port.bytes().all(|c| c.is_ascii_digit()) => h.to_string(),
        _ => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Answer {
        Yandex.parse(200, body.as_bytes(), Sent::default())
    }

    #[test]
    fn answers() {
        let a = parse(r#"{"status":"ok","message":"","host":"example.com:8080"}"#);
        assert_eq!(
            (a.verdict, a.hostname.as_deref()),
            (Verdict::Verified, Some("example.com"))
        );
        assert_eq!(
            parse(r#"{"status":"ok","message":"","host":""}"#).verdict,
            Verdict::FailOpen
        );
        assert_eq!(parse(r#"{"status":"ok","message":""}"#).verdict, Verdict::Protocol);
        assert_eq!(
            parse(r#"{"status":"failed","message":"Invalid or expired Token."}"#).verdict,
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate)
        );
        assert_eq!(
            parse(r#"{"status":"failed","message":"Authentication failed. Secret has not provided."}"#).verdict,
            Verdict::RequestRefused
        );
        assert_eq!(
            parse(r#"{"status":"failed","message":"something new"}"#).verdict,
            Verdict::Rejected(Reason::TokenInvalid)
        );
    }
}
