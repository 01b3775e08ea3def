//! Taobao after-sale ("reverse orders": refunds and returns).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! let render = client
//!     .aftersale()
//!     .refund_render()
//!     .sub_order_id("1034499579120189839")
//!     .goods_status(1) // the docs' example codes
//!     .refund_type(1)
//!     .await?;
//! if let Some(t) = &render.refund_order_template {
//!     for reason in &t.refund_reasons {
//!         println!("{:?}: {:?}", reason.reason_id, reason.reason_desc);
//!     }
//! }
//! # Ok(()) }
//! ```

pub(crate) mod message;
pub(crate) mod refund;
mod render;
pub(crate) mod return_logistics;

pub use message::{RefundMessageListRequest, RefundMessageSubmitRequest, RefundMessageSubmitted};
pub use refund::{
    LogisticsCompany, PurchaseOrderLine, RefundCancel, RefundCancelRequest, RefundDetail,
    RefundDetailRequest, RefundListRequest, RefundModifyRequest, RefundOrderAggregate,
    RefundSubmitRequest, ReturnAddress, ReturnLogistics, ReturnReceiverAddress,
};
pub use render::{
    MaxRefundFee, RefundOrder, RefundOrderTemplate, RefundReason, RefundRender, RefundRenderRequest,
};
pub use return_logistics::{ReturnLogisticsRenderRequest, ReturnLogisticsSubmitRequest};

use crate::client::Client;

/// After-sale endpoints; from [`Client::aftersale`].
#[derive(Debug, Clone, Copy)]
pub struct Aftersale<'c> {
    client: &'c Client,
}

impl Client {
    /// After-sale (refund and return) endpoints.
    pub fn aftersale(&self) -> Aftersale<'_> {
        Aftersale { client: self }
    }
}

impl crate::endpoint::Handle for Aftersale<'_> {
    const VIA: &'static str = "aftersale";
}
