//! Where the tracker keeps each order's state and history: the
//! [`TrackerStore`] trait and the records it stores. One file per backend:
//! `memory.rs`, `sqlite.rs`, `redis.rs` (see
//! [`callbacks::storage`](crate::callbacks::storage) for the grid).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::status::{OrderKey, Status};
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

/// Whose clock dated an observation, and so what its date can be compared
/// with ([`fold`](super::fold)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DateSource {
    /// The platform's clock: the push envelope's `timestamp` (the push
    /// time, `docs/platform.md` §4). Comparable with another platform date.
    Platform,
    /// This machine's clock, when the receiver stored a push that carried
    /// no `timestamp`. It says when the push arrived, not when the event
    /// happened (the platform retries every 30 minutes and does not keep
    /// the order of its pushes): it never orders two statuses.
    Received,
    /// This machine's clock, when a poll was **sent**: the platform's answer
    /// is at least that recent. Comparable with another poll, and newer
    /// than anything the tracker had folded when the poll was sent.
    Polled,
    /// Not known: a state or entry written before the source was kept, or
    /// an order registered with [`Tracker::watch`](super::Tracker::watch).
    /// Never orders two statuses.
    #[default]
    Unknown,
}

/// When an observation happened, and by whose clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ObservedAt {
    /// Milliseconds since the Unix epoch.
    pub ms: u64,
    /// Whose clock.
    pub source: DateSource,
}

impl ObservedAt {
    /// Dated by the platform: a push envelope's `timestamp`.
    pub fn platform(ms: u64) -> Self {
        ObservedAt {
            ms,
            source: DateSource::Platform,
        }
    }

    /// Dated only by when this machine received the push.
    pub fn received(ms: u64) -> Self {
        ObservedAt {
            ms,
            source: DateSource::Received,
        }
    }

    /// A poll's answer, dated by when the poll was sent (this machine's
    /// clock).
    pub fn polled(ms: u64) -> Self {
        ObservedAt {
            ms,
            source: DateSource::Polled,
        }
    }
}

/// One order's tracked state.
///
/// States written before a field existed read back with its default
/// (`dated_by` [`DateSource::Unknown`], `conflict` false, `checked_ms`
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderState {
    /// The order.
    pub key: OrderKey,
    /// The latest status; `None` for an order registered with
    /// [`Tracker::watch`](super::Tracker::watch) and not seen yet.
    pub status: Option<Status>,
    /// When the status last changed (ms since the Unix epoch, this
    /// machine's clock: when the tracker folded it).
    pub changed_ms: u64,
    /// The date of the observation that set the status (see `dated_by`),
    /// used only when two statuses are unordered in the flow.
    pub observed_ms: u64,
    /// Whose clock dated `observed_ms`.
    #[serde(default)]
    pub dated_by: DateSource,
    /// What caused the last change.
    pub cause: Cause,
    /// When the order was last polled with an answer (ms since the Unix
    /// epoch), if ever.
    pub polled_ms: Option<u64>,
    /// When the re-syncer last tried to poll the order and got no status
    /// (the poll failed, or the order cannot be polled), if it did since
    /// the last change.
    #[serde(default)]
    pub checked_ms: Option<u64>,
    /// An observation the fold could not order against the status is
    /// waiting for a re-sync poll (its history entry is
    /// [`Outcome::Conflict`]): the status may be behind. Cleared by the
    /// next poll that answers.
    #[serde(default)]
    pub conflict: bool,
    /// Bumped on every write: the store's compare-and-set version.
    pub version: u64,
}

impl OrderState {
    /// A state with no status yet, first written at `now_ms` for `cause`
    /// (version 0: set it before the first commit).
    pub(crate) fn new(key: OrderKey, now_ms: u64, cause: Cause) -> Self {
        OrderState {
            key,
            status: None,
            changed_ms: now_ms,
            observed_ms: 0,
            dated_by: DateSource::Unknown,
            cause,
            polled_ms: None,
            checked_ms: None,
            conflict: false,
            version: 0,
        }
    }

    /// Whether the order is done (its status is final,
    /// [`Status::is_final`]): it never changes again and is never polled.
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(Status::is_final)
    }

    /// The date of the observation that set the status, with its source.
    pub fn observed_at(&self) -> ObservedAt {
        ObservedAt {
            ms: self.observed_ms,
            source: self.dated_by,
        }
    }

    /// The key of the re-sync index: since when the tracker has learned
    /// nothing of this order (a change, a poll, a poll attempt). The
    /// [`Resyncer`](super::Resyncer) polls the order once it has been quiet
    /// for [`stale_after`](super::ResyncConfig::stale_after). `0` while a
    /// conflict waits for its first poll attempt (due at once); `None` for a
    /// final order, which is never polled and is not in the index.
    pub fn quiet_since_ms(&self) -> Option<u64> {
        if self.is_final() {
            return None;
        }
        if self.conflict {
            return Some(self.checked_ms.unwrap_or(0));
        }
        let polled = self.polled_ms.unwrap_or(0);
        let checked = self.checked_ms.unwrap_or(0);
        Some(self.changed_ms.max(polled).max(checked))
    }

    /// The key of the retention index: when the order became final
    /// (`changed_ms`), `None` if it is not final.
    pub fn final_since_ms(&self) -> Option<u64> {
        self.is_final().then_some(self.changed_ms)
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
    /// push), or the state is final: kept here, the state did not move.
    Stale,
    /// The observed status has no place in the flow: kept here, the state
    /// did not move.
    Unknown,
    /// The flow leaves the two statuses unordered and their dates cannot
    /// order them (one is dated only by its receive time, or by another
    /// clock): kept here, the state did not move, and the order is due for
    /// a re-sync poll at once ([`OrderState::conflict`]).
    Conflict,
}

/// One observation of an order, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryEntry {
    /// The order.
    pub key: OrderKey,
    /// The observed status.
    pub status: Status,
    /// The observation's date (ms since the Unix epoch; see `dated_by`).
    pub observed_ms: u64,
    /// Whose clock dated `observed_ms`.
    #[serde(default)]
    pub dated_by: DateSource,
    /// When the tracker folded it (ms since the Unix epoch).
    pub folded_ms: u64,
    /// Where it came from.
    pub cause: Cause,
    /// What the fold did with it.
    pub outcome: Outcome,
}

/// The tracker's storage: one state per order, each order's history, and
/// two indexes derived from the states, so that a re-sync pass reads only
/// what is due:
/// - the **re-sync index**: every order that is not final, by
///   [`OrderState::quiet_since_ms`] ([`TrackerStore::due`]);
/// - the **retention index**: every final order, by
///   [`OrderState::final_since_ms`] ([`TrackerStore::purge_final`]).
///
/// Writes go through [`TrackerStore::commit`], a compare-and-set on the
/// state's [`version`](OrderState::version), so several trackers (several
/// processes on one SQLite file, several machines on one Redis) never
/// overwrite each other's newer state: a tracker whose write loses reads
/// the state again and folds once more. The commit updates both indexes in
/// the same atomic step.
pub trait TrackerStore: fmt::Debug + Send + Sync + 'static {
    /// The state of one order, if tracked.
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>>;

    /// Writes `state` if the stored version is `expected` (`None`: the order
    /// is not stored yet), appends `entry` to the order's history, and
    /// moves the order in both indexes, in one atomic step. `Ok(false)` when
    /// the stored version differs (nothing is written).
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

    /// Every tracked order's state, final ones included: it reads the whole
    /// store (for listings and exports, not for a loop).
    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>>;

    /// Up to `limit` orders that are not final and have been quiet since
    /// `quiet_before_ms` or earlier ([`OrderState::quiet_since_ms`] ≤
    /// `quiet_before_ms`), the quietest first. Reads only the orders it
    /// returns (through the re-sync index), however many are tracked.
    fn due<'a>(&'a self, quiet_before_ms: u64, limit: usize) -> StoreFuture<'a, Vec<OrderState>>;

    /// Deletes up to `limit` orders final since `final_before_ms` or earlier
    /// ([`OrderState::final_since_ms`] ≤ `final_before_ms`): state and
    /// history. Returns how many it deleted. Reads only those orders
    /// (through the retention index).
    fn purge_final<'a>(&'a self, final_before_ms: u64, limit: usize) -> StoreFuture<'a, usize>;
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
