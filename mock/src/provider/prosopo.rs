//! Prosopo Procaptcha (`POST /siteverify`): a JSON body with `secret` and
//! `token`; errors in Prosopo's `{"error":{"code","key","message","data"}}`.

use serde_json::{json, Value};

use super::request::content_type;
use super::{json_echo, score, Checked, Provider};
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

pub(crate) struct Prosopo;

fn error(status: u16, key: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"code": status, "key": key, "message": message, "data": {}}}),
    )
}

impl Provider for Prosopo {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        if content_type(req) != "application/json" || req.body.is_empty() {
            return Err(error(400, "API.MISSING_BODY", "Missing body"));
        }
        let body: Value =
            serde_json::from_slice(&req.body).map_err(|_| error(400, "API.PARSE_ERROR", "Parse error"))?;
        let Value::Object(obj) = &body else {
            return Err(error(400, "API.PARSE_ERROR", "Parse error"));
        };
        let (Some(secret), Some(token)) = (obj.get("secret"), obj.get("token")) else {
            return Err(error(400, "API.MISSING_BODY", "Missing body"));
        };
        let optional_ok = ["ip", "email"]
            .iter()
            .all(|k| matches!(obj.get(*k), None | Some(Value::String(_))));
        let (Value::String(secret), Value::String(token), true) = (secret, token, optional_ok) else {
            return Err(error(400, "API.PARSE_ERROR", "Parse error"));
        };
        if !state.accepts(secret) {
            return Err(error(400, "API.INVALID_SITE_KEY", "Invalid site key"));
        }
        Ok(Checked {
            token: token.clone(),
            echo: json_echo(&body),
            idempotency_key: None,
            fixed: None,
        })
    }

    fn pass(&self, s: &Scenario) -> Reply {
        let mut body = json!({"status": "ok", "verified": true});
        if let Some(score) = score(s, None) {
            body["score"] = json!(score);
        }
        if let Some(reason) = s.get("reason") {
            body["reason"] = json!(reason);
        }
        Reply::json(200, body)
    }

    fn token_failed(&self) -> Reply {
        Reply::json(200, json!({"status": "ok", "verified": false, "score": 0}))
    }

    fn expired(&self) -> Reply {
        error(400, "API.USER_NOT_VERIFIED_TIME_EXPIRED", "Verification expired")
    }

    fn duplicate(&self) -> Reply {
        error(400, "API.USER_ALREADY_VERIFIED", "User already verified")
    }

    fn server_error(&self, status: u16) -> Reply {
        error(status, "API.UNKNOWN", "Unknown error")
    }

    fn rate_limited(&self) -> Reply {
        error(429, "API.RATE_LIMITED", "Too many requests")
    }

    fn error(&self, s: &Scenario) -> Reply {
        let status = s.num("status").unwrap_or(400);
        error(status, s.get("key").unwrap_or("API.UNKNOWN_ERROR"), "Mock error")
    }

    fn wrong_shape(&self) -> Reply {
        Reply::json(200, json!({"status": "ok", "verified": "yes"}))
    }

    fn fail_open(&self) -> Reply {
        Reply::json(200, json!({"status": "ok", "verified": true, "score": 0}))
    }

    fn echo(&self, seen: &str) -> Reply {
        Reply::json(200, json!({"status": "ok", "verified": true, "reason": seen}))
    }
}
