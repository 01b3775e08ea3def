//! Arbitrary JSON through `record::redact`, the redaction every recording
//! goes through.
//!
//! Invariants: no panic; afterwards, no string or number survives under a
//! key outside `record::SAFE_KEYS` (nor at the top, under no key), at any
//! depth, inside JSON encoded in a string included: each is a placeholder
//! (`<redacted>`, the empty string, `0`, `0.0` or
//! `record::REDACTED_BIG_INTEGER`); the envelope's own keys
//! (`record::SAFE_ENVELOPE_KEYS`) are kept at its top level only; the shape
//! (keys, list lengths, JSON types but for a string turned into JSON text or
//! a value nested too deep) stays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use xportcn::record::{
    REDACTED, REDACTED_BIG_INTEGER, SAFE_ENVELOPE_KEYS, is_safe_key, normalize_key, redact,
};

/// Checks `v`, found under a safe key when `safe`.
fn check(v: &Value, safe: bool, depth: usize) {
    assert!(depth < 512, "runaway nesting");
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                check(x, is_safe_key(k), depth + 1);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| check(x, safe, depth + 1)),
        Value::String(s) => {
            let t = s.trim_start();
            if (t.starts_with('{') || t.starts_with('['))
                && let Ok(inner) = serde_json::from_str::<Value>(s)
            {
                return check(&inner, safe, depth + 1);
            }
            assert!(
                safe || s.is_empty() || s == REDACTED,
                "string {s:?} survived"
            );
        }
        Value::Number(n) => {
            assert!(
                safe || n.as_u64() == Some(0)
                    || n.as_f64() == Some(0.0) && n.is_f64()
                    || n.as_u64() == Some(REDACTED_BIG_INTEGER),
                "number {n} survived"
            );
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// Same keys, same list lengths.
fn same_shape(a: &Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            assert!(x.keys().eq(y.keys()));
            for (k, v) in x {
                same_shape(v, &y[k]);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(v, w)| same_shape(v, w));
        }
        // Too deep: redacted whole; a string: redacted inside.
        (_, Value::String(_)) => {}
        (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => {}
        (Value::Null, Value::Null) => {}
        (x, y) => panic!("{x} became {y}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(original) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut v = original.clone();
    redact(&mut v);
    same_shape(&original, &v);
    let envelope = v
        .as_object()
        .filter(|o| o.contains_key("code") && (o.contains_key("data") || o.contains_key("msg")));
    match envelope {
        Some(map) => {
            for (k, x) in map {
                let kept = SAFE_ENVELOPE_KEYS.contains(&normalize_key(k).as_str())
                    && !x.is_object()
                    && !x.is_array();
                if !kept {
                    check(x, is_safe_key(k), 1);
                }
            }
        }
        None => check(&v, false, 0),
    }
    // Redacting twice changes nothing more.
    let mut again = v.clone();
    redact(&mut again);
    assert_eq!(again, v);
});
