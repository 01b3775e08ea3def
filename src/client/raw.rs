//! [`RawCall`]: a call by path ([`Client::raw`]) or by declaration
//! ([`Client::endpoint`]), with an untyped request and any `data` type.
//! Its paging is in `pages.rs`, with the typed one.

use std::fmt;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Client;
use crate::endpoint::{EndpointSpec, Method};
use crate::envelope::ApiResponse;
use crate::error::Error;

/// A call to any path, built by [`Client::raw`].
#[must_use = "a call does nothing until it is sent"]
pub struct RawCall {
    pub(super) client: Client,
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) body: Option<Bytes>,
    pub(super) idempotent: bool,
    pub(super) error: Option<Error>,
    /// The endpoint, for a call by declaration ([`Client::endpoint`]).
    pub(super) spec: Option<&'static EndpointSpec>,
    pub(super) path_params: Vec<(String, String)>,
}

impl fmt::Debug for RawCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawCall")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("idempotent", &self.idempotent)
            .field("endpoint", &self.spec.map(|s| s.id))
            .finish_non_exhaustive()
    }
}

impl RawCall {
    /// Sets the query string from any serializable value (a struct, a map,
    /// or a slice of pairs).
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Self {
        match serde_urlencoded::to_string(query) {
            Ok(q) => self.query = Some(q),
            Err(e) => self.error = Some(Error::Request(format!("cannot encode the query: {e}"))),
        }
        self
    }

    /// Sets the JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(b) => self.body = Some(Bytes::from(b)),
            Err(e) => self.error = Some(Error::Request(format!("cannot encode the body: {e}"))),
        }
        self
    }

    /// Whether the call may be retried. Defaults to false whatever the
    /// method: a raw call is sent once (a GET may be a write on this
    /// platform) unless you mark it `.idempotent(true)`.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Fills the path placeholder `{name}` of a call by declaration
    /// ([`Client::endpoint`]) with `value` (percent-encoded).
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path_params.push((name.into(), value.into()));
        self
    }

    /// Sends the call and decodes `data` into `T`.
    /// Sends the call and decodes `data` into `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let RawCall {
            client,
            method,
            path,
            query,
            body,
            idempotent,
            error,
            spec,
            path_params,
        } = self;
        if let Some(e) = error {
            return Err(e);
        }
        let query = query.unwrap_or_default();
        let prepared = match spec {
            Some(spec) => client.prepare_declared(spec, &path_params, query, body, idempotent)?,
            None => client.prepare_path(method, path, query, body, idempotent)?,
        };
        client.execute(prepared).await
    }

    /// Sends the call and returns `data` as a `serde_json::Value`.
    ///
    /// Memory: a `Value` tree takes many times the body's size for a body of
    /// many small objects: measured (counting allocator), 21x for 7.7 MB of
    /// objects like `{"id":1,"v":"ab","f":true}` and **84x** for 7.8 MB of
    /// `{"a":1}`, some 660 MB at the 8 MiB body limit. For a large answer use
    /// [`RawCall::send_raw`], which keeps `data` as its JSON text (the body
    /// plus one copy), or [`RawCall::pages`], which parses a list's items one
    /// at a time (2.00x the body, `tests/memory/page_memory.rs`).
    pub async fn send_value(self) -> Result<ApiResponse<serde_json::Value>, Error> {
        self.send().await
    }

    /// Sends the call and returns `data` as raw JSON text, parsed when and
    /// into what you choose (`serde_json::from_str(resp.data.get())`).
    pub async fn send_raw(self) -> Result<ApiResponse<Box<serde_json::value::RawValue>>, Error> {
        self.send().await
    }
}
