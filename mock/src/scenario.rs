//! Scenario tokens: `name[:key=value|:flag]...`, e.g. `pass:score=0.3:hostname=example.com`,
//! and what each one answers. The provider decides the shape of an answer
//! (`provider/`), the scenario which answer, when, and how often.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::http::Reply;
use crate::provider::Provider;
use crate::state::State;

/// A parsed scenario token.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The scenario name (first segment).
    pub name: String,
    params: HashMap<String, String>,
}

impl Scenario {
    /// Parses a token. Never fails: an unknown name answers as an undecodable token.
    pub fn parse(token: &str) -> Scenario {
        let mut parts = token.split(':');
        let name = parts.next().unwrap_or_default().to_string();
        let params = parts
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect();
        Scenario { name, params }
    }

    /// A parameter's raw value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    /// A flag (`:once`) or parameter is present.
    pub fn has(&self, key: &str) -> bool {
        self.params.contains_key(key)
    }

    /// A numeric parameter.
    pub fn num<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

/// The scenario's answer to a request that kept the contract.
pub(crate) async fn answer(state: &State, provider: &dyn Provider, token: &str, seen: &str) -> Reply {
    let token = token.to_string();
    let s = Scenario::parse(&token);
    if s.name == "outage" {
        let until = Instant::now() + Duration::from_millis(s.num("ms").unwrap_or(1000).min(600_000));
        *state.outage.lock().unwrap() = Some((until, s.num("status").unwrap_or(503)));
    }
    // During an outage every token, the client's outage probe included, fails alike.
    let outage = *state.outage.lock().unwrap();
    if let Some((until, status)) = outage {
        if Instant::now() < until {
            return provider.server_error(status);
        }
    }
    if let Some(ms) = s.num::<u64>("delay") {
        tokio::time::sleep(Duration::from_millis(ms.min(600_000))).await;
    }
    // Single use: a second sighting answers "duplicate" whatever the scenario.
    let consuming = s.has("once") || s.name.starts_with("consume-");
    if consuming && state.use_token(&token) {
        return provider.duplicate();
    }
    match s.name.as_str() {
        "pass" => provider.pass(&s),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(s.num("ms").unwrap_or(1000).min(600_000))).await;
            provider.pass(&s)
        }
        "fail" => provider.token_failed(),
        "expired" => provider.expired(),
        "fail-open" => provider.fail_open(),
        "invalid" => provider.invalid(&s),
        "error" => provider.error(&s),
        "status" => {
            let status = s.num("code").unwrap_or(503);
            if s.get("body") == Some("html") {
                Reply::Answer {
                    status,
                    headers: vec![("Content-Type".into(), "text/html".into())],
                    body: b"<html><body>Bad gateway</body></html>".to_vec(),
                }
            } else {
                provider.server_error(status)
            }
        }
        "flaky" => {
            if state.seen_before(&token) < s.num("fails").unwrap_or(1) {
                provider.server_error(s.num("status").unwrap_or(503))
            } else {
                provider.pass(&s)
            }
        }
        "ratelimit" => {
            if state.seen_before(&token) < s.num("fails").unwrap_or(u32::MAX) {
                let retry_after = s.get("retry-after").unwrap_or("1").to_string();
                let mut reply = provider.rate_limited();
                if let Reply::Answer { headers, .. } = &mut reply {
                    headers.push(("Retry-After".into(), retry_after));
                }
                reply
            } else {
                provider.pass(&s)
            }
        }
        "hang" | "consume-hang" => Reply::Hang,
        "reset" | "consume-reset" => Reply::Reset,
        "malformed" => Reply::Answer {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: b"{\"status\": \"ok\", \"verified\": tru".to_vec(),
        },
        "wrong-shape" => provider.wrong_shape(),
        "huge" => {
            let padding = "x".repeat(1024 * 1024);
            Reply::json(
                200,
                json!({"status": "ok", "verified": true, "success": true, "data": {"verified": true}, "padding": padding}),
            )
        }
        "redirect" => {
            let target = state
                .addr
                .map(|a| {
                    let scheme = if state.https { "https" } else { "http" };
                    format!("{scheme}://{a}/__mock/captured")
                })
                .unwrap_or_default();
            Reply::Answer {
                status: s.num("status").unwrap_or(307),
                headers: vec![("Location".into(), target)],
                body: Vec::new(),
            }
        }
        // Shows what the client sent besides secret and token.
        "echo" => provider.echo(seen),
        _ => provider.token_failed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let s = Scenario::parse("pass:score=0.3:once:id=7");
        assert_eq!(s.name, "pass");
        assert_eq!(s.num::<f64>("score"), Some(0.3));
        assert!(s.has("once"));
        assert_eq!(s.get("id"), Some("7"));
        assert_eq!(Scenario::parse("").name, "");
    }
}
