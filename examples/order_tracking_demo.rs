//! Order tracking end to end, on loopback, against the embedded sandbox,
//! with pushes dropped and reordered on purpose.
//!
//! ```text
//! cargo run --release --example order_tracking_demo --features axum -- --orders 240
//! ```
//!
//! 1. The sandbox pushes each order's status messages to the SDK's axum
//!    receiver, which stores them in a SQLite inbox; a [`Tracker`] folds
//!    them into one state per order, kept in the same SQLite file.
//! 2. A push-fault rule drops some pushes for good (as when the platform
//!    gives up after its retries) and holds some `ORDER_CREATE` pushes back
//!    while the order is paid or cancelled at once, so the later push
//!    overtakes them (a reorder).
//! 3. Orders are created, then most are paid or cancelled, on both
//!    platforms.
//! 4. A [`Resyncer`] polls every order not final and unchanged for a while
//!    (1688: the typed order detail; Taobao: the order detail at the
//!    sandbox's stand-in path, an opt-in (`SandboxBuilder::stand_ins`),
//!    read at `/status`: the sandbox's own shape, since TB-O14's is not
//!    documented).
//! 5. Every tracked state is compared with what the sandbox holds.
//!
//! The last line is
//! `orders=N converged=M regressions=R resynced=S dropped_pushes=D reordered_pushes=O`:
//! - `converged`: orders whose tracked status is at the same place in the
//!   flow as the sandbox's;
//! - `regressions`: applied changes that moved an order backwards (read
//!   from every order's history);
//! - `resynced`: polls that moved an order's state;
//! - `dropped_pushes`: pushes the sandbox dropped;
//! - `reordered_pushes`: pushes the tracker received after a later push of
//!   the same order (by message id).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use xportcn::Client;
use xportcn::ali1688::{AddressParam, CargoParam, OfferRef};
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Consumer, Inbox, SqliteInbox, Verifier};
use xportcn::taobao::{OrderLine, PurchaseReceiver as TbReceiver};
use xportcn::tracking::{
    Cause, ClientPoller, OrderKey, Outcome, Platform, Poller, Relation, ResyncConfig, Resyncer,
    SqliteTrackerStore, TaobaoDetail, Tracker,
};
use xportcn::types::{Fen, Id};
use xportcn_sandbox::{PushFault, Sandbox};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What to run.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Orders to create (half Taobao, half 1688).
    pub orders: usize,
    /// Drop every push whose id is 3 modulo this (0: never).
    pub drop_modulo: u64,
    /// Hold back every `ORDER_CREATE` push whose id is 0 modulo this (0: never).
    pub reorder_modulo: u64,
    /// How long a held-back push waits.
    pub hold: Duration,
    /// Orders created at once.
    pub concurrency: usize,
    /// The longest the whole run may take.
    pub deadline: Duration,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            orders: 240,
            drop_modulo: 7,
            reorder_modulo: 4,
            hold: Duration::from_millis(400),
            concurrency: 16,
            deadline: Duration::from_secs(120),
        }
    }
}

/// The measured figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Orders created.
    pub orders: usize,
    /// Orders whose tracked status matches the sandbox's.
    pub converged: usize,
    /// Applied changes that moved an order backwards.
    pub regressions: usize,
    /// Polls that moved an order's state.
    pub resynced: usize,
    /// Pushes the sandbox dropped.
    pub dropped_pushes: usize,
    /// Pushes received after a later push of the same order.
    pub reordered_pushes: usize,
    /// Orders whose last push was dropped.
    pub lost_last_push: usize,
    /// Pushes the tracker kept as stale.
    pub stale: usize,
}

impl Summary {
    /// The demo's last line.
    pub fn line(&self) -> String {
        format!(
            "orders={} converged={} regressions={} resynced={} dropped_pushes={} reordered_pushes={}",
            self.orders,
            self.converged,
            self.regressions,
            self.resynced,
            self.dropped_pushes,
            self.reordered_pushes
        )
    }
}

/// What the demo does with an order after creating it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Pay it.
    Pay,
    /// Cancel it.
    Cancel,
    /// Leave it unpaid.
    Nothing,
}

fn then_for(i: usize) -> Then {
    match i % 5 {
        0..=2 => Then::Pay,
        3 => Then::Cancel,
        _ => Then::Nothing,
    }
}

fn by_id(order_id: &str) -> serde_json::Map<String, Value> {
    [("orderId".to_owned(), json!(order_id))]
        .into_iter()
        .collect()
}

fn taobao_receiver() -> TbReceiver {
    TbReceiver::builder()
        .zip("311121")
        .country("中国")
        .address("智溢路西部科技园")
        .city("杭州市")
        .phone("15068763421")
        .mobile_phone("15068763421")
        .district("余杭区")
        .name("simon")
        .state("浙江省")
        .build()
}

fn address() -> AddressParam {
    AddressParam::builder()
        .full_name("张三")
        .mobile("18600888861")
        .phone("18600888861")
        .post_code("100000")
        .city_text("杭州市")
        .province_text("浙江省")
        .area_text("西湖区")
        .address("转塘 xxxxxxx")
        .build()
}

fn id_at(v: &Value, pointer: &str) -> Result<String, BoxError> {
    let id: Id = serde_json::from_value(
        v.pointer(pointer)
            .cloned()
            .ok_or_else(|| format!("no {pointer} in {v}"))?,
    )?;
    Ok(id.into_string())
}

/// Creates one Taobao order, then pays, cancels or leaves it.
pub async fn taobao_order(c: &Client, tracker: &Tracker, then: Then) -> Result<OrderKey, BoxError> {
    let line = OrderLine::builder()
        .item_id("672991141190")
        .order_line_no("1")
        .quantity(1u32)
        .price(Fen(1))
        .currency("CNY")
        .sku_id("3452545926724")
        .build();
    let created = c
        .taobao()
        .purchase_order_create()
        .order_line_list(vec![line])
        .purchase_amount(Fen(100_000))
        .receiver(taobao_receiver())
        .await?;
    let order_id = id_at(&serde_json::from_str(created.get())?, "/orderId")?;
    let key = OrderKey::new(Platform::Taobao, order_id.clone());
    tracker.watch(key.clone()).await?;
    match then {
        Then::Pay => {
            c.taobao().order_pay().other(by_id(&order_id)).await?;
        }
        Then::Cancel => {
            c.taobao().order_cancel().other(by_id(&order_id)).await?;
        }
        Then::Nothing => {}
    }
    Ok(key)
}

/// Creates one 1688 order, then pays, cancels or leaves it.
async fn ali_order(
    c: &Client,
    tracker: &Tracker,
    line: &CargoParam,
    then: Then,
) -> Result<OrderKey, BoxError> {
    let created = c
        .ali1688()
        .order_create()
        .flow("general")
        .address_param(address())
        .cargo_param_list(vec![line.clone()])
        .await?;
    let order_id = id_at(&serde_json::from_str(created.get())?, "/0/baseInfo/idOfStr")?;
    let key = OrderKey::new(Platform::Ali1688, order_id.clone());
    tracker.watch(key.clone()).await?;
    match then {
        Then::Pay => {
            c.ali1688()
                .order_submit_to_pay_batch()
                .order_ids(vec![Id::new(order_id)])
                .await?;
        }
        Then::Cancel => {
            c.ali1688()
                .order_cancel()
                .web_site("1688")
                .order_id(order_id)
                .cancel_reason("buyerCancel")
                .await?;
        }
        Then::Nothing => {}
    }
    Ok(key)
}

/// A 1688 order line for the sandbox's one offer.
async fn ali_line(c: &Client) -> Result<CargoParam, BoxError> {
    let page = c.ali1688().keyword_search().keyword("女包").await?;
    let first = page.data.first().ok_or("no offer")?;
    let offer: Id = first.offer_id.clone().ok_or("no offerId")?;
    let detail = c.ali1688().product_detail(offer).await?;
    let sku = detail.product_sku_infos.first().ok_or("no SKU")?;
    Ok(CargoParam::builder()
        .offer(OfferRef::id(detail.offer_id.clone().ok_or("no offerId")?))
        .spec_id(sku.spec_id.clone().ok_or("no specId")?)
        .quantity(1)
        .build())
}

/// The SDK's axum receiver on a free loopback port, storing into `inbox`,
/// registered as the sandbox's callback URL.
pub async fn start_receiver(
    sandbox: &Sandbox,
    inbox: Arc<dyn Inbox>,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, BoxError> {
    let app = axum::Router::new().nest(
        "/xportcn/push",
        Receiver::new(Verifier::new(sandbox.credentials().clone()), inbox).router(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    sandbox.set_callback_url(format!("http://{}/xportcn/push", listener.local_addr()?))?;
    Ok(tokio::spawn(serve(listener, app, ServeConfig::default())))
}

/// Runs the demo in `dir` (the SQLite file goes there).
pub async fn run_demo(config: DemoConfig, dir: &std::path::Path) -> Result<Summary, BoxError> {
    let started = Instant::now();
    // Stand-ins on (opt-in): the Taobao pay, cancel and order detail have no
    // known path; the sandbox serves them at its stand-in paths, each answer
    // marked `x-xportcn-stand-in` and logged at WARN. Production refuses
    // them until their paths are set (`docs/going-live.md`).
    let sandbox = Sandbox::builder()
        .push_retry_interval(Duration::from_millis(20))
        .stand_ins(true)
        .start()
        .await?;

    // Receiver → SQLite inbox → tracker (state in the same file).
    let file = dir.join("order-tracking-demo.sqlite3");
    let inbox = Arc::new(SqliteInbox::open(&file)?);
    let store = Arc::new(SqliteTrackerStore::open(&file)?);
    let tracker = Tracker::new(store);
    let server = start_receiver(&sandbox, inbox.clone()).await?;
    let consumer = tokio::spawn({
        let tracker = tracker.clone();
        let inbox = inbox.clone();
        async move { tracker.run(Consumer::new(inbox).batch(64)).await }
    });

    // Faults: drop some pushes, hold some creates back.
    let (drop_m, reorder_m, hold) = (config.drop_modulo, config.reorder_modulo, config.hold);
    sandbox.set_push_faults(move |push| {
        if reorder_m > 0 && push.message_type == "ORDER_CREATE" && push.id % reorder_m == 0 {
            PushFault::Delay(hold)
        } else if drop_m > 0 && push.id % drop_m == 3 {
            PushFault::Drop
        } else {
            PushFault::Deliver
        }
    });

    // Orders: half Taobao, half 1688; pay, cancel or leave each.
    let client = sandbox.client();
    let line = ali_line(&client).await?;
    let made: Vec<Result<OrderKey, BoxError>> = futures_util::stream::iter(0..config.orders)
        .map(|i| {
            let (client, tracker, line) = (client.clone(), tracker.clone(), line.clone());
            async move {
                let then = then_for(i / 2);
                if i % 2 == 0 {
                    taobao_order(&client, &tracker, then).await
                } else {
                    ali_order(&client, &tracker, &line, then).await
                }
            }
        })
        .buffer_unordered(config.concurrency.max(1))
        .collect()
        .await;
    let keys: Vec<OrderKey> = made.into_iter().collect::<Result<_, _>>()?;
    eprintln!(
        "created {} orders in {:.1} s",
        keys.len(),
        started.elapsed().as_secs_f64()
    );

    // Wait until every push is delivered or dropped, and folded.
    let settle = config.deadline.saturating_sub(started.elapsed());
    sandbox
        .wait_for_pushes(settle, |records| {
            records
                .iter()
                .all(|r| r.delivered || r.fault == Some(PushFault::Drop))
        })
        .await;
    while inbox.pending().await? > 0 && started.elapsed() < config.deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Re-sync: poll every order not final and unchanged for a while.
    let stale_after = Duration::from_millis(500);
    let poller: Arc<dyn Poller> = Arc::new(
        ClientPoller::new(client.clone()).taobao_detail(TaobaoDetail::new("orderId", "/status")),
    );
    let mut resync = Resyncer::new(
        tracker.clone(),
        poller.clone(),
        ResyncConfig::default()
            .stale_after(stale_after)
            .budget(200.0, 20),
    );
    let mut resynced = 0;
    loop {
        tokio::time::sleep(stale_after).await;
        let report = resync.pass().await?;
        eprintln!(
            "re-sync pass: due={} polled={} changed={} failed={} not_pollable={}",
            report.due,
            report.polled,
            report.changed,
            report.failed,
            report.not_pollable.len()
        );
        resynced += report.changed;
        if (report.changed == 0 && report.failed == 0) || started.elapsed() > config.deadline {
            break;
        }
    }

    // Compare with what the sandbox holds, and read every history.
    let mut summary = Summary {
        orders: keys.len(),
        resynced,
        ..Summary::default()
    };
    for key in &keys {
        let truth = poller.poll(key).await?;
        let tracked = tracker.state(key).await?.and_then(|s| s.status);
        if tracked.is_some_and(|t| t.relation(&truth) == Relation::Same) {
            summary.converged += 1;
        } else {
            eprintln!("not converged: {key}: sandbox {truth}");
        }
        let mut last_applied = None;
        let mut max_id = 0u64;
        for entry in tracker.history(key).await? {
            if entry.outcome == Outcome::Applied {
                if let Some(prev) = &last_applied
                    && entry.status.relation(prev) == Relation::Before
                {
                    summary.regressions += 1;
                }
                last_applied = Some(entry.status.clone());
            }
            if entry.outcome == Outcome::Stale {
                summary.stale += 1;
            }
            if let Cause::Push {
                message_id: Some(id),
                ..
            } = &entry.cause
                && let Ok(id) = id.parse::<u64>()
            {
                if id < max_id {
                    summary.reordered_pushes += 1;
                }
                max_id = max_id.max(id);
            }
        }
    }
    let records = sandbox.pushes();
    summary.dropped_pushes = records
        .iter()
        .filter(|r| r.fault == Some(PushFault::Drop))
        .count();
    summary.lost_last_push = lost_last_pushes(&records);

    consumer.abort();
    server.abort();
    sandbox.shutdown().await;
    Ok(summary)
}

/// Orders whose last push (by message id) was dropped.
fn lost_last_pushes(records: &[xportcn_sandbox::PushRecord]) -> usize {
    let mut last: HashMap<String, (u64, bool)> = HashMap::new();
    for r in records {
        let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        let Some(order) = body.pointer("/messageBody/orderId").and_then(Value::as_str) else {
            continue;
        };
        let dropped = r.fault == Some(PushFault::Drop);
        let slot = last.entry(order.to_owned()).or_insert((r.id, dropped));
        if r.id >= slot.0 {
            *slot = (r.id, dropped);
        }
    }
    last.values().filter(|(_, dropped)| *dropped).count()
}

static RUNS: AtomicU64 = AtomicU64::new(0);

/// A fresh directory under the system's temporary directory.
pub fn scratch_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "xportcn-order-tracking-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut config = DemoConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--orders" => {
                config.orders = args
                    .next()
                    .ok_or("--orders needs a number")?
                    .parse()
                    .map_err(|e| format!("--orders: {e}"))?;
            }
            other => return Err(format!("unknown argument {other:?} (known: --orders N)").into()),
        }
    }
    let dir = scratch_dir();
    let summary = tokio::time::timeout(config.deadline + Duration::from_secs(30), {
        let dir = dir.clone();
        async move { run_demo(config, &dir).await }
    })
    .await
    .map_err(|_| "the demo ran out of time")??;
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "stale_pushes_kept={} orders_that_lost_their_last_push={}",
        summary.stale, summary.lost_last_push
    );
    println!("{}", summary.line());
    Ok(())
}
