//! Throughput of signed calls: the embedded sandbox (`xportcn_sandbox`)
//! next to a plain hyper server that answers the same bytes, in one run.
//!
//! ```text
//! cargo bench --bench sandbox -- --quick   # ~30 s after the build
//! cargo bench --bench sandbox -- --full    # 3-7 min
//! ```
//!
//! `--rounds N` and `--calls N` (calls per cell at every concurrency)
//! override the mode's; a small `--calls` suits `valgrind --tool=callgrind`.
//!
//! * **sandbox**: `Sandbox::builder().start()`, in this process. It
//!   authenticates every call (five headers, MD5 signature, timestamp window,
//!   one use per nonce), routes it through the endpoint registry, reads the
//!   flow state and builds a fresh JSON envelope (a new `requestId` each
//!   time).
//! * **hyper**: a hyper 1 HTTP/1.1 server on 127.0.0.1, set up as the
//!   sandbox's connections are, that answers every request with the bytes
//!   captured once from the sandbox for the same call (status, content-type,
//!   body). No auth, no routing, no state. One such server per call shape.
//! * **calls**: `GET /open/product/get?itemId=672991141190` (TB-P8, the
//!   documented product, decoded into `taobao::Product`) and
//!   `POST /open/order/render` (TB-O4, priced from the sandbox's state, kept
//!   raw, sent with `client.raw(..)` with the body the SDK writes for
//!   `PurchaseOrderRenderRequest`), each made by an SDK client built the same way for both servers
//!   (`Client::builder().credentials(..).base_url(..)`): every call is
//!   signed.
//! * **cells**: per call shape and concurrency (1 and 16; `--full` adds 64),
//!   a fixed number of calls against each server back to back, in rounds
//!   whose order alternates (sandbox first in even rounds, hyper first in
//!   odd ones) to cancel drift. calls/s per server is the median over the
//!   rounds; sandbox/hyper is the median of the rounds' ratios.
//! * **checks**: every call must succeed with HTTP 200 and envelope code 200
//!   (failures are counted and the first ones printed), and the sandbox must
//!   have answered exactly the calls made, all with code 200 (counted with
//!   `SandboxBuilder::on_request`). A failed check exits with status 1, after
//!   the summary line.
//!
//! The last line is
//! `sandbox_vs_hyper_throughput_c1=<r> sandbox_vs_hyper_throughput_c16=<r>`
//! (product calls; `--full` adds `_c64`), then the same for the render call
//! under `sandbox_vs_hyper_render_throughput_c*`.

#[path = "../../benches/support/machine.rs"]
mod machine;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::value::RawValue;
use xportcn::endpoint::Method;
use xportcn::reqwest::header::{CONTENT_TYPE, HeaderValue};
use xportcn::signing::{TimestampUnit, generate_nonce, sign};
use xportcn::{Client, Credentials};
use xportcn_sandbox::{Sandbox, codes};

use machine::machine;

/// The documented product (TB-P8's sample).
const ITEM_ID: &str = "672991141190";
/// The render's body as the SDK writes `PurchaseOrderRenderRequest` (lists
/// and objects as JSON text), for two of the product's first SKU.
const RENDER_BODY: &str = r#"{"orderLineList":"[{\"itemId\":672991141190,\"quantity\":\"2\",\"skuId\":3452545926724}]","receiver":"{\"zip\":\"311121\",\"country\":\"中国\",\"address\":\"智溢路西部科技园\",\"city\":\"杭州市\",\"phone\":\"\",\"mobile_phone\":\"15068763421\",\"district\":\"余杭区\",\"name\":\"simon\",\"state\":\"浙江省\"}"}"#;
/// The sandbox's credentials (fixed here: the capture signs by hand, and
/// `Credentials` does not hand its secret out).
const ACCESS_KEY: &str = "bench-access-key";
const ACCESS_SECRET: &str = "bench-access-secret";
const USER_ID: &str = "2100007341207";

/// The two call shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `GET /open/product/get?itemId=`: TB-P8.
    Product,
    /// `POST /open/order/render`: TB-O4.
    Render,
}

impl Shape {
    const ALL: [Shape; 2] = [Shape::Product, Shape::Render];

    fn name(self) -> &'static str {
        match self {
            Shape::Product => "GET /open/product/get",
            Shape::Render => "POST /open/order/render",
        }
    }

    /// The key in the summary line.
    fn key(self) -> &'static str {
        match self {
            Shape::Product => "sandbox_vs_hyper_throughput",
            Shape::Render => "sandbox_vs_hyper_render_throughput",
        }
    }
}

/// One call through the SDK; `Err` describes a failure.
async fn call(client: &Client, shape: Shape) -> Result<(), String> {
    let (status, code) = match shape {
        Shape::Product => {
            let r = client
                .taobao()
                .product_get(ITEM_ID)
                .send_full()
                .await
                .map_err(|e| e.to_string())?;
            if r.data.item_id.is_none() {
                return Err("product without itemId".to_owned());
            }
            (r.http_status, r.code)
        }
        Shape::Render => {
            let body: Box<RawValue> =
                serde_json::from_str(RENDER_BODY).map_err(|e| e.to_string())?;
            let r = client
                .raw(Method::Post, "/open/order/render")
                .json(&body)
                .idempotent(true)
                .send_raw()
                .await
                .map_err(|e| e.to_string())?;
            (r.http_status, r.code)
        }
    };
    if status == 200 && code == codes::SUCCESS {
        Ok(())
    } else {
        Err(format!("HTTP {status}, code {code}"))
    }
}

/// An answer captured from the sandbox.
#[derive(Clone)]
struct Canned {
    status: StatusCode,
    content_type: HeaderValue,
    body: Bytes,
}

/// Makes `shape`'s call to the sandbox once, signed by hand with plain
/// reqwest (the SDK's JSON body for the render), and keeps the answer.
async fn capture(base: &str, shape: Shape) -> Canned {
    let http = xportcn::reqwest::Client::new();
    let rb = match shape {
        Shape::Product => http.get(format!("{base}/open/product/get?itemId={ITEM_ID}")),
        Shape::Render => http
            .post(format!("{base}/open/order/render"))
            .header(CONTENT_TYPE, "application/json")
            .body(RENDER_BODY),
    };
    let timestamp = TimestampUnit::Seconds.now().to_string();
    let nonce = String::from_utf8(generate_nonce().to_vec()).expect("ASCII nonce");
    let signature = sign(ACCESS_KEY, &timestamp, &nonce, ACCESS_SECRET);
    let resp = rb
        .header("access-key", ACCESS_KEY)
        .header("user-id", USER_ID)
        .header("timestamp", timestamp)
        .header("nonce-str", nonce)
        .header("signature", signature)
        .send()
        .await
        .expect("capture call");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .cloned()
        .expect("a content-type");
    let body = resp.bytes().await.expect("capture body");
    let envelope: serde_json::Value = serde_json::from_slice(&body).expect("a JSON envelope");
    assert!(
        status == StatusCode::OK && envelope["code"] == codes::SUCCESS,
        "capture of {}: HTTP {status}, {envelope}",
        shape.name()
    );
    Canned {
        status,
        content_type,
        body,
    }
}

/// The baseline: answers every request with `canned`, after reading its
/// body. Returns its base URL.
async fn plain_hyper(canned: Canned) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let canned = canned.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let canned = canned.clone();
                    async move {
                        let _ = req.into_body().collect().await;
                        let mut resp = Response::new(Full::new(canned.body));
                        *resp.status_mut() = canned.status;
                        resp.headers_mut().insert(CONTENT_TYPE, canned.content_type);
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

/// Failed calls: how many, and the first few.
#[derive(Default)]
struct Failures {
    count: AtomicUsize,
    first: Mutex<Vec<String>>,
}

impl Failures {
    fn record(&self, what: String) {
        self.count.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first.lock().unwrap_or_else(|e| e.into_inner());
        if first.len() < 10 {
            first.push(what);
        }
    }
}

/// `calls` calls of `shape` by `concurrency` tasks; calls per second.
async fn cell(
    client: &Client,
    shape: Shape,
    calls: usize,
    concurrency: usize,
    failures: &Arc<Failures>,
    server: &'static str,
) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, failures) = (client.clone(), next.clone(), failures.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    if let Err(e) = call(&client, shape).await {
                        failures.record(format!("{server} {}: {e}", shape.name()));
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a call task");
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The run's settings.
struct Plan {
    mode: &'static str,
    rounds: usize,
    concurrency: Vec<usize>,
    /// Calls per cell (per server, round and concurrency) at concurrency 1
    /// and above it.
    calls_c1: usize,
    calls_many: usize,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let full = args.iter().any(|a| a == "--full");
        let mut plan = if full {
            Plan {
                mode: "full",
                rounds: 7,
                concurrency: vec![1, 16, 64],
                calls_c1: 10_000,
                calls_many: 30_000,
            }
        } else {
            Plan {
                mode: "quick",
                rounds: 5,
                concurrency: vec![1, 16],
                calls_c1: 3_000,
                calls_many: 8_000,
            }
        };
        let value = |flag: &str| -> Option<usize> {
            let i = args.iter().position(|a| a == flag)?;
            args.get(i + 1)?.parse().ok()
        };
        if let Some(r) = value("--rounds") {
            plan.rounds = r;
        }
        if let Some(n) = value("--calls") {
            plan.calls_c1 = n;
            plan.calls_many = n;
        }
        plan
    }

    fn calls(&self, concurrency: usize) -> usize {
        if concurrency == 1 {
            self.calls_c1
        } else {
            self.calls_many
        }
    }
}

/// One table row.
struct Row {
    shape: Shape,
    concurrency: usize,
    sandbox: f64,
    hyper: f64,
    ratio: f64,
}

fn main() {
    let plan = Plan::from_args();
    println!("# machine: {} (start)", machine());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (summary, ok) = rt.block_on(run(&plan));
    println!("# machine: {} (end)", machine());
    println!("{summary}");
    if !ok {
        std::process::exit(1);
    }
}

/// Runs the cells; the summary line and whether the checks passed.
async fn run(plan: &Plan) -> (String, bool) {
    let seen = Arc::new(AtomicUsize::new(0));
    let seen_ok = Arc::new(AtomicUsize::new(0));
    let sandbox = {
        let (seen, seen_ok) = (seen.clone(), seen_ok.clone());
        Sandbox::builder()
            .credentials(Credentials::new(ACCESS_KEY, ACCESS_SECRET, USER_ID))
            .on_request(move |r| {
                seen.fetch_add(1, Ordering::Relaxed);
                if r.status == 200 && r.code == Some(codes::SUCCESS) {
                    seen_ok.fetch_add(1, Ordering::Relaxed);
                }
            })
            .start()
            .await
            .expect("sandbox")
    };
    let creds = sandbox.credentials().clone();
    let client_for = |base: &str| {
        Client::builder()
            .credentials(creds.clone())
            .base_url(base)
            .build()
            .expect("SDK client")
    };
    let sandbox_client = client_for(sandbox.base_url());
    let mut sent_to_sandbox = 0;
    let mut hyper_clients = Vec::new();
    for shape in Shape::ALL {
        let canned = capture(sandbox.base_url(), shape).await;
        sent_to_sandbox += 1;
        println!(
            "# captured {}: HTTP {}, {}, {} bytes",
            shape.name(),
            canned.status.as_u16(),
            canned.content_type.to_str().unwrap_or("?"),
            canned.body.len()
        );
        hyper_clients.push(client_for(&plain_hyper(canned).await));
    }
    let max_c = plan.concurrency.iter().copied().max().unwrap_or(1);
    println!(
        "# sandbox_bench {}: {} rounds; calls per cell: {} at concurrency 1, {} above; concurrency {:?}",
        plan.mode, plan.rounds, plan.calls_c1, plan.calls_many, plan.concurrency
    );

    let failures = Arc::new(Failures::default());
    // Warm-up: open the connections, fill the allocators' caches.
    for (shape, hyper) in Shape::ALL.into_iter().zip(&hyper_clients) {
        let n = (50 * max_c).min(plan.calls_many);
        cell(&sandbox_client, shape, n, max_c, &failures, "sandbox").await;
        cell(hyper, shape, n, max_c, &failures, "hyper").await;
        sent_to_sandbox += n;
    }

    let mut rows = Vec::new();
    for (shape, hyper) in Shape::ALL.into_iter().zip(&hyper_clients) {
        for &c in &plan.concurrency {
            let calls = plan.calls(c);
            let (mut sbx, mut hyp, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..plan.rounds {
                let (s, h) = if round % 2 == 0 {
                    let s = cell(&sandbox_client, shape, calls, c, &failures, "sandbox").await;
                    (s, cell(hyper, shape, calls, c, &failures, "hyper").await)
                } else {
                    let h = cell(hyper, shape, calls, c, &failures, "hyper").await;
                    (
                        cell(&sandbox_client, shape, calls, c, &failures, "sandbox").await,
                        h,
                    )
                };
                sent_to_sandbox += calls;
                println!(
                    "#   {} c={c} round {round}: sandbox {s:.0}/s, hyper {h:.0}/s, ratio {:.3}",
                    shape.name(),
                    s / h
                );
                sbx.push(s);
                hyp.push(h);
                ratios.push(s / h);
            }
            rows.push(Row {
                shape,
                concurrency: c,
                sandbox: median(sbx),
                hyper: median(hyp),
                ratio: median(ratios),
            });
        }
    }

    println!();
    println!("| call | concurrency | calls/s sandbox | calls/s hyper | sandbox / hyper |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} |",
            r.shape.name(),
            r.concurrency,
            r.sandbox,
            r.hyper,
            r.ratio
        );
    }
    println!();

    // The checks: a benchmark whose calls fail measures nothing.
    let failed = failures.count.load(Ordering::Relaxed);
    for f in failures
        .first
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        println!("# FAILED call: {f}");
    }
    let (seen, seen_ok) = (
        seen.load(Ordering::Relaxed),
        seen_ok.load(Ordering::Relaxed),
    );
    let ok = failed == 0 && seen == sent_to_sandbox && seen_ok == sent_to_sandbox;
    println!(
        "# checks: {failed} failed calls; the sandbox answered {seen} requests ({seen_ok} with code 200), {sent_to_sandbox} calls made: {}",
        if ok { "ok" } else { "FAILED" }
    );
    sandbox.shutdown().await;

    let summary: Vec<String> = rows
        .iter()
        .map(|r| format!("{}_c{}={:.2}", r.shape.key(), r.concurrency, r.ratio))
        .collect();
    (summary.join(" "), ok)
}
