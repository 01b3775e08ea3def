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

/// A connection to one Redis with a time limit on every command, shared by
/// the replay store and the inbox.
#[derive(Clone)]
pub(crate) struct RedisConn {
    conn: ConnectionManager,
    timeout: Duration,
}

pub(crate) fn store_error(what: &str, e: &redis::RedisError) -> StoreError {
    // The kind only: a RedisError's text can quote the server's reply.
    StoreError::new(format!("redis {what} failed ({:?})", e.kind()))
}

impl RedisConn {
    /// A lazy connection to `url`; nothing is sent yet.
    pub(crate) fn open(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| store_error("URL parsing", &e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(100));
        let conn = client
            .get_connection_manager_lazy(config)
            .map_err(|e| store_error("connection setup", &e))?;
        Ok(RedisConn { conn, timeout })
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs one command within the time limit.
    pub(crate) async fn run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        cmd: &redis::Cmd,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        self.limited(what, cmd.query_async::<T>(&mut conn)).await
    }

    /// Runs a Lua script (EVALSHA, then EVAL if Redis does not know it)
    /// within the time limit.
    pub(crate) async fn invoke<T: redis::FromRedisValue>(
        &self,
        what: &str,
        script: &redis::ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        self.limited(what, script.invoke_async::<T>(&mut conn))
            .await
    }

    /// Runs an atomic pipeline (`MULTI` … `EXEC`) within the time limit.
    pub(crate) async fn atomic<T: redis::FromRedisValue>(
        &self,
        what: &str,
        pipe: &redis::Pipeline,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        self.limited(what, pipe.query_async::<T>(&mut conn)).await
    }

    /// Runs a Lua script within the time limit, with Redis's own error
    /// (such as `NOGROUP`) left for the caller to read.
    pub(crate) async fn try_invoke<T: redis::FromRedisValue>(
        &self,
        what: &str,
        script: &redis::ScriptInvocation<'_>,
    ) -> Result<redis::RedisResult<T>, StoreError> {
        let mut conn = self.conn.clone();
        tokio::time::timeout(self.timeout, script.invoke_async::<T>(&mut conn))
            .await
            .map_err(|_| {
                StoreError::new(format!("redis {what} timed out after {:?}", self.timeout))
            })
    }

    /// [`invoke`](Self::invoke), tried a second time when the first try
    /// failed fast on a dropped connection (Redis restarted, a failover):
    /// the connection is re-made and the script run again, both within the
    /// one time limit. Only for idempotent scripts.
    pub(crate) async fn invoke_reconnecting<T: redis::FromRedisValue>(
        &self,
        what: &str,
        script: &redis::ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let start = std::time::Instant::now();
        let mut conn = self.conn.clone();
        let first =
            match tokio::time::timeout(self.timeout, script.invoke_async::<T>(&mut conn)).await {
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(e)) => e,
                Err(_) => {
                    return Err(StoreError::new(format!(
                        "redis {what} timed out after {:?}",
                        self.timeout
                    )));
                }
            };
        let left = self.timeout.saturating_sub(start.elapsed());
        let dropped = first.is_connection_dropped() || first.is_io_error();
        if !dropped || left < self.timeout / 2 {
            return Err(store_error(what, &first));
        }
        tracing::debug!(what, "redis connection dropped; reconnecting once");
        let mut conn = self.conn.clone();
        match tokio::time::timeout(left, script.invoke_async::<T>(&mut conn)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(store_error(what, &e)),
            Err(_) => Err(StoreError::new(format!(
                "redis {what} timed out after {:?}",
                self.timeout
            ))),
        }
    }

    /// Runs one command within the time limit, with Redis's own error
    /// (such as `BUSYGROUP`) left for the caller to read.
    pub(crate) async fn try_run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        cmd: &redis::Cmd,
    ) -> Result<redis::RedisResult<T>, StoreError> {
        let mut conn = self.conn.clone();
        tokio::time::timeout(self.timeout, cmd.query_async::<T>(&mut conn))
            .await
            .map_err(|_| {
                StoreError::new(format!("redis {what} timed out after {:?}", self.timeout))
            })
    }

    async fn limited<T>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(store_error(what, &e)),
            Err(_) => Err(StoreError::new(format!(
                "redis {what} timed out after {:?}",
                self.timeout
            ))),
        }
    }
}

/// A [`ReplayStore`] in Redis: one Lua script reads the key and, if it is
/// absent, sets it with its value and expiry (atomic: no read-then-write
/// race between receivers).
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
        Ok(RedisReplayStore {
            conn: RedisConn::open(url, timeout)?,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
        })
    }

    /// Prefix of every key (default [`DEFAULT_REDIS_PREFIX`]): give each
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
