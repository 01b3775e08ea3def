use super::Aftersale;
use crate::endpoint::endpoint;
use crate::model::model;
use crate::types::Id;

/// After-sale order rendering: the refund form template of a sub-order
/// (allowed refund types, goods statuses, reasons, refundable amount).
///
/// `goods_status` and `refund_type` are the platform's integer codes; the
/// docs' example uses `1` for both and does not list their meanings (the
/// allowed values come back in [`RefundOrderTemplate::goods_status_list`]
/// and [`RefundOrderTemplate::refund_type_list`]). Build it with named
/// fields: `RefundRenderRequest::builder().sub_order_id(id).goods_status(1)
/// .refund_type(1).build()`.
#[endpoint(
    id = "TB-A2",
    method = POST,
    v1 = verified(
        "/open/order/refund/render",
        "Xportcn OpenAPI EN, page \"After-sale order rendering interface\" (its curl: https://www.xportcn.com/api/open/order/refund/render)"
    ),
    v2 = verified("/v2/taobao/order/refund/render", "https://doc-cnv2.pandapon.com/api-288803028"),
    response = RefundRender,
    idempotent,
    handle = Aftersale,
    name = refund_render,
)]
pub struct RefundRenderRequest {
    /// The sub-order (order line) to refund, e.g. `1034499579120189839`.
    pub sub_order_id: Id,
    /// Goods status code (docs' example: 1).
    pub goods_status: i32,
    /// Refund type code (docs' example: 1).
    pub refund_type: i32,
}

impl RefundRenderRequest {
    /// A render request for one sub-order, from positional codes:
    /// `new(sub_order_id, goods_status, refund_type)`. Kept for existing
    /// code; prefer the builder, which names each code:
    ///
    /// ```
    /// use xportcn::aftersale::RefundRenderRequest;
    /// let by_name = RefundRenderRequest::builder()
    ///     .sub_order_id("1034499579120189839")
    ///     .goods_status(1)
    ///     .refund_type(1)
    ///     .build();
    /// assert_eq!(by_name, RefundRenderRequest::new("1034499579120189839", 1, 1));
    /// ```
    pub fn new(sub_order_id: impl Into<Id>, goods_status: i32, refund_type: i32) -> Self {
        RefundRenderRequest {
            sub_order_id: sub_order_id.into(),
            goods_status,
            refund_type,
        }
    }
}

/// The `data` of TB-A2: the refund form template of a sub-order.
#[model]
pub struct RefundRender {
    /// Currency, e.g. `CNY`.
    pub currency: Option<String>,
    /// Distributor id.
    pub distributor_id: Option<Id>,
    /// Whether an after-sale is allowed (v2 schema only).
    pub sale_flag: Option<bool>,
    /// The template.
    pub refund_order_template: Option<RefundOrderTemplate>,
}

/// What a refund of the sub-order may look like.
#[model]
pub struct RefundOrderTemplate {
    /// Allowed goods statuses.
    pub goods_status_list: Vec<String>,
    /// Allowed refund types.
    pub refund_type_list: Vec<String>,
    /// Refundable amount bounds.
    pub max_refund_fee: Option<MaxRefundFee>,
    /// The refund order as it would be created (or as it exists).
    pub refund_order: Option<RefundOrder>,
    /// Reasons to choose from.
    pub refund_reasons: Vec<RefundReason>,
}

/// Refundable amount bounds (integers as sent; unit INFERRED fen).
#[model]
pub struct MaxRefundFee {
    /// Whether the amount can be edited.
    pub can_edit_refund_fee: Option<bool>,
    /// Explanation of the fee.
    pub fee_tips: Option<String>,
    /// Largest refundable amount.
    pub max_refund_fee: Option<i64>,
    /// Smallest refundable amount.
    pub min_refund_fee: Option<i64>,
    /// Proposed amount.
    pub refund_fee: Option<i64>,
}

/// A refund ("reverse") order.
#[model]
pub struct RefundOrder {
    /// Refund order id.
    pub refund_id: Option<Id>,
    /// Payment order id.
    pub pay_order_id: Option<Id>,
    /// Refund status: a string in this template, an integer in the v2
    /// detail, kept as text either way.
    pub refund_status: Option<String>,
    /// Refund type code.
    pub refund_type: Option<i64>,
    /// Goods status code.
    pub goods_status: Option<i64>,
    /// Refund amount.
    pub refund_fee: Option<i64>,
    /// Whether the amount can be edited.
    pub can_edit_fee: Option<bool>,
    /// Explanation of the fee.
    pub fee_tips: Option<String>,
    /// Reason id.
    pub reason_id: Option<i64>,
    /// Reason text.
    pub reason_desc: Option<String>,
    /// Buyer's description.
    pub refund_desc: Option<String>,
    /// Remaining time, as sent.
    pub remaining_time: Option<String>,
    /// Seller's refusal reason.
    pub seller_refuse_reason: Option<String>,
    /// Seller's refusal description.
    pub seller_refuse_reason_describe: Option<String>,
    /// Timeout date, as sent.
    pub timeout_date: Option<String>,
    /// Timeout type, as sent.
    pub timeout_type: Option<String>,
}

/// A refund reason to choose from.
#[model]
pub struct RefundReason {
    /// Reason id, sent back in the refund submission.
    pub reason_id: Option<i64>,
    /// Reason text.
    pub reason_desc: Option<String>,
    /// Hint shown with the reason.
    pub tips: Option<String>,
}
