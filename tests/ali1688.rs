//! AL-P2, 1688 product details, end to end.
mod common;

use common::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::ali1688::ProductDetailRequest;

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
                       "productSkuInfos":[{"skuId":5011111111111,"price":"1.20"}]}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let d = client(&server)
        .ali1688()
        .product_detail_with(
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
    let skus: serde_json::Value = d.extra.get_as("productSkuInfos").unwrap().unwrap();
    assert_eq!(skus[0]["price"], "1.20");
}
