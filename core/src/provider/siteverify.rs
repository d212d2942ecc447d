//! The reCAPTCHA-style `siteverify` family: Cloudflare Turnstile, hCaptcha and
//! Google reCAPTCHA v2/v3 share one wire shape, so they share this parser and
//! differ in a table (endpoint, extra fields, score direction, token bounds,
//! and which error code only the integrator's configuration can cause).
//!
//! Request: a form with `secret`, `response`, `remoteip` and, per provider,
//! `idempotency_key` (Turnstile) or `sitekey` (hCaptcha).
//! Answer: `{success, error-codes?, challenge_ts?, hostname?, action?, score?}`.

use super::json::{opt_bool, opt_codes, opt_score, opt_str, parse_object, Obj};
use super::score::reversed;
use super::{
    endpoint_refusal, is_transient_status, no_regions, Answer, Capabilities, Credentials, Extras, Need, Protocol, Sent,
    TokenLimits, Verdict, WireRequest,
};
use crate::error::Result;
use crate::outcome::Reason;

/// Who can cause an error code (the README's classification tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Only the integrator's configuration (secret, our own site key).
    Config,
    /// The token: expired or already used.
    TokenSpent,
    /// The token (or the end user's request): a documented code it can cause.
    Token,
    /// The provider says trying again may help.
    Transient,
    /// Not documented: the token's doing (the safe side), unless the status
    /// says the provider is in trouble.
    Unknown,
}

/// Which way the provider's score points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scores {
    /// Never sends one (a `score` field, if any, is ignored).
    None,
    /// 0 = human, as siteverify (hCaptcha Enterprise).
    HumanLow,
    /// 1 = human (Google): reversed, see `score.rs`.
    HumanHigh,
}

pub(crate) struct Siteverify {
    name: &'static str,
    url: &'static str,
    limits: TokenLimits,
    caps: Capabilities,
    scores: Scores,
    classify: fn(&str, Sent) -> Cause,
}

/// Cloudflare Turnstile. Tokens are at most 2048 characters (documented).
pub(crate) const TURNSTILE: Siteverify = Siteverify {
    name: "turnstile",
    url: "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    limits: TokenLimits {
        max_chars: 2048,
        // Its tokens are ASCII; a byte bound equal to the character bound
        // also caps what JavaScript counts, so no token under it fails theirs.
        max_bytes: 2048,
    },
    caps: Capabilities {
        idempotent_retries: true,
        ..Capabilities::basic()
    },
    scores: Scores::None,
    classify: turnstile_cause,
};

/// hCaptcha. Token bounds are undocumented: 32 KiB is far above its tokens.
pub(crate) const HCAPTCHA: Siteverify = Siteverify {
    name: "hcaptcha",
    url: "https://api.hcaptcha.com/siteverify",
    limits: TokenLimits {
        max_chars: 32_768,
        max_bytes: 32_768,
    },
    caps: Capabilities {
        action: false,
        score: true,
        site_key: Need::Optional,
        ..Capabilities::basic()
    },
    scores: Scores::HumanLow,
    classify: hcaptcha_cause,
};

/// Google reCAPTCHA v2 and v3. Token bounds are undocumented.
pub(crate) const RECAPTCHA: Siteverify = Siteverify {
    name: "recaptcha",
    url: "https://www.google.com/recaptcha/api/siteverify",
    limits: TokenLimits {
        max_chars: 32_768,
        max_bytes: 32_768,
    },
    caps: Capabilities {
        score: true,
        ..Capabilities::basic()
    },
    scores: Scores::HumanHigh,
    classify: recaptcha_cause,
};

/// Turnstile's codes. `internal-error` is the one it documents as retryable.
/// `invalid-parsed-secret` is also what a test secret answers to a real
/// token, so a token can cause it.
fn turnstile_cause(code: &str, _sent: Sent) -> Cause {
    match code {
        "missing-input-secret" | "invalid-input-secret" | "invalid-widget-id" => Cause::Config,
        "timeout-or-duplicate" => Cause::TokenSpent,
        "internal-error" => Cause::Transient,
        // bad-request: the token is the only free-form field sent.
        "invalid-input-response" | "missing-input-response" | "bad-request" | "invalid-parsed-secret" => Cause::Token,
        _ => Cause::Unknown,
    }
}

/// hCaptcha's codes. The test-key codes come from the token: anyone can send
/// the public test token to a production site (GUIDE §5). The site key
/// codes are configuration only when the site key is ours; without one the
/// only site key is the token's.
fn hcaptcha_cause(code: &str, sent: Sent) -> Cause {
    match code {
        "missing-input-secret" | "invalid-input-secret" | "missing-remoteip" => Cause::Config,
        "invalid-sitekey" if sent.site_key => Cause::Config,
        "expired-input-response" | "already-seen-response" | "invalid-or-already-seen-response" => Cause::TokenSpent,
        // invalid-remoteip: the end user's address; sitekey-secret-mismatch:
        // a foreign token's site key (and, with ours sent, we cannot tell).
        "invalid-input-response"
        | "missing-input-response"
        | "bad-request"
        | "invalid-remoteip"
        | "not-using-dummy-passcode"
        | "not-using-dummy-secret"
        | "sitekey-secret-mismatch"
        | "invalid-sitekey" => Cause::Token,
        _ => Cause::Unknown,
    }
}

fn recaptcha_cause(code: &str, _sent: Sent) -> Cause {
    match code {
        "missing-input-secret" | "invalid-input-secret" => Cause::Config,
        "timeout-or-duplicate" => Cause::TokenSpent,
        "invalid-input-response" | "missing-input-response" | "bad-request" => Cause::Token,
        _ => Cause::Unknown,
    }
}

/// A random UUID v4 from the OS (fork-safe: a child never repeats its
/// parent's keys, which a user-space generator copied by `fork` would).
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    if getrandom::getrandom(&mut b).is_err() {
        // No OS entropy (never seen in practice): mix in what differs per
        // process and moment, so keys stay distinct if not unpredictable.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mixed = (u128::from(fastrand::u64(..)) << 64) | (u128::from(std::process::id()) ^ nanos);
        b = mixed.to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Protocol for Siteverify {
    fn name(&self) -> &'static str {
        self.name
    }

    fn endpoint(&self, region: Option<&str>, _creds: &Credentials) -> Result<String> {
        match region {
            None => Ok(self.url.into()),
            Some(_) => Err(no_regions(self.name)),
        }
    }

    fn token_limits(&self) -> TokenLimits {
        self.limits
    }

    fn capabilities(&self) -> Capabilities {
        self.caps
    }

    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest {
        let ip = extras.remote_ip.map(|ip| ip.to_string());
        // One key per verification: built once, re-sent by every retry.
        let key = self.caps.idempotent_retries.then(uuid_v4);
        let mut pairs = vec![("secret", creds.secret.expose()), ("response", token)];
        if let Some(ip) = &ip {
            pairs.push(("remoteip", ip));
        }
        if let Some(key) = &key {
            pairs.push(("idempotency_key", key));
        }
        let site_key = creds.site_key.as_deref().filter(|_| self.caps.site_key != Need::Unused);
        if let Some(site_key) = site_key {
            pairs.push(("sitekey", site_key));
        }
        let mut request = WireRequest::form(&pairs);
        request.sent.site_key = site_key.is_some();
        request
    }

    fn parse(&self, status: u16, body: &[u8], sent: Sent) -> Answer {
        if let Some(refused) = endpoint_refusal(status) {
            return refused;
        }
        let obj = match parse_object(body) {
            Ok(obj) => obj,
            Err(e) => return Answer::unusable(status, e),
        };
        self.read(status, &obj, sent)
            .unwrap_or_else(|e| Answer::unusable(status, e))
    }
}

impl Siteverify {
    fn read(&self, status: u16, obj: &Obj, sent: Sent) -> std::result::Result<Answer, String> {
        let success = opt_bool(obj, "success")?.ok_or("field `success` is missing")?;
        let codes = opt_codes(obj, "error-codes")?;
        let ok_status = (200..300).contains(&status);
        let verdict = match (success, codes.is_empty()) {
            (true, _) if !ok_status => return Err(format!("`success:true` with HTTP {status}")),
            (true, true) => Verdict::Verified,
            // A yes that also reports errors is not a yes: the safe side is a
            // conclusive rejection, whatever the codes say.
            (true, false) => match self.verdict_for(&codes, status, sent) {
                spent @ Verdict::Rejected(Reason::TokenExpiredOrDuplicate) => spent,
                _ => Verdict::Rejected(Reason::TokenInvalid),
            },
            // `success:false` without a code on a 2xx: the token failed.
            (false, true) if ok_status => Verdict::Rejected(Reason::TokenInvalid),
            (false, true) if is_transient_status(status) => Verdict::Transient,
            (false, true) => Verdict::Protocol,
            (false, false) => self.verdict_for(&codes, status, sent),
        };
        let mut answer = Answer::new(verdict);
        answer.detail = match &answer.verdict {
            Verdict::Verified => None,
            Verdict::Rejected(_) if success => Some("provider said success but also reported error codes".into()),
            Verdict::Rejected(_) => Some("provider rejected the token".into()),
            Verdict::Transient => Some(format!("provider reported a temporary failure (HTTP {status})")),
            Verdict::RequestRefused => Some("provider refused the request: check the secret and site key".into()),
            _ => Some(format!("`success:false` without an error code (HTTP {status})")),
        };
        answer.error_codes = codes;
        answer.challenge_ts = opt_str(obj, "challenge_ts")?;
        answer.hostname = match opt_str(obj, "hostname")? {
            // Android keys report the app's package instead of a hostname.
            None => opt_str(obj, "apk_package_name")?,
            some => some,
        };
        answer.action = opt_str(obj, "action")?;
        answer.score = match self.scores {
            Scores::None => None,
            Scores::HumanLow => opt_score(obj, "score")?,
            Scores::HumanHigh => opt_score(obj, "score")?.map(reversed),
        };
        Ok(answer)
    }

    /// Token problems win over request problems, so that no fail mode turns
    /// a token's answer into a pass; then a retryable code or status; then any
    /// code we cannot place (the token's doing); only then configuration.
    fn verdict_for(&self, codes: &[String], status: u16, sent: Sent) -> Verdict {
        let causes: Vec<Cause> = codes.iter().map(|c| (self.classify)(c, sent)).collect();
        if causes.contains(&Cause::TokenSpent) {
            Verdict::Rejected(Reason::TokenExpiredOrDuplicate)
        } else if causes.contains(&Cause::Token) {
            Verdict::Rejected(Reason::TokenInvalid)
        } else if causes.contains(&Cause::Transient) || is_transient_status(status) {
            Verdict::Transient
        } else if causes.contains(&Cause::Unknown) {
            Verdict::Rejected(Reason::TokenInvalid)
        } else {
            Verdict::RequestRefused
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &Siteverify, status: u16, body: &str) -> Answer {
        p.parse(status, body.as_bytes(), Sent::default())
    }

    #[test]
    fn uuids_are_v4_and_distinct() {
        let a = uuid_v4();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(a, uuid_v4());
    }

    #[test]
    fn token_codes_win_and_unknown_codes_are_the_tokens() {
        let a = parse(
            &TURNSTILE,
            200,
            r#"{"success":false,"error-codes":["invalid-input-secret","invalid-input-response"]}"#,
        );
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenInvalid));
        let a = parse(
            &TURNSTILE,
            200,
            r#"{"success":false,"error-codes":["invalid-input-secret"]}"#,
        );
        assert_eq!(a.verdict, Verdict::RequestRefused);
        let a = parse(&TURNSTILE, 200, r#"{"success":false,"error-codes":["internal-error"]}"#);
        assert_eq!(a.verdict, Verdict::Transient);
        let a = parse(
            &HCAPTCHA,
            200,
            r#"{"success":false,"error-codes":["not-using-dummy-passcode"]}"#,
        );
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenInvalid));
        let a = parse(&RECAPTCHA, 200, r#"{"success":false,"error-codes":["something-new"]}"#);
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenInvalid));
    }

    #[test]
    fn site_key_codes_depend_on_whose_site_key() {
        let body = br#"{"success":false,"error-codes":["invalid-sitekey"]}"#;
        assert_eq!(
            HCAPTCHA.parse(200, body, Sent { site_key: true }).verdict,
            Verdict::RequestRefused
        );
        assert_eq!(
            HCAPTCHA.parse(200, body, Sent::default()).verdict,
            Verdict::Rejected(Reason::TokenInvalid)
        );
    }

    #[test]
    fn success_with_codes_is_a_rejection() {
        let a = parse(
            &HCAPTCHA,
            200,
            r#"{"success":true,"error-codes":["invalid-input-secret"]}"#,
        );
        assert_eq!(a.verdict, Verdict::Rejected(Reason::TokenInvalid));
    }

    #[test]
    fn google_scores_are_reversed() {
        let a = parse(
            &RECAPTCHA,
            200,
            r#"{"success":true,"score":0.9,"action":"login","hostname":"a.example"}"#,
        );
        assert_eq!(a.verdict, Verdict::Verified);
        assert_eq!(a.score, Some(0.1));
        let a = parse(&HCAPTCHA, 200, r#"{"success":true,"score":0.9}"#);
        assert_eq!(a.score, Some(0.9));
        let a = parse(&TURNSTILE, 200, r#"{"success":true,"score":0.9}"#);
        assert_eq!(a.score, None);
    }
}
