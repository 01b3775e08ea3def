//! Taobao purchase orders: Xportcn's seven "purchase order" endpoints
//! (TB-O1 to TB-O7), of which render (TB-O4) and create (TB-O7) are the
//! PandaPon pages `POST /open/order/render` and `POST /open/order`.
//!
//! Money is integer fen ([`Fen`]). The order lines and the receiver travel
//! as JSON inside strings; here they are typed ([`RenderLine`],
//! [`OrderLine`], [`PurchaseReceiver`]) and written exactly as the docs' examples:
//! render lines carry `itemId`/`skuId` as JSON **numbers** (beyond 2^53,
//! written digit for digit), create lines carry every value as a **string**.

use std::fmt::Display;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::Taobao;
use crate::endpoint::endpoint;
use crate::types::{Fen, Id};

/// Purchase order page list (Xportcn): request and response schema unknown.
///
/// The key-account status-flow page
/// (<https://doc-en-ka.xportcn.com/doc-8873281>) names the endpoint
/// `/open/purchase/page`, its items `TaoBaoOrderVO` with sub-orders
/// `SubOrderDetailVO2`, and their status codes (0 wait buyer pay, 1 voucher
/// uploaded, 2 finance passed, 3 finance refused, 4 cancelled, 5 wait finance
/// pay, 9 other, 10 wait seller send goods, 11 wait buyer confirm, 12
/// building); the method is POST per the nav (KA "TaoBaoOrderList"). Its
/// page, total and item field names are not documented, so it is not
/// declared as a page stream: filters and page fields go in `other`, and
/// the answer is kept raw. No v2 path is known.
#[endpoint(
    id = "TB-O1",
    method = POST,
    v1 = verified("/open/purchase/page", "https://doc-en-ka.xportcn.com/doc-8873281"),
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = purchase_order_page,
    open,
)]
pub struct PurchaseOrderPageRequest {}

/// Purchase order cancel (Xportcn): path and schema unknown.
///
/// Nav only (POST). `/open/purchase/cancel` was searched and not found; no
/// path is declared, so the call fails before sending until one is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O2"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-O2",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = purchase_order_cancel,
    open,
)]
pub struct PurchaseOrderCancelRequest {}

/// Purchase order pay (Xportcn): path and schema unknown.
///
/// Nav only (POST). No path is declared: the call fails before sending (no
/// payment is ever sent on a guess) until one is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O3"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-O3",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = purchase_order_pay,
    open,
)]
pub struct PurchaseOrderPayRequest {}

/// Purchase order render: previews an order before creating it (response kept raw).
///
/// v1 verified on the PandaPon page "Render trước khi tạo lệnh" (render
/// before creating an order, <https://doc-vnm.pandapon.com/api-250496540>).
/// Mapped to Xportcn's "purchase order render" (TB-O4) rather than "render
/// v2" (TB-O6): the page is the first-generation one (INFERRED). No v2
/// edition lists a render, so no v2 path. The page shows the request only:
/// the answer is kept raw.
#[endpoint(
    id = "TB-O4",
    method = POST,
    v1 = verified("/open/order/render", "https://doc-vnm.pandapon.com/api-250496540"),
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = purchase_order_render,
)]
pub struct PurchaseOrderRenderRequest {
    /// The lines, sent as the JSON string `orderLineList`
    /// (`[{"itemId":600120680003951077,"quantity":"1","skuId":4951323355633}]`).
    #[serde(serialize_with = "crate::model::json_string")]
    pub order_line_list: Vec<RenderLine>,
    /// The receiver, sent as the JSON string `receiver`.
    #[serde(serialize_with = "crate::model::json_string")]
    pub receiver: PurchaseReceiver,
}

/// A line of a [`PurchaseOrderRenderRequest`].
///
/// As the docs' example writes it: `itemId` and `skuId` as JSON numbers
/// (written digit for digit, never through a float; an id that is not all
/// digits is written as a string), `quantity` as a string.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(Id, into))]
#[non_exhaustive]
pub struct RenderLine {
    /// Taobao item id, e.g. `600120680003951077`.
    #[serde(serialize_with = "crate::types::lenient::id_as_number")]
    pub item_id: Id,
    /// Quantity (sent as a string).
    #[serde(serialize_with = "as_string")]
    pub quantity: u32,
    /// SKU id, e.g. `4951323355633`; left out when unset.
    #[serde(serialize_with = "crate::types::lenient::opt_id_as_number")]
    pub sku_id: Option<Id>,
}

/// Purchase order create V2 (Xportcn): path and schema unknown.
///
/// Nav only (POST). `/open/purchase/create` was searched and not found; no
/// path is declared, so the call fails before sending until one is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O5"`). Parameters go in `other`; the answer is kept raw. The
/// documented create is [`Taobao::purchase_order_create`] (TB-O7).
#[endpoint(
    id = "TB-O5",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = purchase_order_create_v2,
    open,
)]
pub struct PurchaseOrderCreateV2Request {}

/// Purchase order render v2 (Xportcn): path and schema unknown.
///
/// Nav only (POST). The one render page found (`/open/order/render`) is
/// mapped to TB-O4; this one has no path, so the call fails before sending
/// until one is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O6"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-O6",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = purchase_order_render_v2,
    open,
)]
pub struct PurchaseOrderRenderV2Request {}

/// Purchase order create: a Taobao order from lines, a receiver and a budget in fen.
///
/// Xportcn "purchase order create", PandaPon "Create an order"; the response
/// schema is unknown (kept raw).
///
/// v1 verified (<https://doc-vnm.pandapon.com/api-250496533>, also
/// <https://doc-en.pandapon.com/api-263477610>); v2 derived (the v2 nav lists
/// "Taobao Order Creation", POST, without its path). The mapping of the
/// Xportcn title to this page is INFERRED. The page shows the request only:
/// the answer is kept raw. `sellerOrderNumber` is not documented as an
/// idempotency key: this write is sent once.
#[endpoint(
    id = "TB-O7",
    method = POST,
    v1 = verified("/open/order", "https://doc-vnm.pandapon.com/api-250496533"),
    v2 = derived("/v2/taobao/order"),
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = purchase_order_create,
)]
pub struct PurchaseOrderCreateRequest {
    /// The lines, sent as the JSON string `orderLineList` (every value a
    /// string).
    #[serde(serialize_with = "crate::model::json_string")]
    pub order_line_list: Vec<OrderLine>,
    /// The buyer's e-commerce platform, e.g. `lazada`.
    pub order_source: Option<String>,
    /// Budget in fen (预算金额(分)), e.g. `Fen(400)`.
    pub purchase_amount: Fen,
    /// The receiver, sent as the JSON string `receiver`.
    #[serde(serialize_with = "crate::model::json_string")]
    pub receiver: PurchaseReceiver,
    /// The order number on the buyer's platform.
    pub seller_order_number: Option<String>,
}

/// A line of a [`PurchaseOrderCreateRequest`]; every value is sent as a
/// string, as in the docs' example.
///
/// The unit of `price` is not stated; it is fen (INFERRED: in the docs'
/// example two lines of 200 at price `"1"` make the `purchaseAmount` of 400
/// fen).
#[derive(Debug, Clone, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(Id, into))]
#[non_exhaustive]
pub struct OrderLine {
    /// Taobao item id, e.g. `600126245031041190`.
    pub item_id: Id,
    /// Line number (`"1"` in both lines of the docs' example).
    #[builder(into)]
    pub order_line_no: String,
    /// Quantity.
    #[serde(serialize_with = "as_string")]
    pub quantity: u32,
    /// Unit price in fen (INFERRED unit), sent as a string.
    #[serde(serialize_with = "fen_as_string")]
    pub price: Fen,
    /// Currency, `CNY` in the docs' example.
    #[builder(into)]
    pub currency: String,
    /// SKU id, e.g. `5016042822039`.
    pub sku_id: Id,
}

/// The receiver of an order (render and create), sent as JSON inside the
/// `receiver` string with the docs' keys (`mobile_phone` in snake_case).
///
/// `zip` and `phone` are sent as `""` when unset (the docs' example sends
/// an empty `phone`).
#[derive(Debug, Clone, PartialEq, Serialize, bon::Builder)]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct PurchaseReceiver {
    /// Postal code.
    #[builder(default)]
    pub zip: String,
    /// Country, e.g. `中国`.
    pub country: String,
    /// Street address.
    pub address: String,
    /// City, e.g. `杭州市`.
    pub city: String,
    /// Landline (may be empty).
    #[builder(default)]
    pub phone: String,
    /// Mobile phone.
    pub mobile_phone: String,
    /// District, e.g. `余杭区`.
    pub district: String,
    /// Name.
    pub name: String,
    /// Province or state, e.g. `浙江省`.
    pub state: String,
}

/// Writes a number as a JSON string (`"200"`).
fn as_string<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Writes fen as a JSON string of the integer (`"1"`).
fn fen_as_string<S: Serializer>(v: &Fen, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&v.0)
}
