//! Taobao shopping cart (TB-C1..TB-C6) against a mock platform, with the
//! documented request samples.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::MockServer;
use xportcn::endpoint::Generation;
use xportcn::taobao::{
    CartAddRequest, CartCreateOrderRequest, CartDeleteRequest, CartEditQuantityRequest,
    CartListRequest, CartPreviewOrderRequest, CartSkuProperty, OrderAddress, PriceRange,
};
use xportcn::types::{Decimal, Fen, Id};
use xportcn::{Client, Error};

/// A call on an endpoint with no known path: refused before sending, with
/// the error naming the fix.
async fn assert_refused<T: std::fmt::Debug, C>(id: &str, call: impl FnOnce(&Client) -> C)
where
    C: std::future::IntoFuture<Output = Result<T, Error>>,
{
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = call(&client(&server)).await.expect_err("no path: refused");
    assert_path_unavailable(&err, id);
}

/// A client whose path for `id` is set by hand.
fn with_path(server: &MockServer, id: &str, path: &str) -> Client {
    builder(server).override_path(id, path).build().unwrap()
}

/// The address of the create-order sample.
fn sample_address() -> OrderAddress {
    OrderAddress::builder()
        .zip("11111")
        .country("中国")
        .address("测试地址")
        .phone("")
        .mobile_phone("")
        .city("杭州市")
        .district("余杭区")
        .name("a测试aa")
        .state("浙江省")
        .build()
}

// --- TB-C1 ---------------------------------------------------------------------

#[tokio::test]
async fn cart_list_has_no_path_and_sends_its_query_once_set() {
    let req = || {
        CartListRequest::builder()
            .other(serde_json::Map::from_iter([(
                "userId".to_owned(),
                json!("2100007340000"),
            )]))
            .build()
    };
    assert_refused("TB-C1", |c| c.call(req())).await;

    let server = MockServer::start().await;
    // No response is documented: any `data` comes back verbatim.
    expect_one(
        &server,
        "GET",
        "/open/cart/list",
        Sent::Query(&[("userId", "2100007340000")]),
        json!({"enableList": [], "disableList": []}),
    )
    .await;
    let raw = with_path(&server, "TB-C1", "/open/cart/list")
        .call(req())
        .await
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
    assert_eq!(data, json!({"enableList": [], "disableList": []}));
}

// --- TB-C2 ---------------------------------------------------------------------

fn sample_properties() -> Vec<CartSkuProperty> {
    vec![
        CartSkuProperty::builder()
            .value_id("28324")
            .value_name("黄色")
            .prop_id("1627207")
            .prop_name("颜色分类")
            .build(),
        CartSkuProperty::builder()
            .value_id("3273546")
            .value_name("52cm")
            .prop_id("122216343")
            .prop_name("参考身高")
            .build(),
    ]
}

#[tokio::test]
async fn cart_add_sends_the_documented_v1_body() {
    let server = MockServer::start().await;
    // The docs cut the response: a built `data`, returned verbatim.
    expect_one(
        &server,
        "POST",
        "/open/cart/add",
        Sent::Json(fixture_json("responses/TB-C2.request.json")),
        json!({"id": 75}),
    )
    .await;
    let request = CartAddRequest::builder()
        .user_id("2100007340000")
        .platform(1)
        .item_id("2048175493257375")
        .sku_id("85")
        .item_title("英皇保罗男士长款银行皮夹钱包")
        .item_pic("https://img.alicdn.com/imgextra/i1/2200723183810/O1CN01LKgvKM1e11dGRihYC_!!2200723183810.jpg")
        .mp_id("26")
        .mp_sku_id("65")
        .price(Fen(689))
        .promotion_price(Fen(576))
        // Typed here; sent as the JSON text the docs show, byte for byte.
        .properties(sample_properties())
        .quantity(71)
        .shop_id("42")
        .shop_name("英皇保罗旗舰店")
        .sku_quantity("94")
        .user_nick("介安琪")
        .build();
    let raw = client(&server).call(request).await.unwrap();
    assert_eq!(raw.get(), r#"{"id":75}"#);
}

#[tokio::test]
async fn cart_add_v2_sends_the_opaque_item_id_and_price_tiers() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/taobao/cart/add",
        Sent::Json(json!({
            "itemMapId": "WUnUC1cILiBjt-Jv3lDdlQ",
            "mpId": "26",
            "mpSkuId": "65",
            "quantity": 2,
            "aliShopId": "b2b-2208857268871",
            "priceRanges": [{"startQuantity": 1, "price": 6.15}, {"startQuantity": 10}],
            "quoteType": 1,
            "properties": "[{\"valueId\":28324,\"valueName\":\"黄色\",\"propId\":1627207,\"propName\":\"颜色分类\"}]"
        })),
        json!(true),
    )
    .await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let request = CartAddRequest::builder()
        .item_map_id("WUnUC1cILiBjt-Jv3lDdlQ")
        .mp_id("26")
        .mp_sku_id("65")
        .quantity(2)
        .ali_shop_id("b2b-2208857268871")
        .price_ranges(vec![
            PriceRange::builder()
                .start_quantity(1)
                .price(Decimal::new("6.15"))
                .build(),
            PriceRange::builder().start_quantity(10).build(),
        ])
        .quote_type(1)
        .properties(sample_properties()[..1].to_vec())
        .build();
    let raw = client.call(request).await.unwrap();
    assert_eq!(raw.get(), "true");
}

#[tokio::test]
async fn cart_add_refuses_a_request_of_the_other_generation_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let v1_shaped = CartAddRequest::builder()
        .item_id("2048175493257375")
        .mp_id("26")
        .mp_sku_id("65")
        .build();
    let v2 = builder(&server).generation(Generation::V2).build().unwrap();
    let err = v2.call(v1_shaped).await.unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("TB-C2") && m.contains("item_map_id")),
        "{err:?}"
    );

    let v2_shaped = CartAddRequest::builder()
        .item_map_id("WUnUC1cILiBjt-Jv3lDdlQ")
        .mp_id("26")
        .mp_sku_id("65")
        .build();
    let err = client(&server).call(v2_shaped).await.unwrap_err();
    assert!(
        matches!(&err, Error::Request(m) if m.contains("only in v2")),
        "{err:?}"
    );
}

#[test]
fn cart_sku_property_comes_from_a_product_sku_property() {
    let p: xportcn::taobao::SkuProperty = serde_json::from_str(
        r#"{"propId":1627207,"propName":"颜色分类","valueId":"28324","valueName":"黄色"}"#,
    )
    .unwrap();
    let c = CartSkuProperty::from_sku_property(&p).unwrap();
    assert_eq!(c, sample_properties()[0]);
    assert_eq!(c.prop_id, Id::new("1627207"));
    let partial: xportcn::taobao::SkuProperty = serde_json::from_str(r#"{"propId":1}"#).unwrap();
    assert!(CartSkuProperty::from_sku_property(&partial).is_none());
}

// --- TB-C3 ---------------------------------------------------------------------

#[tokio::test]
async fn cart_delete_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        CartDeleteRequest::builder()
            .ids(vec![Id::new("75"), Id::new("76")])
            .build()
    };
    assert_refused("TB-C3", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/cart/delete",
        Sent::Json(json!({"ids": [75, 76]})),
        json!(true),
    )
    .await;
    let raw = with_path(&server, "TB-C3", "/custom/cart/delete")
        .call(req())
        .await
        .unwrap();
    assert_eq!(raw.get(), "true");
}

// --- TB-C4 ---------------------------------------------------------------------

#[tokio::test]
async fn cart_edit_quantity_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        CartEditQuantityRequest::builder()
            .id("75")
            .quantity(3)
            .build()
    };
    assert_refused("TB-C4", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/cart/edit",
        Sent::Json(json!({"id": 75, "quantity": 3})),
        json!(true),
    )
    .await;
    let raw = with_path(&server, "TB-C4", "/custom/cart/edit")
        .call(req())
        .await
        .unwrap();
    assert_eq!(raw.get(), "true");
}

// --- TB-C5 ---------------------------------------------------------------------

#[tokio::test]
async fn cart_preview_order_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        CartPreviewOrderRequest::builder()
            .ids(vec![Id::new("75")])
            .order_address(
                OrderAddress::builder()
                    .city("杭州市")
                    .mobile_phone("18123594991")
                    .build(),
            )
            .build()
    };
    assert_refused("TB-C5", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/cart/preview",
        Sent::Json(json!({
            "ids": [75],
            "orderAddress": {"city": "杭州市", "mobile_phone": "18123594991"}
        })),
        json!({"totalFee": 1050}),
    )
    .await;
    let raw = with_path(&server, "TB-C5", "/custom/cart/preview")
        .call(req())
        .await
        .unwrap();
    assert_eq!(raw.get(), r#"{"totalFee":1050}"#);
}

// --- TB-C6 ---------------------------------------------------------------------

#[tokio::test]
async fn cart_create_order_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The docs cut the response inside the envelope: a built `data`.
    expect_one(
        &server,
        "POST",
        "/open/cart/create/order",
        Sent::Json(fixture_json("responses/TB-C6.request.json")),
        json!({"orderId": "3305075341149134260"}),
    )
    .await;
    let request = CartCreateOrderRequest::builder()
        .ids(vec![Id::new("75"), Id::new("76")])
        .order_address(sample_address())
        .user_id("2100007340000")
        .build();
    let raw = client(&server).call(request).await.unwrap();
    assert_eq!(raw.get(), r#"{"orderId":"3305075341149134260"}"#);
}

#[tokio::test]
async fn cart_create_order_is_a_write_sent_once_even_on_a_503() {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/api/v2/taobao/cart/create/order"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let request = CartCreateOrderRequest::builder()
        .ids(vec![Id::new("75")])
        .order_address(sample_address())
        .build();
    let err = client.call(request).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
}
