//! TB-P8, query product by Taobao product id, end to end against a loopback mock.
use crate::common;

use common::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn product_get_sends_signed_get_and_decodes_the_documented_sample() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/open/product/get"))
        .and(query_param("itemId", "672991141190"))
        .and(signed())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("taobao-product-get.response.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let p = client(&server)
        .taobao()
        .product_get("672991141190")
        .await
        .unwrap();

    assert_eq!(p.item_id.as_ref().map(|i| i.as_str()), Some("672991141190"));
    assert_eq!(p.title.as_deref(), Some("天穹发布商品,测试请不要拍"));
    assert_eq!(
        (p.price, p.promotion_price, p.quantity, p.begin_amount),
        (Some(1), Some(1), Some(400), Some(0))
    );
    assert_eq!(p.category_id.as_deref(), Some("121452038"));
    assert_eq!(p.shop_id.as_ref().and_then(|i| i.as_u64()), Some(268763467));
    assert_eq!(p.product_unit, None);
    assert_eq!(p.pic_urls.len(), 1);
    assert_eq!(p.sku_list.len(), 2);
    let sku = &p.sku_list[0];
    assert_eq!(
        sku.sku_id.as_ref().map(|i| i.as_str()),
        Some("3452545926724")
    );
    // A string at SKU level, a number at item level: both read as integers.
    assert_eq!(sku.promotion_price, Some(1));
    assert_eq!(sku.properties[0].prop_name.as_deref(), Some("颜色分类"));
    assert_eq!(
        sku.properties[1].value_id.as_ref().map(|i| i.as_str()),
        Some("3273546")
    );
    // The sample's typo (`mpSkuld`, null there) lands in the typed field the
    // public client names `mpSkuId`; nothing is left in `extra` for it.
    assert_eq!(sku.mp_sku_id, None);
    assert!(!sku.extra.contains_key("mpSkuld"));
}

#[tokio::test]
async fn product_get_full_response_keeps_envelope_and_raw_body() {
    let server = MockServer::start().await;
    let body = fixture("taobao-product-get.response.json");
    Mock::given(method("GET"))
        .and(path("/api/open/product/get"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;

    let r = client(&server)
        .taobao()
        .product_get(672991141190u64)
        .send_full()
        .await
        .unwrap();
    assert_eq!(
        r.request_id.as_deref(),
        Some("4cfda0b725184ab8a1e3ee3b9051ec35")
    );
    assert_eq!(r.develop_id.as_deref(), Some("1014533973088404335"));
    assert_eq!((r.code, r.msg.as_str(), r.http_status), (200, "成功", 200));
    assert_eq!(r.body, body.as_bytes());
}

#[tokio::test]
async fn product_get_unknown_fields_and_type_drift_are_kept() {
    let server = MockServer::start().await;
    let data = serde_json::json!({
        "itemId": "9223372036854775807",
        "price": "12",
        "categoryId": 121452038,
        "skuList": null,
        "brandNew": {"nested": [1, 2, 3]}
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(data)))
        .mount(&server)
        .await;

    let p = client(&server).taobao().product_get("1").await.unwrap();
    assert_eq!(p.item_id.unwrap().as_str(), "9223372036854775807");
    assert_eq!(p.price, Some(12));
    assert_eq!(p.category_id.as_deref(), Some("121452038"));
    assert!(p.sku_list.is_empty());
    let brand_new: serde_json::Value = p.extra.get_as("brandNew").unwrap().unwrap();
    assert_eq!(brand_new["nested"][2], 3);
}
