//! `siteverify`: verify a CAPTCHA token from the shell, or run the mock provider.
//!
//! Exit codes: 0 accepted, 1 not accepted, 2 usage or configuration error.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use siteverify::{Client, FailMode, FailOpenPolicy, Provider, VerifyOptions};

#[derive(Parser)]
#[command(
    name = "siteverify",
    version,
    about = "Server-side CAPTCHA verification (Prosopo, GateKeeper, Turnstile, hCaptcha, reCAPTCHA, reCAPTCHA Enterprise, Friendly Captcha, Yandex SmartCaptcha)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify TOKEN and print the outcome as one JSON object.
    ///
    /// Exit status: 0 accepted, 1 not accepted, 2 usage or configuration error.
    Verify(Box<VerifyArgs>),
    /// Run the mock provider on loopback; prints its base URL first.
    Mock {
        /// Port to bind on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// A secret the mock accepts (repeatable; default "mock-secret").
        #[arg(long = "secret")]
        secrets: Vec<String>,
    },
}

/// Names as the core spells them (`Provider::as_str`).
#[derive(Clone, Copy, ValueEnum)]
enum ProviderArg {
    Prosopo,
    Gatekeeper,
    Turnstile,
    Hcaptcha,
    Recaptcha,
    RecaptchaEnterprise,
    Friendly,
    Yandex,
}

impl From<ProviderArg> for Provider {
    fn from(p: ProviderArg) -> Provider {
        match p {
            ProviderArg::Prosopo => Provider::Prosopo,
            ProviderArg::Gatekeeper => Provider::GateKeeper,
            ProviderArg::Turnstile => Provider::Turnstile,
            ProviderArg::Hcaptcha => Provider::HCaptcha,
            ProviderArg::Recaptcha => Provider::Recaptcha,
            ProviderArg::RecaptchaEnterprise => Provider::RecaptchaEnterprise,
            ProviderArg::Friendly => Provider::Friendly,
            ProviderArg::Yandex => Provider::Yandex,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FailModeArg {
    Open,
    Closed,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOpenArg {
    Accept,
    Reject,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("secret_source").required(true).args(["secret_env", "secret_file"]))]
struct VerifyArgs {
    /// The CAPTCHA provider.
    #[arg(long, value_enum)]
    provider: ProviderArg,
    /// Custom verify URL (the full URL, path included; for reCAPTCHA
    /// Enterprise the project is part of it).
    #[arg(long, conflicts_with = "region")]
    endpoint: Option<String>,
    /// The site key tokens must belong to (hCaptcha, Friendly: optional;
    /// reCAPTCHA Enterprise: required).
    #[arg(long)]
    site_key: Option<String>,
    /// The Google Cloud project ID (reCAPTCHA Enterprise: required).
    #[arg(long)]
    project_id: Option<String>,
    /// Regional endpoint (Prosopo: eu, us, global; Friendly: eu, global).
    #[arg(long)]
    region: Option<String>,
    /// Read the secret from this environment variable (never pass it as an argument: `ps` shows those).
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// Read the secret from this file (surrounding whitespace is trimmed).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// The end user's IP address.
    #[arg(long)]
    remote_ip: Option<String>,
    /// The end user's email (only its domain is sent; Prosopo only).
    #[arg(long)]
    email: Option<String>,
    /// Accepted hostname (repeatable).
    #[arg(long = "expected-hostname", value_name = "HOST")]
    expected_hostnames: Vec<String>,
    /// Accepted action (repeatable).
    #[arg(long = "expected-action", value_name = "ACTION")]
    expected_actions: Vec<String>,
    /// Reject scores above this (0 = human, 1 = bot); a missing score is rejected too.
    #[arg(long)]
    score_threshold: Option<f64>,
    /// Reject challenges solved more than SECS seconds ago.
    #[arg(long, value_name = "SECS")]
    max_age: Option<u64>,
    /// What an inconclusive outcome becomes. `open` accepts one only during a
    /// confirmed outage: the provider unreachable, or siteverify's outage probe
    /// (one extra request, sent by this run) failing too.
    #[arg(long, value_enum, default_value = "closed")]
    fail_mode: FailModeArg,
    /// What the provider's fail-open answer counts as (default: rejected under
    /// `--fail-mode closed`, accepted and flagged under `open`).
    #[arg(long, value_enum)]
    on_fail_open: Option<FailOpenArg>,
    /// Total deadline in milliseconds, retries included (default 10000).
    #[arg(long)]
    timeout_ms: Option<u64>,
    /// Connect timeout in milliseconds (default 3000).
    #[arg(long)]
    connect_timeout_ms: Option<u64>,
    /// Per-attempt timeout in milliseconds (default 6000).
    #[arg(long)]
    attempt_timeout_ms: Option<u64>,
    /// Retries on connect errors, timeouts, 5xx and 429 (default 2).
    #[arg(long)]
    max_retries: Option<u32>,
    /// Backoff ceiling of the first retry in milliseconds (default 200; doubles, full jitter).
    #[arg(long)]
    retry_base_delay_ms: Option<u64>,
    /// Backoff cap in milliseconds (default 2000).
    #[arg(long)]
    retry_max_delay_ms: Option<u64>,
    /// Proxy URL (otherwise HTTPS_PROXY / NO_PROXY apply).
    #[arg(long)]
    proxy: Option<String>,
    /// Extra trusted CA certificates (PEM file; repeatable).
    #[arg(long = "ca-file", value_name = "PATH")]
    ca_files: Vec<PathBuf>,
    /// Allow a plain-HTTP endpoint that is not loopback (sends the secret in the clear).
    #[arg(long)]
    allow_http: bool,
    /// Print the verification event (JSON, never the token or the secret) on stderr.
    #[arg(long, short)]
    verbose: bool,
    /// The token from the form field; `-` reads one line from stdin (at most 1 MiB).
    token: String,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Verify(args) => match verify(*args) {
            Ok(accepted) => ExitCode::from(if accepted { 0 } else { 1 }),
            Err(message) => {
                eprintln!("siteverify: {message}");
                ExitCode::from(2)
            }
        },
        Command::Mock { port, secrets } => mock(port, secrets),
    }
}

fn read_secret(args: &VerifyArgs) -> Result<String, String> {
    if let Some(var) = &args.secret_env {
        return match std::env::var(var) {
            Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(format!("environment variable {var} is unset or empty")),
        };
    }
    let path = args.secret_file.as_ref().expect("clap requires one secret source");
    // The path is not echoed: it is configuration, and may say more than it should.
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the secret file: {}", e.kind()))?;
    Ok(text.trim().to_string())
}

fn read_token(arg: &str) -> Result<String, String> {
    if arg != "-" {
        return Ok(arg.to_string());
    }
    // Far above any provider's token bound; an endless stdin must not grow memory.
    const MAX_STDIN: u64 = 1 << 20;
    let mut line = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read token from stdin: {e}"))?;
    if line.len() as u64 > MAX_STDIN {
        return Err(format!("the token on stdin is longer than {MAX_STDIN} bytes"));
    }
    let line = String::from_utf8(line).map_err(|_| "the token on stdin is not UTF-8".to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn verify(args: VerifyArgs) -> Result<bool, String> {
    let mut b = Client::builder(args.provider.into());
    b.secret(read_secret(&args)?);
    if let Some(k) = &args.site_key {
        b.site_key(k);
    }
    if let Some(p) = &args.project_id {
        b.project_id(p);
    }
    if let Some(e) = &args.endpoint {
        b.endpoint(e);
    }
    if let Some(r) = &args.region {
        b.region(r);
    }
    for h in &args.expected_hostnames {
        b.expected_hostname(h);
    }
    for a in &args.expected_actions {
        b.expected_action(a);
    }
    if let Some(t) = args.score_threshold {
        b.score_threshold(t);
    }
    if let Some(s) = args.max_age {
        b.max_age(Duration::from_secs(s));
    }
    b.fail_mode(match args.fail_mode {
        FailModeArg::Open => FailMode::Open,
        FailModeArg::Closed => FailMode::Closed,
    });
    if let Some(policy) = args.on_fail_open {
        b.on_fail_open(match policy {
            FailOpenArg::Accept => FailOpenPolicy::Accept,
            FailOpenArg::Reject => FailOpenPolicy::Reject,
        });
    }
    if let Some(ms) = args.timeout_ms {
        b.timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = args.connect_timeout_ms {
        b.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(ms) = args.attempt_timeout_ms {
        b.attempt_timeout(Duration::from_millis(ms));
    }
    if let Some(n) = args.max_retries {
        b.max_retries(n);
    }
    if args.retry_base_delay_ms.is_some() || args.retry_max_delay_ms.is_some() {
        let ms = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_millis);
        b.retry_backoff(
            ms(args.retry_base_delay_ms, siteverify::DEFAULT_RETRY_BASE_DELAY),
            ms(args.retry_max_delay_ms, siteverify::DEFAULT_RETRY_MAX_DELAY),
        );
    }
    if let Some(p) = &args.proxy {
        b.proxy(p);
    }
    for f in &args.ca_files {
        b.ca_file(f);
    }
    b.allow_http(args.allow_http);
    if args.verbose {
        b.on_event(|event| eprintln!("{}", event.to_json()));
    }
    let client = b.build().map_err(|e| e.to_string())?;
    let token = read_token(&args.token)?;
    let options = VerifyOptions {
        remote_ip: args.remote_ip.clone(),
        email: args.email.clone(),
    };
    let outcome = client.verify_blocking(&token, &options).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", outcome.to_json());
    Ok(outcome.accepted)
}

fn mock(port: u16, secrets: Vec<String>) -> ExitCode {
    let mut config = siteverify_mock::MockConfig::default();
    if !secrets.is_empty() {
        config.secrets = secrets;
    }
    match siteverify_mock::run_printing_url(port, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("siteverify mock: {e}");
            ExitCode::from(2)
        }
    }
}
