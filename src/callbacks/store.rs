//! Where the verifier's replay memory lives: [`ReplayStore`], the in-memory
//! default [`MemoryReplayStore`], and (feature `redis`) `RedisReplayStore`.
//!
//! A store maps the identity of an authenticated request (its signature) to
//! a digest of the body it carried, recorded only **after** a push has
//! verified, so unauthenticated traffic can neither fill the store nor evict
//! genuine entries. The same signature with the same body again is the same
//! request retried; with another body it is a replay. Several receiver
//! instances that share one store (Redis) reject a replay sent to any of
//! them.
//!
//! Pushes themselves, and their de-duplication, live in the
//! [`Inbox`](super::Inbox).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The future a [`ReplayStore`] or [`Inbox`](super::Inbox) method returns.
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

/// The verifier's replay memory, behind one small trait so that several
/// machines can share it.
///
/// Implementations must make [`remember`](Self::remember) atomic: of two
/// concurrent calls with the same key, exactly one records its value and
/// the other gets that value back.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Records `key` with `value` for `ttl` unless `key` is already
    /// recorded: `None` if it was absent (now recorded), else the value
    /// recorded first.
    fn remember<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<String>>;
}

/// Default byte budget of a [`MemoryReplayStore`]: 4 MiB, about 26,000
/// 32-character nonces.
pub const DEFAULT_REPLAY_MEMORY_BYTES: usize = 4 * 1024 * 1024;

/// Bytes charged per entry on top of the key's length: the map slot, the
/// queue slot, the shared string's header and the expiry.
pub const MEMORY_ENTRY_OVERHEAD: usize = 96;

/// The in-memory [`ReplayStore`]: bounded in **bytes**, with per-key expiry.
///
/// Each entry costs `key.len() + value.len() +` [`MEMORY_ENTRY_OVERHEAD`]
/// bytes of the budget. When the budget is spent, expired entries go first,
/// then the oldest. Since only verified pushes are recorded, only the
/// platform's own traffic can evict entries. Clones share the memory.
#[derive(Clone)]
pub struct MemoryReplayStore {
    inner: Arc<Mutex<Memory>>,
}

struct Entry {
    expiry: Instant,
    generation: u64,
    value: Box<str>,
}

struct Memory {
    max_bytes: usize,
    bytes: usize,
    next_gen: u64,
    map: HashMap<Arc<str>, Entry>,
    /// insertion order: (key, generation, cost)
    order: VecDeque<(Arc<str>, u64, usize)>,
}

impl fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.lock();
        f.debug_struct("MemoryReplayStore")
            .field("max_bytes", &m.max_bytes)
            .field("bytes", &m.bytes)
            .field("entries", &m.map.len())
            .finish()
    }
}

impl Default for MemoryReplayStore {
    fn default() -> Self {
        MemoryReplayStore::new(DEFAULT_REPLAY_MEMORY_BYTES)
    }
}

impl MemoryReplayStore {
    /// A store holding at most about `max_bytes` of entries (at least one
    /// entry is always kept).
    pub fn new(max_bytes: usize) -> Self {
        MemoryReplayStore {
            inner: Arc::new(Mutex::new(Memory {
                max_bytes,
                bytes: 0,
                next_gen: 0,
                map: HashMap::new(),
                order: VecDeque::new(),
            })),
        }
    }

    /// Bytes currently charged against the budget.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Number of live (recorded, maybe expired but not yet purged) keys.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no key is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// [`ReplayStore::remember`], synchronously.
    pub fn remember_now(&self, key: &str, value: &str, ttl: Duration) -> Option<String> {
        self.lock().remember(key, value, ttl, Instant::now())
    }

    /// Records `key` (with an empty value) unless it is recorded: `true` if
    /// it was absent.
    pub fn insert_now(&self, key: &str, ttl: Duration) -> bool {
        self.remember_now(key, "", ttl).is_none()
    }

    /// Whether `key` is recorded and unexpired.
    pub fn contains_now(&self, key: &str) -> bool {
        let m = self.lock();
        m.map.get(key).is_some_and(|e| e.expiry > Instant::now())
    }

    /// Forgets `key`.
    pub fn remove_now(&self, key: &str) {
        // The queue entry stays (and keeps its cost) until it reaches the
        // front; its generation no longer matches the map.
        self.lock().map.remove(key);
    }
}

impl Memory {
    fn remember(&mut self, key: &str, value: &str, ttl: Duration, now: Instant) -> Option<String> {
        if let Some(e) = self.map.get(key)
            && e.expiry > now
        {
            return Some(e.value.to_string());
        }
        let cost = key
            .len()
            .saturating_add(value.len())
            .saturating_add(MEMORY_ENTRY_OVERHEAD);
        // Drop dead queue entries (removed, re-inserted or expired) from the
        // front, then the oldest live ones while over budget.
        while let Some((k, generation, c)) = self.order.front() {
            let live = self.map.get(k).filter(|e| e.generation == *generation);
            let dead = match live {
                None => true,
                Some(e) => e.expiry <= now,
            };
            let over = self.bytes.saturating_add(cost) > self.max_bytes;
            if !(dead || over) {
                break;
            }
            let c = *c;
            if let Some((k, generation, _)) = self.order.pop_front()
                && self.map.get(&k).is_some_and(|e| e.generation == generation)
            {
                self.map.remove(&k);
            }
            self.bytes = self.bytes.saturating_sub(c);
        }
        let generation = self.next_gen;
        self.next_gen = self.next_gen.wrapping_add(1);
        let k: Arc<str> = Arc::from(key);
        let expiry = now
            .checked_add(ttl)
            .unwrap_or(now + Duration::from_secs(100 * 365 * 86_400));
        self.map.insert(
            k.clone(),
            Entry {
                expiry,
                generation,
                value: value.into(),
            },
        );
        self.order.push_back((k, generation, cost));
        self.bytes = self.bytes.saturating_add(cost);
        None
    }
}

impl ReplayStore for MemoryReplayStore {
    fn remember<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<String>> {
        let r = self.remember_now(key, value, ttl);
        Box::pin(std::future::ready(Ok(r)))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn insert_contains_remove() {
        let s = MemoryReplayStore::new(10_000);
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
        assert!(s.contains_now("a"));
        s.remove_now("a");
        assert!(!s.contains_now("a"));
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
    }

    #[test]
    fn bounded_in_bytes() {
        let budget = 100 * (32 + MEMORY_ENTRY_OVERHEAD);
        let s = MemoryReplayStore::new(budget);
        for i in 0..10_000 {
            assert!(s.insert_now(&format!("{i:032}"), HOUR));
            assert!(s.bytes() <= budget);
        }
        assert_eq!(s.len(), 100);
        // The newest are kept, the oldest forgotten.
        assert!(s.contains_now(&format!("{:032}", 9_999)));
        assert!(!s.contains_now(&format!("{:032}", 0)));
        // Remove/insert cycles of one key do not grow past the budget.
        for _ in 0..1000 {
            s.remove_now("x");
            s.insert_now("x", HOUR);
            assert!(s.bytes() <= budget);
        }
    }

    #[test]
    fn the_first_value_is_kept_and_returned() {
        let s = MemoryReplayStore::new(10_000);
        assert_eq!(s.remember_now("n", "body-a", HOUR), None);
        assert_eq!(
            s.remember_now("n", "body-b", HOUR).as_deref(),
            Some("body-a")
        );
        assert_eq!(
            s.remember_now("n", "body-a", HOUR).as_deref(),
            Some("body-a")
        );
    }

    #[test]
    fn expired_keys_are_absent() {
        let s = MemoryReplayStore::new(10_000);
        assert!(s.insert_now("a", Duration::ZERO));
        assert!(!s.contains_now("a"));
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
    }
}
