//! Issue 27's proof: the ten everyday tasks of the new-user trial, checked
//! with the client as shipped. Before anything is sent, the readiness report
//! names exactly the endpoints that block each task; once each of them has a
//! path in an override file, the task is sendable, and a blocked endpoint is
//! really sent to the file's path (wiremock on loopback).
//!
//! The task list is the trial's, rebuilt from the issue (its four blocked
//! tasks are the Taobao checkout's: cart list TB-C1, pay TB-O12, order list
//! TB-O8 and detail TB-O14, refund submit TB-A7).

use std::collections::BTreeSet;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::endpoint::{Generation, Method};
use xportcn::readiness::Basis;
use xportcn::{Client, Credentials};

/// (task, the endpoints it calls, the ones the shipped client cannot send).
const TASKS: &[(&str, &[&str], &[&str])] = &[
    (
        "search 1688 by keyword and read a product",
        &["AL-P4", "AL-P2"],
        &[],
    ),
    ("read a Taobao product and its SKUs", &["TB-P8"], &[]),
    (
        "fill the Taobao cart, list it and order from it",
        &["TB-C2", "TB-C1", "TB-C6"],
        &["TB-C1"],
    ),
    ("pay a Taobao order", &["TB-O12"], &["TB-O12"]),
    (
        "list Taobao orders and read one",
        &["TB-O8", "TB-O14"],
        &["TB-O8", "TB-O14"],
    ),
    ("track a Taobao parcel", &["TB-O15"], &[]),
    (
        "open a Taobao refund",
        &["TB-A2", "TB-A7", "TB-A10"],
        &["TB-A7"],
    ),
    (
        "preview, create and pay a 1688 order",
        &["AL-O1", "AL-O3", "AL-O6"],
        &[],
    ),
    ("list 1688 orders and read one", &["AL-O10", "AL-O11"], &[]),
    ("open a 1688 refund and read it", &["AL-A3", "AL-A6"], &[]),
];

fn shipped() -> xportcn::ClientBuilder {
    // The environment must not decide what this test sees.
    Client::builder()
        .generation(Generation::V1)
        .path_overrides_from_env(false)
}

#[test]
fn readiness_names_exactly_what_blocks_each_task() {
    let mut blocked_tasks = 0;
    for (task, ids, expected) in TASKS {
        let report = shipped().readiness(ids).expect("known ids");
        let blocked: BTreeSet<&str> = report.blocked().map(|e| e.id).collect();
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(blocked, expected, "task {task:?}");
        for line in report.blocked() {
            assert!(
                matches!(line.basis, Basis::Unknown | Basis::GuessedWrite),
                "{task}: {} blocked on {:?}",
                line.id,
                line.basis
            );
            let refusal = line.refusal.as_deref().unwrap_or_default();
            assert!(refusal.contains(line.id), "{task}: {refusal}");
        }
        blocked_tasks += usize::from(!blocked.is_empty());
    }
    assert_eq!(blocked_tasks, 4, "the trial's four blocked tasks");
}

#[test]
fn each_task_is_sendable_once_its_overrides_are_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.toml");
    let mut text = String::from("[v1]\n");
    for (_, _, blocked) in TASKS {
        for id in *blocked {
            text.push_str(&format!(
                "\"{id}\" = \"/own-evidence/{}\"\n",
                id.to_lowercase()
            ));
        }
    }
    std::fs::write(&file, text).unwrap();
    let builder = shipped().path_overrides_file(&file);
    for (task, ids, blocked) in TASKS {
        let report = builder.readiness(ids).expect("valid file");
        assert!(report.all_sendable(), "task {task:?} still blocked");
        for id in *blocked {
            let line = report.endpoint(id).unwrap();
            assert_eq!(line.basis, Basis::Override, "{task}: {id}");
            assert_eq!(
                line.path.as_deref(),
                Some(format!("/own-evidence/{}", id.to_lowercase()).as_str())
            );
        }
    }
}

#[tokio::test]
async fn a_blocked_endpoint_is_refused_before_sending_then_sent_to_the_file_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/own-evidence/tb-o12"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 200, "msg": "success", "data": {"paid": true}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let creds = || Credentials::new("key", "secret", "user");
    let pay = xportcn::endpoint::find("TB-O12").unwrap();
    assert_eq!(pay.method, Method::Post);

    // Shipped: refused before anything leaves the process.
    let client = shipped()
        .credentials(creds())
        .base_url(server.uri())
        .build()
        .unwrap();
    let refused = client
        .endpoint(pay)
        .json(&json!({"orderId": "1"}))
        .send_value()
        .await
        .unwrap_err();
    assert!(
        matches!(refused, xportcn::Error::PathUnavailable { .. }),
        "{refused}"
    );

    // With the file: sent to its path, once.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.toml");
    std::fs::write(&file, "[v1]\n\"TB-O12\" = \"/own-evidence/tb-o12\"\n").unwrap();
    let client = shipped()
        .path_overrides_file(&file)
        .credentials(creds())
        .base_url(server.uri())
        .build()
        .unwrap();
    let answer = client
        .endpoint(pay)
        .json(&json!({"orderId": "1"}))
        .send_value()
        .await
        .unwrap();
    assert_eq!(answer.data["paid"], json!(true));
}
