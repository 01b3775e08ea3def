//! Re-sync: poll orders whose pushes may have been lost, within a request
//! budget, and fold the answers like pushes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::status::{OrderKey, Platform, Status, TaobaoStatus};
use super::store::{Cause, ObservedAt, Outcome};
use super::{TrackError, Tracker, TrackerEvent, now_ms};
use crate::Client;
use crate::endpoint::Endpoint;

/// What a [`Poller`] returns.
pub type PollFuture<'a> = Pin<Box<dyn Future<Output = Result<Status, PollError>> + Send + 'a>>;

/// Why a poll gave no status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PollError {
    /// This order cannot be polled at all, and why (no known path for the
    /// platform's order detail, say). Not retried.
    #[error("not pollable: {0}")]
    NotPollable(String),
    /// The poll failed (network, server, an answer without a status): it is
    /// retried later, with a back-off.
    #[error("poll failed: {0}")]
    Failed(String),
}

/// Reads one order's current status from the platform.
pub trait Poller: Send + Sync + 'static {
    /// The order's status now.
    fn poll<'a>(&'a self, key: &'a OrderKey) -> PollFuture<'a>;
}

/// How to read a Taobao order's status with the order detail (TB-O14),
/// whose path, id parameter and answer are not documented: the values come
/// from your own documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaobaoDetail {
    /// The query parameter carrying the order id.
    pub id_param: String,
    /// A JSON pointer (RFC 6901) to the status code (the key-account status
    /// codes, [`TaobaoStatus`]) in the answer's `data`.
    pub status_pointer: String,
}

impl TaobaoDetail {
    /// The order id goes in query parameter `id_param`; the status code is
    /// read at `status_pointer` in the answer.
    pub fn new(id_param: impl Into<String>, status_pointer: impl Into<String>) -> Self {
        TaobaoDetail {
            id_param: id_param.into(),
            status_pointer: status_pointer.into(),
        }
    }
}

/// The [`Poller`] over a [`Client`]:
/// - 1688: the order detail (AL-O11), typed: `baseInfo.status`.
/// - Taobao: the order detail (TB-O14), only once you set both its path
///   ([`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
///   `("TB-O14", ..)`) and how to read it ([`ClientPoller::taobao_detail`]).
///   Until then every Taobao order is [`PollError::NotPollable`], with the
///   reason: the SDK never guesses a path or a field.
#[derive(Debug, Clone)]
pub struct ClientPoller {
    client: Client,
    taobao: Option<TaobaoDetail>,
}

impl ClientPoller {
    /// A poller over `client` (1688 only, until
    /// [`ClientPoller::taobao_detail`]).
    pub fn new(client: Client) -> Self {
        ClientPoller {
            client,
            taobao: None,
        }
    }

    /// How to read Taobao's order detail (TB-O14).
    pub fn taobao_detail(mut self, detail: TaobaoDetail) -> Self {
        self.taobao = Some(detail);
        self
    }

    async fn poll_1688(&self, order_id: &str) -> Result<Status, PollError> {
        let order = self
            .client
            .call(crate::ali1688::OrderDetailRequest::new(order_id))
            .await
            .map_err(|e| PollError::Failed(e.to_string()))?;
        order
            .base_info
            .and_then(|b| b.status)
            .map(Status::Ali1688)
            .ok_or_else(|| PollError::Failed("the 1688 order detail has no baseInfo.status".into()))
    }

    async fn poll_taobao(&self, order_id: &str) -> Result<Status, PollError> {
        let spec = &<crate::taobao::OrderDetailRequest as Endpoint>::SPEC;
        if self.client.path_of(spec).is_none() {
            return Err(PollError::NotPollable(
                "Taobao's order detail (TB-O14) has no known path: set it with \
                 ClientBuilder::override_path(\"TB-O14\", ..) from your documentation"
                    .into(),
            ));
        }
        let Some(detail) = &self.taobao else {
            return Err(PollError::NotPollable(
                "Taobao's order detail (TB-O14) documents neither its id parameter nor its \
                 answer: set them with ClientPoller::taobao_detail"
                    .into(),
            ));
        };
        let request = crate::taobao::OrderDetailRequest::builder()
            .other(
                [(
                    detail.id_param.clone(),
                    serde_json::Value::String(order_id.to_owned()),
                )]
                .into_iter()
                .collect(),
            )
            .build();
        let raw = self
            .client
            .call(request)
            .await
            .map_err(|e| PollError::Failed(e.to_string()))?;
        let value: serde_json::Value = serde_json::from_str(raw.get())
            .map_err(|e| PollError::Failed(format!("TB-O14 answer: {e}")))?;
        let code = value
            .pointer(&detail.status_pointer)
            .and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or_else(|| {
                PollError::Failed(format!(
                    "TB-O14 answer has no status code at {}",
                    detail.status_pointer
                ))
            })?;
        Ok(Status::Taobao(TaobaoStatus::from_code(code)))
    }
}

impl Poller for ClientPoller {
    fn poll<'a>(&'a self, key: &'a OrderKey) -> PollFuture<'a> {
        Box::pin(async move {
            match key.platform {
                Platform::Ali1688 => self.poll_1688(&key.order_id).await,
                Platform::Taobao => self.poll_taobao(&key.order_id).await,
                other => Err(PollError::NotPollable(format!(
                    "no order detail endpoint for platform {other}"
                ))),
            }
        })
    }
}

/// A request budget: a token bucket of `burst` requests, refilled at
/// `per_second`. Waits on Tokio's clock (so tests can pause it).
#[derive(Debug)]
pub struct Budget {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
    paused_until: Option<Instant>,
}

impl Budget {
    /// A full bucket of `burst` requests (at least 1), refilled at
    /// `per_second` requests a second (at least 0.001).
    pub fn new(per_second: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Budget {
            per_second: if per_second.is_finite() {
                per_second.max(0.001)
            } else {
                1.0
            },
            burst,
            tokens: burst,
            last: Instant::now(),
            paused_until: None,
        }
    }

    /// Waits until a request may be sent, and takes its token.
    pub async fn acquire(&mut self) {
        if let Some(until) = self.paused_until.take() {
            tokio::time::sleep_until(until).await;
        }
        loop {
            let now = Instant::now();
            let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
            self.last = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                return;
            }
            let wait = (1.0 - self.tokens) / self.per_second;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
    }

    /// No request before `until` (a back-off).
    pub fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }
}

/// Re-sync settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResyncConfig {
    /// An order not final and quiet for this long (no change, no poll, no
    /// poll attempt) is polled. Default 10 minutes. An order with a
    /// [conflict](super::Outcome::Conflict) is polled at the next pass.
    pub stale_after: Duration,
    /// Request budget: polls a second. Default 2.
    pub requests_per_second: f64,
    /// Request budget: burst. Default 1.
    pub burst: u32,
    /// First back-off after a failed poll (doubled for each failure in a
    /// row). Default 1 s.
    pub backoff: Duration,
    /// Longest back-off. Default 5 minutes.
    pub max_backoff: Duration,
    /// Pause between passes of [`Resyncer::run`]. Default 30 s.
    pub every: Duration,
    /// Most orders one pass reads from the re-sync index (the quietest
    /// first); the rest wait for the next pass. Default
    /// 1,000 (eight minutes of the default budget).
    pub per_pass: usize,
    /// How long a final order is kept (state and history) after it became
    /// final; each pass deletes up to 1,000 orders past it.
    /// `None` keeps them for ever. Default 90 days.
    pub final_retention: Option<Duration>,
}

/// Default [`ResyncConfig::per_pass`]: 1,000 orders.
pub(crate) const DEFAULT_PER_PASS: usize = 1000;

/// Default [`ResyncConfig::final_retention`]: 90 days, far beyond the
/// platform's retries of a push (5, 30 minutes apart: 2.5 hours) and the
/// inbox's de-duplication time (24 hours), so a late push of a kept order
/// still meets its final state.
pub(crate) const DEFAULT_FINAL_RETENTION: Duration = Duration::from_secs(90 * 86_400);

impl Default for ResyncConfig {
    fn default() -> Self {
        ResyncConfig {
            stale_after: Duration::from_secs(600),
            requests_per_second: 2.0,
            burst: 1,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            every: Duration::from_secs(30),
            per_pass: DEFAULT_PER_PASS,
            final_retention: Some(DEFAULT_FINAL_RETENTION),
        }
    }
}

impl ResyncConfig {
    /// Sets [`ResyncConfig::stale_after`].
    pub fn stale_after(mut self, d: Duration) -> Self {
        self.stale_after = d;
        self
    }

    /// Sets the request budget: `per_second` polls a second, bursts of
    /// `burst`.
    pub fn budget(mut self, per_second: f64, burst: u32) -> Self {
        self.requests_per_second = per_second;
        self.burst = burst;
        self
    }

    /// Sets the back-off: `first` after a failure, doubled for each failure
    /// in a row, at most `max`.
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff = first;
        self.max_backoff = max;
        self
    }

    /// Sets [`ResyncConfig::every`].
    pub fn every(mut self, d: Duration) -> Self {
        self.every = d;
        self
    }

    /// Sets [`ResyncConfig::per_pass`] (at least 1).
    pub fn per_pass(mut self, orders: usize) -> Self {
        self.per_pass = orders.max(1);
        self
    }

    /// Sets [`ResyncConfig::final_retention`] (`None`: keep final orders
    /// for ever).
    pub fn final_retention(mut self, retention: Option<Duration>) -> Self {
        self.final_retention = retention;
        self
    }
}

/// What one re-sync pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResyncReport {
    /// Orders due (not final, quiet for `stale_after` or with a conflict),
    /// as read from the re-sync index: at most
    /// [`ResyncConfig::per_pass`]. The pass reads no other order.
    pub due: usize,
    /// Polls sent.
    pub polled: usize,
    /// Polls that moved an order's state.
    pub changed: usize,
    /// Orders that cannot be polled, and why.
    pub not_pollable: Vec<(OrderKey, String)>,
    /// Polls that failed (retried in a later pass, after a back-off).
    pub failed: usize,
    /// Final orders past [`ResyncConfig::final_retention`] deleted.
    pub purged: usize,
}

/// Polls the orders whose state may be behind, within a request budget,
/// with a back-off on errors (see the [module docs](super)).
pub struct Resyncer {
    tracker: Tracker,
    poller: Arc<dyn Poller>,
    config: ResyncConfig,
    budget: Budget,
    /// Failures in a row.
    failures: u32,
    /// Per order: failures in a row and no poll before.
    order_backoff: HashMap<OrderKey, (u32, Instant)>,
    /// Orders already reported not pollable.
    reported: HashMap<OrderKey, String>,
}

impl fmt::Debug for Resyncer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resyncer")
            .field("config", &self.config)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

impl Resyncer {
    /// A re-syncer for `tracker`'s orders, polling through `poller`.
    pub fn new(tracker: Tracker, poller: Arc<dyn Poller>, config: ResyncConfig) -> Self {
        let budget = Budget::new(config.requests_per_second, config.burst);
        Resyncer {
            tracker,
            poller,
            config,
            budget,
            failures: 0,
            order_backoff: HashMap::new(),
            reported: HashMap::new(),
        }
    }

    fn backoff_for(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
        self.config
            .backoff
            .saturating_mul(factor)
            .min(self.config.max_backoff)
    }

    /// One pass: reads the due orders from the re-sync index (at most
    /// [`ResyncConfig::per_pass`], the quietest first), polls each once
    /// (within the budget) and folds the answers; then deletes final orders
    /// past [`ResyncConfig::final_retention`]. It reads no order that is not
    /// due: its cost follows what is due, not how many orders are tracked.
    ///
    /// # Errors
    /// [`TrackError`] when the store does not answer.
    pub async fn pass(&mut self) -> Result<ResyncReport, TrackError> {
        let now = now_ms();
        let stale_ms = u64::try_from(self.config.stale_after.as_millis()).unwrap_or(u64::MAX);
        let due = self
            .tracker
            .store()
            .due(now.saturating_sub(stale_ms), self.config.per_pass)
            .await?;
        let mut report = ResyncReport {
            due: due.len(),
            ..ResyncReport::default()
        };
        for state in due {
            let key = state.key;
            if let Some(reason) = self.reported.get(&key) {
                report.not_pollable.push((key.clone(), reason.clone()));
                self.tracker.checked(&key, now_ms()).await?;
                continue;
            }
            if let Some((_, not_before)) = self.order_backoff.get(&key)
                && Instant::now() < *not_before
            {
                continue;
            }
            self.budget.acquire().await;
            report.polled += 1;
            let sent = now_ms();
            match self.poller.poll(&key).await {
                Ok(status) => {
                    self.failures = 0;
                    self.order_backoff.remove(&key);
                    let folded = self
                        .tracker
                        .observe(key, status, ObservedAt::polled(sent), Cause::Poll)
                        .await?;
                    if folded.outcome == Outcome::Applied {
                        report.changed += 1;
                    }
                }
                Err(PollError::NotPollable(reason)) => {
                    self.tracker.emit(TrackerEvent::NotPollable {
                        key: key.clone(),
                        reason: reason.clone(),
                    });
                    self.tracker.checked(&key, sent).await?;
                    self.reported.insert(key.clone(), reason.clone());
                    report.not_pollable.push((key, reason));
                }
                Err(PollError::Failed(why)) => {
                    report.failed += 1;
                    self.failures = self.failures.saturating_add(1);
                    let order_failures = self.order_backoff.get(&key).map_or(0, |b| b.0) + 1;
                    let now = Instant::now();
                    self.order_backoff.insert(
                        key.clone(),
                        (order_failures, now + self.backoff_for(order_failures)),
                    );
                    // Back off the whole budget too: the platform may be down.
                    self.budget
                        .pause_until(now + self.backoff_for(self.failures));
                    tracing::warn!(order = %key, error = %why, "re-sync poll failed; backing off");
                    self.tracker.checked(&key, sent).await?;
                }
            }
        }
        if let Some(retention) = self.config.final_retention {
            report.purged = self
                .tracker
                .purge_final(retention, DEFAULT_PER_PASS)
                .await?;
        }
        Ok(report)
    }

    /// Passes for ever, [`ResyncConfig::every`] apart. Errors are logged.
    pub async fn run(mut self) -> Infallible {
        loop {
            if let Err(e) = self.pass().await {
                tracing::warn!(error = %e, "re-sync pass failed");
            }
            tokio::time::sleep(self.config.every).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::{PushOrderStatus as P, StoreFuture};
    use crate::tracking::{HistoryEntry, MemoryTrackerStore, OrderState, TrackerStore};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers from a script, and records when each poll came.
    struct Scripted {
        calls: Mutex<Vec<Instant>>,
        fail_first: Mutex<u32>,
    }

    impl Poller for Scripted {
        fn poll<'a>(&'a self, key: &'a OrderKey) -> PollFuture<'a> {
            Box::pin(async move {
                self.calls.lock().unwrap().push(Instant::now());
                let mut fail = self.fail_first.lock().unwrap();
                if *fail > 0 {
                    *fail -= 1;
                    return Err(PollError::Failed("HTTP 503".into()));
                }
                match key.platform {
                    Platform::Taobao => Ok(Status::Taobao(TaobaoStatus::WaitSellerSendGoods)),
                    Platform::Ali1688 => {
                        Ok(Status::Ali1688(crate::ali1688::OrderStatus::WaitSellerSend))
                    }
                    other => Err(PollError::NotPollable(other.to_string())),
                }
            })
        }
    }

    async fn tracker_with(n: usize) -> Tracker {
        let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
        for i in 0..n {
            tracker
                .watch(OrderKey::new(Platform::Ali1688, format!("{i}")))
                .await
                .unwrap();
        }
        tracker
    }

    #[tokio::test(start_paused = true)]
    async fn polls_respect_the_budget() {
        let tracker = tracker_with(11).await;
        let poller = Arc::new(Scripted {
            calls: Mutex::new(Vec::new()),
            fail_first: Mutex::new(0),
        });
        let config = ResyncConfig::default()
            .stale_after(Duration::ZERO)
            .budget(5.0, 1);
        let mut resync = Resyncer::new(tracker.clone(), poller.clone(), config);
        let start = Instant::now();
        let report = resync.pass().await.unwrap();
        assert_eq!(report.polled, 11);
        assert_eq!(report.changed, 11);
        let calls = poller.calls.lock().unwrap().clone();
        // 1 at once, then one every 200 ms: 10 × 200 ms.
        assert_eq!(calls[0] - start, Duration::ZERO);
        for w in calls.windows(2) {
            assert!(
                w[1] - w[0] >= Duration::from_millis(199),
                "{:?}",
                w[1] - w[0]
            );
        }
        assert!(calls[10] - start >= Duration::from_millis(1990));
        // Polled again (stale_after is zero): the same answers change nothing.
        let report = resync.pass().await.unwrap();
        assert_eq!((report.polled, report.changed), (11, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn failures_back_off() {
        let tracker = tracker_with(1).await;
        let poller = Arc::new(Scripted {
            calls: Mutex::new(Vec::new()),
            fail_first: Mutex::new(3),
        });
        let config = ResyncConfig::default()
            .stale_after(Duration::ZERO)
            .budget(100.0, 10)
            .backoff(Duration::from_secs(1), Duration::from_secs(60));
        let mut resync = Resyncer::new(tracker, poller.clone(), config);
        let start = Instant::now();
        let mut changed = 0;
        while changed == 0 {
            let r = resync.pass().await.unwrap();
            changed = r.changed;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let calls = poller.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 4);
        // Back-offs 1 s, 2 s, 4 s.
        let gaps: Vec<_> = calls.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps[0] >= Duration::from_secs(1), "{gaps:?}");
        assert!(gaps[1] >= Duration::from_secs(2), "{gaps:?}");
        assert!(gaps[2] >= Duration::from_secs(4), "{gaps:?}");
        assert!(calls[3] - start < Duration::from_secs(9), "{gaps:?}");
    }

    #[tokio::test]
    async fn taobao_without_a_path_is_not_pollable() {
        let client = Client::builder()
            .credentials(crate::Credentials::new("k", "s", "u"))
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let poller = ClientPoller::new(client);
        let err = poller
            .poll(&OrderKey::new(Platform::Taobao, "1"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, PollError::NotPollable(r) if r.contains("TB-O14")),
            "{err}"
        );
        let tracker = tracker_with(0).await;
        tracker
            .watch(OrderKey::new(Platform::Taobao, "1"))
            .await
            .unwrap();
        let mut resync = Resyncer::new(
            tracker,
            Arc::new(poller),
            ResyncConfig::default().stale_after(Duration::ZERO),
        );
        let report = resync.pass().await.unwrap();
        assert_eq!(report.not_pollable.len(), 1);
        assert_eq!(report.polled, 1);
        let report = resync.pass().await.unwrap();
        assert_eq!(report.not_pollable.len(), 1);
        assert_eq!(report.polled, 0);
    }

    /// Answers one status for every order, or one error, and counts polls
    /// per order.
    struct Fixed {
        answer: Result<Status, PollError>,
        polled: Mutex<Vec<OrderKey>>,
    }

    impl Poller for Fixed {
        fn poll<'a>(&'a self, key: &'a OrderKey) -> PollFuture<'a> {
            Box::pin(async move {
                self.polled.lock().unwrap().push(key.clone());
                self.answer.clone()
            })
        }
    }

    fn fixed(answer: Result<Status, PollError>) -> Arc<Fixed> {
        Arc::new(Fixed {
            answer,
            polled: Mutex::new(Vec::new()),
        })
    }

    const HOUR_MS: u64 = 3_600_000;

    /// A tracker of `recent` orders just paid (not due for an hour), and
    /// one order paid (dated by the platform) that then got a cancel push
    /// dated only by its receive time: a conflict.
    async fn with_a_conflict(recent: usize) -> (Tracker, OrderKey) {
        let tracker = tracker_with(0).await;
        let sent = Status::Push(P::WaitingForSent);
        for i in 0..recent {
            let key = OrderKey::new(Platform::Ali1688, format!("r{i}"));
            tracker
                .observe(key, sent.clone(), ObservedAt::platform(1), Cause::Poll)
                .await
                .unwrap();
        }
        let key = OrderKey::new(Platform::Ali1688, "conflicted");
        let push = |n: &str| Cause::Push {
            dedup_key: n.into(),
            message_id: None,
        };
        tracker
            .observe(
                key.clone(),
                sent,
                ObservedAt::platform(now_ms()),
                push("pay"),
            )
            .await
            .unwrap();
        let f = tracker
            .observe(
                key.clone(),
                Status::Push(P::Cancel),
                ObservedAt::received(now_ms()),
                push("cancel"),
            )
            .await
            .unwrap();
        assert_eq!(f.outcome, Outcome::Conflict);
        (tracker, key)
    }

    fn an_hour() -> ResyncConfig {
        ResyncConfig::default()
            .stale_after(Duration::from_millis(HOUR_MS))
            .budget(1000.0, 100)
    }

    /// An unorderable conflict is settled by a poll at the next pass (not
    /// an hour later), and the poll's answer moves the state, not the push.
    #[tokio::test]
    async fn a_conflict_is_polled_at_the_next_pass_and_the_poll_decides() {
        let (tracker, key) = with_a_conflict(20).await;
        let poller = fixed(Ok(Status::Ali1688(crate::ali1688::OrderStatus::Cancel)));
        let mut resync = Resyncer::new(tracker.clone(), poller.clone(), an_hour());
        let report = resync.pass().await.unwrap();
        assert_eq!((report.due, report.polled, report.changed), (1, 1, 1));
        assert_eq!(*poller.polled.lock().unwrap(), std::slice::from_ref(&key));
        let state = tracker.state(&key).await.unwrap().unwrap();
        assert!(state.is_final() && !state.conflict, "{state:?}");
        assert_eq!(state.cause, Cause::Poll);
        let report = resync.pass().await.unwrap();
        assert_eq!(report.due, 0);
    }

    /// Where the platform cannot be polled, a conflict is reported and the
    /// state stays; the order is not read again before `stale_after`.
    #[tokio::test]
    async fn a_conflict_on_a_platform_that_cannot_be_polled_stays_and_is_reported() {
        let (tracker, key) = with_a_conflict(5).await;
        let poller = fixed(Err(PollError::NotPollable("no path".into())));
        let mut resync = Resyncer::new(tracker.clone(), poller.clone(), an_hour());
        let report = resync.pass().await.unwrap();
        assert_eq!(report.due, 1);
        assert_eq!(report.not_pollable, [(key.clone(), "no path".to_owned())]);
        let state = tracker.state(&key).await.unwrap().unwrap();
        assert_eq!(state.status, Some(Status::Push(P::WaitingForSent)));
        assert!(state.conflict && state.checked_ms.is_some(), "{state:?}");
        assert_eq!(resync.pass().await.unwrap().due, 0);
    }

    /// A store that counts the states it hands out, by method.
    #[derive(Debug, Default)]
    struct Counting {
        inner: MemoryTrackerStore,
        got: AtomicUsize,
        due: AtomicUsize,
        full_reads: AtomicUsize,
    }

    impl TrackerStore for Counting {
        fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
            self.got.fetch_add(1, Ordering::Relaxed);
            self.inner.get(key)
        }
        fn commit<'a>(
            &'a self,
            expected: Option<u64>,
            state: &'a OrderState,
            entry: Option<&'a HistoryEntry>,
        ) -> StoreFuture<'a, bool> {
            self.inner.commit(expected, state, entry)
        }
        fn record<'a>(&'a self, entry: &'a HistoryEntry) -> StoreFuture<'a, ()> {
            self.inner.record(entry)
        }
        fn history<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Vec<HistoryEntry>> {
            self.inner.history(key)
        }
        fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>> {
            self.full_reads.fetch_add(1, Ordering::Relaxed);
            self.inner.orders()
        }
        fn due<'a>(&'a self, before: u64, limit: usize) -> StoreFuture<'a, Vec<OrderState>> {
            Box::pin(async move {
                let due = self.inner.due(before, limit).await?;
                self.due.fetch_add(due.len(), Ordering::Relaxed);
                Ok(due)
            })
        }
        fn purge_final<'a>(&'a self, before: u64, limit: usize) -> StoreFuture<'a, usize> {
            self.inner.purge_final(before, limit)
        }
    }

    /// The pass reads what is due, not the history: 1,000 tracked orders,
    /// 900 of them final, 10 due; the pass reads 10 states from the index
    /// and one more per poll (the fold's compare-and-set), and never lists
    /// the store.
    #[tokio::test]
    async fn a_pass_reads_only_the_due_orders() {
        let store = Arc::new(Counting::default());
        let two_hours_ago = now_ms() - 2 * HOUR_MS;
        for i in 0..1000u64 {
            let (status, changed) = match i % 100 {
                0..=89 => (Status::Push(P::Cancel), two_hours_ago),
                90..=98 => (Status::Push(P::WaitingForSent), now_ms()),
                _ => (Status::Push(P::WaitingForSent), two_hours_ago),
            };
            let key = OrderKey::new(Platform::Ali1688, i.to_string());
            let mut state = OrderState::new(key, changed, Cause::Poll);
            state.status = Some(status);
            state.version = 1;
            assert!(store.commit(None, &state, None).await.unwrap());
        }
        let tracker = Tracker::new(store.clone());
        let poller = fixed(Ok(Status::Push(P::WaitingForSent)));
        let mut resync = Resyncer::new(tracker, poller.clone(), an_hour().final_retention(None));
        let report = resync.pass().await.unwrap();
        assert_eq!((report.due, report.polled), (10, 10));
        assert_eq!(store.due.load(Ordering::Relaxed), 10);
        assert_eq!(store.got.load(Ordering::Relaxed), 10);
        assert_eq!(store.full_reads.load(Ordering::Relaxed), 0);
        assert!(
            poller
                .polled
                .lock()
                .unwrap()
                .iter()
                .all(|k| k.order_id.ends_with("99"))
        );
        // Polled: quiet again.
        assert_eq!(resync.pass().await.unwrap().due, 0);
        assert_eq!(store.due.load(Ordering::Relaxed), 10);
    }
}
