use super::BigMajor;
use crate::endpoint::endpoint;
use crate::model::model;

/// Key-account 1688 product detail ("1688BigMajorProductDetail"): **path,
/// method and schema unknown.**
///
/// The KA docs list an "AlibabaProductDetail" page, but no stored page shows
/// its path, method or fields. The method (`POST`) is INFERRED; the
/// parameter names are unknown (put them in `other`, e.g. with `.param(..)`:
/// the SDK does not borrow PandaPon's `offerId`/`country`, a different
/// endpoint), and the response is read as an object whose fields are all
/// kept in `extra`. Set the path with
/// `ClientBuilder::override_path("BM-1", ..)`; without it the call fails
/// before sending.
#[endpoint(
    id = "BM-1",
    method = POST,
    v1 = unknown,
    v2 = unknown,
    response = ProductDetail,
    idempotent,
    handle = BigMajor,
    name = product_detail,
    open,
)]
pub struct ProductDetailRequest {}

/// The `data` of BM-1, a key-account 1688 product: **schema unknown**, so no
/// field is modelled and every field the server sends is kept in
/// [`extra`](Self::extra) (read one with `extra.get_as::<T>("name")`).
#[model]
pub struct ProductDetail {}
