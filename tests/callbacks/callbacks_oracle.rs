//! Differential test: `Message::from_slice` against `serde_json::Value`
//! decoding of the same push.
//!
//! `Value` is the oracle. For every fixture, crafted push and mutated push:
//!
//! * a push `Value` rejects is rejected, with `Value`'s error position (or an
//!   envelope error found before it); the only exceptions are problems inside
//!   values the SDK keeps as raw text without reading them (a number out of
//!   range, a lone surrogate escape);
//! * a push `Value` accepts is never a JSON error;
//! * a message read from it agrees with the `Value`: the envelope fields, the
//!   envelope's `extra`, and the body, which serializes back to the body's
//!   `Value` (the models are lossless) up to the leniency of the models
//!   (numbers as strings, `null` as absent, enum spellings);
//! * the same body sent as a JSON-encoded string gives the same message.

use proptest::prelude::*;
use serde_json::{Map, Value};
use xportcn::callbacks::{Ali1688PriceModify, CallbackError, Message};

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/callbacks");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .expect("callback fixtures in tests/fixtures/callbacks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            (
                name.to_owned(),
                std::fs::read(&p).expect("readable fixture"),
            )
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

/// The envelope keys the SDK types; every other key is in `extra`.
const ENVELOPE_KEYS: [&str; 7] = [
    "messageType",
    "messageBody",
    "messagePlatform",
    "timestamp",
    "retryCount",
    "developId",
    "id",
];

/// A value reduced to what the lenient models keep: `null`, `""`, `[]`
/// and `null` list items dropped; numbers, numeric strings and booleans as
/// one canonical text; strings and keys without case, `_`, `-` or spaces
/// (enum spellings); integers exactly.
fn canon(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => Value::String(if *b { "1" } else { "0" }.into()),
        Value::Number(n) => Value::String(canon_text(&n.to_string())),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => Value::String(canon_text(s)),
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(canon).collect();
            if items.is_empty() {
                return None;
            }
            Value::Array(items)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .filter_map(|(k, v)| Some((canon_text(k), canon(v)?)))
                .collect::<Map<_, _>>(),
        ),
    })
}

fn canon_text(s: &str) -> String {
    let t = s.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n = digits.trim_start_matches('0');
        let n = if n.is_empty() { "0" } else { n };
        return if t.starts_with('-') && n != "0" {
            format!("-{n}")
        } else {
            n.to_owned()
        };
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9e15 => format!("{}", f as i64),
        Ok(f) if f.is_finite() => format!("{f}"),
        _ if t.eq_ignore_ascii_case("true") => "1".into(),
        _ if t.eq_ignore_ascii_case("false") => "0".into(),
        _ => t
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect(),
    }
}

/// The typed body serialized back to JSON, or the raw body of an unknown
/// message.
fn body_json(msg: &Message) -> Option<Value> {
    let v = match msg {
        Message::TaobaoPriceModify { body, .. } => serde_json::to_value(body),
        Message::TaobaoOrderStatus { body, .. } | Message::Ali1688OrderStatus { body, .. } => {
            serde_json::to_value(body)
        }
        Message::TaobaoRefund { body, .. } => serde_json::to_value(body),
        Message::Ali1688PriceModify {
            body: Ali1688PriceModify::Order(o),
            ..
        } => serde_json::to_value(o),
        Message::Ali1688PriceModify {
            body: Ali1688PriceModify::Summary(s),
            ..
        } => serde_json::to_value(s),
        Message::Ali1688Refund { body, .. } => serde_json::to_value(body),
        Message::ParcelInbound { body, .. } => serde_json::to_value(body),
        Message::Unknown { .. } => return None,
        other => panic!("a variant this test does not know: {other:?}"),
    };
    Some(v.expect("a body serializes"))
}

/// Raw values are kept unread, so a few JSON errors inside them are not
/// found.
fn only_in_raw_values(err: &serde_json::Error) -> bool {
    let m = err.to_string();
    m.contains("number out of range") || m.contains("surrogate")
}

/// `Message::from_slice` agrees with the `Value` of the same push.
fn agrees(push: &[u8]) -> Result<(), TestCaseError> {
    let msg = Message::from_slice(push);
    let label = String::from_utf8_lossy(push);
    let value = match serde_json::from_slice::<Value>(push) {
        Err(e) => {
            match &msg {
                Err(CallbackError::Json { line, column, .. }) => {
                    prop_assert_eq!((*line, *column), (e.line(), e.column()), "{}", label);
                }
                Err(CallbackError::Envelope { line, column, .. }) => {
                    prop_assert!((*line, *column) <= (e.line(), e.column()), "{}", label);
                }
                _ => prop_assert!(only_in_raw_values(&e), "{e}: {msg:?} for {label}"),
            }
            return Ok(());
        }
        Ok(v) => v,
    };
    let msg = match msg {
        Ok(msg) => msg,
        Err(e) => {
            prop_assert!(!matches!(e, CallbackError::Json { .. }), "{e} for {label}");
            return Ok(());
        }
    };
    let top = value.as_object().expect("an envelope is an object");

    // Envelope.
    let text = |k: &str| top.get(k).and_then(canon);
    let env = msg.envelope();
    prop_assert_eq!(
        Some(Value::String(canon_text(msg.message_type()))),
        text("messageType")
    );
    prop_assert_eq!(
        env.platform_code.map(|c| Value::String(c.to_string())),
        text("messagePlatform")
    );
    prop_assert_eq!(
        msg.pushed_at().map(|t| Value::String(canon_text(t.raw()))),
        text("timestamp")
    );
    prop_assert_eq!(
        msg.develop_id()
            .map(|i| Value::String(canon_text(i.as_str()))),
        text("developId")
    );
    prop_assert_eq!(
        msg.id().map(|i| Value::String(canon_text(i.as_str()))),
        text("id")
    );
    if let Some(n) = msg.retry_count() {
        prop_assert_eq!(Some(Value::String(n.to_string())), text("retryCount"));
    }
    let mut keys: Vec<&str> = env.extra.keys().collect();
    keys.sort_unstable();
    keys.dedup();
    let want: Vec<&str> = top
        .keys()
        .map(String::as_str)
        .filter(|k| !ENVELOPE_KEYS.contains(k))
        .collect();
    prop_assert_eq!(&keys, &want, "{}", label);
    for k in keys {
        let kept: Value = env.extra.get_as(k).expect("present").expect("valid JSON");
        prop_assert_eq!(&kept, &top[k]);
    }

    // Body.
    let sent = match top.get("messageBody") {
        Some(Value::String(s)) if env.body_was_string => {
            serde_json::from_str(s).expect("a string body read as JSON holds JSON")
        }
        Some(v) => v.clone(),
        None => Value::Null,
    };
    match (&msg, body_json(&msg)) {
        (Message::Unknown { raw, .. }, None) => prop_assert_eq!(raw, &sent, "{}", label),
        (_, Some(body)) => prop_assert_eq!(canon(&body), canon(&sent), "{}", label),
        _ => unreachable!(),
    }

    // The same body as a JSON-encoded string.
    let object_body = top
        .get("messageBody")
        .is_some_and(|b| b.is_object() || b.is_array());
    if object_body && let Some(again) = as_string_body(push) {
        let again = Message::from_slice(&again).expect("the same body as a string");
        let flag = |m: &Message| {
            format!("{m:?}").replace("body_was_string: true", "body_was_string: false")
        };
        prop_assert_eq!(flag(&again), flag(&msg), "{}", label);
        prop_assert_eq!(again.dedup_key(), msg.dedup_key());
    }
    Ok(())
}

/// The push with its object or array `messageBody` replaced by a string
/// holding the same text (`None` when the body is not found once).
fn as_string_body(push: &[u8]) -> Option<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Body<'a> {
        #[serde(rename = "messageBody", borrow)]
        body: &'a serde_json::value::RawValue,
    }
    let text = std::str::from_utf8(push).ok()?;
    let raw = serde_json::from_str::<Body<'_>>(text).ok()?.body.get();
    let start = raw.as_ptr() as usize - text.as_ptr() as usize;
    let encoded = serde_json::to_string(raw).ok()?;
    Some(
        [&text[..start], &encoded, &text[start + raw.len()..]]
            .concat()
            .into_bytes(),
    )
}

#[test]
fn fixtures_agree_with_value() {
    for (name, push) in fixtures() {
        agrees(&push).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn crafted_pushes_agree_with_value() {
    for push in CASES {
        agrees(push.as_bytes()).unwrap_or_else(|e| panic!("{push}: {e}"));
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
    fn mutated_pushes_agree_with_value(
        pick in 0..CASES.len() + 5,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let fixtures = fixtures();
        let mut push = match CASES.get(pick) {
            Some(c) => c.as_bytes().to_vec(),
            None => fixtures[(pick - CASES.len()) % fixtures.len()].1.clone(),
        };
        for (at, what) in edits {
            push = mutate(&push, at, what);
        }
        agrees(&push)?;
    }
}
