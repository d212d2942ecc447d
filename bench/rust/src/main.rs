//! `make bench`'s Rust rows: the core's sequential and 64-in-flight paths against the
//! zero-logic nginx. Usage: `siteverify-bench <base-url> [<https-base-url> <ca.pem>]`;
//! SV_BENCH_N (count per round), SV_BENCH_ROUNDS, SV_BENCH_WARMUP.
//!
//! Prints one line per round, `ROW\t<label>\t<ops>\t<wall s>\t<cpu s>`, where cpu is this
//! process's user + system time over the round (getrusage), and `SKIP\t<label>\t<why>`.
//! The harness (bench/run.py) takes the medians and the ratios. No assertions on timing.
//! SV_BENCH_ONLY=<label> runs that row alone; SV_BENCH_PERF_CTL/SV_BENCH_PERF_ACK (perf's
//! control fifos, `make bench-profile`) bracket its measured rounds.

use std::sync::Arc;
use std::time::Instant;

use siteverify::{Client, Provider, VerifyOptions};

const TOKEN: &str = "bench-token";
const SECRET: &str = "bench-secret";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn cpu_seconds() -> f64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

struct Cfg {
    n: usize,
    rounds: usize,
    warmup: usize,
}

/// `make bench-profile`: with SV_BENCH_PERF_CTL and SV_BENCH_PERF_ACK set (perf's
/// `--control fifo:CTL,ACK`), sends `enable`/`disable` and waits for perf's ack, so that only
/// the measured rounds are counted and sampled.
fn perf_control(command: &str) {
    let (Ok(ctl), Ok(ack)) = (std::env::var("SV_BENCH_PERF_CTL"), std::env::var("SV_BENCH_PERF_ACK")) else {
        return;
    };
    use std::io::{BufRead, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(ctl).expect("perf control fifo");
    writeln!(f, "{command}").expect("perf control fifo");
    drop(f);
    let mut line = String::new();
    std::io::BufReader::new(std::fs::File::open(ack).expect("perf ack fifo"))
        .read_line(&mut line)
        .expect("perf ack fifo");
}

/// False for every row but SV_BENCH_ONLY's when that is set.
fn selected(label: &str) -> bool {
    std::env::var("SV_BENCH_ONLY").map_or(true, |only| only == label)
}

/// Warm-up, then `rounds` rounds of `n` operations; `run(k)` performs k operations.
fn measure(label: &str, cfg: &Cfg, mut run: impl FnMut(usize)) {
    if !selected(label) {
        return;
    }
    run(cfg.warmup);
    perf_control("enable");
    for _ in 0..cfg.rounds {
        let (c0, t0) = (cpu_seconds(), Instant::now());
        run(cfg.n);
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - c0;
        println!("ROW\t{label}\t{}\t{wall:.6}\t{cpu:.6}", cfg.n);
    }
    perf_control("disable");
}

fn client(url: &str, ca: Option<&str>) -> Client {
    let mut b = Client::builder(Provider::Prosopo);
    b.secret(SECRET).endpoint(url);
    if let Some(ca) = ca {
        b.ca_file(ca);
    }
    b.build().expect("client")
}

fn check(accepted: bool) {
    // A refused verification means the server is not answering what we expect: stop.
    if !accepted {
        eprintln!("bench: a verification was not accepted; is nginx answering the fixed JSON?");
        std::process::exit(1);
    }
}

async fn sequential(client: &Client, k: usize) {
    let opts = VerifyOptions::default();
    for _ in 0..k {
        check(client.verify(TOKEN, &opts).await.expect("verify").accepted);
    }
}

async fn in_flight(client: &Arc<Client>, k: usize, width: usize) {
    let mut set = tokio::task::JoinSet::new();
    for w in 0..width {
        let c = client.clone();
        let share = k / width + usize::from(w < k % width);
        set.spawn(async move {
            let opts = VerifyOptions::default();
            for _ in 0..share {
                check(c.verify(TOKEN, &opts).await.expect("verify").accepted);
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.expect("task");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--memory") {
        let delay_ms = args.get(5).map_or(15_000, |d| d.parse().expect("delay in ms"));
        memory(&args[2], &args[3], args[4].parse().expect("count"), delay_ms);
        return;
    }
    if args.get(1).map(String::as_str) == Some("--tls-sequence") {
        // N sequential verifications on one fresh client over HTTPS; the harness counts the
        // connections (TLS handshakes) nginx saw for them.
        let (https, ca) = (&args[2], &args[3]);
        let n: usize = args[4].parse().expect("count");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let c = client(&format!("{https}/siteverify"), Some(ca));
        rt.block_on(sequential(&c, n));
        println!("TLS\t{n}");
        return;
    }
    let base = args.get(1).expect("usage: siteverify-bench <base-url> [<https-base-url> <ca.pem>]");
    let cfg = Cfg {
        n: env("SV_BENCH_N", 2000),
        rounds: env("SV_BENCH_ROUNDS", 5),
        warmup: env("SV_BENCH_WARMUP", 500),
    };
    let url = format!("{base}/siteverify");
    let current = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let multi = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();

    let c = client(&url, None);
    measure("rust verify().await, current-thread rt", &cfg, |k| current.block_on(sequential(&c, k)));

    // The same path with an event hook (a counter): what observability costs when it is on.
    let events = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = events.clone();
    let c = Client::builder(Provider::Prosopo)
        .secret(SECRET)
        .endpoint(&url)
        .on_event(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        })
        .build()
        .expect("client");
    const HOOK_ON: &str = "rust verify().await, event hook on";
    measure(HOOK_ON, &cfg, |k| current.block_on(sequential(&c, k)));
    assert!(
        !selected(HOOK_ON) || events.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "the hook ran"
    );

    let c = client(&url, None);
    let opts = VerifyOptions::default();
    measure("rust verify_blocking", &cfg, |k| {
        for _ in 0..k {
            check(c.verify_blocking(TOKEN, &opts).expect("verify").accepted);
        }
    });

    let c = Arc::new(client(&url, None));
    measure("rust 64 tasks, multi-thread rt", &cfg, |k| multi.block_on(in_flight(&c, k, 64)));

    let c = Arc::new(client(&url, None));
    measure("rust 64 tasks, current-thread rt", &cfg, |k| current.block_on(in_flight(&c, k, 64)));

    match (args.get(2), args.get(3)) {
        (Some(https), Some(ca)) => {
            let c = client(&format!("{https}/siteverify"), Some(ca));
            measure("rust https verify().await, current-thread rt", &cfg, |k| current.block_on(sequential(&c, k)));
            let c = Arc::new(client(&format!("{https}/siteverify"), Some(ca)));
            measure("rust https 64 tasks, multi-thread rt", &cfg, |k| multi.block_on(in_flight(&c, k, 64)));
        }
        _ if std::env::var("SV_BENCH_ONLY").is_ok() => {}
        _ => println!("SKIP\trust https verify().await, current-thread rt\tno HTTPS server (openssl or nginx ssl missing)"),
    }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `count` verifications held pending by the mock (`pass:delay=<delay_ms>`), over HTTP/1.1
/// (plain URL) or HTTP/2 (https URL with the mock's CA; ALPN picks h2). Prints
/// `MEM\t<count>\t<baseline KiB>\t<peak KiB>\t<accepted>`: the RSS sampled every 100 ms while
/// they are pending, over the RSS after one warm verification. Whether all `count` were held
/// at once is the mock's to say (`pending_peak` in its stats): the harness reads it.
fn memory(base: &str, ca: &str, count: usize, delay_ms: u64) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mut b = Client::builder(Provider::GateKeeper);
    b.secret("mock-secret")
        .endpoint(format!("{base}/api/v1/token/verify"))
        .timeout(std::time::Duration::from_millis(delay_ms + 60_000))
        .attempt_timeout(std::time::Duration::from_millis(delay_ms + 60_000))
        .connect_timeout(std::time::Duration::from_secs(30))
        .max_retries(0);
    if ca != "-" {
        b.ca_file(ca);
    }
    let c = Arc::new(b.build().expect("client"));
    rt.block_on(async {
        let opts = VerifyOptions::default();
        check(c.verify("pass", &opts).await.expect("verify").accepted);
        let baseline = rss_kib();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..count {
            let c = c.clone();
            let token = format!("pass:delay={delay_ms}");
            set.spawn(async move { c.verify(&token, &VerifyOptions::default()).await.map(|o| o.accepted) });
        }
        let mut peak = baseline;
        let sampler = async {
            loop {
                peak = peak.max(rss_kib());
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        };
        let mut accepted = 0usize;
        let joined = async {
            while let Some(r) = set.join_next().await {
                if matches!(r, Ok(Ok(true))) {
                    accepted += 1;
                }
            }
        };
        tokio::select! {
            _ = joined => {}
            _ = sampler => {}
        }
        println!("MEM\t{count}\t{baseline}\t{peak}\t{accepted}");
    });
}
