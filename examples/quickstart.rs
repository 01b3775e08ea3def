//! Quickstart: signed calls, typed responses, retries and typed errors.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `XPORTCN_*` variables set, the example starts a loopback stand-in
//! for the platform (on 127.0.0.1, inside this process) that checks every
//! request's signature exactly as the platform does, and makes real signed
//! calls against it. With `XPORTCN_ACCESS_KEY`, `XPORTCN_ACCESS_SECRET` and
//! `XPORTCN_USER_ID` set, it makes read-only calls to the real platform
//! instead (`XPORTCN_BASE_URL` picks another host; default Xportcn).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use xportcn::aftersale::RefundRenderRequest;
use xportcn::{Client, Credentials, Error, RetryPolicy};

const DEMO_KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const DEMO_SECRET: &str = "demo-secret";
const DEMO_USER: &str = "2100007341207";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Credentials::from_env() {
        Ok(creds) => real_platform(creds).await,
        Err(_) => stand_in().await,
    }
}

/// Read-only calls to the real platform.
async fn real_platform(creds: Credentials) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().credentials(creds);
    if let Ok(url) = std::env::var("XPORTCN_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    println!("Calling the real platform at {}", client.base_url());
    let item = std::env::var("XPORTCN_ITEM_ID").unwrap_or_else(|_| "672991141190".to_owned());
    match client.taobao().product_get(item.as_str()).send_full().await {
        Ok(r) => {
            println!(
                "GET /open/product/get?itemId={item} -> requestId {:?}",
                r.request_id
            );
            println!("  title: {:?}", r.data.title);
            println!(
                "  price: {:?}, {} SKUs",
                r.data.price,
                r.data.sku_list.len()
            );
        }
        Err(e) => println!("GET /open/product/get?itemId={item} failed: {e}"),
    }
    Ok(())
}

/// The loopback stand-in: checks the signature like the platform, answers
/// with the documented samples.
struct StandIn {
    calls: AtomicUsize,
}

impl Respond for StandIn {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let h = |name: &str| {
            req.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let ok = h("access-key") == DEMO_KEY
            && xportcn::signing::verify(
                h("access-key"),
                h("timestamp"),
                h("nonce-str"),
                DEMO_SECRET,
                h("signature"),
            );
        println!(
            "  [stand-in] #{n} {} {} timestamp={} nonce-str={} signature={} -> {}",
            req.method,
            req.url.path(),
            h("timestamp"),
            h("nonce-str"),
            h("signature"),
            if ok {
                "signature valid"
            } else {
                "SIGNATURE INVALID"
            }
        );
        if !ok {
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "requestId": format!("standin-{n}"), "code": 401, "developId": null,
                "msg": "签名错误 (signature mismatch)", "data": null
            }));
        }
        let data = match req.url.path() {
            "/api/open/product/get" => serde_json::json!({
                "itemId": 672991141190u64, "title": "天穹发布商品,测试请不要拍", "price": 1,
                "promotionPrice": 1, "quantity": 400, "categoryId": "121452038", "status": "active",
                "skuList": [{"skuId": "3452545926724", "price": 1, "promotionPrice": "1", "quantity": 200,
                             "properties": [{"propId": 1627207, "propName": "颜色分类", "valueId": 28326, "valueName": "红色"}]}]
            }),
            "/api/open/order/refund/render" => serde_json::json!({
                "currency": "CNY", "distributorId": "1223655000541",
                "refundOrderTemplate": {
                    "goodsStatusList": ["1", "2"], "refundTypeList": ["1", "2"],
                    "maxRefundFee": {"canEditRefundFee": true, "maxRefundFee": 11700, "minRefundFee": 0, "refundFee": 11700},
                    "refundReasons": [{"reasonId": 20006, "reasonDesc": "不想买了", "tips": ""}]
                }
            }),
            // The first call here fails like an overloaded gateway: the SDK retries it.
            "/api/alibaba/product/detail/get" if n % 2 == 1 => return ResponseTemplate::new(503),
            "/api/alibaba/product/detail/get" => serde_json::json!({
                "offerId": 706627393257u64, "categoryId": 1033054, "subject": "PVC插页文件夹",
                "subjectTrans": "PVC insert folder A4"
            }),
            _ => return ResponseTemplate::new(404).set_body_string("<html>not found</html>"),
        };
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "requestId": format!("standin-{n}"), "code": 200, "developId": "1014533973088404335",
            "msg": "成功", "data": data
        }))
    }
}

async fn stand_in() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(StandIn {
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let base = format!("{}/api", server.uri());
    println!(
        "No XPORTCN_* credentials set: using a loopback stand-in for the platform at {base}\n"
    );

    let client = Client::builder()
        .credentials(Credentials::new(DEMO_KEY, DEMO_SECRET, DEMO_USER))
        .base_url(&base)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(50)))
        .build()?;

    println!("1. Taobao product by id (GET /open/product/get)");
    let product = client.taobao().product_get("672991141190").await?;
    println!(
        "   -> {:?}, price {:?}, {} SKU(s), first SKU property {:?}\n",
        product.title.as_deref().unwrap_or(""),
        product.price,
        product.sku_list.len(),
        product
            .sku_list
            .first()
            .and_then(|s| s.properties.first())
            .and_then(|p| p.value_name.as_deref())
    );

    println!("2. After-sale refund render (POST /open/order/refund/render)");
    let render = client
        .aftersale()
        .refund_render(RefundRenderRequest::new("1034499579120189839", 1, 1))
        .send_full()
        .await?;
    let template = render.data.refund_order_template.unwrap_or_default();
    println!(
        "   -> requestId {:?}, max refund {:?}, reasons {:?}\n",
        render.request_id,
        template.max_refund_fee.and_then(|f| f.max_refund_fee),
        template
            .refund_reasons
            .iter()
            .filter_map(|r| r.reason_desc.as_deref())
            .collect::<Vec<_>>()
    );

    println!(
        "3. 1688 product detail (POST /alibaba/product/detail/get): the stand-in answers 503 first"
    );
    let detail = client.ali1688().product_detail(706627393257u64).await?;
    println!(
        "   -> retried with a fresh nonce, got {:?}\n",
        detail.subject_trans
    );

    println!("4. The same call with a wrong secret: a typed error that says what to check");
    let bad = Client::builder()
        .credentials(Credentials::new(DEMO_KEY, "wrong-secret", DEMO_USER))
        .base_url(&base)
        .build()?;
    match bad.taobao().product_get("672991141190").await {
        Err(Error::Api(e)) => println!(
            "   -> Error::Api code {} msg {:?}\n      {e}\n",
            e.code, e.msg
        ),
        other => return Err(format!("expected an API error, got {other:?}").into()),
    }

    println!("5. A path the platform does not have: the raw escape hatch and a typed HTTP error");
    match client
        .raw(xportcn::endpoint::Method::Get, "/open/nope")
        .send_value()
        .await
    {
        Err(e @ Error::Http { .. }) => println!("   -> {e}\n"),
        other => return Err(format!("expected an HTTP error, got {other:?}").into()),
    }

    println!("Done: 5 scenarios, every request signed and checked by the stand-in.");
    Ok(())
}
