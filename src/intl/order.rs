//! Alibaba International orders: list (IA-3) and creation (IA-4).

use serde_json::value::RawValue;

use super::AlibabaIntl;
use crate::endpoint::endpoint;

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
    name = order_create,
    open,
)]
pub struct OrderCreateRequest {}
