//! Signing pushes like the platform: [`sign_push`] and its variants, to test
//! your own receiver.

use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::verify::{AuthorizationBase, HEADER_AUTHORIZATION, hmac_sha256};
use crate::credentials::Credentials;
use crate::signing::{
    self, HEADER_ACCESS_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, HEADER_USER_ID,
};

/// Signs a push body the way the platform would, with the current time and
/// a fresh nonce: use it to test your own receiver.
///
/// The headers are `Authorization` (upper-case hex HMAC-SHA256 over
/// the raw body, [`AuthorizationBase::Body`]), the request-style `access-key`, `timestamp`
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
    // The default base, AuthorizationBase::Body: the raw body.
    if let Some(tag) = hmac_sha256(credentials.access_secret().as_bytes(), body)
        && let Ok(v) = HeaderValue::from_str(&hex::encode_upper(tag))
    {
        headers.insert(HEADER_AUTHORIZATION, v);
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers
}

/// [`sign_push`] with the `Authorization` HMAC over another
/// [`AuthorizationBase`] (computed from the fresh `timestamp` and
/// `nonce-str` headers): test a receiver configured for that base, or see
/// the mismatch diagnosis at work.
pub fn sign_push_with_base(
    credentials: &Credentials,
    body: &[u8],
    base: AuthorizationBase,
) -> HeaderMap {
    let mut headers = sign_push(credentials, body);
    let value = |name: &HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (ts, nonce) = (value(&HEADER_TIMESTAMP), value(&HEADER_NONCE));
    match base.mac(
        credentials.access_secret().as_bytes(),
        ts.as_deref(),
        nonce.as_deref(),
        body,
    ) {
        Some(tag) => {
            if let Ok(v) = HeaderValue::from_str(&hex::encode_upper(tag)) {
                headers.insert(HEADER_AUTHORIZATION, v);
            }
        }
        None => {
            headers.remove(HEADER_AUTHORIZATION);
        }
    }
    headers
}
