use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = "/open/x", response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
