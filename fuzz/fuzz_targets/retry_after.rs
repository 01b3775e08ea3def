//! Arbitrary bytes as a `Retry-After` header value, through
//! `retry::parse_retry_after` and `retry::decide`.
//!
//! Invariants: no panic; a value that parses is either a whole number of
//! seconds, an HTTP date, or `Duration::MAX` ("cannot be waited for"), and a
//! `Duration::MAX` always stops the retries; `decide` never asks to wait
//! longer than `max_retry_after` nor past the remaining time.
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use xportcn::retry::{AttemptOutcome, Decision, RetryPolicy, decide, parse_retry_after};

fuzz_target!(|data: &[u8]| {
    let Some((&status_byte, rest)) = data.split_first() else {
        return;
    };
    // The value as a header would carry it: visible ASCII and spaces only.
    let Ok(value) = http::HeaderValue::from_bytes(rest) else {
        return;
    };
    let Ok(text) = value.to_str() else {
        return;
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_715_669_977);
    let parsed = parse_retry_after(text, now);
    let Some(delay) = parsed else {
        panic!("a present header always gives a delay: {text:?}");
    };
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(secs) = trimmed.parse::<u64>() {
            assert_eq!(delay, Duration::from_secs(secs));
        }
    } else if httpdate::parse_http_date(trimmed).is_err() {
        assert_eq!(delay, Duration::MAX, "{text:?}");
    }
    let policy = RetryPolicy::default();
    let status = [429u16, 502, 503, 504, 500, 200][usize::from(status_byte) % 6];
    let remaining = Duration::from_secs(u64::from(status_byte) * 7);
    match decide(
        &policy,
        true,
        1,
        AttemptOutcome::Status(status, parsed),
        remaining,
        0.5,
    ) {
        Decision::Retry(d) => {
            assert!(d <= Duration::from_secs(30), "{text:?} waited {d:?}");
            assert!(d < remaining);
            assert_ne!(delay, Duration::MAX);
        }
        Decision::Stop => {}
    }
});
