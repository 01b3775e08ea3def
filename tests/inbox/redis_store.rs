//! `RedisInbox` and `RedisReplayStore` against a real `redis-server` that
//! each test starts itself on 127.0.0.1 with a random port.
//!
//! Without `redis-server` on the PATH the tests print that they were skipped
//! and why; with `XPORTCN_REQUIRE_REDIS=1` (set by `.ci/run`) a missing
//! server is a failure instead.
#![cfg(all(feature = "redis", feature = "axum"))]

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xportcn::Credentials;
use xportcn::callbacks::axum::Receiver;
use xportcn::callbacks::{
    Consumer, Inbox, RedisInbox, RedisReplayStore, Rejection, ReplayStore, Verifier, sign_push,
    sign_push_with,
};

fn creds() -> Credentials {
    Credentials::new("test-access-key", "test-secret", "2100007341207")
}

use crate::redis_server;
use redis_server::RedisServer;

/// Starts a `redis-server`, or returns `None` (after saying why) when it is
/// not installed and `XPORTCN_REQUIRE_REDIS` is not `1`.
fn start(test: &str) -> Option<RedisServer> {
    let required = std::env::var("XPORTCN_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    if !RedisServer::installed() {
        assert!(
            !required,
            "{test}: redis-server is not installed but XPORTCN_REQUIRE_REDIS=1 \
             (apt-get install -y redis-server)"
        );
        eprintln!(
            "SKIPPED {test}: redis-server not found on PATH (apt-get install -y \
             redis-server, or set XPORTCN_REQUIRE_REDIS=1 to make this a failure)"
        );
        return None;
    }
    Some(RedisServer::spawn(&["--appendonly", "no"]).expect("redis-server starts"))
}

/// What the tests build on a server.
trait Uses {
    fn url(&self) -> String;

    fn store(&self) -> Arc<RedisReplayStore> {
        Arc::new(RedisReplayStore::open(&self.url()).expect("redis url"))
    }

    fn inbox(&self) -> Arc<RedisInbox> {
        Arc::new(RedisInbox::open(&self.url()).expect("redis url"))
    }

    /// A receiver sharing this Redis for its inbox and replay memory.
    fn receiver(&self) -> axum::Router {
        let verifier = Verifier::new(creds()).replay_store(self.store());
        Receiver::new(verifier, self.inbox()).router()
    }
}

impl Uses for RedisServer {
    fn url(&self) -> String {
        RedisServer::url(self)
    }
}

/// A push (with the envelope `timestamp` the platform always sends: without
/// it, each push is delivered, see `Message::dedup_key`).
fn body(order: &str) -> Vec<u8> {
    format!(
        r#"{{"messageType":"ORDER_CREATE","messagePlatform":1,"timestamp":"1779263269913","messageBody":{{"orderId":"{order}","orderStatus":"WAITING_FOR_PAYMENT"}}}}"#
    )
    .into_bytes()
}

fn request(headers: &http::HeaderMap, body: &[u8]) -> Request<Body> {
    let mut req = Request::post("/")
        .body(Body::from(body.to_vec()))
        .expect("request");
    *req.headers_mut() = headers.clone();
    req
}

async fn send(router: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Every push waiting in `inbox`, handled (acked): their dedup keys.
async fn drain(inbox: Arc<dyn Inbox>) -> Vec<String> {
    let mut consumer = Consumer::new(inbox).name("drain").batch(1);
    let mut out = Vec::new();
    while let Some(d) = consumer
        .try_next(Duration::from_millis(100))
        .await
        .expect("inbox")
    {
        out.push(d.dedup_key.clone());
        d.ack().await.expect("ack");
    }
    out
}

#[tokio::test]
async fn remember_is_atomic_and_keeps_the_first_value() {
    let Some(redis) = start("remember_is_atomic_and_keeps_the_first_value") else {
        return;
    };
    let store = redis.store();
    let hour = Duration::from_secs(3600);
    assert_eq!(store.remember("k", "a", hour).await.expect("redis"), None);
    assert_eq!(
        store
            .remember("k", "b", hour)
            .await
            .expect("redis")
            .as_deref(),
        Some("a")
    );
    // Expiry.
    assert_eq!(
        store
            .remember("short", "x", Duration::from_millis(50))
            .await
            .expect("redis"),
        None
    );
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(
        store.remember("short", "y", hour).await.expect("redis"),
        None
    );
    // Duration::MAX is clamped, not an error (issue 18, finding 5).
    assert_eq!(
        store
            .remember("max", "z", Duration::MAX)
            .await
            .expect("redis"),
        None
    );
    // 20 concurrent claims of one key: exactly one wins.
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let s = store.clone();
            tokio::spawn(async move {
                s.remember("race", &i.to_string(), hour)
                    .await
                    .expect("redis")
                    .is_none()
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.expect("task"));
    }
    assert_eq!(wins, 1);
    // An inbox with dedup_ttl(Duration::MAX) stores pushes (it answered
    // 503 to every push before: issue 18, finding 5).
    let forever = Arc::new(
        RedisInbox::open(&redis.url())
            .expect("url")
            .dedup_ttl(Duration::MAX),
    );
    let router = Receiver::new(Verifier::new(creds()), forever.clone()).router();
    let push = body("9001");
    assert_eq!(
        send(&router, request(&sign_push(&creds(), &push), &push)).await,
        (StatusCode::OK, "success".into())
    );
    assert_eq!(drain(forever).await.len(), 1);
    // Debug shows no URL.
    assert!(!format!("{store:?}").contains("127.0.0.1"));
    assert!(!format!("{:?}", redis.inbox()).contains("127.0.0.1"));
}

#[tokio::test]
async fn two_receivers_sharing_one_redis() {
    let Some(redis) = start("two_receivers_sharing_one_redis") else {
        return;
    };
    let (router_a, router_b) = (redis.receiver(), redis.receiver());

    // One push delivered to both instances: stored once.
    let push = body("1001");
    let headers = sign_push(&creds(), &push);
    assert_eq!(
        send(&router_a, request(&headers, &push)).await,
        (StatusCode::OK, "success".into())
    );
    assert_eq!(
        send(&router_b, request(&headers, &push)).await,
        (StatusCode::OK, "duplicate".into())
    );
    // The platform's redelivery (fresh headers) to the other instance too.
    let again = sign_push(&creds(), &push);
    assert_eq!(
        send(&router_b, request(&again, &push)).await,
        (StatusCode::OK, "duplicate".into())
    );
    assert_eq!(drain(redis.inbox()).await.len(), 1, "stored once in all");

    // A signature replayed to the other instance on another (genuinely
    // signed) body is rejected, through the receiver and at the verifier.
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis().to_string())
        .unwrap_or_default();
    let first = body("2001");
    let h1 = sign_push_with(&creds(), &first, &ts, "shared-nonce-0001");
    assert_eq!(
        send(&router_a, request(&h1, &first)).await.0,
        StatusCode::OK
    );
    let second = body("2002");
    let h2 = sign_push_with(&creds(), &second, &ts, "shared-nonce-0001");
    let (status, text) = send(&router_b, request(&h2, &second)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert_eq!(drain(redis.inbox()).await.len(), 1, "only the first");

    let verifier_a = Verifier::new(creds()).replay_store(redis.store());
    let verifier_b = Verifier::new(creds()).replay_store(redis.store());
    let third = body("3001");
    let h3 = sign_push(&creds(), &third);
    assert!(verifier_a.verify_async(&h3, &third).await.is_ok());
    assert_eq!(
        verifier_b.verify_async(&h3, &third).await.unwrap_err(),
        Rejection::Replay
    );
}

#[tokio::test]
async fn a_redis_pause_gives_503_and_the_identical_retry_finds_the_push_stored() {
    // Issue 18, findings 2, 3 and 5: Redis stalls 1.5 s; the claim and the
    // append run after the client gave up. Both instances answer 503; the
    // platform's byte-identical retry gets 200 (not 401 replay, not a
    // duplicate of nothing), and the consumer sees the push once.
    let Some(redis) = start("a_redis_pause_gives_503") else {
        return;
    };
    let (router_a, router_b) = (redis.receiver(), redis.receiver());
    // Connect both before the pause (a lazy connect would time out too).
    let warm = body("5000");
    assert_eq!(
        send(&router_a, request(&sign_push(&creds(), &warm), &warm))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        send(&router_b, request(&sign_push(&creds(), &warm), &warm))
            .await
            .1,
        "duplicate"
    );
    assert_eq!(drain(redis.inbox()).await.len(), 1);

    let push = body("5001");
    let headers = sign_push(&creds(), &push);
    assert!(redis.pause(1500), "CLIENT PAUSE");
    let (a, b) = tokio::join!(
        send(&router_a, request(&headers, &push)),
        send(&router_b, request(&headers, &push)),
    );
    assert_eq!(
        (a.0, b.0),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE
        )
    );
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let retry = send(&router_b, request(&headers, &push)).await;
    assert_eq!(retry.0, StatusCode::OK, "{}", retry.1);
    let retry = send(&router_a, request(&headers, &push)).await;
    assert_eq!(retry, (StatusCode::OK, "duplicate".into()));
    assert_eq!(
        drain(redis.inbox()).await.len(),
        1,
        "the push reached the consumer"
    );
}

#[tokio::test]
async fn a_dead_consumers_deliveries_are_claimed_by_another_with_their_dedup_keys() {
    let Some(redis) = start("a_dead_consumers_deliveries") else {
        return;
    };
    let router = redis.receiver();
    for order in ["6001", "6002", "6003"] {
        let push = body(order);
        assert_eq!(
            send(&router, request(&sign_push(&creds(), &push), &push))
                .await
                .0,
            StatusCode::OK
        );
    }
    let lease = Duration::from_millis(200);
    let inbox = Arc::new(RedisInbox::open(&redis.url()).expect("url").lease(lease));
    // Consumer "a" takes all three and dies before acking.
    let mut a = Consumer::new(inbox.clone()).name("a").batch(3);
    let first = a.next().await.expect("delivery");
    let key = first.dedup_key.clone();
    drop((first, a));
    // Consumer "b" gets them once the lease ran out: same keys, attempt 2.
    let mut b = Consumer::new(inbox.clone()).name("b").batch(1);
    let mut keys = Vec::new();
    while let Some(d) = b.try_next(Duration::from_secs(2)).await.expect("inbox") {
        assert!(d.attempt >= 2, "{}", d.attempt);
        keys.push(d.dedup_key.clone());
        if keys.len() == 1 {
            // Handed back: comes again at once.
            d.retry_later(Duration::ZERO).await.expect("release");
            continue;
        }
        d.ack().await.expect("ack");
    }
    assert!(keys.contains(&key));
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(drain(inbox).await.is_empty(), "all acked");
}

#[tokio::test]
async fn redis_down_means_503_never_accepted_unverified() {
    let Some(mut redis) = start("redis_down_means_503_never_accepted_unverified") else {
        return;
    };
    let router = redis.receiver();
    let verifier = Verifier::new(creds()).replay_store(redis.store());
    let push = body("4001");
    assert_eq!(
        send(&router, request(&sign_push(&creds(), &push), &push))
            .await
            .0,
        StatusCode::OK
    );

    redis.kill();
    let push = body("4002");
    let started = Instant::now();
    let (status, text) = send(&router, request(&sign_push(&creds(), &push), &push)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Authentication still comes first: a forgery is 401, not 503.
    let mut forged = sign_push(&creds(), &push);
    forged.insert("authorization", http::HeaderValue::from_static("00"));
    assert_eq!(
        send(&router, request(&forged, &push)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let err = verifier
        .verify_async(&sign_push(&creds(), &push), &push)
        .await
        .unwrap_err();
    assert!(matches!(err, Rejection::StoreUnavailable(_)), "{err:?}");
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(!err.to_string().contains("127.0.0.1"), "{err}");
}

/// The order tracker's state in Redis: two trackers (two connections) fold
/// the same order's pushes concurrently, out of order; the compare-and-set
/// keeps the furthest status, the late push is kept as stale, and a new
/// store on the same Redis reads the state back.
#[tokio::test]
async fn tracker_state_in_redis_is_compare_and_set() {
    use xportcn::callbacks::PushOrderStatus as P;
    use xportcn::tracking::{
        Cause, ObservedAt, OrderKey, Outcome, Platform, RedisTrackerStore, Status, Tracker,
        TrackerStore,
    };
    let Some(server) = start("tracker_state_in_redis_is_compare_and_set") else {
        return;
    };
    let open = || Arc::new(RedisTrackerStore::open(&server.url()).expect("redis url"));
    let (a, b) = (Tracker::new(open()), Tracker::new(open()));
    let push = |n: u64| Cause::Push {
        dedup_key: format!("k{n}"),
        message_id: Some(n.to_string()),
    };
    // Pays first (concurrently), then the late creates (concurrently).
    for phase in [0..10u64, 10..20u64] {
        let mut tasks = Vec::new();
        for i in phase {
            let tracker = if i % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                let key = OrderKey::new(Platform::Ali1688, format!("{}", i % 4));
                // Pay before create: the create arrives late.
                let status = if i < 10 {
                    P::WaitingForSent
                } else {
                    P::WaitingForPayment
                };
                tracker
                    .observe(
                        key,
                        Status::Push(status),
                        ObservedAt::platform(100 + i),
                        push(i),
                    )
                    .await
                    .expect("fold")
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
    }
    let store = open();
    let orders = store.orders().await.expect("orders");
    assert_eq!(orders.len(), 4);
    for state in &orders {
        assert_eq!(
            state.status,
            Some(Status::Push(P::WaitingForSent)),
            "{state:?}"
        );
        let history = store.history(&state.key).await.expect("history");
        assert_eq!(history.len(), 5);
        assert_eq!(
            history
                .iter()
                .filter(|h| h.outcome == Outcome::Applied)
                .count(),
            1
        );
        // Every late create is stale (2 or 3 per order).
        let stale = history
            .iter()
            .filter(|h| h.outcome == Outcome::Stale)
            .count();
        assert!(stale >= 2, "{history:?}");
        assert_eq!(
            history
                .iter()
                .filter(|h| h.outcome == Outcome::Same)
                .count(),
            4 - stale
        );
        // A write against an old version is refused.
        let mut stale = state.clone();
        let expected = stale.version.saturating_sub(1);
        stale.version += 1;
        assert!(
            !store
                .commit(Some(expected), &stale, None)
                .await
                .expect("commit")
        );
    }
}

// ---------------------------------------------------------------------------
// Issue 24, findings 2, 3 and 6 on Redis: one live holder per delivery (the
// pending entries list's owner and delivery count are the lease token)
// ---------------------------------------------------------------------------

use crate::inbox_contract;

fn redis_inbox(server: &RedisServer, lease: Duration) -> Arc<dyn Inbox> {
    Arc::new(
        RedisInbox::open(&server.url())
            .expect("redis url")
            .lease(lease),
    )
}

#[tokio::test]
async fn finding_2_two_live_consumers_handle_each_push_once_redis() {
    let Some(server) = start("finding_2_two_live_consumers_handle_each_push_once_redis") else {
        return;
    };
    inbox_contract::two_live_consumers_handle_each_push_once(redis_inbox(
        &server,
        Duration::from_millis(500),
    ))
    .await;
}

#[tokio::test]
async fn finding_3_a_slow_live_handler_keeps_its_delivery_redis() {
    let Some(server) = start("finding_3_a_slow_live_handler_keeps_its_delivery_redis") else {
        return;
    };
    inbox_contract::a_slow_live_handler_keeps_its_delivery(redis_inbox(
        &server,
        Duration::from_millis(600),
    ))
    .await;
}

#[tokio::test]
async fn a_holder_stalled_past_the_maximum_extension_loses_it_redis() {
    let Some(server) = start("a_holder_stalled_past_the_maximum_extension_loses_it_redis") else {
        return;
    };
    inbox_contract::a_holder_stalled_past_the_maximum_extension_loses_it(redis_inbox(
        &server,
        Duration::from_millis(200),
    ))
    .await;
}

#[tokio::test]
async fn finding_6_only_the_holder_can_ack_release_or_extend_redis() {
    let Some(server) = start("finding_6_only_the_holder_can_ack_release_or_extend_redis") else {
        return;
    };
    inbox_contract::only_the_holder_can_ack_release_or_extend(redis_inbox(
        &server,
        Duration::from_millis(200),
    ))
    .await;
}

#[tokio::test]
async fn finding_6_durations_too_large_for_the_clock_are_clamped_redis() {
    let Some(server) = start("finding_6_durations_too_large_for_the_clock_are_clamped_redis")
    else {
        return;
    };
    let huge = Arc::new(
        RedisInbox::open(&server.url())
            .expect("redis url")
            .prefix("huge:")
            .lease(Duration::MAX),
    );
    inbox_contract::durations_too_large_for_the_clock_are_clamped(
        redis_inbox(&server, Duration::from_secs(2)),
        huge,
    )
    .await;
}

/// Issue 24, finding 4: Redis restarts without persistence (the stream and
/// the consumer group are gone). The receiver's first push after the
/// restart is stored (200, not 503: the dropped connection is re-made once
/// within the budget), and the consumer that was running before re-creates
/// the group on `NOGROUP` and delivers it, without a restart of its own.
#[tokio::test]
async fn finding_4_a_running_consumer_and_receiver_recover_after_redis_restarts_empty() {
    let Some(mut redis) = start("finding_4_redis_restart") else {
        return;
    };
    let router = redis.receiver();
    let inbox = redis.inbox();
    let mut consumer = Consumer::new(inbox.clone()).name("survivor");
    let push = |order: &str| {
        format!(
            r#"{{"messageType":"ORDER_CREATE","messagePlatform":1,"timestamp":"1779263269913","messageBody":{{"orderId":"{order}"}}}}"#
        )
        .into_bytes()
    };
    let first = push("7001");
    assert_eq!(
        send(&router, request(&sign_push(&creds(), &first), &first)).await,
        (StatusCode::OK, "success".into())
    );
    let d = consumer
        .try_next(Duration::from_secs(2))
        .await
        .expect("inbox")
        .expect("delivered");
    d.ack().await.expect("ack");

    assert!(redis.restart(), "redis-server restarts");

    let second = push("7002");
    assert_eq!(
        send(&router, request(&sign_push(&creds(), &second), &second)).await,
        (StatusCode::OK, "success".into()),
        "the first push after the restart is stored"
    );
    // The consumer may see the error of the dropped connection once; it
    // must not need a restart. Bounded: 10 tries of up to 1 s.
    let mut delivered = None;
    let mut errors = 0;
    for _ in 0..10 {
        match consumer.try_next(Duration::from_secs(1)).await {
            Ok(Some(d)) => {
                delivered = Some(d);
                break;
            }
            Ok(None) => {}
            Err(_) => errors += 1,
        }
    }
    let d = delivered.expect("the push stored after the restart is delivered");
    assert!(errors <= 1, "{errors} fetch errors after the restart");
    assert!(d.body.windows(4).any(|w| w == b"7002"));
    d.ack().await.expect("ack");
}

// ---------------------------------------------------------------------------
// Issue 24, part 8: the inbox contract against a reference model, on Redis
// ---------------------------------------------------------------------------

use crate::inbox_model;

#[test]
fn the_redis_inbox_keeps_the_lease_contract() {
    let Some(server) = start("the_redis_inbox_keeps_the_lease_contract") else {
        return;
    };
    let url = server.url();
    let case = std::sync::atomic::AtomicUsize::new(0);
    let config = proptest::test_runner::Config {
        cases: 16,
        max_shrink_iters: 32,
        ..proptest::test_runner::Config::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&inbox_model::ops(5..30), |ops| {
        // A fresh stream (and group) per case.
        let n = case.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let result = inbox_model::block_on(async {
            let inbox: Arc<dyn Inbox> = Arc::new(
                RedisInbox::open(&url)
                    .expect("redis url")
                    .prefix(&format!("model{n}:"))
                    .lease(inbox_model::LEASE),
            );
            inbox_model::run(inbox, ops, false).await
        });
        proptest::prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
