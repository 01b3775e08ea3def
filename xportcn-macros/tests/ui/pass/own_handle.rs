//! A handle of one's own gets fluent methods from `handle = ..`, named once.
use xportcn::endpoint::{Endpoint, Handle, endpoint};

/// The handle.
pub struct Mine<'c> {
    client: &'c xportcn::Client,
}

impl Handle for Mine<'_> {
    const VIA: &'static str = "mine";
}

/// Searches.
#[endpoint(
    id = "X-1",
    method = POST,
    v1 = derived("/open/x"),
    response = bool,
    idempotent,
    handle = Mine,
    name = x_search,
    args(shop_id)
)]
pub struct XSearchRequest {
    /// The shop, an argument of the method.
    pub shop_id: String,
    /// Required.
    pub keyword: String,
    /// Optional.
    pub page_size: Option<u32>,
}

fn main() {
    assert_eq!(XSearchRequest::SPEC.sdk_method, "mine().x_search");
    let client = xportcn::Client::builder()
        .credentials(xportcn::Credentials::new("k", "s", "u"))
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let call = Mine { client: &client }.x_search("shop-1").keyword("k").call();
    assert_eq!(
        call.request(),
        &XSearchRequest::builder().shop_id("shop-1").keyword("k").build()
    );
}
