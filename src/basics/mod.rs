//! Basics: the account's delivery addresses (BA-1, BA-2).
//!
//! ```no_run
//! # async fn demo(client: xportcn::Client) -> Result<(), xportcn::Error> {
//! use xportcn::basics::AddressAddOrUpdateRequest;
//! let saved = client
//!     .basics()
//!     .address_add_or_update(
//!         AddressAddOrUpdateRequest::builder()
//!             .name("张三")
//!             .province("浙江省")
//!             .city("杭州市")
//!             .district("余杭区")
//!             .address("文一西路 969 号")
//!             .phone("13800000000")
//!             .build(),
//!     )
//!     .await?;
//! # let _ = saved;
//! # Ok(()) }
//! ```

mod address;

pub use address::{AddressAddOrUpdateRequest, AddressesRequest};

use crate::client::Client;
use crate::endpoint::{Endpoint, EndpointSpec};

/// The endpoints this module declares (gathered by [`crate::endpoint::all`]).
pub(crate) const ENDPOINTS: &[EndpointSpec] =
    &[AddressesRequest::SPEC, AddressAddOrUpdateRequest::SPEC];

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
