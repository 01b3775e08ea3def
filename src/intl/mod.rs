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
//! let detail = client.alibaba_intl().product_detail(request).await?;
//! for (name, raw) in detail.extra.iter() {
//!     println!("{name} = {}", raw.get());
//! }
//! # Ok(()) }
//! ```

use serde_json::value::RawValue;

use crate::client::Client;
use crate::endpoint::{Endpoint, EndpointSpec, endpoint};
use crate::model::model;

/// The endpoints this module declares (gathered by [`crate::endpoint::all`]).
pub(crate) const ENDPOINTS: &[EndpointSpec] = &[
    ProductDetailRequest::SPEC,
    ProductListRequest::SPEC,
    OrderListRequest::SPEC,
    OrderCreateRequest::SPEC,
];

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

/// Alibaba International product detail ("productDetailGet"): **path,
/// method and schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`, e.g. with
/// `.param(..)`: the SDK invents none), and the response is read as an
/// object whose fields are all kept in `extra`. Set the path with
/// `ClientBuilder::override_path("IA-1", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "IA-1",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = ProductDetail,
    idempotent,
    handle = AlibabaIntl,
    via = alibaba_intl,
    name = product_detail,
    open,
)]
pub struct ProductDetailRequest {}

/// The `data` of IA-1, an Alibaba International product: **schema
/// unknown**, so no field is modelled and every field the server sends is
/// kept in [`extra`](Self::extra) (read one with `extra.get_as::<T>("name")`).
#[model]
pub struct ProductDetail {}

/// Alibaba International product list ("productList"): **path, method and
/// schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names (paging included) are unknown (put them in `other`),
/// and the response `data` is returned whole as raw JSON, as it may be a
/// list or a page object. Set the path with
/// `ClientBuilder::override_path("IA-2", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "IA-2",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = AlibabaIntl,
    via = alibaba_intl,
    name = product_list,
    open,
)]
pub struct ProductListRequest {}

/// Alibaba International order list ("GetOrderList"): **path, method and
/// schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names (paging included) are unknown (put them in `other`),
/// and the response `data` is returned whole as raw JSON. Set the path with
/// `ClientBuilder::override_path("IA-3", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "IA-3",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    idempotent,
    handle = AlibabaIntl,
    via = alibaba_intl,
    name = order_list,
    open,
)]
pub struct OrderListRequest {}

/// Alibaba International order creation ("CreateOrder"): **path, method and
/// schema unknown.**
///
/// No stored doc page shows this endpoint: the method (`POST`) is INFERRED,
/// the parameter names are unknown (put them in `other`), and the response
/// `data` is returned whole as raw JSON. A write: it is sent only on a path
/// you set with `ClientBuilder::override_path("IA-4", ..)`, never on a
/// guess, and never retried silently.
#[endpoint(
    id = "IA-4",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = Box<RawValue>,
    write,
    handle = AlibabaIntl,
    via = alibaba_intl,
    name = order_create,
    open,
)]
pub struct OrderCreateRequest {}
