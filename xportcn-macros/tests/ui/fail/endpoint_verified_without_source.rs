use xportcn::endpoint::endpoint;

// A verified path names the doc page that shows it.
#[endpoint(id = "X-1", method = GET, v1 = verified("/open/x"), response = bool, idempotent)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
