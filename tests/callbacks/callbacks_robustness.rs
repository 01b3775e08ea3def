//! Robustness of the callback parser and verifier. Bounded for the normal
//! suite (2 x 2,000 cases + 1,000 verifier cases).
//!
//! * `Message::from_slice` never panics on arbitrary bytes or mutated pushes,
//!   every accessor of what it parses answers (a non-empty `dedup_key`), and
//!   it agrees with `Message::from_json` (the arbitrary-bytes property of
//!   `callbacks_props.rs`, which tested a subset of this on the same inputs,
//!   was folded in here);
//! * the verifier never panics on arbitrary headers and bodies; a push signed
//!   with the right secret is never an authentication failure; one signed
//!   with another secret, or whose body was changed after signing, is never
//!   accepted; no rejection, and no `Debug` of the verifier, shows the secret.
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use xportcn::Credentials;
use xportcn::callbacks::{Message, Rejection, Verifier, sign_push};

const SECRET: &str = "cb-SECRET-5e1d-never-print";
const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";

const PUSHES: &[&str] = &[
    r#"{"messageType":"ORDER_CANCEL","messagePlatform":1,"timestamp":"1779263269913","messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"CANCEL\",\"closeReason\":\"buyer_cancel\"}"}"#,
    r#"{"messageType":"ORDER_CREATE","messagePlatform":0,"timestamp":1779263269913,"retryCount":0,"developId":1014533973088404335,"id":224,"messageBody":{"orderId":3305075341149134260,"subOrderIds":[1,2]}}"#,
    r#"{"messageType":"TAOBAO_ORDER_PRICE_MODIFY","messageBody":{"orderId":"1","price":"12.50"}}"#,
];

fn creds(secret: &str) -> Credentials {
    Credentials::new(KEY, secret, "2100007341207")
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

fn parse(bytes: &[u8]) {
    let r = Message::from_slice(bytes);
    match &r {
        Ok(m) => {
            // Every accessor of a parsed message, as a handler calls them.
            let _ = (
                m.message_type(),
                m.platform(),
                m.pushed_at(),
                m.retry_count(),
            );
            let _ = (m.develop_id(), m.id(), m.is_unknown(), format!("{m:?}"));
            assert!(!m.dedup_key().is_empty());
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        assert_eq!(Message::from_json(text).is_ok(), r.is_ok());
    }
}

fn clean(r: &Rejection) {
    assert!(!r.to_string().contains(SECRET));
    assert!(!format!("{r:?}").contains(SECRET));
}

fn mutate(base: &str, at: usize, what: u8) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    match what % 4 {
        0 => {
            let i = at % b.len();
            b[i] ^= what | 1;
        }
        1 => b.truncate(at % b.len()),
        2 => {
            let i = at % (b.len() + 1);
            b.splice(i..i, *b"123456789012345678901234");
        }
        _ => {
            let i = at % (b.len() + 1);
            b.splice(i..i, *b"null,");
        }
    }
    b
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn message_parser_never_panics_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse(&body);
    }

    #[test]
    fn message_parser_never_panics_on_mutated_pushes(
        pick in 0..PUSHES.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut body = PUSHES[pick].as_bytes().to_vec();
        for (at, what) in edits {
            let Ok(text) = String::from_utf8(body.clone()) else { break };
            if text.is_empty() { break }
            body = mutate(&text, at, what);
        }
        parse(&body);
    }
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn verifier_holds_its_invariants(
        pick in 0..PUSHES.len(),
        at in any::<usize>(),
        what in any::<u8>(),
        junk in proptest::collection::vec((0usize..6, "[ -~]{0,40}"), 0..6),
    ) {
        let verifier = Verifier::new(creds(SECRET));
        let body = PUSHES[pick].as_bytes();

        // Right secret: accepted, or rejected only as malformed.
        let headers = sign_push(&creds(SECRET), body);
        if let Err(r) = verifier.verify(&headers, body) {
            prop_assert!(!r.is_auth_failure(), "{r:?}");
        }
        // Other secret: never accepted.
        let headers = sign_push(&creds("another-secret"), body);
        let r = verifier.verify(&headers, body).unwrap_err();
        prop_assert!(r.is_auth_failure(), "{r:?}");
        clean(&r);
        // Body changed after signing: never accepted as that body
        // (skipped when the mutation left the bytes unchanged).
        let changed = mutate(PUSHES[pick], at, what);
        if changed != body {
            let headers = sign_push(&creds(SECRET), body);
            let fresh = Verifier::new(creds(SECRET));
            // The default base is the raw body: changed bytes never verify.
            let verdict = fresh.verify(&headers, &changed);
            prop_assert!(verdict.is_err(), "a body changed after signing was accepted");
            if let Err(r) = verdict {
                clean(&r);
            }
        }
        // Arbitrary extra or replaced headers: no panic, no secret.
        let names = ["authorization", "signature", "timestamp", "nonce-str", "access-key", "user-id"];
        let mut headers = sign_push(&creds(SECRET), body);
        let mut any = HeaderMap::new();
        for (i, v) in &junk {
            if let Ok(v) = HeaderValue::from_str(v) {
                headers.insert(HeaderName::from_static(names[*i]), v.clone());
                any.append(HeaderName::from_static(names[*i]), v);
            }
        }
        for h in [&headers, &any] {
            if let Err(r) = Verifier::new(creds(SECRET)).verify(h, body) {
                clean(&r);
            }
        }
    }
}

#[test]
fn verifier_debug_hides_the_secret() {
    let v = Verifier::new(creds(SECRET));
    assert!(!format!("{v:?}").contains(SECRET));
    assert!(!format!("{v:#?}").contains(SECRET));
}
