//! A [`ReplayStore`] in Redis (feature `redis`), for receivers on more than
//! one machine.

use std::fmt;
use std::time::Duration;

use super::ReplayStore;
use crate::callbacks::storage::{
    DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisConn, StoreError, StoreFuture,
};

/// A [`ReplayStore`] in Redis: one Lua script reads the key and, if it is
/// absent, sets it with its value and expiry (atomic: no read-then-write
/// race between receivers).
///
/// Every command has a time limit (300 ms); a command
/// that fails or times out is a [`StoreError`], and the receiver answers
/// 503 so the platform retries later. A push is never accepted without
/// its replay check. The connection is made lazily and re-made after a
/// failure. `rediss://` URLs use rustls.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use xportcn::Credentials;
/// use xportcn::callbacks::{RedisReplayStore, Verifier};
///
/// let store = Arc::new(RedisReplayStore::open("redis://127.0.0.1:6379/")?);
/// let verifier = Verifier::new(Credentials::from_env()?).replay_store(store);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisReplayStore {
    conn: RedisConn,
    prefix: String,
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisReplayStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.conn.timeout())
            .finish_non_exhaustive()
    }
}

/// Sets KEYS[1] to ARGV[1] for ARGV[2] ms unless it is set; returns the
/// value already set, or nil.
const REMEMBER: &str = r"
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
";

impl RedisReplayStore {
    /// A store for the Redis at `url` (`redis://host:port/db`,
    /// `rediss://...` for TLS), with a 300 ms command timeout and the key
    /// prefix `xportcn:`. Does not connect yet. Call it inside a
    /// Tokio runtime.
    ///
    /// # Errors
    /// A [`StoreError`] when the URL is not a Redis URL (its text is not
    /// quoted: it may hold a password).
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_timeout(url, DEFAULT_REDIS_TIMEOUT)
    }

    /// [`RedisReplayStore::open`] with another per-command time limit.
    ///
    /// # Errors
    /// As [`RedisReplayStore::open`].
    pub fn open_with_timeout(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        Ok(RedisReplayStore {
            conn: RedisConn::open(url, timeout)?,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
        })
    }

    /// Prefix of every key (default `xportcn:`): give each
    /// application its own when they share a Redis.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }
}

impl ReplayStore for RedisReplayStore {
    fn remember<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            let ms = crate::callbacks::inbox::clamped_ms(ttl);
            let script = redis::Script::new(REMEMBER);
            let mut call = script.prepare_invoke();
            call.key(format!("{}{key}", self.prefix)).arg(value).arg(ms);
            // Run again once on a dropped connection (a Redis restart): a
            // second run after a lost reply gets this same value back, which
            // the verifier takes for the same request.
            self.conn.invoke_reconnecting("remember", &call).await
        })
    }
}
