//! The public names that outside checks and users' code rely on (the
//! developers' guide's list), each used at its stable path. A rename or a
//! move that drops one of them fails to compile here, not in a user's build.

use std::sync::Arc;
use std::time::Duration;

use xportcn::callbacks::{
    Consumer, DEFAULT_STORE_BUDGET, Inbox, MemoryInbox, Message, Verifier, receive, sign_push,
    sign_push_with,
};
use xportcn::endpoint::Method;
use xportcn::tracking::{MemoryTrackerStore, OrderKey, Platform, Tracker};
use xportcn::{Client, Credentials, Error};

// `xportcn::model::model` is the attribute users declare models with.
#[allow(unused_imports)]
use xportcn::model::model;

/// The calls, type-checked only (never run: no server).
#[allow(dead_code)]
async fn calls(client: Client) -> Result<(), Error> {
    let product = client.taobao().product_get("672991141190").await?;
    let _: Option<&xportcn::types::Id> = product.sku_list[0].mp_sku_id.as_ref();
    let _render = client
        .call(xportcn::aftersale::RefundRenderRequest::new("1", 1, 1))
        .await?;
    let _cancel = client
        .call(xportcn::aftersale::RefundCancelRequest::new("1"))
        .await?;
    let request = xportcn::ali1688::KeywordSearchRequest::builder()
        .keyword("phone case")
        .build();
    let page = client.call(request).await?;
    let item = &page.data[0];
    let _ = (
        &item.offer_id,
        &item.subject_trans,
        &item.price_info,
        &item.month_sold,
        &item.extra,
    );
    let _fluent = client.aftersale().refund_render();
    let _fluent = client.ali1688().keyword_search();
    let _value = client
        .raw(Method::Post, "/open/product/get")
        .json(&serde_json::json!({}))
        .send_value()
        .await?;
    Ok(())
}

/// The push side, type-checked only.
#[allow(dead_code)]
async fn pushes(inbox: Arc<dyn Inbox>, tracker: Tracker) {
    let mut consumer = Consumer::new(inbox).name("worker-1");
    if let Ok(Some(delivery)) = consumer.try_next(Duration::from_secs(1)).await {
        let _: u32 = delivery.attempt;
        let _: &String = &delivery.dedup_key;
        let _ = tracker.handle(delivery).await;
    }
}

#[tokio::test]
async fn stable_names_work_at_their_paths() {
    let creds = || Credentials::new("key", "secret", "user");
    let _client = Client::builder().credentials(creds()).build().unwrap();
    assert_eq!(
        xportcn::signing::sign("key", "1700000000", "nonce", "secret").len(),
        32
    );
    assert!(!xportcn::endpoint::all().is_empty());

    // Sign a documented push, verify it, store it, consume it, track it.
    let body = include_bytes!("../fixtures/callbacks/taobao-order-price-modify.json");
    let message = Message::from_json(std::str::from_utf8(body).unwrap()).unwrap();
    assert!(!message.message_type().is_empty());
    let headers = sign_push(&creds(), body);
    assert!(Verifier::new(creds()).verify(&headers, body).is_ok());
    let fixed = sign_push_with(&creds(), body, "1700000000000", "nonce");
    assert!(!fixed.is_empty());

    let inbox = Arc::new(MemoryInbox::new().dedup_ttl(Duration::from_secs(60)));
    let verifier = Verifier::new(creds());
    let _answer = receive(
        &verifier,
        inbox.as_ref(),
        &headers,
        body.to_vec().into(),
        DEFAULT_STORE_BUDGET,
    )
    .await;
    let mut consumer = Consumer::new(inbox.clone()).name("stable-names");
    let delivery = consumer
        .try_next(Duration::from_secs(2))
        .await
        .unwrap()
        .expect("the stored push");
    assert_eq!(delivery.attempt, 1);
    assert!(!delivery.dedup_key.is_empty());
    let tracker = Tracker::new(Arc::new(MemoryTrackerStore::new()));
    let key = OrderKey {
        platform: Platform::Taobao,
        order_id: "1".to_owned(),
    };
    let _ = tracker.state(&key).await.unwrap();
    delivery.ack().await.unwrap();

    #[cfg(feature = "sqlite")]
    {
        let dir = tempfile::tempdir().unwrap();
        let _sqlite = xportcn::callbacks::SqliteInbox::open(dir.path().join("inbox.db"))
            .unwrap()
            .lease(Duration::from_secs(30));
    }
    assert!(DEFAULT_STORE_BUDGET > Duration::ZERO);
    // `RedisInbox::open(url)` only parses the URL until first used.
    #[cfg(feature = "redis")]
    let _redis = xportcn::callbacks::RedisInbox::open("redis://127.0.0.1:1/");

    let mut value = serde_json::json!({"receiverPhone": "13800000000"});
    xportcn::record::redact(&mut value);
    assert!(xportcn::codegen::generate_from_json("Thing", r#"{"a": 1}"#, "test").is_ok());
}
