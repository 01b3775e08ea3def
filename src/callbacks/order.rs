//! The compact order body shared by the order status messages.

use super::wire_enum;
use crate::model::model;
use crate::types::{Fen, Id, Timestamp};

wire_enum! {
    /// `orderStatus` of an order status message.
    ///
    /// Values seen in the Xportcn message manual: `WAITING_FOR_PAYMENT`,
    /// `CANCEL`, `WAITING_FOR_SENT`; anything else is kept in `Unknown`.
    pub enum PushOrderStatus {
        /// `WAITING_FOR_PAYMENT`: created, not paid.
        WaitingForPayment = "WAITING_FOR_PAYMENT",
        /// `CANCEL`: cancelled (see `closeReason`).
        Cancel = "CANCEL",
        /// `WAITING_FOR_SENT`: paid, waiting for the seller to ship.
        WaitingForSent = "WAITING_FOR_SENT",
    }
}

/// Which order event an order status message reports (from `messageType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OrderEvent {
    /// `ORDER_CREATE`.
    Create,
    /// `ORDER_CANCEL`.
    Cancel,
    /// `ORDER_PAY_SUCCESS`.
    PaySuccess,
    /// Another message type whose body has the order-status shape
    /// (`orderId` + `orderStatus`); the type without platform prefix.
    Other(String),
}

impl OrderEvent {
    /// The event for a message type (without platform prefix), if it is one
    /// of the known order status types.
    pub fn from_known_type(core_type: &str) -> Option<Self> {
        match core_type {
            "ORDER_CREATE" => Some(OrderEvent::Create),
            "ORDER_CANCEL" => Some(OrderEvent::Cancel),
            "ORDER_PAY_SUCCESS" => Some(OrderEvent::PaySuccess),
            _ => None,
        }
    }

    /// The message type without platform prefix.
    pub fn as_str(&self) -> &str {
        match self {
            OrderEvent::Create => "ORDER_CREATE",
            OrderEvent::Cancel => "ORDER_CANCEL",
            OrderEvent::PaySuccess => "ORDER_PAY_SUCCESS",
            OrderEvent::Other(s) => s,
        }
    }
}

/// The compact order body of the order status messages (`ORDER_CREATE`,
/// `ORDER_CANCEL`, `ORDER_PAY_SUCCESS`, ...), and of the Xportcn KA variant
/// of the price-change message.
///
/// VERIFIED for 1688 (`messagePlatform: 1`) from the Xportcn message manual
/// (<https://doc-en-ka.xportcn.com/doc-7259275>); for Taobao the same shape
/// is INFERRED. Amounts are integer fen (分).
#[model]
pub struct OrderSummary {
    /// Platform order id (`orderId`), e.g. `3305075341149134260`.
    pub order_id: Option<Id>,
    /// Purchase order number (`orderNo`), e.g. `PO202605200001`.
    pub order_no: Option<String>,
    /// `orderStatus`.
    pub order_status: Option<PushOrderStatus>,
    /// `payStatus` (seen: 1 = unpaid, 2 = paid).
    pub pay_status: Option<i64>,
    /// `totalAmount`.
    pub total_amount: Option<Fen>,
    /// `shippingFee`.
    pub shipping_fee: Option<Fen>,
    /// `productAmount`.
    pub product_amount: Option<Fen>,
    /// `refundAmount`.
    pub refund_amount: Option<Fen>,
    /// `refundStatus` (only `null` seen).
    pub refund_status: Option<String>,
    /// `closeReason` (seen: `buyer_cancel`).
    pub close_reason: Option<String>,
    /// `tbCreateTime`, `yyyy-MM-dd HH:mm:ss`.
    pub tb_create_time: Option<Timestamp>,
    /// `payTime`, `yyyy-MM-dd HH:mm:ss`.
    pub pay_time: Option<Timestamp>,
}

impl OrderSummary {
    /// Natural id and status fields for the de-duplication key.
    pub(crate) fn key_parts(&self, out: &mut Vec<String>) {
        out.push(opt(&self.order_id));
        out.push(opt(&self.order_status));
        out.push(opt(&self.pay_status));
        out.push(opt(&self.total_amount.map(Fen::fen)));
        out.push(opt(&self.refund_amount.map(Fen::fen)));
        out.push(opt(&self.refund_status));
        out.push(opt(&self.close_reason));
    }
}

/// `Some(x)` as its text, `None` as the empty string.
pub(crate) fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}
