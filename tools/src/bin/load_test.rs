//! Load test: many concurrent reads against a loopback server, then a check
//! that file descriptors and memory return to their baseline once the client
//! is dropped and its pool has closed.
//!
//! Run it with `scripts/load-test` (release build). Knobs (environment):
//! `LOAD_REQUESTS` (default 10000), `LOAD_CONCURRENCY` (default 256),
//! `LOAD_ROUNDS` (default 1: rounds of `LOAD_REQUESTS`, each with a new
//! client dropped at its end; with 2 or more, stderr shows whether memory
//! keeps growing round after round or only once, as the allocator's cache).
//! Bounded: the run gives up after 120 s, the settle wait after 10 s.
//!
//! Details go to stderr; the last line on stdout is exactly
//! `requests=<n> errors=<n> fd_leaked=<n> rss_growth_kb=<n>`.
//! Exits non-zero if any request failed or a descriptor leaked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::header;
use axum::routing::get;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use xportcn::retry::RetryPolicy;
use xportcn::{Client, Credentials};

const BODY: &str = r#"{"requestId":"4cfda0b725184ab8a1e3ee3b9051ec35","code":200,"developId":"1014533973088404335","msg":"成功","data":{"itemId":672991141190,"title":"天穹发布商品","price":1,"quantity":400,"shopId":268763467,"categoryId":"121452038","skuList":[{"skuId":"3452545926724","price":1,"promotionPrice":"1","quantity":200,"properties":[{"valueId":28326,"valueName":"红色","propId":1627207,"propName":"颜色分类"}]}]}}"#;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Resident set size in KiB.
fn rss_kb() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

struct Round {
    errors: usize,
    wall: Duration,
    fd_peak: usize,
    fd_after: usize,
    settle_ms: u128,
    rss_peak: i64,
    rss_after: i64,
}

/// One round: a fresh client, `requests` reads at `concurrency`, then the
/// client is dropped and the fd count is awaited back down to `fd_before`.
async fn one_round(
    addr: std::net::SocketAddr,
    requests: usize,
    concurrency: usize,
    fd_before: usize,
) -> Round {
    let client = Client::builder()
        .credentials(Credentials::new(
            "58c0201dfdf148eca63cbf6bb5e7cf03",
            "load-test-secret",
            "2100007341207",
        ))
        .base_url(format!("http://{addr}/api"))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .attempt_timeout(Duration::from_secs(10))
        .build()
        .expect("client");

    let errors = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let run = async {
        let mut tasks = JoinSet::new();
        for i in 0..requests {
            let permit = permits.clone().acquire_owned().await.expect("semaphore");
            let (client, errors, done) = (client.clone(), errors.clone(), done.clone());
            tasks.spawn(async move {
                match client.taobao().product_get("672991141190").await {
                    Ok(p) if p.sku_list.len() == 1 => {}
                    Ok(p) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("request {i}: unexpected product {p:?}");
                    }
                    Err(e) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                            eprintln!("request {i}: {e}");
                        }
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
                drop(permit);
            });
            // Reap finished tasks as we go so the set stays small.
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
    };
    if tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .is_err()
    {
        eprintln!("load run did not finish within 120 s");
    }
    let wall = started.elapsed();
    let completed = done.load(Ordering::Relaxed);
    let mut errors = errors.load(Ordering::Relaxed);
    errors += requests - completed; // unfinished requests count as errors
    let fd_peak = open_fds();
    let rss_peak = rss_kb();

    // Return to baseline: drop the client (its pool closes the connections),
    // let the server see the closes, then wait (bounded) for the count.
    drop(client);
    let settle_start = Instant::now();
    let mut fd_after = open_fds();
    while fd_after > fd_before && settle_start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        fd_after = open_fds();
    }
    // A little longer for memory to be returned.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_after = rss_kb();
    Round {
        errors,
        wall,
        fd_peak,
        fd_after,
        settle_ms: settle_start.elapsed().as_millis(),
        rss_peak,
        rss_after,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let requests = env_usize("LOAD_REQUESTS", 10_000);
    let concurrency = env_usize("LOAD_CONCURRENCY", 256).max(1);

    // The server: loopback only.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let app = Router::new().route(
        "/api/open/product/get",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], BODY) }),
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    tokio::time::sleep(Duration::from_millis(50)).await;

    let rounds = env_usize("LOAD_ROUNDS", 1).max(1);
    let fd_before = open_fds();
    let rss_before = rss_kb();
    let (mut errors, mut fd_after, mut rss_after) = (0, fd_before, rss_before);
    for round in 1..=rounds {
        let r = one_round(addr, requests, concurrency, fd_before).await;
        errors += r.errors;
        fd_after = r.fd_after;
        eprintln!(
            "round {round}/{rounds}: {requests} requests at concurrency {concurrency} in {:.2} s \
             ({:.0} req/s), {} errors; fds before={fd_before} peak={} after={} (settled in {} ms); \
             rss before={rss_before} kB peak={} kB after round={} kB (+{} kB this round)",
            r.wall.as_secs_f64(),
            requests as f64 / r.wall.as_secs_f64(),
            r.errors,
            r.fd_peak,
            r.fd_after,
            r.settle_ms,
            r.rss_peak,
            r.rss_after,
            r.rss_after - rss_after,
        );
        rss_after = r.rss_after;
    }
    server.abort();
    let requests = requests * rounds;
    let fd_leaked = fd_after.saturating_sub(fd_before);
    let rss_growth = rss_after - rss_before;
    println!(
        "requests={requests} errors={errors} fd_leaked={fd_leaked} rss_growth_kb={rss_growth}"
    );
    if errors > 0 || fd_leaked > 0 {
        std::process::exit(1);
    }
}
