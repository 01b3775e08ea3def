use xportcn::endpoint::endpoint;

#[endpoint(id = "X-1", method = GET, v1 = derived("/open/x"), response = bool, idempotent)]
pub struct XRequest(Option<String>);

fn main() {}
