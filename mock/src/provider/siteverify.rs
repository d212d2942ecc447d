//! What Turnstile, hCaptcha and reCAPTCHA v2/v3 share (as `core`'s
//! `siteverify.rs`): the `{"success", "error-codes"}` envelope, the verified
//! answer's common fields, and the same error, 429 and server-error shapes.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::dates::rfc3339;
use crate::http::Reply;
use crate::scenario::Scenario;

/// The answers the three share, for their `Provider` impls: an unknown token,
/// server errors, 429, the error envelope, the wrong shape, and `echo` as the
/// pass answer with `action` replaced.
macro_rules! siteverify_family_answers {
    () => {
        fn token_failed(&self) -> Reply {
            siteverify::token_failed()
        }

        fn server_error(&self, status: u16) -> Reply {
            siteverify::server_error(status)
        }

        fn rate_limited(&self) -> Reply {
            siteverify::rate_limited()
        }

        fn error(&self, s: &Scenario) -> Reply {
            siteverify::error(s)
        }

        fn wrong_shape(&self) -> Reply {
            siteverify::wrong_shape()
        }

        fn echo(&self, seen: &str) -> Reply {
            edit_pass(self, |body| body["action"] = json!(seen))
        }
    };
}
pub(super) use siteverify_family_answers;

/// `{"success": false, "error-codes": codes}`.
pub(super) fn codes(status: u16, codes: &[&str]) -> Reply {
    Reply::json(status, json!({"success": false, "error-codes": codes}))
}

/// The fields every member's verified answer has; each adds its own.
pub(super) fn verified(s: &Scenario) -> Value {
    let now = SystemTime::now();
    let age = Duration::from_secs(s.num("age").unwrap_or(5));
    let hostname = s.get("hostname").unwrap_or("example.com");
    json!({"success": true, "challenge_ts": rfc3339(now - age), "hostname": hostname, "error-codes": []})
}

/// The scenario's `action`, for the members that report one.
pub(super) fn action(s: &Scenario) -> Value {
    json!(s.get("action").unwrap_or("login"))
}

/// The verified answer, with `hostname=none` / `action=none` dropping the field.
pub(super) fn answer(mut body: Value, s: &Scenario) -> Reply {
    if let Some(obj) = body.as_object_mut() {
        if s.get("hostname") == Some("none") {
            obj.remove("hostname");
        }
        if s.get("action") == Some("none") {
            obj.remove("action");
        }
    }
    Reply::json(200, body)
}

pub(super) fn token_failed() -> Reply {
    codes(200, &["invalid-input-response"])
}

pub(super) fn server_error(status: u16) -> Reply {
    codes(status, &["internal-error"])
}

pub(super) fn rate_limited() -> Reply {
    codes(429, &["rate-limited"])
}

/// `error:key=K[:status=N][:success=true]`: `K` may list several codes
/// separated by commas; `success=true` is a yes that also reports error codes.
pub(super) fn error(s: &Scenario) -> Reply {
    let list: Vec<&str> = s.get("key").unwrap_or("unknown").split(',').collect();
    let success = s.get("success") == Some("true");
    Reply::json(
        s.num("status").unwrap_or(200),
        json!({"success": success, "error-codes": list}),
    )
}

pub(super) fn wrong_shape() -> Reply {
    Reply::json(200, json!({"success": "true"}))
}
