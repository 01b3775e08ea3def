//! Measures how fast the receiver acknowledges pushes, per inbox backend, in
//! one run, while the consumer is slow (2 s per message): the platform wants
//! HTTP 200 within 1000 ms, and the receiver answers only once the push is
//! stored.
//!
//! ```text
//! cargo run --release -p xportcn-tools --bin ack_latency [PUSHES] [CONCURRENCY]
//! ```
//!
//! Backends: `memory` (the baseline: nothing is written), `sqlite` (a file
//! in the temp directory, `synchronous=FULL`: one fsync per push), `redis`
//! (a `redis-server` this program starts on a free 127.0.0.1 port with
//! `appendonly yes` and `appendfsync always`, if `redis-server` is on the
//! PATH).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Consumer, Inbox, MemoryInbox, SqliteInbox, Verifier, sign_push};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let pushes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8).max(1);
    println!(
        "{pushes} pushes per backend, concurrency {concurrency}, slow consumer 2 s/message, budget 1000 ms"
    );

    let dir = std::env::temp_dir().join(format!("xportcn-ack-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut backends: Vec<(&str, Arc<dyn Inbox>)> = vec![
        ("memory", Arc::new(MemoryInbox::new())),
        (
            "sqlite",
            Arc::new(SqliteInbox::open(dir.join("inbox.sqlite3"))?),
        ),
    ];
    // Durable settings: every acknowledged push is on disk.
    let redis_dir = dir.to_string_lossy().into_owned();
    let redis = redis_server::RedisServer::spawn(&[
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        &redis_dir,
    ]);
    if redis.is_none() {
        println!(" redis: skipped (redis-server could not be started)");
    }
    if let Some(server) = &redis {
        backends.push((
            "redis",
            Arc::new(xportcn::callbacks::RedisInbox::open(&server.url())?),
        ));
    }
    let mut baseline = None;
    for (name, inbox) in backends {
        let (p50, p99, max, ok) = run(inbox, pushes, concurrency).await?;
        let base = *baseline.get_or_insert(p50);
        println!(
            "{name:>6}: {ok}/{pushes} answered 200; ack latency p50 {p50:.2} ms, p99 {p99:.2} ms, \
             max {max:.2} ms; p99 is {:.0} ms under the 1000 ms budget; p50 {:.1}x the memory baseline",
            1000.0 - p99,
            p50 / base.max(f64::EPSILON)
        );
    }
    drop(redis);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One backend: a receiver on loopback, a slow consumer, `pushes` signed
/// pushes from `concurrency` senders. Returns p50, p99, max (ms) and the
/// number answered 200.
async fn run(
    inbox: Arc<dyn Inbox>,
    pushes: usize,
    concurrency: usize,
) -> Result<(f64, f64, f64, usize), Box<dyn std::error::Error>> {
    let creds = Credentials::new("bench-access-key", "bench-secret", "2100007341207");
    let router = Receiver::new(Verifier::new(creds.clone()), inbox.clone()).router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, router, ServeConfig::default()));

    let processed = Arc::new(AtomicUsize::new(0));
    let done = processed.clone();
    let mut consumer = Consumer::new(inbox).batch(1);
    let slow = tokio::spawn(async move {
        while let Ok(delivery) = consumer.next().await {
            tokio::time::sleep(Duration::from_secs(2)).await; // the slow consumer
            let _ = delivery.ack().await;
            done.fetch_add(1, Ordering::SeqCst);
        }
    });

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/");
    let next = Arc::new(AtomicUsize::new(0));
    let run_id = std::process::id() as u64 * 1_000_000 + rand_u32() as u64;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, url, creds, next) = (client.clone(), url.clone(), creds.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= pushes {
                    break;
                }
                // Distinct messages, so none is answered as a duplicate.
                let body = format!(
                    r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{},"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderStatus\":\"WAITING_FOR_SENT\"}}"}}"#,
                    run_id * 10_000 + i as u64,
                    3305075341149134260u64 + i as u64
                );
                let headers = sign_push(&creds, body.as_bytes());
                let start = Instant::now();
                let status = match client.post(&url).headers(headers).body(body).send().await {
                    Ok(resp) => resp.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((start.elapsed(), status));
            }
            out
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.extend(t.await?);
    }
    server.abort();
    slow.abort();
    let ok = results.iter().filter(|(_, s)| *s == 200).count();
    let mut ms: Vec<f64> = results
        .iter()
        .map(|(d, _)| d.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| -> f64 {
        if ms.is_empty() {
            return 0.0;
        }
        let idx = ((p * ms.len() as f64).ceil() as usize)
            .saturating_sub(1)
            .min(ms.len() - 1);
        ms[idx]
    };
    Ok((pct(0.50), pct(0.99), ms.last().copied().unwrap_or(0.0), ok))
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now()) as u32
}

#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;
