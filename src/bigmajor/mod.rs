//! bigMajor: 1688 for key accounts (Xportcn's "bigMajor" section, the
//! `/alibaba/ka/...` endpoints of the Xportcn KA client docs).
//!
//! **INFERRED:** the bigMajor group of the Xportcn OpenAPI docs and the KA
//! client docs' "AlibabaOrderController" are the same API (identical titles,
//! neighbouring page ids); no page states it. The SDK declares the KA paths.
//!
//! What is documented, and so what is typed:
//!
//! | endpoint | path | schema |
//! |---|---|---|
//! | [`BigMajor::order_preview`] (BM-3) | `POST /alibaba/ka/order/create/preview`, verified | request and full response sample: typed |
//! | [`BigMajor::order_create`] (BM-4) | `POST /alibaba/ka/order/create`, verified | request typed as far as the docs show it; response unknown (raw JSON) |
//! | [`BigMajor::product_detail`] (BM-1) | unknown | unknown |
//! | [`BigMajor::order_list`] (BM-2) | unknown (method POST per the KA navigation) | unknown |
//! | [`BigMajor::order_detail`] (BM-5) | unknown (method POST per the KA navigation) | unknown |
//!
//! An endpoint with no known path fails before sending, with an error naming
//! [`ClientBuilder::override_path`](crate::ClientBuilder::override_path),
//! which is how you call it. There is no PandaPon `/v2/...` generation for
//! this section: every v2 path is unknown.
//!
//! Amounts in the KA payloads are integers that look like fen (分): 2 × 2900
//! = 5800 in the preview sample. **INFERRED**: the docs do not name the unit,
//! so they are plain `i64` here.
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! use xportcn::ali1688::DeliveryAddress;
//! use xportcn::bigmajor::{Cargo, OrderPreviewRequest};
//!
//! let address = DeliveryAddress::builder()
//!     .full_name("Zhang San")
//!     .mobile("13567102355")
//!     .province_text("广西壮族自治区")
//!     .city_text("崇左市")
//!     .area_text("凭祥市")
//!     .address("测试")
//!     .build();
//! let cargo = Cargo::builder()
//!     .offer_id(889512351602)
//!     .spec_id("530ad00177264564503ec3b848650652")
//!     .quantity(2.0)
//!     .build();
//! let request = OrderPreviewRequest::builder()
//!     .flow("fenxiaonew")
//!     .address_param(address)
//!     .cargo_param_list(vec![cargo])
//!     .build();
//! for order in client.call(request).await? {
//!     println!("{:?} (INFERRED fen)", order.sum_total_payment);
//! }
//! # Ok(()) }
//! ```

mod order;
mod product;

pub use order::{
    Cargo, OrderCreateRequest, OrderDetail, OrderDetailRequest, OrderListRequest, OrderPreview,
    OrderPreviewItem, OrderPreviewRequest,
};
pub use product::{ProductDetail, ProductDetailRequest};

use crate::client::Client;

/// bigMajor (1688 key account) endpoints; from [`Client::bigmajor`].
#[derive(Debug, Clone, Copy)]
pub struct BigMajor<'c> {
    client: &'c Client,
}

impl Client {
    /// bigMajor (1688 key account, `/alibaba/ka/...`) endpoints.
    pub fn bigmajor(&self) -> BigMajor<'_> {
        BigMajor { client: self }
    }
}

impl crate::endpoint::Handle for BigMajor<'_> {
    const VIA: &'static str = "bigmajor";
}
