//! [`MemoryTrackerStore`]: the tracker's state in this process's memory.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::status::OrderKey;
use super::store::{HistoryEntry, OrderState, TrackerStore};
use crate::callbacks::storage::StoreFuture;

/// A [`TrackerStore`] in this process's memory, **for tests**: a process
/// that dies loses it.
#[derive(Debug, Default)]
pub struct MemoryTrackerStore {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    states: BTreeMap<OrderKey, OrderState>,
    history: BTreeMap<OrderKey, Vec<HistoryEntry>>,
    /// The re-sync index: (quiet since, order).
    due: BTreeSet<(u64, OrderKey)>,
    /// The retention index: (final since, order).
    finals: BTreeSet<(u64, OrderKey)>,
}

impl Memory {
    /// Moves `state`'s order in both indexes (from where `old` had it).
    fn index(&mut self, old: Option<&OrderState>, state: &OrderState) {
        if let Some(old) = old {
            if let Some(q) = old.quiet_since_ms() {
                self.due.remove(&(q, old.key.clone()));
            }
            if let Some(f) = old.final_since_ms() {
                self.finals.remove(&(f, old.key.clone()));
            }
        }
        if let Some(q) = state.quiet_since_ms() {
            self.due.insert((q, state.key.clone()));
        }
        if let Some(f) = state.final_since_ms() {
            self.finals.insert((f, state.key.clone()));
        }
    }
}

impl MemoryTrackerStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl TrackerStore for MemoryTrackerStore {
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
        Box::pin(async move { Ok(self.lock().states.get(key).cloned()) })
    }

    fn commit<'a>(
        &'a self,
        expected: Option<u64>,
        state: &'a OrderState,
        entry: Option<&'a HistoryEntry>,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut m = self.lock();
            if m.states.get(&state.key).map(|s| s.version) != expected {
                return Ok(false);
            }
            let old = m.states.insert(state.key.clone(), state.clone());
            m.index(old.as_ref(), state);
            if let Some(entry) = entry {
                m.history
                    .entry(entry.key.clone())
                    .or_default()
                    .push(entry.clone());
            }
            Ok(true)
        })
    }

    fn record<'a>(&'a self, entry: &'a HistoryEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.lock()
                .history
                .entry(entry.key.clone())
                .or_default()
                .push(entry.clone());
            Ok(())
        })
    }

    fn history<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Vec<HistoryEntry>> {
        Box::pin(async move { Ok(self.lock().history.get(key).cloned().unwrap_or_default()) })
    }

    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(async move { Ok(self.lock().states.values().cloned().collect()) })
    }

    fn due<'a>(&'a self, quiet_before_ms: u64, limit: usize) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(async move {
            let m = self.lock();
            Ok(m.due
                .iter()
                .take_while(|(q, _)| *q <= quiet_before_ms)
                .take(limit)
                .filter_map(|(_, key)| m.states.get(key).cloned())
                .collect())
        })
    }

    fn purge_final<'a>(&'a self, final_before_ms: u64, limit: usize) -> StoreFuture<'a, usize> {
        Box::pin(async move {
            let mut m = self.lock();
            let old: Vec<(u64, OrderKey)> = m
                .finals
                .iter()
                .take_while(|(f, _)| *f <= final_before_ms)
                .take(limit)
                .cloned()
                .collect();
            for (f, key) in &old {
                m.finals.remove(&(*f, key.clone()));
                m.states.remove(key);
                m.history.remove(key);
            }
            Ok(old.len())
        })
    }
}
