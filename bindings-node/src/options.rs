//! `new Client(options)`: each key of the options object handed to the
//! core's generic setter ([`ClientBuilder::set_option`]), its value typed as
//! JavaScript typed it. The core validates and converts every value and
//! owns every error (code and message, which never echoes a value); this
//! file only spells the core's option names the Node way: camelCase, a
//! duration with its unit (`timeoutMs`, `maxAgeSeconds`).
//!
//! The `ClientOptions` fields that give `index.d.ts` its type are generated
//! from the core's `siteverify::OPTIONS` (`make vocab`).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use siteverify::{Client, ClientBuilder, OptionKind, OptionSpec, OptionValue, OPTIONS};

use crate::errors::{js_error, Failure};

/// A CAPTCHA provider, by the core's name (`"procaptcha"` and `"gkcaptcha"`
/// are accepted too). Only the type: the name goes to the core as written.
#[napi(string_enum = "kebab-case")]
pub enum Provider {
    /// Prosopo Procaptcha (`/siteverify`).
    Prosopo,
    /// GateKeeper gkCAPTCHA (`/api/v1/token/verify`).
    Gatekeeper,
    /// Cloudflare Turnstile (`/turnstile/v0/siteverify`).
    Turnstile,
    /// hCaptcha, including its Enterprise score (`/siteverify`).
    Hcaptcha,
    /// Google reCAPTCHA v2 and v3 (`/recaptcha/api/siteverify`).
    Recaptcha,
    /// Google reCAPTCHA Enterprise (`/v1/projects/{projectId}/assessments`; needs `siteKey` and `projectId`).
    RecaptchaEnterprise,
    /// Friendly Captcha, API v2 (`/api/v2/captcha/siteverify`).
    Friendly,
    /// Yandex SmartCaptcha (`/validate`).
    Yandex,
}

/// Options of `new Client(...)`: every option of the core, Node-spelled.
/// `null` and `undefined` mean "default"; an unknown key is an error.
/// (Only the type of the object: the constructor reads it key by key.)
#[napi(object, object_to_js = false)]
pub struct ClientOptions {
    /// The provider, by the core's name: `"prosopo"`, `"gatekeeper"`, `"turnstile"`,
    /// `"hcaptcha"`, `"recaptcha"`, `"recaptcha-enterprise"`, `"friendly"` or `"yandex"`.
    #[napi(ts_type = "Provider")]
    pub provider: String,
    // BEGIN GENERATED node-options (siteverify-vocab; edit core/, then `make vocab`)
    /// The secret key. Read it from the environment or a secret store, never from code.
    #[napi(ts_type = "string")]
    pub secret: String,
    /// The site key tokens must belong to: hCaptcha and Friendly (optional, recommended), reCAPTCHA Enterprise (required); refused by the other providers. Default: none.
    #[napi(ts_type = "string")]
    pub site_key: Option<String>,
    /// The Google Cloud project ID (reCAPTCHA Enterprise only, required). Default: none.
    #[napi(ts_type = "string")]
    pub project_id: Option<String>,
    /// A custom verify URL, path included (HTTPS, or plain HTTP to loopback). Excludes `region`. Default: the provider's.
    #[napi(ts_type = "string")]
    pub endpoint: Option<String>,
    /// A regional endpoint: Prosopo `eu`, `us` or `global`; Friendly `eu` or `global`. Default: global.
    #[napi(ts_type = "string")]
    pub region: Option<String>,
    /// Total deadline for one verification, retries included (at most 300 s). In milliseconds. Default: 10 s.
    #[napi(ts_type = "number")]
    pub timeout_ms: Option<f64>,
    /// TCP and TLS connect timeout. In milliseconds. Default: 3 s.
    #[napi(ts_type = "number")]
    pub connect_timeout_ms: Option<f64>,
    /// Timeout of a single attempt, capped by the total deadline. In milliseconds. Default: 6 s.
    #[napi(ts_type = "number")]
    pub attempt_timeout_ms: Option<f64>,
    /// Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (at most 10). Default: 2.
    #[napi(ts_type = "number")]
    pub max_retries: Option<u32>,
    /// Backoff ceiling of the first retry; doubles per retry, full jitter. In milliseconds. Default: 200 ms.
    #[napi(ts_type = "number")]
    pub retry_base_delay_ms: Option<f64>,
    /// Backoff cap, at least `retry_base_delay`. In milliseconds. Default: 2 s.
    #[napi(ts_type = "number")]
    pub retry_max_delay_ms: Option<f64>,
    /// Accepted hostnames (exact, case-insensitive); any one passes. Refused by a provider that reports no hostname. Default: none.
    #[napi(ts_type = "string | Array<string>")]
    pub expected_hostnames: Option<Vec<String>>,
    /// Accepted actions (exact, case-sensitive); any one passes. Refused by a provider that reports no action. Default: none.
    #[napi(ts_type = "string | Array<string>")]
    pub expected_actions: Option<Vec<String>>,
    /// Reject scores above this (0 = human, 1 = bot); a missing score is rejected too. Refused by a provider that reports no score. Default: none.
    #[napi(ts_type = "number")]
    pub score_threshold: Option<f64>,
    /// Reject challenges solved longer ago than this. Refused by a provider that reports no timestamp. In seconds. Default: none.
    #[napi(ts_type = "number")]
    pub max_age_seconds: Option<f64>,
    /// What an inconclusive outcome becomes; `open` accepts one only during a confirmed outage. Default: closed.
    #[napi(ts_type = "'closed' | 'open'")]
    pub fail_mode: Option<String>,
    /// What a suspected provider fail-open counts as; unset, rejected under `closed`, accepted under `open`. Default: follows fail_mode.
    #[napi(ts_type = "'accept' | 'reject'")]
    pub on_fail_open: Option<String>,
    /// A proxy URL: `http://`, `https://`, `socks5://` or `socks5h://`. Refused with a plain-HTTP endpoint (the proxy would see the secret). Default: HTTPS_PROXY / ALL_PROXY / NO_PROXY.
    #[napi(ts_type = "string")]
    pub proxy: Option<String>,
    /// Extra trusted CA certificates, as PEM text, besides the system store. Default: none.
    #[napi(ts_type = "string | Buffer | Array<string | Buffer>")]
    pub ca_pems: Option<Vec<String>>,
    /// Extra trusted CA certificates, as PEM files read at build time. Default: none.
    #[napi(ts_type = "string | Array<string>")]
    pub ca_files: Option<Vec<String>>,
    /// Allow a plain-HTTP endpoint that is not loopback (the secret then travels in the clear). Default: false.
    #[napi(ts_type = "boolean")]
    pub allow_http: Option<bool>,
    // END GENERATED node-options
}

/// The unit a Node option key gives a duration in.
#[derive(Clone, Copy)]
enum Unit {
    Millis,
    Seconds,
}

/// The unit of a duration option: milliseconds, the Node idiom, except
/// `maxAgeSeconds` (ages are counted in seconds).
fn unit(spec: &OptionSpec) -> Option<Unit> {
    match (spec.kind, spec.name) {
        (OptionKind::Duration, "max_age") => Some(Unit::Seconds),
        (OptionKind::Duration, _) => Some(Unit::Millis),
        _ => None,
    }
}

/// The Node key of a core option: `connect_timeout` is `connectTimeoutMs`.
pub(crate) fn node_key(spec: &OptionSpec) -> String {
    let mut key = String::with_capacity(spec.name.len() + 7);
    let mut upper = false;
    for c in spec.name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                key.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => key.push(c),
        }
    }
    match unit(spec) {
        Some(Unit::Millis) => key + "Ms",
        Some(Unit::Seconds) => key + "Seconds",
        None => key,
    }
}

/// A value as JavaScript typed it, owned until it is handed to the core.
enum Value {
    Text(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Millis(f64),
    Seconds(f64),
}

impl Value {
    fn as_option(&self) -> OptionValue<'_> {
        match self {
            Value::Text(s) => OptionValue::Text(s),
            Value::Bool(b) => OptionValue::Bool(*b),
            Value::Int(n) => OptionValue::Int(*n),
            Value::Float(f) => OptionValue::Float(*f),
            Value::Millis(ms) => OptionValue::Millis(*ms),
            Value::Seconds(s) => OptionValue::Seconds(*s),
        }
    }
}

/// A JavaScript value as an `OptionValue` kind, or the name of its
/// JavaScript type when no kind carries it (an object, a function, ...).
fn value(v: Unknown, unit: Option<Unit>) -> Result<std::result::Result<Value, &'static str>> {
    Ok(Ok(match v.get_type()? {
        ValueType::String => Value::Text(String::from_unknown(v)?),
        ValueType::Boolean => Value::Bool(bool::from_unknown(v)?),
        ValueType::Number => {
            let n = f64::from_unknown(v)?;
            match unit {
                Some(Unit::Millis) => Value::Millis(n),
                Some(Unit::Seconds) => Value::Seconds(n),
                // i64::MIN and i64::MAX + 1 as f64 bound the integers an i64 holds.
                None if n.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) => {
                    Value::Int(n as i64)
                }
                None => Value::Float(n),
            }
        }
        // A PEM read with `fs.readFileSync` is a Buffer of UTF-8 text.
        ValueType::Object if v.is_buffer()? => match String::from_utf8(Buffer::from_unknown(v)?.to_vec()) {
            Ok(text) => Value::Text(text),
            Err(_) => return Ok(Err("a Buffer that is not UTF-8 text")),
        },
        ValueType::Object if v.is_array()? => return Ok(Err("a nested array")),
        ValueType::Object => return Ok(Err("an object")),
        ValueType::Function => return Ok(Err("a function")),
        ValueType::Symbol => return Ok(Err("a symbol")),
        // A BigInt (Node-API 4 cannot read one), an External.
        _ => return Ok(Err("a value of this JavaScript type")),
    }))
}

/// The values one option key gives: one per element of an array (list
/// options take one element per call), else one.
fn values(v: Unknown, unit: Option<Unit>) -> Result<std::result::Result<Vec<Value>, &'static str>> {
    if !v.is_array()? {
        return Ok(value(v, unit)?.map(|one| vec![one]));
    }
    let array = Array::from_unknown(v)?;
    let mut out = Vec::with_capacity(array.len() as usize);
    for i in 0..array.len() {
        let element: Unknown = array
            .get(i)?
            .ok_or_else(|| Error::from_reason("array element vanished"))?;
        match value(element, unit)? {
            Ok(one) => out.push(one),
            Err(what) => return Ok(Err(what)),
        }
    }
    Ok(Ok(out))
}

/// `new Client(options)` to a core builder, key for key.
pub(crate) fn client_builder(env: &Env, options: Unknown) -> Result<ClientBuilder> {
    let core = |e: siteverify::Error| js_error(env, &e);
    if options.get_type()? != ValueType::Object || options.is_array()? {
        return Err(js_error(env, &Failure::configuration("options must be an object")));
    }
    let obj = Object::from_unknown(options)?;
    // The provider by its name; a missing one is the core's unknown provider.
    let provider: Unknown = obj.get_named_property("provider")?;
    let name = match provider.get_type()? {
        ValueType::String => String::from_unknown(provider)?,
        _ => String::new(),
    };
    let mut builder = Client::builder(name.parse::<siteverify::Provider>().map_err(core)?);
    for key in Object::keys(&obj)? {
        if key == "provider" {
            continue;
        }
        let v: Unknown = obj.get_named_property(&key)?;
        if matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) {
            continue;
        }
        let spec = OPTIONS.iter().find(|spec| node_key(spec) == key);
        let (name, unit) = match spec {
            Some(spec) => (spec.name, unit(spec)),
            // The core's own spelling (`max_retries`, `timeout`) is not a Node
            // key: taking it would give every option a second, undocumented
            // name (and `timeout: 5000` no unit).
            None if siteverify::option_spec(&key).is_some() => {
                let node = OPTIONS
                    .iter()
                    .find(|spec| spec.name == key)
                    .map(node_key)
                    .unwrap_or_default();
                return Err(js_error(
                    env,
                    &Failure::configuration(format!("unknown option {key:?} (Node spells it {node})")),
                ));
            }
            // Any other key goes to the core as it is, which refuses it as an
            // unknown option, naming it as written.
            None => (key.as_str(), None),
        };
        // An array is one value per element for a list option; no value
        // kind carries an array for any other (`secret: [a, b]` must not set b).
        let list = spec.is_none_or(|spec| spec.kind == OptionKind::TextList);
        let translated = if list || !v.is_array()? {
            values(v, unit)?
        } else {
            Err("an array")
        };
        match translated {
            Ok(values) => {
                for value in &values {
                    builder.set_option(name, value.as_option()).map_err(core)?;
                }
            }
            // No `OptionValue` carries it, so it cannot reach the core: the
            // same code, and the message does not echo it either.
            Err(what) => {
                return Err(js_error(
                    env,
                    &Failure::configuration(format!("option {name} cannot be {what}")),
                ))
            }
        }
    }
    Ok(builder)
}

/// Testing only (`_testingProviderNames`): the core's provider names, in
/// its order, so a test can check the `Provider` type lists them all.
pub(crate) fn provider_names() -> Vec<String> {
    siteverify::Provider::ALL
        .iter()
        .map(|p| p.as_str().to_string())
        .collect()
}

/// Testing only (`_testingOptionKeys`): each core option's Node key, in
/// the core's order, so a test can check `ClientOptions` names them all.
pub(crate) fn node_keys() -> Vec<String> {
    OPTIONS.iter().map(node_key).collect()
}
