//! Authentication of pushes: [`Verifier`], [`Rejection`] and [`sign_push`].

use std::fmt;
use std::sync::{Arc, Once};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderMap, HeaderName};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::replay::{MEMORY_ENTRY_OVERHEAD, MemoryReplayStore, ReplayStore};
use super::storage::{StoreError, now_or_never};
use super::{CallbackError, Message};
use crate::credentials::Credentials;
use crate::signing::{self, HEADER_ACCESS_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP};

/// The `Authorization` header carrying `HEX(HMAC-SHA256(base, AccessSecret))`.
pub const HEADER_AUTHORIZATION: HeaderName = AUTHORIZATION;

/// Default accepted distance between the `timestamp` header and the clock:
/// 600 s, the same window the platform applies to requests.
pub(crate) const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(600);

/// Longest accepted `nonce-str`, in bytes. The platform sends 32 characters.
pub const MAX_NONCE_LEN: usize = 64;

/// Largest body for which a failed `Authorization` is checked against the
/// other [`AuthorizationBase`] candidates (the diagnosis costs one HMAC per
/// candidate).
pub const DIAGNOSE_MAX_BODY: usize = 64 * 1024;

/// What the `Authorization` HMAC is computed over. **INFERRED**: the
/// platform's definition of `Base` is cut off in every stored copy of its
/// docs; the default is the raw body.
///
/// These are the candidates [`Verifier`] tries when an `Authorization`
/// does not match the configured base: if one of them matches, the push is
/// still rejected, with [`Rejection::AuthorizationBaseMismatch`] naming it,
/// so one real push tells you the scheme:
///
/// ```
/// use xportcn::Credentials;
/// use xportcn::callbacks::{AuthorizationBase, Rejection, Verifier, sign_push_with_base};
///
/// let creds = Credentials::new("my-access-key", "my-secret", "2100007341207");
/// let body = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1"}}"#;
/// // A platform that signs timestamp + body:
/// let headers = sign_push_with_base(&creds, body, AuthorizationBase::TimestampBody);
/// let err = Verifier::new(creds.clone()).verify(&headers, body).unwrap_err();
/// assert_eq!(err, Rejection::AuthorizationBaseMismatch {
///     configured: AuthorizationBase::Body,
///     matches: AuthorizationBase::TimestampBody,
/// });
/// // The one-line fix:
/// let verifier = Verifier::new(creds).authorization_base(AuthorizationBase::TimestampBody);
/// assert!(verifier.verify(&headers, body).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum AuthorizationBase {
    /// The raw body, byte for byte (the default).
    ///
    /// The message manual (<https://doc-cnv2.pandapon.com/doc-6521894>; see
    /// `docs/platform.md` §4) defines the header as
    /// `HEX_ENCODE(HMAC-SHA256(Base, Secret))` with `Secret = AccessSecret`,
    /// but the definition of `Base` is cut off in every stored copy of the
    /// docs. **INFERRED:** `Base` is the raw HTTP request body, byte for byte
    /// as received (never re-serialised JSON). If the platform turns out to
    /// sign something else, [`Verifier::authorization_base`] selects one of
    /// the other candidates, and a mismatching push tells you which one
    /// ([`Rejection::AuthorizationBaseMismatch`]).
    #[default]
    Body,
    /// The `timestamp` header, then the raw body.
    TimestampBody,
    /// The `timestamp` header, a line feed (`\n`), then the raw body.
    TimestampNewlineBody,
    /// The raw body, then the `timestamp` header.
    BodyTimestamp,
    /// The `timestamp` header, the `nonce-str` header, then the raw body.
    TimestampNonceBody,
    /// The envelope's `messageBody` value only, as the platform built it: the
    /// string it holds when it is a JSON string (as in the docs' samples),
    /// else its raw JSON text as sent. The message manual
    /// (<https://doc-cnv2.pandapon.com/doc-6521894>, 消息签名) says the
    /// platform digest-signs "the message body" (消息体), which may mean this
    /// value rather than the whole POST body. **INFERRED**, like the default.
    MessageBody,
}

impl AuthorizationBase {
    /// Every candidate, the default first.
    pub const CANDIDATES: [AuthorizationBase; 6] = [
        AuthorizationBase::Body,
        AuthorizationBase::TimestampBody,
        AuthorizationBase::TimestampNewlineBody,
        AuthorizationBase::BodyTimestamp,
        AuthorizationBase::TimestampNonceBody,
        AuthorizationBase::MessageBody,
    ];

    /// Whether this base covers the `timestamp` header (then a push signed
    /// only by `Authorization` has an authenticated timestamp).
    pub fn covers_timestamp(self) -> bool {
        !matches!(
            self,
            AuthorizationBase::Body | AuthorizationBase::MessageBody
        )
    }

    /// Whether this base covers the `nonce-str` header.
    pub fn covers_nonce(self) -> bool {
        matches!(self, AuthorizationBase::TimestampNonceBody)
    }

    /// The name of the builder call's argument, for messages.
    fn name(self) -> &'static str {
        match self {
            AuthorizationBase::Body => "Body",
            AuthorizationBase::TimestampBody => "TimestampBody",
            AuthorizationBase::TimestampNewlineBody => "TimestampNewlineBody",
            AuthorizationBase::BodyTimestamp => "BodyTimestamp",
            AuthorizationBase::TimestampNonceBody => "TimestampNonceBody",
            AuthorizationBase::MessageBody => "MessageBody",
        }
    }

    /// HMAC-SHA256 over this base; `None` when a header it needs is absent.
    pub(super) fn mac(
        self,
        secret: &[u8],
        timestamp: Option<&str>,
        nonce: Option<&str>,
        body: &[u8],
    ) -> Option<[u8; 32]> {
        if self == AuthorizationBase::MessageBody {
            return hmac_sha256(secret, &message_body_bytes(body)?);
        }
        let parts: [&[u8]; 3] = match self {
            AuthorizationBase::MessageBody => return None,
            AuthorizationBase::Body => [body, b"", b""],
            AuthorizationBase::TimestampBody => [timestamp?.as_bytes(), body, b""],
            AuthorizationBase::TimestampNewlineBody => [timestamp?.as_bytes(), b"\n", body],
            AuthorizationBase::BodyTimestamp => [body, timestamp?.as_bytes(), b""],
            AuthorizationBase::TimestampNonceBody => {
                [timestamp?.as_bytes(), nonce?.as_bytes(), body]
            }
        };
        hmac_sha256_parts(secret, &parts)
    }
}

impl fmt::Display for AuthorizationBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// HMAC-SHA256 of `data` with `secret` as the key.
pub(super) fn hmac_sha256(secret: &[u8], data: &[u8]) -> Option<[u8; 32]> {
    hmac_sha256_parts(secret, &[data])
}

/// HMAC-SHA256 of the concatenation of `parts` with `secret` as the key.
fn hmac_sha256_parts(secret: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    for p in parts {
        mac.update(p);
    }
    let tag = mac.finalize().into_bytes();
    let mut out = [0u8; 32];
    for (dst, src) in out.iter_mut().zip(tag.iter()) {
        *dst = *src;
    }
    Some(out)
}

/// What a [`Verifier`] does with a push that has no `Authorization` header,
/// the one signature that covers the body: one policy, set with
/// [`Verifier::unsigned_pushes`].
///
/// A push **with** `Authorization` is always checked in full, whatever the
/// policy; a blank `Authorization` is always a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UnsignedPushes {
    /// Refused (the default): a push with only the request-style headers
    /// with [`Rejection::BodyNotSigned`], a push with no signature at all
    /// with [`Rejection::Unsigned`].
    #[default]
    Refuse,
    /// **Insecure opt-in.** A push without `Authorization` is accepted when
    /// its request-style headers (`access-key`, `timestamp`, `nonce-str`,
    /// `signature`) verify; a push with no signature at all is still
    /// refused ([`Rejection::Unsigned`]).
    ///
    /// What this does **not** protect against: those headers sign the
    /// access key, timestamp and nonce, **never the body**. Every request
    /// your own client sends to the platform carries exactly such headers,
    /// so anyone who sees one of them (a proxy, a log, the platform's side)
    /// can attach **any body** to it and have it accepted as a push, once
    /// per unused nonce, within the timestamp window. Use it only if the
    /// platform demonstrably sends no `Authorization`, and put another
    /// control (an IP allow-list, mutual TLS) in front. Choosing it logs a
    /// warning once per process.
    AcceptRequestSignature,
    /// **Insecure, for development only.** Every push without
    /// `Authorization` is accepted: one with request-style headers when they
    /// verify (as [`AcceptRequestSignature`](Self::AcceptRequestSignature)),
    /// one with no signature at all **unverified**. Choosing it logs a
    /// warning once per process.
    AcceptAll,
}

/// Which signature of a push failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// The `Authorization` header: `HEX(HMAC-SHA256(base, AccessSecret))`
    /// over the configured [`AuthorizationBase`].
    Authorization,
    /// The request-style `signature` header:
    /// `MD5(access-key + timestamp + nonce-str + AccessSecret)`
    /// ([`signing::verify`]).
    RequestSignature,
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureScheme::Authorization => "Authorization header (HMAC-SHA256)",
            SignatureScheme::RequestSignature => "request-style signature header (MD5)",
        })
    }
}

/// Why a push was rejected. Never contains the access secret.
///
/// [`Rejection::status`] gives the HTTP status to answer: 400 for a
/// malformed body, 503 when the replay store is unavailable, 401 for
/// everything else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A header needed for the check is missing (or empty).
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// A header is present but unreadable: not visible ASCII, a blank
    /// `Authorization`, a `timestamp` that is not a number, or a
    /// `nonce-str` longer than [`MAX_NONCE_LEN`] bytes or with characters
    /// other than ASCII letters, digits, `-` and `_`.
    #[error("invalid header `{0}`")]
    InvalidHeader(&'static str),
    /// A signature does not match.
    #[error("the {scheme} does not match")]
    BadSignature {
        /// Which signature failed.
        scheme: SignatureScheme,
    },
    /// The `Authorization` HMAC does not match the configured
    /// [`AuthorizationBase`], but matches another candidate: the push is
    /// genuine, the configuration is wrong. Set
    /// `Verifier::authorization_base(AuthorizationBase::<matches>)`.
    #[error(
        "the Authorization HMAC does not match the configured base {configured} but matches \
         {matches}: set Verifier::authorization_base(AuthorizationBase::{matches})"
    )]
    AuthorizationBaseMismatch {
        /// The base the verifier is configured with.
        configured: AuthorizationBase,
        /// The candidate that matched.
        matches: AuthorizationBase,
    },
    /// The push carries request-style signature headers but no
    /// `Authorization`. Those headers sign the access key, timestamp and
    /// nonce, **not the body** (every request the SDK sends carries such
    /// headers), so they are refused unless the verifier's policy accepts
    /// them ([`UnsignedPushes`]).
    #[error(
        "the push has no Authorization header; its request-style signature does not cover the body"
    )]
    BodyNotSigned,
    /// The replay store could not answer: answer 503, the platform retries.
    #[error(transparent)]
    StoreUnavailable(#[from] StoreError),
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
    /// unsigned pushes were not accepted ([`UnsignedPushes::AcceptAll`]).
    #[error("the push is not signed (no Authorization or signature header)")]
    Unsigned,
    /// Authentic, but the body is not a readable message.
    #[error("malformed push: {0}")]
    Malformed(#[from] CallbackError),
}

impl Rejection {
    /// The HTTP status to answer: 400 for [`Rejection::Malformed`], 503 for
    /// [`Rejection::StoreUnavailable`] (so the platform retries), 401 for
    /// authentication failures.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Malformed(_) => StatusCode::BAD_REQUEST,
            Rejection::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// Whether this is an authentication failure (not a malformed body, not
    /// an unavailable store).
    pub fn is_auth_failure(&self) -> bool {
        !matches!(
            self,
            Rejection::Malformed(_) | Rejection::StoreUnavailable(_)
        )
    }
}

/// Authenticates and parses pushes, independent of any HTTP framework.
///
/// By default a push is accepted only with an `Authorization` header, the
/// one signature that binds the body:
///
/// 1. `Authorization` must be present and be `HEX(HMAC-SHA256(base,
///    AccessSecret))` over the configured [`AuthorizationBase`] (default:
///    the raw body, **inferred**), upper- or lower-case hex (an optional
///    `HMAC-SHA256 ` / `sha256=` prefix is ignored), compared in constant
///    time. A blank or malformed value is a rejection, never a fall-back to
///    the other headers. On a mismatch, the other candidate bases are tried
///    and a match is reported ([`Rejection::AuthorizationBaseMismatch`]).
/// 2. `access-key`, when present, must equal the configured access key.
/// 3. `signature` (request-style, [`signing::verify`]), when present, must
///    also pass; it needs `access-key`, `timestamp` and `nonce-str`.
/// 4. `timestamp`, when present (required with `signature`, or always with
///    [`require_timestamp`](Self::require_timestamp)), must be within the
///    window of the clock; seconds (10 digits) and milliseconds (13 digits)
///    are told apart by magnitude.
/// 5. `nonce-str`, when present, must be at most [`MAX_NONCE_LEN`] bytes of
///    ASCII letters, digits, `-` and `_`.
/// 6. The body must parse as a [`Message`].
/// 7. Only then is the request's replay identity recorded in the
///    [`ReplayStore`] (in memory, bounded in bytes, by default), with a
///    digest of the body, and only if the nonce is authenticated (by the
///    `signature` header, or by an [`AuthorizationBase`] that covers it).
///    The identity is the **signature** that covers the timestamp and the
///    nonce, not the `nonce-str` header: moving the millisecond digits of a
///    13-digit timestamp to the front of the nonce keeps the signature, so
///    it is still a replay. A signature seen before is a
///    [`Rejection::Replay`] (for [`verify`](Self::verify), also with the
///    same body; the receiver lets that one through to the inbox, which
///    answers it as a duplicate). Unauthenticated traffic never reaches the
///    store.
///
/// What this cannot protect against (see RELIABILITY.md, threat model):
/// with the default base the `timestamp` and `nonce-str` of a push signed
/// only by `Authorization` are **not authenticated**, so an attacker who
/// captured a push can re-send its body with a fresh timestamp and nonce.
/// The last line of defence is [`Message::dedup_key`] (the
/// [`Inbox`](super::Inbox) keeps it), which catches a replay of the same
/// body whatever its headers, for as long as the inbox remembers the key.
///
/// Clones share the replay store.
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
    unsigned: UnsignedPushes,
    require_timestamp: bool,
    base: AuthorizationBase,
    store: Option<Arc<dyn ReplayStore>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("credentials", &self.credentials)
            .field("window", &self.window)
            .field("unsigned_pushes", &self.unsigned)
            .field("require_timestamp", &self.require_timestamp)
            .field("authorization_base", &self.base)
            .field("replay_store", &self.store)
            .finish()
    }
}

/// What a push proved, before its replay identity is recorded.
pub(crate) struct Checked {
    pub(crate) message: Message,
    /// The replay identity (the signature that authenticated the timestamp
    /// and nonce, normalised) and the digest of the body recorded with it;
    /// `None` when nothing authenticates them (no digest is computed then).
    pub(crate) replay: Option<(String, String)>,
}

/// What recording a push's replay identity found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// First use of this signature (or nothing to record).
    New,
    /// The same signature with the same body: the same request again (a
    /// retry, or a replay of it that de-duplication absorbs).
    SameRequest,
}

static HEADER_ONLY_WARNING: Once = Once::new();

impl Verifier {
    /// A verifier for pushes to the developer owning `credentials`: the
    /// `Authorization` HMAC over the raw body required, a 600 s timestamp
    /// window, and replay protection in memory bounded to
    /// 4 MiB (about 26,000 nonces; [`Verifier::replay_protection`] and
    /// [`Verifier::replay_store`] change it).
    pub fn new(credentials: Credentials) -> Self {
        Verifier {
            credentials,
            window: DEFAULT_TIMESTAMP_WINDOW,
            unsigned: UnsignedPushes::Refuse,
            require_timestamp: false,
            base: AuthorizationBase::Body,
            store: Some(Arc::new(MemoryReplayStore::default())),
        }
    }

    /// Sets the accepted distance between the `timestamp` header and the
    /// clock, both ways (default 600 s). Nonces are remembered for twice
    /// this long.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// What the `Authorization` HMAC covers (default
    /// [`AuthorizationBase::Body`], **inferred**). A
    /// [`Rejection::AuthorizationBaseMismatch`] tells you which one to set.
    pub fn authorization_base(mut self, base: AuthorizationBase) -> Self {
        self.base = base;
        self
    }

    /// Replay protection in memory sized for about `capacity` nonces of 32
    /// characters; 0 turns replay protection off. The memory is bounded in
    /// bytes; when full, expired then oldest nonces are forgotten.
    pub fn replay_protection(mut self, capacity: usize) -> Self {
        self.store = (capacity > 0).then(|| {
            Arc::new(MemoryReplayStore::new(
                capacity.saturating_mul(32 + MEMORY_ENTRY_OVERHEAD),
            )) as Arc<dyn ReplayStore>
        });
        self
    }

    /// Keeps nonces (and, in the axum receiver, de-duplication keys) in
    /// `store`: a [`MemoryReplayStore`] of another size, or a store shared
    /// by several machines (`RedisReplayStore`, feature `redis`). With a
    /// networked store use [`Verifier::verify_async`].
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The replay store, if replay protection is on.
    pub fn store(&self) -> Option<&Arc<dyn ReplayStore>> {
        self.store.as_ref()
    }

    /// What to do with a push that has no `Authorization` header (default
    /// [`UnsignedPushes::Refuse`]). The other choices are insecure: read
    /// [`UnsignedPushes`] first; choosing one logs a warning once per
    /// process.
    pub fn unsigned_pushes(mut self, policy: UnsignedPushes) -> Self {
        if policy != UnsignedPushes::Refuse {
            HEADER_ONLY_WARNING.call_once(|| {
                tracing::warn!(
                    "xportcn: pushes without an Authorization header are accepted \
                     (Verifier::unsigned_pushes): no signature of theirs covers the body, \
                     so a captured request's headers can carry a forged body"
                );
            });
        }
        self.unsigned = policy;
        self
    }

    /// Requires a `timestamp` header on every signed push, also those signed
    /// only by `Authorization` (default: only with `signature`).
    pub fn require_timestamp(mut self, require: bool) -> Self {
        self.require_timestamp = require;
        self
    }

    /// Authenticates a push and parses its body, with the replay store
    /// answering at once (the in-memory default). With a networked store
    /// (Redis) use [`Verifier::verify_async`]; here it would be a
    /// [`Rejection::StoreUnavailable`].
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
        let checked = self.check(headers, body, now)?;
        match now_or_never(self.record(&checked)) {
            Some(Ok(Seen::New)) => Ok(checked.message),
            Some(Ok(Seen::SameRequest)) => Err(Rejection::Replay),
            Some(Err(e)) => Err(e),
            None => Err(StoreError::new(
                "the replay store is asynchronous: use Verifier::verify_async",
            )
            .into()),
        }
    }

    /// Authenticates a push and parses its body, with any replay store.
    ///
    /// # Errors
    /// A [`Rejection`] saying which check failed;
    /// [`Rejection::StoreUnavailable`] when the store cannot answer.
    pub async fn verify_async(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Message, Rejection> {
        let checked = self.check(headers, body, SystemTime::now())?;
        match self.record(&checked).await? {
            Seen::New => Ok(checked.message),
            Seen::SameRequest => Err(Rejection::Replay),
        }
    }

    /// Records the replay identity of a checked push with its body digest.
    ///
    /// The identity is the signature that covers the timestamp and the
    /// nonce, not the `nonce-str` header: moving digits between the
    /// `timestamp` and `nonce-str` headers (a 13-digit millisecond timestamp
    /// re-split into a 10-digit one and a "new" nonce) keeps the signature
    /// and so is still a replay. The same signature with another body is a
    /// [`Rejection::Replay`]; with the same body it is [`Seen::SameRequest`].
    pub(crate) async fn record(&self, checked: &Checked) -> Result<Seen, Rejection> {
        let (Some((id, body_digest)), Some(store)) = (&checked.replay, &self.store) else {
            return Ok(Seen::New);
        };
        match store.remember(id, body_digest, self.nonce_ttl()).await? {
            None => Ok(Seen::New),
            Some(digest) if digest == *body_digest => Ok(Seen::SameRequest),
            Some(_) => Err(Rejection::Replay),
        }
    }

    fn nonce_ttl(&self) -> Duration {
        self.window.saturating_mul(2).max(Duration::from_secs(1))
    }

    /// Every check but the replay memory, which is left untouched.
    pub(crate) fn check(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Checked, Rejection> {
        let authorization = match headers.get(&HEADER_AUTHORIZATION) {
            None => None,
            Some(v) => {
                let s = v
                    .to_str()
                    .map_err(|_| Rejection::InvalidHeader("authorization"))?
                    .trim();
                if s.is_empty() {
                    // Present but blank: never a fall-back to the others.
                    return Err(Rejection::InvalidHeader("authorization"));
                }
                Some(s)
            }
        };
        let signature = header(headers, &HEADER_SIGNATURE, "signature")?;
        if authorization.is_none() {
            match (signature, self.unsigned) {
                (None, UnsignedPushes::AcceptAll) => {
                    return Ok(Checked {
                        message: Message::from_slice(body)?,
                        replay: None,
                    });
                }
                (None, _) => return Err(Rejection::Unsigned),
                (Some(_), UnsignedPushes::Refuse) => return Err(Rejection::BodyNotSigned),
                // The request-style signature is checked below.
                (Some(_), _) => {}
            }
        }
        let access_key = header(headers, &HEADER_ACCESS_KEY, "access-key")?;
        let timestamp = header(headers, &HEADER_TIMESTAMP, "timestamp")?;
        let nonce = header(headers, &HEADER_NONCE, "nonce-str")?;
        if let Some(n) = nonce
            && !valid_nonce(n)
        {
            return Err(Rejection::InvalidHeader("nonce-str"));
        }
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
        let tag = match authorization {
            Some(auth) => Some(self.check_authorization(auth, timestamp, nonce, body, now)?),
            None => None,
        };
        match timestamp {
            Some(ts) => self.check_timestamp(ts, now)?,
            None if self.require_timestamp => return Err(Rejection::MissingHeader("timestamp")),
            None => {}
        }
        // The replay identity is the signature that authenticates the
        // nonce: the request-style signature (verified above), or the
        // Authorization tag when its base covers the nonce. An
        // unauthenticated nonce protects nothing, and recording it would let
        // anyone holding one genuine push fill the store. Hex is normalised
        // to lower case, so a change of case is not a new identity.
        let replay_id = match (signature, tag) {
            (Some(sig), _) => Some(format!("s:{}", sig.to_ascii_lowercase())),
            (None, Some(tag)) if self.base.covers_nonce() => {
                Some(format!("a:{}", hex::encode(tag)))
            }
            _ => None,
        };
        let message = Message::from_slice(body)?;
        Ok(Checked {
            message,
            replay: replay_id.map(|id| (id, body_digest(body))),
        })
    }

    /// Checks `Authorization` and returns its tag.
    fn check_authorization(
        &self,
        value: &str,
        timestamp: Option<&str>,
        nonce: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<[u8; 32], Rejection> {
        let bad = Rejection::BadSignature {
            scheme: SignatureScheme::Authorization,
        };
        let mut hex_part = value;
        if let Some((_, last)) = hex_part.rsplit_once(char::is_whitespace) {
            hex_part = last;
        }
        if let Some(rest) = hex_part.strip_prefix("sha256=") {
            hex_part = rest;
        }
        let mut got = [0u8; 32];
        if hex::decode_to_slice(hex_part, &mut got).is_err() {
            return Err(bad);
        }
        let secret = self.credentials.access_secret().as_bytes();
        let matches = |base: AuthorizationBase| {
            base.mac(secret, timestamp, nonce, body)
                .is_some_and(|expected| bool::from(expected.ct_eq(&got)))
        };
        if matches(self.base) {
            return Ok(got);
        }
        if self.diagnosable(timestamp, body, now)
            && let Some(other) = AuthorizationBase::CANDIDATES
                .into_iter()
                .find(|b| *b != self.base && matches(*b))
        {
            tracing::warn!(
                configured = %self.base,
                matches = %other,
                "push Authorization matches another base: set Verifier::authorization_base"
            );
            return Err(Rejection::AuthorizationBaseMismatch {
                configured: self.base,
                matches: other,
            });
        }
        if self.base.covers_timestamp() && timestamp.is_none() {
            return Err(Rejection::MissingHeader("timestamp"));
        }
        if self.base.covers_nonce() && nonce.is_none() {
            return Err(Rejection::MissingHeader("nonce-str"));
        }
        Err(bad)
    }

    /// Whether a mismatching `Authorization` may be tried against the other
    /// bases. Only when the attacker cannot move bytes across a base's
    /// boundaries: the `timestamp` header is a timestamp within the window
    /// (digits only), and the body is a message envelope (a JSON object:
    /// it starts with `{`, so no digits can be moved out of it into the
    /// timestamp, nor from the timestamp into it) whose `messageBody` is not
    /// itself an envelope (a captured push wrapped as the `messageBody` of
    /// another). Otherwise a captured genuine push, re-split, could steer the
    /// advice towards a base that breaks every genuine push.
    fn diagnosable(&self, timestamp: Option<&str>, body: &[u8], now: SystemTime) -> bool {
        if body.len() > DIAGNOSE_MAX_BODY {
            return false;
        }
        if let Some(ts) = timestamp
            && self.check_timestamp(ts, now).is_err()
        {
            return false;
        }
        let trimmed = body.trim_ascii();
        if !(trimmed.starts_with(b"{") && trimmed.ends_with(b"}"))
            || Message::from_slice(body).is_err()
        {
            return false;
        }
        match message_body_bytes(body) {
            Some(inner) => Message::from_slice(&inner).is_err(),
            None => true,
        }
    }

    fn check_timestamp(&self, ts: &str, now: SystemTime) -> Result<(), Rejection> {
        // 10-digit values are seconds, 13-digit values milliseconds.
        let (millis, _) =
            signing::parse_timestamp(ts).ok_or(Rejection::InvalidHeader("timestamp"))?;
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

/// A digest of a body, recorded with its replay identity: 32 hex digits of
/// its SHA-256.
fn body_digest(body: &[u8]) -> String {
    use sha2::Digest;
    let digest = Sha256::digest(body);
    hex::encode(digest.get(..16).unwrap_or(&digest))
}

/// The bytes of the envelope's `messageBody` value as the platform built
/// them: for a JSON string, the string it holds; for any other value, its
/// raw JSON text as sent. `None` when the body has no `messageBody`.
fn message_body_bytes(body: &[u8]) -> Option<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct Outer<'a> {
        #[serde(rename = "messageBody", borrow)]
        message_body: Option<&'a serde_json::value::RawValue>,
    }
    let outer: Outer<'_> = serde_json::from_slice(body).ok()?;
    let raw = outer.message_body?.get();
    if raw.starts_with('"') {
        serde_json::from_str::<String>(raw)
            .ok()
            .map(String::into_bytes)
    } else {
        Some(raw.as_bytes().to_vec())
    }
}

/// At most [`MAX_NONCE_LEN`] bytes of ASCII letters, digits, `-` and `_`.
fn valid_nonce(nonce: &str) -> bool {
    nonce.len() <= MAX_NONCE_LEN
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
