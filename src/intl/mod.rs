//! Alibaba International (Xportcn's "InternationalAlibaba" section).
//!
//! **Nothing of this section is documented in the stored docs**: only the
//! four titles (productDetailGet, productList, GetOrderList, CreateOrder)
//! appear in the Xportcn navigation. So every endpoint here has:
//!
//! * **no known path** in either generation: a call fails before sending
//!   ([`Error::PathUnavailable`](crate::Error::PathUnavailable)) until you
//!   set the path with
//!   [`ClientBuilder::override_path`](crate::ClientBuilder::override_path);
//! * an **INFERRED method** (`POST`, the platform's usual one);
//! * a request whose parameter names are **unknown**: everything goes in its
//!   `other` map (or through `.param(name, value)`), nothing is made up;
//! * a response kept **whole and lossless**, because its schema is unknown.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xportcn::Error> {
//! use xportcn::intl::ProductDetailRequest;
//! use xportcn::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .credentials(Credentials::from_env()?)
//!     // The path is not documented: take it from your account manager.
//!     .override_path("IA-1", "/the/path/from/your/docs")
//!     .build()?;
//! let request = ProductDetailRequest::builder().build().param("productId", "1600000000000");
//! let detail = client.call(request).await?;
//! for (name, raw) in detail.extra.iter() {
//!     println!("{name} = {}", raw.get());
//! }
//! # Ok(()) }
//! ```

mod order;
mod product;

pub use order::{OrderCreateRequest, OrderListRequest};
pub use product::{ProductDetail, ProductDetailRequest, ProductListRequest};

use crate::client::Client;

/// Alibaba International endpoints; from [`Client::alibaba_intl`].
#[derive(Debug, Clone, Copy)]
pub struct AlibabaIntl<'c> {
    client: &'c Client,
}

impl Client {
    /// Alibaba International endpoints (paths and schemas unknown: see
    /// [`crate::intl`]).
    pub fn alibaba_intl(&self) -> AlibabaIntl<'_> {
        AlibabaIntl { client: self }
    }
}

impl crate::endpoint::Handle for AlibabaIntl<'_> {
    const VIA: &'static str = "alibaba_intl";
}
