//! `RedisConn`: the one connection to Redis every Redis backend uses (replay
//! store, inbox, tracker), with a time limit on every command.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::StoreError;

/// Default limit on one Redis command, connecting included: 300 ms, well
/// inside the platform's 1000 ms acknowledgement deadline.
pub(crate) const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(300);

/// Default prefix of every key the Redis stores write (replay store, inbox,
/// tracker).
pub(crate) const DEFAULT_REDIS_PREFIX: &str = "xportcn:";

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
