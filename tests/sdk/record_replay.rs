//! Record, replay, type: the loop of `docs/adding-an-endpoint.md`, end to
//! end, on 127.0.0.1 only.
//!
//! 1. A client with `record_to` calls the sandbox: one file per exchange,
//!    credentials never in it, personal data redacted.
//! 2. A second sandbox `replay_from` that directory answers with the
//!    recorded answer (not its own), marked `recorded`.
//! 3. `codegen` turns the recording into a `#[model]` declaration, equal
//!    byte for byte to `tests/generated/recorded_product.rs`, which is
//!    compiled here and decodes the replayed answer with nothing in `extra`.
//!
//! `XPORTCN_BLESS=1 cargo test --test sdk record_replay::` rewrites the golden
//! files (`tests/generated/`) after an intended change of the generator.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xportcn::endpoint::{self, Method};
use xportcn::record::{Exchange, REDACTED};
use xportcn::signing::{SignedHeaders, TimestampUnit};
use xportcn_sandbox::{SHAPE_HEADER, SHAPE_RECORDED, Sandbox};

/// The generated model, compiled as a user's crate would compile it.
#[allow(missing_docs)]
mod generated {
    include!("../generated/recorded_product.rs");
}

/// The endpoint as a user declares it, typed by the generated model (the
/// loop of `docs/adding-an-endpoint.md`).
#[xportcn::endpoint::endpoint(
    id = "MY-P8",
    method = GET,
    v1 = verified("/open/product/get", "https://example.invalid/your-own-doc-page"),
    response = generated::RecordedProduct,
    idempotent,
)]
pub struct MyProductRequest {
    /// The item.
    pub item_id: String,
}

/// The generator's hard cases, compiled.
#[allow(missing_docs)]
mod odd_keys {
    include!("../generated/odd_keys.rs");
}

/// Keywords, keys that are not identifiers, collisions, nulls, empty and
/// mixed lists, nesting, numbers beyond 2^53.
const ODD_KEYS: &str = r#"{"code":200,"msg":"ok","data":{"type":1,"self":2,"extra":3,
 "mobile_phone":"x","orderID":4,"中文":5,"3d":6,"a-b":7,"skuId":8,"sku_id":9,"":10,"gen":1,
 "async":2,"remark":null,"items":[],"odd":[1,{"a":1}],"grid":[[1]],
 "answer":{"answer":{"z":1.5}},"boxes":[{"k":true},{"k":false,"j":"9007199254740993"}],
 "big":9007199254740993,"lines":[{"lineId":1234567890123456789,"price":"6.15"},
 {"lineId":"5","qty":2,"price":7}]}}"#;

const GOLDEN: &str = "tests/generated/recorded_product.rs";

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let n: u64 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let dir = std::env::temp_dir().join(format!("xportcn-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

/// Every `extra: {...}` in a model's `Debug` is empty.
fn assert_nothing_in_extra(debug: &str) {
    let mut rest = debug;
    let mut seen = 0;
    while let Some(at) = rest.find("extra: ") {
        rest = &rest[at + "extra: ".len()..];
        assert!(
            rest.starts_with("{}"),
            "left in extra: {}",
            &rest[..rest.len().min(200)]
        );
        seen += 1;
    }
    assert!(
        seen >= 3,
        "the root, a SKU and a property each have an extra: {debug}"
    );
}

#[tokio::test]
async fn a_recorded_answer_is_replayed_generated_and_decoded() {
    let dir = TempDir::new("record");
    // 1. Record against the sandbox.
    let live = Sandbox::start().await.expect("sandbox");
    let client = live
        .client_builder()
        .record_to(&dir.0)
        .build()
        .expect("client");
    let product = client
        .taobao()
        .product_get("672991141190")
        .await
        .expect("product");
    assert_eq!(
        product.item_id.as_ref().map(|i| i.as_str()),
        Some("672991141190")
    );
    let recorded = files(&dir.0);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let name = recorded[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("TB-P8-") && name.ends_with(".json"),
        "{name}"
    );
    let text = std::fs::read_to_string(&recorded[0]).expect("recording");
    let creds = live.credentials();
    for never in [
        creds.access_key(),
        creds.user_id(),
        live.made_up_secret().unwrap(),
    ] {
        assert!(!text.contains(never), "{never} recorded: {text}");
    }
    let ex = Exchange::from_json(&text).expect("an exchange");
    assert_eq!(ex.endpoint.as_deref(), Some("TB-P8"));
    assert_eq!(
        (ex.method.as_str(), ex.path.as_str(), ex.status),
        ("GET", "/open/product/get", 200)
    );
    assert_eq!(ex.query, Some(json!({"itemId": "672991141190"})));
    live.shutdown().await;

    // 2. Replay it: a second sandbox answers TB-P8 with the recording,
    // whatever item is asked (on its own it answers under the asked id).
    let replay = Sandbox::builder()
        .replay_from(&dir.0)
        .start()
        .await
        .expect("replaying sandbox");
    let client = replay.client();
    let spec = endpoint::find("TB-P8").expect("TB-P8");
    let answer = client
        .endpoint(spec)
        .query(&[("itemId", "1")])
        .send_raw()
        .await
        .expect("replayed");
    let data: Value = serde_json::from_str(answer.data.get()).expect("JSON");
    assert_eq!(
        data["itemId"], 672991141190_u64,
        "the recorded answer, not the sandbox's own"
    );
    assert_eq!(Some(&data), ex.data());
    // Marked as a recorded shape, on the wire.
    let signed = SignedHeaders::new(replay.credentials(), TimestampUnit::Millis);
    let resp = xportcn::reqwest::Client::new()
        .get(format!("{}/open/product/get?itemId=2", replay.base_url()))
        .header("access-key", replay.credentials().access_key())
        .header("user-id", replay.credentials().user_id())
        .header("timestamp", signed.timestamp())
        .header("nonce-str", signed.nonce())
        .header("signature", signed.signature())
        .send()
        .await
        .expect("signed GET");
    assert_eq!(
        resp.headers()
            .get(SHAPE_HEADER)
            .and_then(|v| v.to_str().ok()),
        Some(SHAPE_RECORDED)
    );
    // Recorded, never flagged as invented.
    let last = replay.requests().last().cloned().expect("a request");
    assert_eq!(last.shape, Some(xportcn_sandbox::ShapeSource::Recorded));
    assert!(!last.invented());
    // An endpoint with no recording answers as before, unmarked.
    let other = client
        .endpoint(endpoint::find("AL-P2").expect("AL-P2"))
        .json(&json!({"offerId": "1"}))
        .send_value()
        .await
        .expect("not replayed");
    assert_ne!(other.data, data);

    // 3. Generate the model from the recording: the golden file, byte for byte.
    let source = xportcn::codegen::generate_from_json("RecordedProduct", &text, "a recording")
        .expect("generated");
    golden(GOLDEN, &source);
    // ...which compiled above, and decodes the replayed answer losslessly,
    // 19-digit-safe ids as `Id`.
    let decoded: generated::RecordedProduct =
        serde_json::from_str(answer.data.get()).expect("decodes");
    assert_nothing_in_extra(&format!("{decoded:?}"));
    assert_eq!(
        decoded.item_id.as_ref().map(|i| i.as_str()),
        Some("672991141190")
    );
    assert_eq!(decoded.sku_list.len(), 2);
    assert_eq!(
        decoded.sku_list[0].sku_id.as_ref().map(|i| i.as_str()),
        Some("3452545926724")
    );
    assert_eq!(decoded.sku_list[0].properties.len(), 2);
    // Declared with `#[endpoint]` and called typed, against the replay.
    let typed = client
        .call(MyProductRequest::builder().item_id("3".to_owned()).build())
        .await
        .expect("typed call");
    assert_eq!(typed, decoded);
    replay.shutdown().await;
}

#[tokio::test]
async fn personal_data_is_never_recorded_in_the_request_or_the_echoed_answer() {
    let dir = TempDir::new("personal");
    let sandbox = Sandbox::start().await.expect("sandbox");
    let client = sandbox
        .client_builder()
        .record_to(&dir.0)
        .build()
        .expect("client");
    let personal = [
        "张三丰",
        "13912345678",
        "浙江省杭州市西湖区文三路100号",
        "330106199001011234",
        "zhang@example.invalid",
        "310000",
    ];
    let body = json!({
        "outOrderNo": "A-1",
        "receiverName": personal[0],
        "receiver": json!({"mobile": personal[1], "fullAddress": personal[2]}).to_string(),
        "buyer": {"idCard": personal[3], "email": personal[4], "postCode": personal[5]},
    });
    // An endpoint whose answer the docs do not show: the sandbox echoes the
    // request, so the personal values are in the answer too. (The first
    // such write that answers with the echo; at most the registry's size.)
    let mut echoed = None;
    for spec in endpoint::all()
        .iter()
        .filter(|s| s.method == Method::Post && s.example.build().is_none())
    {
        let answer = client.endpoint(spec).json(&body).send_value().await;
        if answer.is_ok_and(|a| a.data.get("sandbox").is_some()) {
            echoed = Some(spec.id);
            break;
        }
    }
    let echoed = echoed.expect("an endpoint the sandbox echoes");
    let recorded = files(&dir.0);
    assert!(!recorded.is_empty());
    for file in &recorded {
        let text = std::fs::read_to_string(file).expect("recording");
        for value in personal {
            assert!(!text.contains(value), "{value} recorded: {text}");
        }
        let ex = Exchange::from_json(&text).expect("exchange");
        assert_eq!(ex.request.as_ref().unwrap()["outOrderNo"], "A-1");
        assert_eq!(ex.request.as_ref().unwrap()["receiverName"], REDACTED);
        if ex.endpoint.as_deref() == Some(echoed) {
            // The request's six values, and the echo's.
            assert!(
                text.matches(REDACTED).count() >= 2 * personal.len(),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn a_recorded_call_by_path_is_replayed_at_that_path() {
    let dir = TempDir::new("raw");
    let exchange = Exchange::new(
        None,
        "POST",
        "/v2/taobao/some/new/path",
        "",
        Some(br#"{"keyword":"x"}"#),
        200,
        br#"{"code":200,"msg":"ok","data":{"items":[{"itemId":1234567890123456789}]}}"#,
    );
    std::fs::write(
        dir.0.join("raw-0001.json"),
        serde_json::to_vec(&exchange).unwrap(),
    )
    .unwrap();
    // An endpoint declared outside the SDK: replayed at its path.
    let own = Exchange::new(
        Some("MY-9"),
        "GET",
        "/my/own/path",
        "a=1",
        None,
        200,
        br#"{"code":200,"msg":"ok","data":{"mine":true}}"#,
    );
    std::fs::write(
        dir.0.join("MY-9-0001.json"),
        serde_json::to_vec(&own).unwrap(),
    )
    .unwrap();
    let sandbox = Sandbox::builder()
        .replay_from(&dir.0)
        .start()
        .await
        .expect("sandbox");
    let resp = sandbox
        .client()
        .raw(Method::Post, "/v2/taobao/some/new/path")
        .json(&json!({}))
        .send_raw()
        .await
        .expect("replayed");
    assert!(resp.data.get().contains("1234567890123456789"));
    let mine = sandbox
        .client()
        .raw(Method::Get, "/my/own/path")
        .send_value()
        .await
        .expect("replayed");
    assert_eq!(mine.data, json!({"mine": true}));
    // Still authenticated: a wrong secret is refused.
    let wrong = xportcn::Client::builder()
        .credentials(xportcn::Credentials::new(
            sandbox.credentials().access_key(),
            "wrong",
            sandbox.credentials().user_id(),
        ))
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let err = wrong
        .raw(Method::Post, "/v2/taobao/some/new/path")
        .json(&json!({}))
        .send_raw()
        .await
        .unwrap_err();
    assert!(matches!(err, xportcn::Error::Api(_)), "{err}");
    // A directory with a file that is not an exchange is refused at start.
    std::fs::write(dir.0.join("zz.json"), b"{}").unwrap();
    let refused = Sandbox::builder().replay_from(&dir.0).start().await;
    assert!(matches!(refused, Err(xportcn::Error::Config(_))));
}

/// Writes `source` to the golden file with `XPORTCN_BLESS=1`, else asserts
/// they are equal.
fn golden(path: &str, source: &str) {
    if std::env::var_os("XPORTCN_BLESS").is_some() {
        std::fs::write(path, source).expect("bless");
    }
    let golden = std::fs::read_to_string(path).expect("golden file");
    assert_eq!(
        source, golden,
        "the generator's output changed: XPORTCN_BLESS=1 to accept"
    );
}

#[test]
fn odd_keys_generate_compile_and_decode_with_nothing_in_extra() {
    let source =
        xportcn::codegen::generate_from_json("OddKeys", ODD_KEYS, "`odd keys`").expect("generated");
    golden("tests/generated/odd_keys.rs", &source);
    let envelope: Value = serde_json::from_str(ODD_KEYS).unwrap();
    let decoded: odd_keys::OddKeys =
        serde_json::from_value(envelope["data"].clone()).expect("decodes");
    let debug = format!("{decoded:?}");
    assert_eq!(
        debug.matches("extra: {}").count(),
        debug.matches("extra: ").count(),
        "{debug}"
    );
    assert_eq!(decoded.r#type, Some(1));
    assert_eq!(decoded.self_, Some(2));
    assert_eq!(decoded.extra_, Some(3));
    assert_eq!(decoded.field, Some(10));
    assert_eq!(
        decoded.big.as_ref().map(|i| i.as_str()),
        Some("9007199254740993")
    );
    assert_eq!(
        decoded.lines[0].line_id.as_ref().map(|i| i.as_str()),
        Some("1234567890123456789")
    );
    assert_eq!(decoded.lines.len(), 2);
}
