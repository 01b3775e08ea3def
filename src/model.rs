//! How response models are declared and read.
//!
//! A response model is its fields and nothing else. The [`model`](macro@model)
//! attribute turns a plain struct into a model that reads the platform's JSON
//! the way it really arrives (`docs/platform.md` §5):
//!
//! * every field is lenient: ids as numbers or strings ([`Id`]), numbers as
//!   strings, strings as numbers, `null` and `""` as `None`, `null` lists as
//!   empty, times in every format ([`Timestamp`]), decimals as exact text
//!   ([`Decimal`]);
//! * a missing field is `None` (or an empty list), never an error;
//! * a field the struct does not name is kept, as raw JSON text, in the
//!   `extra` field the attribute adds ([`Extra`]); nothing the server sends is
//!   lost, and no JSON tree is built for it;
//! * names are camelCase on the wire unless `rename_all = "snake_case"`; a
//!   field can take `#[model(rename = "..")]` and `#[model(alias = "..")]`;
//! * a field's evidence is a doc page unless it says otherwise:
//!   `#[model(client = "repo, file, commit")]` for a field a shipped public
//!   client reads, `#[model(recorded = "..")]` for one seen in a recorded
//!   answer. The rustdoc of the field gets an "Evidence" line, and
//!   [`EndpointSpec::response_fields`](crate::endpoint::EndpointSpec::response_fields)
//!   lists every typed field with its level.
//!
//! The model is read in one pass straight from the body text (no
//! `serde(flatten)` buffering), and also serializes back to the same shape.
//!
//! ```
//! use xportcn::model::model;
//! use xportcn::types::{Decimal, Id};
//!
//! /// A SKU as a shop sees it.
//! #[model]
//! pub struct Sku {
//!     /// SKU id.
//!     pub sku_id: Option<Id>,
//!     /// Stock.
//!     pub quantity: Option<i64>,
//!     /// Price in yuan.
//!     pub price: Option<Decimal>,
//!     /// Sale properties.
//!     pub tags: Vec<String>,
//! }
//!
//! let sku: Sku = serde_json::from_str(
//!     r#"{"skuId": 5123456789012345678, "quantity": "12", "price": 6.15, "tags": null, "new": [1]}"#,
//! ).unwrap();
//! assert_eq!(sku.sku_id.unwrap().as_str(), "5123456789012345678");
//! assert_eq!(sku.quantity, Some(12));
//! assert_eq!(sku.price.unwrap().as_str(), "6.15");
//! assert!(sku.tags.is_empty());
//! assert_eq!(sku.extra.get("new").unwrap().get(), "[1]");
//! ```
//!
//! A field's type is one of: `Option<T>` or `Vec<T>`, where `T` is `String`,
//! `i64`, `i32`, `u32`, `u64`, `f64`, `bool`, [`Id`], [`Decimal`],
//! [`Timestamp`], [`Fen`], [`Yuan`],
//! `serde_json::Value`, `Box<RawValue>`, a server-fed enum, or another model.
//!
//! [`Id`]: crate::types::Id
//! [`Decimal`]: crate::types::Decimal
//! [`Timestamp`]: crate::types::Timestamp
//! [`Fen`]: crate::types::Fen
//! [`Yuan`]: crate::types::Yuan
//! [`Extra`]: crate::types::Extra

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use xportcn_macros::model;

use crate::endpoint::ResponseFields;
use crate::types::{Decimal, Fen, Id, Timestamp, Yuan, lenient};

/// A value a model field can hold, read leniently: `None` for `null`, and for
/// the empty string where the type has no empty value.
///
/// Implemented for the scalar types listed in the [module docs](self), and by
/// [`model`](macro@model) for every model.
pub trait Scalar: Sized {
    /// Reads the value, or `None` for `null` (and for `""` where that means
    /// "absent").
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;

    /// Lists the typed fields inside the value (a model's); none for a
    /// plain value.
    #[doc(hidden)]
    fn nested_fields(_out: &mut ResponseFields) {}
}

/// A model field: `Option<T>` or `Vec<T>` of a [`Scalar`].
pub trait Field: Sized + Default {
    /// Reads the field's value.
    fn deserialize_field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// Whether serialization leaves the field out (`None`).
    fn is_absent(&self) -> bool {
        false
    }
    /// Lists the typed fields inside the value (a model's).
    #[doc(hidden)]
    fn nested_fields(_out: &mut ResponseFields) {}
}

impl<T: Scalar> Field for Option<T> {
    fn deserialize_field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_opt(d)
    }
    fn is_absent(&self) -> bool {
        self.is_none()
    }
    fn nested_fields(out: &mut ResponseFields) {
        T::nested_fields(out)
    }
}

struct ScalarSeed<T>(PhantomData<T>);

impl<'de, T: Scalar> DeserializeSeed<'de> for ScalarSeed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize_opt(d)
    }
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Scalar> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array (or null)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        if v.trim().is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // No capacity from the size hint: a hostile length must not reserve
        // memory the body does not back.
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(ScalarSeed::<T>(PhantomData))? {
            if let Some(item) = item {
                out.push(item);
            }
        }
        Ok(out)
    }
}

impl<T: Scalar> Field for Vec<T> {
    fn deserialize_field<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VecVisitor(PhantomData))
    }
    fn nested_fields(out: &mut ResponseFields) {
        T::nested_fields(out)
    }
}

/// Reads one model field; used by the code [`model`](macro@model) generates.
#[doc(hidden)]
pub struct FieldSeed<T>(PhantomData<T>);

impl<T> FieldSeed<T> {
    /// A seed for a field of type `T`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        FieldSeed(PhantomData)
    }
}

impl<'de, T: Field> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_field(d)
    }
}

/// An object key, borrowed from the body where possible; used by the code
/// [`model`](macro@model) generates.
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A page of a paged list, declared with `#[model(page(items = .., total = ..,
/// pages = ..))]`.
pub trait Page {
    /// One item of the list.
    type Item;
    /// The total number of items across all pages, when the server says.
    fn total(&self) -> Option<u64>;
    /// The total number of pages, when the server says.
    fn total_pages(&self) -> Option<u64>;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;

    /// The wire name of the items field (the `items = ..` of
    /// `#[model(page(..))]`, e.g. `"data"`); empty when not declared.
    const ITEMS_FIELD: &'static str = "";
    /// The wire name of the total-items field, when there is one.
    const TOTAL_FIELD: Option<&'static str> = None;
    /// The wire name of the total-pages field, when there is one.
    const TOTAL_PAGES_FIELD: Option<&'static str> = None;
}

/// A count field (`total`, `totalPage`) read as `u64`; used by the code
/// [`model`](macro@model) generates.
#[doc(hidden)]
pub trait Count {
    /// The count, if present and not negative.
    fn count(&self) -> Option<u64>;
}

impl Count for Option<i64> {
    fn count(&self) -> Option<u64> {
        self.and_then(|n| u64::try_from(n).ok())
    }
}

impl Count for Option<u64> {
    fn count(&self) -> Option<u64> {
        *self
    }
}

impl Count for Option<i32> {
    fn count(&self) -> Option<u64> {
        self.and_then(|n| u64::try_from(n).ok())
    }
}

impl Count for Option<u32> {
    fn count(&self) -> Option<u64> {
        self.map(u64::from)
    }
}

// ---------------------------------------------------------------------------
// Scalar implementations
// ---------------------------------------------------------------------------

impl Scalar for String {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        lenient::opt_string(d)
    }
}

impl Scalar for i64 {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        lenient::opt_i64(d)
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                match lenient::opt_i64(d)? {
                    None => Ok(None),
                    Some(v) => <$t>::try_from(v).map(Some).map_err(|_| {
                        de::Error::custom(format_args!(
                            "{v} is out of range for {}", stringify!($t)
                        ))
                    }),
                }
            }
        }
    )*};
}
narrow_int!(i32, u32);

impl Scalar for u64 {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        match lenient::opt_string(d)? {
            None => Ok(None),
            Some(s) => s.trim().parse().map(Some).map_err(|_| {
                de::Error::custom(format_args!("expected an unsigned integer, found {s:?}"))
            }),
        }
    }
}

impl Scalar for f64 {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        lenient::opt_f64(d)
    }
}

impl Scalar for bool {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        lenient::opt_bool(d)
    }
}

/// `null` and `""` read as `None`; anything else through `T`'s own lenient
/// `Deserialize`.
fn non_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    let v: Option<T> = Option::deserialize(d)?;
    Ok(v)
}

impl Scalar for Id {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(non_empty::<D, Id>(d)?.filter(|id| !id.as_str().is_empty()))
    }
}

impl Scalar for Decimal {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(non_empty::<D, Decimal>(d)?.filter(|v| !v.as_str().trim().is_empty()))
    }
}

impl Scalar for Timestamp {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(non_empty::<D, Timestamp>(d)?.filter(|v| !v.raw().trim().is_empty()))
    }
}

impl Scalar for Fen {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(lenient::opt_i64(d)?.map(Fen))
    }
}

impl Scalar for Yuan {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(Decimal::deserialize_opt(d)?.map(Yuan))
    }
}

impl Scalar for serde_json::Value {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(Some(serde_json::Value::deserialize(d)?).filter(|v| !v.is_null()))
    }
}

impl Scalar for Box<RawValue> {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Ok((raw.get() != "null").then_some(raw))
    }
}

/// Any JSON value: a model field whose shape is not known (seen only as
/// `null`, or as objects and plain values mixed), as
/// [`codegen`](crate::codegen) generates it. It is `serde_json::Value`,
/// named here so that generated code needs no other dependency than this
/// crate.
pub type JsonValue = serde_json::Value;

/// Serializes a value as a JSON string holding its JSON text: for request
/// parameters the platform takes as "JSON inside a string" (`params`,
/// `orderLineList`, `receiver`, `properties`). Use with
/// `#[serde(serialize_with = "xportcn::model::json_string")]`.
pub fn json_string<T: Serialize, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    let text = serde_json::to_string(v).map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Extra;

    #[model]
    pub struct Inner {
        /// A number.
        pub n: Option<i64>,
    }

    #[model]
    pub struct Outer {
        /// An id.
        pub item_id: Option<Id>,
        /// Nested.
        pub inner: Option<Inner>,
        /// List.
        pub list: Vec<Inner>,
        /// Renamed.
        #[model(rename = "mobile_phone", alias = "mobilePhone")]
        pub phone: Option<String>,
        /// Money.
        pub fee: Option<Fen>,
    }

    #[test]
    fn lenient_one_pass_and_lossless() {
        let text = r#"{"itemId":"12","inner":{"n":"5","x":true},"list":null,
            "mobilePhone":13800,"fee":"120","unknown":{"deep":[1,2,{"a":null}]}}"#;
        let o: Outer = serde_json::from_str(text).unwrap();
        assert_eq!(o.item_id.as_ref().unwrap(), "12");
        assert_eq!(o.inner.as_ref().unwrap().n, Some(5));
        assert_eq!(
            o.inner.as_ref().unwrap().extra.get("x").unwrap().get(),
            "true"
        );
        assert!(o.list.is_empty());
        assert_eq!(o.phone.as_deref(), Some("13800"));
        assert_eq!(o.fee, Some(Fen(120)));
        assert_eq!(
            o.extra.get("unknown").unwrap().get(),
            r#"{"deep":[1,2,{"a":null}]}"#
        );
        // Round trip keeps every field.
        let back: serde_json::Value = serde_json::to_value(&o).unwrap();
        assert_eq!(back["unknown"]["deep"][1], 2);
        assert_eq!(back["mobile_phone"], "13800");
        let empty: Outer = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, Outer::default());
        assert_eq!(empty.extra, Extra::default());
    }

    #[test]
    fn path_to_error_reaches_raw_values() {
        let text = r#"{"unknown":{"a":[1]},"inner":{"n":"x"}}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Outer>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "inner.n");
        let de = &mut serde_json::Deserializer::from_str(r#"{"unknown":{"a":[1]}}"#);
        let o: Outer = serde_path_to_error::deserialize(de).unwrap();
        assert_eq!(o.extra.get("unknown").unwrap().get(), r#"{"a":[1]}"#);
    }
}
