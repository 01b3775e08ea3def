//! 1688 orders (AL-O1..AL-O11) end to end against a loopback mock, both
//! path generations, and the buying flow from search to order detail.
use crate::common;

use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Error;
use xportcn::ali1688::{
    AddressParam, CargoParam, KeywordSearchRequest, LogisticsTraceRequest, OfferRef,
    OrderCancelRequest, OrderCreateBatchRequest, OrderCreateRequest, OrderDetailRequest,
    OrderPageRequest, OrderPayUrlRequest, OrderPreviewBatchRequest, OrderPreviewRequest,
    OrderReceiveGoodsRequest, OrderSubmitToPayBatchRequest, ProductDetailRequest,
};
use xportcn::endpoint::Generation;
use xportcn::types::Id;

// --- helpers -----------------------------------------------------------------

/// The address of the docs' create examples (AL-O3 schema, AL-O4 v2 sample).
fn address() -> AddressParam {
    AddressParam::builder()
        .full_name("zhang")
        .mobile("18600888861")
        .phone("18600888861")
        .post_code("100000")
        .city_text("杭州市")
        .province_text("浙江省")
        .area_text("西湖区")
        .town_text("转塘")
        .address("xxxxxxx")
        .build()
}

/// That address as the docs print it.
fn address_json() -> Value {
    json!({
        "fullName": "zhang", "mobile": "18600888861", "phone": "18600888861",
        "postCode": "100000", "cityText": "杭州市", "provinceText": "浙江省",
        "areaText": "西湖区", "townText": "转塘", "address": "xxxxxxx"
    })
}

/// A v1 order line: numeric offer id.
fn v1_line() -> CargoParam {
    CargoParam::builder()
        .offer(OfferRef::id(743470146022u64))
        .spec_id("e61a85a671bb3d0301d0412b51641c6b")
        .quantity(1)
        .build()
}

/// The AL-O4 v2 sample's line: opaque offer map id and seller.
fn v2_line() -> CargoParam {
    CargoParam::builder()
        .offer(OfferRef::map_id("L0PTnwSnx_dWNZWCtgK7Gg"))
        .spec_id("e61a85a671bb3d0301d0412b51641c6b")
        .quantity(1)
        .seller_open_id("BBBgGWh2O6JFI6v1aQuZVgRIA")
        .build()
}

/// Asserts the before-sending refusal of a request that does not fit the
/// client's generation, naming what to use instead.
fn assert_generation_refused(err: &Error, id: &str, hint: &str) {
    match err {
        Error::Request(m) => {
            assert!(m.starts_with(id), "{m}");
            assert!(m.contains("path generation"), "{m}");
            assert!(m.contains(hint), "{m}");
        }
        other => panic!("expected a generation refusal for {id}, got {other:?}"),
    }
}

/// The raw `data` of an answer, parsed.
/// Every object key of `want`, at every depth, is in `got` too: typed
/// decoding lost no field (values may be re-encoded: ids and amounts as
/// strings, status codes normalised).
fn assert_same_keys(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or_else(|| panic!("{at}.{k} was lost"));
                assert_same_keys(gv, wv, &format!("{at}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: list length");
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                assert_same_keys(gv, wv, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

fn parsed(raw: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap()
}

/// The created orders the v2 batch-create sample shows (AL-O4, cut in the
/// docs inside `productImgUrl`: closed there, plus a `baseInfo` in the
/// shape of the documented 1688 order push).
fn created_orders(order_id: &str) -> Value {
    json!([{
        "guaranteesTerms": null,
        "internationalLogistics": null,
        "nativeLogistics": {
            "address": "转塘 xxxxxxx", "area": "西湖区", "areaCode": "330106", "city": "杭州市",
            "contactPerson": "zhang", "fax": null, "mobile": "18600888861", "province": "浙江省",
            "telephone": "18600888861", "zip": "100000", "logisticsItems": null, "townCode": null,
            "town": null, "caid": null, "realLogisticsCompanyNo": null
        },
        "productItems": [{
            "cargoNumber": null, "description": null, "itemAmount": 19,
            "name": "2024春季新款女包斜跨大容量包包女时尚手提托特包尼龙布单肩包潮", "price": 19,
            "productID": 743470146022u64,
            "productImgUrl": ["http://cbu01.alicdn.com/img/ibank/O1CN01XM0H0F1Bs32yWFMfl_!!0-0-cib.80x80.jpg"]
        }],
        "baseInfo": {"idOfStr": order_id, "status": "waitbuyerpay", "totalAmount": 19}
    }])
}

// --- AL-O1, AL-O2: previews --------------------------------------------------

/// v1 preview (the page's request example is empty: the body follows its
/// schema; the answer is the cut v1 sample, closed after its visible fields).
#[tokio::test]
async fn order_preview_v1_sends_numeric_offer_ids() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/order/create/preview",
        Sent::Json(json!({
            "addressParam": address_json(),
            "cargoParamList": [{"offerId": 743470146022u64, "specId": "e61a85a671bb3d0301d0412b51641c6b", "quantity": 1}]
        })),
        json!({"orderPreviewResuslt": [{
            "discountFee": null, "tradeModeNameList": ["string"], "status": true,
            "success": true, "errorCode": null, "errorMsg": null,
            "postFeeByDescOfferList": null, "consignOfferList": null,
            "unsupportedCrossBorderPayOfferList": ["string"], "notInTheDocs": 1
        }]}),
    )
    .await;
    let p = client(&server)
        .call(
            OrderPreviewRequest::builder()
                .address_param(address())
                .cargo_param_list(vec![v1_line()])
                .build(),
        )
        .await
        .unwrap();
    let r = &p.order_preview_result[0];
    assert_eq!(r.success, Some(true));
    assert_eq!(r.status, Some(true));
    assert_eq!(r.trade_mode_name_list, ["string"]);
    assert_eq!(r.unsupported_cross_border_pay_offer_list, ["string"]);
    assert_eq!(r.discount_fee, None);
    assert_eq!(r.extra.get("notInTheDocs").unwrap().get(), "1");
}

/// v2 preview: the docs' v2 request example, byte for byte.
#[tokio::test]
async fn order_preview_v2_sends_offer_map_ids() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/order/create/preview",
        Sent::Json(fixture_json("responses/AL-O1.v2.request.json")),
        json!({"orderPreviewResuslt": []}),
    )
    .await;
    let s = "string";
    let address = AddressParam::builder()
        .full_name(s)
        .mobile(s)
        .phone(s)
        .post_code(s)
        .city_text(s)
        .province_text(s)
        .area_text(s)
        .town_text(s)
        .address(s)
        .district_code(s)
        .build();
    let line = CargoParam::builder()
        .seller_open_id(s)
        .offer(OfferRef::map_id(s))
        .spec_id(s)
        .quantity(0)
        .product_no(s)
        .container(s)
        .build();
    let p = v2_client(&server)
        .call(
            OrderPreviewRequest::builder()
                .address_param(address)
                .cargo_param_list(vec![line])
                .build(),
        )
        .await
        .unwrap();
    assert!(p.order_preview_result.is_empty());
}

/// A v1 numeric offer id sent to a v2 client, or a v2 map id sent to a v1
/// client, fails before sending and says what to use.
#[tokio::test]
async fn order_preview_refuses_ids_of_the_other_generation() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let preview = |line: CargoParam| {
        OrderPreviewRequest::builder()
            .address_param(address())
            .cargo_param_list(vec![v1_line(), line])
            .build()
    };
    let err = v2_client(&server)
        .call(preview(v2_line()))
        .await
        .unwrap_err();
    assert_generation_refused(
        &err,
        "AL-O1",
        "cargoParamList[0]: the v2 paths take the opaque offerMapId",
    );
    let err = client(&server).call(preview(v2_line())).await.unwrap_err();
    assert_generation_refused(
        &err,
        "AL-O1",
        "cargoParamList[1]: the v1 paths take the numeric offerId",
    );
    let opaque_as_v1 = CargoParam::builder()
        .offer(OfferRef::id("L0PTnwSnx_dWNZWCtgK7Gg"))
        .quantity(1)
        .build();
    let err = client(&server)
        .call(preview(opaque_as_v1))
        .await
        .unwrap_err();
    assert_generation_refused(&err, "AL-O1", "not a numeric 1688 offer id");
}

/// AL-O2 (no response documented: a made-up one, returned raw).
#[tokio::test]
async fn order_preview_batch_sends_seller_per_line() {
    let server = MockServer::start().await;
    let answer = json!([{"sellerOpenId": "BBBgGWh2O6JFI6v1aQuZVgRIA", "success": true}]);
    expect_one(
        &server,
        "POST",
        "/alibaba/order/create/previewbatch",
        Sent::Json(json!({
            "addressParam": address_json(),
            "cargoParamList": [{"offerId": 743470146022u64, "specId": "e61a85a671bb3d0301d0412b51641c6b",
                                "quantity": 3, "sellerOpenId": "BBBgGWh2O6JFI6v1aQuZVgRIA"}]
        })),
        answer.clone(),
    )
    .await;
    let mut line = v1_line();
    line.quantity = 3;
    line.seller_open_id = Some("BBBgGWh2O6JFI6v1aQuZVgRIA".into());
    let raw = client(&server)
        .call(
            OrderPreviewBatchRequest::builder()
                .address_param(address())
                .cargo_param_list(vec![line])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(parsed(&raw), answer);
    // v2 (derived path) refuses the numeric line before sending.
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = v2_client(&server)
        .call(
            OrderPreviewBatchRequest::builder()
                .address_param(address())
                .cargo_param_list(vec![v1_line()])
                .build(),
        )
        .await
        .unwrap_err();
    assert_generation_refused(&err, "AL-O2", "offerMapId");
}

// --- AL-O3, AL-O4: create ----------------------------------------------------

/// AL-O3 v1: the body of the create page's schema (its example is empty).
#[tokio::test]
async fn order_create_v1_sends_the_documented_body() {
    let server = MockServer::start().await;
    let orders = created_orders("2542285634920880794");
    expect_one(
        &server,
        "POST",
        "/alibaba/order/create",
        Sent::Json(json!({
            "flow": "general", "message": "",
            "addressParam": address_json(),
            "cargoParamList": [{"offerId": 743470146022u64, "specId": "e61a85a671bb3d0301d0412b51641c6b", "quantity": 1}]
        })),
        orders.clone(),
    )
    .await;
    let raw = client(&server)
        .call(
            OrderCreateRequest::builder()
                .flow("general")
                .message("")
                .address_param(address())
                .cargo_param_list(vec![v1_line()])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(parsed(&raw), orders);
    // A v2 client sends the v2 line to the v2 path.
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/order/create",
        Sent::Json(json!({
            "flow": "general", "addressParam": address_json(),
            "cargoParamList": [{"offerMapId": "L0PTnwSnx_dWNZWCtgK7Gg", "specId": "e61a85a671bb3d0301d0412b51641c6b",
                                "quantity": 1, "sellerOpenId": "BBBgGWh2O6JFI6v1aQuZVgRIA"}],
            "userId": "u1"
        })),
        orders,
    )
    .await;
    let mut other = serde_json::Map::new();
    other.insert("userId".into(), json!("u1"));
    v2_client(&server)
        .call(
            OrderCreateRequest::builder()
                .flow("general")
                .address_param(address())
                .cargo_param_list(vec![v2_line()])
                .other(other)
                .build(),
        )
        .await
        .unwrap();
}

/// AL-O4 v2: the docs' v2 request example, byte for byte; the answer is the
/// cut v2 sample, closed.
#[tokio::test]
async fn order_create_batch_v2_sends_the_documented_body() {
    let server = MockServer::start().await;
    let orders = created_orders("2542285634920880794");
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/order/batch/create",
        Sent::Json(fixture_json("responses/AL-O4.v2.request.json")),
        orders.clone(),
    )
    .await;
    let raw = v2_client(&server)
        .call(
            OrderCreateBatchRequest::builder()
                .flow("general")
                .address_param(address())
                .cargo_param_list(vec![v2_line()])
                .build(),
        )
        .await
        .unwrap();
    let got = parsed(&raw);
    assert_eq!(got, orders);
    assert_eq!(got[0]["productItems"][0]["productID"], 743470146022u64);
    // The same request to a v1 client is refused: money never moves on an
    // id of the wrong generation.
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(
            OrderCreateBatchRequest::builder()
                .flow("general")
                .address_param(address())
                .cargo_param_list(vec![v2_line()])
                .build(),
        )
        .await
        .unwrap_err();
    assert_generation_refused(&err, "AL-O4", "numeric offerId");
}

// --- AL-O5 .. AL-O8 ----------------------------------------------------------

/// AL-O5: the 19-digit order id goes out exactly (the docs' JSON example
/// shows it rounded by a float, `2542285634920880600`; their curl has the
/// real `2542285634920880794`).
#[tokio::test]
async fn order_cancel_sends_the_exact_order_id() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/order/cancel",
        Sent::Json(json!({"webSite": "1688", "orderId": 2542285634920880794u64, "cancelReason": "不想要了"})),
        fixture_json("responses/AL-O5.v2.response.json")["data"].clone(),
    )
    .await;
    let cancelled = v2_client(&server)
        .call(
            OrderCancelRequest::builder()
                .order_id("2542285634920880794")
                .cancel_reason("不想要了")
                .build(),
        )
        .await
        .unwrap();
    assert!(cancelled);
}

/// AL-O6: a GET with the order id in the query. The docs' example is the
/// empty placeholder (read here too); the filled answer follows the schema.
#[tokio::test]
async fn order_pay_url_is_a_get_with_the_order_id_in_the_query() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "GET",
        "/alibaba/order/pay/url",
        Sent::Query(&[("orderId", "2059624776425880794")]),
        json!({"orderId": "2059624776425880794", "protocolPaySuccess": false,
               "payUrl": "https://trade.1688.com/order/cashier.htm?orderId=2059624776425880794",
               "cantPayOrderList": [2060506524492880794u64], "notInTheDocs": "x"}),
    )
    .await;
    let pay = client(&server)
        .call(
            OrderPayUrlRequest::builder()
                .order_id("2059624776425880794")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(pay.order_id.unwrap(), "2059624776425880794");
    assert_eq!(pay.protocol_pay_success, Some(false));
    assert!(pay.pay_url.unwrap().starts_with("https://trade.1688.com/"));
    assert_eq!(pay.cant_pay_order_list[0], "2060506524492880794");
    assert!(pay.extra.contains_key("notInTheDocs"));
    // The placeholder example decodes to an empty answer.
    let empty: xportcn::ali1688::PayUrl =
        serde_json::from_value(fixture_json("responses/AL-O6.response.json")["data"].clone())
            .unwrap();
    assert_eq!(empty, xportcn::ali1688::PayUrl::default());
}

/// AL-O6 is a write although a GET: a failure is not retried.
#[tokio::test]
async fn order_pay_url_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/alibaba/order/pay/url"))
        .and(signed())
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = v2_client(&server)
        .call(OrderPayUrlRequest::builder().order_id("1").build())
        .await;
    assert!(err.is_err());
    const { assert!(!<OrderPayUrlRequest as xportcn::endpoint::Endpoint>::SPEC.idempotent) };
}

/// AL-O7 (its sample is cut before the closing braces: closed here).
#[tokio::test]
async fn order_receive_goods_sends_ids_as_numbers() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/order/receivegoods",
        Sent::Json(json!({"orderId": 2059624776425880794u64,
                          "orderEntryIds": [2059624776426880794u64, 2059624776427880794u64]})),
        json!({"success": true, "errorInfo": "", "errorCode": ""}),
    )
    .await;
    let r = client(&server)
        .call(
            OrderReceiveGoodsRequest::builder()
                .order_id("2059624776425880794")
                .order_entry_ids(vec![
                    Id::from("2059624776426880794"),
                    Id::from("2059624776427880794"),
                ])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(r.success, Some(true));
    assert_eq!(r.error_code.as_deref().unwrap_or(""), "");
}

/// AL-O8: the docs' body; no response is documented (a made-up one,
/// returned raw).
#[tokio::test]
async fn order_submit_to_pay_batch_sends_ids_as_strings() {
    let server = MockServer::start().await;
    let sample = fixture_json("responses/AL-O8.request.json");
    expect_one(
        &server,
        "POST",
        "/alibaba/order/batch/submit/to/pay",
        Sent::Json(sample.clone()),
        json!({"success": true}),
    )
    .await;
    let ids: Vec<Id> = sample["orderIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Id::from(v.as_str().unwrap()))
        .collect();
    let raw = client(&server)
        .call(
            OrderSubmitToPayBatchRequest::builder()
                .order_ids(ids)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw.get(), r#"{"success":true}"#);
}

// --- AL-O9 .. AL-O11 ---------------------------------------------------------

#[tokio::test]
async fn logistics_trace_has_no_known_path() {
    for g in [Generation::V1, Generation::V2] {
        let server = MockServer::start().await;
        expect_nothing_sent(&server).await;
        let err = builder(&server)
            .generation(g)
            .build()
            .unwrap()
            .call(
                LogisticsTraceRequest::builder()
                    .order_id("2059624776425880794")
                    .build(),
            )
            .await
            .unwrap_err();
        assert_path_unavailable(&err, "AL-O9");
    }
}

/// AL-O10: the page fields are not documented, so the caller's fields go
/// out as given and the answer comes back raw (no page stream).
#[tokio::test]
async fn order_page_passes_the_body_through() {
    let server = MockServer::start().await;
    let answer = json!({"records": [], "someTotal": 0});
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/order/page",
        Sent::Json(json!({"orderStatus": "waitbuyerpay"})),
        answer.clone(),
    )
    .await;
    let mut other = serde_json::Map::new();
    other.insert("orderStatus".into(), json!("waitbuyerpay"));
    let raw = v2_client(&server)
        .call(OrderPageRequest::builder().other(other).build())
        .await
        .unwrap();
    assert_eq!(parsed(&raw), answer);
}

/// AL-O11: the docs' body; the answer (the 1688 order model) comes back
/// whole.
#[tokio::test]
async fn order_detail_returns_the_order_whole() {
    let server = MockServer::start().await;
    let order = fixture_json("responses/AL-O11.response.json")["data"].clone();
    expect_one(
        &server,
        "POST",
        "/alibaba/order/detail",
        Sent::Json(fixture_json("responses/AL-O11.request.json")),
        order.clone(),
    )
    .await;
    let detail = client(&server)
        .call(OrderDetailRequest::new("2019601741959504495"))
        .await
        .unwrap();
    // Typed through the one 1688 order model, and nothing lost.
    let base = detail.base_info.as_ref().unwrap();
    assert_eq!(base.id_of_str.as_deref(), Some("58218860983545941"));
    assert!(!detail.product_items.is_empty());
    assert_same_keys(&serde_json::to_value(&detail).unwrap(), &order, "data");
    // No v2 path is known.
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = v2_client(&server)
        .call(OrderDetailRequest::new("1"))
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-O11");
}

// --- the buying flow ---------------------------------------------------------

/// Search → detail → preview → create → pay URL → order detail on one
/// server: each step's request carries ids read from the previous answers,
/// and each mock checks exactly what it received.
#[tokio::test]
async fn order_flow_from_search_to_order_detail() {
    let server = MockServer::start().await;
    let c = client(&server);
    let offer_id = 743470146022u64;
    let spec_id = "e61a85a671bb3d0301d0412b51641c6b";
    let order_id = "2542285634920880794";

    // 1. Keyword search (the docs do not show the item's id field: it is
    // read from `extra`).
    expect_one(
        &server,
        "POST",
        "/alibaba/product/keywords/query",
        Sent::Json(json!({"keyword": "女包", "beginPage": 1, "pageSize": 20, "country": "en"})),
        json!({"totalRecords": 1, "totalPage": 1, "pageSize": 20, "currentPage": 1,
               "data": [{"imageUrl": "https://cbu01.alicdn.com/img/ibank/a.jpg",
                         "subject": "2024春季新款女包", "offerId": offer_id}]}),
    )
    .await;
    let page = c
        .call(KeywordSearchRequest::builder().keyword("女包").build())
        .await
        .unwrap();
    let found: Id = page.data[0].offer_id.clone().expect("offerId");

    // 2. Product detail of that offer.
    expect_one(
        &server,
        "POST",
        "/alibaba/product/detail/get",
        Sent::Json(json!({"offerId": offer_id, "country": "en"})),
        json!({"offerId": offer_id, "subject": "2024春季新款女包",
               "productSkuInfos": [{"skuId": 5736673805656u64, "specId": spec_id, "price": "19.00", "amountOnSale": 8}]}),
    )
    .await;
    let detail = c.call(ProductDetailRequest::new(found)).await.unwrap();
    let sku = &detail.product_sku_infos[0];
    let line = CargoParam::builder()
        .offer(OfferRef::id(detail.offer_id.clone().unwrap()))
        .spec_id(sku.spec_id.clone().unwrap())
        .quantity(2)
        .build();
    let cargo = json!([{"offerId": offer_id, "specId": spec_id, "quantity": 2}]);

    // 3. Preview.
    expect_one(
        &server,
        "POST",
        "/alibaba/order/create/preview",
        Sent::Json(json!({"addressParam": address_json(), "cargoParamList": cargo})),
        json!({"orderPreviewResuslt": [{"success": true, "status": true}]}),
    )
    .await;
    let preview = c
        .call(
            OrderPreviewRequest::builder()
                .address_param(address())
                .cargo_param_list(vec![line.clone()])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(preview.order_preview_result[0].success, Some(true));

    // 4. Create.
    expect_one(
        &server,
        "POST",
        "/alibaba/order/create",
        Sent::Json(
            json!({"flow": "general", "addressParam": address_json(), "cargoParamList": cargo}),
        ),
        created_orders(order_id),
    )
    .await;
    let created = c
        .call(
            OrderCreateRequest::builder()
                .flow("general")
                .address_param(address())
                .cargo_param_list(vec![line])
                .build(),
        )
        .await
        .unwrap();
    let created = parsed(&created);
    let new_order = created[0]["baseInfo"]["idOfStr"].as_str().unwrap();

    // 5. Payment URL of the new order.
    expect_one(
        &server,
        "GET",
        "/alibaba/order/pay/url",
        Sent::Query(&[("orderId", order_id)]),
        json!({"orderId": order_id, "protocolPaySuccess": false,
               "payUrl": "https://trade.1688.com/order/cashier.htm", "cantPayOrderList": []}),
    )
    .await;
    let pay = c
        .call(OrderPayUrlRequest::builder().order_id(new_order).build())
        .await
        .unwrap();
    assert!(pay.pay_url.is_some());

    // 6. Detail of the paid order.
    let mut order = fixture_json("responses/AL-O11.response.json")["data"].clone();
    order["baseInfo"]["idOfStr"] = json!(order_id);
    expect_one(
        &server,
        "POST",
        "/alibaba/order/detail",
        Sent::Json(json!({"webSite": "1688", "orderId": order_id})),
        order.clone(),
    )
    .await;
    let detail = c
        .call(OrderDetailRequest::new(pay.order_id.unwrap()))
        .await
        .unwrap();
    assert_eq!(
        detail.base_info.as_ref().unwrap().id_of_str.as_deref(),
        Some(order_id)
    );
    assert_same_keys(&serde_json::to_value(&detail).unwrap(), &order, "data");
}
