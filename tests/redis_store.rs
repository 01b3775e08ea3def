//! `RedisReplayStore` against a real `redis-server` that each test starts
//! itself on 127.0.0.1 with a random port.
//!
//! Without `redis-server` on the PATH the tests print that they were skipped
//! and why; with `XPORTCN_REQUIRE_REDIS=1` (set by `.ci/run`) a missing
//! server is a failure instead.
#![cfg(all(feature = "redis", feature = "axum"))]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xportcn::Credentials;
use xportcn::callbacks::axum::Receiver;
use xportcn::callbacks::{
    RedisReplayStore, Rejection, ReplayStore, Verifier, sign_push, sign_push_with,
};

fn creds() -> Credentials {
    Credentials::new("test-access-key", "test-secret", "2100007341207")
}

/// A `redis-server` child on 127.0.0.1; killed (by its own pid) on drop.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts one, or returns `None` (after saying why) when `redis-server`
    /// is not installed and `XPORTCN_REQUIRE_REDIS` is not `1`.
    fn start(test: &str) -> Option<RedisServer> {
        let required = std::env::var("XPORTCN_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
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
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let server = RedisServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn store(&self) -> Arc<RedisReplayStore> {
        Arc::new(RedisReplayStore::open(&self.url()).expect("redis url"))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn body(order: &str) -> Vec<u8> {
    format!(
        r#"{{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{{"orderId":"{order}","orderStatus":"WAITING_FOR_PAYMENT"}}}}"#
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

#[tokio::test]
async fn set_nx_with_expiry_is_atomic() {
    let Some(redis) = RedisServer::start("set_nx_with_expiry_is_atomic") else {
        return;
    };
    let store = redis.store();
    let hour = Duration::from_secs(3600);
    assert!(store.insert_if_absent("k", hour).await.expect("redis"));
    assert!(!store.insert_if_absent("k", hour).await.expect("redis"));
    assert!(store.contains("k").await.expect("redis"));
    store.remove("k").await.expect("redis");
    assert!(!store.contains("k").await.expect("redis"));
    // Expiry (PX): gone after its TTL.
    assert!(
        store
            .insert_if_absent("short", Duration::from_millis(50))
            .await
            .expect("redis")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!store.contains("short").await.expect("redis"));
    // Concurrent claims of one key from two connections: exactly one wins.
    let other = redis.store();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            s.insert_if_absent("race", hour).await.expect("redis")
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.expect("task"));
    }
    assert_eq!(wins, 1);
    // Debug shows no URL.
    assert!(!format!("{store:?}").contains("127.0.0.1"));
}

#[tokio::test]
async fn two_receivers_sharing_one_redis() {
    let Some(redis) = RedisServer::start("two_receivers_sharing_one_redis") else {
        return;
    };
    let verifier_a = Verifier::new(creds()).replay_store(redis.store());
    let verifier_b = Verifier::new(creds()).replay_store(redis.store());
    let (router_a, mut rx_a) = Receiver::new(verifier_a.clone()).build();
    let (router_b, mut rx_b) = Receiver::new(verifier_b.clone()).build();

    // One push delivered to both instances: handed to the consumer once.
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
    assert!(rx_a.try_recv().is_ok());
    assert!(rx_a.try_recv().is_err());
    assert!(rx_b.try_recv().is_err(), "delivered once in all");

    // A nonce replayed to the other instance is rejected: on another
    // (genuinely signed) body through the receiver, and at the verifier.
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
    assert!(rx_b.try_recv().is_err());

    let third = body("3001");
    let h3 = sign_push(&creds(), &third);
    assert!(verifier_a.verify_async(&h3, &third).await.is_ok());
    assert_eq!(
        verifier_b.verify_async(&h3, &third).await.unwrap_err(),
        Rejection::Replay
    );
}

#[tokio::test]
async fn redis_down_means_503_never_accepted_unverified() {
    let Some(mut redis) = RedisServer::start("redis_down_means_503_never_accepted_unverified")
    else {
        return;
    };
    let verifier = Verifier::new(creds()).replay_store(redis.store());
    let (router, mut rx) = Receiver::new(verifier.clone()).build();
    let push = body("4001");
    assert_eq!(
        send(&router, request(&sign_push(&creds(), &push), &push))
            .await
            .0,
        StatusCode::OK
    );
    assert!(rx.try_recv().is_ok());

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
    assert!(
        rx.try_recv().is_err(),
        "nothing accepted while Redis is down"
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
