//! Paged lists: [`Pages`] (typed, from [`Call::pages`]), the untyped pages
//! of [`RawCall::pages`], and the one paging loop both use (`paginate`).

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};
use serde_json::value::RawValue;

use super::{Call, RawCall};
use crate::endpoint::{Endpoint, Method, Paged, Paging};
use crate::envelope::ApiResponse;
use crate::error::Error;
use crate::model::Page;

impl<E> Call<E>
where
    E: Paged + Clone,
    E::Response: Page,
{
    /// Every item of a paged list, as a stream that fetches pages lazily,
    /// starting at the request's page (1 if unset). See [`Pages`].
    ///
    /// ```no_run
    /// # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
    /// use futures_util::TryStreamExt;
    /// use xportcn::ali1688::KeywordSearchRequest;
    ///
    /// let request = KeywordSearchRequest::builder().keyword("phone case").page_size(50).build();
    /// let offers: Vec<_> = client.call(request).pages().max_pages(10).try_collect().await?;
    /// # let _ = offers; Ok(()) }
    /// ```
    pub fn pages(self) -> Pages<E> {
        Pages {
            call: Some(self),
            max_pages: DEFAULT_MAX_PAGES,
            stream: None,
        }
    }
}

/// Default page limit of [`Pages`].
pub(crate) const DEFAULT_MAX_PAGES: u32 = 1000;

/// Every item of a paged list, fetched page by page as the stream is polled;
/// from [`Call::pages`].
///
/// The stream stops after the last page: when the server's total (items or
/// pages) is reached, or a page is shorter than the page size asked for, or a
/// page is empty. It also stops at a page limit ([`Pages::max_pages`],
/// default 1,000), yielding [`Error::PageLimit`] last, so a
/// server that never ends cannot loop forever. An error on any page is
/// yielded and ends the stream.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<E: Paged>
where
    E::Response: Page,
{
    call: Option<Call<E>>,
    max_pages: u32,
    stream: Option<BoxedItems<E>>,
}

type BoxedItems<E> = Pin<Box<dyn Stream<Item = Result<Item<E>, Error>> + Send>>;

impl<E: Paged + fmt::Debug> fmt::Debug for Pages<E>
where
    E::Response: Page,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("call", &self.call)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

type Item<E> = <<E as Endpoint>::Response as Page>::Item;

impl<E> Pages<E>
where
    E: Paged + Clone,
    E::Response: Page,
    Item<E>: Send + 'static,
{
    /// Stops after this many pages (at least 1; default 1,000), yielding
    /// [`Error::PageLimit`] if the list goes on.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The items, as a stream (`Pages` is itself a [`Stream`]; this gives
    /// the unboxed one).
    pub fn into_stream(self) -> impl Stream<Item = Result<Item<E>, Error>> + Send + 'static {
        let max_pages = self.max_pages;
        let call = self.call;
        stream::iter(call)
            .map(move |call| Self::items(call, max_pages))
            .flatten()
    }

    fn items(
        call: Call<E>,
        max_pages: u32,
    ) -> impl Stream<Item = Result<Item<E>, Error>> + Send + 'static {
        let start = call.request.page().unwrap_or(1).max(1);
        let size = call.request.page_size().map(u64::from);
        paginate(start, size, max_pages, move |page| {
            let mut request = call.request.clone();
            request.set_page(page);
            let once = Call {
                client: call.client.clone(),
                request,
                retry_writes: call.retry_writes,
            };
            async move {
                let resp = once.send().await?;
                let (total, total_pages) = (resp.total(), resp.total_pages());
                let items = resp.into_items();
                Ok(PageOf {
                    count: items.len() as u64,
                    items: items.into_iter().map(Ok),
                    total,
                    total_pages,
                })
            }
        })
    }
}

/// One fetched page of a list: its items (as they are taken: a raw page
/// parses each item only when it is reached), how many there are, and the
/// server's totals.
struct PageOf<I> {
    items: I,
    count: u64,
    total: Option<u64>,
    total_pages: Option<u64>,
}

/// Every item of a paged list: `fetch` gets page `start`, `start + 1`, ...
/// until the last page (see [`Pages`] for the rule) or `max_pages`
/// ([`Error::PageLimit`]). The one paging loop of [`Pages`] and
/// [`RawCall::pages`].
fn paginate<T, I, F, Fut>(
    start: u32,
    size: Option<u64>,
    max_pages: u32,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    I: Iterator<Item = Result<T, Error>> + Send + 'static,
    F: Fn(u32) -> Fut + Send + 'static,
    Fut: Future<Output = Result<PageOf<I>, Error>> + Send,
{
    struct State<F> {
        fetch: F,
        page: u32,
        fetched: u32,
        seen: u64,
    }
    let first = State {
        fetch,
        page: start,
        fetched: 0,
        seen: 0,
    };
    stream::unfold(Some(first), move |state| async move {
        let mut st = state?;
        if st.fetched >= max_pages {
            return Some((Err(Error::PageLimit { pages: st.fetched }), None));
        }
        let PageOf {
            items,
            count: n,
            total,
            total_pages,
        } = match (st.fetch)(st.page).await {
            Ok(p) => p,
            Err(e) => return Some((Err(e), None)),
        };
        st.seen += n;
        st.fetched += 1;
        let page = u64::from(st.page);
        let reached_total = total.is_some_and(|t| match size {
            Some(s) => page.saturating_mul(s) >= t,
            None => st.seen >= t,
        });
        let last = n == 0
            || size.is_some_and(|s| n < s)
            || reached_total
            || total_pages.is_some_and(|tp| page >= tp);
        tracing::debug!(page, items = n, ?total, last, "page fetched");
        st.page = st.page.saturating_add(1);
        Some((Ok(items), (!last).then_some(st)))
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items).left_stream(),
        Err(e) => stream::once(async move { Err(e) }).right_stream(),
    })
}

impl<E> Stream for Pages<E>
where
    E: Paged + Clone + Unpin,
    E::Response: Page,
    Item<E>: Send + 'static,
{
    type Item = Result<Item<E>, Error>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.stream.is_none() {
            let Some(call) = this.call.take() else {
                return std::task::Poll::Ready(None);
            };
            this.stream = Some(Box::pin(Self::items(call, this.max_pages)));
        }
        match this.stream.as_mut() {
            Some(s) => s.as_mut().poll_next(cx),
            None => std::task::Poll::Ready(None),
        }
    }
}

impl RawCall {
    /// Every item of a paged list called by declaration
    /// ([`Client::endpoint`](super::Client::endpoint) of an endpoint with
    /// [`paging`](crate::endpoint::EndpointSpec::paging)), as JSON values,
    /// fetched page by page from the page the request sets (1 if unset),
    /// with the stop rule of [`Pages`] and at most `max_pages` pages
    /// (then [`Error::PageLimit`]). An endpoint that is not a paged list, or
    /// a call by path, yields one [`Error::Request`] and sends nothing.
    ///
    /// Memory: a page is kept as its JSON text and each item is parsed into
    /// a `Value` only when the stream reaches it, so a page costs about 2x
    /// its body (2.00x measured for 7.8 MB of `{"a":1}` items,
    /// `tests/memory/page_memory.rs`) plus the items you keep.
    pub fn pages(
        mut self,
        max_pages: u32,
    ) -> impl Stream<Item = Result<serde_json::Value, Error>> + Send + 'static {
        let first = match self.error.take().map_or_else(|| self.paging(), Err) {
            Ok(first) => first,
            Err(e) => return stream::once(async move { Err(e) }).left_stream(),
        };
        let (paging, start, size) = first;
        paginate(start, size, max_pages.max(1), move |page| {
            let call = self.with_field(paging.page_field, page);
            // `data` kept as text, each item parsed only when it is reached:
            // a whole page as one `Value` tree cost up to 84x the body.
            async move { call?.send_raw().await?.into_page(&paging) }
        })
        .right_stream()
    }

    /// The paging of a call by declaration, its first page and page size.
    fn paging(&self) -> Result<(Paging, u32, Option<u64>), Error> {
        let spec = self.spec.ok_or_else(|| {
            Error::Request(format!(
                "{} {}: only an endpoint called by its declaration can be paged",
                self.method, self.path
            ))
        })?;
        let paging = spec.paging.ok_or_else(|| {
            Error::Request(format!(
                "{} is not a paged list: it has no page field to step through",
                spec.id
            ))
        })?;
        let start = self.field(paging.page_field)?.unwrap_or(1).max(1);
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let size = match paging.size_field {
            Some(f) => self.field(f)?,
            None => None,
        };
        Ok((paging, start, size))
    }

    /// The fields of the request: the query's pairs for a `GET`, the JSON
    /// body's object for a `POST`.
    fn fields(&self) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        match self.method {
            Method::Get => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(self.query.as_deref().unwrap_or(""))
                        .map_err(|e| Error::Request(format!("cannot read the query: {e}")))?;
                Ok(pairs
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect())
            }
            Method::Post => match &self.body {
                None => Ok(serde_json::Map::new()),
                Some(b) => serde_json::from_slice(b).map_err(|e| {
                    Error::Request(format!("a paged list's body must be a JSON object: {e}"))
                }),
            },
        }
    }

    /// A numeric request field (a number or a numeric string).
    fn field(&self, name: &str) -> Result<Option<u64>, Error> {
        Ok(self.fields()?.get(name).and_then(count_of))
    }

    /// A copy of this call with one request field set to a number.
    fn with_field(&self, name: &str, value: u32) -> Result<RawCall, Error> {
        let mut fields = self.fields()?;
        fields.insert(name.to_owned(), value.into());
        let next = RawCall {
            client: self.client.clone(),
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            idempotent: self.idempotent,
            error: None,
            spec: self.spec,
            path_params: self.path_params.clone(),
        };
        Ok(match self.method {
            Method::Get => next.query(&fields),
            Method::Post => next.json(&fields),
        })
    }
}

/// A count: a non-negative JSON number or numeric string.
fn count_of(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl ApiResponse<Box<RawValue>> {
    /// The items and totals of one page of a list, by its paging fields.
    /// Only the top-level fields of `data` are read here; the items stay
    /// text, each parsed into a `Value` when the stream reaches it.
    fn into_page(self, paging: &Paging) -> Result<PageOf<RawItems>, Error> {
        type Fields<'a> = HashMap<std::borrow::Cow<'a, str>, &'a RawValue>;
        let text = self.data.get();
        // `data` that is not an object has no items, as a `Value` lookup.
        let fields: Fields<'_> = serde_json::from_str(text).unwrap_or_default();
        let count = |f: Option<&str>| {
            let raw = fields.get(f?)?;
            count_of(&serde_json::from_str(raw.get()).ok()?)
        };
        let (total, total_pages) = (count(paging.total_field), count(paging.total_pages_field));
        let items = fields.get(paging.items_field).map(|raw| raw.get());
        let range = match items {
            None | Some("null") => None,
            Some(items) if items.starts_with('[') => {
                let start = items.as_ptr() as usize - text.as_ptr() as usize;
                Some((start, start + items.len()))
            }
            Some(_) => {
                return Err(crate::error::DecodeError {
                    path: format!("data.{}", paging.items_field),
                    message: "expected the page's items, a JSON array".to_owned(),
                    body: self.body,
                    http_status: self.http_status,
                }
                .into());
            }
        };
        let count = match range {
            Some((start, end)) => count_items(&text[start..end]),
            None => 0,
        };
        drop(fields);
        let (pos, end) = range.map_or((0, 0), |(start, end)| (start + 1, end));
        Ok(PageOf {
            items: RawItems {
                data: self.data,
                pos,
                end,
                left: count,
            },
            count,
            total,
            total_pages,
        })
    }
}

/// How many elements a JSON array has, without building them.
fn count_items(array: &str) -> u64 {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut n = 0u64;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_str(array);
    serde::Deserializer::deserialize_seq(&mut de, Count).unwrap_or(0)
}

/// The items of one raw page, parsed into a `Value` one at a time as they
/// are taken: the page costs its text, not a tree of all its items.
struct RawItems {
    /// The page's `data`, as text.
    data: Box<RawValue>,
    /// Where the next item starts (after the `[` or a `,`), and where the
    /// array ends (after its `]`).
    pos: usize,
    end: usize,
    /// Items not yet taken.
    left: u64,
}

impl Iterator for RawItems {
    type Item = Result<serde_json::Value, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let text = self.data.get().get(self.pos..self.end)?;
        let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        let skipped = self.end - self.pos - text.len();
        let mut items = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
        match items.next() {
            Some(Ok(v)) => {
                self.pos += skipped + items.byte_offset();
                Some(Ok(v))
            }
            // The page was read as JSON already, so this is not expected;
            // a typed error all the same, and the stream ends.
            other => {
                self.left = 0;
                let message = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "the page ended before its items".to_owned(),
                };
                Some(Err(Error::Request(format!(
                    "cannot read a page item: {message}"
                ))))
            }
        }
    }
}
