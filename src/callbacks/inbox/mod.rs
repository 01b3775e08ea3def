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
//! **One live holder per delivery.** Each lease has a holder (a [`Lease`]
//! token: entry id, consumer, attempt) that every backend checks on `ack`,
//! `release` and `extend`. A [`Consumer`] never hands out an entry whose
//! lease ran out, and extends the lease of every [`Delivery`] your code
//! holds (up to [`Consumer::max_extension`]). A push is handled twice only
//! when its holder died, or stalled past the maximum extension.
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
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::Message;
use super::storage::{StoreError, StoreFuture, now_ms};

mod memory;
pub mod ops;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "sqlite")]
pub use super::storage::Synchronous;
pub use memory::MemoryInbox;
#[cfg(feature = "redis")]
pub use redis::RedisInbox;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteInbox;

/// Default time a delivery stays leased to its consumer before it is
/// delivered again: 60 s.
pub(crate) const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// Default time a de-duplication key is remembered after its push was
/// acked: 24 h, well beyond the platform's retries (5 times, 30 minutes
/// apart). An unacked push is kept until it is acked, however long.
pub(crate) const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(24 * 3600);

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
    /// first delivery). With [`holder`](Self::holder), the lease's token: a
    /// later lease of the same entry has a higher attempt.
    pub attempt: u32,
    /// The consumer it is leased to (the `consumer` given to
    /// [`Inbox::fetch`]).
    pub holder: String,
    /// Until when the lease surely holds, on this process's clock (the
    /// backend's clock starts the lease later, never earlier).
    pub until: Instant,
    /// How long the lease was granted for.
    pub length: Duration,
}

impl Leased {
    /// A leased entry, with no holder and a lease already over: set them
    /// with [`held`](Self::held).
    pub fn new(id: impl Into<String>, push: Push, attempt: u32) -> Self {
        Leased {
            id: id.into(),
            push,
            attempt,
            holder: String::new(),
            until: Instant::now(),
            length: Duration::ZERO,
        }
    }

    /// The same entry, leased to `holder` for `length` from `start` (taken
    /// before the backend started the lease). A length too large for the
    /// clock is clamped.
    pub fn held(mut self, holder: impl Into<String>, start: Instant, length: Duration) -> Self {
        self.holder = holder.into();
        self.until = later(start, length);
        self.length = length.min(MAX_LEASE);
        self
    }

    /// The token that `ack`, `release` and `extend` check.
    pub fn lease(&self) -> Lease {
        Lease::new(self.id.clone(), self.holder.clone(), self.attempt)
    }
}

impl fmt::Debug for Leased {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leased")
            .field("id", &self.id)
            .field("push", &self.push)
            .field("attempt", &self.attempt)
            .field("holder", &self.holder)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// Who holds an entry: its id, the holder's name and the attempt it was
/// leased at. Every backend checks all three on [`Inbox::ack`],
/// [`Inbox::release`] and [`Inbox::extend`]: an entry whose lease ran out
/// and was leased again (to another consumer, or to the same one) has
/// another attempt, and the old token is refused with
/// [`StoreErrorKind::NotLeased`](super::StoreErrorKind::NotLeased).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Lease {
    /// The backend's id of the entry.
    pub id: String,
    /// The consumer it was leased to.
    pub holder: String,
    /// The attempt it was leased at ([`Leased::attempt`]).
    pub attempt: u32,
}

impl Lease {
    /// A lease token.
    pub fn new(id: impl Into<String>, holder: impl Into<String>, attempt: u32) -> Self {
        Lease {
            id: id.into(),
            holder: holder.into(),
            attempt,
        }
    }
}

/// Longest lease or extension kept: about 10 years (a longer one, up to
/// `Duration::MAX`, is clamped to it, never wrapped to "now").
pub const MAX_LEASE: Duration = MAX_DEDUP_TTL;

/// `start + d`, with `d` clamped to [`MAX_LEASE`] (and, on a clock that
/// cannot add even that, to one day): never earlier than `start`.
pub(crate) fn later(start: Instant, d: Duration) -> Instant {
    start
        .checked_add(d.min(MAX_LEASE))
        .or_else(|| start.checked_add(d.min(Duration::from_secs(86_400))))
        .unwrap_or(start)
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
///   held by one consumer at a time, and leased again (with a higher
///   attempt) once its lease runs out unacked.
/// * [`ack`](Self::ack), [`release`](Self::release) and
///   [`extend`](Self::extend) act only for the entry's current holder (the
///   [`Lease`] token: id, holder and attempt); for anyone else (a holder
///   whose lease ran out and was leased again, an entry acked already) they
///   change nothing and fail with
///   [`StoreErrorKind::NotLeased`](super::StoreErrorKind::NotLeased). A
///   lease that ran out but was not leased again still belongs to its
///   holder.
/// * [`ack`](Self::ack) ends an entry; its de-duplication key is kept for
///   the backend's de-duplication time.
/// * Durations too large for the clock are clamped (to [`MAX_LEASE`]),
///   never taken as "now".
pub trait Inbox: fmt::Debug + Send + Sync + 'static {
    /// Stores `push` unless a push with its de-duplication key is stored.
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended>;

    /// Whether a push with this de-duplication key is stored (pending or
    /// acked within the de-duplication time).
    fn contains<'a>(&'a self, dedup_key: &'a str) -> StoreFuture<'a, bool>;

    /// Leases up to `max` entries to `consumer` (their
    /// [`holder`](Leased::holder)): entries never delivered, and entries
    /// whose lease ran out. Waits up to `wait` for one when none is ready;
    /// an empty list means none came.
    fn fetch<'a>(
        &'a self,
        consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>>;

    /// Marks the entry handled, if `lease` still holds it.
    ///
    /// An entry not leased to `lease` (acked already, handed back, or
    /// leased again after its lease ran out) is a
    /// [`StoreErrorKind::NotLeased`](super::StoreErrorKind::NotLeased)
    /// error and is not touched.
    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()>;

    /// Hands the entry back, to be delivered again after `delay` (at the
    /// latest when its lease runs out); `lease` no longer holds it.
    /// Not leased to `lease`: as [`ack`](Self::ack).
    fn release<'a>(&'a self, lease: &'a Lease, delay: Duration) -> StoreFuture<'a, ()>;

    /// Extends the lease: the entry stays with `lease` for `by` from now
    /// (Redis: at most the inbox's lease). Not leased to `lease`: as
    /// [`ack`](Self::ack).
    fn extend<'a>(&'a self, lease: &'a Lease, by: Duration) -> StoreFuture<'a, ()>;
}

/// A push handed to your code by a [`Consumer`].
///
/// Handle it, then [`ack`](Self::ack) it. While you hold it, its lease is
/// extended in the background (every third of the lease, up to the
/// consumer's [`max_extension`](Consumer::max_extension)), so a slow but
/// live handler keeps it. If your code drops it without an ack (or
/// crashes), the extensions stop and it is delivered again once its lease
/// runs out; [`retry_later`](Self::retry_later) hands it back sooner.
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
    lease: Lease,
    until: Arc<std::sync::Mutex<Instant>>,
    keeper: Option<tokio::task::AbortHandle>,
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
            .field("holder", &self.lease.holder)
            .finish_non_exhaustive()
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        // A dropped delivery (its handler done, failed or gone) is no longer
        // kept alive: its lease runs out and it is delivered again.
        self.stop_keeper();
    }
}

impl Delivery {
    /// Marks the push handled: it is not delivered again.
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; the push is then
    /// delivered again later (handle it idempotently). Kind
    /// [`NotLeased`](super::StoreErrorKind::NotLeased) when this delivery's
    /// lease was lost (it ran out past the maximum extension, or the inbox
    /// could not be reached to extend it) and another consumer holds the
    /// push now.
    pub async fn ack(mut self) -> Result<(), StoreError> {
        self.stop_keeper();
        self.inbox.ack(&self.lease).await
    }

    /// Hands the push back, to be delivered again after `delay` (at the
    /// latest when its lease runs out). A `delay` too large for the clock
    /// is clamped, never taken as "now".
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; the push is then
    /// delivered again when its lease runs out. Kind
    /// [`NotLeased`](super::StoreErrorKind::NotLeased) as for
    /// [`ack`](Self::ack).
    pub async fn retry_later(mut self, delay: Duration) -> Result<(), StoreError> {
        self.stop_keeper();
        self.inbox.release(&self.lease, delay).await
    }

    /// Extends the lease now: the push stays with this delivery for `by`
    /// from now (Redis: at most the inbox's lease). The background
    /// extension goes on from there.
    ///
    /// # Errors
    /// A [`StoreError`] when the inbox cannot answer; kind
    /// [`NotLeased`](super::StoreErrorKind::NotLeased) when the lease was
    /// lost already.
    pub async fn extend(&self, by: Duration) -> Result<(), StoreError> {
        let start = Instant::now();
        self.inbox.extend(&self.lease, by).await?;
        let mut until = self.until.lock().unwrap_or_else(|p| p.into_inner());
        *until = later(start, by);
        Ok(())
    }

    /// Until when this delivery's lease surely holds (on this process's
    /// clock), as far as this process knows: moved on by every extension.
    pub fn lease_until(&self) -> Instant {
        *self.until.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The inbox's id of this entry.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its lease token (id, holder, attempt).
    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    fn stop_keeper(&mut self) {
        if let Some(keeper) = self.keeper.take() {
            keeper.abort();
        }
    }
}

/// Extends `lease` while its [`Delivery`] lives: when two thirds of the
/// lease are left (so at a third of a fresh one, as Google Pub/Sub's
/// clients extend ack deadlines), by its length, until `max_until`; stops
/// when the lease is lost.
async fn keep_leased(
    inbox: Arc<dyn Inbox>,
    lease: Lease,
    length: Duration,
    until: Arc<std::sync::Mutex<Instant>>,
    max_until: Instant,
) {
    // Bounded: each turn sleeps at least `step`, and the loop ends at
    // `max_until` at the latest.
    let step = (length / 10).max(Duration::from_millis(5));
    loop {
        let current = *until.lock().unwrap_or_else(|p| p.into_inner());
        let due = current
            .checked_sub(length.saturating_mul(2) / 3)
            .unwrap_or(current)
            .max(Instant::now());
        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
        let start = Instant::now();
        let by = length.min(max_until.saturating_duration_since(start));
        if by.is_zero() {
            tracing::warn!(
                id = %lease.id,
                "a delivery held past the maximum extension: its lease is no longer extended"
            );
            return;
        }
        match inbox.extend(&lease, by).await {
            Ok(()) => {
                *until.lock().unwrap_or_else(|p| p.into_inner()) = later(start, by);
                if by < length {
                    tracing::warn!(
                        id = %lease.id,
                        "a delivery held up to the maximum extension: its lease is not extended further"
                    );
                    return;
                }
            }
            Err(e) if e.is_not_leased() => {
                tracing::warn!(id = %lease.id, "a delivery's lease was lost while it was held");
                return;
            }
            Err(e) => {
                tracing::warn!(id = %lease.id, error = %e, "could not extend a lease; trying again");
                tokio::time::sleep(step).await;
            }
        }
    }
}

/// Default number of entries a [`Consumer`] leases at once (fewer when its
/// handler is slow: see [`Consumer::batch`]).
pub(crate) const DEFAULT_BATCH: usize = 16;

/// Default longest wait of one fetch of a [`Consumer`].
pub(crate) const DEFAULT_POLL: Duration = Duration::from_secs(1);

/// Default longest time a [`Consumer`] keeps extending the lease of a
/// delivery your code holds: 10 minutes from its lease. A handler that
/// holds a delivery longer (stalled, or simply slower) may see it delivered
/// to another consumer as well.
pub(crate) const DEFAULT_MAX_EXTENSION: Duration = Duration::from_secs(600);

/// Reads deliveries from an [`Inbox`], one at a time, at your code's pace:
/// `next` → handle → `ack`.
///
/// Several consumers (in one process or many) may read one inbox; each
/// entry is held by one of them at a time. Give each a distinct
/// [`name`](Self::name) (the default is random).
///
/// A consumer never hands out an entry whose lease ran out (it extends it
/// first, which fails if another consumer leased it meanwhile, and then
/// skips it), and it leases no more entries than its handler can take
/// within a lease (measured: see [`batch`](Self::batch)). While your code
/// holds a [`Delivery`], its lease is extended in the background up to
/// [`max_extension`](Self::max_extension).
pub struct Consumer {
    inbox: Arc<dyn Inbox>,
    name: String,
    batch: usize,
    poll: Duration,
    max_extension: Duration,
    buffer: VecDeque<Leased>,
    /// When the last delivery was handed out (its handling time is
    /// measured up to the next call).
    handed_out: Option<Instant>,
    /// Moving average of the handling time.
    handling: Option<Duration>,
    /// The last lease length seen.
    length: Option<Duration>,
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("inbox", &self.inbox)
            .field("name", &self.name)
            .field("batch", &self.batch)
            .field("max_extension", &self.max_extension)
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
            max_extension: DEFAULT_MAX_EXTENSION,
            buffer: VecDeque::new(),
            handed_out: None,
            handling: None,
            length: None,
        }
    }

    /// This consumer's name (the holder of its leases; Redis: its name in
    /// the consumer group).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The most entries one fetch leases (default 16, at least 1). Leased
    /// entries wait in this consumer until `next` returns them, so it
    /// leases fewer when its handler is slow: no more than half a lease's
    /// worth at the handling time it measured.
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// How long a delivery's lease is extended while your code holds it
    /// (default 10 minutes; zero: never extended).
    pub fn max_extension(mut self, max: Duration) -> Self {
        self.max_extension = max;
        self
    }

    /// The next delivery, waiting as long as it takes for one (in fetches
    /// of at most 1 s each).
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
        if let Some(at) = self.handed_out.take() {
            let took = at.elapsed();
            self.handling = Some(match self.handling {
                Some(avg) => (avg * 3 + took) / 4,
                None => took,
            });
        }
        loop {
            while let Some(leased) = self.buffer.pop_front() {
                if let Some(delivery) = self.hand_out(leased).await {
                    self.handed_out = Some(Instant::now());
                    return Ok(Some(delivery));
                }
            }
            let fetched = self
                .inbox
                .fetch(&self.name, self.fetch_size(), wait)
                .await?;
            if fetched.is_empty() {
                return Ok(None);
            }
            if let Some(l) = fetched.first() {
                self.length = Some(l.length);
            }
            self.buffer.extend(fetched);
        }
    }

    /// How many entries to lease now: at most half a lease's worth at the
    /// measured handling time, at least 1, at most [`batch`](Self::batch).
    fn fetch_size(&self) -> usize {
        match (self.handling, self.length) {
            (Some(h), Some(l)) if !h.is_zero() => {
                let fit = (l.as_secs_f64() / 2.0 / h.as_secs_f64()).floor();
                // `as` saturates; NaN becomes 0.
                (fit as usize).clamp(1, self.batch)
            }
            _ => self.batch,
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

    /// A buffered entry as a delivery, if this consumer still holds it:
    /// one with less than a third of its lease left is extended first, and
    /// skipped if that fails (another consumer leased it after its lease
    /// ran out, or the inbox cannot say).
    async fn hand_out(&self, mut leased: Leased) -> Option<Delivery> {
        let lease = leased.lease();
        let left = leased.until.saturating_duration_since(Instant::now());
        if left < leased.length / 3 || left.is_zero() {
            let start = Instant::now();
            match self.inbox.extend(&lease, leased.length).await {
                Ok(()) => leased.until = later(start, leased.length),
                Err(e) => {
                    tracing::debug!(
                        id = %lease.id,
                        error = %e,
                        "a buffered entry's lease ran out; skipped (it is delivered again)"
                    );
                    return None;
                }
            }
        }
        self.open(leased, lease).await
    }

    /// A delivery of a leased entry; `None` (and the entry handed back for
    /// an hour, never dropped) if its body no longer parses.
    async fn open(&self, leased: Leased, lease: Lease) -> Option<Delivery> {
        match Message::from_slice(&leased.push.body) {
            Ok(message) => {
                let until = Arc::new(std::sync::Mutex::new(leased.until));
                let max_until = later(leased.until, self.max_extension);
                let keeper = (!self.max_extension.is_zero() && !leased.length.is_zero())
                    .then(tokio::runtime::Handle::try_current)
                    .and_then(Result::ok)
                    .map(|rt| {
                        rt.spawn(keep_leased(
                            self.inbox.clone(),
                            lease.clone(),
                            leased.length,
                            until.clone(),
                            max_until,
                        ))
                        .abort_handle()
                    });
                Some(Delivery {
                    message,
                    dedup_key: leased.push.dedup_key,
                    body: leased.push.body,
                    received_at: UNIX_EPOCH + Duration::from_millis(leased.push.received_ms),
                    attempt: leased.attempt,
                    id: leased.id,
                    lease,
                    until,
                    keeper,
                    inbox: self.inbox.clone(),
                })
            }
            Err(e) => {
                // It parsed when it was received: only another SDK version
                // reads it differently. Kept, never dropped.
                tracing::error!(
                    id = %leased.id,
                    key = %leased.push.dedup_key,
                    error = %e,
                    "a stored push no longer parses; handed back for an hour"
                );
                if let Err(e) = self.inbox.release(&lease, Duration::from_secs(3600)).await {
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

/// `d` in whole milliseconds, at least 1, clamped to [`MAX_DEDUP_TTL`].
#[cfg_attr(
    not(any(feature = "sqlite", feature = "redis")),
    allow(dead_code, reason = "used by the SQLite and Redis backends")
)]
pub(crate) fn clamped_ms(d: Duration) -> u64 {
    u64::try_from(d.min(MAX_DEDUP_TTL).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}
