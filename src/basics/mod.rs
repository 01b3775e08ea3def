//! Basics: the account's delivery addresses (BA-1, BA-2).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! let saved = client
//!     .basics()
//!     .address_add_or_update()
//!     .name("张三")
//!     .province("浙江省")
//!     .city("杭州市")
//!     .district("余杭区")
//!     .address("文一西路 969 号")
//!     .phone("13800000000")
//!     .await?;
//! # let _ = saved;
//! # Ok(()) }
//! ```

mod address;

pub use address::{AddressAddOrUpdateRequest, AddressesRequest};

use crate::client::Client;

/// Basics endpoints (the account's addresses); from [`Client::basics`].
#[derive(Debug, Clone, Copy)]
pub struct Basics<'c> {
    client: &'c Client,
}

impl Client {
    /// Basics endpoints: the account's delivery addresses.
    pub fn basics(&self) -> Basics<'_> {
        Basics { client: self }
    }
}

impl crate::endpoint::Handle for Basics<'_> {
    const VIA: &'static str = "basics";
}
