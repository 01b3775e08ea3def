//! The HTTP core against a loopback mock: signing, retries, errors, limits.
use crate::common;

use std::future::IntoFuture;
use std::time::Duration;

use common::*;
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use xportcn::Error;
use xportcn::endpoint::Method;
use xportcn::error::{TimeoutKind, TransportKind};
use xportcn::signing::TimestampUnit;

fn ok_product() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(envelope(serde_json::json!({"itemId": 1, "title": "t"})))
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn server_recomputes_the_signature_from_received_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_product())
        .mount(&server)
        .await;
    client(&server).taobao().product_get("1").await.unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    let (ts, nonce, sig) = (
        header(r, "timestamp"),
        header(r, "nonce-str"),
        header(r, "signature"),
    );
    assert_eq!(header(r, "access-key"), ACCESS_KEY);
    assert_eq!(header(r, "user-id"), USER_ID);
    assert_eq!(sig, independent_signature(ACCESS_KEY, ts, nonce, SECRET));
    assert_eq!(nonce.len(), 32);
    assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric()));
    // Seconds by default (what both public clients send): 10 digits, close
    // to now.
    assert_eq!(ts.len(), 10);
    let now_s = TimestampUnit::Seconds.now();
    assert!(now_s.abs_diff(ts.parse::<u64>().unwrap()) < 60);
}

#[tokio::test]
async fn timestamp_unit_can_be_pinned_either_way() {
    for (unit, digits, slack) in [
        (TimestampUnit::Millis, 13, 60_000),
        (TimestampUnit::Seconds, 10, 60),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(signed())
            .respond_with(ok_product())
            .expect(1)
            .mount(&server)
            .await;
        let client = builder(&server).timestamp_unit(unit).build().unwrap();
        client.taobao().product_get("1").await.unwrap();
        let reqs = received(&server).await;
        let ts = header(&reqs[0], "timestamp");
        assert_eq!(ts.len(), digits, "{unit:?}");
        assert!(unit.now().abs_diff(ts.parse::<u64>().unwrap()) < slack);
    }
}

#[tokio::test]
async fn every_retry_is_signed_afresh() {
    let server = MockServer::start().await;
    fail_then_succeed(&server, "GET", ResponseTemplate::new(503), 2, ok_product()).await;

    client(&server).taobao().product_get("1").await.unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    let nonces: std::collections::HashSet<_> = reqs
        .iter()
        .map(|r| header(r, "nonce-str").to_owned())
        .collect();
    assert_eq!(nonces.len(), 3, "each attempt needs its own nonce");
    for r in &reqs {
        let (ts, nonce) = (header(r, "timestamp"), header(r, "nonce-str"));
        assert_eq!(
            header(r, "signature"),
            independent_signature(ACCESS_KEY, ts, nonce, SECRET)
        );
    }
}

#[tokio::test]
async fn reads_are_retried_on_transient_statuses() {
    for status in [429u16, 502, 503, 504] {
        let server = MockServer::start().await;
        fail_then_succeed(
            &server,
            "GET",
            ResponseTemplate::new(status),
            1,
            ok_product(),
        )
        .await;
        client(&server).taobao().product_get("1").await.unwrap();
        assert_eq!(received(&server).await.len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn reads_are_not_retried_on_500_or_platform_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn reads_give_up_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err}");
    assert!(err.is_retryable());
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn writes_are_sent_exactly_once() {
    for status in [429u16, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let c = client(&server);
        let err = c
            .call(PayOrder {
                order_id: "1".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(received(&server).await.len(), 1, "status {status}");
        // The raw escape hatch treats POST as a write too.
        let err = c
            .raw(Method::Post, "/open/order/pay")
            .json(&serde_json::json!({}))
            .send_value()
            .await;
        assert!(err.is_err());
        assert_eq!(received(&server).await.len(), 2);
    }
}

#[tokio::test]
async fn writes_retry_only_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/open/order/pay"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({"ok": true}))),
        )
        .mount(&server)
        .await;
    client(&server)
        .call(PayOrder {
            order_id: "1".into(),
        })
        .retry_writes()
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        "GET",
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        1,
        ok_product(),
    )
    .await;
    client(&server).taobao().product_get("1").await.unwrap();
    assert_eq!(received(&server).await.len(), 2);

    // A Retry-After beyond the policy's cap ends the call at once.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn api_error_carries_code_msg_ids_and_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"requestId":"req-9","code":5001,"developId":1110890638347337996,"msg":"商品不存在","data":null}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code, 5001);
    assert_eq!(api.msg, "商品不存在");
    assert_eq!(api.request_id.as_deref(), Some("req-9"));
    assert_eq!(api.develop_id.as_deref(), Some("1110890638347337996"));
    assert_eq!(api.http_status, 200);
    assert!(!api.is_signature_problem());
    assert!(err.to_string().contains("5001") && err.to_string().contains("req-9"));
}

#[tokio::test]
async fn signature_failures_explain_what_to_check() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(
            {"requestId": "r", "code": 401, "msg": "签名错误 signature error", "data": null}
        )))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("clock") && text.contains("timestamp_unit"),
        "{text}"
    );
    assert!(
        text.contains(ACCESS_KEY) && text.contains("<access_secret>"),
        "{text}"
    );
    assert!(!text.contains(SECRET));
}

#[tokio::test]
async fn html_error_page_is_a_typed_http_error() {
    let server = MockServer::start().await;
    let html =
        "<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    let Error::Http {
        status,
        reason,
        body,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 500);
    assert!(reason.contains("HTML"));
    assert_eq!(body, html.as_bytes());
    assert!(err.to_string().contains("500 Internal Server Error"));
}

#[tokio::test]
async fn empty_invalid_and_truncated_bodies() {
    let cases = [
        ("", "empty body"),
        ("not json at all", "invalid JSON"),
        (r#"{"code":200,"data":{"itemId":1,"ti"#, "truncated JSON"),
        (r#"{"status":"ok"}"#, "without"),
    ];
    for (body, want) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let err = client(&server).taobao().product_get("1").await.unwrap_err();
        match &err {
            Error::Http {
                status: 200,
                reason,
                body: raw,
                ..
            } => {
                assert!(reason.contains(want), "{body:?}: {reason}");
                assert_eq!(raw, body.as_bytes());
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn decode_error_names_the_json_path_and_keeps_the_body() {
    let server = MockServer::start().await;
    let body = r#"{"code":200,"msg":"成功","data":{"itemId":1,"skuList":[{"skuId":"1"},{"skuId":"2","price":"abc"}]}}"#;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let err = client(&server).taobao().product_get("1").await.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.path, "data.skuList[1].price");
    assert!(d.message.contains("abc"), "{}", d.message);
    assert_eq!(d.body, body.as_bytes());
}

#[tokio::test]
async fn per_attempt_timeout_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok_product().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .call(PayOrder {
            order_id: "1".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                attempts: 1,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn total_timeout_bounds_the_whole_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_product().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .attempt_timeout(Duration::from_secs(2))
        .total_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.taobao().product_get("1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_and_reads_retry() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = xportcn::Client::builder()
        .credentials(credentials())
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(xportcn::retry::RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.taobao().product_get("1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Connect,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 4096], "application/json"))
        .mount(&server)
        .await;
    let client = builder(&server).max_response_bytes(1024).build().unwrap();
    let err = client.taobao().product_get("1").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                status: 200,
                limit: 1024
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn raw_escape_hatch_calls_any_path_with_any_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/taobao/product/item/search"))
        .and(wiremock::matchers::body_json(
            serde_json::json!({"keyword": "电动车", "pageNo": 1}),
        ))
        .and(signed())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({"total": 7}))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server)
        .raw(Method::Post, "/v2/taobao/product/item/search")
        .json(&serde_json::json!({"keyword": "电动车", "pageNo": 1}))
        .idempotent(true)
        .send_value()
        .await
        .unwrap();
    assert_eq!(resp.data["total"], 7);
    assert_eq!(
        resp.request_id.as_deref(),
        Some("4cfda0b725184ab8a1e3ee3b9051ec35")
    );

    #[derive(Deserialize)]
    struct Total {
        total: u32,
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/taobao/order/refund/query"))
        .and(wiremock::matchers::query_param("refundId", "TQ1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({"total": 3}))),
        )
        .mount(&server)
        .await;
    let resp = client(&server)
        .raw(Method::Get, "/v2/taobao/order/refund/query")
        .query(&[("refundId", "TQ1")])
        .send::<Total>()
        .await
        .unwrap();
    assert_eq!(resp.data.total, 3);
}

#[tokio::test]
async fn secret_never_appears_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"code": 403, "msg": "sign error"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.taobao().product_get("1").await.unwrap_err();
    for text in [
        format!("{client:?}"),
        format!("{:?}", credentials()),
        format!("{:?}", builder(&server)),
        format!("{err}"),
        format!("{err:?}"),
    ] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[test]
fn client_and_futures_are_send_and_sync() {
    fn is_send<T: Send>(_: &T) {}
    fn is_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    is_send_sync_clone::<xportcn::Client>();
    let client = xportcn::Client::builder()
        .credentials(credentials())
        .build()
        .unwrap();
    let fut = client.taobao().product_get("1").into_future();
    is_send(&fut);
    let fut = client.taobao().product_get("1").send_full();
    is_send(&fut);
    let fut = client.raw(Method::Get, "/x").send_value();
    is_send(&fut);
}
