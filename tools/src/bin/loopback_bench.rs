//! Loopback end-to-end benchmark: the SDK against raw reqwest and a Python
//! aiohttp client, all hitting one local HTTP server in the same run.
//!
//! ```text
//! cargo build --release -p xportcn-tools --bin loopback_bench
//! target/release/loopback_bench --quick [--python .venv-bench/bin/python]
//! target/release/loopback_bench --full  [--python .venv-bench/bin/python]
//! target/release/loopback_bench --mem-only [--rounds 5]
//! ```
//!
//! `--mem-only` runs only the memory comparison: the SDK's and raw
//! reqwest's memory children alternately, `--rounds` times each against one
//! server, then the allocation children; it prints both peaks of every round,
//! their medians and the median SDK/raw ratio, and ends with
//! `sdk_vs_raw_peak_rss=<r>`. `--mem-clients a,b` compares two other clients
//! (`sdk-plain-http`: the SDK over `reqwest::Client::new()`; `raw-timeout`).
//!
//! `scripts/bench-quick` does all of that (and creates the Python virtualenv).
//!
//! Processes, so that no client's work is counted against another's:
//! * a server child (`--child server`): hyper HTTP/1.1 on 127.0.0.1, serving
//!   `benches/data/product-20kb.json` for `GET /open/product/get` and checking
//!   every signature it receives;
//! * this process: the SDK's `client.taobao().product_get(..)`, the raw
//!   floor (reqwest + `serde_json::from_slice::<Envelope<Product>>`, no
//!   signing, no timeout) and the raw floor with the SDK's per-request
//!   timeout, at concurrency 1, 16 and 64, interleaved over several rounds
//!   (the SDK/raw ratio is the median of the rounds' back-to-back ratios);
//! * `scripts/bench_python.py` under the given interpreter;
//! * memory children (`--child mem`): 10,000 tasks spawned at once, peak RSS
//!   from `VmHWM`;
//! * allocation children (`--child alloc`): a counting global allocator,
//!   allocations and bytes per sequential call (`LOOPBACK_BENCH_SIZE_CLASSES=1`
//!   adds them by size class, `LOOPBACK_BENCH_TRACE_SIZE=N` prints the stacks
//!   of the first three allocations of at least N bytes).
//!
//! Request counts are fixed (quick: 2,000 per cell and round, full: 20,000;
//! 5 rounds), so every run stops by itself. Diagnostic children, for
//! `valgrind --tool=callgrind` (see `scripts/bench-callgrind`): `--child cell`
//! (one client alone at concurrency 64) and `--child decode`. The last line printed is
//! `sdk_vs_raw_throughput=<r> sdk_vs_python_throughput=<r|NA>`, both at
//! concurrency 64.

#[path = "../../../benches/support/machine.rs"]
mod machine;

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use xportcn::taobao::Product;
use xportcn::{Client, Credentials};

use machine::machine;

const BODY: &[u8] = include_bytes!("../../../benches/data/product-20kb.json");
const ITEM_ID: &str = "672991141190";
const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const SECRET: &str = "s3cr3t-Xq9-never-print-me";
const USER_ID: &str = "2100007341207";
const LEVELS: [usize; 3] = [1, 16, 64];

// ---------------------------------------------------------------------------
// Counting allocator (switched on only in the allocation children)
// ---------------------------------------------------------------------------

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);
/// Allocations by size class: bucket `i` holds sizes in `[2^i, 2^(i+1))`.
static SIZE_CLASSES: [AtomicU64; 32] = [const { AtomicU64::new(0) }; 32];

/// Live heap bytes and their peak, counted in the memory children (where
/// `TRACK_LIVE` is on): the heap part of the peak RSS, without the
/// allocator's own overhead and fragmentation.
static TRACK_LIVE: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static LIVE_PEAK: AtomicUsize = AtomicUsize::new(0);

fn live_add(bytes: usize) {
    if TRACK_LIVE.load(Ordering::Relaxed) {
        let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
        LIVE_PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn live_sub(bytes: usize) {
    if TRACK_LIVE.load(Ordering::Relaxed) {
        LIVE.fetch_sub(bytes, Ordering::Relaxed);
    }
}

thread_local! {
    static IN_TRACE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
static TRACED: AtomicUsize = AtomicUsize::new(0);

/// `LOOPBACK_BENCH_TRACE_SIZE=N` (allocation children): prints the stack of
/// the first three counted allocations of at least N bytes.
fn trace_large(bytes: usize) {
    static MIN: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    if IN_TRACE.with(|t| t.replace(true)) {
        return;
    }
    let min = *MIN.get_or_init(|| {
        std::env::var("LOOPBACK_BENCH_TRACE_SIZE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX)
    });
    if bytes >= min && TRACED.fetch_add(1, Ordering::Relaxed) < 3 {
        eprintln!(
            "# allocation of {bytes} bytes:\n{}",
            std::backtrace::Backtrace::force_capture()
        );
    }
    IN_TRACE.with(|t| t.set(false));
}

fn count(bytes: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        trace_large(bytes);
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        ALLOC_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
        let class = (usize::BITS - bytes.max(1).leading_zeros() - 1) as usize;
        SIZE_CLASSES[class.min(31)].fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        live_add(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        live_add(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A growth counts as one allocation of the new size.
        count(new_size);
        live_add(new_size);
        live_sub(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        live_sub(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

struct Args {
    requests: usize,
    rounds: usize,
    tasks: usize,
    alloc_calls: usize,
    python: Option<String>,
    child: Option<String>,
    client: String,
    url: String,
    mem_only: bool,
    /// Clients compared by `--mem-only` (first against second).
    mem_clients: Vec<String>,
}

fn args() -> Args {
    let mut a = Args {
        requests: 2_000,
        rounds: 5,
        tasks: 10_000,
        alloc_calls: 2_000,
        python: None,
        child: None,
        client: "sdk".into(),
        url: String::new(),
        mem_only: false,
        mem_clients: vec!["sdk".into(), "raw".into()],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--quick" => {
                a.requests = 2_000;
                a.rounds = 5;
            }
            "--full" => {
                a.requests = 20_000;
                a.rounds = 5;
            }
            "--requests" => a.requests = val().parse().expect("--requests N"),
            "--rounds" => a.rounds = val().parse().expect("--rounds N"),
            "--tasks" => a.tasks = val().parse().expect("--tasks N"),
            "--alloc-calls" => a.alloc_calls = val().parse().expect("--alloc-calls N"),
            "--python" => a.python = Some(val()),
            "--child" => a.child = Some(val()),
            "--client" => a.client = val(),
            "--url" => a.url = val(),
            "--mem-only" => a.mem_only = true,
            "--mem-clients" => a.mem_clients = val().split(',').map(str::to_owned).collect(),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn main() {
    let a = args();
    match a.child.as_deref() {
        Some("server") => server_main(),
        Some("mem") => mem_main(&a),
        Some("alloc") => alloc_main(&a),
        Some("decode") => decode_main(&a),
        Some("cell") => cell_main(&a),
        Some(other) => panic!("unknown child {other}"),
        None if a.mem_only => mem_only_main(&a),
        None => parent_main(&a),
    }
}

// ---------------------------------------------------------------------------
// Server child
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    requests: AtomicU64,
    signed_ok: AtomicU64,
    signed_bad: AtomicU64,
    connections: AtomicU64,
}

async fn handle(
    req: Request<Incoming>,
    stats: Arc<Stats>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() == "/stats" {
        let s = format!(
            r#"{{"requests":{},"signedOk":{},"signedBad":{},"connections":{}}}"#,
            stats.requests.load(Ordering::Relaxed),
            stats.signed_ok.load(Ordering::Relaxed),
            stats.signed_bad.load(Ordering::Relaxed),
            stats.connections.load(Ordering::Relaxed)
        );
        return Ok(Response::new(Full::new(Bytes::from(s))));
    }
    stats.requests.fetch_add(1, Ordering::Relaxed);
    let h = req.headers();
    if let Some(sig) = h.get("signature") {
        let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
        let ok = get("access-key") == KEY
            && get("user-id") == USER_ID
            && get("nonce-str").len() == 32
            && xportcn::signing::verify(
                KEY,
                get("timestamp"),
                get("nonce-str"),
                SECRET,
                sig.to_str().unwrap_or(""),
            );
        let counter = if ok {
            &stats.signed_ok
        } else {
            &stats.signed_bad
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    let resp = Response::builder()
        .header("content-type", "application/json;charset=UTF-8")
        .body(Full::new(Bytes::from_static(BODY)))
        .expect("static response");
    Ok(resp)
}

fn server_main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_reuseaddr(true).expect("reuseaddr");
        socket
            .bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind 127.0.0.1");
        // A deep backlog: the memory test opens 10,000 connections at once.
        let listener = socket.listen(8192).expect("listen");
        let port = listener.local_addr().expect("addr").port();
        println!("{port}");
        let stats = Arc::new(Stats::default());
        // The parent closes our stdin when it is done: stop then.
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin()
                .read_line(&mut sink)
                .map(|n| n > 0)
                .unwrap_or(false)
            {}
            std::process::exit(0);
        });
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            stats.connections.fetch_add(1, Ordering::Relaxed);
            let _ = stream.set_nodelay(true);
            let stats = stats.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(req, stats.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
}

struct ServerProc {
    child: Child,
    base: String,
}

impl ServerProc {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("current exe");
        let mut child = Command::new(exe)
            .args(["--child", "server"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server child");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("server port");
        let port: u16 = line.trim().parse().expect("server prints its port");
        ServerProc {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn product_url(&self) -> String {
        format!("{}/open/product/get?itemId={ITEM_ID}", self.base)
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------

/// The envelope as a hand-written client types it: the floor.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Envelope<T> {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
    code: i64,
    #[serde(rename = "developId")]
    develop_id: Option<String>,
    msg: Option<String>,
    data: T,
}

#[derive(Clone)]
enum Bench {
    Sdk(Client),
    Raw(reqwest::Client, Arc<str>),
    /// Raw reqwest with the SDK's per-request timeout: how much of the gap
    /// is the timer.
    RawTimeout(reqwest::Client, Arc<str>),
}

impl Bench {
    fn new(kind: &str, base: &str, url: &str) -> Self {
        match kind {
            "sdk" => Bench::Sdk(
                Client::builder()
                    .credentials(Credentials::new(KEY, SECRET, USER_ID))
                    .base_url(base)
                    .build()
                    .expect("client"),
            ),
            // Diagnostic: the SDK over a plain `reqwest::Client::new()`.
            "sdk-plain-http" => Bench::Sdk(
                Client::builder()
                    .credentials(Credentials::new(KEY, SECRET, USER_ID))
                    .base_url(base)
                    .http_client(reqwest::Client::new())
                    .build()
                    .expect("client"),
            ),
            // The SDK with every endpoint of the registry given an override
            // (its own v1 path): the largest lookup table a client can have.
            // Its allocations per call must equal plain `sdk`'s.
            "sdk-all-overrides" => {
                let mut b = Client::builder()
                    .credentials(Credentials::new(KEY, SECRET, USER_ID))
                    .base_url(base);
                for spec in xportcn::endpoint::all() {
                    let path = spec.path(xportcn::endpoint::Generation::V1);
                    b = b.override_path(spec.id, path.unwrap_or("/unknown"));
                }
                Bench::Sdk(b.build().expect("client"))
            }
            "raw" => Bench::Raw(reqwest::Client::new(), url.into()),
            "raw-timeout" => Bench::RawTimeout(reqwest::Client::new(), url.into()),
            other => panic!("unknown client {other}"),
        }
    }

    /// One call; true when a product with 40 SKUs came back.
    async fn call(&self) -> bool {
        match self {
            Bench::Sdk(c) => match c.taobao().product_get(ITEM_ID).await {
                Ok(p) => p.sku_list.len() == 40,
                Err(_) => false,
            },
            Bench::Raw(http, url) | Bench::RawTimeout(http, url) => {
                let mut rb = http.get(&**url);
                if matches!(self, Bench::RawTimeout(..)) {
                    // The SDK's default attempt timeout (`ClientBuilder::attempt_timeout`).
                    rb = rb.timeout(Duration::from_secs(30));
                }
                let Ok(resp) = rb.send().await else {
                    return false;
                };
                let Ok(body) = resp.bytes().await else {
                    return false;
                };
                match serde_json::from_slice::<Envelope<Product>>(&body) {
                    Ok(env) => env.code == 200 && env.data.sku_list.len() == 40,
                    Err(_) => false,
                }
            }
        }
    }
}

struct Cell {
    rps: f64,
    errors: usize,
    cpu_us_per_req: f64,
    latencies_us: Vec<f64>,
}

/// CPU time of this process so far, all threads, in nanoseconds
/// (`/proc/self/task/*/schedstat`).
fn process_cpu_ns() -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

async fn run_cell(bench: &Bench, concurrency: usize, total: usize) -> Cell {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu0 = process_cpu_ns();
    let started = Instant::now();
    let mut handles = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let bench = bench.clone();
        let next = next.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(total / concurrency + 1);
            let mut errors = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let t = Instant::now();
                if !bench.call().await {
                    errors += 1;
                }
                lat.push(t.elapsed().as_secs_f64() * 1e6);
            }
            (lat, errors)
        }));
    }
    let mut latencies_us = Vec::with_capacity(total);
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await.expect("worker");
        latencies_us.extend(l);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = process_cpu_ns().saturating_sub(cpu0);
    Cell {
        rps: total as f64 / secs,
        errors,
        cpu_us_per_req: cpu as f64 / 1e3 / total as f64,
        latencies_us,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((p * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Figures of one client at one concurrency, over all rounds.
#[derive(Clone, Copy)]
struct Row {
    rps: f64,
    p50: f64,
    p99: f64,
    cpu: f64,
    errors: usize,
}

fn summarize(cells: Vec<Cell>) -> Row {
    let errors = cells.iter().map(|c| c.errors).sum();
    let rps = median(cells.iter().map(|c| c.rps).collect());
    let cpu = median(cells.iter().map(|c| c.cpu_us_per_req).collect());
    let mut lat: Vec<f64> = cells.into_iter().flat_map(|c| c.latencies_us).collect();
    lat.sort_by(f64::total_cmp);
    Row {
        rps,
        p50: percentile(&lat, 0.50),
        p99: percentile(&lat, 0.99),
        cpu,
        errors,
    }
}

#[derive(Deserialize)]
struct PyCell {
    concurrency: usize,
    errors: usize,
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    #[serde(default)]
    cpu_us_per_req: f64,
}

fn run_python(python: &str, url: &str, requests: usize) -> Result<Vec<PyCell>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/bench_python.py");
    let levels = LEVELS.map(|c| c.to_string()).join(",");
    let out = Command::new(python)
        .args([
            script,
            "--url",
            url,
            "--key",
            KEY,
            "--secret",
            SECRET,
            "--user-id",
            USER_ID,
        ])
        .args([
            "--requests",
            &requests.to_string(),
            "--concurrency",
            &levels,
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{python} exited with {}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<PyCell>(l).map_err(|e| format!("{e}: {l}")))
        .collect()
}

/// Connections the server has accepted so far (over a connection of its own).
async fn connections(base: &str) -> u64 {
    let url = format!("{base}/stats");
    let Ok(out) = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/stats")
            .to_owned();
        let mut s = std::net::TcpStream::connect(&addr)?;
        s.write_all(b"GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
        let mut buf = String::new();
        s.read_to_string(&mut buf)?;
        Ok::<_, std::io::Error>(buf)
    })
    .await
    else {
        return 0;
    };
    out.ok()
        .and_then(|b| b.split("\r\n\r\n").nth(1).map(str::to_owned))
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| v["connections"].as_u64())
        .unwrap_or(0)
}

fn stats(base: &str) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let body = reqwest::get(format!("{base}/stats"))
            .await
            .expect("stats")
            .bytes()
            .await
            .expect("stats body");
        serde_json::from_slice(&body).expect("stats json")
    })
}

// ---------------------------------------------------------------------------
// Memory and allocation children
// ---------------------------------------------------------------------------

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn child_base(url: &str) -> String {
    url.split("/open/").next().unwrap_or(url).to_owned()
}

fn mem_main(a: &Args) {
    // Counted from the start, so every free matches a counted allocation.
    TRACK_LIVE.store(true, Ordering::SeqCst);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bench = Bench::new(&a.client, &child_base(&a.url), &a.url);
    rt.block_on(async {
        assert!(bench.call().await, "first call fails");
        if let Bench::Sdk(c) = &bench {
            let f = c.taobao().product_get(ITEM_ID).send_full();
            eprintln!("# sdk call future: {} bytes", std::mem::size_of_val(&f));
        }
        let base = child_base(&a.url);
        let conns_before = connections(&base).await;
        let before = status_kb("VmRSS:");
        let live_before = LIVE.load(Ordering::SeqCst);
        LIVE_PEAK.store(live_before, Ordering::SeqCst);
        let started = Instant::now();
        let handles: Vec<_> = (0..a.tasks)
            .map(|_| {
                let b = bench.clone();
                tokio::spawn(async move { b.call().await })
            })
            .collect();
        let mut errors = 0;
        for h in handles {
            if !h.await.unwrap_or(false) {
                errors += 1;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        let hwm = status_kb("VmHWM:");
        // New connections the calls opened (less the one that asks).
        let opened = connections(&base).await.saturating_sub(conns_before + 1);
        println!(
            r#"{{"rss_before_kb":{before},"hwm_kb":{hwm},"errors":{errors},"secs":{secs},"connections":{opened},"heap_before_kb":{},"heap_peak_kb":{}}}"#,
            live_before / 1024,
            LIVE_PEAK.load(Ordering::SeqCst) / 1024
        );
    });
}

fn alloc_main(a: &Args) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bench = Bench::new(&a.client, &child_base(&a.url), &a.url);
    rt.block_on(async {
        for _ in 0..200 {
            assert!(bench.call().await, "warm-up call fails");
        }
        COUNTING.store(true, Ordering::SeqCst);
        let mut errors = 0;
        for _ in 0..a.alloc_calls {
            if !bench.call().await {
                errors += 1;
            }
        }
        COUNTING.store(false, Ordering::SeqCst);
        let n = a.alloc_calls as f64;
        if std::env::var_os("LOOPBACK_BENCH_SIZE_CLASSES").is_some() {
            for (i, c) in SIZE_CLASSES.iter().enumerate() {
                let c = c.load(Ordering::SeqCst);
                if c > 0 {
                    eprintln!(
                        "{} {:>6}..: {:.2} per call",
                        a.client,
                        1u64 << i,
                        c as f64 / n
                    );
                }
            }
        }
        println!(
            r#"{{"allocs_per_call":{},"bytes_per_call":{},"errors":{errors}}}"#,
            ALLOCS.load(Ordering::SeqCst) as f64 / n,
            ALLOC_BYTES.load(Ordering::SeqCst) as f64 / n
        );
    });
}

/// One client alone at concurrency 64 for `--requests` calls after a
/// warm-up: run it under `valgrind --tool=callgrind` to compare the client
/// instructions per request of the SDK and raw reqwest without the noise of
/// a shared machine.
fn cell_main(a: &Args) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bench = Bench::new(&a.client, &child_base(&a.url), &a.url);
    rt.block_on(async {
        run_cell(&bench, 64, 640).await;
        let c = run_cell(&bench, 64, a.requests).await;
        println!(r#"{{"rps":{},"errors":{}}}"#, c.rps, c.errors);
    });
}

/// Decodes the 20 KB body `--alloc-calls` times with the SDK's decoder
/// (`--client sdk`), as `Envelope<Product>` (`raw`) or as a `Value`
/// (`value`): for instruction counts under `valgrind --tool=callgrind`,
/// which do not depend on the machine's load.
fn decode_main(a: &Args) {
    let body = Bytes::from_static(BODY);
    let mut skus = 0;
    for _ in 0..a.alloc_calls {
        skus += match a.client.as_str() {
            "sdk" => xportcn::__private::decode_envelope::<Product>(200, body.clone())
                .map_or(0, |r| r.data.sku_list.len()),
            "raw" => serde_json::from_slice::<Envelope<Product>>(&body)
                .map_or(0, |e| e.data.sku_list.len()),
            _ => serde_json::from_slice::<serde_json::Value>(&body)
                .map_or(0, |v| v["data"]["skuList"].as_array().map_or(0, Vec::len)),
        };
    }
    println!(r#"{{"skus":{skus}}}"#);
}

/// `--mem-only`: the memory comparison alone. Memory children for the two
/// clients of `--mem-clients` (default `sdk,raw`), alternating which goes
/// first, for `--rounds` rounds against one server; then the allocation
/// children. Prints every round, the medians and the median of the rounds'
/// SDK/raw peak RSS ratios; the last line is `sdk_vs_raw_peak_rss=<r>`.
fn mem_only_main(a: &Args) {
    let server = ServerProc::start();
    let url = server.product_url();
    let [first, second] = [&a.mem_clients[0], &a.mem_clients[1]];
    println!(
        "# loopback_bench --mem-only: {} tasks at once, {} rounds, {first} vs {second}",
        a.tasks, a.rounds
    );
    println!("# machine: {} (start)", machine());
    let g = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    println!();
    println!(
        "| round | {first} peak RSS MiB | {second} peak RSS MiB | {first} / {second} | peak live heap MiB ({first}, {second}) | errors | connections opened ({first}, {second}) | secs ({first}, {second}) |"
    );
    println!("|---:|---:|---:|---:|---|---:|---|---|");
    let (mut peaks_a, mut peaks_b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..a.rounds {
        let (ma, mb) = if round % 2 == 0 {
            let ma = run_child("mem", first, &url, a);
            (ma, run_child("mem", second, &url, a))
        } else {
            let mb = run_child("mem", second, &url, a);
            (run_child("mem", first, &url, a), mb)
        };
        let (pa, pb) = (g(&ma, "hwm_kb") / 1024.0, g(&mb, "hwm_kb") / 1024.0);
        println!(
            "| {} | {pa:.1} | {pb:.1} | {:.3} | {:.1}, {:.1} | {} | {}, {} | {:.2}, {:.2} |",
            round + 1,
            pa / pb,
            g(&ma, "heap_peak_kb") / 1024.0,
            g(&mb, "heap_peak_kb") / 1024.0,
            g(&ma, "errors") + g(&mb, "errors"),
            ma["connections"],
            mb["connections"],
            g(&ma, "secs"),
            g(&mb, "secs")
        );
        peaks_a.push(pa);
        peaks_b.push(pb);
        ratios.push(pa / pb);
    }
    let (min_a, max_a) = min_max(&peaks_a);
    let (min_b, max_b) = min_max(&peaks_b);
    let ratio = median(ratios);
    println!();
    println!(
        "# peak RSS, median (min-max): {first} {:.1} MiB ({min_a:.1}-{max_a:.1}), {second} {:.1} MiB ({min_b:.1}-{max_b:.1}); {first} / {second}: median of rounds {ratio:.3}, of medians {:.3}",
        median(peaks_a.clone()),
        median(peaks_b.clone()),
        median(peaks_a) / median(peaks_b)
    );
    println!();
    println!(
        "| allocation per call ({} sequential calls) | allocations | bytes |",
        a.alloc_calls
    );
    println!("|---|---:|---:|");
    for client in ["sdk", "sdk-all-overrides", "raw"] {
        let m = run_child("alloc", client, &url, a);
        println!(
            "| {client} | {:.1} | {:.0} |",
            g(&m, "allocs_per_call"),
            g(&m, "bytes_per_call")
        );
    }
    println!(
        "# sdk-all-overrides: every one of the {} endpoints in the registry overridden",
        xportcn::endpoint::all().len()
    );
    println!("# machine: {} (end)", machine());
    drop(server);
    println!("sdk_vs_raw_peak_rss={ratio:.3}");
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

fn run_child(kind: &str, client: &str, url: &str, a: &Args) -> serde_json::Value {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(exe)
        .args(["--child", kind, "--client", client, "--url", url])
        .args(["--tasks", &a.tasks.to_string()])
        .args(["--alloc-calls", &a.alloc_calls.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .expect("run child");
    assert!(out.status.success(), "{kind} child for {client} failed");
    serde_json::from_slice(&out.stdout).expect("child prints JSON")
}

// ---------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "NA".to_owned(), |r| format!("{r:.2}"))
}

fn parent_main(a: &Args) {
    let server = ServerProc::start();
    let url = server.product_url();
    println!(
        "# loopback_bench: {} requests per cell and round, {} rounds (the Rust clients interleaved)",
        a.requests, a.rounds
    );
    println!("# machine: {} (start)", machine());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Clients in the order of `NAMES`: the SDK, the raw floor, and the raw
    // floor with the SDK's per-request timeout (how much the timer costs).
    const NAMES: [&str; 3] = ["sdk", "raw reqwest", "raw reqwest + timeout"];
    let benches = [
        Bench::new("sdk", &server.base, &url),
        Bench::new("raw", &server.base, &url),
        Bench::new("raw-timeout", &server.base, &url),
    ];
    // (concurrency, figures per client, median over rounds of SDK/raw and
    // SDK/raw+timeout req/s measured back to back: pairs cancel most of the
    // drift of a shared machine)
    let mut rows: Vec<(usize, Vec<Row>, [f64; 2])> = Vec::new();
    // New connections the server accepted during the measured cells.
    let mut opened = [0u64; 3];
    rt.block_on(async {
        // Warm up: connections, pools, caches.
        for b in &benches {
            let c = run_cell(b, 64, 1_000.min(a.requests)).await;
            assert_eq!(c.errors, 0, "warm-up calls fail");
        }
        for c in LEVELS {
            let mut cells: [Vec<Cell>; 3] = Default::default();
            for round in 0..a.rounds {
                // Rotate who goes first.
                for k in 0..3 {
                    let which = (round + k) % 3;
                    let before = connections(&server.base).await;
                    cells[which].push(run_cell(&benches[which], c, a.requests).await);
                    // Less the one that asked.
                    opened[which] += (connections(&server.base).await - before).saturating_sub(1);
                }
            }
            let paired = |other: usize| {
                median(
                    cells[0]
                        .iter()
                        .zip(&cells[other])
                        .map(|(s, r)| s.rps / r.rps)
                        .collect(),
                )
            };
            let ratios = [paired(1), paired(2)];
            rows.push((c, cells.into_iter().map(summarize).collect(), ratios));
        }
    });
    drop(rt);
    let after_rust = stats(&server.base);

    let python = a.python.as_deref().map(|p| run_python(p, &url, a.requests));
    let after_python = stats(&server.base);
    let py: Option<Vec<PyCell>> = match python {
        Some(Ok(cells)) => Some(cells),
        Some(Err(e)) => {
            eprintln!("python client failed: {e}");
            None
        }
        None => None,
    };

    let mem_sdk = run_child("mem", "sdk", &url, a);
    let mem_raw = run_child("mem", "raw", &url, a);
    let alloc_sdk = run_child("alloc", "sdk", &url, a);
    let alloc_raw = run_child("alloc", "raw", &url, a);
    println!("# machine: {} (end)", machine());

    println!();
    println!("| concurrency | client | req/s | p50 µs | p99 µs | client CPU µs/req | errors |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    for (c, figures, _) in &rows {
        for (name, row) in NAMES.iter().zip(figures) {
            println!(
                "| {c} | {name} | {:.0} | {:.0} | {:.0} | {:.1} | {} |",
                row.rps, row.p50, row.p99, row.cpu, row.errors
            );
        }
        if let Some(p) = py
            .as_ref()
            .and_then(|v| v.iter().find(|p| p.concurrency == *c))
        {
            println!(
                "| {c} | python aiohttp | {:.0} | {:.0} | {:.0} | {:.1} | {} |",
                p.rps, p.p50_us, p.p99_us, p.cpu_us_per_req, p.errors
            );
        }
    }
    println!();
    println!(
        "| concurrency | SDK / raw req/s (median of paired rounds) | SDK / raw req/s (medians) | SDK / raw CPU per req | SDK / (raw + timeout) req/s (paired) | SDK / python req/s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    let mut ratios = (None, None);
    for (c, figures, paired) in &rows {
        let (s, r) = (&figures[0], &figures[1]);
        let vs_py = py
            .as_ref()
            .and_then(|v| v.iter().find(|p| p.concurrency == *c))
            .map(|p| s.rps / p.rps);
        println!(
            "| {c} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
            paired[0],
            s.rps / r.rps,
            s.cpu / r.cpu,
            paired[1],
            fmt_ratio(vs_py)
        );
        if *c == 64 {
            ratios = (Some(paired[0]), vs_py);
        }
    }
    println!();
    let g = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    println!(
        "| memory ({} tasks at once) | RSS before MiB | peak RSS (VmHWM) MiB | errors | secs |",
        a.tasks
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, m) in [("sdk", &mem_sdk), ("raw reqwest", &mem_raw)] {
        println!(
            "| {name} | {:.1} | {:.1} | {} | {:.2} |",
            g(m, "rss_before_kb") / 1024.0,
            g(m, "hwm_kb") / 1024.0,
            m["errors"],
            g(m, "secs")
        );
    }
    println!(
        "# peak RSS sdk / raw reqwest: {:.3} (one round each; `--mem-only` runs several)",
        g(&mem_sdk, "hwm_kb") / g(&mem_raw, "hwm_kb")
    );
    println!();
    println!(
        "| allocation per call ({} sequential calls) | allocations | bytes |",
        a.alloc_calls
    );
    println!("|---|---:|---:|");
    for (name, m) in [("sdk", &alloc_sdk), ("raw reqwest", &alloc_raw)] {
        println!(
            "| {name} | {:.1} | {:.0} |",
            g(m, "allocs_per_call"),
            g(m, "bytes_per_call")
        );
    }
    println!();
    let signed = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
    println!(
        "# connections opened during the measured cells: sdk {}, raw reqwest {}, raw reqwest + timeout {}",
        opened[0], opened[1], opened[2]
    );
    println!(
        "# server: {} requests; signatures checked: {} ok, {} bad (python: {} ok, {} bad)",
        signed(&after_python, "requests"),
        signed(&after_python, "signedOk"),
        signed(&after_python, "signedBad"),
        signed(&after_python, "signedOk") - signed(&after_rust, "signedOk"),
        signed(&after_python, "signedBad") - signed(&after_rust, "signedBad"),
    );
    drop(server);
    println!(
        "sdk_vs_raw_throughput={} sdk_vs_python_throughput={}",
        fmt_ratio(ratios.0),
        fmt_ratio(ratios.1)
    );
}
