//! Helpers shared by the integration tests: a loopback mock platform, a
//! client pointed at it, and an independent signature check.
#![allow(dead_code)]

use std::time::Duration;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use wiremock::matchers::method;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};
use xportcn::endpoint::{Endpoint, EndpointSpec, Method, PathSpec};
use xportcn::retry::RetryPolicy;
use xportcn::{Client, ClientBuilder, Credentials};

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

/// What a test expects the SDK to send besides the signed headers.
pub enum Sent<'a> {
    /// A JSON body equal to this value.
    Json(serde_json::Value),
    /// Exactly these query pairs (order ignored).
    Query(&'a [(&'a str, &'a str)]),
    /// No body and no query.
    Nothing,
}

/// Matches a request whose query pairs are exactly `pairs`.
struct QueryIs(Vec<(String, String)>);

impl Match for QueryIs {
    fn matches(&self, req: &Request) -> bool {
        let mut got: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        got.sort();
        let mut want = self.0.clone();
        want.sort();
        got == want
    }
}

/// Matches a request with an empty body.
struct NoBody;

impl Match for NoBody {
    fn matches(&self, req: &Request) -> bool {
        req.body.is_empty()
    }
}

/// Mounts a mock that accepts exactly one correctly signed `http_method`
/// request to `/api{path}` carrying `sent`, and answers `data` inside a
/// success envelope. The server verifies the count when dropped.
pub async fn expect_one(
    server: &MockServer,
    http_method: &str,
    path: &str,
    sent: Sent<'_>,
    data: serde_json::Value,
) {
    let mock = Mock::given(method(http_method))
        .and(wiremock::matchers::path(format!("/api{path}")))
        .and(signed());
    let mock = match sent {
        Sent::Json(body) => mock.and(wiremock::matchers::body_json(body)),
        Sent::Query(pairs) => mock.and(QueryIs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )),
        Sent::Nothing => mock.and(NoBody).and(QueryIs(Vec::new())),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(envelope(data)))
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts a mock that fails the test if anything at all reaches the server.
pub async fn expect_nothing_sent(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(server)
        .await;
}

/// Asserts that `err` is the before-sending refusal for endpoint `id`, and
/// that its message names the builder call that sets the path.
pub fn assert_path_unavailable(err: &xportcn::Error, id: &str) {
    match err {
        xportcn::Error::PathUnavailable { endpoint, .. } => assert_eq!(*endpoint, id),
        other => panic!("expected PathUnavailable for {id}, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&format!("override_path(\"{id}\"")), "{text}");
}

/// Asserts that `err` is a platform error with envelope code `code`.
pub fn assert_api_code(err: &xportcn::Error, code: i64) {
    assert!(
        matches!(err, xportcn::Error::Api(e) if e.code == code),
        "expected platform error {code}, got {err}"
    );
}

/// The receiver of the docs' Taobao render and create examples (doc-vnm).
pub fn taobao_receiver() -> xportcn::taobao::PurchaseReceiver {
    xportcn::taobao::PurchaseReceiver::builder()
        .zip("311121")
        .country("中国")
        .address("智溢路西部科技园")
        .city("杭州市")
        .phone("15068763421")
        .mobile_phone("15068763421")
        .district("余杭区")
        .name("simon")
        .state("浙江省")
        .build()
}

/// A documented sample from `tests/fixtures/`, parsed.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Checks `timestamp` and `sign` in the query against the secret, with the
/// nonce from the `nonce-str` header, and the timestamp's digit count.
pub struct QuerySignedBy {
    /// 13 for milliseconds, 10 for seconds.
    pub digits: usize,
}

impl Match for QuerySignedBy {
    fn matches(&self, req: &Request) -> bool {
        let q: std::collections::HashMap<_, _> = req.url.query_pairs().into_owned().collect();
        let (Some(ts), Some(sign)) = (q.get("timestamp"), q.get("sign")) else {
            return false;
        };
        let nonce = header(req, "nonce-str");
        ts.len() == self.digits
            && ts.bytes().all(|b| b.is_ascii_digit())
            && *sign == independent_signature(ACCESS_KEY, ts, nonce, SECRET)
    }
}

/// A client for `server` in PandaPon's v2 path generation.
pub fn v2_client(server: &MockServer) -> Client {
    builder(server)
        .generation(xportcn::endpoint::Generation::V2)
        .build()
        .expect("client builds")
}

/// Asserts that a call with no sendable path was refused before anything
/// was sent (`server` has received nothing).
pub async fn refused_unsent<T: std::fmt::Debug>(
    server: &MockServer,
    id: &str,
    result: Result<T, xportcn::Error>,
) {
    let err = result.expect_err("no sendable path: the call must fail");
    assert_path_unavailable(&err, id);
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "{id}: something was sent"
    );
}

/// A log sink for a test: what a `tracing` subscriber wrote, as text.
#[derive(Clone, Default)]
pub struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuf {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's `tracing` output up to `level` (plain text) until
/// the guard drops. With a current-thread runtime, tasks it spawns log here
/// too.
pub fn capture_logs(level: tracing::Level) -> (LogBuf, tracing::subscriber::DefaultGuard) {
    let buf = LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buf, tracing::subscriber::set_default(subscriber))
}
