//! `RedisInbox`: the inbox of receivers and consumers on several machines,
//! in a Redis stream with a consumer group.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use redis::Value;
use redis::streams::{StreamId, StreamReadReply};
use tokio::sync::Mutex;

use super::ops::{
    DEFAULT_MAX_ATTEMPTS, DEFAULT_RETENTION, EntryState, InboxEntry, InboxOps, InboxStats,
};
use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Lease, Leased, Push, clamped_ms,
    wait_for_entries,
};
use crate::callbacks::storage::{
    DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisConn, StoreError, StoreFuture, epoch_ms,
    now_ms, store_error,
};

/// Default consumer group of a [`RedisInbox`].
pub(crate) const DEFAULT_REDIS_GROUP: &str = "xportcn-consumers";

/// How often a waiting fetch asks Redis for new entries.
const POLL: Duration = Duration::from_millis(50);

/// The owner an entry handed back by `release` is parked under until
/// `XAUTOCLAIM` gives it to a consumer again.
const RELEASED: &str = "xportcn-released";

/// The de-duplication claim and the append, one atomic step: if KEYS[1]
/// (the de-duplication key) exists, 0; else XADD to KEYS[2] and set
/// KEYS[1] to the entry id for ARGV[4] ms, 1. With a retention (ARGV[5],
/// the oldest id kept, not `0`), the push is also kept in the replay log
/// KEYS[3] with its entry id, and older log entries go.
const APPEND: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local id = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1], 'b', ARGV[2], 't', ARGV[3])
redis.call('SET', KEYS[1], id, 'PX', ARGV[4])
if ARGV[5] ~= '0' then
  redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[5], '*', 'k', ARGV[1], 'b', ARGV[2], 't', ARGV[3], 'i', id)
end
return 1
";

/// Sets an entry aside as a dead letter: KEYS[1] the stream, KEYS[2] the
/// dead-letter stream, ARGV[1] the group, ARGV[2] the entry id, ARGV[3] its
/// attempts. 1 if moved, 0 if it was gone.
const BURY: &str = r"
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if #e == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'i', ARGV[2], 'a', ARGV[3], unpack(e[1][2]))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
";

/// Puts dead letters back: KEYS[1] the dead-letter stream, KEYS[2] the
/// stream; ARGV[1] one dead-letter id or '' for up to ARGV[2] of them.
const REVIVE: &str = r"
local entries
if ARGV[1] ~= '' then
  entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
else
  entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])
end
local n = 0
for _, e in ipairs(entries) do
  local f = e[2]
  local m = {}
  for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
  if m['k'] and m['b'] then
    redis.call('XADD', KEYS[2], '*', 'k', m['k'], 'b', m['b'], 't', m['t'] or '0')
  end
  redis.call('XDEL', KEYS[1], e[1])
  n = n + 1
end
return n
";

/// Replays logged pushes: KEYS[1] the replay log, KEYS[2] the stream;
/// ARGV[1] the first log id (inclusive, or `(id` exclusive), ARGV[2] the
/// last, ARGV[3] how many log entries at most. A push whose entry is still
/// in the stream (pending) is left; another is added to the stream again
/// and its log entry renewed with the new id. Returns {replayed, last log
/// id read, log entries read}.
const REPLAY: &str = r"
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
local n = 0
local last = ''
for _, e in ipairs(entries) do
  last = e[1]
  local f = e[2]
  local m = {}
  for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
  if m['i'] and #redis.call('XRANGE', KEYS[2], m['i'], m['i']) == 0 then
    local id = redis.call('XADD', KEYS[2], '*', 'k', m['k'], 'b', m['b'], 't', m['t'])
    redis.call('XADD', KEYS[1], '*', 'k', m['k'], 'b', m['b'], 't', m['t'], 'i', id)
    redis.call('XDEL', KEYS[1], e[1])
    n = n + 1
  end
end
return {n, last, #entries}
";

/// Log entries one replay script reads at most.
const REPLAY_BATCH: usize = 500;

/// Replay scripts one `replay_since` runs at most (5,000,000 log entries).
const REPLAY_MAX_BATCHES: usize = 10_000;

/// Entries of consumers that died: `XAUTOCLAIM` (KEYS[1] stream, ARGV[1]
/// group, ARGV[2] consumer, ARGV[3] min idle, ARGV[4] cursor, ARGV[5]
/// count), each with its delivery count (the lease token's attempt) read in
/// the same atomic step: `{cursor, {{id, k, b, t, count}, ...}}`.
const CLAIM: &str = r"
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
for _, e in ipairs(r[2]) do
  if e then
    local f = {}
    local fl = e[2]
    for i = 1, #fl, 2 do f[fl[i]] = fl[i + 1] end
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    if f['k'] and f['b'] and #p > 0 then
      table.insert(out, {e[1], f['k'], f['b'], f['t'] or '0', p[1][4]})
    end
  end
end
return {r[1], out}
";

/// The holder check of `ack`, `release` and `extend` (KEYS[1] stream,
/// ARGV[1] group, ARGV[2] id, ARGV[3] holder, ARGV[4] attempt): the entry's
/// owner in the pending entries list and its delivery count must be the
/// token's, else 0.
const HELD: &str = r"
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] or p[1][4] ~= tonumber(ARGV[4]) then return 0 end
";

/// Acks and deletes the entry if it is held (see [`HELD`]).
const ACK: &str = r"
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
";

/// Re-claims the entry for ARGV[5] (its holder, or the parked owner of
/// released entries) with idle time ARGV[6], without counting a delivery,
/// if it is held (see [`HELD`]).
const RECLAIM: &str = r"
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[5], 0, ARGV[2], 'IDLE', ARGV[6], 'JUSTID')
return 1
";

/// What [`CLAIM`] returns.
type Claimed = (String, Vec<(String, String, Vec<u8>, u64, u32)>);

/// Whether a Redis error says the consumer group (or its stream) is gone:
/// Redis restarted without persistence, or a failover to a replica without
/// the group.
fn no_group(e: &redis::RedisError) -> bool {
    e.code() == Some("NOGROUP") || e.to_string().contains("NOGROUP")
}

/// An [`Inbox`] in Redis Streams, for receivers and consumers on several
/// machines.
///
/// * **Receive**: one Lua script checks the de-duplication key and `XADD`s
///   the push (atomic: a client-side timeout cannot leave a claim without
///   its push; the platform's retry then finds the push stored, or stores
///   it).
/// * **Consume**: `XREADGROUP` in one consumer group; each entry goes to one
///   consumer. `XACK` + `XDEL` when handled. The pending entries of a
///   consumer that died are taken over by `XAUTOCLAIM` once idle longer than
///   the lease (default 60 s).
/// * **Holders**: `ack`, `release` and `extend` check, in the same Lua
///   script, that the pending entries list still gives the entry to the
///   token's consumer with the token's delivery count; else
///   [`NotLeased`](crate::callbacks::StoreErrorKind::NotLeased). `extend`
///   resets the entry's idle time (`XCLAIM … JUSTID`, at most one lease).
/// * **Recovery**: a consumer group Redis lost (a restart without
///   persistence, a failover) is made again on `NOGROUP` by the next fetch;
///   a dropped connection is re-made and the append run once more within
///   the time limit.
///
/// What a 200 means: the push is in the Redis primary's memory. Whether it
/// survives a Redis crash is Redis's persistence setting: with
/// `appendonly yes` and `appendfsync always` every acknowledged push is on
/// disk; with the default snapshots the last writes before a crash are
/// lost. Every command has a time limit (default 300 ms); a store that does
/// not answer in time gives 503.
///
/// Keys: the stream `<prefix>{inbox}:stream` and de-duplication keys
/// `<prefix>{inbox}:d:<key>` (one hash slot, for Redis Cluster), default
/// prefix `xportcn:`. A de-duplication key lives for the de-duplication
/// time from its append (default 24 h). Needs Redis 6.2 or newer.
#[derive(Clone)]
pub struct RedisInbox {
    conn: RedisConn,
    stream: String,
    dedup_prefix: String,
    group: String,
    lease: Duration,
    dedup_ttl: Duration,
    group_ready: Arc<AtomicBool>,
    claim_cursor: Arc<Mutex<String>>,
    log: String,
    dead: String,
    retention: Duration,
    max_attempts: u32,
}

impl fmt::Debug for RedisInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not kept.
        f.debug_struct("RedisInbox")
            .field("stream", &self.stream)
            .field("group", &self.group)
            .field("lease", &self.lease)
            .field("timeout", &self.conn.timeout())
            .finish_non_exhaustive()
    }
}

impl RedisInbox {
    /// An inbox in the Redis at `url` (`redis://host:port/db`, `rediss://`
    /// for TLS), with the default prefix, group, lease (60 s),
    /// de-duplication time (24 h) and command time limit (300 ms). Does not
    /// connect yet. Call it inside a Tokio runtime.
    ///
    /// # Errors
    /// A [`StoreError`] when the URL is not a Redis URL (its text is not
    /// quoted: it may hold a password).
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with_timeout(url, DEFAULT_REDIS_TIMEOUT)
    }

    /// [`RedisInbox::open`] with another per-command time limit. Keep it
    /// well under the receiver's acknowledgement budget.
    ///
    /// # Errors
    /// As [`RedisInbox::open`].
    pub fn open_with_timeout(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let mut inbox = RedisInbox {
            conn: RedisConn::open(url, timeout)?,
            stream: String::new(),
            dedup_prefix: String::new(),
            group: DEFAULT_REDIS_GROUP.to_owned(),
            lease: DEFAULT_LEASE,
            dedup_ttl: DEFAULT_DEDUP_TTL,
            group_ready: Arc::new(AtomicBool::new(false)),
            claim_cursor: Arc::new(Mutex::new("0-0".to_owned())),
            log: String::new(),
            dead: String::new(),
            retention: DEFAULT_RETENTION,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        };
        inbox.set_prefix(DEFAULT_REDIS_PREFIX);
        Ok(inbox)
    }

    /// Prefix of every key (default `xportcn:`): give each application its
    /// own when they share a Redis.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.set_prefix(prefix);
        self
    }

    fn set_prefix(&mut self, prefix: &str) {
        self.stream = format!("{prefix}{{inbox}}:stream");
        self.dedup_prefix = format!("{prefix}{{inbox}}:d:");
        self.log = format!("{prefix}{{inbox}}:log");
        self.dead = format!("{prefix}{{inbox}}:dead");
    }

    /// How many times a push is handed out without an ack before it is set
    /// aside as a dead letter (default 25; 0:
    /// never). Counted by Redis's delivery count.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// How long a push is kept in the replay log `<prefix>{inbox}:log` for
    /// [`InboxOps::replay_since`] (default 7 days;
    /// zero: no log). Every push is logged at its append (the log costs its
    /// body again in Redis's memory for the retention); older entries are
    /// trimmed at each append.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Sets aside, as dead letters, the entries handed out more than
    /// `max_attempts` times; returns the others.
    async fn bury_dead(&self, leased: Vec<Leased>) -> Result<Vec<Leased>, StoreError> {
        if self.max_attempts == 0 || leased.iter().all(|l| l.attempt <= self.max_attempts) {
            return Ok(leased);
        }
        let mut out = Vec::with_capacity(leased.len());
        for l in leased {
            if l.attempt <= self.max_attempts {
                out.push(l);
                continue;
            }
            let script = redis::Script::new(BURY);
            let mut call = script.prepare_invoke();
            call.key(&self.stream)
                .key(&self.dead)
                .arg(&self.group)
                .arg(&l.id)
                .arg(self.max_attempts);
            let _: i64 = self.conn.invoke("dead letter", &call).await?;
            tracing::warn!(
                id = %l.id,
                key = %l.push.dedup_key,
                attempts = self.max_attempts,
                "a push was handed out too often without an ack: now a dead letter"
            );
        }
        Ok(out)
    }

    /// The consumer group (default `xportcn-consumers`).
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = group.into();
        self
    }

    /// How long an entry stays with a consumer unacked before another
    /// consumer takes it over (default 60 s).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a de-duplication key lives from its append (default 24 h;
    /// clamped to about 10 years, so `Duration::MAX` works).
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl;
        self
    }

    /// The oldest replay-log id kept (`0`: no log).
    fn log_min_id(&self) -> String {
        if self.retention.is_zero() {
            return "0".to_owned();
        }
        let now = now_ms();
        format!(
            "{}-0",
            now.saturating_sub(clamped_ms(self.retention)).max(1)
        )
    }

    fn dedup_key(&self, key: &str) -> String {
        format!("{}{key}", self.dedup_prefix)
    }

    /// Creates the consumer group (from the stream's start) unless this
    /// inbox made (or found) it already; [`fetch`](Inbox::fetch) makes it
    /// again when Redis lost it.
    async fn ensure_group(&self) -> Result<(), StoreError> {
        if self.group_ready.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut cmd = redis::cmd("XGROUP");
        cmd.arg("CREATE")
            .arg(&self.stream)
            .arg(&self.group)
            .arg("0")
            .arg("MKSTREAM");
        match self.conn.try_run::<Value>("XGROUP CREATE", &cmd).await? {
            // Made now, or it exists already.
            Ok(_) => {}
            Err(e) if e.code() == Some("BUSYGROUP") => {}
            Err(e) => return Err(store_error("XGROUP CREATE", &e)),
        }
        self.group_ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Entries of consumers that died (idle longer than the lease), with
    /// their delivery counts.
    async fn claim_idle(
        &self,
        consumer: &str,
        max: usize,
    ) -> Result<redis::RedisResult<Vec<Leased>>, StoreError> {
        let mut cursor = self.claim_cursor.lock().await;
        let start = Instant::now();
        let script = redis::Script::new(CLAIM);
        let mut call = script.prepare_invoke();
        call.key(&self.stream)
            .arg(&self.group)
            .arg(consumer)
            .arg(clamped_ms(self.lease))
            .arg(cursor.as_str())
            .arg(max);
        let reply: Claimed = match self.conn.try_invoke("XAUTOCLAIM", &call).await? {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        *cursor = reply.0;
        drop(cursor);
        Ok(Ok(reply
            .1
            .into_iter()
            .map(|(id, dedup_key, body, received_ms, attempt)| {
                Leased::new(
                    id,
                    Push {
                        dedup_key,
                        body: Bytes::from(body),
                        received_ms,
                    },
                    attempt,
                )
                .held(consumer, start, self.lease)
            })
            .collect()))
    }

    /// One lease attempt: idle entries first, then new ones. `Ok(Err(_))`
    /// is Redis's own error (such as `NOGROUP`).
    async fn fetch_once(
        &self,
        consumer: &str,
        max: usize,
    ) -> Result<redis::RedisResult<Vec<Leased>>, StoreError> {
        match self.claim_idle(consumer, max).await? {
            Ok(got) if !got.is_empty() => {
                // Handed out too often: dead letters, not handed out.
                let got = self.bury_dead(got).await?;
                if !got.is_empty() {
                    return Ok(Ok(got));
                }
            }
            Ok(_) => {}
            Err(e) => return Ok(Err(e)),
        }
        self.read_new(consumer, max).await
    }

    /// [`fetch_once`](Self::fetch_once); on `NOGROUP` (Redis lost the group:
    /// a restart without persistence, a failover) the group is made again
    /// and the fetch tried once more.
    async fn fetch_recovering(
        &self,
        consumer: &str,
        max: usize,
    ) -> Result<Vec<Leased>, StoreError> {
        match self.fetch_once(consumer, max).await? {
            Ok(got) => Ok(got),
            Err(e) if no_group(&e) => {
                tracing::warn!(
                    group = %self.group,
                    "the Redis consumer group is gone (Redis restarted without persistence?); making it again"
                );
                self.group_ready.store(false, Ordering::Release);
                *self.claim_cursor.lock().await = "0-0".to_owned();
                self.ensure_group().await?;
                self.fetch_once(consumer, max)
                    .await?
                    .map_err(|e| store_error("fetch", &e))
            }
            Err(e) => Err(store_error("fetch", &e)),
        }
    }

    /// Runs [`HELD`] + `then` for `lease`: `NotLeased` when the entry is
    /// not held by it (or the group is gone with it).
    async fn held_then(
        &self,
        what: &str,
        then: &str,
        lease: &Lease,
        extra: &[String],
    ) -> Result<(), StoreError> {
        let script = redis::Script::new(&format!("{HELD}{then}"));
        let mut call = script.prepare_invoke();
        call.key(&self.stream)
            .arg(&self.group)
            .arg(&lease.id)
            .arg(&lease.holder)
            .arg(lease.attempt);
        for a in extra {
            call.arg(a);
        }
        let done: i64 = match self.conn.try_invoke(what, &call).await? {
            Ok(n) => n,
            Err(e) if no_group(&e) => 0,
            Err(e) => return Err(store_error(what, &e)),
        };
        if done == 1 {
            Ok(())
        } else {
            Err(StoreError::not_leased(format!(
                "entry {} is not leased to {} (attempt {})",
                lease.id, lease.holder, lease.attempt
            )))
        }
    }

    /// The idle time that makes `XAUTOCLAIM` hand an entry out again after
    /// `after` (at most one lease).
    fn idle_for(&self, after: Duration) -> u64 {
        let lease = clamped_ms(self.lease);
        // Zero stays zero (claimable at once); too long is clamped.
        let after = u64::try_from(after.min(super::MAX_LEASE).as_millis()).unwrap_or(u64::MAX);
        lease.saturating_sub(after.min(lease))
    }

    async fn read_new(
        &self,
        consumer: &str,
        max: usize,
    ) -> Result<redis::RedisResult<Vec<Leased>>, StoreError> {
        let start = Instant::now();
        let mut cmd = redis::cmd("XREADGROUP");
        cmd.arg("GROUP")
            .arg(&self.group)
            .arg(consumer)
            .arg("COUNT")
            .arg(max)
            .arg("STREAMS")
            .arg(&self.stream)
            .arg(">");
        let reply: Option<StreamReadReply> = match self.conn.try_run("XREADGROUP", &cmd).await? {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        Ok(Ok(reply
            .into_iter()
            .flat_map(|r| r.keys)
            .flat_map(|k| k.ids)
            .filter_map(|e| leased(&e, 1))
            .map(|l| l.held(consumer, start, self.lease))
            .collect()))
    }
}

/// A stream entry as a leased push; `None` if it is not one of ours.
fn leased(entry: &StreamId, attempt: u32) -> Option<Leased> {
    let dedup_key: String = entry.get("k")?;
    let body: Vec<u8> = entry.get("b")?;
    let received_ms: u64 = entry.get("t").unwrap_or(0);
    Some(Leased::new(
        entry.id.clone(),
        Push {
            dedup_key,
            body: Bytes::from(body),
            received_ms,
        },
        attempt,
    ))
}

impl Inbox for RedisInbox {
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended> {
        Box::pin(async move {
            let script = redis::Script::new(APPEND);
            let mut call = script.prepare_invoke();
            call.key(self.dedup_key(&push.dedup_key))
                .key(&self.stream)
                .arg(&push.dedup_key)
                .arg(push.body.as_ref())
                .arg(push.received_ms)
                .arg(clamped_ms(self.dedup_ttl))
                .arg(self.log_min_id())
                .key(&self.log);
            // Run again once on a dropped connection (a Redis restart): the
            // script is idempotent (a second run finds the key and says
            // duplicate, which is true: the push is stored).
            let stored: i64 = self.conn.invoke_reconnecting("append", &call).await?;
            Ok(if stored == 1 {
                Appended::Stored
            } else {
                Appended::Duplicate
            })
        })
    }

    fn contains<'a>(&'a self, dedup_key: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut cmd = redis::cmd("EXISTS");
            cmd.arg(self.dedup_key(dedup_key));
            let n: i64 = self.conn.run("EXISTS", &cmd).await?;
            Ok(n > 0)
        })
    }

    fn fetch<'a>(
        &'a self,
        consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>> {
        Box::pin(async move {
            self.ensure_group().await?;
            wait_for_entries(wait, POLL, None, || self.fetch_recovering(consumer, max)).await
        })
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        Box::pin(self.held_then("XACK", ACK, lease, &[]))
    }

    fn release<'a>(&'a self, lease: &'a Lease, delay: Duration) -> StoreFuture<'a, ()> {
        // Parked under another owner with an idle time that makes
        // XAUTOCLAIM hand it out again after `delay`.
        let extra = [RELEASED.to_owned(), self.idle_for(delay).to_string()];
        Box::pin(async move { self.held_then("release", RECLAIM, lease, &extra).await })
    }

    fn extend<'a>(&'a self, lease: &'a Lease, by: Duration) -> StoreFuture<'a, ()> {
        let extra = [lease.holder.clone(), self.idle_for(by).to_string()];
        Box::pin(async move { self.held_then("extend", RECLAIM, lease, &extra).await })
    }
}

// ---- Operations (stats, list, replay, dead letters) ----

/// An entry of the stream, the dead-letter stream or the replay log, as
/// [`InboxOps::list`] shows it.
fn entry_of(e: &StreamId, state: EntryState, attempts: u32) -> InboxEntry {
    let body: Vec<u8> = e.get("b").unwrap_or_default();
    InboxEntry {
        id: e.id.clone(),
        dedup_key: e.get("k").unwrap_or_default(),
        state,
        attempts: e.get::<u32>("a").unwrap_or(attempts),
        received_ms: e.get("t").unwrap_or(0),
        body_len: body.len(),
    }
}

impl RedisInbox {
    async fn xrange(
        &self,
        key: &str,
        start: &str,
        end: &str,
        count: usize,
    ) -> Result<Vec<StreamId>, StoreError> {
        let mut cmd = redis::cmd("XRANGE");
        cmd.arg(key)
            .arg(start)
            .arg(end)
            .arg("COUNT")
            .arg(count.max(1));
        let reply: redis::streams::StreamRangeReply = self.conn.run("XRANGE", &cmd).await?;
        Ok(reply.ids)
    }

    async fn xlen(&self, key: &str) -> Result<u64, StoreError> {
        let mut cmd = redis::cmd("XLEN");
        cmd.arg(key);
        self.conn.run("XLEN", &cmd).await
    }

    /// Leased entries (`XPENDING` extended): id and delivery count.
    async fn pending_rows(&self, limit: usize) -> Result<Vec<(String, u32)>, StoreError> {
        let mut cmd = redis::cmd("XPENDING");
        cmd.arg(&self.stream)
            .arg(&self.group)
            .arg("-")
            .arg("+")
            .arg(limit.max(1));
        let rows: Vec<(String, String, u64, u64)> = self.conn.run("XPENDING", &cmd).await?;
        Ok(rows
            .into_iter()
            .map(|(id, _, _, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }
}

/// Most entries one `list` returns from Redis.
const LIST_MAX: usize = 10_000;

impl InboxOps for RedisInbox {
    /// Redis: `acked_kept` is the length of the replay log, which holds
    /// every push of the retention, pending ones included.
    fn stats(&self) -> StoreFuture<'_, InboxStats> {
        Box::pin(async move {
            self.ensure_group().await?;
            let pending = self.xlen(&self.stream).await?;
            let mut cmd = redis::cmd("XPENDING");
            cmd.arg(&self.stream).arg(&self.group);
            let summary: redis::streams::StreamPendingReply =
                self.conn.run("XPENDING", &cmd).await?;
            let leased = u64::try_from(summary.count()).unwrap_or(u64::MAX);
            let dead = self.xlen(&self.dead).await?;
            let acked_kept = self.xlen(&self.log).await?;
            let oldest = self.xrange(&self.stream, "-", "+", 1).await?;
            let stats = InboxStats {
                pending,
                leased,
                dead,
                acked_kept,
                oldest_pending: oldest.first().map(|e| {
                    std::time::UNIX_EPOCH + Duration::from_millis(e.get("t").unwrap_or(0))
                }),
            };
            stats.record("redis");
            Ok(stats)
        })
    }

    /// Redis: `Acked` lists the replay log (every push of the retention,
    /// pending ones included).
    fn list(&self, state: EntryState, limit: usize) -> StoreFuture<'_, Vec<InboxEntry>> {
        let limit = limit.min(LIST_MAX);
        Box::pin(async move {
            self.ensure_group().await?;
            Ok(match state {
                EntryState::Ready => {
                    let leased: std::collections::HashSet<String> = self
                        .pending_rows(LIST_MAX)
                        .await?
                        .into_iter()
                        .map(|(id, _)| id)
                        .collect();
                    self.xrange(&self.stream, "-", "+", limit.saturating_add(leased.len()))
                        .await?
                        .iter()
                        .filter(|e| !leased.contains(&e.id))
                        .take(limit)
                        .map(|e| entry_of(e, state, 0))
                        .collect()
                }
                EntryState::Leased => {
                    let mut out = Vec::new();
                    for (id, n) in self.pending_rows(limit).await? {
                        if let Some(e) = self.xrange(&self.stream, &id, &id, 1).await?.first() {
                            out.push(entry_of(e, state, n));
                        }
                    }
                    out
                }
                EntryState::Dead => self
                    .xrange(&self.dead, "-", "+", limit)
                    .await?
                    .iter()
                    .map(|e| entry_of(e, state, 0))
                    .collect(),
                EntryState::Acked => self
                    .xrange(&self.log, "-", "+", limit)
                    .await?
                    .iter()
                    .map(|e| entry_of(e, state, 0))
                    .collect(),
            })
        })
    }

    fn replay_since(&self, since: std::time::SystemTime) -> StoreFuture<'_, u64> {
        let since = epoch_ms(since);
        Box::pin(async move {
            self.ensure_group().await?;
            let end = now_ms().to_string();
            let mut start = since.to_string();
            let mut replayed = 0u64;
            for _ in 0..REPLAY_MAX_BATCHES {
                let script = redis::Script::new(REPLAY);
                let mut call = script.prepare_invoke();
                call.key(&self.log)
                    .key(&self.stream)
                    .arg(&start)
                    .arg(&end)
                    .arg(REPLAY_BATCH);
                let (n, last, read): (u64, String, usize) =
                    self.conn.invoke("replay", &call).await?;
                replayed += n;
                if read < REPLAY_BATCH || last.is_empty() {
                    break;
                }
                start = format!("({last}");
            }
            Ok(replayed)
        })
    }

    fn replay_dead<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, u64> {
        Box::pin(async move {
            let mut revived = 0u64;
            for _ in 0..REPLAY_MAX_BATCHES {
                let script = redis::Script::new(REVIVE);
                let mut call = script.prepare_invoke();
                call.key(&self.dead)
                    .key(&self.stream)
                    .arg(id.unwrap_or(""))
                    .arg(REPLAY_BATCH);
                let n: u64 = self.conn.invoke("replay dead", &call).await?;
                revived += n;
                if id.is_some() || n < REPLAY_BATCH as u64 {
                    break;
                }
            }
            Ok(revived)
        })
    }
}
