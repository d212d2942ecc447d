//! What the server keeps between requests: the accepted secrets, the counters,
//! and the memory that single-use, flaky, idempotent and outage scenarios need.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::http::Reply;
use crate::stats::Counters;

/// Used tokens remembered for single-use scenarios before the memory is reset.
const MAX_REMEMBERED: usize = 100_000;

/// A remembered answer: status and body.
type FirstAnswer = (u16, Vec<u8>);

pub(crate) struct State {
    pub secrets: Vec<String>,
    /// Serving HTTPS (for the scheme of redirect targets).
    pub https: bool,
    pub counters: Counters,
    used: Mutex<HashSet<String>>,
    seen: Mutex<HashMap<String, u32>>,
    /// Turnstile: the first 2xx answer per (idempotency key, token).
    idempotent: Mutex<HashMap<(String, String), FirstAnswer>>,
    /// Where the server listens (for redirect targets).
    pub addr: Option<SocketAddr>,
    /// A provider-wide outage (`outage` scenario): until when, and its status.
    pub outage: Mutex<Option<(Instant, u16)>>,
}

impl State {
    pub fn new(secrets: Vec<String>, https: bool, addr: Option<SocketAddr>) -> State {
        State {
            secrets,
            https,
            counters: Counters::default(),
            used: Mutex::default(),
            seen: Mutex::default(),
            idempotent: Mutex::default(),
            addr,
            outage: Mutex::default(),
        }
    }

    /// Whether `secret` is one the mock was configured with.
    pub fn accepts(&self, secret: &str) -> bool {
        self.secrets.iter().any(|s| s == secret)
    }

    /// Marks a token used; true if it was used before.
    pub fn use_token(&self, token: &str) -> bool {
        let mut used = self.used.lock().unwrap();
        if used.len() >= MAX_REMEMBERED {
            used.clear();
        }
        !used.insert(token.to_string())
    }

    /// How many times this token was seen before (for flaky scenarios).
    pub fn seen_before(&self, token: &str) -> u32 {
        let mut seen = self.seen.lock().unwrap();
        if seen.len() >= MAX_REMEMBERED {
            seen.clear();
        }
        let n = seen.entry(token.to_string()).or_default();
        *n += 1;
        *n - 1
    }

    /// Turnstile: the answer already given for this key and token, if any.
    pub fn replay(&self, key: &str, token: &str) -> Option<Reply> {
        let cache = self.idempotent.lock().unwrap();
        cache
            .get(&(key.to_string(), token.to_string()))
            .map(|(status, body)| Reply::Answer {
                status: *status,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.clone(),
            })
    }

    /// Turnstile: keeps a 2xx answer for retries with the same key and token.
    pub fn remember(&self, key: String, token: String, reply: &Reply) {
        if let Reply::Answer { status, body, .. } = reply {
            if (200..300).contains(status) {
                let mut cache = self.idempotent.lock().unwrap();
                if cache.len() >= MAX_REMEMBERED {
                    cache.clear();
                }
                cache.entry((key, token)).or_insert((*status, body.clone()));
            }
        }
    }
}
