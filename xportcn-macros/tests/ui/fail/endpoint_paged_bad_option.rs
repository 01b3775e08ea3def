use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent, paged(page = page, limit = size))]
pub struct XRequest {
    pub page: Option<u32>,
}

fn main() {}
