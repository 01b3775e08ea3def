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
