//! [`RedisTrackerStore`]: the tracker's state in a Redis shared by several
//! machines.

use std::fmt;
use std::time::Duration;

use super::status::OrderKey;
use super::store::{HistoryEntry, OrderState, TrackerStore, from_json, from_json_all, to_json};
use crate::callbacks::{
    DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisConn, StoreError, StoreFuture,
};

/// The compare-and-set of one order's state, with its history entry: one
/// Lua script, so it is atomic.
///
/// KEYS: versions hash, states hash, the order's history list.
/// ARGV: field, expected version (`""`: absent), new version, state JSON,
/// entry JSON (`""`: none).
const COMMIT: &str = r"
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then v = '' end
if v ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
if ARGV[5] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[5]) end
return 1
";

/// The tracker's state in Redis, for trackers on several machines: one hash
/// of states, one of versions, and one history list per order, under the
/// prefix (default `xportcn:`) and the hash tag `{tracker}` (one Redis
/// Cluster slot). Each write is a compare-and-set in one Lua script. Keeps
/// what Redis keeps: a restart only as far as its persistence
/// (`appendonly yes`) goes.
#[derive(Clone)]
pub struct RedisTrackerStore {
    conn: RedisConn,
    prefix: String,
}

impl fmt::Debug for RedisTrackerStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisTrackerStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.conn.timeout())
            .finish_non_exhaustive()
    }
}

impl RedisTrackerStore {
    /// A store in the Redis at `url` (`redis://host:port/db`, `rediss://`
    /// for TLS) with the default prefix and per-command time limit
    /// ([`DEFAULT_REDIS_TIMEOUT`]). Does not connect yet. Call it inside a
    /// Tokio runtime.
    ///
    /// # Errors
    /// A [`StoreError`] when the URL is not a Redis URL.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_timeout(url, DEFAULT_REDIS_TIMEOUT)
    }

    /// [`RedisTrackerStore::open`] with another per-command time limit.
    ///
    /// # Errors
    /// As [`RedisTrackerStore::open`].
    pub fn open_with_timeout(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        Ok(RedisTrackerStore {
            conn: RedisConn::open(url, timeout)?,
            prefix: DEFAULT_REDIS_PREFIX.to_owned(),
        })
    }

    /// Prefix of every key (default `xportcn:`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn versions(&self) -> String {
        format!("{}{{tracker}}:v", self.prefix)
    }

    fn states(&self) -> String {
        format!("{}{{tracker}}:s", self.prefix)
    }

    fn history_key(&self, key: &OrderKey) -> String {
        format!("{}{{tracker}}:h:{}", self.prefix, field(key))
    }
}

/// The hash field of an order: `platform:order_id`.
fn field(key: &OrderKey) -> String {
    format!("{}:{}", key.platform.as_str(), key.order_id)
}

impl TrackerStore for RedisTrackerStore {
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
        Box::pin(async move {
            let mut cmd = redis::cmd("HGET");
            cmd.arg(self.states()).arg(field(key));
            let text: Option<String> = self.conn.run("tracker HGET", &cmd).await?;
            text.map(|t| from_json(&t)).transpose()
        })
    }

    fn commit<'a>(
        &'a self,
        expected: Option<u64>,
        state: &'a OrderState,
        entry: Option<&'a HistoryEntry>,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let json = to_json(state)?;
            let entry = entry.map(to_json).transpose()?.unwrap_or_default();
            let script = redis::Script::new(COMMIT);
            let mut call = script.prepare_invoke();
            call.key(self.versions())
                .key(self.states())
                .key(self.history_key(&state.key))
                .arg(field(&state.key))
                .arg(expected.map(|v| v.to_string()).unwrap_or_default())
                .arg(state.version.to_string())
                .arg(json)
                .arg(entry);
            let written: i64 = self.conn.invoke("tracker commit", &call).await?;
            Ok(written == 1)
        })
    }

    fn record<'a>(&'a self, entry: &'a HistoryEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("RPUSH");
            cmd.arg(self.history_key(&entry.key)).arg(to_json(entry)?);
            let _: i64 = self.conn.run("tracker RPUSH", &cmd).await?;
            Ok(())
        })
    }

    fn history<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Vec<HistoryEntry>> {
        Box::pin(async move {
            let mut cmd = redis::cmd("LRANGE");
            cmd.arg(self.history_key(key)).arg(0).arg(-1);
            let items: Vec<String> = self.conn.run("tracker LRANGE", &cmd).await?;
            from_json_all(items)
        })
    }

    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(async move {
            let mut cmd = redis::cmd("HVALS");
            cmd.arg(self.states());
            let items: Vec<String> = self.conn.run("tracker HVALS", &cmd).await?;
            from_json_all(items)
        })
    }
}
