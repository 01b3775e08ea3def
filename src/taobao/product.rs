use super::Taobao;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Id;

/// Query product by Taobao product ID: one item with its SKUs.
///
/// In the v2 generation the same path takes an opaque `itemId`.
#[endpoint(
    id = "TB-P8",
    method = GET,
    v1 = verified("/open/product/get", "https://doc-vnm.pandapon.com/api-250496531"),
    v2 = derived("/v2/taobao/product/get"),
    response = Product,
    idempotent,
    handle = Taobao,
    name = product_get,
    args(item_id),
)]
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

/// A Taobao product (the `data` of TB-P8).
///
/// Fields follow the development manual's sample; amounts are integers as
/// sent (unit not documented: INFERRED fen). Fields the SDK does not model
/// are in `extra`.
#[model]
pub struct Product {
    /// Item id (a JSON number in the sample).
    pub item_id: Option<Id>,
    /// Title (Chinese).
    pub title: Option<String>,
    /// Price (integer, unit INFERRED fen).
    pub price: Option<i64>,
    /// Promotion price (a number here, a string on SKUs).
    pub promotion_price: Option<i64>,
    /// Stock.
    pub quantity: Option<i64>,
    /// Minimum order amount.
    pub begin_amount: Option<i64>,
    /// Category id (a string in the sample, a number elsewhere).
    pub category_id: Option<String>,
    /// Category name.
    pub category_name: Option<String>,
    /// Category path, `->`-separated.
    pub category_path: Option<String>,
    /// Detail HTML.
    pub description: Option<String>,
    /// Item type, e.g. `HAVE_MATERIAL`.
    pub item_type: Option<String>,
    /// Platform-internal product id.
    pub mp_id: Option<String>,
    /// Image URLs.
    pub pic_urls: Vec<String>,
    /// Unit name (may be null).
    pub product_unit: Option<String>,
    /// Shop id.
    pub shop_id: Option<Id>,
    /// Shop name.
    pub shop_name: Option<String>,
    /// Seller nick.
    pub user_nick: Option<String>,
    /// Status, e.g. `active`.
    pub status: Option<String>,
    /// SKUs.
    pub sku_list: Vec<Sku>,
    /// The item's page URL.
    #[model(client = "govshudov/taobao, internal/dto/productDetails.go, 10f694d4")]
    pub item_url: Option<String>,
}

/// One SKU of a [`Product`].
#[model]
pub struct Sku {
    /// SKU id (a string in the sample).
    pub sku_id: Option<Id>,
    /// Image URL.
    pub pic_url: Option<String>,
    /// Stock.
    pub quantity: Option<i64>,
    /// Price.
    pub price: Option<i64>,
    /// Promotion price (a string in the sample).
    pub promotion_price: Option<i64>,
    /// Domestic postage.
    pub post_fee: Option<i64>,
    /// Status, e.g. `active`.
    pub status: Option<String>,
    /// Sale properties (colour, size ...).
    pub properties: Vec<SkuProperty>,
    /// The platform's SKU id: the `mp_sku_id` a
    /// [`CartAddRequest`](super::CartAddRequest) requires. The public client
    /// decodes `mpSkuId` (an int64); the doc page spells it `mpSkuld` (a
    /// typo, null in its sample): both land here.
    #[model(client = "govshudov/taobao, internal/dto/productDetails.go, 10f694d4")]
    #[model(alias = "mpSkuld")]
    pub mp_sku_id: Option<Id>,
}

/// A sale property of a [`Sku`], e.g. colour = red.
#[model]
pub struct SkuProperty {
    /// Property id.
    pub prop_id: Option<Id>,
    /// Property name.
    pub prop_name: Option<String>,
    /// Value id.
    pub value_id: Option<Id>,
    /// Value name.
    pub value_name: Option<String>,
}
