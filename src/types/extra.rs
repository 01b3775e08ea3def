//! [`Extra`]: the fields of a response the SDK does not model, kept as raw JSON.

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
pub struct Extra {
    fields: Vec<(String, Box<RawValue>)>,
    /// The keys the owning model reads into typed fields (set when a
    /// [`model`](crate::model::model) is decoded), for [`Extra::get`]'s
    /// warning.
    typed: Option<&'static TypedKeys>,
}

/// The wire keys a [`model`](crate::model::model) reads into typed fields,
/// with each field's name: written by the macro, read by [`Extra`] to make a
/// read of such a key through `extra` loud. Not part of the API.
#[doc(hidden)]
#[derive(Debug)]
pub struct TypedKeys {
    /// The model's Rust path.
    pub model: &'static str,
    /// `(wire key, field name)`, aliases included.
    pub keys: &'static [(&'static str, &'static str)],
}

impl Extra {
    /// An empty set.
    pub fn new() -> Self {
        Extra {
            fields: Vec::new(),
            typed: None,
        }
    }

    /// The raw JSON of a field, if the server sent it.
    ///
    /// A key that the owning model reads into a typed field (for example
    /// `offerId`, which [`OfferSummary::offer_id`](crate::ali1688::OfferSummary)
    /// holds since it moved out of `extra`) is never here: the read returns
    /// `None`, and, because that `None` is a bug in the caller rather than
    /// an absent field, it is made loud: a `WARN` log (target
    /// `xportcn::extra`) naming the typed field to read instead and the
    /// caller's file and line, once per call site, and the counter
    /// `xportcn_extra_typed_key_reads_total{model, key}` on every such read.
    /// [`Extra::typed_field`] answers the same question without a log.
    #[track_caller]
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.lookup(key, std::panic::Location::caller())
    }

    fn lookup(
        &self,
        key: &str,
        caller: &'static std::panic::Location<'static>,
    ) -> Option<&RawValue> {
        let found = self
            .fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v);
        if found.is_none() {
            self.warn_if_typed(key, caller);
        }
        found
    }

    /// The model's typed field that holds `key`, when the model reads that
    /// key into a field rather than keeping it here: `Some("offer_id")` for
    /// `offerId` on a 1688 search item. `None` for a key the model does not
    /// type (or for an `Extra` that no model decoded).
    pub fn typed_field(&self, key: &str) -> Option<&'static str> {
        self.typed_entry(key).map(|(_, field)| field)
    }

    fn typed_entry(&self, key: &str) -> Option<(&'static str, &'static str)> {
        self.typed?.keys.iter().find(|(k, _)| *k == key).copied()
    }

    fn warn_if_typed(&self, key: &str, caller: &'static std::panic::Location<'static>) {
        let (Some(typed), Some((key, field))) = (self.typed, self.typed_entry(key)) else {
            return;
        };
        metrics::counter!(
            "xportcn_extra_typed_key_reads_total",
            "model" => typed.model,
            "key" => key,
        )
        .increment(1);
        // Once per call site and key: the set is bounded by the code's own
        // call sites times the models' typed keys (all `'static`).
        type Seen = std::collections::HashSet<(&'static str, &'static str, &'static str, u32, u32)>;
        static SEEN: std::sync::OnceLock<std::sync::Mutex<Seen>> = std::sync::OnceLock::new();
        let first = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((
                typed.model,
                key,
                caller.file(),
                caller.line(),
                caller.column(),
            ));
        if first {
            tracing::warn!(
                target: "xportcn::extra",
                model = typed.model,
                key,
                field,
                at = %caller,
                "extra.get(\"{key}\") on {}: the SDK reads `{key}` into the typed field `{field}`, \
                 so it is never in `extra` and this read is always None; read `.{field}` instead",
                typed.model,
            );
        }
    }

    /// Parses a field into any type: `None` if absent, `Some(Err)` if it does
    /// not fit. Warns like [`Extra::get`] for a key the model types.
    #[track_caller]
    pub fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Option<Result<T, serde_json::Error>> {
        self.lookup(key, std::panic::Location::caller())
            .map(|raw| serde_json::from_str(raw.get()))
    }

    /// Whether the server sent this field. Warns like [`Extra::get`] for a
    /// key the model types.
    #[track_caller]
    pub fn contains_key(&self, key: &str) -> bool {
        self.lookup(key, std::panic::Location::caller()).is_some()
    }

    /// Marks this `Extra` as the one of a model that types `typed`'s keys.
    /// Called by the code [`model`](crate::model::model) writes.
    #[doc(hidden)]
    pub fn set_typed(&mut self, typed: &'static TypedKeys) {
        self.typed = Some(typed);
    }

    /// The field names, in the order received.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_str())
    }

    /// The fields and their raw JSON, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Adds a field with its raw JSON.
    pub fn push_raw(&mut self, key: String, value: Box<RawValue>) {
        self.fields.push((key, value));
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
        self.fields.push((key.into(), raw));
        Ok(())
    }

    /// Every field parsed into a `serde_json::Map` (builds the whole tree:
    /// use [`Extra::get_as`] to read one field).
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields
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
            .entries(self.fields.iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(&other.fields)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
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
