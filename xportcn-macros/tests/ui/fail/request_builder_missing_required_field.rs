// A request's builder refuses to build without its required fields.
use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = POST, v1 = derived("/open/x"), response = bool, idempotent)]
pub struct XRequest {
    pub keyword: String,
    pub page_size: Option<u32>,
}

fn main() {
    let _ = XRequest::builder().page_size(50).build();
}
