//! The Rust runner for `tests/vectors/`: other languages mirror it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use siteverify::{Client, ClientBuilder, Provider, VerifyOptions};
use siteverify_mock::{MockServer, DEFAULT_SECRET, GATEKEEPER_PATH, PROSOPO_PATH};

pub struct Case {
    pub file: String,
    pub raw: Value,
}

impl Case {
    pub fn name(&self) -> &str {
        self.raw["name"].as_str().unwrap()
    }
    pub fn provider(&self) -> Provider {
        self.raw["provider"].as_str().unwrap().parse().unwrap()
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

pub fn builder(case: &Case, mock: &MockServer) -> Result<ClientBuilder, siteverify::Error> {
    let provider = case.provider();
    let cfg = case
        .raw
        .get("config")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let mut b = Client::builder(provider);
    b.secret(cfg.get("secret").and_then(Value::as_str).unwrap_or(DEFAULT_SECRET));
    let ms = |k: &str| cfg.get(k).and_then(Value::as_u64).map(Duration::from_millis);
    match (
        cfg.get("endpoint").and_then(Value::as_str),
        cfg.get("region").and_then(Value::as_str),
    ) {
        (Some(e), region) => {
            b.endpoint(e.replace("{mock}", &mock.url()));
            if let Some(r) = region {
                b.region(r);
            }
        }
        (None, Some(r)) => {
            b.region(r);
        }
        (None, None) => {
            let path = if provider == Provider::Prosopo {
                PROSOPO_PATH
            } else {
                GATEKEEPER_PATH
            };
            b.endpoint(format!("{}{path}", mock.url()));
        }
    }
    if let Some(d) = ms("timeout_ms") {
        b.timeout(d);
    }
    if let Some(d) = ms("connect_timeout_ms") {
        b.connect_timeout(d);
    }
    if let Some(d) = ms("attempt_timeout_ms") {
        b.attempt_timeout(d);
    }
    if let Some(n) = cfg.get("max_retries").and_then(Value::as_u64) {
        b.max_retries(n as u32);
    }
    if ms("retry_base_delay_ms").is_some() || ms("retry_max_delay_ms").is_some() {
        b.retry_backoff(
            ms("retry_base_delay_ms").unwrap_or(siteverify::DEFAULT_RETRY_BASE_DELAY),
            ms("retry_max_delay_ms").unwrap_or(siteverify::DEFAULT_RETRY_MAX_DELAY),
        );
    }
    for h in cfg
        .get("expected_hostnames")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        b.expected_hostname(h.as_str().unwrap());
    }
    for a in cfg
        .get("expected_actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        b.expected_action(a.as_str().unwrap());
    }
    if let Some(t) = cfg.get("score_threshold").and_then(Value::as_f64) {
        b.score_threshold(t);
    }
    if let Some(s) = cfg.get("max_age_seconds").and_then(Value::as_u64) {
        b.max_age(Duration::from_secs(s));
    }
    if let Some(m) = cfg.get("fail_mode").and_then(Value::as_str) {
        b.fail_mode(m.parse()?);
    }
    if let Some(p) = cfg.get("on_fail_open").and_then(Value::as_str) {
        b.on_fail_open(p.parse()?);
    }
    if let Some(p) = cfg.get("proxy").and_then(Value::as_str) {
        b.proxy(p);
    }
    if let Some(a) = cfg.get("allow_http").and_then(Value::as_bool) {
        b.allow_http(a);
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
