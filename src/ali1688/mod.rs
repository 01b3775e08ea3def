//! 1688: products and orders (and, as they land, cart and after-sale).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! let detail = client.ali1688().product_detail(706627393257u64).await?;
//! println!("{:?}", detail.subject_trans);
//! # Ok(()) }
//! ```

pub(crate) mod cart;
mod models;
pub(crate) mod order;
mod product;
pub(crate) mod refund;
mod search;

pub use cart::{
    CartAddRequest, CartCreateOrderRequest, CartDeleteRequest, CartEditQuantityRequest, CartItem,
    CartList, CartListRequest, CartPreviewOrderRequest, CartShop,
};
pub use order::{
    AddressParam, CargoParam, LogisticsTraceRequest, OfferRef, OrderCancelRequest,
    OrderCreateBatchRequest, OrderCreateRequest, OrderDetailRequest, OrderPageRequest,
    OrderPayUrlRequest, OrderPreview, OrderPreviewBatchRequest, OrderPreviewRequest,
    OrderPreviewResult, OrderReceiveGoodsRequest, OrderSubmitToPayBatchRequest, PayUrl,
    ReceiveGoods,
};
// Named one by one: a glob here let `product::SkuAttribute` shadow the
// order line's `skuInfos` type.
pub use models::{
    DeliveryAddress, LogisticsItem, NativeLogistics, Order, OrderBaseInfo, OrderContact,
    OrderRateInfo, OrderStatus, ProductItem, ReceiverInfo, RefundStatus, SkuInfo, TradeTerm,
};
pub use product::{
    CategoryGetRequest, HotListRequest, OpenUidDecryptRequest, ProductAttribute, ProductDetail,
    ProductDetailRequest, ProductImage, ProductRecommendRequest, ProductSku,
    RelatedRecommendRequest, SkuAttribute,
};
pub use refund::{
    LogisticsCompaniesRequest, OrderEntryCount, RefundCreateRequest, RefundCreated,
    RefundGoodsReturnRequest, RefundInfo, RefundInfoRequest, RefundReasonsRequest,
    RefundVoucherUploadRequest,
};
pub use search::{
    GlobalSelectSearchRequest, ImageSearchRequest, KeywordSearchPage, KeywordSearchRequest,
    OfferPriceInfo, OfferSummary, SearchSort, ShopOffer, ShopSearchPage, ShopSearchRequest,
    SortOrder, StrictSelectSearchRequest,
};

use crate::client::Client;

/// 1688 endpoints; from [`Client::ali1688`].
#[derive(Debug, Clone, Copy)]
pub struct Ali1688<'c> {
    client: &'c Client,
}

impl Client {
    /// 1688 endpoints.
    pub fn ali1688(&self) -> Ali1688<'_> {
        Ali1688 { client: self }
    }
}

impl crate::endpoint::Handle for Ali1688<'_> {
    const VIA: &'static str = "ali1688";
}
