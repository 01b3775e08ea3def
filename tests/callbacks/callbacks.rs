//! Every shared callback fixture parses to its variant.

use serde_json::Value;
use xportcn::callbacks::{
    Ali1688OrderStatus, Ali1688PriceModify, Ali1688RefundStatus, CallbackError, Message,
    OrderEvent, Platform, PushOrderStatus,
};
use xportcn::types::{Extra, Fen};

/// A field kept in `extra`, parsed.
fn extra(extra: &Extra, key: &str) -> Value {
    match extra.get_as::<Value>(key) {
        Some(v) => v.expect("valid JSON"),
        None => panic!("no {key} in {extra:?}"),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/callbacks/{name}",
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
    assert_eq!(body.apply_payment, Some(Fen(11700)));
    assert_eq!(body.apply_carriage, Some(Fen(5000)));
    assert_eq!(body.frozen_fund, Some(Fen(-1)));
    assert_eq!(body.only_refund, Some(true));
    assert_eq!(
        body.gmt_apply.as_ref().and_then(|t| t.epoch_millis()),
        Some(1704853762000)
    );
    let ext_info = body.ext_info.as_ref().expect("extInfo");
    assert_eq!(ext_info["sdkCode"], "ali.china.1688");
    assert_eq!(
        ext_info["interceptItemListResult"][0]["logisticInterceptEnum"],
        "INTERCEPT_NOT_APPLY"
    );
    assert_eq!(
        body.order_entry_count_map
            .as_ref()
            .and_then(|m| m.get("2044420321024880794")),
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
    assert_eq!(extra(&op.extra, "msgType"), 7);
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
    assert_eq!(extra(&body.extra, "sellerDelayDisburse"), false);
    assert_eq!(extra(&body.extra, "rejectTimes"), 0);
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
            .and_then(|r| r.buyer_rate_status),
        Some(5)
    );
    assert!(msg.dedup_key().starts_with("e:"));
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
    assert_eq!(body.order_status, Some(PushOrderStatus::WaitingForPayment));
    assert_eq!(body.pay_status, Some(1));
    assert_eq!(body.total_amount, Some(Fen(10000)));
    assert_eq!(body.shipping_fee, Some(Fen(500)));
    assert_eq!(body.product_amount, Some(Fen(9500)));
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
    assert_eq!(price.purchase_total_fee, Some(Fen(24)));
    assert_eq!(price.purchase_product_fee, Some(Fen(81)));
    assert_eq!(price.purchase_shipping_fee, Some(Fen(21)));
    let sub = &body.sub_orders[0];
    assert_eq!(
        sub.sub_purchase_order_id.as_ref().map(|i| i.as_str()),
        Some("39")
    );
    assert_eq!(sub.product_amount, Some(Fen(69)));
    assert_eq!(sub.pay_amount, Some(Fen(24)));
    assert_eq!(sub.domestic_post_fee, Some(Fen(83)));
    assert_eq!(sub.quantity, Some(6));
    assert_eq!(sub.sub_result.as_deref(), Some("veniam"));
    assert_eq!(sub.logistic_company_name.as_deref(), Some("连能格"));
    assert_eq!(sub.option_fields[0], "sit dolore");
    assert_eq!(
        sub.rts_time.as_ref().map(|t| t.raw()),
        Some("1995-01-13 21:09:51")
    );
}

#[test]
fn unknown_type_survives_with_raw_body() {
    let push = r#"{"messageType":"ITEM_OFFLINE","messagePlatform":1,"timestamp":1779263269913,
        "messageBody":{"itemId":672991141190,"why":["gone"]},"traceId":"abc"}"#;
    let msg = Message::from_json(push).expect("parses");
    assert_eq!(msg.message_type(), "ITEM_OFFLINE");
    assert!(msg.is_unknown());
    let Message::Unknown { envelope, raw } = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(envelope.platform_code, Some(1));
    assert_eq!(extra(&envelope.extra, "traceId"), "abc");
    assert_eq!(raw["itemId"], 672991141190u64);
    assert_eq!(raw["why"][0], "gone");
    assert_eq!(
        msg.pushed_at().and_then(|t| t.epoch_millis()),
        Some(1779263269913)
    );

    // A string body that is not JSON is kept as the string.
    let msg =
        Message::from_json(r#"{"messageType":"PING","messageBody":"hello"}"#).expect("parses");
    assert_eq!(msg.platform(), Platform::Unspecified);
    let Message::Unknown { raw, .. } = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(raw, "hello");

    // Unknown platform code on a known type: kept, not guessed.
    let msg = Message::from_json(
        r#"{"messageType":"ORDER_CREATE","messagePlatform":7,"messageBody":{}}"#,
    )
    .expect("parses");
    assert_eq!(msg.platform(), Platform::Unknown(7));
    assert!(msg.is_unknown());
}

#[test]
fn dedup_key_ignores_retry_count_but_not_the_push_time() {
    let first = r#"{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"timestamp":"1779263269913","retryCount":0,
        "messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"WAITING_FOR_SENT\",\"payStatus\":2}"}"#;
    let retry = first.replace("\"retryCount\":0", "\"retryCount\":1");
    let a = Message::from_json(first).expect("first");
    let b = Message::from_json(&retry).expect("retry");
    assert_eq!(b.retry_count(), Some(1));
    assert_eq!(a.dedup_key(), b.dedup_key(), "a retry is a duplicate");
    assert!(a.dedup_key().starts_with("e:"));
    // Another push time without an envelope id: when unsure, deliver.
    let later = first.replace("1779263269913", "1779265069913");
    assert_ne!(
        a.dedup_key(),
        Message::from_json(&later).expect("later").dedup_key()
    );
    // With an envelope id, the id is the key: the retry keeps it whatever
    // its time.
    let with_id = first.replace("\"retryCount\":0", "\"retryCount\":0,\"id\":7");
    let retried = with_id
        .replace("1779263269913", "1779265069913")
        .replace("\"retryCount\":0", "\"retryCount\":1");
    assert_eq!(
        Message::from_json(&with_id).expect("id").dedup_key(),
        "id:7"
    );
    assert_eq!(
        Message::from_json(&retried).expect("id retry").dedup_key(),
        "id:7"
    );
    // A different event for the same order is a different key.
    let cancel = first
        .replace("ORDER_PAY_SUCCESS", "ORDER_CANCEL")
        .replace("WAITING_FOR_SENT", "CANCEL");
    assert_ne!(
        a.dedup_key(),
        Message::from_json(&cancel).expect("cancel").dedup_key()
    );
    // The same body text as an object instead of a string: same key.
    let object = r#"{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"timestamp":"1779263269913",
        "messageBody":{"orderId":"3305075341149134260","orderStatus":"WAITING_FOR_SENT","payStatus":2}}"#;
    assert_eq!(
        a.dedup_key(),
        Message::from_json(object).expect("object").dedup_key()
    );
}

/// Issue 24, finding 1: without an envelope `id`, two distinct events never
/// share a key, for every kind: the same content at another push time (a
/// price 100 → 120 → 100), or another content that the typed key fields do
/// not show (a KA summary's shipping fee changed, the total kept).
#[test]
fn finding_1_distinct_events_never_share_a_dedup_key() {
    let push = |mt: &str, platform: u8, ts: &str, body: &str| {
        format!(
            r#"{{"messageType":"{mt}","messagePlatform":{platform},"timestamp":"{ts}","retryCount":0,"messageBody":{body}}}"#
        )
    };
    let key = |json: &str| Message::from_json(json).expect(json).dedup_key();
    let kinds: [(&str, u8, String, String); 6] = [
        (
            "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
            0,
            r#"{"salesOrderId":"88","purchaseOrderPriceDTO":{"purchaseTotalFee":100,"purchaseProductFee":90,"purchaseShippingFee":10}}"#.into(),
            r#"{"salesOrderId":"88","purchaseOrderPriceDTO":{"purchaseTotalFee":100,"purchaseProductFee":90,"purchaseShippingFee":10},"note":"x"}"#.into(),
        ),
        (
            "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
            1,
            r#"{"orderId":"3305075341149134260","totalAmount":10000,"shippingFee":500,"productAmount":9500}"#.into(),
            r#"{"orderId":"3305075341149134260","totalAmount":10000,"shippingFee":800,"productAmount":9200}"#.into(),
        ),
        (
            "ORDER_PAY_SUCCESS",
            1,
            r#"{"orderId":"3305075341149134260","orderStatus":"WAITING_FOR_SENT","payStatus":2}"#.into(),
            r#"{"orderId":"3305075341149134260","orderStatus":"WAITING_FOR_SENT","payStatus":2,"payTime":"2026-05-20 15:41:00"}"#.into(),
        ),
        (
            "PARCEL_INBOUND",
            1,
            r#"{"logistics_tracking_number":"SF1","out_order_id":"1","quality_inspection_info":{"status":"PASS"}}"#.into(),
            r#"{"logistics_tracking_number":"SF1","out_order_id":"1","quality_inspection_info":{"status":"PASS","weight":2}}"#.into(),
        ),
        (
            "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
            1,
            r#"{"refundId":"R1","orderId":"1","status":"waitselleragree"}"#.into(),
            r#"{"refundId":"R1","orderId":"1","status":"waitselleragree","applyReason":"x"}"#.into(),
        ),
        (
            "SOMETHING_NEW",
            7,
            r#"{"a":1}"#.into(),
            r#"{"a":1,"b":2}"#.into(),
        ),
    ];
    for (mt, platform, body, other_body) in &kinds {
        let t1 = push(mt, *platform, "1779263269913", body);
        let t2 = push(mt, *platform, "1779263869913", body); // 10 minutes later
        let other = push(mt, *platform, "1779263269913", other_body);
        let retry = t1.replace("\"retryCount\":0", "\"retryCount\":1");
        assert!(key(&t1).starts_with("e:"), "{mt}");
        assert_ne!(key(&t1), key(&t2), "{mt}: the same content pushed later");
        assert_ne!(key(&t1), key(&other), "{mt}: another content");
        assert_eq!(key(&t1), key(&retry), "{mt}: a retry is a duplicate");
    }
    // The Taobao price 100 -> 120 -> 100: three keys.
    let price = |fee: u32| {
        format!(r#"{{"salesOrderId":"88","purchaseOrderPriceDTO":{{"purchaseTotalFee":{fee}}}}}"#)
    };
    let mt = "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY";
    let keys = [
        key(&push(mt, 0, "1779263269913", &price(100))),
        key(&push(mt, 0, "1779263869913", &price(120))),
        key(&push(mt, 0, "1779264469913", &price(100))),
    ];
    assert_ne!(keys[0], keys[2]);
    assert_ne!(keys[0], keys[1]);
    assert_ne!(keys[1], keys[2]);
}

#[test]
fn order_events_and_prefixes() {
    let body = r#"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"CANCEL\",\"closeReason\":\"buyer_cancel\",\"payTime\":\"2026-05-20 15:41:00\"}"#;
    for (mtype, platform, want) in [
        ("ORDER_CANCEL", "1", "ali"),
        ("ORDER_CANCEL", "0", "taobao"),
        ("TAOBAO_ORDER_CANCEL", "null", "taobao"),
        ("1688_ORDER_CANCEL", "null", "ali"),
    ] {
        let push = format!(
            r#"{{"messageType":"{mtype}","messagePlatform":{platform},"messageBody":"{body}"}}"#
        );
        let msg = Message::from_json(&push).unwrap_or_else(|e| panic!("{mtype}: {e}"));
        assert_eq!(msg.message_type(), mtype);
        let (event, body) = match (&msg, want) {
            (Message::Ali1688OrderStatus { event, body, .. }, "ali") => (event, body),
            (Message::TaobaoOrderStatus { event, body, .. }, "taobao") => (event, body),
            _ => panic!("{mtype}/{platform}: {msg:?}"),
        };
        assert_eq!(*event, OrderEvent::Cancel);
        assert_eq!(body.order_status, Some(PushOrderStatus::Cancel));
        assert_eq!(body.close_reason.as_deref(), Some("buyer_cancel"));
    }
    // An unlisted type with the order-status shape keeps its name.
    let push = r#"{"messageType":"ORDER_SEND_GOODS","messagePlatform":1,"messageBody":{"orderId":1,"orderStatus":"WAITING_FOR_RECEIVE"}}"#;
    let Message::Ali1688OrderStatus { event, body, .. } = Message::from_json(push).expect("parses")
    else {
        panic!()
    };
    assert_eq!(event, OrderEvent::Other("ORDER_SEND_GOODS".into()));
    assert_eq!(
        body.order_status,
        Some(PushOrderStatus::Unknown("WAITING_FOR_RECEIVE".into()))
    );
}

#[test]
fn ali1688_price_modify_summary_body() {
    // The Xportcn KA manual's variant: a compact summary in a string.
    let push = r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messageBody":"{\"orderId\":\"3305075341149134260\",\"orderNo\":\"PO202605200001\",\"orderStatus\":\"WAITING_FOR_PAYMENT\",\"payStatus\":1,\"totalAmount\":9800,\"shippingFee\":500,\"productAmount\":9300}","messagePlatform":1,"timestamp":"1779263269913"}"#;
    let msg = Message::from_json(push).expect("parses");
    let Message::Ali1688PriceModify {
        body: Ali1688PriceModify::Summary(s),
        ..
    } = &msg
    else {
        panic!("{msg:?}")
    };
    assert_eq!(s.total_amount, Some(Fen(9800)));
    assert_eq!(s.product_amount, Some(Fen(9300)));
}

#[test]
fn inferred_taobao_refund_and_parcel_inbound() {
    let push = r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_BUYER_REFUND","messagePlatform":0,"messageBody":"{\"refundId\":\"TQ1\",\"orderId\":\"3296711100591134260\",\"refundFee\":100}"}"#;
    let Message::TaobaoRefund { body, .. } = Message::from_json(push).expect("parses") else {
        panic!()
    };
    assert_eq!(body.refund_id.as_ref().map(|i| i.as_str()), Some("TQ1"));
    assert_eq!(
        body.order_id.as_ref().map(|i| i.as_str()),
        Some("3296711100591134260")
    );
    assert_eq!(extra(&body.extra, "refundFee"), 100);

    let push = r#"{"messageType":"PACKAGE_INBOUND","messageBody":{"out_order_id":"205569999","alibaba_order_id":"2887421737338134260",
        "logistics_tracking_number":"YT7565691026776","quality_inspection_info":{"status":"质检通过","weight":0.4,"width":"34","images":["https://x/1.jpg"]}}}"#;
    let Message::ParcelInbound { body, .. } = Message::from_json(push).expect("parses") else {
        panic!()
    };
    assert_eq!(
        body.logistics_tracking_number.as_deref(),
        Some("YT7565691026776")
    );
    assert_eq!(
        body.alibaba_order_id.as_ref().map(|i| i.as_str()),
        Some("2887421737338134260")
    );
    let q = body.quality_inspection_info.as_ref().expect("inspection");
    assert_eq!(q.weight.as_ref().map(|d| d.as_str()), Some("0.4"));
    assert_eq!(q.width.as_ref().map(|d| d.as_str()), Some("34"));
    // Recognised by shape under another name, camelCase keys.
    let push = r#"{"messageType":"WMS_CALLBACK","messageBody":{"logisticsTrackingNumber":"YT1","qualityInspectionInfo":{"status":"ok"}}}"#;
    assert!(matches!(
        Message::from_json(push),
        Ok(Message::ParcelInbound { .. })
    ));
}

#[test]
fn errors_are_typed() {
    // Not an envelope.
    let err = Message::from_json("[1,2]").unwrap_err();
    assert!(matches!(err, CallbackError::Envelope { .. }), "{err:?}");
    let err = Message::from_json(r#"{"messageBody":{}}"#).unwrap_err();
    assert!(
        matches!(&err, CallbackError::Envelope { message, .. } if message.contains("messageType")),
        "{err:?}"
    );
    // Trailing garbage.
    let err = Message::from_json(r#"{"messageType":"X"} x"#).unwrap_err();
    assert!(
        matches!(err, CallbackError::Json { line: 1, .. }),
        "{err:?}"
    );
    // A known type whose string body is not JSON.
    let err = Message::from_json(
        r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":"{\"orderId\":"}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, CallbackError::BodyJson { message_type, line: 1, .. } if message_type == "ORDER_CREATE"),
        "{err:?}"
    );
    // A known type whose body does not fit: the JSON path is given.
    let push = r#"{"messageType":"ORDER_BUYER_VIEW_ORDER_BUYER_REFUND","messagePlatform":1,"messageBody":{"refundOperationList":[{"id":1},{"id":1.5}]}}"#;
    let err = Message::from_json(push).unwrap_err();
    match &err {
        CallbackError::Body { path, .. } => {
            assert_eq!(path, "messageBody.refundOperationList[1].id")
        }
        other => panic!("{other:?}"),
    }
    fn send_sync_static<T: Send + Sync + 'static + std::error::Error>() {}
    send_sync_static::<CallbackError>();
    send_sync_static::<xportcn::callbacks::Rejection>();
}

/// Every fixture's dedup key (issue 24 made the push time and the body's
/// whole text part of a key without envelope `id`: `e:` keys; the `id:` key
/// is unchanged).
#[test]
fn dedup_keys_of_every_fixture() {
    for (name, key) in [
        ("1688-order-buyer-refund.json", "id:224"),
        (
            "1688-order-price-modify.json",
            "e:3751b401d17dd5695fa6902e7c5fb84f",
        ),
        (
            "order-create.string-body.json",
            "e:af783bb34822561680a51e49b56b7982",
        ),
        (
            "taobao-order-price-modify.json",
            "e:6f2a45380815215c3041291cf060f575",
        ),
    ] {
        assert_eq!(parse(name).dedup_key(), key, "{name}");
    }
}
