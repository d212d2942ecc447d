//! Friendly Captcha v2 (`POST /api/v2/captcha/siteverify`): the API key in
//! `X-API-Key`, a JSON body or a form (both documented), errors as
//! `{"success": false, "error": {"error_code", "detail"}}`.

use std::time::{Duration, SystemTime};

use serde_json::json;

use super::request::{content_type, field, form, json_fields};
use super::{edit_pass, Checked, Provider, DEFAULT_SITE_KEY};
use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

pub(crate) struct Friendly;

fn error(status: u16, code: &str) -> Reply {
    Reply::json(
        status,
        json!({"success": false, "error": {"error_code": code, "detail": format!("mock: {code}")}}),
    )
}

impl Provider for Friendly {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let Some(key) = req.header("x-api-key") else {
            return Err(error(401, "auth_required"));
        };
        if !state.accepts(key) {
            return Err(error(401, "auth_invalid"));
        }
        let fields = match content_type(req).as_str() {
            "application/json" => json_fields(req).ok_or_else(|| error(400, "bad_request"))?,
            "application/x-www-form-urlencoded" => form(req),
            _ => return Err(error(400, "bad_request")),
        };
        if field(&fields, "sitekey").is_some_and(|k| k != DEFAULT_SITE_KEY) {
            return Err(error(400, "sitekey_invalid"));
        }
        let token = field(&fields, "response").unwrap_or_default().to_string();
        if token.is_empty() {
            return Err(error(400, "response_missing"));
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

    /// No score, no action; the hostname as an origin URL (`origin=bare`: a bare host).
    fn pass(&self, s: &Scenario) -> Reply {
        let solved = rfc3339(SystemTime::now() - Duration::from_secs(s.num("age").unwrap_or(5)));
        let hostname = s.get("hostname").unwrap_or("example.com");
        let origin = if s.get("origin") == Some("bare") {
            hostname.to_string()
        } else {
            format!("https://{hostname}")
        };
        Reply::json(
            200,
            json!({"success": true, "data": {"event_id": "mock-event", "challenge": {"timestamp": solved, "origin": origin}}}),
        )
    }

    fn token_failed(&self) -> Reply {
        error(200, "response_invalid")
    }

    fn expired(&self) -> Reply {
        error(200, "response_timeout")
    }

    fn duplicate(&self) -> Reply {
        error(200, "response_duplicate")
    }

    fn server_error(&self, status: u16) -> Reply {
        error(status, "internal_error")
    }

    fn rate_limited(&self) -> Reply {
        error(429, "rate_limited")
    }

    /// The default status is the one Friendly documents for the code.
    fn error(&self, s: &Scenario) -> Reply {
        let key = s.get("key").unwrap_or("unknown");
        let default = match key {
            "auth_required" | "auth_invalid" => 401,
            "response_invalid" | "response_timeout" | "response_duplicate" => 200,
            _ => 400,
        };
        error(s.num("status").unwrap_or(default), key)
    }

    fn wrong_shape(&self) -> Reply {
        Reply::json(200, json!({"success": true}))
    }

    /// Friendly's answer has no action: `seen` goes in the origin.
    fn echo(&self, seen: &str) -> Reply {
        edit_pass(self, |body| body["data"]["challenge"]["origin"] = json!(seen))
    }
}
