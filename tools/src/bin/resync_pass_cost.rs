//! What one re-sync pass costs, at a small and a large number of tracked
//! orders, per tracker store, in one run (issue 24, part 4).
//!
//! ```text
//! scripts/resync-pass-cost                  # 1,000 and 100,000 tracked orders
//! cargo run --release -p xportcn-tools --bin resync_pass_cost -- [SMALL] [LARGE] [DUE]
//! ```
//!
//! For each size N, each store holds N orders: 90% final (cancelled), 10%
//! not final, of which DUE (default 50) have been quiet long enough to be
//! due and the rest changed just now. The same DUE orders are due at both
//! sizes: a pass that costs what is due costs the same at both.
//!
//! Per store and size it measures, on this process's clock:
//! - `due`: the pass's read, `TrackerStore::due` (median of 21 reads);
//! - `pass`: one whole `Resyncer::pass`, polling the DUE orders through an
//!   in-process poller that answers at once (each answer is folded and
//!   committed: one fsync each for SQLite);
//! - `full`: `TrackerStore::orders`, every tracked order: what every pass
//!   read before (median of 3 reads);
//! - Redis only: how long Redis itself ran the due read and the full read
//!   (`INFO commandstats`, µs per call): the time Redis, shared with the
//!   push inbox, is blocked.
//!
//! Stores: `memory`; `sqlite` (`synchronous=FULL`; filled on tmpfs when
//! `/dev/shm` exists, since one fsync per commit would take minutes for
//! 100,000 orders, then copied to `target/` and measured there); `redis`
//! (a `redis-server` this program starts on a free 127.0.0.1 port, without
//! persistence: reads do not depend on it), if `redis-server` is on the
//! PATH.
//!
//! The last line:
//! `tracked=S/L final=90% due=D memory_due_ms=a/b sqlite_due_ms=c/d redis_due_ms=e/f sqlite_full_ms=g/h redis_full_ms=i/j sqlite_due_large_vs_small=R`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use xportcn::callbacks::PushOrderStatus as P;
use xportcn::tracking::{
    Cause, MemoryTrackerStore, ObservedAt, OrderKey, Platform, PollFuture, Poller,
    RedisTrackerStore, ResyncConfig, Resyncer, SqliteTrackerStore, Status, Tracker, TrackerStore,
};

#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;

#[path = "../../../benches/support/machine.rs"]
mod machine;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Orders folded at once while filling.
const FILL_CONCURRENCY: usize = 16;

/// Reads per median.
const DUE_READS: usize = 21;
const FULL_READS: usize = 3;

fn now_ms() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

/// Answers every poll at once: paid, waiting for shipment (the state the
/// due orders are in, so each fold is `Same` and only records the poll).
struct Instant0;

impl Poller for Instant0 {
    fn poll<'a>(&'a self, _key: &'a OrderKey) -> PollFuture<'a> {
        Box::pin(async { Ok(Status::Push(P::WaitingForSent)) })
    }
}

/// Folds orders `ids` through the tracker, a few at once: those below
/// `paid_below` paid, the others cancelled (final).
async fn fold(
    tracker: &Tracker,
    ids: std::ops::Range<usize>,
    paid_below: usize,
) -> Result<(), BoxError> {
    let results: Vec<Result<(), BoxError>> = futures_util::stream::iter(ids)
        .map(|i| {
            let tracker = tracker.clone();
            async move {
                let status = if i < paid_below {
                    P::WaitingForSent
                } else {
                    P::Cancel
                };
                tracker
                    .observe(
                        OrderKey::new(Platform::Ali1688, format!("{}", 1_000_000_000 + i)),
                        Status::Push(status),
                        ObservedAt::platform(now_ms()),
                        Cause::Poll,
                    )
                    .await?;
                Ok(())
            }
        })
        .buffer_unordered(FILL_CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect()
}

/// Fills `store` with `n` orders: first the `due` ones (paid), then, a
/// second later, `n / 10 - due` more paid ones and `n - n / 10` cancelled
/// ones (final). Returns the key that makes exactly the first `due` due.
async fn fill(store: Arc<dyn TrackerStore>, n: usize, due: usize) -> Result<u64, BoxError> {
    let tracker = Tracker::new(store);
    fold(&tracker, 0..due, due).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let quiet_before = now_ms();
    tokio::time::sleep(Duration::from_millis(500)).await;
    fold(&tracker, due..n, n / 10).await?;
    Ok(quiet_before)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// What one store at one size measured (milliseconds).
#[derive(Debug, Default, Clone, Copy)]
struct Cost {
    due_ms: f64,
    pass_ms: f64,
    full_ms: f64,
}

/// The pass's read, `due`: median milliseconds.
async fn due_reads(
    store: &Arc<dyn TrackerStore>,
    quiet_before: u64,
    due: usize,
) -> Result<f64, BoxError> {
    let mut reads = Vec::new();
    for _ in 0..DUE_READS {
        let t = Instant::now();
        let got = store.due(quiet_before, 1000).await?;
        reads.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(got.len(), due, "due orders read");
    }
    Ok(median(reads))
}

/// Every tracked order, as every pass read before: median milliseconds.
async fn full_reads(store: &Arc<dyn TrackerStore>) -> Result<f64, BoxError> {
    let mut full = Vec::new();
    for _ in 0..FULL_READS {
        let t = Instant::now();
        let all = store.orders().await?;
        full.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(all);
    }
    Ok(median(full))
}

/// One whole pass over the due orders: milliseconds.
async fn one_pass(
    store: Arc<dyn TrackerStore>,
    quiet_before: u64,
    due: usize,
) -> Result<f64, BoxError> {
    let stale = Duration::from_millis(now_ms().saturating_sub(quiet_before));
    let config = ResyncConfig::default()
        .stale_after(stale)
        .budget(1e6, 1_000_000)
        .final_retention(None);
    let mut resync = Resyncer::new(Tracker::new(store), Arc::new(Instant0), config);
    let t = Instant::now();
    let report = resync.pass().await?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!((report.due, report.polled), (due, due), "{report:?}");
    Ok(ms)
}

async fn measure(
    store: Arc<dyn TrackerStore>,
    quiet_before: u64,
    due: usize,
) -> Result<Cost, BoxError> {
    Ok(Cost {
        due_ms: due_reads(&store, quiet_before, due).await?,
        full_ms: full_reads(&store).await?,
        pass_ms: one_pass(store, quiet_before, due).await?,
    })
}

/// Where SQLite files are filled: tmpfs if there is one.
fn fill_dir(run: &Path) -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join(format!("xportcn-resync-pass-cost-{}", std::process::id()))
    } else {
        run.join("fill")
    }
}

async fn sqlite_at(n: usize, due: usize, run: &Path) -> Result<Cost, BoxError> {
    let fill_in = fill_dir(run);
    std::fs::create_dir_all(&fill_in)?;
    let name = format!("tracker-{n}.sqlite3");
    let quiet_before = {
        let store: Arc<dyn TrackerStore> = Arc::new(SqliteTrackerStore::open(fill_in.join(&name))?);
        fill(store, n, due).await?
        // Closed here: the last connection checkpoints the log.
    };
    let file = run.join(&name);
    std::fs::copy(fill_in.join(&name), &file)?;
    let _ = std::fs::remove_dir_all(&fill_in);
    let store: Arc<dyn TrackerStore> = Arc::new(SqliteTrackerStore::open(&file)?);
    let cost = measure(store, quiet_before, due).await;
    let _ = std::fs::remove_file(&file);
    cost
}

/// `usec_per_call` of `cmd` in `INFO commandstats`.
fn usec_per_call(stats: &str, cmd: &str) -> f64 {
    stats
        .lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{cmd}:")))
        .and_then(|rest| {
            rest.split(',')
                .find_map(|kv| kv.strip_prefix("usec_per_call="))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The Redis run: its cost, and Redis's own time per due read (the
/// script) and per full read (`HVALS`), in µs.
async fn redis_at(
    server: &redis_server::RedisServer,
    n: usize,
    due: usize,
) -> Result<(Cost, f64, f64), BoxError> {
    let mut admin = redis::Client::open(server.url())?.get_connection()?;
    let _: () = redis::cmd("FLUSHALL").query(&mut admin)?;
    let store: Arc<dyn TrackerStore> = Arc::new(RedisTrackerStore::open_with_timeout(
        &server.url(),
        Duration::from_secs(10),
    )?);
    let quiet_before = fill(store.clone(), n, due).await?;
    // Once, so Redis knows the script and the layout check is done.
    store.due(quiet_before, 1).await?;
    let server_us = |admin: &mut redis::Connection, cmd: &str| -> Result<f64, BoxError> {
        let stats: String = redis::cmd("INFO").arg("commandstats").query(admin)?;
        let _: () = redis::cmd("CONFIG").arg("RESETSTAT").query(admin)?;
        Ok(usec_per_call(&stats, cmd))
    };
    server_us(&mut admin, "evalsha")?;
    let due_ms = due_reads(&store, quiet_before, due).await?;
    let due_us = server_us(&mut admin, "evalsha")?;
    let full_ms = full_reads(&store).await?;
    let hvals_us = server_us(&mut admin, "hvals")?;
    let pass_ms = one_pass(store, quiet_before, due).await?;
    Ok((
        Cost {
            due_ms,
            pass_ms,
            full_ms,
        },
        due_us,
        hvals_us,
    ))
}

fn pair(a: f64, b: f64, digits: usize) -> String {
    format!("{a:.digits$}/{b:.digits$}")
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let small: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let large: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let due: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    if due > small / 10 || large > 1_000_000 {
        return Err("DUE must be at most SMALL/10, and LARGE at most 1,000,000".into());
    }
    println!("# machine: {} (start)", machine::machine());
    println!(
        "# tracked orders: {small} and {large}, 90% final, {due} due; due read: median of {DUE_READS}; full read: median of {FULL_READS}"
    );
    let run = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join(format!("resync-pass-cost-{}", std::process::id()));
    std::fs::create_dir_all(&run)?;

    let mut memory = Vec::new();
    let mut sqlite = Vec::new();
    let mut redis = Vec::new();
    let server = if redis_server::RedisServer::installed() {
        redis_server::RedisServer::spawn(&["--appendonly", "no"])
    } else {
        println!("# redis-server not on PATH: Redis skipped");
        None
    };
    for n in [small, large] {
        let store: Arc<dyn TrackerStore> = Arc::new(MemoryTrackerStore::new());
        let quiet_before = fill(store.clone(), n, due).await?;
        let cost = measure(store, quiet_before, due).await?;
        println!(
            "memory n={n}: due read {:.3} ms, pass {:.1} ms, full read {:.1} ms",
            cost.due_ms, cost.pass_ms, cost.full_ms
        );
        memory.push(cost);

        let cost = sqlite_at(n, due, &run).await?;
        println!(
            "sqlite n={n}: due read {:.3} ms, pass {:.1} ms ({due} polls folded, one fsync each), full read {:.1} ms",
            cost.due_ms, cost.pass_ms, cost.full_ms
        );
        sqlite.push(cost);

        if let Some(server) = &server {
            let (cost, due_us, hvals_us) = redis_at(server, n, due).await?;
            println!(
                "redis n={n}: due read {:.3} ms (Redis busy {due_us:.0} µs), pass {:.1} ms, full read {:.1} ms (Redis busy {hvals_us:.0} µs in HVALS)",
                cost.due_ms, cost.pass_ms, cost.full_ms
            );
            redis.push(cost);
        }
    }
    let _ = std::fs::remove_dir_all(&run);
    println!("# machine: {} (end)", machine::machine());
    let due_pair = |v: &[Cost]| match v {
        [a, b] => pair(a.due_ms, b.due_ms, 3),
        _ => "skipped".into(),
    };
    let full_pair = |v: &[Cost]| match v {
        [a, b] => pair(a.full_ms, b.full_ms, 1),
        _ => "skipped".into(),
    };
    println!(
        "tracked={small}/{large} final=90% due={due} memory_due_ms={} sqlite_due_ms={} redis_due_ms={} sqlite_full_ms={} redis_full_ms={} sqlite_due_large_vs_small={:.2}",
        due_pair(&memory),
        due_pair(&sqlite),
        due_pair(&redis),
        full_pair(&sqlite),
        full_pair(&redis),
        sqlite[1].due_ms / sqlite[0].due_ms
    );
    Ok(())
}
