use xportcn::endpoint::endpoint;

// The handle names its Client method once (`impl Handle`); `via` is refused.
#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent, handle = Taobao, via = taobao, name = x_get)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
