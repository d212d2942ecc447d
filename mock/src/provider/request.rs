//! Reading a request body the way the providers do: a form that is not sent as
//! a form reads as no fields at all, and JSON fields must all be strings.

use serde_json::Value;

use crate::http::Request;

/// The content type without parameters, lower case; empty if none.
pub(super) fn content_type(req: &Request) -> String {
    req.header("content-type")
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Form fields; a body that is not a form yields none (what the providers see).
pub(super) fn form(req: &Request) -> Vec<(String, String)> {
    if content_type(req) != "application/x-www-form-urlencoded" {
        return Vec::new();
    }
    form_urlencoded::parse(&req.body).into_owned().collect()
}

/// The first field named `name`.
pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// JSON object fields as strings (non-strings are a contract break: `None`).
pub(super) fn json_fields(req: &Request) -> Option<Vec<(String, String)>> {
    if content_type(req) != "application/json" {
        return None;
    }
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&req.body) else {
        return None;
    };
    obj.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            _ => None,
        })
        .collect()
}
