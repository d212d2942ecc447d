//! Providers: what to send to each verify endpoint and how to read its answer.
//!
//! Each provider is a [`Protocol`] implementation in its own module. A new
//! provider joins by adding a module, a [`Provider`] variant and one arm in
//! [`Provider::protocol`]; the transport, policy and bindings stay untouched
//! (bindings pick providers up by name).

mod enterprise;
mod form;
mod friendly;
mod gatekeeper;
mod json;
mod prosopo;
mod score;
mod siteverify;
mod yandex;

use std::net::IpAddr;

pub(crate) use enterprise::check_project_id;

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
    /// Cloudflare Turnstile (`/turnstile/v0/siteverify`).
    Turnstile,
    /// hCaptcha, including its Enterprise score (`/siteverify`).
    HCaptcha,
    /// Google reCAPTCHA v2 and v3 (`/recaptcha/api/siteverify`).
    Recaptcha,
    /// Google reCAPTCHA Enterprise (`/v1/projects/{project_id}/assessments`).
    RecaptchaEnterprise,
    /// Friendly Captcha, API v2 (`/api/v2/captcha/siteverify`).
    Friendly,
    /// Yandex SmartCaptcha (`/validate`).
    Yandex,
}

impl Provider {
    /// Every provider, in declaration order (docs, tests and bindings iterate it).
    pub const ALL: [Provider; 8] = [
        Provider::Prosopo,
        Provider::GateKeeper,
        Provider::Turnstile,
        Provider::HCaptcha,
        Provider::Recaptcha,
        Provider::RecaptchaEnterprise,
        Provider::Friendly,
        Provider::Yandex,
    ];

    /// Stable lower-case name: `"prosopo"`, `"gatekeeper"`, `"turnstile"`,
    /// `"hcaptcha"`, `"recaptcha"`, `"recaptcha-enterprise"`, `"friendly"`, `"yandex"`.
    pub fn as_str(self) -> &'static str {
        self.protocol().name()
    }

    pub(crate) fn protocol(self) -> &'static dyn Protocol {
        match self {
            Provider::Prosopo => &prosopo::Prosopo,
            Provider::GateKeeper => &gatekeeper::GateKeeper,
            Provider::Turnstile => &siteverify::TURNSTILE,
            Provider::HCaptcha => &siteverify::HCAPTCHA,
            Provider::Recaptcha => &siteverify::RECAPTCHA,
            Provider::RecaptchaEnterprise => &enterprise::Enterprise,
            Provider::Friendly => &friendly::Friendly,
            Provider::Yandex => &yandex::Yandex,
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "procaptcha" => Some(Provider::Prosopo),
            "gkcaptcha" => Some(Provider::GateKeeper),
            _ => None,
        };
        alias
            .or_else(|| Provider::ALL.into_iter().find(|p| p.as_str() == wanted))
            // The value is not echoed: a secret pasted into the wrong field must not reach a log.
            .ok_or_else(|| {
                let names: Vec<String> = Provider::ALL.iter().map(|p| format!("\"{}\"", p.as_str())).collect();
                Error::config(format!("unknown provider; expected one of {}", names.join(", ")))
            })
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a provider's answer can carry besides the verdict; each provider
/// declares which of these it sends, so that a policy needing one it never
/// sends is refused at construction instead of rejecting every user. It also
/// declares which keys it takes besides the secret, and how retries behave.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Capabilities {
    pub hostname: bool,
    pub action: bool,
    pub challenge_ts: bool,
    /// Sends a risk score at least for some keys or plans.
    pub score: bool,
    /// Whether it takes `site_key` (`sitekey` / `siteKey`).
    pub site_key: Need,
    /// Whether it takes `project_id`.
    pub project_id: Need,
    /// A retry of the same verification gets the first attempt's answer
    /// (Turnstile's `idempotency_key`), so "already used" after a retry is the
    /// token's own history, never our earlier attempt: no `ambiguous-retry`.
    pub idempotent_retries: bool,
}

impl Capabilities {
    /// Reports hostname, action and timestamp; no score; no extra keys.
    pub const fn basic() -> Self {
        Capabilities {
            hostname: true,
            action: true,
            challenge_ts: true,
            score: false,
            site_key: Need::Unused,
            project_id: Need::Unused,
            idempotent_retries: false,
        }
    }
}

/// Whether a provider takes an option besides the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// Refused at build: a value the provider ignores is a mistake (perhaps a
    /// key meant for another client).
    Unused,
    Optional,
    /// Refused at build when missing.
    Required,
}

/// What identifies us to the provider: the secret, and the keys some
/// providers take besides it (already validated by the builder).
#[derive(Clone, Debug)]
pub(crate) struct Credentials {
    pub secret: Secret,
    pub site_key: Option<String>,
    pub project_id: Option<String>,
}

/// Per-call values that go to the provider.
#[derive(Default)]
pub(crate) struct Extras {
    pub remote_ip: Option<IpAddr>,
    /// Already reduced to the domain.
    pub email_domain: Option<String>,
}

/// How a request body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentType {
    Json,
    /// `application/x-www-form-urlencoded`, escaped by `form`.
    Form,
}

impl ContentType {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// What a request carried that changes who can cause an answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    /// Our configured site key went with the request: a "site key invalid"
    /// answer then names our configuration, not the token's.
    pub site_key: bool,
}

/// An HTTP request body plus the headers the provider needs.
pub(crate) struct WireRequest {
    pub content_type: ContentType,
    pub body: Vec<u8>,
    /// Headers that carry the secret (`Authorization`, `X-API-Key`,
    /// `X-Goog-Api-Key`): sent marked sensitive, never logged. Lower case.
    pub secret_headers: Vec<(&'static str, String)>,
    /// Other headers (`Frc-Sdk`). Lower case.
    pub headers: Vec<(&'static str, String)>,
    pub sent: Sent,
}

impl WireRequest {
    /// A JSON body with no extra headers.
    pub fn json(body: &serde_json::Value) -> Self {
        WireRequest {
            content_type: ContentType::Json,
            body: body.to_string().into_bytes(),
            secret_headers: Vec::new(),
            headers: Vec::new(),
            sent: Sent::default(),
        }
    }

    /// A form body with no extra headers.
    pub fn form(pairs: &[(&str, &str)]) -> Self {
        WireRequest {
            content_type: ContentType::Form,
            body: form::encode(pairs),
            secret_headers: Vec::new(),
            headers: Vec::new(),
            sent: Sent::default(),
        }
    }
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

/// The error for a region a provider does not have.
pub(crate) fn no_regions(name: &str) -> Error {
    Error::config(format!("{name} has no regional endpoints"))
}

/// One provider's wire protocol.
pub(crate) trait Protocol: Send + Sync {
    fn name(&self) -> &'static str;
    /// The endpoint for a region (`None`: the global default).
    fn endpoint(&self, region: Option<&str>, creds: &Credentials) -> Result<String>;
    /// Longest token accepted before any request is sent.
    fn token_limits(&self) -> TokenLimits;
    /// Why `token` cannot be a token, by the provider's documented values
    /// (a widget's placeholders), beyond the generic checks; `None` if it may be.
    fn token_problem(&self, _token: &str) -> Option<String> {
        None
    }
    fn capabilities(&self) -> Capabilities;
    /// The request for one verification; retries re-send it unchanged.
    fn request(&self, creds: &Credentials, token: &str, extras: &Extras) -> WireRequest;
    /// Reads an answer. `status` is never 3xx (redirects are handled earlier)
    /// and `body` is already capped; `sent` says what the request carried.
    fn parse(&self, status: u16, body: &[u8], sent: Sent) -> Answer;
}

/// Cuts a string from the network or the user to a printable length.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}
