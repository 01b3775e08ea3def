//! Parity by default (issue 27, part 1): the sandbox's client refuses what
//! the shipped client refuses, with the same error text; stand-in paths
//! are an opt-in, and every answer served through one says so (a response
//! header, a flag in `requests()`, one WARN per endpoint per run).
//!
//! It reads the WARN log through a thread-local subscriber: its binary
//! (`tests/logs/`) holds only tests that do, each on its own sandbox (the
//! once-per-endpoint WARN is per sandbox), so no test's events reach
//! another's subscriber.

use crate::common;

use serde_json::{Value, json};
use xportcn::endpoint::{self, Generation, Method};
use xportcn::taobao::OrderPayRequest;
use xportcn::{Client, Credentials, Error};
use xportcn_sandbox::{STAND_IN_HEADER, STAND_IN_PREFIX, Sandbox, codes};

/// TB-O12 (Taobao pay) as the shipped client refuses it, against a server
/// that never answers (nothing is sent).
fn shipped_refusal() -> String {
    let shipped = Client::builder()
        .credentials(Credentials::new("k", "s", "u"))
        .base_url("http://127.0.0.1:9")
        .path_overrides_from_env(false)
        .build()
        .unwrap();
    let spec = endpoint::find("TB-O12").unwrap();
    shipped.readiness(&[spec.id]).unwrap().endpoints[0]
        .refusal
        .clone()
        .unwrap()
}

#[tokio::test]
async fn the_default_sandbox_client_refuses_what_production_refuses() {
    let sandbox = Sandbox::builder()
        .path_overrides_from_env(false)
        .start()
        .await
        .unwrap();
    let client = sandbox.client();
    let err = client
        .call(OrderPayRequest::builder().build().param("orderId", "1"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::PathUnavailable {
                endpoint: "TB-O12",
                ..
            }
        ),
        "{err:?}"
    );
    // The same text as the shipped client's, word for word.
    let shipped = Client::builder()
        .credentials(Credentials::new("k", "s", "u"))
        .base_url("http://127.0.0.1:9")
        .path_overrides_from_env(false)
        .build()
        .unwrap();
    let shipped_err = shipped
        .call(OrderPayRequest::builder().build().param("orderId", "1"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), shipped_err.to_string());
    assert_eq!(err.to_string(), shipped_refusal());
    assert!(err.to_string().contains("XPORTCN_PATH_OVERRIDES"), "{err}");
    // Nothing reached the sandbox.
    assert!(sandbox.requests().is_empty());
    // Every endpoint routes exactly as the shipped client does, in both
    // generations.
    for g in [Generation::V1, Generation::V2] {
        let mine = sandbox.client_builder_for(g).build().unwrap();
        let shipped = sandbox
            .shipped_client_builder()
            .generation(g)
            .build()
            .unwrap();
        for spec in endpoint::all() {
            assert_eq!(mine.path_of(spec), shipped.path_of(spec), "{} {g}", spec.id);
        }
    }
    // The stand-in path itself is not served without the opt-in.
    let (header, status, body) =
        signed_post(&sandbox, &format!("{STAND_IN_PREFIX}TB-O12"), json!({})).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], json!(codes::NO_ROUTE), "{body}");
    assert!(
        body["msg"].as_str().unwrap().contains("stand_ins(true)"),
        "{body}"
    );
    assert_eq!(header, None);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn stand_ins_are_an_opt_in_and_every_answer_says_so() {
    let (logs, _guard) = common::capture_logs(tracing::Level::WARN);
    let sandbox = Sandbox::builder()
        .stand_ins(true)
        .path_overrides_from_env(false)
        .start()
        .await
        .unwrap();
    let client = sandbox.client();
    assert_eq!(
        client.path_of(endpoint::find("TB-O12").unwrap()),
        Some(format!("{STAND_IN_PREFIX}TB-O12").as_str())
    );
    // A known path is not a stand-in: no header, no flag.
    client.taobao().product_get("672991141190").await.unwrap();
    let product = sandbox.requests().pop().unwrap();
    assert!(!product.stand_in, "{product}");

    // TB-O8 (order list, path unknown) twice through the client: answered,
    // flagged each time, one WARN.
    for _ in 0..2 {
        client
            .raw(Method::Get, format!("{STAND_IN_PREFIX}TB-O8"))
            .send_value()
            .await
            .unwrap();
        let record = sandbox.requests().pop().unwrap();
        assert!(record.stand_in, "{record}");
        assert_eq!(record.endpoint, Some("TB-O8"));
        assert!(record.to_string().contains("(stand-in path)"), "{record}");
    }
    // The header, with the endpoint id.
    let (header, status, body) = signed_post(
        &sandbox,
        &format!("{STAND_IN_PREFIX}TB-P2"),
        json!({"a": 1}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header.as_deref(), Some("TB-P2"), "{body}");

    let logs = logs.text();
    let warned = |id: &str| {
        logs.lines()
            .filter(|l| {
                l.contains("WARN") && l.contains(&format!("{id} served at its stand-in path"))
            })
            .count()
    };
    assert_eq!(warned("TB-O8"), 1, "one WARN per endpoint per run:\n{logs}");
    assert_eq!(warned("TB-P2"), 1, "{logs}");
    assert_eq!(warned("TB-P8"), 0, "{logs}");
    sandbox.shutdown().await;
}

/// A signed POST with a plain HTTP client: the stand-in header, if any, the
/// status and the envelope.
async fn signed_post(sandbox: &Sandbox, path: &str, body: Value) -> (Option<String>, u16, Value) {
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
        .get(STAND_IN_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (header, status, serde_json::from_slice(&bytes).unwrap())
}
