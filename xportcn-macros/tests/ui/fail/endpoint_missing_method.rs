use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", v1 = derived("/open/x"), response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
