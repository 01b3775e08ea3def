//! `xportcn check` (the readiness report), `xportcn endpoints show` and
//! path overrides from `XPORTCN_PATH_OVERRIDES`, run as a process. Nothing
//! is sent: `check` needs no credentials and no server.

use assert_cmd::Command;
use predicates::prelude::*;

/// The tool with only the given environment (no stray credentials or
/// override file from the machine running the tests).
fn xportcn() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("xportcn");
    cmd.env_clear();
    cmd
}

/// A temporary override file holding `text`.
fn override_file(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

#[test]
fn check_fails_on_a_named_endpoint_that_cannot_be_sent() {
    xportcn()
        .args(["check", "TB-O12"])
        .assert()
        .failure()
        .stdout(predicate::str::contains("TB-O12").and(predicate::str::contains("BLOCKED")))
        .stderr(
            predicate::str::contains("TB-O12")
                .and(predicate::str::contains("XPORTCN_PATH_OVERRIDES")),
        );
}

#[test]
fn check_passes_with_the_override_file_and_names_its_source() {
    let file = override_file("[v1]\n\"TB-O12\" = \"/open/order/pay\"\n");
    let shown = file.path().display().to_string();
    xportcn()
        .env("XPORTCN_PATH_OVERRIDES", file.path())
        .args(["check", "TB-O12"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("basis=override")
                .and(predicate::str::contains("path=/open/order/pay"))
                .and(predicate::str::contains(shown.as_str()))
                .and(predicate::str::contains("XPORTCN_PATH_OVERRIDES")),
        );
    // The [v1] table does not set v2's path.
    xportcn()
        .env("XPORTCN_PATH_OVERRIDES", file.path())
        .args(["--generation", "v2", "check", "TB-O12"])
        .assert()
        .failure();
}

#[test]
fn check_passes_on_a_verified_read() {
    xportcn()
        .args(["check", "TB-P8"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TB-P8").and(predicate::str::contains("basis=verified")));
}

#[test]
fn check_of_everything_lists_all_and_fails_only_when_strict() {
    let out = xportcn().arg("check").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), xportcn::endpoint::all().len());
    assert!(stdout.contains("BLOCKED"));
    xportcn().args(["check", "--strict"]).assert().failure();
}

#[test]
fn check_refuses_an_unknown_id_and_a_bad_override_file() {
    xportcn()
        .args(["check", "TB-NOPE"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("TB-NOPE"));
    let file = override_file("[v1]\n\"TB-O12\" = \"/open/../pay\"\n");
    xportcn()
        .env("XPORTCN_PATH_OVERRIDES", file.path())
        .args(["check", "TB-P8"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("[v1]")
                .and(predicate::str::contains("TB-O12"))
                .and(predicate::str::contains("'..'")),
        );
}

#[test]
fn check_takes_the_ids_of_recorded_traffic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, id, path) in [
        ("a.json", "TB-P8", "/open/product/get"),
        ("b.json", "TB-O14", "/sandbox/endpoints/TB-O14"),
    ] {
        let exchange = xportcn::record::Exchange::new(
            Some(id),
            "GET",
            path,
            "",
            None,
            200,
            br#"{"code":200,"msg":"ok","data":{}}"#,
        );
        std::fs::write(
            dir.path().join(name),
            serde_json::to_string(&exchange).unwrap(),
        )
        .unwrap();
    }
    xportcn()
        .args(["check", "--recording"])
        .arg(dir.path())
        .assert()
        .failure()
        .stdout(predicate::str::contains("TB-P8").and(predicate::str::contains("TB-O14")))
        .stderr(predicate::str::contains("TB-O14"));
}

#[test]
fn call_reads_the_override_file() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    // A multi-thread runtime serves the mock while the command runs here.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/open/order/pay"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"code": 200, "msg": "success", "data": {"paid": true}}),
            ))
            .expect(1)
            .mount(&server),
    );
    let creds = [
        ("XPORTCN_ACCESS_KEY", "k".to_owned()),
        ("XPORTCN_ACCESS_SECRET", "s".to_owned()),
        ("XPORTCN_USER_ID", "u".to_owned()),
        ("XPORTCN_BASE_URL", server.uri()),
    ];
    // Without the file: refused before sending.
    xportcn()
        .envs(creds.clone())
        .args(["call", "TB-O12", "--json", "{\"orderId\":\"1\"}"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not sent"));
    // With it: sent to the file's path.
    let file = override_file("[v1]\n\"TB-O12\" = \"/open/order/pay\"\n");
    xportcn()
        .envs(creds)
        .env("XPORTCN_PATH_OVERRIDES", file.path())
        .args(["call", "TB-O12", "--json", "{\"orderId\":\"1\"}"])
        .assert()
        .success()
        .stdout(predicate::str::contains("paid"));
    rt.block_on(server.verify());
}

#[test]
fn endpoints_show_prints_paths_and_request_fields() {
    xportcn()
        .args(["endpoints", "show", "TB-P8"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("/open/product/get [verified]")
                .and(predicate::str::contains("itemId"))
                .and(predicate::str::contains("required"))
                .and(predicate::str::contains("answer:    typed")),
        );
    xportcn()
        .args(["endpoints", "show", "TB-O12"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("- [unknown]")
                .and(predicate::str::contains("(any, by wire name)"))
                .and(predicate::str::contains("answer:    raw")),
        );
    xportcn()
        .args(["endpoints", "show", "NOPE"])
        .assert()
        .failure();
}

/// `xportcn sandbox --port 0 [args]`: its printed `name=value` lines (made-up
/// credentials, base URL), and a receiver of its stderr lines (the request
/// log). The child is killed on drop.
struct SandboxProcess {
    child: std::process::Child,
    printed: std::collections::HashMap<String, String>,
    stderr: std::sync::mpsc::Receiver<String>,
}

impl SandboxProcess {
    fn start(args: &[&str]) -> SandboxProcess {
        use std::io::BufRead;
        use std::process::Stdio;
        use std::time::Duration;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("xportcn"))
            .env_clear()
            .args(["sandbox", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out_tx, out_rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = out_tx.send(line);
            }
        });
        let (err_tx, err_rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let _ = err_tx.send(line);
            }
        });
        let mut printed = std::collections::HashMap::new();
        for _ in 0..4 {
            let line = out_rx.recv_timeout(Duration::from_secs(30)).unwrap();
            let (k, v) = line.split_once('=').unwrap();
            printed.insert(k.to_owned(), v.to_owned());
        }
        SandboxProcess {
            child,
            printed,
            stderr: err_rx,
        }
    }

    fn client(&self) -> xportcn::Client {
        xportcn::Client::builder()
            .credentials(xportcn::Credentials::new(
                &self.printed["access-key"],
                &self.printed["access-secret"],
                &self.printed["user-id"],
            ))
            .base_url(&self.printed["base-url"])
            .path_overrides_from_env(false)
            .build()
            .unwrap()
    }

    fn next_log(&self) -> String {
        self.stderr
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_sandbox_serves_stand_ins_only_with_the_flag_and_logs_them() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stand_in = "/sandbox/endpoints/TB-O8";
    let get = |c: &xportcn::Client| {
        rt.block_on(c.raw(xportcn::endpoint::Method::Get, stand_in).send_value())
    };
    // Default: no stand-in path (404), as production.
    let plain = SandboxProcess::start(&[]);
    let err = get(&plain.client()).unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    // --stand-ins: answered, and the request log says so.
    let with = SandboxProcess::start(&["--stand-ins"]);
    get(&with.client()).unwrap();
    let log = with.next_log();
    assert!(
        log.contains("[TB-O8]") && log.contains("(stand-in path)"),
        "{log}"
    );
}
