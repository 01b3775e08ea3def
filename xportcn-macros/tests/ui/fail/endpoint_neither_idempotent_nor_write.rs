use xportcn::endpoint::endpoint;

// A write must say so: nothing is retried by default by accident.
#[endpoint(id = "X-1", method = POST, v1 = derived("/open/x"), response = bool)]
pub struct XRequest {
    pub a: Option<String>,
}

fn main() {}
