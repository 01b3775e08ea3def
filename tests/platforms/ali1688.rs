//! 1688 products (AL-P1..AL-P11 but AL-P4, in `endpoint_layer.rs`), end to
//! end against a loopback mock.
use crate::common;

use common::*;
use futures_util::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{body_json, body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::ali1688::{
    ImageSearchRequest, OpenUidDecryptRequest, ProductDetailRequest, RelatedRecommendRequest,
    SearchSort, ShopSearchRequest,
};
use xportcn::endpoint::Generation;
use xportcn::types::Decimal;

#[tokio::test]
async fn product_detail_sends_offer_id_as_a_number() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/alibaba/product/detail/get"))
        .and(body_json(serde_json::json!({"offerId": 706627393257u64, "country": "vi", "outMemberId": "m1"})))
        .and(signed())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"requestId":"2b077eecf4374af981bddcdd10494cf6","code":200,"developId":"1034048464150856547","msg":"成功",
               "data":{"offerId":706627393257,"categoryId":1033054,"categoryName":null,
                       "subject":"PVC插页文件夹","subjectTrans":"PVC insert folder","description":"<div></div>",
                       "productSkuInfos":[{"skuId":5011111111111,"specId":"b266e0726506185beaf205cbae88530d",
                                           "price":"1.20","amountOnSale":200,
                                           "skuAttributes":[{"attributeId":3216,"attributeName":"颜色","value":"蓝色","valueTrans":"blue"}]}],
                       "sellerOpenId":"BBBgGWh2O6JFI6v1aQuZVgRIA","minOrderQuantity":2,
                       "notInTheDocs":{"a":1}}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let d = client(&server)
        .call(
            ProductDetailRequest::builder()
                .offer_id(706627393257u64)
                .country("vi")
                .out_member_id("m1")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(d.offer_id.unwrap().as_u64(), Some(706627393257));
    assert_eq!(d.category_id.unwrap().as_str(), "1033054");
    assert_eq!(d.category_name, None);
    assert_eq!(d.subject_trans.as_deref(), Some("PVC insert folder"));
    // SKUs and prices through typed fields.
    let sku = &d.product_sku_infos[0];
    assert_eq!(sku.sku_id.as_ref().unwrap(), "5011111111111");
    assert_eq!(
        sku.spec_id.as_deref(),
        Some("b266e0726506185beaf205cbae88530d")
    );
    assert_eq!(sku.price.as_ref().unwrap().as_str(), "1.20");
    assert_eq!(sku.price.as_ref().unwrap().to_fen().map(|f| f.0), Some(120));
    assert_eq!(sku.amount_on_sale, Some(200));
    assert_eq!(sku.sku_attributes[0].value_trans.as_deref(), Some("blue"));
    assert_eq!(
        d.seller_open_id.as_deref(),
        Some("BBBgGWh2O6JFI6v1aQuZVgRIA")
    );
    assert_eq!(d.min_order_quantity, Some(2));
    assert!(d.extra.contains_key("notInTheDocs"));
    assert!(!d.extra.contains_key("productSkuInfos"));
}

/// The docs' own sample, as far as it goes (it is cut inside `description`:
/// closed here after a short description).
#[tokio::test]
async fn product_detail_by_offer_id_reads_the_documented_sample() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/detail/get",
        Sent::Json(json!({"offerId": 706627393257u64, "country": "en"})),
        json!({
            "offerId": 706627393257u64,
            "categoryId": 1033054,
            "categoryName": null,
            "subject": "PVC插页文件夹A4加厚活页本文件夹防水外壳学生试卷收纳档案夹",
            "subjectTrans": "PVC insert folder A4 thickened loose-leaf book folder waterproof shell student examination paper storage file folder",
            "description": "<div id=\"offer-template-0\"></div>"
        }),
    )
    .await;
    let d = client(&server)
        .ali1688()
        .product_detail(706627393257u64)
        .await
        .unwrap();
    assert_eq!(d.category_id.unwrap(), "1033054");
    assert!(d.subject.unwrap().starts_with("PVC插页文件夹"));
    assert!(d.product_sku_infos.is_empty());
}

/// Asserts that a call to an endpoint with no known path is refused
/// before anything is sent, in both generations.
macro_rules! refused_in_both_generations {
    ($id:literal, |$a:ident| $call:expr) => {
        for g in [Generation::V1, Generation::V2] {
            let server = MockServer::start().await;
            expect_nothing_sent(&server).await;
            let c = builder(&server).generation(g).build().unwrap();
            let $a = c.ali1688();
            let err = $call.await.unwrap_err();
            assert_path_unavailable(&err, $id);
        }
    };
}

#[tokio::test]
async fn category_get_has_no_known_path() {
    refused_in_both_generations!("AL-P1", |a| a.category_get().category_id("1033054"));
}

#[tokio::test]
async fn product_recommend_has_no_known_path() {
    refused_in_both_generations!("AL-P7", |a| a.product_recommend());
}

#[tokio::test]
async fn global_select_search_has_no_known_path() {
    refused_in_both_generations!("AL-P9", |a| a.global_select_search().keyword("T恤"));
}

#[tokio::test]
async fn strict_select_search_has_no_known_path() {
    refused_in_both_generations!("AL-P10", |a| a.strict_select_search().keyword("T恤"));
}

#[tokio::test]
async fn hot_list_has_no_known_path() {
    refused_in_both_generations!("AL-P11", |a| a.hot_list());
}

/// AL-P3: sent on its guessed v1 path (a read), with the KA page's body.
/// No response is documented: the answer here is a made-up string, and it
/// comes back raw.
#[tokio::test]
async fn openuid_decrypt_sends_the_documented_body() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/openuid/decrypt",
        Sent::Json(fixture_json("responses/AL-P3.KA.request.json")),
        json!("https://amos.alicdn.com/getcid.aw?uid=b测试账号110"),
    )
    .await;
    let raw = client(&server)
        .call(
            OpenUidDecryptRequest::builder()
                .open_uid("BBBJ82cNui3EUaxxMi_7Go73g")
                .offer_id("951807530375")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        raw.get(),
        r#""https://amos.alicdn.com/getcid.aw?uid=b测试账号110""#
    );
    // No v2 path is known.
    let server = MockServer::start().await;
    expect_nothing_sent(&server).await;
    let err = builder(&server)
        .generation(Generation::V2)
        .build()
        .unwrap()
        .call(
            OpenUidDecryptRequest::builder()
                .open_uid("x")
                .offer_id("1")
                .build(),
        )
        .await
        .unwrap_err();
    assert_path_unavailable(&err, "AL-P3");
}

/// A page of the search shape (AL-P4/P5/P6) built from the cut v2 samples:
/// `n` items, one with a field the docs do not name.
fn page(page: u64, total: u64, n: usize) -> serde_json::Value {
    let items: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "imageUrl": format!("https://cbu01.alicdn.com/img/ibank/p{page}-{i}.jpg"),
                "subject": format!("国潮男装t恤 p{page}-{i}"),
                "offerId": 700000000000u64 + page * 10 + i as u64,
            })
        })
        .collect();
    json!({"totalRecords": total, "totalPage": total.div_ceil(2), "pageSize": 2, "currentPage": page, "data": items})
}

#[tokio::test]
async fn image_search_sends_the_documented_body() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/image/query",
        Sent::Json(fixture_json("responses/AL-P5.request.json")),
        page(1, 3, 2),
    )
    .await;
    let req = ImageSearchRequest::builder()
        .image_base64("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEB")
        .region("")
        .filter("shipInToday,ksCiphertext")
        .sort(SearchSort::price_asc())
        .price_start(Decimal::new("239.99"))
        .price_end(Decimal::new("882.05"))
        .category_id(72)
        .image_address("https://cbu01.alicdn.com/img/ibank/O1CN01vggy3T1mdyaUYC0LL_!!2211085014978-0-cib.jpg")
        .out_member_id("21000070000")
        .build();
    let p = client(&server).call(req).await.unwrap();
    assert_eq!(p.total_records, Some(3));
    assert_eq!(p.data.len(), 2);
    assert_eq!(p.data[0].subject.as_deref(), Some("国潮男装t恤 p1-0"));
    // `offerId`: typed at the client level (a public app reads it).
    assert_eq!(
        p.data[1].offer_id.as_ref().map(|id| id.as_str()),
        Some("700000000011")
    );
    assert!(!p.data[1].extra.contains_key("offerId"));
}

#[tokio::test]
async fn image_search_pages_stream_every_offer_in_v2() {
    let server = MockServer::start().await;
    for (n, items) in [(1u64, 2usize), (2, 1)] {
        Mock::given(method("POST"))
            .and(path("/api/v2/alibaba/product/image/query"))
            .and(signed())
            .and(body_partial_json(
                json!({"beginPage": n, "pageSize": 2, "imageBase64": "xxxx"}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(page(n, 3, items))))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = builder(&server).generation(Generation::V2).build().unwrap();
    let offers: Vec<_> = c
        .call(
            ImageSearchRequest::builder()
                .image_base64("xxxx")
                .page_size(2)
                .build(),
        )
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(offers.len(), 3);
    assert_eq!(offers[2].subject.as_deref(), Some("国潮男装t恤 p2-0"));
}

#[tokio::test]
async fn shop_search_sends_the_documented_body() {
    let server = MockServer::start().await;
    let mut data = page(1, 323, 1);
    data["data"][0] =
        json!({"imageUrl": "https://cbu01.alicdn.com/img/ibank/shop.jpg", "notInTheDocs": true});
    expect_one(
        &server,
        "POST",
        "/alibaba/product/query/selleroffer",
        Sent::Json(fixture_json("responses/AL-P6.request.json")),
        data,
    )
    .await;
    let req = ShopSearchRequest::builder()
        .seller_open_id("BBBwAN4GQ60zRPzBkv7BYPJRQ")
        .keyword("背心")
        .filter("shipInToday,ksCiphertext")
        .sort(SearchSort::price_desc())
        .out_member_id("")
        .price_start(Decimal::new("10"))
        .price_end(Decimal::new("200"))
        .category_id(6)
        .build();
    let p = client(&server).call(req).await.unwrap();
    assert_eq!(p.total_records, Some(323));
    assert_eq!(p.total_page, Some(162));
    assert_eq!(
        p.data[0].image_url.as_deref(),
        Some("https://cbu01.alicdn.com/img/ibank/shop.jpg")
    );
    assert!(
        p.data[0]
            .extra
            .get_as::<bool>("notInTheDocs")
            .unwrap()
            .unwrap()
    );
}

#[tokio::test]
async fn shop_search_v2_pages_stream_every_offer() {
    let server = MockServer::start().await;
    for (n, items) in [(1u64, 5usize), (2, 0)] {
        let mut body = fixture_json("responses/AL-P6.v2.request.json");
        body["beginPage"] = json!(n);
        Mock::given(method("POST"))
            .and(path("/api/v2/alibaba/product/query/selleroffer"))
            .and(signed())
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(page(n, 9, items))))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = builder(&server).generation(Generation::V2).build().unwrap();
    let offers: Vec<_> = c
        .call(
            ShopSearchRequest::builder()
                .seller_open_id("BBBgGWh2O6JFI6v1aQuZVgRIA")
                .keyword("包")
                .page_size(5)
                .build(),
        )
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(offers.len(), 5);
}

/// AL-P8 in v2 with the docs' body. No response is documented: the answer
/// here is made up, and it comes back raw.
#[tokio::test]
async fn related_recommend_sends_the_documented_v2_body() {
    let server = MockServer::start().await;
    let data = json!({"data": [{"offerId": "f6vE-dfY1NV37oG_fz9WSA", "subject": "包"}]});
    expect_one(
        &server,
        "POST",
        "/v2/alibaba/product/productRelatedRecommendQuery",
        Sent::Json(fixture_json("responses/AL-P8.v2.request.json")),
        data.clone(),
    )
    .await;
    let c = builder(&server).generation(Generation::V2).build().unwrap();
    let raw = c
        .call(
            RelatedRecommendRequest::builder()
                .offer_id("f6vE-dfY1NV37oG_fz9WSA")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(raw.get()).unwrap(),
        data
    );
    // v1: the derived path.
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/productRelatedRecommendQuery",
        Sent::Json(
            json!({"offerId": "706627393257", "pageNo": 2, "pageSize": 10, "language": "vi"}),
        ),
        json!([]),
    )
    .await;
    client(&server)
        .call(
            RelatedRecommendRequest::builder()
                .offer_id("706627393257")
                .page_no(2)
                .language("vi")
                .build(),
        )
        .await
        .unwrap();
}
