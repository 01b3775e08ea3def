//! Discovery of undocumented read paths (issue 27, part 4), on loopback
//! only: the sandbox hiding reads at paths the test draws at random from the
//! candidates (the prober is not told), a server that answers everything 200
//! (the probe is not fooled), writes never probed, and the bounds.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::endpoint::{self, Generation};
use xportcn::probe::{ProbeStatus, Prober, Verdict, candidates};
use xportcn_sandbox::Sandbox;

/// The reads hidden in the sandbox: GET and POST, Taobao, 1688 and basics.
const HIDDEN: [&str; 6] = ["TB-O14", "TB-C1", "TB-O8", "AL-O9", "BA-1", "TB-A8"];

/// A prober without the 2-per-second pause (loopback tests).
fn prober(client: xportcn::Client) -> Prober {
    Prober::new(client).interval(Duration::ZERO)
}

/// The seed: `PROBE_SEED` to replay a run, else a fresh one (printed).
fn seed() -> u64 {
    let seed = std::env::var("PROBE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("PROBE_SEED={seed}");
    seed
}

#[tokio::test]
async fn the_probe_finds_reads_hidden_at_paths_drawn_from_the_candidates() {
    hidden_reads_are_found(Generation::V1).await;
}

/// The same in the second generation (`/v2/taobao/...`, `/v2/alibaba/...`,
/// `/v2/open/...`).
#[tokio::test]
async fn the_probe_finds_hidden_reads_in_the_second_generation() {
    hidden_reads_are_found(Generation::V2).await;
}

async fn hidden_reads_are_found(generation: Generation) {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed);
    let per_endpoint = xportcn::probe::DEFAULT_MAX_PER_ENDPOINT;
    let mut hidden: BTreeMap<&str, String> = BTreeMap::new();
    for id in HIDDEN {
        let spec = endpoint::find(id).expect("registered");
        let c = candidates(spec, generation);
        let reachable = c.len().min(per_endpoint);
        assert!(reachable >= 2, "{id}: {c:?}");
        hidden.insert(id, c[rng.random_range(0..reachable)].clone());
    }
    let sandbox = Sandbox::builder()
        .hide_reads_at(hidden.iter().map(|(id, p)| (*id, p.clone())))
        .start()
        .await
        .expect("the sandbox starts");
    // The client as shipped: no override, no stand-in.
    let client = sandbox
        .shipped_client_builder()
        .generation(generation)
        .build()
        .expect("client");
    let report = prober(client).run(HIDDEN).await.expect("a run");

    for e in &report.endpoints {
        let want = &hidden[e.id];
        assert_eq!(
            e.status,
            ProbeStatus::Found { path: want.clone() },
            "seed {seed}: {} tried {:?}",
            e.id,
            e.tried
        );
        // It stopped at the first present candidate: every earlier one was
        // missing, none after it was sent.
        let (last, before) = e.tried.split_last().expect("something tried");
        assert_eq!(&last.path, want);
        assert!(matches!(last.outcome, Verdict::Present { .. }), "{last:?}");
        assert!(
            before
                .iter()
                .all(|t| matches!(t.outcome, Verdict::Missing { .. })),
            "{before:?}"
        );
    }
    // One override line per hidden read, under `[v1]`.
    let overrides = report.overrides();
    assert!(
        overrides.starts_with(&format!("[{generation}]\n")),
        "{overrides}"
    );
    for (id, p) in &hidden {
        assert!(
            overrides.contains(&format!("\"{id}\" = \"{p}\"\n")),
            "{overrides}"
        );
    }
    assert!(!report.is_inconclusive(), "{report:?}");
    // Every request the sandbox saw is one of the report's: controls and
    // candidates, nothing else.
    let seen = sandbox.requests();
    let sent: usize = report.endpoints.iter().map(|e| e.tried.len()).sum();
    assert_eq!(seen.len(), sent + report.controls.len(), "{seen:#?}");
    assert_eq!(report.requests, seen.len());
    sandbox.shutdown().await;
}

/// A server that answers every request 200 with a success body: the control
/// request (a path that cannot exist) is answered "present", so the probe
/// says the server gives no signal, sends no candidate and prints no
/// override line.
#[tokio::test]
async fn an_always_200_server_does_not_fool_the_probe() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::envelope(serde_json::json!({}))),
        )
        .mount(&server)
        .await;
    let report = prober(common::client(&server))
        .run(["TB-O14", "TB-C1", "TB-A8"])
        .await
        .expect("a run");
    assert_eq!(report.overrides(), "");
    assert_eq!(report.found().count(), 0);
    assert!(report.is_inconclusive());
    for e in &report.endpoints {
        assert!(
            matches!(&e.status, ProbeStatus::Inconclusive { reason } if reason.contains("cannot exist")),
            "{e:?}"
        );
        assert!(e.tried.is_empty(), "no candidate sent: {e:?}");
    }
    // Only the controls reached the server: one per path family and method
    // (`/open/` GET, `/open/` POST).
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(
        received
            .iter()
            .all(|r| r.url.path().contains(xportcn::probe::CONTROL_SEGMENT))
    );
}

/// A platform whose "no such path" is an HTTP 200 envelope with its own
/// business code: the control learns that code, and a candidate answering
/// another code is present.
#[tokio::test]
async fn a_no_such_path_business_code_is_learned_from_the_control() {
    let server = MockServer::start().await;
    Mock::given(path("/api/open/order/get"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"code": 2004, "msg": "订单不存在", "data": null}),
            ),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"code": 9404, "msg": "接口不存在", "data": null}),
            ),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let report = prober(common::client(&server))
        .run(["TB-O14"])
        .await
        .expect("a run");
    let e = &report.endpoints[0];
    assert_eq!(
        e.status,
        ProbeStatus::Found {
            path: "/open/order/get".to_owned()
        },
        "{e:?}"
    );
    assert!(matches!(&e.tried[0].outcome, Verdict::Missing { why } if why.contains("9404")));
    assert_eq!(
        report.overrides(),
        "[v1]\n\"TB-O14\" = \"/open/order/get\"\n"
    );
}

/// A write is listed "ask the platform" and never probed: not one request,
/// not even a control.
#[tokio::test]
async fn writes_are_never_probed() {
    let server = MockServer::start().await;
    let writes = ["TB-O12", "TB-O10", "TB-A7", "TB-O9", "TB-C3", "AL-O5"];
    for id in writes {
        assert!(!endpoint::find(id).expect("registered").idempotent, "{id}");
    }
    let report = prober(common::client(&server))
        .run(writes)
        .await
        .expect("a run");
    for e in &report.endpoints {
        assert_eq!(e.status, ProbeStatus::AskThePlatform, "{e:?}");
        assert!(e.tried.is_empty());
    }
    assert_eq!(report.requests, 0);
    assert!(report.controls.is_empty());
    let received = server.received_requests().await.expect("recorded");
    assert!(received.is_empty(), "{received:?}");
    // A run over every endpoint sends no request to a write's candidates.
    let all = prober(common::client(&server))
        .max_total(10)
        .run(Vec::<&str>::new())
        .await
        .expect("a run");
    // Every request it sent is a control or a read's candidate.
    let received = server.received_requests().await.expect("recorded");
    let reads: usize = all.endpoints.iter().map(|e| e.tried.len()).sum();
    assert_eq!(received.len(), reads + all.controls.len());
    assert!(
        all.endpoints
            .iter()
            .filter(|e| !e.tried.is_empty())
            .all(|e| endpoint::find(e.id).expect("registered").idempotent)
    );
    assert!(
        all.endpoints
            .iter()
            .filter(|e| !endpoint::find(e.id).expect("registered").idempotent)
            .all(|e| e.status == ProbeStatus::AskThePlatform && e.tried.is_empty())
    );
}

/// The bounds: at most `max_per_endpoint` candidates per endpoint and
/// `max_total` requests in all (controls included); the rest is reported
/// "not probed". A deadline of zero sends nothing.
#[tokio::test]
async fn the_bounds_are_respected() {
    // wiremock answers 404 to anything not mounted: every route is missing.
    let server = MockServer::start().await;
    let report = prober(common::client(&server))
        .max_per_endpoint(2)
        .max_total(5)
        .run(["TB-O14", "TB-C1", "TB-O8"])
        .await
        .expect("a run");
    let received = server.received_requests().await.expect("recorded");
    assert_eq!(received.len(), 5, "{received:?}");
    assert_eq!(report.requests, 5);
    // The control of `/open/` (GET), two candidates of TB-O14, two of TB-C1.
    assert_eq!(report.controls.len(), 1);
    let by_id = |id: &str| report.endpoints.iter().find(|e| e.id == id).expect(id);
    for id in ["TB-O14", "TB-C1"] {
        let e = by_id(id);
        assert_eq!(e.tried.len(), 2, "{e:?}");
        assert!(
            matches!(e.status, ProbeStatus::NotFound { untried } if untried > 0),
            "{e:?}"
        );
    }
    let e = by_id("TB-O8");
    assert!(e.tried.is_empty());
    assert!(
        matches!(&e.status, ProbeStatus::NotProbed { reason } if reason.contains("5 requests")),
        "{e:?}"
    );
    assert!(report.stopped.is_some());

    let server = MockServer::start().await;
    let report = prober(common::client(&server))
        .deadline(Duration::ZERO)
        .run(["TB-O14"])
        .await
        .expect("a run");
    assert_eq!(report.requests, 0);
    assert!(
        matches!(&report.endpoints[0].status, ProbeStatus::NotProbed { reason } if reason.contains("deadline"))
    );
    assert!(
        server
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );
}

/// The candidate list of `docs/probe.md` is the code's
/// (`probe::candidates` of every read, both generations).
#[test]
fn docs_probe_lists_the_candidates_of_the_code() {
    let start = "<!-- candidates: generated from xportcn::probe::candidates -->\n";
    let end = "<!-- /candidates -->";
    let list = |c: Vec<String>| {
        if c.is_empty() {
            "none".to_owned()
        } else {
            c.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut want = String::new();
    for spec in endpoint::all().iter().filter(|s| s.idempotent) {
        let (v1, v2) = (
            candidates(spec, Generation::V1),
            candidates(spec, Generation::V2),
        );
        if v1.is_empty() && v2.is_empty() {
            continue;
        }
        want.push_str(&format!(
            "- `{}` ({}): v1 {}; v2 {}\n",
            spec.id,
            spec.method,
            list(v1),
            list(v2)
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/probe.md");
    let doc = std::fs::read_to_string(path).expect("docs/probe.md");
    let from = doc.find(start).expect("its start marker") + start.len();
    let to = from + doc[from..].find(end).expect("its end marker");
    assert_eq!(
        &doc[from..to],
        want,
        "docs/probe.md's candidate list is stale; replace it with:\n{want}"
    );
}
