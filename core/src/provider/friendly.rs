//! Friendly Captcha, API v2: `POST /api/v2/captcha/siteverify` with the API
//! key in `X-API-Key`, a JSON `{response, sitekey?}` and an `Frc-Sdk` header
//! naming this library.
//!
//! Answers `{success: true, data: {challenge: {timestamp, origin}}}` or
//! `{success: false, error: {error_code, detail}}`. A bad token is HTTP 200
//! with `success: false` (`response_invalid`, `response_timeout`,
//! `response_duplicate`); a bad key or site key is a 4xx.

use serde_json::{json, Value};

use super::json::{opt_bool, opt_object, opt_str, parse_object, Obj};
use super::{
    endpoint_refusal, is_transient_status, Answer, Capabilities, Credentials, Extras, Need, Protocol, Sent,
    TokenLimits, Verdict, WireRequest,
};
use crate::error::{Error, Result};
use crate::outcome::Reason;

pub(crate) struct Friendly;

/// Friendly's responses are at most 16 KiB.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Values its widget puts in the form field while it has no response: never
/// worth a request.
const PLACEHOLDERS: [&str; 4] = [".UNSTARTED", ".UNFINISHED", ".FETCHING", ".EXPIRED"];

impl Protocol for Friendly {
    fn name(&self) -> &'static str {
        "friendly"
    }

    fn endpoint(&self, region: Option<&str>, _creds: &Credentials) -> Result<String> {
        match region.map(str::to_ascii_lowercase).as_deref() {
            None | Some("global") => Ok("https://global.frcapi.com/api/v2/captcha/siteverify".into()),
            Some("eu") => Ok("https://eu.frcapi.com/api/v2/captcha/siteverify".into()),
            Some(_) => Err(Error::config("unknown friendly region; expected \"eu\" or \"global\"")),
        }
    }

    fn token_limits(&self) -> TokenLimits {
        TokenLimits {
            max_chars: MAX_TOKEN_LEN,
            max_bytes: MAX_TOKEN_LEN,
        }
    }

    fn token_problem(&self, token: &str) -> Option<String> {
        (PLACEHOLDERS.contains(&token) || token.starts_with(".ERROR"))
            .then(|| "token is one of the widget's placeholder values (not solved)".into())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            action: false,
            site_key: Need::Optional,
            ..Capabilities::basic()
        }
    }

    fn request(&self, creds: &Credentials, token: &str, _extras: &Extras) -> WireRequest {
        let mut body = json!({ "response": token });
        if let Some(site_key) = &creds.site_key {
            body["sitekey"] = json!(site_key);
        }
        let mut request = WireRequest::json(&body);
        request
            .secret_headers
            .push(("x-api-key", creds.secret.expose().to_string()));
        request
            .headers
            .push(("frc-sdk", concat!("siteverify@", env!("CARGO_PKG_VERSION")).to_string()));
        request.sent.site_key = creds.site_key.is_some();
        request
    }

    fn parse(&self, status: u16, body: &[u8], sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        let obj = match parse_object(body) {
            Ok(obj) => obj,
            Err(e) => return Answer::unusable(status, e),
        };
        let read = match opt_bool(&obj, "success") {
            Ok(Some(true)) if (200..300).contains(&status) => parse_success(&obj),
            Ok(Some(true)) => Err(format!("`success:true` with HTTP {status}")),
            Ok(Some(false)) => parse_failure(status, &obj, sent),
            Ok(None) => Err("field `success` is missing".into()),
            Err(e) => Err(e),
        };
        read.unwrap_or_else(|e| Answer::unusable(status, e))
    }
}

fn parse_success(obj: &Obj) -> std::result::Result<Answer, String> {
    let data = opt_object(obj, "data")?.ok_or("`success:true` without `data`")?;
    let mut answer = Answer::new(Verdict::Verified);
    if let Some(challenge) = opt_object(data, "challenge")? {
        answer.hostname = opt_str(challenge, "origin")?.as_deref().and_then(origin_host);
        answer.challenge_ts = timestamp(challenge.get("timestamp"))?;
    }
    Ok(answer)
}

/// The host of an origin, which Friendly sends as a URL (`https://a.example`)
/// or as a bare host (`a.example`), possibly with a port; empty when unknown.
fn origin_host(origin: &str) -> Option<String> {
    let origin = origin.trim();
    let host = match origin.split_once("://") {
        Some(_) => url::Url::parse(origin).ok()?.host_str()?.to_string(),
        None => {
            let bare = origin.split('/').next().unwrap_or_default();
            // A bare IPv6 origin keeps its brackets; strip only a port.
            match bare.rsplit_once(':') {
                Some((h, port)) if !h.contains(':') && port.bytes().all(|c| c.is_ascii_digit()) => h.to_string(),
                _ => bare.to_string(),
            }
        }
    };
    (!host.is_empty()).then_some(host)
}

/// RFC 3339 text as sent, or Unix seconds (its older shape) as RFC 3339.
fn timestamp(v: Option<&Value>) -> std::result::Result<Option<String>, String> {
    use time::format_description::well_known::Rfc3339;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= 64 => Ok(Some(s.clone())),
        Some(Value::Number(n)) => {
            let secs = n.as_i64().ok_or("field `timestamp` is not whole seconds")?;
            let t = time::OffsetDateTime::from_unix_timestamp(secs).map_err(|_| "field `timestamp` is out of range")?;
            Ok(t.format(&Rfc3339).ok())
        }
        Some(_) => Err("field `timestamp` is not a string or a number".into()),
    }
}

fn parse_failure(status: u16, obj: &Obj, sent: Sent) -> std::result::Result<Answer, String> {
    let err = opt_object(obj, "error")?.ok_or("`success:false` without `error`")?;
    let code = opt_str(err, "error_code")?.ok_or("field `error.error_code` is missing")?;
    opt_str(err, "detail")?;
    let verdict = match code.as_str() {
        "auth_required" | "auth_invalid" => Verdict::RequestRefused,
        // "The sitekey in your request is invalid": ours when we sent one.
        "sitekey_invalid" if sent.site_key => Verdict::RequestRefused,
        "response_timeout" | "response_duplicate" => Verdict::Rejected(Reason::TokenExpiredOrDuplicate),
        // response_invalid, response_missing, bad_request (the token is the
        // only free-form field), sitekey_invalid without ours.
        "response_invalid" | "response_missing" | "bad_request" | "sitekey_invalid" => {
            Verdict::Rejected(Reason::TokenInvalid)
        }
        _ if is_transient_status(status) => Verdict::Transient,
        _ => Verdict::Rejected(Reason::TokenInvalid),
    };
    let detail = match &verdict {
        Verdict::Rejected(_) => "provider rejected the token".to_string(),
        Verdict::Transient => format!("HTTP {status} from provider"),
        _ => format!("provider refused the request (HTTP {status}): check the API key and site key"),
    };
    let mut answer = Answer::new(verdict).with_detail(detail);
    answer.error_key = Some(code);
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_hosts() {
        assert_eq!(origin_host("https://a.example").as_deref(), Some("a.example"));
        assert_eq!(origin_host("https://a.example:8443/x").as_deref(), Some("a.example"));
        assert_eq!(origin_host("a.example").as_deref(), Some("a.example"));
        assert_eq!(origin_host("a.example:8080").as_deref(), Some("a.example"));
        assert_eq!(origin_host(""), None);
    }

    #[test]
    fn placeholders_are_refused_locally() {
        for t in [
            ".UNSTARTED",
            ".UNFINISHED",
            ".FETCHING",
            ".EXPIRED",
            ".ERROR",
            ".ERROR.fetch",
        ] {
            assert!(Friendly.token_problem(t).is_some(), "{t}");
        }
        assert!(Friendly.token_problem("pass").is_none());
    }

    #[test]
    fn codes_by_cause() {
        let fail = |status, code: &str, sent| {
            let body = format!(r#"{{"success":false,"error":{{"error_code":"{code}","detail":"d"}}}}"#);
            Friendly.parse(status, body.as_bytes(), sent).verdict
        };
        let ours = Sent { site_key: true };
        assert_eq!(fail(401, "auth_invalid", ours), Verdict::RequestRefused);
        assert_eq!(fail(400, "sitekey_invalid", ours), Verdict::RequestRefused);
        assert_eq!(
            fail(400, "sitekey_invalid", Sent::default()),
            Verdict::Rejected(Reason::TokenInvalid)
        );
        assert_eq!(
            fail(200, "response_duplicate", ours),
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate)
        );
        assert_eq!(fail(503, "whatever", ours), Verdict::Transient);
        assert_eq!(fail(400, "whatever", ours), Verdict::Rejected(Reason::TokenInvalid));
        let ts = br#"{"success":true,"data":{"challenge":{"timestamp":1685098040,"origin":"https://a.example"}}}"#;
        let a = Friendly.parse(200, ts, ours);
        assert_eq!(a.challenge_ts.as_deref(), Some("2023-05-26T10:47:20Z"));
    }
}
