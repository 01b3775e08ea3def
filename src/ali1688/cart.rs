//! 1688 shopping cart: list, add, delete, edit quantity, preview and create
//! an order from cart lines (AL-C1 … AL-C6).
//!
//! Cart lines are identified by their cart `id` ([`CartItem::id`]), which
//! [`Ali1688::cart_edit_quantity`], [`Ali1688::cart_preview_order`] and
//! [`Ali1688::cart_create_order`] take back. The paths of AL-C2 (add) and
//! AL-C3 (delete) are unknown: those writes fail before sending until the
//! path is set with
//! [`ClientBuilder::override_path`](crate::ClientBuilder::override_path).

use serde_json::value::RawValue;

use super::{Ali1688, DeliveryAddress};
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Id, Yuan, lenient};

// --- AL-C1 -------------------------------------------------------------------

/// The 1688 shopping cart: valid and invalid lines, grouped by seller.
///
/// The v2 path and schema are verified (lines carry the opaque `offerMapId`
/// and the shop its `sellerOpenId`). **The v1 path is guessed**
/// (`/alibaba/cart/list`, by the other v1 cart paths): as a read it is sent,
/// and a 404 there says the path was guessed; the v1 answer is INFERRED to
/// have the same shape.
#[endpoint(
    id = "AL-C1",
    method = GET,
    v1 = guessed("/alibaba/cart/list", "naming convention of the other v1 cart paths (/alibaba/cart/edit-quantity, /alibaba/cart/preview/order); no doc page shows it"),
    v2 = verified("/v2/alibaba/cart/list", "https://doc-cnv2.pandapon.com/api-288837580"),
    response = CartList,
    idempotent,
    handle = Ali1688,
    name = cart_list,
)]
#[derive(Default)]
pub struct CartListRequest {}

impl CartListRequest {
    /// The cart list takes no parameters.
    pub fn new() -> Self {
        CartListRequest {}
    }
}

/// The `data` of AL-C1 (`AlibabaCartV2VO`).
#[model]
pub struct CartList {
    /// Lines that can no longer be bought, by seller.
    pub disable_list: Vec<CartShop>,
    /// Lines that can be bought, by seller.
    pub enable_list: Vec<CartShop>,
}

/// A seller's lines in the cart (`CartShopItem`).
#[model]
pub struct CartShop {
    /// The seller's opaque id.
    pub seller_open_id: Option<String>,
    /// The seller's nick.
    pub seller_nick_name: Option<String>,
    /// The lines.
    pub cart_item_infos: Vec<CartItem>,
}

/// One cart line.
#[model]
pub struct CartItem {
    /// Cart line id: the `id` of [`CartEditQuantityRequest`] and the
    /// `cart_ids` of the preview and create calls (INFERRED).
    pub id: Option<Id>,
    /// The offer's opaque v2 id.
    pub offer_map_id: Option<Id>,
    /// Spec id.
    pub spec_id: Option<String>,
    /// SKU id.
    pub sku_id: Option<Id>,
    /// Title.
    pub item_title: Option<String>,
    /// Image URL.
    pub item_pic: Option<String>,
    /// Unit price in yuan.
    pub price: Option<Yuan>,
    /// Quantity in the cart.
    pub quantity: Option<i64>,
    /// Quantity on sale.
    pub amount_on_sale: Option<i64>,
    /// Sale properties, as sent (INFERRED: JSON text).
    pub properties: Option<String>,
}

// --- AL-C2 -------------------------------------------------------------------

/// Adds an offer to the 1688 shopping cart.
///
/// **Path unknown** (the navigation shows `POST` only): a write, so it fails
/// before sending until the path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("AL-C2", ..)`.
/// **Schema unknown**: the typed fields are INFERRED from the 1688 order
/// preview's cargo (`offerId`, `specId`, `quantity` in v1; `offerMapId` in
/// v2); set the one your generation uses and put anything else in `other`.
/// The answer is kept as raw JSON.
#[endpoint(
    id = "AL-C2",
    method = POST,
    response = Option<Box<RawValue>>,
    write,
    handle = Ali1688,
    name = cart_add,
    open,
)]
pub struct CartAddRequest {
    /// v1 numeric offer id (sent as a JSON integer). Wire name INFERRED.
    #[serde(serialize_with = "crate::types::lenient::opt_id_as_number")]
    pub offer_id: Option<Id>,
    /// v2 opaque offer id. Wire name INFERRED.
    pub offer_map_id: Option<Id>,
    /// Spec (SKU) id. Wire name INFERRED.
    pub spec_id: Option<String>,
    /// Quantity to add. Wire name INFERRED.
    pub quantity: i64,
}

// --- AL-C3 -------------------------------------------------------------------

/// Deletes lines from the 1688 shopping cart.
///
/// **Path unknown** (the navigation shows `POST` only): a write, so it fails
/// before sending until the path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("AL-C3", ..)`.
/// **Schema unknown**: `cart_ids` (wire name INFERRED from the preview and
/// create calls, which take the cart lines as `cartIds`) is the parameter
/// the endpoint evidently needs; put anything else in `other`. The answer is
/// kept as raw JSON.
#[endpoint(
    id = "AL-C3",
    method = POST,
    response = Option<Box<RawValue>>,
    write,
    handle = Ali1688,
    name = cart_delete,
    open,
)]
pub struct CartDeleteRequest {
    /// The cart lines to delete ([`CartItem::id`], sent as JSON integers).
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub cart_ids: Vec<Id>,
}

// --- AL-C4 -------------------------------------------------------------------

/// Changes the quantity of a 1688 cart line; answers whether it changed.
///
/// The page marks no field required; `id` and `quantity` are evidently
/// needed. The page's `updateTime` (a serialized Java `Calendar` object) is
/// left out: INFERRED to be set by the server.
#[endpoint(
    id = "AL-C4",
    method = POST,
    v1 = verified("/alibaba/cart/edit-quantity", "https://doc.pandapon.com/api-250313129"),
    v2 = derived("/v2/alibaba/cart/edit-quantity"),
    response = Option<bool>,
    write,
    handle = Ali1688,
    name = cart_edit_quantity,
)]
pub struct CartEditQuantityRequest {
    /// The cart line ([`CartItem::id`], sent as a JSON integer).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub id: Id,
    /// The new quantity.
    pub quantity: i64,
    /// Product number.
    pub product_no: Option<String>,
    /// Container number.
    pub container: Option<String>,
}

// --- AL-C5 -------------------------------------------------------------------

/// Previews the 1688 order that cart lines would make (prices, freight),
/// before [`Ali1688::cart_create_order`].
///
/// The response's `data` is not shown on the page (cut): kept as raw JSON.
#[endpoint(
    id = "AL-C5",
    method = POST,
    v1 = verified("/alibaba/cart/preview/order", "https://doc.pandapon.com/api-250313128"),
    v2 = derived("/v2/alibaba/cart/preview/order"),
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = cart_preview_order,
)]
pub struct CartPreviewOrderRequest {
    /// Delivery address (optional on the zh page, required on the vi one).
    pub address_param: DeliveryAddress,
    /// The cart lines ([`CartItem::id`], sent as JSON integers).
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub cart_ids: Vec<Id>,
}

// --- AL-C6 -------------------------------------------------------------------

/// Creates a 1688 order from cart lines.
///
/// The response's `data` is not shown on the page: kept as raw JSON
/// (`None` when the server sends none, so a success never reads as an
/// error).
#[endpoint(
    id = "AL-C6",
    method = POST,
    v1 = verified("/alibaba/cart/create/order", "https://doc-en.pandapon.com/api-263477662"),
    v2 = derived("/v2/alibaba/cart/create/order"),
    response = Option<Box<RawValue>>,
    write,
    handle = Ali1688,
    name = cart_create_order,
)]
pub struct CartCreateOrderRequest {
    /// Order flow (values not documented here; other 1688 examples use
    /// `general` and `fenxiaonew`).
    pub flow: String,
    /// Order remark.
    pub message: Option<String>,
    /// Shop promotion id.
    pub shop_promotion_id: Option<String>,
    /// Trade type.
    pub trade_type: Option<String>,
    /// Delivery address.
    pub address_param: DeliveryAddress,
    /// The cart lines ([`CartItem::id`], sent as JSON integers).
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub cart_ids: Vec<Id>,
    /// User id.
    pub user_id: Option<String>,
    /// Employee name.
    pub staff_name: Option<String>,
}
