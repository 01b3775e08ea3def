//! [`MemoryInbox`]: an inbox in this process's memory, for tests.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Leased, MAX_DEDUP_TTL, Push,
    wait_for_entries,
};

/// Fewest keys at which a purge of expired keys is worth a scan.
const PURGE_MIN: usize = 1024;

/// How often a waiting fetch looks again (a lease running out wakes nobody).
const POLL: Duration = Duration::from_millis(50);
use crate::callbacks::store::StoreFuture;

/// An [`Inbox`] in this process's memory, **for tests and demos**.
///
/// **It loses acknowledged pushes when the process dies**: the platform got
/// its 200 and never sends them again. Use [`SqliteInbox`](super::SqliteInbox)
/// on one machine and `RedisInbox` on several. Clones share the inbox.
#[derive(Clone)]
pub struct MemoryInbox {
    inner: Arc<Mutex<State>>,
    notify: Arc<Notify>,
    lease: Duration,
    dedup_ttl: Duration,
}

#[derive(Default)]
struct State {
    next: u64,
    /// Pending entries by sequence number.
    pending: BTreeMap<u64, Entry>,
    /// De-duplication keys: the sequence number and, once acked, the expiry.
    keys: HashMap<String, (u64, Option<Instant>)>,
    /// Size of `keys` at which expired keys are purged next.
    purge_at: usize,
}

struct Entry {
    push: Push,
    visible_at: Instant,
    attempts: u32,
}

impl fmt::Debug for MemoryInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MemoryInbox")
            .field("pending", &s.pending.len())
            .field("keys", &s.keys.len())
            .field("lease", &self.lease)
            .finish()
    }
}

impl Default for MemoryInbox {
    fn default() -> Self {
        MemoryInbox::new()
    }
}

impl MemoryInbox {
    /// An empty inbox with a 60 s lease and a 24 h de-duplication time.
    pub fn new() -> Self {
        MemoryInbox {
            inner: Arc::new(Mutex::new(State::default())),
            notify: Arc::new(Notify::new()),
            lease: DEFAULT_LEASE,
            dedup_ttl: DEFAULT_DEDUP_TTL,
        }
    }

    /// How long a delivery stays leased before it is delivered again.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a de-duplication key is kept after its push was acked.
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl.min(MAX_DEDUP_TTL);
        self
    }

    /// Pushes stored and not acked.
    pub fn pending(&self) -> usize {
        self.lock().pending.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn append_now(&self, push: &Push) -> Appended {
        let now = Instant::now();
        let mut s = self.lock();
        if let Some((_, expiry)) = s.keys.get(&push.dedup_key)
            && expiry.is_none_or(|e| e > now)
        {
            return Appended::Duplicate;
        }
        let seq = s.next;
        s.next += 1;
        s.keys.insert(push.dedup_key.clone(), (seq, None));
        s.pending.insert(
            seq,
            Entry {
                push: push.clone(),
                visible_at: now,
                attempts: 0,
            },
        );
        drop(s);
        self.notify.notify_waiters();
        Appended::Stored
    }

    fn fetch_now(&self, max: usize) -> Vec<Leased> {
        let now = Instant::now();
        let lease = now.checked_add(self.lease).unwrap_or(now);
        let mut s = self.lock();
        let mut out = Vec::new();
        for (seq, entry) in s.pending.iter_mut() {
            if out.len() >= max {
                break;
            }
            if entry.visible_at <= now {
                entry.visible_at = lease;
                entry.attempts = entry.attempts.saturating_add(1);
                out.push(Leased::new(
                    seq.to_string(),
                    entry.push.clone(),
                    entry.attempts,
                ));
            }
        }
        out
    }

    fn ack_now(&self, id: &str) {
        let Ok(seq) = id.parse::<u64>() else { return };
        let now = Instant::now();
        let expiry = now.checked_add(self.dedup_ttl).unwrap_or(now);
        let mut s = self.lock();
        if let Some(entry) = s.pending.remove(&seq) {
            s.keys.insert(entry.push.dedup_key, (seq, Some(expiry)));
        }
        // Expired keys go once the map has doubled since the last purge, not
        // on every ack (a scan of every key).
        if s.keys.len() >= s.purge_at {
            s.keys.retain(|_, (_, e)| e.is_none_or(|e| e > now));
            s.purge_at = s.keys.len().saturating_mul(2).max(PURGE_MIN);
        }
    }

    fn release_now(&self, id: &str, delay: Duration) {
        let Ok(seq) = id.parse::<u64>() else { return };
        let now = Instant::now();
        let mut s = self.lock();
        if let Some(entry) = s.pending.get_mut(&seq) {
            entry.visible_at = entry.visible_at.min(now.checked_add(delay).unwrap_or(now));
        }
        drop(s);
        self.notify.notify_waiters();
    }
}

impl Inbox for MemoryInbox {
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended> {
        let r = self.append_now(push);
        Box::pin(std::future::ready(Ok(r)))
    }

    fn contains<'a>(&'a self, dedup_key: &'a str) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let r = self
            .lock()
            .keys
            .get(dedup_key)
            .is_some_and(|(_, e)| e.is_none_or(|e| e > now));
        Box::pin(std::future::ready(Ok(r)))
    }

    fn fetch<'a>(
        &'a self,
        _consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>> {
        Box::pin(wait_for_entries(
            wait,
            POLL,
            Some(&self.notify),
            move || std::future::ready(Ok(self.fetch_now(max))),
        ))
    }

    fn ack<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        self.ack_now(id);
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(&'a self, id: &'a str, delay: Duration) -> StoreFuture<'a, ()> {
        self.release_now(id, delay);
        Box::pin(std::future::ready(Ok(())))
    }
}
