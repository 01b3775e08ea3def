//! 1688 shopping cart (AL-C1 … AL-C6) on a loopback mock: list, add, delete,
//! edit quantity, preview and create an order from cart lines.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Error;
use xportcn::ali1688::{
    CartAddRequest, CartCreateOrderRequest, CartDeleteRequest, CartEditQuantityRequest,
    CartListRequest, CartPreviewOrderRequest, DeliveryAddress,
};
use xportcn::endpoint::Generation;

fn address() -> DeliveryAddress {
    DeliveryAddress::builder()
        .full_name("张三")
        .mobile("13567102355")
        .phone("")
        .post_code("532600")
        .city_text("崇左市")
        .province_text("广西壮族自治区")
        .area_text("凭祥市")
        .address("测试路 1 号")
        .district_code("451481")
        .build()
}

fn address_json() -> serde_json::Value {
    json!({
        "fullName": "张三",
        "mobile": "13567102355",
        "phone": "",
        "postCode": "532600",
        "cityText": "崇左市",
        "provinceText": "广西壮族自治区",
        "areaText": "凭祥市",
        "address": "测试路 1 号",
        "districtCode": "451481"
    })
}

#[tokio::test]
async fn cart_list_v2_sends_nothing_and_decodes_the_documented_sample() {
    let server = MockServer::start().await;
    let sample = fixture_json("responses/AL-C1.response.json");
    let mut data = sample["data"].clone();
    // A realistic line next to the docs' placeholder one, and a field the
    // docs do not show.
    data["enableList"][0]["cartItemInfos"][0] = json!({
        "id": 1840000000000000123u64, "offerMapId": "WUnUC1cILiBjt-Jv3lDdlQ",
        "specId": "b266e0726506185beaf205cbae88530d", "skuId": 5011111111111u64,
        "itemTitle": "PVC插页文件夹", "itemPic": "https://cbu01.alicdn.com/img/a.jpg",
        "price": 6.15, "quantity": "3", "amountOnSale": 1200, "properties": "{\"颜色\":\"红\"}",
        "isNew": true
    });
    expect_one(&server, "GET", "/v2/alibaba/cart/list", Sent::Nothing, data).await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let cart = client.call(CartListRequest::new()).await.unwrap();

    assert_eq!(cart.disable_list.len(), 1);
    let gone = &cart.disable_list[0];
    assert_eq!(gone.seller_open_id.as_deref(), Some(""));
    let placeholder = &gone.cart_item_infos[0];
    assert_eq!(placeholder.id.as_ref().unwrap(), "0");
    assert_eq!(placeholder.price.as_ref().unwrap().as_str(), "0");
    assert_eq!(placeholder.quantity, Some(0));

    let line = &cart.enable_list[0].cart_item_infos[0];
    assert_eq!(line.id.as_ref().unwrap(), "1840000000000000123");
    assert_eq!(
        line.offer_map_id.as_ref().unwrap(),
        "WUnUC1cILiBjt-Jv3lDdlQ"
    );
    assert_eq!(
        line.spec_id.as_deref(),
        Some("b266e0726506185beaf205cbae88530d")
    );
    assert_eq!(line.sku_id.as_ref().unwrap(), "5011111111111");
    assert_eq!(line.item_title.as_deref(), Some("PVC插页文件夹"));
    assert_eq!(
        line.item_pic.as_deref(),
        Some("https://cbu01.alicdn.com/img/a.jpg")
    );
    assert_eq!(line.price.as_ref().unwrap().to_fen().unwrap().fen(), 615);
    assert_eq!((line.quantity, line.amount_on_sale), (Some(3), Some(1200)));
    assert_eq!(line.properties.as_deref(), Some("{\"颜色\":\"红\"}"));
    assert_eq!(line.extra.get("isNew").unwrap().get(), "true");
}

#[tokio::test]
async fn cart_list_v1_guessed_path_is_sent_and_a_404_says_it_was_guessed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/alibaba/cart/list"))
        .and(signed())
        .respond_with(ResponseTemplate::new(404).set_body_string("Not Found"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .call(CartListRequest::new())
        .await
        .unwrap_err();
    match &err {
        Error::GuessedPathNotFound { endpoint, path, .. } => {
            assert_eq!((*endpoint, path.as_str()), ("AL-C1", "/alibaba/cart/list"));
        }
        other => panic!("expected GuessedPathNotFound, got {other:?}"),
    }
    assert!(err.to_string().contains("override_path(\"AL-C1\""));
}

#[tokio::test]
async fn cart_add_is_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(
            CartAddRequest::builder()
                .offer_id(706627393257u64)
                .spec_id("b266e0726506185beaf205cbae88530d")
                .quantity(2)
                .build(),
        )
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-C2");
}

#[tokio::test]
async fn cart_add_sends_its_inferred_fields_once_the_path_is_set() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/cart/add",
        Sent::Json(json!({
            "offerId": 706627393257u64,
            "specId": "b266e0726506185beaf205cbae88530d",
            "quantity": 2,
            "outMemberId": "m1"
        })),
        json!(true),
    )
    .await;
    let client = builder(&server)
        .override_path("AL-C2", "/alibaba/cart/add")
        .build()
        .unwrap();
    let data = client
        .call(
            CartAddRequest::builder()
                .offer_id(706627393257u64)
                .spec_id("b266e0726506185beaf205cbae88530d")
                .quantity(2)
                .other(
                    [("outMemberId".to_owned(), json!("m1"))]
                        .into_iter()
                        .collect(),
                )
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(data.unwrap().get(), "true");
}

#[tokio::test]
async fn cart_delete_is_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(
            CartDeleteRequest::builder()
                .cart_ids(vec!["1840000000000000123".into()])
                .build(),
        )
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-C3");
}

#[tokio::test]
async fn cart_edit_quantity_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The docs' answer is `"data": false` (the stored page cuts the closing
    // brace); `data` is a bare boolean, so there is no `extra` to check.
    expect_one(
        &server,
        "POST",
        "/alibaba/cart/edit-quantity",
        Sent::Json(json!({
            "id": 1840000000000000123u64,
            "quantity": 5,
            "productNo": "P-001",
            "container": "C-01"
        })),
        json!(false),
    )
    .await;
    let changed = client(&server)
        .call(
            CartEditQuantityRequest::builder()
                .id("1840000000000000123")
                .quantity(5)
                .product_no("P-001")
                .container("C-01")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(changed, Some(false));
}

#[tokio::test]
async fn cart_preview_order_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The page's answer is cut before `data`: a realistic one, built for the
    // test, comes back as raw JSON.
    let answer = json!([{"sumPayment": 1845, "sumCarriage": 600, "flowFlag": "general"}]);
    expect_one(
        &server,
        "POST",
        "/alibaba/cart/preview/order",
        Sent::Json(json!({
            "addressParam": address_json(),
            "cartIds": [1840000000000000123u64, 1840000000000000124u64]
        })),
        answer.clone(),
    )
    .await;
    let preview = client(&server)
        .call(
            CartPreviewOrderRequest::builder()
                .address_param(address())
                .cart_ids(vec![
                    "1840000000000000123".into(),
                    "1840000000000000124".into(),
                ])
                .build(),
        )
        .await
        .unwrap();
    let got: serde_json::Value = serde_json::from_str(preview.get()).unwrap();
    assert_eq!(got, answer);
}

#[tokio::test]
async fn cart_create_order_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The page shows no answer: a realistic one, built for the test.
    let answer = json!({"orderId": "2386945123456789012", "totalSuccessAmount": 1845});
    expect_one(
        &server,
        "POST",
        "/alibaba/cart/create/order",
        Sent::Json(json!({
            "flow": "general",
            "message": "请尽快发货",
            "shopPromotionId": "p1",
            "tradeType": "fxassure",
            "addressParam": address_json(),
            "cartIds": [1840000000000000123u64],
            "userId": "u-42",
            "staffName": "李四"
        })),
        answer.clone(),
    )
    .await;
    let created = client(&server)
        .call(
            CartCreateOrderRequest::builder()
                .flow("general")
                .message("请尽快发货")
                .shop_promotion_id("p1")
                .trade_type("fxassure")
                .address_param(address())
                .cart_ids(vec!["1840000000000000123".into()])
                .user_id("u-42")
                .staff_name("李四")
                .build(),
        )
        .await
        .unwrap();
    let got: serde_json::Value = serde_json::from_str(created.unwrap().get()).unwrap();
    assert_eq!(got["orderId"], "2386945123456789012");
}
