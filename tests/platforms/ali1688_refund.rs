//! 1688 after-sale (AL-A1 … AL-A6): each endpoint on a loopback mock, and the
//! order flow's tail (reasons → create → detail) with ids flowing from each
//! answer into the next request.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::MockServer;
use xportcn::ali1688::{
    LogisticsCompaniesRequest, OrderEntryCount, RefundCreateRequest, RefundGoodsReturnRequest,
    RefundInfoRequest, RefundReasonsRequest, RefundVoucherUploadRequest,
};
use xportcn::endpoint::Generation;
use xportcn::types::Fen;

const ORDER_ID: &str = "2386945123456789012";

/// The data of a documented sample, with a field the docs do not show added,
/// to check it survives in `extra`.
fn with_unknown(mut data: serde_json::Value) -> serde_json::Value {
    data["fieldTheDocsDoNotShow"] = json!({"kept": [1, 2]});
    data
}

/// AL-A1's answer. The schema is unknown (the page is stored with its
/// navigation only): this is a realistic answer built for the test, in the
/// shape of the upstream 1688 reason list.
fn reasons_answer() -> serde_json::Value {
    json!({"reasons": [
        {"id": 20021, "name": "不想要了", "needVoucher": false},
        {"id": 20022, "name": "商品质量问题", "needVoucher": true}
    ]})
}

/// AL-A6's answer: the page's schema is cut after `buyerUserId` and shows no
/// example, so this one is built from the schema, with a later field.
fn refund_info_answer(refund_id: &str) -> serde_json::Value {
    json!({
        "id": 1830000000000000001u64,
        "createBy": "api",
        "createById": 2100007341207u64,
        "createTime": "2026-05-20 15:40:00",
        "updateBy": "api",
        "updateById": "2100007341207",
        "updateTime": 1779263269913u64,
        "remark": null,
        "alipayPaymentId": "2026052022001100001234567890",
        "applyCarriage": 0,
        "applyExpect": "1230",
        "applyPayment": 1230,
        "applyReason": "商品质量问题",
        "applyReasonId": 20022,
        "applySubReason": "",
        "applySubReasonId": null,
        "buyerAlipayId": "2088000000000001",
        "buyerLogisticsName": "",
        "buyerMemberId": "b2b-2216000000001",
        "buyerSendGoods": false,
        "buyerUserId": 2216000000001u64,
        "refundId": refund_id,
        "status": "waitselleragree"
    })
}

fn create_request(reason_id: i64) -> RefundCreateRequest {
    RefundCreateRequest::builder()
        .order_id(ORDER_ID)
        .order_entry_ids(vec![ORDER_ID.into()])
        .dispute_request("refund")
        .apply_payment(Fen(1230))
        .apply_carriage(Fen(0))
        .apply_reason_id(reason_id)
        .description("质量问题")
        .goods_status("refund_buyer_receive")
        .vouchers(vec!["https://cbu01.alicdn.com/img/voucher1.jpg".to_owned()])
        .order_entry_count_list(vec![OrderEntryCount::new(ORDER_ID, 1)])
        .build()
}

fn create_body(reason_id: i64) -> serde_json::Value {
    json!({
        "orderId": 2386945123456789012u64,
        "orderEntryIds": [2386945123456789012u64],
        "disputeRequest": "refund",
        "applyPayment": 1230,
        "applyCarriage": 0,
        "applyReasonId": reason_id,
        "description": "质量问题",
        "goodsStatus": "refund_buyer_receive",
        "vouchers": ["https://cbu01.alicdn.com/img/voucher1.jpg"],
        "orderEntryCountList": [{"id": 2386945123456789012u64, "count": 1}]
    })
}

// --- the order flow's tail ----------------------------------------------------

#[tokio::test]
async fn refund_flow_reasons_then_create_then_info() {
    let server = MockServer::start().await;

    // 1. Reasons: no doc page shows the path, so the SDK refuses before
    //    sending, and says how to set it.
    let plain = client(&server);
    let reasons_req = RefundReasonsRequest::builder().order_id(ORDER_ID).build();
    let err = plain.call(reasons_req.clone()).await.unwrap_err();
    assert_path_unavailable(&err, "AL-A1");
    assert!(server.received_requests().await.unwrap().is_empty());

    // The user learns the path (from support, say) and sets it on the client.
    let client = builder(&server)
        .override_path("AL-A1", "/alibaba/refund/reasons")
        .build()
        .unwrap();
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/reasons",
        Sent::Json(json!({"orderId": 2386945123456789012u64})),
        reasons_answer(),
    )
    .await;
    let reasons = client.call(reasons_req).await.unwrap();
    // Schema unknown: the answer is raw JSON; the user reads the id.
    let reasons: serde_json::Value = serde_json::from_str(reasons.get()).unwrap();
    let reason_id = reasons["reasons"][1]["id"].as_i64().unwrap();

    // 2. Create, with the reason id from step 1.
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/detail/create",
        Sent::Json(create_body(20022)),
        json!({"refundId": "TQ1429000000000001"}),
    )
    .await;
    let created = client.call(create_request(reason_id)).await.unwrap();
    let refund_id = created.refund_id.expect("refundId");

    // 3. Detail, with the refund id from step 2.
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/info",
        Sent::Json(json!({"refundId": "TQ1429000000000001"})),
        refund_info_answer("TQ1429000000000001"),
    )
    .await;
    let info = client
        .call(RefundInfoRequest::new(refund_id))
        .await
        .unwrap();
    assert_eq!(info.apply_reason_id, Some(reason_id));
    assert_eq!(info.apply_payment, Some(Fen(1230)));
    assert_eq!(
        info.extra.get("refundId").unwrap().get(),
        "\"TQ1429000000000001\""
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// --- one test per endpoint -----------------------------------------------------

#[tokio::test]
async fn refund_reasons_is_refused_before_sending_until_its_path_is_set() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(
            RefundReasonsRequest::builder()
                .order_id(ORDER_ID)
                .other(
                    [("goodsStatus".to_owned(), json!("refund_buyer_receive"))]
                        .into_iter()
                        .collect(),
                )
                .build(),
        )
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-A1");
}

#[tokio::test]
async fn refund_voucher_upload_is_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(RefundVoucherUploadRequest::builder().build())
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-A2");
}

#[tokio::test]
async fn refund_create_sends_the_documented_body_and_decodes_the_sample() {
    let server = MockServer::start().await;
    let sample = fixture_json("responses/AL-A3.response.json");
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/detail/create",
        Sent::Json(create_body(20022)),
        with_unknown(sample["data"].clone()),
    )
    .await;
    let created = client(&server).call(create_request(20022)).await.unwrap();
    // The docs' placeholder `refundId: ""` reads as absent.
    assert_eq!(created.refund_id, None);
    assert_eq!(
        created.extra.get("fieldTheDocsDoNotShow").unwrap().get(),
        r#"{"kept":[1,2]}"#
    );
}

#[tokio::test]
async fn refund_create_minimal_body_on_v2() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/refund/detail/create",
        Sent::Json(json!({
            "orderId": 2386945123456789012u64,
            "disputeRequest": "refund",
            "applyPayment": 500,
            "applyCarriage": 100,
            "applyReasonId": 20021,
            "description": "不想要了",
            "goodsStatus": "refund_buyer_not_receive"
        })),
        json!({"refundId": "TQ1429000000000002"}),
    )
    .await;
    let client = builder(&server).generation(Generation::V2).build().unwrap();
    let created = client
        .call(
            RefundCreateRequest::builder()
                .order_id(ORDER_ID)
                .dispute_request("refund")
                .apply_payment(Fen(500))
                .apply_carriage(Fen(100))
                .apply_reason_id(20021)
                .description("不想要了")
                .goods_status("refund_buyer_not_receive")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(created.refund_id.unwrap(), "TQ1429000000000002");
}

#[tokio::test]
async fn refund_goods_return_sends_the_documented_body() {
    let server = MockServer::start().await;
    // The page shows no answer (it is cut): `data` is kept raw; here the
    // server sends none.
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/goods/return",
        Sent::Json(json!({
            "refundId": "TQ1429000000000001",
            "logisticsCompanyNo": "SF",
            "freightBill": "SF1234521212678",
            "description": "已寄回",
            "vouchers": ["https://cbu01.alicdn.com/img/waybill.jpg"]
        })),
        serde_json::Value::Null,
    )
    .await;
    let data = client(&server)
        .call(
            RefundGoodsReturnRequest::builder()
                .refund_id("TQ1429000000000001")
                .logistics_company_no("SF")
                .freight_bill("SF1234521212678")
                .description("已寄回")
                .vouchers(vec!["https://cbu01.alicdn.com/img/waybill.jpg".to_owned()])
                .build(),
        )
        .await
        .unwrap();
    assert!(data.is_none());
}

#[tokio::test]
async fn logistics_companies_is_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = client(&server)
        .call(LogisticsCompaniesRequest::default())
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-A5");
}

#[tokio::test]
async fn refund_info_sends_the_refund_id_and_decodes_the_documented_fields() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/refund/info",
        Sent::Json(json!({"refundId": "TQ1429000000000001"})),
        refund_info_answer("TQ1429000000000001"),
    )
    .await;
    let info = client(&server)
        .call(RefundInfoRequest::new("TQ1429000000000001"))
        .await
        .unwrap();
    assert_eq!(info.id.unwrap(), "1830000000000000001");
    assert_eq!(info.create_by.as_deref(), Some("api"));
    assert_eq!(info.create_by_id.unwrap(), "2100007341207");
    assert_eq!(
        info.create_time.unwrap().epoch_millis(),
        Some(1_779_262_800_000)
    );
    assert_eq!(info.update_by_id.unwrap(), "2100007341207");
    assert_eq!(
        info.update_time.unwrap().epoch_millis(),
        Some(1_779_263_269_913)
    );
    assert_eq!(info.remark, None);
    assert_eq!(
        info.alipay_payment_id.as_deref(),
        Some("2026052022001100001234567890")
    );
    assert_eq!(
        (info.apply_carriage, info.apply_expect, info.apply_payment),
        (Some(Fen(0)), Some(Fen(1230)), Some(Fen(1230)))
    );
    assert_eq!(info.apply_reason.as_deref(), Some("商品质量问题"));
    assert_eq!(info.apply_reason_id, Some(20022));
    assert_eq!(info.apply_sub_reason, Some(String::new()));
    assert_eq!(info.apply_sub_reason_id, None);
    assert_eq!(info.buyer_alipay_id.as_deref(), Some("2088000000000001"));
    assert_eq!(info.buyer_member_id.as_deref(), Some("b2b-2216000000001"));
    assert_eq!(info.buyer_send_goods, Some(false));
    assert_eq!(info.buyer_user_id.unwrap(), "2216000000001");
    // Fields after the cut stay in `extra`.
    assert!(info.extra.contains_key("status"));
}
