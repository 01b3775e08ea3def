//! [`Call`]: a typed endpoint call. It prepares its request, hands it to the
//! core, and gives back `data` (or the whole envelope).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::Client;
use crate::endpoint::Endpoint;
use crate::envelope::ApiResponse;
use crate::error::Error;

/// A pending endpoint call. Await it for the typed `data`, or use
/// [`Call::send_full`] for the envelope too.
///
/// A call owns a clone of the client (one `Arc`), so it is `'static` and can
/// be spawned:
///
/// ```no_run
/// # async fn demo(client: xportcn::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let task = tokio::spawn(client.taobao().product_get("672991141190").into_future());
/// let product = task.await??;
/// # let _ = product; Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<E> {
    pub(super) client: Client,
    pub(super) request: E,
    pub(super) retry_writes: bool,
}

impl<E: fmt::Debug> fmt::Debug for Call<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("retry_writes", &self.retry_writes)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Call<E> {
    /// Allows this call to be retried although its endpoint is a write
    /// (create, pay, cancel, submit). Only do this when the platform
    /// deduplicates the request (for example by your own order number), as a
    /// retried write may be executed twice.
    pub fn retry_writes(mut self) -> Self {
        self.retry_writes = true;
        self
    }

    /// The request this call sends.
    pub fn request(&self) -> &E {
        &self.request
    }

    /// Sends the call and returns `data` with the envelope and raw body.
    pub async fn send_full(self) -> Result<ApiResponse<E::Response>, Error> {
        let prepared = self.client.prepare(&self.request, self.retry_writes)?;
        self.client.execute(prepared).await
    }

    /// Sends the call and returns the typed `data`.
    pub async fn send(self) -> Result<E::Response, Error> {
        let prepared = self.client.prepare(&self.request, self.retry_writes)?;
        self.client.execute(prepared).await.map(|r| r.data)
    }
}

impl<E: Endpoint> IntoFuture for Call<E> {
    type Output = Result<E::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'static>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
