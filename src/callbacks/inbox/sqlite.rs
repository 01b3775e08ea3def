//! [`SqliteInbox`]: the embedded inbox, one SQLite file on one machine.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::Notify;

use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Lease, Leased, Push, clamped_ms, now_ms,
    wait_for_entries,
};
use crate::callbacks::store::{StoreError, StoreFuture};

/// How hard SQLite works to keep a committed push (its `synchronous`
/// setting, with the write-ahead log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Synchronous {
    /// `synchronous=FULL` (the default): every commit is `fsync`ed before
    /// the receiver answers 200. A committed push survives a killed process
    /// and a power loss (on a disk that honours `fsync`).
    #[default]
    Full,
    /// `synchronous=NORMAL`: the log is `fsync`ed at checkpoints only. A
    /// committed push survives a killed process; a power loss may lose the
    /// last commits, already acknowledged.
    Normal,
}

/// Time a connection waits for another process's write lock: 5 s.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Purge acked keys past the de-duplication time once every this many acks.
const PURGE_EVERY: u32 = 256;

/// How often a waiting fetch looks for pushes other processes appended.
const POLL: Duration = Duration::from_millis(50);

/// The embedded [`Inbox`]: one SQLite file (bundled SQLite, through
/// `rusqlite`) on one machine, with no setup.
///
/// A push is answered 200 only once its row is **committed**: with the
/// default [`Synchronous::Full`] and the write-ahead log, a committed push
/// survives a killed process and a power loss on a disk that honours
/// `fsync`; with [`Synchronous::Normal`] it survives a killed process only.
/// The de-duplication check and the insert are one statement
/// (`INSERT … ON CONFLICT DO NOTHING`), so a claim never exists without its
/// push.
///
/// Several processes on the same machine may open the same file: receivers
/// and consumers in separate processes is the intended layout (SQLite's
/// locking; a writer waits up to 5 s for another). Not for a network file
/// system: use `RedisInbox` for several machines.
///
/// Each row keeps the consumer it is leased to (`holder`) and its attempt:
/// `ack`, `release` and `extend` change a row only in a statement that
/// checks both, else they fail with
/// [`NotLeased`](crate::callbacks::StoreErrorKind::NotLeased). Leases are
/// dated by this machine's wall clock.
///
/// Acked rows keep only their de-duplication key (the body is cleared) for
/// the de-duplication time (default 24 h), then are deleted. Unacked rows
/// are kept until acked, however long.
#[derive(Clone)]
pub struct SqliteInbox {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
    notify: Arc<Notify>,
    lease: Duration,
    dedup_ttl: Duration,
    acks: Arc<AtomicU32>,
}

impl fmt::Debug for SqliteInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteInbox")
            .field("path", &self.path)
            .field("lease", &self.lease)
            .field("dedup_ttl", &self.dedup_ttl)
            .finish_non_exhaustive()
    }
}

fn sql_error(what: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(format!("sqlite {what} failed: {e}"))
}

fn ms(d: Duration) -> i64 {
    i64::try_from(clamped_ms(d)).unwrap_or(i64::MAX)
}

fn now() -> i64 {
    i64::try_from(now_ms()).unwrap_or(i64::MAX)
}

/// Opens a SQLite file for durable writes: the write-ahead log (required),
/// `synchronous` as asked, and a 5 s wait for another process's lock. The
/// inbox and the order tracker open their files this way.
pub(crate) fn open_durable(path: &Path, sync: Synchronous) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| sql_error("open", &e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| sql_error("busy_timeout", &e))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| sql_error("journal_mode", &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::new(format!(
            "sqlite could not use the write-ahead log (journal_mode is {mode})"
        )));
    }
    let sync = match sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.execute_batch(&format!("PRAGMA synchronous={sync};"))
        .map_err(|e| sql_error("synchronous", &e))?;
    Ok(conn)
}

/// Adds the `holder` column (the consumer an entry is leased to) to a file
/// made by an older version; a no-op when it is there.
fn add_holder_column(conn: &Connection) -> Result<(), StoreError> {
    let has: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('xportcn_inbox') WHERE name = 'holder'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| sql_error("schema", &e))?;
    if !has {
        match conn.execute_batch("ALTER TABLE xportcn_inbox ADD COLUMN holder TEXT") {
            Ok(()) => {}
            // Another process added it between the check and the change.
            Err(e) if e.to_string().contains("duplicate column") => {}
            Err(e) => return Err(sql_error("schema", &e)),
        }
    }
    Ok(())
}

/// The `NotLeased` error of `lease`.
fn not_leased(lease: &Lease) -> StoreError {
    StoreError::not_leased(format!(
        "entry {} is not leased to {} (attempt {})",
        lease.id, lease.holder, lease.attempt
    ))
}

/// `lease`'s row number, holder and attempt, for the `WHERE` of a holder's
/// update.
fn token(lease: &Lease) -> Result<(i64, String, i64), StoreError> {
    let seq = lease
        .id
        .parse::<i64>()
        .map_err(|_| StoreError::not_leased("not an id of this inbox"))?;
    Ok((seq, lease.holder.clone(), i64::from(lease.attempt)))
}

impl SqliteInbox {
    /// Opens (or creates) the inbox in the SQLite file at `path`, with
    /// [`Synchronous::Full`]. Blocks while it opens the file: call it at
    /// start-up.
    ///
    /// # Errors
    /// A [`StoreError`] when the file cannot be opened or is not an inbox.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, Synchronous::Full)
    }

    /// [`SqliteInbox::open`] with another [`Synchronous`] setting.
    ///
    /// # Errors
    /// As [`SqliteInbox::open`].
    pub fn open_with(path: impl AsRef<Path>, sync: Synchronous) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = open_durable(&path, sync)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS xportcn_inbox (
                 seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                 dedup_key   TEXT    NOT NULL UNIQUE,
                 body        BLOB    NOT NULL,
                 received_ms INTEGER NOT NULL,
                 acked_ms    INTEGER,
                 visible_ms  INTEGER NOT NULL DEFAULT 0,
                 attempts    INTEGER NOT NULL DEFAULT 0
             );
             CREATE INDEX IF NOT EXISTS xportcn_inbox_ready
                 ON xportcn_inbox (acked_ms, visible_ms, seq);",
        )
        .map_err(|e| sql_error("schema", &e))?;
        add_holder_column(&conn)?;
        Ok(SqliteInbox {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path),
            notify: Arc::new(Notify::new()),
            lease: DEFAULT_LEASE,
            dedup_ttl: DEFAULT_DEDUP_TTL,
            acks: Arc::new(AtomicU32::new(0)),
        })
    }

    /// How long a delivery stays leased before it is delivered again
    /// (default 60 s).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a de-duplication key is kept after its push was acked
    /// (default 24 h; clamped to about 10 years).
    pub fn dedup_ttl(mut self, ttl: Duration) -> Self {
        self.dedup_ttl = ttl;
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Pushes stored and not acked.
    ///
    /// # Errors
    /// A [`StoreError`] when the file cannot be read.
    pub async fn pending(&self) -> Result<u64, StoreError> {
        self.blocking(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM xportcn_inbox WHERE acked_ms IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| sql_error("count", &e))
        })
        .await
    }

    /// Runs `f` on the connection, off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&conn)
        })
        .await
        .map_err(|e| StoreError::new(format!("sqlite task failed: {e}")))?
    }

    fn fetch_once<'a>(&'a self, consumer: &'a str, max: usize) -> StoreFuture<'a, Vec<Leased>> {
        let length = self.lease;
        let lease = ms(self.lease);
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let holder = consumer.to_owned();
        Box::pin(self.blocking(move |c| {
            let start = std::time::Instant::now();
            let now = now();
            let mut stmt = c
                .prepare_cached(
                    "UPDATE xportcn_inbox
                        SET visible_ms = ?1 + ?2, attempts = attempts + 1, holder = ?4
                      WHERE seq IN (SELECT seq FROM xportcn_inbox
                                     WHERE acked_ms IS NULL AND visible_ms <= ?1
                                     ORDER BY seq LIMIT ?3)
                  RETURNING seq, dedup_key, body, received_ms, attempts",
                )
                .map_err(|e| sql_error("fetch", &e))?;
            let rows = stmt
                .query_map(params![now, lease, max, holder], |r| {
                    let seq: i64 = r.get(0)?;
                    let push = Push {
                        dedup_key: r.get(1)?,
                        body: Bytes::from(r.get::<_, Vec<u8>>(2)?),
                        received_ms: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    };
                    let attempts = u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX);
                    Ok(Leased::new(seq.to_string(), push, attempts).held(&holder, start, length))
                })
                .map_err(|e| sql_error("fetch", &e))?;
            let mut out = rows
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql_error("fetch", &e))?;
            out.sort_by_key(|l| l.id.parse::<i64>().unwrap_or(i64::MAX));
            Ok(out)
        }))
    }
}

impl Inbox for SqliteInbox {
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended> {
        let push = push.clone();
        let ttl = ms(self.dedup_ttl);
        Box::pin(async move {
            let stored = self
                .blocking(move |c| {
                    let received = i64::try_from(push.received_ms).unwrap_or(i64::MAX);
                    // One statement: the claim is the row. A key acked longer
                    // ago than the de-duplication time is stored anew.
                    c.prepare_cached(
                        "INSERT INTO xportcn_inbox (dedup_key, body, received_ms)
                         VALUES (?1, ?2, ?3)
                         ON CONFLICT (dedup_key) DO UPDATE
                            SET body = excluded.body, received_ms = excluded.received_ms,
                                acked_ms = NULL, visible_ms = 0, attempts = 0, holder = NULL
                          WHERE acked_ms IS NOT NULL AND acked_ms < ?4",
                    )
                    .and_then(|mut s| {
                        s.execute(params![
                            push.dedup_key,
                            push.body.as_ref(),
                            received,
                            now().saturating_sub(ttl)
                        ])
                    })
                    .map_err(|e| sql_error("append", &e))
                })
                .await?;
            if stored == 0 {
                return Ok(Appended::Duplicate);
            }
            self.notify.notify_waiters();
            Ok(Appended::Stored)
        })
    }

    fn contains<'a>(&'a self, dedup_key: &'a str) -> StoreFuture<'a, bool> {
        let key = dedup_key.to_owned();
        let ttl = ms(self.dedup_ttl);
        Box::pin(self.blocking(move |c| {
            c.prepare_cached(
                "SELECT 1 FROM xportcn_inbox
                  WHERE dedup_key = ?1 AND (acked_ms IS NULL OR acked_ms >= ?2)",
            )
            .and_then(|mut s| {
                s.query_row(params![key, now().saturating_sub(ttl)], |_| Ok(()))
                    .optional()
            })
            .map(|found| found.is_some())
            .map_err(|e| sql_error("contains", &e))
        }))
    }

    fn fetch<'a>(
        &'a self,
        consumer: &'a str,
        max: usize,
        wait: Duration,
    ) -> StoreFuture<'a, Vec<Leased>> {
        Box::pin(wait_for_entries(
            wait,
            POLL,
            Some(&self.notify),
            move || self.fetch_once(consumer, max),
        ))
    }

    fn ack<'a>(&'a self, lease: &'a Lease) -> StoreFuture<'a, ()> {
        let purge = self
            .acks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(PURGE_EVERY);
        let ttl = ms(self.dedup_ttl);
        Box::pin(async move {
            let (seq, holder, attempt) = token(lease)?;
            let acked = self
                .blocking(move |c| {
                    let now = now();
                    let acked = c
                        .prepare_cached(
                            "UPDATE xportcn_inbox SET acked_ms = ?2, body = x''
                              WHERE seq = ?1 AND acked_ms IS NULL
                                AND holder = ?3 AND attempts = ?4",
                        )
                        .and_then(|mut s| s.execute(params![seq, now, holder, attempt]))
                        .map_err(|e| sql_error("ack", &e))?;
                    if purge {
                        c.prepare_cached(
                            "DELETE FROM xportcn_inbox WHERE acked_ms IS NOT NULL AND acked_ms < ?1",
                        )
                        .and_then(|mut s| s.execute(params![now.saturating_sub(ttl)]))
                        .map_err(|e| sql_error("purge", &e))?;
                    }
                    Ok(acked)
                })
                .await?;
            if acked == 0 {
                return Err(not_leased(lease));
            }
            Ok(())
        })
    }

    fn release<'a>(&'a self, lease: &'a Lease, delay: Duration) -> StoreFuture<'a, ()> {
        // Zero stays zero (visible at once); too long is clamped.
        let delay = i64::try_from(delay.min(super::MAX_LEASE).as_millis()).unwrap_or(i64::MAX);
        Box::pin(async move {
            let (seq, holder, attempt) = token(lease)?;
            let released = self
                .blocking(move |c| {
                    c.prepare_cached(
                        "UPDATE xportcn_inbox SET visible_ms = MIN(visible_ms, ?2), holder = NULL
                          WHERE seq = ?1 AND acked_ms IS NULL
                            AND holder = ?3 AND attempts = ?4",
                    )
                    .and_then(|mut s| {
                        s.execute(params![seq, now().saturating_add(delay), holder, attempt])
                    })
                    .map_err(|e| sql_error("release", &e))
                })
                .await?;
            if released == 0 {
                return Err(not_leased(lease));
            }
            self.notify.notify_waiters();
            Ok(())
        })
    }

    fn extend<'a>(&'a self, lease: &'a Lease, by: Duration) -> StoreFuture<'a, ()> {
        let by = ms(by);
        Box::pin(async move {
            let (seq, holder, attempt) = token(lease)?;
            let extended = self
                .blocking(move |c| {
                    c.prepare_cached(
                        "UPDATE xportcn_inbox SET visible_ms = ?2
                          WHERE seq = ?1 AND acked_ms IS NULL
                            AND holder = ?3 AND attempts = ?4",
                    )
                    .and_then(|mut s| {
                        s.execute(params![seq, now().saturating_add(by), holder, attempt])
                    })
                    .map_err(|e| sql_error("extend", &e))
                })
                .await?;
            if extended == 0 {
                return Err(not_leased(lease));
            }
            Ok(())
        })
    }
}
