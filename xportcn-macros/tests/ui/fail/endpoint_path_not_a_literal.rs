use xportcn::endpoint::endpoint;

const PATH: &str = "/open/x";

#[endpoint(id = "X-1", method = GET, v1 = derived(PATH), response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
