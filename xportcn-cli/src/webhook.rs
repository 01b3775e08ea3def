//! `xportcn webhook`: verify a saved push, or receive pushes.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{
    Ali1688PriceModify, Consumer, EntryState, Inbox, InboxOps, MemoryInbox, Message, RedisInbox,
    RedisReplayStore, SqliteInbox, Verifier,
};

use crate::{Failure, Global, config, write_line};

/// `xportcn webhook ...`.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Says whether a saved push verifies; prints its message type if so.
    Verify(VerifyArgs),
    /// Receives pushes: each verified push is stored in the inbox before it
    /// is answered 200, then printed as one JSON line and acked.
    Listen(ListenArgs),
    /// Prints the pushes waiting in an inbox, one JSON line each, and acks
    /// each once printed (for receivers started with `listen --no-consume`).
    Consume(ConsumeArgs),
    /// Operates an inbox: stats, list, replay, dead letters.
    #[command(subcommand)]
    Inbox(InboxCommand),
}

/// Where pushes are stored: `sqlite:PATH`, `redis://...` (or `rediss://`),
/// or `memory`.
#[derive(Debug, Args)]
pub struct InboxArgs {
    /// The inbox: `sqlite:PATH` (the default, `sqlite:xportcn-inbox.sqlite3`
    /// in the working directory: durable on one machine), `redis://HOST:PORT/DB`
    /// (several machines; `rediss://` for TLS), or `memory` (for tests: loses
    /// acknowledged pushes when the process stops).
    #[arg(long, value_name = "sqlite:PATH|redis://...|memory", default_value = DEFAULT_INBOX,
          env = "XPORTCN_INBOX", hide_env_values = true)]
    inbox: String,
    /// How long a delivery stays with a consumer unacked before it is
    /// delivered again (to this or another consumer), in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 60_000)]
    lease_ms: u64,
    /// How many times a push is handed out without an ack before it becomes
    /// a dead letter (0: never; 25 is also the inboxes' own default).
    #[arg(long, value_name = "N", default_value_t = 25)]
    max_attempts: u32,
    /// How long acked pushes are kept for `inbox replay`, in hours
    /// (SQLite, Redis).
    #[arg(long, value_name = "HOURS", default_value_t = 7 * 24)]
    retention_hours: u64,
}

/// The inbox without `--inbox`.
const DEFAULT_INBOX: &str = "sqlite:xportcn-inbox.sqlite3";

/// An opened inbox and, for Redis, the replay store shared with it.
struct Opened {
    inbox: Arc<dyn Inbox>,
    ops: Arc<dyn InboxOps>,
    replay: Option<Arc<RedisReplayStore>>,
    what: String,
}

impl InboxArgs {
    fn open(&self) -> Result<Opened, Failure> {
        let spec = self.inbox.trim();
        let lease = Duration::from_millis(self.lease_ms.max(1));
        let retention = Duration::from_secs(self.retention_hours.saturating_mul(3600));
        let store_failure = |e: xportcn::callbacks::StoreError| -> Failure {
            config(format!("--inbox: {e}")).into()
        };
        if let Some(path) = spec.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(config("--inbox sqlite:PATH needs a path").into());
            }
            let inbox = SqliteInbox::open(path)
                .map_err(store_failure)?
                .lease(lease)
                .max_attempts(self.max_attempts)
                .retention(retention);
            let inbox = Arc::new(inbox);
            return Ok(Opened {
                inbox: inbox.clone(),
                ops: inbox,
                replay: None,
                what: format!("sqlite:{path}"),
            });
        }
        if spec.starts_with("redis://") || spec.starts_with("rediss://") {
            let inbox = RedisInbox::open(spec)
                .map_err(store_failure)?
                .lease(lease)
                .max_attempts(self.max_attempts)
                .retention(retention);
            let inbox = Arc::new(inbox);
            let replay = RedisReplayStore::open(spec).map_err(store_failure)?;
            return Ok(Opened {
                inbox: inbox.clone(),
                ops: inbox,
                replay: Some(Arc::new(replay)),
                // The URL may hold a password: never printed.
                what: "redis".to_owned(),
            });
        }
        if spec == "memory" {
            let inbox = Arc::new(
                MemoryInbox::new()
                    .lease(lease)
                    .max_attempts(self.max_attempts),
            );
            return Ok(Opened {
                inbox: inbox.clone(),
                ops: inbox,
                replay: None,
                what: "memory (acknowledged pushes are lost if this process stops)".to_owned(),
            });
        }
        Err(config("--inbox takes sqlite:PATH, redis://..., rediss://... or memory").into())
    }
}

/// `xportcn webhook consume`.
#[derive(Debug, Args)]
pub struct ConsumeArgs {
    #[command(flatten)]
    inbox: InboxArgs,
    /// This consumer's name (Redis: its name in the consumer group).
    #[arg(long)]
    name: Option<String>,
    /// Exits (status 0) once the inbox is empty: no push pending, none
    /// leased. For scripts and CI: print what is stored, then stop.
    #[arg(long)]
    drain: bool,
    /// With `--drain`: how long to wait for pushes leased to another
    /// consumer (or to one that died, until its lease runs out) before giving
    /// up with a non-zero status: `30s`, `2m`, ...
    #[arg(long, value_name = "DURATION", default_value = "2m", requires = "drain",
          value_parser = crate::duration::parse_duration)]
    drain_timeout: Duration,
}

/// `xportcn webhook verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The raw push body: a file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    body: String,
    /// A push header, `name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// A file of push headers, one `name: value` a line (a `curl -D` dump
    /// works: its status line and blank lines are skipped).
    #[arg(long, value_name = "FILE")]
    headers_file: Option<String>,
    /// Skips the timestamp window check (for an old saved push).
    #[arg(long)]
    no_time_check: bool,
    /// Checks the timestamp against this clock reading (epoch milliseconds)
    /// instead of now.
    #[arg(long, value_name = "EPOCH_MS", conflicts_with = "no_time_check")]
    now: Option<u64>,
}

/// The one line `webhook listen` prints to stderr when `--bind` is not a
/// loopback address (said before anything else, so it is never missed).
fn exposure_warning(bind: IpAddr) -> Option<String> {
    (!bind.is_loopback()).then(|| {
        format!(
            "warning: --bind {bind} is not a loopback address: the receiver is reachable from \
             outside this machine; pushes are still verified (signature, timestamp, nonce) \
             before anything is stored"
        )
    })
}

/// `xportcn webhook listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0: any free port).
    #[arg(long)]
    port: u16,
    /// Path pushes arrive at.
    #[arg(long, default_value = "/xportcn/push")]
    path: String,
    /// Address to bind (default 127.0.0.1: this machine only). Another
    /// address makes the receiver reachable from outside: a warning says so.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    #[command(flatten)]
    inbox: InboxArgs,
    /// Only receive and store: consume with `xportcn webhook consume` (or
    /// your own `Consumer`), in this process or another.
    #[arg(long)]
    no_consume: bool,
}

/// Runs a webhook subcommand.
pub async fn run(global: &Global, cmd: WebhookCommand) -> Result<(), Failure> {
    match cmd {
        WebhookCommand::Verify(args) => verify(global, &args),
        WebhookCommand::Listen(args) => listen(global, &args).await,
        WebhookCommand::Inbox(cmd) => inbox_command(cmd).await,
        WebhookCommand::Consume(args) => {
            let opened = args.inbox.open()?;
            let mut consumer = Consumer::new(opened.inbox);
            if let Some(name) = &args.name {
                consumer = consumer.name(name.clone());
            }
            if args.drain {
                return tokio::select! {
                    drained = drain(consumer, opened.ops, args.drain_timeout) => drained,
                    _ = tokio::signal::ctrl_c() => Ok(()),
                };
            }
            tokio::select! {
                consumed = consume(consumer) => consumed,
                _ = tokio::signal::ctrl_c() => Ok(()),
            }
        }
    }
}

fn verify(global: &Global, args: &VerifyArgs) -> Result<(), Failure> {
    let mut verifier = Verifier::new(global.credentials()?);
    if args.no_time_check {
        verifier = verifier.timestamp_window(Duration::MAX);
    }
    let mut headers = HeaderMap::new();
    if let Some(file) = &args.headers_file {
        let text = std::fs::read_to_string(file)
            .map_err(Failure::io(format!("cannot read --headers-file {file}")))?;
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with("HTTP/") {
                add_header(&mut headers, line)?;
            }
        }
    }
    for h in &args.headers {
        add_header(&mut headers, h)?;
    }
    let body = if args.body == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(Failure::io("cannot read the body from stdin"))?;
        buf
    } else {
        std::fs::read(&args.body)
            .map_err(Failure::io(format!("cannot read --body {}", args.body)))?
    };
    let now = match args.now {
        Some(ms) => UNIX_EPOCH + Duration::from_millis(ms),
        None => SystemTime::now(),
    };
    let message = verifier.verify_at(&headers, &body, now)?;
    write_line(message.message_type())
}

/// Adds a `name: value` header.
fn add_header(headers: &mut HeaderMap, line: &str) -> Result<(), Failure> {
    let bad = || config(format!("a header is `name: value`, not {line:?}"));
    let (name, value) = line.split_once(':').ok_or_else(bad)?;
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?;
    let value = HeaderValue::from_str(value.trim()).map_err(|_| bad())?;
    headers.append(name, value);
    Ok(())
}

async fn listen(global: &Global, args: &ListenArgs) -> Result<(), Failure> {
    if !args.path.starts_with('/') {
        return Err(config(format!("--path {:?} must start with '/'", args.path)).into());
    }
    if let Some(line) = exposure_warning(args.bind) {
        eprintln!("{line}");
    }
    let mut verifier = Verifier::new(global.credentials()?);
    let opened = args.inbox.open()?;
    if let Some(replay) = opened.replay.clone() {
        verifier = verifier.replay_store(replay);
    }
    let router = Receiver::new(verifier, opened.inbox.clone()).router();
    let app = if args.path == "/" {
        router
    } else {
        axum::Router::new().nest(&args.path, router)
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(Failure::io(format!("cannot listen on {addr}")))?;
    let local = listener
        .local_addr()
        .map_err(Failure::io("cannot read the listening address"))?;
    // One write: a reader that stops after the first line must not make a
    // second write fail.
    note(&format!(
        "listening on http://{local}{}\ninbox: {}",
        args.path, opened.what
    ));
    let printer = async {
        if args.no_consume {
            std::future::pending::<()>().await;
        }
        consume(Consumer::new(opened.inbox)).await
    };
    tokio::select! {
        served = serve(listener, app, ServeConfig::default()) => {
            served.map_err(Failure::io("the receiver stopped"))
        }
        printed = printer => printed,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// A line on stderr; a closed stderr is not a reason to stop receiving
/// (`eprintln!` would panic).
fn note(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The consume pipeline: next → handle (print one JSON line) → ack.
async fn consume(mut consumer: Consumer) -> Result<(), Failure> {
    loop {
        let delivery = match consumer.next().await {
            Ok(delivery) => delivery,
            Err(e) => {
                note(&format!("inbox: {e}; retrying"));
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let mut line = message_json(&delivery.message);
        line["dedupKey"] = Value::String(delivery.dedup_key.clone());
        line["attempt"] = Value::from(delivery.attempt);
        write_line(&line.to_string())?;
        if let Err(e) = delivery.ack().await {
            // Delivered again later: a duplicate line, never a lost one.
            note(&format!(
                "inbox: ack failed ({e}); the push will be printed again"
            ));
        }
    }
}

/// How long a drain waits for one fetch, and between looks at a backend
/// that failed or at pushes leased elsewhere.
const DRAIN_POLL: Duration = Duration::from_millis(200);

/// `consume --drain`: the consume pipeline until the inbox is empty (no
/// pending push, leased ones included), then `Ok`. Bounded by `timeout`:
/// pushes still leased elsewhere (or an inbox that keeps failing) after it
/// end the drain with an error that says how many are left.
async fn drain(
    mut consumer: Consumer,
    ops: Arc<dyn InboxOps>,
    timeout: Duration,
) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut printed: u64 = 0;
    let mut left = None;
    while tokio::time::Instant::now() < deadline {
        match consumer.try_next(DRAIN_POLL).await {
            Ok(Some(delivery)) => {
                let mut line = message_json(&delivery.message);
                line["dedupKey"] = Value::String(delivery.dedup_key.clone());
                line["attempt"] = Value::from(delivery.attempt);
                write_line(&line.to_string())?;
                printed += 1;
                if let Err(e) = delivery.ack().await {
                    note(&format!(
                        "inbox: ack failed ({e}); the push will be printed again"
                    ));
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => note(&format!("inbox: {e}; retrying")),
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(remaining, ops.stats()).await {
            Ok(Ok(stats)) if stats.pending == 0 => {
                note(&format!("inbox empty: {printed} push(es) printed"));
                return Ok(());
            }
            Ok(Ok(stats)) => left = Some(stats.pending),
            Ok(Err(e)) => note(&format!("inbox: {e}; retrying")),
            Err(_) => break,
        }
        tokio::time::sleep(DRAIN_POLL.min(remaining)).await;
    }
    Err(Failure::Refused(match left {
        Some(n) => format!(
            "--drain: {n} push(es) still pending after {timeout:?} (leased to another \
             consumer, or to one that stopped: they come back when the lease runs out, \
             --lease-ms); {printed} printed"
        ),
        None => format!("--drain: the inbox did not answer within {timeout:?}; {printed} printed"),
    }))
}

/// A verified message as one JSON object: its envelope and typed body.
fn message_json(m: &Message) -> Value {
    let body = match m {
        Message::TaobaoPriceModify { body, .. } => serde_json::to_value(body),
        Message::TaobaoOrderStatus { body, .. } | Message::Ali1688OrderStatus { body, .. } => {
            serde_json::to_value(body)
        }
        Message::TaobaoRefund { body, .. } => serde_json::to_value(body),
        Message::Ali1688PriceModify { body, .. } => match body {
            Ali1688PriceModify::Order(o) => serde_json::to_value(o),
            Ali1688PriceModify::Summary(s) => serde_json::to_value(s),
            _ => Ok(Value::Null),
        },
        Message::Ali1688Refund { body, .. } => serde_json::to_value(body),
        Message::ParcelInbound { body, .. } => serde_json::to_value(body),
        Message::Unknown { raw, .. } => Ok(raw.clone()),
        _ => Ok(Value::Null),
    };
    json!({
        "messageType": m.message_type(),
        "platform": m.platform().code(),
        "id": m.id().map(ToString::to_string),
        "retryCount": m.retry_count(),
        "pushedAt": m.pushed_at().map(ToString::to_string),
        "body": body.unwrap_or(Value::Null),
    })
}

// ---- `xportcn webhook inbox ...`: operating an inbox ----

/// `xportcn webhook inbox ...`.
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Prints pending, leased and dead counts, acked pushes kept, and the
    /// oldest pending push's age, as one JSON line.
    Stats(InboxOnly),
    /// Prints the entries in one state, oldest first, one JSON line each
    /// (no bodies: they may hold personal data).
    List(ListArgs),
    /// Delivers again the acked pushes received since a time.
    Replay(ReplayArgs),
    /// Lists dead letters, or puts them back with `--replay`.
    Dead(DeadArgs),
}

/// An inbox, nothing else.
#[derive(Debug, Args)]
pub struct InboxOnly {
    #[command(flatten)]
    inbox: InboxArgs,
}

/// `xportcn webhook inbox list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    inbox: InboxArgs,
    /// Which entries: ready, leased, dead or acked.
    #[arg(long, default_value = "ready")]
    state: EntryState,
    /// Most entries printed.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

/// `xportcn webhook inbox replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    inbox: InboxArgs,
    /// Replay pushes received since this time: epoch milliseconds, or an age
    /// such as `90s`, `30m`, `6h`, `7d`.
    #[arg(long, value_name = "EPOCH_MS|AGE")]
    since: String,
}

/// `xportcn webhook inbox dead`.
#[derive(Debug, Args)]
pub struct DeadArgs {
    #[command(flatten)]
    inbox: InboxArgs,
    /// Put dead letters back to be delivered again (all, or the one of
    /// `--id`).
    #[arg(long)]
    replay: bool,
    /// The dead letter to put back (its id from the list).
    #[arg(long, requires = "replay")]
    id: Option<String>,
    /// Most dead letters listed.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

/// `EPOCH_MS` or an age (`90s`, `30m`, `6h`, `7d`) before `now`.
fn parse_since(text: &str, now: SystemTime) -> Result<SystemTime, Failure> {
    let text = text.trim();
    let bad = || -> Failure {
        config("--since takes epoch milliseconds or an age such as 90s, 30m, 6h, 7d").into()
    };
    if let Ok(ms) = text.parse::<u64>() {
        return Ok(UNIX_EPOCH + Duration::from_millis(ms));
    }
    let split = text.len().checked_sub(1).ok_or_else(bad)?;
    let (n, unit) = text.split_at(
        text.is_char_boundary(split)
            .then_some(split)
            .ok_or_else(bad)?,
    );
    let n: u64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(bad()),
    };
    Ok(now
        .checked_sub(Duration::from_secs(secs))
        .unwrap_or(UNIX_EPOCH))
}

fn entry_json(e: &xportcn::callbacks::InboxEntry) -> Value {
    json!({
        "id": e.id,
        "state": e.state.as_str(),
        "dedup_key": e.dedup_key,
        "attempts": e.attempts,
        "received_ms": e.received_ms,
        "body_len": e.body_len,
    })
}

async fn inbox_command(cmd: InboxCommand) -> Result<(), Failure> {
    let store =
        |e: xportcn::callbacks::StoreError| -> Failure { config(format!("inbox: {e}")).into() };
    match cmd {
        InboxCommand::Stats(args) => {
            let opened = args.inbox.open()?;
            let s = opened.ops.stats().await.map_err(store)?;
            let now = SystemTime::now();
            write_line(
                &json!({
                    "pending": s.pending,
                    "leased": s.leased,
                    "dead": s.dead,
                    "acked_kept": s.acked_kept,
                    "oldest_pending_age_s": s.oldest_pending.map(|_| s.oldest_pending_age(now).as_secs_f64()),
                })
                .to_string(),
            )
        }
        InboxCommand::List(args) => {
            let opened = args.inbox.open()?;
            for e in opened
                .ops
                .list(args.state, args.limit)
                .await
                .map_err(store)?
            {
                write_line(&entry_json(&e).to_string())?;
            }
            Ok(())
        }
        InboxCommand::Replay(args) => {
            let since = parse_since(&args.since, SystemTime::now())?;
            let opened = args.inbox.open()?;
            let n = opened.ops.replay_since(since).await.map_err(store)?;
            write_line(&json!({ "replayed": n }).to_string())
        }
        InboxCommand::Dead(args) => {
            let opened = args.inbox.open()?;
            if args.replay {
                let n = opened
                    .ops
                    .replay_dead(args.id.as_deref())
                    .await
                    .map_err(store)?;
                return write_line(&json!({ "replayed": n }).to_string());
            }
            for e in opened
                .ops
                .list(EntryState::Dead, args.limit)
                .await
                .map_err(store)?
            {
                write_line(&entry_json(&e).to_string())?;
            }
            Ok(())
        }
    }
}
