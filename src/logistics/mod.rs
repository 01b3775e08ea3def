//! Warehouse logistics: overseas freight estimates and previews,
//! international logistics orders and their domestic legs (WL-1 … WL-4).
//!
//! These endpoints are signed **in the query string**: the pages list two
//! required query parameters, `timestamp` and `sign`, with no description,
//! unit or algorithm. The SDK's rule is **INFERRED**: `sign` is the same MD5
//! as the header `signature` (`MD5(access_key + timestamp + nonce + secret)`,
//! upper-case hex), `timestamp` is in the client's
//! [`TimestampUnit`](crate::signing::TimestampUnit) (seconds by default), and the
//! five signature headers are sent as well so the platform can check either
//! (see [`Signing::Query`](crate::endpoint::Signing::Query)).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! use xportcn::logistics::ReceiverAddress;
//! let estimate = client
//!     .logistics()
//!     .freight_estimate()
//!     .item_id("2048232789087639")
//!     .sku_id("4970432383383")
//!     .quantity(1)
//!     .receiver_address(ReceiverAddress::builder().country("US").zip("91607").build())
//!     .await?;
//! println!("{}", estimate.get());
//! # Ok(()) }
//! ```

mod freight;

pub use freight::{
    DomesticLogisticInfo, DomesticLogisticsUpdateRequest, FreightEstimateRequest, FreightInfo,
    FreightPreviewRequest, LineItem, LogisticInfo, OrderBookingRequest, ReceiverAddress,
    RenderItem, TmallOrderInfo,
};

use crate::client::Client;

/// Warehouse-logistics endpoints (signed in the query string); from
/// [`Client::logistics`].
#[derive(Debug, Clone, Copy)]
pub struct Logistics<'c> {
    client: &'c Client,
}

impl Client {
    /// Warehouse-logistics endpoints: overseas freight and international
    /// logistics orders.
    pub fn logistics(&self) -> Logistics<'_> {
        Logistics { client: self }
    }
}

impl crate::endpoint::Handle for Logistics<'_> {
    const VIA: &'static str = "logistics";
}
