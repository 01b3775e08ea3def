//! Where the webhook state lives: [`ReplayStore`], the in-memory default
//! [`MemoryReplayStore`], and (feature `redis`) `RedisReplayStore`.
//!
//! Two kinds of keys go into a store, both recorded only **after** a push
//! has verified, so unauthenticated traffic can neither fill the store nor
//! evict genuine entries:
//!
//! * `n:<nonce-str>`: replay protection of the [`Verifier`](super::Verifier);
//! * `d:<dedup key>`: the receiver's de-duplication of messages
//!   ([`Message::dedup_key`](super::Message::dedup_key)).
//!
//! Several receiver instances that share one store (Redis) reject a nonce
//! replayed to any of them and hand a message to the consumer once.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The future a [`ReplayStore`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store that could not answer (Redis down, a timeout).
///
/// The receiver answers 503 so the platform retries later; a push is never
/// accepted without its replay check. Carries no credentials or URLs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("replay store unavailable: {message}")]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with a message (keep secrets and passwords out of it).
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Replay memory and de-duplication set of push receivers, behind one small
/// trait so that several machines can share them.
///
/// Implementations must make [`insert_if_absent`](Self::insert_if_absent)
/// atomic: of two concurrent calls with the same key, exactly one gets
/// `true`.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Records `key` for `ttl` unless it is already recorded: `true` if it
    /// was absent (now recorded), `false` if it was present.
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;

    /// Whether `key` is recorded.
    fn contains<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool>;

    /// Forgets `key` (a claim whose delivery could not be completed).
    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

/// Default byte budget of a [`MemoryReplayStore`]: 4 MiB, about 26,000
/// 32-character nonces.
pub const DEFAULT_REPLAY_MEMORY_BYTES: usize = 4 * 1024 * 1024;

/// Bytes charged per entry on top of the key's length: the map slot, the
/// queue slot, the shared string's header and the expiry.
pub const MEMORY_ENTRY_OVERHEAD: usize = 96;

/// The in-memory [`ReplayStore`]: bounded in **bytes**, with per-key expiry.
///
/// Each entry costs `key.len() +` [`MEMORY_ENTRY_OVERHEAD`] bytes of the
/// budget. When the budget is spent, expired entries go first, then the
/// oldest. Since only verified pushes are recorded, only the platform's own
/// traffic can evict entries. Clones share the memory.
#[derive(Clone)]
pub struct MemoryReplayStore {
    inner: Arc<Mutex<Memory>>,
}

struct Memory {
    max_bytes: usize,
    bytes: usize,
    next_gen: u64,
    /// key -> (expiry, generation of its queue entry)
    map: HashMap<Arc<str>, (Instant, u64)>,
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

    /// [`ReplayStore::insert_if_absent`], synchronously.
    pub fn insert_now(&self, key: &str, ttl: Duration) -> bool {
        self.lock().insert(key, ttl, Instant::now())
    }

    /// [`ReplayStore::contains`], synchronously.
    pub fn contains_now(&self, key: &str) -> bool {
        let m = self.lock();
        m.map.get(key).is_some_and(|(exp, _)| *exp > Instant::now())
    }

    /// [`ReplayStore::remove`], synchronously.
    pub fn remove_now(&self, key: &str) {
        // The queue entry stays (and keeps its cost) until it reaches the
        // front; its generation no longer matches the map.
        self.lock().map.remove(key);
    }
}

impl Memory {
    fn insert(&mut self, key: &str, ttl: Duration, now: Instant) -> bool {
        if let Some((exp, _)) = self.map.get(key)
            && *exp > now
        {
            return false;
        }
        let cost = key.len().saturating_add(MEMORY_ENTRY_OVERHEAD);
        // Drop dead queue entries (removed, re-inserted or expired) from the
        // front, then the oldest live ones while over budget.
        while let Some((k, generation, c)) = self.order.front() {
            let live = self.map.get(k).filter(|(_, g)| g == generation);
            let dead = match live {
                None => true,
                Some((exp, _)) => *exp <= now,
            };
            let over = self.bytes.saturating_add(cost) > self.max_bytes;
            if !(dead || over) {
                break;
            }
            let c = *c;
            if let Some((k, generation, _)) = self.order.pop_front()
                && self.map.get(&k).is_some_and(|(_, g)| *g == generation)
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
        self.map.insert(k.clone(), (expiry, generation));
        self.order.push_back((k, generation, cost));
        self.bytes = self.bytes.saturating_add(cost);
        true
    }
}

impl ReplayStore for MemoryReplayStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let r = self.insert_now(key, ttl);
        Box::pin(std::future::ready(Ok(r)))
    }

    fn contains<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        let r = self.contains_now(key);
        Box::pin(std::future::ready(Ok(r)))
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        self.remove_now(key);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Runs a store future that is expected to be ready at once (the in-memory
/// store); `None` if it is not (a networked store in a synchronous call).
pub(crate) fn now_or_never<T>(fut: StoreFuture<'_, T>) -> Option<Result<T, StoreError>> {
    let mut fut = fut;
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
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
    fn expired_keys_are_absent() {
        let s = MemoryReplayStore::new(10_000);
        assert!(s.insert_now("a", Duration::ZERO));
        assert!(!s.contains_now("a"));
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
    }
}
