//! [`MemoryReplayStore`]: the verifier's replay memory in this process,
//! bounded in bytes (the default).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{DEFAULT_REPLAY_MEMORY_BYTES, MEMORY_ENTRY_OVERHEAD, ReplayStore};
use crate::callbacks::storage::StoreFuture;

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

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn insert_once() {
        let s = MemoryReplayStore::new(10_000);
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
        assert!(s.insert_now("b", HOUR));
        assert!(!s.insert_now("a", HOUR));
        assert_eq!(s.len(), 2);
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
        assert!(!s.insert_now(&format!("{:032}", 9_999), HOUR));
        assert!(s.insert_now(&format!("{:032}", 0), HOUR));
        // Expire/insert cycles of one key do not grow past the budget.
        for _ in 0..1000 {
            assert!(s.insert_now("x", Duration::ZERO));
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
        // Expired: absent, so recorded again.
        assert!(s.insert_now("a", HOUR));
        assert!(!s.insert_now("a", HOUR));
    }
}
