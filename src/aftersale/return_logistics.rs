//! Return shipments of reverse orders: render (TB-A3) and submit (TB-A4).

use serde_json::value::RawValue;

use super::Aftersale;
use crate::endpoint::endpoint;
use crate::types::Id;

/// Return logistics rendering: what a return shipment of a refund may look
/// like (INFERRED: the seller's return address and the carriers).
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-A3", ..)`.
/// **Request INFERRED** (the refund id, in the query; set anything else
/// through `other`); response schema unknown (raw JSON).
#[endpoint(
    id = "TB-A3",
    method = GET,
    response = Box<RawValue>,
    idempotent,
    handle = Aftersale,
    name = return_logistics_render,
    open,
)]
pub struct ReturnLogisticsRenderRequest {
    /// The reverse order.
    pub refund_id: Id,
}

/// Return logistics submission: tells the platform how the goods were sent
/// back.
///
/// **Path unknown** (navigation title and method only): the call fails before
/// sending unless you set the path with `override_path("TB-A4", ..)`.
/// **Request INFERRED**: the refund id, plus the carrier code and tracking
/// number under the names the reverse-order detail (TB-A10) uses for them;
/// no page shows this body, so set anything else through `other`. Response
/// schema unknown (raw JSON).
#[endpoint(
    id = "TB-A4",
    method = POST,
    response = Box<RawValue>,
    write,
    handle = Aftersale,
    name = return_logistics_submit,
    open,
)]
pub struct ReturnLogisticsSubmitRequest {
    /// The reverse order.
    pub refund_id: Id,
    /// Carrier code, e.g. `SF` (name INFERRED from the detail response).
    pub logistics_company_code: Option<String>,
    /// Tracking number (name INFERRED from the detail response).
    pub logistics_no: Option<String>,
}
