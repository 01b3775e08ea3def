//! Where the verifier's replay memory lives: the [`ReplayStore`] trait here,
//! one file per backend: `memory.rs` ([`MemoryReplayStore`], the default)
//! and `redis.rs` (`RedisReplayStore`, feature `redis`). Errors, futures
//! and the Redis connection come from [`storage`](super::storage).
//!
//! A store maps the identity of an authenticated request (its signature) to
//! a digest of the body it carried, recorded only **after** a push has
//! verified, so unauthenticated traffic can neither fill the store nor evict
//! genuine entries. The same signature with the same body again is the same
//! request retried; with another body it is a replay. Several receiver
//! instances that share one store (Redis) reject a replay sent to any of
//! them.
//!
//! Pushes themselves, and their de-duplication, live in the
//! [`Inbox`](super::Inbox).

use std::fmt;
use std::time::Duration;

mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use memory::MemoryReplayStore;
#[cfg(feature = "redis")]
pub use redis::RedisReplayStore;

use super::storage::StoreFuture;

/// The verifier's replay memory, behind one small trait so that several
/// machines can share it.
///
/// Implementations must make [`remember`](Self::remember) atomic: of two
/// concurrent calls with the same key, exactly one records its value and
/// the other gets that value back.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Records `key` with `value` for `ttl` unless `key` is already
    /// recorded: `None` if it was absent (now recorded), else the value
    /// recorded first.
    fn remember<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<String>>;
}

/// Default byte budget of a [`MemoryReplayStore`]: 4 MiB, about 26,000
/// 32-character nonces.
pub(crate) const DEFAULT_REPLAY_MEMORY_BYTES: usize = 4 * 1024 * 1024;

/// Bytes charged per entry on top of the key's length: the map slot, the
/// queue slot, the shared string's header and the expiry.
pub const MEMORY_ENTRY_OVERHEAD: usize = 96;
