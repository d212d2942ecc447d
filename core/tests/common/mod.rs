//! The Rust runner for `tests/vectors/`: other languages mirror it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use siteverify::{Client, ClientBuilder, OptionValue, Provider, VerifyOptions};
use siteverify_mock::{MockServer, DEFAULT_SECRET};

pub struct Case {
    pub file: String,
    pub raw: Value,
}

impl Case {
    pub fn name(&self) -> &str {
        self.raw["name"].as_str().unwrap()
    }
}

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

pub fn load_cases() -> Vec<Case> {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for raw in doc["cases"].as_array().unwrap() {
            cases.push(Case {
                file: file.file_name().unwrap().to_string_lossy().into(),
                raw: raw.clone(),
            });
        }
    }
    assert!(cases.len() > 50, "vectors missing");
    cases
}

static UNIQ: AtomicU64 = AtomicU64::new(0);

pub fn token(case: &Case, run: &str) -> Option<String> {
    match &case.raw["token"] {
        Value::String(s) => {
            let uniq = format!("{run}-{}-{}", std::process::id(), UNIQ.fetch_add(1, Ordering::Relaxed));
            Some(s.replace("{uniq}", &uniq))
        }
        Value::Object(o) => Some(
            o["repeat"]
                .as_str()
                .unwrap()
                .repeat(o["count"].as_u64().unwrap() as usize),
        ),
        _ => None,
    }
}

/// Builds the case's client the way a binding does: every config value goes
/// through the core's generic setter, typed as JSON typed it, so the core
/// alone decides what is a mistake. Vector keys name durations with their
/// unit (`timeout_ms`, `max_age_seconds`); the core names do not.
pub fn builder(case: &Case, mock: &MockServer) -> Result<ClientBuilder, siteverify::Error> {
    let provider: Provider = case.raw["provider"].as_str().unwrap().parse()?;
    let cfg = case
        .raw
        .get("config")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let cfg = cfg.as_object().unwrap();
    let mut b = Client::builder(provider);
    if !cfg.contains_key("secret") {
        b.secret(DEFAULT_SECRET);
    }
    if !cfg.contains_key("endpoint") && !cfg.contains_key("region") {
        // The default mock path per provider (tests/vectors/README.md).
        b.endpoint(mock.url_for(provider.as_str()).expect("a mock path for every provider"));
    }
    for (key, value) in cfg {
        let (name, unit) = match key.as_str() {
            k if k.ends_with("_ms") => (&k[..k.len() - 3], Some(1.0)),
            k if k.ends_with("_seconds") => (&k[..k.len() - 8], Some(1000.0)),
            k => (k, None),
        };
        let endpoint;
        let values: Vec<OptionValue> = match (value, unit) {
            (Value::Number(n), Some(scale)) => vec![OptionValue::Millis(n.as_f64().unwrap() * scale)],
            (Value::Number(n), None) => vec![match n.as_i64() {
                Some(i) => OptionValue::Int(i),
                None => OptionValue::Float(n.as_f64().unwrap()),
            }],
            (Value::Bool(v), _) => vec![OptionValue::Bool(*v)],
            (Value::String(v), _) if name == "endpoint" => {
                endpoint = v.replace("{mock}", &mock.url());
                vec![OptionValue::Text(&endpoint)]
            }
            (Value::String(v), _) => vec![OptionValue::Text(v)],
            (Value::Array(items), _) => items.iter().map(|v| OptionValue::Text(v.as_str().unwrap())).collect(),
            other => panic!("{}: config {key} = {other:?}", case.name()),
        };
        for v in values {
            b.set_option(name, v)?;
        }
    }
    Ok(b)
}

pub fn options(case: &Case) -> VerifyOptions {
    let o = &case.raw["options"];
    VerifyOptions {
        remote_ip: o.get("remote_ip").and_then(Value::as_str).map(String::from),
        email: o.get("email").and_then(Value::as_str).map(String::from),
    }
}

/// Compares the listed fields; returns the mismatches.
pub fn compare(case: &Case, outcome: &siteverify::Outcome) -> Vec<String> {
    let got = serde_json::to_value(outcome).unwrap();
    let mut problems = Vec::new();
    for (key, want) in case.raw["expect"].as_object().unwrap() {
        let have = got
            .get(key)
            .unwrap_or_else(|| panic!("{}: unknown outcome field {key}", case.name()));
        let same = match (want, have) {
            (Value::Number(a), Value::Number(b)) => (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9,
            _ => want == have,
        };
        if !same {
            problems.push(format!("{}/{}: {key}: want {want}, got {have}", case.file, case.name()));
        }
    }
    problems
}

/// Runs one verification case through `verify`, returning mismatches.
pub fn check_result(case: &Case, result: Result<siteverify::Outcome, siteverify::Error>) -> Vec<String> {
    match (result, case.raw.get("expect_error").and_then(Value::as_str)) {
        (Ok(o), None) => compare(case, &o),
        (Err(e), Some(code)) if e.code().as_str() == code => vec![],
        (Ok(o), Some(code)) => vec![format!(
            "{}: want error {code}, got outcome {}",
            case.name(),
            o.to_json()
        )],
        (Err(e), _) => vec![format!("{}: unexpected error {e}", case.name())],
    }
}

pub fn is_config_case(case: &Case) -> bool {
    case.raw.get("expect_config_error").is_some()
}

pub fn check_config(case: &Case, built: Result<Client, siteverify::Error>) -> Vec<String> {
    let want = case.raw["expect_config_error"].as_str();
    match (built, want) {
        (Ok(_), None) => vec![],
        (Err(e), Some(code)) if e.code().as_str() == code => {
            // Messages must never echo the secret.
            assert!(!e.to_string().contains(DEFAULT_SECRET));
            vec![]
        }
        (Ok(_), Some(code)) => vec![format!("{}: want config error {code}, built fine", case.name())],
        (Err(e), _) => vec![format!("{}: unexpected config error {e}", case.name())],
    }
}
