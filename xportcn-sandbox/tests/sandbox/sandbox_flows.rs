//! The Taobao and 1688 flows against the embedded sandbox, through the
//! public client API only, with the messages the sandbox pushes received and
//! verified by the SDK's own axum receiver.
//!
//! Unlike `tests/platforms/taobao_flow.rs` (a wiremock server that checks each exact
//! request body), nothing here is scripted: the sandbox keeps the state, and
//! each step's answer depends on the earlier steps.

use crate::common;

use common::{assert_api_code, taobao_receiver};

use std::time::Duration;

use serde_json::{Value, json};
use xportcn::Credentials;
use xportcn::aftersale::{
    RefundCancelRequest, RefundDetailRequest, RefundMessageSubmitRequest, RefundRenderRequest,
    RefundSubmitRequest,
};
use xportcn::ali1688::{
    AddressParam, CargoParam, KeywordSearchRequest, OfferRef, OrderCancelRequest,
    OrderCreateRequest, OrderDetailRequest as AliOrderDetailRequest, OrderPayUrlRequest,
    OrderPreviewRequest, OrderStatus, ProductDetailRequest, RefundCreateRequest, RefundInfoRequest,
};
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Consumer, MemoryInbox, Message, OrderEvent, Verifier};
use xportcn::taobao::{
    CartAddRequest, LogisticsDetailRequest, OrderCancelRequest as TbOrderCancelRequest,
    OrderDetailRequest, OrderLine, OrderPayRequest, PurchaseOrderCreateRequest,
    PurchaseOrderRenderRequest, RenderLine,
};
use xportcn::types::{Fen, Id};
use xportcn_sandbox::{Sandbox, codes};

/// The SDK's webhook receiver on a free loopback port: its URL and the
/// verified messages.
async fn receiver(creds: &Credentials) -> (String, Consumer) {
    let inbox = std::sync::Arc::new(MemoryInbox::new());
    let router = Receiver::new(Verifier::new(creds.clone()), inbox.clone()).router();
    let deliveries = Consumer::new(inbox);
    let app = axum::Router::new().nest("/xportcn/push", router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/xportcn/push", listener.local_addr().unwrap());
    tokio::spawn(serve(listener, app, ServeConfig::default()));
    (url, deliveries)
}

/// The next verified message, within 10 s.
async fn next_message(deliveries: &mut Consumer) -> Message {
    let delivery = tokio::time::timeout(Duration::from_secs(10), deliveries.next())
        .await
        .expect("a push within 10 s")
        .expect("the inbox answers");
    let message = delivery.message.clone();
    delivery.ack().await.expect("ack");
    message
}

fn raw(v: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(v.get()).expect("JSON")
}

fn id_at(v: &Value, pointer: &str) -> Id {
    serde_json::from_value(v.pointer(pointer).cloned().expect(pointer)).expect("an id")
}

/// A Taobao refund's status, read back with the refund detail (TB-A10).
async fn refund_status(c: &xportcn::Client, refund_id: &Id) -> Option<String> {
    let detail = c
        .call(
            RefundDetailRequest::builder()
                .refund_id(refund_id.clone())
                .build(),
        )
        .await
        .unwrap();
    detail.refund_order_aggregate?.refund_order?.refund_status
}

/// Asserts an order-status message of `event` for `order_id`.
fn assert_status(msg: &Message, want: &OrderEvent, order_id: &Id) {
    match msg {
        Message::TaobaoOrderStatus { event, body, .. }
        | Message::Ali1688OrderStatus { event, body, .. } => {
            assert_eq!(event, want, "{msg:?}");
            assert_eq!(body.order_id.as_ref(), Some(order_id), "{msg:?}");
        }
        other => panic!("expected an order-status message, got {other:?}"),
    }
}

#[tokio::test]
async fn taobao_flow_against_the_sandbox_with_verified_pushes() {
    // Stand-ins on: the Taobao checkout's pay, list and detail have no known
    // path (the default client refuses them, as production does).
    let sandbox = Sandbox::builder()
        .push_retry_interval(Duration::from_millis(20))
        .stand_ins(true)
        .start()
        .await
        .unwrap();
    let (url, mut pushes) = receiver(sandbox.credentials()).await;
    sandbox.set_callback_url(url).expect("an http URL");
    let c = sandbox.client();

    // Product → cart.
    let product = c.taobao().product_get("672991141190").await.unwrap();
    let item_id = product.item_id.clone().expect("itemId");
    assert_eq!(item_id, "672991141190");
    let sku = product.sku_list.first().expect("a SKU");
    let sku_id = sku.sku_id.clone().expect("skuId");
    let price = sku.price.expect("price");
    let mp_sku_id: Id = sku.mp_sku_id.clone().expect("mpSkuId");
    let added = c
        .call(
            CartAddRequest::builder()
                .item_id(item_id.clone())
                .sku_id(sku_id.clone())
                .mp_id(product.mp_id.clone().unwrap())
                .mp_sku_id(mp_sku_id)
                .quantity(2)
                .build(),
        )
        .await
        .unwrap();
    assert!(raw(&added)["id"].is_u64());

    // Preview: the amount is the SKU price times the quantity.
    let preview = c
        .call(
            PurchaseOrderRenderRequest::builder()
                .order_line_list(vec![
                    RenderLine::builder()
                        .item_id(item_id.clone())
                        .quantity(2u32)
                        .sku_id(sku_id.clone())
                        .build(),
                ])
                .receiver(taobao_receiver())
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw(&preview)["payAmount"], json!(price * 2));

    // Create: ORDER_CREATE is pushed.
    let line = OrderLine::builder()
        .item_id(item_id.clone())
        .order_line_no("1")
        .quantity(2u32)
        .price(Fen(price))
        .currency("CNY")
        .sku_id(sku_id.clone())
        .build();
    let create = |budget: i64| {
        PurchaseOrderCreateRequest::builder()
            .order_line_list(vec![line.clone()])
            .purchase_amount(Fen(budget))
            .receiver(taobao_receiver())
            .seller_order_number("LZ-2026-000118".to_owned())
            .build()
    };
    // A budget below the amount is refused, and nothing is created.
    let err = c.call(create(price * 2 - 1)).await.unwrap_err();
    assert_api_code(&err, codes::INVALID_PARAMETER);
    let created = c.call(create(price * 2)).await.unwrap();
    let order_id = id_at(&raw(&created), "/orderId");
    assert_status(
        &next_message(&mut pushes).await,
        &OrderEvent::Create,
        &order_id,
    );

    // Detail before paying: status 0 (wait buyer pay).
    let detail_req = || {
        OrderDetailRequest::builder()
            .other(
                [("orderId".to_owned(), json!(order_id))]
                    .into_iter()
                    .collect(),
            )
            .build()
    };
    let detail = raw(&c.call(detail_req()).await.unwrap());
    assert_eq!(detail["status"], json!(0));

    // Pay: ORDER_PAY_SUCCESS is pushed; the order reads back paid (10).
    let pay = OrderPayRequest::builder()
        .other(
            [("orderId".to_owned(), json!(order_id))]
                .into_iter()
                .collect(),
        )
        .build();
    c.call(pay.clone()).await.unwrap();
    assert_status(
        &next_message(&mut pushes).await,
        &OrderEvent::PaySuccess,
        &order_id,
    );
    let detail = raw(&c.call(detail_req()).await.unwrap());
    assert_eq!(detail["status"], json!(10), "{detail}");
    // Paying twice is refused.
    let err = c.call(pay).await.unwrap_err();
    assert_api_code(&err, codes::STATE_CONFLICT);
    let sub_order_id = id_at(&detail, "/subOrders/0/subPurchaseOrderId");

    // Logistics of the sub-order, typed.
    let logistics = c
        .call(
            LogisticsDetailRequest::builder()
                .sub_purchase_order_id(sub_order_id.clone())
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        logistics.purchase_order_outer_id.as_ref().map(Id::as_str),
        Some(order_id.as_str())
    );
    assert!(logistics.pnm_logistics_details[0].mail_no.is_some());

    // Refund render → submit (pushed) → message → detail → cancel (pushed).
    let render = c
        .call(
            RefundRenderRequest::builder()
                .sub_order_id(sub_order_id.clone())
                .goods_status(1)
                .refund_type(1)
                .build(),
        )
        .await
        .unwrap();
    let template = render.refund_order_template.expect("template");
    let reason_id = template.refund_reasons[0].reason_id.expect("reasonId");
    let max = template
        .max_refund_fee
        .and_then(|f| f.max_refund_fee)
        .unwrap();
    assert_eq!(max, price * 2);
    let submitted = c
        .call(
            RefundSubmitRequest::builder()
                .sub_order_id(sub_order_id.clone())
                .refund_type(1)
                .goods_status(1)
                .reason_id(reason_id)
                .refund_fee(Fen(max))
                .refund_desc("收到的商品有破损")
                .build(),
        )
        .await
        .unwrap();
    let refund_id = id_at(&raw(&submitted), "/refundId");
    match next_message(&mut pushes).await {
        Message::TaobaoRefund { body, .. } => {
            assert_eq!(body.refund_id.as_ref(), Some(&refund_id));
        }
        other => panic!("expected a Taobao refund message, got {other:?}"),
    }
    c.call(
        RefundMessageSubmitRequest::builder()
            .refund_id(refund_id.clone())
            .refund_message("外包装破损,见图")
            .build(),
    )
    .await
    .unwrap();
    assert_eq!(refund_status(&c, &refund_id).await.as_deref(), Some("10"));
    let cancelled = c
        .call(RefundCancelRequest::new(refund_id.clone()))
        .await
        .unwrap();
    assert_eq!(cancelled.cancel_success, Some(true));
    assert_eq!(refund_status(&c, &refund_id).await.as_deref(), Some("-20"));
    assert!(matches!(
        next_message(&mut pushes).await,
        Message::TaobaoRefund { .. }
    ));

    // Every push was delivered on its first attempt.
    let records = sandbox.pushes();
    assert_eq!(records.len(), 4, "{records:?}");
    assert!(records.iter().all(|r| r.delivered && r.attempts.len() == 1));
}

#[tokio::test]
async fn a_cancelled_taobao_order_reads_back_cancelled_and_cannot_be_paid() {
    // Stand-ins on: cancel and pay have no known path.
    let sandbox = Sandbox::builder().stand_ins(true).start().await.unwrap();
    let c = sandbox.client();
    let line = OrderLine::builder()
        .item_id("672991141190")
        .order_line_no("1")
        .quantity(1u32)
        .price(Fen(1))
        .currency("CNY")
        .sku_id("3452545926724")
        .build();
    let created = c
        .call(
            PurchaseOrderCreateRequest::builder()
                .order_line_list(vec![line])
                .purchase_amount(Fen(100))
                .receiver(taobao_receiver())
                .build(),
        )
        .await
        .unwrap();
    let order_id = id_at(&raw(&created), "/orderId");
    let by_id = || -> serde_json::Map<String, Value> {
        [("orderId".to_owned(), json!(order_id))]
            .into_iter()
            .collect()
    };
    c.call(TbOrderCancelRequest::builder().other(by_id()).build())
        .await
        .unwrap();
    let detail = raw(&c
        .call(OrderDetailRequest::builder().other(by_id()).build())
        .await
        .unwrap());
    assert_eq!(detail["status"], json!(4));
    let err = c
        .call(OrderPayRequest::builder().other(by_id()).build())
        .await
        .unwrap_err();
    assert_api_code(&err, codes::STATE_CONFLICT);
    // No callback URL: the pushes are recorded, undelivered.
    let records = sandbox.pushes();
    assert_eq!(records.len(), 2);
    let records = sandbox
        .wait_for_pushes(Duration::from_secs(5), |r| {
            r.iter().all(|p| !p.attempts.is_empty())
        })
        .await;
    assert!(records.iter().all(|r| !r.delivered));
}

fn address() -> AddressParam {
    AddressParam::builder()
        .full_name("张三")
        .mobile("18600888861")
        .phone("18600888861")
        .post_code("100000")
        .city_text("杭州市")
        .province_text("浙江省")
        .area_text("西湖区")
        .address("转塘 xxxxxxx")
        .build()
}

#[tokio::test]
async fn ali1688_flow_against_the_sandbox_with_verified_pushes() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let (url, mut pushes) = receiver(sandbox.credentials()).await;
    sandbox.set_callback_url(url).expect("an http URL");
    let c = sandbox.client();

    let page = c
        .call(KeywordSearchRequest::builder().keyword("女包").build())
        .await
        .unwrap();
    // `offerId` is typed (a public client reads it).
    let offer: Id = page.data[0].offer_id.clone().expect("offerId");
    let detail = c.call(ProductDetailRequest::new(offer)).await.unwrap();
    let sku = &detail.product_sku_infos[0];
    let line = CargoParam::builder()
        .offer(OfferRef::id(detail.offer_id.clone().unwrap()))
        .spec_id(sku.spec_id.clone().unwrap())
        .quantity(2)
        .build();
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

    let create = || {
        OrderCreateRequest::builder()
            .flow("general")
            .address_param(address())
            .cargo_param_list(vec![line.clone()])
            .build()
    };
    let created = raw(&c.call(create()).await.unwrap());
    let order_id = id_at(&created, "/0/baseInfo/idOfStr");
    assert_status(
        &next_message(&mut pushes).await,
        &OrderEvent::Create,
        &order_id,
    );

    // The pay URL points at the sandbox's cashier: opening it pays.
    let pay = c
        .call(
            OrderPayUrlRequest::builder()
                .order_id(order_id.clone())
                .build(),
        )
        .await
        .unwrap();
    let pay_url = pay.pay_url.expect("payUrl");
    assert!(pay_url.starts_with(sandbox.base_url()), "{pay_url}");
    let status = xportcn::reqwest::get(&pay_url).await.unwrap().status();
    assert_eq!(status, 200);
    assert_status(
        &next_message(&mut pushes).await,
        &OrderEvent::PaySuccess,
        &order_id,
    );
    let order = c
        .call(AliOrderDetailRequest::new(order_id.clone()))
        .await
        .unwrap();
    let base = order.base_info.unwrap();
    assert_eq!(base.id_of_str.as_deref(), Some(order_id.as_str()));
    assert_eq!(base.status, Some(OrderStatus::WaitSellerSend));
    let entry: Id = order.product_items[0]
        .extra
        .get_as("subItemIDString")
        .map(|r| r.unwrap())
        .unwrap_or_else(|| order.product_items[0].sub_item_id.clone().unwrap());

    // Refund: created, pushed as a 1688 refund record, read back.
    let refund = c
        .call(
            RefundCreateRequest::builder()
                .order_id(order_id.clone())
                .order_entry_ids(vec![entry])
                .dispute_request("refund")
                .apply_payment(Fen(3800))
                .apply_carriage(Fen(0))
                .apply_reason_id(20006)
                .description("不想买了")
                .goods_status("refundWaitSellerSend")
                .build(),
        )
        .await
        .unwrap();
    let refund_id = refund.refund_id.expect("refundId");
    match next_message(&mut pushes).await {
        Message::Ali1688Refund { body, .. } => {
            assert_eq!(
                body.refund_id.as_ref().map(Id::as_str),
                Some(refund_id.as_str())
            );
        }
        other => panic!("expected a 1688 refund message, got {other:?}"),
    }
    let info = c
        .call(
            RefundInfoRequest::builder()
                .refund_id(refund_id.clone())
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(info.apply_payment, Some(Fen(3800)));

    // A second order, cancelled before paying, reads back cancelled.
    let second = raw(&c.call(create()).await.unwrap());
    let second_id = id_at(&second, "/0/baseInfo/idOfStr");
    assert_ne!(second_id, order_id);
    let _ = next_message(&mut pushes).await;
    let cancelled = c
        .call(
            OrderCancelRequest::builder()
                .web_site("1688")
                .order_id(second_id.clone())
                .cancel_reason("buyerCancel")
                .build(),
        )
        .await
        .unwrap();
    assert!(cancelled);
    assert_status(
        &next_message(&mut pushes).await,
        &OrderEvent::Cancel,
        &second_id,
    );
    let order = c.call(AliOrderDetailRequest::new(second_id)).await.unwrap();
    assert_eq!(order.base_info.unwrap().status, Some(OrderStatus::Cancel));
}
