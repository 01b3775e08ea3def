//! Order tracking: one typed state per order, folded from the pushes of the
//! [push inbox](crate::callbacks::inbox) and from polls, that survives lost,
//! late and reordered pushes.
//!
//! The platform's pushes may arrive out of order, and after 5 failed
//! deliveries they stop (`docs/platform.md` §4). The [`Tracker`]:
//! - keeps each order's latest [`Status`], when it changed and what caused
//!   it ([`Cause::Push`] or [`Cause::Poll`]), keyed by [`OrderKey`]
//!   (platform + order id);
//! - never moves an order backwards: a late push (a `WAITING_FOR_PAYMENT`
//!   after `WAITING_FOR_SENT`) is kept in the history as
//!   [`Outcome::Stale`] and the state stays; a status with no place in the
//!   flow is kept as [`Outcome::Unknown`]; where the docs leave two
//!   statuses unordered (a cancel against a payment) the newer timestamp
//!   wins (see [`Status::relation`]);
//! - emits a typed stream of [`TrackerEvent`]s ([`Tracker::events`]);
//! - keeps its state where the inbox lives ([`TrackerStore`]):
//!   [`SqliteTrackerStore`] on one machine (the inbox's file or its own),
//!   `RedisTrackerStore` (feature `redis`) for several, and
//!   [`MemoryTrackerStore`] for tests;
//! - re-syncs: a [`Resyncer`] polls orders that are not final and have not
//!   changed for a while ([`ResyncConfig::stale_after`]), within a request
//!   budget, and feeds the answers through the same fold.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")]
//! # async fn demo(client: xportcn::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use futures_util::StreamExt;
//! use xportcn::callbacks::{Consumer, SqliteInbox};
//! use xportcn::tracking::{ClientPoller, ResyncConfig, Resyncer, SqliteTrackerStore, Tracker, TrackerEvent};
//!
//! let inbox = Arc::new(SqliteInbox::open("pushes.sqlite3")?);
//! let tracker = Tracker::new(Arc::new(SqliteTrackerStore::open("pushes.sqlite3")?));
//! let mut events = tracker.events();
//! tokio::spawn({
//!     let tracker = tracker.clone();
//!     async move { tracker.run(Consumer::new(inbox)).await }
//! });
//! let resync = Resyncer::new(tracker.clone(), Arc::new(ClientPoller::new(client)), ResyncConfig::default());
//! tokio::spawn(resync.run());
//! while let Some(event) = events.next().await {
//!     if let TrackerEvent::Changed(change) = event {
//!         println!("{} is now {}", change.key, change.to);
//!     }
//! }
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::broadcast;

use crate::callbacks::{Consumer, Delivery, Message, StoreError};

#[cfg(feature = "redis")]
mod redis;
mod resync;
#[cfg(feature = "sqlite")]
mod sqlite;
mod status;
mod store;

#[cfg(feature = "redis")]
pub use redis::RedisTrackerStore;
pub use resync::{
    Budget, ClientPoller, PollError, PollFuture, Poller, ResyncConfig, ResyncReport, Resyncer,
    TaobaoDetail,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteTrackerStore;
pub use status::{OrderKey, Platform, Relation, Status, TaobaoStatus};
pub use store::{Cause, HistoryEntry, MemoryTrackerStore, OrderState, Outcome, TrackerStore};

/// An error of the tracker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// The store did not answer (or holds unreadable data).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Other trackers kept writing the same order: the compare-and-set lost
    /// too many times in a row.
    #[error("order {0}: the state kept changing under this tracker; try again")]
    Contended(OrderKey),
}

/// A change of an order's state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The order.
    pub key: OrderKey,
    /// The status before (`None`: first seen).
    pub from: Option<Status>,
    /// The status now.
    pub to: Status,
    /// What caused it.
    pub cause: Cause,
    /// When (ms since the Unix epoch).
    pub at_ms: u64,
}

/// What the tracker tells your code ([`Tracker::events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackerEvent {
    /// An order's state changed.
    Changed(Change),
    /// A late observation (earlier in the flow than the state) was kept in
    /// the history; the state did not move.
    Stale(HistoryEntry),
    /// A status with no place in the flow was kept in the history; the
    /// state did not move.
    UnknownStatus(HistoryEntry),
    /// An order that needs a re-sync cannot be polled, and why (Taobao's
    /// order detail TB-O14 has no known path, say).
    NotPollable {
        /// The order.
        key: OrderKey,
        /// Why.
        reason: String,
    },
    /// This listener fell behind and missed this many events (read the
    /// states again with [`Tracker::orders`]).
    Lagged(u64),
}

/// What [`Tracker::observe`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Folded {
    /// What the fold did with the observation.
    pub outcome: Outcome,
    /// The order's state afterwards.
    pub state: OrderState,
}

/// Folds pushes and polls into one state per order (see the
/// [module docs](self)). Cheap to clone: clones share the store and the
/// event stream.
#[derive(Debug, Clone)]
pub struct Tracker {
    store: Arc<dyn TrackerStore>,
    events: broadcast::Sender<TrackerEvent>,
}

/// Compare-and-set attempts before [`TrackError::Contended`].
const CAS_ATTEMPTS: u32 = 16;

/// Events kept for a slow listener before it lags.
const EVENT_BUFFER: usize = 4096;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The fold's rule for one observation against the current state.
///
/// - A status with no place in the flow: [`Outcome::Unknown`].
/// - No status yet: [`Outcome::Applied`].
/// - Later in the flow: applied; same place: [`Outcome::Same`]; earlier:
///   [`Outcome::Stale`].
/// - Unordered (a cancel against a payment): applied only when its
///   timestamp is newer than the one that set the state, else stale.
pub fn decide(
    current: Option<&Status>,
    current_observed_ms: u64,
    new: &Status,
    observed_ms: u64,
) -> Outcome {
    if !new.is_known() {
        return Outcome::Unknown;
    }
    let Some(current) = current else {
        return Outcome::Applied;
    };
    match new.relation(current) {
        Relation::After | Relation::Unplaced => Outcome::Applied,
        Relation::Same => Outcome::Same,
        Relation::Before => Outcome::Stale,
        Relation::Unordered if observed_ms > current_observed_ms => Outcome::Applied,
        Relation::Unordered => Outcome::Stale,
    }
}

impl Tracker {
    /// A tracker keeping its state in `store`.
    pub fn new(store: Arc<dyn TrackerStore>) -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Tracker { store, events }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn TrackerStore> {
        &self.store
    }

    /// A stream of what happens from now on: changes, stale and unknown
    /// observations, orders that cannot be polled.
    pub fn events(
        &self,
    ) -> impl futures_util::Stream<Item = TrackerEvent> + Send + Unpin + 'static {
        let rx = self.events.subscribe();
        Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
            match rx.recv().await {
                Ok(event) => Some((event, rx)),
                Err(broadcast::error::RecvError::Lagged(n)) => Some((TrackerEvent::Lagged(n), rx)),
                Err(broadcast::error::RecvError::Closed) => None,
            }
        }))
    }

    pub(crate) fn emit(&self, event: TrackerEvent) {
        // No listener is fine.
        let _ = self.events.send(event);
    }

    /// One order's state, if tracked.
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer.
    pub async fn state(&self, key: &OrderKey) -> Result<Option<OrderState>, TrackError> {
        Ok(self.store.get(key).await?)
    }

    /// Every tracked order's state.
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer.
    pub async fn orders(&self) -> Result<Vec<OrderState>, TrackError> {
        Ok(self.store.orders().await?)
    }

    /// One order's history, oldest first: every push and poll seen,
    /// including the stale and unknown ones.
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer.
    pub async fn history(&self, key: &OrderKey) -> Result<Vec<HistoryEntry>, TrackError> {
        Ok(self.store.history(key).await?)
    }

    /// Registers an order your code created, before any push about it: if
    /// all its pushes are lost, the [`Resyncer`] still polls it. Does
    /// nothing for an order already tracked.
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer.
    pub async fn watch(&self, key: OrderKey) -> Result<(), TrackError> {
        if self.store.get(&key).await?.is_some() {
            return Ok(());
        }
        let now = now_ms();
        let state = OrderState {
            key,
            status: None,
            changed_ms: now,
            observed_ms: 0,
            cause: Cause::Watch,
            polled_ms: None,
            version: 1,
        };
        // Lost the race: someone else stored it first, which is as good.
        self.store.commit(None, &state, None).await?;
        Ok(())
    }

    /// Folds one order-status push. `Ok(None)` for a message that is not an
    /// order-status message (or has no order id or status).
    ///
    /// The observation's timestamp (used only when two statuses are
    /// unordered) is the envelope's `timestamp`, else the time the receiver
    /// got the push. INFERRED: the docs do not say whether a retried push
    /// keeps its first `timestamp` or carries the retry's time.
    ///
    /// # Errors
    /// As [`Tracker::observe`].
    pub async fn observe_delivery(
        &self,
        delivery: &Delivery,
    ) -> Result<Option<Folded>, TrackError> {
        let (platform, envelope, body) = match &delivery.message {
            Message::TaobaoOrderStatus { envelope, body, .. } => (Platform::Taobao, envelope, body),
            Message::Ali1688OrderStatus { envelope, body, .. } => {
                (Platform::Ali1688, envelope, body)
            }
            _ => return Ok(None),
        };
        let (Some(order_id), Some(status)) = (&body.order_id, &body.order_status) else {
            tracing::warn!(key = %delivery.dedup_key, "an order-status push without orderId or orderStatus: not tracked");
            return Ok(None);
        };
        let received = delivery
            .received_at
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        let observed = envelope
            .timestamp
            .as_ref()
            .and_then(|t| t.epoch_millis())
            .and_then(|ms| u64::try_from(ms).ok())
            .unwrap_or(received);
        let cause = Cause::Push {
            dedup_key: delivery.dedup_key.clone(),
            message_id: envelope.id.as_ref().map(|id| id.as_str().to_owned()),
        };
        self.observe(
            OrderKey::new(platform, order_id.as_str()),
            Status::Push(status.clone()),
            observed,
            cause,
        )
        .await
        .map(Some)
    }

    /// Folds one observation of an order (see [`decide`] for the rule).
    /// Every observation goes to the history; only an applied one moves the
    /// state. A poll also records when the order was polled. An order first
    /// seen with an unknown status is registered with no status (so the
    /// re-sync polls it).
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer;
    /// [`TrackError::Contended`] when other trackers kept writing the order.
    pub async fn observe(
        &self,
        key: OrderKey,
        status: Status,
        observed_ms: u64,
        cause: Cause,
    ) -> Result<Folded, TrackError> {
        for _ in 0..CAS_ATTEMPTS {
            let current = self.store.get(&key).await?;
            let now = now_ms();
            let outcome = decide(
                current.as_ref().and_then(|s| s.status.as_ref()),
                current.as_ref().map_or(0, |s| s.observed_ms),
                &status,
                observed_ms,
            );
            let entry = HistoryEntry {
                key: key.clone(),
                status: status.clone(),
                observed_ms,
                folded_ms: now,
                cause: cause.clone(),
                outcome,
            };
            let is_poll = cause == Cause::Poll;
            let mut next = current.clone().unwrap_or_else(|| OrderState {
                key: key.clone(),
                status: None,
                changed_ms: now,
                observed_ms: 0,
                cause: cause.clone(),
                polled_ms: None,
                version: 0,
            });
            if outcome == Outcome::Applied {
                next.status = Some(status.clone());
                next.changed_ms = now;
                next.observed_ms = observed_ms;
                next.cause = cause.clone();
            }
            if is_poll {
                next.polled_ms = Some(now);
            }
            let expected = current.as_ref().map(|s| s.version);
            if outcome == Outcome::Applied || is_poll || current.is_none() {
                next.version = expected.unwrap_or(0) + 1;
                if !self.store.commit(expected, &next, Some(&entry)).await? {
                    continue;
                }
            } else {
                self.store.record(&entry).await?;
            }
            match outcome {
                Outcome::Applied => self.emit(TrackerEvent::Changed(Change {
                    key: key.clone(),
                    from: current.and_then(|s| s.status),
                    to: status,
                    cause,
                    at_ms: now,
                })),
                Outcome::Stale => self.emit(TrackerEvent::Stale(entry)),
                Outcome::Unknown => self.emit(TrackerEvent::UnknownStatus(entry)),
                Outcome::Same => {}
            }
            return Ok(Folded {
                outcome,
                state: next,
            });
        }
        Err(TrackError::Contended(key))
    }

    /// Folds one delivery, then acks it. A delivery that could not be
    /// folded (the store did not answer) is handed back to the inbox for a
    /// later attempt instead.
    ///
    /// # Errors
    /// The fold's error (the delivery was handed back), or the inbox's.
    pub async fn handle(&self, delivery: Delivery) -> Result<Option<Folded>, TrackError> {
        match self.observe_delivery(&delivery).await {
            Ok(folded) => {
                delivery.ack().await?;
                Ok(folded)
            }
            Err(e) => {
                delivery.retry_later(Duration::from_secs(1)).await?;
                Err(e)
            }
        }
    }

    /// Consumes the inbox for ever: each delivery is folded, then acked
    /// ([`Tracker::handle`]). Errors are logged, and the loop goes on after
    /// a pause of one second. Other messages than order-status messages are
    /// acked too: give the tracker its own consumer group or inbox if other
    /// code needs them.
    pub async fn run(&self, mut consumer: Consumer) -> Infallible {
        loop {
            let result = match consumer.next().await {
                Ok(delivery) => self.handle(delivery).await.map(|_| ()),
                Err(e) => Err(TrackError::Store(e)),
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "order tracker: a delivery was not folded; going on in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::OrderStatus as P;

    fn push(s: P) -> Status {
        Status::Push(s)
    }

    fn key() -> OrderKey {
        OrderKey::new(Platform::Taobao, "3305075341149134001")
    }

    fn by_push(n: u64) -> Cause {
        Cause::Push {
            dedup_key: format!("k{n}"),
            message_id: Some(n.to_string()),
        }
    }

    #[test]
    fn the_rule() {
        let wait = push(P::WaitingForPayment);
        let sent = push(P::WaitingForSent);
        let cancel = push(P::Cancel);
        assert_eq!(decide(None, 0, &wait, 1), Outcome::Applied);
        assert_eq!(decide(Some(&wait), 1, &sent, 2), Outcome::Applied);
        assert_eq!(decide(Some(&sent), 2, &wait, 1), Outcome::Stale);
        assert_eq!(decide(Some(&sent), 2, &sent, 3), Outcome::Same);
        // Unordered: the newer timestamp wins.
        assert_eq!(decide(Some(&sent), 2, &cancel, 3), Outcome::Applied);
        assert_eq!(decide(Some(&sent), 5, &cancel, 3), Outcome::Stale);
        let unknown = push(P::Unknown("SHIPPED".into()));
        assert_eq!(decide(Some(&sent), 2, &unknown, 9), Outcome::Unknown);
        assert_eq!(decide(None, 0, &unknown, 9), Outcome::Unknown);
    }

    #[tokio::test]
    async fn a_late_push_is_stale_and_kept() {
        let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
        let mut events = tracker.events();
        // The pay push overtakes the create push.
        let f = tracker
            .observe(key(), push(P::WaitingForSent), 20, by_push(2))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Applied);
        let f = tracker
            .observe(key(), push(P::WaitingForPayment), 10, by_push(1))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Stale);
        assert_eq!(f.state.status, Some(push(P::WaitingForSent)));
        let f = tracker
            .observe(key(), push(P::Unknown("X".into())), 30, by_push(3))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Unknown);
        let state = tracker.state(&key()).await.unwrap().unwrap();
        assert_eq!(state.status, Some(push(P::WaitingForSent)));
        assert_eq!(state.cause, by_push(2));
        let history = tracker.history(&key()).await.unwrap();
        let outcomes: Vec<_> = history.iter().map(|h| h.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Applied, Outcome::Stale, Outcome::Unknown]
        );
        use futures_util::StreamExt;
        assert!(matches!(events.next().await, Some(TrackerEvent::Changed(c)) if c.from.is_none()));
        assert!(matches!(events.next().await, Some(TrackerEvent::Stale(_))));
        assert!(matches!(
            events.next().await,
            Some(TrackerEvent::UnknownStatus(_))
        ));
    }

    #[tokio::test]
    async fn a_poll_records_its_time_and_watch_registers() {
        let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
        tracker.watch(key()).await.unwrap();
        let s = tracker.state(&key()).await.unwrap().unwrap();
        assert_eq!(s.status, None);
        assert_eq!(s.cause, Cause::Watch);
        let f = tracker
            .observe(
                key(),
                Status::Taobao(TaobaoStatus::WaitSellerSendGoods),
                5,
                Cause::Poll,
            )
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Applied);
        assert!(f.state.polled_ms.is_some());
        // The same place by a push: no change.
        let f = tracker
            .observe(key(), push(P::WaitingForSent), 6, by_push(1))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Same);
        assert_eq!(f.state.cause, Cause::Poll);
    }
}
