//! hCaptcha (`POST /hcaptcha/siteverify` in the mock): a form only (JSON reaches
//! it as no fields at all), the site key checked against the secret, and
//! hCaptcha's test site key, secret and token.

use serde_json::json;

use super::request::{field, form};
use super::{edit_pass, score, siteverify, Checked, Provider, DEFAULT_SITE_KEY};
use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

/// hCaptcha's documented test site key, secret and token.
pub const HCAPTCHA_TEST_SITE_KEY: &str = "10000000-ffff-ffff-ffff-000000000001";
pub const HCAPTCHA_TEST_SECRET: &str = "0x0000000000000000000000000000000000000000";
pub const HCAPTCHA_TEST_TOKEN: &str = "10000000-aaaa-bbbb-cccc-000000000001";

pub(crate) struct HCaptcha;

impl Provider for HCaptcha {
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply> {
        let codes = siteverify::codes;
        let fields = form(req);
        let secret = field(&fields, "secret").unwrap_or_default();
        if secret.is_empty() {
            return Err(codes(200, &["missing-input-secret"]));
        }
        let test_secret = secret == HCAPTCHA_TEST_SECRET;
        if !test_secret && !state.accepts(secret) {
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
            (true, true) => Some(self.pass(&Scenario::parse("pass"))),
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

    /// No `action`; a score (Enterprise) comes with its `score_reason`.
    fn pass(&self, s: &Scenario) -> Reply {
        let mut body = siteverify::verified(s);
        if let Some(score) = score(s, None) {
            body["score"] = json!(score);
            body["score_reason"] = json!(["mock"]);
        }
        siteverify::answer(body, s)
    }

    fn expired(&self) -> Reply {
        siteverify::codes(200, &["expired-input-response"])
    }

    fn duplicate(&self) -> Reply {
        siteverify::codes(200, &["already-seen-response"])
    }

    siteverify::siteverify_family_answers!();
}
