//! TB-A2, after-sale order rendering, end to end with the documented sample.
mod common;

use common::*;
use wiremock::matchers::{body_json, header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::aftersale::RefundRenderRequest;

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
        .aftersale()
        .refund_render(RefundRenderRequest::new("1034499579120189839", 1, 1))
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
        .aftersale()
        .refund_render(RefundRenderRequest::new("1", 0, 0))
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
