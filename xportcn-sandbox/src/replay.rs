//! Recorded answers the sandbox replays
//! ([`SandboxBuilder::replay_from`](super::SandboxBuilder::replay_from)).
//!
//! Each exchange recorded with
//! [`ClientBuilder::record_to`](xportcn::ClientBuilder::record_to) answers
//! its endpoint again, status and body as recorded: a production shape
//! instead of an example, an echo or the sandbox's own flow answer. For one
//! endpoint, the last recording (in file-name order, which is recording
//! order) wins. A recording of a call by path, or of an endpoint declared
//! outside the SDK, answers the endpoint its path routes to, or, for a path
//! the registry does not know, that method and path.

use std::collections::HashMap;
use std::path::PathBuf;

use bytes::Bytes;
use http::StatusCode;

use super::routes::Routes;
use xportcn::Error;
use xportcn::endpoint::Method;
use xportcn::record::Exchange;

/// [`SHAPE_HEADER`](super::SHAPE_HEADER)'s value on a replayed answer
/// ([`ShapeSource::Recorded`](super::ShapeSource::Recorded): never flagged
/// as invented).
pub const SHAPE_RECORDED: &str = "recorded";

/// One recorded answer, ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub status: StatusCode,
    pub body: Bytes,
    /// Whether `body` is JSON (else the recorded text, an HTML page).
    pub json: bool,
    /// The envelope's `code`, when the body is an envelope.
    pub code: Option<i64>,
}

impl Recorded {
    fn of(ex: &Exchange) -> Recorded {
        let status = StatusCode::from_u16(ex.status).unwrap_or(StatusCode::OK);
        match &ex.response {
            Some(v) => Recorded {
                status,
                body: Bytes::from(v.to_string()),
                json: true,
                code: v.get("code").and_then(serde_json::Value::as_i64),
            },
            None => Recorded {
                status,
                body: Bytes::from(ex.response_text.clone().unwrap_or_default()),
                json: false,
                code: None,
            },
        }
    }
}

/// The recorded answers, by endpoint id and, for paths the registry does
/// not route, by method and path.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    by_endpoint: HashMap<&'static str, Recorded>,
    by_path: HashMap<(Method, String), Recorded>,
}

impl Replay {
    /// Reads every exchange of `dirs`.
    pub(crate) fn load(dirs: &[PathBuf], routes: &Routes) -> Result<Replay, Error> {
        let mut replay = Replay::default();
        for dir in dirs {
            for ex in Exchange::read_dir(dir)? {
                let method = match ex.method.as_str() {
                    "GET" => Method::Get,
                    "POST" => Method::Post,
                    other => {
                        return Err(Error::Config(format!(
                            "replay_from {}: method {other:?} is neither GET nor POST",
                            dir.display()
                        )));
                    }
                };
                // An id of the registry answers that endpoint; a call by
                // path, or an endpoint declared outside the SDK, answers
                // whatever its path routes to, or that path.
                let spec = ex
                    .endpoint
                    .as_deref()
                    .and_then(xportcn::endpoint::find)
                    .or_else(|| routes.find(method, &ex.path).ok().map(|m| m.spec));
                let recorded = Recorded::of(&ex);
                match spec {
                    Some(spec) => {
                        replay.by_endpoint.insert(spec.id, recorded);
                    }
                    None => {
                        replay.by_path.insert((method, ex.path), recorded);
                    }
                }
            }
        }
        Ok(replay)
    }

    /// The recorded answer of an endpoint.
    pub(crate) fn endpoint(&self, id: &str) -> Option<&Recorded> {
        self.by_endpoint.get(id)
    }

    /// The recorded answer of a path the registry does not route.
    pub(crate) fn path(&self, method: Method, path: &str) -> Option<&Recorded> {
        self.by_path.get(&(method, path.to_owned()))
    }

    /// Whether nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_endpoint.is_empty() && self.by_path.is_empty()
    }
}
