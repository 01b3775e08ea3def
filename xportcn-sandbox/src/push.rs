//! Message pushes: the sandbox posts a message for each state change to the
//! registered URL, signed as `docs/platform.md` §4 describes, and retries a push
//! that is not answered with HTTP 200 in time, at most 5 times.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use tokio::task::AbortHandle;

use super::clock::Clock;
use xportcn::Credentials;
use xportcn::callbacks::sign_push_with;
use xportcn::signing::generate_nonce;

/// `messagePlatform` of Taobao messages.
pub(crate) const TAOBAO: u8 = 0;
/// `messagePlatform` of 1688 messages.
pub(crate) const ALI1688: u8 = 1;

/// A message the sandbox pushed (or tried to), as
/// [`Sandbox::pushes`](super::Sandbox::pushes) returns it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PushRecord {
    /// The message's `id`.
    pub id: u64,
    /// `messageType`, such as `ORDER_PAY_SUCCESS`.
    pub message_type: String,
    /// `messagePlatform`: 0 Taobao, 1 1688.
    pub platform: u8,
    /// The body of the last attempt (its `retryCount` is the attempt's); for
    /// a dropped push, the body its first attempt would have sent.
    pub body: String,
    /// One entry per attempt, oldest first.
    pub attempts: Vec<PushAttempt>,
    /// Whether an attempt was answered with HTTP 200 in time.
    pub delivered: bool,
    /// The fault the push-fault rule (see [`Sandbox::set_push_faults`](super::Sandbox::set_push_faults))
    /// applied to this push, if any.
    pub fault: Option<PushFault>,
}

/// What the sandbox does with one push, as a push-fault rule decides (see
/// [`Sandbox::set_push_faults`](super::Sandbox::set_push_faults)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PushFault {
    /// Deliver it as usual (with retries).
    #[default]
    Deliver,
    /// Never deliver it: the push is lost for good, as when the platform
    /// gives up after its retries. Its record shows no attempt and
    /// `delivered == false`.
    Drop,
    /// Deliver it after this long. Pushes made in the meantime are
    /// delivered first: this is how a test reorders pushes.
    Delay(Duration),
}

/// A push about to be delivered, as a push-fault rule sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct PushInfo<'a> {
    /// The message's `id` (1, 2, 3, ... in push order).
    pub id: u64,
    /// `messageType`, such as `ORDER_PAY_SUCCESS`.
    pub message_type: &'a str,
    /// `messagePlatform`: 0 Taobao, 1 1688.
    pub platform: u8,
    /// `messageBody`.
    pub body: &'a Value,
}

/// A rule deciding each push's fate.
pub(crate) type FaultRule = Arc<dyn Fn(&PushInfo<'_>) -> PushFault + Send + Sync>;

/// One attempt to deliver a push.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushAttempt {
    /// The receiver's HTTP status, if it answered in time.
    pub status: Option<u16>,
    /// What went wrong otherwise (timeout, refused connection).
    pub error: Option<String>,
}

/// How pushes are delivered.
#[derive(Debug, Clone)]
pub(crate) struct PushConfig {
    pub retry_interval: Duration,
    pub max_retries: u32,
    pub ack_timeout: Duration,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            // docs/platform.md §4: every 30 minutes, at most 5 times, 1000 ms to answer.
            retry_interval: Duration::from_secs(30 * 60),
            max_retries: 5,
            ack_timeout: Duration::from_millis(1000),
        }
    }
}

pub(crate) struct Pusher {
    pub(crate) url: Mutex<Option<String>>,
    records: Mutex<Vec<PushRecord>>,
    /// The deliveries still running, by message id, to stop an evicted one.
    tasks: Mutex<HashMap<u64, AbortHandle>>,
    changed: Notify,
    config: PushConfig,
    creds: Credentials,
    clock: Clock,
    http: xportcn::reqwest::Client,
    next_id: Mutex<u64>,
    develop_id: String,
    pub(crate) faults: Mutex<Option<FaultRule>>,
}

impl Pusher {
    pub(crate) fn new(
        config: PushConfig,
        creds: Credentials,
        clock: Clock,
        url: Option<String>,
        develop_id: String,
    ) -> Self {
        let http = xportcn::reqwest::Client::builder()
            .no_proxy()
            .redirect(xportcn::reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Pusher {
            url: Mutex::new(url),
            records: Mutex::new(Vec::new()),
            tasks: Mutex::new(HashMap::new()),
            changed: Notify::new(),
            config,
            creds,
            clock,
            http,
            next_id: Mutex::new(1),
            develop_id,
            faults: Mutex::new(None),
        }
    }

    /// Sets the push-fault rule from the builder.
    pub(crate) fn with_faults(self, rule: Option<FaultRule>) -> Self {
        *lock(&self.faults) = rule;
        self
    }

    pub(crate) fn records(&self) -> Vec<PushRecord> {
        lock(&self.records).clone()
    }

    /// Waits until `ready` holds for the records, or `timeout` passes.
    pub(crate) async fn wait_for(
        &self,
        timeout: Duration,
        ready: impl Fn(&[PushRecord]) -> bool,
    ) -> Vec<PushRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            {
                let records = lock(&self.records);
                if ready(&records) {
                    return records.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.records();
            }
        }
    }

    /// Queues a message and delivers it in the background, unless the
    /// push-fault rule drops or delays it.
    pub(crate) fn push(
        self: &Arc<Self>,
        message_type: &str,
        platform: u8,
        body: Value,
        shutdown: &watch::Receiver<bool>,
    ) {
        let id = {
            let mut records = lock(&self.records);
            // The id is taken under the records' lock, so records stay
            // sorted by id.
            let id = {
                let mut next = lock(&self.next_id);
                let id = *next;
                *next += 1;
                id
            };
            // Bounded: the oldest record goes, and its delivery with it.
            while records.len() >= super::MAX_PUSH_RECORDS {
                let gone = records.remove(0);
                if let Some(task) = lock(&self.tasks).remove(&gone.id) {
                    task.abort();
                }
            }
            records.push(PushRecord {
                id,
                message_type: message_type.to_owned(),
                platform,
                body: String::new(),
                attempts: Vec::new(),
                delivered: false,
                fault: None,
            });
            id
        };
        // The user's rule runs outside the sandbox's locks.
        let rule = lock(&self.faults).clone();
        let fault = rule.map(|rule| {
            rule(&PushInfo {
                id,
                message_type,
                platform,
                body: &body,
            })
        });
        let dropped = matches!(fault, Some(PushFault::Drop));
        let text = dropped.then(|| self.envelope(id, message_type, platform, &body, 0));
        self.update(id, |r| {
            r.fault = fault;
            if let Some(text) = text {
                r.body = text;
            }
        });
        if dropped {
            self.changed.notify_waiters();
            return;
        }
        let delay = match fault {
            Some(PushFault::Delay(d)) => d,
            _ => Duration::ZERO,
        };
        let this = Arc::clone(self);
        let mut shutdown = shutdown.clone();
        let message_type = message_type.to_owned();
        let task = tokio::spawn(async move {
            tokio::select! {
                () = async {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    this.deliver(id, &message_type, platform, body).await;
                } => {}
                _ = shutdown.wait_for(|stop| *stop) => {}
            }
            lock(&this.tasks).remove(&id);
        });
        let mut tasks = lock(&self.tasks);
        if !task.is_finished() {
            tasks.insert(id, task.abort_handle());
        }
    }

    /// Changes the record of push `id` if it is still kept (ids grow, so
    /// the records are sorted by id; an evicted one is no longer found).
    fn update(&self, id: u64, change: impl FnOnce(&mut PushRecord)) {
        let mut records = lock(&self.records);
        if let Ok(at) = records.binary_search_by_key(&id, |r| r.id) {
            change(&mut records[at]);
        }
    }

    /// The pushed JSON text of attempt `retry`.
    fn envelope(
        &self,
        id: u64,
        message_type: &str,
        platform: u8,
        body: &Value,
        retry: u32,
    ) -> String {
        json!({
            "messageType": message_type,
            "messageBody": body,
            "messagePlatform": platform,
            "timestamp": self.clock.now_millis().to_string(),
            "retryCount": retry,
            "developId": self.develop_id,
            "id": id,
        })
        .to_string()
    }

    async fn deliver(&self, id: u64, message_type: &str, platform: u8, body: Value) {
        for retry in 0..=self.config.max_retries {
            if retry > 0 {
                tokio::time::sleep(self.config.retry_interval).await;
            }
            let text = self.envelope(id, message_type, platform, &body, retry);
            let url = lock(&self.url).clone();
            let attempt = match url {
                None => PushAttempt {
                    status: None,
                    error: Some("no callback URL is registered".to_owned()),
                },
                Some(url) => self.attempt(&url, &text).await,
            };
            let delivered = attempt.status == Some(200);
            self.update(id, |r| {
                r.body = text;
                r.attempts.push(attempt);
                r.delivered = delivered;
            });
            self.changed.notify_waiters();
            if delivered {
                return;
            }
        }
    }

    async fn attempt(&self, url: &str, text: &str) -> PushAttempt {
        let nonce = generate_nonce();
        let nonce = std::str::from_utf8(&nonce).unwrap_or_default().to_owned();
        let ts = self.clock.now_millis().to_string();
        let headers = sign_push_with(&self.creds, text.as_bytes(), &ts, &nonce);
        let sent = self
            .http
            .post(url)
            .headers(headers)
            .body(text.to_owned())
            .timeout(self.config.ack_timeout)
            .send()
            .await;
        match sent {
            Ok(resp) => PushAttempt {
                status: Some(resp.status().as_u16()),
                error: None,
            },
            Err(e) => PushAttempt {
                status: None,
                error: Some(if e.is_timeout() {
                    format!(
                        "no answer within {} ms",
                        self.config.ack_timeout.as_millis()
                    )
                } else {
                    e.to_string()
                }),
            },
        }
    }
}

/// Locks a mutex, going on with the data if a holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn push_records_are_bounded_and_evicted_deliveries_stop() {
        // Regression (issue 19, finding 7): records grew without bound, and
        // each undelivered push kept a task retrying for hours.
        let pusher = Arc::new(Pusher::new(
            PushConfig::default(),
            Credentials::new("k", "s", "u"),
            Clock::frozen_at(1_715_669_977_082),
            None,
            "1".to_owned(),
        ));
        let (_stop, shutdown) = watch::channel(false);
        let n = super::super::MAX_PUSH_RECORDS + 3;
        for _ in 0..n {
            pusher.push("ORDER_CREATE", TAOBAO, json!({}), &shutdown);
        }
        let records = pusher.records();
        assert_eq!(records.len(), super::super::MAX_PUSH_RECORDS);
        assert_eq!(records[0].id, 4, "the 3 oldest are forgotten");
        assert!(records.windows(2).all(|w| w[0].id < w[1].id));
        assert!(lock(&pusher.tasks).len() <= super::super::MAX_PUSH_RECORDS);
    }
}
