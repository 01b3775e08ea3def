//! The response envelope `{requestId, code, developId, msg, data}` (docs/platform.md §3).

use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{ApiError, DecodeError, Error};
use crate::types::lenient;

/// `code` values that mean success: 200 in every real sample, 0 in the docs'
/// schema-generated placeholders.
pub const SUCCESS_CODES: [i64; 2] = [200, 0];

/// A decoded successful response: the typed `data` plus the envelope.
///
/// Returned by [`Call::send_full`](crate::Call::send_full) and the raw
/// escape hatch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The decoded `data`.
    pub data: T,
    /// The envelope's `code` (200 or 0).
    pub code: i64,
    /// The envelope's `msg`.
    pub msg: String,
    /// The envelope's `requestId`.
    pub request_id: Option<String>,
    /// The envelope's `developId`, as text (it exceeds 2^53).
    pub develop_id: Option<String>,
    /// HTTP status of the response.
    pub http_status: u16,
    /// The raw response body, byte for byte.
    pub body: Bytes,
}

/// The envelope, generic over how `data` is read: `&RawValue` for the
/// two-pass decoder, the response type itself for the one-pass fast path.
/// Its name never reaches an error message (`expecting`).
#[derive(Deserialize)]
#[serde(expecting = "the envelope object {\"code\", \"msg\", \"data\"}")]
struct Envelope<D> {
    #[serde(
        rename = "requestId",
        default,
        deserialize_with = "lenient::opt_string_lossy"
    )]
    request_id: Option<String>,
    #[serde(default, deserialize_with = "strict_code")]
    code: Option<i64>,
    #[serde(
        rename = "developId",
        default,
        deserialize_with = "lenient::opt_string_lossy"
    )]
    develop_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_lossy")]
    msg: Option<String>,
    #[serde(default = "none")]
    data: Option<D>,
}

/// Reads `code` strictly: a JSON integer, or a string made only of ASCII
/// digits. Anything else (`"200 "`, `200.0`, `2e2`, `"+200"`, `true`) is an
/// error, so that a loosely written value is never taken for success.
/// `null` is "no code".
fn strict_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(StrictCode)
}

struct StrictCode;

impl serde::de::Visitor<'_> for StrictCode {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("`code` as a JSON integer or a string of digits")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format_args!("`code` {v} is out of range")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(format_args!(
            "`code` must be an integer, found the number {v}"
        )))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom(format_args!(
                "`code` must be an integer or a string of digits, found the string {v:?}"
            )));
        }
        v.parse()
            .map(Some)
            .map_err(|_| E::custom(format_args!("`code` {v:?} is out of range")))
    }
}

/// The envelope with `data` left unparsed.
type EnvelopeRawData<'a> = Envelope<&'a RawValue>;

fn none<T>() -> Option<T> {
    None
}

/// Whether the body (after leading whitespace) starts a JSON object.
fn is_object(body: &[u8]) -> bool {
    body.trim_ascii_start().first() == Some(&b'{')
}

/// Why a body is not an envelope, in words.
fn not_an_envelope(body: &[u8], err: Option<&serde_json::Error>) -> String {
    let trimmed = body.trim_ascii_start();
    if trimmed.is_empty() {
        return "empty body".to_owned();
    }
    if trimmed.first() == Some(&b'<') {
        return "HTML or XML page, not JSON".to_owned();
    }
    match err {
        Some(e) if e.is_eof() => format!(
            "truncated JSON: input ends at line {} column {}",
            e.line(),
            e.column()
        ),
        Some(e) if e.is_syntax() => format!("invalid JSON: {e}"),
        Some(e) => format!("JSON without the envelope's fields: {e}"),
        None => "JSON without a `code` field".to_owned(),
    }
}

/// What the request core knows that an error built here may need.
#[derive(Default)]
pub(crate) struct Hints<'a> {
    /// The masked signed string of the attempt, quoted in the hint of an
    /// authentication failure; only called for a platform error.
    pub(crate) signed: Option<&'a dyn Fn() -> String>,
    /// Why a retryable status was not retried (a `Retry-After` the call
    /// cannot wait for), joined to the reason of an [`Error::Http`].
    pub(crate) http_note: Option<&'a str>,
}

/// Decodes a response body.
pub(crate) fn decode<T: DeserializeOwned>(
    status: u16,
    body: Bytes,
    hints: &Hints<'_>,
) -> Result<ApiResponse<T>, Error> {
    // Fast path, one pass: a success envelope whose `data` fits `T`. Anything
    // else (an error code, no `data`, JSON that does not fit) goes through
    // `decode_slow`, which explains what went wrong with the JSON path; it
    // returns exactly what this path returns for the bodies this path accepts.
    // The body is checked as UTF-8 once, rather than string by string.
    if is_object(&body)
        && let Ok(text) = std::str::from_utf8(&body)
        && let Ok(Envelope {
            request_id,
            code: Some(code),
            develop_id,
            msg,
            data: Some(data),
        }) = serde_json::from_str::<Envelope<T>>(text)
        && SUCCESS_CODES.contains(&code)
    {
        return Ok(ApiResponse {
            data,
            code,
            msg: msg.unwrap_or_default(),
            request_id,
            develop_id,
            http_status: status,
            body,
        });
    }
    decode_slow(status, body, hints)
}

/// An [`Error::Http`]: the body is not an envelope. The core's note on why
/// the status was not retried, if any, joins the reason.
fn http_error(status: u16, reason: String, body: Bytes, hints: &Hints<'_>) -> Error {
    let reason = match hints.http_note {
        Some(note) => format!("{reason}; {note}"),
        None => reason,
    };
    Error::Http {
        status,
        reason,
        body,
        repeatable: false,
    }
}

/// Decodes in two passes: the envelope with a raw `data`, then `data` with
/// its JSON path tracked, for a precise error.
#[cold]
fn decode_slow<T: DeserializeOwned>(
    status: u16,
    body: Bytes,
    hints: &Hints<'_>,
) -> Result<ApiResponse<T>, Error> {
    // serde reads a struct from a JSON array too (`[1, 2]` would be
    // requestId 1, code 2): only an object is an envelope.
    if !is_object(&body) && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
        let kind = match body.trim_ascii_start().first() {
            Some(b'[') => "a JSON array",
            Some(b'"') => "a JSON string",
            Some(b'n') => "JSON null",
            Some(b't' | b'f') => "a JSON boolean",
            _ => "a JSON number",
        };
        let reason = format!(
            "{kind}, where the envelope object {{\"code\", \"msg\", \"data\"}} was expected"
        );
        return Err(http_error(status, reason, body, hints));
    }
    let env: EnvelopeRawData<'_> = match serde_json::from_slice(&body) {
        Ok(env) => env,
        Err(e) => {
            let reason = not_an_envelope(&body, Some(&e));
            return Err(http_error(status, reason, body, hints));
        }
    };
    let Some(code) = env.code else {
        let reason = not_an_envelope(&body, None);
        return Err(http_error(status, reason, body, hints));
    };
    let msg = env.msg.unwrap_or_default();
    if !SUCCESS_CODES.contains(&code) {
        let data = env
            .data
            .filter(|raw| raw.get() != "null")
            .map(RawValue::to_owned);
        let signed = hints.signed.map(|f| f());
        return Err(ApiError::new(
            code,
            msg,
            env.request_id,
            env.develop_id,
            status,
            data,
            signed.as_deref(),
        )
        .into());
    }
    let raw = env.data.map_or("null", RawValue::get);
    let mut de = serde_json::Deserializer::from_str(raw);
    let data = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(d) => d,
        Err(e) => {
            let inner = e.path().to_string();
            let path = if inner == "." {
                "data".to_owned()
            } else {
                format!("data.{inner}")
            };
            let mut message = e.into_inner().to_string();
            if raw == "null" {
                message = format!("`data` is missing or null: {message}");
            }
            return Err(DecodeError {
                path,
                message,
                body: body.clone(),
                http_status: status,
            }
            .into());
        }
    };
    Ok(ApiResponse {
        data,
        code,
        msg,
        request_id: env.request_id,
        develop_id: env.develop_id,
        http_status: status,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        price: i64,
    }

    fn dec<T: DeserializeOwned>(body: &str) -> Result<ApiResponse<T>, Error> {
        decode(
            200,
            Bytes::copy_from_slice(body.as_bytes()),
            &Hints::default(),
        )
    }

    #[test]
    fn success_codes_and_meta() {
        let r: ApiResponse<serde_json::Value> = dec(
            r#"{"requestId":"r1","code":200,"developId":1014533973088404335,"msg":"成功","data":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(r.request_id.as_deref(), Some("r1"));
        assert_eq!(r.develop_id.as_deref(), Some("1014533973088404335"));
        assert_eq!(r.data["a"], 1);
        let r: ApiResponse<Option<Item>> = dec(r#"{"code":"0","data":null}"#).unwrap();
        assert!(r.data.is_none());
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let bodies = [
            r#"{"requestId":"r1","code":200,"developId":1014533973088404335,"msg":"成功","data":{"a":[1,"x",null]}}"#,
            r#"{"code":"0","msg":null,"data":{"b":1.5}}"#,
            r#"{"data":{"c":true},"code":200}"#,
        ];
        for b in bodies {
            let body = Bytes::copy_from_slice(b.as_bytes());
            let fast = decode::<serde_json::Value>(200, body.clone(), &Hints::default()).unwrap();
            let slow = decode_slow::<serde_json::Value>(200, body, &Hints::default()).unwrap();
            assert_eq!(fast.data, slow.data, "{b}");
            assert_eq!(
                (fast.code, &fast.msg, &fast.request_id, &fast.develop_id),
                (slow.code, &slow.msg, &slow.request_id, &slow.develop_id),
                "{b}"
            );
            assert_eq!(fast.body, slow.body);
        }
    }

    #[test]
    fn code_is_read_strictly() {
        // Accepted: an integer, or a string of digits.
        for ok in [
            r#"{"code":200,"data":1}"#,
            r#"{"code":"200","data":1}"#,
            r#"{"code":"0","data":1}"#,
        ] {
            let r = dec::<serde_json::Value>(ok).unwrap();
            assert!(SUCCESS_CODES.contains(&r.code), "{ok}");
        }
        // Anything else is not an envelope, never a success.
        for bad in [
            r#"{"code":"200 ","data":1}"#,
            r#"{"code":" 200","data":1}"#,
            r#"{"code":200.0,"data":1}"#,
            r#"{"code":2e2,"data":1}"#,
            r#"{"code":"2e2","data":1}"#,
            r#"{"code":"+200","data":1}"#,
            r#"{"code":"","data":1}"#,
            r#"{"code":true,"data":1}"#,
            r#"{"code":[200],"data":1}"#,
            r#"{"code":18446744073709551615,"data":1}"#,
            r#"{"code":"99999999999999999999","data":1}"#,
        ] {
            let e = dec::<serde_json::Value>(bad).unwrap_err();
            assert!(
                matches!(&e, Error::Http { reason, .. } if reason.contains("code")),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn error_kinds() {
        let e = dec::<Item>(r#"{"requestId":null,"code":500,"msg":"系统异常","data":null}"#)
            .unwrap_err();
        assert!(matches!(&e, Error::Api(a) if a.code == 500 && a.msg == "系统异常"));
        let e = dec::<Item>("<html><body>502 Bad Gateway</body></html>").unwrap_err();
        assert!(
            matches!(&e, Error::Http { reason, .. } if reason.contains("HTML")),
            "{e}"
        );
        let e = dec::<Item>("").unwrap_err();
        assert!(matches!(&e, Error::Http { reason, .. } if reason == "empty body"));
        let e = dec::<Item>(r#"{"code":200,"data":{"pri"#).unwrap_err();
        assert!(
            matches!(&e, Error::Http { reason, .. } if reason.contains("truncated")),
            "{e}"
        );
        let e = dec::<Item>(r#"{"code":200,"data":{"price":"x"}}"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.path == "data.price"),
            "{e}"
        );
        let e = dec::<Item>(r#"{"code":200}"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.message.contains("missing")),
            "{e}"
        );
        let e = dec::<Item>(r#"{"status":"ok"}"#).unwrap_err();
        assert!(matches!(&e, Error::Http { .. }), "{e}");
    }
}
