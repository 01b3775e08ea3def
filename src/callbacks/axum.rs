//! A ready push receiver for [`axum`] (feature `axum`).
//!
//! The platform wants HTTP 200 within 1000 ms, while your processing of a
//! message may take much longer. The receiver therefore only verifies,
//! de-duplicates and queues: it reads the raw body as
//! [`Bytes`] (never re-serialised), runs the
//! [`Verifier`], and hands the message to your code through a bounded
//! [`tokio::sync::mpsc`] channel of [`Delivery`] values, then answers at once.
//!
//! | outcome | status |
//! |---|---|
//! | verified, queued | 200 `success` |
//! | verified, already seen ([`Message::dedup_key`]) | 200 `duplicate`, not queued again |
//! | replayed nonce ([`Rejection::Replay`]) of a message already queued | 200 `duplicate` |
//! | queue still full after the ack budget (default 800 ms) | 503, so the platform retries later |
//! | consumer gone (receiver dropped) | 503 |
//! | replayed nonce of anything else | 401 |
//! | authentication failed ([`Rejection::status`]) | 401 |
//! | body not a message | 400 |
//! | `Content-Length` over the size limit (default 1 MiB) | 413 at once, before the body is read; connection closed |
//! | body over the size limit while read | 413; connection closed |
//! | body not complete within the body timeout (default 5 s) | 408; connection closed |
//! | replay store unavailable (Redis down) | 503, so the platform retries; never accepted unverified |
//!
//! ```no_run
//! use xportcn::Credentials;
//! use xportcn::callbacks::{Verifier, axum::{Receiver, ServeConfig}};
//!
//! # async fn run() -> std::io::Result<()> {
//! let verifier = Verifier::new(Credentials::from_env().expect("credentials"));
//! let (router, mut deliveries) = Receiver::new(verifier).build();
//! tokio::spawn(async move {
//!     while let Some(delivery) = deliveries.recv().await {
//!         println!("{} {}", delivery.message.message_type(), delivery.dedup_key);
//!     }
//! });
//! let app = ::axum::Router::new().nest("/xportcn/push", router);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! // Header-read timeout and a connection bound: use this rather than
//! // `axum::serve`, which has neither.
//! xportcn::callbacks::axum::serve(listener, app, ServeConfig::default()).await
//! # }
//! ```
//!
//! [`serve`] is the safe way to run the router: unauthenticated clients
//! cannot hold the receiver open. It closes a connection whose request
//! headers do not arrive within [`ServeConfig::header_read_timeout`]
//! (default 5 s), and refuses connections beyond
//! [`ServeConfig::max_connections`] (default 256). The receiver itself
//! answers 413 from `Content-Length` before reading the body and closes a
//! connection whose body is not complete within
//! [`Receiver::body_timeout`] (default 5 s). With those defaults a stalled
//! client costs at most one connection slot for 5 s (headers) + 5 s (body).
//!
//! The nonce and the de-duplication key are kept in the verifier's
//! [`ReplayStore`] (in memory by default; `RedisReplayStore` with feature
//! `redis` to share them between instances), recorded only after the push
//! verified.
//!
//! After a 503 the push's nonce and de-duplication key are forgotten, so
//! the platform's retry (even byte-for-byte the same request) is accepted.
//!
//! Without axum, do the same with [`Verifier::verify`] and
//! [`Message::dedup_key`] in your framework's handler.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ::axum::Router;
use ::axum::body::{Body, Bytes};
use ::axum::extract::{Request, State};
use ::axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use bytes::BytesMut;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{Semaphore, mpsc};

use super::store::{MEMORY_ENTRY_OVERHEAD, MemoryReplayStore, ReplayStore};
use super::{Message, Rejection, Verifier};

/// Default capacity of the delivery queue.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;
/// Default time a push may wait for room in a full queue before 503.
pub const DEFAULT_ACK_BUDGET: Duration = Duration::from_millis(800);
/// Default body size limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// The unit of [`Receiver::dedup_capacity`] (a number of keys).
pub const DEFAULT_DEDUP_CAPACITY: usize = 10_000;
/// Default time a de-duplication key is remembered: 24 h, well beyond the
/// platform's retries (5 times, 30 minutes apart).
pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(24 * 3600);
/// Default limit on reading a whole request body: 5 s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit on reading the request headers in [`serve`]: 5 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bound on concurrent connections in [`serve`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// A verified message handed to your code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    /// The message.
    pub message: Message,
    /// Its [`Message::dedup_key`].
    pub dedup_key: String,
    /// When the push was received.
    pub received_at: Instant,
}

/// Where de-duplication keys go.
#[derive(Debug, Clone)]
enum Dedup {
    /// The verifier's replay store (or a default one).
    Shared,
    Off,
    Store(Arc<dyn ReplayStore>),
}

/// Builder of the push receiver; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Receiver {
    verifier: Verifier,
    queue_capacity: usize,
    ack_budget: Duration,
    body_limit: usize,
    body_timeout: Duration,
    dedup: Dedup,
    dedup_ttl: Duration,
}

impl Receiver {
    /// A receiver using `verifier`, with the default queue capacity (1024),
    /// ack budget (800 ms), body limit (1 MiB), body timeout (5 s), and
    /// de-duplication keys kept for 24 h in the verifier's replay store.
    pub fn new(verifier: Verifier) -> Self {
        Receiver {
            verifier,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            ack_budget: DEFAULT_ACK_BUDGET,
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            dedup: Dedup::Shared,
            dedup_ttl: DEFAULT_DEDUP_TTL,
        }
    }

    /// Capacity of the delivery queue (at least 1).
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// How long a push waits for room in a full queue before the receiver
    /// answers 503 (the platform then retries in 30 minutes). Keep it well
    /// under the platform's 1000 ms timeout.
    pub fn ack_budget(mut self, budget: Duration) -> Self {
        self.ack_budget = budget;
        self
    }

    /// Largest accepted body in bytes; larger pushes get 413 (from
    /// `Content-Length` before the body is read).
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

    /// De-duplication in a memory of its own, sized for about `capacity`
    /// keys (bounded in bytes); 0 turns de-duplication off (every verified
    /// push is delivered). By default the keys share the verifier's replay
    /// store.
    pub fn dedup_capacity(mut self, capacity: usize) -> Self {
        self.dedup = if capacity == 0 {
            Dedup::Off
        } else {
            Dedup::Store(Arc::new(MemoryReplayStore::new(
                capacity.saturating_mul(48 + MEMORY_ENTRY_OVERHEAD),
            )))
        };
        self
    }

    /// Keeps de-duplication keys in `store` (by default: the verifier's
    /// replay store).
    pub fn dedup_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.dedup = Dedup::Store(store);
        self
    }

    /// How long a de-duplication key is remembered (default 24 h).
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl;
        self
    }

    /// A router answering `POST /` (mount it with [`Router::nest`] or
    /// [`Router::merge`]) and the queue of verified messages.
    ///
    /// If the returned receiver is dropped, pushes get 503.
    pub fn build(self) -> (Router, mpsc::Receiver<Delivery>) {
        let (route, rx) = self.method_router();
        (Router::new().route("/", route), rx)
    }

    /// [`Receiver::build`] as a [`MethodRouter`], to mount on your own path:
    /// `Router::new().route("/my/callback", method_router)`.
    pub fn method_router(self) -> (MethodRouter, mpsc::Receiver<Delivery>) {
        let (tx, rx) = mpsc::channel(self.queue_capacity);
        let dedup = match self.dedup {
            Dedup::Off => None,
            Dedup::Store(s) => Some(s),
            Dedup::Shared => Some(
                self.verifier
                    .store()
                    .cloned()
                    .unwrap_or_else(|| Arc::new(MemoryReplayStore::default())),
            ),
        };
        let shared = Arc::new(Shared {
            verifier: self.verifier,
            tx,
            ack_budget: self.ack_budget,
            body_limit: self.body_limit,
            body_timeout: self.body_timeout,
            dedup,
            dedup_ttl: self.dedup_ttl,
        });
        let route = post(handle).with_state(shared);
        (route, rx)
    }
}

/// [`Receiver::new`]`(verifier).build()`.
pub fn receiver(verifier: Verifier) -> (Router, mpsc::Receiver<Delivery>) {
    Receiver::new(verifier).build()
}

struct Shared {
    verifier: Verifier,
    tx: mpsc::Sender<Delivery>,
    ack_budget: Duration,
    body_limit: usize,
    body_timeout: Duration,
    dedup: Option<Arc<dyn ReplayStore>>,
    dedup_ttl: Duration,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

/// The store key of a de-duplication key.
fn dedup_key_of(key: &str) -> String {
    format!("d:{key}")
}

/// What a claim of a de-duplication key found.
enum Claim {
    New,
    Duplicate,
    Unavailable,
}

impl Shared {
    /// Claims a de-duplication key.
    async fn claim(&self, key: &str) -> Claim {
        let Some(store) = &self.dedup else {
            return Claim::New;
        };
        match store
            .insert_if_absent(&dedup_key_of(key), self.dedup_ttl)
            .await
        {
            Ok(true) => Claim::New,
            Ok(false) => Claim::Duplicate,
            Err(e) => {
                tracing::warn!(error = %e, "de-duplication store unavailable: answering 503");
                Claim::Unavailable
            }
        }
    }

    /// Whether `key` was claimed by a queued delivery (`None`: unknown).
    async fn seen(&self, key: &str) -> Option<bool> {
        match &self.dedup {
            Some(store) => store.contains(&dedup_key_of(key)).await.ok(),
            None => Some(false),
        }
    }

    /// Releases a claim whose delivery could not be queued.
    async fn release(&self, key: &str) {
        if let Some(store) = &self.dedup
            && let Err(e) = store.remove(&dedup_key_of(key)).await
        {
            tracing::warn!(error = %e, "could not release a de-duplication key");
        }
    }
}

/// A response that also closes the connection.
fn closing(status: StatusCode, text: &'static str) -> Response {
    let mut resp = (status, text).into_response();
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "busy, retry later").into_response()
}

/// Reads the body up to `limit` bytes; `Err` is the response to give.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    let mut body = body;
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(closing(StatusCode::BAD_REQUEST, "body could not be read"));
        };
        if let Ok(data) = frame.into_data() {
            if buf.len().saturating_add(data.len()) > limit {
                return Err(closing(StatusCode::PAYLOAD_TOO_LARGE, "body too large"));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let received_at = Instant::now();
    let (parts, body) = request.into_parts();
    let headers: HeaderMap = parts.headers;
    // 413 from the announced length, before a byte of the body is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > shared.body_limit as u64) {
        return closing(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    let body =
        match tokio::time::timeout(shared.body_timeout, read_body(body, shared.body_limit)).await {
            Ok(Ok(body)) => body,
            Ok(Err(resp)) => return resp,
            Err(_) => {
                tracing::debug!("push body not complete within the body timeout");
                return closing(StatusCode::REQUEST_TIMEOUT, "body timeout");
            }
        };
    let checked = match shared.verifier.check(&headers, &body, SystemTime::now()) {
        Ok(c) => c,
        Err(rejection) => return reject(&rejection),
    };
    let dedup_key = checked.message.dedup_key();
    let nonce = checked.nonce.clone();
    match shared.verifier.record_nonce(&checked).await {
        Ok(()) => {}
        // An authentic request sent again: fine if its message was queued.
        Err(Rejection::Replay) => {
            return match shared.seen(&dedup_key).await {
                Some(true) => (StatusCode::OK, "duplicate").into_response(),
                Some(false) => reject(&Rejection::Replay),
                None => unavailable(),
            };
        }
        Err(rejection) => return reject(&rejection),
    }
    match shared.claim(&dedup_key).await {
        Claim::New => {}
        Claim::Duplicate => {
            tracing::debug!(key = %dedup_key, "duplicate push acknowledged, not delivered again");
            return (StatusCode::OK, "duplicate").into_response();
        }
        Claim::Unavailable => {
            shared.verifier.forget_nonce(nonce.as_deref()).await;
            return unavailable();
        }
    }
    let delivery = Delivery {
        message: checked.message,
        dedup_key,
        received_at,
    };
    let queued = match shared.tx.try_send(delivery) {
        Ok(()) => Ok(()),
        Err(TrySendError::Full(delivery)) => {
            match tokio::time::timeout(shared.ack_budget, shared.tx.reserve()).await {
                Ok(Ok(permit)) => {
                    permit.send(delivery);
                    Ok(())
                }
                _ => Err(delivery.dedup_key),
            }
        }
        Err(TrySendError::Closed(delivery)) => Err(delivery.dedup_key),
    };
    match queued {
        Ok(()) => (StatusCode::OK, "success").into_response(),
        Err(key) => {
            shared.release(&key).await;
            shared.verifier.forget_nonce(nonce.as_deref()).await;
            tracing::warn!(key = %key, "delivery queue full or closed: answering 503 so the platform retries");
            unavailable()
        }
    }
}

fn reject(rejection: &Rejection) -> Response {
    tracing::debug!(%rejection, "push rejected");
    (rejection.status(), rejection.to_string()).into_response()
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
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ServeConfig {
    /// Sets [`ServeConfig::header_read_timeout`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
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
/// header timeout and no connection bound, so idle or stalled clients can
/// hold it open).
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
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
}
