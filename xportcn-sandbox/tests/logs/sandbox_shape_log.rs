//! A sandbox that never invents silently (issue 20, part 3): an answer
//! whose field names no evidence names carries `x-sandbox-shape: invented`,
//! is flagged in `sandbox.requests()` and logged at WARN once per endpoint;
//! documented and client-evidenced answers carry no flag.
//!
//! It reads the WARN log through a thread-local subscriber: its binary
//! (`tests/logs/`) holds only tests that do, each on its own sandbox (the
//! once-per-endpoint WARN is per sandbox), so no test's events reach
//! another's subscriber.

use crate::common;

use serde_json::{Value, json};
use xportcn::endpoint::Method;
use xportcn_sandbox::{SHAPE_HEADER, Sandbox, ShapeSource};

/// The shape recorded for the last request to `id`.
fn last_shape(sandbox: &Sandbox, id: &str) -> Option<ShapeSource> {
    sandbox
        .requests()
        .iter()
        .rev()
        .find(|r| r.endpoint == Some(id))
        .and_then(|r| r.shape)
}

#[tokio::test]
async fn invented_answers_are_flagged_documented_ones_are_not() {
    // current-thread runtime: the sandbox's tasks log through this default.
    let (logs, _guard) = common::capture_logs(tracing::Level::WARN);

    // Stand-ins on: the echo below is reached at TB-P2's stand-in path.
    let sandbox = Sandbox::builder().stand_ins(true).start().await.unwrap();
    let client = sandbox.client();

    // Documented: the product sample. No header, no flag.
    let resp = client
        .raw(Method::Get, "/open/product/get")
        .query(&[("itemId", "672991141190")])
        .send_value()
        .await
        .unwrap();
    assert!(resp.data.get("title").is_some());
    assert_eq!(last_shape(&sandbox, "TB-P8"), Some(ShapeSource::Documented));

    // Client-evidenced: TB-P1's example in its client-typed shape.
    let raw = reqwest_post(&sandbox, "/open/product/recommend", json!({"pageNo": 1})).await;
    assert!(raw.0.is_none(), "no flag on a client-evidenced shape");
    assert_eq!(last_shape(&sandbox, "TB-P1"), Some(ShapeSource::Client));

    // Invented, twice: a Taobao order create (`{"orderId"}` is the sandbox's
    // own). Header and flag each time, one WARN.
    let create = json!({"orderLineList": r#"[{"itemId":"672991141190","quantity":"1","skuId":"3452545926724"}]"#,
                        "purchaseAmount": 100});
    for _ in 0..2 {
        let (header, body) = reqwest_post(&sandbox, "/open/order", create.clone()).await;
        assert_eq!(header.as_deref(), Some("invented"), "{body}");
        assert_eq!(last_shape(&sandbox, "TB-O7"), Some(ShapeSource::Invented));
    }
    let record = sandbox
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.endpoint == Some("TB-O7"))
        .unwrap();
    assert!(record.invented());
    assert!(record.to_string().contains("(invented shape)"), "{record}");

    // Invented: the echo of an endpoint whose answer the docs do not show.
    let (header, body) = reqwest_post(&sandbox, "/sandbox/endpoints/TB-P2", json!({"a": 1})).await;
    assert_eq!(header.as_deref(), Some("invented"), "{body}");
    assert_eq!(body["data"]["sandbox"], true);

    let logs = logs.text();
    let warned = |id: &str| {
        logs.lines()
            .filter(|l| {
                l.contains("WARN")
                    && l.contains(&format!("{id} answered with a shape the sandbox invented"))
            })
            .count()
    };
    assert_eq!(warned("TB-O7"), 1, "one WARN per endpoint per run:\n{logs}");
    assert_eq!(warned("TB-P2"), 1, "{logs}");
    assert_eq!(warned("TB-P8"), 0, "{logs}");
    assert_eq!(warned("TB-P1"), 0, "{logs}");
    sandbox.shutdown().await;
}

/// A signed POST with a plain HTTP client (the SDK does not expose response
/// headers): the `x-sandbox-shape` header, if any, and the envelope.
async fn reqwest_post(sandbox: &Sandbox, path: &str, body: Value) -> (Option<String>, Value) {
    let signed = xportcn::signing::SignedHeaders::new(
        sandbox.credentials(),
        xportcn::signing::TimestampUnit::Seconds,
    );
    let mut headers = xportcn::reqwest::header::HeaderMap::new();
    xportcn::__private::apply_signed_headers(
        &signed,
        &mut headers,
        &sandbox.credentials().access_key().parse().unwrap(),
        &sandbox.credentials().user_id().parse().unwrap(),
    );
    let http = xportcn::reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let resp = http
        .post(format!("{}{path}", sandbox.base_url()))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let header = resp
        .headers()
        .get(SHAPE_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = resp.bytes().await.unwrap();
    (header, serde_json::from_slice(&bytes).unwrap())
}
