//! Cloudflare Turnstile (`POST /turnstile/v0/siteverify`): a form or JSON
//! (both documented), Cloudflare's test secrets, and the idempotency key that
//! makes a retry get the first answer.

use serde_json::json;

use super::request::{content_type, field, form, json_fields};
use super::{edit_pass, score, siteverify, Checked, Provider};
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

/// Cloudflare's documented test secrets (always pass, always fail, already spent) and dummy token.
pub const TURNSTILE_PASS_SECRET: &str = "1x0000000000000000000000000000000AA";
pub const TURNSTILE_FAIL_SECRET: &str = "2x0000000000000000000000000000000AA";
pub const TURNSTILE_SPENT_SECRET: &str = "3x0000000000000000000000000000000AA";
pub const TURNSTILE_DUMMY_TOKEN: &str = "XXXX.DUMMY.TOKEN.XXXX";

pub(crate) struct Turnstile;

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

impl Provider for Turnstile {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let codes = siteverify::codes;
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
        if !test && !state.accepts(secret) {
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
            TURNSTILE_PASS_SECRET => Some(self.pass(&Scenario::parse("pass"))),
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

    fn pass(&self, s: &Scenario) -> Reply {
        let mut body = siteverify::verified(s);
        body["action"] = siteverify::action(s);
        body["cdata"] = json!("");
        if let Some(score) = score(s, None) {
            body["score"] = json!(score);
        }
        siteverify::answer(body, s)
    }

    fn expired(&self) -> Reply {
        siteverify::codes(200, &["timeout-or-duplicate"])
    }

    siteverify::siteverify_family_answers!();
}
