//! The receive pipeline, in any HTTP framework: verify → store → answer.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::inbox::ops::{
    METRIC_ACK_SECONDS, METRIC_DUPLICATE, METRIC_RECEIVED, METRIC_REFUSED, METRIC_STORED,
    METRIC_UNAVAILABLE,
};
use super::inbox::{Appended, Inbox, Push};
use super::storage::StoreError;
use super::{Rejection, Verifier};

/// Default time [`receive`] gives the store before it answers 503: 800 ms,
/// inside the platform's 1000 ms.
pub const DEFAULT_STORE_BUDGET: Duration = Duration::from_millis(800);

/// What the receiver answers the platform, and why.
///
/// The text of the answer ([`Answer::text`]) never says why a push was
/// refused: a refusal's reason (and any advice on the configuration) is
/// for your logs, not for whoever sent the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Answer {
    /// 200 `success`: the push is now stored in the inbox.
    Stored {
        /// Its [`Message::dedup_key`](super::Message::dedup_key).
        dedup_key: String,
    },
    /// 200 `duplicate`: the same message is already stored (it was not
    /// stored again).
    Duplicate {
        /// Its [`Message::dedup_key`](super::Message::dedup_key).
        dedup_key: String,
    },
    /// 401 or 400 ([`Rejection::status`]): not authentic, a replay, or not
    /// a message.
    Rejected(Rejection),
    /// 503: the inbox or the replay store did not answer within the budget,
    /// so the platform retries. The push may or may not be stored: the
    /// retry finds it stored (200 `duplicate`) or stores it (200).
    Unavailable(StoreError),
}

impl Answer {
    /// The HTTP status to answer.
    pub fn status(&self) -> StatusCode {
        match self {
            Answer::Stored { .. } | Answer::Duplicate { .. } => StatusCode::OK,
            Answer::Rejected(r) => r.status(),
            Answer::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The body to answer: `success`, `duplicate`, or a word for the status
    /// that gives nothing away.
    pub fn text(&self) -> &'static str {
        match self {
            Answer::Stored { .. } => "success",
            Answer::Duplicate { .. } => "duplicate",
            Answer::Rejected(r) if r.status() == StatusCode::BAD_REQUEST => "malformed push",
            Answer::Rejected(_) => "unauthorized",
            Answer::Unavailable(_) => "busy, retry later",
        }
    }

    /// Whether the platform is told 200 (the push is stored).
    pub fn is_ok(&self) -> bool {
        self.status() == StatusCode::OK
    }
}

/// Receives one push: **verify** it, **store** it (its replay identity, then
/// the de-duplication claim and the append in one atomic step), and say
/// what to **answer**. A 200 is given only once the push is committed to
/// `inbox`.
///
/// `budget` bounds the store step (the platform waits 1000 ms; use
/// [`DEFAULT_STORE_BUDGET`]); past it the answer is 503.
///
/// ```
/// # async fn demo() {
/// use xportcn::Credentials;
/// use xportcn::callbacks::{DEFAULT_STORE_BUDGET, MemoryInbox, Verifier, receive, sign_push};
///
/// let creds = Credentials::new("my-access-key", "my-secret", "2100007341207");
/// let (verifier, inbox) = (Verifier::new(creds.clone()), MemoryInbox::new());
/// let body = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1"}}"#;
/// let headers = sign_push(&creds, body);
/// let answer = receive(&verifier, &inbox, &headers, body.to_vec().into(), DEFAULT_STORE_BUDGET).await;
/// assert_eq!((answer.status().as_u16(), answer.text()), (200, "success"));
/// # }
/// ```
pub async fn receive(
    verifier: &Verifier,
    inbox: &dyn Inbox,
    headers: &HeaderMap,
    body: Bytes,
    budget: Duration,
) -> Answer {
    let started = std::time::Instant::now();
    metrics::counter!(METRIC_RECEIVED).increment(1);
    let answer = receive_inner(verifier, inbox, headers, body, budget).await;
    record_answer(&answer, started.elapsed());
    answer
}

/// The reason label of a refusal: a fixed word, never data from the push.
fn refusal_reason(rejection: &Rejection) -> &'static str {
    match rejection {
        Rejection::Unsigned | Rejection::BodyNotSigned => "unsigned",
        Rejection::BadSignature { .. } | Rejection::AuthorizationBaseMismatch { .. } => {
            "bad_signature"
        }
        Rejection::StaleTimestamp { .. } | Rejection::FutureTimestamp { .. } => "stale",
        Rejection::Replay => "replay",
        Rejection::WrongAccessKey => "wrong_key",
        Rejection::MissingHeader(_) | Rejection::InvalidHeader(_) => "bad_header",
        Rejection::Malformed(_) => "malformed",
        _ => "other",
    }
}

/// Counts a refusal the receiver made before [`receive`] (too large, body
/// timeout, no buffer), with its fixed reason word.
pub(crate) fn record_refusal(reason: &'static str) {
    metrics::counter!(METRIC_REFUSED, "reason" => reason).increment(1);
}

/// The receiver's metrics of one answer (see [`inbox::ops`](super::inbox::ops)).
fn record_answer(answer: &Answer, took: Duration) {
    let outcome = match answer {
        Answer::Stored { .. } => {
            metrics::counter!(METRIC_STORED).increment(1);
            "stored"
        }
        Answer::Duplicate { .. } => {
            metrics::counter!(METRIC_DUPLICATE).increment(1);
            "duplicate"
        }
        Answer::Rejected(rejection) => {
            record_refusal(refusal_reason(rejection));
            "refused"
        }
        Answer::Unavailable(_) => {
            metrics::counter!(METRIC_UNAVAILABLE).increment(1);
            "unavailable"
        }
    };
    metrics::histogram!(METRIC_ACK_SECONDS, "outcome" => outcome).record(took.as_secs_f64());
}

async fn receive_inner(
    verifier: &Verifier,
    inbox: &dyn Inbox,
    headers: &HeaderMap,
    body: Bytes,
    budget: Duration,
) -> Answer {
    // 1. Verify: signatures, timestamp, the message parses.
    let checked = match verifier.check(headers, &body, SystemTime::now()) {
        Ok(checked) => checked,
        Err(rejection) => return Answer::Rejected(rejection),
    };
    // A message with neither an envelope `id` nor a `timestamp` cannot be
    // told from its retry by its content: when unsure, deliver (the receive
    // time makes the key unique).
    let dedup_key = if checked.message.is_identifiable() {
        checked.message.dedup_key()
    } else {
        format!(
            "{}:r{}-{:08x}",
            checked.message.dedup_key(),
            super::storage::now_ms(),
            rand::random::<u32>()
        )
    };
    // 2. Store: the replay identity (a retry of the same request goes on:
    //    the inbox de-duplicates it), then claim + append, one step.
    let store = async {
        match verifier.record(&checked).await {
            Ok(_) => {}
            Err(Rejection::StoreUnavailable(e)) => return Err(Answer::Unavailable(e)),
            Err(rejection) => return Err(Answer::Rejected(rejection)),
        }
        inbox
            .append(&Push::new(dedup_key.clone(), body))
            .await
            .map_err(Answer::Unavailable)
    };
    // 3. Answer.
    match tokio::time::timeout(budget, store).await {
        Ok(Ok(Appended::Stored)) => Answer::Stored { dedup_key },
        Ok(Ok(Appended::Duplicate)) => Answer::Duplicate { dedup_key },
        Ok(Err(answer)) => answer,
        Err(_) => Answer::Unavailable(StoreError::new(format!(
            "the store did not answer within {budget:?}"
        ))),
    }
}
