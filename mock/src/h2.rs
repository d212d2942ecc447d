//! HTTP/2 for TLS connections that negotiate `h2`, through hyper, routed to
//! the same scenario logic as HTTP/1.1.
//!
//! Two scenarios can only be approximated on a multiplexed connection:
//! `reset` resets the request's stream (RST_STREAM INTERNAL_ERROR) rather than
//! the TCP connection, and `hang` keeps the stream open for ten minutes
//! (or until the client cancels it) while the connection stays usable.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::http::{Reply, Request, MAX_BODY};
use crate::state::State;

/// Why a stream was reset on purpose (never seen by the client: only the reset is).
#[derive(Debug)]
struct Scenario(&'static str);

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Scenario {}

type Answer = Result<hyper::Response<Full<Bytes>>, Scenario>;

/// SETTINGS_MAX_CONCURRENT_STREAMS the mock advertises (hyper's default is 200). Providers
/// advertise a few hundred; the mock is a test server and must not be what limits a load test:
/// with 200, a client multiplexing 10,000 requests on one connection queues all but 200 of them
/// on its side, and a `delay=N` load test measures the queue instead of N requests held at once.
pub(crate) const MAX_CONCURRENT_STREAMS: u32 = 65_536;

/// Serves one HTTP/2 connection until the peer closes it.
pub(crate) async fn serve<S>(io: S, state: Arc<State>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        let state = state.clone();
        async move { handle(&state, req).await }
    });
    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        .max_concurrent_streams(MAX_CONCURRENT_STREAMS)
        .serve_connection(TokioIo::new(io), service)
        .await;
}

async fn handle(state: &State, req: hyper::Request<Incoming>) -> Answer {
    state.counters.tls.h2_requests.fetch_add(1, Relaxed);
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Ok(respond(400, vec![], br#"{"error":"bad or oversized body"}"#.to_vec())),
    };
    let request = Request {
        method: parts.method.as_str().to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string()),
        // hyper's header names are already lower case, as the router expects.
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    match crate::route::route(state, request).await {
        Reply::Answer { status, headers, body } => Ok(respond(status, headers, body)),
        // hyper answers a service error with RST_STREAM on this stream only.
        Reply::Reset => Err(Scenario("reset scenario")),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Err(Scenario("hang scenario"))
        }
    }
}

fn respond(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_str(&v),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
