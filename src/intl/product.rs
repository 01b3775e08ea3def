//! Alibaba International products: detail (IA-1) and list (IA-2).

use serde_json::value::RawValue;

use super::AlibabaIntl;
use crate::endpoint::endpoint;
use crate::model::model;

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
    name = product_list,
    open,
)]
pub struct ProductListRequest {}
