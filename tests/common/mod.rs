//! Helpers shared by the integration tests: a loopback mock platform, a
//! client pointed at it, and an independent signature check.
#![allow(dead_code)]

use std::time::Duration;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use wiremock::matchers::method;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};
use xportcn::endpoint::{Endpoint, EndpointSpec, Method, PathSpec};
use xportcn::{Client, ClientBuilder, Credentials, RetryPolicy};

pub const ACCESS_KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
pub const SECRET: &str = "s3cr3t-Xq9-never-print-me";
pub const USER_ID: &str = "2100007341207";

pub fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, USER_ID)
}

/// A builder for `base_url` with fast retries (1-5 ms backoff, 3 attempts).
/// The per-attempt timeout is generous so that a loaded CI machine cannot
/// turn a fault into a timeout; timeout tests shorten it.
pub fn fast_builder(base_url: String, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .credentials(credentials)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
        .attempt_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(20))
}

/// A builder pointed at the mock server's `/api`, with fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    fast_builder(format!("{}/api", server.uri()), credentials())
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// Reads a file from the fixtures in `tests/fixtures/`.
pub fn fixture(rel: &str) -> String {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn envelope(data: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "requestId": "4cfda0b725184ab8a1e3ee3b9051ec35",
        "code": 200,
        "developId": "1014533973088404335",
        "msg": "成功",
        "data": data,
    })
}

/// MD5 signature computed here, independently of `xportcn::signing`.
pub fn independent_signature(key: &str, ts: &str, nonce: &str, secret: &str) -> String {
    let mut h = Md5::new();
    h.update(format!("{key}{ts}{nonce}{secret}").as_bytes());
    hex::encode_upper(h.finalize())
}

pub fn header<'a>(req: &'a Request, name: &str) -> &'a str {
    req.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name} missing"))
}

/// Matches only requests whose five auth headers are present and whose
/// signature recomputes from them.
pub struct SignedBy {
    pub secret: &'static str,
}

impl Match for SignedBy {
    fn matches(&self, req: &Request) -> bool {
        let get = |n: &str| req.headers.get(n).and_then(|v| v.to_str().ok());
        let (Some(key), Some(ts), Some(nonce), Some(user), Some(sig)) = (
            get("access-key"),
            get("timestamp"),
            get("nonce-str"),
            get("user-id"),
            get("signature"),
        ) else {
            return false;
        };
        key == ACCESS_KEY
            && user == USER_ID
            && nonce.len() == 32
            && nonce.bytes().all(|b| b.is_ascii_alphanumeric())
            && sig == independent_signature(key, ts, nonce, self.secret)
    }
}

pub fn signed() -> SignedBy {
    SignedBy { secret: SECRET }
}

/// A write endpoint (`idempotent: false`), declared the way any module
/// declares one: what the retry and fault tests send as "a payment".
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayOrder {
    pub order_id: String,
}

/// What [`PayOrder`] decodes to.
#[derive(Debug, Deserialize)]
pub struct Paid {
    #[serde(default)]
    pub ok: bool,
}

impl Endpoint for PayOrder {
    type Response = Paid;
    // A write on a path treated as verified, so the core sends it.
    const SPEC: EndpointSpec = EndpointSpec::new("TEST-PAY", Method::Post)
        .v1(PathSpec::verified("/open/order/pay", "test"));
}

pub fn pay() -> PayOrder {
    PayOrder {
        order_id: "1".into(),
    }
}

/// Answers the first `times` requests with `http_method` with `failure`, and
/// every later one with `success`: a transient fault that a retry recovers.
pub async fn fail_then_succeed(
    server: &MockServer,
    http_method: &str,
    failure: ResponseTemplate,
    times: u64,
    success: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .respond_with(failure)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(method(http_method))
        .respond_with(success)
        .mount(server)
        .await;
}
