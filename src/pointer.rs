//! Reading raw answers safely: a value at a JSON pointer, as a type.
//!
//! About half the platform's answers have no documented schema, so the SDK
//! keeps them raw (a [`serde_json::Value`] from
//! [`RawCall::send_value`](crate::RawCall::send_value), a
//! [`RawValue`] from the typed methods of those endpoints). Reading them
//! with `value["orderId"].to_string()` is a trap: it works while the
//! platform sends the 19-digit id as a JSON number, and yields
//! `"\"3305…\""` (quotes included) the day it sends a string. [`ReadAt::at`]
//! reads the value at an [RFC 6901](https://www.rfc-editor.org/rfc/rfc6901)
//! pointer into the type you name ([`Id`](crate::types::Id) from a string or
//! a number, [`Fen`](crate::types::Fen), [`Yuan`](crate::types::Yuan),
//! `String`, or any `Deserialize` type), and fails with
//! [`Error::Pointer`] naming the pointer, the type and what was found there
//! (the raw text kept in the error, as decode errors keep the body).
//!
//! ```
//! use serde_json::json;
//! use xportcn::pointer::ReadAt;
//! use xportcn::types::Id;
//!
//! // The same id, as a number and as a string: both read the same.
//! let as_number = json!({"orderId": 3305117853140189839u64});
//! let as_string = json!({"orderId": "3305117853140189839"});
//! let a: Id = as_number.at("/orderId")?;
//! let b: Id = as_string.at("/orderId")?;
//! assert_eq!(a, b);
//! assert_eq!(a.as_str(), "3305117853140189839");
//!
//! // A miss names the pointer and what is there instead.
//! let err = as_string.at::<Id>("/order_id").unwrap_err();
//! assert!(err.to_string().contains("/order_id"));
//! assert!(err.to_string().contains("orderId"));
//! # Ok::<(), xportcn::Error>(())
//! ```
//!
//! On an [`ApiResponse`] the pointer starts at the envelope, so `data`'s
//! fields are under `/data` and the error keeps the whole HTTP body:
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! use xportcn::pointer::ReadAt;
//! use xportcn::endpoint::Method;
//! use xportcn::types::Id;
//! let created = client
//!     .raw(Method::Post, "/open/order")
//!     .json(&serde_json::json!({"purchaseAmount": 100}))
//!     .send_value()
//!     .await?;
//! let order_id: Id = created.at("/data/orderId")?;
//! # Ok(()) }
//! ```
//!
//! Pointer syntax: `""` is the whole value, `/a/0/b` is key `a`, item 0,
//! key `b`; a `/` inside a key is written `~1` and a `~` is written `~0`.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::envelope::ApiResponse;
use crate::error::Error;

/// How many keys of an object an error lists.
const KEYS_SHOWN: usize = 20;

/// Reads the value at a JSON pointer as a type. Implemented for
/// [`serde_json::Value`], [`RawValue`] (so `Box<RawValue>` answers too) and
/// [`ApiResponse`] (the pointer then starts at the envelope: `/data/...`).
pub trait ReadAt {
    /// The value at `pointer`, as `T`.
    ///
    /// # Errors
    /// [`Error::Pointer`] when the pointer is malformed, nothing is there
    /// (the error says where the path stops and what is there), or the value
    /// does not fit `T` (the error says what kind of value was found; a
    /// string's text is never quoted, it may be personal data).
    fn at<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Error>;

    /// Like [`ReadAt::at`], but `Ok(None)` when nothing is at `pointer` or
    /// it holds `null`: for fields an answer may leave out.
    ///
    /// # Errors
    /// [`Error::Pointer`] when the pointer is malformed or the value does not
    /// fit `T`.
    fn at_opt<T: DeserializeOwned>(&self, pointer: &str) -> Result<Option<T>, Error>;
}

impl ReadAt for Value {
    fn at<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Error> {
        read(self, pointer, || Bytes::from(self.to_string()))
    }

    fn at_opt<T: DeserializeOwned>(&self, pointer: &str) -> Result<Option<T>, Error> {
        read_opt(self, pointer, || Bytes::from(self.to_string()))
    }
}

impl ReadAt for RawValue {
    fn at<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Error> {
        let body = || Bytes::copy_from_slice(self.get().as_bytes());
        read(&parse(self.get().as_bytes(), pointer, body)?, pointer, body)
    }

    fn at_opt<T: DeserializeOwned>(&self, pointer: &str) -> Result<Option<T>, Error> {
        let body = || Bytes::copy_from_slice(self.get().as_bytes());
        read_opt(&parse(self.get().as_bytes(), pointer, body)?, pointer, body)
    }
}

/// The pointer starts at the envelope (`/data/orderId`, `/requestId`); the
/// error keeps the whole HTTP body.
impl<D> ReadAt for ApiResponse<D> {
    fn at<T: DeserializeOwned>(&self, pointer: &str) -> Result<T, Error> {
        let body = || self.body.clone();
        read(&parse(&self.body, pointer, body)?, pointer, body)
    }

    fn at_opt<T: DeserializeOwned>(&self, pointer: &str) -> Result<Option<T>, Error> {
        let body = || self.body.clone();
        read_opt(&parse(&self.body, pointer, body)?, pointer, body)
    }
}

/// A value read at a JSON pointer ([`ReadAt`]) was not there, or did not fit
/// the type asked.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
#[error("cannot read `{pointer}` as {expected}: {found}")]
pub struct PointerError {
    /// The pointer asked for (for a value inside the one found, such as a
    /// field of a struct, the pointer to that inner value).
    pub pointer: String,
    /// The Rust type asked for, without module paths, e.g. `Id` or
    /// `Vec<Line>`.
    pub expected: String,
    /// What was found instead, in words: where the path stops and the keys
    /// there, or the kind of value and why it does not fit. Never a string's
    /// text.
    pub found: String,
    /// The raw JSON that was read (the HTTP body for an [`ApiResponse`]).
    pub body: Bytes,
}

impl fmt::Debug for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body may hold personal data: its size only.
        f.debug_struct("PointerError")
            .field("pointer", &self.pointer)
            .field("expected", &self.expected)
            .field("found", &self.found)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// `T`'s name without module paths: `Id`, `Vec<Line>`, `Option<String>`.
fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        out.push_str(token.rsplit("::").next().unwrap_or(token));
        token.clear();
    };
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

fn error<T>(pointer: String, found: String, body: Bytes) -> Error {
    Error::Pointer(Box::new(PointerError {
        pointer,
        expected: short_type_name::<T>(),
        found,
        body,
    }))
}

/// Parses raw JSON text (an error when it is not JSON).
fn parse(text: &[u8], pointer: &str, body: impl Fn() -> Bytes) -> Result<Value, Error> {
    serde_json::from_slice(text).map_err(|e| {
        Error::Pointer(Box::new(PointerError {
            pointer: pointer.to_owned(),
            expected: "JSON".to_owned(),
            found: format!("the text is not JSON: {e}"),
            body: body(),
        }))
    })
}

fn check_syntax<T>(pointer: &str, body: &impl Fn() -> Bytes) -> Result<(), Error> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(error::<T>(
            pointer.to_owned(),
            "a JSON pointer is empty or starts with `/` (e.g. `/data/orderId`)".to_owned(),
            body(),
        ));
    }
    Ok(())
}

fn read<T: DeserializeOwned>(
    root: &Value,
    pointer: &str,
    body: impl Fn() -> Bytes,
) -> Result<T, Error> {
    check_syntax::<T>(pointer, &body)?;
    match root.pointer(pointer) {
        Some(v) => convert(v, pointer, &body),
        None => Err(error::<T>(pointer.to_owned(), miss(root, pointer), body())),
    }
}

fn read_opt<T: DeserializeOwned>(
    root: &Value,
    pointer: &str,
    body: impl Fn() -> Bytes,
) -> Result<Option<T>, Error> {
    check_syntax::<T>(pointer, &body)?;
    match root.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => convert(v, pointer, &body).map(Some),
    }
}

/// `v` as `T`, with the pointer to the inner value that failed.
fn convert<T: DeserializeOwned>(
    v: &Value,
    pointer: &str,
    body: &impl Fn() -> Bytes,
) -> Result<T, Error> {
    serde_path_to_error::deserialize::<_, T>(v).map_err(|e| {
        let mut at = pointer.to_owned();
        let mut inner = v;
        for seg in e.path().iter() {
            let token = match seg {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                serde_path_to_error::Segment::Unknown => break,
            };
            at.push('/');
            at.push_str(&token.replace('~', "~0").replace('/', "~1"));
            inner = match inner {
                Value::Object(m) => m.get(&token).unwrap_or(inner),
                Value::Array(a) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get(i))
                    .unwrap_or(inner),
                _ => inner,
            };
        }
        let mut found = kind(inner);
        // serde's message quotes a string's text (`invalid type: string
        // "..."`), which may be personal data: kept for other values only.
        if !inner.is_string() {
            found.push_str(": ");
            found.push_str(&e.into_inner().to_string());
        }
        if inner.is_number() && std::any::type_name::<T>() == std::any::type_name::<String>() {
            found.push_str("; an id sent as a number reads as xportcn::types::Id");
        }
        error::<T>(at, found, body())
    })
}

/// The kind of a value, in words, without a string's text.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "found null".to_owned(),
        Value::Bool(_) => "found a boolean".to_owned(),
        Value::Number(n) if n.is_f64() => "found a number with a fraction or exponent".to_owned(),
        Value::Number(_) => "found an integer".to_owned(),
        Value::String(s) => format!("found a string of {} characters", s.chars().count()),
        Value::Array(a) => format!("found an array of {} items", a.len()),
        Value::Object(m) => format!("found an object with keys {}", keys(m)),
    }
}

fn keys(m: &serde_json::Map<String, Value>) -> String {
    if m.is_empty() {
        return "(none)".to_owned();
    }
    let shown: Vec<&str> = m.keys().take(KEYS_SHOWN).map(String::as_str).collect();
    let more = m.len().saturating_sub(KEYS_SHOWN);
    let mut s = shown.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// Where a pointer that leads nowhere stops, and what is there.
fn miss(root: &Value, pointer: &str) -> String {
    let mut here = root;
    let mut walked = String::new();
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let at = if walked.is_empty() {
            "the root"
        } else {
            walked.as_str()
        };
        let next = match here {
            Value::Object(m) => match m.get(&token) {
                Some(v) => v,
                None => {
                    return format!(
                        "nothing there: the object at {at} has no key `{token}` (its keys: {})",
                        keys(m)
                    );
                }
            },
            Value::Array(a) => match token.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(v) => v,
                None => {
                    return format!(
                        "nothing there: the array at {at} has {} items, no item `{token}`",
                        a.len()
                    );
                }
            },
            other => {
                let k = kind(other);
                let k = k.strip_prefix("found ").unwrap_or(&k);
                return format!("nothing there: {at} is {k}, which has no `{token}`");
            }
        };
        walked.push('/');
        walked.push_str(raw);
        here = next;
    }
    "nothing there".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Fen, Id, Yuan};
    use serde_json::json;

    fn pointer_error(e: Error) -> PointerError {
        match e {
            Error::Pointer(p) => *p,
            other => panic!("expected Error::Pointer, got {other:?}"),
        }
    }

    #[test]
    fn ids_read_from_numbers_and_strings_without_losing_digits() {
        // 19 digits, beyond 2^53: a float would round it.
        let text = r#"{"n": 3305117853140189839, "s": "3305117853140189839", "max": 18446744073709551615}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        let n: Id = v.at("/n").unwrap();
        let s: Id = v.at("/s").unwrap();
        assert_eq!(n, s);
        assert_eq!(n.as_str(), "3305117853140189839");
        assert_eq!(v.at::<Id>("/max").unwrap().as_str(), "18446744073709551615");
        // Beyond 64 bits the number is refused, never rounded.
        let big: Value = serde_json::from_str(r#"{"id": 123456789012345678901}"#).unwrap();
        let e = pointer_error(big.at::<Id>("/id").unwrap_err());
        assert_eq!(e.pointer, "/id");
        assert!(e.found.contains("not a 64-bit integer"), "{}", e.found);
    }

    #[test]
    fn money_and_text() {
        let v = json!({"fen": 1050, "yuan": "6.15", "yuanNum": 6.15, "title": "x"});
        assert_eq!(v.at::<Fen>("/fen").unwrap(), Fen(1050));
        assert_eq!(v.at::<Yuan>("/yuan").unwrap().as_str(), "6.15");
        assert_eq!(v.at::<Yuan>("/yuanNum").unwrap().to_fen(), Some(Fen(615)));
        assert_eq!(v.at::<String>("/title").unwrap(), "x");
        // A string's text is never quoted in the error.
        let secret = json!({"fen": "13800138000"});
        let e = secret.at::<Fen>("/fen").unwrap_err();
        assert!(!e.to_string().contains("13800138000"), "{e}");
        assert!(e.to_string().contains("string of 11 characters"), "{e}");
        assert!(e.to_string().contains("as Fen:"), "{e}");
        // An id sent as a number, read as a String: the error says to use Id.
        let e = json!({"orderId": 1}).at::<String>("/orderId").unwrap_err();
        assert!(e.to_string().contains("xportcn::types::Id"), "{e}");
    }

    #[test]
    fn misses_say_where_the_path_stops() {
        let v = json!({"subOrders": [{"subPurchaseOrderId": 1}], "status": 10});
        let e = pointer_error(
            v.at::<Id>("/subOrders/0/sub_purchase_order_id")
                .unwrap_err(),
        );
        assert_eq!(e.pointer, "/subOrders/0/sub_purchase_order_id");
        assert!(
            e.found
                .contains("/subOrders/0 has no key `sub_purchase_order_id`"),
            "{}",
            e.found
        );
        assert!(e.found.contains("subPurchaseOrderId"), "{}", e.found);
        let e = pointer_error(v.at::<Id>("/subOrders/3/x").unwrap_err());
        assert!(e.found.contains("has 1 items, no item `3`"), "{}", e.found);
        let e = pointer_error(v.at::<Id>("/status/x").unwrap_err());
        assert!(e.found.contains("/status is an integer"), "{}", e.found);
        let e = pointer_error(v.at::<Id>("status").unwrap_err());
        assert!(e.found.contains("starts with `/`"), "{}", e.found);
        assert_eq!(v.at_opt::<Id>("/nothing").unwrap(), None);
        assert_eq!(json!({"a": null}).at_opt::<Id>("/a").unwrap(), None);
        assert!(v.at_opt::<Fen>("/subOrders").is_err());
        // Escapes: `~1` is `/`, `~0` is `~`.
        let v = json!({"a/b": {"c~d": 7}});
        assert_eq!(v.at::<i64>("/a~1b/c~0d").unwrap(), 7);
    }

    #[test]
    fn struct_errors_point_inside() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Line {
            price: Fen,
        }
        let v = json!({"lines": [{"price": 1}, {"price": 2.5}]});
        let e = pointer_error(v.at::<Vec<Line>>("/lines").unwrap_err());
        assert_eq!(e.pointer, "/lines/1/price");
        assert_eq!(e.expected, "Vec<Line>");
        assert!(e.found.contains("fraction"), "{}", e.found);
    }

    #[test]
    fn raw_values_and_responses() {
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"orderId":"3305117853140189839"}"#).unwrap();
        assert_eq!(
            raw.at::<Id>("/orderId").unwrap().as_str(),
            "3305117853140189839"
        );
        let e = pointer_error(raw.at::<Id>("/x").unwrap_err());
        assert_eq!(&e.body[..], raw.get().as_bytes());

        let body =
            r#"{"code":200,"msg":"成功","requestId":"r1","data":{"orderId":3305117853140189839}}"#;
        let resp: ApiResponse<Value> =
            crate::__private::decode_envelope_slice(200, body.as_bytes()).unwrap();
        assert_eq!(
            resp.at::<Id>("/data/orderId").unwrap().as_str(),
            "3305117853140189839"
        );
        assert_eq!(resp.at::<String>("/requestId").unwrap(), "r1");
        let e = resp.at::<Id>("/data/id").unwrap_err();
        assert_eq!(e.body().map(|b| &b[..]), Some(body.as_bytes()));
        // The Value answer reads the same, relative to `data`.
        assert_eq!(
            resp.data.at::<Id>("/orderId").unwrap().as_str(),
            "3305117853140189839"
        );
    }
}
