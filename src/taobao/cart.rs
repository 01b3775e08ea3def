//! Taobao shopping cart: list (TB-C1), add (TB-C2), delete (TB-C3), edit
//! quantity (TB-C4), order preview (TB-C5) and create order (TB-C6).
//!
//! Only add and create order are documented; the other paths are unknown and
//! fail before sending unless set with
//! [`ClientBuilder::override_path`](crate::ClientBuilder::override_path).
//! No cart response schema is documented: `data` is returned as raw JSON.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::Taobao;
use super::product::SkuProperty;
use crate::endpoint::{Generation, endpoint};
use crate::types::{Decimal, Fen, Id};

/// Shopping cart list: the items in the cart.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-C1", ..)`. The
/// request takes no documented parameter (INFERRED none, as the 1688 cart
/// list); response schema unknown (raw JSON).
#[endpoint(
    id = "TB-C1",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = cart_list,
    open,
)]
pub struct CartListRequest {}

/// Add to shopping cart: puts a SKU of a Taobao item in the cart.
///
/// The two generations differ: v1 takes the numeric `itemId` (`item_id`),
/// v2 the opaque `itemMapId` (`item_map_id`) and adds `aliShopId`,
/// `priceRanges` and `quoteType`. A request that does not fit the client's
/// generation is refused before sending. The response is not documented (raw
/// JSON).
#[endpoint(
    id = "TB-C2",
    method = POST,
    v1 = verified("/open/cart/add", "https://doc.pandapon.com/api-250313100"),
    v2 = verified("/v2/taobao/cart/add", "https://doc-env2.pandapon.com/api-289121002"),
    response = Box<RawValue>,
    write,
    generation_check = fits_generation,
    handle = Taobao,
    name = cart_add,
)]
pub struct CartAddRequest {
    /// Platform user id (`平台userId`).
    pub user_id: Option<String>,
    /// Platform code (docs' example: 1).
    pub platform: Option<i32>,
    /// Item id, a JSON integer on the wire. **v1 only** (v2 takes
    /// `item_map_id`).
    #[serde(serialize_with = "crate::types::lenient::opt_id_as_number")]
    pub item_id: Option<Id>,
    /// Opaque item id. **v2 only** (replaces `item_id`).
    pub item_map_id: Option<Id>,
    /// SKU id.
    pub sku_id: Option<Id>,
    /// Item title.
    pub item_title: Option<String>,
    /// Item image URL.
    pub item_pic: Option<String>,
    /// Platform product id (required).
    pub mp_id: Id,
    /// Platform SKU id (required).
    pub mp_sku_id: Id,
    /// Item price, integer fen.
    pub price: Option<Fen>,
    /// Price after discount, integer fen.
    pub promotion_price: Option<Fen>,
    /// SKU properties, sent as the JSON-in-a-string the platform takes.
    #[serde(serialize_with = "crate::model::json_string")]
    pub properties: Option<Vec<CartSkuProperty>>,
    /// Quantity.
    pub quantity: Option<u32>,
    /// Shop id, a JSON integer on the wire.
    #[serde(serialize_with = "crate::types::lenient::opt_id_as_number")]
    pub shop_id: Option<Id>,
    /// Shop id of the v2 generation (a string). **v2 only**.
    pub ali_shop_id: Option<String>,
    /// Shop name.
    pub shop_name: Option<String>,
    /// SKU stock, sent as a string as documented.
    pub sku_quantity: Option<String>,
    /// Seller nick.
    pub user_nick: Option<String>,
    /// Wholesale price tiers. **v2 only**.
    pub price_ranges: Option<Vec<PriceRange>>,
    /// Quote type code. **v2 only**.
    pub quote_type: Option<i32>,
}

impl CartAddRequest {
    /// Refuses v1's numeric `itemId` on v2 and v2-only fields on v1.
    fn fits_generation(&self, generation: Generation) -> Result<(), String> {
        match generation {
            Generation::V1 => {
                let v2_only = [
                    ("item_map_id", self.item_map_id.is_some()),
                    ("ali_shop_id", self.ali_shop_id.is_some()),
                    ("price_ranges", self.price_ranges.is_some()),
                    ("quote_type", self.quote_type.is_some()),
                ];
                match v2_only.iter().find(|(_, set)| *set) {
                    Some((name, _)) => Err(format!(
                        "`{name}` exists only in v2; v1 takes the numeric `item_id`"
                    )),
                    None => Ok(()),
                }
            }
            _ => {
                if self.item_id.is_some() {
                    Err("v2 takes the opaque `item_map_id`, not the numeric `item_id`".to_owned())
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// A SKU property of a cart item, e.g. colour = yellow; ids are JSON integers
/// inside the `properties` string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct CartSkuProperty {
    /// Value id, e.g. `28324`.
    #[serde(serialize_with = "crate::types::lenient::id_as_number")]
    #[builder(into)]
    pub value_id: Id,
    /// Value name, e.g. `黄色`.
    pub value_name: String,
    /// Property id, e.g. `1627207`.
    #[serde(serialize_with = "crate::types::lenient::id_as_number")]
    #[builder(into)]
    pub prop_id: Id,
    /// Property name, e.g. `颜色分类`.
    pub prop_name: String,
}

impl CartSkuProperty {
    /// The cart form of a product's SKU property (from
    /// [`Taobao::product_get`]); `None` when a field is missing.
    pub fn from_sku_property(p: &SkuProperty) -> Option<Self> {
        Some(CartSkuProperty {
            value_id: p.value_id.clone()?,
            value_name: p.value_name.clone()?,
            prop_id: p.prop_id.clone()?,
            prop_name: p.prop_name.clone()?,
        })
    }
}

/// A wholesale price tier (v2 `PriceRange`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PriceRange {
    /// Smallest quantity of the tier (`起批量`).
    pub start_quantity: Option<i64>,
    /// Wholesale price of the tier (`批发价`), a JSON number on the wire;
    /// the docs do not state its unit.
    #[serde(serialize_with = "opt_decimal_as_number")]
    pub price: Option<Decimal>,
}

/// Delete shopping cart items.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-C3", ..)`.
/// **Request INFERRED**: cart record ids under the name create order (TB-C6)
/// uses; set anything else through `other`. Response schema unknown (raw
/// JSON).
#[endpoint(
    id = "TB-C3",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = cart_delete,
    open,
)]
pub struct CartDeleteRequest {
    /// Cart record ids, JSON integers on the wire.
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub ids: Vec<Id>,
}

/// Edit the quantity of a shopping cart item.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-C4", ..)`.
/// **Request INFERRED** from the 1688 twin (`id`, `quantity`); set anything
/// else through `other`. Response schema unknown (raw JSON).
#[endpoint(
    id = "TB-C4",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = cart_edit_quantity,
    open,
)]
pub struct CartEditQuantityRequest {
    /// Cart record id, a JSON integer on the wire.
    #[serde(serialize_with = "crate::types::lenient::id_as_number")]
    pub id: Id,
    /// New quantity.
    pub quantity: u32,
}

/// Generate an order preview from shopping cart items (prices, postage)
/// before creating the order.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-C5", ..)`.
/// **Request INFERRED**: the body of create order (TB-C6); set anything else
/// through `other`. Response schema unknown (raw JSON).
#[endpoint(
    id = "TB-C5",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = cart_preview_order,
    open,
)]
pub struct CartPreviewOrderRequest {
    /// Cart record ids, JSON integers on the wire.
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub ids: Vec<Id>,
    /// Delivery address.
    pub order_address: Option<OrderAddress>,
    /// Platform user id.
    pub user_id: Option<String>,
}

/// Create an order from shopping cart items.
///
/// The v2 path is the section rule's twin of the documented v1 path (not
/// seen). The docs cut the response in the envelope: `data` is raw JSON.
#[endpoint(
    id = "TB-C6",
    method = POST,
    v1 = verified("/open/cart/create/order", "https://doc.pandapon.com/api-250313096"),
    v2 = derived("/v2/taobao/cart/create/order"),
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = cart_create_order,
)]
pub struct CartCreateOrderRequest {
    /// Cart record ids (`购物车记录id`), JSON integers on the wire, e.g.
    /// `[75, 76]`.
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    pub ids: Vec<Id>,
    /// Delivery address (`创建订单地址`).
    pub order_address: OrderAddress,
    /// Platform user id.
    pub user_id: Option<String>,
}

/// A delivery address of a cart order (`OrderAddress`). Every field is
/// optional in the docs; `mobile_phone` is snake_case on the wire.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, bon::Builder)]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct OrderAddress {
    /// Postcode (`邮编`).
    pub zip: Option<String>,
    /// Country (`国家`), e.g. `中国`.
    pub country: Option<String>,
    /// Province (`省份`), e.g. `浙江省`.
    pub state: Option<String>,
    /// City, e.g. `杭州市`.
    pub city: Option<String>,
    /// District, e.g. `余杭区`.
    pub district: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Mobile phone (wire name `mobile_phone`).
    pub mobile_phone: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Receiver's name (`收件人`).
    pub name: Option<String>,
}

/// A decimal as a JSON number (the docs type the field `number`).
fn opt_decimal_as_number<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_none(),
        Some(d) => match d.to_f64() {
            Some(f) => s.serialize_f64(f),
            None => Err(serde::ser::Error::custom(format_args!(
                "{:?} is not a number",
                d.as_str()
            ))),
        },
    }
}
