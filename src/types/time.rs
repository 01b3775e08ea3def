//! [`Timestamp`]: a point in time in any of the platform's formats.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A point in time in any of the platform's formats, with the original kept.
///
/// Accepted: epoch milliseconds as a JSON number or string
/// (`1704853762000`, `"1779263269913"`), `yyyy-MM-dd HH:mm:ss` text (China
/// time, UTC+8: INFERRED, the docs do not say), and 1688's
/// `yyyyMMddHHmmssSSS±hhmm` (`20170913231916000-0700`). Anything else, such
/// as the malformed `"2018-02-07 15: 27: 58"` seen in the docs, still
/// deserializes: [`Timestamp::epoch_millis`] then returns `None` and
/// [`Timestamp::raw`] returns the text.
///
/// ```
/// # use xportcn::types::Timestamp;
/// let t: Timestamp = serde_json::from_str("\"1779263269913\"").unwrap();
/// assert_eq!(t.epoch_millis(), Some(1779263269913));
/// let t: Timestamp = serde_json::from_str("\"2024-01-08 22:10:32\"").unwrap();
/// assert_eq!(t.epoch_millis(), Some(1704723032000));
/// let t: Timestamp = serde_json::from_str("\"20170913231916000-0700\"").unwrap();
/// assert_eq!(t.epoch_millis(), Some(1505369956000));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    millis: Option<i64>,
}

impl Timestamp {
    /// Parses a timestamp from text in any supported format.
    pub fn parse(text: &str) -> Self {
        Timestamp {
            raw: text.to_owned(),
            millis: parse_time_millis(text),
        }
    }

    /// A timestamp from epoch milliseconds.
    pub fn from_epoch_millis(ms: i64) -> Self {
        Timestamp {
            raw: ms.to_string(),
            millis: Some(ms),
        }
    }

    /// Milliseconds since the Unix epoch, if the value was understood.
    pub fn epoch_millis(&self) -> Option<i64> {
        self.millis
    }

    /// The value as sent (numbers in plain decimal).
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?}", self.raw)?;
        match self.millis {
            Some(ms) => write!(f, ", {ms} ms)"),
            None => f.write_str(", unparsed)"),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a time as epoch milliseconds or date-time text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Ok(Timestamp::parse(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        Ok(Timestamp {
            raw: v.to_string(),
            millis: i64::try_from(v).ok(),
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp::from_epoch_millis(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        let millis = (v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64);
        Ok(Timestamp {
            raw: format!("{v}"),
            millis,
        })
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimestampVisitor)
    }
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn civil_millis(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, ms: i64) -> Option<i64> {
    let valid = (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && (0..=23).contains(&h)
        && (0..=59).contains(&mi)
        && (0..=60).contains(&s);
    valid.then(|| ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms)
}

/// China Standard Time offset, used for `yyyy-MM-dd HH:mm:ss` texts.
const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;

fn parse_time_millis(text: &str) -> Option<i64> {
    let t = text.trim();
    // Epoch milliseconds as text.
    if let Some(n) = digits(t).filter(|_| t.len() <= 15) {
        return Some(n);
    }
    let b = t.as_bytes();
    // yyyy-MM-dd HH:mm:ss (China time).
    if b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
    {
        let n = |r: std::ops::Range<usize>| digits(&t[r]);
        let ms = civil_millis(
            n(0..4)?,
            n(5..7)?,
            n(8..10)?,
            n(11..13)?,
            n(14..16)?,
            n(17..19)?,
            0,
        )?;
        return Some(ms - CHINA_OFFSET_MS);
    }
    // yyyyMMddHHmmssSSS±hhmm (1688).
    if b.len() == 22 && (b[17] == b'-' || b[17] == b'+') {
        let n = |r: std::ops::Range<usize>| digits(&t[r]);
        let local = civil_millis(
            n(0..4)?,
            n(4..6)?,
            n(6..8)?,
            n(8..10)?,
            n(10..12)?,
            n(12..14)?,
            n(14..17)?,
        )?;
        let offset = (n(18..20)? * 60 + n(20..22)?) * 60_000;
        let sign = if b[17] == b'-' { -1 } else { 1 };
        return Some(local - sign * offset);
    }
    None
}

// ---------------------------------------------------------------------------
// Lenient scalar helpers
// ---------------------------------------------------------------------------
