//! Taobao: products (and, as they land, orders and cart).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! let product = client.taobao().product_get("672991141190").await?;
//! for sku in &product.sku_list {
//!     println!("{:?} {:?}", sku.sku_id, sku.price);
//! }
//! # Ok(()) }
//! ```

pub(crate) mod cart;
pub(crate) mod order;
mod product;
pub(crate) mod purchase;
pub(crate) mod search;

pub use cart::{
    CartAddRequest, CartCreateOrderRequest, CartDeleteRequest, CartEditQuantityRequest,
    CartListRequest, CartPreviewOrderRequest, CartSkuProperty, OrderAddress, PriceRange,
};
pub use order::{
    ImLinkGetRequest, LogisticsDetail, LogisticsDetailRequest, LogisticsGoods, LogisticsParcel,
    LogisticsPartner, LogisticsReceiver, LogisticsTrace, OrderCancelRequest, OrderDetailRequest,
    OrderPageRequest, OrderPayRequest, OrderUpdateWarehouseRequest, OrderVoucherUploadRequest,
    WarehouseUpdate,
};
pub use product::{Product, ProductGetRequest, Sku, SkuProperty};
pub use purchase::{
    OrderLine, PurchaseOrderCancelRequest, PurchaseOrderCreateRequest,
    PurchaseOrderCreateV2Request, PurchaseOrderPageRequest, PurchaseOrderPayRequest,
    PurchaseOrderRenderRequest, PurchaseOrderRenderV2Request, PurchaseReceiver, RenderLine,
};
pub use search::{
    BatchCheck, BatchCheckItem, MpProduct, NoMpReason, ProductBatchCheckRequest,
    ProductDetailV2Request, ProductImageSearchRequest, ProductItemSearchRequest,
    ProductRecommendRequest, ProductSearchRequest, ProductSource, ProductSourceGetRequest,
    RecommendPage, RecommendedProduct, SpuDetailRequest, SpuListRequest,
};

use crate::client::Client;

/// Taobao endpoints; from [`Client::taobao`].
#[derive(Debug, Clone, Copy)]
pub struct Taobao<'c> {
    client: &'c Client,
}

impl Client {
    /// Taobao endpoints.
    pub fn taobao(&self) -> Taobao<'_> {
        Taobao { client: self }
    }
}

impl crate::endpoint::Handle for Taobao<'_> {
    const VIA: &'static str = "taobao";
}
