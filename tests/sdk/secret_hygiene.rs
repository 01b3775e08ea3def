//! The access secret never leaves the process: not in logs (all of them, at
//! TRACE, including `log` records of reqwest/hyper), not in any error's
//! `Display`/`Debug`/source chain, not in the `Debug` of the client, its
//! builder, the credentials or a pending call, not on the wire, and not in
//! recordings (`record_to`, with nonces, signatures and the user id).
//!
//! One representative of every fault kind runs under a capturing subscriber.
use crate::common;
use crate::raw_server;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{ACCESS_KEY, PayOrder, USER_ID, envelope};
use raw_server::{RawServer, reset, write};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::endpoint::Method;
use xportcn::{Client, ClientBuilder, Credentials, Error};

/// Distinctive, so a hit cannot be a coincidence.
const SECRET: &str = "SeCrEt-7f3a9c-hygiene-NEVER-PRINT";

fn creds() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET, USER_ID)
}

fn builder(base: String) -> ClientBuilder {
    common::fast_builder(base, creds())
}

/// A `MakeWriter` target: everything the subscriber writes lands here.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Every way an error can be printed: Display, Debug, pretty Debug, the
/// source chain, and the hint.
fn renderings(err: &Error) -> Vec<String> {
    let mut out = vec![
        err.to_string(),
        format!("{err:?}"),
        format!("{err:#?}"),
        err.hint().unwrap_or_default().to_owned(),
    ];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "secret leaked in {what}: {text}");
}

async fn mock(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

#[tokio::test(flavor = "current_thread")]
async fn secret_never_appears_in_logs_errors_or_on_the_wire() {
    // `log` records (reqwest, hyper) become tracing events too.
    let _ = tracing_log::LogTracer::init();
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_target(true)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut errors: Vec<(&str, Error)> = Vec::new();

    // Success, so the signed-string trace lines are logged.
    let server = mock(json(
        200,
        envelope(serde_json::json!({"itemId": 1, "title": "t"})),
    ))
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    c.taobao().product_get("1").await.unwrap();

    // Platform auth failure (hint quotes the masked signed string).
    let server = mock(json(
        200,
        serde_json::json!({"code": 401, "msg": "签名错误 sign error", "requestId": "r"}),
    ))
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push(("api auth", c.taobao().product_get("1").await.unwrap_err()));
    // Timestamp rejected on a write.
    let server = mock(json(
        200,
        serde_json::json!({"code": 403, "msg": "timestamp expired"}),
    ))
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push((
        "api timestamp",
        c.call(PayOrder {
            order_id: "1".into(),
        })
        .await
        .unwrap_err(),
    ));
    // Other platform error.
    let server = mock(json(
        200,
        serde_json::json!({"code": 5001, "msg": "商品不存在"}),
    ))
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push(("api", c.taobao().product_get("1").await.unwrap_err()));
    // Gateway 401 without an envelope.
    let server = mock(
        ResponseTemplate::new(401)
            .set_body_raw("<html>401 Authorization Required</html>", "text/html"),
    )
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push(("http 401", c.taobao().product_get("1").await.unwrap_err()));
    // HTML error page, retried.
    let server =
        mock(ResponseTemplate::new(502).set_body_raw("<html>502 Bad Gateway</html>", "text/html"))
            .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push(("html 502", c.taobao().product_get("1").await.unwrap_err()));
    // Decode error.
    let server = mock(json(
        200,
        envelope(serde_json::json!({"itemId": 1, "price": "abc"})),
    ))
    .await;
    let c = builder(format!("{}/api", server.uri())).build().unwrap();
    errors.push(("decode", c.taobao().product_get("1").await.unwrap_err()));
    // Body too large.
    let c = builder(format!("{}/api", server.uri()))
        .max_response_bytes(16)
        .build()
        .unwrap();
    errors.push(("too large", c.taobao().product_get("1").await.unwrap_err()));
    // Connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = builder(format!("http://127.0.0.1:{port}/api"))
        .build()
        .unwrap();
    errors.push(("connect", c.taobao().product_get("1").await.unwrap_err()));

    // Raw faults; the server also records what came over the wire.
    let wire: Arc<Mutex<Vec<u8>>> = Arc::default();
    let seen = wire.clone();
    let server = RawServer::start(move |mut s, req| {
        let seen = seen.clone();
        async move {
            {
                let mut w = seen.lock().unwrap();
                w.extend_from_slice(req.head.as_bytes());
                w.extend_from_slice(&req.body);
            }
            if req.target.contains("itemId=reset") {
                write(&mut s, b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{").await;
                reset(s);
            } else {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    })
    .await;
    let c = builder(server.base_url())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    errors.push(("reset", c.taobao().product_get("reset").await.unwrap_err()));
    errors.push(("timeout", c.taobao().product_get("slow").await.unwrap_err()));
    errors.push((
        "write timeout",
        c.call(PayOrder {
            order_id: "1".into(),
        })
        .await
        .unwrap_err(),
    ));
    // Request and config errors.
    errors.push((
        "request",
        c.raw(Method::Get, "no-slash")
            .send_value()
            .await
            .unwrap_err(),
    ));
    errors.push((
        "config",
        Client::builder()
            .credentials(creds())
            .base_url("ftp://x")
            .build()
            .unwrap_err(),
    ));

    // Every kind of error was produced.
    let kinds: Vec<&str> = errors
        .iter()
        .map(|(_, e)| match e {
            Error::Api(_) => "Api",
            Error::Http { .. } => "Http",
            Error::Decode(_) => "Decode",
            Error::BodyTooLarge { .. } => "BodyTooLarge",
            Error::Timeout { .. } => "Timeout",
            Error::Transport { .. } => "Transport",
            Error::Request(_) => "Request",
            Error::Config(_) => "Config",
            _ => "other",
        })
        .collect();
    for k in [
        "Api",
        "Http",
        "Decode",
        "BodyTooLarge",
        "Timeout",
        "Transport",
        "Request",
        "Config",
    ] {
        assert!(kinds.contains(&k), "no {k} error produced: {kinds:?}");
    }
    for (what, err) in &errors {
        for text in renderings(err) {
            assert_clean(what, &text);
        }
    }
    // The auth hint does quote the masked signed string.
    let auth = errors[0].1.to_string();
    assert!(
        auth.contains("<access_secret>") && auth.contains(ACCESS_KEY),
        "{auth}"
    );

    // Debug of everything that holds the credentials.
    let b = builder("http://127.0.0.1:1".into());
    let client = builder("http://127.0.0.1:1".into()).build().unwrap();
    for text in [
        format!("{b:?}"),
        format!("{b:#?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", creds()),
        format!("{:#?}", creds()),
        format!(
            "{:?}",
            client.raw(Method::Post, "/x").json(&serde_json::json!({}))
        ),
        format!(
            "{:?}",
            client.call(PayOrder {
                order_id: "1".into()
            })
        ),
    ] {
        assert_clean("Debug", &text);
    }

    // Recordings (`record_to`), with their WARN and DEBUG lines logged too.
    recordings_hold_no_credentials_nonces_or_signatures().await;

    // Nothing secret went over the wire either.
    assert_clean("the wire", &String::from_utf8_lossy(&wire.lock().unwrap()));
    assert!(!wire.lock().unwrap().is_empty());

    drop(_guard);
    let logs = capture.text();
    if let Ok(path) = std::env::var("XPORTCN_DUMP_LOGS") {
        std::fs::write(path, &logs).unwrap();
    }
    assert_clean("logs", &logs);
    // The capture really saw the client's TRACE output.
    assert!(logs.contains("sending attempt"), "{logs}");
    assert!(logs.contains("xportcn.request"), "{logs}");
    assert!(
        logs.lines().count() > 50,
        "{} log lines",
        logs.lines().count()
    );
    eprintln!(
        "secret_hygiene: {} log lines, {} errors checked",
        logs.lines().count(),
        errors.len()
    );
}

/// Recordings (`ClientBuilder::record_to`) hold none of the credentials nor
/// anything signed: not the access key, the secret, the user id, a nonce or
/// a signature (headers or warehouse logistics' query `sign`), even when the
/// server echoes the key and the user id back.
/// (Run inside [`secret_never_appears_in_logs_errors_or_on_the_wire`], under
/// its capturing subscriber: a second test in this binary running without one
/// would race it for the `tracing` callsites' interest.)
async fn recordings_hold_no_credentials_nonces_or_signatures() {
    let dir = std::env::temp_dir().join(format!("xportcn-hygiene-rec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let echo_back = serde_json::json!({
        "userId": USER_ID, "accessKey": ACCESS_KEY, "owner": USER_ID.parse::<u64>().unwrap(),
        "note": format!("key {ACCESS_KEY} for {USER_ID}"),
    });
    let server = mock(json(200, envelope(echo_back))).await;
    let c = builder(format!("{}/api", server.uri()))
        .record_to(&dir)
        .build()
        .unwrap();
    c.taobao().product_get("1").await.unwrap();
    // A platform error, a query-signed endpoint and a call by path.
    let server_err = mock(json(
        200,
        serde_json::json!({"code": 401, "msg": "签名错误 sign error", "requestId": "r"}),
    ))
    .await;
    let c_err = builder(format!("{}/api", server_err.uri()))
        .record_to(&dir)
        .build()
        .unwrap();
    let _ = c_err.taobao().product_get("1").await.unwrap_err();
    let query_signed = xportcn::endpoint::all()
        .iter()
        .find(|s| {
            s.signing == xportcn::endpoint::Signing::Query
                && s.path(xportcn::endpoint::Generation::V1).is_some()
        })
        .expect("a query-signed endpoint");
    let _ = c
        .endpoint(query_signed)
        .query(&[("orderNo", "A1")])
        .json(&serde_json::json!({"orderNo": "A1"}))
        .send_value()
        .await;
    c.raw(Method::Post, "/v2/any/path")
        .json(&serde_json::json!({"userId": USER_ID}))
        .send_value()
        .await
        .unwrap();

    let mut signed_values = Vec::new();
    let mut query_signs = 0;
    for server in [&server, &server_err] {
        for req in server.received_requests().await.unwrap() {
            for h in ["nonce-str", "signature"] {
                signed_values.push(req.headers[h].to_str().unwrap().to_owned());
            }
            for (k, v) in req.url.query_pairs() {
                if k == "sign" {
                    query_signs += 1;
                    signed_values.push(v.into_owned());
                }
            }
        }
    }
    assert!(
        query_signs >= 1 && signed_values.len() >= 9,
        "{signed_values:?}"
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert_clean("a recording", &text);
        for never in signed_values
            .iter()
            .map(String::as_str)
            .chain([ACCESS_KEY, USER_ID])
        {
            assert!(!text.contains(never), "{never} in {}: {text}", f.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
