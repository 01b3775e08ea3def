//! Property tests of the envelope decoder, bounded for the normal suite.
//!
//! Thousands of arbitrary byte strings and mutations of valid envelopes (byte
//! flips, truncations, insertions of huge numbers, nulls, deep nesting, type
//! swaps at random JSON paths) go through the exact decoder the client runs on
//! every response, for `taobao::Product`, `aftersale::RefundRender` and
//! `serde_json::Value`. Properties:
//!
//! * no panic, and every failure is one of the typed variants a body can
//!   produce (`Http`, `Api`, `Decode`) whose `Display`/`Debug` work;
//! * the raw body is kept verbatim in successes, `Http` and `Decode` errors;
//! * the three types agree on what the envelope is: if the body is not an
//!   envelope for one type it is not for any, a platform error is the same
//!   error for all, and a typed failure on a valid envelope is a `Decode`
//!   error whose path starts at `data`.
//!
//! Case counts are fixed (`CASES` per property); RELIABILITY.md has the
//! figures.
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde::de::DeserializeOwned;
use serde_json::Value;
use xportcn::__private::decode_envelope_slice as decode_envelope;
use xportcn::Error;
use xportcn::aftersale::RefundRender;
use xportcn::envelope::{ApiResponse, SUCCESS_CODES};
use xportcn::taobao::Product;

const CASES: u32 = 4_000;

const PRODUCT: &str = include_str!("../fixtures/taobao-product-get.response.json");
const REFUND_RENDER: &str = r#"{"code":0,"msg":"string","requestId":"string","developId":"string","data":{"currency":"CNY","distributorId":"1034499579120189839","saleFlag":1,"refundOrderTemplate":{"goodsStatusList":["1",2],"refundTypeList":["1"],"maxRefundFee":{"canEditRefundFee":true,"feeTips":"t","maxRefundFee":100,"minRefundFee":"0","refundFee":50},"refundOrder":{"canEditFee":"true","goodsStatus":1,"payOrderId":1034499579120189839,"reasonId":3,"refundFee":"50","refundId":"TQ1429","refundStatus":2,"refundType":1},"refundReasons":[{"reasonDesc":"不想要了","reasonId":1,"tips":null}]}}}"#;
const API_ERROR: &str =
    r#"{"requestId":"r","code":401,"msg":"签名错误","developId":1014533973088404335,"data":null}"#;

/// Values inserted or swapped in: huge and odd numbers, nulls, wrong types,
/// escapes, deep nesting.
const NASTY: &[&str] = &[
    "123456789012345678901234",
    "-123456789012345678901234",
    "18446744073709551616",
    "9223372036854775808",
    "-9223372036854775809",
    "1e400",
    "-1e400",
    "1e-400",
    "0.1e1",
    "-0",
    "1.5",
    "null",
    "true",
    "\"\"",
    "\"x\"",
    "\"123456789012345678901234\"",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "[null]",
    "{\"a\":null}",
    "\"\u{202e}\u{feff}\"",
];

fn config() -> Config {
    Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

/// What kind of outcome a decode had, for comparing types.
#[derive(Debug, PartialEq)]
enum Kind {
    Ok,
    Http(String),
    Api(i64, String),
    Decode,
}

fn decode_one<T: DeserializeOwned>(status: u16, body: &[u8]) -> Kind {
    let result: Result<ApiResponse<T>, Error> = decode_envelope(status, body);
    match result {
        Ok(r) => {
            assert_eq!(&r.body[..], body, "success must keep the body");
            assert!(SUCCESS_CODES.contains(&r.code));
            assert_eq!(r.http_status, status);
            Kind::Ok
        }
        Err(e) => {
            // Display, Debug and the helpers must not panic.
            let _ = e.to_string();
            let _ = format!("{e:?}");
            let _ = format!("{e:#?}");
            let _ = (e.hint(), e.is_retryable(), e.status());
            match e {
                Error::Http {
                    status: s,
                    reason,
                    body: b,
                    ..
                } => {
                    assert_eq!(s, status);
                    assert_eq!(&b[..], body);
                    assert!(!reason.is_empty());
                    Kind::Http(reason)
                }
                Error::Api(a) => {
                    assert!(!SUCCESS_CODES.contains(&a.code));
                    assert_eq!(a.http_status, status);
                    Kind::Api(a.code, a.msg.clone())
                }
                Error::Decode(d) => {
                    assert_eq!(&d.body[..], body);
                    assert!(d.path.starts_with("data"), "path {:?}", d.path);
                    assert!(!d.message.is_empty());
                    Kind::Decode
                }
                other => panic!("a body produced a non-body error: {other:?}"),
            }
        }
    }
}

/// Decodes with the three types and checks that they agree.
fn check(status: u16, body: &[u8]) {
    let value = decode_one::<Value>(status, body);
    let product = decode_one::<Product>(status, body);
    let render = decode_one::<RefundRender>(status, body);
    for (name, typed) in [("Product", &product), ("RefundRender", &render)] {
        match &value {
            // Any valid success envelope: the typed decode succeeds or fails at `data`.
            Kind::Ok => assert!(
                matches!(typed, Kind::Ok | Kind::Decode),
                "{name}: {typed:?} where Value decoded; body {:?}",
                String::from_utf8_lossy(body)
            ),
            // A `Value` tree can fail (its depth limit) where a model keeps
            // the same unknown field as raw text, which builds no tree: the
            // typed decode may then succeed, losing nothing.
            Kind::Decode if *typed == Kind::Ok => {}
            other => assert_eq!(other, typed, "{name} disagrees with Value"),
        }
    }
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        1 => Just(401u16),
        1 => Just(502u16),
        1 => 100u16..600,
    ]
}

/// A mutation of a valid envelope.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    Insert { at: usize, what: usize },
    Nest { at: usize, depth: usize },
    Swap { pick: usize, what: usize },
    Delete { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 0..NASTY.len()).prop_map(|(at, what)| Mutation::Insert { at, what }),
        (any::<usize>(), prop_oneof![1usize..200, Just(5_000usize)])
            .prop_map(|(at, depth)| Mutation::Nest { at, depth }),
        (any::<usize>(), 0..NASTY.len()).prop_map(|(pick, what)| Mutation::Swap { pick, what }),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| Mutation::Delete { at, len }),
    ]
}

/// Every JSON value of a document, as a JSON pointer.
fn pointers(v: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{here}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(base: &str, m: &Mutation) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    let pos = |at: usize, len: usize| at % (len + 1);
    if b.is_empty()
        && matches!(
            m,
            Mutation::Flip { .. } | Mutation::Truncate { .. } | Mutation::Delete { .. }
        )
    {
        return b;
    }
    match *m {
        Mutation::Flip { at, mask } => {
            let i = at % b.len();
            b[i] ^= mask;
        }
        Mutation::Truncate { at } => b.truncate(at % b.len()),
        Mutation::Insert { at, what } => {
            let i = pos(at, b.len());
            b.splice(i..i, NASTY[what].bytes());
        }
        Mutation::Nest { at, depth } => {
            let i = pos(at, b.len());
            let mut nest = "[".repeat(depth);
            nest.push_str(&"]".repeat(depth));
            b.splice(i..i, nest.into_bytes());
        }
        Mutation::Swap { pick, what } => {
            // A type swap at a random path: the document stays valid JSON.
            // (After an earlier mutation the text may not be JSON: keep it.)
            let Ok(mut doc) = serde_json::from_str::<Value>(base) else {
                return b;
            };
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            let target = &all[pick % all.len()];
            let new: Value = serde_json::from_str(NASTY[what]).unwrap_or(Value::Null);
            if let Some(slot) = doc.pointer_mut(target) {
                *slot = new;
            }
            // Large integers lose their digits through Value; write them raw.
            let text = doc.to_string();
            b = if NASTY[what].starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                text.replace(&new_text(NASTY[what]), NASTY[what])
                    .into_bytes()
            } else {
                text.into_bytes()
            };
        }
        Mutation::Delete { at, len } => {
            let i = at % b.len();
            let j = (i + len).min(b.len());
            b.drain(i..j);
        }
    }
    b
}

/// How `serde_json` prints a numeric literal after a round trip.
fn new_text(lit: &str) -> String {
    serde_json::from_str::<Value>(lit)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "null".into())
}

fn base() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(PRODUCT), Just(REFUND_RENDER), Just(API_ERROR)]
}

#[test]
fn bases_decode() {
    assert_eq!(decode_one::<Product>(200, PRODUCT.as_bytes()), Kind::Ok);
    assert_eq!(
        decode_one::<RefundRender>(200, REFUND_RENDER.as_bytes()),
        Kind::Ok
    );
    assert!(matches!(
        decode_one::<Value>(200, API_ERROR.as_bytes()),
        Kind::Api(401, _)
    ));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [127, 128, 129, 10_000, 100_000] {
        let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for body in [
            format!(r#"{{"code":200,"data":{nest}}}"#),
            format!(r#"{{"code":200,"data":{{"skuList":{nest}}}}}"#),
            format!(r#"{{"code":500,"msg":"x","data":{nest}}}"#),
            nest.clone(),
        ] {
            check(200, body.as_bytes());
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(status in status(), body in proptest::collection::vec(any::<u8>(), 0..256)) {
        check(status, &body);
    }

    #[test]
    fn arbitrary_json_like_text_never_panics(status in status(), body in "[{}\\[\\]\":,0-9a-z. \\-eE]{0,96}") {
        let text = format!(r#"{{"code":200,"data":{body}}}"#);
        check(status, text.as_bytes());
        check(status, body.as_bytes());
    }

    #[test]
    fn mutated_envelopes_never_panic(
        status in status(),
        base in base(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut body = base.to_owned();
        let mut bytes = body.as_bytes().to_vec();
        for m in &mutations {
            bytes = apply(&body, m);
            match String::from_utf8(bytes.clone()) {
                Ok(s) => body = s,
                Err(_) => break, // further mutations need text; test what we have
            }
        }
        check(status, &bytes);
    }
}
