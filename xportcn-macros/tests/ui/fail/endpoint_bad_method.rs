use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = PUT, v1 = derived("/open/x"), response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
