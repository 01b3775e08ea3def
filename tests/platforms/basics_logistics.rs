//! Basics (BA-1, BA-2) and warehouse logistics (WL-1 … WL-4) on a loopback
//! mock. The warehouse-logistics calls are signed in the query string: each
//! test recomputes `sign` from the `timestamp` the server received.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};
use xportcn::basics::{AddressAddOrUpdateRequest, AddressesRequest};
use xportcn::logistics::{
    DomesticLogisticInfo, DomesticLogisticsUpdateRequest, FreightEstimateRequest, FreightInfo,
    FreightPreviewRequest, LineItem, LogisticInfo, OrderBookingRequest, ReceiverAddress,
    RenderItem, TmallOrderInfo,
};
use xportcn::signing::TimestampUnit;
use xportcn::types::Yuan;

// --- helpers --------------------------------------------------------------------

/// Matches a request whose query holds exactly `timestamp` and `sign`, nothing
/// else (the pages list no other query parameter).
struct QueryIsOnlyTheSignature;

impl Match for QueryIsOnlyTheSignature {
    fn matches(&self, req: &Request) -> bool {
        let mut keys: Vec<String> = req.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        keys.sort();
        keys == ["sign", "timestamp"]
    }
}

/// Mounts a mock that accepts exactly one warehouse-logistics `POST` to
/// `/api{path}` with this JSON body, `timestamp` and `sign` in the query
/// (`sign` recomputed by [`QuerySignedBy`], `digits` long timestamp), the
/// signed headers, and answers `data` in a success envelope.
async fn expect_query_signed(
    server: &MockServer,
    p: &str,
    body: serde_json::Value,
    digits: usize,
    data: serde_json::Value,
) {
    Mock::given(method("POST"))
        .and(path(format!("/api{p}")))
        .and(QueryIsOnlyTheSignature)
        .and(QuerySignedBy { digits })
        .and(signed())
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(data)))
        .expect(1)
        .mount(server)
        .await;
}

/// The docs' example address (WL-1 … WL-3).
fn us_address() -> ReceiverAddress {
    ReceiverAddress::builder()
        .country("US")
        .state("California")
        .city("VALLEY VLG")
        .zip("91607")
        .address("5818 WHITSETT AVE 401")
        .name("Ofir Birinbaum")
        .phone("5083326888")
        .mobile_phone("5083326888")
        .email("1229220680@qq.com")
        .build()
}

fn freight(service_id: &str) -> FreightInfo {
    FreightInfo::builder()
        .service_id(service_id)
        .company_name("")
        .service_category("")
        .build()
}

fn raw_json(raw: &serde_json::value::RawValue) -> serde_json::Value {
    serde_json::from_str(raw.get()).unwrap()
}

// --- basics ------------------------------------------------------------------------

#[tokio::test]
async fn addresses_is_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(AddressesRequest::default())
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "BA-1");
}

#[tokio::test]
async fn address_add_or_update_sends_the_documented_body_and_reads_the_dataless_answer() {
    let server = MockServer::start().await;
    // The documented answer, verbatim: `{code, msg}` and no `data`.
    Mock::given(method("POST"))
        .and(path("/api/open/address/addOrUpdate"))
        .and(signed())
        .and(body_json(json!({
            "id": 1840000000000000777u64,
            "name": "张三",
            "province": "浙江省",
            "city": "杭州市",
            "district": "余杭区",
            "address": "文一西路 969 号",
            "phone": "13800000000"
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("responses/BA-2.response.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let resp = client(&server)
        .call(
            AddressAddOrUpdateRequest::builder()
                .id("1840000000000000777")
                .name("张三")
                .province("浙江省")
                .city("杭州市")
                .district("余杭区")
                .address("文一西路 969 号")
                .phone("13800000000")
                .build(),
        )
        .send_full()
        .await
        .unwrap();
    assert!(resp.data.is_none());
    assert_eq!((resp.code, resp.msg.as_str()), (0, "string"));
    assert_eq!(resp.request_id, None);
}

#[tokio::test]
async fn address_add_leaves_the_id_out_on_v2() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/open/address/addOrUpdate",
        Sent::Json(json!({
            "name": "张三", "province": "浙江省", "city": "杭州市",
            "district": "余杭区", "address": "文一西路 969 号", "phone": "13800000000"
        })),
        json!({"id": 1840000000000000778u64}),
    )
    .await;
    let client = builder(&server)
        .generation(xportcn::endpoint::Generation::V2)
        .build()
        .unwrap();
    let data = client
        .call(
            AddressAddOrUpdateRequest::builder()
                .name("张三")
                .province("浙江省")
                .city("杭州市")
                .district("余杭区")
                .address("文一西路 969 号")
                .phone("13800000000")
                .build(),
        )
        .await
        .unwrap();
    // Should the server send a `data`, it is kept.
    assert_eq!(data.unwrap().get(), r#"{"id":1840000000000000778}"#);
}

// --- warehouse logistics ----------------------------------------------------------

#[tokio::test]
async fn freight_estimate_signs_the_query_and_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The page's example is cut inside `email`; the rest of the address is
    // completed as in WL-2's example, with the required `currency` and
    // `price` the visible part leaves out. The page shows no answer: a
    // realistic one, built for the test, comes back raw.
    let answer = json!({"freight": "86.40", "currency": "CNY", "services": [{"serviceId": "1"}]});
    expect_query_signed(
        &server,
        "/open/pp/logistics/itemLogisticsPrice",
        json!({
            "itemId": "2048232789087639",
            "skuId": "4970432383383",
            "quantity": 1,
            "receiverAddress": {
                "country": "US", "state": "California", "city": "VALLEY VLG", "zip": "91607",
                "address": "5818 WHITSETT AVE 401", "name": "Ofir Birinbaum",
                "phone": "5083326888", "mobilePhone": "5083326888", "email": "1229220680@qq.com"
            },
            "currency": "CNY",
            "price": "12.50"
        }),
        10,
        answer.clone(),
    )
    .await;
    let estimate = client(&server)
        .call(
            FreightEstimateRequest::builder()
                .item_id("2048232789087639")
                .sku_id("4970432383383")
                .quantity(1)
                .receiver_address(us_address())
                .currency("CNY")
                .price(Yuan::new("12.50"))
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw_json(&estimate), answer);
}

#[tokio::test]
async fn freight_preview_signs_the_query_and_sends_the_documented_example() {
    let server = MockServer::start().await;
    // The page shows no answer: a realistic one, built for the test.
    let answer = json!({"renderId": "FF2024080200007", "totalFreight": "172.80"});
    expect_query_signed(
        &server,
        "/open/pp/logistics/orderRenderFreight",
        fixture_json("responses/WL-2.request.json"),
        10,
        answer.clone(),
    )
    .await;
    let preview = client(&server)
        .call(
            FreightPreviewRequest::builder()
                .receiver_address(us_address())
                .render_items(vec![
                    RenderItem::builder()
                        .item_id("2048020617114736")
                        .sku_id("413185732720")
                        .quantity(1)
                        .freight_info(freight("1"))
                        .build(),
                    RenderItem::builder()
                        .item_id("2048232789087639")
                        .sku_id("4970432383383")
                        .quantity(2)
                        .freight_info(freight("2"))
                        .build(),
                ])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw_json(&preview)["renderId"], "FF2024080200007");
}

fn line(
    item: &str,
    sku: &str,
    quantity: i64,
    title: &str,
    freight: Option<FreightInfo>,
) -> LineItem {
    LineItem::builder()
        .item_id(item)
        .sku_id(sku)
        .quantity(quantity)
        .title(title)
        .image_url("url")
        .maybe_freight_info(freight)
        .build()
}

#[tokio::test]
async fn order_booking_signs_the_query_and_sends_the_documented_example() {
    let server = MockServer::start().await;
    // The page shows no answer: a realistic one, built for the test.
    let answer = json!({"orderId": "21"});
    expect_query_signed(
        &server,
        "/open/pp/logistics/orderBookingFreight",
        fixture_json("responses/WL-3.request.json"),
        10,
        answer.clone(),
    )
    .await;
    let booked = client(&server)
        .call(
            OrderBookingRequest::builder()
                .render_id("FF2024080200007")
                .tmall_order_info(
                    TmallOrderInfo::builder()
                        .tmall_order_id("123123444")
                        .build(),
                )
                .receiver_address(us_address())
                .line_items(vec![
                    line(
                        "2048020617114736",
                        "413185732720",
                        1,
                        "这是商品1",
                        Some(freight("1")),
                    ),
                    line(
                        "2048232789087639",
                        "4970432383383",
                        2,
                        "这是商品2",
                        Some(freight("2")),
                    ),
                ])
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw_json(&booked.unwrap()), answer);
}

fn domestic_update() -> DomesticLogisticsUpdateRequest {
    DomesticLogisticsUpdateRequest::builder()
        .order_id("21")
        .tmall_order_id("12345667")
        .logistic_infos(vec![
            LogisticInfo::builder()
                .line_item(line(
                    "2048020617114736",
                    "413185732720",
                    1,
                    "这是商品1",
                    None,
                ))
                .logistic_number("FARJP2408000013YQ")
                .domestic_logistic_info(vec![
                    DomesticLogisticInfo::rts_seconds("SF1234521212678", "顺丰", 1_754_342_534),
                    DomesticLogisticInfo::rts_seconds("YT122323345678", "圆通", 1_754_342_534),
                ])
                .build(),
            LogisticInfo::builder()
                .line_item(line(
                    "2048232789087639",
                    "4970432383383",
                    2,
                    "这是商品2",
                    None,
                ))
                .logistic_number("FARJP2408000014YQ")
                .domestic_logistic_info(vec![
                    DomesticLogisticInfo::builder()
                        .logistic_number("SF12345444111678")
                        .logistic_company_name("顺丰")
                        .rts_time("1754342534")
                        .build(),
                ])
                .build(),
        ])
        .build()
}

#[tokio::test]
async fn domestic_logistics_update_keeps_the_logistic_numer_typo_and_signs_the_query() {
    let server = MockServer::start().await;
    let body = fixture_json("responses/WL-4.request.json");
    // The docs' typo is the wire name, at both levels.
    assert_eq!(
        body["logisticInfos"][0]["logisticNumer"],
        "FARJP2408000013YQ"
    );
    // The page shows no answer.
    expect_query_signed(
        &server,
        "/open/pp/logistics/updateLogisticInfo",
        body,
        10,
        serde_json::Value::Null,
    )
    .await;
    let data = client(&server).call(domestic_update()).await.unwrap();
    assert!(data.is_none());
}

#[tokio::test]
async fn domestic_logistics_update_signs_with_milliseconds_when_the_client_pins_them() {
    let server = MockServer::start().await;
    expect_query_signed(
        &server,
        "/v2/open/pp/logistics/updateLogisticInfo",
        fixture_json("responses/WL-4.request.json"),
        13,
        json!(true),
    )
    .await;
    let client = builder(&server)
        .timestamp_unit(TimestampUnit::Millis)
        .generation(xportcn::endpoint::Generation::V2)
        .build()
        .unwrap();
    let data = client.call(domestic_update()).await.unwrap();
    assert_eq!(data.unwrap().get(), "true");
}
