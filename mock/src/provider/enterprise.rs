//! reCAPTCHA Enterprise (`POST /v1/projects/{id}/assessments`): the API key in
//! `X-Goog-Api-Key`, a JSON `{event: {...}}`, verdicts as assessments and
//! errors in Google's envelope.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use super::request::content_type;
use super::{edit_pass, score, Checked, Provider, DEFAULT_SITE_KEY};
use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

pub(crate) struct Enterprise;

/// The project in `/v1/projects/{id}/assessments`, if the path has that shape.
pub(super) fn project(path: &str) -> Option<&str> {
    path.strip_prefix("/v1/projects/")?.strip_suffix("/assessments")
}

/// Google's error envelope.
fn google_error(status: u16, canonical: &str, reason: Option<&str>) -> Reply {
    let mut error = json!({"code": status, "message": format!("mock: {canonical}"), "status": canonical});
    if let Some(reason) = reason {
        error["details"] = json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}]);
    }
    Reply::json(status, json!({ "error": error }))
}

/// HTTP 200 with `valid:false` and this reason.
fn invalid(reason: &str) -> Reply {
    Reply::json(
        200,
        json!({"name": "projects/mock/assessments/1", "tokenProperties": {"valid": false, "invalidReason": reason}, "riskAnalysis": {"score": 0.0, "reasons": []}}),
    )
}

impl Provider for Enterprise {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let path = req.path.split('?').next().unwrap_or_default();
        let project = project(path).unwrap_or_default();
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
        if !state.accepts(key) {
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

    /// The score defaults to 0.9 (`null` with `score=none`).
    fn pass(&self, s: &Scenario) -> Reply {
        let solved = rfc3339(SystemTime::now() - Duration::from_secs(s.num("age").unwrap_or(5)));
        let mut body = json!({
            "name": "projects/mock/assessments/1",
            "tokenProperties": {
                "valid": true,
                "invalidReason": "INVALID_REASON_UNSPECIFIED",
                "hostname": s.get("hostname").unwrap_or("example.com"),
                "action": s.get("action").unwrap_or("login"),
                "createTime": solved,
            },
            "riskAnalysis": {"score": score(s, Some(0.9)), "reasons": []},
        });
        let properties = body["tokenProperties"].as_object_mut().unwrap();
        if s.get("hostname") == Some("none") {
            properties.remove("hostname");
        }
        if s.get("action") == Some("none") {
            properties.remove("action");
        }
        Reply::json(200, body)
    }

    fn token_failed(&self) -> Reply {
        invalid("MALFORMED")
    }

    fn expired(&self) -> Reply {
        invalid("EXPIRED")
    }

    fn duplicate(&self) -> Reply {
        invalid("DUPE")
    }

    fn server_error(&self, status: u16) -> Reply {
        google_error(status, if status == 503 { "UNAVAILABLE" } else { "INTERNAL" }, None)
    }

    fn rate_limited(&self) -> Reply {
        google_error(429, "RESOURCE_EXHAUSTED", None)
    }

    /// The default status is the one Google documents for the canonical code.
    fn error(&self, s: &Scenario) -> Reply {
        let key = s.get("key").unwrap_or("unknown");
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
        google_error(s.num("status").unwrap_or(default), key, s.get("reason"))
    }

    fn wrong_shape(&self) -> Reply {
        Reply::json(200, json!({"riskAnalysis": {"score": 0.9}}))
    }

    fn invalid(&self, s: &Scenario) -> Reply {
        invalid(s.get("reason").unwrap_or("MALFORMED"))
    }

    fn echo(&self, seen: &str) -> Reply {
        edit_pass(self, |body| body["tokenProperties"]["action"] = json!(seen))
    }
}
