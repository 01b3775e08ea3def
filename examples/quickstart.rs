//! Quickstart: a whole Taobao order flow, signed calls, typed responses,
//! retries and typed errors.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `XPORTCN_*` variables set, the example starts the SDK's embedded
//! sandbox (`xportcn_sandbox`, on 127.0.0.1, inside this process), which
//! checks every signature the way the platform does and keeps the order's
//! state, and walks a whole order flow against it: product, preview,
//! create, pay, detail, logistics, refund. With `XPORTCN_ACCESS_KEY`,
//! `XPORTCN_ACCESS_SECRET` and `XPORTCN_USER_ID` all set, it makes one
//! read-only call to the real platform instead (`XPORTCN_BASE_URL` picks
//! another host; default Xportcn). With only some of them set, it says which
//! are missing and stops.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::{Value, json};
use xportcn::pointer::ReadAt;
use xportcn::retry::RetryPolicy;
use xportcn::taobao::{OrderLine, PurchaseReceiver, RenderLine};
use xportcn::types::{Fen, Id};
use xportcn::{Client, Credentials, Error};
use xportcn_sandbox::{Failure, Sandbox};

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let vars = [
        Credentials::ENV_ACCESS_KEY,
        Credentials::ENV_ACCESS_SECRET,
        Credentials::ENV_USER_ID,
    ];
    let set: Vec<&str> = vars
        .iter()
        .copied()
        .filter(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()))
        .collect();
    let result = match set.len() {
        0 => sandbox_flow().await,
        3 => match Credentials::from_env() {
            Ok(creds) => real_platform(creds).await,
            Err(e) => Err(e.into()),
        },
        _ => {
            let missing: Vec<&str> = vars.iter().copied().filter(|v| !set.contains(v)).collect();
            eprintln!(
                "{} set, {} not set: set all three to call the real platform, \
                 or none to run against the sandbox",
                set.join(" and "),
                missing.join(" and ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One read-only call to the real platform.
async fn real_platform(creds: Credentials) -> Result<(), BoxError> {
    let mut builder = Client::builder().credentials(creds);
    if let Ok(url) = std::env::var("XPORTCN_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    println!("Calling the real platform at {}", client.base_url());
    let item = std::env::var("XPORTCN_ITEM_ID").unwrap_or_else(|_| "672991141190".to_owned());
    let r = client
        .taobao()
        .product_get(item.as_str())
        .send_full()
        .await?;
    println!(
        "GET /open/product/get?itemId={item} -> requestId {:?}",
        r.request_id
    );
    println!(
        "  title: {:?}, price: {:?}, {} SKUs",
        r.data.title,
        r.data.price,
        r.data.sku_list.len()
    );
    Ok(())
}

fn receiver() -> PurchaseReceiver {
    PurchaseReceiver::builder()
        .zip("311121")
        .country("中国")
        .address("智溢路西部科技园")
        .city("杭州市")
        .phone("15068763421")
        .mobile_phone("15068763421")
        .district("余杭区")
        .name("simon")
        .state("浙江省")
        .build()
}

/// The whole Taobao flow against the embedded sandbox.
async fn sandbox_flow() -> Result<(), BoxError> {
    // Stand-ins, opted in: the sandbox serves the steps whose real path no
    // doc page shows (pay, order detail, refund submit) at its own stand-in
    // paths, each answer marked `x-xportcn-stand-in` and logged at WARN.
    // Without `stand_ins(true)` its client refuses them, as production does.
    let sandbox = Sandbox::builder().stand_ins(true).start().await?;
    println!(
        "No XPORTCN_* credentials set: using the SDK's sandbox at {} (access-key {})\n",
        sandbox.base_url(),
        sandbox.credentials().access_key()
    );
    // Before anything is sent: which steps production would refuse (the
    // readiness report of the client as shipped; `xportcn check` prints it).
    let flow = [
        "TB-P8", "TB-O4", "TB-O7", "TB-O12", "TB-O14", "TB-O15", "TB-A2", "TB-A7",
    ];
    let report = sandbox.shipped_client_builder().readiness(&flow)?;
    println!(
        "0. Readiness of this flow in production (xportcn check {})",
        flow.join(" ")
    );
    for e in &report.endpoints {
        let verdict = if e.sendable() { "sendable" } else { "BLOCKED" };
        println!("   {:<7} {verdict:<8} ({})", e.id, e.basis);
    }
    println!(
        "   -> {} of {} blocked until their paths are set (XPORTCN_PATH_OVERRIDES, \
         docs/going-live.md); below they go to the sandbox's stand-ins\n",
        report.blocked().count(),
        flow.len()
    );
    // The sandbox's client: its URL, its credentials, and (stand-ins on)
    // the stand-in paths of the blocked steps.
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(50)))
        .build()?;

    println!("1. Product (GET /open/product/get)");
    let product = client.taobao().product_get("672991141190").await?;
    let sku = product.sku_list.first().ok_or("the product has no SKU")?;
    let (item_id, sku_id) = (
        product.item_id.clone().ok_or("no itemId")?,
        sku.sku_id.clone().ok_or("no skuId")?,
    );
    let price = sku.price.ok_or("no SKU price")?;
    println!(
        "   -> {:?}, SKU {sku_id} at {price} fen\n",
        product.title.as_deref().unwrap_or("")
    );

    println!("2. Preview two of them (POST /open/order/render)");
    let preview = client
        .taobao()
        .purchase_order_render()
        .order_line_list(vec![
            RenderLine::builder()
                .item_id(item_id.clone())
                .quantity(2u32)
                .sku_id(sku_id.clone())
                .build(),
        ])
        .receiver(receiver())
        .await?;
    println!("   -> pay amount {}\n", preview.at::<Fen>("/payAmount")?);

    println!("3. Create the order (POST /open/order)");
    let line = OrderLine::builder()
        .item_id(item_id)
        .order_line_no("1")
        .quantity(2u32)
        .price(Fen(price))
        .currency("CNY")
        .sku_id(sku_id)
        .build();
    let created = client
        .taobao()
        .purchase_order_create()
        .order_line_list(vec![line])
        .purchase_amount(Fen(price * 2))
        .receiver(receiver())
        .seller_order_number("LZ-2026-000118".to_owned())
        .await?;
    // Answers whose schema the docs do not show stay raw JSON; `ReadAt::at`
    // reads one value by JSON pointer into a type. An id reads the same from
    // a JSON string or number (never `value.to_string()`, which keeps the
    // quotes of a string).
    let order_id: Id = created.at("/orderId")?;
    println!("   -> order {order_id}\n");
    let by_order = || -> serde_json::Map<String, Value> {
        [("orderId".to_owned(), json!(order_id))]
            .into_iter()
            .collect()
    };

    println!(
        "4. Pay it (TB-O12: no doc page shows its path; production refuses it, the sandbox \
         serves a stand-in)"
    );
    client.taobao().order_pay().other(by_order()).await?;
    let detail = client.taobao().order_detail().other(by_order()).await?;
    println!(
        "   -> the order reads back with status {} (10 = waiting for the seller to ship)\n",
        detail.at::<i64>("/status")?
    );
    let sub_order: Id = detail.at("/subOrders/0/subPurchaseOrderId")?;

    println!("5. Logistics of its sub-order (GET /open/order/logistics/detail/get)");
    let logistics = client
        .taobao()
        .logistics_detail()
        .sub_purchase_order_id(sub_order.clone())
        .await?;
    let parcel = logistics.pnm_logistics_details.first();
    println!(
        "   -> parcel {:?}: {:?}\n",
        parcel.and_then(|p| p.mail_no.as_deref()),
        parcel
            .and_then(|p| p.logistics_traces.first())
            .and_then(|t| t.standerd_desc.as_deref())
    );

    println!("6. Refund: render (POST /open/order/refund/render), then submit");
    let render = client
        .aftersale()
        .refund_render()
        .sub_order_id(sub_order.clone())
        .goods_status(1)
        .refund_type(1)
        .send_full()
        .await?;
    let template = render.data.refund_order_template.unwrap_or_default();
    let reason = template
        .refund_reasons
        .first()
        .and_then(|r| r.reason_id)
        .ok_or("no refund reason")?;
    let max = template
        .max_refund_fee
        .and_then(|f| f.max_refund_fee)
        .ok_or("no maximum refund")?;
    let refund = client
        .aftersale()
        .refund_submit()
        .sub_order_id(sub_order)
        .refund_type(1)
        .goods_status(1)
        .reason_id(reason)
        .refund_fee(Fen(max))
        .refund_desc("收到的商品有破损")
        .await?;
    println!(
        "   -> requestId {:?}, refund {} of {max} fen opened\n",
        render.request_id,
        refund.at::<Id>("/refundId")?
    );

    println!("7. The gateway answers 503 once: the SDK retries the read with a fresh signature");
    sandbox.fail_next_on("TB-P8", Failure::status(503));
    client.taobao().product_get("672991141190").await?;
    let statuses: Vec<String> = sandbox
        .requests()
        .iter()
        .rev()
        .take(2)
        .map(|r| r.status.to_string())
        .collect();
    println!("   -> answered {} (newest first)\n", statuses.join(", "));

    println!("8. A wrong secret: a typed error that says what to check");
    let bad = sandbox
        .client_builder()
        .credentials(Credentials::new(
            sandbox.credentials().access_key(),
            "wrong-secret",
            sandbox.credentials().user_id(),
        ))
        .build()?;
    match bad.taobao().product_get("672991141190").await {
        Err(Error::Api(e)) => println!(
            "   -> Error::Api code {} msg {:?}\n      {e}\n",
            e.code, e.msg
        ),
        other => return Err(format!("expected an API error, got {other:?}").into()),
    }

    let pushes = sandbox.pushes();
    println!(
        "Done: {} requests, each signature checked by the sandbox. It queued {} order messages \
         ({}); give it a callback URL (SandboxBuilder::callback_url) to receive them signed.",
        sandbox.requests().len(),
        pushes.len(),
        pushes
            .iter()
            .map(|p| p.message_type.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    sandbox.shutdown().await;
    Ok(())
}
