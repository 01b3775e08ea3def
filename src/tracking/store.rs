//! Where the tracker keeps each order's state and history: the
//! [`TrackerStore`] trait and the in-memory store for tests.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::status::{OrderKey, Platform, Status};
use crate::callbacks::{StoreError, StoreFuture};

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_wire())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Status::from_wire(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a tracked status: {text:?}")))
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Platform::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a platform: {text:?}")))
    }
}

/// What made the tracker see a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// A push from the inbox.
    Push {
        /// The push's de-duplication key.
        dedup_key: String,
        /// The message's `id`, if it carried one.
        message_id: Option<String>,
    },
    /// A poll of the order (re-sync).
    Poll,
    /// [`Tracker::watch`](super::Tracker::watch): the order was registered
    /// by your code (no status yet).
    Watch,
}

/// One order's tracked state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderState {
    /// The order.
    pub key: OrderKey,
    /// The latest status; `None` for an order registered with
    /// [`Tracker::watch`](super::Tracker::watch) and not seen yet.
    pub status: Option<Status>,
    /// When the status last changed (ms since the Unix epoch).
    pub changed_ms: u64,
    /// The timestamp of the observation that set the status (the push's
    /// `timestamp`, or the poll's time), used when two statuses are
    /// unordered.
    pub observed_ms: u64,
    /// What caused the last change.
    pub cause: Cause,
    /// When the order was last polled (ms since the Unix epoch), if ever.
    pub polled_ms: Option<u64>,
    /// Bumped on every write: the store's compare-and-set version.
    pub version: u64,
}

impl OrderState {
    /// Whether the order is done (its status is final).
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(Status::is_final)
    }
}

/// What the fold did with one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The state moved to the observed status.
    Applied,
    /// The observed status is where the state already is.
    Same,
    /// The observed status is earlier in the flow than the state (a late
    /// push): kept here, the state did not move.
    Stale,
    /// The observed status has no place in the flow: kept here, the state
    /// did not move.
    Unknown,
}

/// One observation of an order, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryEntry {
    /// The order.
    pub key: OrderKey,
    /// The observed status.
    pub status: Status,
    /// The observation's timestamp (ms since the Unix epoch).
    pub observed_ms: u64,
    /// When the tracker folded it (ms since the Unix epoch).
    pub folded_ms: u64,
    /// Where it came from.
    pub cause: Cause,
    /// What the fold did with it.
    pub outcome: Outcome,
}

/// The tracker's storage: one state per order, and each order's history.
///
/// Writes go through [`TrackerStore::commit`], a compare-and-set on the
/// state's [`version`](OrderState::version), so several trackers (several
/// processes on one SQLite file, several machines on one Redis) never
/// overwrite each other's newer state: a tracker whose write loses reads
/// the state again and folds once more.
pub trait TrackerStore: fmt::Debug + Send + Sync + 'static {
    /// The state of one order, if tracked.
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>>;

    /// Writes `state` if the stored version is `expected` (`None`: the order
    /// is not stored yet), and appends `entry` to the order's history, in
    /// one atomic step. `Ok(false)` when the stored version differs (nothing
    /// is written).
    fn commit<'a>(
        &'a self,
        expected: Option<u64>,
        state: &'a OrderState,
        entry: Option<&'a HistoryEntry>,
    ) -> StoreFuture<'a, bool>;

    /// Appends `entry` to its order's history, without touching the state
    /// (a stale or unknown observation).
    fn record<'a>(&'a self, entry: &'a HistoryEntry) -> StoreFuture<'a, ()>;

    /// One order's history, oldest first.
    fn history<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Vec<HistoryEntry>>;

    /// Every tracked order's state.
    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>>;
}

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
            m.states.insert(state.key.clone(), state.clone());
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
}

/// JSON of a state or entry for a store.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::new(format!("tracker encode failed: {e}")))
}

/// A state or entry from a store's JSON.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::new(format!("tracker store holds unreadable data: {e}")))
}

/// Every state or entry of a store's JSON texts.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn from_json_all<T: serde::de::DeserializeOwned>(
    texts: impl IntoIterator<Item = String>,
) -> Result<Vec<T>, StoreError> {
    texts.into_iter().map(|t| from_json(&t)).collect()
}
