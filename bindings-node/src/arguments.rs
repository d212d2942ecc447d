//! The arguments of `verify` and `verifySync`: the token and the per-call
//! options. A value of the wrong JavaScript type is an `InvalidArgumentError`
//! naming the argument, never echoing it.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use siteverify::VerifyOptions as CoreVerifyOptions;

use crate::errors::{js_error, Failure};

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

const VERIFY_KEYS: &[&str] = &["remoteIp", "email", "signal"];

/// The per-call options (`signal` is handled by `index.js`); `null` and
/// `undefined` mean none.
pub(crate) fn verify_options(env: &Env, options: Option<Unknown>) -> Result<CoreVerifyOptions> {
    let fail = |message: String| js_error(env, &Failure::invalid_argument(message));
    let mut out = CoreVerifyOptions::default();
    let Some(options) = options else { return Ok(out) };
    match options.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok(out),
        ValueType::Object if !options.is_array()? => {}
        _ => return Err(fail("verify options must be an object".into())),
    }
    let obj = Object::from_unknown(options)?;
    for key in Object::keys(&obj)? {
        if !VERIFY_KEYS.contains(&key.as_str()) {
            let shown: String = key.chars().take(40).collect();
            return Err(fail(format!("unknown verify option `{shown}`")));
        }
    }
    let string = |key: &str| -> Result<Option<String>> {
        let value: Unknown = obj.get_named_property(key)?;
        match value.get_type()? {
            ValueType::Undefined | ValueType::Null => Ok(None),
            ValueType::String => Ok(Some(String::from_unknown(value)?)),
            _ => Err(fail(format!("{key} must be a string"))),
        }
    };
    out.remote_ip = string("remoteIp")?;
    out.email = string("email")?;
    Ok(out)
}
