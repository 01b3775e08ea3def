//! When a failed attempt is sent again.
//!
//! The rules, all in the pure function [`decide`]:
//!
//! * Only calls that are safe to repeat are retried: endpoints declared
//!   idempotent (reads, previews, renders), or a write whose caller opted in
//!   for that call ([`Call::retry_writes`](crate::Call::retry_writes)).
//!   Create, pay, cancel, submit and other writes are otherwise sent once.
//! * Retried outcomes: connect errors, timeouts, connections that broke while
//!   the response was read, and HTTP 429, 502, 503 and 504. Everything else
//!   (500, 4xx, a platform error code, a decode error) is returned at once.
//! * Delay: the server's `Retry-After` when present (seconds or HTTP date;
//!   any other value is one the call cannot wait for, and stops it), else
//!   exponential backoff `base * 2^(attempt-1)` capped at `max_delay`,
//!   with "equal jitter" (a random point in the upper half of the interval).
//! * Stop when `max_attempts` is reached, when `Retry-After` asks for more than
//!   `max_retry_after` or cannot be read (the error's text says so), or when the delay would outlast the total timeout.
//! * Every attempt is signed afresh: a retry has a new nonce and timestamp.

use std::time::{Duration, SystemTime};

/// Retry settings. The defaults: 3 attempts, 200 ms base delay, 5 s maximum
/// delay, and `Retry-After` honoured up to 30 s.
///
/// ```
/// use std::time::Duration;
/// let policy = xportcn::retry::RetryPolicy::default().max_attempts(5).base_delay(Duration::from_millis(50));
/// assert_eq!(policy.attempts(), 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Delay before the first retry; doubles for each further retry.
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Upper bound of the backoff delay.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Longest `Retry-After` that is waited out; a longer one ends the call.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Total attempts allowed.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The connection could not be made; nothing reached the server.
    Connect,
    /// The attempt timed out (no headers, or a stalled body).
    Timeout,
    /// The connection broke after the request was sent.
    Connection,
    /// A response with this status and optional `Retry-After`.
    Status(u16, Option<Duration>),
}

/// The decision after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send a new attempt.
    Retry(Duration),
    /// Return the outcome to the caller.
    Stop,
}

/// Decides whether to retry after attempt number `attempt` (1-based).
///
/// `retry_allowed` is whether the call may be repeated at all (idempotent, or
/// opted in); `remaining` is what is left of the total timeout; `jitter` is a
/// random number in `[0, 1)`.
pub fn decide(
    policy: &RetryPolicy,
    retry_allowed: bool,
    attempt: u32,
    outcome: AttemptOutcome,
    remaining: Duration,
    jitter: f64,
) -> Decision {
    if !retry_allowed || attempt >= policy.max_attempts {
        return Decision::Stop;
    }
    let retry_after = match outcome {
        AttemptOutcome::Connect | AttemptOutcome::Timeout | AttemptOutcome::Connection => None,
        AttemptOutcome::Status(429 | 502 | 503 | 504, ra) => ra,
        AttemptOutcome::Status(..) => return Decision::Stop,
    };
    let delay = match retry_after {
        Some(ra) if ra > policy.max_retry_after => return Decision::Stop,
        Some(ra) => ra,
        None => {
            let exp = attempt.saturating_sub(1).min(20);
            let backoff = policy
                .base_delay
                .saturating_mul(1u32 << exp)
                .min(policy.max_delay);
            // `clamp` keeps NaN, and `mul_f64(NaN)` panics.
            let jitter = if jitter.is_nan() {
                0.0
            } else {
                jitter.clamp(0.0, 1.0)
            };
            // half + half * jitter, without `mul_f64` overflowing (a panic)
            // when `max_delay` is huge.
            let half = backoff / 2;
            half.saturating_add(half.mul_f64(jitter))
        }
    };
    if delay >= remaining {
        return Decision::Stop;
    }
    Decision::Retry(delay)
}

/// Parses a `Retry-After` value: delay seconds (a whole number, RFC 9110
/// §10.2.3) or an HTTP date (a past date is no delay).
///
/// A value that is neither (`-1`, `3600.0`, `1e9`, `soon`, a number too big
/// for a `u64`, an empty value) is a delay the call cannot wait for: it reads
/// as [`Duration::MAX`], which is over any
/// [`max_retry_after`](RetryPolicy::max_retry_after), so [`decide`] stops
/// instead of ignoring the header and retrying on its own schedule.
/// `None` is only for "no `Retry-After` header".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    match httpdate::parse_http_date(v) {
        Ok(when) => Some(when.duration_since(now).unwrap_or(Duration::ZERO)),
        Err(_) => Some(Duration::MAX),
    }
}

/// Why a `Retry-After` stopped a retry, for the error's text: `None` when
/// the value is one the call waits for under `policy`.
pub(crate) fn retry_after_refusal(
    policy: &RetryPolicy,
    raw: &str,
    delay: Duration,
) -> Option<String> {
    if delay <= policy.max_retry_after {
        return None;
    }
    Some(if delay == Duration::MAX {
        format!(
            "Retry-After {raw:?} cannot be waited for (it is neither a whole number of \
             seconds nor an HTTP date): not retried"
        )
    } else {
        format!(
            "Retry-After asks for {} s, more than max_retry_after ({} s): not retried",
            delay.as_secs(),
            policy.max_retry_after.as_secs()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(3600);
    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn retry_matrix() {
        let p = RetryPolicy::default();
        // (retry_allowed, attempt, outcome, expected)
        let cases: &[(bool, u32, AttemptOutcome, Decision)] = &[
            // Reads are retried on transient failures.
            (true, 1, AttemptOutcome::Connect, Decision::Retry(MS(100))),
            (true, 1, AttemptOutcome::Timeout, Decision::Retry(MS(100))),
            (
                true,
                1,
                AttemptOutcome::Connection,
                Decision::Retry(MS(100)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(429, None),
                Decision::Retry(MS(100)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(502, None),
                Decision::Retry(MS(100)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(503, None),
                Decision::Retry(MS(100)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(504, None),
                Decision::Retry(MS(100)),
            ),
            (
                true,
                2,
                AttemptOutcome::Status(503, None),
                Decision::Retry(MS(200)),
            ),
            // Not on other statuses.
            (true, 1, AttemptOutcome::Status(500, None), Decision::Stop),
            (true, 1, AttemptOutcome::Status(501, None), Decision::Stop),
            (true, 1, AttemptOutcome::Status(200, None), Decision::Stop),
            (true, 1, AttemptOutcome::Status(400, None), Decision::Stop),
            (true, 1, AttemptOutcome::Status(404, None), Decision::Stop),
            // Retry-After wins over backoff, within the cap.
            (
                true,
                1,
                AttemptOutcome::Status(429, Some(MS(2000))),
                Decision::Retry(MS(2000)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(503, Some(MS(0))),
                Decision::Retry(MS(0)),
            ),
            (
                true,
                1,
                AttemptOutcome::Status(503, Some(MS(60_000))),
                Decision::Stop,
            ),
            // A Retry-After the call cannot wait for stops (unreadable values
            // read as Duration::MAX: `parse_retry_after`).
            (
                true,
                1,
                AttemptOutcome::Status(503, Some(Duration::MAX)),
                Decision::Stop,
            ),
            (
                true,
                1,
                AttemptOutcome::Status(429, Some(Duration::MAX)),
                Decision::Stop,
            ),
            (
                true,
                1,
                AttemptOutcome::Status(502, Some(Duration::from_secs(u64::MAX))),
                Decision::Stop,
            ),
            // Attempts run out.
            (true, 3, AttemptOutcome::Status(503, None), Decision::Stop),
            (true, 3, AttemptOutcome::Connect, Decision::Stop),
            // Writes are never retried without opt-in, whatever happened.
            (false, 1, AttemptOutcome::Connect, Decision::Stop),
            (false, 1, AttemptOutcome::Timeout, Decision::Stop),
            (false, 1, AttemptOutcome::Connection, Decision::Stop),
            (false, 1, AttemptOutcome::Status(429, None), Decision::Stop),
            (
                false,
                1,
                AttemptOutcome::Status(503, Some(MS(1))),
                Decision::Stop,
            ),
        ];
        for &(allowed, attempt, outcome, want) in cases {
            let got = decide(&p, allowed, attempt, outcome, LONG, 0.0);
            assert_eq!(got, want, "allowed={allowed} attempt={attempt} {outcome:?}");
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy::default().max_attempts(30);
        let d = |attempt, jitter| match decide(
            &p,
            true,
            attempt,
            AttemptOutcome::Timeout,
            LONG,
            jitter,
        ) {
            Decision::Retry(d) => d,
            Decision::Stop => panic!("stopped"),
        };
        assert_eq!(d(1, 0.0), MS(100));
        assert_eq!(d(1, 1.0), MS(200));
        assert_eq!(d(3, 1.0), MS(800));
        assert_eq!(d(10, 1.0), Duration::from_secs(5));
        assert_eq!(d(29, 1.0), Duration::from_secs(5));
        assert!(d(2, 0.5) > d(2, 0.0) && d(2, 0.5) < d(2, 1.0));
    }

    #[test]
    fn stops_when_the_delay_outlasts_the_deadline() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, true, 1, AttemptOutcome::Timeout, MS(50), 0.0),
            Decision::Stop
        );
        assert_eq!(
            decide(
                &p,
                true,
                1,
                AttemptOutcome::Status(429, Some(MS(500))),
                MS(400),
                0.0
            ),
            Decision::Stop
        );
        assert_eq!(RetryPolicy::none().attempts(), 1);
        assert_eq!(
            decide(
                &RetryPolicy::none(),
                true,
                1,
                AttemptOutcome::Timeout,
                LONG,
                0.0
            ),
            Decision::Stop
        );
    }

    #[test]
    fn huge_delays_and_odd_jitter_do_not_panic() {
        // Regression: `mul_f64` panicked on a backoff near `Duration::MAX`
        // and on a NaN jitter.
        let p = RetryPolicy::default()
            .max_attempts(u32::MAX)
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX)
            .max_retry_after(Duration::MAX);
        for jitter in [0.0, 0.5, 1.0, f64::NAN, f64::INFINITY, -1.0] {
            for attempt in [1, 2, 30, u32::MAX - 1] {
                let d = decide(
                    &p,
                    true,
                    attempt,
                    AttemptOutcome::Timeout,
                    Duration::MAX,
                    jitter,
                );
                assert!(matches!(d, Decision::Retry(_) | Decision::Stop));
            }
        }
        let d = decide(
            &p,
            true,
            1,
            AttemptOutcome::Status(429, Some(Duration::MAX)),
            Duration::MAX,
            0.0,
        );
        assert_eq!(d, Decision::Stop, "a delay equal to what remains stops");
    }

    #[test]
    fn retry_after_formats() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        // Values the call cannot wait for read as "forever", so they stop
        // the retries (issue 19, finding 5); they used to be ignored.
        for unreadable in [
            "soon",
            "",
            "-1",
            "+5",
            "3600.0",
            "1e9",
            "99999999999999999999999",
            "0x10",
            "7 s",
        ] {
            assert_eq!(
                parse_retry_after(unreadable, now),
                Some(Duration::MAX),
                "{unreadable:?}"
            );
        }
        let p = RetryPolicy::default();
        for unreadable in ["-1", "3600.0", "1e9", "99999999999999999999999"] {
            let ra = parse_retry_after(unreadable, now);
            assert_eq!(
                decide(&p, true, 1, AttemptOutcome::Status(503, ra), LONG, 0.0),
                Decision::Stop,
                "{unreadable:?}"
            );
            let why = retry_after_refusal(&p, unreadable, ra.unwrap()).unwrap();
            assert!(why.contains("cannot be waited for"), "{why}");
        }
        let why = retry_after_refusal(&p, "3600", Duration::from_secs(3600)).unwrap();
        assert!(
            why.contains("3600 s") && why.contains("max_retry_after"),
            "{why}"
        );
        assert_eq!(retry_after_refusal(&p, "2", Duration::from_secs(2)), None);
    }
}
