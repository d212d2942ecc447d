//! The one verdict type every provider and every binding shares.

use serde::Serialize;

/// Why an [`Outcome`] came out the way it did: a stable kebab-case code.
///
/// Codes are never renamed or reused; new ones may be added, so match with a
/// wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// The provider verified the token and every local check passed.
    Verified,
    /// The token is empty, oversized, malformed, forged or failed the challenge.
    TokenInvalid,
    /// The token expired or was already used (tokens are single use).
    TokenExpiredOrDuplicate,
    /// The provider's hostname is not one of the expected hostnames.
    HostnameMismatch,
    /// The provider's action is not one of the expected actions.
    ActionMismatch,
    /// The risk score is above the configured threshold (0 = human, 1 = bot).
    ScoreAboveThreshold,
    /// A score threshold is set but the provider returned no score.
    ScoreMissing,
    /// The challenge was solved longer ago than the configured maximum age,
    /// or the provider sent no usable challenge timestamp while one is required.
    ChallengeTooOld,
    /// The provider answered with its documented fail-open shape: it could not
    /// really verify, and let the request through.
    ProviderFailOpen,
    /// The provider could not be reached, timed out, or answered 5xx / 429.
    ProviderUnavailable,
    /// The provider refused the request itself (bad secret, unknown site key,
    /// malformed request): a configuration problem, never retried.
    ProviderRejectedRequest,
    /// The provider's answer was not the documented shape (not JSON, wrong
    /// types, missing fields, oversized, a redirect).
    ProtocolError,
    /// An earlier attempt may have consumed the single-use token, and the retry
    /// was told it was already used: nobody can tell whether the user passed.
    AmbiguousRetry,
    /// The provider's TLS certificate or handshake failed verification (unknown
    /// CA, wrong hostname, expired). Either an attack on the connection or a
    /// misconfiguration: never retried, never accepted in any fail mode.
    TlsFailure,
}

impl Reason {
    /// Every reason, in declaration order (bindings and tests iterate it).
    pub const ALL: [Reason; 14] = [
        Reason::Verified,
        Reason::TokenInvalid,
        Reason::TokenExpiredOrDuplicate,
        Reason::HostnameMismatch,
        Reason::ActionMismatch,
        Reason::ScoreAboveThreshold,
        Reason::ScoreMissing,
        Reason::ChallengeTooOld,
        Reason::ProviderFailOpen,
        Reason::ProviderUnavailable,
        Reason::ProviderRejectedRequest,
        Reason::ProtocolError,
        Reason::AmbiguousRetry,
        Reason::TlsFailure,
    ];

    /// The stable kebab-case code, e.g. `"score-above-threshold"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Verified => "verified",
            Reason::TokenInvalid => "token-invalid",
            Reason::TokenExpiredOrDuplicate => "token-expired-or-duplicate",
            Reason::HostnameMismatch => "hostname-mismatch",
            Reason::ActionMismatch => "action-mismatch",
            Reason::ScoreAboveThreshold => "score-above-threshold",
            Reason::ScoreMissing => "score-missing",
            Reason::ChallengeTooOld => "challenge-too-old",
            Reason::ProviderFailOpen => "provider-fail-open",
            Reason::ProviderUnavailable => "provider-unavailable",
            Reason::ProviderRejectedRequest => "provider-rejected-request",
            Reason::ProtocolError => "protocol-error",
            Reason::AmbiguousRetry => "ambiguous-retry",
            Reason::TlsFailure => "tls-failure",
        }
    }

    /// One line of documentation, for generated bindings and docs.
    pub fn doc(self) -> &'static str {
        match self {
            Reason::Verified => "The provider verified the token and every local check passed.",
            Reason::TokenInvalid => "The token is malformed, forged, from another site, or failed the challenge.",
            Reason::TokenExpiredOrDuplicate => "The token expired or was already used (tokens are single use).",
            Reason::HostnameMismatch => "The hostname is missing or not one of the expected ones.",
            Reason::ActionMismatch => "The action is missing or not one of the expected ones.",
            Reason::ScoreAboveThreshold => "The score is above the threshold (0 = human, 1 = bot).",
            Reason::ScoreMissing => "A score threshold is set but no score came back.",
            Reason::ChallengeTooOld => "The challenge is older than the maximum age, or has no usable timestamp.",
            Reason::ProviderFailOpen => "The provider answered with its fail-open shape: it could not really verify.",
            Reason::ProviderUnavailable => "The provider could not be reached, timed out, or answered 5xx or 429.",
            Reason::ProviderRejectedRequest => {
                "The provider refused the request for a reason only the configuration can cause."
            }
            Reason::ProtocolError => "The provider's answer was not the documented shape.",
            Reason::AmbiguousRetry => "A retry was told the token was used, but an earlier attempt may have used it.",
            Reason::TlsFailure => {
                "The provider's TLS certificate or handshake failed verification: never retried, never accepted."
            }
        }
    }

    /// True for reasons where the provider gave (or we derived) a definitive answer.
    pub fn is_conclusive(self) -> bool {
        !matches!(
            self,
            Reason::ProviderFailOpen
                | Reason::ProviderUnavailable
                | Reason::ProviderRejectedRequest
                | Reason::ProtocolError
                | Reason::AmbiguousRetry
                | Reason::TlsFailure
        )
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one verification.
///
/// Act on [`accepted`](Outcome::accepted) only. The other fields explain it:
/// `verified` says whether the provider really vouched for the user,
/// `conclusive` whether anybody could tell at all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// Let the request through? Decided after local checks, the fail mode and
    /// the fail-open policy.
    pub accepted: bool,
    /// The provider said yes and every local check passed.
    pub verified: bool,
    /// The provider (or a local check) gave a definitive answer. When false,
    /// `accepted` came from the fail mode.
    pub conclusive: bool,
    /// Why; see [`Reason`].
    pub reason: Reason,
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
    /// The provider's error codes (GateKeeper `error_codes`).
    pub error_codes: Vec<String>,
    /// The provider's own free-text `reason` field, if any.
    pub provider_reason: Option<String>,
    /// HTTP status of the last provider answer; `None` when no answer came.
    pub http_status: Option<u16>,
    /// A later retry of the same verification could succeed (provider down).
    pub retryable: bool,
    /// HTTP attempts made (0 when the token was rejected locally).
    pub attempts: u32,
    /// The answer looks like the provider's fail-open response.
    pub fail_open_suspected: bool,
    /// A short human-readable explanation, written by siteverify (never
    /// provider-supplied text, never the secret).
    pub detail: Option<String>,
}

impl Outcome {
    /// The outcome as a JSON object (field names as above, `reason` as its code).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("Outcome is always serialisable")
    }
}
