use serde::Serialize;
use serde_json::value::RawValue;

use super::BigMajor;
use crate::ali1688::DeliveryAddress;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Id;

/// One line of goods (`cargoParamList[]`) of the KA order preview.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct Cargo {
    /// The 1688 offer (product) id, sent as a JSON integer as in the docs'
    /// example (`889512351602`).
    pub offer_id: u64,
    /// The SKU's spec id (32 hex characters in the example). Optional here:
    /// the docs do not say whether it is required.
    pub spec_id: Option<String>,
    /// Quantity. The docs type it "number" and the example sends `2.0`, so
    /// it is a float here.
    pub quantity: f64,
}

/// Key-account 1688 order preview: the amounts of an order before it is
/// created (call it before [`BigMajor::order_create`]).
///
/// Documented on the KA docs' page "Order Preview (The preview interface
/// needs to be called before creating an order)", with a request example
/// and a full response sample. The docs' field table was not stored, so
/// which fields are required is not known: the address and the goods are
/// required here (a preview of nothing is meaningless), the rest optional.
/// The schema example is cut after `addressParam.phone`: anything else goes
/// in `other`.
///
/// `data` is a **list**, one element per order (per seller: INFERRED).
/// Amounts are integers, **INFERRED fen** (see [`OrderPreview`]).
#[endpoint(
    id = "BM-3",
    method = POST,
    v1 = verified("/alibaba/ka/order/create/preview", "https://doc-en-ka.xportcn.com/api-338074941"),
    v2 = unknown,
    response = Vec<OrderPreview>,
    idempotent,
    handle = BigMajor,
    name = order_preview,
    open,
)]
pub struct OrderPreviewRequest {
    /// `aliId`: shown only in the docs' schema example (as `"string"`),
    /// meaning not documented.
    pub ali_id: Option<String>,
    /// Order flow; the docs' example sends `fenxiaonew` (PandaPon's 1688
    /// preview uses `general`). Whether it is required is not documented.
    pub flow: Option<String>,
    /// `outOrderId`: shown only in the docs' schema example (as
    /// `"string"`), meaning not documented.
    pub out_order_id: Option<String>,
    /// The delivery address (`addressParam`).
    pub address_param: DeliveryAddress,
    /// The goods (`cargoParamList`).
    pub cargo_param_list: Vec<Cargo>,
}

/// One order of a KA preview (an element of BM-3's `data` list).
///
/// Amounts are JSON integers, **INFERRED to be fen** (分, 1/100 yuan): the
/// docs do not name the unit, but in their sample 2 × 2900
/// (`finalUnitPrice`) = 5800 = `sumPaymentNoCarriage`, and 5800 + 600
/// (`sumCarriage`) = 6400 = `sumPayment`. They are plain `i64`, not
/// [`Fen`](crate::types::Fen), until a page states the unit.
#[model]
pub struct OrderPreview {
    /// Shipping cost (sample: 600; unit INFERRED fen).
    pub sum_carriage: Option<i64>,
    /// Goods plus shipping (sample: 6400; unit INFERRED fen).
    pub sum_payment: Option<i64>,
    /// Total to pay (sample: 6561, more than `sumPayment`; the docs do not
    /// explain the difference, INFERRED a fee; unit INFERRED fen).
    pub sum_total_payment: Option<i64>,
    /// Goods without shipping (sample: 5800; unit INFERRED fen).
    pub sum_payment_no_carriage: Option<i64>,
    /// The order's lines (`orderItemTOList`).
    #[model(rename = "orderItemTOList")]
    pub order_item_to_list: Vec<OrderPreviewItem>,
}

/// A line of a KA order preview.
#[model]
pub struct OrderPreviewItem {
    /// Line amount (sample: 5800 = 2 × 2900; unit INFERRED fen).
    pub amount: Option<i64>,
    /// A message about the line (`null` in the sample; INFERRED text).
    pub message: Option<String>,
    /// Unit price after discounts (sample: 2900; unit INFERRED fen).
    pub final_unit_price: Option<i64>,
    /// The SKU's spec id.
    pub spec_id: Option<String>,
    /// The SKU id (a 13-digit integer in the sample).
    pub sku_id: Option<Id>,
    /// The 1688 offer id.
    pub offer_id: Option<Id>,
    /// The offer's opaque id (base64-like, e.g. `+vIWvlcT2JMpWVABRdm+WQ==`).
    pub open_offer_id: Option<String>,
}

/// Key-account 1688 order creation. **Response schema unknown.**
///
/// Documented on the KA docs' page "Create an order"
/// (<https://doc-en-ka.xportcn.com/api-338074942>), whose request example
/// is cut after `addressParam.postCode` and whose response is not stored.
/// The typed fields are the ones the example shows; the address reuses the
/// preview's [`DeliveryAddress`]. The goods are not in the stored part of the
/// example: pass them in `other` (the preview names them `cargoParamList`;
/// that the create takes the same field is INFERRED), e.g.
/// `.param("cargoParamList", serde_json::to_value(&cargo)?)` with
/// [`Cargo`] lines. The response `data` is returned whole as raw JSON.
///
/// Call [`BigMajor::order_preview`] first, as the docs require.
#[endpoint(
    id = "BM-4",
    method = POST,
    v1 = verified("/alibaba/ka/order/create", "https://doc-en-ka.xportcn.com/api-338074942"),
    v2 = unknown,
    response = Box<RawValue>,
    write,
    handle = BigMajor,
    name = order_create,
    open,
)]
pub struct OrderCreateRequest {
    /// Order flow (the preview's example sends `fenxiaonew`).
    pub flow: Option<String>,
    /// Order remark (`message`; PandaPon's twin calls it the order remark).
    pub message: Option<String>,
    /// Shop promotion id.
    pub shop_promotion_id: Option<String>,
    /// Trade type.
    pub trade_type: Option<String>,
    /// The delivery address (`addressParam`).
    pub address_param: DeliveryAddress,
}

/// Key-account 1688 order list ("Order list"): **path and schema unknown.**
///
/// The KA navigation lists it as `POST`, but no stored page shows its path
/// or fields. The parameter names (paging included) are unknown (put them in
/// `other`, e.g. with `.param(..)`), and the response `data` is returned
/// whole as raw JSON. Set the path with
/// `ClientBuilder::override_path("BM-2", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "BM-2",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = BigMajor,
    name = order_list,
    open,
)]
pub struct OrderListRequest {}

/// Key-account 1688 order detail ("Get order details"): **path and schema
/// unknown.**
///
/// The KA navigation lists it as `POST`, but no stored page shows its path
/// or fields. The parameter names are unknown (put them in `other`, e.g.
/// with `.param(..)`; PandaPon's own 1688 detail takes `orderId`, but that
/// this one does is only INFERRED), and the response is read as an object
/// whose fields are all kept in `extra`. Set the path with
/// `ClientBuilder::override_path("BM-5", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "BM-5",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = OrderDetail,
    idempotent,
    handle = BigMajor,
    name = order_detail,
    open,
)]
pub struct OrderDetailRequest {}

/// The `data` of BM-5, a key-account 1688 order: **schema unknown**, so no
/// field is modelled and every field the server sends is kept in
/// [`extra`](Self::extra) (read one with `extra.get_as::<T>("name")`).
#[model]
pub struct OrderDetail {}
