//! The endpoint layer: path generations, path evidence, the query-string
//! signing placement, paged streams, and spawnable calls.
use crate::common;

use common::*;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use xportcn::Error;
use xportcn::aftersale::RefundRenderRequest;
use xportcn::ali1688::KeywordSearchRequest;
use xportcn::endpoint::Generation;
use xportcn::endpoint::{Endpoint, endpoint};
use xportcn::model::model;
use xportcn::signing::TimestampUnit;

// --- test endpoints, declared as a user crate would -------------------------

/// What the test endpoints answer.
#[model]
pub struct Echo {
    /// Anything.
    pub ok: Option<bool>,
}

/// A read whose v1 path is only guessed.
#[endpoint(
    id = "TEST-GUESSED-READ",
    method = GET,
    v1 = guessed("/open/thing/list", "naming convention"),
    response = Echo,
    idempotent
)]
pub struct GuessedRead {
    /// A filter.
    pub name: Option<String>,
}

/// A write whose v1 path is only guessed.
#[endpoint(
    id = "TEST-GUESSED-WRITE",
    method = POST,
    v1 = guessed("/open/thing/pay", "naming convention"),
    v2 = verified("/v2/taobao/thing/pay", "https://example.invalid/page"),
    response = Echo,
    write
)]
pub struct GuessedWrite {
    /// The order.
    pub order_id: String,
}

/// A warehouse-logistics style endpoint: signed in the query string.
#[endpoint(
    id = "TEST-QUERY-SIGNED",
    method = POST,
    v1 = verified("/open/pp/logistics/thing", "https://example.invalid/page"),
    response = Echo,
    write,
    signing = query
)]
pub struct QuerySigned {
    /// A field of the body.
    pub item_id: String,
}

// --- generations ------------------------------------------------------------

fn render_mock(p: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path(p))
        .and(signed())
        .and(body_json(
            json!({"subOrderId": "1034499579120189839", "goodsStatus": 1, "refundType": 1}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(json!({"currency": "CNY"}))),
        )
        .expect(1)
}

#[tokio::test]
async fn each_generation_sends_its_own_path() {
    let server = MockServer::start().await;
    render_mock("/api/open/order/refund/render")
        .mount(&server)
        .await;
    render_mock("/api/v2/taobao/order/refund/render")
        .mount(&server)
        .await;
    let req = || RefundRenderRequest::new("1034499579120189839", 1, 1);

    let v1 = builder(&server).build().unwrap();
    assert_eq!(v1.generation(), Generation::V1);
    let r = v1.call(req()).await.unwrap();
    assert_eq!(r.currency.as_deref(), Some("CNY"));

    let v2 = builder(&server).generation(Generation::V2).build().unwrap();
    v2.call(req()).await.unwrap();
}

#[tokio::test]
async fn override_path_wins_over_the_generation() {
    let server = MockServer::start().await;
    render_mock("/api/custom/render").mount(&server).await;
    let client = builder(&server)
        .generation(Generation::V2)
        .override_path("TB-A2", "/custom/render")
        .build()
        .unwrap();
    client
        .call(RefundRenderRequest::new("1034499579120189839", 1, 1))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unknown_path_fails_before_sending_and_names_the_fix() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    // AL-O11 (1688 order detail) has no known v2 path.
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let err = client
        .call(xportcn::ali1688::OrderDetailRequest::new(
            "3305075341149134260",
        ))
        .await
        .unwrap_err();
    match &err {
        Error::PathUnavailable {
            endpoint,
            generation,
            ..
        } => {
            assert_eq!(*endpoint, "AL-O11");
            assert_eq!(*generation, Generation::V2);
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("override_path(\"AL-O11\""), "{text}");
    assert!(text.contains("v2"), "{text}");
}

#[tokio::test]
async fn a_write_on_a_guessed_path_is_never_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({}))))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .call(GuessedWrite {
            order_id: "1".into(),
        })
        .retry_writes()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(
        err,
        Error::PathUnavailable {
            endpoint: "TEST-GUESSED-WRITE",
            ..
        }
    ));
    assert!(
        text.contains("guessed") && text.contains("override_path(\"TEST-GUESSED-WRITE\""),
        "{text}"
    );
}

#[tokio::test]
async fn a_guessed_write_is_sent_in_the_generation_where_it_is_verified() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .override_path("TEST-GUESSED-WRITE", "/open/order/thing/pay")
        .build();
    // A test endpoint is not in the SDK's registry: override_path refuses it.
    assert!(matches!(client, Err(Error::Config(m)) if m.contains("TEST-GUESSED-WRITE")));
    // The verified v2 path is sent.
    let server2 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/taobao/thing/pay"))
        .and(body_json(json!({"orderId": "1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({"ok": true}))))
        .expect(1)
        .mount(&server2)
        .await;
    let v2 = builder(&server2)
        .generation(Generation::V2)
        .build()
        .unwrap();
    let r = v2
        .call(GuessedWrite {
            order_id: "1".into(),
        })
        .await
        .unwrap();
    assert_eq!(r.ok, Some(true));
}

#[tokio::test]
async fn a_guessed_read_is_sent_and_its_404_says_it_was_guessed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/open/thing/list"))
        .and(query_param("name", "x"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .mount(&server)
        .await;
    let err = client(&server)
        .call(GuessedRead {
            name: Some("x".into()),
        })
        .await
        .unwrap_err();
    match &err {
        Error::GuessedPathNotFound { endpoint, path, .. } => {
            assert_eq!(*endpoint, "TEST-GUESSED-READ");
            assert_eq!(path, "/open/thing/list");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(404));
    assert!(
        err.to_string()
            .contains("override_path(\"TEST-GUESSED-READ\"")
    );
}

// --- query-string signing ---------------------------------------------------

#[tokio::test]
async fn query_signing_puts_timestamp_and_sign_in_the_query() {
    for (unit, digits) in [(TimestampUnit::Millis, 13), (TimestampUnit::Seconds, 10)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/open/pp/logistics/thing"))
            .and(QuerySignedBy { digits })
            .and(body_json(json!({"itemId": "2048020617114736"})))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({"ok": true}))))
            .expect(1)
            .mount(&server)
            .await;
        let client = builder(&server).timestamp_unit(unit).build().unwrap();
        let r = client
            .call(QuerySigned {
                item_id: "2048020617114736".into(),
            })
            .await
            .unwrap();
        assert_eq!(r.ok, Some(true));
    }
    assert_eq!(QuerySigned::SPEC.signing, xportcn::endpoint::Signing::Query);
}

// --- pagination -------------------------------------------------------------

/// Serves AL-P4 pages: `sizes[i]` items on page i+1 (pages past the list are
/// empty), with `total` records, or a 500 on `fail_on`.
struct Pages {
    sizes: Vec<usize>,
    total: u64,
    fail_on: Option<u64>,
}

impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let page = body["beginPage"].as_u64().unwrap();
        if Some(page) == self.fail_on {
            return ResponseTemplate::new(200).set_body_json(json!({
                "requestId": "x", "code": 500, "msg": "系统繁忙", "data": null
            }));
        }
        let n = self.sizes.get(page as usize - 1).copied().unwrap_or(0);
        let items: Vec<_> = (0..n)
            .map(|i| json!({"subject": format!("p{page}-{i}"), "imageUrl": "u"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(envelope(json!({
            "totalRecords": self.total,
            "totalPage": serde_json::Value::Null,
            "pageSize": 3,
            "currentPage": page,
            "data": items,
        })))
    }
}

async fn page_server(pages: Pages) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/alibaba/product/keywords/query"))
        .and(signed())
        .respond_with(pages)
        .mount(&server)
        .await;
    server
}

/// 10 items: three full pages of 3 and a last page of 1.
async fn ten_items_in_four_pages() -> MockServer {
    page_server(Pages {
        sizes: vec![3, 3, 3, 1],
        total: 10,
        fail_on: None,
    })
    .await
}

fn search() -> KeywordSearchRequest {
    KeywordSearchRequest::builder()
        .keyword("男鞋")
        .page_size(3)
        .build()
}

async fn pages_asked(server: &MockServer) -> Vec<u64> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["beginPage"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn three_full_pages_and_a_short_last_page() {
    let server = ten_items_in_four_pages().await;
    let items: Vec<_> = client(&server)
        .call(search())
        .pages()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = items.iter().filter_map(|o| o.subject.clone()).collect();
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "p1-0");
    assert_eq!(names[9], "p4-0");
    assert_eq!(pages_asked(&server).await, [1, 2, 3, 4]);
}

#[tokio::test]
async fn a_short_page_ends_the_list_without_a_total() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/alibaba/product/keywords/query"))
        .respond_with(NoTotal)
        .mount(&server)
        .await;
    let n = client(&server).call(search()).pages().count().await;
    assert_eq!(n, 7);
    assert_eq!(pages_asked(&server).await, [1, 2, 3]);
}

/// 3, 3, then 1 item; no total fields at all.
struct NoTotal;

impl Respond for NoTotal {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let page = body["beginPage"].as_u64().unwrap();
        let n = if page < 3 { 3 } else { 1 };
        let items: Vec<_> = (0..n).map(|i| json!({"subject": i})).collect();
        ResponseTemplate::new(200).set_body_json(envelope(json!({"data": items})))
    }
}

#[tokio::test]
async fn an_empty_first_page_yields_nothing() {
    let server = page_server(Pages {
        sizes: vec![],
        total: 0,
        fail_on: None,
    })
    .await;
    let items: Vec<_> = client(&server)
        .call(search())
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(pages_asked(&server).await, [1]);
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_page_cap_and_says_so() {
    // Every page is full and the total is huge.
    let server = page_server(Pages {
        sizes: vec![3; 1000],
        total: 1_000_000_000,
        fail_on: None,
    })
    .await;
    let results: Vec<_> = client(&server)
        .call(search())
        .pages()
        .max_pages(5)
        .collect()
        .await;
    assert_eq!(results.len(), 16);
    assert!(results[..15].iter().all(Result::is_ok));
    assert!(matches!(results[15], Err(Error::PageLimit { pages: 5 })));
    assert_eq!(pages_asked(&server).await, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_and_ends_the_stream() {
    let server = page_server(Pages {
        sizes: vec![3, 3, 3],
        total: 9,
        fail_on: Some(2),
    })
    .await;
    let results: Vec<_> = client(&server).call(search()).pages().collect().await;
    assert_eq!(results.len(), 4);
    assert!(results[..3].iter().all(Result::is_ok));
    match &results[3] {
        Err(Error::Api(e)) => assert_eq!(e.code, 500),
        other => panic!("{other:?}"),
    }
    assert_eq!(pages_asked(&server).await, [1, 2]);
}

#[tokio::test]
async fn the_stream_starts_at_the_requested_page() {
    let server = page_server(Pages {
        sizes: vec![3, 3, 2],
        total: 8,
        fail_on: None,
    })
    .await;
    let mut req = search();
    req.begin_page = 2;
    let n = client(&server).call(req).pages().count().await;
    assert_eq!(n, 5);
    assert_eq!(pages_asked(&server).await, [2, 3]);
}

// --- spawnable calls --------------------------------------------------------

/// Compile-time: a typed call is `'static + Send` and goes straight into
/// `tokio::spawn`, with no `async move` around a clone.
#[tokio::test]
async fn a_typed_call_can_be_spawned_directly() {
    fn assert_static_send<T: Send + 'static>(_: &T) {}
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/open/product/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({"itemId": 1}))))
        .mount(&server)
        .await;
    let client = client(&server);
    // The fluent builder borrows the client; the call it finishes into, and
    // that call's future, own a clone of it.
    assert_static_send(&client.taobao().product_get("1").call());
    let call = client.taobao().product_get("1").into_future();
    assert_static_send(&call);
    let handle = tokio::spawn(call);
    drop(client);
    let product = handle.await.unwrap().unwrap();
    assert_eq!(product.item_id.unwrap(), "1");
    let stream = {
        let c = common::client(&server);
        c.call(search()).pages()
    };
    assert_static_send(&stream);
}

// --- calls by declaration (`Client::endpoint`) ------------------------------

#[tokio::test]
async fn by_declaration_a_guessed_write_is_refused_unsent() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let result = client(&server)
        .endpoint(&GuessedWrite::SPEC)
        .json(&json!({"orderId": "1"}))
        .send_value()
        .await;
    refused_unsent(&server, "TEST-GUESSED-WRITE", result).await;
}

#[tokio::test]
async fn by_declaration_a_guessed_read_404_says_it_was_guessed() {
    let server = MockServer::start().await;
    let err = client(&server)
        .endpoint(&GuessedRead::SPEC)
        .send_value()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::GuessedPathNotFound { endpoint: "TEST-GUESSED-READ", path, .. } if path == "/open/thing/list"),
        "{err:?}"
    );
}

#[tokio::test]
async fn by_declaration_signs_where_the_typed_call_does() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/open/pp/logistics/thing"))
        .and(signed())
        .and(QuerySignedBy { digits: 10 })
        .and(body_json(json!({"itemId": "2048020617114736"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({"ok": true}))))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server)
        .endpoint(&QuerySigned::SPEC)
        .json(&json!({"itemId": "2048020617114736"}))
        .send_value()
        .await
        .unwrap();
    assert_eq!(r.data, json!({"ok": true}));
}

#[tokio::test]
async fn by_declaration_a_paged_list_pages_like_the_typed_stream() {
    let server = ten_items_in_four_pages().await;
    let spec = xportcn::endpoint::find("AL-P4").unwrap();
    assert_eq!(
        spec.paging,
        Some(xportcn::endpoint::Paging::new(
            "beginPage",
            Some("pageSize"),
            "data",
            Some("totalRecords"),
            Some("totalPage"),
        ))
    );
    let items: Vec<serde_json::Value> = client(&server)
        .endpoint(spec)
        .json(&json!({"keyword": "男鞋", "pageSize": 3}))
        .pages(100)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(items[9]["subject"], "p4-0");
    assert_eq!(pages_asked(&server).await, [1, 2, 3, 4]);
}

#[tokio::test]
async fn by_declaration_only_a_paged_list_pages() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let c = client(&server);
    let spec = xportcn::endpoint::find("TB-P8").unwrap();
    assert_eq!(spec.paging, None);
    for call in [
        c.endpoint(spec),
        c.raw(xportcn::endpoint::Method::Get, "/open/x"),
    ] {
        let items: Vec<_> = call.pages(10).collect().await;
        assert!(
            matches!(items.as_slice(), [Err(Error::Request(_))]),
            "{items:?}"
        );
    }
}
