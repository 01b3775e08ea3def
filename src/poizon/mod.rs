//! Poizon (得物, Dewu): Xportcn's "Poizon" section.
//!
//! **Nothing of this section is documented in the stored docs**: only the
//! six titles (keyword search, product detail, PayOrder, OrderList,
//! CreateOrder, OrderPreview) appear in the Xportcn navigation. So every
//! endpoint here has:
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
//! use xportcn::poizon::KeywordSearchRequest;
//! use xportcn::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .credentials(Credentials::from_env()?)
//!     // The path is not documented: take it from your account manager.
//!     .override_path("PZ-1", "/the/path/from/your/docs")
//!     .build()?;
//! let request = KeywordSearchRequest::builder().build().param("keyword", "sneakers");
//! let data = client.call(request).await?;
//! let value: serde_json::Value = serde_json::from_str(data.get()).unwrap_or_default();
//! println!("{value}");
//! # Ok(()) }
//! ```

mod order;
mod product;
mod search;

pub use order::{OrderCreateRequest, OrderListRequest, OrderPayRequest, OrderPreviewRequest};
pub use product::{ProductDetail, ProductDetailRequest};
pub use search::KeywordSearchRequest;

use crate::client::Client;

/// Poizon endpoints; from [`Client::poizon`].
#[derive(Debug, Clone, Copy)]
pub struct Poizon<'c> {
    client: &'c Client,
}

impl Client {
    /// Poizon endpoints (paths and schemas unknown: see [`crate::poizon`]).
    pub fn poizon(&self) -> Poizon<'_> {
        Poizon { client: self }
    }
}

impl crate::endpoint::Handle for Poizon<'_> {
    const VIA: &'static str = "poizon";
}
