//! The request contracts and answer shapes of Turnstile, hCaptcha, reCAPTCHA
//! v2/v3, reCAPTCHA Enterprise, Friendly Captcha v2 and Yandex SmartCaptcha.
//!
//! Each checks a request the way its provider documents it (content type,
//! where the secret goes, field names) and answers a broken request with that
//! provider's own error, so a client that sends JSON where a form is required,
//! or the key in the wrong place, fails the tests. Scenario answers are built
//! here too; `lib.rs` picks which by the scenario token.

use serde_json::{json, Value};

use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;
use crate::Api;

/// The site key the mock accepts (hCaptcha, Enterprise, Friendly) besides the providers' test keys.
pub const DEFAULT_SITE_KEY: &str = "mock-site-key";

/// Cloudflare's documented test secrets (always pass, always fail, already spent) and dummy token.
pub const TURNSTILE_PASS_SECRET: &str = "1x0000000000000000000000000000000AA";
pub const TURNSTILE_FAIL_SECRET: &str = "2x0000000000000000000000000000000AA";
pub const TURNSTILE_SPENT_SECRET: &str = "3x0000000000000000000000000000000AA";
pub const TURNSTILE_DUMMY_TOKEN: &str = "XXXX.DUMMY.TOKEN.XXXX";
/// hCaptcha's documented test site key, secret and token.
pub const HCAPTCHA_TEST_SITE_KEY: &str = "10000000-ffff-ffff-ffff-000000000001";
pub const HCAPTCHA_TEST_SECRET: &str = "0x0000000000000000000000000000000000000000";
pub const HCAPTCHA_TEST_TOKEN: &str = "10000000-aaaa-bbbb-cccc-000000000001";
/// Google's documented reCAPTCHA v2 test secret: every token passes.
pub const RECAPTCHA_TEST_SECRET: &str = "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe";

/// A request that kept the contract.
pub(crate) struct Checked {
    pub token: String,
    /// What `echo` shows: the fields besides secret and token.
    pub echo: String,
    /// Turnstile's idempotency key.
    pub idempotency_key: Option<String>,
    /// A provider test key decides the answer, whatever the token.
    pub fixed: Option<Reply>,
}

fn content_type(req: &Request) -> String {
    req.header("content-type")
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Form fields; a body that is not a form yields none (what the providers see).
fn form(req: &Request) -> Vec<(String, String)> {
    if content_type(req) != "application/x-www-form-urlencoded" {
        return Vec::new();
    }
    form_urlencoded::parse(&req.body).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// JSON object fields as strings (non-strings are a contract break: `None`).
fn json_fields(req: &Request) -> Option<Vec<(String, String)>> {
    if content_type(req) != "application/json" {
        return None;
    }
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&req.body) else {
        return None;
    };
    obj.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            _ => None,
        })
        .collect()
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

pub(crate) fn check(state: &State, api: Api, req: &Request) -> Result<Checked, Reply> {
    match api {
        Api::Turnstile => turnstile(state, req),
        Api::HCaptcha => hcaptcha(state, req),
        Api::Recaptcha => recaptcha(state, req),
        Api::Enterprise => enterprise(state, req),
        Api::Friendly => friendly(state, req),
        Api::Yandex => yandex(state, req),
        Api::Prosopo | Api::GateKeeper => unreachable!("checked in lib.rs"),
    }
}

fn codes(status: u16, codes: &[&str]) -> Reply {
    Reply::json(status, json!({"success": false, "error-codes": codes}))
}

fn secret_ok(state: &State, secret: &str) -> bool {
    state.accepts(secret)
}

/// Turnstile takes a form or JSON (both documented).
fn turnstile(state: &State, req: &Request) -> Result<Checked, Reply> {
    let fields = match json_fields(req) {
        Some(f) => f,
        None if content_type(req) == "application/json" => return Err(codes(200, &["bad-request"])),
        None => form(req),
    };
    let secret = field(&fields, "secret").unwrap_or_default();
    if secret.is_empty() {
        return Err(codes(200, &["missing-input-secret"]));
    }
    let test = [TURNSTILE_PASS_SECRET, TURNSTILE_FAIL_SECRET, TURNSTILE_SPENT_SECRET].contains(&secret);
    if !test && !secret_ok(state, secret) {
        return Err(codes(200, &["invalid-input-secret"]));
    }
    let token = field(&fields, "response").unwrap_or_default().to_string();
    if token.is_empty() {
        return Err(codes(200, &["missing-input-response"]));
    }
    let key = field(&fields, "idempotency_key").map(str::to_string);
    if key.as_deref().is_some_and(|k| !is_uuid(k)) {
        return Err(codes(200, &["bad-request"]));
    }
    let fixed = match secret {
        TURNSTILE_PASS_SECRET => Some(pass(Api::Turnstile, &Scenario::parse("pass"))),
        TURNSTILE_FAIL_SECRET => Some(codes(200, &["invalid-input-response"])),
        TURNSTILE_SPENT_SECRET => Some(codes(200, &["timeout-or-duplicate"])),
        // Production secrets reject the dummy token.
        _ if token == TURNSTILE_DUMMY_TOKEN => Some(codes(200, &["invalid-input-response"])),
        _ => None,
    };
    Ok(Checked {
        echo: format!(
            "ip={} key={}",
            field(&fields, "remoteip").unwrap_or("-"),
            if key.is_some() { "uuid" } else { "-" }
        ),
        token,
        idempotency_key: key,
        fixed,
    })
}

/// hCaptcha takes a form only: JSON reaches it as no fields at all.
fn hcaptcha(state: &State, req: &Request) -> Result<Checked, Reply> {
    let fields = form(req);
    let secret = field(&fields, "secret").unwrap_or_default();
    if secret.is_empty() {
        return Err(codes(200, &["missing-input-secret"]));
    }
    let test_secret = secret == HCAPTCHA_TEST_SECRET;
    if !test_secret && !secret_ok(state, secret) {
        return Err(codes(200, &["invalid-input-secret"]));
    }
    let token = field(&fields, "response").unwrap_or_default().to_string();
    if token.is_empty() {
        return Err(codes(200, &["missing-input-response"]));
    }
    if let Some(site_key) = field(&fields, "sitekey") {
        let belongs = if test_secret {
            site_key == HCAPTCHA_TEST_SITE_KEY
        } else {
            site_key == DEFAULT_SITE_KEY
        };
        if !belongs {
            return Err(codes(200, &["sitekey-secret-mismatch"]));
        }
    }
    let test_token = token == HCAPTCHA_TEST_TOKEN;
    let fixed = match (test_secret, test_token) {
        (true, true) => Some(pass(Api::HCaptcha, &Scenario::parse("pass"))),
        // A real token with the test secret, and the public test token with a real secret.
        (true, false) => Some(codes(200, &["not-using-dummy-passcode"])),
        (false, true) => Some(codes(200, &["not-using-dummy-secret"])),
        (false, false) => None,
    };
    Ok(Checked {
        echo: format!(
            "ip={} sitekey={}",
            field(&fields, "remoteip").unwrap_or("-"),
            field(&fields, "sitekey").unwrap_or("-")
        ),
        token,
        idempotency_key: None,
        fixed,
    })
}

/// reCAPTCHA takes a form only.
fn recaptcha(state: &State, req: &Request) -> Result<Checked, Reply> {
    let fields = form(req);
    let secret = field(&fields, "secret").unwrap_or_default();
    let token = field(&fields, "response").unwrap_or_default().to_string();
    match (secret.is_empty(), token.is_empty()) {
        (true, true) => return Err(codes(200, &["missing-input-secret", "missing-input-response"])),
        (true, false) => return Err(codes(200, &["missing-input-secret"])),
        _ => {}
    }
    let test = secret == RECAPTCHA_TEST_SECRET;
    if !test && !secret_ok(state, secret) {
        return Err(codes(200, &["invalid-input-secret"]));
    }
    if token.is_empty() {
        return Err(codes(200, &["missing-input-response"]));
    }
    let fixed = test.then(|| {
        Reply::json(
            200,
            json!({"success": true, "challenge_ts": rfc3339(std::time::SystemTime::now()), "hostname": "testkey.google.com"}),
        )
    });
    Ok(Checked {
        echo: format!("ip={}", field(&fields, "remoteip").unwrap_or("-")),
        token,
        idempotency_key: None,
        fixed,
    })
}

/// Google's error envelope.
pub(crate) fn google_error(status: u16, canonical: &str, reason: Option<&str>) -> Reply {
    let mut error = json!({"code": status, "message": format!("mock: {canonical}"), "status": canonical});
    if let Some(reason) = reason {
        error["details"] = json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}]);
    }
    Reply::json(status, json!({ "error": error }))
}

/// The project in `/v1/projects/{id}/assessments`, if the path has that shape.
pub(crate) fn enterprise_project(path: &str) -> Option<&str> {
    path.strip_prefix("/v1/projects/")?.strip_suffix("/assessments")
}

/// Enterprise: the API key in `X-Goog-Api-Key`, a JSON `{event: {...}}`.
fn enterprise(state: &State, req: &Request) -> Result<Checked, Reply> {
    let path = req.path.split('?').next().unwrap_or_default();
    let project = enterprise_project(path).unwrap_or_default();
    let valid_project = project.len() >= 6
        && project.len() <= 30
        && project.starts_with(|c: char| c.is_ascii_lowercase())
        && project
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if !valid_project {
        return Err(google_error(404, "NOT_FOUND", None));
    }
    // Google accepts `?key=`; the mock does not, because siteverify must never put it there.
    if req.path.contains("key=") {
        return Err(google_error(
            403,
            "PERMISSION_DENIED",
            Some("API_KEY_IN_URL_REFUSED_BY_MOCK"),
        ));
    }
    let Some(key) = req.header("x-goog-api-key") else {
        return Err(google_error(403, "PERMISSION_DENIED", Some("API_KEY_MISSING")));
    };
    if !secret_ok(state, key) {
        return Err(google_error(400, "INVALID_ARGUMENT", Some("API_KEY_INVALID")));
    }
    if content_type(req) != "application/json" {
        return Err(google_error(400, "INVALID_ARGUMENT", None));
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return Err(google_error(400, "INVALID_ARGUMENT", None));
    };
    let Some(Value::Object(event)) = body.get("event") else {
        return Err(google_error(400, "INVALID_ARGUMENT", None));
    };
    let text = |k: &str| match event.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(google_error(400, "INVALID_ARGUMENT", None)),
    };
    let token = text("token")?.unwrap_or_default();
    if text("siteKey")?.as_deref() != Some(DEFAULT_SITE_KEY) {
        return Err(google_error(400, "INVALID_ARGUMENT", None));
    }
    let ip = text("userIpAddress")?;
    // No token: HTTP 200 with `valid:false`, as Google answers.
    let fixed = token.is_empty().then(|| invalid("MISSING"));
    Ok(Checked {
        echo: format!("ip={}", ip.as_deref().unwrap_or("-")),
        token,
        idempotency_key: None,
        fixed,
    })
}

pub(crate) fn invalid(reason: &str) -> Reply {
    Reply::json(
        200,
        json!({"name": "projects/mock/assessments/1", "tokenProperties": {"valid": false, "invalidReason": reason}, "riskAnalysis": {"score": 0.0, "reasons": []}}),
    )
}

pub(crate) fn friendly_error(status: u16, code: &str) -> Reply {
    Reply::json(
        status,
        json!({"success": false, "error": {"error_code": code, "detail": format!("mock: {code}")}}),
    )
}

/// Friendly: the API key in `X-API-Key`; a JSON body or a form (both documented).
fn friendly(state: &State, req: &Request) -> Result<Checked, Reply> {
    let Some(key) = req.header("x-api-key") else {
        return Err(friendly_error(401, "auth_required"));
    };
    if !secret_ok(state, key) {
        return Err(friendly_error(401, "auth_invalid"));
    }
    let fields = match content_type(req).as_str() {
        "application/json" => json_fields(req).ok_or_else(|| friendly_error(400, "bad_request"))?,
        "application/x-www-form-urlencoded" => form(req),
        _ => return Err(friendly_error(400, "bad_request")),
    };
    if field(&fields, "sitekey").is_some_and(|k| k != DEFAULT_SITE_KEY) {
        return Err(friendly_error(400, "sitekey_invalid"));
    }
    let token = field(&fields, "response").unwrap_or_default().to_string();
    if token.is_empty() {
        return Err(friendly_error(400, "response_missing"));
    }
    Ok(Checked {
        echo: format!(
            "sdk={} sitekey={}",
            // The library's name, without a version that would date the vectors.
            req.header("frc-sdk")
                .map(|v| v.split('@').next().unwrap_or_default())
                .unwrap_or("-"),
            field(&fields, "sitekey").unwrap_or("-")
        ),
        token,
        idempotency_key: None,
        fixed: None,
    })
}

pub(crate) fn yandex_failed(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"status": "failed", "message": message}))
}

/// Yandex takes a form only.
fn yandex(state: &State, req: &Request) -> Result<Checked, Reply> {
    let fields = form(req);
    let secret = field(&fields, "secret").unwrap_or_default();
    if secret.is_empty() {
        return Err(yandex_failed(200, "Authentication failed. Secret has not provided."));
    }
    if !secret_ok(state, secret) {
        return Err(yandex_failed(200, "Authentication failed. Invalid secret."));
    }
    let token = field(&fields, "token").unwrap_or_default().to_string();
    if token.is_empty() {
        return Err(yandex_failed(200, "Token has not provided."));
    }
    Ok(Checked {
        echo: format!("ip={}", field(&fields, "ip").unwrap_or("-")),
        token,
        idempotency_key: None,
        fixed: None,
    })
}

/// The verified answer. Scores are in the provider's own direction: Google's
/// `pass:score=0.9` is a likely human.
pub(crate) fn pass(api: Api, s: &Scenario) -> Reply {
    let now = std::time::SystemTime::now();
    let age = std::time::Duration::from_secs(s.num("age").unwrap_or(5));
    let solved = rfc3339(now - age);
    let hostname = s.get("hostname").unwrap_or("example.com");
    let action = s.get("action").unwrap_or("login");
    let score = |default: Option<f64>| match s.get("score") {
        Some("none") => None,
        Some(v) => v.parse::<f64>().ok(),
        None => default,
    };
    let mut body = match api {
        Api::Turnstile | Api::HCaptcha | Api::Recaptcha => {
            let mut b = json!({"success": true, "challenge_ts": solved, "hostname": hostname, "error-codes": []});
            if api != Api::HCaptcha {
                b["action"] = json!(action);
            }
            if api == Api::Turnstile {
                b["cdata"] = json!("");
            }
            let default = (api == Api::Recaptcha).then_some(0.9);
            if let Some(score) = score(default) {
                b["score"] = json!(score);
                if api == Api::HCaptcha {
                    b["score_reason"] = json!(["mock"]);
                }
            } else if api == Api::Recaptcha {
                // A v2 key: no score, no action.
                b.as_object_mut().unwrap().remove("action");
            }
            b
        }
        Api::Enterprise => json!({
            "name": "projects/mock/assessments/1",
            "tokenProperties": {"valid": true, "invalidReason": "INVALID_REASON_UNSPECIFIED", "hostname": hostname, "action": action, "createTime": solved},
            "riskAnalysis": {"score": score(Some(0.9)), "reasons": []},
        }),
        Api::Friendly => {
            let origin = match s.get("hostname") {
                // Friendly sends an origin URL or a bare host: `origin=bare` picks the latter.
                Some(h) if s.get("origin") == Some("bare") => h.to_string(),
                _ if s.get("origin") == Some("bare") => hostname.to_string(),
                _ => format!("https://{hostname}"),
            };
            json!({"success": true, "data": {"event_id": "mock-event", "challenge": {"timestamp": solved, "origin": origin}}})
        }
        Api::Yandex => json!({"status": "ok", "message": "", "host": hostname}),
        Api::Prosopo | Api::GateKeeper => unreachable!("answered in lib.rs"),
    };
    // `hostname=none` / `action=none` drop the field.
    if let Some(obj) = body.as_object_mut() {
        if s.get("hostname") == Some("none") {
            obj.remove("hostname");
            if let Some(Value::Object(p)) = obj.get_mut("tokenProperties") {
                p.remove("hostname");
            }
        }
        if s.get("action") == Some("none") {
            obj.remove("action");
            if let Some(Value::Object(p)) = obj.get_mut("tokenProperties") {
                p.remove("action");
            }
        }
    }
    Reply::json(200, body)
}

/// The token failed the challenge.
pub(crate) fn token_failed(api: Api) -> Reply {
    match api {
        Api::Turnstile | Api::HCaptcha | Api::Recaptcha => codes(200, &["invalid-input-response"]),
        Api::Enterprise => invalid("MALFORMED"),
        Api::Friendly => friendly_error(200, "response_invalid"),
        Api::Yandex => yandex_failed(200, "Invalid or expired Token."),
        Api::Prosopo | Api::GateKeeper => unreachable!(),
    }
}

pub(crate) fn expired(api: Api) -> Reply {
    match api {
        Api::Turnstile | Api::Recaptcha => codes(200, &["timeout-or-duplicate"]),
        Api::HCaptcha => codes(200, &["expired-input-response"]),
        Api::Enterprise => invalid("EXPIRED"),
        Api::Friendly => friendly_error(200, "response_timeout"),
        Api::Yandex => yandex_failed(200, "Invalid or expired Token."),
        Api::Prosopo | Api::GateKeeper => unreachable!(),
    }
}

pub(crate) fn duplicate(api: Api) -> Reply {
    match api {
        Api::HCaptcha => codes(200, &["already-seen-response"]),
        Api::Enterprise => invalid("DUPE"),
        Api::Friendly => friendly_error(200, "response_duplicate"),
        _ => expired(api),
    }
}

pub(crate) fn server_error(api: Api, status: u16) -> Reply {
    match api {
        Api::Turnstile | Api::HCaptcha | Api::Recaptcha => codes(status, &["internal-error"]),
        Api::Enterprise => google_error(status, if status == 503 { "UNAVAILABLE" } else { "INTERNAL" }, None),
        Api::Friendly => friendly_error(status, "internal_error"),
        Api::Yandex => yandex_failed(status, "Internal error"),
        Api::Prosopo | Api::GateKeeper => unreachable!(),
    }
}

pub(crate) fn rate_limited(api: Api) -> Reply {
    match api {
        Api::Enterprise => google_error(429, "RESOURCE_EXHAUSTED", None),
        Api::Friendly => friendly_error(429, "rate_limited"),
        Api::Yandex => yandex_failed(429, "Too many requests"),
        _ => codes(429, &["rate-limited"]),
    }
}

/// `error:key=K[:status=N]`, in each provider's envelope. The default status
/// is the one the provider documents for the code (Friendly, Google), else 200.
pub(crate) fn error(api: Api, s: &Scenario) -> Reply {
    let key = s.get("key").unwrap_or("unknown");
    let status = s.num("status");
    match api {
        Api::Turnstile | Api::HCaptcha | Api::Recaptcha => {
            let list: Vec<&str> = key.split(',').collect();
            // `:success=true`: a yes that also reports error codes.
            let success = s.get("success") == Some("true");
            Reply::json(status.unwrap_or(200), json!({"success": success, "error-codes": list}))
        }
        Api::Enterprise => {
            let default = match key {
                "INVALID_ARGUMENT" | "FAILED_PRECONDITION" => 400,
                "UNAUTHENTICATED" => 401,
                "PERMISSION_DENIED" => 403,
                "NOT_FOUND" => 404,
                "RESOURCE_EXHAUSTED" => 429,
                "UNAVAILABLE" => 503,
                "INTERNAL" => 500,
                _ => 400,
            };
            google_error(status.unwrap_or(default), key, s.get("reason"))
        }
        Api::Friendly => {
            let default = match key {
                "auth_required" | "auth_invalid" => 401,
                "response_invalid" | "response_timeout" | "response_duplicate" => 200,
                _ => 400,
            };
            friendly_error(status.unwrap_or(default), key)
        }
        // Messages carry spaces: `_` in the token stands for a space.
        Api::Yandex => yandex_failed(status.unwrap_or(200), &key.replace('_', " ")),
        Api::Prosopo | Api::GateKeeper => unreachable!(),
    }
}

/// 200 with a body that is JSON but not the documented shape.
pub(crate) fn wrong_shape(api: Api) -> Reply {
    match api {
        Api::Turnstile | Api::HCaptcha | Api::Recaptcha => Reply::json(200, json!({"success": "true"})),
        Api::Enterprise => Reply::json(200, json!({"riskAnalysis": {"score": 0.9}})),
        Api::Friendly => Reply::json(200, json!({"success": true})),
        Api::Yandex => Reply::json(200, json!({"status": "ok", "message": ""})),
        Api::Prosopo | Api::GateKeeper => unreachable!(),
    }
}

/// The provider's own fail-open, where it has one: Yandex's `ok` with an
/// empty host. Elsewhere the scenario answers as an unknown token.
pub(crate) fn fail_open(api: Api) -> Reply {
    match api {
        Api::Yandex => Reply::json(200, json!({"status": "ok", "message": "", "host": ""})),
        _ => token_failed(api),
    }
}

/// `echo`: verified, with what the client sent besides secret and token in
/// the action (Friendly and Yandex have none: in the hostname).
pub(crate) fn echo(api: Api, seen: &str) -> Reply {
    let s = Scenario::parse("pass");
    let Reply::Answer { body, .. } = pass(api, &s) else {
        unreachable!()
    };
    let mut body: Value = serde_json::from_slice(&body).unwrap();
    match api {
        Api::Enterprise => body["tokenProperties"]["action"] = json!(seen),
        Api::Friendly => body["data"]["challenge"]["origin"] = json!(seen),
        Api::Yandex => body["host"] = json!(seen),
        _ => body["action"] = json!(seen),
    }
    Reply::json(200, body)
}
