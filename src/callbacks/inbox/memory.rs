//! [`MemoryInbox`]: an inbox in this process's memory, for tests.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::ops::{DEFAULT_MAX_ATTEMPTS, EntryState, InboxEntry, InboxOps, InboxStats};
use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Lease, Leased, MAX_DEDUP_TTL, Push, later,
    wait_for_entries,
};
use crate::callbacks::storage::StoreError;

/// Fewest keys at which a purge of expired keys is worth a scan.
const PURGE_MIN: usize = 1024;

/// How often a waiting fetch looks again (a lease running out wakes nobody).
const POLL: Duration = Duration::from_millis(50);
use crate::callbacks::storage::StoreFuture;

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
    max_attempts: u32,
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
    /// Dead letters by sequence number (see [`InboxOps`]).
    dead: BTreeMap<u64, Entry>,
}

struct Entry {
    push: Push,
    visible_at: Instant,
    attempts: u32,
    /// The consumer it was last leased to; `None` once handed back.
    holder: Option<String>,
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
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// How many times a push is handed out without an ack before it is set
    /// aside as a dead letter (default 25; 0:
    /// never).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// How long a delivery stays leased before it is delivered again
    /// (default 60 s).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a de-duplication key is kept after its push was acked
    /// (default 24 h; clamped to about 10 years).
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
                holder: None,
            },
        );
        drop(s);
        self.notify.notify_waiters();
        Appended::Stored
    }

    fn fetch_now(&self, consumer: &str, max: usize) -> Vec<Leased> {
        let now = Instant::now();
        let until = later(now, self.lease);
        let mut s = self.lock();
        let mut out = Vec::new();
        let mut dead = Vec::new();
        for (seq, entry) in s.pending.iter_mut() {
            if out.len() >= max {
                break;
            }
            if entry.visible_at <= now
                && self.max_attempts > 0
                && entry.attempts >= self.max_attempts
            {
                dead.push(*seq);
                continue;
            }
            if entry.visible_at <= now {
                entry.visible_at = until;
                entry.attempts = entry.attempts.saturating_add(1);
                entry.holder = Some(consumer.to_owned());
                out.push(
                    Leased::new(seq.to_string(), entry.push.clone(), entry.attempts)
                        .held(consumer, now, self.lease),
                );
            }
        }
        // Handed out too often without an ack: a dead letter.
        for seq in dead {
            if let Some(entry) = s.pending.remove(&seq) {
                s.dead.insert(seq, entry);
            }
        }
        out
    }

    /// The pending entry `lease` holds, or a `NotLeased` error.
    fn held<'s>(s: &'s mut State, lease: &Lease) -> Result<(u64, &'s mut Entry), StoreError> {
        let seq = lease
            .id
            .parse::<u64>()
            .map_err(|_| StoreError::not_leased("not an id of this inbox"))?;
        match s.pending.get_mut(&seq) {
            Some(entry)
                if entry.attempts == lease.attempt
                    && entry.holder.as_deref() == Some(lease.holder.as_str()) =>
            {
                Ok((seq, entry))
            }
            _ => Err(StoreError::not_leased(format!(
                "entry {} is not leased to {} (attempt {})",
                lease.id, lease.holder, lease.attempt
            ))),
        }
    }

    fn ack_now(&self, lease: &Lease) -> Result<(), StoreError> {
        let now = Instant::now();
        let expiry = later(now, self.dedup_ttl);
        let mut s = self.lock();
        let (seq, _) = Self::held(&mut s, lease)?;
        if let Some(entry) = s.pending.remove(&seq) {
            s.keys.insert(entry.push.dedup_key, (seq, Some(expiry)));
        }
        // Expired keys go once the map has doubled since the last purge, not
        // on every ack (a scan of every key).
        if s.keys.len() >= s.purge_at {
            s.keys.retain(|_, (_, e)| e.is_none_or(|e| e > now));
            s.purge_at = s.keys.len().saturating_mul(2).max(PURGE_MIN);
        }
        Ok(())
    }

    fn release_now(&self, lease: &Lease, delay: Duration) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut s = self.lock();
        let (_, entry) = Self::held(&mut s, lease)?;
        // Clamped: `Duration::MAX` is "when the lease runs out", never "now".
        entry.visible_at = entry.visible_at.min(later(now, delay));
        entry.holder = None;
        drop(s);
        self.notify.notify_waiters();
        Ok(())
    }

    fn extend_now(&self, lease: &Lease, by: Duration) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut s = self.lock();
        let (_, entry) = Self::held(&mut s, lease)?;
        entry.visible_at = later(now, by);
        Ok(())
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
        consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>> {
        Box::pin(wait_for_entries(
            wait,
            POLL,
            Some(&self.notify),
            move || std::future::ready(Ok(self.fetch_now(consumer, max))),
        ))
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.ack_now(lease)))
    }

    fn release<'a>(&'a self, lease: &'a Lease, delay: Duration) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.release_now(lease, delay)))
    }

    fn extend<'a>(&'a self, lease: &'a Lease, by: Duration) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.extend_now(lease, by)))
    }
}

// ---- Operations (stats, list, dead letters; no replay of acked pushes) ----

impl InboxOps for MemoryInbox {
    fn stats(&self) -> StoreFuture<'_, InboxStats> {
        let now = Instant::now();
        let s = self.lock();
        let stats = InboxStats {
            pending: s.pending.len() as u64,
            leased: s.pending.values().filter(|e| e.visible_at > now).count() as u64,
            dead: s.dead.len() as u64,
            acked_kept: 0,
            oldest_pending: s
                .pending
                .values()
                .next()
                .map(|e| std::time::UNIX_EPOCH + Duration::from_millis(e.push.received_ms)),
        };
        drop(s);
        stats.record("memory");
        Box::pin(std::future::ready(Ok(stats)))
    }

    fn list(&self, state: EntryState, limit: usize) -> StoreFuture<'_, Vec<InboxEntry>> {
        let now = Instant::now();
        let s = self.lock();
        let entry = |seq: &u64, e: &Entry| InboxEntry {
            id: seq.to_string(),
            dedup_key: e.push.dedup_key.clone(),
            state,
            attempts: e.attempts,
            received_ms: e.push.received_ms,
            body_len: e.push.body.len(),
        };
        let out: Vec<InboxEntry> = match state {
            EntryState::Ready => s
                .pending
                .iter()
                .filter(|(_, e)| e.visible_at <= now)
                .take(limit)
                .map(|(q, e)| entry(q, e))
                .collect(),
            EntryState::Leased => s
                .pending
                .iter()
                .filter(|(_, e)| e.visible_at > now)
                .take(limit)
                .map(|(q, e)| entry(q, e))
                .collect(),
            EntryState::Dead => s
                .dead
                .iter()
                .take(limit)
                .map(|(q, e)| entry(q, e))
                .collect(),
            // The memory inbox keeps no acked bodies.
            EntryState::Acked => Vec::new(),
        };
        Box::pin(std::future::ready(Ok(out)))
    }

    /// The memory inbox keeps no acked bodies: nothing to replay (0).
    fn replay_since(&self, _since: std::time::SystemTime) -> StoreFuture<'_, u64> {
        Box::pin(std::future::ready(Ok(0)))
    }

    fn replay_dead<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, u64> {
        let now = Instant::now();
        let mut s = self.lock();
        let seqs: Vec<u64> = match id {
            Some(id) => id
                .parse::<u64>()
                .ok()
                .filter(|q| s.dead.contains_key(q))
                .into_iter()
                .collect(),
            None => s.dead.keys().copied().collect(),
        };
        for seq in &seqs {
            if let Some(mut e) = s.dead.remove(seq) {
                e.attempts = 0;
                e.visible_at = now;
                e.holder = None;
                s.pending.insert(*seq, e);
            }
        }
        drop(s);
        self.notify.notify_waiters();
        Box::pin(std::future::ready(Ok(seqs.len() as u64)))
    }
}
