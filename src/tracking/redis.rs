//! [`RedisTrackerStore`]: the tracker's state in a Redis shared by several
//! machines.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::status::OrderKey;
use super::store::{HistoryEntry, OrderState, TrackerStore, from_json, from_json_all, to_json};
use crate::callbacks::storage::{
    DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisConn, StoreError, StoreFuture,
};

/// The compare-and-set of one order's state, with its history entry and
/// its place in both indexes: one Lua script, so it is atomic.
///
/// The first write of a new layout also writes its schema version, so a
/// new deployment is never scanned for a migration.
///
/// KEYS: versions hash, states hash, the order's history list, re-sync
/// index, retention index, schema key.
/// ARGV: field, expected version (`""`: absent), new version, state JSON,
/// entry JSON (`""`: none), re-sync key (`""`: not in it), retention key
/// (`""`: not in it), schema version.
const COMMIT: &str = r"
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then v = '' end
if v ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[6], ARGV[8]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
if ARGV[5] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[5]) end
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
else redis.call('ZREM', KEYS[4], ARGV[1]) end
if ARGV[7] ~= '' then redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
else redis.call('ZREM', KEYS[5], ARGV[1]) end
return 1
";

/// The due orders' states: the first `limit` of the re-sync index up to a
/// key, then one `HGET` each. Runs for O(log n + limit), never over the
/// whole hash.
///
/// KEYS: re-sync index, states hash. ARGV: highest key, limit.
const DUE: &str = r"
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local s = redis.call('HGET', KEYS[2], id)
  if s then out[#out + 1] = s end
end
return out
";

/// Deletes one final order if it is still in the retention index at or
/// below the key (state, version, history, index entries).
///
/// KEYS: the first five of [`COMMIT`]. ARGV: field, highest key.
const PURGE: &str = r"
local f = redis.call('ZSCORE', KEYS[5], ARGV[1])
if not f or tonumber(f) > tonumber(ARGV[2]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
";

/// Puts orders written before the indexes existed into them, each only if
/// its state is still the one the keys were computed from (a newer commit
/// indexed it itself).
///
/// KEYS: states hash, re-sync index, retention index.
/// ARGV: per order, field, state JSON, re-sync key, retention key (`""`:
/// not in it).
const MIGRATE: &str = r"
for i = 1, #ARGV, 4 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    if ARGV[i + 2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i]) end
    if ARGV[i + 3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[i + 3], ARGV[i]) end
  end
end
return 1
";

/// The layout version in the schema key, once the indexes are built.
const SCHEMA_VERSION: &str = "2";

/// Orders migrated per script call (and per `HSCAN` page).
const MIGRATE_CHUNK: usize = 500;

/// The tracker's state in Redis, for trackers on several machines, under
/// the prefix (default `xportcn:`) and the hash tag `{tracker}` (one Redis
/// Cluster slot):
/// - `{tracker}:s` and `{tracker}:v`: hashes of states and versions;
/// - `{tracker}:h:<platform>:<order id>`: one history list per order;
/// - `{tracker}:due`: the re-sync index, a sorted set of the orders not
///   final by [`OrderState::quiet_since_ms`];
/// - `{tracker}:final`: the retention index, a sorted set of the final
///   orders by [`OrderState::final_since_ms`];
/// - `{tracker}:schema`: the layout version.
///
/// Each write is a compare-and-set in one Lua script that moves the order
/// in both indexes too. A re-sync pass reads the due orders through the
/// sorted set (O(log n + due)), never the whole hash. A Redis written
/// before the indexes existed is migrated on the first pass (`HSCAN`, 500
/// orders per step). Keeps what Redis keeps: a restart only as far as its
/// persistence (`appendonly yes`) goes.
#[derive(Clone)]
pub struct RedisTrackerStore {
    conn: RedisConn,
    prefix: String,
    migrated: Arc<AtomicBool>,
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
    /// (300 ms). Does not connect yet. Call it inside a
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
            migrated: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Prefix of every key (default `xportcn:`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self.migrated = Arc::new(AtomicBool::new(false));
        self
    }

    fn key(&self, name: &str) -> String {
        format!("{}{{tracker}}:{name}", self.prefix)
    }

    fn history_key(&self, key: &OrderKey) -> String {
        self.key(&format!("h:{}", field(key)))
    }

    /// Versions, states, the order's history, re-sync index, retention
    /// index: the keys of [`COMMIT`] and [`PURGE`].
    fn order_keys(&self, history: String) -> [String; 5] {
        [
            self.key("v"),
            self.key("s"),
            history,
            self.key("due"),
            self.key("final"),
        ]
    }

    /// Builds the indexes of a Redis written before they existed, once.
    async fn ensure_indexes(&self) -> Result<(), StoreError> {
        if self.migrated.load(Ordering::Relaxed) {
            return Ok(());
        }
        let schema = self.key("schema");
        let mut get = redis::cmd("GET");
        get.arg(&schema);
        let version: Option<String> = self.conn.run("tracker schema GET", &get).await?;
        if version.as_deref() != Some(SCHEMA_VERSION) {
            let script = redis::Script::new(MIGRATE);
            let mut cursor = 0u64;
            loop {
                let mut scan = redis::cmd("HSCAN");
                scan.arg(self.key("s"))
                    .arg(cursor)
                    .arg("COUNT")
                    .arg(MIGRATE_CHUNK);
                let (next, pairs): (u64, Vec<(String, String)>) =
                    self.conn.run("tracker migration HSCAN", &scan).await?;
                if !pairs.is_empty() {
                    let mut call = script.prepare_invoke();
                    call.key(self.key("s"))
                        .key(self.key("due"))
                        .key(self.key("final"));
                    for (field, json) in &pairs {
                        let (quiet, fin) = match from_json::<OrderState>(json) {
                            Ok(state) => (state.quiet_since_ms(), state.final_since_ms()),
                            // Left out of both indexes: `get` reports it.
                            Err(e) => {
                                tracing::warn!(order = %field, error = %e, "tracker state not indexed");
                                continue;
                            }
                        };
                        call.arg(field).arg(json).arg(score(quiet)).arg(score(fin));
                    }
                    let _: i64 = self.conn.invoke("tracker migration", &call).await?;
                }
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            let mut set = redis::cmd("SET");
            set.arg(&schema).arg(SCHEMA_VERSION);
            let _: () = self.conn.run("tracker schema SET", &set).await?;
        }
        self.migrated.store(true, Ordering::Relaxed);
        Ok(())
    }
}

/// The hash field of an order: `platform:order_id`.
fn field(key: &OrderKey) -> String {
    format!("{}:{}", key.platform.name(), key.order_id)
}

/// A sorted-set score argument: `""` for none.
fn score(ms: Option<u64>) -> String {
    ms.map(|v| v.to_string()).unwrap_or_default()
}

impl TrackerStore for RedisTrackerStore {
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
        Box::pin(async move {
            let mut cmd = redis::cmd("HGET");
            cmd.arg(self.key("s")).arg(field(key));
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
            for key in self.order_keys(self.history_key(&state.key)) {
                call.key(key);
            }
            call.key(self.key("schema"));
            call.arg(field(&state.key))
                .arg(expected.map(|v| v.to_string()).unwrap_or_default())
                .arg(state.version.to_string())
                .arg(json)
                .arg(entry)
                .arg(score(state.quiet_since_ms()))
                .arg(score(state.final_since_ms()))
                .arg(SCHEMA_VERSION);
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
            cmd.arg(self.key("s"));
            let items: Vec<String> = self.conn.run("tracker HVALS", &cmd).await?;
            from_json_all(items)
        })
    }

    fn due<'a>(&'a self, quiet_before_ms: u64, limit: usize) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(async move {
            self.ensure_indexes().await?;
            let script = redis::Script::new(DUE);
            let mut call = script.prepare_invoke();
            call.key(self.key("due"))
                .key(self.key("s"))
                .arg(quiet_before_ms)
                .arg(limit);
            let items: Vec<String> = self.conn.invoke("tracker due", &call).await?;
            from_json_all(items)
        })
    }

    fn purge_final<'a>(&'a self, final_before_ms: u64, limit: usize) -> StoreFuture<'a, usize> {
        Box::pin(async move {
            self.ensure_indexes().await?;
            let mut range = redis::cmd("ZRANGEBYSCORE");
            range
                .arg(self.key("final"))
                .arg("-inf")
                .arg(final_before_ms)
                .arg("LIMIT")
                .arg(0)
                .arg(limit);
            let fields: Vec<String> = self.conn.run("tracker purge range", &range).await?;
            if fields.is_empty() {
                return Ok(0);
            }
            // One script per order (each atomic, keys declared), one round
            // trip for all.
            let mut pipe = redis::pipe();
            for f in &fields {
                let history = self.key(&format!("h:{f}"));
                pipe.cmd("EVAL").arg(PURGE).arg(5);
                for key in self.order_keys(history) {
                    pipe.arg(key);
                }
                pipe.arg(f).arg(final_before_ms);
            }
            let deleted: Vec<i64> = self.conn.atomic("tracker purge", &pipe).await?;
            Ok(deleted.into_iter().filter(|d| *d == 1).count())
        })
    }
}
