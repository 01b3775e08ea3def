use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
