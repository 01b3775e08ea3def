//! Accept/reject matrix of the push verifier.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, StatusCode};
use std::sync::Arc;
use xportcn::Credentials;

use xportcn::callbacks::{
    AuthorizationBase, MAX_NONCE_LEN, MemoryReplayStore, Message, Rejection, SignatureScheme,
    UnsignedPushes, Verifier, sign_push, sign_push_with, sign_push_with_base,
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
fn authorization_only_is_accepted_signature_only_needs_the_opt_in() {
    let v = Verifier::new(creds());
    let body = body();
    let h = sign_push(&creds(), &body);
    assert!(v.verify(&only(&h, &["authorization"]), &body).is_ok());
    let h = only(
        &sign_push(&creds(), &body),
        &["access-key", "timestamp", "nonce-str", "signature"],
    );
    let err = v.verify(&h, &body).unwrap_err();
    assert_eq!(err, Rejection::BodyNotSigned);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let lax = Verifier::new(creds()).unsigned_pushes(UnsignedPushes::AcceptRequestSignature);
    assert!(lax.verify(&h, &body).is_ok());
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
    let open = Verifier::new(creds()).unsigned_pushes(UnsignedPushes::AcceptAll);
    assert!(open.verify(&HeaderMap::new(), &body).is_ok());
    // Opting in does not weaken the check of signed pushes.
    let mut forged = HeaderMap::new();
    forged.insert("authorization", HeaderValue::from_static("deadbeef"));
    assert!(open.verify(&forged, &body).is_err());
}

/// The one policy for pushes without `Authorization` gives exactly the
/// behaviours the two former bools gave: each policy against an unsigned
/// push, a push signed only by the request-style headers, the same with a
/// forged `signature`, and a push with a bad `Authorization`.
#[test]
fn unsigned_push_policy_matrix() {
    let body = body();
    let request_only = || {
        only(
            &sign_push(&creds(), &body),
            &["access-key", "timestamp", "nonce-str", "signature"],
        )
    };
    let forged_request_only = || {
        let mut h = request_only();
        h.insert(
            "signature",
            HeaderValue::from_static("0123456789abcdef0123456789abcdef"),
        );
        h
    };
    let mut bad_authorization = sign_push(&creds(), &body);
    bad_authorization.insert("authorization", HeaderValue::from_static("deadbeef"));
    let bad_sig = Rejection::BadSignature {
        scheme: SignatureScheme::RequestSignature,
    };
    let bad_auth = Rejection::BadSignature {
        scheme: SignatureScheme::Authorization,
    };
    for (policy, unsigned, request, forged) in [
        (
            UnsignedPushes::Refuse,
            Err(Rejection::Unsigned),
            Err(Rejection::BodyNotSigned),
            Err(Rejection::BodyNotSigned),
        ),
        (
            UnsignedPushes::AcceptRequestSignature,
            Err(Rejection::Unsigned),
            Ok(()),
            Err(bad_sig.clone()),
        ),
        (
            UnsignedPushes::AcceptAll,
            Ok(()),
            Ok(()),
            Err(bad_sig.clone()),
        ),
    ] {
        let v = Verifier::new(creds()).unsigned_pushes(policy);
        let got = |h: &HeaderMap| v.verify(h, &body).map(|_| ());
        assert_eq!(got(&HeaderMap::new()), unsigned, "{policy:?}, no signature");
        assert_eq!(
            got(&request_only()),
            request,
            "{policy:?}, request-style only"
        );
        assert_eq!(
            got(&forged_request_only()),
            forged,
            "{policy:?}, forged signature"
        );
        assert_eq!(
            got(&bad_authorization),
            Err(bad_auth.clone()),
            "{policy:?}, bad Authorization"
        );
    }
    assert_eq!(UnsignedPushes::default(), UnsignedPushes::Refuse);
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

// ---------------------------------------------------------------------------
// Issue 14: forged bodies, blank Authorization, inferred base, nonces
// ---------------------------------------------------------------------------

/// Another genuine-looking push body, to swap in.
fn other_body() -> Vec<u8> {
    br#"{"messageType":"ORDER_CANCEL","messagePlatform":1,"timestamp":"1779263269913","messageBody":{"orderId":"3305075341149134260","orderStatus":"CANCEL"}}"#.to_vec()
}

#[test]
fn stripped_or_blank_authorization_with_a_swapped_body_is_rejected() {
    let v = Verifier::new(creds());
    let (body, forged) = (body(), other_body());
    // Stripped: the request-style headers alone do not cover the body.
    let mut h = sign_push(&creds(), &body);
    h.remove("authorization");
    assert_eq!(v.verify(&h, &forged).unwrap_err(), Rejection::BodyNotSigned);
    // Blank or whitespace: a rejection, never a fall-back to the others,
    // even for a verifier that opted into header-only pushes.
    let lax = Verifier::new(creds()).unsigned_pushes(UnsignedPushes::AcceptRequestSignature);
    for blank in ["", "   "] {
        let mut h = sign_push(&creds(), &body);
        h.insert("authorization", HeaderValue::from_str(blank).unwrap());
        for verifier in [&v, &lax] {
            assert_eq!(
                verifier.verify(&h, &forged).unwrap_err(),
                Rejection::InvalidHeader("authorization")
            );
        }
    }
    // Malformed (not 32 bytes of hex): rejected.
    for junk in ["zz", "00", "HMAC-SHA256 ", "sha256=xyz"] {
        let mut h = sign_push(&creds(), &body);
        h.insert("authorization", HeaderValue::from_str(junk).unwrap());
        let err = lax.verify(&h, &forged).unwrap_err();
        assert!(err.is_auth_failure(), "{junk}: {err}");
    }
}

#[test]
fn a_mismatching_authorization_names_the_base_that_matches() {
    let body = body();
    for base in AuthorizationBase::CANDIDATES {
        if base == AuthorizationBase::Body {
            continue;
        }
        let h = sign_push_with_base(&creds(), &body, base);
        let err = Verifier::new(creds()).verify(&h, &body).unwrap_err();
        assert_eq!(
            err,
            Rejection::AuthorizationBaseMismatch {
                configured: AuthorizationBase::Body,
                matches: base
            }
        );
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
        assert!(
            err.to_string()
                .contains(&format!("authorization_base(AuthorizationBase::{base})")),
            "{err}"
        );
        assert_no_secret(&err);
        // The one builder call that fixes it.
        let fixed = Verifier::new(creds()).authorization_base(base);
        assert!(fixed.verify(&h, &body).is_ok(), "{base}");
        // And the configured base still binds the body.
        let h = sign_push_with_base(&creds(), &body, base);
        assert_eq!(
            fixed.verify(&h, &other_body()).unwrap_err(),
            Rejection::BadSignature {
                scheme: SignatureScheme::Authorization
            }
        );
    }
}

#[test]
fn nonce_length_and_charset_are_checked() {
    let v = Verifier::new(creds());
    let body = body();
    let ts = now_ms().to_string();
    let ok = "a".repeat(MAX_NONCE_LEN);
    assert!(
        v.verify(&sign_push_with(&creds(), &body, &ts, &ok), &body)
            .is_ok()
    );
    assert!(
        v.verify(&sign_push_with(&creds(), &body, &ts, "Ab-_09"), &body)
            .is_ok()
    );
    let long = "a".repeat(MAX_NONCE_LEN + 1);
    for bad in [long.as_str(), "a b", "a/b", "a.b", "a+b", "nonce%00", "a:b"] {
        let h = sign_push_with(&creds(), &body, &ts, bad);
        assert_eq!(
            v.verify(&h, &body).unwrap_err(),
            Rejection::InvalidHeader("nonce-str"),
            "{bad:?}"
        );
    }
}

#[test]
fn only_verified_and_authenticated_nonces_are_recorded() {
    let store = MemoryReplayStore::new(64 * 1024);
    let v = Verifier::new(creds()).replay_store(Arc::new(store.clone()));
    let body = body();
    let ts = now_ms().to_string();
    let forger = Credentials::new("58c0201dfdf148eca63cbf6bb5e7cf03", "guess", "1");
    // Forged pushes never reach the store.
    for i in 0..200 {
        let h = sign_push_with(&forger, &body, &ts, &format!("forged-{i}"));
        assert!(v.verify(&h, &body).is_err());
    }
    assert!(store.is_empty(), "{store:?}");
    // One genuine push signed only by Authorization, re-sent with 200 fresh
    // nonces: its nonce is not authenticated, so it is not recorded (the
    // receiver's de-duplication key catches the replay instead).
    let auth = only(&sign_push(&creds(), &body), &["authorization"]);
    for i in 0..200 {
        let mut h = auth.clone();
        h.insert(
            "nonce-str",
            HeaderValue::from_str(&format!("flood-{i}")).unwrap(),
        );
        h.insert("timestamp", HeaderValue::from_str(&ts).unwrap());
        assert!(v.verify(&h, &body).is_ok());
    }
    assert!(store.is_empty(), "{store:?}");
    // A genuine push with the request signature: its nonce is recorded once.
    let h = sign_push(&creds(), &body);
    assert!(v.verify(&h, &body).is_ok());
    assert_eq!(store.len(), 1);
    assert_eq!(v.verify(&h, &body).unwrap_err(), Rejection::Replay);
    // A malformed body, even when authentic, records nothing.
    let garbage = b"{\"messageType\": ";
    let h = sign_push(&creds(), garbage);
    assert!(matches!(
        v.verify(&h, garbage).unwrap_err(),
        Rejection::Malformed(_)
    ));
    assert_eq!(store.len(), 1);
}

#[test]
fn replay_memory_is_bounded_in_bytes() {
    let budget = 16 * 1024;
    let store = MemoryReplayStore::new(budget);
    let v = Verifier::new(creds()).replay_store(Arc::new(store.clone()));
    let body = body();
    for _ in 0..2_000 {
        assert!(v.verify(&sign_push(&creds(), &body), &body).is_ok());
        assert!(store.bytes() <= budget);
    }
    assert!(store.len() < 2_000);
}

/// The headers of a real outbound `product_get` request, captured by a
/// loopback wiremock server from the SDK's own client.
async fn captured_request_headers() -> HeaderMap {
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":200,"msg":"ok","data":{"itemId":"1"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = xportcn::Client::builder()
        .credentials(creds())
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    let _ = client.taobao().product_get("672991141190").await;
    let requests = server.received_requests().await.unwrap_or_default();
    let req = requests.first().expect("the client sent a request");
    let mut headers = HeaderMap::new();
    for (name, value) in &req.headers {
        headers.append(name.clone(), value.clone());
    }
    assert!(headers.contains_key("signature"));
    headers
}

#[tokio::test]
async fn headers_of_a_real_outbound_request_cannot_carry_a_forged_push() {
    let headers = captured_request_headers().await;
    let forged = other_body();
    let v = Verifier::new(creds());
    assert_eq!(
        v.verify(&headers, &forged).unwrap_err(),
        Rejection::BodyNotSigned
    );
    // What the opt-in costs: the same forgery is accepted.
    let lax = Verifier::new(creds()).unsigned_pushes(UnsignedPushes::AcceptRequestSignature);
    assert!(lax.verify(&headers, &forged).is_ok());
}

// ---------------------------------------------------------------------------
// Issue 19, finding 1: a replay re-split between `timestamp` and `nonce-str`
// ---------------------------------------------------------------------------

/// Moves the 3 millisecond digits of a 13-digit timestamp to the front of
/// the nonce: the same instant, a "new" nonce, the same signatures.
fn resplit(headers: &HeaderMap) -> HeaderMap {
    let mut h = headers.clone();
    let ts = headers["timestamp"].to_str().expect("ts").to_owned();
    let nonce = headers["nonce-str"].to_str().expect("nonce").to_owned();
    assert_eq!(ts.len(), 13);
    h.insert("timestamp", HeaderValue::from_str(&ts[..10]).expect("ts"));
    h.insert(
        "nonce-str",
        HeaderValue::from_str(&format!("{}{nonce}", &ts[10..])).expect("nonce"),
    );
    h
}

#[test]
fn a_replay_re_split_between_timestamp_and_nonce_is_still_a_replay() {
    let body = body();
    // The default base, with the request-style signature.
    let verifier = Verifier::new(creds());
    let headers = sign_push_with(
        &creds(),
        &body,
        &now_ms().to_string(),
        "abcDEF0123456789abcDEF0123456789",
    );
    assert!(verifier.verify(&headers, &body).is_ok());
    let replay = resplit(&headers);
    // The re-split headers are genuine on their own: a fresh verifier accepts them.
    assert!(Verifier::new(creds()).verify(&replay, &body).is_ok());
    assert_eq!(verifier.verify(&replay, &body), Err(Rejection::Replay));
    // A change of hex case is no new identity either.
    let mut upper = headers.clone();
    let sig = headers["signature"]
        .to_str()
        .expect("sig")
        .to_ascii_lowercase();
    upper.insert("signature", HeaderValue::from_str(&sig).expect("sig"));
    assert_eq!(verifier.verify(&upper, &body), Err(Rejection::Replay));

    // TimestampNonceBody, signed by Authorization alone.
    let verifier = Verifier::new(creds()).authorization_base(AuthorizationBase::TimestampNonceBody);
    let headers = only(
        &sign_push_with_base(&creds(), &body, AuthorizationBase::TimestampNonceBody),
        &["authorization", "timestamp", "nonce-str"],
    );
    assert!(verifier.verify(&headers, &body).is_ok());
    assert_eq!(
        verifier.verify(&resplit(&headers), &body),
        Err(Rejection::Replay)
    );
}

// ---------------------------------------------------------------------------
// Issue 19, finding 4: the base diagnosis cannot be steered
// ---------------------------------------------------------------------------

#[test]
fn moving_body_bytes_into_the_timestamp_never_steers_the_base_advice() {
    let body = body();
    let genuine = only(&sign_push(&creds(), &body), &["authorization"]);
    let verifier = Verifier::new(creds());
    assert!(verifier.verify(&genuine, &body).is_ok());
    let mut tried = 0;
    for k in 1..body.len().min(40) {
        // A prefix of the body moved into `timestamp` (TimestampBody), with
        // or without the newline of TimestampNewlineBody, and a suffix
        // (BodyTimestamp).
        let splits: [(&[u8], &[u8]); 2] = [
            (&body[..k], &body[k..]),
            (&body[body.len() - k..], &body[..body.len() - k]),
        ];
        for (moved, rest) in splits {
            let Ok(ts) = std::str::from_utf8(moved) else {
                continue;
            };
            let Ok(value) = HeaderValue::from_str(ts) else {
                continue;
            };
            let mut h = genuine.clone();
            h.insert("timestamp", value);
            tried += 1;
            let err = Verifier::new(creds()).verify(&h, rest).unwrap_err();
            assert!(
                !matches!(err, Rejection::AuthorizationBaseMismatch { .. }),
                "steered by moving {k} bytes: {err}"
            );
        }
    }
    assert!(tried > 20, "{tried}");
    // A captured push wrapped as the messageBody of another envelope.
    let wrapped = format!(
        r#"{{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{}}}"#,
        String::from_utf8_lossy(&body)
    );
    let err = verifier.verify(&genuine, wrapped.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        Rejection::BadSignature {
            scheme: SignatureScheme::Authorization
        }
    );
}

#[test]
fn the_message_body_value_is_a_candidate_base() {
    // messageBody as a JSON string (the docs' samples) and as an object.
    for body in [
        body(),
        br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"WAITING_FOR_PAYMENT"}}"#.to_vec(),
    ] {
        let h = sign_push_with_base(&creds(), &body, AuthorizationBase::MessageBody);
        assert_eq!(
            Verifier::new(creds()).verify(&h, &body),
            Err(Rejection::AuthorizationBaseMismatch {
                configured: AuthorizationBase::Body,
                matches: AuthorizationBase::MessageBody
            })
        );
        let v = Verifier::new(creds()).authorization_base(AuthorizationBase::MessageBody);
        assert!(v.verify(&h, &body).is_ok());
    }
}
