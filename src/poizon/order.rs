//! Poizon orders: pay (PZ-3), list (PZ-4), create (PZ-5), preview (PZ-6).

use serde_json::value::RawValue;

use super::Poizon;
use crate::endpoint::endpoint;

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
    name = order_preview,
    open,
)]
pub struct OrderPreviewRequest {}
