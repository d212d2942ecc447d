//! The router: a verify path goes to its provider's contract check, then to
//! the scenario the token names; the rest are the mock's own endpoints.

use std::sync::atomic::Ordering::Relaxed;

use serde_json::json;

use crate::http::{Reply, Request};
use crate::provider::{self, Checked, Provider};
use crate::scenario::{self, Scenario};
use crate::state::State;
use crate::stats::Pending;

pub(crate) async fn route(state: &State, req: Request) -> Reply {
    state.counters.requests.fetch_add(1, Relaxed);
    let path = req.path.split('?').next().unwrap_or_default();
    if req.method == "POST" {
        if let Some(provider) = provider::at_path(path) {
            return verify(state, provider, &req).await;
        }
    }
    match (req.method.as_str(), path) {
        ("GET", "/__mock/stats") => Reply::json(200, serde_json::to_value(state.counters.snapshot()).unwrap()),
        (_, "/__mock/captured") => {
            state.counters.captured.fetch_add(1, Relaxed);
            Reply::json(
                200,
                json!({"status": "ok", "verified": true, "success": true, "data": {"verified": true}}),
            )
        }
        ("GET", "/" | "/health") => Reply::json(200, json!({"mock": "siteverify", "ok": true})),
        _ => Reply::json(
            404,
            json!({"error": {"code": 404, "key": "API.NOT_FOUND", "message": "Not found", "data": {}}}),
        ),
    }
}

async fn verify(state: &State, provider: &dyn Provider, req: &Request) -> Reply {
    let _pending = Pending::hold(&state.counters);
    let (token, seen, key) = match provider.check(state, req) {
        Ok(Checked { fixed: Some(reply), .. }) => return reply,
        Ok(c) => (c.token, c.echo, c.idempotency_key),
        Err(reply) => return reply,
    };
    // Turnstile: a retry with the same idempotency key gets the first answer.
    let Some(key) = key else {
        return scenario::answer(state, provider, &token, &seen).await;
    };
    if let Some(first) = state.replay(&key, &token) {
        return first;
    }
    let reply = scenario::answer(state, provider, &token, &seen).await;
    let s = Scenario::parse(&token);
    if s.name.starts_with("consume-") && matches!(reply, Reply::Reset | Reply::Hang) {
        // The attempt used the token and its answer was lost: a retry with
        // the same key gets that answer.
        state.remember(key, token, &provider.pass(&s));
    } else {
        state.remember(key, token, &reply);
    }
    reply
}
