//! TLS end to end against the mock's HTTPS mode: trust (extra CA, system
//! store, unknown CA, wrong name), HTTP/2, and connection reuse.
//!
//! The system-store tests re-run this test binary as a child with
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` set, because the store is read once per
//! process and the environment is process-wide.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use siteverify::{Client, ClientBuilder, FailMode, Outcome, Provider, Reason, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, MockStats, TlsOptions, DEFAULT_SECRET};

fn https_mock() -> MockServer {
    MockServer::start_tls(MockConfig::default(), TlsOptions::default()).unwrap()
}

fn builder(mock: &MockServer) -> ClientBuilder {
    assert!(mock.url().starts_with("https://"), "not the HTTPS mock: {}", mock.url());
    let mut b = Client::builder(Provider::Prosopo);
    b.secret(DEFAULT_SECRET).endpoint(mock.prosopo_url());
    b
}

fn verify(b: &ClientBuilder, token: &str) -> Outcome {
    b.build()
        .unwrap()
        .verify_blocking(token, &VerifyOptions::default())
        .unwrap()
}

fn assert_tls_refused(o: &Outcome, fail_mode: FailMode) {
    assert_eq!(o.reason, Reason::TlsFailure, "{fail_mode:?}: {o:?}");
    assert!(
        !o.accepted,
        "a certificate failure was accepted under {fail_mode:?}: {o:?}"
    );
    assert_eq!(o.attempts, 1, "a certificate failure was retried: {o:?}");
    assert!(!o.retryable, "{o:?}");
    assert_eq!(o.http_status, None);
}

/// The mock's counters once `done` holds (or after two seconds, for the assertion to show).
fn eventually(mock: &MockServer, done: impl Fn(&MockStats) -> bool) -> MockStats {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let stats = mock.stats();
        if done(&stats) {
            return stats;
        }
        assert!(Instant::now() < deadline, "mock counters never got there: {stats:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn extra_ca_is_trusted() {
    let mock = https_mock();
    for provider in [Provider::Prosopo, Provider::GateKeeper] {
        let url = if provider == Provider::Prosopo {
            mock.prosopo_url()
        } else {
            mock.gatekeeper_url()
        };
        let mut b = Client::builder(provider);
        b.secret(DEFAULT_SECRET).endpoint(url).ca_pem(mock.ca_pem().unwrap());
        let o = verify(&b, "pass");
        assert!(o.accepted, "{provider:?}: {o:?}");
        assert_eq!(o.reason, Reason::Verified, "{o:?}");
    }
}

#[test]
fn extra_ca_file_is_trusted() {
    let mock = https_mock();
    let file = temp_path("extra-ca.pem");
    std::fs::write(&file, mock.ca_pem().unwrap()).unwrap();
    let o = verify(builder(&mock).ca_file(&file), "pass");
    let _ = std::fs::remove_file(&file);
    assert_eq!(o.reason, Reason::Verified, "{o:?}");
}

#[test]
fn unknown_ca_is_refused_once_in_every_fail_mode() {
    let mock = https_mock();
    for mode in [FailMode::Open, FailMode::Closed] {
        let client = builder(&mock).fail_mode(mode).build().unwrap();
        let o = client.verify_blocking("pass", &VerifyOptions::default()).unwrap();
        assert_tls_refused(&o, mode);
        let detail = o.detail.as_deref().unwrap_or_default();
        assert!(detail.contains("UnknownIssuer"), "detail does not say why: {detail}");
        assert_eq!(client.stats().by_reason.get("tls-failure"), Some(&1), "not counted");
    }
    // The mock counts a refused handshake when it sees the client's alert,
    // which may be just after the client has returned.
    let stats = eventually(&mock, |s| s.tls_failed == 2);
    assert_eq!(stats.requests, 0, "a request went out over an untrusted connection");
    assert_eq!(stats.tls_handshakes, 0);
}

#[test]
fn hostname_mismatch_is_refused_once_in_every_fail_mode() {
    let options = TlsOptions { wrong_hostname: true };
    let mock = MockServer::start_tls(MockConfig::default(), options).unwrap();
    for mode in [FailMode::Open, FailMode::Closed] {
        // The CA is trusted: only the name is wrong.
        let o = verify(builder(&mock).ca_pem(mock.ca_pem().unwrap()).fail_mode(mode), "pass");
        assert_tls_refused(&o, mode);
        let detail = o.detail.as_deref().unwrap_or_default();
        assert!(
            detail.contains("not valid for name"),
            "detail does not say why: {detail}"
        );
    }
    // The same for a DNS name: `localhost` is not in that certificate either.
    let mut b = builder(&mock);
    b.endpoint(mock.prosopo_url().replace("127.0.0.1", "localhost"))
        .ca_pem(mock.ca_pem().unwrap());
    assert_tls_refused(&verify(&b, "pass"), FailMode::Closed);
    let stats = eventually(&mock, |s| s.tls_failed == 3);
    assert_eq!(stats.requests, 0, "a request went out over an untrusted connection");
}

#[test]
fn localhost_name_is_valid() {
    let mock = https_mock();
    let mut b = builder(&mock);
    b.endpoint(mock.prosopo_url().replace("127.0.0.1", "localhost"))
        .ca_pem(mock.ca_pem().unwrap());
    assert_eq!(verify(&b, "pass").reason, Reason::Verified);
}

#[test]
fn http2_is_negotiated_and_one_connection_one_handshake_serves_many() {
    const N: u64 = 20;
    let mock = https_mock();
    let client = builder(&mock).ca_pem(mock.ca_pem().unwrap()).build().unwrap();
    for _ in 0..N {
        let o = client.verify_blocking("pass", &VerifyOptions::default()).unwrap();
        assert_eq!(o.reason, Reason::Verified, "{o:?}");
    }
    let stats = mock.stats();
    assert_eq!(stats.requests, N, "{stats:?}");
    assert_eq!(stats.h2_requests, N, "HTTP/2 was not used: {stats:?}");
    assert_eq!(stats.h2_connections, 1, "{stats:?}");
    // HTTP/2 multiplexes: unlike HTTP/1.1 keep-alive, there is no window in
    // which the pool has no idle connection, so exactly one is expected.
    assert_eq!(stats.connections, 1, "connection not reused: {stats:?}");
    assert_eq!(stats.tls_handshakes, 1, "{stats:?}");
    assert_eq!(stats.tls_failed, 0, "{stats:?}");
}

#[test]
fn misbehaving_server_over_tls_is_an_outage_not_a_certificate_failure() {
    let mock = https_mock();
    for token in ["reset", "status:code=503", "malformed"] {
        let o = verify(builder(&mock).ca_pem(mock.ca_pem().unwrap()).max_retries(1), token);
        assert_ne!(o.reason, Reason::TlsFailure, "{token}: {o:?}");
        assert!(!o.accepted, "{token}: {o:?}");
    }
    let o = verify(builder(&mock).ca_pem(mock.ca_pem().unwrap()).max_retries(1), "reset");
    assert_eq!(o.reason, Reason::ProviderUnavailable, "{o:?}");
    assert_eq!(o.attempts, 2, "a stream reset is transient and retried: {o:?}");
}

/// The mock's HTTP/1.1 path over TLS, for clients that do not offer h2.
#[tokio::test]
async fn http1_over_tls_is_served_too() {
    let mock = https_mock();
    let ca = reqwest::Certificate::from_pem(mock.ca_pem().unwrap().as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .http1_only()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .no_proxy()
        .build()
        .unwrap();
    for _ in 0..3 {
        let r = http.get(format!("{}/health", mock.url())).send().await.unwrap();
        assert_eq!(r.version(), reqwest::Version::HTTP_11);
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
    let stats = mock.stats();
    assert_eq!(stats.h2_connections, 0, "{stats:?}");
    assert_eq!(stats.requests, 3, "{stats:?}");
}

// ---- The system trust store, in a child process ----

/// Set in the child: the endpoint to verify against.
const CHILD_URL: &str = "SITEVERIFY_TLS_TEST_CHILD_URL";
/// Set in the child, optionally: an extra CA file to pass as `ca_file`.
const CHILD_CA_FILE: &str = "SITEVERIFY_TLS_TEST_CHILD_CA_FILE";
/// The child's outcome line starts with this.
const MARK: &str = "child-outcome: ";

/// Runs only as a child of `system_store` tests: verifies with no trust
/// option set (unless CHILD_CA_FILE) and prints the outcome.
#[test]
fn child_verifies_with_default_trust() {
    let Ok(url) = std::env::var(CHILD_URL) else {
        return; // not a child: nothing to do
    };
    let mut b = Client::builder(Provider::Prosopo);
    b.secret(DEFAULT_SECRET).endpoint(url);
    if let Ok(ca) = std::env::var(CHILD_CA_FILE) {
        b.ca_file(ca);
    }
    let o = verify(&b, "pass");
    println!("{MARK}{}", o.to_json());
}

/// Runs the child with exactly these trust-related variables.
fn child(mock: &MockServer, env: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_verifies_with_default_trust",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_URL, mock.prosopo_url())
    .env_remove(CHILD_CA_FILE)
    .env_remove("SSL_CERT_FILE")
    .env_remove("SSL_CERT_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(MARK).map(|(_, json)| json))
        .unwrap_or_else(|| panic!("child printed no outcome: {stdout}"));
    serde_json::from_str(line).unwrap()
}

static UNIQ: AtomicU32 = AtomicU32::new(0);

fn temp_path(name: &str) -> PathBuf {
    let n = UNIQ.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("siteverify-tls-{}-{n}-{name}", std::process::id()))
}

/// The distribution's bundle, if this machine has one: installing a CA means
/// adding it to that, as update-ca-certificates does.
fn system_bundle() -> String {
    ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default()
}

#[test]
fn system_store_ca_is_trusted_with_no_option_set() {
    let mock = https_mock();
    let bundle = temp_path("bundle.pem");
    std::fs::write(&bundle, format!("{}\n{}", system_bundle(), mock.ca_pem().unwrap())).unwrap();
    let o = child(&mock, &[("SSL_CERT_FILE", bundle.to_str().unwrap())]);
    let _ = std::fs::remove_file(&bundle);
    assert_eq!(o["reason"], "verified", "{o}");
    assert_eq!(o["accepted"], true, "{o}");
}

#[test]
fn system_store_directory_is_trusted_with_no_option_set() {
    let mock = https_mock();
    let dir = temp_path("certs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mock-ca.pem"), mock.ca_pem().unwrap()).unwrap();
    let o = child(&mock, &[("SSL_CERT_DIR", dir.to_str().unwrap())]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o["reason"], "verified", "{o}");
}

#[test]
fn ca_missing_from_system_store_is_a_tls_failure() {
    let mock = https_mock();
    // A store that holds another CA (a second mock's), not this mock's.
    let other = https_mock();
    let bundle = temp_path("other.pem");
    std::fs::write(&bundle, format!("{}\n{}", system_bundle(), other.ca_pem().unwrap())).unwrap();
    let o = child(&mock, &[("SSL_CERT_FILE", bundle.to_str().unwrap())]);
    let _ = std::fs::remove_file(&bundle);
    assert_eq!(o["reason"], "tls-failure", "{o}");
    assert_eq!(o["attempts"], 1, "{o}");
    assert_eq!(o["accepted"], false, "{o}");
    assert!(o["detail"].as_str().unwrap().contains("UnknownIssuer"), "{o}");
}

#[test]
fn unreadable_system_store_falls_back_and_still_takes_extra_cas() {
    let mock = https_mock();
    let missing = temp_path("no-such-bundle.pem");
    let missing = missing.to_str().unwrap();
    // No store at all: the bundled roots apply, which do not hold the mock's CA.
    let o = child(&mock, &[("SSL_CERT_FILE", missing)]);
    assert_eq!(o["reason"], "tls-failure", "{o}");
    // The extra-CA option works on top of the fallback.
    let ca = temp_path("extra.pem");
    std::fs::write(&ca, mock.ca_pem().unwrap()).unwrap();
    let o = child(
        &mock,
        &[("SSL_CERT_FILE", missing), (CHILD_CA_FILE, ca.to_str().unwrap())],
    );
    let _ = std::fs::remove_file(&ca);
    assert_eq!(o["reason"], "verified", "{o}");
}
