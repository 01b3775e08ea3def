//! Taobao after-sale (TB-A1..TB-A10), end to end against a mock platform with
//! the documented samples.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::matchers::{body_json, header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Error;
use xportcn::aftersale::{
    RefundCancelRequest, RefundDetailRequest, RefundListRequest, RefundMessageListRequest,
    RefundMessageSubmitRequest, RefundModifyRequest, RefundRenderRequest, RefundSubmitRequest,
    ReturnLogisticsRenderRequest, ReturnLogisticsSubmitRequest, ReturnReceiverAddress,
};
use xportcn::endpoint::Generation;
use xportcn::types::{Fen, Id};

#[tokio::test]
async fn refund_render_sends_the_documented_request_and_decodes_the_sample() {
    let server = MockServer::start().await;
    let request: serde_json::Value =
        serde_json::from_str(&fixture("responses/taobao-refund-render.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/open/order/refund/render"))
        .and(header_is("content-type", "application/json"))
        .and(body_json(&request))
        .and(signed())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("responses/taobao-refund-render.response.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let render = client(&server)
        .call(
            RefundRenderRequest::builder()
                .sub_order_id("1034499579120189839")
                .goods_status(1)
                .refund_type(1)
                .build(),
        )
        .await
        .unwrap();

    assert_eq!(render.currency.as_deref(), Some("string"));
    assert_eq!(
        render.distributor_id.as_ref().map(|i| i.as_str()),
        Some("string")
    );
    let t = render.refund_order_template.expect("template");
    assert_eq!(t.goods_status_list, ["string"]);
    assert_eq!(t.refund_type_list, ["string"]);
    let fee = t.max_refund_fee.expect("maxRefundFee");
    assert_eq!(fee.can_edit_refund_fee, Some(true));
    assert_eq!(
        (fee.max_refund_fee, fee.min_refund_fee, fee.refund_fee),
        (Some(0), Some(0), Some(0))
    );
    let order = t.refund_order.expect("refundOrder");
    assert_eq!(order.can_edit_fee, Some(true));
    assert_eq!(order.refund_status.as_deref(), Some("string"));
    assert_eq!(
        (order.goods_status, order.reason_id, order.refund_type),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(
        order.seller_refuse_reason_describe.as_deref(),
        Some("string")
    );
    assert_eq!(t.refund_reasons.len(), 1);
    assert_eq!(t.refund_reasons[0].tips.as_deref(), Some("string"));
    // Every field of the sample is typed: nothing left over.
    assert!(render.extra.is_empty() && order.extra.is_empty() && fee.extra.is_empty());
}

#[tokio::test]
async fn refund_render_follows_a_path_override() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/taobao/order/refund/render"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({
                "saleFlag": true,
                "refundOrderTemplate": {"refundOrder": {"refundStatus": 3}}
            }))),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .override_path("TB-A2", "/v2/taobao/order/refund/render")
        .build()
        .unwrap();
    let render = client
        .call(RefundRenderRequest::new("1", 0, 0))
        .await
        .unwrap();
    assert_eq!(render.sale_flag, Some(true));
    // An integer status (v2 detail) reads as text like the string one.
    let status = render
        .refund_order_template
        .unwrap()
        .refund_order
        .unwrap()
        .refund_status;
    assert_eq!(status.as_deref(), Some("3"));
}

// --- helpers for the endpoints below -----------------------------------------

/// An object with one field no model declares, to check it survives in `extra`.
fn with_unknown(mut data: serde_json::Value, at: &[&str]) -> serde_json::Value {
    let mut node = &mut data;
    for key in at {
        node = &mut node[*key];
    }
    node["fieldFromTheFuture"] = json!({"kept": [1, 2]});
    data
}

/// A call on an endpoint with no known path: refused before sending, with
/// the error naming the fix.
async fn assert_refused<T: std::fmt::Debug, C>(id: &str, call: impl FnOnce(&xportcn::Client) -> C)
where
    C: std::future::IntoFuture<Output = Result<T, Error>>,
{
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = call(&client(&server)).await.expect_err("no path: refused");
    assert_path_unavailable(&err, id);
}

// --- TB-A1 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_list_sends_the_documented_filter() {
    let server = MockServer::start().await;
    // The docs do not show the response: any `data` comes back verbatim.
    let data = json!({"records": [{"refundId": "111"}], "total": 1});
    expect_one(
        &server,
        "POST",
        "/open/order/refund/queryList",
        Sent::Json(fixture_json("responses/TB-A1.request.json")),
        data.clone(),
    )
    .await;
    let request = RefundListRequest::builder()
        .refund_id("111")
        .purchase_order_id("111")
        .sales_order_id("11111")
        .refund_status(1)
        .refund_start_time(121_312_131_313)
        .refund_end_time(3_323_232)
        .page_size(1)
        .build();
    assert_eq!(request.page_no, 1, "page 1 by default");
    let raw = client(&server).call(request).await.unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(raw.get()).unwrap(),
        data
    );
}

// --- TB-A3 ---------------------------------------------------------------------

#[tokio::test]
async fn return_logistics_render_has_no_path_and_sends_its_query_once_set() {
    let req = || {
        ReturnLogisticsRenderRequest::builder()
            .refund_id("110002685755")
            .build()
    };
    assert_refused("TB-A3", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "GET",
        "/open/order/refund/logistics/render",
        Sent::Query(&[("refundId", "110002685755")]),
        json!({"receiverAddress": "x"}),
    )
    .await;
    let client = builder(&server)
        .override_path("TB-A3", "/open/order/refund/logistics/render")
        .build()
        .unwrap();
    let raw = client.call(req()).await.unwrap();
    assert_eq!(raw.get(), r#"{"receiverAddress":"x"}"#);
}

// --- TB-A4 ---------------------------------------------------------------------

#[tokio::test]
async fn return_logistics_submit_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        ReturnLogisticsSubmitRequest::builder()
            .refund_id("110002685755")
            .logistics_company_code("SF")
            .logistics_no("SF12181323546")
            .build()
    };
    assert_refused("TB-A4", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/return",
        Sent::Json(json!({
            "refundId": "110002685755",
            "logisticsCompanyCode": "SF",
            "logisticsNo": "SF12181323546"
        })),
        json!(true),
    )
    .await;
    let client = builder(&server)
        .override_path("TB-A4", "/custom/return")
        .build()
        .unwrap();
    let raw = client.call(req()).await.unwrap();
    assert_eq!(raw.get(), "true");
}

// --- TB-A5 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_cancel_puts_the_id_in_the_path_and_decodes_the_sample() {
    let server = MockServer::start().await;
    let sample = fixture_json("responses/TB-A5.response.json");
    let data = with_unknown(sample["data"].clone(), &["refundOrderAggregate"]);
    expect_one(
        &server,
        "GET",
        "/open/order/refund/cancel/110002685755",
        Sent::Nothing,
        data,
    )
    .await;

    let cancel = client(&server)
        .call(RefundCancelRequest::new("110002685755"))
        .await
        .unwrap();

    assert_eq!(cancel.cancel_success, Some(true));
    assert_eq!(cancel.currency.as_deref(), Some("CNY"));
    assert_eq!(cancel.distributor_id, Some(Id::new("1223655000541")));
    let agg = cancel.refund_order_aggregate.expect("aggregate");
    let logistics = agg.logistics.as_ref().expect("logistics");
    let company = logistics.logistics_company.as_ref().expect("company");
    // The v1 sample spells it `logisticCompanyCode`.
    assert_eq!(company.logistics_company_code.as_deref(), Some("SF"));
    assert_eq!(company.logistics_company_name.as_deref(), Some("顺丰快递"));
    assert_eq!(logistics.logistics_no.as_deref(), Some("SF12181323546"));
    assert_eq!(logistics.buyer_phone.as_deref(), Some("18116031613"));
    match logistics.receiver_address.as_ref().expect("address") {
        ReturnReceiverAddress::Structured(a) => {
            assert_eq!(a.detail_address.as_deref(), Some("河南省张掖市西城区"));
            assert_eq!(a.receiver.as_deref(), Some("magna et commodo qui"));
        }
        other => panic!("an object in the v1 sample: {other:?}"),
    }
    let line = agg.purchase_order_line.as_ref().expect("line");
    assert_eq!(
        line.create_time.as_ref().and_then(|t| t.epoch_millis()),
        Some(1_667_193_198_819)
    );
    assert_eq!(line.post_fee, Some(Fen(0)));
    assert_eq!(
        line.item_image_url.as_deref(),
        Some("http://dummyimage.com/400x400")
    );
    assert!(line.extra.is_empty() && logistics.extra.is_empty());
    assert_eq!(
        agg.extra.get("fieldFromTheFuture").unwrap().get(),
        r#"{"kept":[1,2]}"#
    );
}

#[tokio::test]
async fn refund_cancel_is_a_write_sent_once_even_on_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/taobao/order/refund/cancel/110002685755"))
        .and(signed())
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let err = client
        .call(RefundCancelRequest::new("110002685755"))
        .await
        .expect_err("503");
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
}

#[tokio::test]
async fn refund_cancel_refuses_dot_segments_in_v1_and_v2() {
    // Regression (issue 19, finding 3): `..` went to `/open/order/refund/`
    // and `.` to `/open/order/refund/cancel/`, a write on another path.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"code":200,"msg":"ok","data":{}}"#, "application/json"),
        )
        .expect(0)
        .mount(&server)
        .await;
    for generation in [Generation::V1, Generation::V2] {
        let client = builder(&server).generation(generation).build().unwrap();
        for id in [".", ".."] {
            let err = client
                .call(RefundCancelRequest::new(id))
                .await
                .expect_err("a dot segment is refused");
            assert!(
                matches!(&err, Error::Request(m) if m.contains("dot segment")),
                "{generation:?} {id:?}: {err:?}"
            );
        }
        // The same through a call by declaration, with the id as a path parameter.
        let spec = xportcn::endpoint::find("TB-A5").unwrap();
        let err = client
            .endpoint(spec)
            .path_param("refundId", "..")
            .send_value()
            .await
            .expect_err("a dot segment is refused");
        assert!(matches!(&err, Error::Request(_)), "{err:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

// --- TB-A6 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_message_submit_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The docs cut the response after `data` (an object): a built sample.
    expect_one(
        &server,
        "POST",
        "/open/order/refund/submit/message",
        Sent::Json(fixture_json("responses/TB-A6.request.json")),
        with_unknown(json!({}), &[]),
    )
    .await;
    let request = RefundMessageSubmitRequest::builder()
        .refund_id("string")
        .refund_message("string")
        .refund_images("string")
        .build();
    let sent = client(&server).call(request).await.unwrap();
    assert!(sent.extra.contains_key("fieldFromTheFuture"));
}

// --- TB-A7 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_submit_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        RefundSubmitRequest::builder()
            .sub_order_id("1034499579120189839")
            .refund_type(1)
            .goods_status(1)
            .reason_id(7)
            .refund_fee(Fen(1050))
            .refund_desc("broken")
            .other(serde_json::Map::from_iter([(
                "refundImages".to_owned(),
                json!("https://img.example/1.jpg"),
            )]))
            .build()
    };
    assert_refused("TB-A7", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/submit",
        Sent::Json(json!({
            "subOrderId": "1034499579120189839",
            "refundType": 1,
            "goodsStatus": 1,
            "reasonId": 7,
            "refundFee": 1050,
            "refundDesc": "broken",
            "refundImages": "https://img.example/1.jpg"
        })),
        json!({"refundId": "110002685755"}),
    )
    .await;
    let client = builder(&server)
        .override_path("TB-A7", "/custom/submit")
        .build()
        .unwrap();
    let raw = client.call(req()).await.unwrap();
    assert_eq!(raw.get(), r#"{"refundId":"110002685755"}"#);
}

// --- TB-A8 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_message_list_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        RefundMessageListRequest::builder()
            .refund_id("110002685755")
            .build()
    };
    assert_refused("TB-A8", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/messages",
        Sent::Json(json!({"refundId": "110002685755"})),
        json!([]),
    )
    .await;
    let client = builder(&server)
        .override_path("TB-A8", "/custom/messages")
        .build()
        .unwrap();
    let raw = client.call(req()).await.unwrap();
    assert_eq!(raw.get(), "[]");
}

// --- TB-A9 ---------------------------------------------------------------------

#[tokio::test]
async fn refund_modify_has_no_path_and_sends_its_body_once_set() {
    let req = || {
        RefundModifyRequest::builder()
            .refund_id("110002685755")
            .refund_fee(Fen(500))
            .build()
    };
    assert_refused("TB-A9", |c| c.call(req())).await;

    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/custom/modify",
        Sent::Json(json!({"refundId": "110002685755", "refundFee": 500})),
        json!(null),
    )
    .await;
    let client = builder(&server)
        .override_path("TB-A9", "/custom/modify")
        .build()
        .unwrap();
    let raw = client.call(req()).await.unwrap();
    assert_eq!(raw.get(), "null");
}

// --- TB-A10 --------------------------------------------------------------------

/// The v2 detail schema (`TaoBaoRefundOrderDetailDTO`) filled with realistic
/// values: the docs' example is a cut placeholder, so this sample is built
/// from the schema (integer `refundStatus`, string `receiverAddress`).
fn refund_detail_sample() -> serde_json::Value {
    json!({
        "distributorId": "1223655000541",
        "currency": "CNY",
        "refundOrderAggregate": {
            "logistics": {
                "receiverAddress": "浙江省杭州市余杭区测试地址 张三 18123594991",
                "returnGoodsDesc": "请附上订单号",
                "buyerPhone": "18116031613",
                "logisticsCompany": {"logisticsCompanyCode": "YTO", "logisticsCompanyName": "圆通速递"},
                "sellerAgreeReturnDescribe": "同意退货"
            },
            "refundOrder": {
                "refundFee": 1050, "payOrderId": "3305075341149134260", "timeoutType": "",
                "sellerRefuseReason": "", "refundStatus": 10, "canEditFee": false,
                "remainingTime": "86400000", "refundType": 1, "feeTips": "",
                "reasonDesc": "质量问题", "goodsStatus": 1, "refundDesc": "broken", "reasonId": 7,
                "timeoutDate": "2026-05-21 15:40:00", "sellerRefuseReasonDescribe": "",
                "refundId": "110002685755"
            },
            "purchaseOrderLine": {
                "salesOrderId": "SO202605200001", "supplierId": 2208857268871u64,
                "quantity": 2, "totalPrice": 2100, "itemTitle": "测试商品", "postFee": 0,
                "productFee": 2100, "salesMarket": "TH", "purchaseOrderLineId": 1034499579120189839u64,
                "createTime": 1667193198819u64, "purchaseOrderId": 3305075341149134260u64, "price": 1050
            }
        }
    })
}

#[tokio::test]
async fn refund_detail_queries_v2_and_decodes_the_schema() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "GET",
        "/v2/taobao/order/refund/query",
        Sent::Query(&[("refundId", "110002685755")]),
        with_unknown(
            refund_detail_sample(),
            &["refundOrderAggregate", "purchaseOrderLine"],
        ),
    )
    .await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let detail = client
        .call(RefundDetailRequest::new("110002685755"))
        .await
        .unwrap();

    assert_eq!(detail.currency.as_deref(), Some("CNY"));
    let agg = detail.refund_order_aggregate.expect("aggregate");
    let order = agg.refund_order.as_ref().expect("refundOrder");
    // An integer here, a string in the rendering template: text either way.
    assert_eq!(order.refund_status.as_deref(), Some("10"));
    assert_eq!(order.refund_fee, Some(1050));
    assert_eq!(order.refund_id, Some(Id::new("110002685755")));
    assert_eq!(order.timeout_date.as_deref(), Some("2026-05-21 15:40:00"));
    let logistics = agg.logistics.as_ref().expect("logistics");
    assert!(matches!(
        logistics.receiver_address,
        Some(ReturnReceiverAddress::Text(ref t)) if t.starts_with("浙江省")
    ));
    assert_eq!(
        logistics
            .logistics_company
            .as_ref()
            .and_then(|c| c.logistics_company_code.as_deref()),
        Some("YTO")
    );
    let line = agg.purchase_order_line.as_ref().expect("line");
    assert_eq!(
        line.purchase_order_line_id,
        Some(Id::new("1034499579120189839"))
    );
    assert_eq!(line.purchase_order_id, Some(Id::new("3305075341149134260")));
    assert_eq!(
        (line.total_price, line.product_fee, line.price),
        (Some(Fen(2100)), Some(Fen(2100)), Some(Fen(1050)))
    );
    assert_eq!(line.sales_market.as_deref(), Some("TH"));
    assert!(line.extra.contains_key("fieldFromTheFuture"));
    assert!(order.extra.is_empty());
}

#[tokio::test]
async fn refund_detail_v1_path_is_derived_from_the_v2_page_and_sent() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "GET",
        "/open/order/refund/query",
        Sent::Query(&[("refundId", "110002685755")]),
        serde_json::json!({"currency": "CNY"}),
    )
    .await;
    let detail = client(&server)
        .call(RefundDetailRequest::new("110002685755"))
        .await
        .unwrap();
    assert_eq!(detail.currency.as_deref(), Some("CNY"));
}
