//! The README's Rust quick start, compiled by `cargo test` (examples are built with the
//! tests); `core/tests/readme.rs` checks that the README shows exactly the lines between the
//! markers below. The function around them is the scaffolding a handler would have.

#![allow(dead_code)]

/// What the handler answers when it refuses a request.
#[derive(Debug)]
enum Rejection {
    Forbidden(&'static str),
    Error(String),
}

/// The README's `Forbidden(...)`: a 403 in a real framework.
#[allow(non_snake_case)]
fn Forbidden(reason: &'static str) -> Rejection {
    Rejection::Forbidden(reason)
}

impl From<std::env::VarError> for Rejection {
    fn from(e: std::env::VarError) -> Self {
        Rejection::Error(e.to_string())
    }
}

impl From<siteverify::Error> for Rejection {
    fn from(e: siteverify::Error) -> Self {
        Rejection::Error(e.to_string())
    }
}

async fn handler(form_token: String, client_ip: String) -> Result<(), Rejection> {
    // README BEGIN
    use siteverify::{Client, FailMode, Provider, VerifyOptions};

    // Once, at startup: the client is cheap to clone and keeps its connections warm.
    let client = Client::builder(Provider::GateKeeper)
        .secret(std::env::var("GKCAPTCHA_SECRET_KEY")?)
        .expected_hostname("example.com")
        .score_threshold(0.5)
        .fail_mode(FailMode::Closed)
        .build()?;

    // Per request:
    let outcome = client
        .verify(&form_token, &VerifyOptions::default().remote_ip(client_ip))
        .await?;
    if !outcome.accepted {
        return Err(Forbidden(outcome.reason.as_str()));
    }
    // README END
    Ok(())
}

fn main() {
    // Compiled, not run: it needs a provider account (the mock-based tests run the same calls).
    let _ = handler;
}
