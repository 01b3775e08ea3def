//! Typed async client for the Xportcn / PandaPon OpenAPI.
#![forbid(unsafe_code)]

pub mod callbacks;
mod credentials;
pub mod error;
pub mod signing;
pub mod types;

pub use credentials::{Credentials, ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_USER_ID};
pub use error::{ApiError, DecodeError, Error, Result};
