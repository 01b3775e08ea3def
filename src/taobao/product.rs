use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, EndpointSpec, Evidence, Method};
use crate::types::{Extra, Id, lenient};

/// Request of TB-P8, query product by Taobao product ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProductGetRequest {
    /// The Taobao item id, e.g. `672991141190`.
    pub item_id: Id,
}

impl ProductGetRequest {
    /// A request for one item.
    pub fn new(item_id: impl Into<Id>) -> Self {
        ProductGetRequest {
            item_id: item_id.into(),
        }
    }
}

impl Endpoint for ProductGetRequest {
    type Response = Product;
    const SPEC: EndpointSpec = EndpointSpec::new(
        "TB-P8",
        Method::Get,
        "/open/product/get",
        Evidence::Verified {
            source: "https://doc-vnm.pandapon.com/api-250496531",
        },
        true,
    );
}

/// A Taobao product (the `data` of TB-P8).
///
/// Fields follow the development manual's sample; amounts are integers as
/// sent (unit not documented: INFERRED fen). Fields the SDK does not model
/// are in `extra`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Product {
    /// Item id (a JSON number in the sample).
    #[serde(default)]
    pub item_id: Option<Id>,
    /// Title (Chinese).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    /// Price (integer, unit INFERRED fen).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub price: Option<i64>,
    /// Promotion price (a number here, a string on SKUs).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub promotion_price: Option<i64>,
    /// Stock.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub quantity: Option<i64>,
    /// Minimum order amount.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub begin_amount: Option<i64>,
    /// Category id (a string in the sample, a number elsewhere).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category_id: Option<String>,
    /// Category name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category_name: Option<String>,
    /// Category path, `->`-separated.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub category_path: Option<String>,
    /// Detail HTML.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub description: Option<String>,
    /// Item type, e.g. `HAVE_MATERIAL`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub item_type: Option<String>,
    /// Platform-internal product id.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub mp_id: Option<String>,
    /// Image URLs.
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub pic_urls: Vec<String>,
    /// Unit name (may be null).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub product_unit: Option<String>,
    /// Shop id.
    #[serde(default)]
    pub shop_id: Option<Id>,
    /// Shop name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub shop_name: Option<String>,
    /// Seller nick.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_nick: Option<String>,
    /// Status, e.g. `active`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// SKUs.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub sku_list: Vec<Sku>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One SKU of a [`Product`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Sku {
    /// SKU id (a string in the sample).
    #[serde(default)]
    pub sku_id: Option<Id>,
    /// Image URL.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub pic_url: Option<String>,
    /// Stock.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub quantity: Option<i64>,
    /// Price.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub price: Option<i64>,
    /// Promotion price (a string in the sample).
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub promotion_price: Option<i64>,
    /// Domestic postage.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub post_fee: Option<i64>,
    /// Status, e.g. `active`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    /// Sale properties (colour, size ...).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub properties: Vec<SkuProperty>,
    /// Fields not modelled above (the sample's `mpSkuld` typo lands here).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A sale property of a [`Sku`], e.g. colour = red.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SkuProperty {
    /// Property id.
    #[serde(default)]
    pub prop_id: Option<Id>,
    /// Property name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub prop_name: Option<String>,
    /// Value id.
    #[serde(default)]
    pub value_id: Option<Id>,
    /// Value name.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub value_name: Option<String>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}
