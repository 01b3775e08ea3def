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

/// The sandbox's push faults: a held-back push is overtaken, a dropped one
/// is never sent but keeps its body in the record.
#[tokio::test]
async fn sandbox_push_faults_drop_and_delay() {
    use std::sync::Arc;
    use xportcn::callbacks::{Consumer, MemoryInbox, Message};
    use xportcn::sandbox::{PushFault, Sandbox};
    use xportcn::tracking::{MemoryTrackerStore, Tracker};

    let sandbox = Sandbox::builder()
        .push_faults(|push| match push.id {
            1 => PushFault::Delay(Duration::from_millis(300)),
            2 => PushFault::Drop,
            _ => PushFault::Deliver,
        })
        .start()
        .await
        .unwrap();
    let inbox = Arc::new(MemoryInbox::new());
    let server = demo::start_receiver(&sandbox, inbox.clone()).await.unwrap();
    let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
    let client = sandbox.client();
    let mut orders = Vec::new();
    for _ in 0..3 {
        let key = demo::taobao_order(&client, &tracker, demo::Then::Nothing)
            .await
            .unwrap();
        orders.push(key.order_id);
    }
    let mut consumer = Consumer::new(inbox);
    let mut seen = Vec::new();
    for _ in 0..2 {
        let d = tokio::time::timeout(Duration::from_secs(10), consumer.next())
            .await
            .expect("a push within 10 s")
            .unwrap();
        if let Message::TaobaoOrderStatus { body, .. } = &d.message {
            seen.push(body.order_id.clone().unwrap().into_string());
        }
        d.ack().await.unwrap();
    }
    // The third order's push overtook the first's; the second's never came.
    assert_eq!(seen, [orders[2].clone(), orders[0].clone()]);
    let records = sandbox
        .wait_for_pushes(Duration::from_secs(5), |r| {
            r.first().is_some_and(|p| p.delivered)
        })
        .await;
    assert_eq!(records[1].fault, Some(PushFault::Drop));
    assert!(records[1].attempts.is_empty() && !records[1].delivered);
    assert!(records[1].body.contains(&orders[1]), "{}", records[1].body);
    assert_eq!(
        records[0].fault,
        Some(PushFault::Delay(Duration::from_millis(300)))
    );
    assert!(records[0].delivered);
    server.abort();
}
