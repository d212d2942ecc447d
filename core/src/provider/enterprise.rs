//! Google reCAPTCHA Enterprise: `POST /v1/projects/{project_id}/assessments`
//! with the API key in `X-Goog-Api-Key` (never in the URL, where Google's own
//! examples put it and where logs and proxies keep it) and a JSON
//! `{event: {token, siteKey, userIpAddress?}}`.
//!
//! An invalid token is HTTP 200 with `tokenProperties.valid: false` and an
//! `invalidReason`; a refused request is Google's error envelope
//! `{error: {code, message, status, details?}}` on 4xx/5xx.

use serde_json::{json, Value};

use super::json::{opt_bool, opt_codes, opt_object, opt_score, opt_str, parse_object, Obj};
use super::score::reversed;
use super::{
    endpoint_refusal, is_transient_status, no_regions, Answer, Capabilities, Credentials, Extras, Need, Protocol, Sent,
    TokenLimits, Verdict, WireRequest,
};
use crate::error::{Error, Result};
use crate::outcome::Reason;

pub(crate) struct Enterprise;

/// Not documented; 32 KiB is far above its tokens.
const MAX_TOKEN_LEN: usize = 32_768;

/// Google Cloud project IDs: 6 to 30 lower-case letters, digits and hyphens,
/// starting with a letter and not ending with a hyphen. Checked because the
/// ID becomes part of the URL path.
pub(crate) fn check_project_id(id: &str) -> Result<()> {
    let b = id.as_bytes();
    let ok = (6..=30).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[b.len() - 1] != b'-';
    if ok {
        Ok(())
    } else {
        // Not echoed, like every configuration value.
        Err(Error::config(
            "project_id is not a Google Cloud project ID (6-30 characters: a-z, 0-9, '-', starting with a letter)",
        ))
    }
}

impl Protocol for Enterprise {
    fn name(&self) -> &'static str {
        "recaptcha-enterprise"
    }

    fn endpoint(&self, region: Option<&str>, creds: &Credentials) -> Result<String> {
        if region.is_some() {
            return Err(no_regions(self.name()));
        }
        let project = creds
            .project_id
            .as_deref()
            .ok_or_else(|| Error::config("recaptcha-enterprise needs project_id"))?;
        check_project_id(project)?;
        Ok(format!(
            "https://recaptchaenterprise.googleapis.com/v1/projects/{project}/assessments"
        ))
    }

    fn token_limits(&self) -> TokenLimits {
        TokenLimits {
            max_chars: MAX_TOKEN_LEN,
            max_bytes: MAX_TOKEN_LEN,
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            score: true,
            site_key: Need::Required,
            project_id: Need::Required,
            ..Capabilities::basic()
        }
    }

    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest {
        let mut event = json!({ "token": token });
        if let Some(site_key) = &creds.site_key {
            event["siteKey"] = json!(site_key);
        }
        if let Some(ip) = extras.remote_ip {
            event["userIpAddress"] = json!(ip.to_string());
        }
        let mut request = WireRequest::json(&json!({ "event": event }));
        request
            .secret_headers
            .push(("x-goog-api-key", creds.secret.expose().to_string()));
        request.sent.site_key = creds.site_key.is_some();
        request
    }

    fn parse(&self, status: u16, body: &[u8], _sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        let obj = match parse_object(body) {
            Ok(obj) => obj,
            Err(e) => return Answer::unusable(status, e),
        };
        let read = if obj.contains_key("error") {
            parse_error(status, &obj)
        } else if (200..300).contains(&status) {
            parse_assessment(&obj)
        } else {
            Err(format!("HTTP {status} without Google's error envelope"))
        };
        read.unwrap_or_else(|e| Answer::unusable(status, e))
    }
}

fn parse_assessment(obj: &Obj) -> std::result::Result<Answer, String> {
    let props = opt_object(obj, "tokenProperties")?.ok_or("field `tokenProperties` is missing")?;
    let valid = opt_bool(props, "valid")?.ok_or("field `tokenProperties.valid` is missing")?;
    let mut answer = if valid {
        let mut a = Answer::new(Verdict::Verified);
        if let Some(risk) = opt_object(obj, "riskAnalysis")? {
            a.score = opt_score(risk, "score")?.map(reversed);
            let reasons = opt_codes(risk, "reasons")?;
            if !reasons.is_empty() {
                a.provider_reason = Some(reasons.join(", "));
            }
        }
        a
    } else {
        let why = opt_str(props, "invalidReason")?;
        let reason = match why.as_deref() {
            Some("DUPE" | "EXPIRED") => Reason::TokenExpiredOrDuplicate,
            // MALFORMED, MISSING, BROWSER_ERROR (easily simulated by an
            // attacker), UNKNOWN_INVALID_REASON, anything new.
            _ => Reason::TokenInvalid,
        };
        let mut a = Answer::new(Verdict::Rejected(reason)).with_detail("provider found the token invalid");
        a.error_key = why;
        a
    };
    answer.hostname = match opt_str(props, "hostname")?.filter(|h| !h.is_empty()) {
        // App keys report the package or bundle instead of a hostname.
        None => match opt_str(props, "androidPackageName")?.filter(|h| !h.is_empty()) {
            None => opt_str(props, "iosBundleId")?.filter(|h| !h.is_empty()),
            some => some,
        },
        some => some,
    };
    answer.action = opt_str(props, "action")?.filter(|a| !a.is_empty());
    answer.challenge_ts = opt_str(props, "createTime")?;
    Ok(answer)
}

/// Google's error envelope, classified by who can cause it.
fn parse_error(status: u16, obj: &Obj) -> std::result::Result<Answer, String> {
    let err = opt_object(obj, "error")?.ok_or("field `error` is null")?;
    if !matches!(err.get("code"), None | Some(Value::Number(_))) {
        return Err("field `error.code` is not a number".into());
    }
    opt_str(err, "message")?;
    let canonical = opt_str(err, "status")?;
    // `details[].reason` of the ErrorInfo entries (e.g. API_KEY_INVALID).
    let mut reasons = Vec::new();
    if let Some(Value::Array(details)) = err.get("details") {
        for d in details.iter().take(8) {
            if let Some(Value::String(r)) = d.get("reason") {
                if r.len() <= 128 {
                    reasons.push(r.clone());
                }
            }
        }
    }
    let key_problem = reasons.iter().any(|r| r.starts_with("API_KEY_"));
    let verdict = match (status, canonical.as_deref()) {
        _ if is_transient_status(status) => Verdict::Transient,
        // The API key, the API not enabled, billing, IAM: configuration only.
        (401 | 403, _) | (_, Some("UNAUTHENTICATED" | "PERMISSION_DENIED")) => Verdict::RequestRefused,
        // An invalid API key is a 400 too; Google says so in `details`.
        (400, _) if key_problem => Verdict::RequestRefused,
        // INVALID_ARGUMENT otherwise: the token is the free-form field we
        // send (its bounds are checked locally). Other 4xx: the safe side.
        _ => Verdict::Rejected(Reason::TokenInvalid),
    };
    let detail = match &verdict {
        Verdict::Rejected(_) => "provider rejected the request's token".to_string(),
        Verdict::Transient => format!("HTTP {status} from provider"),
        _ => format!("provider refused the request (HTTP {status}): check the API key, project and site key"),
    };
    let mut answer = Answer::new(verdict).with_detail(detail);
    answer.error_key = canonical;
    answer.error_codes = reasons;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> Answer {
        Enterprise.parse(status, body.as_bytes(), Sent::default())
    }

    #[test]
    fn project_ids() {
        assert!(check_project_id("my-project-1").is_ok());
        assert!(check_project_id("abcdef").is_ok());
        for bad in [
            "abc",
            "My-project",
            "1project",
            "project-",
            "pro ject",
            "a/b/../c",
            &"a".repeat(31),
        ] {
            assert!(check_project_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invalid_reasons() {
        let a = parse(200, r#"{"tokenProperties":{"valid":false,"invalidReason":"DUPE"}}"#);
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenExpiredOrDuplicate));
        let a = parse(
            200,
            r#"{"tokenProperties":{"valid":false,"invalidReason":"BROWSER_ERROR"}}"#,
        );
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenInvalid));
        let a = parse(
            200,
            r#"{"tokenProperties":{"valid":true,"hostname":"a.example","action":"login"},"riskAnalysis":{"score":0.9}}"#,
        );
        assert_eq!((a.verdict, a.score), (Verdict::Verified, Some(0.1)));
    }

    #[test]
    fn errors_by_cause() {
        let key = r#"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"#;
        assert_eq!(parse(400, key).verdict, Verdict::RequestRefused);
        let arg = r#"{"error":{"code":400,"message":"bad token","status":"INVALID_ARGUMENT"}}"#;
        assert_eq!(parse(400, arg).verdict, Verdict::Rejected(Reason::TokenInvalid));
        let denied = r#"{"error":{"code":403,"message":"denied","status":"PERMISSION_DENIED"}}"#;
        assert_eq!(parse(403, denied).verdict, Verdict::RequestRefused);
        let busy = r#"{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(parse(429, busy).verdict, Verdict::Transient);
    }
}
