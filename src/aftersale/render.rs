use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, EndpointSpec, Evidence, Method};
use crate::types::{Extra, Id, lenient};

/// Request of TB-A2, after-sale order rendering.
///
/// `goods_status` and `refund_type` are the platform's integer codes; the
/// docs' example uses `1` for both and does not list their meanings (the
/// allowed values come back in [`RefundOrderTemplate::goods_status_list`]
/// and [`RefundOrderTemplate::refund_type_list`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundRenderRequest {
    /// The sub-order (order line) to refund, e.g. `1034499579120189839`.
    pub sub_order_id: Id,
    /// Goods status code (docs' example: 1).
    pub goods_status: i32,
    /// Refund type code (docs' example: 1).
    pub refund_type: i32,
}

impl RefundRenderRequest {
    /// A render request for one sub-order.
    pub fn new(sub_order_id: impl Into<Id>, goods_status: i32, refund_type: i32) -> Self {
        RefundRenderRequest {
            sub_order_id: sub_order_id.into(),
            goods_status,
            refund_type,
        }
    }
}

impl Endpoint for RefundRenderRequest {
    type Response = RefundRender;
    const SPEC: EndpointSpec = EndpointSpec::new(
        "TB-A2",
        Method::Post,
        "/open/order/refund/render",
        Evidence::Verified {
            source: "Xportcn OpenAPI EN, After-sale order rendering interface \
                     (shared/api/docs-pages/003); v2 twin https://doc-cnv2.pandapon.com/api-288803028",
        },
        true,
    );
}

/// The `data` of TB-A2: the refund form template of a sub-order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundRender {
    /// Currency, e.g. `CNY`.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub currency: Option<String>,
    /// Distributor id.
    #[serde(default)]
    pub distributor_id: Option<Id>,
    /// Whether an after-sale is allowed (v2 schema only).
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub sale_flag: Option<bool>,
    /// The template.
    #[serde(default)]
    pub refund_order_template: Option<RefundOrderTemplate>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What a refund of the sub-order may look like.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundOrderTemplate {
    /// Allowed goods statuses.
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub goods_status_list: Vec<String>,
    /// Allowed refund types.
    #[serde(default, deserialize_with = "lenient::string_vec")]
    pub refund_type_list: Vec<String>,
    /// Refundable amount bounds.
    #[serde(default)]
    pub max_refund_fee: Option<MaxRefundFee>,
    /// The refund order as it would be created (or as it exists).
    #[serde(default)]
    pub refund_order: Option<RefundOrder>,
    /// Reasons to choose from.
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub refund_reasons: Vec<RefundReason>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Refundable amount bounds (integers as sent; unit INFERRED fen).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MaxRefundFee {
    /// Whether the amount can be edited.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub can_edit_refund_fee: Option<bool>,
    /// Explanation of the fee.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub fee_tips: Option<String>,
    /// Largest refundable amount.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub max_refund_fee: Option<i64>,
    /// Smallest refundable amount.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub min_refund_fee: Option<i64>,
    /// Proposed amount.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub refund_fee: Option<i64>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A refund ("reverse") order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundOrder {
    /// Refund order id.
    #[serde(default)]
    pub refund_id: Option<Id>,
    /// Payment order id.
    #[serde(default)]
    pub pay_order_id: Option<Id>,
    /// Refund status: a string in this template, an integer in the v2
    /// detail, kept as text either way.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub refund_status: Option<String>,
    /// Refund type code.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub refund_type: Option<i64>,
    /// Goods status code.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub goods_status: Option<i64>,
    /// Refund amount.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub refund_fee: Option<i64>,
    /// Whether the amount can be edited.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub can_edit_fee: Option<bool>,
    /// Explanation of the fee.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub fee_tips: Option<String>,
    /// Reason id.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub reason_id: Option<i64>,
    /// Reason text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub reason_desc: Option<String>,
    /// Buyer's description.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub refund_desc: Option<String>,
    /// Remaining time, as sent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub remaining_time: Option<String>,
    /// Seller's refusal reason.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_refuse_reason: Option<String>,
    /// Seller's refusal description.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub seller_refuse_reason_describe: Option<String>,
    /// Timeout date, as sent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timeout_date: Option<String>,
    /// Timeout type, as sent.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timeout_type: Option<String>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A refund reason to choose from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundReason {
    /// Reason id, sent back in the refund submission.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub reason_id: Option<i64>,
    /// Reason text.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub reason_desc: Option<String>,
    /// Hint shown with the reason.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub tips: Option<String>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Extra,
}
