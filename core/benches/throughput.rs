//! Verifications per second against the in-process mock, sequential and with
//! 64 in flight, each next to a reference measured in the same run:
//! - `raw reqwest (pooled)`: one POST + body read on a shared client, no
//!   parsing or policy: the floor, so the ratio is siteverify's own overhead;
//! - `new client per call`: what the providers' examples do (`requests.post`
//!   per call), so the ratio is what pooling buys.
//!
//! Run with `cargo bench -p siteverify` (or `make bench`). Loopback and plain
//! HTTP: against a real provider TLS handshakes make pooling matter far more.

use std::sync::Arc;
use std::time::{Duration, Instant};

use siteverify::{Client, Provider, VerifyOptions};
use siteverify_mock::{MockConfig, MockServer, DEFAULT_SECRET};

fn rate(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

async fn sequential<F, Fut>(n: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    for _ in 0..n {
        assert!(f().await, "verification failed during the benchmark");
    }
    start.elapsed()
}

async fn in_flight<F, Fut>(n: usize, width: usize, f: F) -> Duration
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let f = Arc::new(f);
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..width {
        let f = f.clone();
        tasks.spawn(async move {
            for _ in 0..n / width {
                assert!(f().await, "verification failed during the benchmark");
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    start.elapsed()
}

fn main() {
    let n: usize = std::env::var("SITEVERIFY_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let mock = MockServer::start(MockConfig::default()).unwrap();
    let url = mock.gatekeeper_url();
    let client = Client::builder(Provider::GateKeeper)
        .secret(DEFAULT_SECRET)
        .endpoint(&url)
        .build()
        .unwrap();
    let raw = reqwest::Client::new();
    const BODY: &str = r#"{"token":"pass"}"#;
    let auth = format!("Bearer {DEFAULT_SECRET}");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = VerifyOptions::default();
        let verify = |c: Client| async move { c.verify("pass", &VerifyOptions::default()).await.unwrap().accepted };
        let raw_post = |c: reqwest::Client, url: String, auth: String| async move {
            let r = c
                .post(url)
                .header("content-type", "application/json")
                .header("authorization", auth)
                .body(BODY)
                .send()
                .await
                .unwrap();
            r.status().is_success() && !r.bytes().await.unwrap().is_empty()
        };
        // Warm up both pools.
        for _ in 0..200 {
            client.verify("pass", &opts).await.unwrap();
            raw_post(raw.clone(), url.clone(), auth.clone()).await;
        }

        println!("siteverify throughput, {n} verifications per row (loopback mock, plain HTTP)");
        let sv = sequential(n, || verify(client.clone())).await;
        let rw = sequential(n, || raw_post(raw.clone(), url.clone(), auth.clone())).await;
        let fresh_n = n / 4;
        let fresh = sequential(fresh_n, || raw_post(reqwest::Client::new(), url.clone(), auth.clone())).await;
        println!("  sequential  siteverify            {:>9.0}/s", rate(n, sv));
        println!("  sequential  raw reqwest (pooled)  {:>9.0}/s", rate(n, rw));
        println!("  sequential  new client per call   {:>9.0}/s", rate(fresh_n, fresh));
        println!("  ratio siteverify / raw pooled: {:.2}", rate(n, sv) / rate(n, rw));
        println!(
            "  ratio siteverify / new client per call: {:.2}",
            rate(n, sv) / rate(fresh_n, fresh)
        );

        let c = client.clone();
        let sv64 = in_flight(n, 64, move || verify(c.clone())).await;
        let (r, u, a) = (raw.clone(), url.clone(), auth.clone());
        let rw64 = in_flight(n, 64, move || raw_post(r.clone(), u.clone(), a.clone())).await;
        println!("  64 in flight siteverify           {:>9.0}/s", rate(n, sv64));
        println!("  64 in flight raw reqwest (pooled) {:>9.0}/s", rate(n, rw64));
        println!(
            "  ratio siteverify / raw pooled (64 in flight): {:.2}",
            rate(n, sv64) / rate(n, rw64)
        );
        let s = client.stats();
        println!(
            "  client stats: {} verifications, {} accepted, mock connections {}",
            s.verifications,
            s.accepted,
            mock.stats().connections
        );
    });
}
