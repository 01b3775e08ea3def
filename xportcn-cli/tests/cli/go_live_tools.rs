//! Issue 27, parts 4 and 6, at the command line: `xportcn probe` (override
//! lines for hidden reads, never a write, not fooled by an always-200
//! server); `webhook consume --drain` exits once the inbox is empty;
//! `sandbox --push-retry-interval` shortens the platform's 30 minutes.
//! Processes and servers on 127.0.0.1 only.

use std::time::Duration;

use assert_cmd::Command;
use bytes::Bytes;
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Credentials;
use xportcn::callbacks::{Consumer, SqliteInbox, Verifier, receive, sign_push};

const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const SECRET: &str = "s3cr3t";
const USER: &str = "2100007341207";

fn creds() -> Credentials {
    Credentials::new(KEY, SECRET, USER)
}

fn xportcn() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("xportcn");
    cmd.env_clear().timeout(Duration::from_secs(60));
    cmd
}

fn temp_inbox(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("xportcn-drain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("inbox.sqlite3");
    let spec = format!("sqlite:{}", file.display());
    (dir, spec)
}

/// Stores `n` distinct pushes (the documented 1688 refund push, each with
/// its own envelope id) in the SQLite inbox at `path`, as a receiver does.
async fn store_pushes(path: &std::path::Path, n: usize) {
    let inbox = SqliteInbox::open(path).expect("the inbox opens");
    let fixture = std::fs::read("tests/fixtures/callbacks/1688-order-buyer-refund.json")
        .expect("the fixture");
    let verifier = Verifier::new(creds());
    for i in 0..n {
        let mut v: Value = serde_json::from_slice(&fixture).expect("JSON");
        v["id"] = Value::String(format!("drain-test-{i}"));
        let body = Bytes::from(serde_json::to_vec(&v).expect("JSON"));
        let headers = sign_push(&creds(), &body);
        let answer = receive(&verifier, &inbox, &headers, body, Duration::from_secs(10)).await;
        assert_eq!(answer.status(), 200, "{answer:?}");
    }
}

async fn run(mut cmd: Command) -> assert_cmd::assert::Assert {
    tokio::task::spawn_blocking(move || cmd.assert())
        .await
        .expect("the command runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn consume_drain_prints_every_stored_push_then_exits_0() {
    let (dir, spec) = temp_inbox("two");
    store_pushes(&dir.join("inbox.sqlite3"), 2).await;
    let mut cmd = xportcn();
    cmd.args(["webhook", "consume", "--inbox", &spec, "--drain"]);
    let out = run(cmd).await.success().get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for l in &lines {
        assert_eq!(l["messageType"], "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("inbox empty"));

    // Drained: a second run prints nothing and exits 0 too.
    let mut cmd = xportcn();
    cmd.args(["webhook", "consume", "--inbox", &spec, "--drain"]);
    let out = run(cmd).await.success().get_output().clone();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn consume_drain_of_a_new_inbox_exits_0() {
    let (dir, spec) = temp_inbox("new");
    let mut cmd = xportcn();
    cmd.args(["webhook", "consume", "--inbox", &spec, "--drain"]);
    run(cmd).await.success().stdout("");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A push leased to another consumer is not "empty": the drain waits for
/// it, up to `--drain-timeout`, then says what is left (status 1).
#[tokio::test(flavor = "multi_thread")]
async fn consume_drain_waits_for_a_leased_push_up_to_its_timeout() {
    let (dir, spec) = temp_inbox("leased");
    let file = dir.join("inbox.sqlite3");
    store_pushes(&file, 1).await;
    let other = std::sync::Arc::new(SqliteInbox::open(&file).expect("opens"));
    let mut holder = Consumer::new(other).name("other");
    let held = holder
        .try_next(Duration::from_secs(5))
        .await
        .expect("the inbox answers")
        .expect("the push is leased to the other consumer");
    let mut cmd = xportcn();
    cmd.args([
        "webhook",
        "consume",
        "--inbox",
        &spec,
        "--drain",
        "--drain-timeout",
        "1s",
    ]);
    let out = run(cmd).await.failure().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.contains("1 push(es) still pending"), "{stderr}");
    assert!(out.stdout.is_empty());
    held.ack().await.expect("acked");
    let mut cmd = xportcn();
    cmd.args(["webhook", "consume", "--inbox", &spec, "--drain"]);
    run(cmd).await.success().stdout("");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn drain_timeout_needs_drain_and_a_unit() {
    xportcn()
        .args([
            "webhook",
            "consume",
            "--inbox",
            "memory",
            "--drain-timeout",
            "5s",
        ])
        .assert()
        .failure();
    xportcn()
        .args([
            "webhook",
            "consume",
            "--inbox",
            "memory",
            "--drain",
            "--drain-timeout",
            "5",
        ])
        .assert()
        .failure()
        .stderr(predicates::str::contains("write a number and a unit"));
}

/// `sandbox --push-retry-interval 200ms`: a push the receiver refuses is
/// sent again within the run, where the default would wait 30 minutes.
#[tokio::test(flavor = "multi_thread")]
async fn sandbox_push_retry_interval_resends_a_refused_push_soon() {
    let receiver = MockServer::start().await;
    // The first attempt is refused, the next ones accepted.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&receiver)
        .await;
    let callback = format!("{}/xportcn/push", receiver.uri());
    let mut sandbox = std::process::Command::new(assert_cmd::cargo::cargo_bin!("xportcn"));
    sandbox
        .env_clear()
        .env("XPORTCN_ACCESS_KEY", KEY)
        .env("XPORTCN_ACCESS_SECRET", SECRET)
        .env("XPORTCN_USER_ID", USER)
        .args(["sandbox", "--port", "0", "--callback-url", &callback])
        .args(["--push-retry-interval", "200ms"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = Kill(sandbox.spawn().expect("the sandbox starts"));
    let stdout = child.0.stdout.take().expect("piped");
    let base = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("a line");
        line.trim()
            .strip_prefix("base-url=")
            .expect("base-url=")
            .to_owned()
    })
    .await
    .expect("read");

    // A Taobao order created in the sandbox pushes ORDER_CREATE.
    let client = xportcn::Client::builder()
        .credentials(creds())
        .base_url(base)
        .build()
        .expect("a client");
    client
        .raw(xportcn::endpoint::Method::Post, "/open/order")
        .json(&serde_json::json!({
            "orderLineList": r#"[{"itemId":"672991141190","quantity":"1","skuId":"3452545926724"}]"#,
            "purchaseAmount": 100
        }))
        .send_value()
        .await
        .expect("the order is created");

    // Bounded wait (not a timing assertion): the second attempt arrives.
    let mut attempts = 0;
    for _ in 0..300 {
        attempts = receiver.received_requests().await.map_or(0, |r| r.len());
        if attempts >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        attempts >= 2,
        "the refused push was sent again ({attempts} attempt(s))"
    );
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sandbox_push_retry_interval_refuses_a_bare_number() {
    xportcn()
        .args(["sandbox", "--push-retry-interval", "30"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("write a number and a unit"));
}

// ---- `xportcn probe` (issue 27, part 4) ----

/// Against the sandbox hiding TB-O14 at a candidate path: the probe prints
/// the override line, lists the write "ask the platform" and sends nothing
/// for it; the whole output is TOML (comments and the table).
#[tokio::test(flavor = "multi_thread")]
async fn probe_prints_the_override_line_of_a_hidden_read_and_never_sends_a_write() {
    let sandbox = xportcn_sandbox::Sandbox::builder()
        .credentials(creds())
        .hide_reads_at([("TB-O14", "/open/order/info")])
        .start()
        .await
        .expect("the sandbox starts");
    let mut cmd = xportcn();
    cmd.env("XPORTCN_ACCESS_KEY", KEY)
        .env("XPORTCN_ACCESS_SECRET", SECRET)
        .env("XPORTCN_USER_ID", USER)
        .env("XPORTCN_BASE_URL", sandbox.base_url())
        .args(["probe", "TB-O14", "TB-O12", "--rate", "20"]);
    let out = run(cmd).await.success().get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("[v1]\n\"TB-O14\" = \"/open/order/info\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains("TB-O12  POST ask the platform"), "{stdout}");
    for line in stdout.lines() {
        assert!(
            line.starts_with('#') || line == "[v1]" || line.starts_with("\"TB-O14\""),
            "not TOML: {line}"
        );
    }
    assert!(!stdout.contains(SECRET));
    // Nothing reached a write: only the control and TB-O14's candidates.
    for r in sandbox.requests() {
        assert!(r.endpoint.is_none() || r.endpoint == Some("TB-O14"), "{r}");
    }
}

/// A server that answers everything 200: no override line, status 1.
#[tokio::test(flavor = "multi_thread")]
async fn probe_against_an_always_200_server_prints_no_override_and_fails() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"code": 200, "msg": "成功", "data": {}})),
        )
        .mount(&server)
        .await;
    let mut cmd = xportcn();
    cmd.env("XPORTCN_ACCESS_KEY", KEY)
        .env("XPORTCN_ACCESS_SECRET", SECRET)
        .env("XPORTCN_USER_ID", USER)
        .env("XPORTCN_BASE_URL", server.uri())
        .args(["probe", "TB-O14", "--rate", "20"]);
    let out = run(cmd).await.failure().get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!stdout.contains("[v1]"), "{stdout}");
    assert!(stdout.contains("inconclusive"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("probe inconclusive"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn probe_dry_run_lists_candidates_without_credentials() {
    let out = xportcn()
        .args(["probe", "--dry-run", "TB-O14", "TB-O12"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("TB-O14  GET  would try /open/order/detail"),
        "{stdout}"
    );
    assert!(stdout.contains("TB-O12  POST ask the platform"), "{stdout}");
}
