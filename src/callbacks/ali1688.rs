//! 1688 (`messagePlatform: 1`) message bodies. The full 1688 order is
//! [`crate::ali1688::Order`].

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::order::{OrderSummary, opt};
use crate::ali1688::{Order, RefundStatus};
use crate::model::{Scalar, model};
use crate::types::{Fen, Id, Timestamp};

/// Body of the 1688 order price change message
/// (`ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY` with platform 1).
///
/// The PandaPon/Xportcn API reference
/// (<https://doc-en.pandapon.com/api-263477659>) sends the full 1688 order;
/// the Xportcn KA message manual
/// (<https://doc-en-ka.xportcn.com/doc-7259275>) sends the compact order
/// summary. The SDK tells them apart by shape: a body with `baseInfo`,
/// `productItems`, `nativeLogistics` or `tradeTerms`, or without `orderId`, is
/// an [`Ali1688PriceModify::Order`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Ali1688PriceModify {
    /// The full 1688 order (VERIFIED,
    /// <https://doc-en.pandapon.com/api-263477659>).
    Order(Box<Order>),
    /// The compact order summary (VERIFIED, Xportcn KA message manual,
    /// <https://doc-en-ka.xportcn.com/doc-7259275>).
    Summary(Box<OrderSummary>),
}

impl Ali1688PriceModify {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        let o = match self {
            Ali1688PriceModify::Summary(s) => return s.key_parts(out),
            Ali1688PriceModify::Order(o) => o,
        };
        if let Some(b) = &o.base_info {
            out.push(b.id_of_str.clone().unwrap_or_else(|| opt(&b.id)));
            out.push(opt(&b.status));
            out.push(opt(&b.total_amount.as_ref().map(|y| y.as_str())));
            out.push(opt(&b.shipping_fee.as_ref().map(|y| y.as_str())));
            out.push(opt(&b.refund_status));
            out.push(opt(&b.modify_time));
        }
        for p in &o.product_items {
            out.push(opt(&p.sub_item_id));
            out.push(opt(&p.item_amount.as_ref().map(|y| y.as_str())));
        }
    }
}

/// Body of the 1688 buyer refund message
/// (`ORDER_BUYER_VIEW_ORDER_BUYER_REFUND` with platform 1): a 1688 refund
/// record.
///
/// VERIFIED from the Xportcn API reference sample (see `docs/platform.md` §4;
/// the public page's URL could not be confirmed, and the sample is
/// `tests/fixtures/callbacks/1688-order-buyer-refund.json` in the repository).
/// Amounts are integer **fen** (the sample's `applyPayment: 11700` is the
/// `退款货品金额:117.00` of its operation log).
#[model]
pub struct Ali1688Refund {
    /// `refundId` (e.g. `TQ142969441872889407`).
    pub refund_id: Option<Id>,
    /// `id`: numeric refund id.
    pub id: Option<Id>,
    /// `orderId`.
    pub order_id: Option<Id>,
    /// `status`.
    pub status: Option<RefundStatus>,
    /// `productName`.
    pub product_name: Option<String>,
    /// `applyPayment`.
    pub apply_payment: Option<Fen>,
    /// `applyCarriage`.
    pub apply_carriage: Option<Fen>,
    /// `refundPayment`.
    pub refund_payment: Option<Fen>,
    /// `refundCarriage`.
    pub refund_carriage: Option<Fen>,
    /// `canRefundPayment`.
    pub can_refund_payment: Option<Fen>,
    /// `frozenFund` (`-1` in the sample).
    pub frozen_fund: Option<Fen>,
    /// `applyReason`.
    pub apply_reason: Option<String>,
    /// `applyReasonId`.
    pub apply_reason_id: Option<i64>,
    /// `onlyRefund`: refund without returning goods.
    pub only_refund: Option<bool>,
    /// `refundGoods`.
    pub refund_goods: Option<bool>,
    /// `goodsReceived`.
    pub goods_received: Option<bool>,
    /// `goodsStatus`.
    pub goods_status: Option<i64>,
    /// `buyerSendGoods`.
    pub buyer_send_goods: Option<bool>,
    /// `disputeRequest`.
    pub dispute_request: Option<i64>,
    /// `disputeType`.
    pub dispute_type: Option<i64>,
    /// `alipayPaymentId`.
    pub alipay_payment_id: Option<String>,
    /// `buyerMemberId`.
    pub buyer_member_id: Option<String>,
    /// `sellerMemberId`.
    pub seller_member_id: Option<String>,
    /// `buyerLoginId`.
    pub buyer_login_id: Option<String>,
    /// `sellerLoginId`.
    pub seller_login_id: Option<String>,
    /// `tradeTypeStr`.
    pub trade_type_str: Option<String>,
    /// `gmtApply`.
    pub gmt_apply: Option<Timestamp>,
    /// `gmtCompleted`.
    pub gmt_completed: Option<Timestamp>,
    /// `gmtCreate`.
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    pub gmt_modified: Option<Timestamp>,
    /// `createTime`.
    pub create_time: Option<Timestamp>,
    /// `orderEntryIdList`: refunded order lines.
    pub order_entry_id_list: Vec<Id>,
    /// `orderEntryCountMap`: order-line id → quantity.
    pub order_entry_count_map: Option<BTreeMap<String, i64>>,
    /// `extInfo`, a free-form map (`sdkCode`, `bizCode`, ...), as sent.
    pub ext_info: Option<serde_json::Value>,
    /// `refundOperationList`: the refund's history.
    pub refund_operation_list: Vec<Ali1688RefundOperation>,
}

impl Ali1688Refund {
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.refund_id));
        out.push(opt(&self.order_id));
        out.push(opt(&self.status));
        out.push(opt(&self.refund_payment.map(Fen::fen)));
        out.push(opt(&self.gmt_modified));
    }
}

/// `orderEntryCountMap`: a JSON object of integers, `null` as `None`.
impl Scalar for BTreeMap<String, i64> {
    fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Option::deserialize(d)
    }
}

/// One entry of `refundOperationList`.
#[model]
pub struct Ali1688RefundOperation {
    /// `id`.
    pub id: Option<Id>,
    /// `refundId`.
    pub refund_id: Option<Id>,
    /// `beforeOperateStatus`.
    pub before_operate_status: Option<RefundStatus>,
    /// `afterOperateStatus`.
    pub after_operate_status: Option<RefundStatus>,
    /// `discription` (sic on the wire).
    #[model(rename = "discription")]
    pub description: Option<String>,
    /// `operateRemark`.
    pub operate_remark: Option<String>,
    /// `operateTypeInt`.
    pub operate_type_int: Option<i64>,
    /// `operatorLoginId`.
    pub operator_login_id: Option<String>,
    /// `operatorRoleId`.
    pub operator_role_id: Option<i64>,
    /// `operatorUserId`.
    pub operator_user_id: Option<Id>,
    /// `gmtCreate`.
    pub gmt_create: Option<Timestamp>,
    /// `gmtModified`.
    pub gmt_modified: Option<Timestamp>,
}
