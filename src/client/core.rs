//! The one request core. Every call (typed [`Call`](super::Call), by
//! declaration or by path [`RawCall`](super::RawCall), each page of a list)
//! goes through the same named steps, in this order:
//!
//! 1. **prepare** (`Client::prepare`, `prepare_declared`, `prepare_path`):
//!    the path this client may send (override, generation, evidence), its
//!    `{name}` placeholders filled, the query or JSON body encoded: a
//!    [`Prepared`] request.
//! 2. **sign** (`Client::sign`): a fresh timestamp, nonce and signature
//!    ([`SignedHeaders`]), the headers and the URL of one attempt.
//! 3. **send** (`Client::transmit`): one HTTP exchange within the attempt's
//!    timeout.
//! 4. **classify** (`Client::classify`): the body read up to its limit; the
//!    attempt is an answer ([`Attempt`]), a failure the retry policy may
//!    retry (a connection error, a timeout), or the end of the call (a
//!    redirect, a body over the limit).
//! 5. **decide** (`Client::decide`): [`retry::decide`] says retry after a
//!    delay, or stop.
//! 6. **decode** (`Client::decode`): the last answer's envelope into an
//!    `ApiResponse<T>`, or a typed [`Error`] built whole here (the note on
//!    why a retryable status was not retried, the guessed-path hint).
//!
//! Steps 2 to 5 run once per attempt (`Client::execute` is the loop). After
//! the last answer and before decoding, each [`Interceptor`] sees the
//! request and the answer: the recorder ([`ClientBuilder::record_to`]) is
//! the one today.
//!
//! [`ClientBuilder::record_to`]: super::ClientBuilder::record_to

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::Client;
use crate::endpoint::{Endpoint, EndpointSpec, Method, Signing};
use crate::envelope::{self, ApiResponse};
use crate::error::{Error, TimeoutKind, TransportKind};
use crate::record::{Exchange, Recorder};
use crate::retry::{self, AttemptOutcome, Decision, RetryPolicy};
use crate::signing::SignedHeaders;

/// The `endpoint` of a call by path (in spans and logs; `null` in records).
const RAW_ENDPOINT: &str = "raw";

/// Stand-in deadline for a total timeout too large to add to an `Instant`.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Characters escaped in a path parameter: everything but unreserved ones.
const PATH_PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A hook on the core, in the manner of smithy-rs interceptors: it sees each
/// call's request and the answer that ends it, and cannot change either.
///
/// Called once per call, for the answer that is decoded: not for an attempt
/// that is retried, nor when no answer arrived (a timeout, a connection
/// error, a refused redirect, a body over the limit). It runs on the task
/// making the call, so it must be quick and must not fail the call.
pub(crate) trait Interceptor: fmt::Debug + Send + Sync {
    /// After the last attempt's answer, before it is decoded.
    fn after_answer(&self, request: &Prepared, answer: &Attempt);
}

/// The one interceptor: writes each exchange to the record directory.
impl Interceptor for Recorder {
    fn after_answer(&self, request: &Prepared, answer: &Attempt) {
        self.record(Exchange::new(
            (request.endpoint != RAW_ENDPOINT).then_some(request.endpoint),
            request.method.as_str(),
            &request.path,
            &request.query,
            request.body.as_deref(),
            answer.status,
            &answer.body,
        ));
    }
}

/// A request ready to sign and send: the result of the prepare step.
pub(crate) struct Prepared {
    /// The endpoint id, or `"raw"` for a call by path.
    pub(crate) endpoint: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// The query as built, before any signing pair joins it (recorded).
    pub(crate) query: String,
    url: String,
    pub(crate) body: Option<Bytes>,
    retry_allowed: bool,
    signing: Signing,
    /// The path was guessed: a 404 says so.
    guessed: bool,
}

/// One attempt that got an answer: the classify step's result, what the
/// decide step reads, and what the decode step turns into a value or an
/// error.
pub(crate) struct Attempt {
    /// 1 for the first attempt.
    number: u32,
    pub(crate) status: u16,
    pub(crate) body: Bytes,
    /// The attempt's signature (its masked signed string goes in the hint
    /// of an authentication failure).
    signed: SignedHeaders,
    /// The `Retry-After` header, if any.
    retry_after: Option<RetryAfter>,
}

/// A `Retry-After` header: its text (quoted in an error) and the delay it
/// reads as (see [`retry::parse_retry_after`]).
struct RetryAfter {
    raw: String,
    delay: Option<Duration>,
}

/// What the classify step makes of one attempt.
enum Classified {
    /// An answer arrived and its body was read.
    Answered(Attempt),
    /// No answer: a failure the retry policy may retry.
    Failed(AttemptOutcome, Error),
    /// Ends the call whatever the policy: a redirect (never followed nor
    /// retried, the signed request goes nowhere else) or a body over the
    /// limit.
    Ended(Error),
}

/// The signed parts of one attempt, from the sign step to the send step.
struct Outgoing {
    headers: HeaderMap,
    /// The parsed URL, or `None` for a URL reqwest would refuse (sent
    /// through its request builder, for the same error).
    url: Option<reqwest::Url>,
}

/// The call's time limits.
struct Clock {
    started: Instant,
    deadline: Instant,
}

impl Clock {
    fn start(total: Duration) -> Clock {
        let started = Instant::now();
        // A total timeout of `Duration::MAX` means "no limit": clamp it
        // instead of overflowing `Instant` (which panics).
        let deadline = started
            .checked_add(total)
            .unwrap_or_else(|| started + FAR_FUTURE);
        Clock { started, deadline }
    }

    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The next attempt's timeout, and whether the total limit shortened it.
    fn attempt_timeout(&self, per_attempt: Duration) -> (Duration, bool) {
        let timeout = per_attempt.min(self.remaining());
        (timeout, timeout < per_attempt)
    }
}

impl Client {
    /// The path template to send, or why none may be sent; and, for a
    /// guessed path, the reason it was guessed.
    pub(crate) fn route(&self, spec: &EndpointSpec) -> Result<(&str, Option<&'static str>), Error> {
        if let Some(o) = self.inner.overrides.get(spec.id) {
            return Ok((o.path.as_str(), None));
        }
        let generation = self.inner.generation;
        spec.sendable_path(generation)
            .map_err(|reason| Error::PathUnavailable {
                endpoint: spec.id,
                generation,
                reason,
            })
    }

    /// Step 1 for a typed call: the request of an endpoint call.
    pub(super) fn prepare<E: Endpoint>(
        &self,
        req: &E,
        retry_writes: bool,
    ) -> Result<Prepared, Error> {
        let spec = &E::SPEC;
        let (template, guessed) = self.route(spec)?;
        req.check_generation(self.inner.generation)
            .map_err(|reason| {
                Error::Request(format!(
                    "{}: the request does not fit the {} path generation: {reason}",
                    spec.id, self.inner.generation
                ))
            })?;
        let path = fill_path(template, &req.path_params())?;
        let (query, body) = match spec.method {
            Method::Get => {
                let q = serde_urlencoded::to_string(req).map_err(|e| {
                    Error::Request(format!("{}: cannot encode the query: {e}", spec.id))
                })?;
                (q, None)
            }
            Method::Post => {
                let b = serde_json::to_vec(req).map_err(|e| {
                    Error::Request(format!("{}: cannot encode the body: {e}", spec.id))
                })?;
                (String::new(), Some(Bytes::from(b)))
            }
        };
        Ok(Prepared {
            endpoint: spec.id,
            method: spec.method,
            url: self.url(&path, &query),
            query,
            path,
            body,
            retry_allowed: spec.idempotent || retry_writes,
            signing: spec.signing,
            guessed: guessed.is_some(),
        })
    }

    /// Step 1 for a call by declaration ([`Client::endpoint`]).
    pub(super) fn prepare_declared(
        &self,
        spec: &'static EndpointSpec,
        path_params: &[(String, String)],
        query: String,
        body: Option<Bytes>,
        idempotent: bool,
    ) -> Result<Prepared, Error> {
        let (template, guessed) = self.route(spec)?;
        let path = fill_path(template, path_params)?;
        Ok(Prepared {
            endpoint: spec.id,
            method: spec.method,
            url: self.url(&path, &query),
            query,
            path,
            body,
            retry_allowed: idempotent,
            signing: spec.signing,
            guessed: guessed.is_some(),
        })
    }

    /// Step 1 for a call by path ([`Client::raw`]).
    pub(super) fn prepare_path(
        &self,
        method: Method,
        path: String,
        query: String,
        body: Option<Bytes>,
        idempotent: bool,
    ) -> Result<Prepared, Error> {
        if !path.starts_with('/') {
            return Err(Error::Request(format!("path {path:?} must start with '/'")));
        }
        Ok(Prepared {
            endpoint: RAW_ENDPOINT,
            method,
            url: self.url(&path, &query),
            query,
            path,
            body,
            retry_allowed: idempotent,
            signing: Signing::Headers,
            guessed: false,
        })
    }

    fn url(&self, path: &str, query: &str) -> String {
        let mut url = String::with_capacity(self.inner.base.len() + path.len() + query.len() + 1);
        url.push_str(&self.inner.base);
        url.push_str(path);
        if !query.is_empty() {
            url.push(if path.contains('?') { '&' } else { '?' });
            url.push_str(query);
        }
        url
    }

    /// The core: steps 2 to 5 for each attempt until one is not retried,
    /// the interceptors, then step 6. Inside the `xportcn.request` span.
    pub(super) async fn execute<T: DeserializeOwned>(
        &self,
        p: Prepared,
    ) -> Result<ApiResponse<T>, Error> {
        let span = tracing::info_span!(
            "xportcn.request",
            endpoint = p.endpoint,
            method = p.method.as_str(),
            path = %p.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let call = async move {
            let clock = Clock::start(self.inner.total_timeout);
            // The first attempt takes the URL parsed here, a retry parses it
            // again; a query-signed URL is parsed per attempt (its signature
            // joins the query).
            let mut parsed = match p.signing {
                Signing::Headers => p.parse_url(),
                Signing::Query => None,
            };
            let mut number: u32 = 0;
            let answer = loop {
                number += 1;
                tracing::Span::current().record("attempt", number);
                let (timeout, clipped) = clock.attempt_timeout(self.inner.attempt_timeout);
                let (signed, outgoing) = self.sign(&p, parsed.take());
                let sent = self.transmit(&p, outgoing, timeout).await;
                let classified = self.classify(sent, number, signed, clipped, &clock).await;
                match self.decide(&p, number, &classified, &clock) {
                    Decision::Retry(delay) => {
                        match &classified {
                            Classified::Answered(a) => {
                                tracing::debug!(status = a.status, ?delay, "retrying after status");
                            }
                            Classified::Failed(_, err) => {
                                tracing::debug!(error = %err, ?delay, "retrying after failure");
                            }
                            Classified::Ended(_) => {}
                        }
                        tokio::time::sleep(delay).await;
                    }
                    Decision::Stop => match classified {
                        Classified::Answered(a) => break a,
                        Classified::Failed(_, e) | Classified::Ended(e) => {
                            return Err(e.with_repeatable(p.retry_allowed));
                        }
                    },
                }
            };
            for interceptor in &self.inner.interceptors {
                interceptor.after_answer(&p, &answer);
            }
            let result = self.decode(&p, answer);
            trace_result(&result);
            result
        };
        // Without a subscriber that wants the span, entering and leaving it
        // at every poll is work for nothing.
        if span.is_disabled() {
            call.await
        } else {
            call.instrument(span).await
        }
    }

    /// Step 2: a fresh signature, the headers and the URL of one attempt.
    /// `parsed` is the URL already parsed, if any.
    fn sign(&self, p: &Prepared, parsed: Option<reqwest::Url>) -> (SignedHeaders, Outgoing) {
        let inner = &*self.inner;
        let signed = SignedHeaders::new(&inner.creds, inner.timestamp_unit);
        let mut headers = HeaderMap::with_capacity(8);
        signed.apply(&mut headers, &inner.access_key, &inner.user_id);
        headers.insert(http::header::USER_AGENT, inner.user_agent.clone());
        if p.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        tracing::trace!(signed = %signed.signed_string_masked(), "sending attempt");
        let url = match p.signing {
            Signing::Headers => parsed.or_else(|| p.parse_url()),
            // `timestamp` and `sign` join the query on every attempt.
            Signing::Query => p.parse_url().map(|mut u| {
                u.query_pairs_mut()
                    .append_pair("timestamp", signed.timestamp())
                    .append_pair("sign", signed.signature());
                u
            }),
        };
        (signed, Outgoing { headers, url })
    }

    /// Step 3: one HTTP exchange, up to the response's head.
    async fn transmit(
        &self,
        p: &Prepared,
        out: Outgoing,
        timeout: Duration,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let http = &self.inner.http;
        let method = p.method.to_reqwest();
        match out.url {
            // The request is built directly: the header map moves in as it
            // is, with no builder copying it header by header.
            Some(url) => {
                let mut req = reqwest::Request::new(method, url);
                *req.headers_mut() = out.headers;
                *req.timeout_mut() = Some(timeout);
                if let Some(body) = &p.body {
                    *req.body_mut() = Some(body.clone().into());
                }
                http.execute(req).await
            }
            None => {
                let mut rb = http.request(method, &p.url).timeout(timeout);
                if let Some(body) = &p.body {
                    rb = rb.body(body.clone());
                }
                rb.headers(out.headers).send().await
            }
        }
    }

    /// Step 4: what the attempt came to. Reads the body (up to the limit).
    async fn classify(
        &self,
        sent: Result<reqwest::Response, reqwest::Error>,
        number: u32,
        signed: SignedHeaders,
        clipped: bool,
        clock: &Clock,
    ) -> Classified {
        let failure = match sent {
            Ok(resp) if resp.status().is_redirection() => {
                let status = resp.status().as_u16();
                tracing::Span::current().record("status", status);
                let location = resp
                    .headers()
                    .get(http::header::LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                return Classified::Ended(Error::Redirect { status, location });
            }
            Ok(resp) => {
                let status = resp.status().as_u16();
                // A value that is not text reads like any unreadable one: a
                // delay the call cannot wait for.
                let retry_after = resp.headers().get(RETRY_AFTER).map(|v| {
                    let raw = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    let delay = retry::parse_retry_after(&raw, SystemTime::now());
                    RetryAfter { raw, delay }
                });
                let limit = self.inner.max_response_bytes;
                match read_body(resp, limit).await {
                    Ok(body) => {
                        tracing::Span::current().record("status", status);
                        return Classified::Answered(Attempt {
                            number,
                            status,
                            body,
                            signed,
                            retry_after,
                        });
                    }
                    Err(BodyError::TooLarge) => {
                        return Classified::Ended(Error::BodyTooLarge { status, limit });
                    }
                    Err(BodyError::Read(e)) => e,
                }
            }
            Err(e) => e,
        };
        let (outcome, err) = transport_failure(failure, number, clipped, clock);
        Classified::Failed(outcome, err)
    }

    /// Step 5: retry (after how long) or stop.
    fn decide(
        &self,
        p: &Prepared,
        number: u32,
        classified: &Classified,
        clock: &Clock,
    ) -> Decision {
        let outcome = match classified {
            Classified::Answered(a) => {
                AttemptOutcome::Status(a.status, a.retry_after.as_ref().and_then(|r| r.delay))
            }
            Classified::Failed(outcome, _) => *outcome,
            Classified::Ended(_) => return Decision::Stop,
        };
        let jitter: f64 = rand::random();
        retry::decide(
            &self.inner.retry,
            p.retry_allowed,
            number,
            outcome,
            clock.remaining(),
            jitter,
        )
    }

    /// Step 6: the answer's envelope, decoded; any error is built whole
    /// here, with its retry note and its guessed-path hint.
    fn decode<T: DeserializeOwned>(
        &self,
        p: &Prepared,
        answer: Attempt,
    ) -> Result<ApiResponse<T>, Error> {
        let note = answer.stop_note(&self.inner.retry, p.retry_allowed);
        let Attempt {
            status,
            body,
            signed,
            ..
        } = answer;
        let masked = || signed.signed_string_masked();
        let hints = envelope::Hints {
            signed: Some(&masked),
            http_note: note.as_deref(),
        };
        envelope::decode::<T>(status, body, &hints).map_err(|e| {
            let e = e.with_repeatable(p.retry_allowed);
            if p.guessed && status == 404 {
                Error::GuessedPathNotFound {
                    endpoint: p.endpoint,
                    generation: self.inner.generation,
                    path: p.path.clone(),
                    source: Box::new(e),
                }
            } else {
                e
            }
        })
    }
}

impl Prepared {
    /// The URL parsed for reqwest, or `None` when it does not parse or has
    /// no host (reqwest's request builder then gives its own error).
    fn parse_url(&self) -> Option<reqwest::Url> {
        reqwest::Url::parse(&self.url)
            .ok()
            .filter(url::Url::has_host)
    }
}

impl Attempt {
    /// Why a retryable status was not retried, when `Retry-After` is the
    /// reason (a delay over the policy's limit, or one that cannot be
    /// read): a note for the error's text.
    fn stop_note(&self, policy: &RetryPolicy, retry_allowed: bool) -> Option<String> {
        let ra = self.retry_after.as_ref()?;
        let delay = ra.delay?;
        let retryable = retry_allowed
            && self.number < policy.attempts()
            && matches!(self.status, 429 | 502 | 503 | 504);
        if !retryable {
            return None;
        }
        retry::retry_after_refusal(policy, &ra.raw, delay)
    }
}

/// Records the request id in the span and logs how the call ended.
fn trace_result<T>(result: &Result<ApiResponse<T>, Error>) {
    let span = tracing::Span::current();
    match result {
        Ok(r) => {
            span.record("request_id", r.request_id.as_deref().unwrap_or(""));
            tracing::debug!(bytes = r.body.len(), "response decoded");
        }
        Err(Error::Api(e)) => {
            span.record("request_id", e.request_id.as_deref().unwrap_or(""));
            tracing::debug!(code = e.code, msg = %e.msg, "platform error");
        }
        Err(e) => tracing::debug!(error = %e, "response not decoded"),
    }
}

/// Maps a transport failure to its retry outcome and its error.
fn transport_failure(
    e: reqwest::Error,
    attempts: u32,
    clipped: bool,
    clock: &Clock,
) -> (AttemptOutcome, Error) {
    if e.is_timeout() {
        let kind = if clipped || Instant::now() >= clock.deadline {
            TimeoutKind::Total
        } else {
            TimeoutKind::Attempt
        };
        let err = Error::Timeout {
            kind,
            elapsed: clock.started.elapsed(),
            attempts,
            // Set when the call ends, from the request.
            repeatable: false,
        };
        return (AttemptOutcome::Timeout, err);
    }
    let (outcome, kind) = if e.is_connect() {
        (AttemptOutcome::Connect, TransportKind::Connect)
    } else if e.is_request() || e.is_body() || e.is_decode() {
        (AttemptOutcome::Connection, TransportKind::Connection)
    } else {
        (AttemptOutcome::Connection, TransportKind::Other)
    };
    // reqwest's errors carry the URL, never headers, so no secret can leak;
    // the URL itself holds nothing secret either.
    (
        outcome,
        Error::Transport {
            kind,
            attempts,
            repeatable: false,
            source: e,
        },
    )
}

enum BodyError {
    TooLarge,
    Read(reqwest::Error),
}

/// Reads a body up to `limit` bytes into one buffer sized from
/// Content-Length. Each chunk is copied out as it arrives and dropped, so the
/// connection's read buffer is free again for its next read instead of being
/// pinned by the body until the call ends.
async fn read_body(mut resp: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    // Taken before the first chunk: `content_length()` is the body's
    // *remaining* size hint, which shrinks as chunks are read.
    let expected = resp.content_length();
    if expected.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut buf = BytesMut::with_capacity(expected.map_or(0, |n| n as usize));
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Replaces `{name}` placeholders with percent-encoded values.
fn fill_path<N: AsRef<str>>(template: &str, params: &[(N, String)]) -> Result<String, Error> {
    if !template.contains('{') {
        return Ok(template.to_owned());
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| Error::Request(format!("path {template:?} has an unclosed '{{'")))?;
        let name = &after[..close];
        let value = params
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                Error::Request(format!("path {template:?} needs the parameter {name:?}"))
            })?;
        if value.is_empty() {
            return Err(Error::Request(format!("path parameter {name:?} is empty")));
        }
        // `.` and `..` are kept by percent-encoding (unreserved), and their
        // encoded forms `%2E` are dot segments too for URL parsers: either
        // would be resolved away and move the request to another path. An id
        // never leaves its segment: such a value is refused, nothing is sent.
        if value == "." || value == ".." {
            return Err(Error::Request(format!(
                "path parameter {name:?} is {value:?}, a dot segment: it would change the \
                 request's path, so nothing was sent"
            )));
        }
        out.extend(utf8_percent_encode(value, PATH_PARAM));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_encoded() {
        let p = [("refundId", "a b/c".to_owned())];
        assert_eq!(
            fill_path("/open/order/refund/cancel/{refundId}", &p).unwrap(),
            "/open/order/refund/cancel/a%20b%2Fc"
        );
        assert!(fill_path("/x/{missing}", &p).is_err());
        assert!(fill_path("/x/{refundId", &p).is_err());
        assert_eq!(fill_path::<&str>("/plain", &[]).unwrap(), "/plain");
        // Dot segments would leave the segment (issue 19, finding 3).
        for dots in [".", ".."] {
            let p = [("refundId", dots.to_owned())];
            let e = fill_path("/open/order/refund/cancel/{refundId}", &p).unwrap_err();
            assert!(
                matches!(&e, Error::Request(m) if m.contains("dot segment")),
                "{e}"
            );
        }
        let p = [("refundId", "...".to_owned())];
        assert_eq!(
            fill_path("/c/{refundId}", &p).unwrap(),
            "/c/...",
            "three dots are an ordinary segment"
        );
    }
}
