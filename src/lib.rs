//! # xportcn
//!
//! Typed async client for the Xportcn / PandaPon OpenAPI: buy from Taobao,
//! 1688, Alibaba International and Poizon on behalf of overseas shops.
//!
//! * [`Client`] signs every request ([`signing`]), sends it through one core
//!   with timeouts and safe retries ([`retry`]), and decodes the response
//!   envelope into typed structs or a precise [`Error`].
//! * Endpoints are grouped by platform: [`Client::taobao`],
//!   [`Client::aftersale`], [`Client::ali1688`]. Any endpoint's path can be
//!   overridden ([`ClientBuilder::override_path`]), any path can be called
//!   through [`Client::raw`], and any registered endpoint by its declaration
//!   alone through [`Client::endpoint`] (what the `xportcn` command-line
//!   tool, package `xportcn-cli`, does).
//! * [`callbacks`] parses and verifies the messages the platform pushes to
//!   your webhook.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xportcn::Error> {
//! use xportcn::{Client, Credentials, Environment};
//!
//! let client = Client::builder()
//!     .credentials(Credentials::new("access-key", "access-secret", "user-id"))
//!     .environment(Environment::PandaPon)
//!     .build()?;
//! let product = client.taobao().product_get("672991141190").await?;
//! println!("{:?} costs {:?}", product.title, product.price);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The declaration macros name this crate `::xportcn`, inside it too.
extern crate self as xportcn;

pub mod aftersale;
pub mod ali1688;
pub mod basics;
pub mod bigmajor;
pub mod callbacks;
mod client;
pub mod codegen;
mod credentials;
pub mod endpoint;
pub mod envelope;
pub mod error;
pub mod intl;
pub mod logistics;
pub mod model;
pub mod overrides;
pub mod pointer;
pub mod poizon;
pub mod probe;
pub mod readiness;
pub mod record;
pub mod retry;
pub mod signing;
pub mod taobao;
pub mod tracking;
pub mod types;
/// [`intl`] under the name of its handle method ([`Client::alibaba_intl`]),
/// which the declaration macro's generated examples use.
#[doc(hidden)]
pub use intl as alibaba_intl;

/// What the declaration macros' generated code names. Not part of the API.
#[doc(hidden)]
pub mod __macro_support {
    pub use bon;
    pub use serde;
    pub use serde_json;
}

/// Each platform module's own list of the endpoints it declares;
/// [`endpoint::all`] gathers them. A new module adds its list here once.
pub(crate) const ENDPOINT_LISTS: &[&[endpoint::EndpointSpec]] = &[
    taobao::ENDPOINTS,
    aftersale::ENDPOINTS,
    ali1688::ENDPOINTS,
    intl::ENDPOINTS,
    bigmajor::ENDPOINTS,
    poizon::ENDPOINTS,
    aftersale::refund::ENDPOINTS,
    aftersale::message::ENDPOINTS,
    aftersale::return_logistics::ENDPOINTS,
    taobao::cart::ENDPOINTS,
    ali1688::order::ENDPOINTS,
    taobao::search::ENDPOINTS,
    taobao::purchase::ENDPOINTS,
    taobao::order::ENDPOINTS,
    ali1688::refund::ENDPOINTS,
    ali1688::cart::ENDPOINTS,
    basics::ENDPOINTS,
    logistics::ENDPOINTS,
];

/// Hooks for the fuzz targets (`fuzz/`), the property tests and the
/// benchmarks (`benches/`, `tools/src/bin/loopback_bench.rs`). Not part of the
/// API: hidden from the docs, no stability promise.
#[doc(hidden)]
pub mod __private {
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};
    use serde::de::DeserializeOwned;

    use crate::envelope::ApiResponse;
    use crate::error::Error;
    use crate::signing::SignedHeaders;

    /// The client's envelope decoding of one response body, exactly as it
    /// runs on a real response (with a masked signed string for the hint).
    pub fn decode_envelope<T: DeserializeOwned>(
        status: u16,
        body: Bytes,
    ) -> Result<ApiResponse<T>, Error> {
        let signed = || "key1700000000000nonce<access_secret>".to_owned();
        let hints = crate::envelope::Hints {
            signed: Some(&signed),
            http_note: None,
        };
        crate::envelope::decode(status, body, &hints)
    }

    /// [`decode_envelope`] of a borrowed body (copied once).
    pub fn decode_envelope_slice<T: DeserializeOwned>(
        status: u16,
        body: &[u8],
    ) -> Result<ApiResponse<T>, Error> {
        decode_envelope(status, Bytes::copy_from_slice(body))
    }

    /// Writes the five signed headers as the client does for every attempt.
    pub fn apply_signed_headers(
        signed: &SignedHeaders,
        headers: &mut HeaderMap,
        access_key: &HeaderValue,
        user_id: &HeaderValue,
    ) {
        signed.apply(headers, access_key, user_id);
    }
}

pub use client::{Call, Client, ClientBuilder, Environment, Pages, RawCall};
pub use credentials::Credentials;
pub use error::{Error, Result};
/// The `reqwest` this crate is built on: a client given to
/// [`ClientBuilder::http_client`] must be of this exact version.
pub use reqwest;

/// The README's examples, compiled as doctests so they stay correct.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `docs/going-live.md`'s examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/going-live.md")]
pub struct GoingLiveDoctests;
