//! Micro-benchmarks of the per-request CPU work of the SDK core.
//!
//! ```text
//! cargo bench --bench micro
//! ```
//!
//! * `signing/*`: MD5 signature alone, and a fresh [`SignedHeaders`] plus
//!   writing the five headers into a `HeaderMap`, as the client does for
//!   every attempt (target < 1 µs).
//! * `decode/*`: a ~20 KB Taobao product envelope (`benches/data/product-20kb.json`)
//!   decoded by the client's envelope decoder into `taobao::Product`,
//!   compared with `serde_json::from_slice::<Value>` of the same bytes (the
//!   baseline typed decoding should match or beat) and with a plain
//!   `from_slice::<Envelope<Product>>` (no envelope handling: the floor).

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use xportcn::Credentials;
use xportcn::signing::{self, SignedHeaders, TimestampUnit};
use xportcn::taobao::Product;

const PRODUCT_20KB: &[u8] = include_bytes!("data/product-20kb.json");

/// The envelope as a naive client would type it: no lenient codes, no raw data.
#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainEnvelope<T> {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
    code: i64,
    #[serde(rename = "developId")]
    develop_id: Option<String>,
    msg: Option<String>,
    data: T,
}

fn signing(c: &mut Criterion) {
    let creds = Credentials::new(
        "58c0201dfdf148eca63cbf6bb5e7cf03",
        "s3cr3t-Xq9-never-print-me",
        "2100007341207",
    );
    let access_key = HeaderValue::from_str(creds.access_key()).unwrap();
    let user_id = HeaderValue::from_str(creds.user_id()).unwrap();
    let mut g = c.benchmark_group("signing");
    g.bench_function("sign_hex", |b| {
        b.iter(|| {
            signing::sign_hex(
                black_box("58c0201dfdf148eca63cbf6bb5e7cf03"),
                black_box("1715669977082"),
                black_box("a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"),
                black_box("s3cr3t-Xq9-never-print-me"),
            )
        })
    });
    g.bench_function("nonce", |b| b.iter(signing::generate_nonce));
    g.bench_function("signed_headers_new", |b| {
        b.iter(|| SignedHeaders::new(black_box(&creds), TimestampUnit::Millis))
    });
    g.bench_function("signed_headers_new_and_apply", |b| {
        b.iter(|| {
            let signed = SignedHeaders::new(black_box(&creds), TimestampUnit::Millis);
            let mut headers = HeaderMap::with_capacity(8);
            xportcn::__private::apply_signed_headers(&signed, &mut headers, &access_key, &user_id);
            headers
        })
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let body = Bytes::from_static(PRODUCT_20KB);
    // The fixture must decode, or the numbers mean nothing.
    let p = xportcn::__private::decode_envelope::<Product>(200, body.clone())
        .expect("fixture decodes")
        .data;
    assert_eq!(p.sku_list.len(), 40);

    let mut g = c.benchmark_group("decode_product_20kb");
    g.throughput(Throughput::Bytes(PRODUCT_20KB.len() as u64));
    g.bench_function("sdk_envelope_typed", |b| {
        b.iter(|| xportcn::__private::decode_envelope::<Product>(200, black_box(body.clone())))
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(PRODUCT_20KB)))
    });
    g.bench_function("plain_envelope_typed", |b| {
        b.iter(|| serde_json::from_slice::<PlainEnvelope<Product>>(black_box(PRODUCT_20KB)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = signing, decode
}
criterion_main!(benches);
