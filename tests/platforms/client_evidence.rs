//! Response fields typed from client evidence (issue 20, part 1): the fields
//! a shipped public client of the platform reads, decoded from realistic
//! answers through the typed methods, with nothing lost (`extra`).
//!
//! The answers are built for these tests in the shape the clients read
//! (`Hunghs1112/SaboApp` @ 39301355, `govshudov/taobao` @ 10f694d4); the
//! docs show none of these fields (but the TB-P8 SKU's `mpSkuld`, a typo).
use crate::common;

use common::*;
use serde_json::json;
use wiremock::MockServer;
use xportcn::ali1688::{ImageSearchRequest, KeywordSearchRequest, ProductDetailRequest};
use xportcn::endpoint::{self, FieldEvidence};
use xportcn::taobao::CartAddRequest;
use xportcn::types::Id;

/// A 1688 search item as the app reads it (`offerId` a JSON number), plus
/// one field nothing reads.
fn search_item(offer_id: u64, price: &str) -> serde_json::Value {
    json!({
        "offerId": offer_id,
        "subject": "国潮男装t恤",
        "subjectTrans": "National tide men's T-shirt",
        "imageUrl": "https://cbu01.alicdn.com/img/ibank/O1CN01a.jpg",
        "priceInfo": {"price": price, "consignPrice": "21.00"},
        "monthSold": 1532,
        "repurchaseRate": "0.25",
        "isJxhy": false
    })
}

fn search_page(items: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"totalRecords": items.len(), "totalPage": 1, "pageSize": 20, "currentPage": 1, "data": items})
}

#[tokio::test]
async fn keyword_search_items_carry_the_fields_the_app_reads() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/keywords/query",
        Sent::Json(json!({"keyword": "t恤", "beginPage": 1, "pageSize": 20, "country": "en"})),
        search_page(vec![search_item(726301883311, "19.80")]),
    )
    .await;
    let page = client(&server)
        .call(KeywordSearchRequest::builder().keyword("t恤").build())
        .await
        .unwrap();
    let offer = &page.data[0];
    // A number on the wire, an exact id here: what the next call takes.
    assert_eq!(offer.offer_id.as_ref().unwrap().as_str(), "726301883311");
    assert_eq!(offer.subject.as_deref(), Some("国潮男装t恤"));
    assert_eq!(
        offer.subject_trans.as_deref(),
        Some("National tide men's T-shirt")
    );
    let price = offer.price_info.as_ref().unwrap();
    assert_eq!(price.price.as_ref().unwrap().0.as_str(), "19.80");
    assert_eq!(offer.month_sold, Some(1532));
    assert_eq!(offer.repurchase_rate.as_deref(), Some("0.25"));
    // Lossless: what nothing reads stays, at every level.
    assert_eq!(offer.extra.get("isJxhy").unwrap().get(), "false");
    assert_eq!(price.extra.get("consignPrice").unwrap().get(), "\"21.00\"");
    assert!(!offer.extra.contains_key("offerId"));
}

#[tokio::test]
async fn image_search_items_share_the_shape() {
    let server = MockServer::start().await;
    expect_one(
        &server,
        "POST",
        "/alibaba/product/image/query",
        Sent::Json(json!({"imageBase64": "AAAA", "beginPage": 1, "pageSize": 20, "country": "en"})),
        // A 19-digit offer id keeps every digit; a price as a number.
        search_page(vec![json!({
            "offerId": 7263018833119999999u64,
            "subjectTrans": "Kettle",
            "priceInfo": {"price": 35.5},
            "monthSold": "12",
            "repurchaseRate": 0.3
        })]),
    )
    .await;
    let page = client(&server)
        .call(ImageSearchRequest::builder().image_base64("AAAA").build())
        .await
        .unwrap();
    let offer = &page.data[0];
    assert_eq!(
        offer.offer_id.as_ref().unwrap().as_str(),
        "7263018833119999999"
    );
    assert_eq!(
        offer
            .price_info
            .as_ref()
            .unwrap()
            .price
            .as_ref()
            .unwrap()
            .0
            .as_str(),
        "35.5"
    );
    assert_eq!(offer.month_sold, Some(12));
    assert_eq!(offer.repurchase_rate.as_deref(), Some("0.3"));
}

#[tokio::test]
async fn product_detail_carries_the_fields_the_app_reads() {
    let server = MockServer::start().await;
    let data = json!({
        "offerId": 726301883311u64,
        "subject": "电热水壶",
        "subjectTrans": "Electric kettle",
        "description": "<div><img src=\"https://cbu01.alicdn.com/d.jpg\"></div>",
        "status": "published",
        "mainVideo": "https://cloud.video.taobao.com/play/u/1/p/1/e/6/t/1/1.mp4",
        "sellerShopUrl": "https://shop1234.1688.com",
        "sellerNickName": "义乌小商品",
        "productImage": {"images": ["https://cbu01.alicdn.com/1.jpg", "https://cbu01.alicdn.com/2.jpg"]},
        "productSaleInfo": {
            "priceRangeList": [{"startQuantity": 2, "price": "35.50"}, {"startQuantity": 100, "price": "33.00"}],
            "amountOnSale": 9800,
            "unitInfo": {"unit": "个"}
        },
        "productShippingInfo": {
            "width": 20, "weight": 1.25, "length": 30, "height": "25.5",
            "sendGoodsAddressText": "浙江省 金华市",
            "shippingTimeGuarantee": "shipIn48Hours"
        },
        "productAttribute": [
            {"attributeId": 100, "attributeName": "材质", "attributeNameTrans": "Material",
             "value": "不锈钢", "valueTrans": "stainless steel"}
        ]
    });
    expect_one(
        &server,
        "POST",
        "/alibaba/product/detail/get",
        Sent::Json(json!({"offerId": 726301883311u64, "country": "vi"})),
        data,
    )
    .await;
    let d = client(&server)
        .call(
            ProductDetailRequest::builder()
                .offer_id("726301883311")
                .country("vi")
                .build(),
        )
        .await
        .unwrap();
    assert_eq!(d.status.as_deref(), Some("published"));
    assert!(d.main_video.as_deref().unwrap().ends_with(".mp4"));
    assert_eq!(
        d.seller_shop_url.as_deref(),
        Some("https://shop1234.1688.com")
    );
    assert_eq!(d.seller_nick_name.as_deref(), Some("义乌小商品"));
    assert_eq!(d.product_image.as_ref().unwrap().images.len(), 2);
    let sale = d.product_sale_info.as_ref().unwrap();
    assert_eq!(
        sale.price_range_list[0].price.as_ref().unwrap().0.as_str(),
        "35.50"
    );
    assert_eq!(
        sale.price_range_list[1]
            .extra
            .get("startQuantity")
            .unwrap()
            .get(),
        "100"
    );
    assert_eq!(sale.amount_on_sale, Some(9800));
    assert!(sale.extra.contains_key("unitInfo"));
    let ship = d.product_shipping_info.as_ref().unwrap();
    assert_eq!(ship.weight.as_ref().unwrap().as_str(), "1.25");
    assert_eq!(ship.height.as_ref().unwrap().as_str(), "25.5");
    assert_eq!(
        ship.send_goods_address_text.as_deref(),
        Some("浙江省 金华市")
    );
    assert!(ship.extra.contains_key("shippingTimeGuarantee"));
    let attr = &d.product_attribute[0];
    assert_eq!(attr.attribute_name_trans.as_deref(), Some("Material"));
    assert_eq!(attr.value_trans.as_deref(), Some("stainless steel"));
    assert!(d.extra.is_empty(), "{:?}", d.extra);
}

/// TB-P8 as the Go client decodes it: `itemUrl`, and the SKU's `mpSkuId`
/// (an int64) that a cart add requires.
#[tokio::test]
async fn product_sku_mp_sku_id_feeds_the_cart_add() {
    let server = MockServer::start().await;
    let mut product = fixture_json("taobao-product-get.response.json")["data"].clone();
    product["itemUrl"] = json!("https://item.taobao.com/item.htm?id=672991141190");
    let sku = &mut product["skuList"][0];
    sku.as_object_mut().unwrap().remove("mpSkuld");
    sku["mpSkuId"] = json!(5123456789012345678u64);
    expect_one(
        &server,
        "GET",
        "/open/product/get",
        Sent::Query(&[("itemId", "672991141190")]),
        product,
    )
    .await;
    let c = client(&server);
    let p = c.taobao().product_get("672991141190").await.unwrap();
    assert_eq!(
        p.item_url.as_deref(),
        Some("https://item.taobao.com/item.htm?id=672991141190")
    );
    let sku = &p.sku_list[0];
    let mp_sku_id: Id = sku.mp_sku_id.clone().expect("mpSkuId");
    assert_eq!(mp_sku_id.as_str(), "5123456789012345678");
    // It is what a cart add takes.
    let request = CartAddRequest::builder()
        .mp_id(p.mp_id.clone().unwrap())
        .mp_sku_id(mp_sku_id)
        .build();
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body["mpSkuId"], "5123456789012345678");
}

/// The doc page's spelling, `mpSkuld`, lands in the same field.
#[test]
fn the_doc_typo_mp_skuld_lands_in_the_same_field() {
    let sku: xportcn::taobao::Sku =
        serde_json::from_str(r#"{"skuId":"1","mpSkuld":"4102384605127"}"#).unwrap();
    assert_eq!(sku.mp_sku_id.unwrap().as_str(), "4102384605127");
    assert!(sku.extra.is_empty());
}

/// The registry says which fields are client-evidenced, with the citation.
#[test]
fn response_fields_name_their_client_evidence() {
    let cases = [
        ("AL-P4", "offerId", "Hunghs1112/SaboApp"),
        ("AL-P4", "subjectTrans", "Hunghs1112/SaboApp"),
        ("AL-P5", "monthSold", "Hunghs1112/SaboApp"),
        ("AL-P5", "repurchaseRate", "Hunghs1112/SaboApp"),
        ("AL-P2", "sellerShopUrl", "app/productDetail.js"),
        ("AL-P2", "amountOnSale", "app/productDetail.js"),
        ("AL-P2", "sendGoodsAddressText", "app/productDetail.js"),
        (
            "TB-P8",
            "mpSkuId",
            "internal/dto/productDetails.go, 10f694d4",
        ),
        ("TB-P8", "itemUrl", "govshudov/taobao"),
        (
            "TB-P1",
            "mainImageUrl",
            "internal/dto/recommendedProducts.go",
        ),
    ];
    for (id, name, cite) in cases {
        let fields = endpoint::find(id).unwrap().response_fields();
        // A wire name may be typed in several models of one answer (the
        // SKU's `amountOnSale` too): the client-evidenced one is there.
        let f = fields
            .iter()
            .filter(|f| f.name == name)
            .find(|f| !matches!(f.evidence, FieldEvidence::Doc))
            .unwrap_or_else(|| panic!("{id}: no client-evidenced field {name}"));
        match f.evidence {
            FieldEvidence::Client(c) => assert!(c.contains(cite), "{id}.{name}: {c}"),
            other => panic!("{id}.{name}: {other:?}"),
        }
    }
    // A field typed from the doc page keeps that level.
    let fields = endpoint::find("TB-P8").unwrap().response_fields();
    let title = fields.iter().find(|f| f.name == "title").unwrap();
    assert_eq!(title.evidence, FieldEvidence::Doc);
    // A raw answer has no typed field.
    assert!(
        endpoint::find("TB-P5b")
            .unwrap()
            .response_fields()
            .is_empty()
    );
}
