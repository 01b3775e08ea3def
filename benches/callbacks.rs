//! `Message::from_slice` on every shared callback fixture, next to
//! `serde_json::from_slice::<Value>` of the same bytes (the baseline).
//!
//! `cargo bench --bench callbacks`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xportcn::callbacks::Message;

fn callbacks(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/callbacks");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("callback fixtures in tests/fixtures/callbacks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_owned();
        let body = std::fs::read(&path).expect("readable fixture");
        // The fixture must parse, or the numbers mean nothing.
        Message::from_slice(&body).expect("fixture parses");

        let mut g = c.benchmark_group(format!("callback/{name}"));
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function("message_from_slice", |b| {
            b.iter(|| Message::from_slice(black_box(&body)))
        });
        g.bench_function("serde_json_value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)))
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = callbacks
}
criterion_main!(benches);
