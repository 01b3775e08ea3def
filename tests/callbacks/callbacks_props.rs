//! Robustness: mutated fixtures and envelopes never panic the parser or the
//! verifier (arbitrary bytes: `callbacks_robustness.rs`).

use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use xportcn::Credentials;
use xportcn::callbacks::{Message, UnsignedPushes, Verifier, sign_push};

const FIXTURES: &[&str] = &[
    "1688-order-buyer-refund.json",
    "1688-order-price-modify.as-documented.txt",
    "1688-order-price-modify.json",
    "order-create.string-body.json",
    "taobao-order-price-modify.json",
];

fn fixtures() -> Vec<Vec<u8>> {
    FIXTURES
        .iter()
        .map(|name| {
            let path = format!(
                "{}/tests/fixtures/callbacks/{name}",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::read(path).expect("fixture")
        })
        .collect()
}

fn creds() -> Credentials {
    Credentials::new("prop-key", "prop-secret", "1")
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Truncate { at: usize },
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(b'"'),
        Just(b'{'),
        Just(b'}'),
        Just(b'['),
        Just(b']'),
        Just(b','),
        Just(b':'),
        Just(b'\\'),
        Just(b'\n'),
        Just(b'0'),
        Just(b'-'),
        any::<u8>()
    ];
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), interesting).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
    ]
}

fn apply(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = data.len().max(1);
        match m {
            Mutation::Flip { at, bit } => {
                if let Some(b) = data.get_mut(at % len) {
                    *b ^= 1 << bit;
                }
            }
            Mutation::Set { at, byte } => {
                if let Some(b) = data.get_mut(at % len) {
                    *b = *byte;
                }
            }
            Mutation::Truncate { at } => data.truncate(at % len),
            Mutation::Delete { at, len: n } => {
                let start = at % len;
                let end = (start + n).min(data.len());
                if start < end {
                    data.drain(start..end);
                }
            }
            Mutation::Insert { at, bytes } => {
                let pos = (at % len).min(data.len());
                data.splice(pos..pos, bytes.iter().copied());
            }
        }
    }
    data
}

/// Exercises every accessor of a parsed message.
fn touch(msg: &Message) {
    let _ = (
        msg.message_type(),
        msg.platform(),
        msg.pushed_at(),
        msg.retry_count(),
    );
    let _ = (msg.develop_id(), msg.id(), msg.is_unknown());
    assert!(!msg.dedup_key().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        muts in prop::collection::vec(mutation(), 1..6),
    ) {
        let data = apply(fixtures().swap_remove(which), &muts);
        if let Ok(msg) = Message::from_slice(&data) {
            touch(&msg);
        }
    }

    #[test]
    fn mutated_envelopes_with_string_bodies_never_panic(
        body in "[ -~]{0,80}",
        mtype in prop_oneof![
            Just("ORDER_CREATE".to_owned()),
            Just("1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY".to_owned()),
            Just("TAOBAO_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND".to_owned()),
            Just("PACKAGE_INBOUND".to_owned()),
            "[ -~]{0,20}",
        ],
        platform in prop_oneof![Just("0".to_owned()), Just("1".to_owned()), Just("\"1\"".to_owned()), Just("null".to_owned()), "-?[0-9]{1,22}"],
    ) {
        let push = serde_json::json!({ "messageType": mtype, "messageBody": body }).to_string();
        let push = push.replacen('{', &format!("{{\"messagePlatform\":{platform},"), 1);
        if let Ok(msg) = Message::from_json(&push) {
            touch(&msg);
        }
    }

    #[test]
    fn verifier_never_panics(
        which in 0..FIXTURES.len(),
        muts in prop::collection::vec(mutation(), 0..4),
        header_muts in prop::collection::vec((0usize..6, "[ -~]{0,70}"), 0..3),
    ) {
        let policy = if which % 2 == 0 { UnsignedPushes::AcceptAll } else { UnsignedPushes::Refuse };
        let verifier = Verifier::new(creds()).unsigned_pushes(policy);
        let original = fixtures().swap_remove(which);
        let mut headers: HeaderMap = sign_push(&creds(), &original);
        let names = ["authorization", "signature", "timestamp", "nonce-str", "access-key", "user-id"];
        for (i, value) in &header_muts {
            let name = names[*i % names.len()];
            match HeaderValue::from_str(value) {
                Ok(v) => { headers.insert(name, v); }
                Err(_) => { headers.remove(name); }
            }
        }
        let body = apply(original, &muts);
        match verifier.verify(&headers, &body) {
            Ok(msg) => touch(&msg),
            Err(rejection) => {
                let status = rejection.status().as_u16();
                prop_assert!(status == 400 || status == 401);
                prop_assert!(!rejection.to_string().contains("prop-secret"));
            }
        }
    }
}
