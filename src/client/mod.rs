//! The client: [`Client`] and the calls it starts.
//!
//! One file per job:
//!
//! | file | job |
//! |---|---|
//! | `mod.rs` | [`Client`]: what it holds, the calls it starts (`call`, `raw`, `endpoint`) |
//! | `builder.rs` | [`ClientBuilder`], [`Environment`]: settings, defaults, checks |
//! | `core.rs` | the one request core: prepare → sign → send → classify → decide → decode |
//! | `call.rs` | [`Call`]: a typed endpoint call |
//! | `pages.rs` | [`Pages`] and the one paging loop (typed and untyped pages) |
//! | `raw.rs` | [`RawCall`]: a call by path or by declaration, untyped |
//!
//! Every call, typed or raw, reaches the core as a `core::Prepared` request
//! and leaves it as an [`ApiResponse`](crate::envelope::ApiResponse) or an
//! [`Error`](crate::Error).

mod builder;
mod call;
mod core;
mod pages;
mod raw;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;

use crate::credentials::Credentials;
use crate::endpoint::{Endpoint, EndpointSpec, Generation, Method};
use crate::retry::RetryPolicy;
use crate::signing::TimestampUnit;

pub use builder::{ClientBuilder, Environment};
pub use call::Call;
use core::Interceptor;
pub use pages::Pages;
pub use raw::RawCall;

/// The API client. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> Result<(), xportcn::Error> {
/// use xportcn::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::from_env()?).build()?;
/// let product = client.taobao().product_get("672991141190").await?;
/// let render = client
///     .aftersale()
///     .refund_render()
///     .sub_order_id("1034499579120189839")
///     .goods_status(1)
///     .refund_type(1)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

/// What a client holds, shared by its clones.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) creds: Credentials,
    pub(super) access_key: HeaderValue,
    pub(super) user_id: HeaderValue,
    pub(super) user_agent: HeaderValue,
    pub(super) timestamp_unit: TimestampUnit,
    pub(super) retry: RetryPolicy,
    pub(super) attempt_timeout: Duration,
    pub(super) total_timeout: Duration,
    /// The path overrides in effect in `generation`, by endpoint id.
    pub(super) overrides: HashMap<&'static str, crate::overrides::PathOverride>,
    pub(super) max_response_bytes: usize,
    pub(super) generation: Generation,
    pub(super) interceptors: Vec<Box<dyn Interceptor>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("credentials", &self.inner.creds)
            .field("timestamp_unit", &self.inner.timestamp_unit)
            .field("retry", &self.inner.retry)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("total_timeout", &self.inner.total_timeout)
            .field("overrides", &self.inner.overrides)
            .field("generation", &self.inner.generation)
            .field("interceptors", &self.inner.interceptors)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The path generation this client uses.
    pub fn generation(&self) -> Generation {
        self.inner.generation
    }

    /// The path an endpoint is sent to by this client: its override, or its
    /// declared path in the client's generation (`None` when unknown). Says
    /// nothing of whether the path may be sent: see [`endpoint`](crate::endpoint).
    pub fn path_of(&self, spec: &EndpointSpec) -> Option<&str> {
        match self.inner.overrides.get(spec.id) {
            Some(o) => Some(o.path.as_str()),
            None => spec.path(self.inner.generation),
        }
    }

    /// Calls any [`Endpoint`]: the SDK's own request types, or yours. The
    /// call holds a clone of the client (one `Arc`), so it can be moved into
    /// `tokio::spawn`.
    pub fn call<E: Endpoint>(&self, request: E) -> Call<E> {
        Call {
            client: self.clone(),
            request,
            retry_writes: false,
        }
    }

    /// The escape hatch: any method and path, any JSON body, signed and
    /// decoded like every other call.
    ///
    /// ```no_run
    /// # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
    /// use xportcn::endpoint::Method;
    /// let resp = client
    ///     .raw(Method::Post, "/v2/taobao/product/item/search")
    ///     .json(&serde_json::json!({"keyword": "电动车", "pageNo": 1, "pageSize": 5}))
    ///     .idempotent(true)
    ///     .send_value()
    ///     .await?;
    /// println!("{} {}", resp.request_id.unwrap_or_default(), resp.data);
    /// # Ok(()) }
    /// ```
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawCall {
        RawCall {
            client: self.clone(),
            method,
            path: path.into(),
            query: None,
            body: None,
            // The SDK cannot know what a raw path does: a GET may be a write.
            idempotent: false,
            error: None,
            spec: None,
            path_params: Vec::new(),
        }
    }

    /// Calls an endpoint by its declaration, with an untyped request: what
    /// a tool that knows only an id (`endpoint::find("TB-P8")`) needs.
    ///
    /// Everything but the request's type is the typed method's: the method,
    /// the path for this client's generation (or its override) with the same
    /// evidence rules (an unknown path, or a write on a guessed one, fails
    /// before sending with [`Error::PathUnavailable`](crate::Error::PathUnavailable)), where the signature
    /// travels, and whether it is retried. The fields go where the method
    /// puts them: set them with [`RawCall::query`] for a `GET`,
    /// [`RawCall::json`] for a `POST`; `{name}` placeholders of the path
    /// with [`RawCall::path_param`]. A typed request's own checks
    /// ([`Endpoint::check_generation`]) do not run.
    ///
    /// ```no_run
    /// # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
    /// let spec = xportcn::endpoint::find("TB-P8").expect("a registered id");
    /// let resp = client.endpoint(spec).query(&[("itemId", "672991141190")]).send_value().await?;
    /// println!("{}", resp.data);
    /// # Ok(()) }
    /// ```
    pub fn endpoint(&self, spec: &'static EndpointSpec) -> RawCall {
        RawCall {
            idempotent: spec.idempotent,
            spec: Some(spec),
            ..self.raw(spec.method, String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }
}
