//! [`Platform`]: the one platform enum of pushes and tracked orders.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

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
