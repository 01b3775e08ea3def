//! Order tracking: one typed state per order, folded from the pushes of the
//! [push inbox](crate::callbacks::inbox) and from polls, that survives lost,
//! late and reordered pushes.
//!
//! The platform's pushes may arrive out of order, and after 5 failed
//! deliveries they stop (`docs/platform.md` §4). The [`Tracker`]:
//! - keeps each order's latest [`Status`], when it changed, what caused it
//!   ([`Cause::Push`] or [`Cause::Poll`]) and whose clock dated it
//!   ([`DateSource`]), keyed by [`OrderKey`] (platform + order id);
//! - never moves an order backwards: a late push (a `WAITING_FOR_PAYMENT`
//!   after `WAITING_FOR_SENT`) is kept in the history as
//!   [`Outcome::Stale`] and the state stays; a status with no place in the
//!   flow is kept as [`Outcome::Unknown`];
//! - never changes a **final** state (cancelled, terminated, completed; see
//!   [`Status::is_final`]), whatever comes and however it is dated;
//! - where the docs leave two statuses unordered (a cancel against a
//!   payment), orders them only by dates of one clock: two platform
//!   `timestamp`s, or a poll sent after the state was folded. A push dated
//!   only by its receive time never overrides one dated by the platform:
//!   the fold cannot order them, keeps the state, records an
//!   [`Outcome::Conflict`] and polls the order at the next pass (see
//!   [`fold`]);
//! - emits a typed stream of [`TrackerEvent`]s ([`Tracker::events`]);
//! - keeps its state where the inbox lives ([`TrackerStore`]):
//!   [`SqliteTrackerStore`] on one machine (the inbox's file or its own),
//!   `RedisTrackerStore` (feature `redis`) for several, and
//!   [`MemoryTrackerStore`] for tests;
//! - re-syncs: a [`Resyncer`] polls orders that are not final and have been
//!   quiet for a while ([`ResyncConfig::stale_after`]), within a request
//!   budget, and feeds the answers through the same fold. Each pass reads
//!   the due orders from an index by due time ([`TrackerStore::due`]), not
//!   every order tracked: its cost follows what is due, not the shop's
//!   history. Final orders are not in that index; they are deleted
//!   90 days (by default) after they became final
//!   ([`ResyncConfig::final_retention`]).
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
use std::time::Duration;

use tokio::sync::broadcast;

use crate::callbacks::storage::{epoch_ms, now_ms};
use crate::callbacks::{Consumer, Delivery, Message, StoreError};

mod memory;
#[cfg(feature = "redis")]
mod redis;
mod resync;
#[cfg(feature = "sqlite")]
mod sqlite;
mod status;
mod store;

pub use memory::MemoryTrackerStore;
#[cfg(feature = "redis")]
pub use redis::RedisTrackerStore;
pub use resync::{
    Budget, ClientPoller, PollError, PollFuture, Poller, ResyncConfig, ResyncReport, Resyncer,
    TaobaoDetail,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteTrackerStore;
pub use status::{OrderKey, Platform, Relation, Status, TaobaoStatus};
pub use store::{Cause, DateSource, HistoryEntry, ObservedAt, OrderState, Outcome, TrackerStore};

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
    /// An observation the fold could not order against the state (see
    /// [`fold`]) was kept in the history; the state did not move, and the
    /// order is due for a re-sync poll at once ([`OrderState::conflict`]).
    Conflict(HistoryEntry),
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

/// The fold's rule for one observation against the current state.
///
/// 1. A status with no place in the flow: [`Outcome::Unknown`].
/// 2. No status yet: [`Outcome::Applied`].
/// 3. The same place in the flow: [`Outcome::Same`].
/// 4. A **final** state ([`Status::is_final`]) never changes:
///    [`Outcome::Stale`], whatever the observation and its date.
/// 5. Later in the flow: applied; earlier: [`Outcome::Stale`].
/// 6. Unordered in the flow (a cancel against a payment, the two answers of
///    Taobao's finance review): the dates decide, and only dates of one
///    clock are compared ([`DateSource`]):
///    - a poll sent when or after the state was folded is newer: applied;
///    - two platform dates, or two poll dates: the newer is applied, the
///      older is stale;
///    - anything else (a date that is only a receive time, a date of
///      another clock, two equal dates, a state written before the source
///      was kept): the fold cannot order them, [`Outcome::Conflict`]: the
///      state does not move and the order is polled at once.
///
///    So a push dated only by its receive time never overrides a state
///    dated by the platform.
pub fn fold(current: Option<&OrderState>, new: &Status, at: ObservedAt) -> Outcome {
    if !new.is_known() {
        return Outcome::Unknown;
    }
    let Some((state, status)) = current.and_then(|s| s.status.as_ref().map(|st| (s, st))) else {
        return Outcome::Applied;
    };
    match new.relation(status) {
        Relation::Same => Outcome::Same,
        _ if status.is_final() => Outcome::Stale,
        Relation::After | Relation::Unplaced => Outcome::Applied,
        Relation::Before => Outcome::Stale,
        Relation::Unordered => order_by_date(state, at),
    }
}

/// Rule 6 of [`fold`].
fn order_by_date(state: &OrderState, at: ObservedAt) -> Outcome {
    use DateSource::{Platform, Polled};
    match (at.source, state.dated_by) {
        // Sent when or after the state was folded, so after the push that
        // set it was received: the platform's answer is newer than it.
        (Polled, _) if at.ms >= state.changed_ms => Outcome::Applied,
        (Platform, Platform) | (Polled, Polled) => match at.ms.cmp(&state.observed_ms) {
            std::cmp::Ordering::Greater => Outcome::Applied,
            std::cmp::Ordering::Less => Outcome::Stale,
            std::cmp::Ordering::Equal => Outcome::Conflict,
        },
        _ => Outcome::Conflict,
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
        let mut state = OrderState::new(key, now_ms(), Cause::Watch);
        state.version = 1;
        // Lost the race: someone else stored it first, which is as good.
        self.store.commit(None, &state, None).await?;
        Ok(())
    }

    /// Folds one order-status push. `Ok(None)` for a message that is not an
    /// order-status message (or has no order id or status).
    ///
    /// The observation is dated by the envelope's `timestamp`
    /// ([`DateSource::Platform`]), else by when the receiver stored the push
    /// ([`DateSource::Received`]), which never orders two statuses (see
    /// [`fold`]). INFERRED: the docs do not say whether a retried push
    /// keeps its first `timestamp` or carries the retry's time; a final
    /// state is safe either way (it never changes).
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
        let platform_ms = envelope
            .timestamp
            .as_ref()
            .and_then(|t| t.epoch_millis())
            .and_then(|ms| u64::try_from(ms).ok());
        let at = match platform_ms {
            Some(ms) => ObservedAt::platform(ms),
            None => ObservedAt::received(epoch_ms(delivery.received_at)),
        };
        let cause = Cause::Push {
            dedup_key: delivery.dedup_key.clone(),
            message_id: envelope.id.as_ref().map(|id| id.as_str().to_owned()),
        };
        self.observe(
            OrderKey::new(platform, order_id.as_str()),
            Status::Push(status.clone()),
            at,
            cause,
        )
        .await
        .map(Some)
    }

    /// Folds one observation of an order (see [`fold`] for the rule),
    /// dated `at`. Every observation goes to the history; an applied one
    /// moves the state; a [conflict](Outcome::Conflict) marks the order for
    /// a re-sync poll at once. A poll also records when the order was
    /// polled (and clears a conflict). An order first seen with an unknown
    /// status is registered with no status (so the re-sync polls it).
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer;
    /// [`TrackError::Contended`] when other trackers kept writing the order.
    pub async fn observe(
        &self,
        key: OrderKey,
        status: Status,
        at: ObservedAt,
        cause: Cause,
    ) -> Result<Folded, TrackError> {
        for _ in 0..CAS_ATTEMPTS {
            let current = self.store.get(&key).await?;
            let now = now_ms();
            let outcome = fold(current.as_ref(), &status, at);
            let entry = HistoryEntry {
                key: key.clone(),
                status: status.clone(),
                observed_ms: at.ms,
                dated_by: at.source,
                folded_ms: now,
                cause: cause.clone(),
                outcome,
            };
            let is_poll = cause == Cause::Poll;
            let mut next = current
                .clone()
                .unwrap_or_else(|| OrderState::new(key.clone(), now, cause.clone()));
            match outcome {
                Outcome::Applied => {
                    next.status = Some(status.clone());
                    next.changed_ms = now;
                    next.observed_ms = at.ms;
                    next.dated_by = at.source;
                    next.cause = cause.clone();
                    next.checked_ms = None;
                }
                Outcome::Conflict => {
                    next.conflict = true;
                    next.checked_ms = None;
                }
                Outcome::Same | Outcome::Stale | Outcome::Unknown => {}
            }
            if is_poll {
                next.polled_ms = Some(now);
                next.conflict = outcome == Outcome::Conflict;
            }
            let expected = current.as_ref().map(|s| s.version);
            let writes_state = matches!(outcome, Outcome::Applied | Outcome::Conflict)
                || is_poll
                || current.is_none();
            if writes_state {
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
                Outcome::Conflict => self.emit(TrackerEvent::Conflict(entry)),
                Outcome::Same => {}
            }
            return Ok(Folded {
                outcome,
                state: next,
            });
        }
        Err(TrackError::Contended(key))
    }

    /// Records that the re-syncer tried to poll `key` at `at_ms` and got no
    /// status (the poll failed, or the order cannot be polled): the order
    /// leaves the front of the re-sync index until it has been quiet for
    /// `stale_after` again. Does nothing for an order not tracked or final.
    pub(crate) async fn checked(&self, key: &OrderKey, at_ms: u64) -> Result<(), TrackError> {
        for _ in 0..CAS_ATTEMPTS {
            let Some(current) = self.store.get(key).await? else {
                return Ok(());
            };
            if current.is_final() {
                return Ok(());
            }
            let mut next = current.clone();
            next.checked_ms = Some(at_ms);
            next.version = current.version + 1;
            if self
                .store
                .commit(Some(current.version), &next, None)
                .await?
            {
                return Ok(());
            }
        }
        Err(TrackError::Contended(key.clone()))
    }

    /// Deletes up to `limit` orders final since before `now - retention`
    /// (state and history; see [`TrackerStore::purge_final`]). The
    /// [`Resyncer`] calls it on every pass with
    /// [`ResyncConfig::final_retention`]. A push about a deleted order
    /// later starts it afresh, as for an order never seen.
    ///
    /// # Errors
    /// [`TrackError::Store`] when the store does not answer.
    pub async fn purge_final(
        &self,
        retention: Duration,
        limit: usize,
    ) -> Result<usize, TrackError> {
        let retention_ms = u64::try_from(retention.as_millis()).unwrap_or(u64::MAX);
        let before = now_ms().saturating_sub(retention_ms);
        Ok(self.store.purge_final(before, limit).await?)
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
    use crate::ali1688::OrderStatus as A;
    use crate::callbacks::PushOrderStatus as P;

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

    /// A state at `status`, dated `at`, folded at `changed_ms`.
    fn state(status: Status, at: ObservedAt, changed_ms: u64) -> OrderState {
        let mut s = OrderState::new(key(), changed_ms, by_push(0));
        s.status = Some(status);
        s.observed_ms = at.ms;
        s.dated_by = at.source;
        s
    }

    /// Every status with a place in the flow, on every source.
    fn known() -> Vec<Status> {
        let mut all: Vec<Status> = [12, 0, 1, 5, 2, 3, 10, 11, 4]
            .into_iter()
            .map(|c| Status::Taobao(TaobaoStatus::from_code(c)))
            .collect();
        all.extend([P::WaitingForPayment, P::WaitingForSent, P::Cancel].map(Status::Push));
        all.extend(
            [
                A::WaitBuyerPay,
                A::WaitSellerSend,
                A::WaitLogisticsTakeIn,
                A::WaitBuyerReceive,
                A::WaitBuyerSign,
                A::SignInSuccess,
                A::ConfirmGoods,
                A::Success,
                A::Cancel,
                A::Terminated,
            ]
            .map(Status::Ali1688),
        );
        assert!(all.iter().all(Status::is_known));
        all
    }

    #[test]
    fn the_rule() {
        let wait = push(P::WaitingForPayment);
        let sent = push(P::WaitingForSent);
        let cancel = push(P::Cancel);
        let p = ObservedAt::platform;
        assert_eq!(fold(None, &wait, p(1)), Outcome::Applied);
        let at_wait = state(wait.clone(), p(1), 1);
        assert_eq!(fold(Some(&at_wait), &sent, p(2)), Outcome::Applied);
        // A cancel ends an unpaid order, whatever its date.
        assert_eq!(
            fold(Some(&at_wait), &cancel, ObservedAt::received(0)),
            Outcome::Applied
        );
        let at_sent = state(sent.clone(), p(2), 2);
        assert_eq!(fold(Some(&at_sent), &wait, p(1)), Outcome::Stale);
        assert_eq!(fold(Some(&at_sent), &sent, p(3)), Outcome::Same);
        // Unordered, both dated by the platform: the newer wins.
        assert_eq!(fold(Some(&at_sent), &cancel, p(3)), Outcome::Applied);
        let at_sent_later = state(sent.clone(), p(5), 5);
        assert_eq!(fold(Some(&at_sent_later), &cancel, p(3)), Outcome::Stale);
        assert_eq!(fold(Some(&at_sent_later), &cancel, p(5)), Outcome::Conflict);
        let unknown = push(P::Unknown("SHIPPED".into()));
        assert_eq!(fold(Some(&at_sent), &unknown, p(9)), Outcome::Unknown);
        assert_eq!(fold(None, &unknown, p(9)), Outcome::Unknown);
    }

    /// Finding 5 at the rule: a final state never changes, whatever comes
    /// and however it is dated.
    #[test]
    fn a_final_state_never_changes_for_any_status_or_date() {
        let finals: Vec<Status> = known().into_iter().filter(Status::is_final).collect();
        assert_eq!(finals.len(), 5, "{finals:?}");
        for fin in &finals {
            let at_final = state(fin.clone(), ObservedAt::platform(1_000), 1_000);
            for new in known() {
                for at in [
                    ObservedAt::platform(u64::MAX),
                    ObservedAt::received(u64::MAX),
                    ObservedAt::polled(u64::MAX),
                    ObservedAt::platform(0),
                ] {
                    let outcome = fold(Some(&at_final), &new, at);
                    let expected = if new.relation(fin) == Relation::Same {
                        Outcome::Same
                    } else {
                        Outcome::Stale
                    };
                    assert_eq!(outcome, expected, "{new} at {at:?} against final {fin}");
                }
            }
        }
    }

    /// Receive time never orders: against a state dated by the platform
    /// (and the other way round), an unordered status is a conflict, never
    /// applied.
    #[test]
    fn receive_time_never_overrides_platform_time() {
        let sent = push(P::WaitingForSent);
        let cancel = push(P::Cancel);
        let platform_state = state(sent.clone(), ObservedAt::platform(1_000), 1_000);
        for at in [ObservedAt::received(u64::MAX), ObservedAt::received(0)] {
            assert_eq!(fold(Some(&platform_state), &cancel, at), Outcome::Conflict);
        }
        let received_state = state(sent.clone(), ObservedAt::received(1_000), 1_000);
        for at in [
            ObservedAt::platform(u64::MAX),
            ObservedAt::received(u64::MAX),
        ] {
            assert_eq!(fold(Some(&received_state), &cancel, at), Outcome::Conflict);
        }
        // A state written before the source was kept is not ordered either.
        let legacy = state(
            sent.clone(),
            ObservedAt {
                ms: 1_000,
                source: DateSource::Unknown,
            },
            1_000,
        );
        assert_eq!(
            fold(Some(&legacy), &cancel, ObservedAt::platform(u64::MAX)),
            Outcome::Conflict
        );
        // A poll sent when or after the state was folded is newer than it;
        // one sent before is not ordered against a platform date.
        for (sent, outcome) in [(1_000, Outcome::Applied), (999, Outcome::Conflict)] {
            let at = ObservedAt::polled(sent);
            assert_eq!(fold(Some(&platform_state), &cancel, at), outcome);
        }
        // Taobao's finance review: two answers, unordered in the flow.
        let pass = Status::Taobao(TaobaoStatus::FinancePass);
        let refuse = Status::Taobao(TaobaoStatus::FinanceRefuse);
        let polled = state(pass, ObservedAt::polled(500), 600);
        assert_eq!(
            fold(Some(&polled), &refuse, ObservedAt::polled(400)),
            Outcome::Stale
        );
        assert_eq!(
            fold(Some(&polled), &refuse, ObservedAt::received(9_999)),
            Outcome::Conflict
        );
    }

    /// Finding 5 through the tracker: the order is created and cancelled
    /// (dated by the platform), then a `WAITING_FOR_SENT` push comes with no
    /// `timestamp` (replayed after its de-duplication key expired), dated by
    /// its receive time, much later. Before: it reopened the order.
    #[tokio::test]
    async fn a_replayed_push_dated_by_its_receive_time_does_not_reopen_a_cancelled_order() {
        let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
        let t0 = now_ms() - 600_000;
        for (status, at, outcome) in [
            (
                P::WaitingForPayment,
                ObservedAt::platform(t0),
                Outcome::Applied,
            ),
            (
                P::Cancel,
                ObservedAt::platform(t0 + 1_000),
                Outcome::Applied,
            ),
            (
                P::WaitingForSent,
                ObservedAt::received(now_ms() + 60_000),
                Outcome::Stale,
            ),
        ] {
            let f = tracker
                .observe(key(), push(status), at, by_push(1))
                .await
                .unwrap();
            assert_eq!(f.outcome, outcome);
        }
        let state = tracker.state(&key()).await.unwrap().unwrap();
        assert_eq!(state.status, Some(push(P::Cancel)));
        assert!(state.is_final() && !state.conflict);
    }

    #[tokio::test]
    async fn a_conflict_keeps_the_state_and_makes_the_order_due_at_once() {
        let store = Arc::new(MemoryTrackerStore::new());
        let tracker = Tracker::new(store.clone());
        let mut events = tracker.events();
        let sent = push(P::WaitingForSent);
        tracker
            .observe(key(), sent.clone(), ObservedAt::platform(1_000), by_push(1))
            .await
            .unwrap();
        assert!(
            store
                .due(now_ms() - 3_600_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let f = tracker
            .observe(
                key(),
                push(P::Cancel),
                ObservedAt::received(now_ms()),
                by_push(2),
            )
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Conflict);
        assert_eq!(f.state.status, Some(sent.clone()));
        assert!(f.state.conflict);
        assert_eq!(f.state.quiet_since_ms(), Some(0));
        // Due even for a re-syncer that waits an hour.
        let due = store.due(now_ms() - 3_600_000, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        use futures_util::StreamExt;
        assert!(matches!(
            events.next().await,
            Some(TrackerEvent::Changed(_))
        ));
        assert!(matches!(
            events.next().await,
            Some(TrackerEvent::Conflict(e)) if e.outcome == Outcome::Conflict
        ));
        // A poll that answers clears it (here: the order is paid, the
        // cancel was not real).
        let f = tracker
            .observe(key(), sent, ObservedAt::polled(now_ms() + 1), Cause::Poll)
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Same);
        assert!(!f.state.conflict);
        assert!(
            store
                .due(now_ms() - 3_600_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_late_push_is_stale_and_kept() {
        let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
        let mut events = tracker.events();
        let p = ObservedAt::platform;
        // The pay push overtakes the create push.
        let f = tracker
            .observe(key(), push(P::WaitingForSent), p(20), by_push(2))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Applied);
        let f = tracker
            .observe(key(), push(P::WaitingForPayment), p(10), by_push(1))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Stale);
        assert_eq!(f.state.status, Some(push(P::WaitingForSent)));
        let f = tracker
            .observe(key(), push(P::Unknown("X".into())), p(30), by_push(3))
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Unknown);
        let state = tracker.state(&key()).await.unwrap().unwrap();
        assert_eq!(state.status, Some(push(P::WaitingForSent)));
        assert_eq!(state.cause, by_push(2));
        assert_eq!(state.observed_at(), p(20));
        let history = tracker.history(&key()).await.unwrap();
        let outcomes: Vec<_> = history.iter().map(|h| h.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Applied, Outcome::Stale, Outcome::Unknown]
        );
        assert!(history.iter().all(|h| h.dated_by == DateSource::Platform));
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
                ObservedAt::polled(5),
                Cause::Poll,
            )
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Applied);
        assert!(f.state.polled_ms.is_some());
        assert_eq!(f.state.dated_by, DateSource::Polled);
        // The same place by a push: no change.
        let f = tracker
            .observe(
                key(),
                push(P::WaitingForSent),
                ObservedAt::platform(6),
                by_push(1),
            )
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Same);
        assert_eq!(f.state.cause, Cause::Poll);
    }

    #[tokio::test]
    async fn final_orders_leave_the_resync_index_and_are_purged_after_the_retention() {
        let store = Arc::new(MemoryTrackerStore::new());
        let tracker = Tracker::new(store.clone());
        let other = OrderKey::new(Platform::Ali1688, "2542285634920880001");
        tracker.watch(other.clone()).await.unwrap();
        tracker
            .observe(key(), push(P::Cancel), ObservedAt::platform(1), by_push(1))
            .await
            .unwrap();
        let due = store.due(u64::MAX, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, other);
        // Kept within the retention; deleted past it.
        assert_eq!(
            tracker
                .purge_final(Duration::from_secs(3600), 10)
                .await
                .unwrap(),
            0
        );
        assert!(tracker.state(&key()).await.unwrap().is_some());
        assert_eq!(store.purge_final(u64::MAX, 10).await.unwrap(), 1);
        assert!(tracker.state(&key()).await.unwrap().is_none());
        assert!(tracker.history(&key()).await.unwrap().is_empty());
        assert!(tracker.state(&other).await.unwrap().is_some());
    }
}
