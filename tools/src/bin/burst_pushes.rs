//! Bursts and backlogs (issue 24, parts 5 and 6), in one run on loopback.
//!
//! ```text
//! scripts/burst-pushes [PUSHES] [CONCURRENCY]      # defaults 10000 64
//! ```
//!
//! 1. **fsync floor**: the disk's `fsync` p50 in the temp directory (200
//!    writes of 4 KiB, each `fsync`ed), the physical floor of one commit.
//! 2. **Bursts**: per backend, a receiver behind `callbacks::axum::serve`
//!    on 127.0.0.1 and `CONCURRENCY` senders posting `PUSHES` distinct
//!    signed pushes as fast as they are answered: `memory` (the baseline:
//!    nothing written), `sqlite` (`synchronous=FULL`, group commit) and
//!    `redis` (a `redis-server` this program starts with `appendonly yes`,
//!    `appendfsync always`, when it is on the PATH). Acks per second, p50
//!    and p99 of the answer time.
//! 3. **Backlog**: two SQLite inboxes holding 1,000 and 100,000 pending
//!    pushes plus 3 x 2,000 more; three rounds, the sizes alternating, in
//!    which one `Consumer` takes and acks 2,000 deliveries; the median drain
//!    rate of each size and their ratio.
//!
//! Bounded: each phase gives up after 180 s. Details go to stdout; the last
//! line is exactly
//! `pushes=N concurrency=C sqlite_acks_per_s=S memory_acks_per_s=M sqlite_p99_ms=P fsync_p50_ms=F backlog_100k_vs_1k=R`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Consumer, Inbox, MemoryInbox, SqliteInbox, Verifier, sign_push};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Longest time of one phase.
const PHASE_LIMIT: Duration = Duration::from_secs(180);

/// Deliveries one drain round takes and acks.
const DRAIN: usize = 2_000;

/// Drain rounds per backlog size.
const ROUNDS: usize = 3;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let pushes: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000)
        .max(1);
    let concurrency: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(64)
        .max(1);
    let dir = std::env::temp_dir().join(format!("xportcn-burst-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run_all(&dir, pushes, concurrency).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_all(dir: &Path, pushes: usize, concurrency: usize) -> Result<(), BoxError> {
    println!(
        "{pushes} signed pushes per backend, {concurrency} concurrent senders, through serve on 127.0.0.1"
    );
    let fsync_p50 = fsync_p50_ms(dir)?;
    println!(
        "fsync: p50 {fsync_p50:.3} ms (200 x 4 KiB write + fsync in {})",
        dir.display()
    );

    let memory = burst("memory", Arc::new(MemoryInbox::new()), pushes, concurrency).await?;
    let sqlite_inbox = SqliteInbox::open(dir.join("burst.sqlite3"))?;
    let sqlite = burst("sqlite", Arc::new(sqlite_inbox), pushes, concurrency).await?;
    {
        let redis_dir = dir.to_string_lossy().into_owned();
        match redis_server::RedisServer::spawn(&[
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            &redis_dir,
        ]) {
            Some(server) => {
                let inbox = xportcn::callbacks::RedisInbox::open(&server.url())?;
                burst("redis", Arc::new(inbox), pushes, concurrency).await?;
            }
            None => println!(" redis: skipped (redis-server could not be started)"),
        }
    }
    println!(
        "sqlite/memory acks per second: {:.2} (goal >= 0.5); sqlite p99 {:.1} ms (goal <= 50)",
        sqlite.acks_per_s / memory.acks_per_s.max(f64::EPSILON),
        sqlite.p99_ms
    );

    // Three rounds, the two sizes alternating (the disk is shared: a burst
    // of another process's I/O should not land on one size only); the
    // median of each size.
    let small_inbox = fill_backlog(dir, 1_000).await?;
    let large_inbox = fill_backlog(dir, 100_000).await?;
    let (mut small, mut large) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let left = (ROUNDS - round - 1) * DRAIN;
        small.push(drain_rate(&small_inbox, 1_000 + left).await?);
        large.push(drain_rate(&large_inbox, 100_000 + left).await?);
    }
    let (small, large) = (percentile(&mut small, 0.5), percentile(&mut large, 0.5));
    println!("  drain medians: {small:.0}/s at 1,000 pending, {large:.0}/s at 100,000 pending");
    let ratio = large / small.max(f64::EPSILON);
    println!("backlog: drain at 100,000 / at 1,000 = {ratio:.2} (goal >= 0.8)");
    println!(
        "pushes={pushes} concurrency={concurrency} sqlite_acks_per_s={:.0} memory_acks_per_s={:.0} \
         sqlite_p99_ms={:.1} fsync_p50_ms={fsync_p50:.2} backlog_100k_vs_1k={ratio:.2}",
        sqlite.acks_per_s, memory.acks_per_s, sqlite.p99_ms
    );
    Ok(())
}

/// The disk's fsync p50 in `dir`, in ms.
fn fsync_p50_ms(dir: &Path) -> Result<f64, BoxError> {
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path)?;
    let block = [0x5au8; 4096];
    let mut ms = Vec::with_capacity(200);
    for _ in 0..200 {
        file.write_all(&block)?;
        let start = Instant::now();
        file.sync_all()?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    drop(file);
    let _ = std::fs::remove_file(&path);
    Ok(percentile(&mut ms, 0.50))
}

fn percentile(ms: &mut [f64], p: f64) -> f64 {
    if ms.is_empty() {
        return 0.0;
    }
    ms.sort_by(f64::total_cmp);
    let idx = ((p * ms.len() as f64).ceil() as usize)
        .saturating_sub(1)
        .min(ms.len() - 1);
    ms[idx]
}

struct Burst {
    acks_per_s: f64,
    p99_ms: f64,
}

/// One backend: `pushes` distinct signed pushes from `concurrency` senders
/// to a receiver on loopback.
async fn burst(
    name: &str,
    inbox: Arc<dyn Inbox>,
    pushes: usize,
    concurrency: usize,
) -> Result<Burst, BoxError> {
    let creds = Credentials::new("burst-access-key", "burst-secret", "2100007341207");
    let router = Receiver::new(Verifier::new(creds.clone()), inbox).router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, router, ServeConfig::default()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(10))
        .build()?;
    let url = format!("http://{addr}/");
    let next = Arc::new(AtomicUsize::new(0));
    let run_id = u64::from(std::process::id()) * 1_000_000;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, url, creds, next) = (client.clone(), url.clone(), creds.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= pushes || started.elapsed() > PHASE_LIMIT {
                    break;
                }
                let body = format!(
                    r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{},"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderStatus\":\"WAITING_FOR_SENT\"}}"}}"#,
                    run_id + i as u64,
                    3305075341149134260u64 + i as u64
                );
                let headers = sign_push(&creds, body.as_bytes());
                let start = Instant::now();
                let status = match client.post(&url).headers(headers).body(body).send().await {
                    Ok(resp) => resp.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((start.elapsed().as_secs_f64() * 1000.0, status));
            }
            out
        }));
    }
    let mut results = Vec::with_capacity(pushes);
    for t in tasks {
        results.extend(t.await?);
    }
    let wall = started.elapsed();
    server.abort();
    let ok = results.iter().filter(|(_, s)| *s == 200).count();
    let mut ms: Vec<f64> = results.iter().map(|(m, _)| *m).collect();
    let (p50, p99) = (percentile(&mut ms, 0.50), percentile(&mut ms, 0.99));
    let acks_per_s = ok as f64 / wall.as_secs_f64().max(f64::EPSILON);
    println!(
        "{name:>7}: {ok}/{pushes} answered 200 in {:.2} s: {acks_per_s:.0} acks/s; answer p50 {p50:.2} ms, p99 {p99:.2} ms",
        wall.as_secs_f64()
    );
    if ok < pushes {
        return Err(format!("{name}: only {ok}/{pushes} pushes answered 200").into());
    }
    Ok(Burst {
        acks_per_s,
        p99_ms: p99,
    })
}

/// A SQLite inbox holding `backlog` + [`ROUNDS`] x [`DRAIN`] pending
/// pushes, written straight into the file in one transaction, as a
/// receiver would have left them after an outage.
async fn fill_backlog(dir: &Path, backlog: usize) -> Result<Arc<SqliteInbox>, BoxError> {
    let path = dir.join(format!("backlog-{backlog}.sqlite3"));
    let inbox = Arc::new(SqliteInbox::open(&path)?);
    let mut conn = rusqlite::Connection::open(&path)?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO xportcn_inbox (dedup_key, body, received_ms) VALUES (?1, ?2, ?3)",
        )?;
        for i in 0..backlog + ROUNDS * DRAIN {
            let body = format!(
                r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{},"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderStatus\":\"WAITING_FOR_SENT\"}}"}}"#,
                7_000_000 + i,
                3305075341149134260u64 + i as u64
            );
            insert.execute(rusqlite::params![
                format!("backlog-{i}"),
                body.as_bytes(),
                1_779_263_269_913_i64
            ])?;
        }
    }
    tx.commit()?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(inbox)
}

/// One consumer takes and acks [`DRAIN`] deliveries of `inbox`, with
/// `behind` more pending behind them: deliveries per second.
async fn drain_rate(inbox: &Arc<SqliteInbox>, behind: usize) -> Result<f64, BoxError> {
    let mut consumer = Consumer::new(inbox.clone()).name("drain");
    let started = Instant::now();
    let mut handled = 0;
    while handled < DRAIN && started.elapsed() < PHASE_LIMIT {
        let Some(delivery) = consumer.try_next(Duration::from_secs(1)).await? else {
            break;
        };
        delivery.ack().await?;
        handled += 1;
    }
    let wall = started.elapsed().as_secs_f64();
    let rate = handled as f64 / wall.max(f64::EPSILON);
    println!(
        "  drain: {handled} deliveries acked with {behind} more pending behind them: {rate:.0}/s"
    );
    if handled < DRAIN {
        return Err(format!("drain: only {handled}/{DRAIN} deliveries").into());
    }
    Ok(rate)
}

#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;
