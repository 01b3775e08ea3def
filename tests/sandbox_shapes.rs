//! Invented sandbox shapes (issue 20, part 3): TB-P5b answers items in
//! TB-P1's client-evidenced shape, flagged; the README's list of invented
//! shapes is the code's list. The header, flag and WARN are tested in
//! `sandbox_shape_log.rs`.
#![cfg(feature = "sandbox")]

use xportcn::sandbox::{INVENTED_SHAPES, Sandbox, ShapeSource};
use xportcn::taobao::{ProductItemSearchRequest, RecommendPage};

/// TB-P5b answers items in TB-P1's client-evidenced item shape (flagged:
/// borrowed from TB-P1), so a search runs through the typed method.
#[tokio::test]
async fn taobao_keyword_search_answers_items() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = sandbox
        .client()
        .taobao()
        .product_item_search(
            ProductItemSearchRequest::builder()
                .keyword("连衣裙".to_owned())
                .page_no(1)
                .page_size(10)
                .build(),
        )
        .await
        .unwrap();
    let page: RecommendPage = serde_json::from_str(raw.get()).unwrap();
    assert_eq!(page.data.len(), 1);
    let item = &page.data[0];
    assert_eq!(item.item_id.as_ref().unwrap().as_str(), "672991141190");
    assert!(item.title.is_some() && item.main_image_url.is_some());
    assert!(item.extra.is_empty(), "{:?}", item.extra);
    let record = sandbox
        .requests()
        .into_iter()
        .find(|r| r.endpoint == Some("TB-P5b"))
        .expect("the search is recorded");
    assert_eq!(record.shape, Some(ShapeSource::Invented));
    sandbox.shutdown().await;
}

/// The README lists the invented shapes from the code's one list.
#[test]
fn readme_lists_the_invented_shapes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- invented-shapes: generated from xportcn::sandbox::INVENTED_SHAPES -->\n";
    let end = "<!-- /invented-shapes -->";
    let from = readme
        .find(start)
        .expect("the README's invented-shapes list")
        + start.len();
    let to = from + readme[from..].find(end).expect("its end marker");
    let want: String = INVENTED_SHAPES
        .iter()
        .map(|(id, what)| format!("- `{id}`: {what}\n"))
        .collect();
    assert_eq!(
        &readme[from..to],
        want,
        "README.md's invented-shapes list is stale; replace it with:\n{want}"
    );
}
