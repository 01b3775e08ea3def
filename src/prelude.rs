//! One import for calls: `use xportcn::prelude::*;`.
//!
//! Brings the client and its errors, and the stream traits that
//! [`pages`](crate::Call::pages) needs (`try_collect`, `try_next`, `next`,
//! ...), so a program that pages through a list does not add `futures-util`
//! to its own `Cargo.toml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xportcn::Error> {
//! use xportcn::prelude::*;
//!
//! let client = Client::builder().credentials(Credentials::from_env()?).build()?;
//! let product = client.taobao().product_get("672991141190").await?;
//! let offers: Vec<_> = client
//!     .ali1688()
//!     .keyword_search()
//!     .keyword("phone case")
//!     .page_size(50)
//!     .pages()
//!     .max_pages(3)
//!     .try_collect()
//!     .await?;
//! # let _ = (product, offers); Ok(()) }
//! ```

pub use crate::{Client, Credentials, Environment, Error};
/// `next()` and the other combinators of a stream, e.g. of
/// [`Pages`](crate::Pages).
pub use futures_util::StreamExt;
/// `try_next()`, `try_collect()` and the other combinators of a stream of
/// `Result`s, e.g. of [`Pages`](crate::Pages).
pub use futures_util::TryStreamExt;
