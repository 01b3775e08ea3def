//! The axum push receiver, driven with tower `oneshot` and over a real
//! loopback socket, with a deliberately slow consumer.
#![cfg(feature = "axum")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, receiver};
use xportcn::callbacks::{Message, Verifier, sign_push};

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

async fn send(router: &axum::Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = router.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn valid_tampered_garbage_unsigned_oversized() {
    let (router, mut rx) = Receiver::new(Verifier::new(creds()))
        .body_limit(64 * 1024)
        .build();
    let body = fixture("1688-order-buyer-refund.json");

    let (status, text) = send(&router, signed_request(&body)).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    let delivery = rx.try_recv().expect("queued before the answer");
    assert!(matches!(delivery.message, Message::Ali1688Refund { .. }));
    assert_eq!(delivery.dedup_key, "id:224");

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

    assert!(rx.try_recv().is_err(), "nothing else was delivered");
}

#[tokio::test]
async fn redelivery_is_acknowledged_but_delivered_once() {
    let (router, mut rx) = receiver(Verifier::new(creds()));
    let body = fixture("order-create.string-body.json");
    // Two deliveries of the same message: fresh nonce and signature each time.
    assert_eq!(
        send(&router, signed_request(&body)).await,
        (StatusCode::OK, "success".into())
    );
    let retried = String::from_utf8_lossy(&body).replace("1779263269913", "1779265069913");
    assert_eq!(
        send(&router, signed_request(retried.as_bytes())).await,
        (StatusCode::OK, "duplicate".into())
    );
    assert!(rx.try_recv().is_ok());
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn full_queue_answers_503_within_the_budget_and_releases_the_key() {
    let (router, mut rx) = Receiver::new(Verifier::new(creds()))
        .queue_capacity(1)
        .ack_budget(Duration::from_millis(50))
        .build();
    let first = fixture("order-create.string-body.json");
    let second = fixture("taobao-order-price-modify.json");
    assert_eq!(
        send(&router, signed_request(&first)).await.0,
        StatusCode::OK
    );
    // Nobody reads: the queue (capacity 1) is full.
    assert_eq!(
        send(&router, signed_request(&second)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Once the consumer catches up, the platform's retry is accepted.
    assert!(rx.recv().await.is_some());
    assert_eq!(
        send(&router, signed_request(&second)).await.0,
        StatusCode::OK
    );
    assert!(matches!(
        rx.recv().await.map(|d| d.message),
        Some(Message::TaobaoPriceModify { .. })
    ));
    // A dropped consumer means 503 too.
    drop(rx);
    let third = fixture("1688-order-price-modify.json");
    assert_eq!(
        send(&router, signed_request(&third)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_with_slow_consumer() {
    let (router, mut rx) = receiver(Verifier::new(creds()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    // The consumer takes 3 s per message.
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (s, f) = (started.clone(), finished.clone());
    tokio::spawn(async move {
        while let Some(_delivery) = rx.recv().await {
            s.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(3)).await;
            f.fetch_add(1, Ordering::SeqCst);
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

    let body = fixture("order-create.string-body.json");
    let mut headers = sign_push(&creds(), &body);
    headers.insert("authorization", "0".repeat(64).parse().expect("header"));
    let resp = client
        .post(&url)
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 401);

    let resp = client
        .post(&url)
        .headers(sign_push(&creds(), b"garbage"))
        .body("garbage")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(finished.load(Ordering::SeqCst), 0);
    server.abort();
}

#[tokio::test]
async fn same_request_again_after_200_is_duplicate_and_after_503_is_accepted() {
    let (router, mut rx) = Receiver::new(Verifier::new(creds()))
        .queue_capacity(1)
        .ack_budget(Duration::from_millis(20))
        .build();
    let first = fixture("order-create.string-body.json");
    let headers = sign_push(&creds(), &first);
    let request = |body: &[u8], headers: &http::HeaderMap| {
        let mut req = Request::post("/")
            .body(Body::from(body.to_vec()))
            .expect("request");
        *req.headers_mut() = headers.clone();
        req
    };
    assert_eq!(
        send(&router, request(&first, &headers)).await.0,
        StatusCode::OK
    );
    // Byte-for-byte the same request (same nonce): acknowledged, not queued again.
    assert_eq!(
        send(&router, request(&first, &headers)).await,
        (StatusCode::OK, "duplicate".into())
    );
    // Queue full: 503, then the identical retry succeeds once there is room.
    let second = fixture("1688-order-buyer-refund.json");
    let headers2 = sign_push(&creds(), &second);
    assert_eq!(
        send(&router, request(&second, &headers2)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(rx.recv().await.is_some());
    assert_eq!(
        send(&router, request(&second, &headers2)).await.0,
        StatusCode::OK
    );
    assert!(matches!(
        rx.recv().await.map(|d| d.message),
        Some(Message::Ali1688Refund { .. })
    ));
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

    let (router, mut rx) = receiver(Verifier::new(creds()));
    let forged = fixture("1688-order-buyer-refund.json");
    let (status, text) = send(&router, request_with(&headers, &forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(rx.try_recv().is_err(), "nothing delivered");
}

#[tokio::test]
async fn stripped_or_blank_authorization_with_a_swapped_body_gets_401() {
    let (router, mut rx) = receiver(Verifier::new(creds()));
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
    assert!(rx.try_recv().is_err(), "nothing delivered");
}

#[tokio::test]
async fn one_body_replayed_under_fresh_headers_is_delivered_once() {
    let (router, mut rx) = receiver(Verifier::new(creds()));
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
    assert!(rx.try_recv().is_ok());
    assert!(rx.try_recv().is_err(), "delivered exactly once");
}

#[tokio::test]
async fn oversized_content_length_gets_413_before_the_body() {
    let (router, _rx) = Receiver::new(Verifier::new(creds()))
        .body_limit(1024)
        .build();
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
    let (router, mut rx) = Receiver::new(Verifier::new(creds()))
        .body_timeout(Duration::from_millis(200))
        .build();
    let req = Request::post("/")
        .body(Body::new(NeverBody))
        .expect("request");
    let resp = tokio::time::timeout(Duration::from_secs(5), router.clone().oneshot(req))
        .await
        .expect("answered within the body timeout")
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(resp.headers()["connection"], "close");
    assert!(rx.try_recv().is_err());
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
