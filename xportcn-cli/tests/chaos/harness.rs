//! The push chaos run, shared by `tools/src/bin/chaos_pushes.rs` (the full
//! run, `scripts/chaos-pushes`) and `xportcn-cli/tests/cli/chaos.rs` (the short
//! one in CI).
//!
//! On loopback only. A simulated platform sends signed pushes and retries
//! each one that is not answered 200 within 1000 ms, 5 times, on a fast
//! clock. Receivers and consumers are separate `xportcn webhook` processes:
//! two receivers sharing one Redis (behind a round-robin "load balancer")
//! and one receiver with the embedded SQLite inbox, each with its
//! consumers. The run SIGKILLs receivers and consumers at random moments,
//! pauses Redis (`CLIENT PAUSE`), and keeps a slow-read attacker on every
//! receiver throughout. At the end every push answered 200 must have been
//! printed by a consumer at least once.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use xportcn::Credentials;
use xportcn::callbacks::sign_push;

#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;
use redis_server::RedisServer;

const KEY: &str = "chaos-access-key";
const SECRET: &str = "chaos-secret";
const USER: &str = "2100007341207";

/// What a run does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The `xportcn` binary (package `xportcn-cli`).
    pub bin: PathBuf,
    /// Pushes the platform sends.
    pub pushes: usize,
    /// Pushes in flight at once.
    pub concurrency: usize,
    /// Receiver kills to make (at least).
    pub receiver_kills: usize,
    /// Consumer kills to make (at least).
    pub consumer_kills: usize,
    /// Redis pauses to make (at least).
    pub redis_pauses: usize,
    /// The platform's wait between retries (30 minutes on the real clock).
    pub retry_interval: Duration,
    /// Longest time the whole run may take.
    pub limit: Duration,
    /// Lease of a delivery (a killed consumer's deliveries come back after it).
    pub lease: Duration,
    /// The price phase (issue 24) after the kills: orders whose price goes
    /// back and forth (100, 120, 100, ... fen; no envelope `id`, pushes 10
    /// minutes apart on the platform's clock) ...
    pub price_orders: usize,
    /// ... this many changes each, ...
    pub price_changes: usize,
    /// ... handled by in-process consumers (two on Redis, two on SQLite)
    /// with this lease, a quarter of the handlings taking 1.5 leases (slow
    /// but live: the lease is extended). No kills, no pauses: no duplicate
    /// allowed.
    pub price_lease: Duration,
}

/// What a run saw.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub pushes: usize,
    pub acked: usize,
    pub handled: usize,
    pub lost: usize,
    pub duplicates: usize,
    pub receiver_kills: usize,
    pub consumer_kills: usize,
    pub redis_pauses: usize,
    /// Duplicates handed out again after their consumer was killed between
    /// handling and ack (attempt > 1).
    pub duplicates_redelivered: usize,
    /// Duplicates stored twice (attempt 1 both times): none expected.
    pub duplicates_stored_twice: usize,
    /// Pushes the platform gave up on after 5 retries (never answered 200).
    pub given_up: usize,
    /// Price phase: events sent, answered 200, answered 200 but never
    /// handled, handled more than once (extra handlings), and handlings
    /// slower than the lease.
    pub price_events: usize,
    pub price_acked: usize,
    pub price_lost: usize,
    pub price_duplicates: usize,
    pub price_slow: usize,
    /// Lines that explain the figures.
    pub notes: Vec<String>,
}

impl Report {
    /// The last line the issue asks for.
    pub fn line(&self) -> String {
        format!(
            "pushes={} acked={} handled={} lost={} duplicates={} receiver_kills={} consumer_kills={} redis_pauses={} price_events={} price_acked={} price_lost={} price_duplicates={} price_slow_handlings={}",
            self.pushes,
            self.acked,
            self.handled,
            self.lost,
            self.duplicates,
            self.receiver_kills,
            self.consumer_kills,
            self.redis_pauses,
            self.price_events,
            self.price_acked,
            self.price_lost,
            self.price_duplicates,
            self.price_slow
        )
    }
}

/// A small deterministic generator (xorshift64*), seeded from the clock.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// One `xportcn webhook` process that the run kills and restarts.
struct Proc {
    args: Vec<String>,
    child: Option<Child>,
    /// Where each incarnation's stdout goes (consumers).
    out_dir: Option<PathBuf>,
    name: String,
    incarnation: usize,
    port: Option<u16>,
}

impl Proc {
    fn start(&mut self, bin: &Path, cwd: &Path) {
        let mut cmd = Command::new(bin);
        cmd.env_clear()
            .env("XPORTCN_ACCESS_KEY", KEY)
            .env("XPORTCN_ACCESS_SECRET", SECRET)
            .env("XPORTCN_USER_ID", USER)
            .current_dir(cwd)
            .args(&self.args)
            .stderr(Stdio::null());
        if self.name.starts_with('c') {
            cmd.args(["--name", &format!("{}-{}", self.name, self.incarnation)]);
        }
        match &self.out_dir {
            Some(dir) => {
                let file =
                    File::create(dir.join(format!("{}-{}.jsonl", self.name, self.incarnation)))
                        .expect("output file");
                cmd.stdout(file);
            }
            None => {
                cmd.stdout(Stdio::null());
            }
        }
        self.incarnation += 1;
        self.child = Some(cmd.spawn().expect("xportcn starts"));
        if let Some(port) = self.port {
            assert!(
                wait_for_port(port, Duration::from_secs(20)),
                "{} did not listen on {port}",
                self.name
            );
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the plan. `None` when `redis-server` is missing.
pub async fn run(mut plan: Plan) -> Option<Report> {
    let started = Instant::now();
    // The processes run in a directory of their own.
    if let Ok(bin) = std::fs::canonicalize(&plan.bin) {
        plan.bin = bin;
    }
    let dir = std::env::temp_dir().join(format!(
        "xportcn-chaos-{}-{}",
        std::process::id(),
        Rng::new().below(1 << 30)
    ));
    let out = dir.join("handled");
    std::fs::create_dir_all(&out).expect("temp dir");
    let dir_arg = dir.to_string_lossy().into_owned();
    let redis = RedisServer::spawn(&["--appendonly", "no", "--dir", &dir_arg])?;
    let sqlite = format!("sqlite:{}", dir.join("inbox.sqlite3").display());
    let lease = plan.lease.as_millis().to_string();

    let receiver = |name: &str, inbox: &str| {
        let port = free_port();
        Proc {
            args: [
                "webhook",
                "listen",
                "--port",
                &port.to_string(),
                "--inbox",
                inbox,
                "--lease-ms",
                &lease,
                "--no-consume",
            ]
            .map(String::from)
            .to_vec(),
            child: None,
            out_dir: None,
            name: name.to_owned(),
            incarnation: 0,
            port: Some(port),
        }
    };
    let consumer = |name: &str, inbox: &str| Proc {
        args: ["webhook", "consume", "--inbox", inbox, "--lease-ms", &lease]
            .map(String::from)
            .to_vec(),
        child: None,
        out_dir: Some(out.clone()),
        name: name.to_owned(),
        incarnation: 0,
        port: None,
    };
    let url = redis.url();
    let mut receivers = [
        receiver("r1", &url),
        receiver("r2", &url),
        receiver("r3", &sqlite),
    ];
    let mut consumers = [
        consumer("c1", &url),
        consumer("c2", &url),
        consumer("c3", &sqlite),
    ];
    for p in receivers.iter_mut().chain(consumers.iter_mut()) {
        p.start(&plan.bin, &dir);
    }
    let urls: Vec<String> = receivers
        .iter()
        .map(|r| format!("http://127.0.0.1:{}/xportcn/push", r.port.unwrap_or(0)))
        .collect();

    // The slow-read attacker: on every receiver, connections that pipeline
    // unauthenticated requests and never read, reopened when closed.
    let stop = Arc::new(AtomicBool::new(false));
    let attack_ports: Vec<u16> = receivers.iter().filter_map(|r| r.port).collect();
    let attacker = tokio::spawn(attack(attack_ports, stop.clone()));

    // The platform.
    let acked = Arc::new(Mutex::new(HashSet::new()));
    let given_up = Arc::new(AtomicUsize::new(0));
    let sent_all = Arc::new(AtomicBool::new(false));
    let platform = tokio::spawn(platform(
        plan.clone(),
        urls,
        acked.clone(),
        given_up.clone(),
        sent_all.clone(),
    ));

    // Chaos, until the platform is done and the quotas are met.
    let mut rng = Rng::new();
    let (mut rk, mut ck, mut rp) = (0, 0, 0);
    let budget = plan
        .limit
        .saturating_sub(plan.lease * 3 + Duration::from_secs(20));
    let pace =
        budget / ((plan.receiver_kills + plan.consumer_kills + plan.redis_pauses) as u32 + 2);
    let pace = pace
        .min(Duration::from_secs(8))
        .max(Duration::from_millis(300));
    while !(sent_all.load(Ordering::SeqCst)
        && rk >= plan.receiver_kills
        && ck >= plan.consumer_kills
        && rp >= plan.redis_pauses)
        && started.elapsed() < budget
    {
        tokio::time::sleep(pace / 2 + Duration::from_millis(rng.below(pace.as_millis() as u64)))
            .await;
        let need = [
            rk < plan.receiver_kills,
            ck < plan.consumer_kills,
            rp < plan.redis_pauses,
        ];
        let choice = if need.iter().any(|n| *n) {
            loop {
                let c = rng.below(3) as usize;
                if need[c] {
                    break c;
                }
            }
        } else {
            rng.below(3) as usize
        };
        match choice {
            0 => {
                let r = &mut receivers[rng.below(3) as usize];
                r.kill();
                rk += 1;
                tokio::time::sleep(Duration::from_millis(100 + rng.below(400))).await;
                r.start(&plan.bin, &dir);
            }
            1 => {
                let c = &mut consumers[rng.below(3) as usize];
                c.kill();
                ck += 1;
                tokio::time::sleep(Duration::from_millis(100 + rng.below(400))).await;
                c.start(&plan.bin, &dir);
            }
            _ => {
                if redis.pause(1500) {
                    rp += 1;
                }
            }
        }
    }
    let _ = platform.await;

    // Drain: wait until every acked push was printed, or the time is up.
    let acked: HashSet<u64> = acked.lock().map(|s| s.clone()).unwrap_or_default();
    let deadline = started + plan.limit;
    loop {
        let seen = read_handled(&out);
        if acked.iter().all(|id| seen.contains_key(id)) || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Let consumers print what they were handling, then stop them.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for p in consumers.iter_mut() {
        p.kill();
    }
    let phase1 = started.elapsed();
    let price = if plan.price_orders > 0 && plan.price_changes > 0 {
        let urls: Vec<String> = receivers
            .iter()
            .map(|r| format!("http://127.0.0.1:{}/xportcn/push", r.port.unwrap_or(0)))
            .collect();
        Some(
            price_phase(
                &plan,
                urls,
                &redis.url(),
                &dir.join("inbox.sqlite3"),
                started + plan.limit,
            )
            .await,
        )
    } else {
        None
    };
    stop.store(true, Ordering::SeqCst);
    attacker.abort();
    for p in receivers.iter_mut() {
        p.kill();
    }
    let lines = read_lines(&out);
    let seen = read_handled(&out);
    let mut report = Report {
        pushes: plan.pushes,
        acked: acked.len(),
        handled: seen.len(),
        lost: acked.iter().filter(|id| !seen.contains_key(id)).count(),
        receiver_kills: rk,
        consumer_kills: ck,
        redis_pauses: rp,
        given_up: given_up.load(Ordering::SeqCst),
        ..Report::default()
    };
    let mut by_id: HashMap<u64, Vec<u64>> = HashMap::new();
    for (id, attempt) in lines {
        by_id.entry(id).or_default().push(attempt);
    }
    for attempts in by_id.values() {
        if attempts.len() > 1 {
            report.duplicates += attempts.len() - 1;
            let first = attempts.iter().filter(|a| **a == 1).count();
            report.duplicates_stored_twice += first.saturating_sub(1);
            report.duplicates_redelivered += attempts.len() - 1 - first.saturating_sub(1);
        }
    }
    report.notes.push(format!(
        "duplicates: {} handed out again after their consumer was killed between printing and ack \
         (attempt > 1), {} stored twice",
        report.duplicates_redelivered, report.duplicates_stored_twice
    ));
    if let Some(p) = price {
        report.price_events = p.events;
        report.price_acked = p.acked;
        report.price_lost = p.lost;
        report.price_duplicates = p.duplicates;
        report.price_slow = p.slow;
        report.lost += p.lost;
        report.notes.push(format!(
            "price phase: {} events ({} orders, price back and forth, no envelope id), {} answered 200, \
             {} handled ({} slower than the {:?} lease), {} lost, {} handled twice, {} acks refused; {:.1} s",
            p.events,
            plan.price_orders,
            p.acked,
            p.handled,
            p.slow,
            plan.price_lease,
            p.lost,
            p.duplicates,
            p.ack_errors,
            p.elapsed.as_secs_f64()
        ));
    }
    report.notes.push(format!(
        "never answered 200 (the platform gave up after 5 retries): {}; elapsed {:.1} s (kills phase {:.1} s)",
        report.given_up,
        started.elapsed().as_secs_f64(),
        phase1.as_secs_f64()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    Some(report)
}

/// What the price phase saw.
struct PricePhase {
    events: usize,
    acked: usize,
    handled: usize,
    lost: usize,
    duplicates: usize,
    slow: usize,
    ack_errors: usize,
    elapsed: Duration,
}

/// The price phase: the platform pushes each order's price changes in
/// order (a retry keeps the push and counts `retryCount` up), and four
/// in-process consumers (two on the Redis inbox, two on the SQLite one)
/// handle them, a quarter slower than their lease. Nothing is killed:
/// every event answered 200 must be handled exactly once.
async fn price_phase(
    plan: &Plan,
    urls: Vec<String>,
    redis_url: &str,
    sqlite: &Path,
    deadline: Instant,
) -> PricePhase {
    use xportcn::callbacks::{Consumer, Inbox, Message, RedisInbox, SqliteInbox};

    let started = Instant::now();
    let run_id = Rng::new().below(1 << 20);
    // (order, change) -> handlings; the events answered 200.
    let handled: Arc<Mutex<HashMap<(u64, u64), usize>>> = Arc::default();
    let acked: Arc<Mutex<HashSet<(u64, u64)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let slow = Arc::new(AtomicUsize::new(0));
    let ack_errors = Arc::new(AtomicUsize::new(0));
    let base_ts: u64 = 1_779_263_269_913;
    let lease = plan.price_lease;

    let redis: Arc<dyn Inbox> =
        Arc::new(RedisInbox::open(redis_url).expect("redis url").lease(lease));
    let sqlite: Arc<dyn Inbox> = Arc::new(SqliteInbox::open(sqlite).expect("sqlite").lease(lease));
    let mut consumers = Vec::new();
    for (n, inbox) in [&redis, &redis, &sqlite, &sqlite].into_iter().enumerate() {
        let (inbox, handled, stop, slow, ack_errors) = (
            inbox.clone(),
            handled.clone(),
            stop.clone(),
            slow.clone(),
            ack_errors.clone(),
        );
        consumers.push(tokio::spawn(async move {
            let mut rng = Rng::new();
            let mut consumer = Consumer::new(inbox).name(format!("price-{n}"));
            // Bounded by `stop` (set at the deadline at the latest).
            while !stop.load(Ordering::SeqCst) {
                let d = match consumer.try_next(Duration::from_millis(200)).await {
                    Ok(Some(d)) => d,
                    Ok(None) => continue,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let event = match &d.message {
                    Message::TaobaoPriceModify { body, .. } => body
                        .sales_order_id
                        .as_ref()
                        .and_then(|id| id.to_string().parse::<u64>().ok())
                        .zip(
                            d.message
                                .pushed_at()
                                .and_then(|t| t.epoch_millis())
                                .and_then(|ms| u64::try_from(ms).ok()),
                        ),
                    _ => None, // a leftover of the kills phase
                };
                if let Some((order, ts)) = event {
                    let change = ts.saturating_sub(base_ts) / 600_000;
                    if let Ok(mut h) = handled.lock() {
                        *h.entry((order, change)).or_insert(0) += 1;
                    }
                    // A quarter of the handlers are slower than the lease.
                    let took = if rng.below(4) == 0 {
                        slow.fetch_add(1, Ordering::SeqCst);
                        lease + lease / 2
                    } else {
                        Duration::from_millis(20 + rng.below(150))
                    };
                    tokio::time::sleep(took).await;
                }
                if d.ack().await.is_err() {
                    ack_errors.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }

    // The platform: each order's changes in order, orders concurrently.
    let creds = Credentials::new(KEY, SECRET, USER);
    let http = xportcn::reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(1000))
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..plan.concurrency.max(1) {
        let (http, urls, creds, next, acked) = (
            http.clone(),
            urls.clone(),
            creds.clone(),
            next.clone(),
            acked.clone(),
        );
        let (orders, changes, interval) =
            (plan.price_orders, plan.price_changes, plan.retry_interval);
        senders.push(tokio::spawn(async move {
            loop {
                let o = next.fetch_add(1, Ordering::SeqCst);
                if o >= orders {
                    break;
                }
                let order = run_id * 1_000_000 + o as u64;
                for change in 0..changes as u64 {
                    let fee = if change % 2 == 0 { 100 } else { 120 };
                    let ts = base_ts + change * 600_000;
                    // Two thirds to the Redis pair, one third to SQLite.
                    let group: &[usize] = if o % 3 == 2 { &[2] } else { &[0, 1] };
                    for attempt in 0..6usize {
                        let body = format!(
                            r#"{{"messageType":"ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY","messagePlatform":0,"timestamp":"{ts}","retryCount":{attempt},"messageBody":{{"salesOrderId":"{order}","purchaseOrderPriceDTO":{{"purchaseTotalFee":{fee},"purchaseProductFee":{fee},"purchaseShippingFee":0}}}}}}"#
                        );
                        let url = &urls[group[(o + attempt) % group.len()]];
                        let sent = http
                            .post(url)
                            .headers(sign_push(&creds, body.as_bytes()))
                            .body(body)
                            .send()
                            .await;
                        if sent.is_ok_and(|r| r.status().as_u16() == 200) {
                            if let Ok(mut a) = acked.lock() {
                                a.insert((order, change));
                            }
                            break;
                        }
                        tokio::time::sleep(interval).await;
                    }
                }
            }
        }));
    }
    for s in senders {
        let _ = s.await;
    }
    // Until every event answered 200 was handled and the slow handlers had
    // time to ack, or the deadline.
    let acked: HashSet<(u64, u64)> = acked.lock().map(|a| a.clone()).unwrap_or_default();
    loop {
        let done = handled
            .lock()
            .map(|h| acked.iter().all(|e| h.contains_key(e)))
            .unwrap_or(false);
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Any duplicate would come once a lease ran out: wait two leases more.
    tokio::time::sleep((lease * 2).min(deadline.saturating_duration_since(Instant::now()))).await;
    stop.store(true, Ordering::SeqCst);
    for c in consumers {
        let _ = c.await;
    }
    let handled = handled.lock().map(|h| h.clone()).unwrap_or_default();
    PricePhase {
        events: plan.price_orders * plan.price_changes,
        acked: acked.len(),
        handled: handled.len(),
        lost: acked.iter().filter(|e| !handled.contains_key(e)).count(),
        duplicates: handled.values().map(|n| n.saturating_sub(1)).sum(),
        slow: slow.load(Ordering::SeqCst),
        ack_errors: ack_errors.load(Ordering::SeqCst),
        elapsed: started.elapsed(),
    }
}

/// The simulated platform: each push until 200 within 1000 ms, at most
/// 1 + 5 attempts, `retry_interval` apart; fresh headers every attempt,
/// as a new push of the same message.
async fn platform(
    plan: Plan,
    urls: Vec<String>,
    acked: Arc<Mutex<HashSet<u64>>>,
    given_up: Arc<AtomicUsize>,
    sent_all: Arc<AtomicBool>,
) {
    let creds = Credentials::new(KEY, SECRET, USER);
    let http = xportcn::reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(1000))
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let run_id = Rng::new().below(1 << 20);
    let mut tasks = Vec::new();
    for _ in 0..plan.concurrency.max(1) {
        let (http, urls, creds, next) = (http.clone(), urls.clone(), creds.clone(), next.clone());
        let (acked, given_up, interval, pushes) = (
            acked.clone(),
            given_up.clone(),
            plan.retry_interval,
            plan.pushes,
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= pushes {
                    break;
                }
                let id = run_id * 1_000_000 + i as u64;
                let body = format!(
                    r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{id},"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderStatus\":\"WAITING_FOR_SENT\"}}"}}"#,
                    3305075341149134260u64 + i as u64
                );
                // Two thirds to the Redis pair (alternating), one third to SQLite.
                let group: &[usize] = if i % 3 == 2 { &[2] } else { &[0, 1] };
                let mut ok = false;
                for attempt in 0..6 {
                    let url = &urls[group[(i + attempt) % group.len()]];
                    let sent = http
                        .post(url)
                        .headers(sign_push(&creds, body.as_bytes()))
                        .body(body.clone())
                        .send()
                        .await;
                    if sent.is_ok_and(|r| r.status().as_u16() == 200) {
                        ok = true;
                        break;
                    }
                    tokio::time::sleep(interval).await;
                }
                if ok {
                    if let Ok(mut a) = acked.lock() {
                        a.insert(id);
                    }
                } else {
                    given_up.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    sent_all.store(true, Ordering::SeqCst);
}

/// Connections that pipeline unauthenticated requests and never read.
async fn attack(ports: Vec<u16>, stop: Arc<AtomicBool>) {
    let one = b"POST /xportcn/push HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}";
    let burst: Arc<Vec<u8>> = Arc::new(one.repeat(64 * 1024 / one.len()));
    let mut tasks = Vec::new();
    for port in ports {
        for _ in 0..4 {
            let (stop, burst) = (stop.clone(), burst.clone());
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                        let _ =
                            tokio::time::timeout(Duration::from_secs(5), s.write_all(&burst)).await;
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    } else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }));
        }
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Every (push id, attempt) line the consumers printed.
fn read_lines(dir: &Path) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        for line in BufReader::new(file).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue; // a line cut by SIGKILL
            };
            let id = v["dedupKey"]
                .as_str()
                .and_then(|k| k.strip_prefix("id:"))
                .and_then(|k| k.parse::<u64>().ok());
            if let Some(id) = id {
                out.push((id, v["attempt"].as_u64().unwrap_or(0)));
            }
        }
    }
    out
}

/// Each handled push id and how often it was printed.
fn read_handled(dir: &Path) -> HashMap<u64, usize> {
    let mut seen = HashMap::new();
    for (id, _) in read_lines(dir) {
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}
