//! Request signing (docs/platform.md §2).
//!
//! Every request carries five headers: `access-key`, `timestamp`, `nonce-str`,
//! `user-id` and `signature`, where
//!
//! ```text
//! signature = UPPERCASE_HEX( MD5( access_key + timestamp + nonce_str + access_secret ) )
//! ```
//!
//! is the MD5 of the plain UTF-8 concatenation of the exact header strings. The
//! body, query, path and method are not signed. The client generates fresh
//! headers for every attempt, so a retry never reuses a nonce.
//!
//! ```
//! let sig = xportcn::signing::sign(
//!     "58c0201dfdf148eca63cbf6bb5e7cf03",
//!     "1715669977082",
//!     "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
//!     "s3cr3t",
//! );
//! assert_eq!(sig, "E2695BB8E0BDE9353BAA8086C281142A");
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderName, HeaderValue};
use md5::{Digest, Md5};
use rand::RngExt;
use subtle::ConstantTimeEq;

use crate::credentials::Credentials;

/// Header carrying the Access Key.
pub const HEADER_ACCESS_KEY: HeaderName = HeaderName::from_static("access-key");
/// Header carrying the request timestamp.
pub const HEADER_TIMESTAMP: HeaderName = HeaderName::from_static("timestamp");
/// Header carrying the 32-character random nonce.
pub const HEADER_NONCE: HeaderName = HeaderName::from_static("nonce-str");
/// Header carrying the (sub-account) user id. Not signed.
pub const HEADER_USER_ID: HeaderName = HeaderName::from_static("user-id");
/// Header carrying the signature.
pub const HEADER_SIGNATURE: HeaderName = HeaderName::from_static("signature");

/// Length of the generated `nonce-str`.
pub const NONCE_LEN: usize = 32;

/// Upper-case hex MD5 of `access_key + timestamp + nonce_str + access_secret`.
///
/// This is the platform's request signature (docs/platform.md §2).
pub fn sign(access_key: &str, timestamp: &str, nonce_str: &str, access_secret: &str) -> String {
    let hex = sign_hex(access_key, timestamp, nonce_str, access_secret);
    // The buffer holds only ASCII hex digits.
    hex.iter().map(|&b| b as char).collect()
}

/// [`sign`] into a stack buffer of 32 upper-case ASCII hex digits.
pub fn sign_hex(
    access_key: &str,
    timestamp: &str,
    nonce_str: &str,
    access_secret: &str,
) -> [u8; 32] {
    let mut md5 = Md5::new();
    md5.update(access_key.as_bytes());
    md5.update(timestamp.as_bytes());
    md5.update(nonce_str.as_bytes());
    md5.update(access_secret.as_bytes());
    let digest = md5.finalize();
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = [0u8; 32];
    for (i, byte) in digest.iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

/// The string that was signed, with the secret replaced by `<access_secret>`.
///
/// Use it to debug a "signature mismatch": compare it with what the platform
/// (or your own code) expects, without ever printing the secret.
///
/// ```
/// let s = xportcn::signing::signing_string_masked("key", "1715669977082", "nonce");
/// assert_eq!(s, "key1715669977082nonce<access_secret>");
/// ```
pub fn signing_string_masked(access_key: &str, timestamp: &str, nonce_str: &str) -> String {
    format!("{access_key}{timestamp}{nonce_str}<access_secret>")
}

/// Checks a received signature against the expected one in constant time.
///
/// Case-insensitive on the hex digits, because the signature is case-free hex.
pub fn verify(
    access_key: &str,
    timestamp: &str,
    nonce_str: &str,
    access_secret: &str,
    signature: &str,
) -> bool {
    let expected = sign_hex(access_key, timestamp, nonce_str, access_secret);
    let got = signature.as_bytes();
    if got.len() != expected.len() {
        return false;
    }
    let mut upper = [0u8; 32];
    for (dst, src) in upper.iter_mut().zip(got) {
        *dst = src.to_ascii_uppercase();
    }
    bool::from(upper.ct_eq(&expected))
}

/// Unit of the `timestamp` header. The default is **seconds**, the unit the
/// field evidence supports.
///
/// Evidence (`docs/platform.md` §2):
/// * client: `Hunghs1112/SaboApp`, `constants/alibabaApi.js`, commit
///   `39301355` (same at `ae5a5c7f`): a shipped app signs every request with
///   a 10-digit timestamp in seconds;
/// * client: `govshudov/taobao`, commit `10f694d4`: a proxy that forwards
///   every request with one set of headers captured from a working call,
///   whose timestamp `1733474179` is in seconds;
/// * doc page: only the docs' examples (`1715669977082`) show milliseconds.
///
/// Seconds work in production; milliseconds are what the docs' examples
/// show. Either unit can be pinned with
/// [`ClientBuilder::timestamp_unit`](crate::ClientBuilder::timestamp_unit)
/// (switch to [`TimestampUnit::Millis`] if the platform refuses your
/// timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimestampUnit {
    /// Epoch milliseconds (13 digits), as in the docs' examples.
    Millis,
    /// Epoch seconds (10 digits), as both public clients send. The default.
    #[default]
    Seconds,
}

impl TimestampUnit {
    /// The current time in this unit, from the system clock.
    pub fn now(self) -> u64 {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        match self {
            TimestampUnit::Millis => u64::try_from(since.as_millis()).unwrap_or(u64::MAX),
            TimestampUnit::Seconds => since.as_secs(),
        }
    }
}

/// Reads a `timestamp` header value in either unit: values below 10^11 (up
/// to 11 digits) are seconds, longer ones milliseconds. Returns the time in
/// epoch milliseconds and the unit it was read in; `None` unless the value
/// is a plain decimal number that fits in a `u64`.
///
/// ```
/// use xportcn::signing::{parse_timestamp, TimestampUnit};
/// assert_eq!(parse_timestamp("1715669977"), Some((1_715_669_977_000, TimestampUnit::Seconds)));
/// assert_eq!(parse_timestamp("1715669977082"), Some((1_715_669_977_082, TimestampUnit::Millis)));
/// assert_eq!(parse_timestamp("-5"), None);
/// ```
pub fn parse_timestamp(ts: &str) -> Option<(u64, TimestampUnit)> {
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = ts.parse().ok()?;
    Some(if n < 100_000_000_000 {
        (n.saturating_mul(1000), TimestampUnit::Seconds)
    } else {
        (n, TimestampUnit::Millis)
    })
}

/// A fresh 32-character alphanumeric nonce from the thread-local CSPRNG.
pub fn generate_nonce() -> [u8; NONCE_LEN] {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let mut out = [0u8; NONCE_LEN];
    let mut filled = 0;
    while filled < NONCE_LEN {
        let mut buf = [0u8; NONCE_LEN];
        rng.fill(&mut buf[..]);
        for b in buf {
            // Rejection sampling keeps the distribution uniform: 248 = 4 * 62.
            if b < 248 && filled < NONCE_LEN {
                out[filled] = ALPHABET[usize::from(b % 62)];
                filled += 1;
            }
        }
    }
    out
}

/// The five authentication headers of one request attempt.
///
/// Built fresh for each attempt by the client; public so that users can sign
/// requests they send by other means, or inspect what was signed.
///
/// ```
/// use xportcn::{Credentials, signing::{SignedHeaders, TimestampUnit}};
/// let creds = Credentials::new("key", "secret", "42");
/// let h = SignedHeaders::new(&creds, TimestampUnit::Millis);
/// assert_eq!(h.nonce().len(), 32);
/// assert!(xportcn::signing::verify("key", h.timestamp(), h.nonce(), "secret", h.signature()));
/// assert!(!format!("{h:?}").contains("secret"));
/// ```
#[derive(Clone)]
pub struct SignedHeaders {
    timestamp: String,
    nonce: [u8; NONCE_LEN],
    signature: [u8; 32],
    /// Shared (an `Arc`), for the access key; the secret is never read here.
    creds: Credentials,
}

impl SignedHeaders {
    /// Signs a new attempt now, with a fresh nonce.
    pub fn new(creds: &Credentials, unit: TimestampUnit) -> Self {
        Self::signed(creds, unit.now().to_string(), generate_nonce())
    }

    /// Signs with a given timestamp and nonce (tests, replays of a known case).
    pub fn at(creds: &Credentials, timestamp: &str, nonce: [u8; NONCE_LEN]) -> Self {
        Self::signed(creds, timestamp.to_owned(), nonce)
    }

    fn signed(creds: &Credentials, timestamp: String, nonce: [u8; NONCE_LEN]) -> Self {
        let nonce_str = std::str::from_utf8(&nonce).unwrap_or_default();
        let signature = sign_hex(
            creds.access_key(),
            &timestamp,
            nonce_str,
            creds.access_secret(),
        );
        SignedHeaders {
            timestamp,
            nonce,
            signature,
            creds: creds.clone(),
        }
    }

    /// The `timestamp` header value.
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// The `nonce-str` header value.
    pub fn nonce(&self) -> &str {
        std::str::from_utf8(&self.nonce).unwrap_or_default()
    }

    /// The `signature` header value.
    pub fn signature(&self) -> &str {
        std::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// The signed string with the secret masked; see [`signing_string_masked`].
    pub fn signed_string_masked(&self) -> String {
        signing_string_masked(self.creds.access_key(), &self.timestamp, self.nonce())
    }

    /// Writes the five headers into `headers`, replacing any already there.
    ///
    /// `access_key` and `user_id` are passed pre-encoded because the client
    /// builds them once.
    pub(crate) fn apply(
        &self,
        headers: &mut HeaderMap,
        access_key: &HeaderValue,
        user_id: &HeaderValue,
    ) {
        headers.insert(HEADER_ACCESS_KEY, access_key.clone());
        headers.insert(HEADER_USER_ID, user_id.clone());
        // Digits, ASCII alphanumerics and hex digits are always valid header bytes.
        if let Ok(v) = HeaderValue::from_str(&self.timestamp) {
            headers.insert(HEADER_TIMESTAMP, v);
        }
        if let Ok(v) = HeaderValue::from_bytes(&self.nonce) {
            headers.insert(HEADER_NONCE, v);
        }
        if let Ok(v) = HeaderValue::from_bytes(&self.signature) {
            headers.insert(HEADER_SIGNATURE, v);
        }
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("access_key", &self.creds.access_key())
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce())
            .field("signature", &self.signature())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_vector_from_platform_md() {
        assert_eq!(
            sign(
                "58c0201dfdf148eca63cbf6bb5e7cf03",
                "1715669977082",
                "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
                "s3cr3t"
            ),
            "E2695BB8E0BDE9353BAA8086C281142A"
        );
    }

    #[test]
    fn nonce_is_alphanumeric_and_fresh() {
        let a = generate_nonce();
        let b = generate_nonce();
        assert!(a.iter().all(u8::is_ascii_alphanumeric));
        assert_ne!(a, b);
    }

    #[test]
    fn verify_accepts_lowercase_and_rejects_tampering() {
        let sig = sign("k", "1", "n", "s");
        assert!(verify("k", "1", "n", "s", &sig));
        assert!(verify("k", "1", "n", "s", &sig.to_ascii_lowercase()));
        assert!(!verify("k", "2", "n", "s", &sig));
        assert!(!verify("k", "1", "n", "s", &sig[..31]));
        assert!(!verify("k", "1", "n", "other", &sig));
    }

    #[test]
    fn timestamp_units() {
        let ms = TimestampUnit::Millis.now();
        let s = TimestampUnit::Seconds.now();
        assert_eq!(ms.to_string().len(), 13);
        assert_eq!(s.to_string().len(), 10);
        assert!(ms / 1000 >= s && ms / 1000 - s <= 1);
    }
}
