//! The short push chaos run (issue 18): 300 pushes, receivers and consumers
//! killed with SIGKILL, Redis paused, a slow-read attacker throughout; no
//! push answered 200 may go unhandled. The full run is
//! `scripts/chaos-pushes` (see RELIABILITY.md).

use std::time::Duration;

#[path = "../chaos/harness.rs"]
mod harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_push_answered_200_is_lost_through_kills_pauses_and_slow_readers() {
    let plan = harness::Plan {
        bin: assert_cmd::cargo::cargo_bin!("xportcn").to_path_buf(),
        pushes: 300,
        concurrency: 8,
        receiver_kills: 2,
        consumer_kills: 2,
        redis_pauses: 1,
        retry_interval: Duration::from_millis(300),
        limit: Duration::from_secs(60),
        lease: Duration::from_secs(2),
        price_orders: 8,
        price_changes: 6,
        price_lease: Duration::from_millis(600),
    };
    let Some(report) = harness::run(plan).await else {
        let required = std::env::var("XPORTCN_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "redis-server is not installed but XPORTCN_REQUIRE_REDIS=1"
        );
        eprintln!("SKIPPED: redis-server not found on PATH");
        return;
    };
    for note in &report.notes {
        eprintln!("{note}");
    }
    eprintln!("{}", report.line());
    assert_eq!(report.lost, 0, "{}", report.line());
    assert!(report.acked > 250, "{}", report.line());
    assert!(
        report.receiver_kills >= 2 && report.consumer_kills >= 2,
        "{}",
        report.line()
    );
    assert!(report.redis_pauses >= 1, "{}", report.line());
    assert_eq!(report.duplicates_stored_twice, 0, "{}", report.line());
    // Issue 24: the price phase (no kills, slow handlers) delivers every
    // event exactly once.
    assert_eq!(report.price_lost, 0, "{}", report.line());
    assert_eq!(report.price_duplicates, 0, "{}", report.line());
    assert!(report.price_acked > 0, "{}", report.line());
}
