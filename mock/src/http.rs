//! A deliberately small HTTP/1.1 server: the mock must be able to misbehave
//! (reset, hang, redirect, oversize) in ways a full framework hides. It runs
//! over plain TCP and over TLS alike (see [`Conn`]).

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A byte stream the HTTP/1.1 server can answer on, and abort.
pub trait Conn: AsyncRead + AsyncWrite + Unpin {
    /// Closes the underlying TCP connection with a reset, answering nothing.
    fn reset(self);
}

impl Conn for TcpStream {
    fn reset(self) {
        // Linger 0 makes close send RST at once; it does not block.
        #[allow(deprecated)]
        let _ = self.set_linger(Some(Duration::ZERO));
        drop(self);
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn reset(self) {
        // No close_notify: the peer sees the TCP reset, as in plain mode.
        self.into_inner().0.reset();
    }
}

const MAX_HEAD: usize = 16 * 1024;
pub(crate) const MAX_BODY: usize = 1024 * 1024;
const IDLE: Duration = Duration::from_secs(60);

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
pub enum Reply {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Close with a TCP reset, answering nothing.
    Reset,
    /// Never answer (until the client goes away or ten minutes pass).
    Hang,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

enum Read {
    Request(Request),
    Closed,
    Bad(&'static str),
}

async fn read_request<S: Conn>(reader: &mut BufReader<S>) -> Read {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        match tokio::time::timeout(IDLE, reader.read_until(b'\n', &mut head)).await {
            Ok(Ok(0)) | Err(_) => return Read::Closed,
            Ok(Err(_)) => return Read::Closed,
            Ok(Ok(_)) => {}
        }
        if head.len() > MAX_HEAD {
            return Read::Bad("request head too large");
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                head.clear(); // tolerate stray blank lines between requests
                continue;
            }
            break;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let (Some(method), Some(path)) = (first.next(), first.next()) else {
        return Read::Bad("bad request line");
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse::<usize>());
    let len = match len {
        None => 0,
        Some(Ok(n)) if n <= MAX_BODY => n,
        _ => return Read::Bad("bad or oversized content-length"),
    };
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && !v.eq_ignore_ascii_case("identity"))
    {
        return Read::Bad("chunked request bodies are not supported");
    }
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).await.is_err() {
        return Read::Closed;
    }
    Read::Request(Request {
        method: method.to_string(),
        path: path.to_string(),
        headers,
        body,
    })
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serves one connection, keep-alive, until the peer closes it.
pub async fn serve_connection<S, F, Fut>(stream: S, handle: F)
where
    S: Conn,
    F: Fn(Request) -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader).await {
            Read::Request(r) => r,
            Read::Closed => return,
            Read::Bad(why) => {
                let body = format!("{{\"error\":\"{why}\"}}");
                let head = format!(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let stream = reader.get_mut();
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
                let _ = stream.flush().await;
                return;
            }
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        match handle(request).await {
            Reply::Answer { status, headers, body } => {
                let mut head = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n",
                    reason_phrase(status),
                    body.len()
                );
                for (k, v) in &headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                if close {
                    head.push_str("Connection: close\r\n");
                }
                head.push_str("\r\n");
                let stream = reader.get_mut();
                // The flush matters over TLS, where writes are buffered records.
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                    || stream.flush().await.is_err()
                {
                    return;
                }
                if close {
                    return;
                }
            }
            Reply::Reset => {
                reader.into_inner().reset();
                return;
            }
            Reply::Hang => {
                // Wait for the client to give up (EOF) or ten minutes.
                let mut buf = [0u8; 1];
                let _ = tokio::time::timeout(Duration::from_secs(600), reader.read(&mut buf)).await;
                return;
            }
        }
    }
}
