//! Arbitrary bytes as a response body, through the client's envelope decoder,
//! for a typed struct (`taobao::Product`, `aftersale::RefundRender`) or for
//! `serde_json::Value` (the input's third byte picks which).
//!
//! Invariants: no panic; every failure is a typed `xportcn::Error` of the
//! variants a body can produce (`Http`, `Api`, `Decode`); `Display` and
//! `Debug` of every error work; a successful decode keeps the body verbatim.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xportcn::__private::decode_envelope_slice as decode_envelope;
use xportcn::Error;

fn check<T: serde::de::DeserializeOwned>(status: u16, data: &[u8]) {
    match decode_envelope::<T>(status, data) {
        Ok(r) => {
            assert_eq!(&r.body[..], data);
            assert!(xportcn::envelope::SUCCESS_CODES.contains(&r.code));
        }
        Err(e) => {
            assert!(
                matches!(e, Error::Http { .. } | Error::Api(_) | Error::Decode(_)),
                "unexpected variant {e:?}"
            );
            let _ = e.to_string();
            let _ = format!("{e:?}");
            let _ = e.hint();
            if let Error::Api(a) = &e {
                assert!(!xportcn::envelope::SUCCESS_CODES.contains(&a.code));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick the HTTP status, so 401/403/5xx paths run
    // too; the third picks the type decoded (one decode per input, three
    // times the inputs per second of decoding all three each time).
    let (status, pick, body) = match data {
        [a, b, c, rest @ ..] => (100 + u16::from_le_bytes([*a, *b]) % 500, *c, rest),
        _ => (200, 0, data),
    };
    match pick % 3 {
        0 => check::<xportcn::taobao::Product>(status, body),
        1 => check::<xportcn::aftersale::RefundRender>(status, body),
        _ => check::<serde_json::Value>(status, body),
    }
});
