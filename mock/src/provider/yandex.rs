//! Yandex SmartCaptcha (`POST /validate`): a form only with `secret` and
//! `token`; every answer is `{"status", "message"}`, a pass adds the `host`.

use serde_json::json;

use super::request::{field, form};
use super::{edit_pass, Checked, Provider};
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

pub(crate) struct Yandex;

fn failed(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"status": "failed", "message": message}))
}

impl Provider for Yandex {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let fields = form(req);
        let secret = field(&fields, "secret").unwrap_or_default();
        if secret.is_empty() {
            return Err(failed(200, "Authentication failed. Secret has not provided."));
        }
        if !state.accepts(secret) {
            return Err(failed(200, "Authentication failed. Invalid secret."));
        }
        let token = field(&fields, "token").unwrap_or_default().to_string();
        if token.is_empty() {
            return Err(failed(200, "Token has not provided."));
        }
        Ok(Checked {
            echo: format!("ip={}", field(&fields, "ip").unwrap_or("-")),
            token,
            idempotency_key: None,
            fixed: None,
        })
    }

    /// No score, no action, no timestamp: the host only.
    fn pass(&self, s: &Scenario) -> Reply {
        let hostname = s.get("hostname").unwrap_or("example.com");
        Reply::json(200, json!({"status": "ok", "message": "", "host": hostname}))
    }

    fn token_failed(&self) -> Reply {
        failed(200, "Invalid or expired Token.")
    }

    /// Yandex answers an expired and a reused token alike.
    fn expired(&self) -> Reply {
        failed(200, "Invalid or expired Token.")
    }

    fn server_error(&self, status: u16) -> Reply {
        failed(status, "Internal error")
    }

    fn rate_limited(&self) -> Reply {
        failed(429, "Too many requests")
    }

    /// Messages carry spaces: `_` in the token stands for a space.
    fn error(&self, s: &Scenario) -> Reply {
        let key = s.get("key").unwrap_or("unknown");
        failed(s.num("status").unwrap_or(200), &key.replace('_', " "))
    }

    fn wrong_shape(&self) -> Reply {
        Reply::json(200, json!({"status": "ok", "message": ""}))
    }

    /// Yandex's own fail-open: `ok` with an empty host.
    fn fail_open(&self) -> Reply {
        Reply::json(200, json!({"status": "ok", "message": "", "host": ""}))
    }

    /// Yandex's answer has no action: `seen` goes in the host.
    fn echo(&self, seen: &str) -> Reply {
        edit_pass(self, |body| body["host"] = json!(seen))
    }
}
