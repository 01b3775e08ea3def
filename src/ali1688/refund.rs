//! 1688 after-sale: refund reasons, vouchers, refund creation, return
//! logistics, logistics companies and the refund detail (AL-A1 … AL-A6).
//!
//! The flow of a refund: [`Ali1688::refund_reasons`] gives the reason ids,
//! [`Ali1688::refund_create`] opens the refund and answers its `refundId`
//! (`TQ…`), [`Ali1688::refund_info`] reads it back, and for a return
//! [`Ali1688::refund_goods_return`] submits the waybill of the parcel sent
//! back. The paths of AL-A1, AL-A2 and AL-A5 are unknown (the doc pages are
//! stored with their navigation only): those calls fail before sending until
//! the path is set with
//! [`ClientBuilder::override_path`](crate::ClientBuilder::override_path).

use serde_json::value::RawValue;

use super::Ali1688;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::{Fen, Id, Timestamp, lenient};

// --- AL-A1 -------------------------------------------------------------------

/// 1688 refund/return reasons of an order, to choose the `applyReasonId` of
/// [`Ali1688::refund_create`].
///
/// **Path unknown**: the doc pages (doc-en api-263477654, doc-env2
/// api-289121045) are stored with their navigation only, which shows `POST`.
/// The call fails before sending until the path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("AL-A1", ..)`.
/// **Schema unknown**: `order_id` (sent as `orderId`, the name AL-A3 uses
/// for the same order) is the one parameter the endpoint evidently needs;
/// put anything else in `other`. The answer is kept as raw JSON.
#[endpoint(
    id = "AL-A1",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = refund_reasons,
    open,
)]
pub struct RefundReasonsRequest {
    /// The 1688 order (sent as a JSON integer). Wire name INFERRED.
    #[serde(serialize_with = "lenient::id_as_number")]
    pub order_id: Id,
}

// --- AL-A2 -------------------------------------------------------------------

/// Uploads a 1688 refund/return voucher (a proof image); INFERRED to answer
/// the strings that go in the `vouchers` of [`Ali1688::refund_create`] and
/// [`Ali1688::refund_goods_return`].
///
/// **Path unknown** (doc-en api-263477655 is stored with its navigation
/// only, which shows `POST`): the call fails before sending until the path
/// is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("AL-A2", ..)`.
/// **Schema unknown**, including whether the upload is JSON or multipart
/// (the SDK sends JSON): every parameter goes in `other`. The answer is kept
/// as raw JSON.
#[endpoint(
    id = "AL-A2",
    method = POST,
    response = Option<Box<RawValue>>,
    write,
    handle = Ali1688,
    name = refund_voucher_upload,
    open,
)]
pub struct RefundVoucherUploadRequest {}

// --- AL-A3 -------------------------------------------------------------------

/// Creates a 1688 refund/return application for an order (or some of its
/// sub-orders); answers the new refund's id.
///
/// The v1 and v2 bodies are identical. The amounts are integers on the page
/// with no unit: typed [`Fen`] (INFERRED: the upstream 1688 refund API
/// counts them in fen). `dispute_request` and `goods_status` are codes the
/// docs do not list.
#[endpoint(
    id = "AL-A3",
    method = POST,
    v1 = verified("/alibaba/refund/detail/create", "https://doc.pandapon.com/api-250313120"),
    v2 = verified("/v2/alibaba/refund/detail/create", "https://doc-cnv2.pandapon.com/api-288876782"),
    response = RefundCreated,
    write,
    handle = Ali1688,
    name = refund_create,
)]
pub struct RefundCreateRequest {
    /// The 1688 order (sent as a JSON integer).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub order_id: Id,
    /// The sub-orders to refund (sent as JSON integers).
    #[serde(serialize_with = "crate::types::lenient::opt_ids_as_numbers")]
    pub order_entry_ids: Option<Vec<Id>>,
    /// Dispute request code (values not documented).
    pub dispute_request: String,
    /// Amount to refund (integer; unit INFERRED fen).
    pub apply_payment: Fen,
    /// Freight to refund (integer; unit INFERRED fen).
    pub apply_carriage: Fen,
    /// Reason id, from [`Ali1688::refund_reasons`].
    pub apply_reason_id: i64,
    /// Buyer's description.
    pub description: String,
    /// Goods status code (values not documented).
    pub goods_status: String,
    /// Voucher references (INFERRED: from [`Ali1688::refund_voucher_upload`]).
    pub vouchers: Option<Vec<String>>,
    /// Quantity to refund per sub-order.
    pub order_entry_count_list: Option<Vec<OrderEntryCount>>,
}

/// A sub-order and the quantity refunded from it (`OrderEntryCount`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct OrderEntryCount {
    /// The sub-order id (sent as a JSON integer).
    #[serde(serialize_with = "lenient::id_as_number")]
    pub id: Id,
    /// Quantity bought in that sub-order to refund.
    pub count: i64,
}

impl OrderEntryCount {
    /// `count` items of sub-order `id`.
    pub fn new(id: impl Into<Id>, count: i64) -> Self {
        OrderEntryCount {
            id: id.into(),
            count,
        }
    }
}

/// The `data` of AL-A3 (`AlibabaRefundCreateVO`).
#[model]
pub struct RefundCreated {
    /// The refund's id (starts with `TQ`), for [`Ali1688::refund_info`] and
    /// [`Ali1688::refund_goods_return`].
    pub refund_id: Option<Id>,
}

// --- AL-A4 -------------------------------------------------------------------

/// The buyer submits the return logistics of a 1688 refund: the company and
/// waybill of the parcel sent back.
///
/// The response's `data` is not shown on the page (cut): kept as raw JSON.
#[endpoint(
    id = "AL-A4",
    method = POST,
    v1 = verified("/alibaba/refund/goods/return", "https://doc-en.pandapon.com/api-263477657"),
    v2 = derived("/v2/alibaba/refund/goods/return"),
    response = Option<Box<RawValue>>,
    write,
    handle = Ali1688,
    name = refund_goods_return,
)]
pub struct RefundGoodsReturnRequest {
    /// The refund, `TQ…` (from [`Ali1688::refund_create`]).
    pub refund_id: Id,
    /// Logistics company code (INFERRED: from [`Ali1688::logistics_companies`]).
    pub logistics_company_no: String,
    /// Waybill number.
    pub freight_bill: String,
    /// Description.
    pub description: Option<String>,
    /// Voucher references (INFERRED: from [`Ali1688::refund_voucher_upload`]).
    pub vouchers: Option<Vec<String>>,
}

// --- AL-A5 -------------------------------------------------------------------

/// Every logistics company, for the `logistics_company_no` of
/// [`Ali1688::refund_goods_return`] (INFERRED).
///
/// **Path unknown** (the navigation shows `GET` only): the call fails before
/// sending until the path is set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("AL-A5", ..)`.
/// **Schema unknown**: no parameter is INFERRED (put any in `other`); the
/// answer is kept as raw JSON.
#[endpoint(
    id = "AL-A5",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Ali1688,
    name = logistics_companies,
    open,
)]
#[derive(Default)]
pub struct LogisticsCompaniesRequest {}

// --- AL-A6 -------------------------------------------------------------------

/// Details of a 1688 refund (after-sale) order.
///
/// `refundId` goes in the JSON body, as the zh page shows (the vi version of
/// the same page shows it as a query parameter). The response schema is cut
/// after `buyerUserId` on the page: the fields before it are typed, the rest
/// is in `extra`.
#[endpoint(
    id = "AL-A6",
    method = POST,
    v1 = verified("/alibaba/refund/info", "https://doc.pandapon.com/api-250313117"),
    v2 = derived("/v2/alibaba/refund/info"),
    response = RefundInfo,
    idempotent,
    handle = Ali1688,
    name = refund_info,
)]
pub struct RefundInfoRequest {
    /// The refund, `TQ…` (from [`Ali1688::refund_create`]).
    pub refund_id: Id,
}

impl RefundInfoRequest {
    /// The details of one refund.
    pub fn new(refund_id: impl Into<Id>) -> Self {
        RefundInfoRequest {
            refund_id: refund_id.into(),
        }
    }
}

/// The `data` of AL-A6 (`AlibabaRefundInfo`), partly documented: the page
/// is cut after `buyerUserId`; later fields are in `extra`.
#[model]
pub struct RefundInfo {
    /// Row id.
    pub id: Option<Id>,
    /// Created by.
    pub create_by: Option<String>,
    /// Creator id.
    pub create_by_id: Option<Id>,
    /// Creation time.
    pub create_time: Option<Timestamp>,
    /// Updated by.
    pub update_by: Option<String>,
    /// Updater id.
    pub update_by_id: Option<Id>,
    /// Update time.
    pub update_time: Option<Timestamp>,
    /// Remark.
    pub remark: Option<String>,
    /// Alipay trade number.
    pub alipay_payment_id: Option<String>,
    /// Freight applied for (integer; unit INFERRED fen).
    pub apply_carriage: Option<Fen>,
    /// Amount expected (integer; unit INFERRED fen).
    pub apply_expect: Option<Fen>,
    /// Amount applied for (integer; unit INFERRED fen).
    pub apply_payment: Option<Fen>,
    /// Reason.
    pub apply_reason: Option<String>,
    /// Reason id.
    pub apply_reason_id: Option<i64>,
    /// Second-level reason.
    pub apply_sub_reason: Option<String>,
    /// Second-level reason id.
    pub apply_sub_reason_id: Option<i64>,
    /// Buyer's Alipay id.
    pub buyer_alipay_id: Option<String>,
    /// Buyer's return logistics company.
    pub buyer_logistics_name: Option<String>,
    /// Buyer's member id.
    pub buyer_member_id: Option<String>,
    /// Whether the buyer sent the goods back.
    pub buyer_send_goods: Option<bool>,
    /// Buyer's user id.
    pub buyer_user_id: Option<Id>,
}
