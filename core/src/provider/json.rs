//! Strict typed reads of provider JSON: a wrong type is an error, a missing
//! optional field or an explicit `null` is `None`, unknown fields are ignored.

use serde_json::{Map, Value};

/// Longest string we keep from a provider answer; longer ones are a protocol error.
const MAX_FIELD_LEN: usize = 1024;
/// Most error codes we keep from one answer.
const MAX_CODES: usize = 16;

pub(crate) type Obj = Map<String, Value>;

pub(crate) fn parse_object(body: &[u8]) -> Result<Obj, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("response body is JSON but not an object".into()),
        Err(_) => Err("response body is not JSON".into()),
    }
}

pub(crate) fn opt_bool(obj: &Obj, key: &str) -> Result<Option<bool>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("field `{key}` is not a boolean")),
    }
}

pub(crate) fn opt_str(obj: &Obj, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= MAX_FIELD_LEN => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(format!("field `{key}` is longer than {MAX_FIELD_LEN} bytes")),
        Some(_) => Err(format!("field `{key}` is not a string")),
    }
}

/// A risk score: a number in [0, 1].
pub(crate) fn opt_score(obj: &Obj, key: &str) -> Result<Option<f64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if (0.0..=1.0).contains(&f) => Ok(Some(f)),
            _ => Err(format!("field `{key}` is outside [0, 1]")),
        },
        Some(_) => Err(format!("field `{key}` is not a number")),
    }
}

pub(crate) fn opt_object<'a>(obj: &'a Obj, key: &str) -> Result<Option<&'a Obj>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(format!("field `{key}` is not an object")),
    }
}

pub(crate) fn opt_codes(obj: &Obj, key: &str) -> Result<Vec<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            if items.len() > MAX_CODES {
                return Err(format!("field `{key}` has more than {MAX_CODES} entries"));
            }
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) if s.len() <= 128 => Ok(s.clone()),
                    _ => Err(format!("field `{key}` holds something other than short strings")),
                })
                .collect()
        }
        Some(_) => Err(format!("field `{key}` is not an array")),
    }
}
