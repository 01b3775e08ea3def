//! A [`ReplayStore`] in Redis (feature `redis`), for receivers on more than
//! one machine.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::store::{ReplayStore, StoreError, StoreFuture};

/// Default limit on one Redis command, connecting included: 300 ms, well
/// inside the platform's 1000 ms acknowledgement deadline.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(300);

/// Default prefix of every key this store writes.
pub const DEFAULT_REDIS_PREFIX: &str = "xportcn:";

/// A [`ReplayStore`] in Redis: `SET key 1 NX PX ttl` (one atomic command,
/// no read-then-write race), `EXISTS` and `DEL`.
///
/// Every command has a time limit ([`DEFAULT_REDIS_TIMEOUT`]); a command
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
    conn: ConnectionManager,
    prefix: String,
    timeout: Duration,
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisReplayStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn store_error(what: &str, e: &redis::RedisError) -> StoreError {
    // The kind only: a RedisError's text can quote the server's reply.
    StoreError::new(format!("redis {what} failed ({:?})", e.kind()))
}

impl RedisReplayStore {
    /// A store for the Redis at `url` (`redis://host:port/db`,
    /// `rediss://...` for TLS), with [`DEFAULT_REDIS_TIMEOUT`] and
    /// [`DEFAULT_REDIS_PREFIX`]. Does not connect yet. Call it inside a
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
        let client = redis::Client::open(url).map_err(|e| store_error("URL parsing", &e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(100));
        let conn = client
            .get_connection_manager_lazy(config)
            .map_err(|e| store_error("connection setup", &e))?;
        Ok(RedisReplayStore {
            conn,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
            timeout,
        })
    }

    /// Prefix of every key (default [`DEFAULT_REDIS_PREFIX`]): give each
    /// application its own when they share a Redis.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key: &str) -> String {
        let mut k = String::with_capacity(self.prefix.len() + key.len());
        k.push_str(&self.prefix);
        k.push_str(key);
        k
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        cmd: redis::Cmd,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut conn)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(store_error(what, &e)),
            Err(_) => Err(StoreError::new(format!(
                "redis {what} timed out after {:?}",
                self.timeout
            ))),
        }
    }
}

impl ReplayStore for RedisReplayStore {
    fn insert_if_absent<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let mut cmd = redis::cmd("SET");
            cmd.arg(self.key(key)).arg(1).arg("NX").arg("PX").arg(ms);
            let set: Option<String> = self.run("SET NX", cmd).await?;
            Ok(set.is_some())
        })
    }

    fn contains<'a>(&'a self, key: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut cmd = redis::cmd("EXISTS");
            cmd.arg(self.key(key));
            let n: i64 = self.run("EXISTS", cmd).await?;
            Ok(n > 0)
        })
    }

    fn remove<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("DEL");
            cmd.arg(self.key(key));
            let _: i64 = self.run("DEL", cmd).await?;
            Ok(())
        })
    }
}
