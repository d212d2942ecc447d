//! GateKeeper gkCAPTCHA (`POST /api/v1/token/verify`): the secret as a Bearer
//! token, a JSON body with `token`; the verdict nested in `data`.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use super::request::content_type;
use super::{json_echo, score, Checked, Provider};
use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

pub(crate) struct GateKeeper;

/// `code` may list several codes separated by commas.
fn error(status: u16, code: &str) -> Reply {
    let codes: Vec<&str> = code.split(',').collect();
    Reply::json(status, json!({"success": false, "error_codes": codes}))
}

/// A well-formed answer whose verdict is no, with this code.
fn not_verified(code: &str) -> Reply {
    Reply::json(
        200,
        json!({"success": true, "data": {"verified": false, "score": 0.85, "error_codes": [code]}}),
    )
}

impl Provider for GateKeeper {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let Some(secret) = req.header("authorization").and_then(|v| v.strip_prefix("Bearer ")) else {
            return Err(error(401, "missing-input-secret"));
        };
        if !state.accepts(secret.trim()) {
            return Err(error(401, "invalid-input-secret"));
        }
        if content_type(req) != "application/json" {
            return Err(error(400, "bad-request"));
        }
        let body: Value = serde_json::from_slice(&req.body).map_err(|_| error(400, "bad-request"))?;
        let Value::Object(obj) = &body else {
            return Err(error(400, "bad-request"));
        };
        if !matches!(obj.get("remoteip"), None | Some(Value::String(_))) {
            return Err(error(400, "bad-request"));
        }
        let token = match obj.get("token") {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            None | Some(Value::String(_)) => return Err(error(400, "missing-input-response")),
            Some(_) => return Err(error(400, "bad-request")),
        };
        Ok(Checked {
            token,
            echo: json_echo(&body),
            idempotency_key: None,
            fixed: None,
        })
    }

    fn pass(&self, s: &Scenario) -> Reply {
        let now = SystemTime::now();
        let age = Duration::from_secs(s.num("age").unwrap_or(5));
        let mut data = json!({
            "verified": true,
            "hostname": s.get("hostname").unwrap_or("example.com"),
            "action": s.get("action").unwrap_or("login"),
            "timestamp": rfc3339(now),
            "challenge_ts": rfc3339(now - age),
        });
        if let Some(score) = score(s, Some(0.1)) {
            data["score"] = json!(score);
        }
        if s.get("hostname") == Some("none") {
            data.as_object_mut().unwrap().remove("hostname");
        }
        if s.get("action") == Some("none") {
            data.as_object_mut().unwrap().remove("action");
        }
        Reply::json(200, json!({"success": true, "data": data}))
    }

    fn token_failed(&self) -> Reply {
        not_verified("invalid-input-response")
    }

    fn expired(&self) -> Reply {
        not_verified("timeout-or-duplicate")
    }

    fn server_error(&self, status: u16) -> Reply {
        error(status, "internal-error")
    }

    fn rate_limited(&self) -> Reply {
        error(429, "rate-limited")
    }

    fn error(&self, s: &Scenario) -> Reply {
        error(
            s.num("status").unwrap_or(400),
            s.get("key").unwrap_or("API.UNKNOWN_ERROR"),
        )
    }

    fn wrong_shape(&self) -> Reply {
        Reply::json(200, json!({"success": true}))
    }

    /// GateKeeper's SDK reports fail-open in its flat, undocumented shape.
    fn fail_open(&self) -> Reply {
        Reply::json(200, json!({"success": true, "score": 0, "failOpen": true}))
    }

    fn echo(&self, seen: &str) -> Reply {
        Reply::json(
            200,
            json!({"success": true, "data": {"verified": true, "action": seen}}),
        )
    }
}
