//! The axum push receiver, driven with tower `oneshot` and over a real
//! loopback socket, with a deliberately slow consumer; the inbox behind it.
#![cfg(feature = "axum")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xportcn::Credentials;
use xportcn::callbacks::axum::Receiver;
use xportcn::callbacks::{
    Consumer, Inbox, MemoryInbox, Message, SqliteInbox, StoreError, StoreFuture, Verifier,
    sign_push,
};

fn creds() -> Credentials {
    Credentials::new("test-access-key", "test-secret", "2100007341207")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/callbacks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("fixture")
}

fn signed_request(body: &[u8]) -> Request<Body> {
    let mut req = Request::post("/")
        .body(Body::from(body.to_vec()))
        .expect("request");
    *req.headers_mut() = sign_push(&creds(), body);
    req
}

/// A receiver storing into `inbox`.
fn receiver(inbox: &MemoryInbox) -> axum::Router {
    Receiver::new(Verifier::new(creds()), Arc::new(inbox.clone())).router()
}

/// Every push waiting in `inbox`, handled (acked): (message, dedup key).
async fn drain(inbox: Arc<dyn Inbox>) -> Vec<(Message, String)> {
    let mut consumer = Consumer::new(inbox).batch(1);
    let mut out = Vec::new();
    while let Some(d) = consumer.try_next(Duration::ZERO).await.expect("inbox") {
        out.push((d.message.clone(), d.dedup_key.clone()));
        d.ack().await.expect("ack");
    }
    out
}

async fn send(router: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn valid_tampered_garbage_unsigned_oversized() {
    let inbox = MemoryInbox::new();
    let router = Receiver::new(Verifier::new(creds()), Arc::new(inbox.clone()))
        .body_limit(64 * 1024)
        .router();
    let body = fixture("1688-order-buyer-refund.json");

    let (status, text) = send(&router, signed_request(&body)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    assert_eq!(inbox.pending(), 1, "stored before the answer");
    let stored = drain(Arc::new(inbox.clone())).await;
    assert!(matches!(stored[0].0, Message::Ali1688Refund { .. }));
    assert_eq!(stored[0].1, "id:224");

    // Tampered: signed for one body, another body sent.
    let mut req = signed_request(&body);
    *req.body_mut() = Body::from(String::from_utf8_lossy(&body).replace("11700", "99999"));
    assert_eq!(send(&router, req).await.0, StatusCode::UNAUTHORIZED);

    // Garbage, correctly signed: authentic but malformed.
    let (status, text) = send(&router, signed_request(b"\x00\xffnot json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");

    // Unsigned.
    let req = Request::post("/")
        .body(Body::from(body.clone()))
        .expect("request");
    assert_eq!(send(&router, req).await.0, StatusCode::UNAUTHORIZED);

    // Over the body limit.
    let big = vec![b' '; 65 * 1024];
    assert_eq!(
        send(&router, signed_request(&big)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    assert!(
        drain(Arc::new(inbox)).await.is_empty(),
        "nothing else was stored"
    );
}

#[tokio::test]
async fn refusals_say_nothing_of_why_and_close_the_connection() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let body = fixture("order-create.string-body.json");
    let mut headers = sign_push(&creds(), &body);
    headers.insert("authorization", "0".repeat(64).parse().expect("header"));
    let resp = router
        .clone()
        .oneshot(request_with(&headers, &body))
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["connection"], "close");
    let text = resp.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(&text[..], b"unauthorized");
}

#[tokio::test]
async fn redelivery_is_acknowledged_but_stored_once() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let body = fixture("order-create.string-body.json");
    // Two deliveries of the same message: fresh nonce and signature each time.
    assert_eq!(
        send(&router, signed_request(&body)).await,
        (StatusCode::OK, "success".into())
    );
    // The platform's retry: the same message, `retryCount` up.
    let retried = String::from_utf8_lossy(&body).replace(
        r#""timestamp":"1779263269913""#,
        r#""timestamp":"1779263269913","retryCount":1"#,
    );
    assert_ne!(retried.as_bytes(), &body[..]);
    assert_eq!(
        send(&router, signed_request(retried.as_bytes())).await,
        (StatusCode::OK, "duplicate".into())
    );
    assert_eq!(drain(Arc::new(inbox)).await.len(), 1);
}

/// Issue 24, finding 1: a Taobao price changed 100 -> 120 -> 100 fen, the
/// pushes 10 minutes apart, no envelope `id`: three events, three
/// deliveries (the third used to be answered `200 duplicate` and lost); the
/// platform's retry of the third is the duplicate.
#[tokio::test]
async fn finding_1_a_price_back_and_forth_is_three_events() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let push = |fee: u32, ts: u64, retry: u32| {
        format!(
            r#"{{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messagePlatform":0,"timestamp":"{ts}","retryCount":{retry},"messageBody":{{"salesOrderId":"88","purchaseOrderPriceDTO":{{"purchaseTotalFee":{fee},"purchaseProductFee":{fee},"purchaseShippingFee":0}}}}}}"#
        )
    };
    let t0 = 1_779_263_269_913u64;
    for (fee, ts) in [(100, t0), (120, t0 + 600_000), (100, t0 + 1_200_000)] {
        assert_eq!(
            send(&router, signed_request(push(fee, ts, 0).as_bytes())).await,
            (StatusCode::OK, "success".into()),
            "{fee} at {ts}"
        );
    }
    assert_eq!(
        send(
            &router,
            signed_request(push(100, t0 + 1_200_000, 1).as_bytes())
        )
        .await,
        (StatusCode::OK, "duplicate".into()),
        "the platform's retry of the third"
    );
    let fees: Vec<_> = drain(Arc::new(inbox))
        .await
        .into_iter()
        .map(|(m, _)| match m {
            Message::TaobaoPriceModify { body, .. } => body
                .purchase_order_price
                .and_then(|p| p.purchase_total_fee)
                .map(|f| f.fen()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(fees, [Some(100), Some(120), Some(100)]);
}

/// Without an envelope `id` or `timestamp` a push cannot be told from its
/// retry: when unsure, deliver (each is stored).
#[tokio::test]
async fn a_push_without_id_or_timestamp_is_always_delivered() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let body = br#"{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"WAITING_FOR_SENT"}}"#;
    for _ in 0..2 {
        assert_eq!(
            send(&router, signed_request(body)).await,
            (StatusCode::OK, "success".into())
        );
    }
    assert_eq!(drain(Arc::new(inbox)).await.len(), 2);
}

/// An inbox that cannot answer, then (after `heal`) one that can.
#[derive(Debug, Clone, Default)]
struct Flaky {
    inner: MemoryInbox,
    down: Arc<std::sync::atomic::AtomicBool>,
    /// Appends that still commit, but only after this delay.
    slow: Arc<std::sync::Mutex<Option<Duration>>>,
}

impl Inbox for Flaky {
    fn append<'a>(
        &'a self,
        push: &'a xportcn::callbacks::inbox::Push,
    ) -> StoreFuture<'a, xportcn::callbacks::inbox::Appended> {
        Box::pin(async move {
            if self.down.load(Ordering::SeqCst) {
                return Err(StoreError::new("down"));
            }
            let slow = *self.slow.lock().expect("lock");
            if let Some(delay) = slow {
                // Commits even if the caller stopped waiting, like a
                // Redis script or a SQLite write that outlives its timeout.
                let (inner, push) = (self.inner.clone(), push.clone());
                let done = tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    inner.append(&push).await
                });
                return done.await.expect("task");
            }
            self.inner.append(push).await
        })
    }
    fn contains<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        self.inner.contains(key)
    }
    fn fetch<'a>(
        &'a self,
        c: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<xportcn::callbacks::inbox::Leased>> {
        self.inner.fetch(c, max, wait)
    }
    fn ack<'a>(&'a self, lease: &'a xportcn::callbacks::Lease) -> StoreFuture<'a, ()> {
        self.inner.ack(lease)
    }
    fn release<'a>(
        &'a self,
        lease: &'a xportcn::callbacks::Lease,
        delay: Duration,
    ) -> StoreFuture<'a, ()> {
        self.inner.release(lease, delay)
    }
    fn extend<'a>(
        &'a self,
        lease: &'a xportcn::callbacks::Lease,
        by: Duration,
    ) -> StoreFuture<'a, ()> {
        self.inner.extend(lease, by)
    }
}

#[tokio::test]
async fn a_store_that_cannot_answer_gives_503_and_the_retry_stores_it() {
    let inbox = Flaky::default();
    let router = Receiver::new(Verifier::new(creds()), Arc::new(inbox.clone()))
        .ack_budget(Duration::from_millis(100))
        .router();
    let body = fixture("1688-order-buyer-refund.json");
    let headers = sign_push(&creds(), &body);
    inbox.down.store(true, Ordering::SeqCst);
    assert_eq!(
        send(&router, request_with(&headers, &body)).await,
        (StatusCode::SERVICE_UNAVAILABLE, "busy, retry later".into())
    );
    inbox.down.store(false, Ordering::SeqCst);
    // The platform's retry, byte for byte the same request: stored, not
    // "duplicate" and not "replay".
    assert_eq!(
        send(&router, request_with(&headers, &body)).await,
        (StatusCode::OK, "success".into())
    );
    assert_eq!(drain(Arc::new(inbox.inner.clone())).await.len(), 1);
}

#[tokio::test]
async fn a_store_slower_than_the_budget_gives_503_and_the_retry_finds_the_push_stored() {
    // Issue 18, finding 2: a claim that ran after its client-side timeout
    // must not turn the retry into a silent duplicate of nothing.
    let inbox = Flaky::default();
    *inbox.slow.lock().expect("lock") = Some(Duration::from_millis(300));
    let router = Receiver::new(Verifier::new(creds()), Arc::new(inbox.clone()))
        .ack_budget(Duration::from_millis(50))
        .router();
    let body = fixture("1688-order-buyer-refund.json");
    let headers = sign_push(&creds(), &body);
    assert_eq!(
        send(&router, request_with(&headers, &body)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    *inbox.slow.lock().expect("lock") = None;
    // The identical retry: 200 duplicate, and the push is there to consume.
    assert_eq!(
        send(&router, request_with(&headers, &body)).await,
        (StatusCode::OK, "duplicate".into())
    );
    let stored = drain(Arc::new(inbox.inner.clone())).await;
    assert_eq!(
        stored.len(),
        1,
        "the duplicate answer is true: the push is stored"
    );
    assert!(matches!(stored[0].0, Message::Ali1688Refund { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_with_slow_consumer() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(xportcn::callbacks::axum::serve(
        listener,
        router,
        xportcn::callbacks::axum::ServeConfig::default(),
    ));

    // The consumer takes 3 s per message.
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    let mut consumer = Consumer::new(Arc::new(inbox.clone()));
    tokio::spawn(async move {
        while let Ok(delivery) = consumer.next().await {
            tokio::time::sleep(Duration::from_secs(3)).await;
            f.fetch_add(1, Ordering::SeqCst);
            let _ = delivery.ack().await;
        }
    });

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/");
    let mut statuses = Vec::new();
    for name in [
        "order-create.string-body.json",
        "1688-order-buyer-refund.json",
        "taobao-order-price-modify.json",
        "1688-order-price-modify.json",
    ] {
        let body = fixture(name);
        let resp = client
            .post(&url)
            .headers(sign_push(&creds(), &body))
            .body(body)
            .send()
            .await
            .expect("send");
        statuses.push(resp.status().as_u16());
    }
    // All four acknowledged while the consumer had not finished even one.
    assert_eq!(statuses, [200, 200, 200, 200]);
    assert_eq!(finished.load(Ordering::SeqCst), 0);

    let resp = client
        .post(&url)
        .headers(sign_push(&creds(), b"garbage"))
        .body("garbage")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 400);
    server.abort();
}

#[tokio::test]
async fn same_request_again_is_duplicate_and_another_body_on_its_signature_is_401() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let first = fixture("order-create.string-body.json");
    let headers = sign_push(&creds(), &first);
    assert_eq!(
        send(&router, request_with(&headers, &first)).await.0,
        StatusCode::OK
    );
    // Byte-for-byte the same request (same nonce): acknowledged, not stored again.
    assert_eq!(
        send(&router, request_with(&headers, &first)).await,
        (StatusCode::OK, "duplicate".into())
    );
    assert_eq!(drain(Arc::new(inbox)).await.len(), 1);
}

#[tokio::test]
async fn an_unacked_delivery_comes_again_with_its_dedup_key_and_retry_later_hands_it_back() {
    let inbox = MemoryInbox::new().lease(Duration::from_millis(100));
    let router = receiver(&inbox);
    let body = fixture("1688-order-buyer-refund.json");
    assert_eq!(send(&router, signed_request(&body)).await.0, StatusCode::OK);
    let mut consumer = Consumer::new(Arc::new(inbox.clone()));
    let first = consumer.next().await.expect("delivered");
    assert_eq!(first.attempt, 1);
    let key = first.dedup_key.clone();
    drop(first); // the handler crashed: never acked
    let again = consumer
        .next()
        .await
        .expect("delivered again after the lease");
    assert_eq!((again.dedup_key.as_str(), again.attempt), (key.as_str(), 2));
    again
        .retry_later(Duration::ZERO)
        .await
        .expect("handed back");
    let third = consumer.next().await.expect("delivered again at once");
    assert_eq!(third.attempt, 3);
    third.ack().await.expect("ack");
    assert!(
        consumer
            .try_next(Duration::from_millis(300))
            .await
            .expect("inbox")
            .is_none(),
        "acked: never again"
    );
}

#[tokio::test]
async fn sqlite_pushes_answered_200_survive_a_stop_before_they_were_consumed() {
    // Issue 18, finding 1: 10 pushes answered 200, then the process stops
    // before its consumer drained them. Reopening the file finds all 10.
    let dir = tempdir();
    let path = dir.join("inbox.sqlite3");
    {
        let inbox = Arc::new(SqliteInbox::open(&path).expect("open"));
        let router = Receiver::new(Verifier::new(creds()), inbox).router();
        for i in 0..10 {
            let body = format!(
                r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{i},"messageBody":{{"orderId":"33050753411491342{i:02}"}}}}"#
            );
            assert_eq!(
                send(&router, signed_request(body.as_bytes())).await,
                (StatusCode::OK, "success".into())
            );
        }
    } // everything dropped: the consumer never ran
    let inbox = Arc::new(SqliteInbox::open(&path).expect("reopen"));
    assert_eq!(inbox.pending().await.expect("count"), 10);
    let stored = drain(inbox.clone()).await;
    let mut keys: Vec<_> = stored.into_iter().map(|(_, k)| k).collect();
    keys.sort();
    assert_eq!(keys.len(), 10);
    assert_eq!(keys[0], "id:0");
    assert_eq!(inbox.pending().await.expect("count"), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// A fresh directory under the target directory.
fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "xportcn-receiver-{}-{:x}",
        std::process::id(),
        rand_u64()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

// ---------------------------------------------------------------------------
// Issue 14: forged bodies on real request headers, stripped Authorization,
// replays of one body under fresh headers
// ---------------------------------------------------------------------------

fn request_with(headers: &http::HeaderMap, body: &[u8]) -> Request<Body> {
    let mut req = Request::post("/")
        .body(Body::from(body.to_vec()))
        .expect("request");
    *req.headers_mut() = headers.clone();
    req
}

#[tokio::test]
async fn headers_of_a_real_outbound_request_on_another_body_get_401() {
    use wiremock::{Mock, MockServer, ResponseTemplate};
    // Capture what the SDK's own client sends on a product_get.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":200,"msg":"ok","data":{"itemId":"1"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = xportcn::Client::builder()
        .credentials(creds())
        .base_url(format!("{}/api", server.uri()))
        .build()
        .expect("client");
    let _ = client.taobao().product_get("672991141190").await;
    let requests = server.received_requests().await.unwrap_or_default();
    let captured = &requests.first().expect("captured").headers;
    let mut headers = http::HeaderMap::new();
    for (k, v) in captured {
        headers.append(k.clone(), v.clone());
    }

    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let forged = fixture("1688-order-buyer-refund.json");
    let (status, text) = send(&router, request_with(&headers, &forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(drain(Arc::new(inbox)).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn stripped_or_blank_authorization_with_a_swapped_body_gets_401() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let genuine = fixture("order-create.string-body.json");
    let forged = fixture("1688-order-buyer-refund.json");
    let mut stripped = sign_push(&creds(), &genuine);
    stripped.remove("authorization");
    assert_eq!(
        send(&router, request_with(&stripped, &forged)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let mut blank = sign_push(&creds(), &genuine);
    blank.insert("authorization", http::HeaderValue::from_static(""));
    assert_eq!(
        send(&router, request_with(&blank, &forged)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(drain(Arc::new(inbox)).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn one_body_replayed_under_fresh_headers_is_delivered_once() {
    let inbox = MemoryInbox::new();
    let router = receiver(&inbox);
    let body = fixture("1688-order-buyer-refund.json");
    let authorization = sign_push(&creds(), &body)["authorization"].clone();
    // The attacker keeps the body and its Authorization, and makes up new
    // timestamp and nonce headers each time.
    for i in 0..20 {
        let mut h = http::HeaderMap::new();
        h.insert("authorization", authorization.clone());
        h.insert(
            "nonce-str",
            http::HeaderValue::from_str(&format!("fresh-{i}")).expect("header"),
        );
        let (status, text) = send(&router, request_with(&h, &body)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(text, if i == 0 { "success" } else { "duplicate" });
    }
    assert_eq!(drain(Arc::new(inbox)).await.len(), 1, "stored exactly once");
}

#[tokio::test]
async fn oversized_content_length_gets_413_before_the_body() {
    let router = Receiver::new(Verifier::new(creds()), Arc::new(MemoryInbox::new()))
        .body_limit(1024)
        .router();
    // The body never comes: only the announced length is known.
    let mut req = Request::post("/")
        .body(Body::new(NeverBody))
        .expect("request");
    req.headers_mut()
        .insert("content-length", http::HeaderValue::from_static("10000000"));
    let resp = tokio::time::timeout(Duration::from_secs(5), router.clone().oneshot(req))
        .await
        .expect("answered without reading the body")
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(resp.headers()["connection"], "close");
}

#[tokio::test]
async fn stalled_body_gets_408_within_the_body_timeout() {
    let inbox = MemoryInbox::new();
    let router = Receiver::new(Verifier::new(creds()), Arc::new(inbox.clone()))
        .body_timeout(Duration::from_millis(200))
        .router();
    let req = Request::post("/")
        .body(Body::new(NeverBody))
        .expect("request");
    let resp = tokio::time::timeout(Duration::from_secs(5), router.clone().oneshot(req))
        .await
        .expect("answered within the body timeout")
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(resp.headers()["connection"], "close");
    assert!(drain(Arc::new(inbox)).await.is_empty());
}

/// A request body whose bytes never arrive.
struct NeverBody;

impl axum::body::HttpBody for NeverBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

// ---------------------------------------------------------------------------
// Issue 24, findings 2, 3 and 6: one live holder per delivery (memory, SQLite;
// Redis in tests/inbox/redis_store.rs)
// ---------------------------------------------------------------------------

use crate::inbox_contract;

fn sqlite_with_lease(lease: Duration) -> (Arc<dyn Inbox>, std::path::PathBuf) {
    let dir = tempdir();
    let inbox = SqliteInbox::open(dir.join("inbox.sqlite3"))
        .expect("open")
        .lease(lease);
    (Arc::new(inbox), dir)
}

#[tokio::test]
async fn finding_2_two_live_consumers_handle_each_push_once_memory() {
    let inbox = MemoryInbox::new().lease(Duration::from_millis(500));
    inbox_contract::two_live_consumers_handle_each_push_once(Arc::new(inbox)).await;
}

#[tokio::test]
async fn finding_2_two_live_consumers_handle_each_push_once_sqlite() {
    let (inbox, dir) = sqlite_with_lease(Duration::from_millis(500));
    inbox_contract::two_live_consumers_handle_each_push_once(inbox).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn finding_3_a_slow_live_handler_keeps_its_delivery_memory() {
    let inbox = MemoryInbox::new().lease(Duration::from_millis(600));
    inbox_contract::a_slow_live_handler_keeps_its_delivery(Arc::new(inbox)).await;
}

#[tokio::test]
async fn finding_3_a_slow_live_handler_keeps_its_delivery_sqlite() {
    let (inbox, dir) = sqlite_with_lease(Duration::from_millis(600));
    inbox_contract::a_slow_live_handler_keeps_its_delivery(inbox).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_holder_stalled_past_the_maximum_extension_loses_it_memory() {
    let inbox = MemoryInbox::new().lease(Duration::from_millis(200));
    inbox_contract::a_holder_stalled_past_the_maximum_extension_loses_it(Arc::new(inbox)).await;
}

#[tokio::test]
async fn a_holder_stalled_past_the_maximum_extension_loses_it_sqlite() {
    let (inbox, dir) = sqlite_with_lease(Duration::from_millis(200));
    inbox_contract::a_holder_stalled_past_the_maximum_extension_loses_it(inbox).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn finding_6_only_the_holder_can_ack_release_or_extend_memory() {
    let inbox = MemoryInbox::new().lease(Duration::from_millis(200));
    inbox_contract::only_the_holder_can_ack_release_or_extend(Arc::new(inbox)).await;
}

#[tokio::test]
async fn finding_6_only_the_holder_can_ack_release_or_extend_sqlite() {
    let (inbox, dir) = sqlite_with_lease(Duration::from_millis(200));
    inbox_contract::only_the_holder_can_ack_release_or_extend(inbox).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn finding_6_durations_too_large_for_the_clock_are_clamped_memory() {
    inbox_contract::durations_too_large_for_the_clock_are_clamped(
        Arc::new(MemoryInbox::new().lease(Duration::from_secs(2))),
        Arc::new(MemoryInbox::new().lease(Duration::MAX)),
    )
    .await;
}

#[tokio::test]
async fn finding_6_durations_too_large_for_the_clock_are_clamped_sqlite() {
    let (inbox, dir) = sqlite_with_lease(Duration::from_secs(2));
    let (huge, dir2) = sqlite_with_lease(Duration::MAX);
    inbox_contract::durations_too_large_for_the_clock_are_clamped(inbox, huge).await;
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

// ---------------------------------------------------------------------------
// Issue 24, part 8: the inbox contract against a reference model (memory,
// SQLite; Redis in tests/inbox/redis_store.rs)
// ---------------------------------------------------------------------------

use crate::inbox_model;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 24,
        max_shrink_iters: 64,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn the_memory_inbox_keeps_the_lease_contract(ops in inbox_model::ops(5..40)) {
        let inbox = Arc::new(MemoryInbox::new().lease(inbox_model::LEASE));
        let result = inbox_model::block_on(inbox_model::run(inbox, ops, true));
        proptest::prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }

    #[test]
    fn the_sqlite_inbox_keeps_the_lease_contract(ops in inbox_model::ops(5..30)) {
        let dir = tempdir();
        let inbox = Arc::new(
            SqliteInbox::open(dir.join("inbox.sqlite3"))
                .expect("open")
                .lease(inbox_model::LEASE),
        );
        let result = inbox_model::block_on(inbox_model::run(inbox, ops, true));
        let _ = std::fs::remove_dir_all(dir);
        proptest::prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}
