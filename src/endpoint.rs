//! Endpoints as data.
//!
//! Each endpoint is declared exactly once, as an [`EndpointSpec`] attached to
//! its request type through the [`Endpoint`] trait: method, path, whether the
//! path is verified against the platform's docs or inferred, and whether it is
//! safe to retry. The client's core is generic over that declaration; adding an
//! endpoint means adding a request type, a response type and one spec.
//!
//! Every spec is also listed in [`all`], so a path override can be checked
//! against a real endpoint id, and tooling can list what the SDK covers.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: the request's fields travel as the query string.
    Get,
    /// `POST`: the request's fields travel as a JSON body.
    Post,
}

impl Method {
    /// The method's name, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        }
    }
}

/// How sure the SDK is of an endpoint's path and method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evidence {
    /// The platform's docs show this method and path; `source` is the page.
    Verified {
        /// URL of the doc page.
        source: &'static str,
    },
    /// Our reading of the platform's conventions; the docs do not show it.
    /// Override the path with
    /// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
    /// if the platform disagrees.
    Inferred {
        /// Why this path was chosen.
        reason: &'static str,
    },
}

impl Evidence {
    /// Whether the path is confirmed by the docs.
    pub fn is_verified(&self) -> bool {
        matches!(self, Evidence::Verified { .. })
    }
}

/// The one declaration of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// Stable id, as in `docs/endpoints.md` (for example `TB-A2`). Path
    /// overrides are keyed by it.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL, with `{name}` placeholders for path parameters.
    pub path: &'static str,
    /// Where the path comes from.
    pub evidence: Evidence,
    /// Whether sending it twice is harmless (reads, previews, renders). Only
    /// idempotent endpoints are retried automatically.
    pub idempotent: bool,
}

impl EndpointSpec {
    /// Declares an endpoint. Used in `const` items by the platform modules.
    pub const fn new(
        id: &'static str,
        method: Method,
        path: &'static str,
        evidence: Evidence,
        idempotent: bool,
    ) -> Self {
        EndpointSpec {
            id,
            method,
            path,
            evidence,
            idempotent,
        }
    }
}

/// A request type bound to its endpoint.
///
/// The request serializes to the query string (`GET`) or the JSON body
/// (`POST`); fields that fill `{name}` path placeholders are skipped in
/// serialization and returned by [`Endpoint::path_params`].
///
/// Implementing it for your own type lets you call an endpoint the SDK does
/// not cover yet with full typing, through [`Client::call`](crate::Client::call):
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use xportcn::endpoint::{Endpoint, EndpointSpec, Evidence, Method};
///
/// #[derive(Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct CartList { page_no: u32 }
///
/// #[derive(Deserialize)]
/// struct CartPage { #[serde(flatten)] all: xportcn::types::Extra }
///
/// impl Endpoint for CartList {
///     type Response = CartPage;
///     const SPEC: EndpointSpec = EndpointSpec::new(
///         "MY-CART", Method::Get, "/open/cart/list",
///         Evidence::Inferred { reason: "my guess" }, true,
///     );
/// }
/// ```
pub trait Endpoint: Serialize + Send + Sync {
    /// What `data` decodes to.
    type Response: DeserializeOwned + Send + 'static;

    /// The endpoint's declaration.
    const SPEC: EndpointSpec;

    /// Values for the path's `{name}` placeholders.
    fn path_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// Every endpoint this version of the SDK implements.
pub fn all() -> &'static [EndpointSpec] {
    ALL
}

const ALL: &[EndpointSpec] = &[
    <crate::taobao::ProductGetRequest as Endpoint>::SPEC,
    <crate::aftersale::RefundRenderRequest as Endpoint>::SPEC,
    <crate::ali1688::ProductDetailRequest as Endpoint>::SPEC,
];

/// Looks up a spec by id.
pub fn find(id: &str) -> Option<&'static EndpointSpec> {
    ALL.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_paths_absolute() {
        let mut ids: Vec<_> = all().iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all().len());
        assert!(all().iter().all(|s| s.path.starts_with('/')));
    }
}
