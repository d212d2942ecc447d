//! Google reCAPTCHA v2/v3 (`POST /recaptcha/api/siteverify`): a form only, a
//! v3 score by default (`score=none` answers as a v2 key), and Google's test secret.

use std::time::SystemTime;

use serde_json::json;

use super::request::{field, form};
use super::{edit_pass, score, siteverify, Checked, Provider};
use crate::dates::rfc3339;
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

/// Google's documented reCAPTCHA v2 test secret: every token passes.
pub const RECAPTCHA_TEST_SECRET: &str = "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe";

pub(crate) struct Recaptcha;

impl Provider for Recaptcha {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let codes = siteverify::codes;
        let fields = form(req);
        let secret = field(&fields, "secret").unwrap_or_default();
        let token = field(&fields, "response").unwrap_or_default().to_string();
        match (secret.is_empty(), token.is_empty()) {
            (true, true) => return Err(codes(200, &["missing-input-secret", "missing-input-response"])),
            (true, false) => return Err(codes(200, &["missing-input-secret"])),
            _ => {}
        }
        let test = secret == RECAPTCHA_TEST_SECRET;
        if !test && !state.accepts(secret) {
            return Err(codes(200, &["invalid-input-secret"]));
        }
        if token.is_empty() {
            return Err(codes(200, &["missing-input-response"]));
        }
        let fixed = test.then(|| {
            Reply::json(
                200,
                json!({"success": true, "challenge_ts": rfc3339(SystemTime::now()), "hostname": "testkey.google.com"}),
            )
        });
        Ok(Checked {
            echo: format!("ip={}", field(&fields, "remoteip").unwrap_or("-")),
            token,
            idempotency_key: None,
            fixed,
        })
    }

    fn pass(&self, s: &Scenario) -> Reply {
        let mut body = siteverify::verified(s);
        body["action"] = siteverify::action(s);
        if let Some(score) = score(s, Some(0.9)) {
            body["score"] = json!(score);
        } else {
            // A v2 key: no score, no action.
            body.as_object_mut().unwrap().remove("action");
        }
        siteverify::answer(body, s)
    }

    fn expired(&self) -> Reply {
        siteverify::codes(200, &["timeout-or-duplicate"])
    }

    siteverify::siteverify_family_answers!();
}
