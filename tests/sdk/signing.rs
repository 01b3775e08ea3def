//! Signing golden vectors. Expected values were computed with coreutils
//! `md5sum` (`printf '%s' "$key$ts$nonce$secret" | md5sum`), not with this
//! crate's code.

use xportcn::Credentials;
use xportcn::signing::{self, SignedHeaders, TimestampUnit};

const VECTORS: &[(&str, &str, &str, &str, &str)] = &[
    // platform.md §2 golden vector.
    (
        "58c0201dfdf148eca63cbf6bb5e7cf03",
        "1715669977082",
        "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
        "s3cr3t",
        "E2695BB8E0BDE9353BAA8086C281142A",
    ),
    // Non-ASCII secret (CJK, Cyrillic, an emoji), seconds timestamp.
    (
        "ak_test",
        "1715669977",
        "nonceNONCEnonceNONCEnonceNONCE12",
        "密钥-ключ-🔑",
        "059955DB3BFD14458650BA8F1104ADA2",
    ),
    // Empty secret, short values.
    ("AK", "0", "n", "", "7E3034BBADCE82CA12683364D27ADE88"),
    // Accented secret with spaces.
    (
        "58c0201dfdf148eca63cbf6bb5e7cf03",
        "1779263269913",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "Sécret with spaces",
        "01217E6893A35B77319F3ED0C5A086BC",
    ),
];

#[test]
fn golden_vectors() {
    for &(key, ts, nonce, secret, want) in VECTORS {
        assert_eq!(
            signing::sign(key, ts, nonce, secret),
            want,
            "{key} {ts} {nonce}"
        );
        assert!(signing::verify(key, ts, nonce, secret, want));
        assert!(signing::verify(
            key,
            ts,
            nonce,
            secret,
            &want.to_ascii_lowercase()
        ));
    }
}

#[test]
fn signed_headers_use_the_same_rule() {
    let creds = Credentials::new(VECTORS[0].0, VECTORS[0].3, "u");
    let mut nonce = [0u8; 32];
    nonce.copy_from_slice(VECTORS[0].2.as_bytes());
    let h = SignedHeaders::at(&creds, VECTORS[0].1, nonce);
    assert_eq!(h.signature(), VECTORS[0].4);
    assert_eq!(
        h.signed_string_masked(),
        "58c0201dfdf148eca63cbf6bb5e7cf031715669977082a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6<access_secret>"
    );
}

#[test]
fn fresh_headers_every_time() {
    let creds = Credentials::new("k", "s", "u");
    let a = SignedHeaders::new(&creds, TimestampUnit::Millis);
    let b = SignedHeaders::new(&creds, TimestampUnit::Millis);
    assert_ne!(a.nonce(), b.nonce());
    assert_eq!(a.timestamp().len(), 13);
    assert_eq!(
        SignedHeaders::new(&creds, TimestampUnit::Seconds)
            .timestamp()
            .len(),
        10
    );
}
