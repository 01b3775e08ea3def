//! The client, its builder, and the one core that sends every request.

use std::collections::HashMap;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, Stream, StreamExt};
use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::Instrument;

use crate::model::Page;

use crate::credentials::Credentials;
use crate::endpoint::{self, Endpoint, EndpointSpec, Generation, Method, Paged, Paging, Signing};
use crate::envelope::{self, ApiResponse};
use crate::error::{Error, TimeoutKind, TransportKind};
use crate::record::{Exchange, Recorder};
use crate::retry::{self, Decision, Outcome, RetryPolicy};
use crate::signing::{SignedHeaders, TimestampUnit};

/// Default per-attempt timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default total timeout of a call, retries and their delays included.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(90);
/// Default connect timeout (only for the HTTP client this crate builds).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on a response body: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// The `endpoint` of a call by path (in spans and logs; `null` in records).
const RAW_ENDPOINT: &str = "raw";

/// Stand-in deadline for a total timeout too large to add to an `Instant`.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Characters escaped in a path parameter: everything but unreserved ones.
const PATH_PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Where the platform lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// Xportcn, `https://www.xportcn.com/api` (the default).
    Xportcn,
    /// PandaPon, `https://api.pandapon.com`.
    PandaPon,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Xportcn => "https://www.xportcn.com/api",
            Environment::PandaPon => "https://api.pandapon.com",
        }
    }
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use xportcn::{Client, Credentials, Environment};
///
/// let client = Client::builder()
///     .credentials(Credentials::new("key", "secret", "2100007341207"))
///     .environment(Environment::PandaPon)
///     .attempt_timeout(Duration::from_secs(10))
///     .override_path("TB-A2", "/v2/taobao/order/refund/render")
///     .build()?;
/// # Ok::<(), xportcn::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: String,
    user_agent: String,
    attempt_timeout: Duration,
    total_timeout: Duration,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
    timestamp_unit: TimestampUnit,
    retry: RetryPolicy,
    overrides: Vec<(String, String)>,
    max_response_bytes: usize,
    generation: Generation,
    record_to: Option<std::path::PathBuf>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("user_agent", &self.user_agent)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("timestamp_unit", &self.timestamp_unit)
            .field("retry", &self.retry)
            .field("overrides", &self.overrides)
            .field("generation", &self.generation)
            .field("record_to", &self.record_to)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            base_url: Environment::Xportcn.base_url().to_owned(),
            user_agent: concat!("xportcn-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
            timestamp_unit: TimestampUnit::default(),
            retry: RetryPolicy::default(),
            overrides: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            generation: Generation::V1,
            record_to: None,
        }
    }
}

impl ClientBuilder {
    /// The developer credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Uses an environment preset's base URL. The default is Xportcn.
    pub fn environment(mut self, env: Environment) -> Self {
        self.base_url = env.base_url().to_owned();
        self
    }

    /// Uses any base URL: a white-label host, a proxy, a test server.
    /// Paths are appended to it, so include any prefix such as `/api`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `User-Agent` header. Default `xportcn-rust/<version>`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Limit on one attempt, from connecting until the body is read.
    /// Default 30 s.
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = d;
        self
    }

    /// Limit on a whole call, retries and delays included. Default 90 s.
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.total_timeout = d;
        self
    }

    /// Connect timeout of the HTTP client this crate builds. Default 10 s.
    /// Ignored when [`ClientBuilder::http_client`] is given.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Uses the caller's `reqwest::Client` (shared pool, proxy, TLS roots).
    /// Its own default headers and timeouts still apply; per-attempt timeouts
    /// are set on every request.
    ///
    /// **Security: the client you pass must not follow redirects.** Build it
    /// with `.redirect(reqwest::redirect::Policy::none())`. reqwest's
    /// default policy follows up to 10 redirects, and a client that follows
    /// them re-sends the request, with its signed headers, to wherever the
    /// `Location` points: another host included, and a write (pay, create)
    /// included. The client this crate builds follows none. A 3xx response
    /// that reaches the SDK is detected and returned as
    /// [`Error::Redirect`], never followed or retried; but a redirect that
    /// your client follows internally happens before the SDK sees any
    /// response and **cannot be detected**.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Unit of the `timestamp` header: seconds (the default, what both public
    /// clients send; see [`TimestampUnit`] for the evidence) or milliseconds
    /// (the docs' examples).
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.timestamp_unit = unit;
        self
    }

    /// Retry settings for idempotent calls (and writes that opt in).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Which of the platform's path generations endpoints are sent to:
    /// [`Generation::V1`] (`/open/...`, `/alibaba/...`, the default) or
    /// [`Generation::V2`] (PandaPon's `/v2/...`). An endpoint with no path
    /// the SDK may send in that generation fails before sending, with an
    /// error naming the endpoint; [`ClientBuilder::override_path`] still wins.
    pub fn generation(mut self, generation: Generation) -> Self {
        self.generation = generation;
        self
    }

    /// Sends endpoint `id` (as in `docs/endpoints.md`, e.g. `"TB-A2"`) to
    /// `path` instead of the built-in one, in every generation. For a path
    /// the SDK does not know or guessed wrongly, or a white-label host's own
    /// path. An overridden path is always sent, writes included.
    /// `build` fails on an unknown id.
    pub fn override_path(mut self, id: impl Into<String>, path: impl Into<String>) -> Self {
        self.overrides.push((id.into(), path.into()));
        self
    }

    /// Largest response body accepted, in bytes. Default 8 MiB; a larger body
    /// ends the call with [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Records every exchange (a request and the answer it got) into
    /// `dir`, one JSON file each, for
    /// [`SandboxBuilder::replay_from`](crate::sandbox::SandboxBuilder::replay_from)
    /// and `xportcn model` (see [`record`](crate::record)).
    ///
    /// Each file holds the endpoint id (`null` for a call by path), the
    /// method, the path, the query or JSON body as built before signing,
    /// the HTTP status and the body answered. The access key, the secret,
    /// the signature, the nonce, the timestamp and the user id are never
    /// written (the record is built from the unsigned request); every value
    /// not under a key of [`record::SAFE_KEYS`](crate::record::SAFE_KEYS) is
    /// redacted in the query, the request and the response
    /// ([`record::redact`](crate::record::redact): fails closed). Each file
    /// is written through a temporary file of a random name and never
    /// replaces an existing one. A failure to write is
    /// logged at WARN and never fails the call. Only answers that arrived
    /// are recorded (not timeouts, connection errors or refused redirects);
    /// each attempt that is retried is not, the final answer is.
    ///
    /// The files are written synchronously, on the task making the call:
    /// meant for development and for capturing samples, not for every call
    /// of a busy production service.
    pub fn record_to(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.record_to = Some(dir.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when credentials are missing, the base URL is not an
    /// absolute http(s) URL, a header value has forbidden bytes, or an
    /// override names an unknown endpoint id.
    pub fn build(self) -> Result<Client, Error> {
        let creds = self.credentials.ok_or_else(|| {
            Error::Config("credentials are required: ClientBuilder::credentials".into())
        })?;
        // Quoted in errors with any userinfo masked: a password never shows.
        let shown = redact_userinfo(&self.base_url);
        let parsed = url::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL {shown:?} is invalid: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(Error::Config(format!(
                "base URL {shown:?} must be an absolute http or https URL"
            )));
        }
        // `user:password@` would not be sent (no Basic auth goes out), would
        // show in the base URL, and the platform authenticates by signature:
        // refused rather than silently dropped.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::Config(format!(
                "base URL {shown:?} has a user name or password in it (`user:password@`): \
                 it is not sent, so it is refused; remove it (the platform authenticates by \
                 the signed headers)"
            )));
        }
        let header = |name: &str, v: &str| {
            HeaderValue::from_str(v).map_err(|_| {
                Error::Config(format!(
                    "{name} contains bytes not allowed in an HTTP header"
                ))
            })
        };
        let access_key = header("access key", creds.access_key())?;
        let user_id = header("user id", creds.user_id())?;
        let mut overrides = HashMap::new();
        for (id, path) in self.overrides {
            let spec = endpoint::find(&id).ok_or_else(|| {
                Error::Config(format!("override_path: no endpoint has the id {id:?}"))
            })?;
            if !path.starts_with('/') {
                return Err(Error::Config(format!(
                    "override_path({id:?}): the path {path:?} must start with '/'"
                )));
            }
            overrides.insert(spec.id, path);
        }
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .user_agent(&self.user_agent)
                .connect_timeout(self.connect_timeout)
                // Never re-send a signed request (a write too) to a Location.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let user_agent = header("user agent", &self.user_agent)?;
        let recorder = self.record_to.map(|dir| Recorder::new(dir, &creds));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: self.base_url.trim_end_matches('/').to_owned(),
                creds,
                access_key,
                user_id,
                user_agent,
                timestamp_unit: self.timestamp_unit,
                retry: self.retry,
                attempt_timeout: self.attempt_timeout,
                total_timeout: self.total_timeout,
                overrides,
                max_response_bytes: self.max_response_bytes,
                generation: self.generation,
                recorder,
            }),
        })
    }
}

/// The API client. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> Result<(), xportcn::Error> {
/// use xportcn::{Client, Credentials};
/// use xportcn::aftersale::RefundRenderRequest;
///
/// let client = Client::builder().credentials(Credentials::from_env()?).build()?;
/// let product = client.taobao().product_get("672991141190").await?;
/// let render = client
///     .aftersale()
///     .refund_render(
///         RefundRenderRequest::builder()
///             .sub_order_id("1034499579120189839")
///             .goods_status(1)
///             .refund_type(1)
///             .build(),
///     )
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    creds: Credentials,
    access_key: HeaderValue,
    user_id: HeaderValue,
    user_agent: HeaderValue,
    timestamp_unit: TimestampUnit,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    total_timeout: Duration,
    overrides: HashMap<&'static str, String>,
    max_response_bytes: usize,
    generation: Generation,
    recorder: Option<Recorder>,
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
            .field("recorder", &self.inner.recorder)
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
            Some(p) => Some(p.as_str()),
            None => spec.path(self.inner.generation),
        }
    }

    /// The path template to send, or why none may be sent; and, for a
    /// guessed path, the reason it was guessed.
    fn route(&self, spec: &EndpointSpec) -> Result<(&str, Option<&'static str>), Error> {
        if let Some(p) = self.inner.overrides.get(spec.id) {
            return Ok((p.as_str(), None));
        }
        let generation = self.inner.generation;
        spec.sendable_path(generation)
            .map_err(|reason| Error::PathUnavailable {
                endpoint: spec.id,
                generation,
                reason,
            })
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
    /// before sending with [`Error::PathUnavailable`]), where the signature
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

    /// Builds the request of an endpoint call.
    fn prepare<E: Endpoint>(&self, req: &E, retry_writes: bool) -> Result<Prepared, Error> {
        let spec = &E::SPEC;
        let (template, guessed) = self.route(spec)?;
        req.check_generation(self.inner.generation)
            .map_err(|reason| {
                Error::Request(format!(
                    "{}: the request does not fit the {} path generation: {reason}",
                    spec.id, self.inner.generation
                ))
            })?;
        let path = fill_path(template, &req.path_params())?;
        let (query, body) = match spec.method {
            Method::Get => {
                let q = serde_urlencoded::to_string(req).map_err(|e| {
                    Error::Request(format!("{}: cannot encode the query: {e}", spec.id))
                })?;
                (q, None)
            }
            Method::Post => {
                let b = serde_json::to_vec(req).map_err(|e| {
                    Error::Request(format!("{}: cannot encode the body: {e}", spec.id))
                })?;
                (String::new(), Some(Bytes::from(b)))
            }
        };
        Ok(Prepared {
            endpoint: spec.id,
            method: spec.method,
            url: self.url(&path, &query),
            query,
            path,
            body,
            retry_allowed: spec.idempotent || retry_writes,
            signing: spec.signing,
            guessed: guessed.is_some(),
        })
    }

    fn url(&self, path: &str, query: &str) -> String {
        let mut url = String::with_capacity(self.inner.base.len() + path.len() + query.len() + 1);
        url.push_str(&self.inner.base);
        url.push_str(path);
        if !query.is_empty() {
            url.push(if path.contains('?') { '&' } else { '?' });
            url.push_str(query);
        }
        url
    }

    /// The core: sends a prepared request with signing, retries, timeouts
    /// and size limits, then decodes the envelope.
    async fn send<T: DeserializeOwned>(&self, p: Prepared) -> Result<ApiResponse<T>, Error> {
        let span = tracing::info_span!(
            "xportcn.request",
            endpoint = p.endpoint,
            method = p.method.as_str(),
            path = %p.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let call = async move {
            let safe = p.retry_allowed;
            let (status, body, signed, note) = self
                .execute(&p)
                .await
                .map_err(|e| e.with_repeatable(safe))?;
            if let Some(recorder) = &self.inner.recorder {
                recorder.record(Exchange::new(
                    (p.endpoint != RAW_ENDPOINT).then_some(p.endpoint),
                    p.method.as_str(),
                    &p.path,
                    &p.query,
                    p.body.as_deref(),
                    status,
                    &body,
                ));
            }
            let masked = || signed.signed_string_masked();
            let result = envelope::decode::<T>(status, body, Some(&masked))
                .map_err(|e| e.with_repeatable(safe));
            let result = match result {
                Err(Error::Http {
                    status,
                    reason,
                    body,
                    repeatable,
                }) if note.is_some() => Err(Error::Http {
                    status,
                    reason: format!("{reason}; {}", note.unwrap_or_default()),
                    body,
                    repeatable,
                }),
                Err(e) if p.guessed && status == 404 => Err(Error::GuessedPathNotFound {
                    endpoint: p.endpoint,
                    generation: self.inner.generation,
                    path: p.path.clone(),
                    source: Box::new(e),
                }),
                other => other,
            };
            let span = tracing::Span::current();
            match &result {
                Ok(r) => {
                    span.record("request_id", r.request_id.as_deref().unwrap_or(""));
                    tracing::debug!(bytes = r.body.len(), "response decoded");
                }
                Err(Error::Api(e)) => {
                    span.record("request_id", e.request_id.as_deref().unwrap_or(""));
                    tracing::debug!(code = e.code, msg = %e.msg, "platform error");
                }
                Err(e) => tracing::debug!(error = %e, "response not decoded"),
            }
            result
        };
        // Without a subscriber that wants the span, entering and leaving it
        // at every poll is work for nothing.
        if span.is_disabled() {
            call.await
        } else {
            call.instrument(span).await
        }
    }

    /// Sends attempts until one produces a response that is not retried.
    ///
    /// The last item is a note on why a retryable status was not retried,
    /// for the error's text.
    async fn execute(
        &self,
        p: &Prepared,
    ) -> Result<(u16, Bytes, SignedHeaders, Option<String>), Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        // A total timeout of `Duration::MAX` means "no limit": clamp it
        // instead of overflowing `Instant` (which panics).
        let deadline = started
            .checked_add(inner.total_timeout)
            .unwrap_or_else(|| started + FAR_FUTURE);
        let method = p.method.to_reqwest();
        let parse = || reqwest::Url::parse(&p.url).ok().filter(url::Url::has_host);
        let mut first_url = match p.signing {
            Signing::Headers => parse(),
            Signing::Query => None,
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            let remaining = deadline.saturating_duration_since(Instant::now());
            let timeout = inner.attempt_timeout.min(remaining);
            let clipped = timeout < inner.attempt_timeout;
            let signed = SignedHeaders::new(&inner.creds, inner.timestamp_unit);
            let mut headers = HeaderMap::with_capacity(8);
            signed.apply(&mut headers, &inner.access_key, &inner.user_id);
            headers.insert(http::header::USER_AGENT, inner.user_agent.clone());
            if p.body.is_some() {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            tracing::trace!(signed = %signed.signed_string_masked(), "sending attempt");
            // The first attempt takes the URL parsed above, a retry parses it
            // again. A URL reqwest would refuse goes through its request
            // builder, for the same error.
            let url = match p.signing {
                Signing::Headers => first_url.take().or_else(parse),
                // `timestamp` and `sign` join the query on every attempt.
                Signing::Query => parse().map(|mut u| {
                    u.query_pairs_mut()
                        .append_pair("timestamp", signed.timestamp())
                        .append_pair("sign", signed.signature());
                    u
                }),
            };
            let sent = match url {
                // The request is built directly: the header map moves in as
                // it is, with no builder copying it header by header.
                Some(url) => {
                    let mut req = reqwest::Request::new(method.clone(), url);
                    *req.headers_mut() = headers;
                    *req.timeout_mut() = Some(timeout);
                    if let Some(body) = &p.body {
                        *req.body_mut() = Some(body.clone().into());
                    }
                    inner.http.execute(req).await
                }
                None => {
                    let mut rb = inner.http.request(method.clone(), &p.url).timeout(timeout);
                    if let Some(body) = &p.body {
                        rb = rb.body(body.clone());
                    }
                    rb.headers(headers).send().await
                }
            };

            let failure = match sent {
                // A redirect is never followed nor retried: the signed
                // request goes nowhere else.
                Ok(resp) if resp.status().is_redirection() => {
                    let status = resp.status().as_u16();
                    tracing::Span::current().record("status", status);
                    let location = resp
                        .headers()
                        .get(http::header::LOCATION)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                    return Err(Error::Redirect { status, location });
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    // A value that is not text reads like any unreadable
                    // one: a delay the call cannot wait for.
                    let retry_after_raw = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                    let retry_after = retry_after_raw
                        .as_deref()
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    match read_body(resp, inner.max_response_bytes).await {
                        Ok(body) => {
                            tracing::Span::current().record("status", status);
                            let outcome = Outcome::Status(status, retry_after);
                            match self.next_delay(p, attempt, outcome, deadline) {
                                Some(delay) => {
                                    tracing::debug!(status, ?delay, "retrying after status");
                                    tokio::time::sleep(delay).await;
                                    continue;
                                }
                                None => {
                                    // Say why a retryable status was not retried
                                    // when `Retry-After` is the reason.
                                    let note = match (retry_after_raw, retry_after) {
                                        (Some(raw), Some(delay))
                                            if p.retry_allowed
                                                && attempt < inner.retry.attempts()
                                                && matches!(status, 429 | 502 | 503 | 504) =>
                                        {
                                            retry::retry_after_refusal(&inner.retry, &raw, delay)
                                        }
                                        _ => None,
                                    };
                                    return Ok((status, body, signed, note));
                                }
                            }
                        }
                        Err(BodyError::TooLarge) => {
                            return Err(Error::BodyTooLarge {
                                status,
                                limit: inner.max_response_bytes,
                            });
                        }
                        Err(BodyError::Read(e)) => e,
                    }
                }
                Err(e) => e,
            };

            let (outcome, err) = classify(failure, attempt, clipped, started, deadline);
            match self.next_delay(p, attempt, outcome, deadline) {
                Some(delay) => {
                    tracing::debug!(error = %err, ?delay, "retrying after failure");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(err),
            }
        }
    }

    fn next_delay(
        &self,
        p: &Prepared,
        attempt: u32,
        outcome: Outcome,
        deadline: Instant,
    ) -> Option<Duration> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let jitter: f64 = rand::random();
        match retry::decide(
            &self.inner.retry,
            p.retry_allowed,
            attempt,
            outcome,
            remaining,
            jitter,
        ) {
            Decision::Retry(d) => Some(d),
            Decision::Stop => None,
        }
    }
}

/// Maps a transport failure to its retry outcome and its error.
fn classify(
    e: reqwest::Error,
    attempts: u32,
    clipped: bool,
    started: Instant,
    deadline: Instant,
) -> (Outcome, Error) {
    if e.is_timeout() {
        let kind = if clipped || Instant::now() >= deadline {
            TimeoutKind::Total
        } else {
            TimeoutKind::Attempt
        };
        let err = Error::Timeout {
            kind,
            elapsed: started.elapsed(),
            attempts,
            // Set by the caller, which knows the request.
            repeatable: false,
        };
        return (Outcome::Timeout, err);
    }
    let (outcome, kind) = if e.is_connect() {
        (Outcome::Connect, TransportKind::Connect)
    } else if e.is_request() || e.is_body() || e.is_decode() {
        (Outcome::Connection, TransportKind::Connection)
    } else {
        (Outcome::Connection, TransportKind::Other)
    };
    // reqwest's errors carry the URL, never headers, so no secret can leak;
    // the URL itself holds nothing secret either.
    (
        outcome,
        Error::Transport {
            kind,
            attempts,
            repeatable: false,
            source: e,
        },
    )
}

enum BodyError {
    TooLarge,
    Read(reqwest::Error),
}

/// Reads a body up to `limit` bytes into one buffer sized from
/// Content-Length. Each chunk is copied out as it arrives and dropped, so the
/// connection's read buffer is free again for its next read instead of being
/// pinned by the body until the call ends.
async fn read_body(mut resp: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    // Taken before the first chunk: `content_length()` is the body's
    // *remaining* size hint, which shrinks as chunks are read.
    let expected = resp.content_length();
    if expected.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut buf = BytesMut::with_capacity(expected.map_or(0, |n| n as usize));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// The URL with what sits between `scheme://` and the last `@` of its
/// authority (a user name and password) replaced by `***`, for Debug and
/// error text. Textual, so it also masks a URL that does not parse.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Replaces `{name}` placeholders with percent-encoded values.
fn fill_path<N: AsRef<str>>(template: &str, params: &[(N, String)]) -> Result<String, Error> {
    if !template.contains('{') {
        return Ok(template.to_owned());
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Error::Request(format!("path {template:?} has an unclosed '{{'")))?;
        let name = &after[..close];
        let value = params
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                Error::Request(format!("path {template:?} needs the parameter {name:?}"))
            })?;
        if value.is_empty() {
            return Err(Error::Request(format!("path parameter {name:?} is empty")));
        }
        // `.` and `..` are kept by percent-encoding (unreserved), and their
        // encoded forms `%2E` are dot segments too for URL parsers: either
        // would be resolved away and move the request to another path. An id
        // never leaves its segment: such a value is refused, nothing is sent.
        if value == "." || value == ".." {
            return Err(Error::Request(format!(
                "path parameter {name:?} is {value:?}, a dot segment: it would change the \
                 request's path, so nothing was sent"
            )));
        }
        out.extend(utf8_percent_encode(value, PATH_PARAM));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A request ready to send.
struct Prepared {
    endpoint: &'static str,
    method: Method,
    path: String,
    /// The query as built, before any signing pair joins it (recorded).
    query: String,
    url: String,
    body: Option<Bytes>,
    retry_allowed: bool,
    signing: Signing,
    /// The path was guessed: a 404 says so.
    guessed: bool,
}

/// A pending endpoint call. Await it for the typed `data`, or use
/// [`Call::send_full`] for the envelope too.
///
/// A call owns a clone of the client (one `Arc`), so it is `'static` and can
/// be spawned:
///
/// ```no_run
/// # async fn demo(client: xportcn::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let task = tokio::spawn(client.taobao().product_get("672991141190").into_future());
/// let product = task.await??;
/// # let _ = product; Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<E> {
    client: Client,
    request: E,
    retry_writes: bool,
}

impl<E: fmt::Debug> fmt::Debug for Call<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("retry_writes", &self.retry_writes)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Call<E> {
    /// Allows this call to be retried although its endpoint is a write
    /// (create, pay, cancel, submit). Only do this when the platform
    /// deduplicates the request (for example by your own order number), as a
    /// retried write may be executed twice.
    pub fn retry_writes(mut self) -> Self {
        self.retry_writes = true;
        self
    }

    /// The request this call sends.
    pub fn request(&self) -> &E {
        &self.request
    }

    /// Sends the call and returns `data` with the envelope and raw body.
    pub async fn send_full(self) -> Result<ApiResponse<E::Response>, Error> {
        let prepared = self.client.prepare(&self.request, self.retry_writes)?;
        self.client.send(prepared).await
    }

    /// Sends the call and returns the typed `data`.
    pub async fn send(self) -> Result<E::Response, Error> {
        self.send_full().await.map(|r| r.data)
    }
}

impl<E> Call<E>
where
    E: Paged + Clone,
    E::Response: Page,
{
    /// Every item of a paged list, as a stream that fetches pages lazily,
    /// starting at the request's page (1 if unset). See [`Pages`].
    ///
    /// ```no_run
    /// # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
    /// use futures_util::TryStreamExt;
    /// use xportcn::ali1688::KeywordSearchRequest;
    ///
    /// let request = KeywordSearchRequest::builder().keyword("phone case").page_size(50).build();
    /// let offers: Vec<_> = client.ali1688().keyword_search(request).pages().max_pages(10).try_collect().await?;
    /// # let _ = offers; Ok(()) }
    /// ```
    pub fn pages(self) -> Pages<E> {
        Pages {
            call: Some(self),
            max_pages: DEFAULT_MAX_PAGES,
            stream: None,
        }
    }
}

impl<E: Endpoint> IntoFuture for Call<E> {
    type Output = Result<E::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'static>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Default page limit of [`Pages`].
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// Every item of a paged list, fetched page by page as the stream is polled;
/// from [`Call::pages`].
///
/// The stream stops after the last page: when the server's total (items or
/// pages) is reached, or a page is shorter than the page size asked for, or a
/// page is empty. It also stops at a page limit ([`Pages::max_pages`],
/// default [`DEFAULT_MAX_PAGES`]), yielding [`Error::PageLimit`] last, so a
/// server that never ends cannot loop forever. An error on any page is
/// yielded and ends the stream.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<E: Paged>
where
    E::Response: Page,
{
    call: Option<Call<E>>,
    max_pages: u32,
    stream: Option<BoxedItems<E>>,
}

type BoxedItems<E> = Pin<Box<dyn Stream<Item = Result<Item<E>, Error>> + Send>>;

impl<E: Paged + fmt::Debug> fmt::Debug for Pages<E>
where
    E::Response: Page,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("call", &self.call)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

type Item<E> = <<E as Endpoint>::Response as Page>::Item;

impl<E> Pages<E>
where
    E: Paged + Clone,
    E::Response: Page,
    Item<E>: Send + 'static,
{
    /// Stops after this many pages (at least 1), yielding
    /// [`Error::PageLimit`] if the list goes on.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The items, as a stream (`Pages` is itself a [`Stream`]; this gives
    /// the unboxed one).
    pub fn into_stream(self) -> impl Stream<Item = Result<Item<E>, Error>> + Send + 'static {
        let max_pages = self.max_pages;
        let call = self.call;
        stream::iter(call)
            .map(move |call| Self::items(call, max_pages))
            .flatten()
    }

    fn items(
        call: Call<E>,
        max_pages: u32,
    ) -> impl Stream<Item = Result<Item<E>, Error>> + Send + 'static {
        let start = call.request.page().unwrap_or(1).max(1);
        let size = call.request.page_size().map(u64::from);
        paginate(start, size, max_pages, move |page| {
            let mut request = call.request.clone();
            request.set_page(page);
            let once = Call {
                client: call.client.clone(),
                request,
                retry_writes: call.retry_writes,
            };
            async move {
                let resp = once.send().await?;
                let (total, total_pages) = (resp.total(), resp.total_pages());
                let items = resp.into_items();
                Ok(PageOf {
                    count: items.len() as u64,
                    items: items.into_iter().map(Ok),
                    total,
                    total_pages,
                })
            }
        })
    }
}

/// One fetched page of a list: its items (as they are taken: a raw page
/// parses each item only when it is reached), how many there are, and the
/// server's totals.
struct PageOf<I> {
    items: I,
    count: u64,
    total: Option<u64>,
    total_pages: Option<u64>,
}

/// Every item of a paged list: `fetch` gets page `start`, `start + 1`, ...
/// until the last page (see [`Pages`] for the rule) or `max_pages`
/// ([`Error::PageLimit`]). The one paging loop of [`Pages`] and
/// [`RawCall::pages`].
fn paginate<T, I, F, Fut>(
    start: u32,
    size: Option<u64>,
    max_pages: u32,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    I: Iterator<Item = Result<T, Error>> + Send + 'static,
    F: Fn(u32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<PageOf<I>, Error>> + Send,
{
    struct State<F> {
        fetch: F,
        page: u32,
        fetched: u32,
        seen: u64,
    }
    let first = State {
        fetch,
        page: start,
        fetched: 0,
        seen: 0,
    };
    stream::unfold(Some(first), move |state| async move {
        let mut st = state?;
        if st.fetched >= max_pages {
            return Some((Err(Error::PageLimit { pages: st.fetched }), None));
        }
        let PageOf {
            items,
            count: n,
            total,
            total_pages,
        } = match (st.fetch)(st.page).await {
            Ok(p) => p,
            Err(e) => return Some((Err(e), None)),
        };
        st.seen += n;
        st.fetched += 1;
        let page = u64::from(st.page);
        let reached_total = total.is_some_and(|t| match size {
            Some(s) => page.saturating_mul(s) >= t,
            None => st.seen >= t,
        });
        let last = n == 0
            || size.is_some_and(|s| n < s)
            || reached_total
            || total_pages.is_some_and(|tp| page >= tp);
        tracing::debug!(page, items = n, ?total, last, "page fetched");
        st.page = st.page.saturating_add(1);
        Some((Ok(items), (!last).then_some(st)))
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items).left_stream(),
        Err(e) => stream::once(async move { Err(e) }).right_stream(),
    })
}

impl<E> Stream for Pages<E>
where
    E: Paged + Clone + Unpin,
    E::Response: Page,
    Item<E>: Send + 'static,
{
    type Item = Result<Item<E>, Error>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.stream.is_none() {
            let Some(call) = this.call.take() else {
                return std::task::Poll::Ready(None);
            };
            this.stream = Some(Box::pin(Self::items(call, this.max_pages)));
        }
        match this.stream.as_mut() {
            Some(s) => s.as_mut().poll_next(cx),
            None => std::task::Poll::Ready(None),
        }
    }
}

/// A call to any path, built by [`Client::raw`].
#[must_use = "a call does nothing until it is sent"]
pub struct RawCall {
    client: Client,
    method: Method,
    path: String,
    query: Option<String>,
    body: Option<Bytes>,
    idempotent: bool,
    error: Option<Error>,
    /// The endpoint, for a call by declaration ([`Client::endpoint`]).
    spec: Option<&'static EndpointSpec>,
    path_params: Vec<(String, String)>,
}

impl fmt::Debug for RawCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawCall")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("idempotent", &self.idempotent)
            .field("endpoint", &self.spec.map(|s| s.id))
            .finish_non_exhaustive()
    }
}

impl RawCall {
    /// Sets the query string from any serializable value (a struct, a map,
    /// or a slice of pairs).
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        match serde_urlencoded::to_string(query) {
            Ok(q) => self.query = Some(q),
            Err(e) => self.error = Some(Error::Request(format!("cannot encode the query: {e}"))),
        }
        self
    }

    /// Sets the JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(b) => self.body = Some(Bytes::from(b)),
            Err(e) => self.error = Some(Error::Request(format!("cannot encode the body: {e}"))),
        }
        self
    }

    /// Whether the call may be retried. Defaults to false whatever the
    /// method: a raw call is sent once (a GET may be a write on this
    /// platform) unless you mark it `.idempotent(true)`.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Fills the path placeholder `{name}` of a call by declaration
    /// ([`Client::endpoint`]) with `value` (percent-encoded).
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path_params.push((name.into(), value.into()));
        self
    }

    /// Sends the call and decodes `data` into `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let query = self.query.as_deref().unwrap_or("");
        let prepared = match self.spec {
            Some(spec) => {
                let (template, guessed) = self.client.route(spec)?;
                let path = fill_path(template, &self.path_params)?;
                Prepared {
                    endpoint: spec.id,
                    method: spec.method,
                    url: self.client.url(&path, query),
                    query: query.to_owned(),
                    path,
                    body: self.body,
                    retry_allowed: self.idempotent,
                    signing: spec.signing,
                    guessed: guessed.is_some(),
                }
            }
            None => {
                if !self.path.starts_with('/') {
                    return Err(Error::Request(format!(
                        "path {:?} must start with '/'",
                        self.path
                    )));
                }
                Prepared {
                    endpoint: RAW_ENDPOINT,
                    method: self.method,
                    url: self.client.url(&self.path, query),
                    query: query.to_owned(),
                    path: self.path,
                    body: self.body,
                    retry_allowed: self.idempotent,
                    signing: Signing::Headers,
                    guessed: false,
                }
            }
        };
        self.client.send(prepared).await
    }

    /// Every item of a paged list called by declaration
    /// ([`Client::endpoint`] of an endpoint with
    /// [`paging`](crate::endpoint::EndpointSpec::paging)), as JSON values,
    /// fetched page by page from the page the request sets (1 if unset),
    /// with the stop rule of [`Pages`] and at most `max_pages` pages
    /// (then [`Error::PageLimit`]). An endpoint that is not a paged list, or
    /// a call by path, yields one [`Error::Request`] and sends nothing.
    ///
    /// Memory: a page is kept as its JSON text and each item is parsed into
    /// a `Value` only when the stream reaches it, so a page costs about 2x
    /// its body (2.00x measured for 7.8 MB of `{"a":1}` items,
    /// `tests/page_memory.rs`) plus the items you keep.
    pub fn pages(
        mut self,
        max_pages: u32,
    ) -> impl Stream<Item = Result<serde_json::Value, Error>> + Send + 'static {
        let first = match self.error.take().map_or_else(|| self.paging(), Err) {
            Ok(first) => first,
            Err(e) => return stream::once(async move { Err(e) }).left_stream(),
        };
        let (paging, start, size) = first;
        paginate(start, size, max_pages.max(1), move |page| {
            let call = self.with_field(paging.page_field, page);
            // `data` kept as text, each item parsed only when it is reached:
            // a whole page as one `Value` tree cost up to 84x the body.
            async move { call?.send_raw().await?.into_page(&paging) }
        })
        .right_stream()
    }

    /// The paging of a call by declaration, its first page and page size.
    fn paging(&self) -> Result<(Paging, u32, Option<u64>), Error> {
        let spec = self.spec.ok_or_else(|| {
            Error::Request(format!(
                "{} {}: only an endpoint called by its declaration can be paged",
                self.method, self.path
            ))
        })?;
        let paging = spec.paging.ok_or_else(|| {
            Error::Request(format!(
                "{} is not a paged list: it has no page field to step through",
                spec.id
            ))
        })?;
        let start = self.field(paging.page_field)?.unwrap_or(1).max(1);
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let size = match paging.size_field {
            Some(f) => self.field(f)?,
            None => None,
        };
        Ok((paging, start, size))
    }

    /// The fields of the request: the query's pairs for a `GET`, the JSON
    /// body's object for a `POST`.
    fn fields(&self) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        match self.method {
            Method::Get => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(self.query.as_deref().unwrap_or(""))
                        .map_err(|e| Error::Request(format!("cannot read the query: {e}")))?;
                Ok(pairs
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect())
            }
            Method::Post => match &self.body {
                None => Ok(serde_json::Map::new()),
                Some(b) => serde_json::from_slice(b).map_err(|e| {
                    Error::Request(format!("a paged list's body must be a JSON object: {e}"))
                }),
            },
        }
    }

    /// A numeric request field (a number or a numeric string).
    fn field(&self, name: &str) -> Result<Option<u64>, Error> {
        Ok(self.fields()?.get(name).and_then(count_of))
    }

    /// A copy of this call with one request field set to a number.
    fn with_field(&self, name: &str, value: u32) -> Result<RawCall, Error> {
        let mut fields = self.fields()?;
        fields.insert(name.to_owned(), value.into());
        let next = RawCall {
            client: self.client.clone(),
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            idempotent: self.idempotent,
            error: None,
            spec: self.spec,
            path_params: self.path_params.clone(),
        };
        Ok(match self.method {
            Method::Get => next.query(&fields),
            Method::Post => next.json(&fields),
        })
    }

    /// Sends the call and returns `data` as a `serde_json::Value`.
    ///
    /// Memory: a `Value` tree takes many times the body's size for a body of
    /// many small objects: measured (counting allocator), 21x for 7.7 MB of
    /// objects like `{"id":1,"v":"ab","f":true}` and **84x** for 7.8 MB of
    /// `{"a":1}`, some 660 MB at the 8 MiB body limit. For a large answer use
    /// [`RawCall::send_raw`], which keeps `data` as its JSON text (the body
    /// plus one copy), or [`RawCall::pages`], which parses a list's items one
    /// at a time (2.00x the body, `tests/page_memory.rs`).
    pub async fn send_value(self) -> Result<ApiResponse<serde_json::Value>, Error> {
        self.send().await
    }

    /// Sends the call and returns `data` as raw JSON text, parsed when and
    /// into what you choose (`serde_json::from_str(resp.data.get())`).
    pub async fn send_raw(self) -> Result<ApiResponse<Box<serde_json::value::RawValue>>, Error> {
        self.send().await
    }
}

/// A count: a non-negative JSON number or numeric string.
fn count_of(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl ApiResponse<Box<RawValue>> {
    /// The items and totals of one page of a list, by its paging fields.
    /// Only the top-level fields of `data` are read here; the items stay
    /// text, each parsed into a `Value` when the stream reaches it.
    fn into_page(self, paging: &Paging) -> Result<PageOf<RawItems>, Error> {
        type Fields<'a> = HashMap<std::borrow::Cow<'a, str>, &'a RawValue>;
        let text = self.data.get();
        // `data` that is not an object has no items, as a `Value` lookup.
        let fields: Fields<'_> = serde_json::from_str(text).unwrap_or_default();
        let count = |f: Option<&str>| {
            let raw = fields.get(f?)?;
            count_of(&serde_json::from_str(raw.get()).ok()?)
        };
        let (total, total_pages) = (count(paging.total_field), count(paging.total_pages_field));
        let items = fields.get(paging.items_field).map(|raw| raw.get());
        let range = match items {
            None | Some("null") => None,
            Some(items) if items.starts_with('[') => {
                let start = items.as_ptr() as usize - text.as_ptr() as usize;
                Some((start, start + items.len()))
            }
            Some(_) => {
                return Err(crate::error::DecodeError {
                    path: format!("data.{}", paging.items_field),
                    message: "expected the page's items, a JSON array".to_owned(),
                    body: self.body,
                    http_status: self.http_status,
                }
                .into());
            }
        };
        let count = match range {
            Some((start, end)) => count_items(&text[start..end]),
            None => 0,
        };
        drop(fields);
        let (pos, end) = range.map_or((0, 0), |(start, end)| (start + 1, end));
        Ok(PageOf {
            items: RawItems {
                data: self.data,
                pos,
                end,
                left: count,
            },
            count,
            total,
            total_pages,
        })
    }
}

/// How many elements a JSON array has, without building them.
fn count_items(array: &str) -> u64 {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut n = 0u64;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_str(array);
    serde::Deserializer::deserialize_seq(&mut de, Count).unwrap_or(0)
}

/// The items of one raw page, parsed into a `Value` one at a time as they
/// are taken: the page costs its text, not a tree of all its items.
struct RawItems {
    /// The page's `data`, as text.
    data: Box<RawValue>,
    /// Where the next item starts (after the `[` or a `,`), and where the
    /// array ends (after its `]`).
    pos: usize,
    end: usize,
    /// Items not yet taken.
    left: u64,
}

impl Iterator for RawItems {
    type Item = Result<serde_json::Value, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let text = self.data.get().get(self.pos..self.end)?;
        let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        let skipped = self.end - self.pos - text.len();
        let mut items = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
        match items.next() {
            Some(Ok(v)) => {
                self.pos += skipped + items.byte_offset();
                Some(Ok(v))
            }
            // The page was read as JSON already, so this is not expected;
            // a typed error all the same, and the stream ends.
            other => {
                self.left = 0;
                let message = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "the page ended before its items".to_owned(),
                };
                Some(Err(Error::Request(format!(
                    "cannot read a page item: {message}"
                ))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_encoded() {
        let p = [("refundId", "a b/c".to_owned())];
        assert_eq!(
            fill_path("/open/order/refund/cancel/{refundId}", &p).unwrap(),
            "/open/order/refund/cancel/a%20b%2Fc"
        );
        assert!(fill_path("/x/{missing}", &p).is_err());
        assert!(fill_path("/x/{refundId", &p).is_err());
        assert_eq!(fill_path::<&str>("/plain", &[]).unwrap(), "/plain");
        // Dot segments would leave the segment (issue 19, finding 3).
        for dots in [".", ".."] {
            let p = [("refundId", dots.to_owned())];
            let e = fill_path("/open/order/refund/cancel/{refundId}", &p).unwrap_err();
            assert!(
                matches!(&e, Error::Request(m) if m.contains("dot segment")),
                "{e}"
            );
        }
        let p = [("refundId", "...".to_owned())];
        assert_eq!(
            fill_path("/c/{refundId}", &p).unwrap(),
            "/c/...",
            "three dots are an ordinary segment"
        );
    }

    #[test]
    fn builder_validates() {
        let creds = || Credentials::new("k", "s", "u");
        assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
        let e = Client::builder()
            .credentials(creds())
            .base_url("ftp://x")
            .build();
        assert!(matches!(e, Err(Error::Config(_))));
        let e = Client::builder()
            .credentials(creds())
            .override_path("NOPE", "/x")
            .build();
        assert!(matches!(e, Err(Error::Config(m)) if m.contains("NOPE")));
        let c = Client::builder()
            .credentials(creds())
            .base_url("http://127.0.0.1:1/api/")
            .override_path("TB-A2", "/v2/taobao/order/refund/render")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:1/api");
        let spec = endpoint::find("TB-A2").unwrap();
        assert_eq!(c.path_of(spec), Some("/v2/taobao/order/refund/render"));
        assert!(!format!("{c:?}").contains("\"s\""));
    }

    #[test]
    fn a_password_in_the_base_url_is_refused_and_never_shown() {
        // Regression (issue 19, finding 6).
        let creds = || Credentials::new("k", "s", "u");
        for url in [
            "http://user:PASSw0rd@127.0.0.1:1/api",
            "https://user:PASSw0rd@example.invalid/api",
            "http://:PASSw0rd@127.0.0.1:1/api",
            "http://user:PASSw0rd@[::1/api",
            "ftp://user:PASSw0rd@127.0.0.1/api",
        ] {
            let b = Client::builder().credentials(creds()).base_url(url);
            assert!(!format!("{b:?}").contains("PASSw0rd"), "{b:?}");
            let e = b.build().unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e:?}");
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains("PASSw0rd"), "{text}");
                assert!(text.contains("***"), "{text}");
            }
        }
        let e = Client::builder()
            .credentials(creds())
            .base_url("http://user@127.0.0.1:1/api")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("user name or password"), "{e}");
        assert_eq!(
            redact_userinfo("http://127.0.0.1:1/a@b"),
            "http://127.0.0.1:1/a@b"
        );
        assert_eq!(redact_userinfo("no scheme"), "no scheme");
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }
}
