//! Blocking calls run on the calling thread: no worker runtime is started.
//! Its own test binary, so no other test starts the shared runtime.

use siteverify::{Client, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

fn runtime_workers() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "siteverify-rt")
        .count()
}

#[test]
fn blocking_verifications_start_no_worker_threads() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .build()
        .unwrap();
    for _ in 0..10 {
        assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    }
    // The connection's task ran on this thread too: a hand-off to a worker
    // pool costs several context switches per verification (issue 15).
    assert_eq!(runtime_workers(), 0);
    // The async entry points' shared runtime is still there for them (and
    // the count above would have seen its workers).
    let (tx, rx) = std::sync::mpsc::channel();
    siteverify::runtime::handle().spawn(async move { tx.send(()).unwrap() });
    rx.recv().unwrap();
    assert!(runtime_workers() >= 1);
}
