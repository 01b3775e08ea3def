//! Every shared callback fixture parses to its variant.

use xportcn::callbacks::{
    Ali1688OrderStatus, Ali1688PriceModify, Ali1688RefundStatus, CallbackError, Message,
    OrderEvent, OrderStatus, Platform,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../shared/fixtures/callbacks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn parse(name: &str) -> Message {
    Message::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn ali1688_refund() {
    let msg = parse("1688-order-buyer-refund.json");
    assert_eq!(msg.message_type(), "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND");
    assert_eq!(msg.platform(), Platform::Ali1688);
    assert_eq!(
        msg.develop_id().map(|i| i.as_str()),
        Some("1023561483696472885")
    );
    assert_eq!(msg.id().map(|i| i.as_str()), Some("224"));
    assert_eq!(msg.retry_count(), Some(0));
    assert_eq!(msg.pushed_at(), None);
    assert_eq!(msg.dedup_key(), "id:224");
    let Message::Ali1688Refund { body, .. } = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(
        body.refund_id.as_ref().map(|i| i.as_str()),
        Some("TQ142969441872889407")
    );
    assert_eq!(
        body.order_id.as_ref().map(|i| i.as_str()),
        Some("2044420321024880794")
    );
    assert_eq!(
        body.id.as_ref().map(|i| i.as_str()),
        Some("142969441872889407")
    );
    assert_eq!(body.status, Some(Ali1688RefundStatus::RefundSuccess));
    assert_eq!(body.apply_payment, Some(11700));
    assert_eq!(body.apply_carriage, Some(5000));
    assert_eq!(body.frozen_fund, Some(-1));
    assert_eq!(body.only_refund, Some(true));
    assert_eq!(
        body.gmt_apply.as_ref().and_then(|t| t.epoch_millis()),
        Some(1704853762000)
    );
    assert_eq!(body.ext_info["sdkCode"], "ali.china.1688");
    assert_eq!(
        body.ext_info["interceptItemListResult"][0]["logisticInterceptEnum"],
        "INTERCEPT_NOT_APPLY"
    );
    assert_eq!(
        body.order_entry_count_map.get("2044420321024880794"),
        Some(&18)
    );
    assert_eq!(body.order_entry_id_list[0].as_str(), "2044420321024880794");
    assert_eq!(body.refund_operation_list.len(), 2);
    let op = &body.refund_operation_list[0];
    assert_eq!(
        op.after_operate_status,
        Some(Ali1688RefundStatus::WaitSellerAgree)
    );
    assert_eq!(op.id.as_ref().map(|i| i.as_str()), Some("4538611416976"));
    assert_eq!(op.extra["msgType"], 7);
    assert!(
        op.description
            .as_deref()
            .unwrap_or("")
            .contains("仅退款成功")
    );
    assert_eq!(body.refund_operation_list[1].before_operate_status, None);
    assert_eq!(
        body.refund_operation_list[1]
            .operator_user_id
            .as_ref()
            .map(|i| i.as_str()),
        Some("2217011889407")
    );
    // Untyped fields stay reachable.
    assert_eq!(body.extra["sellerDelayDisburse"], false);
    assert_eq!(body.extra["rejectTimes"], 0);
}

#[test]
fn ali1688_price_modify_full_order() {
    let msg = parse("1688-order-price-modify.json");
    assert_eq!(msg.platform(), Platform::Ali1688);
    assert_eq!(
        msg.pushed_at().and_then(|t| t.epoch_millis()),
        Some(1702890004504)
    );
    let Message::Ali1688PriceModify {
        body: Ali1688PriceModify::Order(order),
        ..
    } = &msg
    else {
        panic!("{msg:?}")
    };
    let base = order.base_info.as_ref().expect("baseInfo");
    assert_eq!(base.id_of_str.as_deref(), Some("58218860983545941"));
    assert_eq!(
        base.id.as_ref().map(|i| i.as_str()),
        Some("58218860983545944")
    );
    assert_eq!(base.status, Some(Ali1688OrderStatus::WaitBuyerReceive));
    assert_eq!(base.total_amount.as_ref().map(|d| d.as_str()), Some("6.15"));
    assert_eq!(
        base.refund_status,
        Some(Ali1688RefundStatus::WaitSellerAgree)
    );
    assert_eq!(
        base.create_time.as_ref().and_then(|t| t.epoch_millis()),
        Some(1505369828000)
    );
    assert_eq!(
        base.buyer_contact.as_ref().and_then(|c| c.name.as_deref()),
        Some("乔的石")
    );
    assert_eq!(
        base.receiver_info
            .as_ref()
            .and_then(|r| r.to_division_code.as_deref()),
        Some("330108")
    );
    assert_eq!(
        base.buyer_user_id.as_ref().map(|i| i.as_str()),
        Some("2248544159")
    );
    let logistics = order.native_logistics.as_ref().expect("nativeLogistics");
    assert_eq!(logistics.town.as_deref(), Some("长河街道"));
    let parcel = &logistics.logistics_items[0];
    assert_eq!(parcel.logistics_bill_no.as_deref(), Some("不需要物流"));
    assert_eq!(parcel.sub_item_id_list().len(), 3);
    assert_eq!(parcel.sub_item_id_list()[2].as_str(), "58218860986545941");
    assert_eq!(order.product_items.len(), 3);
    let line = &order.product_items[0];
    assert_eq!(
        line.product_id.as_ref().map(|i| i.as_str()),
        Some("547486647009")
    );
    assert_eq!(
        line.sub_item_id_string.as_deref(),
        Some("128403042259997715")
    );
    assert_eq!(line.status, Some(Ali1688OrderStatus::WaitSellerSend));
    assert_eq!(
        line.refund_status,
        Some(Ali1688RefundStatus::WaitSellerAgree)
    );
    assert_eq!(line.sku_infos[1].value.as_deref(), Some("1.1L-2L"));
    assert_eq!(
        line.gmt_pay_expire_time
            .as_ref()
            .map(|t| (t.raw(), t.epoch_millis())),
        Some(("2018-02-07 15: 27: 58", None))
    );
    assert_eq!(line.price.as_ref().map(|d| d.as_str()), Some("0.3"));
    assert_eq!(
        order.trade_terms[0]
            .phas_amount
            .as_ref()
            .map(|d| d.as_str()),
        Some("6.15")
    );
    assert_eq!(
        order.trade_terms[0].phase.as_ref().map(|i| i.as_str()),
        Some("655062941545941")
    );
    assert_eq!(
        order
            .order_rate_info
            .as_ref()
            .map(|r| r["buyerRateStatus"].clone()),
        Some(5.into())
    );
    assert!(msg.dedup_key().starts_with("h:"));
}

#[test]
fn ali1688_price_modify_as_documented_is_a_positioned_error() {
    let err =
        Message::from_slice(&fixture("1688-order-price-modify.as-documented.txt")).unwrap_err();
    match &err {
        CallbackError::Json {
            line,
            column,
            message,
        } => {
            // The raw line break inside "subItemIds" (line 74) is reported
            // where serde_json sees it: the start of line 75.
            assert_eq!((*line, *column), (75, 0), "{err}");
            assert!(message.contains("control character"), "{message}");
        }
        other => panic!("expected Json error, got {other:?}"),
    }
    assert!(err.to_string().contains("line 75"), "{err}");
}

#[test]
fn order_create_string_body() {
    let msg = parse("order-create.string-body.json");
    assert_eq!(msg.message_type(), "ORDER_CREATE");
    assert_eq!(msg.platform(), Platform::Ali1688);
    assert!(msg.envelope().body_was_string);
    assert_eq!(
        msg.pushed_at().and_then(|t| t.epoch_millis()),
        Some(1779263269913)
    );
    let Message::Ali1688OrderStatus { event, body, .. } = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(*event, OrderEvent::Create);
    assert_eq!(
        body.order_id.as_ref().map(|i| i.as_str()),
        Some("3305075341149134260")
    );
    assert_eq!(body.order_no.as_deref(), Some("PO202605200001"));
    assert_eq!(body.order_status, Some(OrderStatus::WaitingForPayment));
    assert_eq!(body.pay_status, Some(1));
    assert_eq!(body.total_amount, Some(10000));
    assert_eq!(body.shipping_fee, Some(500));
    assert_eq!(body.product_amount, Some(9500));
    assert_eq!(body.refund_status, None);
    assert_eq!(body.pay_time, None);
    assert_eq!(
        body.tb_create_time.as_ref().and_then(|t| t.epoch_millis()),
        Some(1779262800000)
    );
}

#[test]
fn taobao_price_modify() {
    let msg = parse("taobao-order-price-modify.json");
    // The sample's messageType is a placeholder: recognised by its shape on platform 0.
    assert_eq!(msg.message_type(), "aliqua ut eu dolor");
    assert_eq!(msg.platform(), Platform::Taobao);
    assert_eq!(
        msg.pushed_at().map(|t| t.raw()),
        Some("2016-04-29 10:44:09")
    );
    let Message::TaobaoPriceModify { body, .. } = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(body.sales_order_id.as_ref().map(|i| i.as_str()), Some("88"));
    let price = body
        .purchase_order_price
        .as_ref()
        .expect("purchaseOrderPriceDTO");
    assert_eq!(price.purchase_total_fee, Some(24));
    assert_eq!(price.purchase_product_fee, Some(81));
    assert_eq!(price.purchase_shipping_fee, Some(21));
    let sub = &body.sub_orders[0];
    assert_eq!(
        sub.sub_purchase_order_id.as_ref().map(|i| i.as_str()),
        Some("39")
    );
    assert_eq!(sub.product_amount, Some(69));
    assert_eq!(sub.pay_amount, Some(24));
    assert_eq!(sub.domestic_post_fee, Some(83));
    assert_eq!(sub.quantity, Some(6));
    assert_eq!(sub.sub_result.as_deref(), Some("veniam"));
    assert_eq!(sub.logistic_company_name.as_deref(), Some("连能格"));
    assert_eq!(sub.option_fields[0], "sit dolore");
    assert_eq!(
        sub.rts_time.as_ref().map(|t| t.raw()),
        Some("1995-01-13 21:09:51")
    );
}
