//! One `xportcn.request` span per call, with method, path, attempt, status and
//! the platform's request id; never the secret.
use crate::common;

use common::*;
use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn request_span_carries_method_path_attempt_and_request_id() {
    let (buf, _guard) = capture_logs(tracing::Level::TRACE);

    let server = MockServer::start().await;
    fail_then_succeed(
        &server,
        "GET",
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({"itemId": 1}))),
    )
    .await;
    client(&server).taobao().product_get("1").await.unwrap();

    let out = buf.text();
    let done = out
        .lines()
        .find(|l| l.contains("response decoded"))
        .unwrap_or_else(|| panic!("no completion event in:\n{out}"));
    for field in [
        "xportcn.request",
        "endpoint=\"TB-P8\"",
        "method=\"GET\"",
        "path=/open/product/get",
        "attempt=2",
        "status=200",
        "request_id=\"4cfda0b725184ab8a1e3ee3b9051ec35\"",
    ] {
        assert!(done.contains(field), "missing {field} in {done}");
    }
    assert!(out.contains("retrying after status"), "{out}");
    assert!(
        out.contains("<access_secret>"),
        "the masked signed string is traced"
    );
    assert!(!out.contains(SECRET), "secret leaked into logs");
}
