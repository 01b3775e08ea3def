//! Authentication of pushes: [`Verifier`], [`Rejection`] and [`sign_push`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::StatusCode;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::{BoundedSet, CallbackError, Message};
use crate::credentials::Credentials;
use crate::signing::{
    self, HEADER_ACCESS_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, HEADER_USER_ID,
};

/// The `Authorization` header carrying `HEX(HMAC-SHA256(base, AccessSecret))`.
pub const HEADER_AUTHORIZATION: HeaderName = AUTHORIZATION;

/// Default accepted distance between the `timestamp` header and the clock:
/// 600 s, the same window the platform applies to requests.
pub const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(600);

/// Default number of nonces remembered for replay protection.
pub const DEFAULT_REPLAY_CAPACITY: usize = 10_000;

/// The bytes the `Authorization` HMAC is computed over: the raw request body.
///
/// The message manual defines the header as
/// `HEX_ENCODE(HMAC-SHA256(Base, Secret))` with `Secret = AccessSecret`, but
/// the definition of `Base` is cut off in every stored copy of the docs.
/// **INFERRED:** `Base` is the raw HTTP request body, byte for byte as
/// received (never re-serialised JSON). This is the single place that rule
/// lives: [`Verifier`] and [`sign_push`] both call it, so if the platform
/// turns out to sign something else, only this function changes.
pub fn authorization_base(body: &[u8]) -> &[u8] {
    body
}

/// HMAC-SHA256 of `data` with `secret` as the key.
fn hmac_sha256(secret: &[u8], data: &[u8]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(data);
    let tag = mac.finalize().into_bytes();
    let mut out = [0u8; 32];
    for (dst, src) in out.iter_mut().zip(tag.iter()) {
        *dst = *src;
    }
    Some(out)
}

/// Which signature of a push failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// The `Authorization` header: `HEX(HMAC-SHA256(base, AccessSecret))`
    /// over [`authorization_base`].
    Authorization,
    /// The request-style `signature` header:
    /// `MD5(access-key + timestamp + nonce-str + AccessSecret)`
    /// ([`signing::verify`]).
    RequestSignature,
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureScheme::Authorization => "Authorization (HMAC-SHA256)",
            SignatureScheme::RequestSignature => "request signature (MD5)",
        })
    }
}

/// Why a push was rejected. Never contains the access secret.
///
/// [`Rejection::status`] gives the HTTP status to answer: 400 for a
/// malformed body, 401 for everything else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A header needed for the check is missing (or empty).
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// A header is present but unreadable (not visible ASCII, or a
    /// `timestamp` that is not a number).
    #[error("invalid header `{0}`")]
    InvalidHeader(&'static str),
    /// A signature does not match.
    #[error("bad {scheme} signature")]
    BadSignature {
        /// Which signature failed.
        scheme: SignatureScheme,
    },
    /// The `access-key` header is not the configured access key.
    #[error("the access-key header does not match the configured access key")]
    WrongAccessKey,
    /// The `timestamp` header is older than the window.
    #[error("the timestamp is {}s old, beyond the accepted window", age.as_secs())]
    StaleTimestamp {
        /// How old it is.
        age: Duration,
    },
    /// The `timestamp` header is further in the future than the window.
    #[error("the timestamp is {}s in the future, beyond the accepted window", ahead.as_secs())]
    FutureTimestamp {
        /// How far ahead it is.
        ahead: Duration,
    },
    /// The `nonce-str` was already seen: a replayed request.
    #[error("the nonce was already used (replay)")]
    Replay,
    /// The push carries neither `Authorization` nor `signature`, and
    /// unsigned pushes were not accepted ([`Verifier::accept_unsigned`]).
    #[error("the push is not signed (no Authorization or signature header)")]
    Unsigned,
    /// Authentic, but the body is not a readable message.
    #[error("malformed push: {0}")]
    Malformed(#[from] CallbackError),
}

impl Rejection {
    /// The HTTP status to answer: 400 for [`Rejection::Malformed`], 401 for
    /// authentication failures.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Malformed(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// Whether this is an authentication failure (not a malformed body).
    pub fn is_auth_failure(&self) -> bool {
        !matches!(self, Rejection::Malformed(_))
    }
}

/// Authenticates and parses pushes, independent of any HTTP framework.
///
/// A push is **signed** if it has an `Authorization` header or a `signature`
/// header (empty values count as absent); if it has both, both must pass:
///
/// 1. `access-key`, when present, must equal the configured access key.
/// 2. `signature` (request-style, [`signing::verify`]) needs `access-key`,
///    `timestamp` and `nonce-str`.
/// 3. `Authorization` must be `HEX(HMAC-SHA256(authorization_base(body),
///    AccessSecret))`, upper- or lower-case hex (an optional
///    `HMAC-SHA256 ` / `sha256=` prefix is ignored), compared in constant
///    time.
/// 4. `timestamp`, when present (required with `signature`, or always with
///    [`require_timestamp`](Self::require_timestamp)), must be within the
///    window of the clock; seconds (10 digits) and milliseconds (13 digits)
///    are told apart by magnitude.
/// 5. `nonce-str`, when present, must not have been seen before (bounded
///    memory of [`DEFAULT_REPLAY_CAPACITY`] nonces by default).
/// 6. The body must parse as a [`Message`].
///
/// The request-style `signature` covers the access key, timestamp and nonce
/// but not the body (that is the platform's request signing rule, §2 of the
/// API notes): a push carrying only `signature` proves that the sender knows
/// the secret, not that the body is intact. Only `Authorization` binds the
/// body.
///
/// A push signed only by `Authorization` has no nonce: a redelivery of the
/// same body cannot be told from a replay here. Use [`Message::dedup_key`]
/// (the axum receiver does) to process it once.
///
/// Clones share the nonce memory.
///
/// ```
/// use xportcn::Credentials;
/// use xportcn::callbacks::{Message, Rejection, Verifier, sign_push};
///
/// let creds = Credentials::new("my-access-key", "my-secret", "2100007341207");
/// let verifier = Verifier::new(creds.clone());
///
/// let body = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"WAITING_FOR_PAYMENT"}}"#;
/// let headers = sign_push(&creds, body); // what the platform would send
/// let msg = verifier.verify(&headers, body)?;
/// assert!(matches!(msg, Message::Ali1688OrderStatus { .. }));
///
/// // The same request again is a replay; a changed body fails the HMAC.
/// assert_eq!(verifier.verify(&headers, body), Err(Rejection::Replay));
/// let headers = sign_push(&creds, body);
/// let err = verifier.verify(&headers, b"{\"messageType\":\"ORDER_CANCEL\"}").unwrap_err();
/// assert_eq!(err.status(), 401);
/// # Ok::<(), Rejection>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    credentials: Credentials,
    window: Duration,
    accept_unsigned: bool,
    require_timestamp: bool,
    nonces: Option<Arc<Mutex<BoundedSet>>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("credentials", &self.credentials)
            .field("window", &self.window)
            .field("accept_unsigned", &self.accept_unsigned)
            .field("require_timestamp", &self.require_timestamp)
            .field("replay_protection", &self.nonces.is_some())
            .finish()
    }
}

impl Verifier {
    /// A verifier for pushes to the developer owning `credentials`, with a
    /// 600 s timestamp window, replay protection for
    /// [`DEFAULT_REPLAY_CAPACITY`] nonces, and unsigned pushes rejected.
    pub fn new(credentials: Credentials) -> Self {
        Verifier {
            credentials,
            window: DEFAULT_TIMESTAMP_WINDOW,
            accept_unsigned: false,
            require_timestamp: false,
            nonces: Some(Arc::new(Mutex::new(BoundedSet::new(
                DEFAULT_REPLAY_CAPACITY,
            )))),
        }
    }

    /// Sets the accepted distance between the `timestamp` header and the
    /// clock, both ways (default 600 s).
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Remembers up to `capacity` nonces to reject replays; 0 turns replay
    /// protection off. When full the oldest nonce is forgotten, so make the
    /// capacity larger than the pushes you expect within the window.
    pub fn replay_protection(mut self, capacity: usize) -> Self {
        self.nonces = (capacity > 0).then(|| Arc::new(Mutex::new(BoundedSet::new(capacity))));
        self
    }

    /// Accepts pushes without `Authorization` and `signature` headers
    /// (default: rejected with [`Rejection::Unsigned`]). Signed pushes are
    /// still checked.
    pub fn accept_unsigned(mut self, accept: bool) -> Self {
        self.accept_unsigned = accept;
        self
    }

    /// Requires a `timestamp` header on every signed push, also those signed
    /// only by `Authorization` (default: only with `signature`).
    pub fn require_timestamp(mut self, require: bool) -> Self {
        self.require_timestamp = require;
        self
    }

    /// Authenticates a push and parses its body.
    ///
    /// `body` must be the raw request body, exactly as received.
    ///
    /// # Errors
    /// A [`Rejection`] saying which check failed.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Message, Rejection> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`Verifier::verify`] with a given clock reading (for tests).
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Message, Rejection> {
        let authorization = header(headers, &HEADER_AUTHORIZATION, "authorization")?;
        let signature = header(headers, &HEADER_SIGNATURE, "signature")?;
        if authorization.is_none() && signature.is_none() {
            if !self.accept_unsigned {
                return Err(Rejection::Unsigned);
            }
            return Ok(Message::from_slice(body)?);
        }
        let access_key = header(headers, &HEADER_ACCESS_KEY, "access-key")?;
        let timestamp = header(headers, &HEADER_TIMESTAMP, "timestamp")?;
        let nonce = header(headers, &HEADER_NONCE, "nonce-str")?;
        if let Some(ak) = access_key
            && ak != self.credentials.access_key()
        {
            return Err(Rejection::WrongAccessKey);
        }
        if let Some(sig) = signature {
            let ak = access_key.ok_or(Rejection::MissingHeader("access-key"))?;
            let ts = timestamp.ok_or(Rejection::MissingHeader("timestamp"))?;
            let nonce = nonce.ok_or(Rejection::MissingHeader("nonce-str"))?;
            if !signing::verify(ak, ts, nonce, self.credentials.access_secret(), sig) {
                return Err(Rejection::BadSignature {
                    scheme: SignatureScheme::RequestSignature,
                });
            }
        }
        if let Some(auth) = authorization
            && !self.authorization_matches(auth, body)
        {
            return Err(Rejection::BadSignature {
                scheme: SignatureScheme::Authorization,
            });
        }
        match timestamp {
            Some(ts) => self.check_timestamp(ts, now)?,
            None if self.require_timestamp => return Err(Rejection::MissingHeader("timestamp")),
            None => {}
        }
        if let (Some(nonce), Some(seen)) = (nonce, &self.nonces) {
            let mut seen = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if !seen.insert(nonce) {
                return Err(Rejection::Replay);
            }
        }
        Ok(Message::from_slice(body)?)
    }

    /// Forgets the nonce of a push whose delivery could not be completed
    /// (the receiver answered 503), so that a retry of the very same request
    /// is not taken for a replay.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn forget_nonce(&self, headers: &HeaderMap) {
        if let (Ok(Some(nonce)), Some(seen)) =
            (header(headers, &HEADER_NONCE, "nonce-str"), &self.nonces)
        {
            seen.lock().unwrap_or_else(|p| p.into_inner()).remove(nonce);
        }
    }

    fn authorization_matches(&self, value: &str, body: &[u8]) -> bool {
        let mut hex_part = value.trim();
        if let Some((_, last)) = hex_part.rsplit_once(char::is_whitespace) {
            hex_part = last;
        }
        if let Some(rest) = hex_part.strip_prefix("sha256=") {
            hex_part = rest;
        }
        let mut got = [0u8; 32];
        if hex::decode_to_slice(hex_part, &mut got).is_err() {
            return false;
        }
        match hmac_sha256(
            self.credentials.access_secret().as_bytes(),
            authorization_base(body),
        ) {
            Some(expected) => bool::from(expected.ct_eq(&got)),
            None => false,
        }
    }

    fn check_timestamp(&self, ts: &str, now: SystemTime) -> Result<(), Rejection> {
        if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Rejection::InvalidHeader("timestamp"));
        }
        let n: u64 = ts
            .parse()
            .map_err(|_| Rejection::InvalidHeader("timestamp"))?;
        // 10-digit values are seconds, 13-digit values milliseconds.
        let millis = if n < 100_000_000_000 {
            n.saturating_mul(1000)
        } else {
            n
        };
        let Some(sent) = UNIX_EPOCH.checked_add(Duration::from_millis(millis)) else {
            return Err(Rejection::FutureTimestamp {
                ahead: Duration::MAX,
            });
        };
        match now.duration_since(sent) {
            Ok(age) if age > self.window => Err(Rejection::StaleTimestamp { age }),
            Ok(_) => Ok(()),
            Err(e) if e.duration() > self.window => Err(Rejection::FutureTimestamp {
                ahead: e.duration(),
            }),
            Err(_) => Ok(()),
        }
    }
}

/// A header as trimmed text; `None` if absent or empty.
fn header<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
    label: &'static str,
) -> Result<Option<&'a str>, Rejection> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => {
            let s = v
                .to_str()
                .map_err(|_| Rejection::InvalidHeader(label))?
                .trim();
            Ok((!s.is_empty()).then_some(s))
        }
    }
}

/// Signs a push body the way the platform would, with the current time and
/// a fresh nonce: use it to test your own receiver.
///
/// The headers are `Authorization` (upper-case hex HMAC-SHA256 over
/// [`authorization_base`]), the request-style `access-key`, `timestamp`
/// (milliseconds), `nonce-str`, `user-id`, `signature`, and
/// `content-type: application/json`.
pub fn sign_push(credentials: &Credentials, body: &[u8]) -> HeaderMap {
    let signed = signing::SignedHeaders::new(credentials, signing::TimestampUnit::Millis);
    let mut headers = authorization_headers(credentials, body);
    // The same code path the client uses to sign its requests.
    if let (Ok(ak), Ok(uid)) = (
        HeaderValue::from_str(credentials.access_key()),
        HeaderValue::from_str(credentials.user_id()),
    ) {
        signed.apply(&mut headers, &ak, &uid);
    }
    headers
}

/// [`sign_push`] with a given `timestamp` header value and nonce (tests of
/// stale timestamps and replays). A value that cannot be a header is left
/// out.
pub fn sign_push_with(
    credentials: &Credentials,
    body: &[u8],
    timestamp: &str,
    nonce: &str,
) -> HeaderMap {
    let mut headers = authorization_headers(credentials, body);
    let signature = signing::sign(
        credentials.access_key(),
        timestamp,
        nonce,
        credentials.access_secret(),
    );
    for (name, value) in [
        (HEADER_ACCESS_KEY, credentials.access_key()),
        (HEADER_TIMESTAMP, timestamp),
        (HEADER_NONCE, nonce),
        (HEADER_USER_ID, credentials.user_id()),
        (HEADER_SIGNATURE, signature.as_str()),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    }
    headers
}

/// `Authorization` and `content-type` for a push body.
fn authorization_headers(credentials: &Credentials, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(tag) = hmac_sha256(
        credentials.access_secret().as_bytes(),
        authorization_base(body),
    ) && let Ok(v) = HeaderValue::from_str(&hex::encode_upper(tag))
    {
        headers.insert(HEADER_AUTHORIZATION, v);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_known_vector() {
        // RFC 4231 test case 2.
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?").map(hex::encode);
        assert_eq!(
            tag.as_deref(),
            Some("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
    }

    #[test]
    fn seconds_and_millis() {
        let v = Verifier::new(Credentials::new("k", "s", "u"));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(v.check_timestamp("1700000000", now), Ok(()));
        assert_eq!(v.check_timestamp("1700000000000", now), Ok(()));
        assert!(matches!(
            v.check_timestamp("1699999000", now),
            Err(Rejection::StaleTimestamp { .. })
        ));
        assert!(matches!(
            v.check_timestamp("1700001000000", now),
            Err(Rejection::FutureTimestamp { .. })
        ));
        assert_eq!(
            v.check_timestamp("-5", now),
            Err(Rejection::InvalidHeader("timestamp"))
        );
        assert_eq!(
            v.check_timestamp("99999999999999999999999", now),
            Err(Rejection::InvalidHeader("timestamp"))
        );
    }
}
