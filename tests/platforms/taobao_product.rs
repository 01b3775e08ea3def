//! Taobao product endpoints TB-P1 to TB-P9 (TB-P8 is in `taobao.rs`): what
//! each sends (method, path, signed headers, exact body or query) and how it
//! decodes, against a loopback mock.
use crate::common;

use common::*;
use serde_json::json;
use wiremock::MockServer;
use xportcn::taobao::*;

#[tokio::test]
async fn product_recommend_posts_page_fields_and_decodes_items() {
    let server = MockServer::start().await;
    // No doc sample: built from the public client's DTO (prices are strings
    // there, itemId an int64), plus one field the SDK does not model.
    let data = json!({
        "pageNo": 1,
        "pageSize": 2,
        "data": [{
            "mainImageUrl": "https://img.alicdn.com/i1/a.jpg",
            "itemId": 672991141190u64,
            "multiLanguageInfo": {"language": "en", "title": "Dress"},
            "price": "12.50",
            "couponPrice": "10.00",
            "quantity": 400,
            "shopName": "shop",
            "title": "连衣裙",
            "tags": ["hot"],
            "promotionDisplays": null,
            "sellerRating": 4.9
        }]
    });
    expect_one(
        &server,
        "POST",
        "/open/product/recommend",
        Sent::Json(json!({"pageNo": 1, "pageSize": 2, "language": "en"})),
        data,
    )
    .await;
    let request = ProductRecommendRequest::builder()
        .page_no(1)
        .page_size(2)
        .language("en".to_owned())
        .build();
    let page = client(&server).call(request).await.unwrap();
    assert_eq!((page.page_no, page.page_size), (Some(1), Some(2)));
    let item = &page.data[0];
    assert_eq!(item.item_id.as_ref().unwrap(), "672991141190");
    assert_eq!(item.price.as_deref(), Some("12.50"));
    assert_eq!(item.coupon_price.as_deref(), Some("10.00"));
    assert_eq!(item.quantity, Some(400));
    assert_eq!(item.tags, ["hot"]);
    assert_eq!(item.multi_language_info.as_ref().unwrap()["title"], "Dress");
    assert_eq!(item.promotion_displays, None);
    assert_eq!(item.extra.get("sellerRating").unwrap().get(), "4.9");
}

#[tokio::test]
async fn product_recommend_has_no_v2_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let r = v2_client(&server)
        .call(ProductRecommendRequest::builder().build())
        .await;
    refused_unsent(&server, "TB-P1", r).await;
}

#[tokio::test]
async fn spu_list_and_spu_detail_have_no_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let c = client(&server);
    let r = c.call(SpuListRequest::builder().build()).await;
    refused_unsent(&server, "TB-P2", r).await;
    let r = c.call(SpuDetailRequest::builder().build()).await;
    refused_unsent(&server, "TB-P3", r).await;
}

#[tokio::test]
async fn product_detail_v2_gets_the_opaque_item_id_in_v2() {
    let server = MockServer::start().await;
    // No doc sample (the page is cut after `quantity`): built from the
    // schema's first field plus the TB-P8 fields it is read as.
    expect_one(
        &server,
        "GET",
        "/v2/taobao/product/get",
        Sent::Query(&[("itemId", "WUnUC1cILiBjt-Jv3lDdlQ")]),
        json!({"quantity": 400, "categoryPath": "童装->连衣裙", "itemId": "WUnUC1cILiBjt-Jv3lDdlQ",
               "skuList": [{"skuId": "3452545926724", "price": 1}], "newField": [1]}),
    )
    .await;
    let p = v2_client(&server)
        .call(
            ProductDetailV2Request::builder()
                .item_id("WUnUC1cILiBjt-Jv3lDdlQ")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(p.quantity, Some(400));
    assert_eq!(p.category_path.as_deref(), Some("童装->连衣裙"));
    assert_eq!(p.item_id.unwrap(), "WUnUC1cILiBjt-Jv3lDdlQ");
    assert_eq!(p.sku_list[0].price, Some(1));
    assert_eq!(p.extra.get("newField").unwrap().get(), "[1]");
}

#[tokio::test]
async fn product_detail_v2_has_no_v1_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let r = client(&server)
        .call(ProductDetailV2Request::builder().item_id("1").build())
        .await;
    refused_unsent(&server, "TB-P4", r).await;
}

#[tokio::test]
async fn product_search_has_no_path_in_either_generation() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let r = c.call(ProductSearchRequest::builder().build()).await;
        refused_unsent(&server, "TB-P5", r).await;
    }
}

#[tokio::test]
async fn product_item_search_posts_the_documented_body() {
    let server = MockServer::start().await;
    // The page shows no response: a made-up object, kept raw.
    let data = json!({"items": [{"itemId": 600120680003951077u64}], "total": 1});
    expect_one(
        &server,
        "POST",
        "/v2/taobao/product/item/search",
        Sent::Json(fixture_json("responses/TB-P5b.request.json")),
        data.clone(),
    )
    .await;
    let request = ProductItemSearchRequest::builder()
        .keyword("电动车".to_owned())
        .page_size(5)
        .page_no(1)
        .sort("tk_rate_desc".to_owned())
        .build();
    let raw = v2_client(&server).call(request).await.unwrap();
    let back: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
    assert_eq!(back, data);
    // The big id is kept digit for digit in the raw text.
    assert!(raw.get().contains("600120680003951077"));
}

#[tokio::test]
async fn product_item_search_v1_goes_to_the_derived_path() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/open/product/item/search",
        Sent::Json(json!({"keyword": "x"})),
        json!([]),
    )
    .await;
    let raw = client(&server)
        .call(
            ProductItemSearchRequest::builder()
                .keyword("x".to_owned())
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(raw.get(), "[]");
}

#[tokio::test]
async fn product_image_search_has_no_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    for c in [client(&server), v2_client(&server)] {
        let r = c.call(ProductImageSearchRequest::builder().build()).await;
        refused_unsent(&server, "TB-P6", r).await;
    }
}

#[tokio::test]
async fn product_batch_check_sends_params_as_the_documented_json_string() {
    let server = MockServer::start().await;
    // The docs' response example is cut: built from the schema (objects of
    // mpProducts and noMpReasonList have undocumented fields).
    let data = json!({
        "mpProducts": [{"itemId": 672991141190u64, "mpId": "2048057995392326", "skuIds": ["3452545926724"]}],
        "noMpProductItemIds": ["600126245031041190"],
        "noMpReasonList": [{"itemId": "600126245031041190", "reason": "not distributable"}],
        "checkedAt": 1704853762000u64
    });
    // The exact documented body: params = "[{\"itemId\":\"672991141190\",\"skuIds\":[\"3452545926724\"]}]".
    expect_one(
        &server,
        "POST",
        "/open/product/batch/check",
        Sent::Json(fixture_json("responses/TB-P7.request.json")),
        data,
    )
    .await;
    let request = ProductBatchCheckRequest::builder()
        .params(vec![BatchCheckItem::new("672991141190", ["3452545926724"])])
        .build();
    let check = client(&server).call(request).await.unwrap();
    assert_eq!(check.mp_products.len(), 1);
    assert_eq!(
        check.mp_products[0].extra.get("mpId").unwrap().get(),
        "\"2048057995392326\""
    );
    assert_eq!(check.no_mp_product_item_ids, ["600126245031041190"]);
    assert!(check.no_mp_reason_list[0].extra.contains_key("reason"));
    assert_eq!(check.extra.get("checkedAt").unwrap().get(), "1704853762000");
}

#[tokio::test]
async fn product_batch_check_v2_goes_to_the_derived_path() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/v2/taobao/product/batch/check",
        Sent::Json(json!({"params": "[{\"itemId\":\"WUnUC1cILiBjt-Jv3lDdlQ\",\"skuIds\":[]}]"})),
        json!({}),
    )
    .await;
    let none: [&str; 0] = [];
    let check = v2_client(&server)
        .call(
            ProductBatchCheckRequest::builder()
                .params(vec![BatchCheckItem::new("WUnUC1cILiBjt-Jv3lDdlQ", none)])
                .build(),
        )
        .await
        .unwrap();
    assert!(check.mp_products.is_empty() && check.extra.is_empty());
}

#[tokio::test]
async fn product_source_get_posts_the_documented_body() {
    let server = MockServer::start().await;
    // No doc sample: the page's schema is cut after description and itemId
    // (an integer); `itemResource` stands for the cut field.
    expect_one(
        &server,
        "POST",
        "/open/product/source/get",
        Sent::Json(fixture_json("responses/TB-P9.request.json")),
        json!({"description": "<p>mô tả</p>", "itemId": 42971808988u64, "itemResource": "taobao"}),
    )
    .await;
    let request = ProductSourceGetRequest::builder()
        .item_id("42971808988")
        .language("vi".to_owned())
        .build();
    let source = client(&server).call(request).await.unwrap();
    assert_eq!(source.description.as_deref(), Some("<p>mô tả</p>"));
    assert_eq!(source.item_id.unwrap(), "42971808988");
    assert_eq!(
        source.extra.get("itemResource").unwrap().get(),
        "\"taobao\""
    );
}

#[tokio::test]
async fn product_source_get_has_no_v2_path() {
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let r = v2_client(&server)
        .call(ProductSourceGetRequest::builder().item_id("1").build())
        .await;
    refused_unsent(&server, "TB-P9", r).await;
}
