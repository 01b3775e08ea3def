//! The sandbox's clock: the system clock, shifted or frozen by a test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time the sandbox checks timestamps against and stamps its answers
/// and pushes with.
///
/// Cloning gives a handle on the same clock, so a test can keep one and move
/// time while the sandbox runs:
///
/// ```
/// use std::time::Duration;
/// use xportcn_sandbox::Clock;
///
/// let clock = Clock::frozen_at(1_715_669_977_082);
/// let handle = clock.clone();
/// handle.advance(Duration::from_secs(601));
/// assert_eq!(clock.now_millis(), 1_715_669_977_082 + 601_000);
/// ```
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Frozen: `value` is the epoch milliseconds. Running: `value` is an
    /// offset added to the system clock.
    frozen: AtomicBool,
    value: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl Clock {
    /// The system clock (the default).
    pub fn system() -> Self {
        Clock {
            inner: Arc::new(Inner {
                frozen: AtomicBool::new(false),
                value: AtomicI64::new(0),
            }),
        }
    }

    /// A clock stopped at `epoch_millis`; it moves only by [`Clock::advance`].
    pub fn frozen_at(epoch_millis: u64) -> Self {
        Clock {
            inner: Arc::new(Inner {
                frozen: AtomicBool::new(true),
                value: AtomicI64::new(i64::try_from(epoch_millis).unwrap_or(i64::MAX)),
            }),
        }
    }

    /// Moves the clock forward (a frozen clock, or the offset of a running
    /// one): requests signed at the old time look stale.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.inner.value.fetch_add(ms, Ordering::SeqCst);
    }

    /// Moves the clock back.
    pub fn rewind(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.inner.value.fetch_sub(ms, Ordering::SeqCst);
    }

    /// The clock's time in epoch milliseconds.
    pub fn now_millis(&self) -> u64 {
        let value = self.inner.value.load(Ordering::SeqCst);
        let ms = if self.inner.frozen.load(Ordering::SeqCst) {
            value
        } else {
            let sys = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis();
            i64::try_from(sys).unwrap_or(i64::MAX).saturating_add(value)
        };
        u64::try_from(ms).unwrap_or(0)
    }
}

/// `yyyy-MM-dd HH:mm:ss` in China time (UTC+8), the platform's message time
/// format.
pub(crate) fn china_time(epoch_millis: u64) -> String {
    let secs = i64::try_from(epoch_millis / 1000).unwrap_or(0) + 8 * 3600;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_time_matches_known_dates() {
        // 2024-05-14 06:59:37 UTC is 14:59:37 in China.
        assert_eq!(china_time(1_715_669_977_082), "2024-05-14 14:59:37");
        assert_eq!(china_time(0), "1970-01-01 08:00:00");
        // Leap day.
        assert_eq!(china_time(1_709_164_800_000), "2024-02-29 08:00:00");
    }

    #[test]
    fn a_running_clock_follows_the_system_clock_with_its_offset() {
        let c = Clock::system();
        let before = c.now_millis();
        c.advance(Duration::from_secs(3600));
        assert!(c.now_millis() >= before + 3_600_000);
        c.rewind(Duration::from_secs(7200));
        assert!(c.now_millis() < before);
    }
}
