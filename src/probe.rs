//! Discovery of undocumented read paths, on your own account.
//!
//! Some endpoints have no path on any doc page (`docs/endpoints.md`: unknown
//! or guessed), and the SDK refuses to send them until a path is set. For a
//! **read**, the path can be found safely: [`Prober`] tries the candidates
//! the platform's naming rules give ([`candidates`]; the rules are in
//! `docs/probe.md`), with signed, harmless requests (ids that cannot exist:
//! `0`, `xportcn-probe-0`), and classifies each answer:
//!
//! - **route missing**: HTTP 404, or the very answer a path that cannot exist
//!   gets (the *control*, see below);
//! - **route present**: a success, or a business error that differs from the
//!   control's answer ("order not found", "missing parameter", ...).
//!
//! It stops at the first present candidate of an endpoint and reports it as
//! an override line for the file `XPORTCN_PATH_OVERRIDES` names
//! ([`ProbeReport::overrides`]). **A write is never probed**: it is reported
//! as [`ProbeStatus::AskThePlatform`] and no request is sent for it (money
//! never moves on a guess, and neither does a probe).
//!
//! # The control request: a server that says yes to everything
//! Before the candidates of a path family (`/open/`, `/alibaba/`,
//! `/v2/taobao/`, ...), the prober sends one request to a path of that family
//! that cannot exist (`/open/xportcn-probe-nonexistent/<random>`). Its
//! answer is what "missing" looks like on this server:
//!
//! - HTTP 404 (the sandbox: `404` with code 404 "接口不存在"), or a business
//!   error code: a candidate with the same HTTP status and code is missing,
//!   any other answer is present;
//! - a **success**: the server answers success for a path that cannot exist,
//!   so a success proves nothing. The family is reported
//!   [`ProbeStatus::Inconclusive`], no candidate is sent, no override line is
//!   printed;
//! - an authentication refusal, or no envelope at all (a 5xx, a timeout):
//!   inconclusive as well (check the credentials with a known endpoint first).
//!
//! # Bounds
//! One request at a time, at least [`ProbeLimits::interval`] apart (default
//! 500 ms: 2 requests per second); at most [`ProbeLimits::max_per_endpoint`]
//! candidates per endpoint and [`ProbeLimits::max_total`] requests in all
//! (controls included); nothing is sent after [`ProbeLimits::deadline`].
//! Each request is sent once (never retried) and logged at INFO (target
//! `xportcn::probe`: endpoint, method, path, outcome; never a header, a
//! body or a secret).
//!
//! ```no_run
//! # async fn demo() -> Result<(), xportcn::Error> {
//! use xportcn::probe::Prober;
//! use xportcn::{Client, Credentials};
//!
//! let client = Client::builder().credentials(Credentials::from_env()?).build()?;
//! let report = Prober::new(client).run(["TB-O14", "TB-C1", "TB-O12"]).await?;
//! for e in &report.endpoints {
//!     println!("{} {}", e.id, e.status);
//! }
//! // Paste into the file XPORTCN_PATH_OVERRIDES names:
//! print!("{}", report.overrides());
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::client::Client;
use crate::endpoint::{self, EndpointSpec, Evidence, Generation, Method};
use crate::envelope::{ApiResponse, SUCCESS_CODES};
use crate::error::Error;

/// The id a probe sends where a numeric id goes: no order, item or
/// sub-order has it.
pub const PROBE_NUMERIC_ID: &str = "0";

/// The id a probe sends where an opaque id goes (refund ids, `offerMapId`).
pub const PROBE_TEXT_ID: &str = "xportcn-probe-0";

/// The segment of the control paths: `{family}xportcn-probe-nonexistent/{random}`.
pub const CONTROL_SEGMENT: &str = "xportcn-probe-nonexistent";

/// Default time between two requests: 2 requests per second.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);

/// Default number of candidates tried per endpoint.
pub const DEFAULT_MAX_PER_ENDPOINT: usize = 6;

/// Default number of requests of a run, controls included.
pub const DEFAULT_MAX_TOTAL: usize = 100;

/// Default time a run may take.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The bounds of a probe run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeLimits {
    /// Least time between the starts of two requests (default 500 ms).
    pub interval: Duration,
    /// Most candidates tried per endpoint (default 6).
    pub max_per_endpoint: usize,
    /// Most requests of the run, controls included (default 100).
    pub max_total: usize,
    /// Time after which nothing more is sent (default 120 s).
    pub deadline: Duration,
}

impl Default for ProbeLimits {
    fn default() -> Self {
        ProbeLimits {
            interval: DEFAULT_INTERVAL,
            max_per_endpoint: DEFAULT_MAX_PER_ENDPOINT,
            max_total: DEFAULT_MAX_TOTAL,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

// ---------------------------------------------------------------------------
// Naming rules
// ---------------------------------------------------------------------------

/// A platform section's path prefix in each generation, from the verified
/// paths: Taobao `/open/` and `/v2/taobao/`, 1688 `/alibaba/` and
/// `/v2/alibaba/`, basics `/open/` and `/v2/open/`, key accounts
/// `/alibaba/ka/` (and, by the section rule, `/v2/alibaba/ka/`).
#[derive(Debug, Clone, Copy)]
enum Section {
    Taobao,
    Alibaba,
    Basics,
    KeyAccount,
}

impl Section {
    fn prefix(self, generation: Generation) -> &'static str {
        match (self, generation) {
            (Section::Taobao, Generation::V1) | (Section::Basics, Generation::V1) => "/open/",
            (Section::Taobao, _) => "/v2/taobao/",
            (Section::Alibaba, Generation::V1) => "/alibaba/",
            (Section::Alibaba, _) => "/v2/alibaba/",
            (Section::Basics, _) => "/v2/open/",
            (Section::KeyAccount, Generation::V1) => "/alibaba/ka/",
            (Section::KeyAccount, _) => "/v2/alibaba/ka/",
        }
    }
}

/// The verbs verified paths use for reading one record by id, in order of
/// how often they appear: `/alibaba/order/detail`, `/open/product/get`,
/// `/alibaba/product/detail/get`, `/alibaba/refund/info`,
/// `/open/order/refund/query`.
const DETAIL: &[&str] = &["detail", "get", "detail/get", "info", "query"];

/// The verbs verified paths use for a list: `/open/purchase/page`,
/// `/v2/alibaba/order/page`, `/v2/alibaba/cart/list`,
/// `/open/order/refund/queryList`.
const LIST: &[&str] = &["page", "list", "queryList", "page/list"];

/// What a rule knows of one read endpoint: its section, the path tails
/// (after the section's prefix) its resource and kind give, and the
/// harmless fields a probe sends.
struct Rule {
    id: &'static str,
    section: Section,
    /// `resource` + each verb of `verbs`, then `extra`, in this order.
    resource: &'static str,
    verbs: &'static [&'static str],
    extra: &'static [&'static str],
    fields: &'static [(&'static str, &'static str)],
}

const PAGE: &[(&str, &str)] = &[("pageNo", "1"), ("pageSize", "1")];
const ORDER_ID: &[(&str, &str)] = &[("orderId", PROBE_NUMERIC_ID)];

/// The read endpoints whose path a doc page does not show in some
/// generation, and what the naming rules say of each (`docs/probe.md`).
/// Endpoints of sections with no known path at all (Alibaba International,
/// Poizon) have no rule: nothing to derive a candidate from.
const RULES: &[Rule] = &[
    Rule {
        id: "TB-O14",
        section: Section::Taobao,
        resource: "order/",
        verbs: DETAIL,
        extra: &[],
        fields: ORDER_ID,
    },
    Rule {
        id: "TB-O8",
        section: Section::Taobao,
        resource: "order/",
        verbs: LIST,
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "TB-C1",
        section: Section::Taobao,
        resource: "cart/",
        verbs: LIST,
        extra: &["cart/get"],
        fields: PAGE,
    },
    Rule {
        id: "TB-C5",
        section: Section::Taobao,
        resource: "cart/",
        verbs: &[],
        // 1688's twin (AL-C5) is `/alibaba/cart/preview/order`.
        extra: &[
            "cart/preview/order",
            "cart/order/preview",
            "cart/preview",
            "cart/render",
            "cart/order/render",
        ],
        fields: &[("ids", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "TB-O6",
        section: Section::Taobao,
        resource: "order/",
        verbs: &[],
        extra: &[
            "order/render/v2",
            "order/v2/render",
            "order/renderV2",
            "order/render2",
        ],
        fields: &[],
    },
    Rule {
        id: "TB-O1",
        section: Section::Taobao,
        resource: "purchase/",
        verbs: LIST,
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "TB-O4",
        section: Section::Taobao,
        resource: "order/",
        verbs: &["render"],
        extra: &[],
        fields: &[],
    },
    Rule {
        id: "TB-A3",
        section: Section::Taobao,
        resource: "order/refund/",
        verbs: &[],
        // The after-sale verbs of TB-A2 (`render`) and TB-A6 (`submit/message`).
        extra: &[
            "order/refund/logistics/render",
            "order/refund/return/logistics/render",
            "order/refund/returnLogistics/render",
            "order/refund/logistics/get",
        ],
        fields: &[("refundId", PROBE_TEXT_ID)],
    },
    Rule {
        id: "TB-A8",
        section: Section::Taobao,
        resource: "order/refund/",
        verbs: &[],
        extra: &[
            "order/refund/message/list",
            "order/refund/message/queryList",
            "order/refund/message/page",
            "order/refund/query/message",
            "order/refund/message/query",
        ],
        fields: &[
            ("refundId", PROBE_TEXT_ID),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    },
    Rule {
        id: "TB-P1",
        section: Section::Taobao,
        resource: "product/",
        verbs: &["recommend"],
        extra: &["product/recommend/list", "product/hot/recommend"],
        fields: PAGE,
    },
    Rule {
        id: "TB-P2",
        section: Section::Taobao,
        resource: "product/spu/",
        verbs: &["list", "page"],
        extra: &["spu/list", "spu/page", "product/spus/list"],
        fields: PAGE,
    },
    Rule {
        id: "TB-P3",
        section: Section::Taobao,
        resource: "product/spu/",
        verbs: &["get", "detail", "detail/get"],
        extra: &["spu/get", "spu/detail"],
        fields: &[("spuId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "TB-P4",
        section: Section::Taobao,
        resource: "product/",
        verbs: &["detail", "detail/get"],
        extra: &["product/v2/get", "product/getV2"],
        fields: &[("itemId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "TB-P5",
        section: Section::Taobao,
        resource: "product/",
        verbs: &["search", "keywords/query", "keyword/search", "query"],
        extra: &[],
        fields: &[
            ("keyword", PROBE_TEXT_ID),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    },
    Rule {
        id: "TB-P6",
        section: Section::Taobao,
        resource: "product/",
        // 1688's twin (AL-P5) is `/alibaba/product/image/query`.
        verbs: &[
            "image/query",
            "image/search",
            "item/image/search",
            "imageSearch",
        ],
        extra: &[],
        fields: &[
            ("imageUrl", PROBE_TEXT_ID),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    },
    Rule {
        id: "TB-P9",
        section: Section::Taobao,
        resource: "product/",
        verbs: &["source/get"],
        extra: &[],
        fields: &[("itemId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "BA-1",
        section: Section::Basics,
        resource: "address/",
        verbs: &["get", "list", "query", "page", "info"],
        extra: &[],
        fields: &[],
    },
    Rule {
        id: "AL-O11",
        section: Section::Alibaba,
        resource: "order/",
        verbs: DETAIL,
        extra: &[],
        fields: ORDER_ID,
    },
    Rule {
        id: "AL-O10",
        section: Section::Alibaba,
        resource: "order/",
        verbs: LIST,
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "AL-C1",
        section: Section::Alibaba,
        resource: "cart/",
        verbs: LIST,
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "AL-O9",
        section: Section::Alibaba,
        resource: "order/logistics/",
        // Taobao's twin (TB-O15) is `/open/order/logistics/detail/get`.
        verbs: &["detail/get", "trace", "tracking", "get", "info"],
        extra: &[],
        fields: ORDER_ID,
    },
    Rule {
        id: "AL-A1",
        section: Section::Alibaba,
        resource: "refund/reason/",
        verbs: &["list", "query", "get"],
        extra: &["refund/reasons", "refund/apply/reasons"],
        fields: ORDER_ID,
    },
    Rule {
        id: "AL-A5",
        section: Section::Alibaba,
        resource: "refund/logistics/company/",
        verbs: &["list"],
        extra: &[
            "logistics/company/list",
            "refund/logisticsCompany/list",
            "logistics/companies",
        ],
        fields: &[],
    },
    Rule {
        id: "AL-P1",
        section: Section::Alibaba,
        resource: "product/category/",
        verbs: &["get", "query", "detail"],
        extra: &["category/get", "category/query"],
        fields: &[("categoryId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "AL-P2",
        section: Section::Alibaba,
        resource: "product/",
        verbs: &["detail/get", "detail"],
        extra: &[],
        fields: &[("offerId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "AL-P3",
        section: Section::Alibaba,
        resource: "product/",
        verbs: &["openuid/decrypt"],
        extra: &[],
        fields: &[("openUid", PROBE_TEXT_ID)],
    },
    Rule {
        id: "AL-P7",
        section: Section::Alibaba,
        resource: "product/",
        // The v2 twin of AL-P8 is `/v2/alibaba/product/productRelatedRecommendQuery`.
        verbs: &[
            "recommend",
            "recommend/query",
            "productRecommendQuery",
            "recommend/list",
        ],
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "AL-P9",
        section: Section::Alibaba,
        resource: "product/",
        verbs: &[
            "global/keywords/query",
            "strict/global/keywords/query",
            "globalStrictSelect/keywords/query",
        ],
        extra: &[],
        fields: &[
            ("keyword", PROBE_TEXT_ID),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    },
    Rule {
        id: "AL-P10",
        section: Section::Alibaba,
        resource: "product/",
        verbs: &[
            "strict/keywords/query",
            "strictSelect/keywords/query",
            "keywords/strict/query",
        ],
        extra: &[],
        fields: &[
            ("keyword", PROBE_TEXT_ID),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    },
    Rule {
        id: "AL-P11",
        section: Section::Alibaba,
        resource: "product/",
        verbs: &["hot/list", "hotList/query", "hot/query", "ranking/list"],
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "BM-1",
        section: Section::KeyAccount,
        resource: "product/",
        verbs: &["detail/get", "detail", "get"],
        extra: &[],
        fields: &[("offerId", PROBE_NUMERIC_ID)],
    },
    Rule {
        id: "BM-2",
        section: Section::KeyAccount,
        resource: "order/",
        verbs: LIST,
        extra: &[],
        fields: PAGE,
    },
    Rule {
        id: "BM-3",
        section: Section::KeyAccount,
        resource: "order/",
        verbs: &["create/preview"],
        extra: &[],
        fields: &[],
    },
    Rule {
        id: "BM-5",
        section: Section::KeyAccount,
        resource: "order/",
        verbs: DETAIL,
        extra: &[],
        fields: ORDER_ID,
    },
];

fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The other generation's path mapped by the section rule
/// (`/v2/taobao/X` ↔ `/open/X`, `/v2/alibaba/X` ↔ `/alibaba/X`,
/// `/v2/open/X` ↔ `/open/X`), as `endpoint` documents it.
fn twin(path: &str, to: Generation, section: Option<Section>) -> Option<String> {
    match to {
        Generation::V1 => {
            for (v2, v1) in [
                ("/v2/taobao/", "/open/"),
                ("/v2/open/", "/open/"),
                ("/v2/alibaba/", "/alibaba/"),
            ] {
                if let Some(rest) = path.strip_prefix(v2) {
                    return Some(format!("{v1}{rest}"));
                }
            }
            None
        }
        _ => {
            if let Some(rest) = path.strip_prefix("/alibaba/") {
                return Some(format!("/v2/alibaba/{rest}"));
            }
            let rest = path.strip_prefix("/open/")?;
            let v2 = match section {
                Some(Section::Basics) => "/v2/open/",
                _ if rest.starts_with("pp/") || rest.starts_with("address/") => "/v2/open/",
                _ => "/v2/taobao/",
            };
            Some(format!("{v2}{rest}"))
        }
    }
}

/// The candidate paths of an endpoint in a generation, in the order a probe
/// tries them:
///
/// 1. its guessed path in that generation, if it has one;
/// 2. its path in the other generation (any evidence), mapped by the section
///    rule;
/// 3. the section's prefix with the resource and each verb its kind takes
///    (`docs/probe.md` lists them per endpoint).
///
/// A path another endpoint already has (any generation, any evidence) is
/// never a candidate, nor one with a `{name}` placeholder. Empty for an
/// endpoint whose path is verified or derived in that generation, and for
/// one no rule covers (Alibaba International, Poizon: no path of those
/// sections is known at all). Writes get candidates too (to document them),
/// but a [`Prober`] never sends them.
///
/// ```
/// use xportcn::endpoint::{find, Generation};
/// use xportcn::probe::candidates;
/// let detail = find("TB-O14").unwrap();
/// let c = candidates(detail, Generation::V1);
/// assert_eq!(c[0], "/open/order/detail");
/// assert!(c.contains(&"/open/order/get".to_owned()));
/// // TB-P8's path is never a candidate of TB-P4.
/// assert!(!candidates(find("TB-P4").unwrap(), Generation::V1).contains(&"/open/product/get".to_owned()));
/// ```
pub fn candidates(spec: &EndpointSpec, generation: Generation) -> Vec<String> {
    let mine = spec.path_spec(generation);
    if matches!(mine.evidence, Evidence::Verified { .. } | Evidence::Derived) {
        return Vec::new();
    }
    let rule = rule(spec.id);
    let other = match generation {
        Generation::V1 => Generation::V2,
        _ => Generation::V1,
    };
    let mut out: Vec<String> = Vec::new();
    if let (Some(p), Evidence::Guessed { .. }) = (mine.path, mine.evidence) {
        out.push(p.to_owned());
    }
    if let Some(p) = spec.path(other)
        && let Some(t) = twin(p, generation, rule.map(|r| r.section))
    {
        out.push(t);
    }
    if let Some(r) = rule {
        let prefix = r.section.prefix(generation);
        for verb in r.verbs {
            out.push(format!("{prefix}{}{verb}", r.resource));
        }
        for extra in r.extra {
            out.push(format!("{prefix}{extra}"));
        }
    }
    let taken = |p: &str| {
        endpoint::all()
            .iter()
            .any(|s| s.id != spec.id && (s.v1.path == Some(p) || s.v2.path == Some(p)))
    };
    let mut seen = Vec::new();
    out.retain(|p| {
        let keep = !p.contains('{') && !taken(p) && !seen.contains(p);
        if keep {
            seen.push(p.clone());
        }
        keep
    });
    out
}

/// The harmless fields a probe of `spec` sends: ids that cannot exist, a
/// page of one.
fn probe_fields(spec: &EndpointSpec) -> &'static [(&'static str, &'static str)] {
    rule(spec.id).map_or(&[], |r| r.fields)
}

/// The family of a path: its first segment, or its first two for `/v2/...`
/// and `/alibaba/ka/...` (`/open/`, `/v2/taobao/`, `/alibaba/ka/`).
fn family(path: &str) -> String {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let n = match segs.as_slice() {
        ["v2", _, ..] | ["alibaba", "ka", ..] => 2,
        _ => 1,
    };
    let mut out = String::from("/");
    for s in segs.iter().take(n) {
        out.push_str(s);
        out.push('/');
    }
    out
}

// ---------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------

/// What one probe request's answer says of its path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// No route at this path: HTTP 404, or the answer a path that cannot
    /// exist gets.
    Missing {
        /// Why, in words (`HTTP 404`, `same answer as the control: code 1`).
        why: String,
    },
    /// A route answers at this path: a success, or a business error that
    /// differs from the control's answer.
    Present {
        /// What it answered (`success`, `platform error 2004: ...`).
        what: String,
    },
    /// HTTP 405: a route exists at this path for another method. Not an
    /// override (the endpoint's method is what the navigation says).
    OtherMethod,
    /// The request was refused as unauthenticated (401/403, or a platform
    /// error about the signature): the run stops.
    AuthRefused {
        /// What was answered.
        what: String,
    },
    /// The answer says nothing of the route: a 5xx, a page that is not an
    /// envelope, a timeout, a transport failure.
    Inconclusive {
        /// What happened.
        what: String,
    },
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Missing { why } => write!(f, "missing ({why})"),
            Verdict::Present { what } => write!(f, "present ({what})"),
            Verdict::OtherMethod => f.write_str("present for another method (HTTP 405)"),
            Verdict::AuthRefused { what } => write!(f, "refused as unauthenticated ({what})"),
            Verdict::Inconclusive { what } => write!(f, "inconclusive ({what})"),
        }
    }
}

/// The HTTP status and envelope code of an answer: what "missing" looks
/// like, from the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Signature {
    status: u16,
    code: Option<i64>,
}

/// The platform's message, cut short (it may echo the request).
fn short(msg: &str) -> String {
    const MAX: usize = 80;
    if msg.chars().count() <= MAX {
        return msg.to_owned();
    }
    let cut: String = msg.chars().take(MAX).collect();
    format!("{cut}...")
}

/// Classifies an answer; `control` is what a path that cannot exist got,
/// when known. Also returns the answer's signature, if it has one.
fn classify(
    result: &Result<ApiResponse<Value>, Error>,
    control: Option<Signature>,
) -> (Verdict, Option<Signature>) {
    let same = |sig: Signature| control == Some(sig);
    match result {
        Ok(resp) => {
            let sig = Signature {
                status: resp.http_status,
                code: Some(resp.code),
            };
            if same(sig) {
                let why = format!("same answer as the control: success code {}", resp.code);
                return (Verdict::Missing { why }, Some(sig));
            }
            let what = format!("success, code {}", resp.code);
            (Verdict::Present { what }, Some(sig))
        }
        Err(Error::Api(e)) => {
            let sig = Signature {
                status: e.http_status,
                code: Some(e.code),
            };
            let what = format!("platform error {}: {}", e.code, short(&e.msg));
            let outcome = match e.http_status {
                404 => Verdict::Missing {
                    why: format!("HTTP 404, {what}"),
                },
                405 => Verdict::OtherMethod,
                401 | 403 => Verdict::AuthRefused { what },
                _ if e.is_signature_problem() => Verdict::AuthRefused { what },
                _ if same(sig) => Verdict::Missing {
                    why: format!("same answer as the control: {what}"),
                },
                _ => Verdict::Present { what },
            };
            (outcome, Some(sig))
        }
        Err(Error::Http { status, reason, .. }) => {
            let sig = Signature {
                status: *status,
                code: None,
            };
            let outcome = match status {
                404 => Verdict::Missing {
                    why: "HTTP 404".to_owned(),
                },
                405 => Verdict::OtherMethod,
                401 | 403 => Verdict::AuthRefused {
                    what: format!("HTTP {status}"),
                },
                _ => Verdict::Inconclusive {
                    what: format!("HTTP {status}: {reason}"),
                },
            };
            (outcome, Some(sig))
        }
        Err(e) => (
            Verdict::Inconclusive {
                what: e.to_string(),
            },
            None,
        ),
    }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

/// One request of a probe run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tried {
    /// The path sent.
    pub path: String,
    /// What its answer says.
    pub outcome: Verdict,
}

/// What a probe run concluded for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProbeStatus {
    /// A candidate answered as a present route: the path to set.
    Found {
        /// The path.
        path: String,
    },
    /// Every candidate tried was missing.
    NotFound {
        /// Candidates left untried by the per-endpoint bound.
        untried: usize,
    },
    /// A write: never probed; ask the platform for its path.
    AskThePlatform,
    /// The path is already known: verified, derived, or an override.
    Known {
        /// The path the client sends.
        path: String,
        /// `verified`, `derived` or `override`.
        source: &'static str,
    },
    /// No naming rule gives a candidate (no path of its section is known).
    NoCandidates,
    /// The answers say nothing of the routes (see [`Verdict`]): the server
    /// answers a path that cannot exist as present, refuses the
    /// credentials, or fails.
    Inconclusive {
        /// Why.
        reason: String,
    },
    /// Not probed: the run reached a bound (the total count, the deadline)
    /// or stopped on an authentication refusal.
    NotProbed {
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ProbeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeStatus::Found { path } => write!(f, "found: {path}"),
            ProbeStatus::NotFound { untried: 0 } => f.write_str("not found: every candidate is missing"),
            ProbeStatus::NotFound { untried } => write!(
                f,
                "not found among the candidates tried ({untried} more not tried: raise the per-endpoint bound)"
            ),
            ProbeStatus::AskThePlatform => {
                f.write_str("ask the platform: a write, never probed (money never moves on a guess)")
            }
            ProbeStatus::Known { path, source } => write!(f, "known ({source}): {path}"),
            ProbeStatus::NoCandidates => {
                f.write_str("no candidate: no naming rule covers it (no path of its section is known); ask the platform")
            }
            ProbeStatus::Inconclusive { reason } => write!(f, "inconclusive: {reason}"),
            ProbeStatus::NotProbed { reason } => write!(f, "not probed: {reason}"),
        }
    }
}

/// What a probe run found for one endpoint, with every request it sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointProbe {
    /// The endpoint id.
    pub id: &'static str,
    /// Its method.
    pub method: Method,
    /// The conclusion.
    pub status: ProbeStatus,
    /// The candidates sent, in order, with their outcomes.
    pub tried: Vec<Tried>,
}

/// The control request of a path family.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Control {
    /// The family, e.g. `/open/`.
    pub family: String,
    /// The method it was sent with.
    pub method: Method,
    /// The path sent (one that cannot exist).
    pub path: String,
    /// What it answered.
    pub outcome: Verdict,
    /// Its HTTP status and code, when it had an answer.
    signature: Option<Signature>,
}

/// The result of [`Prober::run`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeReport {
    /// The generation probed (the client's).
    pub generation: Generation,
    /// One entry per endpoint asked for (all of them when none was named).
    pub endpoints: Vec<EndpointProbe>,
    /// The control requests sent.
    pub controls: Vec<Control>,
    /// Requests sent in all, controls included.
    pub requests: usize,
    /// Why the run stopped before the end, if it did.
    pub stopped: Option<String>,
}

impl ProbeReport {
    /// The paths found, as `(id, path)`.
    pub fn found(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.endpoints.iter().filter_map(|e| match &e.status {
            ProbeStatus::Found { path } => Some((e.id, path.as_str())),
            _ => None,
        })
    }

    /// The override lines to paste into the file `XPORTCN_PATH_OVERRIDES`
    /// names: a `[v1]` (or `[v2]`) table with one `"ID" = "/path"` line per
    /// path found; empty when nothing was found.
    ///
    /// ```text
    /// [v1]
    /// "TB-O14" = "/open/order/detail"
    /// ```
    pub fn overrides(&self) -> String {
        let lines: Vec<String> = self
            .found()
            .map(|(id, path)| format!("{} = {}", toml_string(id), toml_string(path)))
            .collect();
        if lines.is_empty() {
            return String::new();
        }
        format!("[{}]\n{}\n", self.generation, lines.join("\n"))
    }

    /// Whether some endpoint's answers said nothing of its routes: the
    /// control of its family was answered success (a server that says yes
    /// to everything), or refused, or failed; or the credentials were
    /// refused; or its candidates gave no signal.
    pub fn is_inconclusive(&self) -> bool {
        self.endpoints
            .iter()
            .any(|e| matches!(e.status, ProbeStatus::Inconclusive { .. }))
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------
// The prober
// ---------------------------------------------------------------------------

/// Finds undocumented read paths by probing their candidates (see the
/// [module docs](self)).
#[derive(Debug, Clone)]
pub struct Prober {
    client: Client,
    limits: ProbeLimits,
}

/// What a run does for one endpoint, before sending anything
/// ([`Prober::plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// Settled without a request: a write, a known path, no candidate.
    Settled(ProbeStatus),
    /// These candidates, in this order (cut to the per-endpoint bound by
    /// [`Prober::plan`]).
    Candidates(Vec<String>),
}

impl Prober {
    /// A prober sending through `client` (its credentials, base URL and
    /// generation), with the default [`ProbeLimits`].
    pub fn new(client: Client) -> Self {
        Prober {
            client,
            limits: ProbeLimits::default(),
        }
    }

    /// All bounds at once.
    pub fn limits(mut self, limits: ProbeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Least time between two requests (default 500 ms: 2 per second).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.limits.interval = interval;
        self
    }

    /// Most candidates tried per endpoint (default 6).
    pub fn max_per_endpoint(mut self, n: usize) -> Self {
        self.limits.max_per_endpoint = n;
        self
    }

    /// Most requests of the run, controls included (default 100).
    pub fn max_total(mut self, n: usize) -> Self {
        self.limits.max_total = n;
        self
    }

    /// Time after which nothing more is sent (default 120 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.limits.deadline = deadline;
        self
    }

    /// What a run would do for each endpoint, without sending anything:
    /// the statuses known beforehand, and the candidates of the others (cut
    /// to the per-endpoint bound).
    ///
    /// # Errors
    /// [`Error::Config`] for an id that is not registered.
    pub fn plan<I, S>(&self, ids: I) -> Result<Vec<(&'static EndpointSpec, Planned)>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(self
            .specs(ids)?
            .into_iter()
            .map(|spec| {
                let plan = match self.plan_one(spec) {
                    Planned::Candidates(mut c) => {
                        c.truncate(self.limits.max_per_endpoint);
                        Planned::Candidates(c)
                    }
                    settled => settled,
                };
                (spec, plan)
            })
            .collect())
    }

    fn specs<I, S>(&self, ids: I) -> Result<Vec<&'static EndpointSpec>, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut specs = Vec::new();
        for id in ids {
            let id = id.as_ref().trim();
            let spec = endpoint::find(id).ok_or_else(|| {
                Error::Config(format!(
                    "probe: no endpoint {id:?} (see `xportcn endpoints` for the ids)"
                ))
            })?;
            if !specs.iter().any(|s: &&EndpointSpec| s.id == spec.id) {
                specs.push(spec);
            }
        }
        if specs.is_empty() {
            let generation = self.client.generation();
            specs = endpoint::all()
                .iter()
                .filter(|s| {
                    !matches!(
                        s.path_spec(generation).evidence,
                        Evidence::Verified { .. } | Evidence::Derived
                    )
                })
                .collect();
        }
        Ok(specs)
    }

    fn plan_one(&self, spec: &'static EndpointSpec) -> Planned {
        let generation = self.client.generation();
        if !spec.idempotent {
            return Planned::Settled(ProbeStatus::AskThePlatform);
        }
        let declared = spec.path(generation);
        let sent = self.client.path_of(spec);
        if let Some(path) = sent
            && sent != declared
        {
            return Planned::Settled(ProbeStatus::Known {
                path: path.to_owned(),
                source: "override",
            });
        }
        match spec.path_spec(generation).evidence {
            Evidence::Verified { .. } | Evidence::Derived => {
                return Planned::Settled(ProbeStatus::Known {
                    path: declared.unwrap_or_default().to_owned(),
                    source: spec.path_spec(generation).evidence.level(),
                });
            }
            _ => {}
        }
        let c = candidates(spec, generation);
        if c.is_empty() {
            Planned::Settled(ProbeStatus::NoCandidates)
        } else {
            Planned::Candidates(c)
        }
    }

    /// Probes the read endpoints `ids` (all endpoints whose path is neither
    /// verified nor derived in the client's generation when `ids` is empty)
    /// within the bounds, and reports each.
    ///
    /// # Errors
    /// [`Error::Config`] for an id that is not registered, before anything is
    /// sent. Failures of single requests are outcomes in the report, not
    /// errors.
    pub async fn run<I, S>(&self, ids: I) -> Result<ProbeReport, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let specs = self.specs(ids)?;
        let limits = self.limits;
        let started = Instant::now();
        let deadline = started + limits.deadline;
        let mut run = Run {
            client: &self.client,
            limits,
            deadline,
            next_slot: started,
            requests: 0,
            controls: Vec::new(),
            stopped: None,
        };
        let mut endpoints = Vec::with_capacity(specs.len());
        for spec in specs {
            let (status, tried) = match self.plan_one(spec) {
                Planned::Settled(status) => (status, Vec::new()),
                Planned::Candidates(candidates) => run.endpoint(spec, candidates).await,
            };
            endpoints.push(EndpointProbe {
                id: spec.id,
                method: spec.method,
                status,
                tried,
            });
        }
        Ok(ProbeReport {
            generation: self.client.generation(),
            endpoints,
            controls: run.controls,
            requests: run.requests,
            stopped: run.stopped,
        })
    }
}

/// The state of one run: its bounds and what it has sent.
struct Run<'a> {
    client: &'a Client,
    limits: ProbeLimits,
    deadline: Instant,
    next_slot: Instant,
    requests: usize,
    controls: Vec<Control>,
    stopped: Option<String>,
}

impl Run<'_> {
    /// Why nothing more may be sent, if so.
    fn blocked(&self) -> Option<String> {
        if let Some(why) = &self.stopped {
            return Some(why.clone());
        }
        if self.requests >= self.limits.max_total {
            return Some(format!(
                "the run's bound of {} requests was reached",
                self.limits.max_total
            ));
        }
        if Instant::now() >= self.deadline {
            return Some(format!(
                "the run's deadline of {:?} passed",
                self.limits.deadline
            ));
        }
        None
    }

    /// Sends one request (rate-limited, within the deadline) and classifies
    /// its answer. `None` when a bound stops it before sending.
    async fn send(
        &mut self,
        who: &str,
        spec: Option<&EndpointSpec>,
        method: Method,
        path: &str,
        control: Option<Signature>,
    ) -> Option<(Verdict, Option<Signature>)> {
        if let Some(why) = self.blocked() {
            self.stopped.get_or_insert(why);
            return None;
        }
        if self.next_slot > self.deadline {
            self.stopped.get_or_insert_with(|| {
                format!("the run's deadline of {:?} passed", self.limits.deadline)
            });
            return None;
        }
        tokio::time::sleep_until(self.next_slot).await;
        self.next_slot = Instant::now() + self.limits.interval;
        self.requests += 1;
        let call = self.client.raw(method, path);
        let fields = spec.map_or(&[][..], probe_fields);
        let call = match method {
            Method::Get => call.query(fields),
            _ => {
                let body: Map<String, Value> = fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
                    .collect();
                call.json(&body)
            }
        };
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        let (outcome, sig) = match tokio::time::timeout(remaining, call.send_value()).await {
            Ok(result) => classify(&result, control),
            Err(_) => {
                self.stopped.get_or_insert_with(|| {
                    format!("the run's deadline of {:?} passed", self.limits.deadline)
                });
                (
                    Verdict::Inconclusive {
                        what: "no answer before the run's deadline".to_owned(),
                    },
                    None,
                )
            }
        };
        tracing::info!(
            target: "xportcn::probe",
            endpoint = who,
            method = method.as_str(),
            path,
            outcome = %outcome,
            "probe request"
        );
        if let Verdict::AuthRefused { what } = &outcome {
            self.stopped.get_or_insert_with(|| {
                format!(
                    "{path} was refused as unauthenticated ({what}): check the credentials with \
                     a known endpoint (`xportcn call TB-P8 --query itemId=...`) before probing"
                )
            });
        }
        Some((outcome, sig))
    }

    /// The control of a family and method, sent once and then remembered:
    /// the signature of "missing", or why the family gives no signal.
    async fn control(&mut self, family: &str, method: Method) -> Result<Signature, ProbeStatus> {
        let found = self
            .controls
            .iter()
            .position(|c| c.family == family && c.method == method);
        let at = match found {
            Some(at) => at,
            None => {
                let nonce = crate::signing::generate_nonce();
                let random = String::from_utf8_lossy(&nonce[..12]).to_lowercase();
                let path = format!("{family}{CONTROL_SEGMENT}/{random}");
                let Some((outcome, signature)) =
                    self.send("control", None, method, &path, None).await
                else {
                    let reason = self.stopped.clone().unwrap_or_default();
                    return Err(ProbeStatus::NotProbed { reason });
                };
                self.controls.push(Control {
                    family: family.to_owned(),
                    method,
                    path,
                    outcome,
                    signature,
                });
                self.controls.len() - 1
            }
        };
        let c = &self.controls[at];
        let success = c
            .signature
            .is_some_and(|s| s.code.is_some_and(|code| SUCCESS_CODES.contains(&code)));
        match (&c.outcome, c.signature) {
            // HTTP 404, or the platform's own "no such path" business code.
            (Verdict::Missing { .. }, Some(sig)) => Ok(sig),
            (Verdict::Present { .. }, Some(sig)) if !success => Ok(sig),
            (Verdict::Present { what }, _) => Err(ProbeStatus::Inconclusive {
                reason: format!(
                    "the control {} (a path that cannot exist) answered {what}: this server \
                     answers every path as present, so a success proves nothing; no override",
                    c.path
                ),
            }),
            (other, _) => Err(ProbeStatus::Inconclusive {
                reason: format!(
                    "the control {} (a path that cannot exist) was {other}: a missing route \
                     cannot be told from a present one",
                    c.path
                ),
            }),
        }
    }

    /// Tries an endpoint's candidates, in order, until one is present.
    async fn endpoint(
        &mut self,
        spec: &'static EndpointSpec,
        candidates: Vec<String>,
    ) -> (ProbeStatus, Vec<Tried>) {
        let total = candidates.len();
        let bound = self.limits.max_per_endpoint;
        let mut tried: Vec<Tried> = Vec::new();
        for path in candidates.into_iter().take(bound) {
            let control = match self.control(&family(&path), spec.method).await {
                Ok(sig) => sig,
                Err(status) => return (status, tried),
            };
            let Some((outcome, _)) = self
                .send(spec.id, Some(spec), spec.method, &path, Some(control))
                .await
            else {
                let reason = self.stopped.clone().unwrap_or_default();
                return (ProbeStatus::NotProbed { reason }, tried);
            };
            tried.push(Tried {
                path: path.clone(),
                outcome: outcome.clone(),
            });
            match outcome {
                Verdict::Present { .. } => return (ProbeStatus::Found { path }, tried),
                Verdict::AuthRefused { .. } => {
                    let reason = self.stopped.clone().unwrap_or_default();
                    return (ProbeStatus::Inconclusive { reason }, tried);
                }
                _ => {}
            }
        }
        let silent = tried
            .iter()
            .filter(|t| matches!(t.outcome, Verdict::Inconclusive { .. }))
            .count();
        if silent > 0 {
            let reason = format!(
                "no candidate answered present, and {silent} of the {} tried gave no signal \
                 (see each outcome)",
                tried.len()
            );
            return (ProbeStatus::Inconclusive { reason }, tried);
        }
        let untried = total.saturating_sub(bound);
        (ProbeStatus::NotFound { untried }, tried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No two endpoints share a candidate: a path found present is one
    /// endpoint's, whichever is probed first.
    #[test]
    fn candidates_are_unambiguous() {
        for generation in [Generation::V1, Generation::V2] {
            let mut owner: std::collections::HashMap<String, &str> = Default::default();
            for spec in endpoint::all() {
                for c in candidates(spec, generation) {
                    if let Some(other) = owner.insert(c.clone(), spec.id) {
                        panic!(
                            "{generation}: {c} is a candidate of {other} and {}",
                            spec.id
                        );
                    }
                }
            }
        }
    }

    fn answer(status: u16, body: &str) -> Result<ApiResponse<Value>, Error> {
        crate::__private::decode_envelope_slice(status, body.as_bytes())
    }

    #[test]
    fn answers_are_classified() {
        let missing = Some(Signature {
            status: 404,
            code: None,
        });
        let (o, _) = classify(&answer(404, "<html>404</html>"), None);
        assert!(matches!(o, Verdict::Missing { .. }), "{o}");
        let (o, _) = classify(&answer(404, r#"{"code":404,"msg":"接口不存在"}"#), None);
        assert!(matches!(o, Verdict::Missing { .. }), "{o}");
        let (o, _) = classify(&answer(200, r#"{"code":2004,"msg":"订单不存在"}"#), missing);
        assert!(
            matches!(&o, Verdict::Present { what } if what.contains("2004")),
            "{o}"
        );
        let (o, _) = classify(&answer(200, r#"{"code":200,"data":{}}"#), missing);
        assert!(matches!(o, Verdict::Present { .. }), "{o}");
        // The control's own business code means "missing".
        let code_1 = Some(Signature {
            status: 200,
            code: Some(1),
        });
        let (o, _) = classify(&answer(200, r#"{"code":1,"msg":"no such api"}"#), code_1);
        assert!(matches!(o, Verdict::Missing { .. }), "{o}");
        let (o, _) = classify(&answer(405, "method"), missing);
        assert_eq!(o, Verdict::OtherMethod);
        let (o, _) = classify(&answer(401, ""), missing);
        assert!(matches!(o, Verdict::AuthRefused { .. }), "{o}");
        let (o, _) = classify(&answer(200, r#"{"code":1004,"msg":"签名错误"}"#), missing);
        assert!(matches!(o, Verdict::AuthRefused { .. }), "{o}");
        let (o, _) = classify(&answer(502, "<html>bad gateway</html>"), missing);
        assert!(matches!(o, Verdict::Inconclusive { .. }), "{o}");
    }

    #[test]
    fn families_twins_and_toml() {
        assert_eq!(family("/open/order/detail"), "/open/");
        assert_eq!(family("/v2/taobao/order/detail"), "/v2/taobao/");
        assert_eq!(family("/alibaba/ka/order/page"), "/alibaba/ka/");
        assert_eq!(family("/alibaba/order/page"), "/alibaba/");
        assert_eq!(
            twin("/v2/taobao/x/y", Generation::V1, None).as_deref(),
            Some("/open/x/y")
        );
        assert_eq!(
            twin("/open/x", Generation::V2, Some(Section::Taobao)).as_deref(),
            Some("/v2/taobao/x")
        );
        assert_eq!(
            twin("/open/address/get", Generation::V2, None).as_deref(),
            Some("/v2/open/address/get")
        );
        assert_eq!(
            twin("/alibaba/x", Generation::V2, None).as_deref(),
            Some("/v2/alibaba/x")
        );
        assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
        // A guessed path comes first, then its twin, then the rules.
        let p1 = endpoint::find("TB-P1").unwrap();
        assert_eq!(candidates(p1, Generation::V1)[0], "/open/product/recommend");
        let o4 = endpoint::find("TB-O4").unwrap();
        assert!(candidates(o4, Generation::V1).is_empty(), "verified in v1");
        assert_eq!(candidates(o4, Generation::V2), ["/v2/taobao/order/render"]);
        // No rule for sections with no known path.
        assert!(candidates(endpoint::find("PZ-2").unwrap(), Generation::V1).is_empty());
    }
}
