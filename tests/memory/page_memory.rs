//! Peak memory of the paths that used to build one `serde_json::Value` of a
//! whole answer (issue 19, finding 2): `RawCall::pages` and the printing of
//! `xportcn call` (`send_raw` + the re-indenting printer). Measured with a
//! counting allocator over the whole process (client, and the raw server on
//! 127.0.0.1 that writes a prepared answer without copying it).
//!
//! It holds `counting_alloc::ALONE`, so no other test measures meanwhile.
//! Run `cargo test --test memory page_memory -- --nocapture` to see the
//! figures.

use crate::common;
use crate::counting_alloc;
#[path = "../../xportcn-cli/src/json_text.rs"]
mod json_text;
use crate::raw_server;

use std::sync::Arc;

use futures_util::StreamExt;
use raw_server::RawServer;
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// About 7.5 MiB of the smallest objects (`{"a":1}`): the worst case of a
/// `Value` tree, 84x the text.
fn small_objects(n: usize) -> String {
    let mut s = String::with_capacity(n * 8 + 2);
    s.push('[');
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"a":1}"#);
    }
    s.push(']');
    s
}

/// A server answering every request with `response` (head and body),
/// written from the shared buffer.
async fn serve(response: Arc<Vec<u8>>) -> RawServer {
    RawServer::start(move |mut stream, _req| {
        let response = Arc::clone(&response);
        async move {
            let _ = stream.write_all(&response).await;
            let _ = stream.shutdown().await;
        }
    })
    .await
}

fn http_response(body: &str) -> Arc<Vec<u8>> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body.as_bytes());
    Arc::new(r)
}

#[tokio::test]
async fn pages_and_the_cli_printer_stay_within_four_times_the_body() {
    let _alone = counting_alloc::ALONE.lock().await;
    const ITEMS: usize = 980_000;
    let objects = small_objects(ITEMS);
    let page = format!(
        r#"{{"code":200,"msg":"ok","requestId":"r","data":{{"totalRecords":{ITEMS},"totalPage":1,"data":{objects}}}}}"#
    );
    drop(objects);
    let size = page.len();
    let server = serve(http_response(&page)).await;
    let client = common::fast_builder(format!("http://{}", server.addr), common::credentials())
        .build()
        .unwrap();
    let spec = xportcn::endpoint::find("AL-P4").unwrap();
    let mut report = Vec::new();

    // RawCall::pages: every item taken (and dropped) as it comes.
    let base = counting_alloc::start();
    let mut items = std::pin::pin!(
        client
            .endpoint(spec)
            .json(&json!({"keyword": "x", "pageSize": ITEMS}))
            .pages(1)
    );
    let mut n = 0usize;
    while let Some(item) = items.next().await {
        assert_eq!(item.unwrap(), json!({"a": 1}));
        n += 1;
    }
    let grew = counting_alloc::growth(base);
    assert_eq!(n, ITEMS);
    report.push(("RawCall::pages, items taken one by one", grew));

    // The CLI's `call`: send_raw, then the re-indenting printer.
    let base = counting_alloc::start();
    let resp = client
        .endpoint(spec)
        .json(&json!({"keyword": "x"}))
        .send_raw()
        .await
        .unwrap();
    let mut out = std::io::BufWriter::new(std::io::sink());
    json_text::write_pretty(resp.data.get(), &mut out).unwrap();
    drop(out);
    drop(resp);
    let grew_cli = counting_alloc::growth(base);
    report.push(("xportcn call: send_raw + printer", grew_cli));

    // For comparison (not run here: it allocates some 660 MB): the same
    // body through `send_value`, which both paths used before, measured
    // 84.40x (661,736,075 B) with this allocator.

    for (name, grew) in &report {
        println!(
            "{name}: body {size} B, peak growth {grew} B = {:.2}x",
            *grew as f64 / size as f64
        );
    }
    for (name, grew) in report {
        let multiple = grew as f64 / size as f64;
        assert!(multiple <= 4.0, "{name}: {multiple:.2}x the body");
    }
}
