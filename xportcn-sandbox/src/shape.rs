//! Where the shape of each sandbox answer comes from, and which ones the
//! sandbox invented (issue 20: a sandbox that never invents silently).
//!
//! [`INVENTED_SHAPES`] is the one list of the stateful answers whose field names no
//! evidence names; the README's list is checked against it
//! (`xportcn-sandbox/tests/sandbox/sandbox_shapes.rs`). Stateless answers are classified by what they
//! are built from ([`stateless_source`]).

use std::fmt;

use xportcn::endpoint::{EndpointSpec, FieldEvidence};

/// Where the shape of an answer (its field names and nesting) comes from.
///
/// Only [`ShapeSource::Invented`] is flagged: the response header
/// [`SHAPE_HEADER`]` : invented`, [`RequestRecord::shape`](super::RequestRecord::shape),
/// and one WARN log per endpoint per sandbox run. A test that passes against
/// an invented shape proves nothing about the platform's field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShapeSource {
    /// A doc page shows the answer (its sample, or the response model typed
    /// from its schema).
    Documented,
    /// A shipped public client of the platform reads these fields (the
    /// response model's fields are client-evidenced).
    Client,
    /// A recorded answer of the platform (replayed).
    Recorded,
    /// No evidence names these fields: the echo of the request, or a
    /// stateful answer of the sandbox's own ([`INVENTED_SHAPES`]).
    Invented,
}

impl ShapeSource {
    /// `documented`, `client`, `recorded` or `invented` (the header value).
    pub fn as_str(&self) -> &'static str {
        match self {
            ShapeSource::Documented => "documented",
            ShapeSource::Client => "client",
            ShapeSource::Recorded => "recorded",
            ShapeSource::Invented => "invented",
        }
    }

    /// Whether the sandbox made the shape up.
    pub fn is_invented(&self) -> bool {
        matches!(self, ShapeSource::Invented)
    }
}

impl fmt::Display for ShapeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The response header an invented answer carries, with the value
/// `invented`.
pub const SHAPE_HEADER: &str = "x-sandbox-shape";

/// The stateful answers (`docs`: the sandbox module's table) whose field
/// names no evidence names, by endpoint id, with what is invented. Every
/// other stateful answer has a documented (or client-evidenced) shape.
pub const INVENTED_SHAPES: &[(&str, &str)] = &[
    ("TB-C1", "the cart list's items (the request fields echoed)"),
    ("TB-C2", "`{\"id\"}` of the cart add"),
    ("TB-C3", "`{\"deleted\"}` of the cart delete"),
    (
        "TB-O4",
        "`payAmount`, `postFee`, `productAmount` of the render",
    ),
    (
        "TB-O6",
        "`payAmount`, `postFee`, `productAmount` of the render",
    ),
    (
        "TB-C5",
        "`payAmount`, `postFee`, `productAmount` of the preview",
    ),
    ("TB-O7", "`{\"orderId\"}` of the create"),
    ("TB-O5", "`{\"orderId\"}` of the create"),
    ("TB-C6", "`{\"orderId\"}` of the cart order"),
    ("TB-O12", "`{\"orderId\", \"paySuccess\"}` of the pay"),
    ("TB-O3", "`{\"orderId\", \"paySuccess\"}` of the pay"),
    ("TB-O10", "`{\"orderId\", \"cancelSuccess\"}` of the cancel"),
    ("TB-O2", "`{\"orderId\", \"cancelSuccess\"}` of the cancel"),
    (
        "TB-O14",
        "the order detail: `purchaseOrderId`, `status`, `subOrders` (with `subPurchaseOrderId`)",
    ),
    (
        "TB-O8",
        "the order list (`total`, `pageNo`, `pageSize`, `list`)",
    ),
    (
        "TB-O1",
        "the purchase order list (`total`, `pageNo`, `pageSize`, `list`)",
    ),
    ("TB-A7", "`{\"refundId\"}` of the refund submit"),
    (
        "TB-A1",
        "the refund list's page (`total`, `pageNo`, `pageSize`, `list`)",
    ),
    (
        "TB-P5b",
        "the keyword search's page: TB-P1's item fields (`itemId`, `title`, `mainImageUrl`, `price`, ...), \
         which the public Go client decodes for TB-P1, the closest evidence; no evidence shows TB-P5b's answer",
    ),
    ("AL-O8", "the submit-to-pay answer's lists"),
    ("AL-O10", "the order list's page fields"),
];

/// Where the shape of the sandbox's success answer for endpoint `id`
/// comes from, when no recording replaces it
/// ([`SandboxBuilder::replay_from`](super::SandboxBuilder::replay_from)):
/// the flow's answer for a stateful endpoint, else its documented sample,
/// its response type's example, or the echo. `None` for an id no endpoint
/// has.
///
/// ```
/// use xportcn_sandbox::{ShapeSource, shape_of};
/// assert_eq!(shape_of("TB-P8"), Some(ShapeSource::Documented));
/// assert_eq!(shape_of("TB-O12"), Some(ShapeSource::Invented));
/// assert_eq!(shape_of("TB-NOPE"), None);
/// ```
pub fn shape_of(id: &str) -> Option<ShapeSource> {
    let spec = xportcn::endpoint::find(id)?;
    if crate::flows::STATEFUL.contains(&spec.id) {
        return Some(state_source(spec.id));
    }
    let sample = crate::samples().contains_key(spec.id);
    let example = spec.example.build().is_some();
    Some(stateless_source(spec, sample, example))
}

/// Whether the sandbox's answer for endpoint `id` has a shape it invented
/// ([`shape_of`] is [`ShapeSource::Invented`]): a test reading its field
/// names proves nothing about the platform. `false` for an unknown id.
///
/// ```
/// assert!(xportcn_sandbox::invented_shape("TB-O14"));
/// assert!(!xportcn_sandbox::invented_shape("TB-P8"));
/// ```
pub fn invented_shape(id: &str) -> bool {
    shape_of(id).is_some_and(|s| s.is_invented())
}

/// Whether the stateful answer of `id` is invented.
pub(crate) fn state_source(id: &str) -> ShapeSource {
    if INVENTED_SHAPES.iter().any(|(i, _)| *i == id) {
        ShapeSource::Invented
    } else {
        ShapeSource::Documented
    }
}

/// The source of a stateless answer: the documented sample, an example in
/// the response type's shape (documented, or client-evidenced when every
/// typed field of the model is), or the echo (invented).
pub(crate) fn stateless_source(spec: &EndpointSpec, sample: bool, example: bool) -> ShapeSource {
    if sample {
        return ShapeSource::Documented;
    }
    if !example {
        return ShapeSource::Invented;
    }
    let fields = spec.response_fields();
    let all =
        |f: fn(&FieldEvidence) -> bool| !fields.is_empty() && fields.iter().all(|x| f(&x.evidence));
    if all(|e| matches!(e, FieldEvidence::Client(_))) {
        ShapeSource::Client
    } else if all(|e| matches!(e, FieldEvidence::Recorded(_))) {
        ShapeSource::Recorded
    } else {
        ShapeSource::Documented
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invented_list_names_registered_endpoints_once() {
        let mut seen = std::collections::HashSet::new();
        for (id, what) in INVENTED_SHAPES {
            assert!(xportcn::endpoint::find(id).is_some(), "{id} is registered");
            assert!(seen.insert(*id), "{id} listed twice");
            assert!(!what.is_empty());
        }
        assert!(state_source("TB-O14").is_invented());
        assert!(!state_source("TB-O15").is_invented());
    }

    /// [`crate::flows::STATEFUL`] lists exactly the ids the flows answer.
    #[test]
    fn the_stateful_list_matches_the_flows() {
        let mut state =
            crate::flows::State::new("u", "http://127.0.0.1:1", serde_json::Value::Null);
        let params = crate::flows::Params::new(&[], None, &[]);
        for spec in xportcn::endpoint::all() {
            let answered = state.handle(spec.id, &params, 0).is_some();
            assert_eq!(
                answered,
                crate::flows::STATEFUL.contains(&spec.id),
                "{}",
                spec.id
            );
        }
        for id in crate::flows::STATEFUL {
            assert!(xportcn::endpoint::find(id).is_some(), "{id}");
        }
    }

    #[test]
    fn shapes_by_id() {
        for (id, _) in INVENTED_SHAPES {
            assert!(invented_shape(id), "{id}");
        }
        assert_eq!(shape_of("TB-P1"), Some(ShapeSource::Client));
        assert!(!invented_shape("TB-O15"));
        assert!(!invented_shape("nope"));
    }

    #[test]
    fn stateless_sources() {
        let tb_p1 = xportcn::endpoint::find("TB-P1").unwrap();
        assert_eq!(stateless_source(tb_p1, false, true), ShapeSource::Client);
        let tb_p8 = xportcn::endpoint::find("TB-P8").unwrap();
        assert_eq!(stateless_source(tb_p8, true, true), ShapeSource::Documented);
        assert_eq!(
            stateless_source(tb_p8, false, true),
            ShapeSource::Documented
        );
        assert_eq!(stateless_source(tb_p8, false, false), ShapeSource::Invented);
    }
}
