//! Invented sandbox shapes (issue 20, part 3): TB-P5b answers items in
//! TB-P1's client-evidenced shape, flagged; the README's list of invented
//! shapes is the code's list. The header, flag and WARN are tested in
//! `tests/logs/sandbox_shape_log.rs`.

use xportcn::taobao::{ProductItemSearchRequest, RecommendPage};
use xportcn_sandbox::{INVENTED_SHAPES, Sandbox, ShapeSource};

/// TB-P5b answers items in TB-P1's client-evidenced item shape (flagged:
/// borrowed from TB-P1), so a search runs through the typed method.
#[tokio::test]
async fn taobao_keyword_search_answers_items() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = sandbox
        .client()
        .call(
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

/// The README lists the invented shapes from the code's one list: this
/// package's README always, the SDK's (`../README.md`) where it keeps a copy.
#[test]
fn readme_lists_the_invented_shapes() {
    let start = "<!-- invented-shapes: generated from xportcn_sandbox::INVENTED_SHAPES -->\n";
    let end = "<!-- /invented-shapes -->";
    let want: String = INVENTED_SHAPES
        .iter()
        .map(|(id, what)| format!("- `{id}`: {what}\n"))
        .collect();
    let own = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let sdk = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    for (path, required) in [(own, true), (sdk, false)] {
        let Ok(readme) = std::fs::read_to_string(path) else {
            assert!(!required, "{path} is missing");
            continue;
        };
        let Some(from) = readme.find(start) else {
            assert!(!required, "{path} has no invented-shapes list");
            continue;
        };
        let from = from + start.len();
        let to = from + readme[from..].find(end).expect("its end marker");
        assert_eq!(
            &readme[from..to],
            want,
            "{path}'s invented-shapes list is stale; replace it with:\n{want}"
        );
    }
}
