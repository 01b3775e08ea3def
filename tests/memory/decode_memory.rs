//! Peak memory of decoding a response, as a multiple of the body's size,
//! measured with a counting allocator (issue: "bounded decode amplification").
//!
//! It holds `counting_alloc::ALONE`, so no other test measures meanwhile.
//! Each case prints its figure; every figure must be at most 4x the body.
//! Run `cargo test --test memory decode_memory -- --nocapture` to see them.

use bytes::Bytes;
use serde_json::value::RawValue;
use xportcn::ali1688::KeywordSearchPage;
use xportcn::model::model;
use xportcn::taobao::Product;

use crate::counting_alloc;

/// Peak bytes allocated above the level before `f` ran, while `f` ran and
/// while its result was alive.
fn peak_growth<R>(f: impl FnOnce() -> R) -> usize {
    let base = counting_alloc::start();
    let r = f();
    let grew = counting_alloc::growth(base);
    drop(r);
    grew
}

/// A model that names none of the big array: it lands in `extra`.
#[model]
pub struct Thin {
    /// A field that is present.
    pub name: Option<String>,
}

/// About 7.7 MB of small objects, as a JSON array.
fn small_objects() -> String {
    let mut s = String::with_capacity(8 << 20);
    s.push('[');
    for i in 0..245_000u32 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"id\":{i},\"v\":\"ab\",\"f\":true}}"));
    }
    s.push(']');
    s
}

fn envelope(code: u16, data: &str) -> Bytes {
    Bytes::from(format!(
        "{{\"requestId\":\"r\",\"code\":{code},\"developId\":\"1\",\"msg\":\"m\",\"data\":{data}}}"
    ))
}

/// Decodes a body the way one case needs; true when it came out as expected.
type Decoder = Box<dyn Fn(Bytes) -> bool>;

#[test]
fn decode_peak_is_within_four_times_the_body() {
    let _alone = counting_alloc::ALONE.blocking_lock();
    let objects = small_objects();
    let cases: Vec<(&str, Bytes, Decoder)> = vec![
        (
            "small objects as `data`, kept raw (Box<RawValue>)",
            envelope(200, &objects),
            Box::new(|b| xportcn::__private::decode_envelope::<Box<RawValue>>(200, b).is_ok()),
        ),
        (
            "small objects as `data` of an error envelope",
            envelope(500, &objects),
            Box::new(|b| xportcn::__private::decode_envelope::<KeywordSearchPage>(200, b).is_err()),
        ),
        (
            "small objects in a model's `extra`",
            envelope(200, &format!("{{\"name\":\"x\",\"list\":{objects}}}")),
            Box::new(|b| xportcn::__private::decode_envelope::<Thin>(200, b).is_ok()),
        ),
        (
            "20 KB Taobao product, typed",
            Bytes::from(
                std::fs::read(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/benches/data/product-20kb.json"
                ))
                .expect("product fixture"),
            ),
            Box::new(|b| xportcn::__private::decode_envelope::<Product>(200, b).is_ok()),
        ),
    ];
    let mut report = Vec::new();
    for (name, body, decode) in cases {
        let size = body.len();
        let mut ok = false;
        // The body is shared (`Bytes`), so the decode's own allocations are
        // what is counted; the body itself is the 1x the caller already has.
        let grew = peak_growth(|| {
            ok = decode(body.clone());
        });
        let multiple = grew as f64 / size as f64;
        println!("{name}: body {size} B, peak growth {grew} B = {multiple:.2}x");
        assert!(ok, "{name}: decoded as expected");
        report.push((name, multiple));
    }
    // For comparison only: the same body as a `serde_json::Value` tree, what
    // the SDK built before for error `data` and unknown fields.
    let body = envelope(500, &objects);
    let grew = peak_growth(|| serde_json::from_slice::<serde_json::Value>(&body).ok());
    println!(
        "(reference) the same body as serde_json::Value: peak growth {grew} B = {:.2}x",
        grew as f64 / body.len() as f64
    );
    for (name, multiple) in report {
        assert!(multiple <= 4.0, "{name}: {multiple:.2}x the body");
    }
}
