//! `RedisInbox`: the inbox of receivers and consumers on several machines,
//! in a Redis stream with a consumer group.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use redis::Value;
use redis::streams::{StreamAutoClaimReply, StreamId, StreamReadReply};
use tokio::sync::{Mutex, OnceCell};

use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Leased, Push, clamped_ms, wait_for_entries,
};
use crate::callbacks::redis::{
    DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisConn, store_error,
};
use crate::callbacks::store::{StoreError, StoreFuture};

/// Default consumer group of a [`RedisInbox`].
pub const DEFAULT_REDIS_GROUP: &str = "xportcn-consumers";

/// How often a waiting fetch asks Redis for new entries.
const POLL: Duration = Duration::from_millis(50);

/// The owner an entry handed back by `release` is parked under until
/// `XAUTOCLAIM` gives it to a consumer again.
const RELEASED: &str = "xportcn-released";

/// The de-duplication claim and the append, one atomic step: if KEYS[1]
/// (the de-duplication key) exists, 0; else XADD to KEYS[2] and set
/// KEYS[1] to the entry id for ARGV[4] ms, 1.
const APPEND: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local id = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1], 'b', ARGV[2], 't', ARGV[3])
redis.call('SET', KEYS[1], id, 'PX', ARGV[4])
return 1
";

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
    group_ready: Arc<OnceCell<()>>,
    claim_cursor: Arc<Mutex<String>>,
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
            group_ready: Arc::new(OnceCell::new()),
            claim_cursor: Arc::new(Mutex::new("0-0".to_owned())),
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
    }

    /// The consumer group (default [`DEFAULT_REDIS_GROUP`]).
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

    fn dedup_key(&self, key: &str) -> String {
        format!("{}{key}", self.dedup_prefix)
    }

    /// Creates the consumer group (from the stream's start) once.
    async fn ensure_group(&self) -> Result<(), StoreError> {
        self.group_ready
            .get_or_try_init(|| async {
                let mut cmd = redis::cmd("XGROUP");
                cmd.arg("CREATE")
                    .arg(&self.stream)
                    .arg(&self.group)
                    .arg("0")
                    .arg("MKSTREAM");
                match self.conn.try_run::<Value>("XGROUP CREATE", &cmd).await? {
                    Ok(_) => Ok(()),
                    // It exists already.
                    Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
                    Err(e) => Err(store_error("XGROUP CREATE", &e)),
                }
            })
            .await
            .map(|_| ())
    }

    /// Entries of consumers that died (idle longer than the lease).
    async fn claim_idle(&self, consumer: &str, max: usize) -> Result<Vec<Leased>, StoreError> {
        let mut cursor = self.claim_cursor.lock().await;
        let mut cmd = redis::cmd("XAUTOCLAIM");
        cmd.arg(&self.stream)
            .arg(&self.group)
            .arg(consumer)
            .arg(clamped_ms(self.lease))
            .arg(cursor.as_str())
            .arg("COUNT")
            .arg(max);
        let reply: StreamAutoClaimReply = self.conn.run("XAUTOCLAIM", &cmd).await?;
        *cursor = reply.next_stream_id;
        drop(cursor);
        if reply.claimed.is_empty() {
            return Ok(Vec::new());
        }
        let counts = self.delivery_counts(consumer, &reply.claimed).await;
        Ok(reply
            .claimed
            .iter()
            .filter_map(|e| {
                let attempt = counts
                    .iter()
                    .find(|(id, _)| *id == e.id)
                    .map_or(2, |(_, n)| *n);
                leased(e, attempt)
            })
            .collect())
    }

    /// How often each entry was delivered (`XPENDING`); best effort.
    async fn delivery_counts(&self, consumer: &str, entries: &[StreamId]) -> Vec<(String, u32)> {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Vec::new();
        };
        let mut cmd = redis::cmd("XPENDING");
        cmd.arg(&self.stream)
            .arg(&self.group)
            .arg(&first.id)
            .arg(&last.id)
            .arg(entries.len())
            .arg(consumer);
        match self
            .conn
            .run::<Vec<(String, String, u64, u64)>>("XPENDING", &cmd)
            .await
        {
            Ok(rows) => rows
                .into_iter()
                .map(|(id, _, _, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    async fn read_new(&self, consumer: &str, max: usize) -> Result<Vec<Leased>, StoreError> {
        let mut cmd = redis::cmd("XREADGROUP");
        cmd.arg("GROUP")
            .arg(&self.group)
            .arg(consumer)
            .arg("COUNT")
            .arg(max)
            .arg("STREAMS")
            .arg(&self.stream)
            .arg(">");
        let reply: Option<StreamReadReply> = self.conn.run("XREADGROUP", &cmd).await?;
        Ok(reply
            .into_iter()
            .flat_map(|r| r.keys)
            .flat_map(|k| k.ids)
            .filter_map(|e| leased(&e, 1))
            .collect())
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
                .arg(clamped_ms(self.dedup_ttl));
            let stored: i64 = self.conn.invoke("append", &call).await?;
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
            wait_for_entries(wait, POLL, None, || async {
                let got = self.claim_idle(consumer, max).await?;
                if !got.is_empty() {
                    return Ok(got);
                }
                self.read_new(consumer, max).await
            })
            .await
        })
    }

    fn ack<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut pipe = redis::pipe();
            pipe.atomic()
                .cmd("XACK")
                .arg(&self.stream)
                .arg(&self.group)
                .arg(id)
                .ignore()
                .cmd("XDEL")
                .arg(&self.stream)
                .arg(id)
                .ignore();
            self.conn.atomic::<()>("XACK", &pipe).await
        })
    }

    fn release<'a>(&'a self, id: &'a str, delay: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            // Parked under another owner with an idle time that makes
            // XAUTOCLAIM hand it out again after `delay`.
            let idle = clamped_ms(self.lease)
                .saturating_sub(clamped_ms(delay).min(clamped_ms(self.lease)));
            let mut cmd = redis::cmd("XCLAIM");
            cmd.arg(&self.stream)
                .arg(&self.group)
                .arg(RELEASED)
                .arg(0)
                .arg(id)
                .arg("IDLE")
                .arg(idle)
                .arg("JUSTID");
            self.conn.run::<Value>("XCLAIM", &cmd).await.map(|_| ())
        })
    }
}
