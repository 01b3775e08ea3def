//! A bounded loopback experiment: memory of the push receiver under stalled
//! clients and nonce floods (the figures in RELIABILITY.md).
//!
//! ```text
//! cargo run --release -p xportcn-tools --bin receiver_memory
//! STALLED=500 FLOOD=100000 cargo run --release -p xportcn-tools --bin receiver_memory
//! ```
//!
//! Everything runs in this process on 127.0.0.1; memory is the process's
//! resident set (`VmRSS`, Linux `/proc/self/status`), so it includes the
//! client side too (client sockets are small: their buffers are the
//! kernel's).

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{MemoryReplayStore, Verifier, sign_push, sign_push_with};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What each client was answered before its connection closed (20 s at
/// most).
async fn answers(clients: Vec<TcpStream>) -> Vec<String> {
    let mut tasks = Vec::new();
    for mut s in clients {
        tasks.push(tokio::spawn(async move {
            let mut buf = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
            String::from_utf8_lossy(&buf).into_owned()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or_default());
    }
    out
}

fn now_ms() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis().to_string())
        .unwrap_or_default()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stalled = env_usize("STALLED", 500);
    let flood = env_usize("FLOOD", 100_000);
    let creds = Credentials::new("demo-access-key", "demo-secret", "2100007341207");

    // ---- Stalled clients against serve() with the default limits, except
    // shorter timeouts so the run stays short.
    let timeout = Duration::from_secs(2);
    let config = ServeConfig::default().header_read_timeout(timeout);
    let max = config.max_connections;
    let inbox = std::sync::Arc::new(xportcn::callbacks::MemoryInbox::new());
    let router = Receiver::new(Verifier::new(creds.clone()), inbox)
        .body_timeout(timeout)
        .router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, router, config));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = rss_kib();

    let started = Instant::now();
    let mut clients = Vec::with_capacity(stalled);
    for _ in 0..stalled {
        let mut s = TcpStream::connect(addr).await?;
        // Headers promising 1000 bytes, 10 bytes, then silence.
        s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"message")
            .await?;
        clients.push(s);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let held_rss = rss_kib();
    let mut refused = 0usize;
    let mut timed_out = 0usize;
    for text in answers(clients).await {
        if text.starts_with("HTTP/1.1 503") {
            refused += 1;
        } else if text.starts_with("HTTP/1.1 408") {
            timed_out += 1;
        }
    }
    let all_closed = started.elapsed();
    let after_rss = rss_kib();
    println!("stalled clients: {stalled} (max_connections {max}, header/body timeout {timeout:?})");
    println!(
        "  held (408 after the body timeout): {timed_out}; refused at once (503): {refused}; all closed after {:.1?}",
        all_closed
    );
    println!(
        "  RSS: before {base} KiB, while held {held_rss} KiB (+{} KiB, {:.1} KiB per held connection), after {after_rss} KiB",
        held_rss.saturating_sub(base),
        held_rss.saturating_sub(base) as f64 / timed_out.max(1) as f64
    );
    server.abort();

    // ---- Parked near-limit bodies: each client sends ~1,000,000 of the
    // 1,040,000 bytes it announced (the limit is 1 MiB), then stalls.
    let parked = env_usize("PARKED", 256);
    let inbox = std::sync::Arc::new(xportcn::callbacks::MemoryInbox::new());
    let router = Receiver::new(Verifier::new(creds.clone()), inbox)
        .body_timeout(timeout)
        .router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, router, ServeConfig::default()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = rss_kib();
    let chunk = vec![b' '; 1_000_000];
    let mut clients = Vec::with_capacity(parked);
    for _ in 0..parked {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1040000\r\n\r\n")
            .await?;
        let _ = tokio::time::timeout(Duration::from_millis(200), s.write_all(&chunk)).await;
        clients.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let held_rss = rss_kib();
    let (mut busy, mut timed_out) = (0usize, 0usize);
    for text in answers(clients).await {
        if text.starts_with("HTTP/1.1 503") {
            busy += 1;
        } else if text.starts_with("HTTP/1.1 408") {
            timed_out += 1;
        }
    }
    let grew = held_rss.saturating_sub(base);
    println!(
        "parked near-limit bodies: {parked} clients, ~1,000,000 of 1,040,000 bytes sent each \
         (body buffers bounded at {} bytes)",
        16 * 1024 * 1024 // `Receiver::max_buffered_bytes`, default 16 MiB
    );
    println!(
        "  refused for want of buffer room (503): {busy}; held then 408: {timed_out}; \
         RSS before {base} KiB, while parked {held_rss} KiB (+{grew} KiB in all, {:.1} KiB per client, \
         {:.2}x the body per held body)",
        grew as f64 / parked.max(1) as f64,
        grew as f64 * 1024.0 / (timed_out.max(1) as f64 * 1_000_000.0)
    );
    server.abort();

    // ---- Nonce floods against the verifier's default memory (4 MiB).
    let body = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"1","orderStatus":"WAITING_FOR_PAYMENT"}}"#;
    let ts = now_ms();

    // (a) Forged pushes, each with a fresh 64-byte nonce.
    let store = MemoryReplayStore::default();
    let v = Verifier::new(creds.clone()).replay_store(Arc::new(store.clone()));
    let forger = Credentials::new("demo-access-key", "guessed", "2100007341207");
    let before = rss_kib();
    let mut rejected = 0usize;
    for i in 0..flood {
        let h = sign_push_with(&forger, body, &ts, &format!("{i:064}"));
        rejected += usize::from(v.verify(&h, body).is_err());
    }
    println!(
        "nonce flood (a), {flood} forged pushes with 64-byte nonces: {rejected} rejected; store {} entries, {} bytes; RSS +{} KiB",
        store.len(),
        store.bytes(),
        rss_kib().saturating_sub(before)
    );

    // (b) One captured genuine push (Authorization only), re-sent with
    // fresh nonces and timestamps.
    let auth = sign_push(&creds, body);
    let mut captured = HeaderMap::new();
    if let Some(a) = auth.get("authorization") {
        captured.insert("authorization", a.clone());
    }
    let before = rss_kib();
    let mut accepted = 0usize;
    for i in 0..flood {
        let mut h = captured.clone();
        if let Ok(n) = HeaderValue::from_str(&format!("{i:064}")) {
            h.insert("nonce-str", n);
        }
        accepted += usize::from(v.verify(&h, body).is_ok());
    }
    println!(
        "nonce flood (b), {flood} replays of one captured Authorization-only push with fresh nonces: {accepted} verified (the receiver's dedup key delivers it once); store {} entries, {} bytes; RSS +{} KiB",
        store.len(),
        store.bytes(),
        rss_kib().saturating_sub(before)
    );

    // (c) Worst case, only possible with the secret: genuinely signed
    // pushes, each with a fresh authenticated nonce.
    let before = rss_kib();
    for _ in 0..flood {
        let h = sign_push(&creds, body);
        let _ = v.verify(&h, body);
    }
    println!(
        "nonce flood (c), {flood} genuinely signed pushes: store {} entries, {} bytes (budget {}); RSS +{} KiB",
        store.len(),
        store.bytes(),
        4 * 1024 * 1024, // the default `MemoryReplayStore`: 4 MiB
        rss_kib().saturating_sub(before)
    );
    Ok(())
}
