//! The CLI against the mock: JSON on stdout and exit codes 0/1/2, for every
//! vector case it can express.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_siteverify");

fn run(args: &[String], stdin: Option<&str>, secret: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("SV_TEST_SECRET", secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        // The CLI may exit (config error) before reading its input.
        let _ = pipe.write_all(input.as_bytes());
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn cases() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .flat_map(|p| {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            doc["cases"].as_array().unwrap().clone()
        })
        .collect()
}

/// Translates a vector case into CLI arguments; `None` when the CLI cannot express it.
fn args_for(case: &Value, mock: &MockServer, token_arg: &str) -> Option<Vec<String>> {
    let provider = case["provider"].as_str().unwrap();
    let cfg = case.get("config").cloned().unwrap_or_else(|| serde_json::json!({}));
    let mut a: Vec<String> = vec!["verify".into(), "--provider".into(), provider.into()];
    a.extend(["--secret-env".into(), "SV_TEST_SECRET".into()]);
    match (
        cfg.get("endpoint").and_then(Value::as_str),
        cfg.get("region").and_then(Value::as_str),
    ) {
        (Some(_), Some(_)) => return None, // clap itself refuses the pair
        (Some(e), None) => a.extend(["--endpoint".into(), e.replace("{mock}", &mock.url())]),
        (None, Some(r)) => a.extend(["--region".into(), r.into()]),
        (None, None) => a.extend(["--endpoint".into(), mock.url_for(provider)?]),
    }
    for (key, value) in cfg.as_object().unwrap() {
        let flag = format!("--{}", key.replace('_', "-"));
        match (key.as_str(), value) {
            ("secret" | "endpoint" | "region", _) => {}
            ("expected_hostnames" | "expected_actions", Value::Array(items)) => {
                for item in items {
                    a.extend([
                        flag.trim_end_matches('s').to_string(),
                        item.as_str().unwrap().to_string(),
                    ]);
                }
            }
            ("max_age_seconds", v) => a.extend(["--max-age".into(), v.to_string()]),
            ("allow_http", Value::Bool(true)) => a.push(flag),
            (_, Value::String(s)) => a.extend([flag, s.clone()]),
            (_, v) => a.extend([flag, v.to_string()]),
        }
    }
    for (key, value) in case.get("options").and_then(Value::as_object).into_iter().flatten() {
        a.extend([
            format!("--{}", key.replace('_', "-")),
            value.as_str().unwrap().to_string(),
        ]);
    }
    a.push(token_arg.into());
    Some(a)
}

#[test]
fn every_vector_through_the_cli() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let secret = case
            .pointer("/config/secret")
            .and_then(Value::as_str)
            .unwrap_or(DEFAULT_SECRET);
        if secret.is_empty() || case.get("expect_config_error").is_some_and(Value::is_null) {
            continue; // an empty env var is refused before the core; successful configs are covered by the core
        }
        let token = match &case["token"] {
            Value::String(s) => s.replace("{uniq}", &format!("cli-{}-{i}", std::process::id())),
            Value::Object(o) => o["repeat"]
                .as_str()
                .unwrap()
                .repeat(o["count"].as_u64().unwrap() as usize),
            _ => "pass".into(),
        };
        // Long tokens and NUL go through stdin: argv caps one string at 128 KiB and cannot hold NUL.
        let via_stdin = token.len() > 100_000 || token.contains('\0');
        let Some(args) = args_for(case, &mock, if via_stdin { "-" } else { &token }) else {
            continue;
        };
        let input = format!("{token}\n");
        for _ in 0..case["prior_verifications"].as_u64().unwrap_or(0) {
            run(&args, Some(&input), secret);
        }
        let out = run(&args, Some(&input), secret);
        let code = out.status.code().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{name}: secret printed"
        );
        checked += 1;
        if case.get("expect_config_error").is_some() || case.get("expect_error").is_some() {
            if code != 2 || !stdout.is_empty() {
                problems.push(format!("{name}: want exit 2 and no stdout, got {code}: {stdout}"));
            }
            continue;
        }
        let outcome: Value = match serde_json::from_str(stdout.trim()) {
            Ok(v) => v,
            Err(_) => {
                problems.push(format!(
                    "{name}: stdout is not one JSON object: {stdout:?} (stderr {stderr})"
                ));
                continue;
            }
        };
        let want_code = if outcome["accepted"] == Value::Bool(true) { 0 } else { 1 };
        if code != want_code {
            problems.push(format!("{name}: exit {code}, want {want_code}"));
        }
        for (key, want) in case["expect"].as_object().unwrap() {
            let have = &outcome[key];
            let same = match (want, have) {
                (Value::Number(x), Value::Number(y)) => (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-9,
                _ => want == have,
            };
            if !same {
                problems.push(format!("{name}: {key}: want {want}, got {have}"));
            }
        }
    }
    assert!(checked > 250, "only {checked} cases ran");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_secret_is_never_an_argument() {
    let out = run(
        &[
            "verify".into(),
            "--provider".into(),
            "prosopo".into(),
            "--secret".into(),
            "x".into(),
            "t".into(),
        ],
        None,
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn secret_file_and_usage_errors() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("sv-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    std::fs::write(&file, format!("{DEFAULT_SECRET}\n")).unwrap();
    let base = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["verify", "--provider", "gatekeeper", "--endpoint"]
            .map(String::from)
            .to_vec();
        a.push(mock.gatekeeper_url());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let ok = run(&base(&["--secret-file", file.to_str().unwrap(), "pass"]), None, "");
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let missing = run(&base(&["--secret-file", "/nonexistent/secret", "pass"]), None, "");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read the secret file"));
    assert!(
        !String::from_utf8_lossy(&missing.stderr).contains("/nonexistent"),
        "the path is not echoed"
    );
    let no_source = run(&base(&["pass"]), None, "");
    assert_eq!(no_source.status.code(), Some(2));
    let unset = run(&base(&["--secret-env", "SV_SURELY_UNSET_VAR", "pass"]), None, "");
    assert_eq!(unset.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn mock_subcommand_prints_its_url_first() {
    let mut child = Command::new(BIN)
        .args(["mock", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.as_mut().unwrap()), &mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        line.starts_with("http://127.0.0.1:") && line.trim_end().len() > "http://127.0.0.1:".len(),
        "{line:?}"
    );
}

#[test]
fn verbose_prints_the_event_on_stderr() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let args: Vec<String> = [
        "verify",
        "--provider",
        "gatekeeper",
        "--secret-env",
        "SV_TEST_SECRET",
        "--verbose",
        "--endpoint",
        &mock.gatekeeper_url(),
        "pass:id=a-verbose-token-value",
    ]
    .map(String::from)
    .to_vec();
    let out = run(&args, None, DEFAULT_SECRET);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let event: Value = serde_json::from_str(stderr.trim()).expect("one JSON event on stderr");
    assert_eq!(event["reason"], "verified");
    assert_eq!(event["provider"], "gatekeeper");
    assert!(!stderr.contains(DEFAULT_SECRET) && !stderr.contains("a-verbose-token-value"));
    // stdout still holds exactly the outcome.
    let outcome: Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(outcome["accepted"], true);
}
