//! The typed [`Message`] and its envelope.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::ali1688::{Ali1688Order, Ali1688PriceModify, Ali1688Refund};
use super::bigmajor::ParcelInbound;
use super::order::{OrderEvent, OrderSummary};
use super::taobao::{TaobaoPriceModify, TaobaoRefund};
use super::{CallbackError, Platform};
use crate::types::{Extra, Id, Timestamp, lenient};

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

/// The envelope as read from the wire.
#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(rename = "messageType", deserialize_with = "required_string")]
    message_type: String,
    #[serde(rename = "messageBody", default)]
    message_body: Option<Value>,
    #[serde(
        rename = "messagePlatform",
        default,
        deserialize_with = "lenient::opt_i64"
    )]
    platform: Option<i64>,
    #[serde(default)]
    timestamp: Option<Timestamp>,
    #[serde(rename = "retryCount", default, deserialize_with = "lenient::opt_i64")]
    retry_count: Option<i64>,
    #[serde(rename = "developId", default)]
    develop_id: Option<Id>,
    #[serde(default)]
    id: Option<Id>,
    #[serde(flatten)]
    extra: Extra,
}

fn required_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    lenient::opt_string(d)?.ok_or_else(|| de::Error::custom("messageType is null"))
}

/// `messageBody` after decoding a JSON-encoded string.
enum Body {
    Json(Value),
    /// A string that does not hold a JSON object or array.
    Text {
        text: String,
        line: usize,
        column: usize,
        message: String,
    },
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

fn has(body: Option<&serde_json::Map<String, Value>>, key: &str) -> bool {
    body.is_some_and(|m| m.get(key).is_some_and(|v| !v.is_null()))
}

fn classify(core: &str, platform: Platform, body: Option<&serde_json::Map<String, Value>>) -> Kind {
    let core_upper = core.to_ascii_uppercase();
    let core = core_upper.as_str();
    let taobao_price_shape = has(body, "salesOrderId") && has(body, "subOrders");
    let ali_order_shape = has(body, "baseInfo") || has(body, "productItems");
    if core == PRICE_MODIFY {
        return match platform {
            Platform::Taobao => Kind::TaobaoPrice,
            Platform::Ali1688 => Kind::AliPrice,
            _ if ali_order_shape => Kind::AliPrice,
            _ if has(body, "salesOrderId") => Kind::TaobaoPrice,
            _ => Kind::Unknown,
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
    let status_shape = has(body, "orderId") && has(body, "orderStatus");
    let parcel_shape = (has(body, "logistics_tracking_number")
        || has(body, "logisticsTrackingNumber"))
        && (has(body, "quality_inspection_info")
            || has(body, "qualityInspectionInfo")
            || has(body, "inbound_time")
            || has(body, "inboundTime"));
    match platform {
        Platform::Taobao if taobao_price_shape => Kind::TaobaoPrice,
        Platform::Taobao if status_shape => Kind::TaobaoStatus(OrderEvent::Other(core.to_owned())),
        Platform::Ali1688 if status_shape => Kind::AliStatus(OrderEvent::Other(core.to_owned())),
        _ if parcel_shape => Kind::Parcel,
        _ => Kind::Unknown,
    }
}

/// Deserializes a typed body, reporting the JSON path on failure.
fn typed<T: serde::de::DeserializeOwned>(
    message_type: &str,
    body: &Value,
) -> Result<T, CallbackError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
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
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let raw: RawEnvelope =
            serde_path_to_error::deserialize(&mut de).map_err(CallbackError::from_envelope)?;
        de.end().map_err(|e| CallbackError::from_json(&e))?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawEnvelope) -> Result<Self, CallbackError> {
        let (prefix_platform, core) = split_prefix(&raw.message_type);
        let core = core.to_owned();
        let platform = match raw.platform {
            Some(code) => Platform::from_code(code),
            None => prefix_platform.unwrap_or(Platform::Unspecified),
        };
        let (body, body_was_string) = match raw.message_body {
            None => (Body::Json(Value::Null), false),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
                Ok(v @ (Value::Object(_) | Value::Array(_))) => (Body::Json(v), true),
                Ok(_) => (
                    Body::Text {
                        text,
                        line: 1,
                        column: 1,
                        message: "the string holds a JSON scalar, not an object".to_owned(),
                    },
                    false,
                ),
                Err(e) => (
                    Body::Text {
                        text,
                        line: e.line(),
                        column: e.column(),
                        message: super::json_message(&e),
                    },
                    false,
                ),
            },
            Some(v) => (Body::Json(v), false),
        };
        let envelope = Envelope {
            message_type: raw.message_type,
            platform,
            platform_code: raw.platform,
            timestamp: raw.timestamp,
            retry_count: raw.retry_count.and_then(|n| u32::try_from(n).ok()),
            develop_id: raw.develop_id,
            id: raw.id,
            body_was_string,
            extra: raw.extra,
        };
        let map = match &body {
            Body::Json(Value::Object(m)) => Some(m),
            _ => None,
        };
        let kind = classify(&core, platform, map);
        let value = match body {
            Body::Json(v) => v,
            Body::Text { text, .. } if matches!(kind, Kind::Unknown) => {
                return Ok(Message::Unknown {
                    envelope,
                    raw: Value::String(text),
                });
            }
            Body::Text {
                line,
                column,
                message,
                ..
            } => {
                return Err(CallbackError::BodyJson {
                    message_type: envelope.message_type,
                    line,
                    column,
                    message,
                });
            }
        };
        let mt = envelope.message_type.as_str();
        Ok(match kind {
            Kind::TaobaoPrice => Message::TaobaoPriceModify {
                body: typed(mt, &value)?,
                envelope,
            },
            Kind::TaobaoStatus(event) => Message::TaobaoOrderStatus {
                body: Box::new(typed(mt, &value)?),
                event,
                envelope,
            },
            Kind::TaobaoRefund => Message::TaobaoRefund {
                body: typed(mt, &value)?,
                envelope,
            },
            Kind::AliPrice => {
                let full = ["baseInfo", "productItems", "nativeLogistics", "tradeTerms"]
                    .iter()
                    .any(|k| has(value.as_object(), k));
                let body = if full || !has(value.as_object(), "orderId") {
                    Ali1688PriceModify::Order(Box::new(typed::<Ali1688Order>(mt, &value)?))
                } else {
                    Ali1688PriceModify::Summary(Box::new(typed(mt, &value)?))
                };
                Message::Ali1688PriceModify { envelope, body }
            }
            Kind::AliStatus(event) => Message::Ali1688OrderStatus {
                body: Box::new(typed(mt, &value)?),
                event,
                envelope,
            },
            Kind::AliRefund => Message::Ali1688Refund {
                body: Box::new(typed(mt, &value)?),
                envelope,
            },
            Kind::Parcel => Message::ParcelInbound {
                body: Box::new(typed(mt, &value)?),
                envelope,
            },
            Kind::Unknown => Message::Unknown {
                envelope,
                raw: value,
            },
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
