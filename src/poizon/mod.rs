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
//! let data = client.poizon().keyword_search(request).await?;
//! let value: serde_json::Value = serde_json::from_str(data.get()).unwrap_or_default();
//! println!("{value}");
//! # Ok(()) }
//! ```

use serde_json::value::RawValue;

use crate::client::Client;
use crate::endpoint::{Endpoint, EndpointSpec, endpoint};
use crate::model::model;

/// The endpoints this module declares (gathered by [`crate::endpoint::all`]).
pub(crate) const ENDPOINTS: &[EndpointSpec] = &[
    KeywordSearchRequest::SPEC,
    ProductDetailRequest::SPEC,
    OrderPayRequest::SPEC,
    OrderListRequest::SPEC,
    OrderCreateRequest::SPEC,
    OrderPreviewRequest::SPEC,
];

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

/// Poizon keyword search ("keyword serch" in the docs' navigation): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the keyword and paging parameter names are unknown (put them in `other`), and the response `data` is returned whole as raw JSON, as it may be a list or a page object.
/// Set the path with `ClientBuilder::override_path("PZ-1", ..)`; without it
/// the call fails before sending.
#[endpoint(
    id = "PZ-1",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = Poizon,
    via = poizon,
    name = keyword_search,
    open,
)]
pub struct KeywordSearchRequest {}

/// Poizon product detail ("product detail"): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`), and the response is read as an object whose fields are all kept in `extra`.
/// Set the path with `ClientBuilder::override_path("PZ-2", ..)`; without it
/// the call fails before sending.
#[endpoint(
    id = "PZ-2",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = ProductDetail,
    idempotent,
    handle = Poizon,
    via = poizon,
    name = product_detail,
    open,
)]
pub struct ProductDetailRequest {}

/// The `data` of PZ-2, a Poizon product: **schema unknown**, so no field is
/// modelled and every field the server sends is kept in
/// [`extra`](Self::extra) (read one with `extra.get_as::<T>("name")`).
#[model]
pub struct ProductDetail {}

/// Poizon order payment ("PayOrder"): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`), and the response `data` is returned whole as raw JSON.
/// A write: it is sent only on a path you set with
/// `ClientBuilder::override_path("PZ-3", ..)`, never on a guess, and never
/// retried silently.
#[endpoint(
    id = "PZ-3",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    write,
    handle = Poizon,
    via = poizon,
    name = order_pay,
    open,
)]
pub struct OrderPayRequest {}

/// Poizon order list ("OrderList"): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names (paging included) are unknown (put them in `other`), and the response `data` is returned whole as raw JSON.
/// Set the path with `ClientBuilder::override_path("PZ-4", ..)`; without it
/// the call fails before sending.
#[endpoint(
    id = "PZ-4",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = Poizon,
    via = poizon,
    name = order_list,
    open,
)]
pub struct OrderListRequest {}

/// Poizon order creation ("CreateOrder"): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`), and the response `data` is returned whole as raw JSON.
/// A write: it is sent only on a path you set with
/// `ClientBuilder::override_path("PZ-5", ..)`, never on a guess, and never
/// retried silently.
#[endpoint(
    id = "PZ-5",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    write,
    handle = Poizon,
    via = poizon,
    name = order_create,
    open,
)]
pub struct OrderCreateRequest {}

/// Poizon order preview ("OrderPreview"): **path, method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`), and the response `data` is returned whole as raw JSON.
/// Set the path with `ClientBuilder::override_path("PZ-6", ..)`; without it
/// the call fails before sending.
#[endpoint(
    id = "PZ-6",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = Poizon,
    via = poizon,
    name = order_preview,
    open,
)]
pub struct OrderPreviewRequest {}
