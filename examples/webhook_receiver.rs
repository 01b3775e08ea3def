//! A push receiver on 127.0.0.1 that stores every verified push in a durable
//! SQLite inbox (`webhook-inbox.sqlite3` in the working directory) before it
//! answers 200, and a consumer that logs and acks each one.
//!
//! ```text
//! XPORTCN_ACCESS_KEY=... XPORTCN_ACCESS_SECRET=... XPORTCN_USER_ID=... \
//!   cargo run --example webhook_receiver --features axum
//! ```
//!
//! It listens on 127.0.0.1 at `/xportcn/push`, on `$PORT` if set, otherwise
//! on a free port it prints. Put a TLS reverse proxy in front of it: the
//! platform pushes over HTTPS. Without credentials in the environment it
//! uses demo credentials (and says so) and prints a signed `curl` command
//! you can try.

use xportcn::Credentials;
use xportcn::callbacks::axum::{Receiver, ServeConfig, serve};
use xportcn::callbacks::{Consumer, Message, SqliteInbox, Verifier, sign_push};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let creds = match Credentials::from_env() {
        Ok(creds) => creds,
        Err(_) => {
            println!(
                "No XPORTCN_ACCESS_KEY / XPORTCN_ACCESS_SECRET / XPORTCN_USER_ID set: \
                 verifying with demo credentials"
            );
            Credentials::new("demo-access-key", "demo-secret", "2100007341207")
        }
    };
    let verifier = Verifier::new(creds.clone());
    // Durable: a push answered 200 survives a crash of this process.
    let inbox = std::sync::Arc::new(SqliteInbox::open("webhook-inbox.sqlite3")?);
    let router = Receiver::new(verifier, inbox.clone()).router();

    // Your processing: may be slow, the push is already stored. Ack after
    // handling: a push not acked (a crash) is delivered again.
    let mut consumer = Consumer::new(inbox);
    tokio::spawn(async move {
        while let Ok(delivery) = consumer.next().await {
            let msg = &delivery.message;
            match msg {
                Message::Ali1688OrderStatus { event, body, .. }
                | Message::TaobaoOrderStatus { event, body, .. } => {
                    println!(
                        "order {:?}: {event:?} -> {:?}",
                        body.order_id, body.order_status
                    );
                }
                Message::Ali1688Refund { body, .. } => {
                    println!(
                        "1688 refund {:?} of order {:?}: {:?}",
                        body.refund_id, body.order_id, body.status
                    );
                }
                other => println!(
                    "{} on {} (key {}): {:?}",
                    other.message_type(),
                    other.platform(),
                    delivery.dedup_key,
                    other
                ),
            }
            if let Err(e) = delivery.ack().await {
                eprintln!("ack failed ({e}): the push will be delivered again");
            }
        }
    });

    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let app = axum::Router::new().nest("/xportcn/push", router);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}/xportcn/push");

    let sample = br#"{"messageType":"ORDER_CREATE","messagePlatform":1,"timestamp":"1779263269913","messageBody":{"orderId":"3305075341149134260","orderStatus":"WAITING_FOR_PAYMENT"}}"#;
    let headers = sign_push(&creds, sample);
    let mut curl = format!("curl -i http://{addr}/xportcn/push");
    for (name, value) in &headers {
        curl.push_str(&format!(
            " -H '{}: {}'",
            name,
            value.to_str().unwrap_or_default()
        ));
    }
    curl.push_str(&format!(" --data '{}'", String::from_utf8_lossy(sample)));
    println!("try (valid for 10 minutes, once):\n{curl}");

    // Not `axum::serve`: this one closes connections whose headers (5 s) or
    // body (5 s, the receiver's) stall, and refuses connections past 256.
    serve(listener, app, ServeConfig::default()).await?;
    Ok(())
}
