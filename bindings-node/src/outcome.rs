//! The outcome of a verification as a JavaScript object: field for field,
//! names camelCased, the reason as its kebab-case code.

use napi_derive::napi;

/// Why an outcome came out the way it did. Codes are never renamed or
/// reused; new ones may be added.
#[napi(string_enum = "kebab-case")]
pub enum Reason {
    // BEGIN GENERATED reasons (siteverify-vocab; edit core/, then `make vocab`)
    /// The provider verified the token and every local check passed.
    Verified,
    /// The token is malformed, forged, from another site, or failed the challenge.
    TokenInvalid,
    /// The token expired or was already used (tokens are single use).
    TokenExpiredOrDuplicate,
    /// The hostname is missing or not one of the expected ones.
    HostnameMismatch,
    /// The action is missing or not one of the expected ones.
    ActionMismatch,
    /// The score is above the threshold (0 = human, 1 = bot).
    ScoreAboveThreshold,
    /// A score threshold is set but no score came back.
    ScoreMissing,
    /// The challenge is older than the maximum age, or has no usable timestamp.
    ChallengeTooOld,
    /// The provider answered with its fail-open shape: it could not really verify.
    ProviderFailOpen,
    /// The provider could not be reached, timed out, or answered 5xx or 429.
    ProviderUnavailable,
    /// The provider refused the request for a reason only the configuration can cause.
    ProviderRejectedRequest,
    /// The provider's answer was not the documented shape.
    ProtocolError,
    /// A retry was told the token was used, but an earlier attempt may have used it.
    AmbiguousRetry,
    /// The provider's TLS certificate or handshake failed verification: never retried, never accepted.
    TlsFailure,
    // END GENERATED reasons
}

/// The result of one verification. Act on `accepted` only; the other fields
/// explain it. Every field is always present; a value the provider did not
/// send is `null`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Outcome {
    /// Let the request through? Decided after local checks, the fail mode and
    /// the fail-open policy.
    pub accepted: bool,
    /// The provider said yes and every local check passed.
    pub verified: bool,
    /// The provider (or a local check) gave a definitive answer. When false,
    /// `accepted` came from the fail mode.
    pub conclusive: bool,
    /// Why, as a stable kebab-case code.
    #[napi(ts_type = "Reason")]
    pub reason: String,
    /// Risk score, 0 = human, 1 = bot, whatever the provider's convention.
    pub score: Option<f64>,
    /// Hostname where the challenge was solved, as the provider reported it.
    pub hostname: Option<String>,
    /// Action name, as the provider reported it.
    pub action: Option<String>,
    /// When the challenge was solved (RFC 3339, as the provider sent it).
    pub challenge_ts: Option<String>,
    /// When the provider verified the token (RFC 3339, as the provider sent it).
    pub timestamp: Option<String>,
    /// The provider's machine-readable error key (Prosopo `error.key`).
    pub error_key: Option<String>,
    /// The provider's error codes (GateKeeper `error_codes`); empty when none.
    pub error_codes: Vec<String>,
    /// The provider's own free-text `reason` field, if any.
    pub provider_reason: Option<String>,
    /// HTTP status of the last provider answer; `null` when no answer came.
    pub http_status: Option<u32>,
    /// A later retry of the same verification could succeed (provider down).
    pub retryable: bool,
    /// HTTP attempts made (0 when the token was rejected locally).
    pub attempts: u32,
    /// The answer looks like the provider's fail-open response.
    pub fail_open_suspected: bool,
    /// A short human-readable explanation written by siteverify (never
    /// provider text, never the secret).
    pub detail: Option<String>,
}

impl From<siteverify::Outcome> for Outcome {
    fn from(o: siteverify::Outcome) -> Self {
        // No `..`: a field added to the core fails to compile here until it is mapped.
        let siteverify::Outcome {
            accepted,
            verified,
            conclusive,
            reason,
            score,
            hostname,
            action,
            challenge_ts,
            timestamp,
            error_key,
            error_codes,
            provider_reason,
            http_status,
            retryable,
            attempts,
            fail_open_suspected,
            detail,
        } = o;
        Outcome {
            accepted,
            verified,
            conclusive,
            reason: reason.as_str().to_string(),
            score,
            hostname,
            action,
            challenge_ts,
            timestamp,
            error_key,
            error_codes,
            provider_reason,
            http_status: http_status.map(u32::from),
            retryable,
            attempts,
            fail_open_suspected,
            detail,
        }
    }
}
