//! The typed [`Message`] and its envelope.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::ali1688::{Ali1688Order, Ali1688PriceModify, Ali1688Refund};
use super::bigmajor::ParcelInbound;
use super::order::{OrderEvent, OrderSummary};
use super::taobao::{TaobaoPriceModify, TaobaoRefund};
use super::{CallbackError, Platform};
use crate::types::{Extra, Id, Timestamp, lenient};

/// Message type (without platform prefix) of the price change messages.
pub(super) const PRICE_MODIFY: &str = "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY";
/// Message type (without platform prefix) of the buyer refund messages.
pub(super) const BUYER_REFUND: &str = "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND";
/// Message types taken as the bigMajor parcel inbound callback (INFERRED:
/// the real name is not documented).
pub(super) const PARCEL_INBOUND_TYPES: &[&str] = &[
    "PACKAGE_INBOUND",
    "PARCEL_INBOUND",
    "WAREHOUSE_INBOUND",
    "PACKAGE_IN_STORAGE",
    "PARCEL_WAREHOUSE_INBOUND",
];

/// The envelope fields of a push, common to every [`Message`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Envelope {
    /// `messageType`, exactly as sent (with any `TAOBAO_` / `1688_` prefix).
    pub message_type: String,
    /// The platform: `messagePlatform`, else the type's prefix.
    pub platform: Platform,
    /// `messagePlatform` as sent (number or numeric string), if present.
    pub platform_code: Option<i64>,
    /// `timestamp`: push time (epoch ms as a string in the manual; a
    /// `yyyy-MM-dd HH:mm:ss` text in the Taobao mock sample).
    pub timestamp: Option<Timestamp>,
    /// `retryCount`, if sent.
    pub retry_count: Option<u32>,
    /// `developId`, if sent.
    pub develop_id: Option<Id>,
    /// `id` of the push record, if sent.
    pub id: Option<Id>,
    /// Whether `messageBody` arrived as a JSON-encoded string.
    pub body_was_string: bool,
    /// Every other envelope field, as sent.
    pub extra: Extra,
}

/// A pushed message, typed by `messageType` and `messagePlatform`.
///
/// Dispatch rules (the message type is compared without a `TAOBAO_` /
/// `1688_` prefix; the platform is `messagePlatform`, else the prefix):
///
/// | message type | platform 0 (Taobao) | platform 1 (1688) |
/// |---|---|---|
/// | `ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY` | [`TaobaoPriceModify`](Message::TaobaoPriceModify) | [`Ali1688PriceModify`](Message::Ali1688PriceModify) |
/// | `ORDER_CREATE`, `ORDER_CANCEL`, `ORDER_PAY_SUCCESS` | [`TaobaoOrderStatus`](Message::TaobaoOrderStatus) | [`Ali1688OrderStatus`](Message::Ali1688OrderStatus) |
/// | `ORDER_BUYER_VIEW_ORDER_BUYER_REFUND` | [`TaobaoRefund`](Message::TaobaoRefund) | [`Ali1688Refund`](Message::Ali1688Refund) |
/// | `PACKAGE_INBOUND`, `PARCEL_INBOUND`, `WAREHOUSE_INBOUND`, ... | [`ParcelInbound`](Message::ParcelInbound) | same |
///
/// For any other message type the body's **shape** decides, so that a
/// message is not lost because its type name differs from the docs:
///
/// * platform 0 and a body with `salesOrderId` and `subOrders` → a Taobao
///   price change. The PandaPon Taobao sample (`docs-pages/001`) carries the
///   placeholder type `"aliqua ut eu dolor"` with exactly this body, so it
///   parses as [`Message::TaobaoPriceModify`].
/// * platform 0 or 1 and a body with `orderId` and `orderStatus` → an order
///   status message with [`OrderEvent::Other`].
/// * a body with a tracking number and inspection/inbound fields → a
///   [`Message::ParcelInbound`].
/// * a price change without platform: `baseInfo` → 1688, `salesOrderId` →
///   Taobao.
///
/// Everything else is [`Message::Unknown`] with the body kept. A body that
/// does not fit the type chosen is an error ([`CallbackError::Body`]), not an
/// `Unknown`, so that a schema change is noticed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Message {
    /// Taobao order price change (VERIFIED body, `docs-pages/001`).
    TaobaoPriceModify {
        /// Envelope fields.
        envelope: Envelope,
        /// The body.
        body: TaobaoPriceModify,
    },
    /// Taobao order status change (INFERRED: same body as the 1688 one).
    TaobaoOrderStatus {
        /// Envelope fields.
        envelope: Envelope,
        /// Which event, from the message type.
        event: OrderEvent,
        /// The body.
        body: Box<OrderSummary>,
    },
    /// Taobao after-sale refund (INFERRED body).
    TaobaoRefund {
        /// Envelope fields.
        envelope: Envelope,
        /// The body.
        body: TaobaoRefund,
    },
    /// 1688 order price change (VERIFIED, `docs-pages/000` and the KA manual).
    Ali1688PriceModify {
        /// Envelope fields.
        envelope: Envelope,
        /// The body: the full order or the compact summary.
        body: Ali1688PriceModify,
    },
    /// 1688 order status change: `ORDER_CREATE`, `ORDER_CANCEL`,
    /// `ORDER_PAY_SUCCESS`, ... (VERIFIED, Xportcn KA message manual).
    Ali1688OrderStatus {
        /// Envelope fields.
        envelope: Envelope,
        /// Which event, from the message type.
        event: OrderEvent,
        /// The body.
        body: Box<OrderSummary>,
    },
    /// 1688 buyer refund (VERIFIED body, `docs-pages/002`).
    Ali1688Refund {
        /// Envelope fields.
        envelope: Envelope,
        /// The body.
        body: Box<Ali1688Refund>,
    },
    /// bigMajor parcel warehouse-inbound callback (INFERRED type and body).
    ParcelInbound {
        /// Envelope fields.
        envelope: Envelope,
        /// The body.
        body: Box<ParcelInbound>,
    },
    /// A message this SDK does not recognise, with its body kept.
    Unknown {
        /// Envelope fields (`message_type`, `platform_code` ...).
        envelope: Envelope,
        /// The body: decoded JSON if `messageBody` was JSON (or a string
        /// holding JSON), else the string as sent; `null` if absent.
        raw: Value,
    },
}

/// The envelope as read from the wire, with `messageBody` left as its raw
/// JSON text (borrowed from the input, not parsed yet).
///
/// Hand-written [`Deserialize`] rather than a derive: a derive would need
/// `#[serde(flatten)] extra`, which buffers every field through serde's
/// private `Content` and cannot hold a [`RawValue`]. The visitor reads the
/// known keys into their types, `messageBody` into a `&RawValue` and every
/// other key into `extra`, with the derive's rules: a duplicate known key is
/// an error, `messageType` is required, a later duplicate extra key wins.
struct WireEnvelope<'de> {
    message_type: String,
    /// `None` when absent or `null`.
    message_body: Option<&'de RawValue>,
    platform: Option<i64>,
    timestamp: Option<Timestamp>,
    retry_count: Option<i64>,
    develop_id: Option<Id>,
    id: Option<Id>,
    extra: Extra,
}

/// A top-level key of the envelope.
enum EnvelopeKey<'de> {
    MessageType,
    MessageBody,
    Platform,
    Timestamp,
    RetryCount,
    DevelopId,
    Id,
    Other(Cow<'de, str>),
}

impl<'de> EnvelopeKey<'de> {
    fn known(key: &str) -> Option<Self> {
        Some(match key {
            "messageType" => EnvelopeKey::MessageType,
            "messageBody" => EnvelopeKey::MessageBody,
            "messagePlatform" => EnvelopeKey::Platform,
            "timestamp" => EnvelopeKey::Timestamp,
            "retryCount" => EnvelopeKey::RetryCount,
            "developId" => EnvelopeKey::DevelopId,
            "id" => EnvelopeKey::Id,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for EnvelopeKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = EnvelopeKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(EnvelopeKey::known(v).unwrap_or(EnvelopeKey::Other(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(EnvelopeKey::known(v)
                    .unwrap_or_else(|| EnvelopeKey::Other(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(EnvelopeKey::known(&v).unwrap_or(EnvelopeKey::Other(Cow::Owned(v))))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for WireEnvelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = WireEnvelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The derive's wording, kept for stable error messages.
        f.write_str("struct RawEnvelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut message_type: Option<String> = None;
        let mut message_body: Option<Option<&'de RawValue>> = None;
        let mut platform: Option<Option<i64>> = None;
        let mut timestamp: Option<Option<Timestamp>> = None;
        let mut retry_count: Option<Option<i64>> = None;
        let mut develop_id: Option<Option<Id>> = None;
        let mut id: Option<Option<Id>> = None;
        let mut extra = Extra::new();
        /// Refuses a second occurrence of a known key, as the derive does.
        fn once<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
            match slot {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        while let Some(key) = map.next_key::<EnvelopeKey<'de>>()? {
            match key {
                EnvelopeKey::MessageType => {
                    once::<_, A::Error>(&message_type, "messageType")?;
                    message_type = Some(map.next_value::<RequiredString>()?.0);
                }
                EnvelopeKey::MessageBody => {
                    once::<_, A::Error>(&message_body, "messageBody")?;
                    message_body = Some(map.next_value()?);
                }
                EnvelopeKey::Platform => {
                    once::<_, A::Error>(&platform, "messagePlatform")?;
                    platform = Some(map.next_value::<LenientI64>()?.0);
                }
                EnvelopeKey::Timestamp => {
                    once::<_, A::Error>(&timestamp, "timestamp")?;
                    timestamp = Some(map.next_value()?);
                }
                EnvelopeKey::RetryCount => {
                    once::<_, A::Error>(&retry_count, "retryCount")?;
                    retry_count = Some(map.next_value::<LenientI64>()?.0);
                }
                EnvelopeKey::DevelopId => {
                    once::<_, A::Error>(&develop_id, "developId")?;
                    develop_id = Some(map.next_value()?);
                }
                EnvelopeKey::Id => {
                    once::<_, A::Error>(&id, "id")?;
                    id = Some(map.next_value()?);
                }
                EnvelopeKey::Other(name) => {
                    extra.push_raw(name.into_owned(), map.next_value()?);
                }
            }
        }
        Ok(WireEnvelope {
            message_type: message_type.ok_or_else(|| de::Error::missing_field("messageType"))?,
            message_body: message_body.flatten(),
            platform: platform.flatten(),
            timestamp: timestamp.flatten(),
            retry_count: retry_count.flatten(),
            develop_id: develop_id.flatten(),
            id: id.flatten(),
            extra,
        })
    }
}

/// `messageType`: a string (or number), never `null`.
struct RequiredString(String);

impl<'de> Deserialize<'de> for RequiredString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient::opt_string(d)?
            .map(RequiredString)
            .ok_or_else(|| de::Error::custom("messageType is null"))
    }
}

/// [`lenient::opt_i64`] as a type.
struct LenientI64(Option<i64>);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient::opt_i64(d).map(LenientI64)
    }
}

/// Which variant a message is.
enum Kind {
    TaobaoPrice,
    TaobaoStatus(OrderEvent),
    TaobaoRefund,
    AliPrice,
    AliStatus(OrderEvent),
    AliRefund,
    Parcel,
    Unknown,
}

/// Splits a `TAOBAO_` / `1688_` prefix off a message type.
pub(super) fn split_prefix(message_type: &str) -> (Option<Platform>, &str) {
    let t = message_type.trim();
    for (prefix, platform) in [("TAOBAO_", Platform::Taobao), ("1688_", Platform::Ali1688)] {
        if let Some(head) = t.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            return (Some(platform), t.get(prefix.len()..).unwrap_or(""));
        }
    }
    (None, t)
}

/// The body keys that classification looks at.
const SHAPE_KEYS: [&str; 14] = [
    "salesOrderId",
    "subOrders",
    "baseInfo",
    "productItems",
    "nativeLogistics",
    "tradeTerms",
    "orderId",
    "orderStatus",
    "logistics_tracking_number",
    "logisticsTrackingNumber",
    "quality_inspection_info",
    "qualityInspectionInfo",
    "inbound_time",
    "inboundTime",
];

/// Which [`SHAPE_KEYS`] a body object has with a non-null value (bit `i`
/// for `SHAPE_KEYS[i]`); 0 for a body that is not a JSON object.
///
/// Read in one skipping pass over the body text: values are not built.
#[derive(Clone, Copy, Default)]
struct Shape(u16);

impl Shape {
    /// The shape of `text`; a text that is not a JSON object has no keys.
    fn of(text: &str) -> Shape {
        serde_json::from_str(text).unwrap_or_default()
    }

    fn has(self, key: &str) -> bool {
        SHAPE_KEYS
            .iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// A body key: its index in [`SHAPE_KEYS`], if it is one.
struct ShapeKey(Option<usize>);

impl<'de> Deserialize<'de> for ShapeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = ShapeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ShapeKey, E> {
                Ok(ShapeKey(SHAPE_KEYS.iter().position(|k| *k == v)))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                let mut bits = 0u16;
                while let Some(ShapeKey(key)) = map.next_key()? {
                    match key {
                        // Like `Map::get` after a full parse: the last
                        // occurrence of a key counts.
                        Some(i) => match map.next_value::<Option<IgnoredAny>>()? {
                            Some(_) => bits |= 1 << i,
                            None => bits &= !(1 << i),
                        },
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Shape(bits))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shape(0))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape(0))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape(0))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape(0))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape(0))
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape(0))
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape(0))
            }
        }
        d.deserialize_any(ShapeVisitor)
    }
}

/// Chooses the variant from the message type and platform; `shape` is
/// called (at most once) only when they do not decide.
fn classify(core: &str, platform: Platform, shape: impl FnOnce() -> Shape) -> Kind {
    let core_upper = core.to_ascii_uppercase();
    let core = core_upper.as_str();
    if core == PRICE_MODIFY {
        return match platform {
            Platform::Taobao => Kind::TaobaoPrice,
            Platform::Ali1688 => Kind::AliPrice,
            _ => {
                let s = shape();
                if s.has("baseInfo") || s.has("productItems") {
                    Kind::AliPrice
                } else if s.has("salesOrderId") {
                    Kind::TaobaoPrice
                } else {
                    Kind::Unknown
                }
            }
        };
    }
    if core == BUYER_REFUND {
        return match platform {
            Platform::Taobao => Kind::TaobaoRefund,
            Platform::Ali1688 => Kind::AliRefund,
            _ => Kind::Unknown,
        };
    }
    if let Some(event) = OrderEvent::from_known_type(core) {
        return match platform {
            Platform::Taobao => Kind::TaobaoStatus(event),
            Platform::Ali1688 => Kind::AliStatus(event),
            _ => Kind::Unknown,
        };
    }
    if PARCEL_INBOUND_TYPES.contains(&core) {
        return Kind::Parcel;
    }
    // Shape rules for message types this SDK does not know by name.
    let s = shape();
    let taobao_price_shape = s.has("salesOrderId") && s.has("subOrders");
    let status_shape = s.has("orderId") && s.has("orderStatus");
    let parcel_shape = (s.has("logistics_tracking_number") || s.has("logisticsTrackingNumber"))
        && (s.has("quality_inspection_info")
            || s.has("qualityInspectionInfo")
            || s.has("inbound_time")
            || s.has("inboundTime"));
    match platform {
        Platform::Taobao if taobao_price_shape => Kind::TaobaoPrice,
        Platform::Taobao if status_shape => Kind::TaobaoStatus(OrderEvent::Other(core.to_owned())),
        Platform::Ali1688 if status_shape => Kind::AliStatus(OrderEvent::Other(core.to_owned())),
        _ if parcel_shape => Kind::Parcel,
        _ => Kind::Unknown,
    }
}

/// `messageBody` as text to parse the body from.
struct BodyText<'a> {
    /// The body's JSON text: the raw value, the decoded string, or `null`.
    text: Cow<'a, str>,
    /// `messageBody` was a JSON string (`text` is its decoded content).
    was_string: bool,
    /// Byte offset of `text` in the push, when it is the raw value.
    offset: Option<usize>,
}

impl BodyText<'_> {
    /// For a string body: why its text is not a JSON object or array (the
    /// old `Body::Text` rule), with the position inside the string.
    fn string_problem(&self) -> Option<(usize, usize, String)> {
        if !self.was_string {
            return None;
        }
        match serde_json::from_str::<Value>(&self.text) {
            Ok(Value::Object(_) | Value::Array(_)) => None,
            Ok(_) => Some((
                1,
                1,
                "the string holds a JSON scalar, not an object".to_owned(),
            )),
            Err(e) => Some((e.line(), e.column(), super::json_message(&e))),
        }
    }

    /// A JSON error inside the raw body, with its position in the push.
    fn absolute(&self, push: &[u8], e: &serde_json::Error) -> CallbackError {
        let (line, column) = match self.offset {
            Some(offset) if e.line() > 0 => {
                let text = self.text.as_bytes();
                // Byte index of the error in `text`, as serde_json counts.
                let line_start = if e.line() == 1 {
                    0
                } else {
                    text.iter()
                        .enumerate()
                        .filter(|&(_, &b)| b == b'\n')
                        .nth(e.line() - 2)
                        .map_or(text.len(), |(i, _)| i + 1)
                };
                position_of_index(push, offset + line_start + e.column())
            }
            _ => (e.line(), e.column()),
        };
        CallbackError::Json {
            line,
            column,
            message: super::json_message(e),
        }
    }
}

/// The error a full parse of the push reports first, given the error of
/// the envelope pass.
///
/// The envelope pass skips over `messageBody` without building it, which
/// finds a few JSON errors at another position (a control character in a
/// string: before it instead of after it) or not at all (a number out of
/// range). Only for a push that fails anyway, the push is parsed fully once
/// more, so that errors stay the ones a full parse reports first.
fn first_error(push: &[u8], err: CallbackError) -> CallbackError {
    let Err(full) = serde_json::from_slice::<Value>(push) else {
        return err;
    };
    match &err {
        _ if full.is_data() => err,
        CallbackError::Envelope { line, column, .. }
            if (*line, *column) <= (full.line(), full.column()) =>
        {
            err
        }
        _ => CallbackError::from_json(&full),
    }
}

/// Line and column of byte `index`, as serde_json reports them.
fn position_of_index(text: &[u8], index: usize) -> (usize, usize) {
    let head = text.get(..index).unwrap_or(text);
    let start_of_line = head.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line = 1 + head
        .get(..start_of_line)
        .unwrap_or(head)
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    (line, head.len() - start_of_line)
}

/// `T` read from `text` in one pass; `None` on any error.
fn one_pass<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(v)
}

/// Deserializes a typed body from its text in one pass.
///
/// Only if that fails, the body is read the way the value-first parser did
/// (the whole body into a [`Value`], then the type from the value, with
/// `serde_path_to_error`), so that a failing body gets the same error as
/// before: the same variant, JSON path and message. This also keeps the
/// old reading of a body with a duplicate key (the last one wins in a
/// `Value`, where a one-pass read refuses it).
fn typed<T: serde::de::DeserializeOwned>(
    message_type: &str,
    body: &BodyText<'_>,
    push: &[u8],
) -> Result<T, CallbackError> {
    if let Some(v) = one_pass(&body.text) {
        return Ok(v);
    }
    // Errors in the order the value-first parser reported them: a string
    // body that is not JSON, then JSON errors, then the shape.
    if let Some((line, column, message)) = body.string_problem() {
        return Err(CallbackError::BodyJson {
            message_type: message_type.to_owned(),
            line,
            column,
            message,
        });
    }
    let value: Value = serde_json::from_str(&body.text).map_err(|e| body.absolute(push, &e))?;
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." {
            "messageBody".to_owned()
        } else if path.starts_with('[') {
            format!("messageBody{path}")
        } else {
            format!("messageBody.{path}")
        };
        CallbackError::Body {
            message_type: message_type.to_owned(),
            path,
            message: super::json_message(&e.into_inner()),
        }
    })
}

impl Message {
    /// Parses a push body (the raw HTTP request body) into a typed message.
    ///
    /// `messageBody` may be an object or a JSON-encoded string; ids and
    /// `timestamp` may be strings or numbers. See [`Message`] for how the
    /// variant is chosen.
    ///
    /// # Errors
    /// [`CallbackError::Json`] (with line and column) for invalid JSON,
    /// [`CallbackError::Envelope`] for JSON that is not an envelope,
    /// [`CallbackError::BodyJson`] / [`CallbackError::Body`] for a body that
    /// does not fit its message type.
    ///
    /// ```
    /// use xportcn::callbacks::{Message, OrderEvent, OrderStatus};
    /// let push = r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"timestamp":"1779263269913",
    ///   "messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"WAITING_FOR_PAYMENT\",\"totalAmount\":10000}"}"#;
    /// let msg = Message::from_json(push)?;
    /// assert_eq!(msg.message_type(), "ORDER_CREATE");
    /// assert_eq!(msg.pushed_at().and_then(|t| t.epoch_millis()), Some(1779263269913));
    /// match &msg {
    ///     Message::Ali1688OrderStatus { event, body, .. } => {
    ///         assert_eq!(*event, OrderEvent::Create);
    ///         assert_eq!(body.order_status, Some(OrderStatus::WaitingForPayment));
    ///         assert_eq!(body.total_amount, Some(10000)); // fen
    ///     }
    ///     other => panic!("unexpected {other:?}"),
    /// }
    ///
    /// // Invalid JSON is an error with its position, never a panic.
    /// let err = Message::from_json("{\"messageType\": \"X\",\n \"messageBody\": {").unwrap_err();
    /// assert!(matches!(err, xportcn::callbacks::CallbackError::Json { line: 2, .. }));
    /// # Ok::<(), xportcn::callbacks::CallbackError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, CallbackError> {
        Self::from_slice(json.as_bytes())
    }

    /// [`Message::from_json`] from raw bytes (the HTTP body as received).
    ///
    /// # Errors
    /// As [`Message::from_json`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CallbackError> {
        // Valid UTF-8 (the normal case) is parsed as `str`, which spares
        // serde_json a UTF-8 check per string.
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::decode(serde_json::Deserializer::from_str(text), bytes),
            Err(_) => Self::decode(serde_json::Deserializer::from_slice(bytes), bytes),
        }
    }

    /// Reads the envelope (the body as raw text), then the body in one pass
    /// into the type the message type (or, failing that, the body's keys)
    /// selects.
    fn decode<'de, R: serde_json::de::Read<'de>>(
        mut de: serde_json::Deserializer<R>,
        push: &'de [u8],
    ) -> Result<Self, CallbackError> {
        let wire = serde_path_to_error::deserialize::<_, WireEnvelope<'de>>(&mut de)
            .map_err(CallbackError::from_envelope)
            .and_then(|wire| match de.end() {
                Ok(()) => Ok(wire),
                Err(e) => Err(CallbackError::from_json(&e)),
            })
            .map_err(|e| first_error(push, e))?;

        let (prefix_platform, core) = split_prefix(&wire.message_type);
        let core = core.to_owned();
        let platform = match wire.platform {
            Some(code) => Platform::from_code(code),
            None => prefix_platform.unwrap_or(Platform::Unspecified),
        };
        let body = match wire.message_body {
            None => BodyText {
                text: Cow::Borrowed("null"),
                was_string: false,
                offset: None,
            },
            Some(raw) if raw.get().starts_with('"') => BodyText {
                // Unescaped once; the body is parsed from this text.
                text: Cow::Owned(
                    serde_json::from_str::<String>(raw.get())
                        .map_err(|e| CallbackError::from_json(&e))?,
                ),
                was_string: true,
                offset: None,
            },
            Some(raw) => BodyText {
                text: Cow::Borrowed(raw.get()),
                was_string: false,
                offset: (raw.get().as_ptr() as usize).checked_sub(push.as_ptr() as usize),
            },
        };
        let kind = classify(&core, platform, || Shape::of(&body.text));
        let mut envelope = Envelope {
            message_type: wire.message_type,
            platform,
            platform_code: wire.platform,
            timestamp: wire.timestamp,
            retry_count: wire.retry_count.and_then(|n| u32::try_from(n).ok()),
            develop_id: wire.develop_id,
            id: wire.id,
            // A typed body parsed, so a string body held a JSON object.
            body_was_string: body.was_string,
            extra: wire.extra,
        };
        let mt = envelope.message_type.as_str();
        Ok(match kind {
            Kind::TaobaoPrice => Message::TaobaoPriceModify {
                body: typed(mt, &body, push)?,
                envelope,
            },
            Kind::TaobaoStatus(event) => Message::TaobaoOrderStatus {
                body: Box::new(typed(mt, &body, push)?),
                event,
                envelope,
            },
            Kind::TaobaoRefund => Message::TaobaoRefund {
                body: typed(mt, &body, push)?,
                envelope,
            },
            Kind::AliPrice => {
                // The full order or the compact summary, by the body's keys:
                // the full order when it has `baseInfo`, `productItems`,
                // `nativeLogistics` or `tradeTerms`, or no `orderId`.
                // The full order (the usual body) is read first; when it
                // shows one of these keys, or no `orderId`, it is the answer
                // without a separate scan of the keys. (A successful read
                // had no duplicate typed key, so `Some` / a non-empty list
                // means the key is there and not null.)
                let order = one_pass::<Ali1688Order>(&body.text).filter(|o| {
                    o.base_info.is_some()
                        || o.native_logistics.is_some()
                        || !o.product_items.is_empty()
                        || !o.trade_terms.is_empty()
                        || o.extra.get("orderId").is_none_or(|v| v.get() == "null")
                });
                let body = match order {
                    Some(order) => Ali1688PriceModify::Order(Box::new(order)),
                    None => {
                        let shape = Shape::of(&body.text);
                        let full = ["baseInfo", "productItems", "nativeLogistics", "tradeTerms"]
                            .iter()
                            .any(|k| shape.has(k));
                        if full || !shape.has("orderId") {
                            Ali1688PriceModify::Order(Box::new(typed::<Ali1688Order>(
                                mt, &body, push,
                            )?))
                        } else {
                            Ali1688PriceModify::Summary(Box::new(typed(mt, &body, push)?))
                        }
                    }
                };
                Message::Ali1688PriceModify { envelope, body }
            }
            Kind::AliStatus(event) => Message::Ali1688OrderStatus {
                body: Box::new(typed(mt, &body, push)?),
                event,
                envelope,
            },
            Kind::AliRefund => Message::Ali1688Refund {
                body: Box::new(typed(mt, &body, push)?),
                envelope,
            },
            Kind::Parcel => Message::ParcelInbound {
                body: Box::new(typed(mt, &body, push)?),
                envelope,
            },
            Kind::Unknown => {
                // Kept as decoded JSON; a string that does not hold a JSON
                // object or array is kept as the string.
                let raw = if body.was_string {
                    match serde_json::from_str::<Value>(&body.text) {
                        Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
                        _ => {
                            envelope.body_was_string = false;
                            Value::String(body.text.into_owned())
                        }
                    }
                } else {
                    serde_json::from_str(&body.text).map_err(|e| body.absolute(push, &e))?
                };
                Message::Unknown { envelope, raw }
            }
        })
    }

    /// The envelope fields.
    pub fn envelope(&self) -> &Envelope {
        match self {
            Message::TaobaoPriceModify { envelope, .. }
            | Message::TaobaoOrderStatus { envelope, .. }
            | Message::TaobaoRefund { envelope, .. }
            | Message::Ali1688PriceModify { envelope, .. }
            | Message::Ali1688OrderStatus { envelope, .. }
            | Message::Ali1688Refund { envelope, .. }
            | Message::ParcelInbound { envelope, .. }
            | Message::Unknown { envelope, .. } => envelope,
        }
    }

    /// `messageType` exactly as sent.
    pub fn message_type(&self) -> &str {
        &self.envelope().message_type
    }

    /// The platform (`messagePlatform`, else the message type's prefix).
    pub fn platform(&self) -> Platform {
        self.envelope().platform
    }

    /// `timestamp`: when the platform pushed the message.
    pub fn pushed_at(&self) -> Option<&Timestamp> {
        self.envelope().timestamp.as_ref()
    }

    /// `retryCount`, if sent (0 for the first delivery).
    pub fn retry_count(&self) -> Option<u32> {
        self.envelope().retry_count
    }

    /// `developId`, if sent.
    pub fn develop_id(&self) -> Option<&Id> {
        self.envelope().develop_id.as_ref()
    }

    /// `id` of the push record, if sent.
    pub fn id(&self) -> Option<&Id> {
        self.envelope().id.as_ref()
    }

    /// Whether this is [`Message::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Message::Unknown { .. })
    }

    /// A stable key to recognise a redelivery of the same message.
    ///
    /// Rule:
    /// * if the envelope has an `id`: `"id:<id>"` (INFERRED: the push record
    ///   id, which stays the same while `retryCount` goes up);
    /// * else `"h:"` + the first 32 hex digits of SHA-256 over the message
    ///   type, the platform code, and the body's natural id and status
    ///   fields: `orderId`/`orderStatus`/`payStatus`/amounts/`refundStatus`/
    ///   `closeReason` for order status messages; `refundId`/`orderId`/
    ///   `status`/`refundPayment`/`gmtModified` for refunds; `salesOrderId`,
    ///   the new fees and each sub-order's id/status/pay amount for Taobao
    ///   price changes; the order id, status, amounts, `refundStatus`,
    ///   `modifyTime` and line amounts for 1688 price changes; tracking
    ///   number, order ids and inspection status for parcels; the whole body
    ///   for unknown messages.
    ///
    /// It never includes `retryCount` or the push `timestamp`, which change
    /// on redelivery. Two different events about the same order differ in a
    /// status or amount field and so get different keys.
    pub fn dedup_key(&self) -> String {
        let env = self.envelope();
        if let Some(id) = &env.id {
            return format!("id:{id}");
        }
        let mut parts = vec![
            env.message_type.trim().to_owned(),
            env.platform
                .code()
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ];
        match self {
            Message::TaobaoPriceModify { body, .. } => body.key_parts(&mut parts),
            Message::TaobaoOrderStatus { body, .. } | Message::Ali1688OrderStatus { body, .. } => {
                body.key_parts(&mut parts)
            }
            Message::TaobaoRefund { body, .. } => body.key_parts(&mut parts),
            Message::Ali1688PriceModify { body, .. } => body.key_parts(&mut parts),
            Message::Ali1688Refund { body, .. } => body.key_parts(&mut parts),
            Message::ParcelInbound { body, .. } => body.key_parts(&mut parts),
            Message::Unknown { raw, .. } => parts.push(raw.to_string()),
        }
        let mut sha = Sha256::new();
        for p in &parts {
            sha.update(p.as_bytes());
            sha.update([0x1f]);
        }
        let digest = sha.finalize();
        let hex = hex::encode(digest);
        format!("h:{}", hex.get(..32).unwrap_or(&hex))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(split_prefix("TAOBAO_X"), (Some(Platform::Taobao), "X"));
        assert_eq!(split_prefix("1688_X"), (Some(Platform::Ali1688), "X"));
        assert_eq!(split_prefix("X"), (None, "X"));
        assert_eq!(split_prefix("é"), (None, "é"));
    }
}
