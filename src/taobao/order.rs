//! Taobao orders after creation: list, payment voucher, cancel, pre-warehouse,
//! pay, IM link, details and logistics (TB-O8 to TB-O15). Creation and
//! rendering are in [`purchase`](super::purchase).

use serde_json::value::RawValue;

use super::Taobao;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Id, Timestamp};

/// Query the Taobao order list by page: path and schema unknown.
///
/// The v1 navs say GET, the v2 navs POST ("Taobao order paging query");
/// declared GET (v1). No page shows a path, a field or the page/total field
/// names, so it is neither sendable nor a page stream until a path is set
/// with [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O8"`; for the v2 POST, call it with
/// [`Client::raw`](crate::Client::raw)). Filters go in `other` (the query
/// string); the answer is kept raw.
#[endpoint(
    id = "TB-O8",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = order_page,
    open,
)]
pub struct OrderPageRequest {}

/// Upload the payment voucher of an order: path and schema unknown.
///
/// v1 nav only (POST, <https://doc-en.pandapon.com/api-263477612> holds the
/// nav only); the v2 navs do not list it. It moves an order from status 0
/// (wait buyer pay) to 1 (voucher uploaded) (INFERRED). The call fails
/// before sending until a path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O9"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-O9",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = order_voucher_upload,
    open,
)]
pub struct OrderVoucherUploadRequest {}

/// Cancel a Taobao order: path and schema unknown.
///
/// Every nav lists it (POST); no page shows its path (`/open/order/cancel`
/// was searched and not found). The call fails before sending until a path
/// is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O10"`). Parameters go in `other`; the answer is kept raw.
#[endpoint(
    id = "TB-O10",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = order_cancel,
    open,
)]
pub struct OrderCancelRequest {}

/// Modify the pre-warehouse (前置仓) information of an order.
///
/// v1 verified (<https://doc-en.pandapon.com/api-263477614>); v2 derived (the
/// v2 nav lists "Modify the pre warehouse information of an order", POST,
/// without its path). The page marks no field required; the order id is.
#[endpoint(
    id = "TB-O11",
    method = POST,
    v1 = verified("/open/order/updateWarehouse", "https://doc-en.pandapon.com/api-263477614"),
    v2 = derived("/v2/taobao/order/updateWarehouse"),
    response = WarehouseUpdate,
    write,
    handle = Taobao,
    name = order_update_warehouse,
)]
pub struct OrderUpdateWarehouseRequest {
    /// Order id, e.g. `1024285237573584051` (sent as a string).
    pub order_id: Id,
    /// Pre-warehouse address (前置仓地址), e.g. `广西省`.
    pub warehouse_address: Option<String>,
    /// Pre-warehouse name (前置仓名称), e.g. `一号仓库`.
    pub warehouse_name: Option<String>,
}

/// The `data` of TB-O11: an object whose fields the docs do not show (all
/// in `extra`).
#[model]
pub struct WarehouseUpdate {}

/// Pay a Taobao order: path and schema unknown.
///
/// Every nav lists it (POST); no page shows its path. No path is declared,
/// so the call fails before sending (no payment is sent on a guess) until one
/// is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O12"`). Parameters go in `other`; the answer is kept raw. (The 1688
/// payment, a GET, is a different shape.)
#[endpoint(
    id = "TB-O12",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Taobao,
    name = order_pay,
    open,
)]
pub struct OrderPayRequest {}

/// Get an IM link: the URL of a chat with the seller about an item or order.
///
/// v1 verified (<https://doc-en.pandapon.com/api-263477616>); v2 derived (the
/// v2 nav lists "Get IM Link", POST, without its path). The page's schema
/// (`loginName`, `password`, `pageName`, `pageParamMap`) contradicts its
/// example body, `{"sourceType":"item","bizId":"234576234"}`, which is what
/// the SDK sends (INFERRED the real one: the schema's own example value of
/// `loginName` is such an object); the schema's fields can be added through
/// `other`. A read (nothing changes).
#[endpoint(
    id = "TB-O13",
    method = POST,
    v1 = verified("/open/order/page/link/get", "https://doc-en.pandapon.com/api-263477616"),
    v2 = derived("/v2/taobao/order/page/link/get"),
    response = String,
    idempotent,
    handle = Taobao,
    name = im_link_get,
    open,
)]
pub struct ImLinkGetRequest {
    /// What the chat is about, e.g. `item`.
    pub source_type: String,
    /// Id of that item (or order), e.g. `234576234`.
    pub biz_id: Id,
}

/// Get a Taobao order's details by its id: path and schema unknown.
///
/// Every nav lists it (GET; <https://doc-en.pandapon.com/api-263477617>
/// holds the nav only); `/open/order/detail` and `/open/order/detail/get`
/// were searched and not found. The call fails before sending until a path
/// is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
/// (`"TB-O14"`). The query parameters go in `other` (the id's name is not
/// documented); the answer (INFERRED a `TaoBaoOrderVO`) is kept raw.
#[endpoint(
    id = "TB-O14",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Taobao,
    name = order_detail,
    open,
)]
pub struct OrderDetailRequest {}

/// Get the logistics details of a purchase sub-order: parcels, traces, carriers.
///
/// Both generations verified: v1 <https://doc.pandapon.com/api-250313082>,
/// v2 <https://doc-cnv2.pandapon.com/api-288535324>.
#[endpoint(
    id = "TB-O15",
    method = GET,
    v1 = verified("/open/order/logistics/detail/get", "https://doc.pandapon.com/api-250313082"),
    v2 = verified("/v2/taobao/order/logistics/detail/get", "https://doc-cnv2.pandapon.com/api-288535324"),
    response = LogisticsDetail,
    idempotent,
    handle = Taobao,
    name = logistics_detail,
)]
pub struct LogisticsDetailRequest {
    /// The purchase sub-order id (采购子单id), e.g. `200033789041`; required
    /// in v2.
    pub sub_purchase_order_id: Id,
}

/// The `data` of TB-O15 (`TaoBaoLogisticsDetailVO` in v2).
#[model]
pub struct LogisticsDetail {
    /// The Taobao sub-order id (淘宝子单ID), e.g. `3682557363260579405`.
    pub purchase_order_outer_id: Option<Id>,
    /// The parcels (物流包裹清单).
    pub pnm_logistics_details: Vec<LogisticsParcel>,
}

/// A parcel of [`LogisticsDetail`] (`PnmLogisticsDetail`).
#[model]
pub struct LogisticsParcel {
    /// Tracking number.
    pub mail_no: Option<String>,
    /// Tracking events, newest first in the docs' example.
    pub logistics_traces: Vec<LogisticsTrace>,
    /// The carriers (a list).
    pub logistics_partner: Vec<LogisticsPartner>,
    /// Who receives the parcel.
    pub receiver: Option<LogisticsReceiver>,
    /// What the parcel holds.
    pub logistics_goods: Vec<LogisticsGoods>,
}

/// A tracking event of a [`LogisticsParcel`].
#[model]
pub struct LogisticsTrace {
    /// Status text, e.g. `运输中`.
    pub status_desc: Option<String>,
    /// Province (often null).
    pub province: Option<String>,
    /// City, e.g. `北京市`.
    pub city: Option<String>,
    /// District, e.g. `朝阳区`.
    pub district: Option<String>,
    /// Event code, e.g. `TMS_STATION_OUT`.
    pub action: Option<String>,
    /// Facility, e.g. `北京`.
    pub facility_name: Option<String>,
    /// When, `yyyy-MM-dd HH:mm:ss` (China time).
    pub time: Option<Timestamp>,
    /// Standard description (the wire name's typo `standerdDesc` is kept).
    #[model(rename = "standerdDesc")]
    pub standerd_desc: Option<String>,
    /// Status code, e.g. `TRANSPORT`.
    pub status: Option<String>,
    /// Next city (may be null).
    pub next_city: Option<String>,
    /// Next node (may be null).
    pub next_node_name: Option<String>,
}

/// A carrier of a [`LogisticsParcel`].
#[model]
pub struct LogisticsPartner {
    /// Carrier logo URL.
    pub company_image_url: Option<String>,
    /// Carrier name.
    pub company: Option<String>,
    /// Carrier contact.
    pub company_contact: Option<String>,
}

/// The receiver of a [`LogisticsParcel`].
#[model]
pub struct LogisticsReceiver {
    /// Postal code.
    pub zip_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Province.
    pub province: Option<String>,
    /// City.
    pub city: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Name.
    pub name: Option<String>,
}

/// Goods in a [`LogisticsParcel`].
#[model]
pub struct LogisticsGoods {
    /// Title.
    pub title: Option<String>,
    /// Sale properties, as text.
    pub property: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Quantity (a string on the wire).
    pub quantity: Option<i64>,
}
