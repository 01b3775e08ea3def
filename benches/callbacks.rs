//! `Message::from_slice` on every callback fixture, next to
//! `serde_json::from_slice::<Value>` of the same bytes (the baseline), and
//! the ratio of the two (the bar: at most 3).
//!
//! `cargo bench --bench callbacks` (add `-- --quick` for a short run). After
//! criterion's own report, a table gives per fixture the time per parse of
//! each, from criterion's fastest sample (the one least disturbed by other
//! load on the machine), and their ratio.

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use xportcn::callbacks::Message;

/// The bar `Message::from_slice` must stay under, in multiples of `Value`.
const BAR: f64 = 3.0;

/// Times `f` for criterion and records each sample's time per call.
fn timed<R>(b: &mut criterion::Bencher<'_>, samples: &RefCell<Vec<f64>>, mut f: impl FnMut() -> R) {
    b.iter_custom(|iters| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        let elapsed = start.elapsed();
        samples
            .borrow_mut()
            .push(elapsed.as_secs_f64() / iters.max(1) as f64);
        elapsed
    });
}

/// The fastest sample's time per call (`NaN` when the benchmark did not
/// run, e.g. filtered out).
fn fastest(samples: &RefCell<Vec<f64>>) -> f64 {
    samples
        .borrow()
        .iter()
        .copied()
        .reduce(f64::min)
        .unwrap_or(f64::NAN)
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args();

    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/callbacks");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("callback fixtures in tests/fixtures/callbacks")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let mut rows = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_owned();
        let body = std::fs::read(&path).expect("readable fixture");
        // The fixture must parse, or the numbers mean nothing.
        Message::from_slice(&body).expect("fixture parses");

        let (message, value) = (RefCell::new(Vec::new()), RefCell::new(Vec::new()));
        let mut g = c.benchmark_group(format!("callback/{name}"));
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function("message_from_slice", |b| {
            timed(b, &message, || Message::from_slice(black_box(&body)))
        });
        g.bench_function("serde_json_value", |b| {
            timed(b, &value, || {
                serde_json::from_slice::<serde_json::Value>(black_box(&body))
            })
        });
        g.finish();
        rows.push((name, body.len(), fastest(&message), fastest(&value)));
    }
    c.final_summary();
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test --benches`: one run each, no timings to compare.
    }

    println!();
    println!("| fixture | bytes | Message::from_slice | Value | ratio |");
    println!("|---|---:|---:|---:|---:|");
    let mut worst: f64 = 0.0;
    for (name, bytes, message, value) in &rows {
        let ratio = message / value;
        if ratio.is_nan() {
            continue;
        }
        worst = worst.max(ratio);
        println!(
            "| {name} | {bytes} | {:.2} µs | {:.2} µs | {ratio:.2} |",
            message * 1e6,
            value * 1e6
        );
    }
    if worst > 0.0 {
        let verdict = if worst <= BAR { "within" } else { "OVER" };
        println!("worst ratio {worst:.2}: {verdict} the bar of {BAR}x `Value`");
    }
}
