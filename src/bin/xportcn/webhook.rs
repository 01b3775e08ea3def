//! `xportcn webhook`: verify a saved push, or receive pushes.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Ali1688PriceModify, Message, Verifier};

use crate::{Failure, Global, config, write_line};

/// `xportcn webhook ...`.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Says whether a saved push verifies; prints its message type if so.
    Verify(VerifyArgs),
    /// Receives pushes and prints each verified message as one JSON line.
    Listen(ListenArgs),
}

/// `xportcn webhook verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The raw push body: a file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-", default_value = "-")]
    body: String,
    /// A push header, `name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// A file of push headers, one `name: value` a line (a `curl -D` dump
    /// works: its status line and blank lines are skipped).
    #[arg(long, value_name = "FILE")]
    headers_file: Option<String>,
    /// Skips the timestamp window check (for an old saved push).
    #[arg(long)]
    no_time_check: bool,
    /// Checks the timestamp against this clock reading (epoch milliseconds)
    /// instead of now.
    #[arg(long, value_name = "EPOCH_MS", conflicts_with = "no_time_check")]
    now: Option<u64>,
}

/// `xportcn webhook listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0: any free port).
    #[arg(long)]
    port: u16,
    /// Path pushes arrive at.
    #[arg(long, default_value = "/xportcn/push")]
    path: String,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
}

/// Runs a webhook subcommand.
pub async fn run(global: &Global, cmd: WebhookCommand) -> Result<(), Failure> {
    match cmd {
        WebhookCommand::Verify(args) => verify(global, &args),
        WebhookCommand::Listen(args) => listen(global, &args).await,
    }
}

fn verify(global: &Global, args: &VerifyArgs) -> Result<(), Failure> {
    let mut verifier = Verifier::new(global.credentials()?);
    if args.no_time_check {
        verifier = verifier.timestamp_window(Duration::MAX);
    }
    let mut headers = HeaderMap::new();
    if let Some(file) = &args.headers_file {
        let text = std::fs::read_to_string(file)
            .map_err(Failure::io(format!("cannot read --headers-file {file}")))?;
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with("HTTP/") {
                add_header(&mut headers, line)?;
            }
        }
    }
    for h in &args.headers {
        add_header(&mut headers, h)?;
    }
    let body = if args.body == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(Failure::io("cannot read the body from stdin"))?;
        buf
    } else {
        std::fs::read(&args.body)
            .map_err(Failure::io(format!("cannot read --body {}", args.body)))?
    };
    let now = match args.now {
        Some(ms) => UNIX_EPOCH + Duration::from_millis(ms),
        None => SystemTime::now(),
    };
    let message = verifier.verify_at(&headers, &body, now)?;
    write_line(message.message_type())
}

/// Adds a `name: value` header.
fn add_header(headers: &mut HeaderMap, line: &str) -> Result<(), Failure> {
    let bad = || config(format!("a header is `name: value`, not {line:?}"));
    let (name, value) = line.split_once(':').ok_or_else(bad)?;
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?;
    let value = HeaderValue::from_str(value.trim()).map_err(|_| bad())?;
    headers.append(name, value);
    Ok(())
}

async fn listen(global: &Global, args: &ListenArgs) -> Result<(), Failure> {
    if !args.path.starts_with('/') {
        return Err(config(format!("--path {:?} must start with '/'", args.path)).into());
    }
    let verifier = Verifier::new(global.credentials()?);
    let (router, mut deliveries) = Receiver::new(verifier).build();
    let app = if args.path == "/" {
        router
    } else {
        axum::Router::new().nest(&args.path, router)
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(Failure::io(format!("cannot listen on {addr}")))?;
    let local = listener
        .local_addr()
        .map_err(Failure::io("cannot read the listening address"))?;
    eprintln!("listening on http://{local}{}", args.path);
    let printer = async {
        while let Some(delivery) = deliveries.recv().await {
            let mut line = message_json(&delivery.message);
            line["dedupKey"] = Value::String(delivery.dedup_key);
            write_line(&line.to_string())?;
        }
        Ok::<(), Failure>(())
    };
    tokio::select! {
        served = serve(listener, app, ServeConfig::default()) => {
            served.map_err(Failure::io("the receiver stopped"))
        }
        printed = printer => printed,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// A verified message as one JSON object: its envelope and typed body.
fn message_json(m: &Message) -> Value {
    let body = match m {
        Message::TaobaoPriceModify { body, .. } => serde_json::to_value(body),
        Message::TaobaoOrderStatus { body, .. } | Message::Ali1688OrderStatus { body, .. } => {
            serde_json::to_value(body)
        }
        Message::TaobaoRefund { body, .. } => serde_json::to_value(body),
        Message::Ali1688PriceModify { body, .. } => match body {
            Ali1688PriceModify::Order(o) => serde_json::to_value(o),
            Ali1688PriceModify::Summary(s) => serde_json::to_value(s),
            _ => Ok(Value::Null),
        },
        Message::Ali1688Refund { body, .. } => serde_json::to_value(body),
        Message::ParcelInbound { body, .. } => serde_json::to_value(body),
        Message::Unknown { raw, .. } => Ok(raw.clone()),
        _ => Ok(Value::Null),
    };
    json!({
        "messageType": m.message_type(),
        "platform": m.platform().code(),
        "id": m.id().map(ToString::to_string),
        "retryCount": m.retry_count(),
        "pushedAt": m.pushed_at().map(ToString::to_string),
        "body": body.unwrap_or(Value::Null),
    })
}
