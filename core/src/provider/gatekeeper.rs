//! GateKeeper gkCAPTCHA: `POST {token, remoteip?}` with `Authorization: Bearer`.
//!
//! Answers `{success:true, data:{verified, score?, hostname?, action?,
//! timestamp?, challenge_ts?, error_codes?}}` or `{success:false, ...}`.
//! Its Go SDK's flat `{success, score, failOpen}` shape is not the documented
//! contract and reads as a protocol error: `{"success":true}` alone verifies nobody.

use serde_json::{json, Value};

use super::json::{opt_bool, opt_codes, opt_object, opt_score, opt_str, parse_object, Obj};
use super::{
    endpoint_refusal, is_transient_status, no_regions, Answer, Capabilities, Credentials, Extras, Protocol, Sent,
    TokenLimits, Verdict, WireRequest,
};
use crate::error::Result;
use crate::outcome::Reason;

pub(crate) struct GateKeeper;

/// Not documented by the provider; 8 KiB is far above any token its widget issues.
const MAX_TOKEN_LEN: usize = 8192;

impl Protocol for GateKeeper {
    fn name(&self) -> &'static str {
        "gatekeeper"
    }

    fn endpoint(&self, region: Option<&str>, _creds: &Credentials) -> Result<String> {
        match region {
            None => Ok("https://gkcaptcha.gatekeeper.sa/api/v1/token/verify".into()),
            Some(_) => Err(no_regions("gatekeeper")),
        }
    }

    fn token_limits(&self) -> TokenLimits {
        TokenLimits {
            max_chars: MAX_TOKEN_LEN,
            max_bytes: 4 * MAX_TOKEN_LEN,
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            score: true,
            ..Capabilities::basic()
        }
    }

    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest {
        let mut body = json!({ "token": token });
        if let Some(ip) = extras.remote_ip {
            body["remoteip"] = json!(ip.to_string());
        }
        let mut request = WireRequest::json(&body);
        request
            .secret_headers
            .push(("authorization", format!("Bearer {}", creds.secret.expose())));
        request
    }

    fn parse(&self, status: u16, body: &[u8], _sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        if status == 429 {
            return Answer::new(Verdict::Transient).with_detail("HTTP 429: rate limited");
        }
        let obj = match parse_object(body) {
            Ok(obj) => obj,
            Err(e) => return Answer::unusable(status, e),
        };
        let parsed = match opt_bool(&obj, "success") {
            Ok(Some(true)) if (200..300).contains(&status) => parse_data(&obj),
            Ok(Some(true)) => Err(format!("`success:true` with HTTP {status}")),
            Ok(Some(false)) => parse_failure(status, &obj),
            Ok(None) => Err("field `success` is missing".into()),
            Err(e) => Err(e),
        };
        parsed.unwrap_or_else(|e| Answer::unusable(status, e))
    }
}

fn parse_data(obj: &Obj) -> std::result::Result<Answer, String> {
    let data = opt_object(obj, "data")?.ok_or("`success:true` without `data`")?;
    let verified = opt_bool(data, "verified")?.ok_or("`data.verified` is missing")?;
    let codes = opt_codes(data, "error_codes")?;
    let verdict = if verified {
        Verdict::Verified
    } else {
        classify_codes(&codes, None)
    };
    let mut answer = Answer::new(verdict);
    answer.score = opt_score(data, "score")?;
    answer.hostname = opt_str(data, "hostname")?;
    answer.action = opt_str(data, "action")?;
    answer.timestamp = opt_str(data, "timestamp")?;
    answer.challenge_ts = opt_str(data, "challenge_ts")?;
    answer.error_codes = codes;
    if !verified {
        answer.detail = Some(detail_for(&answer.verdict).into());
    }
    Ok(answer)
}

/// `success:false`: the codes may sit at the top level, under `data`, or as
/// a single `error` string; all are read.
fn parse_failure(status: u16, obj: &Obj) -> std::result::Result<Answer, String> {
    let mut codes = opt_codes(obj, "error_codes")?;
    if let Some(data) = opt_object(obj, "data")? {
        codes.extend(opt_codes(data, "error_codes")?);
    }
    if let Some(Value::String(code)) = obj.get("error") {
        if code.len() <= 128 {
            codes.push(code.clone());
        }
    }
    let verdict = classify_codes(&codes, Some(status));
    let mut answer = Answer::new(verdict);
    answer.detail = Some(detail_for(&answer.verdict).into());
    answer.error_codes = codes;
    Ok(answer)
}

/// Codes only the integrator's configuration can cause.
const CONFIG_CODES: [&str; 2] = ["missing-input-secret", "invalid-input-secret"];

/// Documented codes a crafted or foreign token can cause. `bad-request`
/// counts: the token is the only free-form field we send.
const TOKEN_CODES: [&str; 3] = ["invalid-input-response", "missing-input-response", "bad-request"];

/// Token problems win over request problems: a documented token code, or any
/// undocumented code outside a 5xx/429, makes the answer a definite rejection,
/// so that no fail mode can turn it into a pass. A bad secret still shows in
/// `error_codes` and the stats. Undocumented codes under 5xx/429 mean the
/// provider is in trouble (or a token made it throw): inconclusive, and the
/// fail mode's outage check tells which.
fn classify_codes(codes: &[String], failed_status: Option<u16>) -> Verdict {
    let has = |c: &str| codes.iter().any(|x| x == c);
    let transient = failed_status.is_some_and(is_transient_status);
    if has("timeout-or-duplicate") {
        Verdict::Rejected(Reason::TokenExpiredOrDuplicate)
    } else if TOKEN_CODES.iter().any(|c| has(c)) {
        Verdict::Rejected(Reason::TokenInvalid)
    } else if transient {
        Verdict::Transient
    } else if codes.iter().any(|c| !CONFIG_CODES.contains(&c.as_str())) {
        Verdict::Rejected(Reason::TokenInvalid)
    } else if !codes.is_empty() {
        Verdict::RequestRefused
    } else {
        match failed_status {
            // `success:false` without any code: not the documented shape.
            Some(_) => Verdict::Protocol,
            // `verified:false` without any code: the challenge failed.
            None => Verdict::Rejected(Reason::TokenInvalid),
        }
    }
}

fn detail_for(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Rejected(_) => "provider rejected the token",
        Verdict::Transient => "provider reported a temporary failure",
        Verdict::Protocol => "provider answered `success:false` without an error code",
        _ => "provider refused the request",
    }
}
