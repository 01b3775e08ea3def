//! The whole Taobao purchase flow in one test, against one mock platform:
//! product lookup → batch check → cart add → order preview → create → pay →
//! order detail → logistics → refund render → refund submit → refund
//! message → refund cancel.
//!
//! The first item id is the only id the test gives. Every other id in a
//! request comes from an earlier step's decoded answer. Each step's mock accepts exactly
//! one signed request with the method, path and exact body or query of that
//! step (`expect_one`). The order of all requests is checked at the end.
//!
//! Answers: the product (TB-P8) and refund cancellation (TB-A5) answers are
//! documented samples (`tests/fixtures/`). Every other answer is built here,
//! because the docs show none, cut it, or fill it with placeholders. Each
//! step's comment says what its answer is built from.
use crate::common;

use std::future::IntoFuture;

use common::*;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use wiremock::MockServer;
use xportcn::Error;
use xportcn::aftersale::{
    RefundCancelRequest, RefundMessageSubmitRequest, RefundRenderRequest, RefundSubmitRequest,
};
use xportcn::taobao::{
    BatchCheckItem, CartAddRequest, CartSkuProperty, LogisticsDetailRequest, OrderDetailRequest,
    OrderLine, OrderPayRequest, ProductBatchCheckRequest, PurchaseOrderCreateRequest,
    PurchaseOrderRenderRequest, RenderLine,
};
use xportcn::types::{Fen, Id};

// Placeholder paths for the three steps whose real path no doc page shows
// (TB-O12 pay, TB-O14 order detail, TB-A7 refund submit). They are NOT
// claims about the platform. They stand for the paths a user sets with
// `override_path` once they learn the real ones.
const PAY_PATH: &str = "/open/order/pay";
const DETAIL_PATH: &str = "/open/order/detail";
const REFUND_SUBMIT_PATH: &str = "/open/order/refund/submit";

// Ids the mock platform hands out in its answers. They appear here only in
// what the mocks answer and expect. The requests never use these constants:
// they read each id from the answer that carried it.
const ORDER_ID: &str = "3305075341149134260";
const SUB_ORDER_ID: &str = "1034499579120189839";
const REFUND_ID: &str = "110002685755";

/// All requests the server has received so far.
async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Calls an endpoint with no known path on the client as shipped. Asserts
/// that the SDK refuses the call before sending: `PathUnavailable` for
/// `id`, and no new request at the server.
async fn refused_before_sending<T: std::fmt::Debug>(
    server: &MockServer,
    id: &str,
    call: impl IntoFuture<Output = Result<T, Error>>,
) {
    let before = received(server).await.len();
    let err = call
        .await
        .expect_err("no path is known: the SDK must refuse");
    assert_path_unavailable(&err, id);
    assert_eq!(received(server).await.len(), before, "{id} sent a request");
}

/// Reads the id at `pointer` (a JSON pointer) of an answer the SDK keeps
/// raw. Ids above 2^53 arrive as JSON numbers and are read digit for digit.
fn id_at(raw: &RawValue, pointer: &str) -> Id {
    let value: Value = serde_json::from_str(raw.get()).expect("the answer is JSON");
    let at = value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} missing in {}", raw.get()));
    serde_json::from_value(at.clone()).expect("an id")
}

/// Request parameters the SDK does not type (its `other` field).
fn params<const N: usize>(pairs: [(&str, Value); N]) -> serde_json::Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[tokio::test]
async fn taobao_flow_passes_ids_from_product_lookup_to_refund_cancel() {
    let server = MockServer::start().await;
    // The SDK as shipped. It refuses TB-O12, TB-O14 and TB-A7 before sending,
    // because no doc page shows their paths (checked at those steps).
    let shipped = client(&server);
    // This is how a user goes on once they learn the real paths: one client
    // with the three overrides, used for the rest of the flow. The paths are
    // placeholders (see `PAY_PATH`).
    let c = builder(&server)
        .override_path("TB-O12", PAY_PATH)
        .override_path("TB-O14", DETAIL_PATH)
        .override_path("TB-A7", REFUND_SUBMIT_PATH)
        .build()
        .expect("client builds");
    let receiver_text = fixture_json("responses/TB-O4.request.json")["receiver"].clone();

    // 1. Product lookup (TB-P8). Answer: the documented sample. The sample's
    // SKU field `mpSkuld` (its spelling) is null there. This test fills it in
    // with a made-up id. The cart needs that id (`mpSkuId`): the public Go
    // client decodes `mpSkuId` on SKUs, and the SDK reads both spellings
    // into `Sku::mp_sku_id`.
    let mut product = fixture_json("taobao-product-get.response.json")["data"].clone();
    product["skuList"][0]["mpSkuld"] = json!("4102384605127");
    expect_one(
        &server,
        "GET",
        "/open/product/get",
        Sent::Query(&[("itemId", "672991141190")]),
        product,
    )
    .await;
    let product = c.taobao().product_get("672991141190").await.unwrap();
    let item_id = product.item_id.clone().expect("itemId");
    let sku = product.sku_list.first().expect("a SKU");
    let sku_id = sku.sku_id.clone().expect("skuId");
    let sku_price = sku.price.expect("SKU price");
    assert_eq!(
        (item_id.as_str(), sku_id.as_str(), sku_price),
        ("672991141190", "3452545926724", 1)
    );

    // 2. Batch check (TB-P7) of the item and SKU just read. Answer: the docs'
    // example is cut, so it is built from the schema (three lists). The
    // fields inside the objects are not documented, so these are made up.
    expect_one(
        &server,
        "POST",
        "/open/product/batch/check",
        Sent::Json(json!({"params": r#"[{"itemId":"672991141190","skuIds":["3452545926724"]}]"#})),
        json!({
            "mpProducts": [{"itemId": 672991141190u64, "mpId": "2048057995392326", "skuIds": ["3452545926724"]}],
            "noMpProductItemIds": [],
            "noMpReasonList": []
        }),
    )
    .await;
    let check = c
        .call(
            ProductBatchCheckRequest::builder()
                .params(vec![BatchCheckItem::new(item_id.clone(), [sku_id.clone()])])
                .build(),
        )
        .await
        .unwrap();
    // The item can be bought: it is among the products, not among the refusals.
    assert_eq!(check.mp_products.len(), 1);
    assert!(!check.no_mp_product_item_ids.contains(&item_id));
    assert!(check.no_mp_reason_list.is_empty());

    // 3. Cart add (TB-C2, v1) of that SKU. Every field comes from the product
    // answer. The properties are sent as the JSON text the docs show. Answer:
    // the docs cut it, so this one is built and returned raw. Nothing in it
    // is needed later: a cart id would feed TB-C6, not this flow.
    let quantity: u32 = 2;
    expect_one(
        &server,
        "POST",
        "/open/cart/add",
        Sent::Json(json!({
            "userId": USER_ID,
            "platform": 1,
            "itemId": 672991141190u64,
            "skuId": "3452545926724",
            "itemTitle": "天穹发布商品,测试请不要拍",
            "itemPic": "https://img.alicdn.com/bao/uploaded/i1/263669477/O1CN01fH0cbf2JsW8fvHFwx_!!263669477.jpg",
            "mpId": "2048057995392326",
            "mpSkuId": "4102384605127",
            "price": 1,
            "promotionPrice": 1,
            "properties": r#"[{"valueId":28326,"valueName":"红色","propId":1627207,"propName":"颜色分类"},{"valueId":3273546,"valueName":"52cm","propId":122216343,"propName":"参考身高"}]"#,
            "quantity": 2,
            "shopId": 268763467,
            "shopName": "u[2206891060210]",
            "skuQuantity": "200",
            "userNick": "测试账号tbc003"
        })),
        json!({"id": 75}),
    )
    .await;
    let mp_sku_id: Id = sku.mp_sku_id.clone().expect("mpSkuld sent");
    let properties: Vec<CartSkuProperty> = sku
        .properties
        .iter()
        .map(CartSkuProperty::from_sku_property)
        .collect::<Option<_>>()
        .expect("complete SKU properties");
    let cart_add = CartAddRequest::builder()
        .user_id(USER_ID)
        .platform(1)
        .item_id(item_id.clone())
        .sku_id(sku_id.clone())
        .item_title(product.title.clone().expect("title"))
        .item_pic(product.pic_urls[0].clone())
        .mp_id(product.mp_id.clone().expect("mpId"))
        .mp_sku_id(mp_sku_id)
        .price(Fen(sku_price))
        .promotion_price(Fen(sku.promotion_price.expect("promotionPrice")))
        .properties(properties)
        .quantity(quantity)
        .shop_id(product.shop_id.clone().expect("shopId"))
        .shop_name(product.shop_name.clone().expect("shopName"))
        .sku_quantity(sku.quantity.expect("SKU stock").to_string())
        .user_nick(product.user_nick.clone().expect("userNick"))
        .build();
    let added = c.call(cart_add).await.unwrap();
    assert_eq!(added.get(), r#"{"id":75}"#);

    // 4. Order preview (TB-O4, verified) of the same item and SKU. The ids go
    // out as JSON numbers inside the line string, as the docs' example
    // writes them. Answer: the page shows none, so this one is built and
    // returned raw. No field of it is documented, so nothing of it flows on:
    // the budget below comes from the product's documented SKU price.
    expect_one(
        &server,
        "POST",
        "/open/order/render",
        Sent::Json(json!({
            "orderLineList": r#"[{"itemId":672991141190,"quantity":"2","skuId":3452545926724}]"#,
            "receiver": receiver_text,
        })),
        json!({"payAmount": 2, "postFee": 0}),
    )
    .await;
    let render = PurchaseOrderRenderRequest::builder()
        .order_line_list(vec![
            RenderLine::builder()
                .item_id(item_id.clone())
                .quantity(quantity)
                .sku_id(sku_id.clone())
                .build(),
        ])
        .receiver(taobao_receiver())
        .build();
    let preview = c.call(render).await.unwrap();
    assert_eq!(preview.get(), r#"{"payAmount":2,"postFee":0}"#);

    // 5. Create (TB-O7) the order: the same line, every value a string, and a
    // budget in fen. Answer: the page shows none, so this one is built. The
    // order id is a JSON number above 2^53, as the ORDER_CREATE message in
    // `tests/callbacks/callbacks_robustness.rs` carries it. The answer is raw: the id
    // is read from its JSON.
    let budget = Fen(sku_price * i64::from(quantity));
    expect_one(
        &server,
        "POST",
        "/open/order",
        Sent::Json(json!({
            "orderLineList": r#"[{"itemId":"672991141190","orderLineNo":"1","quantity":"2","price":"1","currency":"CNY","skuId":"3452545926724"}]"#,
            "orderSource": "lazada",
            "purchaseAmount": 2,
            "receiver": receiver_text,
            "sellerOrderNumber": "LZ-2026-000118"
        })),
        json!({"orderId": 3305075341149134260u64}),
    )
    .await;
    let create = PurchaseOrderCreateRequest::builder()
        .order_line_list(vec![
            OrderLine::builder()
                .item_id(item_id.clone())
                .order_line_no("1")
                .quantity(quantity)
                .price(Fen(sku_price))
                .currency("CNY")
                .sku_id(sku_id.clone())
                .build(),
        ])
        .order_source("lazada".to_owned())
        .purchase_amount(budget)
        .receiver(taobao_receiver())
        .seller_order_number("LZ-2026-000118".to_owned())
        .build();
    let created = c.call(create).await.unwrap();
    let order_id = id_at(&created, "/orderId");
    assert_eq!(order_id, ORDER_ID);

    // 6. Pay (TB-O12): path unknown. The parameter name `orderId` is not
    // documented either (INFERRED), so it goes in `other`. Answer: built, raw.
    let pay = OrderPayRequest::builder()
        .other(params([("orderId", json!(order_id))]))
        .build();
    refused_before_sending(&server, "TB-O12", shipped.call(pay.clone())).await;
    expect_one(
        &server,
        "POST",
        PAY_PATH,
        Sent::Json(json!({"orderId": ORDER_ID})),
        json!({"paySuccess": true}),
    )
    .await;
    let paid = c.call(pay).await.unwrap();
    assert_eq!(paid.get(), r#"{"paySuccess":true}"#);

    // 7. Order detail (TB-O14): path unknown, query name `orderId` INFERRED.
    // Answer: built. It is INFERRED to be a `TaoBaoOrderVO`, whose fields are
    // not documented. The status code 10 ("wait seller send goods") is from
    // the KA status-flow page. The sub-order's keys are camelCase, the
    // platform's convention for answers (the TB-M1 push's `subOrders` are
    // snake_case, but no page shows an answer's). The sub-order id is read
    // from there.
    let detail = OrderDetailRequest::builder()
        .other(params([("orderId", json!(order_id))]))
        .build();
    refused_before_sending(&server, "TB-O14", shipped.call(detail.clone())).await;
    expect_one(
        &server,
        "GET",
        DETAIL_PATH,
        Sent::Query(&[("orderId", ORDER_ID)]),
        json!({
            "purchaseOrderId": 3305075341149134260u64,
            "status": 10,
            "subOrders": [{
                "subPurchaseOrderId": 1034499579120189839u64,
                "itemMapId": "672991141190",
                "skuId": "3452545926724",
                "title": "天穹发布商品,测试请不要拍",
                "quantity": 2,
                "status": "WAIT_SELLER_SEND_GOODS",
                "purchaseAmount": 2,
                "purchaseCurrency": "CNY"
            }]
        }),
    )
    .await;
    let detail = c.call(detail).await.unwrap();
    assert_eq!(id_at(&detail, "/purchaseOrderId"), order_id);
    let sub_order_id = id_at(&detail, "/subOrders/0/subPurchaseOrderId");
    assert_eq!(sub_order_id, SUB_ORDER_ID);

    // 8. Logistics (TB-O15) of that sub-order, sent as `subPurchaseOrderId`.
    // Answer: the start of the v1 page's real example as
    // `tests/platforms/taobao_order.rs` copies it (the outer id, the parcel and its
    // first trace). The docs cut the example, so the carrier is made up.
    expect_one(
        &server,
        "GET",
        "/open/order/logistics/detail/get",
        Sent::Query(&[("subPurchaseOrderId", SUB_ORDER_ID)]),
        json!({
            "purchaseOrderOuterId": "3682557363260579405",
            "pnmLogisticsDetails": [{
                "mailNo": "78753196186473",
                "logisticsTraces": [
                    {"statusDesc": "运输中", "province": null, "city": "北京市", "district": "朝阳区",
                     "action": "TMS_STATION_OUT", "facilityName": "北京", "time": "2023-12-14 21:39:11",
                     "standerdDesc": "【北京市】 快件已发往 广州中心", "status": "TRANSPORT",
                     "nextCity": null, "nextNodeName": null}
                ],
                "logisticsPartner": [{"company": "中通快递", "companyContact": "95311"}]
            }]
        }),
    )
    .await;
    let logistics = c
        .call(
            LogisticsDetailRequest::builder()
                .sub_purchase_order_id(sub_order_id.clone())
                .build(),
        )
        .await
        .unwrap();
    let parcel = &logistics.pnm_logistics_details[0];
    assert_eq!(parcel.mail_no.as_deref(), Some("78753196186473"));
    assert_eq!(
        parcel.logistics_traces[0].status.as_deref(),
        Some("TRANSPORT")
    );

    // 9. Refund render (TB-A2) for the same sub-order. The refund pages call
    // it `subOrderId` (INFERRED the same id as the logistics
    // `subPurchaseOrderId`). Goods status and refund type are 1, as in the
    // docs' example.
    // Answer: the documented sample's shape, whose values are all "string"
    // and 0, with realistic values here.
    expect_one(
        &server,
        "POST",
        "/open/order/refund/render",
        Sent::Json(json!({"subOrderId": SUB_ORDER_ID, "goodsStatus": 1, "refundType": 1})),
        json!({
            "currency": "CNY",
            "distributorId": "1223655000541",
            "refundOrderTemplate": {
                "goodsStatusList": ["1", "2"],
                "refundTypeList": ["1", "2"],
                "maxRefundFee": {"canEditRefundFee": true, "feeTips": "最多可退2分",
                                 "maxRefundFee": 2, "minRefundFee": 1, "refundFee": 2},
                "refundOrder": {"canEditFee": true, "goodsStatus": 1, "refundType": 1, "refundFee": 2},
                "refundReasons": [{"reasonDesc": "质量问题", "reasonId": 7, "tips": "请上传商品照片"}]
            }
        }),
    )
    .await;
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
    let template = render.refund_order_template.expect("refundOrderTemplate");
    assert!(template.goods_status_list.contains(&"1".to_owned()));
    assert!(template.refund_type_list.contains(&"1".to_owned()));
    let reason_id = template.refund_reasons[0].reason_id.expect("reasonId");
    let refund_fee = template
        .max_refund_fee
        .and_then(|f| f.refund_fee)
        .expect("proposed refundFee");

    // 10. Refund submit (TB-A7): path unknown. The sub-order, the codes, and
    // the reason and amount the render offered go out. Answer: built, raw.
    // The refund id is read from its JSON, under `refundId`, the name the
    // documented render and detail answers use.
    let submit = RefundSubmitRequest::builder()
        .sub_order_id(sub_order_id.clone())
        .refund_type(1)
        .goods_status(1)
        .reason_id(reason_id)
        .refund_fee(Fen(refund_fee))
        .refund_desc("收到的商品有破损")
        .build();
    refused_before_sending(&server, "TB-A7", shipped.call(submit.clone())).await;
    expect_one(
        &server,
        "POST",
        REFUND_SUBMIT_PATH,
        Sent::Json(json!({
            "subOrderId": SUB_ORDER_ID,
            "refundType": 1,
            "goodsStatus": 1,
            "reasonId": 7,
            "refundFee": 2,
            "refundDesc": "收到的商品有破损"
        })),
        json!({"refundId": REFUND_ID}),
    )
    .await;
    let submitted = c.call(submit).await.unwrap();
    let refund_id = id_at(&submitted, "/refundId");
    assert_eq!(refund_id, REFUND_ID);

    // 11. Refund message (TB-A6) on that refund. Answer: the docs cut it
    // after `data` (an object), so it is built empty.
    expect_one(
        &server,
        "POST",
        "/open/order/refund/submit/message",
        Sent::Json(json!({
            "refundId": REFUND_ID,
            "refundMessage": "外包装破损,见图",
            "refundImages": "https://img.example/refund/1.jpg"
        })),
        json!({}),
    )
    .await;
    let message = RefundMessageSubmitRequest::builder()
        .refund_id(refund_id.clone())
        .refund_message("外包装破损,见图")
        .refund_images("https://img.example/refund/1.jpg")
        .build();
    let noted = c.call(message).await.unwrap();
    assert!(noted.extra.is_empty());

    // 12. Refund cancel (TB-A5): a GET with the refund id in the path and
    // nothing else. Answer: the documented sample.
    expect_one(
        &server,
        "GET",
        &format!("/open/order/refund/cancel/{REFUND_ID}"),
        Sent::Nothing,
        fixture_json("responses/TB-A5.response.json")["data"].clone(),
    )
    .await;
    let cancel = c.call(RefundCancelRequest::new(refund_id)).await.unwrap();
    assert_eq!(cancel.cancel_success, Some(true));
    assert_eq!(cancel.currency.as_deref(), Some("CNY"));

    // Twelve requests in the flow's order. The three refusals sent nothing.
    let seen: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        seen,
        [
            "GET /api/open/product/get",
            "POST /api/open/product/batch/check",
            "POST /api/open/cart/add",
            "POST /api/open/order/render",
            "POST /api/open/order",
            "POST /api/open/order/pay",
            "GET /api/open/order/detail",
            "GET /api/open/order/logistics/detail/get",
            "POST /api/open/order/refund/render",
            "POST /api/open/order/refund/submit",
            "POST /api/open/order/refund/submit/message",
            "GET /api/open/order/refund/cancel/110002685755",
        ]
    );
}
