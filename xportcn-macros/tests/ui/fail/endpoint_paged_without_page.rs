use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent, paged(size = page_size))]
pub struct XRequest {
    pub page_size: Option<u32>,
}

fn main() {}
