use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, EndpointSpec, Evidence, Method};
use crate::types::{Extra, Id, lenient};

/// Request of AL-P2, 1688 product details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProductDetailRequest {
    /// The 1688 offer id (sent as a JSON integer, as the docs type it).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub offer_id: Id,
    /// Language of translated fields; the docs say "currently fixed to `en`".
    pub country: String,
    /// External member id (optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_member_id: Option<String>,
}

impl ProductDetailRequest {
    /// A request in English.
    pub fn new(offer_id: impl Into<Id>) -> Self {
        ProductDetailRequest {
            offer_id: offer_id.into(),
            country: "en".to_owned(),
            out_member_id: None,
        }
    }

    /// Sets the language of translated fields.
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = country.into();
        self
    }

    /// Sets the external member id.
    pub fn out_member_id(mut self, id: impl Into<String>) -> Self {
        self.out_member_id = Some(id.into());
        self
    }
}

impl Endpoint for ProductDetailRequest {
    type Response = ProductDetail;
    const SPEC: EndpointSpec = EndpointSpec::new(
        "AL-P2",
        Method::Post,
        "/alibaba/product/detail/get",
        Evidence::Verified {
            source: "https://doc-vnm.pandapon.com/project-4008853/api-147289688",
        },
        true,
    );
}

/// A 1688 product (the `data` of AL-P2).
///
/// Only the fields the docs' sample shows are typed; the rest of the
/// (long, partly undocumented) model is in `extra`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProductDetail {
    /// Offer id.
    #[serde(default)]
    pub offer_id: Option<Id>,
    /// Category id.
    #[serde(default)]
    pub category_id: Option<Id>,
    /// Category name (may be null).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category_name: Option<String>,
    /// Title in Chinese.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub subject: Option<String>,
    /// Translated title.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub subject_trans: Option<String>,
    /// Detail HTML.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    /// Fields not modelled above (images, SKUs, sale and shipping info ...).
    #[serde(flatten)]
    pub extra: Extra,
}
