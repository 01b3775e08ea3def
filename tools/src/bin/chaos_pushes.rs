//! The full push chaos run of issue 18 (see `scripts/chaos-pushes` and
//! RELIABILITY.md): loopback only, bounded to 10 minutes.
//!
//! ```text
//! scripts/chaos-pushes [PUSHES]
//! ```
//!
//! Prints, as its last line:
//! `pushes=N acked=A handled=H lost=L duplicates=D receiver_kills=K consumer_kills=C redis_pauses=P price_events=E price_acked=A2 price_lost=L2 price_duplicates=D2 price_slow_handlings=S`,
//! and exits 1 when a push answered 200 was lost.

use std::time::Duration;

#[path = "../../../xportcn-cli/tests/chaos/harness.rs"]
mod harness;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bin = args
        .next()
        .expect("usage: chaos_pushes XPORTCN_BIN [PUSHES]");
    let pushes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let plan = harness::Plan {
        bin: bin.into(),
        pushes,
        concurrency: 16,
        receiver_kills: 6,
        consumer_kills: 6,
        redis_pauses: 4,
        retry_interval: Duration::from_millis(500),
        limit: Duration::from_secs(600),
        lease: Duration::from_secs(3),
        price_orders: 60,
        price_changes: 6,
        price_lease: Duration::from_millis(600),
    };
    let Some(report) = harness::run(plan).await else {
        eprintln!("redis-server not found on PATH: apt-get install -y redis-server");
        std::process::exit(2);
    };
    for note in &report.notes {
        println!("{note}");
    }
    println!("{}", report.line());
    if report.lost > 0 {
        std::process::exit(1);
    }
}
