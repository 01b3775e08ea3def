//! The Xportcn-only sections: Alibaba International (IA), bigMajor / key
//! account 1688 (BM) and Poizon (PZ).
//!
//! BM-3 (preview) and BM-4 (create) have verified paths: their tests assert
//! the documented request and decode the documented sample. Every other
//! endpoint has no known path: each test shows that the call fails before
//! sending, that with `override_path` (how a user proceeds) it is sent signed
//! to that path with the given parameters, and that a response of a shape
//! nobody documented comes back without loss.
use crate::common;

use common::*;
use serde_json::{Value, json};
use wiremock::MockServer;
use xportcn::endpoint::{Endpoint, Generation};
use xportcn::{Call, Client};

/// Asserts that the call fails before anything is sent, with the error that
/// names `override_path("<id>", ..)`, in both generations.
async fn refused_before_sending<E: Endpoint>(id: &str, call: impl Fn(&Client) -> Call<E>) {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for generation in [Generation::V1, Generation::V2] {
        let client = builder(&server).generation(generation).build().unwrap();
        let err = call(&client).await.err().expect("no path: refused");
        assert_path_unavailable(&err, id);
    }
}

/// With `override_path(id, path)`, the call is sent once, signed, as `POST
/// path` with exactly `body`; the server answers `data`. Returns the decoded
/// `data`.
async fn sent_on_override<E: Endpoint>(
    id: &str,
    path: &str,
    body: Value,
    data: Value,
    call: impl FnOnce(&Client) -> Call<E>,
) -> E::Response {
    let server = MockServer::start().await;
    expect_one(&server, "POST", path, Sent::Json(body), data).await;
    let client = builder(&server).override_path(id, path).build().unwrap();
    call(&client).await.expect("sent on the overridden path")
}

/// Raw `data` is exactly what the server sent.
fn assert_raw_is(raw: &serde_json::value::RawValue, want: &Value) {
    let got: Value = serde_json::from_str(raw.get()).unwrap();
    assert_eq!(&got, want);
}

/// A model with no known fields keeps every field in `extra`, and writes
/// them back unchanged.
fn assert_model_keeps<T: serde::Serialize>(model: &T, want: &Value) {
    assert_eq!(&serde_json::to_value(model).unwrap(), want);
}

/// An object nobody documented: nested, with a big id and mixed types.
fn undocumented_object() -> Value {
    json!({
        "productId": "1600987654321098765",
        "subject": "Tote bag",
        "price": {"min": "6.15", "max": 9},
        "skus": [{"skuId": 5736673805656u64, "stock": null}],
        "available": true
    })
}

// ---------------------------------------------------------------------------
// bigMajor (key-account 1688)
// ---------------------------------------------------------------------------

fn preview_address() -> xportcn::ali1688::DeliveryAddress {
    xportcn::ali1688::DeliveryAddress::builder()
        .full_name("test")
        .mobile("13567102355")
        .phone("")
        .post_code("532600")
        .city_text("崇左市")
        .province_text("凭祥市区")
        .area_text("凭祥市区")
        .town_text("广西壮族自治区省")
        .address("测试")
        .district_code("451481")
        .build()
}

fn preview_cargo() -> xportcn::bigmajor::Cargo {
    xportcn::bigmajor::Cargo::builder()
        .offer_id(889512351602)
        .spec_id("530ad00177264564503ec3b848650652")
        .quantity(2.0)
        .build()
}

#[tokio::test]
async fn bm3_order_preview_sends_the_documented_request_and_decodes_the_sample() {
    use xportcn::bigmajor::{OrderPreview, OrderPreviewRequest};

    let server = MockServer::start().await;
    let sample = fixture_json("responses/BM-3.response.json");
    // The documented data, plus fields the docs do not show (one per level).
    let mut data = sample["data"].clone();
    data[0]["newTopField"] = json!({"a": [1, 2]});
    data[0]["orderItemTOList"][0]["newItemField"] = json!("x");
    expect_one(
        &server,
        "POST",
        "/alibaba/ka/order/create/preview",
        Sent::Json(fixture_json("responses/BM-3.request.json")),
        data,
    )
    .await;

    let request = OrderPreviewRequest::builder()
        .flow("fenxiaonew")
        .address_param(preview_address())
        .cargo_param_list(vec![preview_cargo()])
        .build();
    let orders = client(&server).call(request).await.unwrap();

    assert_eq!(orders.len(), 1);
    let order = &orders[0];
    assert_eq!(order.sum_carriage, Some(600));
    assert_eq!(order.sum_payment, Some(6400));
    assert_eq!(order.sum_total_payment, Some(6561));
    assert_eq!(order.sum_payment_no_carriage, Some(5800));
    let item = &order.order_item_to_list[0];
    assert_eq!(item.amount, Some(5800));
    assert_eq!(item.message, None);
    assert_eq!(item.final_unit_price, Some(2900));
    assert_eq!(
        item.spec_id.as_deref(),
        Some("530ad00177264564503ec3b848650652")
    );
    assert_eq!(item.sku_id.as_ref().unwrap(), "5736673805656");
    assert_eq!(item.offer_id.as_ref().unwrap(), "889512351602");
    assert_eq!(
        item.open_offer_id.as_deref(),
        Some("+vIWvlcT2JMpWVABRdm+WQ==")
    );
    // The fields the docs do not show survive, at both levels.
    assert_eq!(
        order.extra.get("newTopField").unwrap().get(),
        r#"{"a":[1,2]}"#
    );
    assert_eq!(
        item.extra
            .get_as::<String>("newItemField")
            .unwrap()
            .unwrap(),
        "x"
    );

    // The verbatim sample is typed completely: nothing left in `extra`.
    let typed: Vec<OrderPreview> = serde_json::from_value(sample["data"].clone()).unwrap();
    assert!(typed[0].extra.is_empty() && typed[0].order_item_to_list[0].extra.is_empty());
}

#[tokio::test]
async fn bm3_order_preview_has_no_v2_path() {
    use xportcn::bigmajor::OrderPreviewRequest;

    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let request = OrderPreviewRequest::builder()
        .address_param(preview_address())
        .cargo_param_list(vec![preview_cargo()])
        .build();
    let err = client.call(request).await.unwrap_err();
    assert_path_unavailable(&err, "BM-3");
}

#[tokio::test]
async fn bm4_order_create_sends_the_documented_fields_and_keeps_the_unknown_response() {
    use xportcn::bigmajor::OrderCreateRequest;

    let server = MockServer::start().await;
    // The create's response is not documented: an arbitrary shape (a list
    // of objects, as the KA preview answers), not a claim about the real one.
    let data = json!([{"orderId": "2887421737338134260", "totalSuccessAmount": 6561}]);
    expect_one(
        &server,
        "POST",
        "/alibaba/ka/order/create",
        Sent::Json(json!({
            "flow": "fenxiaonew",
            "message": "please pack well",
            "shopPromotionId": "p1",
            "tradeType": "assureTrade",
            "addressParam": {"fullName": "test", "mobile": "13567102355", "postCode": "532600"},
            "cargoParamList": [
                {"offerId": 889512351602u64, "specId": "530ad00177264564503ec3b848650652", "quantity": 2.0}
            ]
        })),
        data.clone(),
    )
    .await;

    let address = xportcn::ali1688::DeliveryAddress::builder()
        .full_name("test")
        .mobile("13567102355")
        .post_code("532600")
        .build();
    let request = OrderCreateRequest::builder()
        .flow("fenxiaonew")
        .message("please pack well")
        .shop_promotion_id("p1")
        .trade_type("assureTrade")
        .address_param(address)
        .build()
        // Not in the stored part of the docs: the goods go in `other`.
        .param(
            "cargoParamList",
            serde_json::to_value(vec![preview_cargo()]).unwrap(),
        );
    let created = client(&server).call(request).await.unwrap();
    assert_raw_is(&created, &data);
}

#[tokio::test]
async fn bm4_order_create_has_no_v2_path() {
    use xportcn::bigmajor::OrderCreateRequest;

    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let request = OrderCreateRequest::builder()
        .address_param(preview_address())
        .build();
    let err = client.call(request).await.unwrap_err();
    assert_path_unavailable(&err, "BM-4");
}

#[tokio::test]
async fn bm1_product_detail_has_no_known_path() {
    use xportcn::bigmajor::ProductDetailRequest;

    refused_before_sending("BM-1", |c| c.call(ProductDetailRequest::builder().build())).await;
    let data = undocumented_object();
    let detail = sent_on_override(
        "BM-1",
        "/your/path/BM-1",
        json!({"offerId": "889512351602"}),
        data.clone(),
        |c| {
            c.call(
                ProductDetailRequest::builder()
                    .build()
                    .param("offerId", "889512351602"),
            )
        },
    )
    .await;
    assert_model_keeps(&detail, &data);
    assert_eq!(
        detail.extra.get_as::<String>("productId").unwrap().unwrap(),
        "1600987654321098765"
    );
}

#[tokio::test]
async fn bm2_order_list_has_no_known_path() {
    use xportcn::bigmajor::OrderListRequest;

    refused_before_sending("BM-2", |c| c.call(OrderListRequest::builder().build())).await;
    // `other` set whole through the builder.
    let other: serde_json::Map<String, Value> =
        serde_json::from_value(json!({"pageNo": 2, "pageSize": 50})).unwrap();
    let data = json!({"total": 51, "list": [undocumented_object()]});
    let page = sent_on_override(
        "BM-2",
        "/your/path/BM-2",
        json!({"pageNo": 2, "pageSize": 50}),
        data.clone(),
        |c| c.call(OrderListRequest::builder().other(other).build()),
    )
    .await;
    assert_raw_is(&page, &data);
}

#[tokio::test]
async fn bm5_order_detail_has_no_known_path() {
    use xportcn::bigmajor::OrderDetailRequest;

    refused_before_sending("BM-5", |c| c.call(OrderDetailRequest::builder().build())).await;
    let data = undocumented_object();
    let detail = sent_on_override(
        "BM-5",
        "/your/path/BM-5",
        json!({"orderId": "2887421737338134260"}),
        data.clone(),
        |c| {
            c.call(
                OrderDetailRequest::builder()
                    .build()
                    .param("orderId", "2887421737338134260"),
            )
        },
    )
    .await;
    assert_model_keeps(&detail, &data);
}

// ---------------------------------------------------------------------------
// Alibaba International
// ---------------------------------------------------------------------------

#[tokio::test]
async fn ia1_product_detail_has_no_known_path() {
    use xportcn::intl::ProductDetailRequest;

    refused_before_sending("IA-1", |c| c.call(ProductDetailRequest::builder().build())).await;
    let data = undocumented_object();
    let detail = sent_on_override(
        "IA-1",
        "/your/path/IA-1",
        json!({"productId": "1600987654321098765", "language": "en"}),
        data.clone(),
        |c| {
            c.call(
                ProductDetailRequest::builder()
                    .build()
                    .param("productId", "1600987654321098765")
                    .param("language", "en"),
            )
        },
    )
    .await;
    assert_model_keeps(&detail, &data);
    assert!(detail.extra.get_as::<bool>("available").unwrap().unwrap());
}

#[tokio::test]
async fn ia2_product_list_has_no_known_path() {
    use xportcn::intl::ProductListRequest;

    refused_before_sending("IA-2", |c| c.call(ProductListRequest::builder().build())).await;
    // A bare list, not a page object.
    let data = json!([undocumented_object(), undocumented_object()]);
    let list = sent_on_override(
        "IA-2",
        "/your/path/IA-2",
        json!({"page": 1}),
        data.clone(),
        |c| c.call(ProductListRequest::builder().build().param("page", 1)),
    )
    .await;
    assert_raw_is(&list, &data);
}

#[tokio::test]
async fn ia3_order_list_has_no_known_path() {
    use xportcn::intl::OrderListRequest;

    refused_before_sending("IA-3", |c| c.call(OrderListRequest::builder().build())).await;
    let data = json!({"records": [undocumented_object()], "pages": 1});
    let list = sent_on_override("IA-3", "/your/path/IA-3", json!({}), data.clone(), |c| {
        c.call(OrderListRequest::builder().build())
    })
    .await;
    assert_raw_is(&list, &data);
}

#[tokio::test]
async fn ia4_order_create_has_no_known_path() {
    use xportcn::intl::OrderCreateRequest;

    // A write with no path: nothing is sent, in either generation.
    refused_before_sending("IA-4", |c| c.call(OrderCreateRequest::builder().build())).await;
    // A bare string (an order number, say): not an object at all.
    let data = json!("IA20261124000001");
    let created = sent_on_override(
        "IA-4",
        "/your/path/IA-4",
        json!({"items": [{"productId": "1", "quantity": 3}]}),
        data.clone(),
        |c| {
            c.call(
                OrderCreateRequest::builder()
                    .build()
                    .param("items", json!([{"productId": "1", "quantity": 3}])),
            )
        },
    )
    .await;
    assert_raw_is(&created, &data);
}

// ---------------------------------------------------------------------------
// Poizon
// ---------------------------------------------------------------------------

#[tokio::test]
async fn pz1_keyword_search_has_no_known_path() {
    use xportcn::poizon::KeywordSearchRequest;

    refused_before_sending("PZ-1", |c| c.call(KeywordSearchRequest::builder().build())).await;
    let data = json!({"total": 1, "items": [undocumented_object()]});
    let found = sent_on_override(
        "PZ-1",
        "/your/path/PZ-1",
        json!({"keyword": "sneakers"}),
        data.clone(),
        |c| {
            c.call(
                KeywordSearchRequest::builder()
                    .build()
                    .param("keyword", "sneakers"),
            )
        },
    )
    .await;
    assert_raw_is(&found, &data);
}

#[tokio::test]
async fn pz2_product_detail_has_no_known_path() {
    use xportcn::poizon::ProductDetailRequest;

    refused_before_sending("PZ-2", |c| c.call(ProductDetailRequest::builder().build())).await;
    let data = undocumented_object();
    let detail = sent_on_override(
        "PZ-2",
        "/your/path/PZ-2",
        json!({"spuId": 123}),
        data.clone(),
        |c| c.call(ProductDetailRequest::builder().build().param("spuId", 123)),
    )
    .await;
    assert_model_keeps(&detail, &data);
}

#[tokio::test]
async fn pz3_order_pay_has_no_known_path() {
    use xportcn::poizon::OrderPayRequest;

    // A payment with no path: nothing is sent, in either generation.
    refused_before_sending("PZ-3", |c| c.call(OrderPayRequest::builder().build())).await;
    // `true`: not an object.
    let paid = sent_on_override(
        "PZ-3",
        "/your/path/PZ-3",
        json!({"orderNo": "PZ1"}),
        json!(true),
        |c| c.call(OrderPayRequest::builder().build().param("orderNo", "PZ1")),
    )
    .await;
    assert_raw_is(&paid, &json!(true));
}

#[tokio::test]
async fn pz4_order_list_has_no_known_path() {
    use xportcn::poizon::OrderListRequest;

    refused_before_sending("PZ-4", |c| c.call(OrderListRequest::builder().build())).await;
    let data = json!([]);
    let list = sent_on_override("PZ-4", "/your/path/PZ-4", json!({}), data.clone(), |c| {
        c.call(OrderListRequest::builder().build())
    })
    .await;
    assert_raw_is(&list, &data);
}

#[tokio::test]
async fn pz5_order_create_has_no_known_path() {
    use xportcn::poizon::OrderCreateRequest;

    refused_before_sending("PZ-5", |c| c.call(OrderCreateRequest::builder().build())).await;
    let data = json!({"orderNo": "PZ1", "amount": 5900, "status": null});
    let created = sent_on_override(
        "PZ-5",
        "/your/path/PZ-5",
        json!({"skuId": "9"}),
        data.clone(),
        |c| c.call(OrderCreateRequest::builder().build().param("skuId", "9")),
    )
    .await;
    assert_raw_is(&created, &data);
}

#[tokio::test]
async fn pz6_order_preview_has_no_known_path() {
    use xportcn::poizon::OrderPreviewRequest;

    refused_before_sending("PZ-6", |c| c.call(OrderPreviewRequest::builder().build())).await;
    let data = json!([{"amount": 5900}, 12.5, null]);
    let preview = sent_on_override(
        "PZ-6",
        "/your/path/PZ-6",
        json!({"skuId": "9", "quantity": 1}),
        data.clone(),
        |c| {
            c.call(
                OrderPreviewRequest::builder()
                    .build()
                    .param("skuId", "9")
                    .param("quantity", 1),
            )
        },
    )
    .await;
    assert_raw_is(&preview, &data);
}

/// A null `data` (a write that answers nothing) reads as raw `null`, not an
/// error, for every raw-JSON endpoint.
#[tokio::test]
async fn a_null_data_reads_as_raw_null() {
    use xportcn::poizon::OrderPayRequest;

    let paid = sent_on_override("PZ-3", "/your/path/PZ-3", json!({}), Value::Null, |c| {
        c.call(OrderPayRequest::builder().build())
    })
    .await;
    assert_eq!(paid.get(), "null");
}
