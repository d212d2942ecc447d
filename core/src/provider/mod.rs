//! Providers: what to send to each verify endpoint and how to read its answer.
//!
//! Each provider is a [`Protocol`] implementation in its own module. A third
//! provider joins by adding a module, a [`Provider`] variant and one arm in
//! [`Provider::protocol`]; the transport, policy and bindings stay untouched.

mod gatekeeper;
mod json;
mod prosopo;

use std::net::IpAddr;

use crate::error::{Error, Result};
use crate::outcome::Reason;
use crate::secret::Secret;

/// A CAPTCHA provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Prosopo Procaptcha (`/siteverify`).
    Prosopo,
    /// GateKeeper gkCAPTCHA (`/api/v1/token/verify`).
    GateKeeper,
}

impl Provider {
    /// Stable lower-case name: `"prosopo"` or `"gatekeeper"`.
    pub fn as_str(self) -> &'static str {
        self.protocol().name()
    }

    pub(crate) fn protocol(self) -> &'static dyn Protocol {
        match self {
            Provider::Prosopo => &prosopo::Prosopo,
            Provider::GateKeeper => &gatekeeper::GateKeeper,
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "prosopo" | "procaptcha" => Ok(Provider::Prosopo),
            "gatekeeper" | "gkcaptcha" => Ok(Provider::GateKeeper),
            // The value is not echoed: a secret pasted into the wrong field must not reach a log.
            _ => Err(Error::config(
                "unknown provider; expected \"prosopo\" or \"gatekeeper\"",
            )),
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a provider's answer can carry besides the verdict; each provider
/// declares which of these it sends, so that a policy needing one it never
/// sends is refused at construction instead of rejecting every user.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Capabilities {
    pub hostname: bool,
    pub action: bool,
    pub challenge_ts: bool,
}

/// Per-call values that go to the provider.
#[derive(Default)]
pub(crate) struct Extras {
    pub remote_ip: Option<IpAddr>,
    /// Already reduced to the domain.
    pub email_domain: Option<String>,
}

/// An HTTP request body plus the headers the provider needs.
pub(crate) struct WireRequest {
    pub body: Vec<u8>,
    /// Sent as `Authorization`, marked sensitive.
    pub authorization: Option<String>,
}

/// What the provider said, normalised across providers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// The provider verified the token.
    Verified,
    /// The provider's documented fail-open answer.
    FailOpen,
    /// A definitive no: `TokenInvalid` or `TokenExpiredOrDuplicate`.
    Rejected(Reason),
    /// The provider refused the request (credentials, site key, schema).
    RequestRefused,
    /// Worth retrying: 5xx, 429.
    Transient,
    /// Not the documented shape.
    Protocol,
    /// The TLS handshake or certificate failed verification.
    TlsFailure,
}

impl Verdict {
    /// The provider decided about the token: it is up and working.
    pub fn is_conclusive_answer(&self) -> bool {
        matches!(self, Verdict::Verified | Verdict::Rejected(_))
    }
}

/// How long a token may be before it is refused without a request.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenLimits {
    /// In characters, as the provider counts.
    pub max_chars: usize,
    /// In UTF-8 bytes: bounds the request body whatever the characters.
    pub max_bytes: usize,
}

/// A parsed answer: the verdict plus everything the provider reported.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub hostname: Option<String>,
    pub action: Option<String>,
    pub challenge_ts: Option<String>,
    pub timestamp: Option<String>,
    pub error_key: Option<String>,
    pub error_codes: Vec<String>,
    pub provider_reason: Option<String>,
    /// Our own explanation (never provider text).
    pub detail: Option<String>,
}

impl Answer {
    pub fn new(verdict: Verdict) -> Self {
        Answer {
            verdict,
            score: None,
            hostname: None,
            action: None,
            challenge_ts: None,
            timestamp: None,
            error_key: None,
            error_codes: Vec::new(),
            provider_reason: None,
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn protocol(detail: impl Into<String>) -> Self {
        Answer::new(Verdict::Protocol).with_detail(detail)
    }

    /// A body we could not use: transient if the status says the server is in
    /// trouble (a load balancer's HTML 502), otherwise a protocol error.
    pub fn unusable(status: u16, detail: impl Into<String>) -> Self {
        if is_transient_status(status) {
            Answer::new(Verdict::Transient).with_detail(format!("HTTP {status} from provider"))
        } else {
            Answer::protocol(detail)
        }
    }
}

/// The endpoint does not serve this request at all (wrong path or method):
/// configuration, whatever the body says, since no token changes the path.
pub(crate) fn endpoint_refusal(status: u16) -> Option<Answer> {
    matches!(status, 404 | 405 | 501).then(|| {
        Answer::new(Verdict::RequestRefused).with_detail(format!(
            "HTTP {status}: the endpoint does not serve verify requests; check the endpoint URL"
        ))
    })
}

/// 429 and 5xx are worth retrying, except 501 (the method or feature will
/// not start working) and 505 (nor will the HTTP version).
pub(crate) fn is_transient_status(status: u16) -> bool {
    status == 429 || (status >= 500 && status != 501 && status != 505)
}

/// One provider's wire protocol.
pub(crate) trait Protocol: Send + Sync {
    fn name(&self) -> &'static str;
    /// The endpoint for a region (`None`: the global default).
    fn endpoint(&self, region: Option<&str>) -> Result<&'static str>;
    /// Longest token accepted before any request is sent.
    fn token_limits(&self) -> TokenLimits;
    fn capabilities(&self) -> Capabilities;
    fn request(&self, secret: &Secret, token: &str, extras: &Extras) -> WireRequest;
    /// Reads an answer. `status` is never 3xx (redirects are handled earlier)
    /// and `body` is already capped.
    fn parse(&self, status: u16, body: &[u8]) -> Answer;
}

/// Cuts a string from the network or the user to a printable length.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}
