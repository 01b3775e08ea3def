//! A ready push receiver for [`axum`] (feature `axum`).
//!
//! The platform wants HTTP 200 within 1000 ms and never sends a message
//! again after a 200. The receiver answers 200 only once the push is
//! **stored** in an [`Inbox`]; your code consumes the inbox at its own pace
//! with a [`Consumer`](super::Consumer):
//!
//! ```text
//! receive (this router):  read body ──▶ verify ──▶ store (claim + append) ──▶ answer
//! consume (your code):    Consumer::next ──▶ handle ──▶ Delivery::ack
//! ```
//!
//! | outcome | status |
//! |---|---|
//! | verified, stored (committed) | 200 `success` |
//! | verified, the same message already stored ([`Message::dedup_key`](super::Message::dedup_key)) | 200 `duplicate`, not stored again |
//! | the same request again (same signature, same body) | as above: 200 `duplicate` once stored, else stored |
//! | a signature already used with another body ([`Rejection::Replay`](super::Rejection::Replay)) | 401 |
//! | authentication failed ([`Rejection::status`](super::Rejection::status)) | 401 `unauthorized`; connection closed |
//! | body not a message | 400; connection closed |
//! | the inbox or the replay store did not answer within the store budget (default 800 ms) | 503, so the platform retries |
//! | `Content-Length` over the size limit (default 1 MiB) | 413 at once, before the body is read; connection closed |
//! | body over the size limit while read | 413; connection closed |
//! | body not complete within the body timeout (default 5 s) | 408; connection closed |
//! | all body buffers in use ([`Receiver::max_buffered_bytes`]) | 503; connection closed |
//!
//! The answer never says why a push was refused; the reason is logged (at
//! DEBUG, and WARN for a configuration problem).
//!
//! ```no_run
//! use std::sync::Arc;
//! use xportcn::Credentials;
//! use xportcn::callbacks::{Consumer, SqliteInbox, Verifier, axum::{Receiver, ServeConfig}};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let inbox = Arc::new(SqliteInbox::open("pushes.sqlite3")?); // durable: survives a crash
//! let verifier = Verifier::new(Credentials::from_env()?);
//! let router = Receiver::new(verifier, inbox.clone()).router();
//!
//! // Consume: in this process, or in another one that opens the same file.
//! let mut consumer = Consumer::new(inbox);
//! tokio::spawn(async move {
//!     while let Ok(delivery) = consumer.next().await {
//!         println!("{} {}", delivery.message.message_type(), delivery.dedup_key);
//!         let _ = delivery.ack().await; // after handling
//!     }
//! });
//!
//! let app = ::axum::Router::new().nest("/xportcn/push", router);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // Header, write and body limits and a connection bound: use this rather
//! // than `axum::serve`, which has none of them.
//! xportcn::callbacks::axum::serve(listener, app, ServeConfig::default()).await?;
//! # Ok(()) }
//! ```
//!
//! [`serve`] is the safe way to run the router: unauthenticated clients
//! cannot hold the receiver open. It closes a connection whose request
//! headers do not arrive within [`ServeConfig::header_read_timeout`]
//! (default 5 s) or whose answers are not read within
//! [`ServeConfig::write_timeout`] (default 5 s), and refuses connections
//! beyond [`ServeConfig::max_connections`] (default 256). A refused request
//! (401, 400, 413, 408) closes its connection, so pipelined unauthenticated
//! requests end at the first one. The receiver itself answers 413 from
//! `Content-Length` before reading the body and closes a connection whose
//! body is not complete within [`Receiver::body_timeout`] (default 5 s).
//!
//! Without axum, do the same with [`receive`](super::receive) in your
//! framework's handler.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use ::axum::Router;
use ::axum::body::{Body, Bytes};
use ::axum::extract::{Request, State};
use ::axum::http::{HeaderValue, StatusCode, header};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;

use super::Verifier;
use super::inbox::Inbox;
use super::receive::{Answer, DEFAULT_STORE_BUDGET, receive, record_refusal};

/// Default time the store step may take before the receiver answers 503.
pub(crate) const DEFAULT_ACK_BUDGET: Duration = DEFAULT_STORE_BUDGET;
/// Default body size limit: 1 MiB.
pub(crate) const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Default limit on reading a whole request body: 5 s.
pub(crate) const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bound on the bytes of all request bodies being read at once:
/// 16 MiB.
pub(crate) const DEFAULT_MAX_BUFFERED_BYTES: usize = 16 * 1024 * 1024;
/// Default limit on reading the request headers in [`serve`]: 5 s.
pub(crate) const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on a blocked write (an answer the client does not read)
/// in [`serve`]: 5 s.
pub(crate) const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bound on concurrent connections in [`serve`].
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Read buffer of one connection in [`serve`]: 16 KiB (pipelined bytes past
/// it wait in the kernel).
pub const CONNECTION_BUFFER: usize = 16 * 1024;

/// Builder of the push receiver; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Receiver {
    verifier: Verifier,
    inbox: Arc<dyn Inbox>,
    ack_budget: Duration,
    body_limit: usize,
    body_timeout: Duration,
    max_buffered_bytes: usize,
}

impl Receiver {
    /// A receiver that verifies pushes with `verifier` and stores them in
    /// `inbox` before it answers 200, with the default store budget
    /// (800 ms), body limit (1 MiB), body timeout (5 s) and body buffer
    /// bound (16 MiB).
    pub fn new(verifier: Verifier, inbox: Arc<dyn Inbox>) -> Self {
        Receiver {
            verifier,
            inbox,
            ack_budget: DEFAULT_ACK_BUDGET,
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES,
        }
    }

    /// How long storing a push may take before the receiver answers 503
    /// (the platform then retries in 30 minutes). Keep it well under the
    /// platform's 1000 ms. Default 800 ms (`callbacks::DEFAULT_STORE_BUDGET`).
    pub fn ack_budget(mut self, budget: Duration) -> Self {
        self.ack_budget = budget;
        self
    }

    /// Largest accepted body in bytes; larger pushes get 413 (from
    /// `Content-Length` before the body is read). Default 1 MiB.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Longest time reading a whole request body may take (default 5 s);
    /// a slower body gets 408 and its connection is closed.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Bound on the bytes of all request bodies being read at once (default
    /// 16 MiB, at least the body limit). A body that finds no room gets 503.
    /// With it, slow senders of large bodies cost at most this much memory
    /// in all, whatever the number of connections.
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Self {
        self.max_buffered_bytes = bytes;
        self
    }

    /// A router answering `POST /` (mount it with [`Router::nest`] or
    /// [`Router::merge`]).
    pub fn router(self) -> Router {
        Router::new().route("/", self.method_router())
    }

    /// [`Receiver::router`] as a [`MethodRouter`], to mount on your own
    /// path: `Router::new().route("/my/callback", method_router)`.
    pub fn method_router(self) -> MethodRouter {
        let buffers = self.max_buffered_bytes.max(self.body_limit).max(1);
        let shared = Arc::new(Shared {
            buffers: Arc::new(Semaphore::new(buffers.min(Semaphore::MAX_PERMITS))),
            receiver: self,
        });
        post(handle).with_state(shared)
    }
}

struct Shared {
    receiver: Receiver,
    /// One permit per body byte being read.
    buffers: Arc<Semaphore>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("receiver", &self.receiver)
            .finish_non_exhaustive()
    }
}

/// A response that also closes the connection.
fn closing(status: StatusCode, text: &'static str) -> Response {
    let mut resp = (status, text).into_response();
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// Reads the body up to `limit` bytes, charging every byte to `buffers`;
/// `Err` is the response to give.
async fn read_body(
    body: Body,
    announced: Option<usize>,
    limit: usize,
    buffers: &Arc<Semaphore>,
) -> Result<(Bytes, Vec<OwnedSemaphorePermit>), Response> {
    let busy = |_| {
        record_refusal("busy");
        closing(StatusCode::SERVICE_UNAVAILABLE, "busy, retry later")
    };
    let mut body = body;
    let mut permits = Vec::new();
    let mut charge = |n: usize| -> Result<(), ()> {
        let n = u32::try_from(n).map_err(|_| ())?;
        permits.push(buffers.clone().try_acquire_many_owned(n).map_err(|_| ())?);
        Ok(())
    };
    // Exactly the announced length, at once: no doubling growth.
    let mut buf = Vec::with_capacity(announced.unwrap_or(0).min(limit));
    charge(buf.capacity()).map_err(busy)?;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(closing(StatusCode::BAD_REQUEST, "body could not be read"));
        };
        if let Ok(data) = frame.into_data() {
            let len = buf.len().saturating_add(data.len());
            if len > limit {
                record_refusal("too_large");
                return Err(closing(StatusCode::PAYLOAD_TOO_LARGE, "body too large"));
            }
            if len > buf.capacity() {
                let before = buf.capacity();
                buf.reserve_exact(len.saturating_mul(2).min(limit) - buf.len());
                charge(buf.capacity() - before).map_err(busy)?;
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok((Bytes::from(buf), permits))
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let r = &shared.receiver;
    let (parts, body) = request.into_parts();
    // 413 from the announced length, before a byte of the body is read.
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > r.body_limit as u64) {
        record_refusal("too_large");
        return closing(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    let announced = announced.and_then(|n| usize::try_from(n).ok());
    let read = read_body(body, announced, r.body_limit, &shared.buffers);
    let (body, permits) = match tokio::time::timeout(r.body_timeout, read).await {
        Ok(Ok(read)) => read,
        Ok(Err(resp)) => return resp,
        Err(_) => {
            tracing::debug!("push body not complete within the body timeout");
            record_refusal("body_timeout");
            return closing(StatusCode::REQUEST_TIMEOUT, "body timeout");
        }
    };
    let answer = receive(
        &r.verifier,
        r.inbox.as_ref(),
        &parts.headers,
        body,
        r.ack_budget,
    )
    .await;
    drop(permits);
    match &answer {
        Answer::Stored { .. } => {}
        Answer::Duplicate { dedup_key } => {
            tracing::debug!(key = %dedup_key, "duplicate push acknowledged, not stored again");
        }
        // A base mismatch is also logged at WARN by the verifier; no reason
        // is ever told to the client.
        Answer::Rejected(rejection) => tracing::debug!(%rejection, "push rejected"),
        Answer::Unavailable(e) => {
            tracing::warn!(error = %e, "push not stored: answering 503 so the platform retries");
        }
    }
    if answer.is_ok() || answer.status() == StatusCode::SERVICE_UNAVAILABLE {
        (answer.status(), answer.text()).into_response()
    } else {
        closing(answer.status(), answer.text())
    }
}

/// Connection limits of [`serve`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServeConfig {
    /// A connection whose request headers are not complete within this time
    /// is closed (default 5 s). Applies to every request of a kept-alive
    /// connection too.
    pub header_read_timeout: Duration,
    /// Connections served at once (default 256); beyond it a new connection
    /// gets a bare 503 and is closed at once.
    pub max_connections: usize,
    /// A connection whose answer cannot be written within this time (the
    /// client does not read) is closed (default 5 s).
    pub write_timeout: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
        }
    }
}

impl ServeConfig {
    /// Sets [`ServeConfig::header_read_timeout`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`ServeConfig::write_timeout`].
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Sets [`ServeConfig::max_connections`] (at least 1).
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }
}

/// What a refused connection is told before it is closed.
const REFUSED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

/// Serves `router` on `listener` over HTTP/1.1 with the limits of `config`:
/// the easy and safe way to run a [`Receiver`] (plain `axum::serve` has no
/// header or write timeout and no connection bound, so idle, stalled or
/// non-reading clients can hold it open).
///
/// Runs until the task is dropped or aborted. Put a TLS reverse proxy in
/// front: the platform pushes over HTTPS.
///
/// # Errors
/// None in practice: failed accepts (out of file descriptors, a client gone
/// before it was accepted) are logged and retried after a short pause.
pub async fn serve(listener: TcpListener, router: Router, config: ServeConfig) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tracing::debug!("connection refused: max_connections reached");
            let _ = stream.try_write(REFUSED);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let header_timeout = config.header_read_timeout;
        // A client that does not read its answers cannot hold the slot:
        // a write blocked longer than this ends the connection.
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(config.write_timeout));
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(CONNECTION_BUFFER)
                .serve_connection(TokioIo::new(Box::pin(stream)), service);
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
}
