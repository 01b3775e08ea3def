//! `callbacks::axum::serve` against unauthenticated clients that stall, on
//! loopback with short configured timeouts. Every wait is bounded; the only
//! timing assertions are generous upper bounds on those timeouts.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{MemoryInbox, Verifier, sign_push};

/// Upper bound on anything the tests wait for.
const BOUND: Duration = Duration::from_secs(10);

fn creds() -> Credentials {
    Credentials::new("test-access-key", "test-secret", "2100007341207")
}

struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(receiver: Receiver, config: ServeConfig) -> Server {
    let router = receiver.router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(serve(listener, router, config));
    Server { addr, task }
}

fn receiver() -> Receiver {
    Receiver::new(
        Verifier::new(creds()),
        std::sync::Arc::new(MemoryInbox::new()),
    )
}

/// Reads until EOF or error (bounded by [`BOUND`]); returns what was read.
async fn read_to_close(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(BOUND, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the server closed the connection within the bound");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn stalled_body_gets_its_connection_closed_within_the_timeout() {
    let server = start(
        receiver().body_timeout(Duration::from_millis(300)),
        ServeConfig::default().header_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    let started = Instant::now();
    s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"messageType\"")
        .await
        .expect("write");
    // ... and nothing more.
    let got = read_to_close(&mut s).await;
    assert!(text(&got).starts_with("HTTP/1.1 408"), "{:?}", text(&got));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn stalled_headers_get_the_connection_closed_within_the_timeout() {
    let server = start(
        receiver(),
        ServeConfig::default().header_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    let started = Instant::now();
    s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\n")
        .await
        .expect("write");
    let _ = read_to_close(&mut s).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn oversized_content_length_gets_413_before_the_body_is_sent() {
    let server = start(receiver().body_limit(64 * 1024), ServeConfig::default()).await;
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100000000\r\n\r\n")
        .await
        .expect("write");
    // Not one body byte is sent: the answer comes from the announced length.
    let got = read_to_close(&mut s).await;
    let t = text(&got);
    assert!(t.starts_with("HTTP/1.1 413"), "{t:?}");
    assert!(
        t.to_ascii_lowercase().contains("connection: close"),
        "{t:?}"
    );
}

#[tokio::test]
async fn fifty_stalled_clients_are_refused_past_the_connection_bound() {
    let max = 10;
    let server = start(
        receiver(),
        ServeConfig::default()
            .max_connections(max)
            .header_read_timeout(Duration::from_secs(2)),
    )
    .await;
    // 50 clients connect and send nothing.
    let mut clients = Vec::new();
    for _ in 0..50 {
        clients.push(TcpStream::connect(server.addr).await.expect("connect"));
    }
    let results = futures_join(clients.into_iter().map(|mut s| async move {
        let got = read_to_close(&mut s).await;
        text(&got)
    }))
    .await;
    let refused = results
        .iter()
        .filter(|t| t.starts_with("HTTP/1.1 503"))
        .count();
    let held = results.len() - refused;
    // At most `max` were ever held open; every other one was refused at
    // once; the held ones were closed by the header timeout (else
    // read_to_close would have hit its bound).
    assert!(held <= max, "held {held}, refused {refused}");
    assert!(refused >= 50 - max, "held {held}, refused {refused}");

    // Slots are released: a genuine push is served afterwards.
    let body = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"WAITING_FOR_PAYMENT"}}"#;
    let resp = reqwest::Client::new()
        .post(format!("http://{}/", server.addr))
        .headers(sign_push(&creds(), body))
        .body(body.to_vec())
        .timeout(BOUND)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
}

/// Runs futures concurrently and collects their outputs in order.
async fn futures_join<F: std::future::Future<Output = T> + Send + 'static, T: Send + 'static>(
    futs: impl Iterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

/// Issue 18, finding 4, as reported: `max` connections each pipeline about
/// 550 KiB of tiny unauthenticated requests and never read the answers.
/// Genuine pushes must still be accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_pipeline_and_never_read_do_not_lock_genuine_pushes_out() {
    let max = 16;
    let server = start(receiver(), ServeConfig::default().max_connections(max)).await;
    let one = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}";
    let burst: Vec<u8> = one.repeat(550 * 1024 / one.len() + 1);
    let mut attackers = Vec::new();
    for _ in 0..max {
        // A small receive window, so that unread answers back up at once.
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        let mut s = socket.connect(server.addr).await.expect("connect");
        let burst = burst.clone();
        attackers.push(tokio::spawn(async move {
            // Writes until the server stops reading or closes; never reads.
            let _ = tokio::time::timeout(BOUND, s.write_all(&burst)).await;
            tokio::time::sleep(BOUND).await;
            drop(s);
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let accepted = genuine_pushes(server.addr, 5).await;
    for a in attackers {
        a.abort();
    }
    assert_eq!(
        accepted, 5,
        "genuine pushes locked out by non-reading clients"
    );
}

/// Sends `n` distinct genuine pushes, each retried on a fresh connection
/// until answered 200, within [`BOUND`]; how many were answered 200.
async fn genuine_pushes(addr: SocketAddr, n: usize) -> usize {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let deadline = Instant::now() + BOUND;
    let mut accepted = 0;
    for order in 100..100 + n {
        let body = format!(
            r#"{{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{{"orderId":"{order}","orderStatus":"WAITING_FOR_PAYMENT"}}}}"#
        );
        while Instant::now() < deadline {
            let sent = client
                .post(format!("http://{addr}/"))
                .headers(sign_push(&creds(), body.as_bytes()))
                .body(body.clone())
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if sent.is_ok_and(|r| r.status().as_u16() == 200) {
                accepted += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    accepted
}

/// A connection whose answer is not read loses its slot after the write
/// timeout (the one slot here), whatever the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_its_answer_loses_its_slot_after_the_write_timeout() {
    let big = axum::routing::get(|| async { vec![b'x'; 32 * 1024 * 1024] });
    let router = axum::Router::new()
        .route("/big", big)
        .merge(receiver().router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = ServeConfig::default()
        .max_connections(1)
        .write_timeout(Duration::from_millis(500));
    let task = tokio::spawn(serve(listener, router, config));
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let mut hog = socket.connect(addr).await.expect("connect");
    hog.write_all(b"GET /big HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The hog never reads; its slot comes free within the bound.
    assert_eq!(genuine_pushes(addr, 1).await, 1);
    drop(hog);
    task.abort();
}

/// Pipelined unauthenticated requests end at the first refusal: one 401,
/// then the connection is closed (issue 18, finding 4).
#[tokio::test]
async fn pipelined_unauthenticated_requests_end_at_the_first_refusal() {
    let server = start(receiver(), ServeConfig::default()).await;
    let mut s = TcpStream::connect(server.addr).await.expect("connect");
    let one = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}";
    s.write_all(&one.repeat(100)).await.expect("write");
    let got = text(&read_to_close(&mut s).await);
    assert_eq!(got.matches("HTTP/1.1 401").count(), 1, "{got}");
}
