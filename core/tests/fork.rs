//! fork() after first use, then verify in the child. Its own test binary:
//! forking while other tests' threads hold locks could deadlock the child.

use siteverify::{Client, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

#[test]
fn verifies_in_a_forked_child_after_the_parent_did() {
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let c = Client::builder(Provider::Prosopo)
        .secret(DEFAULT_SECRET)
        .endpoint(mock.prosopo_url())
        .build()
        .unwrap();
    // The parent warms this thread's runtime and connection pool first.
    assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    // SAFETY: the child only verifies and exits; it never returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // On the forking thread, whose blocking-call runtime and pool
            // the parent had warmed, then on a new thread. One attempt each: a
            // stale pool from the parent would time out and retry.
            let here = c.verify_blocking("pass", &VerifyOptions::default());
            let c = c.clone();
            let done = std::thread::spawn(move || c.verify_blocking("pass", &VerifyOptions::default()));
            matches!(here, Ok(o) if o.accepted && o.attempts == 1)
                && matches!(done.join(), Ok(Ok(o)) if o.accepted && o.attempts == 1)
        }));
        unsafe { libc::_exit(if matches!(ok, Ok(true)) { 0 } else { 1 }) };
    }
    // Poll, so a child stuck on a lock fails the test instead of hanging it.
    let mut status = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } != pid {
        if std::time::Instant::now() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("child did not finish within 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed to verify after fork"
    );

    // A child that never verifies and leaves through exit(): the forking
    // thread's destructors run there, and must leave the parent's runtime
    // and pool alone (dropping them would deregister the parent's pooled
    // socket from the epoll instance the two share: the parent's next
    // verification on it would hang until its attempt timed out).
    assert!(c.verify_blocking("pass", &VerifyOptions::default()).unwrap().accepted);
    // SAFETY: the child calls exit() at once.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        unsafe { libc::exit(0) };
    }
    unsafe { libc::waitpid(pid, &mut status, 0) };
    let o = c.verify_blocking("pass", &VerifyOptions::default()).unwrap();
    assert!(o.accepted && o.attempts == 1, "the parent lost its connection: {o:?}");
}
