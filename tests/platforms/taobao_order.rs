//! Taobao orders TB-O1 to TB-O15 (purchase orders, render, create, the order
//! life cycle, IM link, logistics): what each sends (method, path, signed
//! headers, exact body or query, exact JSON inside strings) and how it
//! decodes, against a loopback mock.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::MockServer;
use xportcn::taobao::*;
use xportcn::types::Fen;

#[tokio::test]
async fn purchase_order_page_posts_filters_and_keeps_the_answer_raw() {
    let server = MockServer::start().await;
    // No doc sample and no field names: a made-up page, kept raw.
    let data = json!({"records": [{"purchaseOrderId": 1024285237573584051u64, "status": 10}]});
    expect_one(
        &server,
        "POST",
        "/open/purchase/page",
        Sent::Json(json!({"pageNo": 1, "pageSize": 20})),
        data.clone(),
    )
    .await;
    let mut other = serde_json::Map::new();
    other.insert("pageNo".into(), json!(1));
    other.insert("pageSize".into(), json!(20));
    let raw = client(&server)
        .call(PurchaseOrderPageRequest::builder().other(other).build())
        .await
        .unwrap();
    assert!(raw.get().contains("1024285237573584051"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(raw.get()).unwrap(),
        data
    );
}

#[tokio::test]
async fn purchase_order_page_has_no_v2_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let r = v2_client(&server)
        .call(PurchaseOrderPageRequest::builder().build())
        .await;
    refused_unsent(&server, "TB-O1", r).await;
}

#[tokio::test]
async fn purchase_order_unknown_paths_are_refused_before_sending() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let t = c.taobao();
        let r = t.purchase_order_cancel().await;
        refused_unsent(&server, "TB-O2", r).await;
        let r = t.purchase_order_pay().await;
        refused_unsent(&server, "TB-O3", r).await;
        let r = t.purchase_order_create_v2().await;
        refused_unsent(&server, "TB-O5", r).await;
        let r = t.purchase_order_render_v2().await;
        refused_unsent(&server, "TB-O6", r).await;
    }
}

#[tokio::test]
async fn purchase_order_render_sends_numeric_ids_inside_the_line_string() {
    let server = MockServer::start().await;
    // Exactly the doc-vnm example: itemId/skuId JSON numbers above 2^53,
    // quantity a string, receiver with snake_case mobile_phone.
    let body = fixture_json("responses/TB-O4.request.json");
    assert_eq!(
        body["orderLineList"],
        r#"[{"itemId":600120680003951077,"quantity":"1","skuId":4951323355633}]"#
    );
    // The page shows no response: a made-up object, kept raw.
    expect_one(
        &server,
        "POST",
        "/open/order/render",
        Sent::Json(body),
        json!({"payAmount": 1200, "postFee": 0}),
    )
    .await;
    let line = RenderLine::builder()
        .item_id("600120680003951077")
        .quantity(1)
        .sku_id("4951323355633")
        .build();
    let request = PurchaseOrderRenderRequest::builder()
        .order_line_list(vec![line])
        .receiver(taobao_receiver())
        .build();
    let raw = client(&server).call(request).await.unwrap();
    assert_eq!(raw.get(), r#"{"payAmount":1200,"postFee":0}"#);
}

#[tokio::test]
async fn purchase_order_render_writes_ids_digit_for_digit() {
    // Ids beyond 2^53 and up to u64::MAX stay exact; a line without SKU
    // leaves skuId out; a non-numeric id falls back to a string.
    let lines = vec![
        RenderLine::builder()
            .item_id("18446744073709551615")
            .quantity(200)
            .build(),
        RenderLine::builder()
            .item_id("WUnUC1cILiBjt-Jv3lDdlQ")
            .quantity(1)
            .sku_id("9007199254740993")
            .build(),
    ];
    let request = PurchaseOrderRenderRequest::builder()
        .order_line_list(lines)
        .receiver(taobao_receiver())
        .build();
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(
        body["orderLineList"],
        r#"[{"itemId":18446744073709551615,"quantity":"200"},{"itemId":"WUnUC1cILiBjt-Jv3lDdlQ","quantity":"1","skuId":9007199254740993}]"#
    );
}

#[tokio::test]
async fn purchase_order_render_has_no_v2_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let request = PurchaseOrderRenderRequest::builder()
        .order_line_list(vec![])
        .receiver(taobao_receiver())
        .build();
    let r = v2_client(&server).call(request).await;
    refused_unsent(&server, "TB-O4", r).await;
}

/// The doc-vnm create example as typed values.
fn create_request() -> PurchaseOrderCreateRequest {
    let line = |item: &str, sku: &str| {
        OrderLine::builder()
            .item_id(item)
            .order_line_no("1")
            .quantity(200)
            .price(Fen(1))
            .currency("CNY")
            .sku_id(sku)
            .build()
    };
    let receiver = PurchaseReceiver::builder()
        .zip("11111")
        .country("中国")
        .address("测试地址")
        .city("杭州市")
        .mobile_phone("15068763421")
        .district("余杭区")
        .name("a测试aa")
        .state("浙江省")
        .build();
    PurchaseOrderCreateRequest::builder()
        .purchase_amount(Fen(400))
        .receiver(receiver)
        .order_line_list(vec![
            line("600126245031041190", "5016042822039"),
            line("600129202197070073", "4860968496626"),
        ])
        .order_source("lazada".to_owned())
        .seller_order_number("1".to_owned())
        .build()
}

#[tokio::test]
async fn purchase_order_create_sends_the_documented_body_with_string_lines() {
    let server = MockServer::start().await;
    // The exact doc-vnm body: every line value a string, purchaseAmount in
    // fen, an empty phone.
    let body = fixture_json("responses/TB-O7.request.json");
    // The page shows no response: a made-up object, kept raw.
    expect_one(
        &server,
        "POST",
        "/open/order",
        Sent::Json(body),
        json!({"orderId": "1024285237573584051"}),
    )
    .await;
    let raw = client(&server).call(create_request()).await.unwrap();
    assert_eq!(raw.get(), r#"{"orderId":"1024285237573584051"}"#);
}

#[tokio::test]
async fn purchase_order_create_v2_goes_to_the_derived_path() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/taobao/order",
        Sent::Json(fixture_json("responses/TB-O7.request.json")),
        json!(true),
    )
    .await;
    let raw = v2_client(&server).call(create_request()).await.unwrap();
    assert_eq!(raw.get(), "true");
}

#[tokio::test]
async fn order_page_has_no_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let r = c.call(OrderPageRequest::builder().build()).await;
        refused_unsent(&server, "TB-O8", r).await;
    }
}

#[tokio::test]
async fn order_voucher_upload_cancel_and_pay_have_no_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let t = c.taobao();
        let r = t.order_voucher_upload().await;
        refused_unsent(&server, "TB-O9", r).await;
        let r = t.order_cancel().await;
        refused_unsent(&server, "TB-O10", r).await;
        let r = t.order_pay().await;
        refused_unsent(&server, "TB-O12", r).await;
    }
}

#[tokio::test]
async fn order_update_warehouse_posts_the_documented_body() {
    let server = MockServer::start().await;
    // The docs' response is cut after `code`; `data` is an object with no
    // fields shown: a made-up one.
    expect_one(
        &server,
        "POST",
        "/open/order/updateWarehouse",
        Sent::Json(fixture_json("responses/TB-O11.request.json")),
        json!({"updated": true}),
    )
    .await;
    let request = OrderUpdateWarehouseRequest::builder()
        .order_id("1024285237573584051")
        .warehouse_address("广西省".to_owned())
        .warehouse_name("一号仓库".to_owned())
        .build();
    let done = client(&server).call(request).await.unwrap();
    assert_eq!(done.extra.get("updated").unwrap().get(), "true");
}

#[tokio::test]
async fn order_update_warehouse_v2_goes_to_the_derived_path() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/taobao/order/updateWarehouse",
        Sent::Json(json!({"orderId": "1024285237573584051"})),
        json!({}),
    )
    .await;
    let done = v2_client(&server)
        .call(
            OrderUpdateWarehouseRequest::builder()
                .order_id(1024285237573584051u64)
                .build(),
        )
        .await
        .unwrap();
    assert!(done.extra.is_empty());
}

#[tokio::test]
async fn im_link_get_posts_the_example_body_and_reads_the_url() {
    let server = MockServer::start().await;
    // The docs' response is cut inside the URL: the sample's prefix, closed.
    let url = "https://distributor.taobao.global/apps/open/imchat?loginToken=l6QqqYS29HiRe3BTgfGcquCcQ1HKDBWHCNw13rQ1lNnIB578ZmtzpZDJfVe7LuQ%2B2TBenZ96";
    expect_one(
        &server,
        "POST",
        "/open/order/page/link/get",
        Sent::Json(fixture_json("responses/TB-O13.request.json")),
        json!(url),
    )
    .await;
    let request = ImLinkGetRequest::builder()
        .source_type("item")
        .biz_id("234576234")
        .build();
    let link = client(&server).call(request).await.unwrap();
    assert_eq!(link, url);
}

#[tokio::test]
async fn im_link_get_v2_goes_to_the_derived_path_with_extra_params() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/taobao/order/page/link/get",
        Sent::Json(
            json!({"sourceType": "order", "bizId": "1024285237573584051", "pageName": "im"}),
        ),
        json!("https://distributor.taobao.global/apps/open/imchat?loginToken=x"),
    )
    .await;
    let mut other = serde_json::Map::new();
    other.insert("pageName".into(), json!("im"));
    let link = v2_client(&server)
        .call(
            ImLinkGetRequest::builder()
                .source_type("order")
                .biz_id("1024285237573584051")
                .other(other)
                .build(),
        )
        .await
        .unwrap();
    assert!(link.ends_with("loginToken=x"));
}

#[tokio::test]
async fn order_detail_has_no_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let r = c.call(OrderDetailRequest::builder().build()).await;
        refused_unsent(&server, "TB-O14", r).await;
    }
}

#[tokio::test]
async fn logistics_detail_gets_by_sub_purchase_order_id_and_decodes_the_v2_sample() {
    let server = MockServer::start().await;
    // The v2 page's complete (placeholder) example, plus one unknown field.
    let mut data = fixture_json("responses/TB-O15.response.json")["data"].clone();
    data["pnmLogisticsDetails"][0]["weight"] = json!("1.2kg");
    expect_one(
        &server,
        "GET",
        "/v2/taobao/order/logistics/detail/get",
        Sent::Query(&[("subPurchaseOrderId", "200048859480")]),
        data,
    )
    .await;
    let request = LogisticsDetailRequest::builder()
        .sub_purchase_order_id("200048859480")
        .build();
    let d = v2_client(&server).call(request).await.unwrap();
    // Empty strings for ids and times read as absent; text stays "".
    assert_eq!(d.purchase_order_outer_id, None);
    let parcel = &d.pnm_logistics_details[0];
    assert_eq!(parcel.mail_no.as_deref(), Some(""));
    let trace = &parcel.logistics_traces[0];
    assert_eq!(trace.standerd_desc.as_deref(), Some(""));
    assert_eq!(trace.time, None);
    assert_eq!(trace.next_node_name.as_deref(), Some(""));
    assert_eq!(parcel.logistics_partner[0].company.as_deref(), Some(""));
    let receiver = parcel.receiver.as_ref().unwrap();
    assert_eq!(receiver.zip_code.as_deref(), Some(""));
    assert_eq!(parcel.logistics_goods[0].quantity, None);
    // Every documented field is modelled; the added one survives.
    assert!(trace.extra.is_empty() && receiver.extra.is_empty() && d.extra.is_empty());
    assert_eq!(parcel.extra.get("weight").unwrap().get(), "\"1.2kg\"");
}

#[tokio::test]
async fn logistics_detail_decodes_the_v1_real_sample() {
    let server = MockServer::start().await;
    // The v1 page's real example (doc.pandapon.com/api-250313082) is cut in
    // the second trace; this is its verbatim start, with the cut trace
    // closed and the partner/receiver/goods values made up.
    let data = json!({
        "purchaseOrderOuterId": "3682557363260579405",
        "pnmLogisticsDetails": [{
            "mailNo": "78753196186473",
            "logisticsTraces": [
                {"statusDesc": "运输中", "province": null, "city": "北京市", "district": "朝阳区",
                 "action": "TMS_STATION_OUT", "facilityName": "北京", "time": "2023-12-14 21:39:11",
                 "standerdDesc": "【北京市】 快件已发往 广州中心", "status": "TRANSPORT",
                 "nextCity": null, "nextNodeName": null},
                {"statusDesc": "运输中", "province": null, "city": "北京市", "district": "朝阳区",
                 "action": "TMS_STATION_IN", "facilityName": "北京", "time": "2023-12-14 21:37:38",
                 "standerdDesc": "【北京市】 快件已到达 北京", "status": "TRANSPORT",
                 "nextCity": null, "nextNodeName": null}
            ],
            "logisticsPartner": [{"companyImageUrl": "https://img.example/zto.png", "company": "中通快递", "companyContact": "95311"}],
            "receiver": {"zipCode": "510000", "address": "白云区", "province": "广东省", "city": "广州市",
                         "district": "白云区", "phone": "15068763421", "name": "simon"},
            "logisticsGoods": [{"title": "连衣裙", "property": "颜色分类:红色", "imageUrl": "https://img.example/a.jpg", "quantity": "2"}]
        }]
    });
    expect_one(
        &server,
        "GET",
        "/open/order/logistics/detail/get",
        Sent::Query(&[("subPurchaseOrderId", "200033789041")]),
        data,
    )
    .await;
    let d = client(&server)
        .call(
            LogisticsDetailRequest::builder()
                .sub_purchase_order_id(200033789041u64)
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(d.purchase_order_outer_id.unwrap(), "3682557363260579405");
    let parcel = &d.pnm_logistics_details[0];
    assert_eq!(parcel.mail_no.as_deref(), Some("78753196186473"));
    let t = &parcel.logistics_traces[0];
    assert_eq!(t.province, None);
    assert_eq!(t.action.as_deref(), Some("TMS_STATION_OUT"));
    assert_eq!(
        t.standerd_desc.as_deref(),
        Some("【北京市】 快件已发往 广州中心")
    );
    // 2023-12-14 21:39:11 China time.
    assert_eq!(
        t.time.as_ref().unwrap().epoch_millis(),
        Some(1_702_561_151_000)
    );
    assert_eq!(t.next_city, None);
    assert_eq!(
        parcel.logistics_partner[0].company.as_deref(),
        Some("中通快递")
    );
    assert_eq!(
        parcel.receiver.as_ref().unwrap().name.as_deref(),
        Some("simon")
    );
    assert_eq!(parcel.logistics_goods[0].quantity, Some(2));
}

#[tokio::test]
async fn order_pay_is_sent_once_its_path_is_set() {
    // An unknown path is no dead end: the user sets it, and the parameters
    // in `other` go out as the body.
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/open/order/pay",
        Sent::Json(json!({"orderId": "1024285237573584051"})),
        json!({"paid": true}),
    )
    .await;
    let c = builder(&server)
        .override_path("TB-O12", "/open/order/pay")
        .build()
        .unwrap();
    let mut other = serde_json::Map::new();
    other.insert("orderId".into(), json!("1024285237573584051"));
    let raw = c
        .call(OrderPayRequest::builder().other(other).build())
        .await
        .unwrap();
    assert_eq!(raw.get(), r#"{"paid":true}"#);
}
