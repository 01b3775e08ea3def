//! Poizon products: detail (PZ-2).

use super::Poizon;
use crate::endpoint::endpoint;
use crate::model::model;

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
    name = product_detail,
    open,
)]
pub struct ProductDetailRequest {}

/// The `data` of PZ-2, a Poizon product: **schema unknown**, so no field is
/// modelled and every field the server sends is kept in
/// [`extra`](Self::extra) (read one with `extra.get_as::<T>("name")`).
#[model]
pub struct ProductDetail {}
