//! [`Id`]: an identifier sent as a JSON number or string, every digit kept.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

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
