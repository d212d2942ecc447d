//! One module per provider the mock serves, as `core/src/provider/` has one per
//! provider the client speaks: each holds that provider's request contract and
//! the shapes of its answers, so the scenarios (`scenario.rs`) stay provider-blind.

mod enterprise;
mod friendly;
mod gatekeeper;
mod hcaptcha;
mod prosopo;
mod recaptcha;
mod request;
mod siteverify;
mod turnstile;
mod yandex;

use serde_json::Value;

pub use hcaptcha::{HCAPTCHA_TEST_SECRET, HCAPTCHA_TEST_SITE_KEY, HCAPTCHA_TEST_TOKEN};
pub use recaptcha::RECAPTCHA_TEST_SECRET;
pub use turnstile::{TURNSTILE_DUMMY_TOKEN, TURNSTILE_FAIL_SECRET, TURNSTILE_PASS_SECRET, TURNSTILE_SPENT_SECRET};

use crate::http::{Reply, Request};
use crate::scenario::Scenario;
use crate::state::State;

/// The site key the mock accepts (hCaptcha, Enterprise, Friendly) besides the providers' test keys.
pub const DEFAULT_SITE_KEY: &str = "mock-site-key";

/// Prosopo's path.
pub const PROSOPO_PATH: &str = "/siteverify";
/// GateKeeper's path.
pub const GATEKEEPER_PATH: &str = "/api/v1/token/verify";
/// Turnstile's path (as Cloudflare's).
pub const TURNSTILE_PATH: &str = "/turnstile/v0/siteverify";
/// hCaptcha's path in the mock. hCaptcha's own is `/siteverify`, which the
/// mock gives Prosopo; a distinct path keeps each contract strict.
pub const HCAPTCHA_PATH: &str = "/hcaptcha/siteverify";
/// reCAPTCHA v2/v3's path (as Google's).
pub const RECAPTCHA_PATH: &str = "/recaptcha/api/siteverify";
/// reCAPTCHA Enterprise's path for the project `siteverify-mock`; the mock
/// serves `/v1/projects/{any valid project ID}/assessments`.
pub const RECAPTCHA_ENTERPRISE_PATH: &str = "/v1/projects/siteverify-mock/assessments";
/// Friendly Captcha v2's path (as Friendly's).
pub const FRIENDLY_PATH: &str = "/api/v2/captcha/siteverify";
/// Yandex SmartCaptcha's path (as Yandex's).
pub const YANDEX_PATH: &str = "/validate";

/// The mock's path for a provider name (`siteverify::Provider::as_str`), for
/// test runners building an endpoint from the base URL.
pub fn path_for(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "prosopo" => PROSOPO_PATH,
        "gatekeeper" => GATEKEEPER_PATH,
        "turnstile" => TURNSTILE_PATH,
        "hcaptcha" => HCAPTCHA_PATH,
        "recaptcha" => RECAPTCHA_PATH,
        "recaptcha-enterprise" => RECAPTCHA_ENTERPRISE_PATH,
        "friendly" => FRIENDLY_PATH,
        "yandex" => YANDEX_PATH,
        _ => return None,
    })
}

/// The provider whose verify endpoint is `path` (without the query), if any.
pub(crate) fn at_path(path: &str) -> Option<&'static dyn Provider> {
    Some(match path {
        PROSOPO_PATH => &prosopo::Prosopo,
        GATEKEEPER_PATH => &gatekeeper::GateKeeper,
        TURNSTILE_PATH => &turnstile::Turnstile,
        HCAPTCHA_PATH => &hcaptcha::HCaptcha,
        RECAPTCHA_PATH => &recaptcha::Recaptcha,
        FRIENDLY_PATH => &friendly::Friendly,
        YANDEX_PATH => &yandex::Yandex,
        p if enterprise::project(p).is_some() => &enterprise::Enterprise,
        _ => return None,
    })
}

/// A request that kept the contract.
pub(crate) struct Checked {
    pub token: String,
    /// What `echo` shows: the fields besides secret and token.
    pub echo: String,
    /// Turnstile's idempotency key.
    pub idempotency_key: Option<String>,
    /// A provider test key decides the answer, whatever the token.
    pub fixed: Option<Reply>,
}

/// A provider's request contract and the shapes of its answers, one method per
/// kind of answer the scenarios give. Scores are in the provider's own
/// direction: Google's `pass:score=0.9` is a likely human.
pub(crate) trait Provider: Sync {
    /// Checks a request the way the provider documents it (content type, where
    /// the secret goes, field names); `Err` is the provider's own answer to a
    /// broken request, so a client that breaks the contract fails the tests.
    fn check(&self, state: &State, req: &Request) -> Result<Checked, Reply>;

    /// `pass` and friends: the verified answer, shaped by `score=`, `hostname=`,
    /// `action=`, `age=` (`hostname=none` / `action=none` drop the field).
    fn pass(&self, s: &Scenario) -> Reply;

    /// `fail` and unknown scenarios: the token failed the challenge.
    fn token_failed(&self) -> Reply;

    /// `expired`: the token is too old.
    fn expired(&self) -> Reply;

    /// A single-use token seen again; as `expired` where the provider answers both alike.
    fn duplicate(&self) -> Reply {
        self.expired()
    }

    /// `status`, `flaky`, `outage`: the provider's server error with this status.
    fn server_error(&self, status: u16) -> Reply;

    /// `ratelimit`: the provider's 429 (the scenario adds `Retry-After`).
    fn rate_limited(&self) -> Reply;

    /// `error:key=K[:status=N]`, in the provider's error envelope.
    fn error(&self, s: &Scenario) -> Reply;

    /// `wrong-shape`: 200 with a body that is JSON but not the documented shape.
    fn wrong_shape(&self) -> Reply;

    /// `fail-open`: the provider's own fail-open answer, where it has one;
    /// elsewhere the scenario answers as an unknown token.
    fn fail_open(&self) -> Reply {
        self.token_failed()
    }

    /// `invalid[:reason=R]`: reCAPTCHA Enterprise's HTTP 200 with `valid:false`;
    /// elsewhere the scenario answers as an unknown token.
    fn invalid(&self, _s: &Scenario) -> Reply {
        self.token_failed()
    }

    /// `echo`: verified, with `seen` (what the client sent besides secret and
    /// token) in a text field of the answer.
    fn echo(&self, seen: &str) -> Reply;
}

/// The `score=` parameter: `none` for no score, `default` when absent.
fn score(s: &Scenario, default: Option<f64>) -> Option<f64> {
    match s.get("score") {
        Some("none") => None,
        Some(v) => v.parse::<f64>().ok(),
        None => default,
    }
}

/// The body of a plain `pass` answer, edited: `echo` for the providers whose
/// echo is their pass answer with one field replaced.
fn edit_pass(provider: &(impl Provider + ?Sized), edit: impl FnOnce(&mut Value)) -> Reply {
    let Reply::Answer { body, .. } = provider.pass(&Scenario::parse("pass")) else {
        unreachable!()
    };
    let mut body: Value = serde_json::from_slice(&body).unwrap();
    edit(&mut body);
    Reply::json(200, body)
}

/// What `echo` shows of a Prosopo or GateKeeper request (their JSON bodies).
fn json_echo(body: &Value) -> String {
    let ip = body
        .get("ip")
        .or_else(|| body.get("remoteip"))
        .and_then(Value::as_str)
        .unwrap_or("-");
    let email = body.get("email").and_then(Value::as_str).unwrap_or("-");
    format!("ip={ip} email={email}")
}
