//! The readiness report: which endpoints can be sent in production under
//! the current configuration, before anything is sent.
//!
//! A test suite that passes against a fake proves nothing about paths the
//! SDK refuses in production: an endpoint with no known path, or a write on
//! a guessed one, fails with
//! [`Error::PathUnavailable`] at go-live.
//! The report lists, for each endpoint an application uses, whether it can
//! be sent and why, so that a CI step catches the gap first (`xportcn check
//! TB-O12 TB-P8` exits non-zero when one cannot).
//!
//! The rule is the one the client applies when it sends
//! ([`EndpointSpec::sendable_path`]), in this order:
//!
//! | case | sendable | [`Basis`] |
//! |---|---|---|
//! | an override is in effect ([`overrides`](crate::overrides)) | yes, writes too (your own evidence) | `Override` |
//! | the generation's path is verified (a doc page shows it) | yes | `Verified` |
//! | the generation's path is derived (the other generation's verified path, mapped) | yes | `Derived` |
//! | the path is guessed and the endpoint is a read (idempotent) | yes; a 404 says the path was guessed | `GuessedRead` |
//! | the path is guessed and the endpoint is a write | **no**: money never moves on a guess | `GuessedWrite` |
//! | no path is known | **no** | `Unknown` |
//!
//! ```
//! use xportcn::Client;
//! use xportcn::readiness::Basis;
//!
//! let builder = Client::builder().path_overrides_from_env(false);
//! let report = builder.readiness(&["TB-P8", "TB-O12"])?;
//! assert!(report.endpoint("TB-P8").unwrap().sendable());
//! let pay = report.endpoint("TB-O12").unwrap();
//! assert_eq!(pay.basis, Basis::Unknown);
//! assert!(!report.all_sendable());
//!
//! let with_path = builder.override_path("TB-O12", "/open/order/pay");
//! let report = with_path.readiness(&["TB-O12"])?;
//! assert_eq!(report.endpoint("TB-O12").unwrap().basis, Basis::Override);
//! # Ok::<(), xportcn::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;

use crate::endpoint::{self, EndpointSpec, Evidence, Generation, Method, PathSpec};
use crate::error::Error;
use crate::overrides::PathOverride;

/// Why an endpoint can, or cannot, be sent (see the table in
/// [`readiness`](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Basis {
    /// An override sets its path ([`EndpointReadiness::overridden`] says
    /// where from): sent, writes included.
    Override,
    /// A doc page shows the path: sent.
    Verified,
    /// The path is mapped from the other generation's verified one: sent.
    Derived,
    /// A read on a guessed path: sent; a 404 says the path was guessed.
    GuessedRead,
    /// A write on a guessed path: refused before sending.
    GuessedWrite,
    /// No path is known: refused before sending.
    Unknown,
}

impl Basis {
    /// Whether a call is sent.
    pub fn sendable(self) -> bool {
        !matches!(self, Basis::GuessedWrite | Basis::Unknown)
    }

    /// `override`, `verified`, `derived`, `guessed-read`, `guessed-write`
    /// or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Override => "override",
            Basis::Verified => "verified",
            Basis::Derived => "derived",
            Basis::GuessedRead => "guessed-read",
            Basis::GuessedWrite => "guessed-write",
            Basis::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the answer decodes into typed fields, or is kept as raw JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerKind {
    /// A typed model (or a plain typed value).
    Typed,
    /// Raw JSON: the docs do not show its shape.
    Raw,
}

impl AnswerKind {
    /// `typed` or `raw`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerKind::Typed => "typed",
            AnswerKind::Raw => "raw",
        }
    }

    /// The answer of an endpoint: raw when its response type gives no
    /// example shape (`Box<RawValue>`, `serde_json::Value`) and lists no
    /// typed field.
    pub fn of(spec: &EndpointSpec) -> AnswerKind {
        if spec.example.build().is_some() || !spec.response_fields().is_empty() {
            AnswerKind::Typed
        } else {
            AnswerKind::Raw
        }
    }
}

/// One endpoint's line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointReadiness {
    /// The endpoint id, e.g. `TB-O12`.
    pub id: &'static str,
    /// Its HTTP method.
    pub method: Method,
    /// Whether it is a write (not idempotent): never sent on a guessed path.
    pub write: bool,
    /// Its first-generation path and evidence, as declared.
    pub v1: PathSpec,
    /// Its second-generation path and evidence, as declared.
    pub v2: PathSpec,
    /// The override in effect for the report's generation, with its source.
    pub overridden: Option<PathOverride>,
    /// Why it can or cannot be sent.
    pub basis: Basis,
    /// The path template sent, when it is sent.
    pub path: Option<String>,
    /// Why it is refused, in the words of
    /// [`Error::PathUnavailable`].
    pub refusal: Option<String>,
    /// Whether its answer is typed or raw.
    pub answer: AnswerKind,
}

impl EndpointReadiness {
    /// Whether a call is sent under this configuration.
    pub fn sendable(&self) -> bool {
        self.basis.sendable()
    }
}

/// The readiness of a set of endpoints under one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Readiness {
    /// The path generation the report is for.
    pub generation: Generation,
    /// One line per endpoint, in the order asked (registry order for all).
    pub endpoints: Vec<EndpointReadiness>,
}

impl Readiness {
    /// The line of endpoint `id`, if it is in the report.
    pub fn endpoint(&self, id: &str) -> Option<&EndpointReadiness> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    /// Whether every endpoint of the report can be sent.
    pub fn all_sendable(&self) -> bool {
        self.endpoints.iter().all(EndpointReadiness::sendable)
    }

    /// The endpoints that cannot be sent.
    pub fn blocked(&self) -> impl Iterator<Item = &EndpointReadiness> {
        self.endpoints.iter().filter(|e| !e.sendable())
    }
}

impl crate::Client {
    /// The readiness report of this client's configuration (its generation
    /// and path overrides) for the endpoints named in `ids` (every endpoint
    /// when empty). See [`readiness`](crate::readiness).
    ///
    /// # Errors
    /// [`Error::Config`] for an id no endpoint has.
    pub fn readiness<S: AsRef<str>>(&self, ids: &[S]) -> Result<Readiness, Error> {
        report(self.inner.generation, &self.inner.overrides, ids)
    }
}

/// The report for `generation` with the overrides in effect.
pub(crate) fn report<S: AsRef<str>>(
    generation: Generation,
    overrides: &HashMap<&'static str, PathOverride>,
    ids: &[S],
) -> Result<Readiness, Error> {
    let specs: Vec<&'static EndpointSpec> = if ids.is_empty() {
        endpoint::all().iter().collect()
    } else {
        ids.iter()
            .map(|id| {
                let id = id.as_ref();
                endpoint::find(id).ok_or_else(|| {
                    Error::Config(format!(
                        "readiness: no endpoint has the id {id:?} (see `xportcn endpoints`)"
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let endpoints = specs
        .into_iter()
        .map(|spec| line(spec, generation, overrides.get(spec.id)))
        .collect();
    Ok(Readiness {
        generation,
        endpoints,
    })
}

/// One endpoint's line: the client's own routing rule
/// ([`EndpointSpec::sendable_path`]) behind any override.
fn line(
    spec: &'static EndpointSpec,
    generation: Generation,
    overridden: Option<&PathOverride>,
) -> EndpointReadiness {
    let (basis, path, refusal) = match overridden {
        Some(o) => (Basis::Override, Some(o.path.clone()), None),
        None => match spec.sendable_path(generation) {
            Ok((p, _)) => {
                let basis = match spec.path_spec(generation).evidence {
                    Evidence::Verified { .. } => Basis::Verified,
                    Evidence::Derived => Basis::Derived,
                    _ => Basis::GuessedRead,
                };
                (basis, Some(p.to_owned()), None)
            }
            Err(reason) => {
                let basis = match spec.path_spec(generation).evidence {
                    Evidence::Guessed { .. } => Basis::GuessedWrite,
                    _ => Basis::Unknown,
                };
                let refusal = Error::PathUnavailable {
                    endpoint: spec.id,
                    generation,
                    reason,
                }
                .to_string();
                (basis, None, Some(refusal))
            }
        },
    };
    EndpointReadiness {
        id: spec.id,
        method: spec.method,
        write: !spec.idempotent,
        v1: spec.v1,
        v2: spec.v2,
        overridden: overridden.cloned(),
        basis,
        path,
        refusal,
        answer: AnswerKind::of(spec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every basis agrees with the client's own rule, endpoint by endpoint,
    /// in both generations.
    #[test]
    fn the_report_follows_the_routing_rule() {
        for generation in [Generation::V1, Generation::V2] {
            let r = report::<&str>(generation, &HashMap::new(), &[]).unwrap();
            assert_eq!(r.endpoints.len(), endpoint::all().len());
            for e in &r.endpoints {
                let spec = endpoint::find(e.id).unwrap();
                assert_eq!(
                    e.sendable(),
                    spec.sendable_path(generation).is_ok(),
                    "{}",
                    e.id
                );
                if e.basis == Basis::GuessedWrite {
                    assert!(e.write, "{}", e.id);
                }
                assert_eq!(e.refusal.is_some(), !e.sendable(), "{}", e.id);
            }
        }
    }

    #[test]
    fn unknown_ids_are_refused() {
        let e = report(Generation::V1, &HashMap::new(), &["TB-NOPE"]).unwrap_err();
        assert!(e.to_string().contains("TB-NOPE"), "{e}");
    }

    #[test]
    fn answers_typed_and_raw() {
        assert_eq!(
            AnswerKind::of(endpoint::find("TB-P8").unwrap()),
            AnswerKind::Typed
        );
        assert_eq!(
            AnswerKind::of(endpoint::find("TB-O12").unwrap()),
            AnswerKind::Raw
        );
    }
}
