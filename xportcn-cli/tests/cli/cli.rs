//! The `xportcn` command-line tool, run as a process against local servers
//! on 127.0.0.1 (a wiremock server); nothing here talks to the internet.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Credentials;
use xportcn::endpoint::{self, Evidence, Generation};
use xportcn_sandbox::Sandbox;

const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const SECRET: &str = "s3cr3t";
const USER: &str = "2100007341207";

/// The tool with only the given environment (no proxy, no stray
/// credentials from the machine running the tests).
fn xportcn() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("xportcn");
    cmd.env_clear();
    cmd
}

/// The tool with the test credentials, sending to `base`.
fn signed(base: &str) -> Command {
    let mut cmd = xportcn();
    cmd.env("XPORTCN_ACCESS_KEY", KEY)
        .env("XPORTCN_ACCESS_SECRET", SECRET)
        .env("XPORTCN_USER_ID", USER)
        .env("XPORTCN_BASE_URL", base);
    cmd
}

/// A success envelope around `data`.
fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 200, "msg": "success", "data": data}))
}

/// Runs a blocking command off the runtime the mock server answers on.
async fn run(mut cmd: Command) -> assert_cmd::assert::Assert {
    tokio::task::spawn_blocking(move || cmd.assert())
        .await
        .expect("the command runs")
}

/// Asserts that `server` received no request.
async fn assert_nothing_sent(server: &MockServer) {
    let received = server.received_requests().await.unwrap_or_default();
    assert!(received.is_empty(), "{received:?}");
}

/// Runs a call the server refuses: exit code 1, the error on stderr naming
/// `said`, nothing on stdout, and `secret` nowhere.
async fn refused(cmd: Command, said: &str, secret: &str) {
    let out = run(cmd)
        .await
        .failure()
        .code(1)
        .stderr(predicate::str::contains(said))
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    assert!(!text(&out.stderr).contains(secret));
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sign_prints_the_golden_signature_and_never_the_secret() {
    let out = signed("http://127.0.0.1:1")
        .args(["sign", "--timestamp", "1715669977082"])
        .args(["--nonce", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "signature: E2695BB8E0BDE9353BAA8086C281142A",
        ))
        .stdout(predicate::str::contains(format!(
            "access-key: {KEY}\ntimestamp: 1715669977082\nnonce-str: \
             a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6\nuser-id: {USER}\n"
        )))
        .stdout(predicate::str::contains(
            "signed-string: 58c0201dfdf148eca63cbf6bb5e7cf031715669977082\
             a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6<access_secret>",
        ))
        .get_output()
        .clone();
    assert!(!text(&out.stdout).contains(SECRET));
    assert!(!text(&out.stderr).contains(SECRET));
}

#[test]
fn sign_without_a_timestamp_uses_the_unit() {
    // Seconds by default (as the client sends), milliseconds on request.
    for (args, digits) in [
        (&["sign"][..], 10),
        (&["sign", "--unit", "s"], 10),
        (&["sign", "--unit", "ms"], 13),
    ] {
        let out = signed("http://127.0.0.1:1")
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = text(&out.stdout);
        let ts = stdout
            .lines()
            .find_map(|l| l.strip_prefix("timestamp: "))
            .expect("a timestamp line");
        assert_eq!(ts.len(), digits, "{args:?}: {ts}");
        assert!(!stdout.contains(SECRET));
    }
}

#[test]
fn help_never_shows_the_secret() {
    for args in [&["--help"][..], &["sign", "--help"], &["call", "--help"]] {
        let out = signed("http://127.0.0.1:1")
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = text(&out.stdout);
        assert!(stdout.contains("XPORTCN_ACCESS_SECRET"), "{stdout}");
        assert!(!stdout.contains(SECRET), "{stdout}");
    }
}

#[test]
fn a_password_in_the_base_url_shows_neither_in_help_nor_in_errors() {
    // Regression (issue 19, finding 6): clap printed the env value of
    // XPORTCN_BASE_URL in --help, and the client echoed it in errors.
    let base = "http://user:PASSw0rd@127.0.0.1:1/api";
    for args in [&["--help"][..], &["call", "--help"]] {
        let out = signed(base)
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = text(&out.stdout);
        assert!(stdout.contains("XPORTCN_BASE_URL"), "{stdout}");
        assert!(!stdout.contains("PASSw0rd"), "{stdout}");
    }
    let out = signed(base)
        .args(["call", "TB-P8", "--query", "itemId=1"])
        .assert()
        .failure()
        .get_output()
        .clone();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stderr.contains("user name or password"), "{stderr}");
    assert!(
        !stderr.contains("PASSw0rd") && !stdout.contains("PASSw0rd"),
        "{stderr}"
    );
}

#[test]
fn missing_credentials_are_a_clear_error() {
    xportcn()
        .env("XPORTCN_ACCESS_KEY", KEY)
        .args(["sign"])
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("missing credentials"))
        .stderr(predicate::str::contains("XPORTCN_ACCESS_SECRET"))
        .stderr(predicate::str::contains("XPORTCN_USER_ID"));
    xportcn()
        .args(["call", "TB-P8", "--query", "itemId=1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing credentials"));
}

#[test]
fn endpoints_lists_every_registered_id() {
    let ids: Vec<&str> = endpoint::all().iter().map(|s| s.id).collect();
    let out = xportcn()
        .arg("endpoints")
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let header = lines.next().expect("a header");
    assert!(header.starts_with("ID"), "{header}");
    let listed: Vec<&str> = lines.filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(listed, ids);
    // The registry is gathered at link time: the binary lists as many as the
    // SDK's sources declare, not merely as many as this test's own link has.
    assert_eq!(listed.len(), endpoint_declarations_in_the_sdk_sources());

    let out = xportcn()
        .args(["endpoints", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let listed: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(listed, ids);
    let p8 = endpoint::find("TB-P8").expect("TB-P8");
    let row = rows.iter().find(|r| r["id"] == "TB-P8").expect("TB-P8 row");
    assert_eq!(row["method"], p8.method.as_str());
    assert_eq!(row["v1"]["path"], json!(p8.path(Generation::V1)));
    assert_eq!(row["v2"]["evidence"], p8.v2.evidence.level());
}

#[tokio::test(flavor = "multi_thread")]
async fn call_by_id_sends_the_typed_method_path_and_signed_headers() {
    let server = MockServer::start().await;
    let spec = endpoint::find("TB-P8").expect("TB-P8");
    let p = spec.path(Generation::V1).expect("a v1 path");
    Mock::given(method(spec.method.as_str()))
        .and(path(p))
        .and(query_param("itemId", "672991141190"))
        .respond_with(ok(json!({"itemId": "672991141190", "title": "A kettle"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "TB-P8", "--query", "itemId=672991141190"]);
    let out = run(cmd).await.success().get_output().clone();
    let data: Value = serde_json::from_slice(&out.stdout).expect("pretty JSON data");
    assert_eq!(data["title"], "A kettle");

    let received = server.received_requests().await.expect("recorded");
    let req = &received[0];
    let header = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("access-key"), KEY);
    assert_eq!(header("user-id"), USER);
    assert_eq!(header("nonce-str").len(), 32);
    assert!(xportcn::signing::verify(
        KEY,
        &header("timestamp"),
        &header("nonce-str"),
        SECRET,
        &header("signature"),
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn call_v2_uses_the_v2_path() {
    let server = MockServer::start().await;
    let spec = endpoint::find("TB-P8").expect("TB-P8");
    let p = spec.path(Generation::V2).expect("a v2 path");
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ok(json!({"title": "v2"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["--generation", "v2", "call", "TB-P8", "--query", "itemId=1"]);
    run(cmd)
        .await
        .success()
        .stdout(predicate::str::contains("\"v2\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn warehouse_logistics_sign_in_the_query() {
    let server = MockServer::start().await;
    let spec = endpoint::find("WL-2").expect("WL-2");
    assert_eq!(spec.signing, endpoint::Signing::Query);
    Mock::given(method("POST"))
        .and(path(spec.path(Generation::V1).expect("a v1 path")))
        .and(body_partial_json(json!({"orderNo": "X1"})))
        .respond_with(ok(json!({"fee": 12})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "WL-2", "--json", r#"{"orderNo":"X1"}"#]);
    run(cmd).await.success();
    let received = server.received_requests().await.expect("recorded");
    let query: Vec<(String, String)> = received[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |k: &str| {
        query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let nonce = received[0]
        .headers
        .get("nonce-str")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(xportcn::signing::verify(
        KEY,
        &get("timestamp"),
        nonce,
        SECRET,
        &get("sign")
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_path_is_refused_before_sending() {
    let server = MockServer::start().await;
    let spec = endpoint::all()
        .iter()
        .find(|s| s.v1.evidence == Evidence::Unknown)
        .expect("an endpoint with no v1 path");
    let mut cmd = signed(&server.uri());
    cmd.args(["call", spec.id]);
    run(cmd)
        .await
        .failure()
        .code(1)
        .stderr(predicate::str::contains(format!("{}: not sent", spec.id)))
        // The fix named is the CLI's flag, not the library's builder call.
        .stderr(predicate::str::contains(format!(
            "--path (xportcn call {} --path /the/path)",
            spec.id
        )))
        .stderr(predicate::str::contains("override_path").not());
    assert_nothing_sent(&server).await;
}

/// The registry has no write on a guessed path today (the core refuses
/// one, as `tests/sdk/endpoint_layer.rs` checks); a guessed read is sent, and
/// its 404 says the path was guessed. `--path` overrides it.
#[tokio::test(flavor = "multi_thread")]
async fn a_guessed_read_404_says_so_and_an_override_is_sent() {
    let server = MockServer::start().await;
    let spec = endpoint::all()
        .iter()
        .find(|s| matches!(s.v1.evidence, Evidence::Guessed { .. }))
        .expect("an endpoint with a guessed v1 path");
    let mut cmd = signed(&server.uri());
    cmd.args(["call", spec.id, "--json", "{}"]);
    run(cmd)
        .await
        .failure()
        .stderr(predicate::str::contains("guessed from naming conventions"));

    Mock::given(method(spec.method.as_str()))
        .and(path("/my/own/path"))
        .respond_with(ok(json!(true)))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", spec.id, "--path", "/my/own/path", "--json", "{}"]);
    run(cmd).await.success().stdout("true\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_platform_error_exits_non_zero_with_its_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 500, "msg": "签名错误", "data": null})),
        )
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "TB-P8", "--query", "itemId=1"]);
    refused(cmd, "签名错误", SECRET).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn all_pages_streams_every_item_as_json_lines() {
    let server = MockServer::start().await;
    let spec = endpoint::find("AL-P4").expect("AL-P4");
    let paging = spec.paging.expect("AL-P4 is paged");
    assert_eq!(paging.page_field, "beginPage");
    let page = |n: u32, items: Value| {
        Mock::given(method("POST"))
            .and(path(spec.path(Generation::V1).expect("a v1 path")))
            .and(body_partial_json(
                json!({"beginPage": n, "keyword": "kettle"}),
            ))
            .respond_with(ok(json!({
                "totalRecords": 3, "totalPage": 2, "pageSize": 2, "currentPage": n,
                "data": items,
            })))
            .expect(1)
    };
    page(1, json!([{"subject": "a"}, {"subject": "b"}]))
        .mount(&server)
        .await;
    page(2, json!([{"subject": "c"}])).mount(&server).await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "AL-P4", "--all-pages"])
        .args(["--json", r#"{"keyword":"kettle","pageSize":2}"#]);
    let out = run(cmd).await.success().get_output().clone();
    let subjects: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            v["subject"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(subjects, ["a", "b", "c"]);
    // stderr is not a terminal here: no progress indicator.
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn all_pages_refuses_a_list_that_is_not_paged() {
    let server = MockServer::start().await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "TB-P8", "--query", "itemId=1", "--all-pages"]);
    run(cmd)
        .await
        .failure()
        .stderr(predicate::str::contains("TB-P8 is not a paged list"));
    assert_nothing_sent(&server).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_is_called_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/whatever/new"))
        .and(body_partial_json(json!({"a": [1, 2]})))
        .respond_with(ok(json!({"done": true})))
        .expect(1)
        .mount(&server)
        .await;
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "/v2/whatever/new", "--method", "POST"])
        .args(["--json", r#"{"a":[1,2]}"#]);
    run(cmd)
        .await
        .success()
        .stdout(predicate::str::contains("\"done\": true"));
}

#[test]
fn an_unknown_id_or_a_wrong_method_is_refused() {
    signed("http://127.0.0.1:1")
        .args(["call", "NOPE-1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "no endpoint has the id \"NOPE-1\"",
        ));
    signed("http://127.0.0.1:1")
        .args(["call", "TB-P8", "--method", "POST"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("TB-P8 is a GET"));
}

/// A saved push: a body from the fixtures, signed as the platform would
/// (at `timestamp`, or now), written to `dir`.
fn saved_push(dir: &std::path::Path, timestamp: Option<&str>) -> (std::path::PathBuf, Vec<String>) {
    let body = std::fs::read("tests/fixtures/callbacks/1688-order-buyer-refund.json")
        .expect("the fixture");
    let creds = Credentials::new(KEY, SECRET, USER);
    let headers = match timestamp {
        Some(ts) => xportcn::callbacks::sign_push_with(
            &creds,
            &body,
            ts,
            "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
        ),
        None => xportcn::callbacks::sign_push(&creds, &body),
    };
    let file = dir.join("push.json");
    std::fs::write(&file, &body).expect("written");
    let headers = headers
        .iter()
        .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or_default()))
        .collect();
    (file, headers)
}

/// `xportcn webhook verify` of a body file with headers given by `-H`.
fn verify_push(body: &std::path::Path, headers: &[String], extra: &[&str]) -> Command {
    let mut cmd = signed("http://127.0.0.1:1");
    cmd.args(["webhook", "verify"])
        .args(extra)
        .arg("--body")
        .arg(body);
    for h in headers {
        cmd.args(["-H", h]);
    }
    cmd
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xportcn-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

const REFUND: &str = "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND\n";

#[test]
fn webhook_verify_accepts_a_good_push() {
    let dir = temp_dir("good");
    let (body, headers) = saved_push(&dir, None);
    verify_push(&body, &headers, &[])
        .assert()
        .success()
        .stdout(REFUND);

    // The same push from a headers file and stdin.
    let headers_file = dir.join("push.headers");
    std::fs::write(
        &headers_file,
        format!("HTTP/1.1 POST\n{}\n", headers.join("\n")),
    )
    .expect("written");
    signed("http://127.0.0.1:1")
        .args(["webhook", "verify", "--headers-file"])
        .arg(&headers_file)
        .pipe_stdin(&body)
        .expect("stdin")
        .assert()
        .success()
        .stdout(REFUND);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn webhook_verify_rejects_a_tampered_push() {
    let dir = temp_dir("tampered");
    let (body, headers) = saved_push(&dir, None);
    let mut tampered = std::fs::read(&body).expect("read");
    let at = tampered
        .iter()
        .position(|b| *b == b'7')
        .expect("a digit to change");
    tampered[at] = b'8';
    std::fs::write(&body, tampered).expect("written");
    verify_push(&body, &headers, &[])
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(
            "push rejected: the Authorization header",
        ));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn webhook_verify_of_an_old_push_checks_time_only_when_asked() {
    let dir = temp_dir("old");
    // Pushed on 2024-05-14.
    let (body, headers) = saved_push(&dir, Some("1715669977082"));
    verify_push(&body, &headers, &[])
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("beyond the accepted window"));
    verify_push(&body, &headers, &["--no-time-check"])
        .assert()
        .success()
        .stdout(REFUND);
    verify_push(&body, &headers, &["--now", "1715669980000"])
        .assert()
        .success()
        .stdout(REFUND);
    let _ = std::fs::remove_dir_all(dir);
}

/// A child process killed when dropped (a failed assertion included).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a long-running subcommand, with the test credentials or none, in
/// a fresh working directory (where `webhook listen` keeps its default
/// inbox).
fn spawn(args: &[&str], with_credentials: bool) -> Child {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let cwd = temp_dir(&format!("cwd-{run}"));
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("xportcn"));
    cmd.env_clear().current_dir(cwd);
    if with_credentials {
        cmd.env("XPORTCN_ACCESS_KEY", KEY)
            .env("XPORTCN_ACCESS_SECRET", SECRET)
            .env("XPORTCN_USER_ID", USER);
    }
    let child = cmd
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the tool starts");
    Child(child)
}

/// Lines of a child's output, read as they come.
fn lines(out: impl std::io::Read) -> std::io::Lines<std::io::BufReader<impl std::io::Read>> {
    use std::io::BufRead;
    std::io::BufReader::new(out).lines()
}

/// The next line, off the async runtime.
async fn next_line<R: std::io::BufRead + Send + 'static>(
    mut lines: std::io::Lines<R>,
) -> (std::io::Lines<R>, String) {
    tokio::task::spawn_blocking(move || {
        let line = lines.next().expect("one more line").expect("readable");
        (lines, line)
    })
    .await
    .expect("read")
}

/// `xportcn webhook listen` on a free port, with the test credentials, and
/// the URL it prints.
async fn listener() -> (Child, String) {
    listener_with(&[]).await
}

/// `webhook listen` on a free port with `args`, and the URL it prints.
async fn listener_with(args: &[&str]) -> (Child, String) {
    let mut all = vec!["webhook", "listen", "--port", "0"];
    all.extend_from_slice(args);
    let mut child = spawn(&all, true);
    let stderr = lines(child.0.stderr.take().expect("piped stderr"));
    let (_stderr, line) = next_line(stderr).await;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    (child, url)
}

/// `xportcn sandbox` on a free port with the test credentials (and `args`),
/// and the base URL it prints.
async fn sandbox_with_credentials(args: &[&str]) -> (Child, String) {
    let mut all = vec!["sandbox", "--port", "0"];
    all.extend_from_slice(args);
    let mut child = spawn(&all, true);
    let stdout = lines(child.0.stdout.take().expect("piped stdout"));
    let (_stdout, line) = next_line(stdout).await;
    let base = line
        .strip_prefix("base-url=")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    (child, base)
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_listen_prints_each_verified_push_as_a_json_line() {
    let (mut child, url) = listener().await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/xportcn/push"), "{url}");

    let http = xportcn::reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    let creds = Credentials::new(KEY, SECRET, USER);
    let body = std::fs::read("tests/fixtures/callbacks/1688-order-buyer-refund.json")
        .expect("the fixture");
    // A forged push is refused and printed nowhere.
    let forged = http
        .post(&url)
        .headers(xportcn::callbacks::sign_push(
            &Credentials::new(KEY, "wrong", USER),
            &body,
        ))
        .body(body.clone())
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(forged.status().as_u16(), 401);
    let good = http
        .post(&url)
        .headers(xportcn::callbacks::sign_push(&creds, &body))
        .body(body)
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(good.status().as_u16(), 200);

    let stdout = lines(child.0.stdout.take().expect("piped stdout"));
    let (_stdout, line) = next_line(stdout).await;
    let msg: Value = serde_json::from_str(&line).expect("one JSON object");
    assert_eq!(msg["messageType"], "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND");
    assert_eq!(msg["body"]["applyPayment"], 11700);
    assert!(msg["dedupKey"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(!line.contains(SECRET));
}

// --- against the embedded sandbox ------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn calls_against_the_sandbox() {
    let sandbox = Sandbox::builder()
        .credentials(Credentials::new(KEY, SECRET, USER))
        .start()
        .await
        .expect("the sandbox starts");

    let mut cmd = signed(sandbox.base_url());
    cmd.args(["call", "TB-P8", "--query", "itemId=672991141190"]);
    let out = run(cmd).await.success().get_output().clone();
    let data: Value = serde_json::from_slice(&out.stdout).expect("pretty JSON data");
    assert_eq!(data["itemId"].to_string().trim_matches('"'), "672991141190");

    // No known path: refused by the SDK before sending.
    let unknown = endpoint::all()
        .iter()
        .find(|s| s.v1.evidence == Evidence::Unknown)
        .expect("an endpoint with no v1 path");
    let before = sandbox.requests().len();
    let mut cmd = signed(sandbox.base_url());
    cmd.args(["call", unknown.id]);
    run(cmd)
        .await
        .failure()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}: not sent: no path is known for it in the v1 path generation",
            unknown.id
        )));
    assert_eq!(sandbox.requests().len(), before);

    // A wrong secret: the sandbox refuses the signature.
    let mut cmd = signed(sandbox.base_url());
    cmd.env("XPORTCN_ACCESS_SECRET", "not-the-secret").args([
        "call",
        "TB-P8",
        "--query",
        "itemId=672991141190",
    ]);
    refused(cmd, "signature", "not-the-secret").await;

    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_subcommand_makes_up_credentials_and_logs_requests() {
    let mut child = spawn(&["sandbox", "--port", "0"], false);
    let mut stdout = lines(child.0.stdout.take().expect("piped stdout"));
    let mut printed = std::collections::HashMap::new();
    for _ in 0..4 {
        let (rest, line) = next_line(stdout).await;
        stdout = rest;
        let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("{line}"));
        printed.insert(k.to_owned(), v.to_owned());
    }
    let base = &printed["base-url"];
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let mut cmd = xportcn();
    cmd.env("XPORTCN_ACCESS_KEY", &printed["access-key"])
        .env("XPORTCN_ACCESS_SECRET", &printed["access-secret"])
        .env("XPORTCN_USER_ID", &printed["user-id"])
        .env("XPORTCN_BASE_URL", base)
        .args(["call", "TB-P8", "--query", "itemId=672991141190"]);
    run(cmd).await.success();

    let stderr = lines(child.0.stderr.take().expect("piped stderr"));
    let (_stderr, log) = next_line(stderr).await;
    assert!(log.starts_with("GET /open/product/get"), "{log}");
    assert!(log.contains("[TB-P8]"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_subcommand_takes_given_credentials_and_prints_no_secret() {
    let (_child, base) = sandbox_with_credentials(&[]).await;
    let mut cmd = signed(&base);
    cmd.args(["call", "TB-P8", "--query", "itemId=672991141190"]);
    run(cmd).await.success();
}

#[tokio::test(flavor = "multi_thread")]
async fn call_record_then_model_prints_a_declaration_for_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/taobao/some/new/path"))
        .respond_with(ok(json!({
            "tradeId": 1234567890123456789_u64,
            "buyerPhone": "13912345678",
            "lines": [{"skuId": "5123456789012345678", "amount": 6.15}, {"skuId": 2, "note": "x"}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let dir = temp_dir("record");
    let _ = std::fs::remove_dir_all(&dir);
    let mut cmd = signed(&server.uri());
    cmd.args(["call", "/v2/taobao/some/new/path", "--method", "POST"])
        .args(["--json", r#"{"receiverName":"张三丰","keyword":"kettle"}"#])
        .arg("--record")
        .arg(&dir);
    run(cmd).await.success();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the record directory")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let recorded = std::fs::read_to_string(&files[0]).expect("recording");
    for never in [KEY, SECRET, USER, "张三丰", "13912345678"] {
        assert!(!recorded.contains(never), "{never} recorded: {recorded}");
    }
    assert!(recorded.contains("\"endpoint\": null"), "{recorded}");

    let out = xportcn()
        .args(["model", "--name", "Trade"])
        .arg(&files[0])
        .assert()
        .success()
        .get_output()
        .clone();
    let source = text(&out.stdout);
    assert!(source.contains("pub struct Trade {"), "{source}");
    assert!(source.contains("pub trade_id: Option<Id>,"), "{source}");
    assert!(source.contains("pub lines: Vec<Line>,"), "{source}");
    assert!(source.contains("pub amount: Option<Decimal>,"), "{source}");
    assert!(
        source.contains("POST /v2/taobao/some/new/path, HTTP 200, recorded"),
        "{source}"
    );

    // `xportcn sandbox --replay` answers that path with the recording.
    let dir_arg = dir.to_string_lossy().into_owned();
    let mut child = spawn(&["sandbox", "--port", "0", "--replay", &dir_arg], true);
    let stdout = lines(child.0.stdout.take().expect("piped stdout"));
    let (_stdout, line) = next_line(stdout).await;
    let base = line
        .strip_prefix("base-url=")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    let mut cmd = signed(&base);
    cmd.args([
        "call",
        "/v2/taobao/some/new/path",
        "--method",
        "POST",
        "--json",
        "{}",
    ]);
    let out = run(cmd).await.success().get_output().clone();
    assert!(
        text(&out.stdout).contains("1234567890123456789"),
        "{}",
        text(&out.stdout)
    );
    drop(child);

    // Not JSON, or no name a type can have: a clear error.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "not json").expect("write");
    xportcn()
        .args(["model", "--name", "Trade"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not JSON"));
    xportcn()
        .args(["model", "--name", "trade"])
        .arg(&files[0])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a Rust type name"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_subcommand_pushes_to_a_webhook_listener() {
    // The listener, on its own port.
    let (mut listener, url) = listener().await;
    // The sandbox, on another port, pushing to the listener.
    let (_sandbox, base) = sandbox_with_credentials(&["--callback-url", url.as_str()]).await;
    assert_ne!(
        base.trim_end_matches('/'),
        url.trim_end_matches("/xportcn/push"),
        "two ports"
    );

    // A Taobao order created in the sandbox pushes ORDER_CREATE.
    let mut cmd = signed(&base);
    cmd.args([
        "call",
        "TB-O7",
        "--json",
        r#"{"orderLineList":"[{\"itemId\":\"672991141190\",\"quantity\":\"1\",\"skuId\":\"3452545926724\"}]","purchaseAmount":100}"#,
    ]);
    let out = run(cmd).await.success().get_output().clone();
    let created: Value = serde_json::from_slice(&out.stdout).expect("JSON data");
    let order_id = created["orderId"].to_string();
    let order_id = order_id.trim_matches('"');

    let stdout = lines(listener.0.stdout.take().expect("piped stdout"));
    // Bounded: a push that never arrives fails the test (the children are
    // killed when dropped, which ends the blocked read).
    let (_stdout, line) =
        tokio::time::timeout(std::time::Duration::from_secs(60), next_line(stdout))
            .await
            .expect("a push reached the listener");
    let msg: Value = serde_json::from_str(&line).expect("one JSON object");
    assert_eq!(msg["messageType"], "ORDER_CREATE", "{line}");
    assert!(line.contains(order_id), "{order_id} in {line}");
    assert!(!line.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_push_answered_200_by_listen_survives_a_killed_receiver_and_is_consumed_later() {
    let dir = temp_dir("durable");
    let file = dir.join(format!("inbox-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let inbox = format!("sqlite:{}", file.display());
    let (mut receiver, url) = listener_with(&["--inbox", &inbox, "--no-consume"]).await;
    let body = std::fs::read("tests/fixtures/callbacks/1688-order-buyer-refund.json")
        .expect("the fixture");
    let http = xportcn::reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    let answer = http
        .post(&url)
        .headers(xportcn::callbacks::sign_push(
            &Credentials::new(KEY, SECRET, USER),
            &body,
        ))
        .body(body)
        .send()
        .await
        .expect("the receiver answers");
    assert_eq!(answer.status().as_u16(), 200);
    // SIGKILL: nothing is flushed on the way out.
    receiver.0.kill().expect("kill");
    let _ = receiver.0.wait();

    let mut consumer = spawn(&["webhook", "consume", "--inbox", &inbox], false);
    let stdout = lines(consumer.0.stdout.take().expect("piped stdout"));
    let (_stdout, line) =
        tokio::time::timeout(std::time::Duration::from_secs(30), next_line(stdout))
            .await
            .expect("the stored push is consumed");
    let msg: Value = serde_json::from_str(&line).expect("one JSON object");
    assert_eq!(msg["messageType"], "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND");
    assert_eq!(msg["attempt"], 1);
    drop(consumer);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listen_refuses_an_inbox_it_cannot_read_and_hides_a_redis_password() {
    let out = xportcn()
        .env("XPORTCN_ACCESS_KEY", KEY)
        .env("XPORTCN_ACCESS_SECRET", SECRET)
        .env("XPORTCN_USER_ID", USER)
        .args(["webhook", "listen", "--port", "0", "--inbox", "ftp://x"])
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(
        text(&out.stderr).contains("--inbox takes"),
        "{}",
        text(&out.stderr)
    );
    let help = xportcn()
        .env("XPORTCN_INBOX", "redis://user:hunter2@127.0.0.1/")
        .args(["webhook", "listen", "--help"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!text(&help.stdout).contains("hunter2"));
}

// Issue 25: bounded tools and clear errors instead of silence.

#[test]
fn model_refuses_a_file_beyond_16_mib_and_a_symbolic_link() {
    let dir = temp_dir("model-bounds");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let big = dir.join("big.json");
    // Sparse: nothing written, 16 MiB + 1 long.
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(16 * 1024 * 1024 + 1))
        .expect("big file");
    xportcn()
        .args(["model", "--name", "Big"])
        .arg(&big)
        .assert()
        .failure()
        .stderr(predicate::str::contains("16 MiB"));
    #[cfg(unix)]
    {
        let real = dir.join("real.json");
        std::fs::write(&real, r#"{"code":200,"msg":"ok","data":{"a":1}}"#).expect("write");
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        xportcn()
            .args(["model", "--name", "Linked"])
            .arg(&link)
            .assert()
            .failure()
            .stderr(predicate::str::contains("symbolic link"));
        xportcn()
            .args(["model", "--name", "Real"])
            .arg(&real)
            .assert()
            .success()
            .stdout(predicate::str::contains("pub struct Real {"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sandbox_callback_url_is_http_or_https_and_says_so() {
    for (url, said) in [
        ("file:///etc/passwd", "use http:// or https://"),
        ("gopher://127.0.0.1:70/", "use http:// or https://"),
        (
            "http://user:pass@127.0.0.1:9/push",
            "`user:password@` is not supported",
        ),
    ] {
        let out = xportcn()
            .args(["sandbox", "--port", "0", "--callback-url", url])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .failure()
            .stderr(predicate::str::contains(said))
            .get_output()
            .clone();
        assert!(
            !text(&out.stderr).contains("pass@"),
            "{}",
            text(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "nothing started: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn webhook_listen_on_a_non_loopback_address_warns_in_one_line() {
    // Without credentials nothing is bound: the warning comes first, then
    // the missing credentials stop the command (no test binds outside
    // 127.0.0.1).
    for bind in ["0.0.0.0", "::", "192.0.2.1"] {
        let out = xportcn()
            .args(["webhook", "listen", "--port", "0", "--bind", bind])
            .assert()
            .failure()
            .stderr(predicate::str::contains("missing credentials"))
            .get_output()
            .clone();
        let stderr = text(&out.stderr);
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("reachable from outside"))
            .collect();
        assert_eq!(warnings.len(), 1, "{stderr}");
        assert!(
            warnings[0].starts_with("warning: --bind ")
                && warnings[0].contains("pushes are still verified"),
            "{stderr}"
        );
    }
    for bind in ["127.0.0.1", "::1"] {
        let out = xportcn()
            .args(["webhook", "listen", "--port", "0", "--bind", bind])
            .assert()
            .failure()
            .get_output()
            .clone();
        assert!(!text(&out.stderr).contains("reachable from outside"));
    }
}

/// How many `#[endpoint(..)]` declarations the SDK's sources hold.
fn endpoint_declarations_in_the_sdk_sources() -> usize {
    fn walk(dir: &std::path::Path, n: &mut usize) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, n);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                *n += text
                    .lines()
                    .filter(|l| l.starts_with("#[endpoint("))
                    .count();
            }
        }
    }
    let mut n = 0;
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src"),
        &mut n,
    );
    n
}
