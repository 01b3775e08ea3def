use super::Ali1688;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Id, lenient};

/// 1688 product details: title, images, SKUs, prices and shipping of one
/// offer, with translated fields.
#[endpoint(
    id = "AL-P2",
    method = POST,
    v1 = verified(
        "/alibaba/product/detail/get",
        "https://doc-vnm.pandapon.com/project-4008853/api-147289688"
    ),
    response = ProductDetail,
    idempotent,
    handle = Ali1688,
    via = ali1688,
    name = product_detail_with,
)]
pub struct ProductDetailRequest {
    /// The 1688 offer id (sent as a JSON integer, as the docs type it).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub offer_id: Id,
    /// Language of translated fields; the docs say "currently fixed to `en`".
    #[builder(default = "en".to_owned())]
    pub country: String,
    /// External member id (optional).
    pub out_member_id: Option<String>,
}

impl ProductDetailRequest {
    /// A request in English.
    pub fn new(offer_id: impl Into<Id>) -> Self {
        ProductDetailRequest::builder().offer_id(offer_id).build()
    }
}

/// A 1688 product (the `data` of AL-P2).
///
/// Only the fields the docs' sample shows are typed; the rest of the
/// (long, partly undocumented) model is in `extra`.
#[model]
pub struct ProductDetail {
    /// Offer id.
    pub offer_id: Option<Id>,
    /// Category id.
    pub category_id: Option<Id>,
    /// Category name (may be null).
    pub category_name: Option<String>,
    /// Title in Chinese.
    pub subject: Option<String>,
    /// Translated title.
    pub subject_trans: Option<String>,
    /// Detail HTML.
    pub description: Option<String>,
}
