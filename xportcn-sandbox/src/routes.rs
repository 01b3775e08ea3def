//! The sandbox's route table, built from the endpoint registry: every known
//! path of every endpoint in both generations, the sandbox's own stand-in
//! path for each, and the paths a test adds.

use xportcn::endpoint::{self, EndpointSpec, Method};

/// The prefix of the sandbox's own path for every endpoint:
/// `/sandbox/endpoints/{id}`, served only with
/// [`SandboxBuilder::stand_ins`](super::SandboxBuilder::stand_ins)`(true)`.
/// It serves endpoints whose real path is not known (see
/// [`Sandbox::client_builder`](super::Sandbox::client_builder)).
pub const STAND_IN_PREFIX: &str = "/sandbox/endpoints/";

/// The response header of every answer served at a stand-in path, with the
/// endpoint id as its value: `x-xportcn-stand-in: TB-O12`.
pub const STAND_IN_HEADER: &str = "x-xportcn-stand-in";

/// One route: a path template (`{name}` matches one segment) and its
/// endpoint.
#[derive(Debug, Clone)]
struct Route {
    segments: Vec<String>,
    spec: &'static EndpointSpec,
}

/// What a request path matched.
pub(crate) struct Matched {
    pub spec: &'static EndpointSpec,
    /// Values of the template's `{name}` segments.
    pub params: Vec<(String, String)>,
}

/// Why no route matched.
pub(crate) enum Miss {
    /// Nothing at this path.
    NotFound,
    /// The path exists with another method.
    Method(Method),
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Routes {
    routes: Vec<Route>,
}

fn split(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Routes {
    /// Every endpoint of the registry, at every path it has, plus its
    /// stand-in path when `stand_ins`.
    pub(crate) fn from_registry(stand_ins: bool) -> Self {
        let mut routes = Routes::default();
        for spec in endpoint::all() {
            for p in [spec.v1.path, spec.v2.path].into_iter().flatten() {
                routes.add(spec, p);
            }
            if stand_ins {
                routes.add(spec, &format!("{STAND_IN_PREFIX}{}", spec.id));
            }
        }
        routes
    }

    /// Adds a path for an endpoint. Earlier routes win on a tie, so a path
    /// added by a test comes first.
    pub(crate) fn add(&mut self, spec: &'static EndpointSpec, path: &str) {
        self.routes.push(Route {
            segments: split(path),
            spec,
        });
    }

    /// Adds a path in front of the registry's.
    pub(crate) fn add_first(&mut self, spec: &'static EndpointSpec, path: &str) {
        self.routes.insert(
            0,
            Route {
                segments: split(path),
                spec,
            },
        );
    }

    pub(crate) fn find(&self, method: Method, path: &str) -> Result<Matched, Miss> {
        let got = split(path);
        let mut other = None;
        // A literal route wins over a template with placeholders.
        let mut best: Option<(usize, Matched)> = None;
        for r in &self.routes {
            if r.segments.len() != got.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literal = true;
            let fits = r.segments.iter().zip(&got).all(|(want, seg)| {
                if let Some(name) = want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    params.push((name.to_owned(), seg.clone()));
                    literal = false;
                    true
                } else {
                    want == seg
                }
            });
            if !fits {
                continue;
            }
            if r.spec.method != method {
                other.get_or_insert(r.spec.method);
                continue;
            }
            let rank = usize::from(!literal);
            if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                best = Some((
                    rank,
                    Matched {
                        spec: r.spec,
                        params,
                    },
                ));
            }
        }
        match (best, other) {
            (Some((_, m)), _) => Ok(m),
            (None, Some(m)) => Err(Miss::Method(m)),
            (None, None) => Err(Miss::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_path_and_every_stand_in_is_routed() {
        let routes = Routes::from_registry(true);
        for spec in endpoint::all() {
            for p in [spec.v1.path, spec.v2.path].into_iter().flatten() {
                let concrete = p.replace("{refundId}", "110002685755");
                let m = routes
                    .find(spec.method, &concrete)
                    .unwrap_or_else(|_| panic!("{} {p}", spec.id));
                // Two ids may share a path (TB-P4 is TB-P8's v2): same method.
                assert_eq!(m.spec.method, spec.method, "{}", spec.id);
            }
            let m = routes
                .find(spec.method, &format!("{STAND_IN_PREFIX}{}", spec.id))
                .unwrap_or_else(|_| panic!("{}", spec.id));
            assert_eq!(m.spec.id, spec.id);
        }
    }

    #[test]
    fn a_path_param_is_captured_and_a_wrong_method_is_told_apart() {
        let routes = Routes::from_registry(true);
        let m = routes
            .find(Method::Get, "/open/order/refund/cancel/110002685755")
            .unwrap_or_else(|_| panic!("TB-A5"));
        assert_eq!(m.spec.id, "TB-A5");
        assert_eq!(
            m.params,
            [("refundId".to_owned(), "110002685755".to_owned())]
        );
        assert!(matches!(
            routes.find(Method::Post, "/open/product/get"),
            Err(Miss::Method(Method::Get))
        ));
        assert!(matches!(
            routes.find(Method::Get, "/open/nothing/here"),
            Err(Miss::NotFound)
        ));
    }
}
