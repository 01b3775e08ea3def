//! A user's own model and endpoint: they compile, serialize, decode, and are
//! called with `Client::call`; they are not added to the SDK's registry.
use xportcn::endpoint::{Endpoint, Generation, endpoint};
use xportcn::model::model;
use xportcn::types::Id;

/// What the endpoint answers.
#[model(page(items = items, total = total))]
pub struct Answer {
    /// A name.
    pub name: Option<String>,
    /// The total.
    pub total: Option<i64>,
    /// The items.
    #[model(rename = "list", alias = "items")]
    pub items: Vec<Item>,
}

/// An item.
#[model(rename_all = "snake_case")]
pub struct Item {
    /// Its id.
    #[model(client = "someone/app, src/x.js, abc123")]
    pub item_id: Option<Id>,
}

/// Reads something by id.
#[endpoint(
    id = "MY-1",
    method = GET,
    v1 = verified("/open/thing/get", "https://example.invalid/doc-page"),
    v2 = derived("/v2/taobao/thing/get"),
    response = Answer,
    idempotent,
    paged(page = page_no, size = page_size),
)]
pub struct ThingGetRequest {
    /// The thing's id.
    #[path_param]
    pub thing_id: Id,
    /// Page number.
    pub page_no: Option<u32>,
    /// Page size.
    pub page_size: Option<u32>,
}

/// A write with open parameters.
#[endpoint(id = "MY-2", method = POST, v1 = guessed("/open/thing/set", "by analogy"), response = bool, write, open)]
pub struct ThingSetRequest {
    /// A value.
    pub value: String,
}

async fn call(client: xportcn::Client) -> Result<Answer, xportcn::Error> {
    client.call(ThingGetRequest::builder().thing_id("1").build()).await
}

fn main() {
    let req = ThingGetRequest::builder().thing_id("42").page_size(10).build();
    assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"pageSize":10}"#);
    assert_eq!(req.path_params(), vec![("thingId", "42".to_owned())]);
    assert_eq!(ThingGetRequest::SPEC.path(Generation::V2), Some("/v2/taobao/thing/get"));
    assert!(ThingGetRequest::SPEC.paging.is_some());
    let set = ThingSetRequest::builder().value("v").build().param("extraParam", 1);
    assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"value":"v","extraParam":1}"#);
    assert!(!ThingSetRequest::SPEC.idempotent);

    let answer: Answer =
        serde_json::from_str(r#"{"name":"n","total":"3","items":[{"item_id":7,"x":1}],"other":true}"#)
            .unwrap();
    assert_eq!(answer.items[0].item_id, Some(Id::new("7")));
    assert_eq!(answer.items[0].extra.get("x").map(|r| r.get()), Some("1"));
    assert_eq!(answer.extra.get("other").map(|r| r.get()), Some("true"));

    // Declared outside the SDK: not in the SDK's registry.
    assert!(xportcn::endpoint::all().iter().all(|s| s.id != "MY-1" && s.id != "MY-2"));
    assert!(xportcn::endpoint::find("TB-P8").is_some());
    let _ = call;
}
