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
//! | body over the size limit (default 1 MiB) | 413 |
//!
//! ```no_run
//! use xportcn::Credentials;
//! use xportcn::callbacks::{Verifier, axum::Receiver};
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
//! ::axum::serve(listener, app).await
//! # }
//! ```
//!
//! After a 503 the push's nonce and de-duplication key are forgotten, so
//! the platform's retry (even byte-for-byte the same request) is accepted.
//!
//! Without axum, do the same with [`Verifier::verify`] and
//! [`Message::dedup_key`] in your framework's handler.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ::axum::Router;
use ::axum::body::Bytes;
use ::axum::extract::{DefaultBodyLimit, State};
use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::{MethodRouter, post};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use super::{BoundedSet, Message, Rejection, Verifier};

/// Default capacity of the delivery queue.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;
/// Default time a push may wait for room in a full queue before 503.
pub const DEFAULT_ACK_BUDGET: Duration = Duration::from_millis(800);
/// Default body size limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Default number of de-duplication keys remembered.
pub const DEFAULT_DEDUP_CAPACITY: usize = 10_000;

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

/// Builder of the push receiver; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Receiver {
    verifier: Verifier,
    queue_capacity: usize,
    ack_budget: Duration,
    body_limit: usize,
    dedup_capacity: usize,
}

impl Receiver {
    /// A receiver using `verifier`, with the default queue capacity (1024),
    /// ack budget (800 ms), body limit (1 MiB) and de-duplication memory
    /// (10 000 keys).
    pub fn new(verifier: Verifier) -> Self {
        Receiver {
            verifier,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            ack_budget: DEFAULT_ACK_BUDGET,
            body_limit: DEFAULT_BODY_LIMIT,
            dedup_capacity: DEFAULT_DEDUP_CAPACITY,
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

    /// Largest accepted body in bytes; larger pushes get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Number of [`Message::dedup_key`]s remembered to drop redeliveries;
    /// 0 turns de-duplication off (every verified push is delivered).
    pub fn dedup_capacity(mut self, capacity: usize) -> Self {
        self.dedup_capacity = capacity;
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
        let shared = Arc::new(Shared {
            verifier: self.verifier,
            tx,
            ack_budget: self.ack_budget,
            body_limit: self.body_limit,
            dedup: (self.dedup_capacity > 0)
                .then(|| Mutex::new(BoundedSet::new(self.dedup_capacity))),
        });
        let route = post(handle)
            .layer(DefaultBodyLimit::max(self.body_limit))
            .with_state(shared);
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
    dedup: Option<Mutex<BoundedSet>>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Claims a de-duplication key; `false` if it was already claimed.
    fn claim(&self, key: &str) -> bool {
        match &self.dedup {
            Some(set) => set.lock().unwrap_or_else(|p| p.into_inner()).insert(key),
            None => true,
        }
    }

    /// Whether `key` was claimed by a queued delivery.
    fn seen(&self, key: &str) -> bool {
        match &self.dedup {
            Some(set) => set.lock().unwrap_or_else(|p| p.into_inner()).contains(key),
            None => false,
        }
    }

    /// Releases a claim whose delivery could not be queued.
    fn release(&self, key: &str) {
        if let Some(set) = &self.dedup {
            set.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let received_at = Instant::now();
    if body.len() > shared.body_limit {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    }
    let message = match shared.verifier.verify(&headers, &body) {
        Ok(m) => m,
        // An authentic request sent again: fine if its message was queued.
        Err(Rejection::Replay)
            if Message::from_slice(&body).is_ok_and(|m| shared.seen(&m.dedup_key())) =>
        {
            return (StatusCode::OK, "duplicate").into_response();
        }
        Err(rejection) => return reject(&rejection),
    };
    let dedup_key = message.dedup_key();
    if !shared.claim(&dedup_key) {
        tracing::debug!(key = %dedup_key, "duplicate push acknowledged, not delivered again");
        return (StatusCode::OK, "duplicate").into_response();
    }
    let delivery = Delivery {
        message,
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
            shared.release(&key);
            shared.verifier.forget_nonce(&headers);
            tracing::warn!(key = %key, "delivery queue full or closed: answering 503 so the platform retries");
            (StatusCode::SERVICE_UNAVAILABLE, "busy, retry later").into_response()
        }
    }
}

fn reject(rejection: &Rejection) -> Response {
    tracing::debug!(%rejection, "push rejected");
    (rejection.status(), rejection.to_string()).into_response()
}
