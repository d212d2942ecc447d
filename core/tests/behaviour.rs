//! Behaviour that a single vector cannot show: pooling, redirects, secrets,
//! stats, runtimes and fork.

use std::time::Duration;

use siteverify::{Client, ErrorCode, Provider, Reason, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer};

const SECRET: &str = "s3cr3t-do-not-leak-9f8e7d";

fn mock_with_secret() -> MockServer {
    MockServer::start(MockConfig {
        secrets: vec![SECRET.into()],
    })
    .unwrap()
}

fn client(mock: &MockServer, provider: Provider) -> Client {
    let url = if provider == Provider::Prosopo {
        mock.prosopo_url()
    } else {
        mock.gatekeeper_url()
    };
    Client::builder(provider).secret(SECRET).endpoint(url).build().unwrap()
}

#[test]
fn one_connection_serves_many_verifications() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::GateKeeper);
    for _ in 0..20 {
        assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    }
    let stats = mock.stats();
    assert_eq!(stats.requests, 20);
    // Usually 1; hyper returns a connection to the pool asynchronously, so a
    // busy machine may open a second one. Without pooling it would be 20.
    assert!(stats.connections <= 3, "keep-alive pool not reused: {stats:?}");
}

#[test]
fn clones_are_the_same_client() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::Prosopo);
    let clone = c.clone();
    for _ in 0..10 {
        c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
        clone.verify_blocking("pass", &VerifyOptions::default()).unwrap();
    }
    // A clone is the same client (one Arc): same counters, same pool.
    assert_eq!(c.stats().verifications, 20, "clones share counters");
    assert_eq!(clone.stats(), c.stats());
}

#[test]
fn redirects_are_never_followed() {
    let mock = mock_with_secret();
    for provider in [Provider::Prosopo, Provider::GateKeeper] {
        for status in [301, 302, 303, 307, 308] {
            let o = client(&mock, provider)
                .verify_blocking(&format!("redirect:status={status}"), &VerifyOptions::default())
                .unwrap();
            assert_eq!(o.reason, Reason::ProtocolError);
            assert_eq!(o.http_status, Some(status));
            assert!(!o.accepted);
        }
    }
    assert_eq!(
        mock.stats().captured,
        0,
        "a redirect target received the request (and the secret)"
    );
}

#[test]
fn secret_never_shows() {
    let mock = mock_with_secret();
    let mut builder = Client::builder(Provider::GateKeeper);
    builder.secret(SECRET).endpoint(mock.gatekeeper_url());
    assert!(!format!("{builder:?}").contains(SECRET));
    let c = builder.build().unwrap();
    assert!(!format!("{c:?}").contains(SECRET));
    for token in [
        "pass",
        "fail",
        "malformed",
        "reset",
        "error:key=invalid-input-secret:status=401",
    ] {
        let o = c.verify_blocking(token, &VerifyOptions::default()).unwrap();
        assert!(!format!("{o:?}").contains(SECRET));
        assert!(!o.to_json().contains(SECRET));
    }
    // Config errors name the problem, never the secret.
    let bad = Client::builder(Provider::GateKeeper)
        .secret(SECRET)
        .endpoint("http://example.com/v")
        .build();
    assert!(!bad.unwrap_err().to_string().contains(SECRET));
    let bad = Client::builder(Provider::GateKeeper)
        .secret(format!("{SECRET}\n"))
        .build();
    let err = bad.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Configuration);
    assert!(!err.to_string().contains(SECRET));
    assert_eq!(format!("{:?}", siteverify::Secret::new(SECRET)), "Secret(***)");
}

#[test]
fn wrong_secret_is_reported_not_hidden() {
    let mock = mock_with_secret();
    let c = Client::builder(Provider::Prosopo)
        .secret("wrong")
        .endpoint(mock.prosopo_url())
        .build()
        .unwrap();
    let o = c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
    // The same key answers a token from another site: a definite rejection,
    // whose key and count make a wrong secret visible.
    assert_eq!(o.reason, Reason::TokenInvalid);
    assert!(o.conclusive && !o.accepted);
    assert_eq!(o.error_key.as_deref(), Some("API.INVALID_SITE_KEY"));
    assert_eq!(c.stats().by_error_key.get("API.INVALID_SITE_KEY"), Some(&1));
}

#[test]
fn stats_count_what_happened() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::Prosopo);
    let opts = VerifyOptions::default();
    for token in [
        "pass",
        "fail",
        "fail-open",
        "fail-open",
        "error:key=API.INVALID_SITE_KEY",
    ] {
        c.verify_blocking(token, &opts).unwrap();
    }
    assert!(c
        .verify_blocking("pass", &VerifyOptions::default().remote_ip("nope"))
        .is_err());
    let s = c.stats();
    assert_eq!(s.verifications, 5);
    assert_eq!(s.accepted, 1); // pass; fail-open answers follow fail_mode=closed
    assert_eq!(s.not_accepted, 4);
    assert_eq!(s.inconclusive, 2);
    assert_eq!(s.fail_open_suspected, 2);
    assert_eq!(s.errors, 1);
    assert_eq!(s.by_reason.get("provider-fail-open"), Some(&2));
    assert!(s.to_json().contains("\"fail_open_suspected\":2"));
}

#[test]
fn retries_are_counted() {
    let mock = mock_with_secret();
    let c = Client::builder(Provider::GateKeeper)
        .secret(SECRET)
        .endpoint(mock.gatekeeper_url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .build()
        .unwrap();
    let o = c
        .verify_blocking("flaky:fails=2:id=stats", &VerifyOptions::default())
        .unwrap();
    assert_eq!(o.attempts, 3);
    assert_eq!(c.stats().retries, 2);
}

#[tokio::test]
async fn blocking_inside_a_runtime_is_an_error_not_a_panic() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::Prosopo);
    let err = c.verify_blocking("pass", &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BlockingInAsyncContext);
    // The async path works on the caller's own runtime.
    assert!(c.verify("pass", &VerifyOptions::default()).await.unwrap().accepted);
}

#[tokio::test]
async fn dropping_the_future_cancels_the_request() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::Prosopo);
    let opts = VerifyOptions::default();
    let pending = c.verify("hang", &opts);
    assert!(tokio::time::timeout(Duration::from_millis(200), pending).await.is_err());
    // Nothing was recorded for the cancelled call; the client still works.
    assert_eq!(c.stats().verifications, 0);
    assert!(c.verify("pass", &VerifyOptions::default()).await.unwrap().accepted);
}

#[test]
fn concurrent_verifications_share_one_client() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::GateKeeper);
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let c = c.clone();
            std::thread::spawn(move || {
                for j in 0..20 {
                    let o = c
                        .verify_blocking(&format!("pass:score=0.2:id={i}-{j}"), &VerifyOptions::default())
                        .unwrap();
                    assert!(o.accepted, "{o:?}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(c.stats().accepted, 320);
}

#[test]
fn extra_ca_is_parsed_at_build() {
    let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/test-ca.pem")).unwrap();
    assert!(Client::builder(Provider::Prosopo)
        .secret("x")
        .ca_pem(pem)
        .build()
        .is_ok());
    let err = Client::builder(Provider::Prosopo)
        .secret("x")
        .ca_pem("not pem")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Configuration);
    let err = Client::builder(Provider::Prosopo)
        .secret("x")
        .ca_file("/nonexistent/ca.pem")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Configuration);
}

#[test]
fn client_is_send_sync_and_cheap_to_clone() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Client>();
    // A clone is a reference to the same client, not a new pool.
    assert_eq!(std::mem::size_of::<Client>(), std::mem::size_of::<usize>());
}

#[test]
fn token_bytes_that_are_not_utf8_are_an_invalid_token() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::GateKeeper);
    let run = |token: &[u8], opts: VerifyOptions| siteverify::runtime::block_on(c.verify_bytes(token, &opts)).unwrap();
    let o = run(b"pass\xff", VerifyOptions::default()).unwrap();
    assert_eq!((o.accepted, o.reason, o.attempts), (false, Reason::TokenInvalid, 0));
    assert!(run(b"pass", VerifyOptions::default()).unwrap().accepted);
    assert_eq!(mock.stats().requests, 1, "the invalid token was sent");
    assert!(run(b"\xff", VerifyOptions::default().remote_ip("x")).is_err());
}

#[test]
fn threads_that_verify_and_exit_keep_their_connections_and_leave_cleanly() {
    let mock = mock_with_secret();
    let c = client(&mock, Provider::GateKeeper);
    // Threads that verify and exit: each thread's runtime and pool go with
    // it (a runtime dropped in a thread-local destructor must not panic).
    for _ in 0..4 {
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    (0..5)
                        .map(|_| c.verify_blocking("pass", &VerifyOptions::default()).unwrap())
                        .all(|o| o.accepted)
                })
            })
            .collect();
        for t in threads {
            assert!(
                t.join().expect("a verifying thread panicked"),
                "a verification was refused"
            );
        }
    }
    let stats = mock.stats();
    assert_eq!(stats.requests, 160);
    // Keep-alive: at most a few connections per thread, not one per
    // verification (which would be 160).
    assert!(
        stats.connections <= 32 * 2,
        "pools not reused within a thread: {stats:?}"
    );
    // And the thread that keeps calling keeps its connection.
    let before = mock.stats().connections;
    for _ in 0..20 {
        assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    }
    assert!(mock.stats().connections - before <= 3, "{:?}", mock.stats());
}

#[test]
fn an_event_hook_runs_on_the_verifying_thread_and_cannot_block_again() {
    let mock = mock_with_secret();
    let inner = client(&mock, Provider::GateKeeper);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen2 = seen.clone();
    let c = Client::builder(Provider::GateKeeper)
        .secret(SECRET)
        .endpoint(mock.gatekeeper_url())
        .on_event(move |_| {
            let r = inner.verify_blocking("pass", &VerifyOptions::default());
            let thread = std::thread::current().id();
            *seen2.lock().unwrap() = Some((thread, r.map(|o| o.accepted).map_err(|e| e.code())));
        })
        .build()
        .unwrap();
    assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    // The hook runs where the verification ran: on this thread, no hand-off
    // to a worker; and blocking again from there is refused, not a deadlock.
    assert_eq!(
        seen.lock().unwrap().clone(),
        Some((std::thread::current().id(), Err(ErrorCode::BlockingInAsyncContext)))
    );
}
