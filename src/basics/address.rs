use serde_json::value::RawValue;

use super::Basics;
use crate::endpoint::endpoint;
use crate::types::Id;

/// The account's delivery addresses.
///
/// **Path and method unknown**: the doc page (Foundations › "Get user
/// address information", INFERRED doc-en api-263477668) is not stored; the
/// catalogue says `POST`. The call fails before sending until the path is
/// set with
/// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)`("BA-1", ..)`.
/// **Schema unknown**: no parameter is INFERRED (put any in `other`); the
/// answer is kept as raw JSON.
#[endpoint(
    id = "BA-1",
    method = POST,
    response = Box<RawValue>,
    idempotent,
    handle = Basics,
    name = addresses,
    open,
)]
#[derive(Default)]
pub struct AddressesRequest {}

/// Adds a delivery address, or updates the one with `id`.
///
/// The page marks no field required; the address fields are evidently
/// needed and required here, `id` is left out to add (INFERRED: set it to
/// update). The answer has **no `data`**: the body is only `{code, msg}`,
/// so the call returns `None` (anything the server adds as `data` is kept
/// as raw JSON).
#[endpoint(
    id = "BA-2",
    method = POST,
    v1 = verified("/open/address/addOrUpdate", "https://doc-en.pandapon.com/api-263477669"),
    v2 = verified("/v2/open/address/addOrUpdate", "https://doc-cnv2.pandapon.com/api-288437932"),
    response = Option<Box<RawValue>>,
    write,
    handle = Basics,
    name = address_add_or_update,
)]
pub struct AddressAddOrUpdateRequest {
    /// The address to update (sent as a JSON integer); leave unset to add.
    #[serde(serialize_with = "crate::types::lenient::opt_id_as_number")]
    pub id: Option<Id>,
    /// Recipient.
    pub name: String,
    /// Province name.
    pub province: String,
    /// City name.
    pub city: String,
    /// District name.
    pub district: String,
    /// Street address.
    pub address: String,
    /// Mobile number.
    pub phone: String,
}
