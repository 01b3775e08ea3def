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

use crate::client::{Call, Client};
use crate::endpoint::{Endpoint, EndpointSpec};
use crate::types::Id;

/// The endpoints this module declares (gathered by [`crate::endpoint::all`]).
pub(crate) const ENDPOINTS: &[EndpointSpec] = &[
    CategoryGetRequest::SPEC,
    ProductDetailRequest::SPEC,
    OpenUidDecryptRequest::SPEC,
    KeywordSearchRequest::SPEC,
    ImageSearchRequest::SPEC,
    ShopSearchRequest::SPEC,
    ProductRecommendRequest::SPEC,
    RelatedRecommendRequest::SPEC,
    GlobalSelectSearchRequest::SPEC,
    StrictSelectSearchRequest::SPEC,
    HotListRequest::SPEC,
];

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

impl Ali1688<'_> {
    /// Product details query (AL-P2): `POST /alibaba/product/detail/get`,
    /// in English (`country = "en"`). Use [`Ali1688::product_detail_with`]
    /// for another language or an `outMemberId`.
    ///
    /// Verified: <https://doc-vnm.pandapon.com/project-4008853/api-147289688>.
    pub fn product_detail(&self, offer_id: impl Into<Id>) -> Call<ProductDetailRequest> {
        self.client.call(ProductDetailRequest::new(offer_id))
    }
}
