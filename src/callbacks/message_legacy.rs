//! The message parser as it was before the one-pass decoder: the envelope
//! and `messageBody` read into a `serde_json::Value`, typed bodies
//! deserialized from that value. Test-only reference: the new parser must
//! give the same messages and dedup keys.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

use super::message::{
    BUYER_REFUND, Envelope, Message, PARCEL_INBOUND_TYPES, PRICE_MODIFY, split_prefix,
};
use super::{Ali1688Order, Ali1688PriceModify, CallbackError, OrderEvent, Platform};
use crate::types::{Extra, Id, Timestamp, lenient};

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

pub(super) fn from_slice(bytes: &[u8]) -> Result<Message, CallbackError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw: RawEnvelope =
        serde_path_to_error::deserialize(&mut de).map_err(CallbackError::from_envelope)?;
    de.end().map_err(|e| CallbackError::from_json(&e))?;
    from_raw(raw)
}

fn from_raw(raw: RawEnvelope) -> Result<Message, CallbackError> {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fixtures() -> Vec<(String, Vec<u8>)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/callbacks");
        let mut out: Vec<_> = std::fs::read_dir(dir)
            .expect("callback fixtures in tests/fixtures/callbacks")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .map(|p| {
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("?")
                    .to_owned();
                (name, std::fs::read(&p).expect("readable fixture"))
            })
            .collect();
        out.sort();
        out
    }

    /// Pushes that exercise every dispatch rule and error path.
    const CASES: &[&str] = &[
        r#"{"messageType":"ORDER_CANCEL","messagePlatform":1,"timestamp":"1779263269913","messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"CANCEL\",\"closeReason\":\"buyer_cancel\"}"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":0,"timestamp":1779263269913,"retryCount":0,"developId":1014533973088404335,"id":224,"messageBody":{"orderId":3305075341149134260,"subOrderIds":[1,2]}}"#,
        r#"{"messageType":"TAOBAO_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","price":"12.50"}}"#,
        r#"{"messageType":"aliqua ut eu dolor","messagePlatform":0,"messageBody":{"salesOrderId":"1","subOrders":[]}}"#,
        r#"{"messageType":"SOMETHING","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"CANCEL"}}"#,
        r#"{"messageType":"SOMETHING","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":null}}"#,
        r#"{"messageType":"SOMETHING","messageBody":{"logisticsTrackingNumber":"SF1","inboundTime":"2024-01-01 00:00:00"}}"#,
        r#"{"messageType":"SOMETHING","messageBody":"not json"}"#,
        r#"{"messageType":"SOMETHING","messageBody":"5"}"#,
        r#"{"messageType":"SOMETHING","messageBody":"[1,2]"}"#,
        r#"{"messageType":"SOMETHING","messageBody":5}"#,
        r#"{"messageType":"SOMETHING","messageBody":null}"#,
        r#"{"messageType":"SOMETHING"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"not json"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"5"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"{\"orderId\":[1]"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"{\"orderId\":[1]} x"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"[1]"}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":[1]}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":null}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":{"a":1}}}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1","x":1e999}}"#,
        "{\"messageType\":\"ORDER_CREATE\",\"messagePlatform\":1,\"messageBody\":{\n\"orderId\":\"1\",\n \"x\":1e999}}",
        r#"{"messageType":"SOMETHING","messageBody":{"x":1e999}}"#,
        r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"baseInfo":{"id":1}}}"#,
        r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"salesOrderId":"1"}}"#,
        r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"x":"1"}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","orderStatus":"CANCEL"}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","baseInfo":null}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","tradeTerms":[]}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","baseInfo":{},"baseInfo":null}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"orderId":null,"productItems":[]}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"productItems":[],"orderId":"1"}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"productItems":null,"orderId":"1","orderId":null}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":{"nativeLogistics":{},"orderId":"1"}}"#,
        r#"{"messageType":"1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":"{\"orderId\":\"1\",\"orderStatus\":\"CANCEL\"}"}"#,
        r#"{"messageType":"TAOBAO_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND","messageBody":{"refundId":"1"}}"#,
        r#"{"messageType":"PARCEL_INBOUND","messageBody":{"logistics_tracking_number":"1"}}"#,
        r#"{"messageType":"ORDER_CREATE","messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{}}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{},"messageBody":{}}"#,
        r#"{"messageType":"ORDER_CREATE","messagePlatform":"x","messageBody":{}}"#,
        r#"{"messageType":null,"messageBody":{}}"#,
        r#"{"messageBody":{}}"#,
        r#"{"messageType":"X","a":1,"a":2,"b":{"c":[1,"2"]},"retryCount":"3","timestamp":"2024-01-08 22:10:32","developId":"d","id":7}"#,
        r#"{"messageType":"X","retryCount":-1,"messagePlatform":7,"messageBody":{}}"#,
        r#"{"messageType":"X\u0041","k\u0041":1}"#,
        r#"[1]"#,
        r#"5"#,
        r#"{"messageType":"X"} x"#,
        r#"{"messageType":"X","messageBody":{"a":}}"#,
        r#"{"messageType":"X","messageBody":{"a":1}"#,
        r#"{"messageType":"X","messageBody":{"a":1},"timestamp":{}}"#,
        "",
    ];

    fn same(input: &[u8]) {
        let new = Message::from_slice(input);
        let old = from_slice(input);
        assert_eq!(new, old, "input {:?}", String::from_utf8_lossy(input));
        if let (Ok(n), Ok(o)) = (&new, &old) {
            assert_eq!(n.dedup_key(), o.dedup_key());
        }
    }

    #[test]
    fn fixtures_parse_as_before() {
        for (name, body) in fixtures() {
            let new = Message::from_slice(&body);
            let old = from_slice(&body);
            assert_eq!(new, old, "{name}");
            if let (Ok(n), Ok(o)) = (&new, &old) {
                assert_eq!(n.dedup_key(), o.dedup_key(), "{name}");
                println!("{name}: {}", n.dedup_key());
            }
        }
    }

    #[test]
    fn cases_parse_as_before() {
        for case in CASES {
            same(case.as_bytes());
        }
    }

    fn mutate(base: &[u8], at: usize, what: u8) -> Vec<u8> {
        let mut b = base.to_vec();
        if b.is_empty() {
            return b;
        }
        match what % 5 {
            0 => {
                let i = at % b.len();
                b[i] ^= what | 1;
            }
            1 => b.truncate(at % b.len()),
            2 => {
                let i = at % (b.len() + 1);
                b.splice(i..i, *b"123456789012345678901234");
            }
            3 => {
                let i = at % (b.len() + 1);
                b.splice(i..i, *b"null,");
            }
            _ => {
                let i = at % (b.len() + 1);
                b.splice(i..i, *b"\"orderId\":\"1\",");
            }
        }
        b
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn mutated_pushes_parse_as_before(
            pick in 0..CASES.len() + 5,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        ) {
            let fixtures = fixtures();
            let mut body = match CASES.get(pick) {
                Some(c) => c.as_bytes().to_vec(),
                None => fixtures[(pick - CASES.len()) % fixtures.len()].1.clone(),
            };
            for (at, what) in edits {
                body = mutate(&body, at, what);
            }
            if std::str::from_utf8(&body).is_ok() {
                same(&body);
            } else {
                prop_assert_eq!(Message::from_slice(&body).is_ok(), from_slice(&body).is_ok());
            }
        }
    }
}
