use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent, handle = Taobao, name = x_get, args(b))]
pub struct XRequest {
    pub a: String,
}

fn main() {}
