//! The lease contract every inbox keeps (issue 24, findings 2, 3 and 6),
//! run on each backend by tests/inbox/receiver.rs (memory, SQLite) and
//! tests/inbox/redis_store.rs (Redis). Included with `#[path]`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use xportcn::callbacks::inbox::Push;
use xportcn::callbacks::{Consumer, Inbox, Lease};

/// A parseable push body with envelope id `i`.
pub fn body(i: usize) -> Bytes {
    Bytes::from(format!(
        r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{i},"messageBody":{{"orderId":"33050753411491342{i:02}"}}}}"#
    ))
}

/// Appends `n` pushes with keys `id:0` … `id:{n-1}`.
pub async fn append(inbox: &dyn Inbox, n: usize) {
    for i in 0..n {
        inbox
            .append(&Push::new(format!("id:{i}"), body(i)))
            .await
            .expect("append");
    }
}

/// Finding 2: two live consumers, a 500 ms lease (the inbox's), a 100 ms
/// handler, 16 pushes: exactly 16 handlings, every ack accepted. (Before:
/// 28 handlings, a consumer handing out buffered entries whose lease had
/// run out and another consumer had handled.)
pub async fn two_live_consumers_handle_each_push_once(inbox: Arc<dyn Inbox>) {
    append(inbox.as_ref(), 16).await;
    let handled: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let mut tasks = Vec::new();
    for name in ["a", "b"] {
        let (inbox, handled) = (inbox.clone(), handled.clone());
        tasks.push(tokio::spawn(async move {
            let mut consumer = Consumer::new(inbox).name(name);
            let mut ack_errors = 0;
            // Bounded: at most 200 turns of at most 100 ms + 100 ms.
            let mut idle = 0;
            for _ in 0..200 {
                match consumer
                    .try_next(Duration::from_millis(100))
                    .await
                    .expect("inbox")
                {
                    Some(d) => {
                        idle = 0;
                        *handled
                            .lock()
                            .expect("lock")
                            .entry(d.dedup_key.clone())
                            .or_default() += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        if d.ack().await.is_err() {
                            ack_errors += 1;
                        }
                    }
                    None => {
                        idle += 1;
                        // Two idle seconds after the last delivery, past
                        // any lease left running.
                        if idle >= 20 {
                            break;
                        }
                    }
                }
            }
            ack_errors
        }));
    }
    let mut ack_errors = 0;
    for t in tasks {
        ack_errors += t.await.expect("consumer task");
    }
    let handled = handled.lock().expect("lock").clone();
    let total: usize = handled.values().sum();
    assert_eq!(handled.len(), 16, "every push handled: {handled:?}");
    assert_eq!(total, 16, "each push handled once: {handled:?}");
    assert_eq!(ack_errors, 0);
}

/// Finding 3: a handler slower than the lease (the inbox's lease: 600 ms)
/// keeps its delivery while it works: the lease is extended in the
/// background; a second consumer does not get it; the ack is accepted.
pub async fn a_slow_live_handler_keeps_its_delivery(inbox: Arc<dyn Inbox>) {
    append(inbox.as_ref(), 1).await;
    let mut first = Consumer::new(inbox.clone()).name("slow");
    let d = first
        .try_next(Duration::from_secs(2))
        .await
        .expect("inbox")
        .expect("delivered");
    let until = d.lease_until();
    let mut second = Consumer::new(inbox.clone()).name("other");
    // The slow handler works for 3 leases while the other consumer waits.
    assert!(
        second
            .try_next(Duration::from_millis(1800))
            .await
            .expect("inbox")
            .is_none(),
        "a live holder's delivery went to another consumer"
    );
    assert!(d.lease_until() > until, "the lease was extended");
    d.extend(Duration::from_millis(600))
        .await
        .expect("explicit extend");
    d.ack().await.expect("the live holder's ack");
    assert!(
        second
            .try_next(Duration::from_millis(800))
            .await
            .expect("inbox")
            .is_none(),
        "acked: never again"
    );
}

/// A holder stalled past the maximum extension loses its lease: the push
/// goes to another consumer (the one documented duplicate), and the
/// stalled holder's ack is refused as `NotLeased`. The inbox's lease: 200 ms.
pub async fn a_holder_stalled_past_the_maximum_extension_loses_it(inbox: Arc<dyn Inbox>) {
    append(inbox.as_ref(), 1).await;
    let mut stalled = Consumer::new(inbox.clone())
        .name("stalled")
        .max_extension(Duration::from_millis(300));
    let d = stalled
        .try_next(Duration::from_secs(2))
        .await
        .expect("inbox")
        .expect("delivered");
    let mut other = Consumer::new(inbox.clone()).name("other");
    let again = other
        .try_next(Duration::from_secs(5))
        .await
        .expect("inbox")
        .expect("delivered again once the extensions stopped");
    assert_eq!((again.dedup_key.as_str(), again.attempt), ("id:0", 2));
    let err = d.ack().await.expect_err("a lost lease's ack");
    assert!(err.is_not_leased(), "{err}");
    again.ack().await.expect("the holder's ack");
}

/// Finding 6: `ack`, `release` and `extend` by anyone but the holder are
/// `NotLeased` errors and change nothing: a wrong holder, a stale attempt
/// (the lease ran out and the entry was leased again), an acked entry. The
/// inbox's lease: 200 ms.
pub async fn only_the_holder_can_ack_release_or_extend(inbox: Arc<dyn Inbox>) {
    append(inbox.as_ref(), 1).await;
    let wait = Duration::from_secs(2);
    let got = inbox.fetch("a", 1, wait).await.expect("fetch");
    assert_eq!(got.len(), 1);
    let a = got[0].lease();
    assert_eq!((a.holder.as_str(), a.attempt), ("a", 1));
    let forged = Lease::new(a.id.clone(), "b", a.attempt);
    let err = inbox.ack(&forged).await.expect_err("another's ack");
    assert!(err.is_not_leased(), "{err}");
    let err = inbox
        .release(&forged, Duration::ZERO)
        .await
        .expect_err("another's release");
    assert!(err.is_not_leased(), "{err}");
    let err = inbox
        .extend(&forged, Duration::from_secs(1))
        .await
        .expect_err("another's extend");
    assert!(err.is_not_leased(), "{err}");
    // Still a's: extend works, and b gets nothing meanwhile.
    inbox
        .extend(&a, Duration::from_millis(200))
        .await
        .expect("a's extend");
    // The lease runs out; b leases it (attempt 2); a's token is stale.
    let got = inbox
        .fetch("b", 1, Duration::from_secs(5))
        .await
        .expect("fetch");
    assert_eq!(got.len(), 1, "leased again once the lease ran out");
    let b = got[0].lease();
    assert_eq!(
        (b.id.as_str(), b.holder.as_str(), b.attempt),
        (a.id.as_str(), "b", 2)
    );
    for err in [
        inbox.ack(&a).await.expect_err("a stale ack"),
        inbox
            .release(&a, Duration::ZERO)
            .await
            .expect_err("a stale release"),
        inbox
            .extend(&a, Duration::from_secs(1))
            .await
            .expect_err("a stale extend"),
    ] {
        assert!(err.is_not_leased(), "{err}");
    }
    inbox.ack(&b).await.expect("the holder's ack");
    let err = inbox.ack(&b).await.expect_err("acked already");
    assert!(err.is_not_leased(), "{err}");
    assert!(
        inbox
            .fetch("a", 1, Duration::from_millis(400))
            .await
            .expect("fetch")
            .is_empty()
    );
}

/// Finding 6: `release` with `Duration::MAX` is "when the lease runs out",
/// never "now", and a lease of `Duration::MAX` never runs out at once.
/// `inbox`'s lease: 2 s; `huge_lease`'s: `Duration::MAX`.
pub async fn durations_too_large_for_the_clock_are_clamped(
    inbox: Arc<dyn Inbox>,
    huge_lease: Arc<dyn Inbox>,
) {
    append(inbox.as_ref(), 1).await;
    let got = inbox
        .fetch("a", 1, Duration::from_secs(2))
        .await
        .expect("fetch");
    assert_eq!(got.len(), 1);
    inbox
        .release(&got[0].lease(), Duration::MAX)
        .await
        .expect("release");
    assert!(
        inbox
            .fetch("b", 1, Duration::from_millis(300))
            .await
            .expect("fetch")
            .is_empty(),
        "retry_later(Duration::MAX) became now"
    );
    append(huge_lease.as_ref(), 1).await;
    let got = huge_lease
        .fetch("a", 1, Duration::from_secs(2))
        .await
        .expect("fetch");
    assert_eq!(got.len(), 1);
    assert!(
        huge_lease
            .fetch("b", 1, Duration::from_millis(200))
            .await
            .expect("fetch")
            .is_empty(),
        "a lease of Duration::MAX ran out at once"
    );
    huge_lease
        .extend(&got[0].lease(), Duration::MAX)
        .await
        .expect("extend by Duration::MAX");
    huge_lease.ack(&got[0].lease()).await.expect("ack");
}
