//! Lenient value types shared by every module.
//!
//! The platform is inconsistent about JSON types (see `docs/platform.md` §5):
//! ids arrive as numbers or strings and often exceed 2^53, numbers
//! arrive as strings, and times come as epoch milliseconds (number or string),
//! `yyyy-MM-dd HH:mm:ss` text, or 1688's `20170913231916000-0700`.
//!
//! * [`Id`] accepts a JSON number or string and never loses a digit.
//! * [`Decimal`] keeps a money amount or other decimal exactly as sent.
//! * [`Timestamp`] accepts every time format seen and keeps the original text.
//! * [`lenient`] holds `deserialize_with` helpers for plain `Option<i64>`,
//!   `Option<f64>`, `Option<String>` and `Option<bool>` fields that the server
//!   sends with either JSON type.
//! * [`Extra`] is the map every response struct flattens in, so a field the SDK
//!   does not model is never lost.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

/// Fields of a response object that the SDK does not model, kept verbatim as
/// raw JSON text.
///
/// Every model ([`model`](crate::model::model)) has an `extra: Extra` field,
/// so a field the platform adds (or one the docs never showed) is still
/// readable. Values stay as their JSON text, parsed only when asked for: no
/// JSON tree is built for fields nobody reads.
///
/// ```
/// # use xportcn::types::Extra;
/// let extra: Extra = serde_json::from_str(r#"{"newField": 1, "list": [{"a": "b"}]}"#).unwrap();
/// assert_eq!(extra.get_as::<i64>("newField").unwrap().unwrap(), 1);
/// assert_eq!(extra.get("list").unwrap().get(), r#"[{"a": "b"}]"#);
/// assert_eq!(extra.to_map()["list"][0]["a"], "b");
/// ```
#[derive(Clone, Default)]
pub struct Extra(Vec<(String, Box<RawValue>)>);

impl Extra {
    /// An empty set.
    pub fn new() -> Self {
        Extra(Vec::new())
    }

    /// The raw JSON of a field, if the server sent it.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// Parses a field into any type: `None` if absent, `Some(Err)` if it does
    /// not fit.
    pub fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Option<Result<T, serde_json::Error>> {
        self.get(key).map(|raw| serde_json::from_str(raw.get()))
    }

    /// Whether the server sent this field.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The field names, in the order received.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The fields and their raw JSON, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a field with its raw JSON.
    pub fn push_raw(&mut self, key: String, value: Box<RawValue>) {
        self.0.push((key, value));
    }

    /// Adds a field from any serializable value.
    ///
    /// # Errors
    /// When the value cannot be serialized to JSON.
    pub fn insert<T: Serialize + ?Sized>(
        &mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let raw = serde_json::value::to_raw_value(value)?;
        self.0.push((key.into(), raw));
        Ok(())
    }

    /// Every field parsed into a `serde_json::Map` (builds the whole tree:
    /// use [`Extra::get_as`] to read one field).
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .map(|(k, v)| {
                let value = serde_json::from_str(v.get()).unwrap_or(serde_json::Value::Null);
                (k.clone(), value)
            })
            .collect()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut out = Extra::new();
                while let Some(k) = map.next_key::<crate::model::Key<'de>>()? {
                    out.push_raw(k.into_string(), map.next_value()?);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------

/// An amount in integer fen (分, 1/100 yuan): Taobao purchase amounts and
/// order messages.
///
/// A distinct type from [`Yuan`] (1688's decimal amounts), so the two cannot
/// be added or compared by accident:
///
/// ```compile_fail
/// use xportcn::types::{Fen, Yuan};
/// let total = Fen(100) + Yuan::new("1.00"); // different units: does not compile
/// ```
///
/// ```
/// use xportcn::types::Fen;
/// assert_eq!(Fen(1050) + Fen(50), Fen(1100));
/// assert_eq!(Fen(1050).to_string(), "10.50 CNY");
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.0
    }
}

impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_sub(rhs.0))
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02} CNY", abs / 100, abs % 100)
    }
}

/// An amount in decimal yuan (元), kept as its exact text: 1688 order and
/// product amounts. A distinct type from [`Fen`].
///
/// ```
/// use xportcn::types::Yuan;
/// let y: Yuan = serde_json::from_str("6.15").unwrap();
/// assert_eq!(y.as_str(), "6.15");
/// assert_eq!(y.to_fen().map(|f| f.0), Some(615));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Yuan(pub Decimal);

impl Yuan {
    /// An amount from its decimal text.
    pub fn new(text: impl Into<String>) -> Self {
        Yuan(Decimal::new(text))
    }

    /// The amount as sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The amount in fen, exactly, when it has at most two decimals.
    pub fn to_fen(&self) -> Option<Fen> {
        let t = self.0.as_str().trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let frac = frac.trim_end_matches('0');
        if int.is_empty() && frac.is_empty() || frac.len() > 2 {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let cents: i64 = format!("{frac:0<2}").parse().ok()?;
        let v = whole.checked_mul(100)?.checked_add(cents)?;
        Some(Fen(if neg { -v } else { v }))
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} CNY", self.0.as_str())
    }
}

// ---------------------------------------------------------------------------
// Id
// ---------------------------------------------------------------------------

/// An identifier that the platform sends as a JSON number or a JSON string.
///
/// Numeric ids (`itemId`, `orderId`, `developId`, ...) are 16 to 19 digits and
/// exceed 2^53, so they are kept as their exact decimal text; opaque ids (the
/// v2 `offerMapId`, refund ids such as `TQ1429...`) are kept as sent. An id
/// always serializes as a JSON string.
///
/// A JSON number that is not an integer, or an integer beyond the 64-bit
/// range, is rejected with a decode error rather than silently rounded.
///
/// ```
/// # use xportcn::types::Id;
/// let a: Id = serde_json::from_str("1024285237573584051").unwrap();
/// let b: Id = serde_json::from_str("\"1024285237573584051\"").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.as_u64(), Some(1024285237573584051));
/// assert_eq!(a.to_string(), "1024285237573584051");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id(String);

impl Id {
    /// Wraps an id given as text.
    pub fn new(id: impl Into<String>) -> Self {
        Id(id.into())
    }

    /// The id as text, exactly as sent (numbers in plain decimal).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// Consumes the id and returns its text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({:?})", self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id(n.to_string())
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id(n.to_string())
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
    type Value = Id;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a JSON string or integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
        Ok(Id(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
        Ok(Id(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Id, E> {
        Ok(Id(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Id, E> {
        Err(E::custom(format_args!(
            "id {v} is not a 64-bit integer: a JSON number this large (or fractional) \
             cannot be read without losing digits; the raw body is kept in the error"
        )))
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdVisitor)
    }
}

// ---------------------------------------------------------------------------
// Decimal
// ---------------------------------------------------------------------------

/// A decimal amount (1688 prices in yuan, weights, rates) kept as its exact
/// text, accepted from a JSON number or string.
///
/// Use [`Decimal::to_f64`] for arithmetic where rounding is acceptable, or
/// [`Decimal::as_str`] to feed an exact decimal type of your choice.
///
/// ```
/// # use xportcn::types::Decimal;
/// let d: Decimal = serde_json::from_str("6.15").unwrap();
/// assert_eq!(d.as_str(), "6.15");
/// let s: Decimal = serde_json::from_str("\"6.15\"").unwrap();
/// assert_eq!(d, s);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Decimal(String);

impl Decimal {
    /// Wraps a decimal given as text.
    pub fn new(text: impl Into<String>) -> Self {
        Decimal(text.into())
    }

    /// The amount as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The amount as a float, if the text is a number.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.trim().parse().ok()
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a JSON number or string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Ok(Decimal(v.to_owned()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // `{}` on f64 prints the shortest text that reads back to the same
        // value, which is the text the server sent for any realistic amount.
        Ok(Decimal(format!("{v}")))
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

// ---------------------------------------------------------------------------
// Timestamp
// ---------------------------------------------------------------------------

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

/// The platform an order or a push is about: `messagePlatform` on the wire
/// (0 Taobao, 1 1688).
///
/// One type for every module: a push's [`Envelope::platform`](crate::callbacks::Envelope::platform)
/// and a tracked order's [`OrderKey::platform`](crate::tracking::OrderKey::platform)
/// are both this enum (also reachable as `callbacks::Platform` and
/// `tracking::Platform`). The server feeds it, so a value this SDK does not
/// know is kept ([`Platform::Unknown`]) rather than refused.
///
/// When a push has no `messagePlatform`, the SDK falls back to the platform
/// prefix of the message type (`TAOBAO_...` / `1688_...`), else
/// [`Platform::Unspecified`].
///
/// ```
/// use xportcn::types::Platform;
/// assert_eq!(Platform::from_code(1), Platform::Ali1688);
/// assert_eq!(Platform::from_code(7).code(), Some(7));
/// assert_eq!(Platform::Taobao.name(), "taobao");
/// assert_eq!(Platform::from_name("platform-7"), Some(Platform::Unknown(7)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Platform {
    /// `messagePlatform: 0`: Taobao.
    Taobao,
    /// `messagePlatform: 1`: 1688.
    Ali1688,
    /// A `messagePlatform` value this SDK does not know.
    Unknown(i64),
    /// No `messagePlatform` and no platform prefix on the message type.
    Unspecified,
}

impl Platform {
    /// The platform for a `messagePlatform` wire value.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Platform::Taobao,
            1 => Platform::Ali1688,
            n => Platform::Unknown(n),
        }
    }

    /// The `messagePlatform` wire value, if there is one.
    pub fn code(self) -> Option<i64> {
        match self {
            Platform::Taobao => Some(0),
            Platform::Ali1688 => Some(1),
            Platform::Unknown(n) => Some(n),
            Platform::Unspecified => None,
        }
    }

    /// The name stored with each tracked order and shown by `Display`:
    /// `taobao`, `1688`, `platform-<code>` for an unknown code, `unspecified`.
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Platform::Taobao => "taobao".into(),
            Platform::Ali1688 => "1688".into(),
            Platform::Unknown(n) => format!("platform-{n}").into(),
            Platform::Unspecified => "unspecified".into(),
        }
    }

    /// The platform of a stored name ([`Platform::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "taobao" => Some(Platform::Taobao),
            "1688" => Some(Platform::Ali1688),
            "unspecified" => Some(Platform::Unspecified),
            other => other
                .strip_prefix("platform-")
                .and_then(|n| n.parse().ok())
                .map(Platform::Unknown),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Serialized as its [`name`](Platform::name) (`"taobao"`, `"1688"`).
impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Platform::from_name(&text)
            .ok_or_else(|| de::Error::custom(format!("not a platform: {text:?}")))
    }
}

/// `deserialize_with` helpers for plain scalar fields that the platform sends
/// with either JSON type (`"1"` or `1`, `"true"` or `true`).
///
/// Each helper reads an `Option`: `null` and an empty string become `None`.
/// Use them with `#[serde(default, deserialize_with = "...")]`.
///
/// ```
/// use serde::Deserialize;
/// use xportcn::types::lenient;
///
/// #[derive(Deserialize)]
/// struct Sku {
///     #[serde(default, deserialize_with = "lenient::opt_i64")]
///     quantity: Option<i64>,
///     #[serde(default, deserialize_with = "lenient::opt_string")]
///     category_id: Option<String>,
/// }
/// let s: Sku = serde_json::from_str(r#"{"quantity":"200","category_id":121452038}"#).unwrap();
/// assert_eq!(s.quantity, Some(200));
/// assert_eq!(s.category_id.as_deref(), Some("121452038"));
/// ```
pub mod lenient {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};

    struct I64V;
    impl Visitor<'_> for I64V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer as a JSON number or string")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format_args!("integer {v} is out of range for i64")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format_args!("expected an integer, found {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| E::custom(format_args!("expected an integer, found the string {v:?}")))
        }
    }

    /// Reads an `Option<i64>` from a JSON integer or a string of digits.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(I64V)
    }

    struct F64V;
    impl Visitor<'_> for F64V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number as a JSON number or string")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse()
                .map(Some)
                .map_err(|_| E::custom(format_args!("expected a number, found the string {v:?}")))
        }
    }

    /// Reads an `Option<f64>` from a JSON number or a numeric string.
    pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(F64V)
    }

    /// `strict`: refuse a JSON integer too large for 64 bits (serde_json
    /// reads it as a float, so its digits are already lost) instead of
    /// writing the rounded value as text.
    struct StrV {
        strict: bool,
    }
    impl Visitor<'_> for StrV {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, number or boolean")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Integers within 64 bits arrive as u64/i64; an integral float
            // this large came from a longer integer, already rounded.
            if self.strict && v.fract() == 0.0 && v.abs() >= 9.223_372_036_854_776e18 {
                return Err(E::custom(format_args!(
                    "the number {v} is an integer beyond 64 bits: it cannot be read without \
                     losing digits (the server should send it as a string); the raw body is \
                     kept in the error"
                )));
            }
            Ok(Some(format!("{v}")))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
    }

    /// Reads an `Option<String>` from a JSON string, number or boolean.
    ///
    /// An integer beyond 64 bits is an error (its digits would be lost), not
    /// a rounded string.
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(StrV { strict: true })
    }

    /// [`opt_string`] that writes an integer beyond 64 bits as its rounded
    /// value: for the envelope's informational fields (`requestId`,
    /// `developId`, `msg`), where failing would hide the platform's answer.
    pub(crate) fn opt_string_lossy<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<String>, D::Error> {
        d.deserialize_any(StrV { strict: false })
    }

    struct BoolV;
    impl Visitor<'_> for BoolV {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean as true/false, 0/1 or their strings")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::custom(format_args!("expected a boolean, found {v}"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map_err(|_| E::custom(format_args!("expected a boolean, found {v}")))
                .and_then(|u| self.visit_u64(u))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim() {
                "" => Ok(None),
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(E::custom(format_args!(
                    "expected a boolean, found the string {v:?}"
                ))),
            }
        }
    }

    /// Reads an `Option<bool>` from `true`/`false`, `0`/`1` or their strings.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        d.deserialize_any(BoolV)
    }

    /// Serializes an id as a JSON number when it is all digits and fits in
    /// `u64`, else as a string. For request fields the docs type as integer
    /// (1688 `offerId`).
    pub fn id_as_number<S: serde::Serializer>(
        id: &crate::types::Id,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match id.as_u64() {
            Some(n) => s.serialize_u64(n),
            None => s.serialize_str(id.as_str()),
        }
    }

    /// [`id_as_number`] for an optional id (`None` as `null`; request
    /// fields skip it before it gets here).
    pub fn opt_id_as_number<S: serde::Serializer>(
        id: &Option<crate::types::Id>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => id_as_number(id, s),
            None => s.serialize_none(),
        }
    }

    /// [`id_as_number`] for each id of a list (request lists the docs type
    /// `array[integer]`).
    pub fn ids_as_numbers<S: serde::Serializer>(
        ids: &[crate::types::Id],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        struct AsNumber<'a>(&'a crate::types::Id);
        impl serde::Serialize for AsNumber<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                id_as_number(self.0, s)
            }
        }
        let mut seq = s.serialize_seq(Some(ids.len()))?;
        for id in ids {
            seq.serialize_element(&AsNumber(id))?;
        }
        seq.end()
    }

    /// [`ids_as_numbers`] for an optional list.
    pub fn opt_ids_as_numbers<S: serde::Serializer>(
        ids: &Option<Vec<crate::types::Id>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match ids {
            Some(ids) => ids_as_numbers(ids, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keeps_every_digit() {
        for text in [
            "18446744073709551615",
            "\"18446744073709551615\"",
            "9223372036854775807",
        ] {
            let id: Id = serde_json::from_str(text).unwrap();
            assert_eq!(id.as_str(), text.trim_matches('"'));
        }
        let id: Id = serde_json::from_str("\"WUnUC1cILiBjt-Jv3lDdlQ\"").unwrap();
        assert_eq!(id.as_u64(), None);
        assert_eq!(serde_json::to_string(&Id::from(5u64)).unwrap(), "\"5\"");
    }

    #[test]
    fn id_rejects_numbers_that_would_lose_digits() {
        let err = serde_json::from_str::<Id>("123456789012345678901234").unwrap_err();
        assert!(err.to_string().contains("losing digits"), "{err}");
        assert!(serde_json::from_str::<Id>("1.5").is_err());
        assert!(serde_json::from_str::<Id>("true").is_err());
    }

    #[test]
    fn timestamps_in_every_format() {
        let cases = [
            ("1704853762000", Some(1_704_853_762_000)),
            ("\"1779263269913\"", Some(1_779_263_269_913)),
            ("\"2026-05-20 15:40:00\"", Some(1_779_262_800_000)),
            ("\"20170913231708000-0700\"", Some(1_505_369_828_000)),
            ("\"2018-02-07 15: 27: 58\"", None),
            ("\"2018-13-07 15:27:58\"", None),
        ];
        for (json, want) in cases {
            let t: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(t.epoch_millis(), want, "{json}");
            assert_eq!(t.raw(), json.trim_matches('"'));
        }
    }

    #[test]
    fn lenient_scalars() {
        #[derive(Deserialize)]
        struct S {
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            a: Option<i64>,
            #[serde(default, deserialize_with = "lenient::opt_f64")]
            b: Option<f64>,
            #[serde(default, deserialize_with = "lenient::opt_string")]
            c: Option<String>,
            #[serde(default, deserialize_with = "lenient::opt_bool")]
            d: Option<bool>,
        }
        let s: S = serde_json::from_str(r#"{"a":"12","b":"1.5","c":7,"d":"1"}"#).unwrap();
        assert_eq!(
            (s.a, s.b, s.c.as_deref(), s.d),
            (Some(12), Some(1.5), Some("7"), Some(true))
        );
        let s: S = serde_json::from_str(r#"{"a":null,"b":"","c":null}"#).unwrap();
        assert_eq!((s.a, s.b, s.c, s.d), (None, None, None, None));
        assert!(serde_json::from_str::<S>(r#"{"a":"x"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"a":18446744073709551615}"#).is_err());
    }

    #[test]
    fn decimal_keeps_text() {
        let d: Decimal = serde_json::from_str("117.00").unwrap();
        assert_eq!(d.to_f64(), Some(117.0));
        let d: Decimal = serde_json::from_str("\"117.00\"").unwrap();
        assert_eq!(d.as_str(), "117.00");
    }
}
