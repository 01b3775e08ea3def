//! An embedded sandbox of the platform, for the tests of code built on the
//! [`xportcn`] SDK (a dev-dependency: `xportcn-sandbox`).
//!
//! The platform has no sandbox: without this module an integration is
//! tested against real orders and real money, or against mocks that accept
//! anything. [`Sandbox`] is a faithful local stand-in: a server on
//! 127.0.0.1 that
//!
//! - **authenticates like the platform** (`docs/platform.md` §2; the rule is
//!   [`xportcn::signing`]): the five headers, the MD5 signature,
//!   a timestamp within 600 s (seconds or milliseconds, unless a test pins
//!   one unit), one use per `nonce-str` (remembered as `timestamp +
//!   nonce-str`, the text the signature covers, so that moving digits from
//!   one to the other makes no new request; kept for twice the window, up
//!   to about 500,000 of them); the query-string `timestamp` and
//!   `sign` of warehouse logistics. Each refusal is an envelope with its own
//!   [`codes`] value;
//! - **serves every endpoint of [`endpoint::all`]** at each of its known
//!   paths in both generations, at the paths of the override file named by
//!   `XPORTCN_PATH_OVERRIDES` (the one the client reads), and, only when
//!   asked ([`SandboxBuilder::stand_ins`]), at its stand-in path
//!   `/sandbox/endpoints/{id}`. An endpoint added to the registry is served
//!   with no change here;
//! - **keeps state for the main flows**: Taobao cart → preview → create →
//!   pay → order detail → logistics → refund render / submit / message /
//!   cancel, and 1688 preview → create → pay URL (and its cashier page) →
//!   detail → refund. Ids are consistent across calls, and a paid or
//!   cancelled order reads back so;
//! - **pushes messages** for those state changes to a registered URL,
//!   signed as `docs/platform.md` §4 describes, retried like the platform (every
//!   30 minutes, at most 5 times; the interval is configurable);
//! - **injects failures** on demand: an error code, an HTTP status, a slow
//!   answer;
//! - **stays bounded** in a shared test process: at most
//!   [`MAX_CONNECTIONS`] connections (then a bare 503), [`READ_TIMEOUT`]
//!   for a request's headers and again for its body (then the connection is
//!   closed, or 408), bodies up to 4 MiB (then 413), saturating arithmetic
//!   on every number a request carries, and a state budget: the newest
//!   [`MAX_KEPT`] orders, refunds and cart lines of each kind and the
//!   newest [`MAX_PUSH_RECORDS`] push records are kept, the oldest
//!   forgotten.
//! - **drops, delays and reorders pushes** on demand
//!   ([`Sandbox::set_push_faults`], [`SandboxBuilder::push_faults`]): a rule
//!   sees each push and answers [`PushFault::Drop`] (lost for good, as when
//!   the platform gives up), [`PushFault::Delay`] (later pushes overtake it)
//!   or [`PushFault::Deliver`]; each [`PushRecord::fault`] tells which.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xportcn::Error> {
//! use xportcn_sandbox::Sandbox;
//!
//! let sandbox = Sandbox::start().await?;
//! let client = sandbox.client();
//! let product = client.taobao().product_get("672991141190").await?;
//! assert!(product.title.is_some());
//! # Ok(()) }
//! ```
//!
//! # What the answers are made of
//! In this order: a failure queued with [`Sandbox::fail_next`]; a recorded
//! answer ([`SandboxBuilder::replay_from`]: a shape production sent, marked
//! with the response header [`SHAPE_HEADER`] = [`SHAPE_RECORDED`]); the state of
//! the flows above; the documented sample of the endpoint (the docs' own
//! example answers, shipped in `xportcn-sandbox/src/samples/`); an example in the
//! response type's shape ([`ResponseExample`](xportcn::endpoint::ResponseExample):
//! every documented field, empty); and for answers whose shape the docs do
//! not show, a generic answer that echoes the request, lossless:
//! `{"sandbox": true, "endpoint": id, "request": {...}}`.
//!
//! # It never invents silently
//! Each answer has a [`ShapeSource`]: documented (a doc page), client (a
//! shipped public client reads the fields), recorded, or **invented** (the
//! echo, and the stateful answers of [`INVENTED_SHAPES`], whose field names
//! no evidence names). An invented answer carries the response header
//! [`SHAPE_HEADER`] (`x-sandbox-shape: invented`), is flagged in
//! [`Sandbox::requests`] ([`RequestRecord::shape`],
//! [`RequestRecord::invented`]) and is logged at WARN once per endpoint per
//! sandbox run. Documented and client-evidenced answers carry no flag.
//!
//! The stateful endpoints, and where their answers come from:
//!
//! | endpoints | state | answer |
//! |---|---|---|
//! | TB-P8, TB-P4 product | the documented product, under the asked id | documented sample; its SKUs' `mpSkuld` (the doc page's typo, null there) answered as `mpSkuId` (the client's name), filled in |
//! | TB-P5b keyword search | the product, as one item | `{pageNo, pageSize, data}` with TB-P1's item fields (client-evidenced for TB-P1, the closest evidence): invented for TB-P5b |
//! | TB-C1, TB-C2, TB-C3 cart | cart items | `{"id"}` on add, the items on list: the sandbox's own |
//! | TB-O4, TB-O6, TB-C5 preview | none | `payAmount`, `postFee`, `productAmount` in fen: the sandbox's own |
//! | TB-O7, TB-O5, TB-C6 create | order, status 0; pushes `ORDER_CREATE` | `{"orderId"}`: the sandbox's own |
//! | TB-O12, TB-O3 pay | status 10; pushes `ORDER_PAY_SUCCESS` | `{"orderId", "paySuccess"}`: the sandbox's own |
//! | TB-O10, TB-O2 cancel | status 4 (unpaid orders only); pushes `ORDER_CANCEL` | the sandbox's own |
//! | TB-O14 detail, TB-O1/TB-O8 list | | `purchaseOrderId`, `status` (the KA status codes), `subOrders` (camelCase keys: `subPurchaseOrderId`, ...): the sandbox's own |
//! | TB-O15 logistics | paid orders only | the documented shape |
//! | TB-A2 render, TB-A7 submit, TB-A6 message, TB-A5 cancel, TB-A10 detail, TB-A1 list | refund, sub-order `refund_status` 10 / -20; pushes the refund message | documented shapes (render, cancel, detail); `{"refundId"}` for submit: the sandbox's own |
//! | AL-P4, AL-P5, AL-P6 search, AL-P2 detail | none | documented page shape with one offer (its client-evidenced fields included) |
//! | AL-O1, AL-O2 preview | none | `orderPreviewResuslt` (the docs' spelling) |
//! | AL-O3, AL-O4 create | order `waitbuyerpay`; pushes `ORDER_CREATE` | the documented 1688 order model |
//! | AL-O6 pay URL (+ its cashier page), AL-O8 submit to pay | `waitsellersend`; pushes `ORDER_PAY_SUCCESS` | documented `PayUrl`; AL-O8's answer is the sandbox's own |
//! | AL-O5 cancel, AL-O7 receive, AL-O10 list, AL-O11 detail | `cancel`, `success` | documented shapes; AL-O10's list fields are the sandbox's own |
//! | AL-A3 refund, AL-A6 refund info | refund `waitselleragree`; pushes the 1688 refund message | documented field names |
//!
//! "The sandbox's own" means no doc page shows that answer: tests should read
//! it the way the SDK does, as raw JSON, and not take its field names as the
//! platform's. Those answers are flagged invented ([`INVENTED_SHAPES`]).
//!
//! # Paths no doc page shows: parity by default
//! The SDK refuses to call an endpoint whose path is unknown (and to write
//! to a guessed path): "money never moves on a guess". By default the
//! sandbox's client refuses exactly what the shipped client refuses
//! ([`Error::PathUnavailable`], the same text), so a test that passes here
//! does not fail at go-live for a missing path. Close the gap as in
//! production: set the path in the override file named by
//! `XPORTCN_PATH_OVERRIDES` (the client reads it, and the sandbox serves
//! its paths), with `override_path` plus [`SandboxBuilder::route`], and
//! check with `xportcn check` (see `docs/going-live.md`).
//!
//! To exercise a flow through endpoints whose path nobody knows yet, opt
//! in to stand-ins: [`SandboxBuilder::stand_ins`]`(true)` (or `xportcn
//! sandbox --stand-ins`) serves every endpoint at `/sandbox/endpoints/{id}`
//! and [`Sandbox::client_builder`] points the endpoints the client would
//! refuse there. Every answer served at a stand-in path carries the
//! response header [`STAND_IN_HEADER`] (`x-xportcn-stand-in: <id>`), is
//! flagged in [`RequestRecord::stand_in`] and is logged at WARN once per
//! endpoint per sandbox run: such a test proves nothing about production.

mod auth;
mod clock;
mod flows;
mod push;
mod replay;
mod routes;
mod shape;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use push::{PushAttempt, PushFault, PushInfo, PushRecord};
pub use replay::SHAPE_RECORDED;
pub use routes::{STAND_IN_HEADER, STAND_IN_PREFIX};
pub use shape::{INVENTED_SHAPES, SHAPE_HEADER, ShapeSource, invented_shape, shape_of};

use auth::Check;
use flows::{Params, State};
use push::{PushConfig, Pusher, lock};
use replay::{Recorded, Replay};
use routes::{Miss, Routes};
use xportcn::callbacks::MemoryReplayStore;
use xportcn::endpoint::{self, Generation, Method};
use xportcn::signing::TimestampUnit;
use xportcn::{Client, ClientBuilder, Credentials, Error};

/// The sandbox's envelope codes.
///
/// The platform's error-code table is not public (`docs/platform.md` §3), so these
/// values are the sandbox's own: distinct per cause, so that a test can tell
/// the causes apart. The messages carry the English cause and a Chinese
/// phrase, as the platform's messages are often Chinese; the SDK's
/// authentication hint ([`ApiError::is_signature_problem`](xportcn::error::ApiError::is_signature_problem))
/// recognises each authentication failure by its words.
pub mod codes {
    /// Success (`msg` "成功"), as the platform sends it.
    pub const SUCCESS: i64 = 200;
    /// One of the five headers, or a warehouse-logistics query parameter, is
    /// missing or empty.
    pub const MISSING_HEADER: i64 = 1001;
    /// The timestamp is not a 10- or 13-digit number, or not in the unit the
    /// sandbox was pinned to.
    pub const TIMESTAMP_INVALID: i64 = 1002;
    /// The timestamp is more than 600 s from the sandbox's clock.
    pub const TIMESTAMP_EXPIRED: i64 = 1003;
    /// The signature (or warehouse-logistics `sign`) does not match: wrong
    /// secret, or a header changed after signing.
    pub const SIGNATURE_MISMATCH: i64 = 1004;
    /// The `nonce-str` was already used inside the timestamp window.
    pub const NONCE_REUSED: i64 = 1005;
    /// The `access-key` is not the sandbox's.
    pub const UNKNOWN_ACCESS_KEY: i64 = 1006;
    /// The `user-id` is not the one issued with the access key.
    pub const USER_MISMATCH: i64 = 1007;
    /// A parameter is missing or invalid.
    pub const INVALID_PARAMETER: i64 = 2001;
    /// The order, sub-order or refund does not exist.
    pub const NOT_FOUND: i64 = 2004;
    /// The order or refund is not in a state that allows the call (paying a
    /// cancelled order, cancelling a paid one, ...).
    pub const STATE_CONFLICT: i64 = 2009;
    /// No endpoint at this path (HTTP 404), or not with this method (HTTP
    /// 405).
    pub const NO_ROUTE: i64 = 404;
}

/// Where 1688 pay URLs point: opening `{base}{CASHIER_PREFIX}{orderId}`
/// (unsigned, like a browser) pays the order.
pub const CASHIER_PREFIX: &str = "/sandbox/cashier/1688/";

/// The `developId` the sandbox puts in its envelopes and pushes (made up).
const DEVELOP_ID: &str = "1110890638347337996";

/// Memory for the nonces seen (about 500,000 of them, 128 bytes each): past
/// it the oldest ones are forgotten, so a long-running sandbox stays bounded.
const NONCE_MEMORY: usize = 64 * 1024 * 1024;

/// Largest request body the sandbox reads; a larger one is answered 413.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The most orders, refunds and cart lines the sandbox keeps, for each kind
/// and platform: past it the oldest (lowest id; ids grow with time) is
/// forgotten, and a call naming it gets "not found". A long-running sandbox
/// stays bounded this way.
pub const MAX_KEPT: usize = 10_000;

/// The most push records [`Sandbox::pushes`] keeps: past it the oldest is
/// forgotten, and its delivery (if still retrying) is stopped.
pub const MAX_PUSH_RECORDS: usize = 10_000;

/// Connections served at once; one more is answered a bare 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;

/// Time a connection has to send a request's headers (then it is closed),
/// and, separately, its body (then 408).
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A failure to inject with [`Sandbox::fail_next`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// An envelope with this code and message (HTTP 200), as the platform
    /// reports its errors.
    Code {
        /// The envelope's `code`.
        code: i64,
        /// The envelope's `msg`.
        msg: String,
    },
    /// This HTTP status with a short HTML body, as a gateway sends it
    /// (503 is the usual one; it is retried for reads).
    Status(u16),
    /// The normal answer, after this delay (test your timeouts).
    Delay(Duration),
}

impl Failure {
    /// An envelope error with `code` and `msg`.
    pub fn code(code: i64, msg: impl Into<String>) -> Self {
        Failure::Code {
            code,
            msg: msg.into(),
        }
    }

    /// An HTTP status such as 503.
    pub fn status(status: u16) -> Self {
        Failure::Status(status)
    }

    /// A slow answer.
    pub fn delay(by: Duration) -> Self {
        Failure::Delay(by)
    }
}

/// One request the sandbox answered, as [`Sandbox::requests`] and
/// [`SandboxBuilder::on_request`] see it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The endpoint id the path matched.
    pub endpoint: Option<&'static str>,
    /// The HTTP status answered.
    pub status: u16,
    /// The envelope code answered, if an envelope was.
    pub code: Option<i64>,
    /// Where the shape of a success answer comes from; `None` for a refusal,
    /// an injected failure or a page. [`ShapeSource::Invented`] flags an
    /// answer whose field names no evidence names.
    pub shape: Option<ShapeSource>,
    /// Whether the request reached the endpoint through its stand-in path
    /// (`/sandbox/endpoints/{id}`, [`SandboxBuilder::stand_ins`]): a path
    /// production does not have.
    pub stand_in: bool,
}

impl RequestRecord {
    /// Whether the answer's shape was invented by the sandbox (see
    /// [`INVENTED_SHAPES`]).
    pub fn invented(&self) -> bool {
        self.shape.is_some_and(|s| s.is_invented())
    }
}

impl fmt::Display for RequestRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        write!(f, " -> {}", self.status)?;
        if let Some(c) = self.code {
            write!(f, " code {c}")?;
        }
        if let Some(e) = self.endpoint {
            write!(f, " [{e}]")?;
        }
        if self.invented() {
            f.write_str(" (invented shape)")?;
        }
        if self.stand_in {
            f.write_str(" (stand-in path)")?;
        }
        Ok(())
    }
}

type OnRequest = Arc<dyn Fn(&RequestRecord) + Send + Sync>;

/// Builds a [`Sandbox`]: credentials, port, clock, timestamp unit, push
/// settings and extra routes.
#[must_use = "a builder does nothing until `start` is called"]
pub struct SandboxBuilder {
    credentials: Option<Credentials>,
    port: u16,
    clock: Clock,
    unit: Option<TimestampUnit>,
    window: Duration,
    callback_url: Option<String>,
    push: PushConfig,
    routes: Vec<(String, String)>,
    on_request: Option<OnRequest>,
    replay: Vec<std::path::PathBuf>,
    push_faults: Option<push::FaultRule>,
    stand_ins: bool,
    env_overrides: bool,
    /// Read endpoints served at paths no registry names
    /// ([`SandboxBuilder::hide_reads_at`]).
    hidden: Vec<(String, String)>,
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("credentials", &self.credentials)
            .field("port", &self.port)
            .field("unit", &self.unit)
            .field("stand_ins", &self.stand_ins)
            .field(
                "callback_url",
                // A URL with `user:password@` (refused at start) is not shown.
                &self
                    .callback_url
                    .as_deref()
                    .map(|u| if u.contains('@') { "***" } else { u }),
            )
            .finish_non_exhaustive()
    }
}

impl SandboxBuilder {
    /// The credentials the sandbox accepts. Default: made up at random (read
    /// them back with [`Sandbox::credentials`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The port on 127.0.0.1. Default 0: a free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The clock timestamps are checked against. Keep a clone to move it.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Accepts only this timestamp unit. Default: either (the docs' example
    /// is milliseconds, the public clients send seconds, the SDK's default).
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.unit = Some(unit);
        self
    }

    /// How far a timestamp may be from the clock. Default 600 s, the
    /// platform's.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Where messages are pushed (also settable later with
    /// [`Sandbox::set_callback_url`]). Without one, pushes are recorded as
    /// undelivered. An `http` or `https` URL without `user:password@`
    /// ([`check_callback_url`]); [`start`](SandboxBuilder::start) refuses
    /// any other.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Time between push attempts. Default 30 minutes, the platform's; set a
    /// few milliseconds in tests.
    pub fn push_retry_interval(mut self, interval: Duration) -> Self {
        self.push.retry_interval = interval;
        self
    }

    /// Retries after the first attempt. Default 5, the platform's.
    pub fn push_max_retries(mut self, retries: u32) -> Self {
        self.push.max_retries = retries;
        self
    }

    /// How long a receiver has to answer HTTP 200. Default 1000 ms, the
    /// platform's.
    pub fn push_ack_timeout(mut self, timeout: Duration) -> Self {
        self.push.ack_timeout = timeout;
        self
    }

    /// Also serves endpoint `id` at `path`: the path your production client
    /// sets with `override_path` for an endpoint whose path no doc page
    /// shows. (The paths of the file named by `XPORTCN_PATH_OVERRIDES` are
    /// served without this.)
    pub fn route(mut self, id: impl Into<String>, path: impl Into<String>) -> Self {
        self.routes.push((id.into(), path.into()));
        self
    }

    /// Serves every endpoint at its stand-in path `/sandbox/endpoints/{id}`
    /// too, and has [`Sandbox::client_builder`] point the endpoints the
    /// shipped client refuses (no known path, a write on a guessed path)
    /// there. Default `false`: the sandbox's client refuses what production
    /// refuses. Each answer served at a stand-in path carries the header
    /// [`STAND_IN_HEADER`] with the endpoint id and is logged at WARN (once
    /// per endpoint per run).
    pub fn stand_ins(mut self, enabled: bool) -> Self {
        self.stand_ins = enabled;
        self
    }

    /// Whether [`start`](SandboxBuilder::start) reads the override file
    /// named by `XPORTCN_PATH_OVERRIDES` and serves its paths, and the
    /// sandbox's client reads it too. Default `true`, as
    /// [`ClientBuilder::path_overrides_from_env`](xportcn::ClientBuilder::path_overrides_from_env).
    pub fn path_overrides_from_env(mut self, read: bool) -> Self {
        self.env_overrides = read;
        self
    }

    /// **Test support for [`xportcn::probe`]**: serves each read endpoint
    /// `id` at `path` too, a path its declaration does not name (as if the
    /// platform had it there, undocumented). A test draws the paths from
    /// [`xportcn::probe::candidates`] (at random, with a seed) and checks
    /// that a [`Prober`](xportcn::probe::Prober) sent through
    /// [`Sandbox::shipped_client_builder`] finds each, knowing nothing of
    /// the choice. Unlike [`SandboxBuilder::route`], a write is refused: the
    /// prober never sends one, so hiding one would test nothing.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), xportcn::Error> {
    /// use xportcn::probe::Prober;
    /// use xportcn_sandbox::Sandbox;
    ///
    /// let sandbox = Sandbox::builder()
    ///     .hide_reads_at([("TB-O14", "/open/order/info")])
    ///     .start()
    ///     .await?;
    /// let report = Prober::new(sandbox.shipped_client_builder().build()?)
    ///     .run(["TB-O14"])
    ///     .await?;
    /// assert_eq!(report.found().next(), Some(("TB-O14", "/open/order/info")));
    /// # Ok(()) }
    /// ```
    pub fn hide_reads_at<I, K, V>(mut self, hidden: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.hidden
            .extend(hidden.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Answers each endpoint recorded in `dir` (by
    /// [`ClientBuilder::record_to`](xportcn::ClientBuilder::record_to) or
    /// `xportcn call --record`) with its recorded answer, status and body,
    /// instead of the documented sample, the example, the echo or the
    /// flow's own answer: your tests run against production shapes. The
    /// last recording of an endpoint wins; a recorded call by path (or of
    /// an endpoint you declared yourself) answers that path. Authentication
    /// and [`Sandbox::fail_next`] still apply first. A replayed answer
    /// carries the header
    /// [`SHAPE_HEADER`]` = `[`SHAPE_RECORDED`]. Call it again to add
    /// directories. The files are read by [`SandboxBuilder::start`].
    pub fn replay_from(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.replay.push(dir.into());
        self
    }

    /// The push-fault rule from the start: drop, delay or reorder pushes
    /// (see [`Sandbox::set_push_faults`], which changes it later).
    pub fn push_faults(
        mut self,
        rule: impl Fn(&PushInfo<'_>) -> PushFault + Send + Sync + 'static,
    ) -> Self {
        self.push_faults = Some(Arc::new(rule));
        self
    }

    /// Called for every request answered (the CLI logs them with it).
    pub fn on_request(mut self, f: impl Fn(&RequestRecord) + Send + Sync + 'static) -> Self {
        self.on_request = Some(Arc::new(f));
        self
    }

    /// Binds 127.0.0.1 and starts serving.
    ///
    /// # Errors
    /// [`Error::PathOverride`] for an override file (`XPORTCN_PATH_OVERRIDES`)
    /// the client would refuse;
    /// [`Error::Config`] for a route to an unknown endpoint id, a hidden
    /// read ([`hide_reads_at`](SandboxBuilder::hide_reads_at)) that is a
    /// write or not a path, a port that cannot be bound, or a [`replay_from`](SandboxBuilder::replay_from)
    /// directory that cannot be read or holds a file that is not an
    /// exchange (or is bigger than
    /// [`record::MAX_FILE_BYTES`](xportcn::record::MAX_FILE_BYTES), or a
    /// symbolic link), or a [`callback_url`](SandboxBuilder::callback_url)
    /// [`check_callback_url`] refuses.
    pub async fn start(mut self) -> Result<Sandbox, Error> {
        if let Some(url) = &self.callback_url {
            check_callback_url(url)?;
        }
        let mut routes = Routes::from_registry(self.stand_ins);
        if self.env_overrides
            && let Some(file) = xportcn::overrides::PathOverrides::from_env()
                .map_err(|e| Error::PathOverride(Box::new(e)))?
        {
            for o in file.entries() {
                if let Some(spec) = endpoint::find(o.id) {
                    routes.add_first(spec, &o.path);
                }
            }
        }
        for (id, path) in &self.routes {
            let spec = endpoint::find(id)
                .ok_or_else(|| Error::Config(format!("sandbox route: no endpoint {id}")))?;
            routes.add_first(spec, path);
        }
        for (id, path) in &self.hidden {
            let spec = endpoint::find(id)
                .ok_or_else(|| Error::Config(format!("sandbox hide_reads_at: no endpoint {id}")))?;
            if !spec.idempotent {
                return Err(Error::Config(format!(
                    "sandbox hide_reads_at: {id} is a write; only reads are probed, so only \
                     reads are hidden (serve a write's path with `route`)"
                )));
            }
            if !path.starts_with('/') {
                return Err(Error::Config(format!(
                    "sandbox hide_reads_at: {id}: the path {path:?} must start with '/'"
                )));
            }
            routes.add_first(spec, path);
        }
        let replay = Replay::load(&self.replay, &routes)?;
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .map_err(|e| {
                Error::Config(format!("sandbox: cannot bind 127.0.0.1:{}: {e}", self.port))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Config(format!("sandbox: no local address: {e}")))?;
        let base_url = format!("http://{addr}");
        let (creds, made_up_secret) = match self.credentials.take() {
            Some(creds) => (creds, None),
            None => {
                let (creds, secret) = made_up_credentials();
                (creds, Some(secret))
            }
        };
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Arc::new(self.shared(routes, replay, creds, &base_url, stop_rx.clone()));
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stop_rx));
        tracing::info!(%addr, "sandbox started");
        Ok(Sandbox {
            shared,
            made_up_secret,
            addr,
            base_url,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

impl SandboxBuilder {
    /// The state a sandbox serves from.
    fn shared(
        self,
        routes: Routes,
        replay: Replay,
        creds: Credentials,
        base_url: &str,
        stop: watch::Receiver<bool>,
    ) -> Shared {
        Shared {
            pusher: Arc::new(
                Pusher::new(
                    self.push,
                    creds.clone(),
                    self.clock.clone(),
                    self.callback_url,
                    DEVELOP_ID.to_owned(),
                )
                .with_faults(self.push_faults),
            ),
            state: Mutex::new(State::new(creds.user_id(), base_url, sample_data("TB-P8"))),
            creds,
            clock: self.clock,
            unit: self.unit,
            window_ms: u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX),
            routes,
            replay,
            nonces: MemoryReplayStore::new(NONCE_MEMORY),
            failures: Mutex::new(VecDeque::new()),
            log: Mutex::new(VecDeque::new()),
            warned: Mutex::new(std::collections::HashSet::new()),
            warned_stand_in: Mutex::new(std::collections::HashSet::new()),
            on_request: self.on_request,
            stand_ins: self.stand_ins,
            env_overrides: self.env_overrides,
            stop,
        }
    }
}

/// Checks a URL the sandbox is to push to: `http` or `https` (the pushes
/// are HTTP POSTs; another scheme would fail on every push, silently), with
/// a host, and without `user:password@` (the sandbox signs its pushes like
/// the platform and sends no credentials of its own: a userinfo would be
/// dropped, so it is refused rather than ignored).
///
/// ```
/// use xportcn_sandbox::check_callback_url;
/// assert!(check_callback_url("http://127.0.0.1:8080/xportcn/push").is_ok());
/// assert!(check_callback_url("file:///etc/passwd").is_err());
/// assert!(check_callback_url("http://user:pass@127.0.0.1/push").is_err());
/// ```
///
/// # Errors
/// [`Error::Config`] saying which rule the URL breaks (a password in it is
/// never repeated).
pub fn check_callback_url(url: &str) -> Result<(), Error> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::Config(format!("sandbox callback URL: not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "sandbox callback URL: scheme {:?} is not supported: use http:// or https:// \
             (pushes are HTTP POSTs)",
            parsed.scheme()
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(
            "sandbox callback URL: `user:password@` is not supported (the sandbox would not \
             send it; pushes are authenticated by their signature): remove it"
                .to_owned(),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(
            "sandbox callback URL: no host: use http://HOST:PORT/PATH".to_owned(),
        ));
    }
    Ok(())
}

/// The clock of [`fuzz_request`]'s sandbox, frozen at this instant (ms).
/// For the fuzz targets (`fuzz/`); not part of the API.
#[doc(hidden)]
pub const FUZZ_NOW_MS: u64 = 1_715_669_977_082;

/// One request through the sandbox's request parsing, authentication and
/// handlers, without a socket, for the fuzz targets: a sandbox made once
/// per process with `creds` (the first call's) and a clock frozen at
/// [`FUZZ_NOW_MS`]. Returns the HTTP status and envelope code of the
/// answer, or `None` when `method` or `target` is not a valid HTTP method
/// or request target.
///
/// The entry point of the `sandbox_request` fuzz target (`fuzz/`); not part
/// of the API: hidden from the docs, no stability promise.
#[doc(hidden)]
pub fn fuzz_request(
    creds: &Credentials,
    method: &[u8],
    target: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<(u16, Option<i64>)> {
    struct Fuzz {
        rt: tokio::runtime::Runtime,
        shared: Shared,
        _stop: watch::Sender<bool>,
    }
    static FUZZ: OnceLock<Option<Fuzz>> = OnceLock::new();
    let fuzz = FUZZ
        .get_or_init(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .ok()?;
            let (stop_tx, stop_rx) = watch::channel(false);
            // Stand-ins on: the fuzz target reaches every endpoint through them.
            let routes = Routes::from_registry(true);
            let replay = Replay::load(&[], &routes).ok()?;
            let shared = Sandbox::builder()
                .stand_ins(true)
                .path_overrides_from_env(false)
                .credentials(creds.clone())
                .clock(Clock::frozen_at(FUZZ_NOW_MS))
                .shared(routes, replay, creds.clone(), "http://127.0.0.1:1", stop_rx);
            Some(Fuzz {
                rt,
                shared,
                _stop: stop_tx,
            })
        })
        .as_ref()?;
    let method = http::Method::from_bytes(method).ok()?;
    let uri: http::Uri = target.parse().ok()?;
    let body = Bytes::copy_from_slice(body);
    let (resp, _, code) = fuzz.rt.block_on(answer(
        &fuzz.shared,
        &method,
        uri.path(),
        uri.query(),
        headers,
        &body,
        &mut None,
    ));
    Some((resp.status().as_u16(), code))
}

/// Random credentials for a sandbox started without any, and their secret
/// (readable through [`Sandbox::made_up_secret`]).
fn made_up_credentials() -> (Credentials, String) {
    let nonce = |n: usize| {
        let raw = xportcn::signing::generate_nonce();
        String::from_utf8_lossy(&raw[..n]).into_owned()
    };
    let user = 2_100_000_000_000u64 + u64::from(rand::random::<u32>() % 1_000_000);
    let secret = nonce(32);
    let creds = Credentials::new(
        format!("sbx{}", nonce(29).to_lowercase()),
        secret.clone(),
        user.to_string(),
    );
    (creds, secret)
}

/// What the request handlers share.
struct Shared {
    creds: Credentials,
    clock: Clock,
    unit: Option<TimestampUnit>,
    window_ms: u64,
    routes: Routes,
    /// Recorded answers ([`SandboxBuilder::replay_from`]).
    replay: Replay,
    /// Nonces seen, the same bounded store a push receiver uses.
    nonces: MemoryReplayStore,
    state: Mutex<State>,
    failures: Mutex<VecDeque<(Option<String>, Failure)>>,
    log: Mutex<VecDeque<RequestRecord>>,
    /// Endpoints whose invented answer was already logged at WARN.
    warned: Mutex<std::collections::HashSet<&'static str>>,
    /// Endpoints whose stand-in path was already logged at WARN.
    warned_stand_in: Mutex<std::collections::HashSet<&'static str>>,
    on_request: Option<OnRequest>,
    /// [`SandboxBuilder::stand_ins`].
    stand_ins: bool,
    /// [`SandboxBuilder::path_overrides_from_env`].
    env_overrides: bool,
    pusher: Arc<Pusher>,
    stop: watch::Receiver<bool>,
}

/// Requests kept by [`Sandbox::requests`].
const LOG_CAPACITY: usize = 10_000;

/// A running sandbox. Dropping it (or [`Sandbox::shutdown`]) stops it.
///
/// ```no_run
/// # async fn demo() -> Result<(), xportcn::Error> {
/// use xportcn_sandbox::{Clock, Sandbox};
/// use xportcn::Credentials;
///
/// let clock = Clock::system();
/// let sandbox = Sandbox::builder()
///     .credentials(Credentials::new("test-key", "test-secret", "2100007341207"))
///     .clock(clock.clone())
///     .start()
///     .await?;
/// println!("platform stand-in at {}", sandbox.base_url());
/// sandbox.shutdown().await;
/// # Ok(()) }
/// ```
pub struct Sandbox {
    shared: Arc<Shared>,
    /// The secret of credentials the sandbox made up (never printed by
    /// `Debug`).
    made_up_secret: Option<String>,
    addr: SocketAddr,
    base_url: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("credentials", &self.shared.creds)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on a free port with made-up credentials.
    ///
    /// # Errors
    /// [`Error::Config`] if 127.0.0.1 cannot be bound.
    pub async fn start() -> Result<Sandbox, Error> {
        Sandbox::builder().start().await
    }

    /// A builder, to fix the credentials, the port, the clock and more.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            credentials: None,
            port: 0,
            clock: Clock::system(),
            unit: None,
            window: Duration::from_secs(600),
            callback_url: None,
            push: PushConfig::default(),
            routes: Vec::new(),
            on_request: None,
            replay: Vec::new(),
            push_faults: None,
            stand_ins: false,
            env_overrides: true,
            hidden: Vec::new(),
        }
    }

    /// The base URL to give a client, `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials it accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.shared.creds
    }

    /// The access secret, when the sandbox made its credentials up (no
    /// [`SandboxBuilder::credentials`]): to hand to a client in another
    /// process, as `xportcn sandbox` prints it. It guards nothing but this
    /// sandbox. `None` for credentials you gave, whose secret is yours.
    pub fn made_up_secret(&self) -> Option<&str> {
        self.made_up_secret.as_deref()
    }

    /// The sandbox's clock (a handle on the same clock: move it to make
    /// timestamps stale).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// A client builder for the sandbox: its base URL and credentials. By
    /// default the client as shipped ([`Sandbox::shipped_client_builder`]),
    /// refusing what production refuses. With
    /// [`SandboxBuilder::stand_ins`]`(true)`, for every endpoint the client
    /// would refuse in its generation (no known path, or a write to a
    /// guessed path) and no override file sets, an `override_path` to the
    /// endpoint's stand-in path `/sandbox/endpoints/{id}`. Chain more
    /// settings, or your own `override_path`, which wins.
    pub fn client_builder(&self) -> ClientBuilder {
        self.client_builder_for(Generation::V1)
    }

    /// [`Sandbox::client_builder`] for a path generation.
    pub fn client_builder_for(&self, generation: Generation) -> ClientBuilder {
        let mut b = self.shipped_client_builder().generation(generation);
        if !self.shared.stand_ins {
            return b;
        }
        // A path the user's override file sets is theirs: not a stand-in.
        let from_file = if self.shared.env_overrides {
            xportcn::overrides::PathOverrides::from_env()
                .ok()
                .flatten()
                .unwrap_or_default()
        } else {
            xportcn::overrides::PathOverrides::default()
        };
        for spec in endpoint::all() {
            if spec.sendable_path(generation).is_err()
                && from_file.get(spec.id, generation).is_none()
            {
                b = b.override_path(spec.id, format!("{STAND_IN_PREFIX}{}", spec.id));
            }
        }
        b
    }

    /// A client builder with the sandbox's base URL and credentials only
    /// (and its timestamp unit, when one is pinned with
    /// [`SandboxBuilder::timestamp_unit`]): the client as shipped, which
    /// refuses endpoints with no known path, whatever
    /// [`SandboxBuilder::stand_ins`] says.
    pub fn shipped_client_builder(&self) -> ClientBuilder {
        let b = Client::builder()
            .credentials(self.shared.creds.clone())
            .base_url(self.base_url.clone())
            .path_overrides_from_env(self.shared.env_overrides);
        match self.shared.unit {
            Some(unit) => b.timestamp_unit(unit),
            None => b,
        }
    }

    /// `client_builder().build()`.
    ///
    /// # Panics
    /// Never in practice: the builder is complete. A failure to build the
    /// HTTP client (no TLS backend) would panic here; use
    /// [`Sandbox::client_builder`] to handle it.
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(c) => c,
            Err(e) => panic!("sandbox client: {e}"),
        }
    }

    /// Sets (or replaces) the URL messages are pushed to: an `http` or
    /// `https` URL without `user:password@`.
    ///
    /// # Errors
    /// [`Error::Config`] from [`check_callback_url`]; the URL in use does not
    /// change.
    pub fn set_callback_url(&self, url: impl Into<String>) -> Result<(), Error> {
        let url = url.into();
        check_callback_url(&url)?;
        *lock(&self.shared.pusher.url) = Some(url);
        Ok(())
    }

    /// Sets the push-fault rule: `rule` sees each push before it is
    /// delivered and decides its fate: [`PushFault::Deliver`],
    /// [`PushFault::Drop`] (lost for good, as when the platform gives up
    /// after its retries) or [`PushFault::Delay`] (pushes made meanwhile
    /// overtake it: a reorder). Each [`PushRecord::fault`] tells what was
    /// applied. Replaces an earlier rule.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), xportcn::Error> {
    /// use std::time::Duration;
    /// use xportcn_sandbox::{PushFault, Sandbox};
    ///
    /// let sandbox = Sandbox::start().await?;
    /// // Drop every 10th push, hold every 7th back for 300 ms.
    /// sandbox.set_push_faults(|push| match push.id {
    ///     id if id % 10 == 0 => PushFault::Drop,
    ///     id if id % 7 == 0 => PushFault::Delay(Duration::from_millis(300)),
    ///     _ => PushFault::Deliver,
    /// });
    /// # Ok(()) }
    /// ```
    pub fn set_push_faults(
        &self,
        rule: impl Fn(&PushInfo<'_>) -> PushFault + Send + Sync + 'static,
    ) {
        *lock(&self.shared.pusher.faults) = Some(Arc::new(rule));
    }

    /// Removes the push-fault rule: every later push is delivered.
    pub fn clear_push_faults(&self) {
        *lock(&self.shared.pusher.faults) = None;
    }

    /// The next request (to any endpoint) fails with `failure`. Queue
    /// several to fail several requests.
    pub fn fail_next(&self, failure: Failure) {
        lock(&self.shared.failures).push_back((None, failure));
    }

    /// The next request to endpoint `id` fails with `failure`.
    pub fn fail_next_on(&self, id: impl Into<String>, failure: Failure) {
        lock(&self.shared.failures).push_back((Some(id.into()), failure));
    }

    /// The requests answered so far (the last 10,000), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// The messages pushed (or being pushed) so far, oldest first.
    pub fn pushes(&self) -> Vec<PushRecord> {
        self.shared.pusher.records()
    }

    /// Waits until `ready` holds for the push records, at most `timeout`,
    /// and returns them.
    pub async fn wait_for_pushes(
        &self,
        timeout: Duration,
        ready: impl Fn(&[PushRecord]) -> bool,
    ) -> Vec<PushRecord> {
        self.shared.pusher.wait_for(timeout, ready).await
    }

    /// Stops serving and waits for the server task to end. Pushes still
    /// being retried stop too.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// What a connection past [`MAX_CONNECTIONS`] is told before it is closed.
const REFUSED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // The receiver's limits: a bounded number of connections,
                // each with a header read timeout (the body's is in `handle`).
                while connections.try_join_next().is_some() {}
                if connections.len() >= MAX_CONNECTIONS {
                    let _ = stream.try_write(REFUSED);
                    drop(stream);
                    continue;
                }
                let shared = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

/// An envelope answer.
///
/// Written straight into bytes from borrowed parts: building a `json!`
/// value first copied all of `data` (a deep clone of the product, say) and
/// `to_string` went through `fmt::Display`, together a quarter of the
/// sandbox's time per call. The keys keep the order `json!` gave them
/// (alphabetical).
fn envelope(code: i64, msg: &str, data: &Value) -> Bytes {
    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        code: i64,
        data: &'a Value,
        #[serde(rename = "developId")]
        develop_id: &'a str,
        msg: &'a str,
        #[serde(rename = "requestId")]
        request_id: &'a str,
    }
    let raw = xportcn::signing::generate_nonce();
    let request_id = String::from_utf8_lossy(&raw).to_lowercase();
    let envelope = Envelope {
        code,
        data,
        develop_id: DEVELOP_ID,
        msg,
        request_id: &request_id,
    };
    // A `Value` (string keys only) always serializes.
    Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default())
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    resp
}

const JSON: &str = "application/json;charset=UTF-8";

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let query_str = parts.uri.query().map(str::to_owned);
    let method_str = parts.method.as_str().to_owned();
    let mut shape = None;
    let (mut resp, endpoint, code) = match read_body(&parts.headers, body).await {
        Ok(body) => {
            answer(
                shared,
                &parts.method,
                &path,
                query_str.as_deref(),
                &parts.headers,
                &body,
                &mut shape,
            )
            .await
        }
        Err((status, msg)) => (
            respond(
                status,
                JSON,
                envelope(codes::INVALID_PARAMETER, msg, &Value::Null),
            ),
            None,
            Some(codes::INVALID_PARAMETER),
        ),
    };
    let stand_in = endpoint.is_some() && path.starts_with(STAND_IN_PREFIX);
    if stand_in && let Some(id) = endpoint {
        if let Ok(v) = HeaderValue::from_str(id) {
            resp.headers_mut().insert(STAND_IN_HEADER, v);
        }
        if lock(&shared.warned_stand_in).insert(id) {
            tracing::warn!(
                endpoint = id,
                "sandbox: {id} served at its stand-in path {STAND_IN_PREFIX}{id}, a path \
                 production does not have: the shipped client refuses {id} until its path is \
                 set (XPORTCN_PATH_OVERRIDES, override_path)"
            );
        }
    }
    if shape.is_some_and(|s| s.is_invented()) {
        resp.headers_mut().insert(
            SHAPE_HEADER,
            HeaderValue::from_static(ShapeSource::Invented.as_str()),
        );
        if let Some(id) = endpoint
            && lock(&shared.warned).insert(id)
        {
            tracing::warn!(
                endpoint = id,
                "sandbox: {id} answered with a shape the sandbox invented (no doc page, client \
                 or recording names its fields): do not rely on its field names"
            );
        }
    }
    let record = RequestRecord {
        method: method_str,
        path,
        query: query_str,
        endpoint,
        status: resp.status().as_u16(),
        code,
        shape,
        stand_in,
    };
    tracing::info!(request = %record, "sandbox");
    if let Some(f) = &shared.on_request {
        f(&record);
    }
    let mut log = lock(&shared.log);
    if log.len() == LOG_CAPACITY {
        log.pop_front();
    }
    log.push_back(record);
    resp
}

/// Reads a request body within [`MAX_BODY`] (413 from `Content-Length`
/// before reading, or once it passes the limit) and [`READ_TIMEOUT`] (408).
async fn read_body(
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Bytes, (StatusCode, &'static str)> {
    const TOO_LARGE: (StatusCode, &str) = (
        StatusCode::PAYLOAD_TOO_LARGE,
        "the body is larger than the sandbox reads (4 MiB) (请求体过大)",
    );
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(TOO_LARGE);
    }
    match tokio::time::timeout(READ_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
        Ok(Ok(b)) => Ok(b.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(TOO_LARGE),
        Ok(Err(_)) => Err((
            StatusCode::BAD_REQUEST,
            "the body could not be read (请求体无效)",
        )),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            "the body did not arrive in time (请求超时)",
        )),
    }
}

/// The answer, the endpoint id it was for and the envelope code.
async fn answer(
    shared: &Shared,
    method: &http::Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
    shape: &mut Option<ShapeSource>,
) -> (Response<Full<Bytes>>, Option<&'static str>, Option<i64>) {
    let query_pairs: Vec<(String, String)> = query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let fail = |status: StatusCode, code: i64, msg: &str| {
        (
            respond(status, JSON, envelope(code, msg, &Value::Null)),
            None,
            Some(code),
        )
    };

    // The cashier page a 1688 pay URL points at: opening it pays the order.
    if let Some(order_id) = path.strip_prefix(CASHIER_PREFIX) {
        let now = shared.clock.now_millis();
        let outcome = lock(&shared.state).al_pay(order_id, now);
        return match outcome {
            Ok(o) => {
                send_pushes(shared, o.pushes);
                let page =
                    format!("<html><body>sandbox cashier: order {order_id} paid</body></html>");
                (
                    respond(StatusCode::OK, "text/html;charset=UTF-8", Bytes::from(page)),
                    None,
                    None,
                )
            }
            Err(r) => fail(StatusCode::CONFLICT, r.code, &r.msg),
        };
    }

    let method = match *method {
        http::Method::GET => Method::Get,
        http::Method::POST => Method::Post,
        _ => {
            return fail(
                StatusCode::METHOD_NOT_ALLOWED,
                codes::NO_ROUTE,
                "method not allowed",
            );
        }
    };
    if !shared.stand_ins && path.starts_with(STAND_IN_PREFIX) {
        return fail(
            StatusCode::NOT_FOUND,
            codes::NO_ROUTE,
            &format!(
                "no endpoint at {path}: stand-in paths are served only when asked \
                 (SandboxBuilder::stand_ins(true), xportcn sandbox --stand-ins) (接口不存在)"
            ),
        );
    }
    let matched = match shared.routes.find(method, path) {
        Ok(m) => m,
        Err(Miss::Method(want)) => {
            return fail(
                StatusCode::METHOD_NOT_ALLOWED,
                codes::NO_ROUTE,
                &format!("{path} takes {want} (请求方法错误)"),
            );
        }
        Err(Miss::NotFound) if !shared.replay.is_empty() => {
            return match shared.replay.path(method, path) {
                Some(rec) => {
                    *shape = Some(ShapeSource::Recorded);
                    replay_unrouted(shared, headers, &query_pairs, rec)
                }
                None => fail(
                    StatusCode::NOT_FOUND,
                    codes::NO_ROUTE,
                    &format!("no endpoint at {path} (接口不存在)"),
                ),
            };
        }
        Err(Miss::NotFound) => {
            return fail(
                StatusCode::NOT_FOUND,
                codes::NO_ROUTE,
                &format!("no endpoint at {path} (接口不存在)"),
            );
        }
    };
    let spec = matched.spec;
    let id = Some(spec.id);
    let with_id =
        |(r, _, c): (Response<Full<Bytes>>, Option<&'static str>, Option<i64>)| (r, id, c);

    let now = shared.clock.now_millis();
    let checked = {
        let check = Check {
            creds: &shared.creds,
            now_ms: now,
            window_ms: shared.window_ms,
            unit: shared.unit,
        };
        auth::check(&check, &shared.nonces, spec.signing, headers, &query_pairs)
    };
    if let Err(r) = checked {
        return with_id(fail(StatusCode::OK, r.code, &r.msg));
    }

    let injected = {
        let mut queue = lock(&shared.failures);
        let at = queue
            .iter()
            .position(|(only, _)| only.as_deref().is_none_or(|o| o == spec.id));
        at.and_then(|i| queue.remove(i)).map(|(_, f)| f)
    };
    match injected {
        Some(Failure::Code { code, msg }) => return with_id(fail(StatusCode::OK, code, &msg)),
        Some(Failure::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let page = format!(
                "<html><head><title>{status}</title></head><body><h1>{status}</h1>sandbox</body></html>"
            );
            return (
                respond(status, "text/html;charset=UTF-8", Bytes::from(page)),
                id,
                None,
            );
        }
        Some(Failure::Delay(by)) => tokio::time::sleep(by).await,
        None => {}
    }
    if let Some(rec) = shared.replay.endpoint(spec.id) {
        *shape = Some(ShapeSource::Recorded);
        return (replayed(rec), id, rec.code);
    }

    let json_body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => Some(v),
            Err(e) => {
                return with_id(fail(
                    StatusCode::OK,
                    codes::INVALID_PARAMETER,
                    &format!("the body is not JSON: {e} (参数格式错误)"),
                ));
            }
        }
    };
    let params = Params::new(&query_pairs, json_body.as_ref(), &matched.params);
    let outcome = lock(&shared.state).handle(spec.id, &params, now);
    let (data, source) = match outcome {
        Some(Ok(o)) => {
            send_pushes(shared, o.pushes);
            (o.data, shape::state_source(spec.id))
        }
        Some(Err(r)) => return with_id(fail(StatusCode::OK, r.code, &r.msg)),
        None => stateless(spec, &query_pairs, json_body, &matched.params),
    };
    *shape = Some(source);
    (
        respond(
            StatusCode::OK,
            JSON,
            envelope(codes::SUCCESS, "成功", &data),
        ),
        id,
        Some(codes::SUCCESS),
    )
}

/// A recorded answer, as recorded, marked [`SHAPE_RECORDED`].
fn replayed(rec: &Recorded) -> Response<Full<Bytes>> {
    let content_type = if rec.json {
        JSON
    } else {
        "text/html;charset=UTF-8"
    };
    let mut resp = respond(rec.status, content_type, rec.body.clone());
    resp.headers_mut().insert(
        SHAPE_HEADER,
        HeaderValue::from_static(replay::SHAPE_RECORDED),
    );
    resp
}

/// The recorded answer of a path no endpoint routes (a call by path),
/// after the header authentication every such call gets.
fn replay_unrouted(
    shared: &Shared,
    headers: &HeaderMap,
    query_pairs: &[(String, String)],
    rec: &Recorded,
) -> (Response<Full<Bytes>>, Option<&'static str>, Option<i64>) {
    let check = Check {
        creds: &shared.creds,
        now_ms: shared.clock.now_millis(),
        window_ms: shared.window_ms,
        unit: shared.unit,
    };
    match auth::check(
        &check,
        &shared.nonces,
        endpoint::Signing::Headers,
        headers,
        query_pairs,
    ) {
        Ok(_) => (replayed(rec), None, rec.code),
        Err(r) => (
            respond(StatusCode::OK, JSON, envelope(r.code, &r.msg, &Value::Null)),
            None,
            Some(r.code),
        ),
    }
}

fn send_pushes(shared: &Shared, pushes: Vec<flows::Push>) {
    for p in pushes {
        shared
            .pusher
            .push(p.message_type, p.platform, p.body, &shared.stop);
    }
}

/// The answer of an endpoint with no state, and where its shape comes
/// from: its documented sample, an example in its response type's shape, or
/// the generic echo (invented).
fn stateless(
    spec: &endpoint::EndpointSpec,
    query: &[(String, String)],
    body: Option<Value>,
    path: &[(String, String)],
) -> (Value, ShapeSource) {
    if let Some(sample) = samples().get(spec.id) {
        return (sample.clone(), shape::stateless_source(spec, true, true));
    }
    if let Some(example) = spec.example.build() {
        return (example, shape::stateless_source(spec, false, true));
    }
    let mut request = serde_json::Map::new();
    if !query.is_empty() {
        request.insert(
            "query".to_owned(),
            Value::Object(
                query
                    .iter()
                    .filter(|(k, _)| k != "timestamp" && k != "sign")
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        );
    }
    if !path.is_empty() {
        request.insert(
            "path".to_owned(),
            Value::Object(
                path.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        );
    }
    if let Some(b) = body {
        request.insert("body".to_owned(), b);
    }
    (
        json!({ "sandbox": true, "endpoint": spec.id, "request": request }),
        shape::stateless_source(spec, false, false),
    )
}

/// The documented samples the sandbox serves, by endpoint id: the `data` of
/// the docs' example answers (see `xportcn-sandbox/src/samples/`).
fn samples() -> &'static std::collections::HashMap<&'static str, Value> {
    static SAMPLES: OnceLock<std::collections::HashMap<&'static str, Value>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        [
            ("TB-P8", include_str!("samples/TB-P8.json")),
            ("TB-A2", include_str!("samples/TB-A2.json")),
            ("TB-A5", include_str!("samples/TB-A5.json")),
            ("TB-O15", include_str!("samples/TB-O15.json")),
            ("AL-O11", include_str!("samples/AL-O11.json")),
            ("AL-C1", include_str!("samples/AL-C1.json")),
            ("BM-3", include_str!("samples/BM-3.json")),
        ]
        .into_iter()
        .filter_map(|(id, text)| {
            let v: Value = serde_json::from_str(text).ok()?;
            Some((id, v.get("data")?.clone()))
        })
        .collect()
    })
}

/// The `data` of one sample (null if it is missing).
fn sample_data(id: &str) -> Value {
    samples().get(id).cloned().unwrap_or(Value::Null)
}

/// The README's examples, compiled as doctests so they stay correct.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
