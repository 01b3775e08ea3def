//! The typed [`Message`] and its envelope.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::ali1688::{Ali1688PriceModify, Ali1688Refund};
use super::bigmajor::ParcelInbound;
use super::order::{OrderEvent, OrderSummary};
use super::taobao::{TaobaoPriceModify, TaobaoRefund};
use super::{CallbackError, Platform, json_message};
use crate::ali1688::Order;
use crate::model::{Scalar, model};
use crate::types::{Extra, Id, Timestamp};

/// Message type (without platform prefix) of the price change messages.
const PRICE_MODIFY: &str = "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY";
/// Message type (without platform prefix) of the buyer refund messages.
const BUYER_REFUND: &str = "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND";
/// Message types taken as the bigMajor parcel inbound callback (INFERRED:
/// the real name is not documented).
const PARCEL_INBOUND_TYPES: &[&str] = &[
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
    /// SHA-256 of the body's text, for [`Message::dedup_key`].
    content: Content,
}

/// SHA-256 of a message body's text (the decoded text of a string body),
/// part of [`Message::dedup_key`]. Not part of equality (the typed fields
/// are) and never printed (the body holds personal data).
#[derive(Clone, Default)]
struct Content([u8; 32]);

impl Content {
    fn of(text: &str) -> Self {
        Content(Sha256::digest(text.as_bytes()).into())
    }
}

impl PartialEq for Content {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
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
///   price change. The PandaPon Taobao sample
///   (<https://doc-en.pandapon.com/api-263477629>) carries the placeholder
///   type `"aliqua ut eu dolor"` with exactly this body, so it parses as
///   [`Message::TaobaoPriceModify`].
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
    /// Taobao order price change (VERIFIED body,
    /// <https://doc-en.pandapon.com/api-263477629>).
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
    /// 1688 order price change (VERIFIED: the full order,
    /// <https://doc-en.pandapon.com/api-263477659>; the compact summary,
    /// <https://doc-en-ka.xportcn.com/doc-7259275>).
    Ali1688PriceModify {
        /// Envelope fields.
        envelope: Envelope,
        /// The body: the full order or the compact summary.
        body: Ali1688PriceModify,
    },
    /// 1688 order status change: `ORDER_CREATE`, `ORDER_CANCEL`,
    /// `ORDER_PAY_SUCCESS`, ... (VERIFIED, Xportcn KA message manual,
    /// <https://doc-en-ka.xportcn.com/doc-7259275>).
    Ali1688OrderStatus {
        /// Envelope fields.
        envelope: Envelope,
        /// Which event, from the message type.
        event: OrderEvent,
        /// The body.
        body: Box<OrderSummary>,
    },
    /// 1688 buyer refund (VERIFIED body: the Xportcn API reference sample,
    /// see `docs/platform.md` §4; the sample is
    /// `tests/fixtures/callbacks/1688-order-buyer-refund.json` in the
    /// repository).
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

/// `messageBody` as its raw JSON text, read later into the type the message
/// type selects (the message type may come after it).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(transparent)]
struct RawBody(Box<RawValue>);

impl PartialEq for RawBody {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Scalar for RawBody {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(Box::<RawValue>::deserialize_opt(d)?.map(RawBody))
    }
}

/// The envelope as read from the wire.
#[model]
struct Wire {
    message_type: Option<String>,
    message_body: Option<RawBody>,
    message_platform: Option<i64>,
    timestamp: Option<Timestamp>,
    retry_count: Option<i64>,
    develop_id: Option<Id>,
    id: Option<Id>,
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
fn split_prefix(message_type: &str) -> (Option<Platform>, &str) {
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

/// The top-level keys of a body, for the shape rules: read without
/// building the values (empty for a body that is not a JSON object).
struct Shape(Extra);

impl Shape {
    fn of(text: &str) -> Shape {
        Shape(serde_json::from_str(text).unwrap_or_default())
    }

    /// Whether the body has `key` with a value other than `null` (the last
    /// occurrence counts).
    fn has(&self, key: &str) -> bool {
        self.0.get(key).is_some_and(|v| v.get() != "null")
    }
}

/// Keys that make a 1688 price change body the full order.
const FULL_ORDER_KEYS: [&str; 4] = ["baseInfo", "productItems", "nativeLogistics", "tradeTerms"];

/// Chooses the variant from the message type and platform; `shape` is
/// called only when they do not decide.
fn classify(core: &str, platform: Platform, shape: impl FnOnce() -> Shape) -> Kind {
    let core = core.to_ascii_uppercase();
    let core = core.as_str();
    let pick = |taobao: Kind, ali: Kind| match platform {
        Platform::Taobao => taobao,
        Platform::Ali1688 => ali,
        _ => Kind::Unknown,
    };
    if let Some(event) = OrderEvent::from_known_type(core) {
        return pick(Kind::TaobaoStatus(event.clone()), Kind::AliStatus(event));
    } else if core == BUYER_REFUND {
        return pick(Kind::TaobaoRefund, Kind::AliRefund);
    } else if PARCEL_INBOUND_TYPES.contains(&core) {
        return Kind::Parcel;
    } else if core == PRICE_MODIFY && matches!(platform, Platform::Taobao | Platform::Ali1688) {
        return pick(Kind::TaobaoPrice, Kind::AliPrice);
    }
    // Shape rules: a price change without platform, and the message types
    // this SDK does not know by name.
    let s = shape();
    let any = |keys: &[&str]| keys.iter().any(|k| s.has(k));
    let status = s.has("orderId") && s.has("orderStatus");
    match platform {
        _ if core == PRICE_MODIFY && any(&["baseInfo", "productItems"]) => Kind::AliPrice,
        _ if core == PRICE_MODIFY && s.has("salesOrderId") => Kind::TaobaoPrice,
        _ if core == PRICE_MODIFY => Kind::Unknown,
        Platform::Taobao if s.has("salesOrderId") && s.has("subOrders") => Kind::TaobaoPrice,
        Platform::Taobao if status => Kind::TaobaoStatus(OrderEvent::Other(core.to_owned())),
        Platform::Ali1688 if status => Kind::AliStatus(OrderEvent::Other(core.to_owned())),
        _ if any(&["logistics_tracking_number", "logisticsTrackingNumber"])
            && any(&[
                "quality_inspection_info",
                "qualityInspectionInfo",
                "inbound_time",
                "inboundTime",
            ]) =>
        {
            Kind::Parcel
        }
        _ => Kind::Unknown,
    }
}

/// `messageBody` as text to read the body from.
struct Body<'a> {
    /// The raw value, the decoded string, or `null`.
    text: Cow<'a, str>,
    /// `messageBody` was a JSON string (`text` is its content).
    was_string: bool,
}

impl Body<'_> {
    /// Reads the body as `T` in one pass. On failure the error is the one a
    /// full parse finds first: invalid JSON in the push, then a string body
    /// that does not hold a JSON object or array, then the shape (with the
    /// JSON path).
    fn read<T: DeserializeOwned>(
        &self,
        message_type: &str,
        push: &[u8],
    ) -> Result<T, CallbackError> {
        if let Some(v) = one_pass(serde_json::Deserializer::from_str(&self.text)) {
            return Ok(v);
        }
        // Read again, tracking the JSON path, only to report the error.
        let mut de = serde_json::Deserializer::from_str(&self.text);
        let (path, err) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => return Ok(v),
                Err(e) => (String::from("."), e),
            },
            Err(e) => (e.path().to_string(), e.into_inner()),
        };
        if self.was_string {
            let (line, column, message) = match serde_json::from_str::<Value>(&self.text) {
                Err(e) => (e.line(), e.column(), json_message(&e)),
                Ok(Value::Object(_) | Value::Array(_)) => (0, 0, String::new()),
                Ok(_) => (1, 1, "the string holds a JSON scalar, not an object".into()),
            };
            if line > 0 {
                let message_type = message_type.to_owned();
                return Err(CallbackError::BodyJson {
                    message_type,
                    line,
                    column,
                    message,
                });
            }
        } else if let Err(e) = serde_json::from_slice::<Value>(push) {
            return Err(CallbackError::from_json(&e));
        }
        let path = match path.as_str() {
            "." => "messageBody".to_owned(),
            p if p.starts_with('[') => format!("messageBody{p}"),
            p => format!("messageBody.{p}"),
        };
        Err(CallbackError::Body {
            message_type: message_type.to_owned(),
            path,
            message: json_message(&err),
        })
    }
}

/// `T` read from the whole input in one pass, without path tracking; `None`
/// on any error.
fn one_pass<'de, R: serde_json::de::Read<'de>, T: Deserialize<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Option<T> {
    let v = T::deserialize(&mut de).ok()?;
    de.end().ok().map(|()| v)
}

/// The error a full parse of the push reports first, given the error of
/// the envelope pass.
///
/// The envelope pass skips over `messageBody` and unknown fields without
/// building them, which finds a few JSON errors at another position (a
/// control character in a string: before it instead of after it) or not at
/// all (a number out of range). For a push that fails anyway, the push is
/// parsed fully once more, so that errors are those a full parse reports.
fn first_error(push: &[u8], err: CallbackError) -> CallbackError {
    match (serde_json::from_slice::<Value>(push), &err) {
        (Ok(_), _) => err,
        (Err(full), CallbackError::Envelope { line, column, .. })
            if (*line, *column) > (full.line(), full.column()) =>
        {
            CallbackError::from_json(&full)
        }
        (Err(_), CallbackError::Envelope { .. }) => err,
        (Err(full), _) => CallbackError::from_json(&full),
    }
}

/// Line and column (as serde_json counts them) just after the push's last
/// non-blank byte.
fn end_position(push: &[u8]) -> (usize, usize) {
    let end = push
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let head = &push[..end];
    let line_start = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = 1 + head.iter().filter(|&&b| b == b'\n').count();
    (line, end - line_start)
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
    /// use xportcn::callbacks::{Message, OrderEvent, PushOrderStatus};
    /// use xportcn::types::Fen;
    /// let push = r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"timestamp":"1779263269913",
    ///   "messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"WAITING_FOR_PAYMENT\",\"totalAmount\":10000}"}"#;
    /// let msg = Message::from_json(push)?;
    /// assert_eq!(msg.message_type(), "ORDER_CREATE");
    /// assert_eq!(msg.pushed_at().and_then(|t| t.epoch_millis()), Some(1779263269913));
    /// match &msg {
    ///     Message::Ali1688OrderStatus { event, body, .. } => {
    ///         assert_eq!(*event, OrderEvent::Create);
    ///         assert_eq!(body.order_status, Some(PushOrderStatus::WaitingForPayment));
    ///         assert_eq!(body.total_amount, Some(Fen(10000)));
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
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::decode(serde_json::Deserializer::from_str(text), bytes),
            Err(_) => Self::decode(serde_json::Deserializer::from_slice(bytes), bytes),
        }
    }

    /// Reads the envelope (the body as raw text), then the body into the
    /// type that the message type (or, failing that, the body's keys)
    /// selects.
    fn decode<'de, R: serde_json::de::Read<'de>>(
        de: serde_json::Deserializer<R>,
        push: &[u8],
    ) -> Result<Self, CallbackError> {
        let wire = one_pass::<_, Wire>(de)
            .ok_or(())
            .or_else(|()| {
                // Read again, tracking the JSON path, only to report the error.
                let mut de = serde_json::Deserializer::from_slice(push);
                serde_path_to_error::deserialize::<_, Wire>(&mut de)
                    .map_err(CallbackError::from_envelope)
                    .and_then(|wire| {
                        de.end()
                            .map(|()| wire)
                            .map_err(|e| CallbackError::from_json(&e))
                    })
            })
            .and_then(|wire| match wire.message_type {
                Some(_) => Ok(wire),
                None => {
                    let (line, column) = end_position(push);
                    Err(CallbackError::Envelope {
                        path: ".".into(),
                        line,
                        column,
                        message: "missing field `messageType`".into(),
                    })
                }
            })
            .map_err(|e| first_error(push, e))?;
        let Wire {
            message_type,
            message_body,
            message_platform,
            timestamp,
            retry_count,
            develop_id,
            id,
            extra,
        } = wire;
        let message_type = message_type.unwrap_or_default();
        let (prefix_platform, core) = split_prefix(&message_type);
        let platform = match message_platform {
            Some(code) => Platform::from_code(code),
            None => prefix_platform.unwrap_or(Platform::Unspecified),
        };
        let body = match &message_body {
            None => Body {
                text: "null".into(),
                was_string: false,
            },
            Some(RawBody(raw)) if raw.get().starts_with('"') => Body {
                text: serde_json::from_str::<String>(raw.get())
                    .map_err(|e| first_error(push, CallbackError::from_json(&e)))?
                    .into(),
                was_string: true,
            },
            Some(RawBody(raw)) => Body {
                text: raw.get().into(),
                was_string: false,
            },
        };
        let kind = classify(core, platform, || Shape::of(&body.text));
        let mut envelope = Envelope {
            message_type,
            platform,
            platform_code: message_platform,
            timestamp,
            retry_count: retry_count.and_then(|n| u32::try_from(n).ok()),
            develop_id,
            id,
            body_was_string: body.was_string,
            extra,
            content: Content::of(&body.text),
        };
        let mt = envelope.message_type.as_str();
        Ok(match kind {
            Kind::TaobaoPrice => Message::TaobaoPriceModify {
                body: body.read(mt, push)?,
                envelope,
            },
            Kind::TaobaoStatus(event) => Message::TaobaoOrderStatus {
                body: Box::new(body.read(mt, push)?),
                event,
                envelope,
            },
            Kind::TaobaoRefund => Message::TaobaoRefund {
                body: body.read(mt, push)?,
                envelope,
            },
            Kind::AliPrice => {
                // The full order, unless the body is visibly the summary:
                // an `orderId` and none of the full order's parts.
                let order = body.read::<Order>(mt, push);
                let full = order.as_ref().is_ok_and(|o| {
                    o.base_info.is_some()
                        || o.native_logistics.is_some()
                        || !o.product_items.is_empty()
                        || !o.trade_terms.is_empty()
                });
                let shape = (!full).then(|| Shape::of(&body.text));
                let summary = shape
                    .is_some_and(|s| s.has("orderId") && !FULL_ORDER_KEYS.iter().any(|k| s.has(k)));
                let body = if summary {
                    Ali1688PriceModify::Summary(Box::new(body.read(mt, push)?))
                } else {
                    Ali1688PriceModify::Order(Box::new(order?))
                };
                Message::Ali1688PriceModify { envelope, body }
            }
            Kind::AliStatus(event) => Message::Ali1688OrderStatus {
                body: Box::new(body.read(mt, push)?),
                event,
                envelope,
            },
            Kind::AliRefund => Message::Ali1688Refund {
                body: Box::new(body.read(mt, push)?),
                envelope,
            },
            Kind::Parcel => Message::ParcelInbound {
                body: Box::new(body.read(mt, push)?),
                envelope,
            },
            Kind::Unknown => {
                // Decoded JSON; a string that does not hold a JSON object or
                // array is kept as the string.
                let raw = match (serde_json::from_str::<Value>(&body.text), body.was_string) {
                    (Ok(v @ (Value::Object(_) | Value::Array(_))), _) | (Ok(v), false) => v,
                    (_, true) => {
                        envelope.body_was_string = false;
                        Value::String(body.text.into_owned())
                    }
                    (Err(e), false) => {
                        return Err(first_error(push, CallbackError::from_json(&e)));
                    }
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

    /// The message's identity: the same on every redelivery of this
    /// message, never the same for two distinct events.
    ///
    /// Rule (the same for every kind: Taobao, 1688, KA summaries, parcels,
    /// [`Unknown`](Message::Unknown)):
    /// * the envelope has an `id`: `"id:<id>"`. The platform's samples carry
    ///   an `id`, a `retryCount` and a `timestamp` (platform.md §4,
    ///   `docs-pages/002_*`); the message id is what a retry keeps, while
    ///   `retryCount` goes up (INFERRED from the field names), so a retry
    ///   with a higher `retryCount` is a duplicate;
    /// * else `"e:"` + the first 32 hex digits of SHA-256 over the message
    ///   type, the platform code, the envelope `timestamp` (epoch ms, or its
    ///   text), the body's natural id, status and amount fields and the
    ///   SHA-256 of the body's whole text. Two pushes share it only when
    ///   they are the same message pushed at the same time: a price changed
    ///   100 → 120 → 100 fen is three events (three timestamps), a change of
    ///   shipping fee that keeps the total is another event (another body).
    ///   `retryCount` is not part of it.
    ///
    /// When unsure it delivers: a retry without `id` whose `timestamp` or
    /// body text changed gets another key and is delivered again (handlers
    /// are idempotent on this key, an extra delivery is recoverable; a
    /// dropped event is not). A push with neither `id` nor `timestamp`
    /// cannot be told from its retry: the receiver adds its receive time to
    /// the key ([`receive`](super::receive)), so every such push is
    /// delivered.
    ///
    /// Keys made by SDK versions before this rule (`"h:…"`, without the
    /// timestamp) never equal these: a push stored under an old key is not
    /// taken for a duplicate of a new one.
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
            match &env.timestamp {
                Some(t) => match t.epoch_millis() {
                    Some(ms) => format!("ms:{ms}"),
                    None => format!("raw:{}", t.raw()),
                },
                None => "-".to_owned(),
            },
            hex::encode(env.content.0),
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
        format!("e:{}", hex.get(..32).unwrap_or(&hex))
    }

    /// Whether [`dedup_key`](Self::dedup_key) can tell this message from
    /// another with the same content: it has an envelope `id` or a
    /// `timestamp`. The receiver adds the receive time to the key of a
    /// message that has neither.
    pub fn is_identifiable(&self) -> bool {
        let env = self.envelope();
        env.id.is_some() || env.timestamp.is_some()
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
