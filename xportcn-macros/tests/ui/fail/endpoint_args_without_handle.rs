use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent, args(a))]
pub struct XRequest {
    pub a: String,
}

fn main() {}
