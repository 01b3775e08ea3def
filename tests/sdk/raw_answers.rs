//! Raw answers read safely (issue 27, part 5): `ReadAt::at` reads an id
//! from a JSON string or a JSON number alike, 19 digits exact, through the
//! client's own decoding; errors name the pointer and keep the body.

use crate::common;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Error;
use xportcn::endpoint::Method;
use xportcn::pointer::ReadAt;
use xportcn::types::{Fen, Id};

const ORDER_ID: &str = "3305117853140189839";

/// The answer of an order create, with the id written as `id_json`.
fn answer(id_json: &str) -> String {
    format!(
        r#"{{"requestId":"r1","code":200,"developId":"1014533973088404335","msg":"成功","data":{{"orderId":{id_json},"payAmount":1050}}}}"#
    )
}

async fn created(server: &MockServer, body: String) -> xportcn::envelope::ApiResponse<Value> {
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/open/order"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
    common::client(server)
        .raw(Method::Post, "/open/order")
        .json(&serde_json::json!({"purchaseAmount": 1050}))
        .send_value()
        .await
        .expect("the call succeeds")
}

#[tokio::test]
async fn an_id_reads_the_same_from_a_string_and_a_number() {
    let server = MockServer::start().await;
    for id_json in [ORDER_ID.to_owned(), format!("\"{ORDER_ID}\"")] {
        let resp = created(&server, answer(&id_json)).await;
        // From the envelope, and from `data`.
        let from_envelope: Id = resp.at("/data/orderId").unwrap();
        let from_data: Id = resp.data.at("/orderId").unwrap();
        assert_eq!(from_envelope.as_str(), ORDER_ID, "{id_json}");
        assert_eq!(from_data.as_str(), ORDER_ID, "{id_json}");
        assert_eq!(resp.data.at::<Fen>("/payAmount").unwrap(), Fen(1050));
    }
    // What the accessor replaces: `to_string()` of a string keeps its quotes.
    let resp = created(&server, answer(&format!("\"{ORDER_ID}\""))).await;
    assert_eq!(resp.data["orderId"].to_string(), format!("\"{ORDER_ID}\""));
}

#[tokio::test]
async fn a_miss_names_the_pointer_and_keeps_the_body() {
    let server = MockServer::start().await;
    let body = answer(ORDER_ID);
    let resp = created(&server, body.clone()).await;
    let err = resp.at::<Id>("/data/order_id").unwrap_err();
    let Error::Pointer(e) = &err else {
        panic!("expected Error::Pointer, got {err:?}")
    };
    assert_eq!(e.pointer, "/data/order_id");
    assert_eq!(e.expected, "Id");
    assert!(e.found.contains("orderId"), "{}", e.found);
    assert_eq!(err.body().map(|b| &b[..]), Some(body.as_bytes()));
    // A typed method's raw answer (`Box<RawValue>`) reads the same way.
    let raw: Box<serde_json::value::RawValue> =
        serde_json::from_str(&format!(r#"{{"orderId":"{ORDER_ID}"}}"#)).unwrap();
    assert_eq!(raw.at::<Id>("/orderId").unwrap().as_str(), ORDER_ID);
}
