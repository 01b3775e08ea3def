//! The push verifier under arbitrary headers and bodies.
//!
//! Invariants:
//! * no panic, whatever the headers and body;
//! * a body signed with the right secret is never rejected as an
//!   authentication failure (only as a message it cannot parse);
//! * a body signed with another secret is never accepted;
//! * the secret never appears in a rejection's `Display` or `Debug`.
#![no_main]

#[path = "fuzz_headers.rs"]
mod fuzz_headers;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use xportcn::Credentials;
use xportcn::callbacks::{Verifier, sign_push};

const SECRET: &str = "fuzz-SECRET-must-not-leak-7Q";

fn creds() -> Credentials {
    Credentials::new("58c0201dfdf148eca63cbf6bb5e7cf03", SECRET, "2100007341207")
}

/// Built once: the verifier and the other secret's credentials are the same
/// for every input (only the input varies, so more inputs per second).
static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| Verifier::new(creds()));
static CREDS: LazyLock<Credentials> = LazyLock::new(creds);
static OTHER: LazyLock<Credentials> = LazyLock::new(|| {
    Credentials::new(
        "58c0201dfdf148eca63cbf6bb5e7cf03",
        "another-secret",
        "2100007341207",
    )
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let verifier = &*VERIFIER;
    match mode % 3 {
        // Arbitrary headers: lines `name:value` up to a blank line, then the body.
        0 => {
            let (headers, body) = fuzz_headers::split_headers(rest);
            if let Err(r) = verifier.verify(&headers, body) {
                assert!(!r.to_string().contains(SECRET));
                assert!(!format!("{r:?}").contains(SECRET));
            }
        }
        // Correctly signed: never an authentication failure.
        1 => {
            let headers = sign_push(&CREDS, rest);
            if let Err(r) = verifier.verify(&headers, rest) {
                assert!(!r.is_auth_failure(), "signed body rejected as auth: {r:?}");
            }
        }
        // Signed with another secret: never accepted.
        _ => {
            let headers = sign_push(&OTHER, rest);
            assert!(verifier.verify(&headers, rest).is_err());
        }
    }
});
