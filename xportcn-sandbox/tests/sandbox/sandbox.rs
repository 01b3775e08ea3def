//! The sandbox itself: it authenticates like the platform, serves every
//! registered endpoint in both path generations, injects failures, retries
//! pushes like the platform, and stops when asked.

use crate::common;

use common::{assert_api_code, taobao_receiver};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use xportcn::endpoint::{self, Evidence, Generation, Method, Signing};
use xportcn::logistics::FreightPreviewRequest;
use xportcn::poizon::KeywordSearchRequest;
use xportcn::retry::RetryPolicy;
use xportcn::signing::{TimestampUnit, sign};
use xportcn::{Credentials, Error};
use xportcn_sandbox::{Clock, Failure, STAND_IN_PREFIX, Sandbox, codes};

const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const SECRET: &str = "s3cr3t";
const USER: &str = "2100007341207";

fn creds() -> Credentials {
    Credentials::new(KEY, SECRET, USER)
}

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .credentials(creds())
        .start()
        .await
        .unwrap()
}

/// A sandbox that also serves the stand-in paths (opt-in).
async fn sandbox_with_stand_ins() -> Sandbox {
    Sandbox::builder()
        .credentials(creds())
        .stand_ins(true)
        .start()
        .await
        .unwrap()
}

fn now_ms() -> String {
    TimestampUnit::Millis.now().to_string()
}

/// A request signed in the test (not by the SDK), with every header and
/// the query-string `timestamp`/`sign` the caller asks for.
struct Signed<'a> {
    method: Method,
    path: &'a str,
    timestamp: String,
    nonce: String,
    secret: &'a str,
    skip_header: Option<&'a str>,
    query_sign: bool,
    body: Option<Value>,
}

impl<'a> Signed<'a> {
    fn new(method: Method, path: &'a str) -> Self {
        Signed {
            method,
            path,
            timestamp: now_ms(),
            nonce: format!("{:032}", rand_u64()),
            secret: SECRET,
            skip_header: None,
            query_sign: false,
            body: None,
        }
    }

    async fn send(&self, base: &str) -> (u16, Value) {
        let signature = sign(KEY, &self.timestamp, &self.nonce, self.secret);
        let mut url = format!("{base}{}", self.path);
        if self.query_sign {
            url.push_str(&format!("?timestamp={}&sign={signature}", self.timestamp));
        }
        let http = xportcn::reqwest::Client::new();
        let mut req = match self.method {
            Method::Get => http.get(&url),
            _ => http
                .post(&url)
                .header("content-type", "application/json")
                .body(self.body.as_ref().unwrap_or(&json!({})).to_string()),
        };
        for (k, v) in [
            ("access-key", KEY),
            ("timestamp", self.timestamp.as_str()),
            ("nonce-str", self.nonce.as_str()),
            ("user-id", USER),
            ("signature", signature.as_str()),
        ] {
            if Some(k) != self.skip_header {
                req = req.header(k, v);
            }
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        )
    }
}

fn rand_u64() -> u64 {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst) as u64;
    std::process::id() as u64 * 1_000_003 + n
}

/// Fills `{name}` placeholders with a made-up value.
fn concrete(path: &str) -> String {
    path.replace("{refundId}", "110002685755")
}

#[tokio::test]
async fn every_registered_endpoint_is_served_at_each_known_path_and_its_stand_in() {
    let sb = sandbox_with_stand_ins().await;
    let mut served = 0;
    for spec in endpoint::all() {
        let mut paths: Vec<String> = [Generation::V1, Generation::V2]
            .into_iter()
            .filter_map(|g| spec.path(g))
            .map(concrete)
            .collect();
        paths.push(format!("{STAND_IN_PREFIX}{}", spec.id));
        for path in paths {
            let mut req = Signed::new(spec.method, &path);
            req.query_sign = spec.signing == Signing::Query;
            let (status, body) = req.send(sb.base_url()).await;
            assert_eq!(status, 200, "{} {path}: {body}", spec.id);
            let code = body["code"].as_i64().unwrap();
            // Served: authenticated and routed. Stateful endpoints may refuse
            // an empty request with a parameter error, never an auth or
            // routing one.
            assert!(
                code == codes::SUCCESS
                    || code == codes::INVALID_PARAMETER
                    || code == codes::NOT_FOUND,
                "{} {path}: {body}",
                spec.id
            );
            served += 1;
        }
    }
    assert!(served > endpoint::all().len(), "{served}");
    // Each request was attributed to an endpoint with that method.
    for r in sb.requests() {
        assert!(r.endpoint.is_some(), "{r}");
    }
}

#[tokio::test]
async fn an_endpoint_of_unknown_shape_gets_a_lossless_echo_through_its_typed_method() {
    // Poizon search: path unknown in both generations. The shipped client
    // refuses it; the sandbox client with stand-ins sends it to the stand-in
    // path.
    let sb = sandbox_with_stand_ins().await;
    let req = KeywordSearchRequest::builder()
        .build()
        .param("keyword", "sneakers")
        .param("pageNo", 1);
    let shipped = sb.shipped_client_builder().build().unwrap();
    let err = shipped.call(req.clone()).await.unwrap_err();
    assert!(matches!(err, Error::PathUnavailable { .. }), "{err}");
    assert!(sb.requests().is_empty());
    let answer = sb.client().call(req).await.unwrap();
    let answer: Value = serde_json::from_str(answer.get()).unwrap();
    assert_eq!(
        answer,
        json!({"sandbox": true, "endpoint": "PZ-1",
               "request": {"body": {"keyword": "sneakers", "pageNo": 1}}})
    );
    // v2 too.
    let v2 = sb.client_builder_for(Generation::V2).build().unwrap();
    v2.call(KeywordSearchRequest::builder().build())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_client_builder_overrides_exactly_the_paths_the_shipped_client_refuses() {
    // By default, the sandbox's client is the shipped one: no stand-in.
    let sb = sandbox().await;
    let c = sb.client();
    let shipped = sb.shipped_client_builder().build().unwrap();
    for spec in endpoint::all() {
        assert_eq!(c.path_of(spec), shipped.path_of(spec), "{}", spec.id);
    }
    // With stand-ins, exactly the refused paths go to a stand-in.
    let sb = sandbox_with_stand_ins().await;
    let c = sb.client();
    let shipped = sb.shipped_client_builder().build().unwrap();
    for spec in endpoint::all() {
        let ps = spec.path_spec(Generation::V1);
        let refused = matches!(ps.evidence, Evidence::Unknown)
            || (matches!(ps.evidence, Evidence::Guessed { .. }) && !spec.idempotent);
        let stand_in = format!("{STAND_IN_PREFIX}{}", spec.id);
        if refused {
            assert_eq!(c.path_of(spec), Some(stand_in.as_str()), "{}", spec.id);
        } else {
            assert_eq!(c.path_of(spec), shipped.path_of(spec), "{}", spec.id);
        }
    }
}

#[tokio::test]
async fn authentication_failures_get_their_own_codes() {
    let sb = sandbox().await;
    let base = sb.base_url();
    let path = "/open/product/get";

    let wrong = Signed {
        secret: "not-the-secret",
        ..Signed::new(Method::Get, path)
    };
    let (_, body) = wrong.send(base).await;
    assert_eq!(body["code"], json!(codes::SIGNATURE_MISMATCH), "{body}");

    let missing = Signed {
        skip_header: Some("user-id"),
        ..Signed::new(Method::Get, path)
    };
    let (_, body) = missing.send(base).await;
    assert_eq!(body["code"], json!(codes::MISSING_HEADER), "{body}");
    assert!(body["msg"].as_str().unwrap().contains("user-id"), "{body}");

    let stale_ts = (TimestampUnit::Millis.now() - 601_000).to_string();
    let stale = Signed {
        timestamp: stale_ts,
        ..Signed::new(Method::Get, path)
    };
    let (_, body) = stale.send(base).await;
    assert_eq!(body["code"], json!(codes::TIMESTAMP_EXPIRED), "{body}");

    // Seconds and milliseconds are both accepted.
    let seconds = Signed {
        timestamp: TimestampUnit::Seconds.now().to_string(),
        ..Signed::new(Method::Get, "/open/product/get?itemId=1")
    };
    let (_, body) = seconds.send(base).await;
    assert_ne!(body["code"], json!(codes::TIMESTAMP_INVALID), "{body}");

    // A nonce is good once.
    let once = Signed::new(Method::Post, "/open/order/render");
    let (_, first) = once.send(base).await;
    assert_ne!(first["code"], json!(codes::NONCE_REUSED), "{first}");
    let (_, again) = once.send(base).await;
    assert_eq!(again["code"], json!(codes::NONCE_REUSED), "{again}");
}

#[tokio::test]
async fn the_sdk_reports_sandbox_auth_failures_as_typed_errors_with_the_hint() {
    let sb = sandbox().await;
    let wrong = sb
        .shipped_client_builder()
        .credentials(Credentials::new(KEY, "wrong", USER))
        .build()
        .unwrap();
    let err = wrong
        .taobao()
        .product_get("672991141190")
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.code, codes::SIGNATURE_MISMATCH);
            assert!(e.is_signature_problem(), "{err}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !err.to_string().contains("wrong"),
        "the secret leaked: {err}"
    );

    // The sandbox's clock moves 601 s ahead: the client's timestamps are stale.
    let clock = Clock::system();
    let sb = Sandbox::builder()
        .credentials(creds())
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let c = sb.client();
    c.taobao().product_get("1").await.unwrap();
    clock.advance(Duration::from_secs(601));
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert_api_code(&err, codes::TIMESTAMP_EXPIRED);
}

#[tokio::test]
async fn a_pinned_timestamp_unit_refuses_the_other_one() {
    let sb = Sandbox::builder()
        .credentials(creds())
        .timestamp_unit(TimestampUnit::Millis)
        .start()
        .await
        .unwrap();
    let seconds = sb
        .client_builder()
        .timestamp_unit(TimestampUnit::Seconds)
        .build()
        .unwrap();
    let err = seconds.taobao().product_get("1").await.unwrap_err();
    assert_api_code(&err, codes::TIMESTAMP_INVALID);
    sb.client().taobao().product_get("1").await.unwrap();
}

#[tokio::test]
async fn warehouse_logistics_is_checked_by_its_query_string_sign() {
    let sb = sandbox().await;
    // The SDK's typed call signs the query: accepted.
    sb.client()
        .call(
            FreightPreviewRequest::builder()
                .render_items(vec![])
                .build(),
        )
        .await
        .unwrap();
    let path = "/open/pp/logistics/orderRenderFreight";
    // Headers only, no query sign: refused, naming the parameter.
    let (_, body) = Signed::new(Method::Post, path).send(sb.base_url()).await;
    assert_eq!(body["code"], json!(codes::MISSING_HEADER), "{body}");
    assert!(
        body["msg"].as_str().unwrap().contains("timestamp"),
        "{body}"
    );
    // A query sign made with another secret: refused.
    let tampered = Signed {
        secret: "other",
        query_sign: true,
        ..Signed::new(Method::Post, path)
    };
    let (_, body) = tampered.send(sb.base_url()).await;
    assert_eq!(body["code"], json!(codes::SIGNATURE_MISMATCH), "{body}");
}

#[tokio::test]
async fn injected_failures_reach_the_caller_as_typed_errors() {
    let sb = sandbox().await;
    let c = sb
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();

    // An error code, once.
    sb.fail_next(Failure::code(5001, "库存不足"));
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert!(
        matches!(&err, Error::Api(e) if e.code == 5001 && e.msg == "库存不足"),
        "{err}"
    );
    c.taobao().product_get("1").await.unwrap();

    // A 503 on a read: retried, and the retry succeeds.
    sb.fail_next_on("TB-P8", Failure::status(503));
    c.taobao().product_get("1").await.unwrap();
    let statuses: Vec<u16> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses[statuses.len() - 2..], [503, 200]);

    // A 503 on a write: reported, sent once.
    sb.fail_next_on("TB-O7", Failure::status(503));
    let create = xportcn::taobao::PurchaseOrderCreateRequest::builder()
        .order_line_list(vec![])
        .purchase_amount(xportcn::types::Fen(1))
        .receiver(taobao_receiver())
        .build();
    let err = c.call(create).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    let creates = sb
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some("TB-O7"))
        .count();
    assert_eq!(creates, 1);

    // A slow answer: the client's attempt timeout fires.
    let impatient = sb
        .client_builder()
        .attempt_timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    sb.fail_next(Failure::delay(Duration::from_secs(2)));
    let err = impatient.taobao().product_get("1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
}

/// A receiver that answers the statuses in `script`, then 200, and counts
/// the pushes it got.
async fn scripted_receiver(script: Vec<u16>, delay: Duration) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let status = script.get(n).copied().unwrap_or(200);
            async move {
                tokio::time::sleep(delay).await;
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/push", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

/// Creates a Taobao order: one ORDER_CREATE push. Returns its id.
async fn create_order(sb: &Sandbox) -> String {
    let line = xportcn::taobao::OrderLine::builder()
        .item_id("672991141190")
        .order_line_no("1")
        .quantity(1u32)
        .price(xportcn::types::Fen(1))
        .currency("CNY")
        .sku_id("3452545926724")
        .build();
    let created = sb
        .client()
        .call(
            xportcn::taobao::PurchaseOrderCreateRequest::builder()
                .order_line_list(vec![line])
                .purchase_amount(xportcn::types::Fen(1))
                .receiver(taobao_receiver())
                .build(),
        )
        .await
        .unwrap();
    let created: Value = serde_json::from_str(created.get()).unwrap();
    let id = &created["orderId"];
    id.as_str().map_or_else(|| id.to_string(), str::to_owned)
}

#[tokio::test]
async fn a_failed_push_is_retried_until_answered_200() {
    let (url, hits) = scripted_receiver(vec![500, 502], Duration::ZERO).await;
    let sb = Sandbox::builder()
        .callback_url(url)
        .push_retry_interval(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
    create_order(&sb).await;
    let records = sb
        .wait_for_pushes(Duration::from_secs(10), |r| r.iter().all(|p| p.delivered))
        .await;
    let push = &records[0];
    assert!(push.delivered, "{push:?}");
    let statuses: Vec<Option<u16>> = push.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(502), Some(200)]);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    let body: Value = serde_json::from_str(&push.body).unwrap();
    assert_eq!(body["retryCount"], json!(2));
    assert_eq!(body["messageType"], json!("ORDER_CREATE"));
}

#[tokio::test]
async fn a_push_is_given_up_after_five_retries_and_a_slow_answer_counts_as_failed() {
    let (url, hits) = scripted_receiver(vec![500; 100], Duration::ZERO).await;
    let sb = Sandbox::builder()
        .callback_url(url)
        .push_retry_interval(Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    create_order(&sb).await;
    let records = sb
        .wait_for_pushes(Duration::from_secs(10), |r| {
            r.iter().all(|p| p.attempts.len() == 6)
        })
        .await;
    assert_eq!(records[0].attempts.len(), 6, "1 attempt + 5 retries");
    assert!(!records[0].delivered);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 6);

    // 200, but after the ack timeout: not delivered.
    let (url, _) = scripted_receiver(vec![], Duration::from_millis(400)).await;
    let sb = Sandbox::builder()
        .callback_url(url)
        .push_ack_timeout(Duration::from_millis(50))
        .push_max_retries(0)
        .start()
        .await
        .unwrap();
    create_order(&sb).await;
    let records = sb
        .wait_for_pushes(Duration::from_secs(10), |r| {
            r.iter().all(|p| !p.attempts.is_empty())
        })
        .await;
    let attempt = &records[0].attempts[0];
    assert_eq!(attempt.status, None);
    assert!(
        attempt.error.as_deref().unwrap().contains("50 ms"),
        "{attempt:?}"
    );
}

#[tokio::test]
async fn fixed_credentials_and_port_and_a_clean_stop() {
    // A free port, released before the sandbox binds it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sb = Sandbox::builder()
        .credentials(creds())
        .port(port)
        .start()
        .await
        .unwrap();
    assert_eq!(sb.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(sb.credentials().access_key(), KEY);
    assert!(!format!("{sb:?}").contains(SECRET));
    let c = sb.client();
    c.taobao().product_get("1").await.unwrap();
    sb.shutdown().await;
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");

    // Dropping stops it too.
    let sb = Sandbox::start().await.unwrap();
    let c = sb.client();
    drop(sb);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = c.taobao().product_get("1").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn made_up_credentials_differ_between_sandboxes() {
    let (a, b) = (
        Sandbox::start().await.unwrap(),
        Sandbox::start().await.unwrap(),
    );
    assert_ne!(a.credentials().access_key(), b.credentials().access_key());
    // One sandbox's credentials are refused by the other.
    let cross = b
        .shipped_client_builder()
        .credentials(a.credentials().clone())
        .build()
        .unwrap();
    let err = cross.taobao().product_get("1").await.unwrap_err();
    assert_api_code(&err, codes::UNKNOWN_ACCESS_KEY);
}

#[tokio::test]
async fn unknown_paths_and_wrong_methods_are_told_apart() {
    let sb = sandbox().await;
    let (status, body) = Signed::new(Method::Get, "/open/no/such/path")
        .send(sb.base_url())
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], json!(codes::NO_ROUTE));
    let (status, _) = Signed::new(Method::Post, "/open/product/get")
        .send(sb.base_url())
        .await;
    assert_eq!(status, 405);
    // A route added for an override path serves that endpoint there.
    let sb = Sandbox::builder()
        .credentials(creds())
        .route("TB-O12", "/open/order/pay")
        .start()
        .await
        .unwrap();
    let (_, body) = Signed::new(Method::Post, "/open/order/pay")
        .send(sb.base_url())
        .await;
    // Routed to the pay step, which asks for its order id.
    assert_eq!(body["code"], json!(codes::INVALID_PARAMETER), "{body}");
    assert!(body["msg"].as_str().unwrap().contains("orderId"), "{body}");
}

#[test]
fn the_sandbox_and_its_records_can_be_shared_across_tasks() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Sandbox>();
    shared::<xportcn_sandbox::RequestRecord>();
    shared::<xportcn_sandbox::PushRecord>();
    shared::<Clock>();
    shared::<Failure>();
}

#[tokio::test]
async fn the_made_up_secret_is_readable_and_signs_for_that_sandbox_only() {
    let made_up = Sandbox::start().await.unwrap();
    let secret = made_up
        .made_up_secret()
        .expect("made-up credentials")
        .to_owned();
    let creds = made_up.credentials();
    let from_printed = made_up
        .shipped_client_builder()
        .credentials(Credentials::new(
            creds.access_key(),
            secret.as_str(),
            creds.user_id(),
        ))
        .build()
        .unwrap();
    from_printed.taobao().product_get("1").await.unwrap();
    assert!(!format!("{made_up:?}").contains(&secret));
    // Credentials given by the test: their secret is not the sandbox's to tell.
    assert_eq!(sandbox().await.made_up_secret(), None);
}

#[tokio::test]
async fn a_captured_reads_headers_re_split_are_refused_as_a_pay() {
    // Regression (issue 19, finding 1): the 3 millisecond digits of a 13-digit
    // timestamp moved to the front of the nonce make a seconds timestamp for
    // the same instant, a "new" nonce and the same signature; the sandbox
    // executed such a replay of a read as a pay (`paySuccess: true`).
    let sb = sandbox_with_stand_ins().await;
    let order_id = create_order(&sb).await;
    let read = Signed::new(Method::Get, "/open/product/get?itemId=672991141190");
    let (_, first) = read.send(sb.base_url()).await;
    assert_eq!(first["code"], json!(codes::SUCCESS), "{first}");

    let pay_path = format!("{STAND_IN_PREFIX}TB-O12");
    let (seconds, millis) = read.timestamp.split_at(10);
    let replay = Signed {
        timestamp: seconds.to_owned(),
        nonce: format!("{millis}{}", read.nonce),
        body: Some(json!({ "orderId": order_id })),
        ..Signed::new(Method::Post, &pay_path)
    };
    assert_eq!(
        sign(KEY, &replay.timestamp, &replay.nonce, SECRET),
        sign(KEY, &read.timestamp, &read.nonce, SECRET),
        "the re-split headers carry the captured signature"
    );
    let (_, body) = replay.send(sb.base_url()).await;
    assert_eq!(body["code"], json!(codes::NONCE_REUSED), "{body}");
    assert_ne!(body["data"]["paySuccess"], json!(true), "{body}");

    // A genuine pay, freshly signed, still goes through.
    let genuine = Signed {
        body: Some(json!({ "orderId": order_id })),
        ..Signed::new(Method::Post, &pay_path)
    };
    let (_, body) = genuine.send(sb.base_url()).await;
    assert_eq!(body["data"]["paySuccess"], json!(true), "{body}");
}

#[tokio::test]
async fn huge_page_numbers_and_quantities_do_not_panic() {
    // Regression (issue 19, finding 7): `pageNo = i64::MAX` overflowed
    // `(no - 1) * size` and panicked (debug builds); the connection died.
    let sb = sandbox_with_stand_ins().await;
    create_order(&sb).await;
    let max = i64::MAX;
    let path = format!("{STAND_IN_PREFIX}TB-O8?pageNo={max}&pageSize={max}");
    let (status, body) = Signed::new(Method::Get, &path).send(sb.base_url()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(codes::SUCCESS), "{body}");
    assert_eq!(body["data"]["list"], json!([]), "{body}");
    // Price times quantity saturates instead of overflowing.
    let line = json!([{"itemId": "672991141190", "skuId": "3452545926724", "quantity": max}]);
    let render = Signed {
        body: Some(json!({ "orderLineList": line.to_string() })),
        ..Signed::new(Method::Post, "/open/order/render")
    };
    let (status, body) = render.send(sb.base_url()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(codes::SUCCESS), "{body}");
    assert_eq!(body["data"]["payAmount"], json!(max), "{body}");
}

#[tokio::test]
async fn connections_are_capped_and_oversized_bodies_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Regression (issue 19, finding 7): 300 of 300 idle sockets were held.
    let sb = sandbox().await;
    let cap = xportcn_sandbox::MAX_CONNECTIONS;
    let mut held = Vec::with_capacity(cap);
    for _ in 0..cap {
        held.push(
            tokio::net::TcpStream::connect(sb.local_addr())
                .await
                .unwrap(),
        );
    }
    // The sandbox accepts them in order; one more is refused with a 503.
    // Bounded: a few tries, each read bounded in time.
    let mut refused = false;
    for _ in 0..20 {
        let mut extra = tokio::net::TcpStream::connect(sb.local_addr())
            .await
            .unwrap();
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(2), extra.read_to_end(&mut buf)).await;
        if matches!(read, Ok(Ok(_))) && String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 503") {
            refused = true;
            break;
        }
    }
    assert!(refused, "a connection past {cap} is refused with 503");
    drop(held);

    // The slots come back once the idle sockets are gone.
    let mut served = false;
    for _ in 0..50 {
        let (status, _) = Signed::new(Method::Get, "/open/product/get?itemId=1")
            .send(sb.base_url())
            .await;
        if status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "served again after the idle sockets closed");

    // A Content-Length over the limit is answered 413 before the body is read.
    let mut s = tokio::net::TcpStream::connect(sb.local_addr())
        .await
        .unwrap();
    s.write_all(
        b"POST /open/order/render HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
          content-length: 104857600\r\n\r\n{",
    )
    .await
    .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
}

#[tokio::test]
async fn an_idle_connection_is_closed_by_the_header_timeout() {
    use tokio::io::AsyncReadExt;
    let sb = sandbox().await;
    let mut idle = tokio::net::TcpStream::connect(sb.local_addr())
        .await
        .unwrap();
    let mut buf = Vec::new();
    // Closed by the sandbox (5 s header timeout); the bound only keeps a
    // broken build from hanging the suite.
    let read = tokio::time::timeout(Duration::from_secs(30), idle.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the sandbox closed the idle connection");
}
