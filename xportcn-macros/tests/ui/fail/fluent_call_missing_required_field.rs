use xportcn::endpoint::{Handle, endpoint};

/// A handle of ones own: `handle = Mine` generates its methods.
pub struct Mine<'c> {
    client: &'c xportcn::Client,
}

impl Handle for Mine<'_> {
    const VIA: &'static str = "mine";
}

#[endpoint(id = "X-1", method = POST, v1 = derived("/open/x"), response = bool, idempotent, handle = Mine, name = x_search)]
pub struct XSearchRequest {
    pub keyword: String,
    pub page_size: Option<u32>,
}

// A fluent call cannot be sent without its required fields.
async fn call(client: &xportcn::Client) {
    let _ = Mine { client }.x_search().page_size(50).send().await;
}

fn main() {
    let _ = call;
}
