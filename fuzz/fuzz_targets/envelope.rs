//! Arbitrary bytes as a response body, through the client's envelope decoder,
//! for a typed struct (`taobao::Product`, `aftersale::RefundRender`) and for
//! `serde_json::Value`.
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
            assert!(xportcn::SUCCESS_CODES.contains(&r.code));
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
                assert!(!xportcn::SUCCESS_CODES.contains(&a.code));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes pick the HTTP status, so 401/403/5xx paths run too.
    let (status, body) = match data {
        [a, b, rest @ ..] => (100 + u16::from_le_bytes([*a, *b]) % 500, rest),
        _ => (200, data),
    };
    check::<xportcn::taobao::Product>(status, body);
    check::<xportcn::aftersale::RefundRender>(status, body);
    check::<serde_json::Value>(status, body);
});
