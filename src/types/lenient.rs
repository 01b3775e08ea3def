//! `deserialize_with` helpers for plain scalar fields that the platform sends
//! with either JSON type (`"1"` or `1`, `"true"` or `true`).
//!
//! Each helper reads an `Option`: `null` and an empty string become `None`.
//! Use them with `#[serde(default, deserialize_with = "...")]`.
//!
//! ```
//! use serde::Deserialize;
//! use xportcn::types::lenient;
//!
//! #[derive(Deserialize)]
//! struct Sku {
//!     #[serde(default, deserialize_with = "lenient::opt_i64")]
//!     quantity: Option<i64>,
//!     #[serde(default, deserialize_with = "lenient::opt_string")]
//!     category_id: Option<String>,
//! }
//! let s: Sku = serde_json::from_str(r#"{"quantity":"200","category_id":121452038}"#).unwrap();
//! assert_eq!(s.quantity, Some(200));
//! assert_eq!(s.category_id.as_deref(), Some("121452038"));
//! ```
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
pub fn id_as_number<S: serde::Serializer>(id: &crate::types::Id, s: S) -> Result<S::Ok, S::Error> {
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
