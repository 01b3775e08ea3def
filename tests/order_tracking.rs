//! The order-tracking demo, short: 20 orders on loopback against the
//! sandbox, with a few pushes dropped and reordered; every tracked order
//! must end where the sandbox holds it, never having moved backwards.

#[path = "../examples/order_tracking_demo.rs"]
#[allow(dead_code)]
mod demo;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracker_converges_despite_dropped_and_reordered_pushes() {
    let config = demo::DemoConfig {
        orders: 20,
        drop_modulo: 5,
        reorder_modulo: 3,
        hold: Duration::from_millis(300),
        concurrency: 4,
        deadline: Duration::from_secs(20),
    };
    let dir = demo::scratch_dir();
    let summary = tokio::time::timeout(Duration::from_secs(40), demo::run_demo(config, &dir))
        .await
        .expect("within 40 s")
        .expect("the demo runs");
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{summary:?}");
    assert_eq!(summary.orders, 20);
    assert_eq!(summary.converged, summary.orders, "{summary:?}");
    assert_eq!(summary.regressions, 0, "{summary:?}");
    assert!(summary.dropped_pushes >= 3, "{summary:?}");
    assert!(summary.reordered_pushes >= 1, "{summary:?}");
    assert!(summary.resynced >= summary.lost_last_push, "{summary:?}");
}
