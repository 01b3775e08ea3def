//! A purpose-built flaky HTTP/1.1 server on 127.0.0.1 for faults wiremock
//! cannot produce: resets mid-body, headers that never come, stalled bodies,
//! garbage instead of HTTP, huge chunked bodies.
//!
//! It reads one request per connection (head and `Content-Length` body),
//! counts it, and hands the socket to the test's `respond` function, which
//! writes whatever raw bytes the fault needs. Everything is bounded: reading a
//! request gives up after 5 s, the accept loop stops when the server is
//! dropped, and a handler's sleeps end when the test's runtime shuts down.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server read of a request.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// Path and query.
    pub target: String,
    /// The head, lower-cased, for header checks.
    pub head: String,
    /// The body as read.
    pub body: Vec<u8>,
}

/// A running raw server; stops accepting when dropped.
pub struct RawServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server whose every request is answered by `respond`.
    pub async fn start<F, Fut>(respond: F) -> RawServer
    where
        F: Fn(TcpStream, RawRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let respond = Arc::new(respond);
        let (reqs, conns) = (requests.clone(), connections.clone());
        let task = tokio::spawn(async move {
            // Bounded: no test makes more than a few hundred connections.
            for _ in 0..1_000 {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                conns.fetch_add(1, Ordering::SeqCst);
                let (reqs, respond) = (reqs.clone(), respond.clone());
                tokio::spawn(async move {
                    let read =
                        tokio::time::timeout(Duration::from_secs(5), read_request(&mut stream));
                    if let Ok(Some(req)) = read.await {
                        reqs.fetch_add(1, Ordering::SeqCst);
                        respond(stream, req).await;
                    }
                });
            }
        });
        RawServer {
            addr,
            requests,
            connections,
            task,
        }
    }

    /// Base URL for a client (with the `/api` prefix the other tests use).
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// Complete requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let mut first = head.lines().next()?.split(' ');
    let method = first.next()?.to_ascii_uppercase();
    let target = first.next()?.to_owned();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        method,
        target,
        head,
        body,
    })
}

/// A complete response with `Connection: close`.
pub fn response(status: u16, extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Writes bytes, ignoring a client that already went away.
pub async fn write(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes).await;
    let _ = stream.flush().await;
}

/// Closes with a TCP RST instead of a FIN.
pub fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}
