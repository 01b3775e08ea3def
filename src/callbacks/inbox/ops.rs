//! Operating an inbox: what waits in it, what went wrong, and doing it
//! again ([`InboxOps`]); and the names of the metrics the receiver and the
//! inbox report through the [`metrics`] facade.
//!
//! What operators of webhook gateways rely on (svix, Hookdeck, Convoy):
//!
//! * **stats**: how many pushes are pending, leased, dead; how old the
//!   oldest pending one is ([`InboxOps::stats`]);
//! * **list**: the entries in one state ([`InboxOps::list`]), without their
//!   bodies (they may hold personal data);
//! * **replay**: deliver again the pushes received since a time, acked ones
//!   included ([`InboxOps::replay_since`]); acked bodies are kept for the
//!   backend's retention (default 7 days), then
//!   purged;
//! * **dead letters**: a push handed out 25 times
//!   (25) without an ack is set aside as *dead* instead of being handed out
//!   again, so a poison push stops looping; it stays listable and
//!   [`replay_dead`](InboxOps::replay_dead) puts it back.
//!
//! The CLI has the same: `xportcn webhook inbox stats|list|replay|dead`.
//!
//! # Metrics
//!
//! Reported through the [`metrics`] facade: install any recorder (a
//! Prometheus or OpenTelemetry exporter) to collect them; without one they
//! cost next to nothing. No label ever carries a de-duplication key, an
//! order id, a body, a header or a secret: the labels are the fixed words
//! below.
//!
//! | name | kind | labels | what |
//! |---|---|---|---|
//! | `xportcn_push_received_total` | counter | | pushes that reached the receiver (a body was read) |
//! | `xportcn_push_stored_total` | counter | | answered 200 `success`: stored (committed) |
//! | `xportcn_push_duplicate_total` | counter | | answered 200 `duplicate` |
//! | `xportcn_push_refused_total` | counter | `reason` | refused: `unsigned`, `bad_signature`, `stale`, `replay`, `wrong_key`, `bad_header`, `malformed`, `too_large`, `body_timeout`, `busy`, `other` |
//! | `xportcn_push_unavailable_total` | counter | | answered 503 because the store did not answer in time (the platform retries) |
//! | `xportcn_push_ack_seconds` | histogram | `outcome` (`stored`, `duplicate`, `refused`, `unavailable`) | time from the body read to the answer |
//! | `xportcn_inbox_pending` | gauge | `backend` | pushes stored and not acked (leased ones included, dead ones not), at the last [`InboxOps::stats`] |
//! | `xportcn_inbox_leased` | gauge | `backend` | of those, handed out and not visible again yet |
//! | `xportcn_inbox_dead` | gauge | `backend` | dead letters |
//! | `xportcn_inbox_oldest_pending_age_seconds` | gauge | `backend` | age of the oldest pending push (0 when none) |
//!
//! `backend` is `memory`, `sqlite` or `redis`. The gauges are set by every
//! [`InboxOps::stats`] call: call it periodically (say every 15 s) where
//! you export metrics.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Inbox;
use crate::callbacks::storage::StoreFuture;

/// Default number of times a push is handed out without an ack before it is
/// set aside as dead: 25 (Sidekiq's default). With the default 60 s lease a
/// handler that crashes on a push every time stops seeing it after about
/// 25 minutes; a handler that calls `retry_later` counts an attempt per
/// call.
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 25;

/// Default time an acked push's body is kept for
/// [`InboxOps::replay_since`]: 7 days. Then it is purged.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 86_400);

/// Metric: pushes that reached the receiver.
pub const METRIC_RECEIVED: &str = "xportcn_push_received_total";
/// Metric: pushes answered 200 `success`.
pub const METRIC_STORED: &str = "xportcn_push_stored_total";
/// Metric: pushes answered 200 `duplicate`.
pub const METRIC_DUPLICATE: &str = "xportcn_push_duplicate_total";
/// Metric: pushes refused, by `reason`.
pub const METRIC_REFUSED: &str = "xportcn_push_refused_total";
/// Metric: pushes answered 503 because the store did not answer in time.
pub const METRIC_UNAVAILABLE: &str = "xportcn_push_unavailable_total";
/// Metric: the receiver's answer time, by `outcome`, in seconds.
pub const METRIC_ACK_SECONDS: &str = "xportcn_push_ack_seconds";
/// Metric: pending pushes, by `backend`.
pub const METRIC_PENDING: &str = "xportcn_inbox_pending";
/// Metric: leased pushes, by `backend`.
pub const METRIC_LEASED: &str = "xportcn_inbox_leased";
/// Metric: dead letters, by `backend`.
pub const METRIC_DEAD: &str = "xportcn_inbox_dead";
/// Metric: age of the oldest pending push in seconds, by `backend`.
pub const METRIC_OLDEST_PENDING_AGE: &str = "xportcn_inbox_oldest_pending_age_seconds";

/// What an inbox holds, from [`InboxOps::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InboxStats {
    /// Pushes stored and not acked, leased ones included, dead ones not.
    pub pending: u64,
    /// Of the pending ones, those handed out and not visible again yet
    /// (leased, or handed back with a delay).
    pub leased: u64,
    /// Dead letters: handed out the maximum number of times without an ack.
    pub dead: u64,
    /// Acked pushes whose bodies are kept for replay.
    pub acked_kept: u64,
    /// When the oldest pending push was received (`None` when none is).
    pub oldest_pending: Option<SystemTime>,
}

impl InboxStats {
    /// Age of the oldest pending push at `now` (zero when none is).
    pub fn oldest_pending_age(&self, now: SystemTime) -> Duration {
        self.oldest_pending
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default()
    }

    /// Sets the inbox gauges (see the [module docs](self)) for `backend`.
    pub fn record(&self, backend: &'static str) {
        metrics::gauge!(METRIC_PENDING, "backend" => backend).set(self.pending as f64);
        metrics::gauge!(METRIC_LEASED, "backend" => backend).set(self.leased as f64);
        metrics::gauge!(METRIC_DEAD, "backend" => backend).set(self.dead as f64);
        metrics::gauge!(METRIC_OLDEST_PENDING_AGE, "backend" => backend)
            .set(self.oldest_pending_age(SystemTime::now()).as_secs_f64());
    }
}

/// The state of an inbox entry, for [`InboxOps::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryState {
    /// Stored, not acked, ready to be handed out (never handed out, or its
    /// lease ran out).
    Ready,
    /// Handed out and not visible again yet.
    Leased,
    /// Set aside after too many attempts.
    Dead,
    /// Acked; its body kept for replay.
    Acked,
}

impl EntryState {
    /// `ready`, `leased`, `dead` or `acked`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Ready => "ready",
            EntryState::Leased => "leased",
            EntryState::Dead => "dead",
            EntryState::Acked => "acked",
        }
    }
}

impl fmt::Display for EntryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EntryState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ready" => Ok(EntryState::Ready),
            "leased" => Ok(EntryState::Leased),
            "dead" => Ok(EntryState::Dead),
            "acked" => Ok(EntryState::Acked),
            _ => Err(format!(
                "unknown state (one of ready, leased, dead, acked): {}",
                s.chars().take(32).collect::<String>()
            )),
        }
    }
}

/// One inbox entry, as [`InboxOps::list`] shows it: no body (it may hold
/// personal data), its length only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxEntry {
    /// The backend's id of the entry.
    pub id: String,
    /// Its de-duplication key.
    pub dedup_key: String,
    /// Its state.
    pub state: EntryState,
    /// How many times it was handed out.
    pub attempts: u32,
    /// When the receiver stored it, in milliseconds since the Unix epoch.
    pub received_ms: u64,
    /// Length of the body in bytes.
    pub body_len: usize,
}

impl InboxEntry {
    /// When the receiver stored it.
    pub fn received_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.received_ms)
    }
}

/// Operations on an inbox for its operators: stats, list, replay, dead
/// letters. Implemented by [`MemoryInbox`](super::MemoryInbox),
/// [`SqliteInbox`](super::SqliteInbox) and `RedisInbox`; see the
/// [module docs](self).
pub trait InboxOps: Inbox {
    /// Counts of pending, leased, dead and kept acked pushes, and the
    /// oldest pending one; also sets the inbox gauges.
    fn stats(&self) -> StoreFuture<'_, InboxStats>;

    /// Up to `limit` entries in `state`, oldest first.
    fn list(&self, state: EntryState, limit: usize) -> StoreFuture<'_, Vec<InboxEntry>>;

    /// Delivers again every acked push received at or after `since` whose
    /// body is still kept (7 days by default); a push still pending
    /// is left as it is. Returns how many were put back.
    fn replay_since(&self, since: SystemTime) -> StoreFuture<'_, u64>;

    /// Puts dead letters back to be delivered again, their attempts reset:
    /// the one with `id`, or all of them. Returns how many.
    fn replay_dead<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, u64>;
}
