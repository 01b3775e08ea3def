//! Measures how fast the receiver acknowledges pushes while the consumer is
//! slow (2 s per message): the platform wants HTTP 200 within 1000 ms.
//!
//! ```text
//! cargo run --release --example ack_latency --features axum [PUSHES] [CONCURRENCY]
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use xportcn::Credentials;
use xportcn::callbacks::axum::Receiver;
use xportcn::callbacks::{Verifier, sign_push};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let pushes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8).max(1);

    let creds = Credentials::new("bench-access-key", "bench-secret", "2100007341207");
    let (router, mut rx) = Receiver::new(Verifier::new(creds.clone())).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });

    let processed = Arc::new(AtomicUsize::new(0));
    let done = processed.clone();
    tokio::spawn(async move {
        while let Some(_delivery) = rx.recv().await {
            tokio::time::sleep(Duration::from_secs(2)).await; // the slow consumer
            done.fetch_add(1, Ordering::SeqCst);
        }
    });

    let client = reqwest::Client::new();
    let url = format!("http://{addr}/");
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, url, creds, next) = (client.clone(), url.clone(), creds.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= pushes {
                    break;
                }
                // Distinct orders, so none is dropped as a duplicate.
                let body = format!(
                    r#"{{"messageType":"ORDER_PAY_SUCCESS","messagePlatform":1,"timestamp":"1779263269913","messageBody":"{{\"orderId\":\"{}\",\"orderNo\":\"PO{i:08}\",\"orderStatus\":\"WAITING_FOR_SENT\",\"payStatus\":2,\"totalAmount\":10000}}"}}"#,
                    3305075341149134260u64 + i as u64
                );
                let headers = sign_push(&creds, body.as_bytes());
                let start = Instant::now();
                let status = match client.post(&url).headers(headers).body(body).send().await {
                    Ok(resp) => resp.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((start.elapsed(), status));
            }
            out
        }));
    }
    let mut results = Vec::new();
    for t in tasks {
        results.extend(t.await?);
    }
    let ok = results.iter().filter(|(_, s)| *s == 200).count();
    let mut ms: Vec<f64> = results
        .iter()
        .map(|(d, _)| d.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| -> f64 {
        if ms.is_empty() {
            return 0.0;
        }
        let idx = ((p * ms.len() as f64).ceil() as usize)
            .saturating_sub(1)
            .min(ms.len() - 1);
        ms[idx]
    };
    println!(
        "{} pushes, concurrency {concurrency}, slow consumer 2 s/message: {ok} answered 200, {} processed so far",
        results.len(),
        processed.load(Ordering::SeqCst)
    );
    println!(
        "ack latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.99),
        ms.last().copied().unwrap_or(0.0)
    );
    Ok(())
}
