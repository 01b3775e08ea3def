//! The probe logs every request (issue 27, part 4). Alone in its test
//! binary: a test on another thread without a subscriber would cache the log
//! callsite as "not interested" and hide the events from this one.

mod common;

use std::time::Duration;

use wiremock::MockServer;
use xportcn::probe::Prober;

/// Every request is logged at INFO with the endpoint, method, path and
/// outcome; never the secret.
#[tokio::test]
async fn every_request_is_logged_without_secrets() {
    let (buf, _guard) = common::capture_logs(tracing::Level::INFO);
    let server = MockServer::start().await;
    let report = Prober::new(common::client(&server))
        .interval(Duration::ZERO)
        .max_per_endpoint(3)
        .run(["TB-O14"])
        .await
        .expect("a run");
    let out = buf.text();
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("probe request"))
        .collect();
    assert_eq!(lines.len(), report.requests, "{out}");
    assert_eq!(report.requests, 4);
    assert!(lines[0].contains("endpoint=\"control\""), "{}", lines[0]);
    for (line, tried) in lines[1..].iter().zip(&report.endpoints[0].tried) {
        assert!(line.contains("endpoint=\"TB-O14\""), "{line}");
        assert!(line.contains("method=\"GET\""), "{line}");
        assert!(line.contains(&tried.path), "{line}");
        assert!(line.contains("missing"), "{line}");
    }
    assert!(!out.contains(common::SECRET), "the secret leaked into logs");
}
