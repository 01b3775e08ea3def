use xportcn::endpoint::endpoint;

#[endpoint(method = GET, v1 = derived("/open/x"), response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
