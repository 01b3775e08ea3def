//! Calls without imports: every platform's typed methods as fluent builders
//! (`client.ali1688().keyword_search().keyword("..").await`), against the
//! embedded sandbox on 127.0.0.1. The calls themselves use nothing but
//! `xportcn::prelude::*`; the request-type form (`client.call(request)`) is
//! compared with them and stays tested in the per-platform files.

use xportcn::prelude::*;
use xportcn_sandbox::Sandbox;

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .credentials(Credentials::new(
            "fluent-key",
            "fluent-secret",
            "2100007341207",
        ))
        .start()
        .await
        .expect("the sandbox starts on 127.0.0.1")
}

/// Whether an error is the SDK's refusal to send to an unknown path.
fn unsent(err: &Error, id: &str) -> bool {
    matches!(err, Error::PathUnavailable { .. }) && err.to_string().contains(id)
}

#[tokio::test]
async fn taobao_product_get_takes_the_id_and_awaits() {
    let sb = sandbox().await;
    let client = sb.client();
    let product = client.taobao().product_get("672991141190").await.unwrap();
    assert!(!product.sku_list.is_empty(), "{product:?}");
    // The SKU id the cart needs is typed (it moved out of `extra`).
    let _: &Option<xportcn::types::Id> = &product.sku_list[0].mp_sku_id;
}

#[tokio::test]
async fn ali1688_keyword_search_one_page_and_every_page() {
    let sb = sandbox().await;
    let client = sb.client();
    let page = client
        .ali1688()
        .keyword_search()
        .keyword("phone case")
        .page_size(50)
        .await
        .unwrap();
    assert!(!page.data.is_empty(), "{page:?}");
    let _ = (&page.data[0].offer_id, &page.data[0].extra);

    // `.send()` is the same call as `.await`.
    let sent = client
        .ali1688()
        .keyword_search()
        .keyword("phone case")
        .page_size(50)
        .send()
        .await
        .unwrap();
    assert_eq!(sent, page);

    // Every item of every page: `try_collect` comes from the prelude.
    let offers: Vec<_> = client
        .ali1688()
        .keyword_search()
        .keyword("phone case")
        .page_size(50)
        .pages()
        .max_pages(3)
        .try_collect()
        .await
        .unwrap();
    assert!(offers.len() >= page.data.len(), "{} offers", offers.len());
    // ... and `next` (StreamExt), item by item.
    let mut stream = client.ali1688().keyword_search().keyword("case").pages();
    assert!(stream.next().await.expect("one item").is_ok());
}

#[tokio::test]
async fn aftersale_refund_render_by_named_fields() {
    let sb = sandbox().await;
    let client = sb.client();
    let full = client
        .aftersale()
        .refund_render()
        .sub_order_id("1034499579120189839")
        .goods_status(1)
        .refund_type(1)
        .send_full()
        .await;
    // The sandbox holds no such sub-order: its answer names the id the
    // fluent builder sent, so the call was built, signed, sent and decoded.
    match full {
        Err(Error::Api(e)) => assert!(e.msg.contains("1034499579120189839"), "{e:?}"),
        other => panic!("expected the sandbox's not-found answer: {other:?}"),
    }
}

#[tokio::test]
async fn basics_and_logistics_fluent_calls_are_sent() {
    let sb = sandbox().await;
    let client = sb.client();
    client
        .basics()
        .address_add_or_update()
        .name("张三")
        .province("浙江省")
        .city("杭州市")
        .district("余杭区")
        .address("文一西路 969 号")
        .phone("13800000000")
        .await
        .unwrap();
    client
        .logistics()
        .freight_preview()
        .render_items(vec![])
        .await
        .unwrap();
}

#[tokio::test]
async fn bigmajor_order_preview_by_named_fields() {
    use xportcn::ali1688::DeliveryAddress as Address;
    use xportcn::bigmajor::Cargo;
    let sb = sandbox().await;
    let client = sb.client();
    let address = Address::builder()
        .full_name("Zhang San")
        .mobile("13567102355")
        .province_text("广西壮族自治区")
        .city_text("崇左市")
        .area_text("凭祥市")
        .address("测试")
        .build();
    let cargo = Cargo::builder()
        .offer_id(889512351602)
        .spec_id("530ad00177264564503ec3b848650652")
        .quantity(2.0)
        .build();
    client
        .bigmajor()
        .order_preview()
        .flow("fenxiaonew")
        .address_param(address)
        .cargo_param_list(vec![cargo])
        .await
        .unwrap();
}

#[tokio::test]
async fn intl_and_poizon_fluent_calls() {
    let sb = Sandbox::builder()
        .credentials(Credentials::new(
            "fluent-key",
            "fluent-secret",
            "2100007341207",
        ))
        .stand_ins(true)
        .start()
        .await
        .expect("the sandbox starts on 127.0.0.1");
    // With stand-ins, the sandbox's client serves endpoints without a known
    // path on stand-in paths, so these are answered...
    let client = sb.client();
    client.alibaba_intl().product_detail().await.unwrap();
    client.poizon().keyword_search().await.unwrap();
    // ... while a client without those overrides refuses them unsent.
    let plain = Client::builder()
        .credentials(Credentials::new(
            "fluent-key",
            "fluent-secret",
            "2100007341207",
        ))
        .base_url(sb.base_url())
        .build()
        .unwrap();
    let err = plain.alibaba_intl().product_detail().await.unwrap_err();
    assert!(unsent(&err, "IA-1"), "{err}");
    let err = plain.poizon().keyword_search().await.unwrap_err();
    assert!(unsent(&err, "PZ-1"), "{err}");
}

/// The fluent builder builds exactly the request the request type's own
/// builder does (same defaults), and `client.call(request)` still works.
#[tokio::test]
async fn fluent_builder_and_request_builder_agree() {
    use xportcn::ali1688::KeywordSearchRequest;
    let sb = sandbox().await;
    let client = sb.client();
    let fluent = client
        .ali1688()
        .keyword_search()
        .keyword("phone case")
        .page_size(50)
        .call();
    let request = KeywordSearchRequest::builder()
        .keyword("phone case")
        .page_size(50)
        .build();
    assert_eq!(fluent.request(), &request);
    let by_call = client.call(request).await.unwrap();
    assert_eq!(fluent.await.unwrap(), by_call);
}

/// A fluent call owns a clone of the client: it can be spawned.
#[tokio::test]
async fn a_fluent_call_can_be_spawned() {
    let sb = sandbox().await;
    let client = sb.client();
    let task = tokio::spawn(
        client
            .ali1688()
            .keyword_search()
            .keyword("phone case")
            .into_future(),
    );
    assert!(task.await.unwrap().is_ok());
}

/// A key that moved from `extra` to a typed field (`offerId`, `mpSkuId`)
/// is never in `extra` any more: old code reading it there gets `None`,
/// and the read is loud (a WARN naming the field to read, once per call
/// site) instead of silent.
mod moved_from_extra {
    use crate::common::capture_logs;
    use xportcn::ali1688::OfferSummary;
    use xportcn::taobao::Product;

    fn offer() -> OfferSummary {
        serde_json::from_str(r#"{"offerId": 706627393257, "subject": "s", "newField": 1}"#).unwrap()
    }

    #[test]
    fn reading_a_typed_key_through_extra_warns_once_per_call_site() {
        let (logs, _guard) = capture_logs(tracing::Level::WARN);
        let item = offer();
        assert_eq!(
            item.offer_id.as_ref().map(|id| id.as_str()),
            Some("706627393257")
        );
        for _ in 0..3 {
            // The old code: always None, since offerId is typed now.
            assert!(item.extra.get("offerId").is_none());
        }
        let text = logs.text();
        assert_eq!(text.matches("extra.get(\"offerId\")").count(), 1, "{text}");
        assert!(text.contains("WARN"), "{text}");
        assert!(text.contains("read `.offer_id` instead"), "{text}");
        assert!(text.contains("OfferSummary"), "{text}");
        assert!(
            text.contains("fluent_calls.rs"),
            "the caller's file: {text}"
        );

        // Another call site warns again; get_as and contains_key too.
        assert!(item.extra.get_as::<u64>("offerId").is_none());
        assert!(!item.extra.contains_key("subject"));
        let text = logs.text();
        assert_eq!(text.matches("extra.get(\"offerId\")").count(), 2, "{text}");
        assert!(text.contains("read `.subject` instead"), "{text}");
    }

    #[test]
    fn keys_the_model_does_not_type_read_quietly() {
        let (logs, _guard) = capture_logs(tracing::Level::WARN);
        let item = offer();
        assert_eq!(item.extra.get_as::<i64>("newField").unwrap().unwrap(), 1);
        assert!(item.extra.get("neverSent").is_none());
        assert_eq!(item.extra.typed_field("newField"), None);
        assert_eq!(item.extra.typed_field("offerId"), Some("offer_id"));
        assert_eq!(logs.text(), "");
    }

    #[test]
    fn the_sku_id_of_a_product_names_mp_sku_id() {
        let (logs, _guard) = capture_logs(tracing::Level::WARN);
        let product: Product =
            serde_json::from_str(r#"{"itemId": 1, "skuList": [{"skuId": 2, "mpSkuId": 3}]}"#)
                .unwrap();
        let sku = &product.sku_list[0];
        assert!(sku.mp_sku_id.is_some());
        assert!(sku.extra.get("mpSkuId").is_none());
        assert!(
            logs.text().contains("read `.mp_sku_id` instead"),
            "{}",
            logs.text()
        );
    }
}
