//! Money and decimals: [`Fen`] (integer 1/100 yuan), [`Yuan`] (decimal yuan)
//! and [`Decimal`] (any decimal kept as its exact text).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

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
