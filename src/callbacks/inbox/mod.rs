//! The push inbox: a verified push is stored here **before** the receiver
//! answers 200, and your code consumes it from here at its own pace.
//!
//! The platform pushes each message until it gets HTTP 200, then never
//! again (docs/platform.md §4). So the 200 is where a message can be lost
//! for good, and the receiver gives it only once the push is committed to
//! an [`Inbox`]:
//!
//! ```text
//! receive:  verify ──▶ store (claim + append, one atomic step) ──▶ answer 200
//! consume:  next ──▶ your handler ──▶ ack
//! ```
//!
//! | backend | where | a 200 means | survives |
//! |---|---|---|---|
//! | [`SqliteInbox`] (feature `sqlite`, on with `axum`) | one machine, a file | the push is committed to the SQLite file (WAL, `synchronous=FULL`) | a killed process; a power loss, on a disk that honours `fsync` |
//! | `RedisInbox` (feature `redis`) | several machines, one Redis | the push is in the Redis stream (`XADD`) | a killed receiver or consumer; a Redis restart only as far as its persistence (`appendonly yes`, `appendfsync always`) keeps writes |
//! | [`MemoryInbox`] | this process, **for tests** | the push is in this process's memory | nothing: a process that dies loses every acknowledged push not yet acked |
//!
//! **Delivery is at least once.** A delivery your code does not
//! [`ack`](Delivery::ack) (its consumer crashed, or its lease ran out) is
//! delivered again, with the same [`dedup_key`](Delivery::dedup_key): make
//! the handler idempotent on that key. A delivery is never dropped
//! unhandled.
//!
//! **"Duplicate" only when it is true.** The de-duplication claim and the
//! append are one atomic step (a SQLite transaction, a Redis Lua script),
//! so a push is answered `200 duplicate` only when the same message is
//! already stored. A store that cannot answer in time gives 503, and the
//! platform's retry then either finds the message stored or stores it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use xportcn::callbacks::{Consumer, SqliteInbox};
//!
//! let inbox = Arc::new(SqliteInbox::open("pushes.sqlite3")?);
//! let mut consumer = Consumer::new(inbox);
//! loop {
//!     let delivery = consumer.next().await?;
//!     println!("{} {}", delivery.message.message_type(), delivery.dedup_key);
//!     delivery.ack().await?; // after handling: never before
//! }
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::Message;
use super::store::{StoreError, StoreFuture};

mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryInbox;
#[cfg(feature = "redis")]
pub use redis::{DEFAULT_REDIS_GROUP, RedisInbox};
#[cfg(feature = "sqlite")]
pub(crate) use sqlite::open_durable;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteInbox, Synchronous};

/// Default time a delivery stays leased to its consumer before it is
/// delivered again: 60 s.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// Default time a de-duplication key is remembered after its push was
/// acked: 24 h, well beyond the platform's retries (5 times, 30 minutes
/// apart). An unacked push is kept until it is acked, however long.
pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(24 * 3600);

/// Longest de-duplication time kept: about 10 years (a longer one, up to
/// `Duration::MAX`, is clamped to it).
pub const MAX_DEDUP_TTL: Duration = Duration::from_secs(10 * 365 * 86_400);

/// A verified push, as an [`Inbox`] stores it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Push {
    /// [`Message::dedup_key`] of its message: stable across redeliveries.
    pub dedup_key: String,
    /// The raw body, byte for byte as received.
    pub body: Bytes,
    /// When the receiver got it, in milliseconds since the Unix epoch.
    pub received_ms: u64,
}

impl Push {
    /// A push received now.
    pub fn new(dedup_key: impl Into<String>, body: Bytes) -> Self {
        Push {
            dedup_key: dedup_key.into(),
            body,
            received_ms: now_ms(),
        }
    }
}

impl fmt::Debug for Push {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body may hold personal data (addresses, names): its length only.
        f.debug_struct("Push")
            .field("dedup_key", &self.dedup_key)
            .field("body_len", &self.body.len())
            .field("received_ms", &self.received_ms)
            .finish()
    }
}

/// What [`Inbox::append`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Appended {
    /// The push was not stored yet and now is (committed).
    Stored,
    /// A push with the same de-duplication key is already stored.
    Duplicate,
}

/// A stored push leased to a consumer by [`Inbox::fetch`].
#[derive(Clone)]
#[non_exhaustive]
pub struct Leased {
    /// The backend's id of this entry (a row number, a stream id).
    pub id: String,
    /// The push.
    pub push: Push,
    /// How many times it has been handed out, this time included (1 for a
    /// first delivery).
    pub attempt: u32,
}

impl Leased {
    /// A leased entry.
    pub fn new(id: impl Into<String>, push: Push, attempt: u32) -> Self {
        Leased {
            id: id.into(),
            push,
            attempt,
        }
    }
}

impl fmt::Debug for Leased {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leased")
            .field("id", &self.id)
            .field("push", &self.push)
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// Where pushes wait between the receiver and your code, behind one small
/// trait: [`SqliteInbox`] (one machine), `RedisInbox` (several),
/// [`MemoryInbox`] (tests).
///
/// The contract every backend keeps:
/// * [`append`](Self::append) checks the de-duplication key and stores the
///   push in **one atomic step**, and returns only once the push is
///   committed: a push is never acknowledged and then lost, and a claim
///   never exists without its push.
/// * [`fetch`](Self::fetch) leases entries to one consumer: an entry is
///   handed to one consumer at a time, and handed out again once its lease
///   runs out unacked.
/// * [`ack`](Self::ack) ends an entry; its de-duplication key is kept for
///   the backend's de-duplication time.
pub trait Inbox: fmt::Debug + Send + Sync + 'static {
    /// Stores `push` unless a push with its de-duplication key is stored.
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended>;

    /// Whether a push with this de-duplication key is stored (pending or
    /// acked within the de-duplication time).
    fn contains<'a>(&'a self, dedup_key: &'a str) -> StoreFuture<'a, bool>;

    /// Leases up to `max` entries to `consumer`: entries never delivered,
    /// and entries whose lease ran out. Waits up to `wait` for one when
    /// none is ready; an empty list means none came.
    fn fetch<'a>(
        &'a self,
        consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>>;

    /// Marks the entry handled. Acking an entry twice is not an error.
    fn ack<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()>;

    /// Hands the entry back, to be delivered again after `delay` (at the
    /// latest when its lease runs out).
    fn release<'a>(&'a self, id: &'a str, delay: Duration) -> StoreFuture<'a, ()>;
}

/// A push handed to your code by a [`Consumer`].
///
/// Handle it, then [`ack`](Self::ack) it. If your code drops it without an
/// ack (or crashes), it is delivered again once its lease runs out;
/// [`retry_later`](Self::retry_later) hands it back sooner.
#[non_exhaustive]
pub struct Delivery {
    /// The message.
    pub message: Message,
    /// Its [`Message::dedup_key`]: the same on every delivery of this push,
    /// and on every redelivery by the platform.
    pub dedup_key: String,
    /// The raw body, byte for byte as received.
    pub body: Bytes,
    /// When the receiver stored it.
    pub received_at: SystemTime,
    /// How many times it has been handed out, this time included.
    pub attempt: u32,
    id: String,
    inbox: Arc<dyn Inbox>,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("message_type", &self.message.message_type())
            .field("dedup_key", &self.dedup_key)
            .field("received_at", &self.received_at)
            .field("attempt", &self.attempt)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Delivery {
    /// Marks the push handled: it is not delivered again.
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; the push is then
    /// delivered again later (handle it idempotently).
    pub async fn ack(self) -> Result<(), StoreError> {
        self.inbox.ack(&self.id).await
    }

    /// Hands the push back, to be delivered again after `delay` (at the
    /// latest when its lease runs out).
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; the push is then
    /// delivered again when its lease runs out.
    pub async fn retry_later(self, delay: Duration) -> Result<(), StoreError> {
        self.inbox.release(&self.id, delay).await
    }

    /// The inbox's id of this entry.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Default number of entries a [`Consumer`] leases at once.
pub const DEFAULT_BATCH: usize = 16;

/// Default longest wait of one fetch of a [`Consumer`].
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// Reads deliveries from an [`Inbox`], one at a time, at your code's pace:
/// `next` → handle → `ack`.
///
/// Several consumers (in one process or many) may read one inbox; each
/// entry goes to one of them at a time. Give each a distinct
/// [`name`](Self::name) (the default is random).
pub struct Consumer {
    inbox: Arc<dyn Inbox>,
    name: String,
    batch: usize,
    poll: Duration,
    buffer: VecDeque<Leased>,
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("inbox", &self.inbox)
            .field("name", &self.name)
            .field("batch", &self.batch)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl Consumer {
    /// A consumer of `inbox` with a random name.
    pub fn new(inbox: Arc<dyn Inbox>) -> Self {
        let name = format!(
            "consumer-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        Consumer {
            inbox,
            name,
            batch: DEFAULT_BATCH,
            poll: DEFAULT_POLL,
            buffer: VecDeque::new(),
        }
    }

    /// This consumer's name (Redis: its name in the consumer group).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How many entries one fetch leases (default 16, at least 1). Leased
    /// entries wait in this consumer until `next` returns them: keep it
    /// small when a handler is slow, so other consumers get them.
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// The next delivery, waiting as long as it takes for one.
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; call again to retry.
    pub async fn next(&mut self) -> Result<Delivery, StoreError> {
        loop {
            if let Some(delivery) = self.try_next(self.poll).await? {
                return Ok(delivery);
            }
        }
    }

    /// The next delivery if one comes within `wait`.
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer.
    pub async fn try_next(&mut self, wait: Duration) -> Result<Option<Delivery>, StoreError> {
        loop {
            while let Some(leased) = self.buffer.pop_front() {
                if let Some(delivery) = self.open(leased).await {
                    return Ok(Some(delivery));
                }
            }
            let fetched = self.inbox.fetch(&self.name, self.batch, wait).await?;
            if fetched.is_empty() {
                return Ok(None);
            }
            self.buffer.extend(fetched);
        }
    }

    /// The deliveries as a [`Stream`](futures_util::Stream), for
    /// `while let Some(d) = stream.next().await`.
    pub fn into_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<Delivery, StoreError>> + Send {
        futures_util::stream::unfold(self, |mut consumer| async move {
            let next = consumer.next().await;
            Some((next, consumer))
        })
    }

    /// A delivery of a leased entry; `None` (and the entry handed back for
    /// an hour, never dropped) if its body no longer parses.
    async fn open(&self, leased: Leased) -> Option<Delivery> {
        match Message::from_slice(&leased.push.body) {
            Ok(message) => Some(Delivery {
                message,
                dedup_key: leased.push.dedup_key,
                body: leased.push.body,
                received_at: UNIX_EPOCH + Duration::from_millis(leased.push.received_ms),
                attempt: leased.attempt,
                id: leased.id,
                inbox: self.inbox.clone(),
            }),
            Err(e) => {
                // It parsed when it was received: only another SDK version
                // reads it differently. Kept, never dropped.
                tracing::error!(
                    id = %leased.id,
                    key = %leased.push.dedup_key,
                    error = %e,
                    "a stored push no longer parses; handed back for an hour"
                );
                if let Err(e) = self
                    .inbox
                    .release(&leased.id, Duration::from_secs(3600))
                    .await
                {
                    tracing::warn!(error = %e, "could not hand back an unreadable push");
                }
                None
            }
        }
    }
}

/// Leases entries with `once` until it finds some or `wait` has passed:
/// woken by `notify` (an append or a release in this process), else every
/// `poll` (another process's append, a lease that ran out). Every backend's
/// [`Inbox::fetch`] waits this way.
pub(crate) async fn wait_for_entries<F, Fut>(
    wait: Duration,
    poll: Duration,
    notify: Option<&tokio::sync::Notify>,
    mut once: F,
) -> Result<Vec<Leased>, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<Leased>, StoreError>>,
{
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let notified = notify.map(|n| n.notified());
        let got = once().await?;
        if !got.is_empty() {
            return Ok(got);
        }
        let step = deadline
            .saturating_duration_since(tokio::time::Instant::now())
            .min(poll);
        if step.is_zero() {
            return Ok(Vec::new());
        }
        match notified {
            Some(n) => {
                let _ = tokio::time::timeout(step, n).await;
            }
            None => tokio::time::sleep(step).await,
        }
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// `d` in whole milliseconds, at least 1, clamped to [`MAX_DEDUP_TTL`].
pub(crate) fn clamped_ms(d: Duration) -> u64 {
    u64::try_from(d.min(MAX_DEDUP_TTL).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
