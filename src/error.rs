//! The crate's error type.
//!
//! Every failure of a call is one [`Error`] variant that says exactly what went
//! wrong: the platform answered with a non-success code ([`Error::Api`]), the
//! answer was not the JSON envelope ([`Error::Http`]), the JSON did not fit the
//! expected type ([`Error::Decode`], with the JSON path and the raw body), or
//! the request never completed ([`Error::Transport`], [`Error::Timeout`]).
//!
//! No variant ever contains the access secret.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::endpoint::Generation;

/// How many bytes of a body an error message quotes.
const SNIPPET_LEN: usize = 512;

/// Any error returned by this crate.
///
/// ```
/// # async fn demo(client: xportcn::Client) {
/// use xportcn::Error;
/// match client.taobao().product_get("672991141190").await {
///     Ok(product) => println!("{:?}", product.title),
///     Err(Error::Api(e)) if e.is_signature_problem() => eprintln!("check credentials: {e}"),
///     Err(Error::Api(e)) => eprintln!("platform said {} ({}): {}", e.code, e.msg, e.request_id.unwrap_or_default()),
///     Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform answered with an envelope whose `code` is not a success
    /// code (200 or 0).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered with something that is not a JSON envelope: an
    /// HTML error page (a 502 from a proxy, a 404 for a wrong path), an empty
    /// or truncated body, or plain text. Carries the HTTP status and the whole
    /// raw body; `Display` quotes its start.
    #[error(
        "HTTP {status}: the response is not a JSON envelope ({reason}); body starts: {}{}",
        snippet(body),
        http_hint_suffix(*status)
    )]
    #[non_exhaustive]
    Http {
        /// HTTP status of the response.
        status: u16,
        /// Why the body was not accepted (empty, HTML, invalid JSON at line/column ...).
        reason: String,
        /// The whole raw body.
        body: Bytes,
        /// Whether the request was safe to send again (see
        /// [`Error::is_retryable`]): the endpoint is idempotent, or the call
        /// opted in with [`Call::retry_writes`](crate::Call::retry_writes) or
        /// [`RawCall::idempotent`](crate::RawCall::idempotent).
        repeatable: bool,
    },

    /// The envelope was valid but a value did not fit the expected type.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The response body exceeded the configured size limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("HTTP {status}: the response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// The server answered with a redirect (3xx). The SDK follows no
    /// redirect and never retries one: a signed request, a write included,
    /// is not re-sent to the `Location`. Usually a wrong base URL (`http`
    /// instead of `https`, a missing `/api`) or a misconfigured proxy.
    #[error(
        "HTTP {status}: redirect to {} not followed (check the base URL)",
        location.as_deref().unwrap_or("<no Location header>")
    )]
    Redirect {
        /// HTTP status of the response (300 to 399).
        status: u16,
        /// The `Location` header, if there was one (lossy UTF-8).
        location: Option<String>,
    },

    /// The request did not complete in time.
    #[error("timed out after {elapsed:?} ({kind}) after {attempts} attempt(s)")]
    #[non_exhaustive]
    Timeout {
        /// Which limit was hit.
        kind: TimeoutKind,
        /// Time spent on the call.
        elapsed: Duration,
        /// Attempts made.
        attempts: u32,
        /// Whether the request was safe to send again (see
        /// [`Error::is_retryable`]).
        repeatable: bool,
    },

    /// The request could not be sent or its response could not be read:
    /// connection refused, reset, DNS failure, TLS failure.
    #[error("transport error ({kind}) after {attempts} attempt(s): {source}")]
    #[non_exhaustive]
    Transport {
        /// What kind of transport failure.
        kind: TransportKind,
        /// Attempts made.
        attempts: u32,
        /// Whether the request was safe to send again (see
        /// [`Error::is_retryable`]).
        repeatable: bool,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The request could not be built: a value that cannot be serialized, an
    /// invalid base URL or path, a header value with forbidden bytes.
    #[error("invalid request: {0}")]
    Request(String),

    /// The client or credentials are misconfigured.
    #[error("configuration error: {0}")]
    Config(String),

    /// A path override is wrong: a file that cannot be read or is not TOML,
    /// an unknown table or endpoint id, a value that is not a string, a
    /// malformed path. The error names the file, the table and the key
    /// ([`overrides`](crate::overrides)). Nothing was built.
    #[error(transparent)]
    PathOverride(Box<crate::overrides::OverrideError>),

    /// The endpoint has no path the SDK may send in the client's generation:
    /// its path is unknown, or it is a write whose path is only guessed.
    /// Nothing was sent. Set the path with
    /// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
    /// or in a path-override file ([`overrides`](crate::overrides)).
    #[error(
        "{endpoint}: not sent: {reason} in the {generation} path generation; if you know the \
         path, set it with ClientBuilder::override_path(\"{endpoint}\", \"/the/path\") or in \
         the file named by XPORTCN_PATH_OVERRIDES ([{generation}] \"{endpoint}\" = \"/the/path\")"
    )]
    PathUnavailable {
        /// The endpoint id.
        endpoint: &'static str,
        /// The client's path generation.
        generation: Generation,
        /// Why no path may be sent.
        reason: String,
    },

    /// A read sent to a path the SDK only guessed was answered with HTTP 404:
    /// the guess is probably wrong.
    #[error(
        "{endpoint}: HTTP 404 from {path}, a {generation} path the SDK guessed from naming \
         conventions (no doc page shows it); set the right one with \
         ClientBuilder::override_path(\"{endpoint}\", \"/the/path\")"
    )]
    GuessedPathNotFound {
        /// The endpoint id.
        endpoint: &'static str,
        /// The client's path generation.
        generation: Generation,
        /// The guessed path that was sent.
        path: String,
        /// The error the response produced.
        #[source]
        source: Box<Error>,
    },

    /// A value read at a JSON pointer of a raw answer
    /// ([`ReadAt`](crate::pointer::ReadAt)) was not there or did not fit the type
    /// asked: the error names the pointer, the type and what was found, and
    /// keeps the raw JSON.
    #[error(transparent)]
    Pointer(Box<crate::pointer::PointerError>),

    /// A paged list stream reached its page limit before the server's last
    /// page. The items already yielded are valid; raise the limit with
    /// [`Pages::max_pages`](crate::Pages::max_pages) if the list really is
    /// this long.
    #[error("the list stopped at the page limit ({pages} pages) before its last page")]
    PageLimit {
        /// Pages fetched.
        pages: u32,
    },
}

impl Error {
    /// Whether sending the same request again later is both safe and may
    /// succeed.
    ///
    /// True only when the failure is transient (a timeout, a transport
    /// failure, HTTP 429 or 5xx) **and** the request was safe to repeat:
    /// the endpoint is declared idempotent (reads, previews, renders), or the
    /// call opted in with [`Call::retry_writes`](crate::Call::retry_writes)
    /// (or [`RawCall::idempotent`](crate::RawCall::idempotent) for a raw
    /// call). A write (create, pay, cancel, submit) that got a 503 or timed
    /// out is **not** retryable: the platform may have processed it, and a
    /// generic retry wrapper would send the order or the payment twice. The
    /// one exception is [`TransportKind::Connect`]: the connection was never
    /// made, nothing reached the server, so sending again is safe for any
    /// request.
    ///
    /// The client has already retried safe calls as its
    /// [`RetryPolicy`](crate::retry::RetryPolicy) allows before returning.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            } => true,
            Error::Timeout { repeatable, .. } | Error::Transport { repeatable, .. } => *repeatable,
            Error::Http {
                status, repeatable, ..
            } => *repeatable && (*status == 429 || *status >= 500),
            Error::GuessedPathNotFound { .. } => false,
            _ => false,
        }
    }

    /// Records whether the request was safe to repeat, on the variants that
    /// carry it (the client core knows; decoding alone does not).
    pub(crate) fn with_repeatable(mut self, safe: bool) -> Self {
        match &mut self {
            Error::Http { repeatable, .. }
            | Error::Timeout { repeatable, .. }
            | Error::Transport { repeatable, .. } => *repeatable = safe,
            _ => {}
        }
        self
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.http_status),
            Error::Http { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Decode(e) => Some(e.http_status),
            Error::GuessedPathNotFound { source, .. } => source.status(),
            _ => None,
        }
    }

    /// What to check when the failure points at authentication: the
    /// [`ApiError::hint`] of a platform error, or, for an HTTP 401/403 whose
    /// body is not an envelope (a gateway refusing the request), the same
    /// advice about clock skew, the timestamp unit and the credentials.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.hint.as_deref(),
            Error::Http { status, .. } if is_auth_status(*status) => Some(AUTH_HINT),
            _ => None,
        }
    }

    /// The raw response body, when the error kept one.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::Http { body, .. } => Some(body),
            Error::Decode(e) => Some(&e.body),
            Error::Pointer(e) => Some(&e.body),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

/// Which time limit a [`Error::Timeout`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One attempt took longer than the per-attempt timeout (no headers, or a
    /// body that stalled).
    Attempt,
    /// The whole call, retries included, took longer than the total timeout.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Attempt => "per-attempt timeout",
            TimeoutKind::Total => "total timeout",
        })
    }
}

/// What kind of transport failure a [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be established (refused, DNS, TLS handshake).
    /// Nothing reached the server.
    Connect,
    /// The connection failed after the request was sent (reset, closed
    /// mid-body). The server may have processed the request.
    Connection,
    /// Any other failure inside the HTTP client.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Connection => "connection",
            TransportKind::Other => "other",
        })
    }
}

/// The platform answered with a non-success `code`.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub struct ApiError {
    /// The envelope's `code`.
    pub code: i64,
    /// The envelope's `msg` (often Chinese).
    pub msg: String,
    /// The envelope's `requestId`, for the platform's log lookup.
    pub request_id: Option<String>,
    /// The envelope's `developId`.
    pub develop_id: Option<String>,
    /// HTTP status of the response.
    pub http_status: u16,
    /// What to check, when the code or message points at authentication.
    pub hint: Option<String>,
    /// The envelope's `data`, if it was not null, as its raw JSON text (no
    /// JSON tree is built for it: read it with [`ApiError::data_as`]).
    pub data: Option<Box<serde_json::value::RawValue>>,
}

impl ApiError {
    /// Whether the message points at the signature, the timestamp or the
    /// credentials (the platform's error-code table is not public, so this
    /// reads the message and the usual HTTP codes).
    pub fn is_signature_problem(&self) -> bool {
        self.hint.is_some()
    }

    /// Parses the envelope's `data` into any type: `None` when there was
    /// none, `Some(Err)` when it does not fit.
    pub fn data_as<T: serde::de::DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.data
            .as_ref()
            .map(|raw| serde_json::from_str(raw.get()))
    }

    /// Builds the error and its hint. `signed` is the masked signed string of
    /// the attempt, quoted in the hint so the user can see what was signed.
    pub(crate) fn new(
        code: i64,
        msg: String,
        request_id: Option<String>,
        develop_id: Option<String>,
        http_status: u16,
        data: Option<Box<serde_json::value::RawValue>>,
        signed: Option<&str>,
    ) -> Self {
        let hint = auth_hint(code, &msg, http_status, signed);
        ApiError {
            code,
            msg,
            request_id,
            develop_id,
            http_status,
            hint,
            data,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "platform error {}: {}", self.code, self.msg)?;
        if let Some(id) = &self.request_id {
            write!(f, " (requestId {id})")?;
        }
        write!(f, " [HTTP {}]", self.http_status)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

/// Words in a message (English or Chinese) that point at authentication.
const AUTH_WORDS: &[&str] = &[
    "sign",
    "timestamp",
    "time stamp",
    "expired",
    "access",
    "auth",
    "nonce",
    "credential",
    "签名",
    "时间戳",
    "过期",
    "鉴权",
    "认证",
    "密钥",
    "权限",
];

/// The advice given for an authentication failure.
const AUTH_HINT: &str = "this looks like an authentication failure: check that the machine's \
     clock is within 600 s of UTC (clock skew), that the timestamp unit matches what the \
     platform expects (ClientBuilder::timestamp_unit: seconds by default, as the public clients \
     send; milliseconds as in the docs' examples), and that the access key, access secret and \
     user id belong together";

/// HTTP statuses that mean the request was not authenticated.
fn is_auth_status(status: u16) -> bool {
    matches!(status, 401 | 403)
}

/// The hint appended to the `Display` of [`Error::Http`] for 401/403.
fn http_hint_suffix(status: u16) -> String {
    if is_auth_status(status) {
        format!("; {AUTH_HINT}")
    } else {
        String::new()
    }
}

fn auth_hint(code: i64, msg: &str, http_status: u16, signed: Option<&str>) -> Option<String> {
    let lower = msg.to_lowercase();
    let by_code = matches!(code, 401 | 403) || is_auth_status(http_status);
    let by_word = AUTH_WORDS.iter().any(|w| lower.contains(w));
    if !(by_code || by_word) {
        return None;
    }
    let mut hint = String::from(AUTH_HINT);
    if let Some(s) = signed {
        hint.push_str("; signed string was ");
        hint.push_str(s);
    }
    Some(hint)
}

/// A value in a successful envelope did not fit the expected type.
///
/// Carries the JSON path of the failing value (such as
/// `data.skuList[3].price`), serde's message, and the whole raw body.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
#[error("cannot decode the response at `{path}`: {message} [HTTP {http_status}]")]
pub struct DecodeError {
    /// JSON path of the value that failed, from the envelope's root.
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The whole raw body.
    pub body: Bytes,
    /// HTTP status of the response.
    pub http_status: u16,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("body", &snippet(&self.body))
            .finish()
    }
}

/// The start of a body, as lossy UTF-8, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "<empty>".to_owned();
    }
    let cut = body.len().min(SNIPPET_LEN);
    let mut s = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > cut {
        s.push_str(&format!("... ({} bytes in all)", body.len()));
    }
    s
}

/// Shorthand for `Result<T, xportcn::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_static<T: Send + Sync + 'static>() {}

    #[test]
    fn errors_are_send_sync_static() {
        assert_send_sync_static::<Error>();
        assert_send_sync_static::<ApiError>();
        assert_send_sync_static::<DecodeError>();
    }

    #[test]
    fn hint_only_for_auth_failures() {
        let e = ApiError::new(
            500,
            "签名错误".into(),
            None,
            None,
            200,
            None,
            Some("k1n<access_secret>"),
        );
        assert!(e.is_signature_problem());
        assert!(e.to_string().contains("clock"));
        let e = ApiError::new(500, "商品不存在".into(), None, None, 200, None, None);
        assert!(!e.is_signature_problem());
    }

    #[test]
    fn snippet_is_bounded() {
        let long = vec![b'x'; 10_000];
        assert!(snippet(&long).len() < 600);
        assert_eq!(snippet(b""), "<empty>");
    }
}
