//! JavaScript options to core values.
//!
//! The option objects are read by hand rather than through napi's derived
//! conversions, so that a value of the wrong type is a `ConfigurationError`
//! (or an `InvalidArgumentError` per call) naming the option, and so that no
//! message ever echoes a value the caller passed: a secret put in the wrong
//! option must not end up in a log. The `#[napi(object)]` structs below
//! declare the TypeScript types of these objects.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use siteverify::{Client, ClientBuilder, FailMode, FailOpenPolicy, VerifyOptions as CoreVerifyOptions};

use crate::errors::{js_error, Failure};

/// A CAPTCHA provider (`"procaptcha"` and `"gkcaptcha"` are accepted too).
#[napi(string_enum = "lowercase")]
pub enum Provider {
    /// Prosopo Procaptcha (`/siteverify`).
    Prosopo,
    /// GateKeeper gkCAPTCHA (`/api/v1/token/verify`).
    Gatekeeper,
}

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

/// Options of `new Client(...)`: every option of the core's `ClientBuilder`.
/// `null` and `undefined` mean "default"; an unknown key is an error.
#[napi(object, object_to_js = false)]
pub struct ClientOptions {
    /// `"prosopo"` or `"gatekeeper"`.
    #[napi(ts_type = "Provider")]
    pub provider: String,
    /// The secret key. Read it from the environment, never from code.
    pub secret: String,
    /// A custom verify URL (full URL, path included). Excludes `region`.
    pub endpoint: Option<String>,
    /// A regional endpoint: Prosopo `"eu"`, `"us"` or `"global"`.
    pub region: Option<String>,
    /// Total deadline for one verification, retries included (default 10000).
    pub timeout_ms: Option<f64>,
    /// TCP+TLS connect timeout (default 3000).
    pub connect_timeout_ms: Option<f64>,
    /// Timeout of a single attempt (default 6000, capped by `timeoutMs`).
    pub attempt_timeout_ms: Option<f64>,
    /// Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (default 2, at most 10).
    pub max_retries: Option<u32>,
    /// First backoff ceiling in ms; doubles per retry, full jitter (default 200).
    pub retry_base_delay_ms: Option<f64>,
    /// Backoff cap in ms (default 2000).
    pub retry_max_delay_ms: Option<f64>,
    /// Accepted hostnames (exact, case-insensitive); any one passes. GateKeeper only.
    #[napi(ts_type = "string | Array<string>")]
    pub expected_hostnames: Option<Vec<String>>,
    /// Accepted actions (exact, case-sensitive); any one passes. GateKeeper only.
    #[napi(ts_type = "string | Array<string>")]
    pub expected_actions: Option<Vec<String>>,
    /// Rejects when the score is above this (0 = human, 1 = bot), or missing.
    pub score_threshold: Option<f64>,
    /// Rejects challenges solved longer ago than this many seconds. GateKeeper only.
    pub max_age_seconds: Option<f64>,
    /// What inconclusive outcomes (provider down, refused, unreadable) become: `"closed"` (default) rejects them;
    /// `"open"` accepts one only during a confirmed outage (provider unreachable, or siteverify's outage probe failing too).
    #[napi(ts_type = "'open' | 'closed'")]
    pub fail_mode: Option<String>,
    /// What a suspected provider fail-open answer counts as: `"accept"` (flagged) or `"reject"`.
    /// Unset, it follows `failMode`: rejected under `"closed"`, accepted under `"open"`.
    #[napi(ts_type = "'accept' | 'reject'")]
    pub on_fail_open: Option<String>,
    /// An explicit proxy URL (`http://`, `https://` or `socks5://`). Without it, `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` apply.
    pub proxy: Option<String>,
    /// Extra trusted CA certificates, as PEM text, in addition to the built-in roots.
    #[napi(ts_type = "string | Buffer | Array<string | Buffer>")]
    pub ca_pems: Option<Vec<String>>,
    /// Extra trusted CA certificate files (PEM), read when the client is built.
    #[napi(ts_type = "string | Array<string>")]
    pub ca_files: Option<Vec<String>>,
    /// Allows a plain-HTTP endpoint that is not loopback (the secret then travels in the clear).
    pub allow_http: Option<bool>,
}

/// Per-call options of `verify` and `verifySync`.
#[napi(object, object_to_js = false)]
pub struct VerifyOptions {
    /// The end user's IP address (Prosopo `ip`, GateKeeper `remoteip`).
    pub remote_ip: Option<String>,
    /// The end user's email address or domain (Prosopo only; only the domain is sent).
    pub email: Option<String>,
    /// Cancels the verification when aborted (`verify` only): the promise rejects with an `AbortError`.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<bool>,
}

const CLIENT_KEYS: &[&str] = &[
    "provider",
    "secret",
    "endpoint",
    "region",
    "timeoutMs",
    "connectTimeoutMs",
    "attemptTimeoutMs",
    "maxRetries",
    "retryBaseDelayMs",
    "retryMaxDelayMs",
    "expectedHostnames",
    "expectedActions",
    "scoreThreshold",
    "maxAgeSeconds",
    "failMode",
    "onFailOpen",
    "proxy",
    "caPems",
    "caFiles",
    "allowHttp",
];

const VERIFY_KEYS: &[&str] = &["remoteIp", "email", "signal"];

/// Reads an options object; `kind` makes the errors.
struct Reader<'env> {
    env: &'env Env,
    obj: Object<'env>,
    kind: fn(String) -> Failure,
}

impl<'env> Reader<'env> {
    fn fail(&self, message: String) -> Error {
        js_error(self.env, &(self.kind)(message))
    }

    /// The value of `key`, or `None` for a missing, `undefined` or `null` one.
    fn get(&self, key: &str) -> Result<Option<Unknown<'env>>> {
        let value: Unknown<'env> = self.obj.get_named_property(key)?;
        Ok(match value.get_type()? {
            ValueType::Undefined | ValueType::Null => None,
            _ => Some(value),
        })
    }

    fn check_keys(&self, known: &[&str], what: &str) -> Result<()> {
        for key in Object::keys(&self.obj)? {
            if !known.contains(&key.as_str()) {
                return Err(self.fail(format!("unknown {what} `{}`", truncate(&key, 40))));
            }
        }
        Ok(())
    }

    fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) if v.get_type()? == ValueType::String => Ok(Some(String::from_unknown(v)?)),
            Some(_) => Err(self.fail(format!("{key} must be a string"))),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) if v.get_type()? == ValueType::Number => Ok(Some(f64::from_unknown(v)?)),
            Some(_) => Err(self.fail(format!("{key} must be a number"))),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) if v.get_type()? == ValueType::Boolean => Ok(Some(bool::from_unknown(v)?)),
            Some(_) => Err(self.fail(format!("{key} must be a boolean"))),
        }
    }

    /// A non-negative duration in `unit` (1 = seconds, 1000 = milliseconds).
    /// Zero passes through: the core decides which durations may be zero.
    fn duration(&self, key: &str, per_second: f64) -> Result<Option<Duration>> {
        let Some(n) = self.number(key)? else { return Ok(None) };
        let d = if n.is_finite() && n >= 0.0 {
            Duration::try_from_secs_f64(n / per_second).ok()
        } else {
            None
        };
        d.map(Some)
            .ok_or_else(|| self.fail(format!("{key} must be a finite, non-negative number")))
    }

    /// A string, or an array of strings (or, with `buffers`, of Buffers too).
    fn list(&self, key: &str, buffers: bool) -> Result<Vec<Vec<u8>>> {
        let Some(v) = self.get(key)? else { return Ok(Vec::new()) };
        let what = if buffers {
            "a string, a Buffer or an array of them"
        } else {
            "a string or an array of strings"
        };
        let item = |v: Unknown| -> Result<Option<Vec<u8>>> {
            Ok(match v.get_type()? {
                ValueType::String => Some(String::from_unknown(v)?.into_bytes()),
                ValueType::Object if buffers && v.is_buffer()? => Some(Buffer::from_unknown(v)?.to_vec()),
                _ => None,
            })
        };
        if let Some(one) = item(v)? {
            return Ok(vec![one]);
        }
        if !v.is_array()? {
            return Err(self.fail(format!("{key} must be {what}")));
        }
        let array = Array::from_unknown(v)?;
        let mut out = Vec::with_capacity(array.len() as usize);
        for i in 0..array.len() {
            let element: Unknown = array
                .get(i)?
                .ok_or_else(|| self.fail(format!("{key} must be {what}")))?;
            out.push(item(element)?.ok_or_else(|| self.fail(format!("{key} must be {what}")))?);
        }
        Ok(out)
    }

    fn strings(&self, key: &str) -> Result<Vec<String>> {
        // Only strings went in, so the bytes are UTF-8.
        Ok(self
            .list(key, false)?
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect())
    }
}

fn reader<'env>(env: &'env Env, value: Unknown<'env>, name: &str, kind: fn(String) -> Failure) -> Result<Reader<'env>> {
    if value.get_type()? != ValueType::Object || value.is_array()? {
        return Err(js_error(env, &kind(format!("{name} must be an object"))));
    }
    Ok(Reader {
        env,
        obj: Object::from_unknown(value)?,
        kind,
    })
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// `new Client(options)` to a core builder, option for option.
pub(crate) fn client_builder(env: &Env, options: Unknown) -> Result<ClientBuilder> {
    let r = reader(env, options, "options", Failure::configuration)?;
    r.check_keys(CLIENT_KEYS, "option")?;
    let core = |e: siteverify::Error| js_error(env, &e);

    let provider = r
        .string("provider")?
        .ok_or_else(|| r.fail("provider is required".into()))?;
    let mut b = Client::builder(provider.parse().map_err(core)?);
    if let Some(secret) = r.string("secret")? {
        b.secret(secret);
    }
    if let Some(endpoint) = r.string("endpoint")? {
        b.endpoint(endpoint);
    }
    if let Some(region) = r.string("region")? {
        b.region(region);
    }
    if let Some(d) = r.duration("timeoutMs", 1000.0)? {
        b.timeout(d);
    }
    if let Some(d) = r.duration("connectTimeoutMs", 1000.0)? {
        b.connect_timeout(d);
    }
    if let Some(d) = r.duration("attemptTimeoutMs", 1000.0)? {
        b.attempt_timeout(d);
    }
    if let Some(n) = r.number("maxRetries")? {
        if !(n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n)) {
            return Err(r.fail("maxRetries must be a non-negative integer".into()));
        }
        b.max_retries(n as u32);
    }
    let base = r.duration("retryBaseDelayMs", 1000.0)?;
    let max = r.duration("retryMaxDelayMs", 1000.0)?;
    if base.is_some() || max.is_some() {
        b.retry_backoff(
            base.unwrap_or(siteverify::DEFAULT_RETRY_BASE_DELAY),
            max.unwrap_or(siteverify::DEFAULT_RETRY_MAX_DELAY),
        );
    }
    for h in r.strings("expectedHostnames")? {
        b.expected_hostname(h);
    }
    for a in r.strings("expectedActions")? {
        b.expected_action(a);
    }
    if let Some(t) = r.number("scoreThreshold")? {
        b.score_threshold(t);
    }
    if let Some(d) = r.duration("maxAgeSeconds", 1.0)? {
        b.max_age(d);
    }
    if let Some(m) = r.string("failMode")? {
        b.fail_mode(m.parse::<FailMode>().map_err(core)?);
    }
    if let Some(p) = r.string("onFailOpen")? {
        b.on_fail_open(p.parse::<FailOpenPolicy>().map_err(core)?);
    }
    if let Some(p) = r.string("proxy")? {
        b.proxy(p);
    }
    for pem in r.list("caPems", true)? {
        b.ca_pem(pem);
    }
    for file in r.strings("caFiles")? {
        b.ca_file(file);
    }
    if let Some(a) = r.boolean("allowHttp")? {
        b.allow_http(a);
    }
    Ok(b)
}

/// The token argument, as the bytes the core verifies: the JavaScript string
/// read as UTF-16 and encoded as UTF-8. A lone surrogate (UTF-8 cannot carry
/// one) is encoded as WTF-8 does, so those bytes are not UTF-8 and the core
/// rejects the token locally (`token-invalid`, no request), where a UTF-8 read
/// would have sent a lossy copy with U+FFFD in its place. An empty or
/// malformed token is the core's business too.
pub(crate) fn token(env: &Env, token: Unknown) -> Result<Vec<u8>> {
    if token.get_type()? != ValueType::String {
        return Err(js_error(env, &Failure::invalid_argument("token must be a string")));
    }
    let units = Utf16String::from_unknown(token)?;
    let mut bytes = Vec::with_capacity(units.len());
    for decoded in char::decode_utf16(units.iter().copied()) {
        match decoded {
            Ok(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            Err(lone) => {
                let s = lone.unpaired_surrogate();
                bytes.extend_from_slice(&[
                    0xE0 | (s >> 12) as u8,
                    0x80 | ((s >> 6) & 0x3F) as u8,
                    0x80 | (s & 0x3F) as u8,
                ]);
            }
        }
    }
    Ok(bytes)
}

/// The per-call options (`signal` is handled by `index.js`).
pub(crate) fn verify_options(env: &Env, options: Option<Unknown>) -> Result<CoreVerifyOptions> {
    let mut out = CoreVerifyOptions::default();
    let Some(options) = options else { return Ok(out) };
    if matches!(options.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(out);
    }
    let r = reader(env, options, "verify options", Failure::invalid_argument)?;
    r.check_keys(VERIFY_KEYS, "verify option")?;
    out.remote_ip = r.string("remoteIp")?;
    out.email = r.string("email")?;
    Ok(out)
}
