//! Issue 24, parts 5 to 7: the SQLite group commit answers each push only
//! after its commit; operating the inbox (stats, list, replay, dead letters)
//! on every backend; the receiver's metrics.
//!
//! Redis cases start their own `redis-server` on 127.0.0.1 (skipped when it
//! is not installed, a failure with `XPORTCN_REQUIRE_REDIS=1`).
#![cfg(all(feature = "sqlite", feature = "axum"))]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use xportcn::Credentials;
use xportcn::callbacks::inbox::{Appended, Push};
use xportcn::callbacks::{
    DEFAULT_STORE_BUDGET, EntryState, Inbox, InboxOps, MemoryInbox, SqliteInbox, Verifier, receive,
    sign_push,
};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "xportcn-{name}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn body(i: usize) -> Bytes {
    Bytes::from(format!(
        r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{},"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderStatus\":\"WAITING_FOR_SENT\"}}"}}"#,
        900_000 + i,
        3305075341149134260u64 + i as u64
    ))
}

/// Part 5: 64 appends at once (32 keys, each twice) through the group
/// commit. Each `Stored` answer implies the row is committed: a fresh
/// connection (another process's view) reads it at once. Duplicates inside
/// a batch keep their meaning: exactly one `Stored` per key.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_commit_answers_each_push_after_its_commit() {
    let dir = temp_dir("group-commit");
    let path = dir.join("inbox.sqlite3");
    let inbox = Arc::new(SqliteInbox::open(&path).unwrap());
    // One key stored before the burst: a duplicate against a stored row.
    let before = Push::new("key-0", body(0));
    assert_eq!(inbox.append(&before).await.unwrap(), Appended::Stored);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (inbox, path) = (inbox.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("key-{}", i % 32);
            let got = inbox
                .append(&Push::new(key.clone(), body(i)))
                .await
                .unwrap();
            if got == Appended::Stored {
                // Right after the answer, from a connection of its own.
                let fresh = rusqlite::Connection::open(&path).unwrap();
                let n: i64 = fresh
                    .query_row(
                        "SELECT COUNT(*) FROM xportcn_inbox WHERE dedup_key = ?1",
                        [&key],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(n, 1, "{key} answered Stored but not readable");
            }
            (key, got)
        }));
    }
    let mut stored = HashSet::new();
    let mut duplicates = 0;
    for t in tasks {
        let (key, got) = t.await.unwrap();
        match got {
            Appended::Stored => assert!(stored.insert(key), "two Stored for one key"),
            _ => duplicates += 1,
        }
    }
    // key-0 was stored before: its two pushes are duplicates.
    assert_eq!(stored.len(), 31);
    assert_eq!(duplicates, 33);
    assert_eq!(inbox.pending().await.unwrap(), 32);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A push that fails inside a batch fails alone: the other pushes of the
/// same moment are stored. (A body too large for SQLite's blob limit is
/// the failing push.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn group_commit_errors_reach_only_their_push() {
    let dir = temp_dir("group-errors");
    let path = dir.join("inbox.sqlite3");
    let inbox = Arc::new(SqliteInbox::open(&path).unwrap());
    // SQLite's default blob limit is 1,000,000,000 bytes; past it the
    // insert fails (SQLITE_TOOBIG).
    let huge = Bytes::from(vec![b'x'; 1_000_000_001]);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let inbox = inbox.clone();
        let b = if i == 7 { huge.clone() } else { body(i) };
        tasks.push(tokio::spawn(async move {
            inbox.append(&Push::new(format!("k{i}"), b)).await
        }));
    }
    let mut errors = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(Appended::Stored) => assert_ne!(i, 7),
            Err(_) => {
                assert_eq!(i, 7);
                errors += 1;
            }
            Ok(other) => panic!("{i}: {other:?}"),
        }
    }
    assert_eq!(errors, 1);
    assert_eq!(inbox.pending().await.unwrap(), 15);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The operations contract, the same on every backend: stats, list,
/// dead letters after `max_attempts`, replay of dead letters, replay of
/// acked pushes since a time (where the backend keeps acked bodies).
async fn ops_contract(inbox: Arc<dyn OpsInbox>, keeps_acked: bool) {
    let t0 = SystemTime::now() - Duration::from_secs(1);
    for i in 0..3 {
        let push = Push::new(format!("ops-{i}"), body(i));
        assert_eq!(inbox.append(&push).await.unwrap(), Appended::Stored);
    }
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.leased, s.dead), (3, 0, 0), "{s:?}");
    let oldest = s.oldest_pending.expect("an oldest pending push");
    assert!(oldest >= t0 && oldest <= SystemTime::now(), "{s:?}");
    assert_eq!(inbox.list(EntryState::Ready, 10).await.unwrap().len(), 3);

    // Lease one and ack it; lease one and keep it.
    let a = inbox.fetch("c1", 1, Duration::ZERO).await.unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].push.dedup_key, "ops-0");
    inbox.ack(&a[0].lease()).await.unwrap();
    let b = inbox.fetch("c1", 1, Duration::ZERO).await.unwrap();
    assert_eq!(b[0].push.dedup_key, "ops-1");
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.leased, s.dead), (2, 1, 0), "{s:?}");
    let leased = inbox.list(EntryState::Leased, 10).await.unwrap();
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].dedup_key, "ops-1");
    assert_eq!(leased[0].attempts, 1);

    // ops-2 is handed out and handed back twice (max_attempts 2): the
    // third fetch sets it aside as dead instead of handing it out.
    // (A short wait: Redis hands a released entry out again 1 ms later.)
    let wait = Duration::from_millis(300);
    for attempt in 1..=2 {
        let c = inbox.fetch("c1", 1, wait).await.unwrap();
        assert_eq!(c.len(), 1, "attempt {attempt}");
        assert_eq!(
            (c[0].push.dedup_key.as_str(), c[0].attempt),
            ("ops-2", attempt)
        );
        inbox.release(&c[0].lease(), Duration::ZERO).await.unwrap();
    }
    assert!(inbox.fetch("c1", 1, wait).await.unwrap().is_empty());
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.dead), (1, 1), "{s:?}");
    let dead = inbox.list(EntryState::Dead, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].dedup_key, "ops-2");
    assert!(dead[0].body_len > 0);
    // A dead letter stays claimed: its push again is a duplicate.
    let again = Push::new("ops-2", body(2));
    assert_eq!(inbox.append(&again).await.unwrap(), Appended::Duplicate);

    // Replayed: delivered again, attempts from 1.
    assert_eq!(inbox.replay_dead(Some(&dead[0].id)).await.unwrap(), 1);
    assert_eq!(inbox.replay_dead(None).await.unwrap(), 0);
    let c = inbox.fetch("c1", 1, wait).await.unwrap();
    assert_eq!((c[0].push.dedup_key.as_str(), c[0].attempt), ("ops-2", 1));
    inbox.ack(&c[0].lease()).await.unwrap();
    inbox.ack(&b[0].lease()).await.unwrap();
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.leased, s.dead), (0, 0, 0), "{s:?}");
    assert_eq!(s.oldest_pending, None);

    // Replay of acked pushes since t0: all three come back, once.
    if keeps_acked {
        let acked = inbox.list(EntryState::Acked, 10).await.unwrap();
        let keys: HashSet<_> = acked.iter().map(|e| e.dedup_key.clone()).collect();
        assert!(keys.contains("ops-0") && keys.contains("ops-1") && keys.contains("ops-2"));
        assert_eq!(inbox.replay_since(t0).await.unwrap(), 3);
        // Pending now: a second replay puts none back.
        assert_eq!(inbox.replay_since(t0).await.unwrap(), 0);
        let got = inbox.fetch("c1", 10, Duration::ZERO).await.unwrap();
        let mut keys: Vec<_> = got.iter().map(|l| l.push.dedup_key.clone()).collect();
        keys.sort();
        assert_eq!(keys, ["ops-0", "ops-1", "ops-2"]);
        for l in &got {
            assert_eq!(l.push.body, body(l.push.dedup_key[4..].parse().unwrap()));
            inbox.ack(&l.lease()).await.unwrap();
        }
        // Nothing received after now.
        let later = SystemTime::now() + Duration::from_secs(60);
        assert_eq!(inbox.replay_since(later).await.unwrap(), 0);
    } else {
        assert_eq!(inbox.replay_since(UNIX_EPOCH).await.unwrap(), 0);
    }
}

trait OpsInbox: Inbox + InboxOps {}
impl<T: Inbox + InboxOps> OpsInbox for T {}

#[tokio::test]
async fn memory_stats_list_dead_replay() {
    ops_contract(Arc::new(MemoryInbox::new().max_attempts(2)), false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_stats_list_dead_replay() {
    let dir = temp_dir("ops-sqlite");
    let inbox = SqliteInbox::open(dir.join("inbox.sqlite3"))
        .unwrap()
        .max_attempts(2);
    ops_contract(Arc::new(inbox), true).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A poison push (its handler never acks) stops looping: after
/// `max_attempts` it is a dead letter and the consumer goes on with the
/// next push.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_poison_push_stops_looping() {
    let dir = temp_dir("poison");
    let inbox = Arc::new(
        SqliteInbox::open(dir.join("inbox.sqlite3"))
            .unwrap()
            .max_attempts(3),
    );
    inbox.append(&Push::new("poison", body(1))).await.unwrap();
    let mut handed = 0;
    for _ in 0..10 {
        // (A short wait: a released entry is visible again 1 ms later.)
        let got = inbox
            .fetch("c", 1, Duration::from_millis(300))
            .await
            .unwrap();
        let Some(l) = got.first() else { break };
        handed += 1;
        inbox.release(&l.lease(), Duration::ZERO).await.unwrap();
    }
    assert_eq!(handed, 3);
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.dead), (0, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An acked push's body is kept (for replay): counted by `stats`, listed
/// as acked with its length. (The purge after the retention runs about
/// once a minute in the writer: not waited for here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acked_bodies_are_kept_for_replay() {
    let dir = temp_dir("retention");
    let inbox = SqliteInbox::open(dir.join("inbox.sqlite3")).unwrap();
    inbox.append(&Push::new("r1", body(1))).await.unwrap();
    let l = inbox.fetch("c", 1, Duration::ZERO).await.unwrap();
    inbox.ack(&l[0].lease()).await.unwrap();
    let s = inbox.stats().await.unwrap();
    assert_eq!((s.pending, s.acked_kept), (0, 1));
    let acked = inbox.list(EntryState::Acked, 10).await.unwrap();
    assert_eq!(acked.len(), 1);
    assert_eq!(acked[0].body_len, body(1).len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The receiver reports through the `metrics` facade: received, stored,
/// duplicate, refused by reason, the answer-time histogram; `stats` sets
/// the inbox gauges. No label carries a key, an id or a body.
#[test]
fn receiver_and_inbox_metrics() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let creds = Credentials::new("metrics-access-key", "metrics-secret", "2100007341207");
    metrics::with_local_recorder(&recorder, || {
        rt.block_on(async {
            let verifier = Verifier::new(creds.clone());
            let inbox = MemoryInbox::new();
            let b = body(1);
            let headers = sign_push(&creds, &b);
            for _ in 0..2 {
                let headers = sign_push(&creds, &b);
                receive(&verifier, &inbox, &headers, b.clone(), DEFAULT_STORE_BUDGET).await;
            }
            // The same signed request again (a platform retry): 200
            // duplicate once stored.
            receive(&verifier, &inbox, &headers, b.clone(), DEFAULT_STORE_BUDGET).await;
            receive(&verifier, &inbox, &headers, b.clone(), DEFAULT_STORE_BUDGET).await;
            // Signed with another secret.
            let wrong = Credentials::new("metrics-access-key", "other", "2100007341207");
            let bad = sign_push(&wrong, &b);
            receive(&verifier, &inbox, &bad, b.clone(), DEFAULT_STORE_BUDGET).await;
            inbox.stats().await.unwrap();
        });
    });
    let mut counters = std::collections::HashMap::new();
    let mut histogram_samples = 0;
    let mut gauges = std::collections::HashMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        let labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        for l in &labels {
            assert!(
                !l.contains("3305075341149134") && !l.contains("metrics-") && !l.contains("900001"),
                "a label carries data: {l}"
            );
        }
        let name = format!("{}{{{}}}", key.name(), labels.join(","));
        match value {
            DebugValue::Counter(n) => {
                counters.insert(name, n);
            }
            DebugValue::Histogram(v) => histogram_samples += v.len(),
            DebugValue::Gauge(g) => {
                gauges.insert(name, g.into_inner());
            }
        }
    }
    assert_eq!(
        counters.get("xportcn_push_received_total{}"),
        Some(&5),
        "{counters:?}"
    );
    assert_eq!(
        counters.get("xportcn_push_stored_total{}"),
        Some(&1),
        "{counters:?}"
    );
    assert_eq!(
        counters.get("xportcn_push_duplicate_total{}"),
        Some(&3),
        "{counters:?}"
    );
    let refused: u64 = counters
        .iter()
        .filter(|(k, _)| k.starts_with("xportcn_push_refused_total{reason="))
        .map(|(_, n)| *n)
        .sum();
    assert_eq!(refused, 1, "{counters:?}");
    assert!(
        counters.contains_key("xportcn_push_refused_total{reason=bad_signature}"),
        "{counters:?}"
    );
    assert_eq!(histogram_samples, 5);
    assert_eq!(
        gauges.get("xportcn_inbox_pending{backend=memory}"),
        Some(&1.0),
        "{gauges:?}"
    );
    assert!(gauges.contains_key("xportcn_inbox_oldest_pending_age_seconds{backend=memory}"));
}

#[cfg(feature = "redis")]
use crate::redis_server;

/// The same contract on a real `redis-server` (dead letters by Redis's
/// delivery count, the replay log).
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stats_list_dead_replay() {
    use redis_server::RedisServer;
    let required = std::env::var("XPORTCN_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    if !RedisServer::installed() {
        assert!(
            !required,
            "redis-server is not installed but XPORTCN_REQUIRE_REDIS=1"
        );
        eprintln!("SKIPPED redis_stats_list_dead_replay: redis-server not found on PATH");
        return;
    }
    let server = RedisServer::spawn(&["--appendonly", "no"]).expect("redis-server starts");
    let inbox = xportcn::callbacks::RedisInbox::open(&server.url())
        .unwrap()
        .max_attempts(2);
    ops_contract(Arc::new(inbox), true).await;
}
