//! Parse + policy with the invariants every provider answer must keep, for
//! the fuzz targets in `fuzz/` (feature `fuzzing`) and the property tests
//! below. Not a public API.

use serde_json::Value;

use crate::health::Outage;
use crate::outcome::{Outcome, Reason};
use crate::policy::{FailMode, Finished, Policy};
use crate::provider::{Provider, Sent};

/// Parses `body` as `provider`'s answer with HTTP `status`, decides it under
/// `fail_mode` (with the outage check answering `outage`), and panics if an
/// invariant breaks:
/// - under `closed`, nothing but a conclusive `verified` is accepted;
/// - under `open`, an inconclusive outcome is accepted only if the outage
///   check confirmed an outage (or it is the provider's fail-open answer);
/// - `verified` only from a 2xx whose body says the provider's literal success;
/// - a score stays in [0, 1];
/// - a TLS failure is never accepted.
pub fn check(provider: Provider, status: u16, body: &[u8], fail_mode: FailMode, outage: Option<Outage>) -> Outcome {
    // With and without our site key sent: the invariants hold either way.
    check_sent(provider, status, body, fail_mode, outage, Sent { site_key: false });
    check_sent(provider, status, body, fail_mode, outage, Sent { site_key: true })
}

fn check_sent(
    provider: Provider,
    status: u16,
    body: &[u8],
    fail_mode: FailMode,
    outage: Option<Outage>,
    sent: Sent,
) -> Outcome {
    let answer = provider.protocol().parse(status, body, sent);
    let policy = Policy {
        fail_mode,
        ..Policy::default()
    };
    let finished = Finished {
        answer,
        http_status: Some(status),
        attempts: 1,
        earlier_attempt_may_have_landed: false,
        token_sent: true,
        round_trips: Vec::new(),
    };
    let outage = if policy.needs_outage_check(&finished) {
        outage
    } else {
        None
    };
    let o = policy.decide(finished, outage);

    if let Some(score) = o.score {
        assert!((0.0..=1.0).contains(&score), "score {score} outside [0, 1]");
    }
    if o.verified {
        assert!(o.accepted && o.conclusive && o.reason == Reason::Verified);
        assert!((200..300).contains(&status), "verified from HTTP {status}");
        assert!(
            literal_success(provider, body),
            "verified without the literal success: {body:?}"
        );
    }
    if o.accepted {
        match fail_mode {
            FailMode::Closed => assert!(o.verified, "closed accepted {:?}", o.reason),
            FailMode::Open => assert!(
                o.verified || o.reason == Reason::ProviderFailOpen || outage.is_some_and(Outage::confirmed),
                "open accepted {:?} without a confirmed outage",
                o.reason
            ),
        }
    }
    if !o.conclusive {
        assert!(!o.verified);
    }
    o
}

/// The provider's own words for "verified", read independently of the parser.
fn literal_success(provider: Provider, body: &[u8]) -> bool {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let yes = Some(&Value::Bool(true));
    match provider {
        Provider::Prosopo => obj.get("verified") == yes,
        Provider::GateKeeper => obj.get("success") == yes && obj.get("data").and_then(|d| d.get("verified")) == yes,
        Provider::Turnstile | Provider::HCaptcha | Provider::Recaptcha | Provider::Friendly => {
            obj.get("success") == yes
        }
        Provider::RecaptchaEnterprise => obj.get("tokenProperties").and_then(|t| t.get("valid")) == yes,
        Provider::Yandex => {
            obj.get("status") == Some(&Value::String("ok".into()))
                && obj
                    .get("host")
                    .and_then(Value::as_str)
                    .is_some_and(|h| !h.trim().is_empty())
        }
    }
}

/// For the fuzz targets: one byte picks the outage check's answer.
pub fn outage_from(byte: u8) -> Option<Outage> {
    match byte % 5 {
        0 => None,
        1 => Some(Outage::Unreachable),
        2 => Some(Outage::Confirmed),
        3 => Some(Outage::Refuted),
        _ => Some(Outage::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
            (-2i64..3).prop_map(|n| Value::Number(n.into())),
            prop::sample::select(vec![
                "ok",
                "failed",
                "API.UNKNOWN",
                "API.INVALID_SITE_KEY",
                "API.MISSING_BODY",
                "GENERAL.MISSING_SECRET_KEY",
                "invalid-input-secret",
                "invalid-input-response",
                "timeout-or-duplicate",
                "bad-request",
                "internal-error",
                "missing-input-secret",
                "not-using-dummy-passcode",
                "invalid-sitekey",
                "INVALID_ARGUMENT",
                "PERMISSION_DENIED",
                "API_KEY_INVALID",
                "DUPE",
                "MALFORMED",
                "auth_invalid",
                "sitekey_invalid",
                "response_duplicate",
                "Invalid or expired Token.",
                "Authentication failed.",
                "example.com",
                "",
                "x",
            ])
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            let keys = prop::sample::select(vec![
                "status",
                "verified",
                "score",
                "reason",
                "error",
                "key",
                "code",
                "message",
                "success",
                "data",
                "error_codes",
                "hostname",
                "action",
                "challenge_ts",
                "error-codes",
                "tokenProperties",
                "valid",
                "invalidReason",
                "riskAnalysis",
                "details",
                "reason",
                "error_code",
                "challenge",
                "origin",
                "timestamp",
                "host",
            ]);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys.prop_map(String::from), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn status() -> impl Strategy<Value = u16> {
        prop_oneof![
            Just(200u16),
            Just(400),
            Just(401),
            Just(404),
            Just(429),
            Just(500),
            Just(501),
            Just(503),
            100u16..600
        ]
    }

    fn provider() -> impl Strategy<Value = Provider> {
        prop::sample::select(Provider::ALL.to_vec())
    }

    fn mode() -> impl Strategy<Value = FailMode> {
        prop_oneof![Just(FailMode::Closed), Just(FailMode::Open)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn structured_answers_keep_the_invariants(
            p in provider(), s in status(), v in json_value(), m in mode(), o in any::<u8>()
        ) {
            check(p, s, v.to_string().as_bytes(), m, outage_from(o));
        }

        #[test]
        fn arbitrary_bytes_keep_the_invariants(
            p in provider(), s in status(), b in prop::collection::vec(any::<u8>(), 0..256), m in mode(), o in any::<u8>()
        ) {
            check(p, s, &b, m, outage_from(o));
        }
    }

    #[test]
    fn the_invariants_hold_for_the_documented_answers() {
        let o = check(
            Provider::Prosopo,
            200,
            br#"{"status":"ok","verified":true,"score":0.1}"#,
            FailMode::Closed,
            None,
        );
        assert!(o.verified);
        let o = check(
            Provider::Prosopo,
            200,
            br#"{"status":"ok","verified":true,"score":0}"#,
            FailMode::Closed,
            None,
        );
        assert!(!o.accepted && o.fail_open_suspected);
        let o = check(
            Provider::GateKeeper,
            500,
            b"<html>",
            FailMode::Open,
            Some(Outage::Refuted),
        );
        assert!(!o.accepted);
        let o = check(
            Provider::Recaptcha,
            200,
            br#"{"success":true,"score":0.9}"#,
            FailMode::Closed,
            None,
        );
        assert!(o.verified && o.score == Some(0.1));
        let o = check(
            Provider::Yandex,
            200,
            br#"{"status":"ok","message":"","host":""}"#,
            FailMode::Closed,
            None,
        );
        assert!(!o.accepted && o.fail_open_suspected);
        let o = check(
            Provider::RecaptchaEnterprise,
            200,
            br#"{"tokenProperties":{"valid":false,"invalidReason":"DUPE"}}"#,
            FailMode::Open,
            Some(Outage::Confirmed),
        );
        assert!(!o.accepted && o.conclusive);
    }
}
