//! The fault matrix: one test per fault, asserting the exact typed outcome
//! (variant, key fields, attempts) and, for writes, that the server saw the
//! request exactly once unless the caller opted in.
//!
//! Faults wiremock cannot produce (resets, stalls, garbage, chunked floods)
//! come from `common/raw_server.rs`, a raw TCP server on 127.0.0.1.
//! The matrix is tabulated in RELIABILITY.md.
use crate::common;
use crate::raw_server;

use std::time::{Duration, Instant};

use common::*;
use raw_server::{RawServer, reset, write};
use tokio::io::AsyncWriteExt;
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::endpoint::Method;
use xportcn::error::{TimeoutKind, TransportKind};
use xportcn::retry::RetryPolicy;
use xportcn::{Client, ClientBuilder, Error};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Fast retries, generous timeouts: [`common::fast_builder`].
fn fast(base_url: String) -> ClientBuilder {
    common::fast_builder(base_url, credentials())
}

/// A client whose attempts time out after 300 ms.
fn impatient(server: &RawServer) -> Client {
    fast(server.base_url())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn raw_client(server: &RawServer) -> Client {
    fast(server.base_url()).build().unwrap()
}

fn mock_client(server: &MockServer) -> Client {
    fast(format!("{}/api", server.uri())).build().unwrap()
}

async fn mock_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

/// A mock server answering every request with `template`.
async fn mock_always(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

async fn mock_body(status: u16, body: &str) -> MockServer {
    mock_always(ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"))
        .await
}

/// A port with nothing listening.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `retryable`: what [`Error::is_retryable`] must say (false for a write
/// that may have reached the server and was not opted in).
fn assert_transport(err: &Error, want_kind: TransportKind, want_attempts: u32, retryable: bool) {
    match err {
        Error::Transport { kind, attempts, .. } => {
            assert_eq!(*kind, want_kind, "{err:?}");
            assert_eq!(*attempts, want_attempts, "{err:?}");
        }
        other => panic!("expected Transport({want_kind:?}), got {other:?}"),
    }
    assert_eq!(err.is_retryable(), retryable, "{err:?}");
    assert_eq!(err.status(), None);
}

fn assert_timeout(err: &Error, want_kind: TimeoutKind, want_attempts: u32, retryable: bool) {
    match err {
        Error::Timeout { kind, attempts, .. } => {
            assert_eq!(*kind, want_kind, "{err:?}");
            assert_eq!(*attempts, want_attempts, "{err:?}");
        }
        other => panic!("expected Timeout({want_kind:?}), got {other:?}"),
    }
    assert_eq!(err.is_retryable(), retryable, "{err:?}");
}

fn ok_body() -> String {
    envelope(serde_json::json!({"itemId": 1, "title": "t", "ok": true})).to_string()
}

// ---------------------------------------------------------------------------
// Connection faults
// ---------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused_read_retries_write_does_not() {
    let base = format!("http://127.0.0.1:{}/api", closed_port());
    let c = fast(base).build().unwrap();
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_transport(&err, TransportKind::Connect, 3, true);
    let err = c.call(pay()).await.unwrap_err();
    assert_transport(&err, TransportKind::Connect, 1, true);
    let err = c
        .raw(Method::Post, "/open/order/pay")
        .json(&serde_json::json!({"orderId": "1"}))
        .send_value()
        .await
        .unwrap_err();
    assert_transport(&err, TransportKind::Connect, 1, true);
}

/// Headers promise 1000 bytes, 100 arrive, then a TCP RST.
async fn reset_mid_body_server() -> RawServer {
    RawServer::start(|mut s, _req| async move {
        write(
            &mut s,
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
        )
        .await;
        write(&mut s, &[b' '; 100]).await;
        reset(s);
    })
    .await
}

#[tokio::test]
async fn reset_mid_body_read_is_retried_to_a_connection_error() {
    let server = reset_mid_body_server().await;
    let err = raw_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn reset_mid_body_write_is_sent_once() {
    let server = reset_mid_body_server().await;
    let err = raw_client(&server).call(pay()).await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 1, false);
    assert_eq!(server.requests(), 1);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn reset_mid_body_write_retries_only_when_opted_in() {
    let server = reset_mid_body_server().await;
    let c = raw_client(&server);
    let err = c.call(pay()).retry_writes().await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    assert_eq!(server.requests(), 3);
    let err = c
        .raw(Method::Post, "/open/order/pay")
        .json(&serde_json::json!({}))
        .idempotent(true)
        .send_value()
        .await
        .unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    assert_eq!(server.requests(), 6);
}

#[tokio::test]
async fn reset_before_any_response_byte() {
    let server = RawServer::start(|s, _req| async move { reset(s) }).await;
    let c = raw_client(&server);
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    assert_eq!(server.requests(), 3);
    let err = c.call(pay()).await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 1, false);
    assert_eq!(server.requests(), 4, "the write reached the server once");
}

#[tokio::test]
async fn clean_close_mid_body() {
    // FIN instead of RST: the body is cut short by a clean close.
    let server = RawServer::start(|mut s, _req| async move {
        write(
            &mut s,
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"code\":200,\"data\":{",
        )
        .await;
        let _ = s.shutdown().await;
    })
    .await;
    let c = raw_client(&server);
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    let err = c.call(pay()).await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 1, false);
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn garbage_instead_of_http() {
    let server = RawServer::start(|mut s, _req| async move {
        write(&mut s, b"SSH-2.0-OpenSSH_9.6\r\n\r\n\x00\xff garbage").await;
    })
    .await;
    let c = raw_client(&server);
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 3, true);
    let err = c.call(pay()).await.unwrap_err();
    assert_transport(&err, TransportKind::Connection, 1, false);
    assert_eq!(server.requests(), 4);
}

// ---------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------

/// Reads the request and never answers (bounded: 10 s).
async fn silent_server() -> RawServer {
    RawServer::start(|s, _req| async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(s);
    })
    .await
}

#[tokio::test]
async fn headers_never_arrive_read_times_out_per_attempt_and_retries() {
    let server = silent_server().await;
    let started = Instant::now();
    let err = impatient(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert_timeout(&err, TimeoutKind::Attempt, 3, true);
    assert_eq!(server.requests(), 3);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn headers_never_arrive_write_is_sent_once() {
    let server = silent_server().await;
    let err = impatient(&server).call(pay()).await.unwrap_err();
    assert_timeout(&err, TimeoutKind::Attempt, 1, false);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn headers_never_arrive_total_timeout_wins() {
    let server = silent_server().await;
    let c = fast(server.base_url())
        .attempt_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_timeout(&err, TimeoutKind::Total, 1, true);
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Headers and 100 of 1000 body bytes, then silence (bounded: 10 s).
async fn stalled_body_server() -> RawServer {
    RawServer::start(|mut s, _req| async move {
        write(
            &mut s,
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
        )
        .await;
        write(&mut s, &[b' '; 100]).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await
}

#[tokio::test]
async fn stalled_body_read_times_out_per_attempt_and_retries() {
    let server = stalled_body_server().await;
    let err = impatient(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert_timeout(&err, TimeoutKind::Attempt, 3, true);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn stalled_body_write_is_sent_once() {
    let server = stalled_body_server().await;
    let err = impatient(&server).call(pay()).await.unwrap_err();
    assert_timeout(&err, TimeoutKind::Attempt, 1, false);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn unbounded_timeouts_do_not_panic() {
    // Regression: `total_timeout(Duration::MAX)` overflowed `Instant + Duration`
    // and panicked inside the call.
    let server = mock_body(200, &ok_body()).await;
    let c = Client::builder()
        .credentials(credentials())
        .base_url(format!("{}/api", server.uri()))
        .attempt_timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::MAX)
                .max_delay(Duration::MAX)
                .max_retry_after(Duration::MAX),
        )
        .build()
        .unwrap();
    let p = c.taobao().product_get("1").await.unwrap();
    assert_eq!(p.title.as_deref(), Some("t"));
}

// ---------------------------------------------------------------------------
// HTTP statuses, with and without Retry-After
// ---------------------------------------------------------------------------

/// For one status: reads and writes, without Retry-After, with
/// `Retry-After: 0` under a 30 s backoff (so only honouring it is fast), with
/// a past HTTP date, and with one beyond the policy's cap.
async fn status_matrix(status: u16) {
    let retried = matches!(status, 429 | 502 | 503 | 504);
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
    let cases: [(Option<&str>, u32); 4] = [
        (None, if retried { 3 } else { 1 }),
        (Some("0"), if retried { 3 } else { 1 }),
        (Some(past.as_str()), if retried { 3 } else { 1 }),
        (Some("3600"), 1),
    ];
    for (retry_after, want_attempts) in cases {
        let mut template = ResponseTemplate::new(status);
        if let Some(ra) = retry_after {
            template = template.insert_header("retry-after", ra);
        }
        let server = mock_always(template).await;
        let builder = fast(format!("{}/api", server.uri()));
        let c = match retry_after {
            // Backoff of 30 s: only an honoured Retry-After keeps this fast.
            Some(_) => builder
                .retry_policy(
                    RetryPolicy::default()
                        .base_delay(Duration::from_secs(30))
                        .max_delay(Duration::from_secs(30)),
                )
                .total_timeout(Duration::from_secs(5)),
            None => builder,
        }
        .build()
        .unwrap();
        let ctx = format!("status {status}, Retry-After {retry_after:?}");

        // Read.
        let started = Instant::now();
        let err = c.taobao().product_get("1").await.unwrap_err();
        match &err {
            Error::Http {
                status: s, reason, ..
            } => {
                assert_eq!(*s, status, "{ctx}");
                if retried && retry_after == Some("3600") {
                    // The error says why it was not retried.
                    assert_eq!(
                        reason,
                        "empty body; Retry-After asks for 3600 s, more than \
                         max_retry_after (30 s): not retried",
                        "{ctx}"
                    );
                } else {
                    assert_eq!(reason, "empty body", "{ctx}");
                }
            }
            other => panic!("{ctx}: {other:?}"),
        }
        assert_eq!(err.is_retryable(), retried || status >= 500, "{ctx}");
        assert_eq!(mock_count(&server).await, want_attempts as usize, "{ctx}");
        assert!(started.elapsed() < Duration::from_secs(3), "{ctx}");

        // Write: exactly once whatever the status says, and never
        // "retryable": a generic retry wrapper must not pay twice.
        let err = c.call(pay()).await.unwrap_err();
        assert!(
            matches!(&err, Error::Http { status: s, .. } if *s == status),
            "{ctx}: {err:?}"
        );
        assert!(
            !err.is_retryable(),
            "{ctx}: a write sent once is not retryable"
        );
        assert_eq!(
            mock_count(&server).await,
            want_attempts as usize + 1,
            "{ctx}: write sent more than once"
        );
    }
}

/// `is_retryable` depends on whether the request was safe to repeat: a 503
/// is retryable for a read and for a write the caller opted in, never for a
/// write (or a raw call) that was deliberately sent once.
#[tokio::test]
async fn a_503_is_retryable_only_when_the_request_was_safe_to_repeat() {
    let server = mock_always(ResponseTemplate::new(503)).await;
    let c = mock_client(&server);
    let read = c.taobao().product_get("1").await.unwrap_err();
    assert!(read.is_retryable(), "{read:?}");
    let write = c.call(pay()).await.unwrap_err();
    assert!(!write.is_retryable(), "{write:?}");
    let opted_in = c.call(pay()).retry_writes().await.unwrap_err();
    assert!(opted_in.is_retryable(), "{opted_in:?}");
    let raw = c
        .raw(Method::Get, "/open/product/get")
        .send_value()
        .await
        .unwrap_err();
    assert!(!raw.is_retryable(), "a raw call is sent once: {raw:?}");
    let raw_safe = c
        .raw(Method::Get, "/open/product/get")
        .idempotent(true)
        .send_value()
        .await
        .unwrap_err();
    assert!(raw_safe.is_retryable(), "{raw_safe:?}");
    for err in [read, write, opted_in, raw, raw_safe] {
        assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    }
}

#[tokio::test]
async fn unreadable_retry_after_stops_after_one_attempt_and_says_so() {
    // Regression (issue 19, finding 5): these values were ignored and the
    // call retried 3 times on its own backoff.
    for value in ["99999999999999999999999", "-1", "3600.0", "1e9", "soon"] {
        for status in [429u16, 503] {
            let template = ResponseTemplate::new(status).insert_header("retry-after", value);
            let server = mock_always(template).await;
            let c = fast(format!("{}/api", server.uri())).build().unwrap();
            let ctx = format!("status {status}, Retry-After {value:?}");
            let err = c.taobao().product_get("1").await.unwrap_err();
            match &err {
                Error::Http {
                    status: s, reason, ..
                } => {
                    assert_eq!(*s, status, "{ctx}");
                    assert!(reason.contains(value), "{ctx}: {reason}");
                    assert!(reason.contains("cannot be waited for"), "{ctx}: {reason}");
                }
                other => panic!("{ctx}: {other:?}"),
            }
            assert_eq!(mock_count(&server).await, 1, "{ctx}");
        }
    }
}

#[tokio::test]
async fn status_500_is_never_retried() {
    status_matrix(500).await;
}

#[tokio::test]
async fn status_502_reads_retry_writes_once() {
    status_matrix(502).await;
}

#[tokio::test]
async fn status_503_reads_retry_writes_once() {
    status_matrix(503).await;
}

#[tokio::test]
async fn status_504_reads_retry_writes_once() {
    status_matrix(504).await;
}

#[tokio::test]
async fn status_429_reads_retry_writes_once() {
    status_matrix(429).await;
}

#[tokio::test]
async fn transient_status_then_success_recovers_reads() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        "GET",
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        2,
        ResponseTemplate::new(200).set_body_raw(ok_body(), "application/json"),
    )
    .await;
    let p = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap();
    assert_eq!(p.title.as_deref(), Some("t"));
    assert_eq!(mock_count(&server).await, 3);

    // An oversized number in the envelope's informational `developId` does
    // not hide the platform's answer.
    let body = r#"{"code":5001,"developId":123456789012345678901234,"msg":"商品不存在"}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.code == 5001 && a.develop_id.is_some()),
        "{err:?}"
    );
}

#[tokio::test]
async fn opted_in_write_retries_on_503() {
    let server = mock_always(ResponseTemplate::new(503)).await;
    let err = mock_client(&server)
        .call(pay())
        .retry_writes()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(mock_count(&server).await, 3);

    // An oversized number in the envelope's informational `developId` does
    // not hide the platform's answer.
    let body = r#"{"code":5001,"developId":123456789012345678901234,"msg":"商品不存在"}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.code == 5001 && a.develop_id.is_some()),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Bodies that are not envelopes
// ---------------------------------------------------------------------------

const GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[tokio::test]
async fn html_gateway_page() {
    let server =
        mock_always(ResponseTemplate::new(502).set_body_raw(GATEWAY_HTML, "text/html")).await;
    let c = mock_client(&server);
    let err = c.taobao().product_get("1").await.unwrap_err();
    let Error::Http {
        status,
        reason,
        body,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, reason.as_str()),
        (502, "HTML or XML page, not JSON")
    );
    assert_eq!(body, GATEWAY_HTML.as_bytes());
    assert!(err.to_string().contains("502 Bad Gateway"));
    assert_eq!(mock_count(&server).await, 3);
    let err = c.call(pay()).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert_eq!(mock_count(&server).await, 4);

    // The same page with a 200 is not retried either.
    let server =
        mock_always(ResponseTemplate::new(200).set_body_raw(GATEWAY_HTML, "text/html")).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 200, reason, .. } if reason.contains("HTML")),
        "{err:?}"
    );
    assert_eq!(mock_count(&server).await, 1);
}

#[tokio::test]
async fn invalid_json() {
    for body in [
        "{code:200}",
        "{\"code\":200,,}",
        "\u{feff}{\"code\":200}",
        "nul",
    ] {
        let server = mock_body(200, body).await;
        let c = mock_client(&server);
        let err = c.taobao().product_get("1").await.unwrap_err();
        assert!(
            matches!(&err, Error::Http { status: 200, reason, body: b, .. }
                if (reason.starts_with("invalid JSON") || reason.starts_with("truncated JSON"))
                    && b == body.as_bytes()),
            "{body:?}: {err:?}"
        );
        let err = c.call(pay()).await.unwrap_err();
        assert!(matches!(err, Error::Http { status: 200, .. }), "{err:?}");
        assert_eq!(mock_count(&server).await, 2, "{body:?}");
    }
}

#[tokio::test]
async fn truncated_json() {
    let full = ok_body();
    for cut in [1, full.len() / 2, full.len() - 1] {
        let body = &full[..cut];
        let server = mock_body(200, body).await;
        let c = mock_client(&server);
        let err = c.taobao().product_get("1").await.unwrap_err();
        assert!(
            matches!(&err, Error::Http { status: 200, reason, .. } if reason.starts_with("truncated JSON")),
            "cut {cut}: {err:?}"
        );
        let err = c.call(pay()).await.unwrap_err();
        assert!(matches!(err, Error::Http { status: 200, .. }), "{err:?}");
        assert_eq!(mock_count(&server).await, 2);
    }
}

// ---------------------------------------------------------------------------
// Size limit
// ---------------------------------------------------------------------------

const TEN_MB: usize = 10 * 1024 * 1024;

/// 10 MB of JSON-ish body, with or without Content-Length.
async fn huge_body_server(chunked: bool) -> RawServer {
    RawServer::start(move |mut s, _req| async move {
        let head = if chunked {
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                .to_owned()
        } else {
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {TEN_MB}\r\n\r\n"
            )
        };
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let block = vec![b' '; 64 * 1024];
        for _ in 0..TEN_MB / block.len() {
            let ok = if chunked {
                let mut c = format!("{:x}\r\n", block.len()).into_bytes();
                c.extend_from_slice(&block);
                c.extend_from_slice(b"\r\n");
                s.write_all(&c).await.is_ok()
            } else {
                s.write_all(&block).await.is_ok()
            };
            if !ok {
                return; // the client gave up reading, as it should
            }
        }
        if chunked {
            let _ = s.write_all(b"0\r\n\r\n").await;
        }
    })
    .await
}

async fn assert_too_large(server: &RawServer) {
    // Default limits (8 MiB, 30 s per attempt), fast retries.
    let c = Client::builder()
        .credentials(credentials())
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                status: 200,
                // The documented default of `ClientBuilder::max_response_bytes`, 8 MiB.
                limit: 8_388_608
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1, "a body over the limit is not retried");
    let err = c.call(pay()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn ten_mb_body_with_content_length() {
    let server = huge_body_server(false).await;
    assert_too_large(&server).await;
}

#[tokio::test]
async fn ten_mb_body_chunked_without_content_length() {
    let server = huge_body_server(true).await;
    assert_too_large(&server).await;
}

// ---------------------------------------------------------------------------
// Values that do not fit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn id_beyond_u64_as_a_number_is_a_decode_error() {
    let body =
        r#"{"code":200,"msg":"成功","data":{"itemId":123456789012345678901234,"title":"t"}}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "data.itemId");
    assert!(d.message.contains("losing digits"), "{}", d.message);
    assert_eq!(d.body, body.as_bytes());
    assert_eq!(d.http_status, 200);
    assert_eq!(
        mock_count(&server).await,
        1,
        "decode errors are not retried"
    );

    // Nested too: the path points into the list.
    let body = r#"{"code":200,"data":{"itemId":1,"skuList":[{"skuId":"1"},{"skuId":99999999999999999999999999}]}}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.path == "data.skuList[1].skuId" && d.message.contains("losing digits")),
        "{err:?}"
    );
}

#[tokio::test]
async fn id_beyond_u64_as_a_string_is_kept_exactly() {
    let body = r#"{"code":200,"data":{"itemId":"123456789012345678901234","shopId":18446744073709551615,"skuList":[{"skuId":"000123456789012345678901234"}]}}"#;
    let server = mock_body(200, body).await;
    let p = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap();
    assert_eq!(
        p.item_id.as_ref().map(|i| i.as_str()),
        Some("123456789012345678901234")
    );
    assert_eq!(p.item_id.as_ref().and_then(|i| i.as_u64()), None);
    assert_eq!(
        p.shop_id.as_ref().map(|i| i.as_str()),
        Some("18446744073709551615")
    );
    assert_eq!(
        p.sku_list[0].sku_id.as_ref().map(|i| i.as_str()),
        Some("000123456789012345678901234")
    );
}

#[tokio::test]
async fn large_number_in_a_text_field_is_not_silently_rounded() {
    // Regression: `categoryId` (a lenient string) turned 123456789012345678901234
    // into "123456789012345680000000" without a word.
    let body = r#"{"code":200,"data":{"itemId":1,"categoryId":123456789012345678901234}}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.path == "data.categoryId" && d.message.contains("losing digits")),
        "{err:?}"
    );
    // Within 64 bits it is kept exactly, and a string is kept as sent.
    let body = r#"{"code":200,"data":{"categoryId":18446744073709551615,"categoryName":"123456789012345678901234"}}"#;
    let server = mock_body(200, body).await;
    let p = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap();
    assert_eq!(p.category_id.as_deref(), Some("18446744073709551615"));
    assert_eq!(p.category_name.as_deref(), Some("123456789012345678901234"));
}

#[tokio::test]
async fn nulls_where_values_were_expected() {
    // Null lists and scalars read as empty / None.
    let body = r#"{"code":200,"msg":null,"requestId":null,"data":{"itemId":null,"title":null,"price":null,"skuList":null,"picUrls":null}}"#;
    let server = mock_body(200, body).await;
    let p = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap();
    assert!(p.item_id.is_none() && p.title.is_none() && p.price.is_none());
    assert!(p.sku_list.is_empty() && p.pic_urls.is_empty());

    // A null where a struct is expected is a clear decode error at its path.
    for (body, want_path, want_msg) in [
        (
            r#"{"code":200,"data":null}"#,
            "data",
            "`data` is missing or null",
        ),
        (r#"{"code":200}"#, "data", "`data` is missing or null"),
    ] {
        let server = mock_body(200, body).await;
        let err = mock_client(&server)
            .taobao()
            .product_get("1")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode(d) if d.path == want_path && d.message.contains(want_msg)),
            "{body}: {err:?}"
        );
    }

    // A null item inside a list carries nothing: it is skipped, the rest of
    // the list is kept (models read null as empty, lists included).
    let server = mock_body(
        200,
        r#"{"code":200,"data":{"skuList":[null,{"skuId":"5"}]}}"#,
    )
    .await;
    let p = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap();
    assert_eq!(p.sku_list.len(), 1);
    assert_eq!(p.sku_list[0].sku_id.as_ref().unwrap(), "5");

    // A null `code` means it is not an envelope at all.
    let server = mock_body(200, r#"{"code":null,"data":{}}"#).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { reason, .. } if reason.contains("`code`")),
        "{err:?}"
    );

    // `data: null` is fine where the caller asked for a Value or an Option.
    let server = mock_body(200, r#"{"code":200,"data":null}"#).await;
    let c = mock_client(&server);
    let v = c.raw(Method::Get, "/x").send_value().await.unwrap();
    assert!(v.data.is_null());
    let o = c
        .raw(Method::Get, "/x")
        .send::<Option<xportcn::taobao::Product>>()
        .await
        .unwrap();
    assert!(o.data.is_none());
}

#[tokio::test]
async fn non_success_envelope_code() {
    let body = r#"{"requestId":"rq-1","code":500,"developId":"1014533973088404335","msg":"系统繁忙","data":{"detail":"x"}}"#;
    let server = mock_body(200, body).await;
    let c = mock_client(&server);
    let err = c.taobao().product_get("1").await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.code, api.msg.as_str(), api.http_status),
        (500, "系统繁忙", 200)
    );
    assert_eq!(api.request_id.as_deref(), Some("rq-1"));
    let data: serde_json::Value = api.data_as().unwrap().unwrap();
    assert_eq!(data["detail"], "x");
    assert!(api.hint.is_none());
    assert!(!err.is_retryable());
    assert_eq!(
        mock_count(&server).await,
        1,
        "platform errors are not retried"
    );
    let err = c.call(pay()).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(mock_count(&server).await, 2);

    // An error envelope behind a 503 is retried for reads (the status says
    // transient), then surfaces as the platform error with the HTTP status.
    let server = mock_body(503, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.code == 500 && a.http_status == 503),
        "{err:?}"
    );
    assert_eq!(mock_count(&server).await, 3);

    // An oversized number in the envelope's informational `developId` does
    // not hide the platform's answer.
    let body = r#"{"code":5001,"developId":123456789012345678901234,"msg":"商品不存在"}"#;
    let server = mock_body(200, body).await;
    let err = mock_client(&server)
        .taobao()
        .product_get("1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(a) if a.code == 5001 && a.develop_id.is_some()),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Pooled connections the server closed while idle
// ---------------------------------------------------------------------------

/// Answers with keep-alive, then closes the idle connection after 50 ms (as a
/// server whose idle timeout is shorter than the client pool's): with a FIN,
/// or with an RST.
async fn idle_closing_server(rst: bool) -> RawServer {
    RawServer::start(move |mut s, req| async move {
        let body = if req.method == "POST" {
            envelope(serde_json::json!({"ok": true})).to_string()
        } else {
            ok_body()
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        write(&mut s, head.as_bytes()).await;
        write(&mut s, body.as_bytes()).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        if rst {
            reset(s);
        } else {
            let _ = s.shutdown().await;
        }
    })
    .await
}

#[tokio::test]
async fn write_on_a_pool_whose_connection_the_server_closed_is_delivered_once() {
    for rst in [false, true] {
        let server = idle_closing_server(rst).await;
        let c = raw_client(&server);
        c.taobao().product_get("1").await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        // The pooled connection is dead; the write must still go out exactly once.
        c.call(pay()).await.unwrap();
        assert_eq!(server.requests(), 2, "rst={rst}");
        assert_eq!(server.connections(), 2, "rst={rst}");
    }
}

// ---------------------------------------------------------------------------
// Raw calls are sent once unless marked idempotent
// ---------------------------------------------------------------------------

#[tokio::test]
async fn raw_get_against_503_is_sent_once_unless_marked_idempotent() {
    let server = mock_body(503, "").await;
    let c = mock_client(&server);
    // A raw GET may be a write: sent exactly once by default.
    let err = c.raw(Method::Get, "/x").send_value().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(
        mock_count(&server).await,
        1,
        "a raw GET reached the server once"
    );
    // Marked idempotent by the caller: retried as configured.
    let err = c
        .raw(Method::Get, "/x")
        .idempotent(true)
        .send_value()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(mock_count(&server).await, 4);
}

// ---------------------------------------------------------------------------
// Redirects are never followed: the signed request goes nowhere else
// ---------------------------------------------------------------------------

/// One redirect case: `status` pointing at `other` (another server on
/// 127.0.0.1) or at the same server, for a typed read, a typed write and a
/// raw write.
async fn redirect_case(status: u16, same_host: bool) {
    let other =
        mock_always(ResponseTemplate::new(200).set_body_raw(ok_body(), "application/json")).await;
    let server = MockServer::start().await;
    let target = if same_host {
        format!("{}/api/elsewhere", server.uri())
    } else {
        format!("{}/api/open/order/pay", other.uri())
    };
    Mock::given(wiremock::matchers::path_regex("^/api/(open|x)"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/api/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ok_body(), "application/json"))
        .mount(&server)
        .await;
    let c = mock_client(&server);
    let assert_redirect = |err: &Error| {
        match err {
            Error::Redirect {
                status: s,
                location,
            } => {
                assert_eq!(*s, status);
                assert_eq!(location.as_deref(), Some(target.as_str()));
            }
            other => panic!("{status}: expected Redirect, got {other:?}"),
        }
        assert!(!err.is_retryable());
        assert_eq!(err.status(), Some(status));
    };

    // Read: not followed, not retried.
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_redirect(&err);
    assert_eq!(mock_count(&server).await, 1, "{status}: read sent once");
    // Write (typed): sent exactly once.
    let err = c.call(pay()).await.unwrap_err();
    assert_redirect(&err);
    assert_eq!(mock_count(&server).await, 2, "{status}: write sent once");
    // Write opted into retries: a redirect is still not retried.
    let err = c.call(pay()).retry_writes().await.unwrap_err();
    assert_redirect(&err);
    assert_eq!(mock_count(&server).await, 3);
    // Raw write marked idempotent: same.
    let err = c
        .raw(Method::Post, "/open/order/pay")
        .json(&serde_json::json!({"orderId": "1"}))
        .idempotent(true)
        .send_value()
        .await
        .unwrap_err();
    assert_redirect(&err);
    assert_eq!(mock_count(&server).await, 4);
    // Nothing reached the redirect target.
    assert_eq!(mock_count(&other).await, 0, "{status}: other host reached");
    let followed = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/api/elsewhere")
        .count();
    assert_eq!(followed, 0, "{status}: same-host Location followed");
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        redirect_case(status, false).await;
    }
}

#[tokio::test]
async fn redirects_to_the_same_host_are_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        redirect_case(status, true).await;
    }
}

#[tokio::test]
async fn redirect_without_location_is_typed_too() {
    let server = mock_always(ResponseTemplate::new(302)).await;
    let err = mock_client(&server).call(pay()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Redirect {
                status: 302,
                location: None
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("302"), "{err}");
    assert_eq!(mock_count(&server).await, 1);
}

/// A body that is JSON but not an envelope object: the error says what was
/// expected in the user's terms, never an internal type name.
#[tokio::test]
async fn a_json_value_that_is_not_an_envelope_is_described_without_internal_names() {
    for body in [r#""x""#, "42", "[1, 2]", r#"{"code": []}"#] {
        let server = mock_always(ResponseTemplate::new(200).set_body_string(body)).await;
        let err = mock_client(&server)
            .taobao()
            .product_get("1")
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Http { .. }), "{body}: {text}");
        assert!(!text.contains("Envelope<"), "{body}: {text}");
        assert!(!text.contains("RawEnvelope"), "{body}: {text}");
        assert!(!text.contains("struct Envelope"), "{body}: {text}");
    }
}
