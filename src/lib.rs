//! # xportcn
//!
//! Typed async client for the Xportcn / PandaPon OpenAPI: buy from Taobao,
//! 1688, Alibaba International and Poizon on behalf of overseas shops, and
//! receive the order messages the platform pushes to your webhook.
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
//!
//! The guides (configuration, webhooks, tracking, the sandbox, recording)
//! are the repository's `docs/` pages; this page indexes the API.
//!
//! ## The client
//!
//! [`Client`] (built by [`ClientBuilder`]) signs every request
//! ([`signing`]), sends it through one core with timeouts and safe retries
//! ([`retry`]), and decodes the response envelope into typed structs or a
//! precise [`Error`] ([`error`]).
//!
//! ## Handles: one per platform section
//!
//! * [`Client::taobao`]: Taobao products, search, purchase orders, orders
//!   and cart ([`taobao`]).
//! * [`Client::aftersale`]: Taobao after-sale: refunds, returns, messages,
//!   return logistics ([`aftersale`]).
//! * [`Client::ali1688`]: 1688 products, search, orders, cart and
//!   after-sale ([`ali1688`]).
//! * [`Client::alibaba_intl`]: Alibaba International ([`intl`]).
//! * [`Client::bigmajor`]: bigMajor, key-account 1688 ([`bigmajor`]).
//! * [`Client::poizon`]: Poizon ([`poizon`]).
//! * [`Client::basics`]: the account's delivery addresses
//!   ([`basics`]).
//! * [`Client::logistics`]: warehouse logistics, signed in the query string
//!   ([`logistics`]).
//!
//! Beyond the handles: [`Client::call`] sends any request that implements
//! [`endpoint::Endpoint`] (yours too), [`Client::endpoint`] any registered
//! endpoint by its declaration, and [`Client::raw`] any path.
//!
//! ## Modules
//!
//! * [`endpoint`]: the endpoint registry ([`endpoint::all`]), path
//!   generations and evidence levels, and the `#[endpoint]` declaration.
//! * [`model`]: the `#[model]` declaration of response models (unknown
//!   fields kept in `extra`).
//! * [`types`]: shared value types: ids, amounts, lenient numbers, raw
//!   answers.
//! * [`envelope`]: the response envelope (`code`, `msg`, `data`, request id)
//!   and its success codes.
//! * [`overrides`]: path overrides, set in code or from a file
//!   (`XPORTCN_PATH_OVERRIDES`), validated at build.
//! * [`pointer`](mod@pointer): typed reads of raw answers by JSON pointer (`ReadAt`).
//! * [`probe`]: discovery of undocumented read paths on your own account
//!   (never a write).
//! * [`readiness`]: which endpoints can be sent in production under the
//!   current configuration, before anything is sent.
//! * [`signing`]: the request signature (MD5 over key, timestamp, nonce and
//!   secret).
//! * [`retry`]: the retry policy and the one pure decision it follows.
//! * [`error`]: [`Error`] and what each variant carries.
//! * [`callbacks`]: pushed messages, their verifier, the receiver
//!   ([`callbacks::receive`]; `callbacks::axum` with feature `axum`), the
//!   durable inbox ([`callbacks::inbox`]: memory, SQLite, Redis), the
//!   consumer and the storage layer ([`callbacks::storage`]).
//! * [`tracking`]: one typed state per order from pushes and polls, and the
//!   budgeted re-sync.
//! * [`record`]: recording exchanges, redacted, for replay and codegen.
//! * [`codegen`]: a `#[model]` declaration generated from a recorded answer.
//!
//! ## Features
//!
//! `rustls` (default): TLS through rustls. `axum`: the ready webhook
//! receiver, with `sqlite`. `sqlite`: the embedded inbox and tracker store.
//! `redis`: the Redis inbox, replay store and tracker store.
// `deny`, not `forbid`: the endpoint registry's statics (a `linkme`
// distributed slice: `#[link_section]`, which the lint counts as unsafe) are
// the one allowed exception, each marked `#[allow(unsafe_code)]`. There is no
// `unsafe` block in the SDK.
#![deny(unsafe_code)]
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
pub mod prelude;
pub mod probe;
pub mod readiness;
pub mod record;
pub mod retry;
pub mod signing;
pub mod taobao;
pub mod tracking;
pub mod types;

/// What the declaration macros' generated code names. Not part of the API.
#[doc(hidden)]
pub mod __macro_support {
    pub use bon;
    pub use linkme;
    pub use serde;
    pub use serde_json;
}

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

// The README's and the docs pages' examples, compiled as doctests so they
// stay correct. Those whose examples serve pushes need the receiver.

/// The README's examples.
#[cfg(all(doctest, feature = "axum"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `docs/going-live.md`'s examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/going-live.md")]
pub struct GoingLiveDoctests;
/// `docs/calls.md`'s examples, compiled as doctests so they stay correct.
#[cfg(doctest)]
#[doc = include_str!("../docs/calls.md")]
pub struct CallsDoctests;

/// `docs/client.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/client.md")]
pub struct ClientDoc;

/// `docs/webhooks.md`'s examples.
#[cfg(all(doctest, feature = "axum"))]
#[doc = include_str!("../docs/webhooks.md")]
pub struct WebhooksDoc;

/// `docs/tracking.md`'s examples.
#[cfg(all(doctest, feature = "axum"))]
#[doc = include_str!("../docs/tracking.md")]
pub struct TrackingDoc;

/// `docs/sandbox.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/sandbox.md")]
pub struct SandboxDoc;

/// `docs/recording.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/recording.md")]
pub struct RecordingDoc;

/// `docs/cli.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/cli.md")]
pub struct CliDoc;

/// `docs/adding-an-endpoint.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/adding-an-endpoint.md")]
pub struct AddingAnEndpointDoc;

/// `docs/platform.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/platform.md")]
pub struct PlatformDoc;

/// `docs/probe.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/probe.md")]
pub struct ProbeDoc;

/// `docs/raw-answers.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/raw-answers.md")]
pub struct RawAnswersDoc;

/// `docs/endpoints.md`'s examples.
#[cfg(doctest)]
#[doc = include_str!("../docs/endpoints.md")]
pub struct EndpointsDoc;
