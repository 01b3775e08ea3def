//! `xportcn webhook inbox stats|list|replay|dead` on a SQLite inbox, run as
//! a process (issue 24, part 7).

use std::time::Duration;

use serde_json::Value;
use xportcn::callbacks::inbox::Push;
use xportcn::callbacks::{Inbox, SqliteInbox};

fn xportcn() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("xportcn");
    cmd.env_clear();
    cmd
}

/// Runs `xportcn webhook inbox ARGS --inbox SPEC`; its stdout lines as JSON.
fn run(spec: &str, args: &[&str]) -> Vec<Value> {
    let out = xportcn()
        .args(["webhook", "inbox"])
        .args(args)
        .args(["--inbox", spec, "--max-attempts", "1"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn body(order: u64) -> bytes::Bytes {
    bytes::Bytes::from(format!(
        r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"id":{order},"messageBody":"{{\"orderId\":\"{order}\"}}"}}"#
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_stats_list_dead_replay_from_the_cli() {
    let dir = std::env::temp_dir().join(format!(
        "xportcn-cli-inbox-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("inbox.sqlite3");
    let spec = format!("sqlite:{}", file.display());
    {
        let inbox = SqliteInbox::open(&file).unwrap().max_attempts(1);
        inbox.append(&Push::new("acked", body(1))).await.unwrap();
        inbox.append(&Push::new("poison", body(2))).await.unwrap();
        let a = inbox.fetch("c", 1, Duration::ZERO).await.unwrap();
        inbox.ack(&a[0].lease()).await.unwrap();
        let p = inbox.fetch("c", 1, Duration::ZERO).await.unwrap();
        assert_eq!(p[0].push.dedup_key, "poison");
        inbox.release(&p[0].lease(), Duration::ZERO).await.unwrap();
        // Handed out once already (max 1): a dead letter now. (A short
        // wait: a released entry is visible again 1 ms later.)
        assert!(
            inbox
                .fetch("c", 1, Duration::from_millis(300))
                .await
                .unwrap()
                .is_empty()
        );
    }
    let stats = tokio::task::spawn_blocking({
        let spec = spec.clone();
        move || run(&spec, &["stats"])
    })
    .await
    .unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(stats[0]["pending"], 0);
    assert_eq!(stats[0]["dead"], 1);
    assert_eq!(stats[0]["acked_kept"], 1);
    assert_eq!(stats[0]["oldest_pending_age_s"], Value::Null);

    let spec2 = spec.clone();
    let (dead, listed, revived, stats, replayed, stats2) = tokio::task::spawn_blocking(move || {
        let spec = spec2;
        let dead = run(&spec, &["dead"]);
        let listed = run(&spec, &["list", "--state", "acked"]);
        let revived = run(&spec, &["dead", "--replay"]);
        let stats = run(&spec, &["stats"]);
        let replayed = run(&spec, &["replay", "--since", "1h"]);
        let stats2 = run(&spec, &["stats"]);
        (dead, listed, revived, stats, replayed, stats2)
    })
    .await
    .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["dedup_key"], "poison");
    assert_eq!(dead[0]["state"], "dead");
    assert!(dead[0].get("body").is_none(), "no body printed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["dedup_key"], "acked");
    assert_eq!(revived[0]["replayed"], 1);
    assert_eq!(
        (stats[0]["pending"].clone(), stats[0]["dead"].clone()),
        (1.into(), 0.into())
    );
    assert_eq!(replayed[0]["replayed"], 1);
    assert_eq!(stats2[0]["pending"], 2);
    assert!(stats2[0]["oldest_pending_age_s"].as_f64().is_some());

    // A bad --since is a clear error, not a panic.
    let out = xportcn()
        .args([
            "webhook",
            "inbox",
            "replay",
            "--since",
            "yesterday",
            "--inbox",
            &spec,
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
    let _ = std::fs::remove_dir_all(&dir);
}
