//! 1688 orders: preview, create, cancel, pay, receipt, list, detail.

use serde::Serialize;
use serde_json::value::RawValue;

use super::Ali1688;
use crate::endpoint::{Generation, endpoint};
use crate::model::model;
use crate::types::{Id, Yuan, lenient};

// ---------------------------------------------------------------------------
// Shared request parts
// ---------------------------------------------------------------------------

/// How an order line names its offer: the generations differ.
///
/// v1 (`/alibaba/...`) sends the numeric 1688 `offerId`; v2
/// (`/v2/alibaba/...`) sends the opaque `offerMapId` (with the line's
/// `sellerOpenId`). A request whose lines do not fit the client's
/// [`Generation`] fails before sending, so switching a client with
/// [`ClientBuilder::generation`](crate::ClientBuilder::generation) cannot
/// send a v1 id to v2 (or the reverse) by accident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum OfferRef {
    /// v1: the numeric offer id, sent as a JSON integer (`offerId`).
    #[serde(rename = "offerId", serialize_with = "lenient::id_as_number")]
    OfferId(Id),
    /// v2: the opaque offer map id (`offerMapId`), e.g. `L0PTnwSnx_dWNZWCtgK7Gg`.
    #[serde(rename = "offerMapId")]
    OfferMapId(String),
}

impl OfferRef {
    /// A v1 numeric offer id.
    pub fn id(offer_id: impl Into<Id>) -> Self {
        OfferRef::OfferId(offer_id.into())
    }

    /// A v2 opaque offer map id.
    pub fn map_id(offer_map_id: impl Into<String>) -> Self {
        OfferRef::OfferMapId(offer_map_id.into())
    }

    /// Whether this reference can be sent in `generation`, and if not why.
    fn check(&self, generation: Generation) -> Result<(), String> {
        match (self, generation) {
            (OfferRef::OfferId(id), Generation::V1) if id.as_u64().is_some() => Ok(()),
            (OfferRef::OfferId(id), Generation::V1) => Err(format!(
                "offerId {id:?} is not a numeric 1688 offer id; an opaque id is a v2 \
                 offerMapId: use OfferRef::map_id with a v2 client"
            )),
            (OfferRef::OfferMapId(_), Generation::V2) => Ok(()),
            (OfferRef::OfferId(id), _) => Err(format!(
                "the v2 paths take the opaque offerMapId, not the numeric offerId {id}: \
                 use OfferRef::map_id (with the line's seller_open_id)"
            )),
            (OfferRef::OfferMapId(m), _) => Err(format!(
                "the v1 paths take the numeric offerId, not the v2 offerMapId {m:?}: use \
                 OfferRef::id, or build the client with .generation(Generation::V2)"
            )),
        }
    }
}

/// One order line (`cargoParamList[]`; "FastCargo" in the v2 schemas).
///
/// ```
/// use xportcn::ali1688::{CargoParam, OfferRef};
/// let v1 = CargoParam::builder()
///     .offer(OfferRef::id(743470146022u64))
///     .spec_id("e61a85a671bb3d0301d0412b51641c6b")
///     .quantity(1)
///     .build();
/// assert_eq!(
///     serde_json::to_value(&v1).unwrap(),
///     serde_json::json!({"offerId": 743470146022u64, "specId": "e61a85a671bb3d0301d0412b51641c6b", "quantity": 1})
/// );
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct CargoParam {
    /// The offer: [`OfferRef::id`] (v1) or [`OfferRef::map_id`] (v2).
    #[serde(flatten)]
    pub offer: OfferRef,
    /// The SKU's spec id ([`ProductSku::spec_id`](super::ProductSku::spec_id)).
    pub spec_id: Option<String>,
    /// Quantity (required by every page).
    pub quantity: u32,
    /// The seller's open id (v2 lines; v1 batch lines).
    pub seller_open_id: Option<String>,
    /// Product number (v2 only).
    pub product_no: Option<String>,
    /// Container (v2 only).
    pub container: Option<String>,
}

/// Refuses order lines that do not fit `generation` (see [`OfferRef`]).
fn check_lines(lines: &[CargoParam], generation: Generation) -> Result<(), String> {
    for (i, line) in lines.iter().enumerate() {
        line.offer
            .check(generation)
            .map_err(|why| format!("cargoParamList[{i}]: {why}"))?;
    }
    Ok(())
}

/// The delivery address of an order (`addressParam`; "FastAdress" in the v2
/// schemas). The five required here are required by the v1 create page.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, bon::Builder)]
#[serde(rename_all = "camelCase")]
#[builder(on(String, into))]
#[non_exhaustive]
pub struct AddressParam {
    /// Receiver's name.
    pub full_name: String,
    /// Mobile number.
    pub mobile: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Post code.
    pub post_code: Option<String>,
    /// Province, as text.
    pub province_text: String,
    /// City, as text.
    pub city_text: String,
    /// District, as text.
    pub area_text: Option<String>,
    /// Town, as text.
    pub town_text: Option<String>,
    /// Street address.
    pub address: String,
    /// District code (v2 only).
    pub district_code: Option<String>,
}

// ---------------------------------------------------------------------------
// AL-O1, AL-O2: previews
// ---------------------------------------------------------------------------

/// 1688 order preview: what an order of these lines to this address would
/// cost, before creating it.
///
/// Lines name their offer by generation ([`OfferRef`]); a line that does not
/// fit the client's generation fails before sending.
#[endpoint(
    id = "AL-O1",
    method = POST,
    v1 = verified("/alibaba/order/create/preview", "https://doc.pandapon.com/api-250313112"),
    v2 = verified("/v2/alibaba/order/create/preview", "https://doc-cnv2.pandapon.com/api-288855709"),
    response = OrderPreview,
    idempotent,
    generation_check = |r: &Self, g| check_lines(&r.cargo_param_list, g),
    handle = Ali1688,
    name = order_preview,
)]
pub struct OrderPreviewRequest {
    /// The delivery address.
    pub address_param: AddressParam,
    /// The order lines (must not be empty).
    pub cargo_param_list: Vec<CargoParam>,
}

/// The `data` of AL-O1.
#[model]
pub struct OrderPreview {
    /// One preview per order to be created (the wire name is misspelled
    /// `orderPreviewResuslt`).
    #[model(rename = "orderPreviewResuslt", alias = "orderPreviewResult")]
    pub order_preview_result: Vec<OrderPreviewResult>,
}

/// One order's preview. The docs show 9 of its 14 fields (the sample is
/// cut); the rest are in `extra`.
#[model]
pub struct OrderPreviewResult {
    /// Whether the preview succeeded.
    pub success: Option<bool>,
    /// Error code.
    pub error_code: Option<String>,
    /// Error message.
    pub error_msg: Option<String>,
    /// Offers whose freight is "as described" (item type not documented).
    pub post_fee_by_desc_offer_list: Option<serde_json::Value>,
    /// Consignment offers (item type not documented).
    pub consign_offer_list: Option<serde_json::Value>,
    /// Offers that cannot be paid cross-border.
    pub unsupported_cross_border_pay_offer_list: Vec<String>,
    /// Discount, in yuan.
    pub discount_fee: Option<Yuan>,
    /// Names of the trade modes available.
    pub trade_mode_name_list: Vec<String>,
    /// Status.
    pub status: Option<bool>,
}

/// 1688 order preview for lines of different sellers (one order per
/// seller).
///
/// The v1 lines carry `sellerOpenId`; the v2 body is not documented and is
/// INFERRED to take the v2 lines of [`OrderPreviewRequest`]. The response
/// schema is unknown: the answer is returned raw.
#[endpoint(
    id = "AL-O2",
    method = POST,
    v1 = verified("/alibaba/order/create/previewbatch", "https://doc-en.pandapon.com/api-263477644"),
    v2 = derived("/v2/alibaba/order/create/previewbatch"),
    response = Box<RawValue>,
    idempotent,
    generation_check = |r: &Self, g| check_lines(&r.cargo_param_list, g),
    handle = Ali1688,
    name = order_preview_batch,
)]
pub struct OrderPreviewBatchRequest {
    /// The delivery address.
    pub address_param: AddressParam,
    /// The order lines, each with its `seller_open_id` (must not be empty).
    pub cargo_param_list: Vec<CargoParam>,
}

// ---------------------------------------------------------------------------
// AL-O3, AL-O4: create
// ---------------------------------------------------------------------------

/// 1688 order creation: creates (unpaid) the order of these lines, to this
/// address.
///
/// The v2 path is shown without its body: the v2 lines are INFERRED to be
/// those of the other v2 order endpoints ([`OfferRef::map_id`]); other v2
/// fields go in `other`. The response schema is unknown (INFERRED: the
/// created orders in the 1688 order model, as AL-O4 answers): it is returned
/// raw.
#[endpoint(
    id = "AL-O3",
    method = POST,
    v1 = verified("/alibaba/order/create", "https://doc-vnm.pandapon.com/api-250496568"),
    v2 = verified("/v2/alibaba/order/create", "https://doc-th.pandapon.com/api-289190490"),
    response = Box<RawValue>,
    write,
    generation_check = |r: &Self, g| check_lines(&r.cargo_param_list, g),
    handle = Ali1688,
    name = order_create,
    open,
)]
pub struct OrderCreateRequest {
    /// Order flow, e.g. `general`.
    pub flow: String,
    /// Order remark.
    pub message: Option<String>,
    /// Shop promotion id.
    pub shop_promotion_id: Option<String>,
    /// Trade type.
    pub trade_type: Option<String>,
    /// The delivery address.
    pub address_param: AddressParam,
    /// The order lines (must not be empty).
    pub cargo_param_list: Vec<CargoParam>,
}

/// 1688 order creation for lines of different sellers: one (unpaid) order
/// per seller.
///
/// The answer is the created orders, an array in the 1688 order model (the
/// v2 sample, cut in the docs): returned raw, to be read with
/// `serde_json::from_str::<Vec<xportcn::ali1688::Order>>(raw.get())` if it
/// has that shape (INFERRED from the cut sample, so not decoded by default).
#[endpoint(
    id = "AL-O4",
    method = POST,
    v1 = verified("/alibaba/order/batch/create", "https://doc-en.pandapon.com/api-263477645"),
    v2 = verified("/v2/alibaba/order/batch/create", "https://doc-cnv2.pandapon.com/api-288855706"),
    response = Box<RawValue>,
    write,
    generation_check = |r: &Self, g| check_lines(&r.cargo_param_list, g),
    handle = Ali1688,
    name = order_create_batch,
)]
pub struct OrderCreateBatchRequest {
    /// Order flow, e.g. `general` (required in v2, optional in v1).
    pub flow: String,
    /// Order remark.
    pub message: Option<String>,
    /// Shop promotion id.
    pub shop_promotion_id: Option<String>,
    /// Trade type.
    pub trade_type: Option<String>,
    /// The delivery address.
    pub address_param: AddressParam,
    /// The order lines, each with its `seller_open_id` (must not be empty).
    pub cargo_param_list: Vec<CargoParam>,
    /// User id (v2 only).
    pub user_id: Option<String>,
    /// Staff name (v2 only).
    pub staff_name: Option<String>,
    /// Order channel code (v2 only).
    pub platform_order: Option<i64>,
    /// Bank-transfer voucher images (v2 only).
    pub transfer_account_imgs: Option<String>,
    /// Bank-transfer remark (v2 only).
    pub transfer_account_remark: Option<String>,
}

// ---------------------------------------------------------------------------
// AL-O5 .. AL-O8: cancel, pay, receipt
// ---------------------------------------------------------------------------

/// 1688 order cancellation, before payment. Answers whether it was
/// cancelled.
#[endpoint(
    id = "AL-O5",
    method = POST,
    v1 = verified("/alibaba/order/cancel", "https://doc-en.pandapon.com/api-263477650"),
    v2 = verified("/v2/alibaba/order/cancel", "https://doc-cnv2.pandapon.com/api-288855711"),
    response = bool,
    write,
    handle = Ali1688,
    name = order_cancel,
)]
pub struct OrderCancelRequest {
    /// Site, `1688` (the default).
    #[builder(default = "1688".to_owned())]
    pub web_site: String,
    /// The order id (19 digits, sent as an exact JSON integer).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub order_id: Id,
    /// Why (free text, e.g. `不想要了`; required in v1).
    pub cancel_reason: String,
    /// Remark.
    pub remark: Option<String>,
}

/// 1688 order payment: the URL where the order is paid (a `GET`).
///
/// Declared a write: it is the payment step, so it is never retried
/// silently, even though it is a `GET`.
#[endpoint(
    id = "AL-O6",
    method = GET,
    v1 = verified("/alibaba/order/pay/url", "https://doc-en.pandapon.com/api-263477651"),
    v2 = verified("/v2/alibaba/order/pay/url", "https://doc-env2.pandapon.com/api-289121041"),
    response = PayUrl,
    write,
    handle = Ali1688,
    name = order_pay_url,
)]
pub struct OrderPayUrlRequest {
    /// The order id (sent as a string in the query).
    pub order_id: Id,
}

/// The `data` of AL-O6 (`AlibabaPayOrderVO`).
#[model]
pub struct PayUrl {
    /// Order id.
    pub order_id: Option<Id>,
    /// Whether a protocol (password-free) payment already succeeded.
    pub protocol_pay_success: Option<bool>,
    /// The payment URL.
    pub pay_url: Option<String>,
    /// Orders that cannot be paid.
    pub cant_pay_order_list: Vec<Id>,
}

/// 1688 confirm receipt: the buyer confirms the goods of an order (or of
/// some of its lines) arrived.
#[endpoint(
    id = "AL-O7",
    method = POST,
    v1 = verified("/alibaba/order/receivegoods", "https://doc-en.pandapon.com/api-263477652"),
    v2 = derived("/v2/alibaba/order/receivegoods"),
    response = ReceiveGoods,
    write,
    handle = Ali1688,
    name = order_receive_goods,
)]
pub struct OrderReceiveGoodsRequest {
    /// The order id (sent as a JSON integer).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub order_id: Id,
    /// Sub-order ids (the order model's `subItemID`), sent as JSON integers.
    #[serde(serialize_with = "crate::types::lenient::ids_as_numbers")]
    #[builder(default)]
    pub order_entry_ids: Vec<Id>,
}

/// The `data` of AL-O7.
#[model]
pub struct ReceiveGoods {
    /// Whether it succeeded.
    pub success: Option<bool>,
    /// Error text.
    pub error_info: Option<String>,
    /// Error code.
    pub error_code: Option<String>,
}

/// 1688 bulk payment submission: the developer submits orders for payment.
///
/// The response schema is unknown: the answer is returned raw.
#[endpoint(
    id = "AL-O8",
    method = POST,
    v1 = verified("/alibaba/order/batch/submit/to/pay", "https://doc-en.pandapon.com/api-263477643"),
    v2 = derived("/v2/alibaba/order/batch/submit/to/pay"),
    response = Box<RawValue>,
    write,
    handle = Ali1688,
    name = order_submit_to_pay_batch,
)]
pub struct OrderSubmitToPayBatchRequest {
    /// The order ids (sent as strings, as the docs show).
    pub order_ids: Vec<Id>,
}

// ---------------------------------------------------------------------------
// AL-O9 .. AL-O11: logistics, list, detail
// ---------------------------------------------------------------------------

/// 1688 order logistics tracking (a `GET`). **Path and schema unknown**
/// (navigation only): the call fails before sending until a path is set
/// with [`ClientBuilder::override_path`](crate::ClientBuilder::override_path).
/// The `orderId` query parameter is INFERRED (as in the pay URL); the answer
/// is returned raw.
#[endpoint(
    id = "AL-O9",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = logistics_trace,
    open,
)]
pub struct LogisticsTraceRequest {
    /// The order id (wire name `orderId`, INFERRED).
    pub order_id: Id,
}

/// 1688 order list, one page. **Schema unknown**: the page's field names
/// (request and response) are not documented, so the body is whatever
/// `other` holds, the answer is returned raw, and there is no `.pages()`
/// stream.
#[endpoint(
    id = "AL-O10",
    method = POST,
    v1 = derived("/alibaba/order/page"),
    v2 = verified("/v2/alibaba/order/page", "https://doc-th.pandapon.com/api-289190488"),
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = order_page,
    open,
)]
pub struct OrderPageRequest {}

/// 1688 order detail: one order in the 1688 order model (`baseInfo`,
/// `nativeLogistics`, `productItems`, `tradeTerms`, ...).
///
/// The detail page's response schema is cut in the docs; the answer is read
/// as the one 1688 order model ([`Order`](super::Order)), the same type the
/// 1688 price-change push carries (INFERRED: the same model). Fields it does
/// not name stay in each object's `extra`.
#[endpoint(
    id = "AL-O11",
    method = POST,
    v1 = verified("/alibaba/order/detail", "https://doc-vnm.pandapon.com/api-250496569"),
    response = super::Order,
    idempotent,
    handle = Ali1688,
    name = order_detail,
)]
pub struct OrderDetailRequest {
    /// Site, `1688` (the default).
    #[builder(default = "1688".to_owned())]
    pub web_site: String,
    /// The order id (sent as a string, as the docs show).
    pub order_id: Id,
}

impl OrderDetailRequest {
    /// The detail of a 1688 order.
    pub fn new(order_id: impl Into<Id>) -> Self {
        OrderDetailRequest::builder().order_id(order_id).build()
    }
}
