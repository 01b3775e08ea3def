//! Poizon search: by keyword (PZ-1).

use serde_json::value::RawValue;

use super::Poizon;
use crate::endpoint::endpoint;

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
    name = keyword_search,
    open,
)]
pub struct KeywordSearchRequest {}
