//! [`ClientBuilder`]: every setting of a [`Client`], each default documented
//! on the method that changes it, and the checks `build` runs.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;

use super::core::Interceptor;
use super::{Client, Inner};
use crate::credentials::Credentials;
use crate::endpoint::{self, Generation};
use crate::error::Error;
use crate::overrides::{OverrideSource, PathOverride, PathOverrides};
use crate::readiness::{self, Readiness};
use crate::record::Recorder;
use crate::retry::RetryPolicy;
use crate::signing::TimestampUnit;

/// Default per-attempt timeout ([`ClientBuilder::attempt_timeout`]).
pub(crate) const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default total timeout of a call, retries and their delays included
/// ([`ClientBuilder::total_timeout`]).
pub(crate) const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(90);
/// Default connect timeout, only for the HTTP client this crate builds
/// ([`ClientBuilder::connect_timeout`]).
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on a response body: 8 MiB
/// ([`ClientBuilder::max_response_bytes`]).
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

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
    overrides_file: Option<std::path::PathBuf>,
    env_overrides: bool,
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
            .field("overrides_file", &self.overrides_file)
            .field("env_overrides", &self.env_overrides)
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
            overrides_file: None,
            env_overrides: true,
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
    /// Default: [`Environment::Xportcn`]'s, `https://www.xportcn.com/api`.
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

    /// Limit on a whole call, retries and delays included. Default 90 s;
    /// `Duration::MAX` is no limit.
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
    /// are set on every request. Default: a client this crate builds
    /// (following no redirect, with [`ClientBuilder::connect_timeout`]).
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
    /// Default [`RetryPolicy::default`]: 3 attempts, backoff from 200 ms up
    /// to 5 s with jitter, a `Retry-After` of up to 30 s honoured.
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
    /// `build` fails on an unknown id or a malformed path
    /// ([`overrides::check_path`](crate::overrides::check_path)). It wins
    /// over a file's override of the same endpoint (see
    /// [`overrides`](crate::overrides)). Default: no override.
    pub fn override_path(mut self, id: impl Into<String>, path: impl Into<String>) -> Self {
        self.overrides.push((id.into(), path.into()));
        self
    }

    /// Reads path overrides from a TOML file (tables `[v1]` and `[v2]`, keys
    /// endpoint ids, values paths; see [`overrides`](crate::overrides)) when
    /// the client is built. Its overrides win over those of the file named
    /// by `XPORTCN_PATH_OVERRIDES`, and lose to
    /// [`ClientBuilder::override_path`]. A second call replaces the file.
    /// Default: none.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let file = dir.path().join("overrides.toml");
    /// std::fs::write(&file, "[v1]\n\"TB-O12\" = \"/open/order/pay\"\n").unwrap();
    /// let client = xportcn::Client::builder()
    ///     .credentials(xportcn::Credentials::new("key", "secret", "2100007341207"))
    ///     .path_overrides_file(&file)
    ///     .build()?;
    /// let pay = xportcn::endpoint::find("TB-O12").unwrap();
    /// assert_eq!(client.path_of(pay), Some("/open/order/pay"));
    /// # Ok::<(), xportcn::Error>(())
    /// ```
    pub fn path_overrides_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.overrides_file = Some(path.into());
        self
    }

    /// Whether [`build`](ClientBuilder::build) reads the override file named
    /// by the environment variable `XPORTCN_PATH_OVERRIDES`
    /// ([`overrides::ENV_VAR`](crate::overrides::ENV_VAR)). Default `true`:
    /// paths can be set for a deployment without a rebuild. Turn it off for
    /// a client whose paths must not depend on the environment.
    pub fn path_overrides_from_env(mut self, read: bool) -> Self {
        self.env_overrides = read;
        self
    }

    /// The overrides in effect for this builder's generation, by endpoint
    /// id, the strongest source winning: `override_path`, then the builder's
    /// file, then the environment's file. Reads the files.
    fn resolve_overrides(&self) -> Result<HashMap<&'static str, PathOverride>, Error> {
        let mut layers = Vec::new();
        let mut mine = PathOverrides::default();
        for (id, path) in &self.overrides {
            let spec = endpoint::find(id).ok_or_else(|| {
                Error::Config(format!("override_path: no endpoint has the id {id:?}"))
            })?;
            crate::overrides::check_path(path).map_err(|why| {
                Error::Config(format!(
                    "override_path({id:?}): the path {path:?} is malformed: {why}"
                ))
            })?;
            mine.push(PathOverride {
                id: spec.id,
                generation: None,
                path: path.clone(),
                source: OverrideSource::Builder,
            });
        }
        layers.push(mine);
        if let Some(file) = &self.overrides_file {
            layers.push(PathOverrides::load(file).map_err(|e| Error::PathOverride(Box::new(e)))?);
        }
        if self.env_overrides
            && let Some(env) =
                PathOverrides::from_env().map_err(|e| Error::PathOverride(Box::new(e)))?
        {
            layers.push(env);
        }
        let mut resolved = HashMap::new();
        // Weakest first, so that a stronger layer replaces it.
        for layer in layers.iter().rev() {
            for entry in layer.entries() {
                if entry.generation.is_none_or(|g| g == self.generation) {
                    resolved.insert(entry.id, entry.clone());
                }
            }
        }
        Ok(resolved)
    }

    /// The readiness report of the client this builder would build (no
    /// credentials needed): for each endpoint named in `ids` (every endpoint
    /// when empty), whether it can be sent under this configuration, and
    /// why. See [`readiness`](crate::readiness).
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown id or an `override_path` mistake;
    /// [`Error::PathOverride`] for an override file's.
    pub fn readiness<S: AsRef<str>>(&self, ids: &[S]) -> Result<Readiness, Error> {
        let overrides = self.resolve_overrides()?;
        readiness::report(self.generation, &overrides, ids)
    }

    /// Largest response body accepted, in bytes. Default 8 MiB; a larger body
    /// ends the call with [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Records every exchange (a request and the answer it got) into
    /// `dir`, one JSON file each, for
    /// `xportcn_sandbox::SandboxBuilder::replay_from` (package `xportcn-sandbox`)
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
    /// of a busy production service. Default: nothing is recorded.
    pub fn record_to(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.record_to = Some(dir.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when credentials are missing, the base URL is not an
    /// absolute http(s) URL, a header value has forbidden bytes, or an
    /// `override_path` names an unknown endpoint id or a malformed path;
    /// [`Error::PathOverride`] when an override file (the builder's or the
    /// one `XPORTCN_PATH_OVERRIDES` names) cannot be read or holds a
    /// mistake.
    pub fn build(self) -> Result<Client, Error> {
        if self.credentials.is_none() {
            return Err(Error::Config(
                "credentials are required: ClientBuilder::credentials".into(),
            ));
        }
        let overrides = self.resolve_overrides()?;
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
        // The core's hooks: today only the recorder (see `core::Interceptor`).
        let mut interceptors: Vec<Box<dyn Interceptor>> = Vec::new();
        if let Some(dir) = self.record_to {
            interceptors.push(Box::new(Recorder::new(dir, &creds)));
        }
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
                interceptors,
            }),
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
