//! Accept/reject matrix of the push verifier.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, StatusCode};
use xportcn::Credentials;
use xportcn::callbacks::{
    Message, Rejection, SignatureScheme, Verifier, sign_push, sign_push_with,
};

const SECRET: &str = "top-secret-value";

fn creds() -> Credentials {
    Credentials::new("58c0201dfdf148eca63cbf6bb5e7cf03", SECRET, "2100007341207")
}

fn body() -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/callbacks/order-create.string-body.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("fixture")
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn only(headers: &HeaderMap, keep: &[&str]) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (k, v) in headers {
        if keep.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

fn assert_no_secret(r: &Rejection) {
    assert!(!format!("{r}").contains(SECRET));
    assert!(!format!("{r:?}").contains(SECRET));
}

#[test]
fn valid_push_is_accepted() {
    let v = Verifier::new(creds());
    let body = body();
    let msg = v.verify(&sign_push(&creds(), &body), &body).expect("valid");
    assert!(matches!(msg, Message::Ali1688OrderStatus { .. }));
}

#[test]
fn authorization_only_and_signature_only_are_accepted() {
    let v = Verifier::new(creds());
    let body = body();
    let h = sign_push(&creds(), &body);
    assert!(v.verify(&only(&h, &["authorization"]), &body).is_ok());
    let h = sign_push(&creds(), &body);
    assert!(
        v.verify(
            &only(&h, &["access-key", "timestamp", "nonce-str", "signature"]),
            &body
        )
        .is_ok()
    );
}

#[test]
fn lower_case_hex_and_scheme_prefix_are_accepted() {
    let v = Verifier::new(creds());
    let body = body();
    let mut h = sign_push(&creds(), &body);
    let auth = h["authorization"].to_str().unwrap().to_ascii_lowercase();
    h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
    let sig = h["signature"].to_str().unwrap().to_ascii_lowercase();
    h.insert("signature", HeaderValue::from_str(&sig).unwrap());
    assert!(v.verify(&h, &body).is_ok());
    let mut h = only(&sign_push(&creds(), &body), &["authorization"]);
    let prefixed = format!("HMAC-SHA256 {}", h["authorization"].to_str().unwrap());
    h.insert("authorization", HeaderValue::from_str(&prefixed).unwrap());
    assert!(v.verify(&h, &body).is_ok());
}

#[test]
fn tampered_body_is_rejected() {
    let v = Verifier::new(creds());
    let body = body();
    let h = sign_push(&creds(), &body);
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("10000", "1");
    let err = v.verify(&h, tampered.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        Rejection::BadSignature {
            scheme: SignatureScheme::Authorization
        }
    );
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    assert_no_secret(&err);
}

#[test]
fn wrong_secret_is_rejected_by_both_schemes() {
    let v = Verifier::new(creds());
    let body = body();
    let forger = Credentials::new(
        "58c0201dfdf148eca63cbf6bb5e7cf03",
        "guessed",
        "2100007341207",
    );
    let h = sign_push(&forger, &body);
    let err = v.verify(&h, &body).unwrap_err();
    assert_eq!(
        err,
        Rejection::BadSignature {
            scheme: SignatureScheme::RequestSignature
        }
    );
    let err = v
        .verify(&only(&sign_push(&forger, &body), &["authorization"]), &body)
        .unwrap_err();
    assert_eq!(
        err,
        Rejection::BadSignature {
            scheme: SignatureScheme::Authorization
        }
    );
    assert_no_secret(&err);
}

#[test]
fn both_present_both_must_pass() {
    let v = Verifier::new(creds());
    let body = body();
    // Valid request signature, forged Authorization.
    let mut h = sign_push(&creds(), &body);
    h.insert("authorization", HeaderValue::from_static("00"));
    assert_eq!(
        v.verify(&h, &body).unwrap_err(),
        Rejection::BadSignature {
            scheme: SignatureScheme::Authorization
        }
    );
}

#[test]
fn wrong_access_key_is_rejected() {
    let v = Verifier::new(creds());
    let body = body();
    let other = Credentials::new("someone-else", SECRET, "2100007341207");
    let err = v.verify(&sign_push(&other, &body), &body).unwrap_err();
    assert_eq!(err, Rejection::WrongAccessKey);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn missing_header_is_named() {
    let v = Verifier::new(creds());
    let body = body();
    for missing in ["access-key", "timestamp", "nonce-str"] {
        let mut h = sign_push(&creds(), &body);
        h.remove(missing);
        assert_eq!(
            v.verify(&h, &body).unwrap_err(),
            Rejection::MissingHeader(missing)
        );
    }
    let strict = Verifier::new(creds()).require_timestamp(true);
    let h = only(&sign_push(&creds(), &body), &["authorization"]);
    assert_eq!(
        strict.verify(&h, &body).unwrap_err(),
        Rejection::MissingHeader("timestamp")
    );
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let v = Verifier::new(creds());
    let body = body();
    let stale = (now_ms() - 601_000).to_string();
    let h = sign_push_with(&creds(), &body, &stale, "nonce-stale-000000000000000000000");
    assert!(matches!(
        v.verify(&h, &body).unwrap_err(),
        Rejection::StaleTimestamp { .. }
    ));
    let future = (now_ms() / 1000 + 3600).to_string(); // seconds
    let h = sign_push_with(
        &creds(),
        &body,
        &future,
        "nonce-future-00000000000000000000",
    );
    assert!(matches!(
        v.verify(&h, &body).unwrap_err(),
        Rejection::FutureTimestamp { .. }
    ));
    // Seconds within the window are fine.
    let secs = (now_ms() / 1000).to_string();
    let h = sign_push_with(&creds(), &body, &secs, "nonce-seconds-0000000000000000000");
    assert!(v.verify(&h, &body).is_ok());
    // A narrower window rejects what the default accepts.
    let narrow = Verifier::new(creds()).timestamp_window(Duration::from_secs(5));
    let h = sign_push_with(&creds(), &body, &(now_ms() - 60_000).to_string(), "n1");
    assert!(matches!(
        narrow.verify(&h, &body).unwrap_err(),
        Rejection::StaleTimestamp { .. }
    ));
    let h = sign_push_with(&creds(), &body, "not-a-number", "n2");
    assert_eq!(
        v.verify(&h, &body).unwrap_err(),
        Rejection::InvalidHeader("timestamp")
    );
}

#[test]
fn replayed_nonce_is_rejected() {
    let v = Verifier::new(creds());
    let body = body();
    let h = sign_push(&creds(), &body);
    assert!(v.verify(&h, &body).is_ok());
    let err = v.verify(&h, &body).unwrap_err();
    assert_eq!(err, Rejection::Replay);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    // A clone shares the memory.
    assert_eq!(v.clone().verify(&h, &body).unwrap_err(), Rejection::Replay);
    // Without replay protection the same request passes again.
    let lax = Verifier::new(creds()).replay_protection(0);
    assert!(lax.verify(&h, &body).is_ok());
    assert!(lax.verify(&h, &body).is_ok());
}

#[test]
fn unsigned_needs_opt_in() {
    let body = body();
    let strict = Verifier::new(creds());
    let err = strict.verify(&HeaderMap::new(), &body).unwrap_err();
    assert_eq!(err, Rejection::Unsigned);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    // Empty header values (as in the docs' curl samples) count as absent.
    let mut empty = HeaderMap::new();
    empty.insert("signature", HeaderValue::from_static(""));
    assert_eq!(
        strict.verify(&empty, &body).unwrap_err(),
        Rejection::Unsigned
    );
    let open = Verifier::new(creds()).accept_unsigned(true);
    assert!(open.verify(&HeaderMap::new(), &body).is_ok());
    // Opting in does not weaken the check of signed pushes.
    let mut forged = HeaderMap::new();
    forged.insert("authorization", HeaderValue::from_static("deadbeef"));
    assert!(open.verify(&forged, &body).is_err());
}

#[test]
fn authentic_but_malformed_is_400() {
    let v = Verifier::new(creds());
    let garbage = b"{\"messageType\": ";
    let err = v
        .verify(&sign_push(&creds(), garbage), garbage)
        .unwrap_err();
    assert!(matches!(err, Rejection::Malformed(_)));
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert!(!err.is_auth_failure());
}
