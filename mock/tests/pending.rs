//! `pending` and `pending_peak` in the mock's stats: the verification requests a `delay=N`
//! scenario holds, and the most held at once (what a load test reads to prove that its
//! requests were really in flight together).

use std::time::Duration;

use siteverify_mock::{MockConfig, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one Prosopo verification (`Connection: close`) and returns the open connection.
async fn send(addr: &str, token: &str) -> TcpStream {
    let body = format!(r#"{{"secret":"mock-secret","token":"{token}"}}"#);
    let request = format!(
        "POST /siteverify HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect to the mock");
    stream.write_all(request.as_bytes()).await.expect("send");
    stream
}

#[tokio::test]
async fn pending_counts_the_held_requests_and_the_peak_the_most_at_once() {
    let mock = MockServer::start(MockConfig::default()).expect("mock");
    let addr = mock.url().trim_start_matches("http://").to_string();
    assert_eq!((mock.stats().pending, mock.stats().pending_peak), (0, 0));

    let mut held = Vec::new();
    for i in 0..3 {
        held.push(send(&addr, &format!("pass:delay=600000:id={i}")).await);
    }
    // Until the mock has read all three (the bound only turns a bug into a failure, not a hang).
    let mut polls = 0;
    while mock.stats().pending < 3 {
        assert!(
            polls < 3000,
            "the mock never held the three requests: {:?}",
            mock.stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        polls += 1;
    }

    // A quick verification comes and goes while they are held.
    let mut quick = send(&addr, "pass").await;
    let mut answer = String::new();
    quick.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let stats = mock.stats();
    assert_eq!(stats.pending, 3, "the answered one is no longer pending: {stats:?}");
    assert_eq!(
        stats.pending_peak, 4,
        "four were pending while it was answered: {stats:?}"
    );
    // Over HTTP too, and a control request is not a verification: it does not count itself.
    let mut conn = TcpStream::connect(&addr).await.expect("connect to the mock");
    conn.write_all(b"GET /__mock/stats HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.expect("answer");
    let body = answer.split("\r\n\r\n").nth(1).expect("a body");
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON stats");
    assert_eq!(
        (json["pending"].as_u64(), json["pending_peak"].as_u64()),
        (Some(3), Some(4)),
        "{json}"
    );
    drop(held);
}
