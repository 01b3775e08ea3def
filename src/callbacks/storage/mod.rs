//! The push side's storage layer: what the replay store, the inbox and the
//! order tracker's store share, in one place.
//!
//! The push side keeps three kinds of state, each behind one small trait,
//! with one file per backend:
//!
//! | trait | memory | SQLite (feature `sqlite`) | Redis (feature `redis`) |
//! |---|---|---|---|
//! | [`ReplayStore`](super::ReplayStore): the verifier's replay memory | `callbacks/replay/memory.rs` | | `callbacks/replay/redis.rs` |
//! | [`Inbox`](super::Inbox): pushes, de-duplication, leases | `callbacks/inbox/memory.rs` | `callbacks/inbox/sqlite.rs` | `callbacks/inbox/redis.rs` |
//! | [`TrackerStore`](crate::tracking::TrackerStore): order states | `tracking/memory.rs` | `tracking/sqlite.rs` | `tracking/redis.rs` |
//!
//! Under them, this module holds what every backend uses:
//!
//! * errors and futures: [`StoreError`], [`StoreErrorKind`], [`StoreFuture`]
//!   (also at their older paths, `xportcn::callbacks::StoreError`, ...);
//! * the clock: `now_ms` and `epoch_ms`, milliseconds since the Unix epoch,
//!   the one wall clock leases, receive times and order states are dated by;
//! * `redis.rs` (feature `redis`): `RedisConn`, the one Redis connection
//!   with a time limit on every command, and its defaults
//!   (300 ms, `xportcn:`);
//! * `sqlite.rs` (feature `sqlite`): `open_durable`, the one way a SQLite
//!   file is opened for writes that survive a crash, and its
//!   [`Synchronous`] setting.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{SystemTime, UNIX_EPOCH};

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "redis")]
pub(crate) use redis::{DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT};
#[cfg(feature = "redis")]
pub(crate) use redis::{RedisConn, store_error};
#[cfg(feature = "sqlite")]
pub use sqlite::Synchronous;
#[cfg(feature = "sqlite")]
pub(crate) use sqlite::{open_durable, sql_error};

/// The future every store method returns: a [`ReplayStore`](super::ReplayStore),
/// an [`Inbox`](super::Inbox), a
/// [`TrackerStore`](crate::tracking::TrackerStore).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store that could not answer (Redis down, a timeout, a disk error), or
/// (kind [`StoreErrorKind::NotLeased`]) an inbox entry that is not leased to
/// the caller any more.
///
/// The receiver answers 503 so the platform retries later; a push is never
/// acknowledged without being stored. Carries no credentials or URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
}

/// What kind of [`StoreError`] this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store could not answer (down, timed out, a disk error): try again.
    Unavailable,
    /// `ack`, `release` or `extend` of an inbox entry that is not leased to
    /// this holder: it was acked or handed back already, or its lease ran out
    /// and another consumer (or this one, again) leased it. Retrying does
    /// not help; the entry is (or will be) delivered to its current holder.
    NotLeased,
}

impl StoreError {
    /// An error with a message (keep secrets and passwords out of it), of
    /// kind [`StoreErrorKind::Unavailable`].
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            kind: StoreErrorKind::Unavailable,
            message: message.into(),
        }
    }

    /// An error of kind [`StoreErrorKind::NotLeased`]: the entry is not
    /// leased to the caller.
    pub fn not_leased(message: impl Into<String>) -> Self {
        StoreError {
            kind: StoreErrorKind::NotLeased,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Its kind.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// Whether the entry is not leased to the caller any more
    /// ([`StoreErrorKind::NotLeased`]).
    pub fn is_not_leased(&self) -> bool {
        self.kind == StoreErrorKind::NotLeased
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StoreErrorKind::Unavailable => write!(f, "store unavailable: {}", self.message),
            StoreErrorKind::NotLeased => write!(f, "not leased to this holder: {}", self.message),
        }
    }
}

impl std::error::Error for StoreError {}

/// Runs a future that is expected to be ready at once (the in-memory
/// store); `None` if it is not (a networked store in a synchronous call).
pub(crate) fn now_or_never<F: Future>(fut: F) -> Option<F::Output> {
    let fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.poll(&mut cx) {
        std::task::Poll::Ready(r) => Some(r),
        std::task::Poll::Pending => None,
    }
}

/// Milliseconds since the Unix epoch, now: the push side's one wall clock.
pub(crate) fn now_ms() -> u64 {
    epoch_ms(SystemTime::now())
}

/// `t` in milliseconds since the Unix epoch (0 before it, `u64::MAX` past
/// what fits).
pub(crate) fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
