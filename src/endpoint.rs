//! Endpoints as data.
//!
//! Each endpoint is declared exactly once, on its request type, with the
//! [`endpoint`](macro@endpoint) attribute. The declaration carries the
//! endpoint's id (as in `docs/endpoints.md`), its method, its path in each of
//! the platform's two path generations with how sure we are of each
//! ([`PathSpec`]), whether it is safe to retry, where its signature travels
//! ([`Signing`]) and, for lists, its page field ([`Paged`]). The one core in
//! [`Client`](crate::Client) reads that declaration; there is no per-endpoint
//! request code.
//!
//! ```
//! use xportcn::endpoint::endpoint;
//! use xportcn::model::model;
//! use xportcn::types::Id;
//!
//! /// What the endpoint answers.
//! #[model]
//! pub struct Answer {
//!     /// A name.
//!     pub name: Option<String>,
//! }
//!
//! /// Reads something by id.
//! #[endpoint(
//!     id = "MY-1",
//!     method = GET,
//!     v1 = verified("/open/thing/get", "https://example.invalid/doc-page"),
//!     v2 = derived("/v2/taobao/thing/get"),
//!     response = Answer,
//!     idempotent,
//! )]
//! pub struct ThingGetRequest {
//!     /// The thing's id.
//!     pub thing_id: Id,
//!     /// Optional language.
//!     pub language: Option<String>,
//! }
//!
//! use xportcn::endpoint::{Endpoint, Generation};
//! let req = ThingGetRequest::builder().thing_id("42").build();
//! assert_eq!(ThingGetRequest::SPEC.path(Generation::V2), Some("/v2/taobao/thing/get"));
//! assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"thingId":"42"}"#);
//! ```
//!
//! # Path evidence and what the core does with it
//!
//! | level | meaning | sent? |
//! |---|---|---|
//! | [`Evidence::Verified`] | a doc page shows the path | yes |
//! | [`Evidence::Derived`] | the other generation's verified path, mapped by the section rule (`/v2/taobao/X` ↔ `/open/X`, `/v2/alibaba/X` ↔ `/alibaba/X`, `/v2/open/X` ↔ `/open/X`) | yes |
//! | [`Evidence::Guessed`] | naming conventions only | reads only; a 404 says the path was guessed |
//! | [`Evidence::Unknown`] | no path | never: fails before sending |
//!
//! A write on a guessed path fails before anything is sent: money never
//! moves on a guess. [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
//! sets any endpoint's path and always wins.
//!
//! Every endpoint the SDK implements is listed by [`all`].

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use xportcn_macros::endpoint;

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

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The platform's two generations of paths.
///
/// The first generation is `/open/...` and `/alibaba/...`; PandaPon's later
/// one is `/v2/taobao/...`, `/v2/alibaba/...` and `/v2/open/...`, often with
/// other ids (the opaque `offerMapId` instead of the numeric `offerId`).
/// Chosen per client with
/// [`ClientBuilder::generation`](crate::ClientBuilder::generation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Generation {
    /// `/open/...`, `/alibaba/...` (the default).
    #[default]
    V1,
    /// PandaPon's `/v2/...`.
    V2,
}

impl Generation {
    /// `"v1"` or `"v2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Generation::V1 => "v1",
            Generation::V2 => "v2",
        }
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the SDK is of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evidence {
    /// A doc page shows this method and path; `source` is the page.
    Verified {
        /// URL of the doc page.
        source: &'static str,
    },
    /// Mapped from the other generation's verified path by the section rule.
    Derived,
    /// From naming conventions only. Sent for reads; never for writes.
    Guessed {
        /// Why this path was chosen.
        reason: &'static str,
    },
    /// No path is known.
    Unknown,
}

impl Evidence {
    /// `"verified"`, `"derived"`, `"guessed"` or `"unknown"`.
    pub fn level(&self) -> &'static str {
        match self {
            Evidence::Verified { .. } => "verified",
            Evidence::Derived => "derived",
            Evidence::Guessed { .. } => "guessed",
            Evidence::Unknown => "unknown",
        }
    }

    /// Whether a doc page shows the path.
    pub fn is_verified(&self) -> bool {
        matches!(self, Evidence::Verified { .. })
    }
}

/// An endpoint's path in one generation, with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathSpec {
    /// The path below the base URL, with `{name}` placeholders; `None` when
    /// unknown.
    pub path: Option<&'static str>,
    /// How sure the SDK is of it.
    pub evidence: Evidence,
}

impl PathSpec {
    /// No known path.
    pub const UNKNOWN: PathSpec = PathSpec {
        path: None,
        evidence: Evidence::Unknown,
    };

    /// A path a doc page shows.
    pub const fn verified(path: &'static str, source: &'static str) -> Self {
        PathSpec {
            path: Some(path),
            evidence: Evidence::Verified { source },
        }
    }

    /// A path mapped from the other generation's verified one.
    pub const fn derived(path: &'static str) -> Self {
        PathSpec {
            path: Some(path),
            evidence: Evidence::Derived,
        }
    }

    /// A path from naming conventions only.
    pub const fn guessed(path: &'static str, reason: &'static str) -> Self {
        PathSpec {
            path: Some(path),
            evidence: Evidence::Guessed { reason },
        }
    }
}

/// Where an endpoint's signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Signing {
    /// The five headers `access-key`, `timestamp`, `nonce-str`, `user-id`,
    /// `signature` (docs/platform.md §2). Every endpoint but warehouse logistics.
    #[default]
    Headers,
    /// `timestamp` and `sign` as query parameters: warehouse logistics
    /// (`/open/pp/logistics/...`). The docs do not say how `sign` is computed
    /// there: **INFERRED** to be the same MD5 rule
    /// (`MD5(access_key + timestamp + nonce + secret)`, upper-case hex); the
    /// five headers are sent as well, so the platform can check either.
    Query,
}

/// The one declaration of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// Stable id, as in `docs/endpoints.md` and the platform catalogue (for
    /// example `TB-A2`). Path overrides are keyed by it.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path in the first generation (`/open/...`, `/alibaba/...`).
    pub v1: PathSpec,
    /// Path in PandaPon's second generation (`/v2/...`).
    pub v2: PathSpec,
    /// Whether sending it twice is harmless (reads, previews, renders). Only
    /// idempotent endpoints are retried automatically.
    pub idempotent: bool,
    /// Where the signature travels.
    pub signing: Signing,
    /// The SDK method that calls it, e.g. `taobao().product_get` (empty for
    /// endpoints declared outside the SDK).
    pub sdk_method: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// For a paged list (`#[endpoint(paged(..))]`), where its page number,
    /// page size, items and totals are on the wire; `None` otherwise.
    pub paging: Option<Paging>,
    /// Builds an example answer (`data`) in the response type's shape: what
    /// the sandbox serves when it has no documented sample or state for the
    /// endpoint. Set by the [`endpoint`](macro@endpoint) attribute from
    /// [`ResponseExample`]; declarations written by hand have none.
    pub example: ExampleFn,
    /// Lists the response's typed fields with their evidence (see
    /// [`EndpointSpec::response_fields`]). Set by the
    /// [`endpoint`](macro@endpoint) attribute from [`ResponseExample`].
    pub fields: FieldsFn,
    /// The request's fields, as declared on the request type (set by the
    /// [`endpoint`](macro@endpoint) attribute; empty for declarations
    /// written by hand). `xportcn endpoints show ID` prints them.
    pub request_fields: &'static [RequestField],
}

/// One field of a request type, as declared: what `xportcn endpoints show`
/// prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestField {
    /// The Rust field name, e.g. `item_id`.
    pub name: &'static str,
    /// The name on the wire, e.g. `itemId`.
    pub wire: &'static str,
    /// The Rust type as written, e.g. `Option<String>`.
    pub ty: &'static str,
    /// Whether the builder requires it (not an `Option`, no default).
    pub required: bool,
    /// Whether it fills a `{name}` placeholder of the path instead of the
    /// query or body.
    pub path_param: bool,
    /// Whether it is the `other` map of an open request: any parameter by
    /// its wire name, sent as given (the docs do not show them).
    pub other: bool,
    /// Whether its rustdoc marks it INFERRED (the doc page does not show it
    /// plainly); otherwise it is as the endpoint's doc page shows it.
    pub inferred: bool,
}

impl RequestField {
    /// A field; used by the code [`endpoint`](macro@endpoint) generates.
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        wire: &'static str,
        ty: &'static str,
        required: bool,
        path_param: bool,
        other: bool,
        inferred: bool,
    ) -> Self {
        RequestField {
            name,
            wire,
            ty,
            required,
            path_param,
            other,
            inferred,
        }
    }

    /// How the SDK knows the field: `doc` (the endpoint's doc page),
    /// `inferred` (rustdoc says INFERRED) or `open` (the `other` map: any
    /// parameter you name).
    pub fn evidence(&self) -> &'static str {
        if self.other {
            "open"
        } else if self.inferred {
            "inferred"
        } else {
            "doc"
        }
    }
}

/// Where a paged list keeps its paging on the wire: the request fields of
/// the page number and size, and the fields of `data` holding the items and
/// the totals. Filled by [`endpoint`](macro@endpoint) from
/// `paged(page = .., size = ..)` and the response's
/// [`Page`](crate::model::Page) declaration, so that a list can be paged by
/// its declaration alone ([`RawCall::pages`](crate::RawCall::pages)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paging {
    /// Request field of the page number (1-based), e.g. `beginPage`.
    pub page_field: &'static str,
    /// Request field of the page size, e.g. `pageSize`, if there is one.
    pub size_field: Option<&'static str>,
    /// Field of `data` holding the page's items (a JSON array).
    pub items_field: &'static str,
    /// Field of `data` holding the total number of items, if any.
    pub total_field: Option<&'static str>,
    /// Field of `data` holding the total number of pages, if any.
    pub total_pages_field: Option<&'static str>,
}

impl Paging {
    /// A paging declaration, by wire names.
    pub const fn new(
        page_field: &'static str,
        size_field: Option<&'static str>,
        items_field: &'static str,
        total_field: Option<&'static str>,
        total_pages_field: Option<&'static str>,
    ) -> Self {
        Paging {
            page_field,
            size_field,
            items_field,
            total_field,
            total_pages_field,
        }
    }
}

/// An example answer in a response type's shape, for the sandbox and for
/// documentation.
///
/// Models give every documented field (with `null` and empty values),
/// lists give one example item, plain values give a typical value. Raw
/// JSON answers (`Box<RawValue>`, `serde_json::Value`), whose shape the
/// docs do not show, give `None`: the sandbox answers those with a generic,
/// lossless echo of the request.
pub trait ResponseExample {
    /// The example, or `None` when the shape is unknown.
    fn response_example() -> Option<serde_json::Value>;

    /// Adds the typed fields of this response (nested models included), each
    /// with its evidence, to `out`. Models declared with
    /// [`model`](macro@crate::model::model) list theirs; other types have
    /// none.
    fn response_fields(_out: &mut ResponseFields) {}
}

impl<T: ResponseExample> ResponseExample for Option<T> {
    fn response_example() -> Option<serde_json::Value> {
        T::response_example()
    }
    fn response_fields(out: &mut ResponseFields) {
        T::response_fields(out)
    }
}

impl<T: ResponseExample> ResponseExample for Vec<T> {
    fn response_example() -> Option<serde_json::Value> {
        Some(serde_json::Value::Array(
            T::response_example().into_iter().collect(),
        ))
    }
    fn response_fields(out: &mut ResponseFields) {
        T::response_fields(out)
    }
}

/// How the SDK knows a typed response field (`docs/endpoints.md` counts them
/// by level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldEvidence {
    /// A doc page of the platform shows the field (its sample, schema or
    /// description; rustdoc says when a name is INFERRED from a description).
    /// The default of a [`model`](macro@crate::model::model) field.
    Doc,
    /// A shipped public client of the platform reads the field:
    /// `"repo, file, commit"` (`#[model(client = "..")]`).
    Client(&'static str),
    /// A recorded answer of the platform holds the field: where it was
    /// recorded (`#[model(recorded = "..")]`).
    Recorded(&'static str),
}

impl FieldEvidence {
    /// The level's name as `docs/endpoints.md` writes it: `doc`, `client` or
    /// `recorded`.
    pub fn level(&self) -> &'static str {
        match self {
            FieldEvidence::Doc => "doc",
            FieldEvidence::Client(_) => "client",
            FieldEvidence::Recorded(_) => "recorded",
        }
    }
}

/// One typed field of a response model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseField {
    /// The model's Rust path, e.g. `xportcn::taobao::product::Sku`.
    pub model: &'static str,
    /// The field's wire name, e.g. `mpSkuId`.
    pub name: &'static str,
    /// How the SDK knows it.
    pub evidence: FieldEvidence,
}

/// The typed fields of a response, each model listed once (a model used in
/// several places, or containing itself, is not listed twice). Filled by
/// [`ResponseExample::response_fields`]; read with
/// [`EndpointSpec::response_fields`].
#[derive(Debug, Default)]
pub struct ResponseFields {
    fields: Vec<ResponseField>,
    seen: Vec<&'static str>,
}

impl ResponseFields {
    /// Starts listing `model`; false if it was already listed.
    #[doc(hidden)]
    pub fn enter(&mut self, model: &'static str) -> bool {
        if self.seen.contains(&model) {
            return false;
        }
        self.seen.push(model);
        true
    }

    /// Adds a field of the model being listed.
    #[doc(hidden)]
    pub fn push(&mut self, model: &'static str, name: &'static str, evidence: FieldEvidence) {
        self.fields.push(ResponseField {
            model,
            name,
            evidence,
        });
    }

    /// The fields listed.
    pub fn fields(&self) -> &[ResponseField] {
        &self.fields
    }

    /// The fields listed, owned.
    pub fn into_fields(self) -> Vec<ResponseField> {
        self.fields
    }
}

/// The function behind [`EndpointSpec::fields`]. Two are equal when they
/// are the same function.
#[derive(Clone, Copy)]
pub struct FieldsFn(pub fn(&mut ResponseFields));

impl FieldsFn {
    /// No typed field (a raw answer, or a declaration written by hand).
    pub const NONE: FieldsFn = FieldsFn(no_fields);
}

fn no_fields(_: &mut ResponseFields) {}

impl fmt::Debug for FieldsFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FieldsFn")
    }
}

impl PartialEq for FieldsFn {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for FieldsFn {}

impl ResponseExample for bool {
    fn response_example() -> Option<serde_json::Value> {
        Some(serde_json::Value::Bool(true))
    }
}

impl ResponseExample for String {
    fn response_example() -> Option<serde_json::Value> {
        Some(serde_json::Value::String(String::new()))
    }
}

impl ResponseExample for Box<serde_json::value::RawValue> {
    fn response_example() -> Option<serde_json::Value> {
        None
    }
}

impl ResponseExample for serde_json::Value {
    fn response_example() -> Option<serde_json::Value> {
        None
    }
}

/// The function behind [`EndpointSpec::example`]. Two are equal when they
/// are the same function.
#[derive(Clone, Copy)]
pub struct ExampleFn(pub fn() -> Option<serde_json::Value>);

impl ExampleFn {
    /// No example: the shape is unknown.
    pub const NONE: ExampleFn = ExampleFn(no_example);

    /// Runs it.
    pub fn build(&self) -> Option<serde_json::Value> {
        (self.0)()
    }
}

fn no_example() -> Option<serde_json::Value> {
    None
}

impl fmt::Debug for ExampleFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExampleFn")
    }
}

impl PartialEq for ExampleFn {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for ExampleFn {}

impl EndpointSpec {
    /// Starts a declaration: both paths unknown, a write, header signing.
    /// Chain the other `const fn`s to fill it in.
    pub const fn new(id: &'static str, method: Method) -> Self {
        EndpointSpec {
            id,
            method,
            v1: PathSpec::UNKNOWN,
            v2: PathSpec::UNKNOWN,
            idempotent: false,
            signing: Signing::Headers,
            sdk_method: "",
            summary: "",
            paging: None,
            example: ExampleFn::NONE,
            fields: FieldsFn::NONE,
            request_fields: &[],
        }
    }

    /// Sets the request's fields (see [`RequestField`]).
    pub const fn request_fields(mut self, fields: &'static [RequestField]) -> Self {
        self.request_fields = fields;
        self
    }

    /// Sets the lister of the response's typed fields (see
    /// [`ResponseExample::response_fields`]).
    pub const fn fields(mut self, f: fn(&mut ResponseFields)) -> Self {
        self.fields = FieldsFn(f);
        self
    }

    /// The response's typed fields, nested models included, each with its
    /// evidence ([`FieldEvidence`]). Empty for an answer kept raw.
    ///
    /// ```
    /// use xportcn::endpoint::{self, FieldEvidence};
    /// let fields = endpoint::find("TB-P8").unwrap().response_fields();
    /// let mp_sku_id = fields.iter().find(|f| f.name == "mpSkuId").unwrap();
    /// assert!(matches!(mp_sku_id.evidence, FieldEvidence::Client(_)));
    /// ```
    pub fn response_fields(&self) -> Vec<ResponseField> {
        let mut out = ResponseFields::default();
        (self.fields.0)(&mut out);
        out.into_fields()
    }

    /// Sets the example answer (see [`ResponseExample`]).
    pub const fn example(mut self, f: fn() -> Option<serde_json::Value>) -> Self {
        self.example = ExampleFn(f);
        self
    }

    /// Sets the first-generation path.
    pub const fn v1(mut self, p: PathSpec) -> Self {
        self.v1 = p;
        self
    }

    /// Sets the second-generation path.
    pub const fn v2(mut self, p: PathSpec) -> Self {
        self.v2 = p;
        self
    }

    /// Sets whether the endpoint is safe to retry.
    pub const fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Sets where the signature travels.
    pub const fn signing(mut self, s: Signing) -> Self {
        self.signing = s;
        self
    }

    /// Sets the SDK method name.
    pub const fn sdk_method(mut self, m: &'static str) -> Self {
        self.sdk_method = m;
        self
    }

    /// Sets the summary line.
    pub const fn summary(mut self, s: &'static str) -> Self {
        self.summary = s;
        self
    }

    /// Declares the endpoint a paged list, with its paging fields.
    pub const fn paging(mut self, paging: Paging) -> Self {
        self.paging = Some(paging);
        self
    }

    /// The path and evidence in a generation.
    pub fn path_spec(&self, generation: Generation) -> &PathSpec {
        match generation {
            Generation::V1 => &self.v1,
            Generation::V2 => &self.v2,
        }
    }

    /// The path in a generation, if known.
    pub fn path(&self, generation: Generation) -> Option<&'static str> {
        self.path_spec(generation).path
    }

    /// The path the SDK sends in a generation when no `override_path` is
    /// set, with the guess's reason for a guessed read; or why it refuses to
    /// send: no path is known, or it is a write on a guessed path (money
    /// never moves on a guess).
    ///
    /// ```
    /// use xportcn::endpoint::{find, Generation};
    /// let pay = find("TB-O12").expect("registered");
    /// assert!(pay.sendable_path(Generation::V1).is_err());
    /// let product = find("TB-P8").expect("registered");
    /// assert_eq!(product.sendable_path(Generation::V1), Ok(("/open/product/get", None)));
    /// ```
    pub fn sendable_path(
        &self,
        generation: Generation,
    ) -> Result<(&'static str, Option<&'static str>), String> {
        let ps = self.path_spec(generation);
        match (ps.path, ps.evidence) {
            (Some(p), Evidence::Verified { .. } | Evidence::Derived) => Ok((p, None)),
            (Some(p), Evidence::Guessed { reason }) if self.idempotent => Ok((p, Some(reason))),
            (Some(p), Evidence::Guessed { .. }) => Err(format!(
                "it is a write and its path {p} is only guessed (no doc page shows it); \
                 money never moves on a guess"
            )),
            _ => Err("no path is known for it".to_owned()),
        }
    }
}

/// A request type bound to its endpoint; written by the
/// [`endpoint`](macro@endpoint) attribute.
///
/// The request serializes to the query string (`GET`) or the JSON body
/// (`POST`); fields marked `#[path_param]` fill `{name}` path placeholders
/// and are returned by [`Endpoint::path_params`].
///
/// Implementing it for your own type lets you call an endpoint the SDK does
/// not cover yet with full typing, through [`Client::call`](crate::Client::call).
pub trait Endpoint: Serialize + Send + Sync + 'static {
    /// What `data` decodes to.
    type Response: DeserializeOwned + Send + 'static;

    /// The endpoint's declaration.
    const SPEC: EndpointSpec;

    /// Values for the path's `{name}` placeholders.
    fn path_params(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Refuses a request that does not fit a generation (for example a v1
    /// numeric `offerId` where v2 wants an opaque `offerMapId`), before
    /// anything is sent. The message says what to use instead.
    fn check_generation(&self, generation: Generation) -> Result<(), String> {
        let _ = generation;
        Ok(())
    }
}

/// A paged list request: which field holds the page number. Declared with
/// `#[endpoint(paged(page = .., size = ..))]`; its response implements
/// [`Page`](crate::model::Page).
pub trait Paged: Endpoint {
    /// The page this request asks for (1-based), if set.
    fn page(&self) -> Option<u32>;
    /// Asks for another page.
    fn set_page(&mut self, page: u32);
    /// The page size this request asks for, if set.
    fn page_size(&self) -> Option<u32>;
}

/// A page-number field of a request (`u32`, `i32`, `i64`, or an `Option` of
/// one); used by the code [`endpoint`](macro@endpoint) generates.
#[doc(hidden)]
pub trait PageField {
    /// The value, if set and in range.
    fn get(&self) -> Option<u32>;
    /// Sets the value.
    fn set(&mut self, page: u32);
}

macro_rules! page_field {
    ($($t:ty),*) => {$(
        impl PageField for $t {
            fn get(&self) -> Option<u32> {
                u32::try_from(*self).ok()
            }
            fn set(&mut self, page: u32) {
                *self = <$t>::try_from(page).unwrap_or(<$t>::MAX);
            }
        }
        impl PageField for Option<$t> {
            fn get(&self) -> Option<u32> {
                self.and_then(|v| u32::try_from(v).ok())
            }
            fn set(&mut self, page: u32) {
                *self = Some(<$t>::try_from(page).unwrap_or(<$t>::MAX));
            }
        }
    )*};
}
page_field!(u32, i32, i64, u64);

/// The registry: every endpoint the SDK declares with
/// [`endpoint`](macro@endpoint) adds its [`EndpointSpec`] here by its
/// declaration alone (a `linkme` distributed slice, gathered at link time).
/// Read it through [`all`].
#[doc(hidden)]
#[allow(unsafe_code)]
#[linkme::distributed_slice]
pub static __REGISTRY: [EndpointSpec];

/// Every endpoint this version of the SDK implements, ordered by id
/// (section as in the platform catalogue, then number).
///
/// Each [`endpoint`](macro@endpoint) declaration inside the SDK registers
/// itself: there is no hand-kept list to forget. Endpoints you declare in
/// your own crate are not listed (call them with
/// [`Client::call`](crate::Client::call)).
pub fn all() -> &'static [EndpointSpec] {
    static ALL: OnceLock<Vec<EndpointSpec>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<EndpointSpec> = __REGISTRY.iter().copied().collect();
        v.sort_by_key(|s| sort_key(s.id));
        v
    })
}

/// A platform handle (`client.taobao()`, `client.ali1688()`, ...): the
/// name of the [`Client`](crate::Client) method that returns it. The [`endpoint`](macro@endpoint) attribute's
/// `handle = ..` generates the handle's typed methods from it, and the
/// endpoint's [`EndpointSpec::sdk_method`] (`"ali1688().keyword_search"`).
pub trait Handle {
    /// The [`Client`](crate::Client) method returning this handle, e.g.
    /// `"ali1688"`.
    const VIA: &'static str;
}

/// `via + "()." + name` as bytes, at compile time: the `sdk_method` the
/// [`endpoint`](macro@endpoint) attribute writes. Not part of the API.
#[doc(hidden)]
pub const fn __sdk_method<const N: usize>(via: &str, name: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let (v, n) = (via.as_bytes(), name.as_bytes());
    let mut i = 0;
    while i < v.len() {
        out[i] = v[i];
        i += 1;
    }
    let sep = b"().";
    let mut j = 0;
    while j < sep.len() {
        out[i + j] = sep[j];
        j += 1;
    }
    let mut k = 0;
    while k < n.len() {
        out[i + 3 + k] = n[k];
        k += 1;
    }
    out
}

/// Orders ids by section (as in the platform catalogue), then number.
fn sort_key(id: &str) -> (usize, String, u32, String) {
    const SECTIONS: [&str; 7] = ["TB", "AL", "BA", "WL", "IA", "BM", "PZ"];
    let (sec, rest) = id.split_once('-').unwrap_or((id, ""));
    let rank = SECTIONS
        .iter()
        .position(|s| *s == sec)
        .unwrap_or(SECTIONS.len());
    let letters: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let tail = &rest[letters.len()..];
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    let num = digits.parse().unwrap_or(0);
    (rank, letters, num, tail[digits.len()..].to_owned())
}

/// Looks up a spec by id.
pub fn find(id: &str) -> Option<&'static EndpointSpec> {
    all().iter().find(|s| s.id == id)
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
        for s in all() {
            for g in [Generation::V1, Generation::V2] {
                if let Some(p) = s.path(g) {
                    assert!(p.starts_with('/'), "{}: {p}", s.id);
                }
            }
        }
    }

    /// The rule a derived path claims to follow, checked against the path it
    /// was derived from: `/v2/taobao/X` ↔ `/open/X`, `/v2/alibaba/X` ↔
    /// `/alibaba/X`, `/v2/open/X` ↔ `/open/X`.
    #[test]
    fn derived_paths_follow_the_section_rule() {
        fn twins(v1: &str, v2: &str) -> bool {
            let pairs = [
                ("/open/", "/v2/taobao/"),
                ("/open/", "/v2/open/"),
                ("/alibaba/", "/v2/alibaba/"),
            ];
            pairs.iter().any(|(a, b)| {
                v1.strip_prefix(a)
                    .zip(v2.strip_prefix(b))
                    .is_some_and(|(x, y)| x == y)
            })
        }
        for s in all() {
            for (mine, other) in [(&s.v1, &s.v2), (&s.v2, &s.v1)] {
                if mine.evidence == Evidence::Derived {
                    assert!(
                        other.evidence.is_verified(),
                        "{}: a derived path needs a verified twin",
                        s.id
                    );
                    let (v1, v2) = if std::ptr::eq(mine, &s.v1) {
                        (mine.path, other.path)
                    } else {
                        (other.path, mine.path)
                    };
                    assert!(
                        twins(v1.unwrap_or(""), v2.unwrap_or("")),
                        "{}: {v1:?} and {v2:?} do not follow the rule",
                        s.id
                    );
                }
            }
        }
    }

    /// Every `#[endpoint(..)]` declaration in the SDK's sources (and no
    /// other `impl Endpoint`) is in [`all`], with its id: the registry cannot
    /// silently miss one.
    #[test]
    fn every_declaration_in_the_sources_is_registered() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("src/ is readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut declared = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a source file");
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                let code = line.trim_start();
                if code.starts_with("impl Endpoint for")
                    || code.starts_with("impl crate::endpoint::Endpoint for")
                    || code.starts_with("impl xportcn::endpoint::Endpoint for")
                {
                    panic!(
                        "{}: a hand-written `impl Endpoint` ({code}): declare it with #[endpoint]",
                        file.display()
                    );
                }
                if !line.starts_with("#[endpoint(") {
                    continue;
                }
                let id = lines
                    .by_ref()
                    .take(4)
                    .find_map(|l| l.trim().strip_prefix("id = \""))
                    .and_then(|l| l.split('"').next())
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: an #[endpoint] without `id = \"..\"` on its first lines",
                            file.display()
                        )
                    });
                declared.push(id.to_owned());
            }
        }
        declared.sort_by_key(|id| sort_key(id));
        let registered: Vec<&str> = all().iter().map(|s| s.id).collect();
        assert!(
            declared.len() > 90,
            "the scan found {} declarations",
            declared.len()
        );
        assert_eq!(registered, declared, "registered ids vs declared ids");
    }

    #[test]
    fn sdk_method_is_handle_then_name() {
        assert_eq!(
            find("AL-P4").map(|s| s.sdk_method),
            Some("ali1688().keyword_search")
        );
        let bytes: [u8; 13] = __sdk_method::<13>("taobao", "cart");
        assert_eq!(&bytes, b"taobao().cart");
    }

    #[test]
    fn sorted_by_section_then_number() {
        let mut ids = vec![
            "AL-P2", "TB-P10", "TB-A2", "TB-P8", "TB-P5b", "TB-P5", "BA-1",
        ];
        ids.sort_by_key(|i| sort_key(i));
        assert_eq!(
            ids,
            [
                "TB-A2", "TB-P5", "TB-P5b", "TB-P8", "TB-P10", "AL-P2", "BA-1"
            ]
        );
    }
}
