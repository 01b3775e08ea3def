//! The order-tracking demo, short: 20 orders on loopback against the
//! sandbox, with a few pushes dropped and reordered; every tracked order
//! must end where the sandbox holds it, never having moved backwards.

#[path = "../../examples/order_tracking_demo.rs"]
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
    use xportcn::tracking::{MemoryTrackerStore, Tracker};
    use xportcn_sandbox::{PushFault, Sandbox};

    let sandbox = Sandbox::builder()
        .push_faults(|push| match push.id {
            1 => PushFault::Delay(Duration::from_millis(300)),
            2 => PushFault::Drop,
            _ => PushFault::Deliver,
        })
        // The Taobao pay and detail have no known path: stand-ins, opted in.
        .stand_ins(true)
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

/// An order-status push body for order `id` (Taobao), with the envelope
/// `timestamp` when given.
fn status_push(message_type: &str, status: &str, id: &str, timestamp: Option<u64>) -> String {
    let mut envelope = serde_json::json!({
        "messageType": message_type,
        "messagePlatform": 0,
        "messageBody": {"orderId": id, "orderNo": "PO202612070001", "orderStatus": status},
    });
    if let Some(ms) = timestamp {
        envelope["timestamp"] = serde_json::json!(ms.to_string());
    }
    envelope.to_string()
}

fn now_ms() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// Issue 24, finding 5, end to end: a Taobao order is created and
/// cancelled (pushes dated by the platform); then the pay push of that
/// order comes again after its de-duplication key expired, with no
/// `timestamp`, so dated by its receive time, minutes later. It moved the
/// order from `CANCEL` back to `WAITING_FOR_SENT`; a final state now never
/// changes on a push.
#[tokio::test]
async fn a_late_push_without_timestamp_does_not_reopen_a_cancelled_order() {
    use std::sync::Arc;
    use xportcn::callbacks::inbox::Push;
    use xportcn::callbacks::{Consumer, Inbox, MemoryInbox};
    use xportcn::tracking::{MemoryTrackerStore, OrderKey, Platform, Tracker};

    let inbox = Arc::new(MemoryInbox::new());
    let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
    let id = "3305075341149134777";
    let t0 = now_ms() - 20 * 60_000;
    let pushes = [
        (
            "create",
            status_push("ORDER_CREATE", "WAITING_FOR_PAYMENT", id, Some(t0)),
        ),
        (
            "cancel",
            status_push("ORDER_CANCEL", "CANCEL", id, Some(t0 + 60_000)),
        ),
        // The replay: a new de-duplication key (the old one expired).
        (
            "pay, replayed",
            status_push("ORDER_PAY_SUCCESS", "WAITING_FOR_SENT", id, None),
        ),
    ];
    let mut consumer = Consumer::new(inbox.clone());
    for (name, body) in pushes {
        inbox
            .append(&Push::new(name, body.into_bytes().into()))
            .await
            .unwrap();
        let delivery = consumer
            .try_next(Duration::from_secs(5))
            .await
            .unwrap()
            .expect("a delivery");
        tracker.handle(delivery).await.unwrap();
    }
    let state = tracker
        .state(&OrderKey::new(Platform::Taobao, id))
        .await
        .unwrap()
        .expect("tracked");
    assert_eq!(
        state.status.map(|s| s.to_wire()).as_deref(),
        Some("push:CANCEL")
    );
}

/// The contract every `TrackerStore` keeps, on one backend.
async fn store_contract(store: std::sync::Arc<dyn xportcn::tracking::TrackerStore>) {
    use xportcn::callbacks::PushOrderStatus as P;
    use xportcn::tracking::{Cause, ObservedAt, OrderKey, Outcome, Platform, Status, Tracker};

    let tracker = Tracker::new(store.clone());
    let key = |id: &str| OrderKey::new(Platform::Ali1688, id);
    // One push about order `id`: what the fold did.
    let observe = |id: &'static str, status: P, at: ObservedAt| {
        let tracker = tracker.clone();
        async move {
            let cause = Cause::Push {
                dedup_key: format!("{id}:{}", status.as_str()),
                message_id: None,
            };
            let key = OrderKey::new(Platform::Ali1688, id);
            let folded = tracker.observe(key, Status::Push(status), at, cause);
            folded.await.unwrap().outcome
        }
    };
    let start = now_ms();
    // `paid` first, then `watched`, then `cancelled` (final).
    observe("paid", P::WaitingForSent, ObservedAt::platform(start)).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    tracker.watch(key("watched")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    observe("cancelled", P::Cancel, ObservedAt::platform(start)).await;
    let ids = |states: Vec<xportcn::tracking::OrderState>| {
        states
            .into_iter()
            .map(|s| s.key.order_id)
            .collect::<Vec<_>>()
    };
    // The re-sync index: not final, quietest first, up to a key, a limit.
    let end = now_ms();
    assert_eq!(ids(store.due(end, 10).await.unwrap()), ["paid", "watched"]);
    assert_eq!(ids(store.due(end, 1).await.unwrap()), ["paid"]);
    assert!(store.due(start - 1, 10).await.unwrap().is_empty());
    // A conflict is due at once, first.
    let first = observe("watched", P::Cancel, ObservedAt::received(end)).await;
    assert_eq!(first, Outcome::Applied, "no status yet: applied");
    let conflict = observe("paid", P::Cancel, ObservedAt::received(end)).await;
    assert_eq!(conflict, Outcome::Conflict);
    assert_eq!(ids(store.due(0, 10).await.unwrap()), ["paid"]);
    // Compare-and-set: a write against an old version is refused.
    let mut state = store.get(&key("paid")).await.unwrap().unwrap();
    assert!(state.conflict);
    let old = state.version - 1;
    state.version += 1;
    assert!(!store.commit(Some(old), &state, None).await.unwrap());
    // The retention index: final orders, up to a key, a limit; state and
    // history go.
    assert_eq!(store.purge_final(start - 1, 10).await.unwrap(), 0);
    assert_eq!(store.purge_final(now_ms(), 1).await.unwrap(), 1);
    assert_eq!(store.purge_final(now_ms(), 10).await.unwrap(), 1);
    for gone in ["cancelled", "watched"] {
        assert!(store.get(&key(gone)).await.unwrap().is_none());
        assert!(store.history(&key(gone)).await.unwrap().is_empty());
    }
    assert_eq!(ids(store.orders().await.unwrap()), ["paid"]);
    assert_eq!(store.history(&key("paid")).await.unwrap().len(), 2);
}

#[tokio::test]
async fn memory_tracker_store_keeps_the_contract() {
    store_contract(std::sync::Arc::new(
        xportcn::tracking::MemoryTrackerStore::new(),
    ))
    .await;
}

#[tokio::test]
async fn sqlite_tracker_store_keeps_the_contract() {
    let dir = demo::scratch_dir();
    let store = xportcn::tracking::SqliteTrackerStore::open(dir.join("t.sqlite3")).unwrap();
    store_contract(std::sync::Arc::new(store)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "redis")]
use crate::redis_server;

/// Starts a `redis-server`, or returns `None` (after saying why) when it is
/// not installed and `XPORTCN_REQUIRE_REDIS` is not `1`.
#[cfg(feature = "redis")]
fn redis(test: &str) -> Option<redis_server::RedisServer> {
    let required = std::env::var("XPORTCN_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    if !redis_server::RedisServer::installed() {
        assert!(
            !required,
            "{test}: redis-server is not installed but XPORTCN_REQUIRE_REDIS=1"
        );
        eprintln!("SKIPPED {test}: redis-server not found on PATH");
        return None;
    }
    Some(redis_server::RedisServer::spawn(&["--appendonly", "no"]).expect("redis-server starts"))
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_tracker_store_keeps_the_contract() {
    let Some(server) = redis("redis_tracker_store_keeps_the_contract") else {
        return;
    };
    let store = xportcn::tracking::RedisTrackerStore::open(&server.url()).unwrap();
    store_contract(std::sync::Arc::new(store)).await;
}

/// Redis's own command counters: reading the due orders of 1,000 tracked
/// (900 final) costs one range of the index and one `HGET` per due order,
/// never a command over the whole hash.
#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_due_reads_one_key_per_due_order() {
    use xportcn::callbacks::PushOrderStatus as P;
    use xportcn::tracking::{
        Cause, ObservedAt, OrderKey, Platform, RedisTrackerStore, Status, Tracker, TrackerStore,
    };
    let Some(server) = redis("redis_due_reads_one_key_per_due_order") else {
        return;
    };
    let store = std::sync::Arc::new(RedisTrackerStore::open(&server.url()).unwrap());
    let tracker = Tracker::new(store.clone());
    for i in 0..1000u64 {
        let status = if i % 10 == 0 {
            P::WaitingForSent
        } else {
            P::Cancel
        };
        tracker
            .observe(
                OrderKey::new(Platform::Ali1688, i.to_string()),
                Status::Push(status),
                ObservedAt::platform(1),
                Cause::Poll,
            )
            .await
            .unwrap();
    }
    let mut conn = redis::Client::open(server.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut conn)
        .unwrap();
    let due = store.due(u64::MAX, 40).await.unwrap();
    assert_eq!(due.len(), 40);
    assert!(due.iter().all(|s| !s.is_final()));
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut conn)
        .unwrap();
    let calls = |cmd: &str| -> u64 {
        stats
            .lines()
            .find_map(|l| l.strip_prefix(&format!("cmdstat_{cmd}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    assert_eq!(calls("zrangebyscore"), 1, "{stats}");
    assert_eq!(calls("hget"), 40, "{stats}");
    for whole in [
        "hvals", "hgetall", "hscan", "hkeys", "zrange", "scan", "keys",
    ] {
        assert_eq!(calls(whole), 0, "{whole}: {stats}");
    }
}

/// A Redis written before the indexes existed (states and versions only)
/// is indexed on the first pass, once.
#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_written_before_the_indexes_is_migrated() {
    use xportcn::tracking::{DateSource, RedisTrackerStore, TrackerStore};
    let Some(server) = redis("redis_written_before_the_indexes_is_migrated") else {
        return;
    };
    let legacy = |id: &str, status: &str, changed: u64| {
        serde_json::json!({
            "key": {"platform": "1688", "order_id": id},
            "status": status, "changed_ms": changed, "observed_ms": changed,
            "cause": {"kind": "poll"}, "polled_ms": null, "version": 1,
        })
        .to_string()
    };
    let mut conn = redis::Client::open(server.url())
        .unwrap()
        .get_connection()
        .unwrap();
    let _: () = redis::cmd("HSET")
        .arg("xportcn:{tracker}:s")
        .arg("1688:1")
        .arg(legacy("1", "push:WAITING_FOR_SENT", 5_000))
        .arg("1688:2")
        .arg(legacy("2", "push:CANCEL", 7_000))
        .query(&mut conn)
        .unwrap();
    let _: () = redis::cmd("HSET")
        .arg("xportcn:{tracker}:v")
        .arg("1688:1")
        .arg(1)
        .arg("1688:2")
        .arg(1)
        .query(&mut conn)
        .unwrap();
    let store = RedisTrackerStore::open(&server.url()).unwrap();
    let due = store.due(u64::MAX, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].key.order_id, "1");
    assert_eq!(due[0].dated_by, DateSource::Unknown);
    assert_eq!(store.purge_final(6_999, 10).await.unwrap(), 0);
    assert_eq!(store.purge_final(7_000, 10).await.unwrap(), 1);
    let schema: String = redis::cmd("GET")
        .arg("xportcn:{tracker}:schema")
        .query(&mut conn)
        .unwrap();
    assert_eq!(schema, "2");
}
