//! Prosopo Procaptcha: `POST {secret, token, ip?, email?}` to `/siteverify`.
//!
//! Answers: `{status:"ok", verified, score?, reason?}` on 200, including the
//! soft failure (`verified:false`) and the timeout fail-open
//! (`verified:true, score:0`); otherwise `{error:{code,key,message,data}}`.

use serde_json::json;

use super::json::{opt_bool, opt_object, opt_score, opt_str, parse_object, Obj};
use super::{
    endpoint_refusal, is_transient_status, Answer, Capabilities, Credentials, Extras, Protocol, Sent, TokenLimits,
    Verdict, WireRequest,
};
use crate::error::{Error, Result};
use crate::outcome::Reason;

pub(crate) struct Prosopo;

/// The provider bounds tokens at 131072 characters.
const MAX_TOKEN_LEN: usize = 131_072;

impl Protocol for Prosopo {
    fn name(&self) -> &'static str {
        "prosopo"
    }

    fn endpoint(&self, region: Option<&str>, _creds: &Credentials) -> Result<String> {
        match region.map(str::to_ascii_lowercase).as_deref() {
            None | Some("global") => Ok("https://api.prosopo.io/siteverify".into()),
            Some("eu") => Ok("https://eu-api.prosopo.io/siteverify".into()),
            Some("us") => Ok("https://us-api.prosopo.io/siteverify".into()),
            // The value is not echoed (it could be a misplaced secret).
            Some(_) => Err(Error::config(
                "unknown prosopo region; expected \"eu\", \"us\" or \"global\"",
            )),
        }
    }

    fn token_limits(&self) -> TokenLimits {
        // The provider bounds tokens at 131072 characters; its tokens are
        // ASCII, and a byte bound also caps what JavaScript counts (UTF-16
        // units), so no token under our bound fails its schema for length.
        TokenLimits {
            max_chars: MAX_TOKEN_LEN,
            max_bytes: MAX_TOKEN_LEN,
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            hostname: false,
            action: false,
            challenge_ts: false,
            score: true,
            ..Capabilities::basic()
        }
    }

    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest {
        let mut body = json!({ "secret": creds.secret.expose(), "token": token });
        if let Some(ip) = extras.remote_ip {
            body["ip"] = json!(ip.to_string());
        }
        if let Some(domain) = &extras.email_domain {
            body["email"] = json!(domain);
        }
        WireRequest::json(&body)
    }

    fn parse(&self, status: u16, body: &[u8], _sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        let obj = match parse_object(body) {
            Ok(obj) => obj,
            Err(e) => return Answer::unusable(status, e),
        };
        if obj.contains_key("error") {
            return parse_error(status, &obj)
                .unwrap_or_else(|e| Answer::unusable(status, format!("error envelope: {e}")));
        }
        if is_transient_status(status) {
            return Answer::new(Verdict::Transient).with_detail(format!("HTTP {status} from provider"));
        }
        if !(200..300).contains(&status) {
            // Not the documented shape: inconclusive, so the fail mode and the
            // outage check decide (a WAF in front could answer this to one token).
            return Answer::protocol(format!("HTTP {status} without an error envelope; check the endpoint"));
        }
        parse_success(&obj).unwrap_or_else(Answer::protocol)
    }
}

fn parse_success(obj: &Obj) -> std::result::Result<Answer, String> {
    match opt_str(obj, "status")?.as_deref() {
        None | Some("ok") => {}
        Some(_) => return Err("field `status` is not \"ok\"".into()),
    }
    let verified = opt_bool(obj, "verified")?.ok_or("field `verified` is missing")?;
    let score = opt_score(obj, "score")?;
    let verdict = match (verified, score) {
        // The documented fail-open: the provider timed out and let the user through.
        (true, Some(0.0)) => Verdict::FailOpen,
        (true, _) => Verdict::Verified,
        (false, _) => Verdict::Rejected(Reason::TokenInvalid),
    };
    let mut answer = Answer::new(verdict);
    answer.score = score;
    answer.provider_reason = opt_str(obj, "reason")?;
    if !verified {
        answer.detail = Some("provider did not verify the token".into());
    }
    Ok(answer)
}

fn parse_error(status: u16, obj: &Obj) -> std::result::Result<Answer, String> {
    let err = opt_object(obj, "error")?.ok_or("field `error` is null")?;
    let key = opt_str(err, "key")?.ok_or("field `error.key` is missing")?;
    // `code` and `message` are informative only; check their types, keep neither.
    if !matches!(err.get("code"), None | Some(serde_json::Value::Number(_))) {
        return Err("field `error.code` is not a number".into());
    }
    opt_str(err, "message")?;
    let verdict = classify_key(&key, status);
    let detail = match &verdict {
        Verdict::Rejected(_) => "provider rejected the token".to_string(),
        Verdict::Transient => format!("HTTP {status} from provider"),
        _ => format!("provider refused the request (HTTP {status})"),
    };
    let mut answer = Answer::new(verdict).with_detail(detail);
    answer.error_key = Some(key);
    Ok(answer)
}

/// Maps an `error.key` to a verdict, by who can cause the answer (the table in
/// the README). Only keys that nothing but our own request or the integrator's
/// configuration can produce are a refused request; everything a crafted or
/// foreign token can produce, and every key not listed, is a definite
/// rejection, so that no fail mode can turn it into a pass.
fn classify_key(key: &str, status: u16) -> Verdict {
    match key {
        // An empty body or a secret that is not a keypair: never the token's doing.
        "API.MISSING_BODY" | "GENERAL.MISSING_SECRET_KEY" => Verdict::RequestRefused,
        "API.USER_NOT_VERIFIED_TIME_EXPIRED" | "API.USER_ALREADY_VERIFIED" | "API.TIMESTAMP_TOO_OLD" => {
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate)
        }
        // The site key travels inside the token: a token from another site
        // (or a wrong secret, which rejects every token the same way and shows
        // in the stats by this key) answers these.
        "API.INVALID_SITE_KEY" | "API.SITE_KEY_NOT_REGISTERED" => Verdict::Rejected(Reason::TokenInvalid),
        "API.USER_NOT_VERIFIED" | "CAPTCHA.PARSE_ERROR" | "API.PROVIDER_VERIFY_FAILED" => {
            Verdict::Rejected(Reason::TokenInvalid)
        }
        // Any other key under 5xx/429: the provider is in trouble, or a token
        // made it throw. Inconclusive; the fail mode's outage check tells which.
        _ if is_transient_status(status) => Verdict::Transient,
        // API.PARSE_ERROR, API.UNKNOWN_ERROR, API.UNKNOWN, forwarded and
        // unknown keys: the token is the only free-form field we send.
        _ => Verdict::Rejected(Reason::TokenInvalid),
    }
}
