//! [`SqliteInbox`]: the embedded inbox, one SQLite file on one machine.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::Notify;

use super::ops::{
    DEFAULT_MAX_ATTEMPTS, DEFAULT_RETENTION, EntryState, InboxEntry, InboxOps, InboxStats,
};
use super::{
    Appended, DEFAULT_DEDUP_TTL, DEFAULT_LEASE, Inbox, Lease, Leased, Push, clamped_ms,
    wait_for_entries,
};
use crate::callbacks::storage::{
    StoreError, StoreFuture, Synchronous, epoch_ms, now_ms, open_durable, sql_error,
};

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
///
/// **Group commit.** Appends go to one writer thread with a connection of
/// its own, which commits every push waiting at that moment in **one**
/// transaction and one `fsync`, then answers each of them: a burst of
/// concurrent pushes costs a few `fsync`s, not one each, and every push is
/// still answered only after the commit that holds it. A batch whose
/// statement fails is rolled back and its pushes are committed one by one,
/// so an error reaches only the push that caused it. Checkpoints (copying
/// the write-ahead log into the file) run on a thread and connection of
/// their own, beside the writer, never inside a batch's commit.
///
/// **Fetch cost.** A fetch reads only the rows it hands out (plus leased
/// ones in front of them): a partial index on `seq` over unacked, live rows
/// gives them in delivery order, whatever the backlog.
///
/// **Operations** ([`InboxOps`]): acked bodies are kept for the retention
/// (default 7 days, [`SqliteInbox::retention`]) in a table of their own
/// for replay; a push handed out [`SqliteInbox::max_attempts`] times
/// (default 25) without an ack becomes a dead letter.
#[derive(Clone)]
pub struct SqliteInbox {
    conn: Arc<Mutex<Connection>>,
    writer: Arc<Writer>,
    path: Arc<PathBuf>,
    notify: Arc<Notify>,
    lease: Duration,
    dedup_ttl: Duration,
    acks: Arc<AtomicU32>,
    max_attempts: u32,
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

fn ms(d: Duration) -> i64 {
    i64::try_from(clamped_ms(d)).unwrap_or(i64::MAX)
}

fn now() -> i64 {
    i64::try_from(now_ms()).unwrap_or(i64::MAX)
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

/// Creates the tables and indexes, and brings a file of an older version up
/// to date (an added column, the old fetch index replaced).
fn create_schema(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS xportcn_inbox (
             seq         INTEGER PRIMARY KEY AUTOINCREMENT,
             dedup_key   TEXT    NOT NULL UNIQUE,
             body        BLOB    NOT NULL,
             received_ms INTEGER NOT NULL,
             acked_ms    INTEGER,
             visible_ms  INTEGER NOT NULL DEFAULT 0,
             attempts    INTEGER NOT NULL DEFAULT 0
         );",
    )
    .map_err(|e| sql_error("schema", &e))?;
    let has_dead: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('xportcn_inbox') WHERE name = 'dead_ms'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| sql_error("schema", &e))?;
    if !has_dead {
        // Two processes may open an old file at once: a column the other
        // one just added is fine.
        if let Err(e) = conn.execute_batch("ALTER TABLE xportcn_inbox ADD COLUMN dead_ms INTEGER;")
            && !e.to_string().contains("duplicate column")
        {
            return Err(sql_error("schema migration", &e));
        }
    }
    conn.execute_batch(
        // The fetch index: unacked, live rows in delivery order. A fetch
        // walks it from the start and stops after the rows it hands out
        // (the old index on (acked_ms, visible_ms, seq) made every fetch
        // sort every visible pending row).
        "DROP INDEX IF EXISTS xportcn_inbox_ready;
         CREATE INDEX IF NOT EXISTS xportcn_inbox_pending
             ON xportcn_inbox (seq, visible_ms)
             WHERE acked_ms IS NULL AND dead_ms IS NULL;
         CREATE INDEX IF NOT EXISTS xportcn_inbox_acked_at
             ON xportcn_inbox (acked_ms) WHERE acked_ms IS NOT NULL;
         CREATE INDEX IF NOT EXISTS xportcn_inbox_dead
             ON xportcn_inbox (seq) WHERE dead_ms IS NOT NULL;
         CREATE TABLE IF NOT EXISTS xportcn_inbox_acked (
             seq         INTEGER PRIMARY KEY,
             dedup_key   TEXT    NOT NULL,
             body        BLOB    NOT NULL,
             received_ms INTEGER NOT NULL,
             acked_ms    INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS xportcn_inbox_acked_received
             ON xportcn_inbox_acked (received_ms);
         CREATE INDEX IF NOT EXISTS xportcn_inbox_acked_purge
             ON xportcn_inbox_acked (acked_ms);
         -- An ack keeps the body for replay, whichever code acks.
         CREATE TRIGGER IF NOT EXISTS xportcn_inbox_keep_acked
             AFTER UPDATE OF acked_ms ON xportcn_inbox
             WHEN OLD.acked_ms IS NULL AND NEW.acked_ms IS NOT NULL AND length(OLD.body) > 0
         BEGIN
             INSERT OR REPLACE INTO xportcn_inbox_acked
                 (seq, dedup_key, body, received_ms, acked_ms)
             VALUES (OLD.seq, OLD.dedup_key, OLD.body, OLD.received_ms, NEW.acked_ms);
         END;",
    )
    .map_err(|e| sql_error("schema", &e))
}

/// Most pushes one group commit holds.
const GROUP_MAX: usize = 1024;

/// How often the writer purges acked bodies past the retention.
const RETENTION_PURGE_EVERY: Duration = Duration::from_secs(60);

/// Most acked bodies one purge deletes (the next one goes on).
const RETENTION_PURGE_MAX: i64 = 10_000;

/// One push waiting for the writer, and where its answer goes.
struct Job {
    push: Push,
    ttl_ms: i64,
    reply: tokio::sync::oneshot::Sender<Result<Appended, StoreError>>,
}

/// The group-commit writer: a thread with its own connection that commits
/// every waiting push in one transaction. It ends when the last clone of
/// the inbox is dropped (its channel closes).
struct Writer {
    jobs: Mutex<mpsc::Sender<Job>>,
    retention_ms: Arc<std::sync::atomic::AtomicU64>,
}

impl Writer {
    /// Starts the writer on `conn`, and its checkpointer on `checkpoints`
    /// (both connections to the same file).
    fn start(conn: Connection, checkpoints: Connection) -> Result<Writer, StoreError> {
        // The writer never checkpoints itself: a checkpoint (copying the
        // log into the file, and its fsync) would hold up every push of the
        // batch behind it. The checkpointer does it beside the writer.
        conn.execute_batch("PRAGMA wal_autocheckpoint=0;")
            .map_err(|e| sql_error("wal_autocheckpoint", &e))?;
        let (ck_tx, ck_rx) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("xportcn-sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(&checkpoints, &ck_rx))
            .map_err(|e| {
                StoreError::new(format!("sqlite checkpoint thread failed to start: {e}"))
            })?;
        let (tx, rx) = mpsc::channel::<Job>();
        let retention_ms = Arc::new(std::sync::atomic::AtomicU64::new(clamped_ms(
            DEFAULT_RETENTION,
        )));
        let retention = retention_ms.clone();
        std::thread::Builder::new()
            .name("xportcn-sqlite-writer".into())
            .spawn(move || writer_loop(&conn, &rx, &retention, &ck_tx))
            .map_err(|e| StoreError::new(format!("sqlite writer thread failed to start: {e}")))?;
        Ok(Writer {
            jobs: Mutex::new(tx),
            retention_ms,
        })
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| StoreError::new("sqlite writer has stopped"))
    }
}

/// Commits between two checkpoint requests of the writer.
const CHECKPOINT_EVERY: u32 = 32;

/// Runs a `PASSIVE` checkpoint (it never blocks the writer) for each
/// request of the writer, requests that came meanwhile folded into one.
/// Ends when the writer ends (its sender is dropped).
fn checkpoint_loop(conn: &Connection, requests: &mpsc::Receiver<()>) {
    while requests.recv().is_ok() {
        while requests.try_recv().is_ok() {}
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(error = %e, "sqlite checkpoint failed; tried again later");
        }
    }
}

fn writer_loop(
    conn: &Connection,
    rx: &mpsc::Receiver<Job>,
    retention_ms: &std::sync::atomic::AtomicU64,
    checkpoints: &mpsc::Sender<()>,
) {
    let mut commits = 0u32;
    let mut last_purge = Instant::now();
    let mut batch = Vec::new();
    // Ends when every sender is gone.
    while let Ok(first) = rx.recv() {
        batch.push(first);
        // Everything waiting now goes into this commit: while one commit
        // fsyncs, the next batch gathers.
        while batch.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let purge = last_purge.elapsed() >= RETENTION_PURGE_EVERY;
        if purge {
            last_purge = Instant::now();
        }
        let results = commit_group(
            conn,
            &batch,
            purge.then(|| retention_ms.load(Ordering::Relaxed)),
        );
        commits = commits.wrapping_add(1);
        if commits.is_multiple_of(CHECKPOINT_EVERY) {
            let _ = checkpoints.send(());
        }
        for (job, result) in batch.drain(..).zip(results) {
            // The receiver may have given up (503): the push is stored
            // anyway, and the platform's retry finds it.
            let _ = job.reply.send(result);
        }
    }
}

/// The insert of one push: the claim is the row. A key acked longer ago
/// than the de-duplication time is stored anew.
fn insert_push(conn: &Connection, push: &Push, ttl_ms: i64) -> Result<usize, rusqlite::Error> {
    let received = i64::try_from(push.received_ms).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO xportcn_inbox (dedup_key, body, received_ms)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (dedup_key) DO UPDATE
            SET body = excluded.body, received_ms = excluded.received_ms,
                acked_ms = NULL, visible_ms = 0, attempts = 0, dead_ms = NULL,
                holder = NULL
          WHERE acked_ms IS NOT NULL AND acked_ms < ?4",
    )?
    .execute(params![
        push.dedup_key,
        push.body.as_ref(),
        received,
        now().saturating_sub(ttl_ms)
    ])
}

/// Commits `batch` in one transaction; on a failure, each push in its own,
/// so an error reaches only its push. One result per job, in order.
fn commit_group(
    conn: &Connection,
    batch: &[Job],
    purge_retention_ms: Option<u64>,
) -> Vec<Result<Appended, StoreError>> {
    let appended = |n: usize| {
        if n == 0 {
            Appended::Duplicate
        } else {
            Appended::Stored
        }
    };
    let group = (|| -> Result<Vec<Appended>, rusqlite::Error> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut out = Vec::with_capacity(batch.len());
        for job in batch {
            match insert_push(conn, &job.push, job.ttl_ms) {
                Ok(n) => out.push(appended(n)),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(e);
                }
            }
        }
        if let Some(retention) = purge_retention_ms {
            let before = now().saturating_sub(i64::try_from(retention).unwrap_or(i64::MAX));
            let purged = conn
                .prepare_cached(
                    "DELETE FROM xportcn_inbox_acked WHERE seq IN
                        (SELECT seq FROM xportcn_inbox_acked WHERE acked_ms < ?1 LIMIT ?2)",
                )
                .and_then(|mut s| s.execute(params![before, RETENTION_PURGE_MAX]));
            if let Err(e) = purged {
                // Only the purge failed: it is tried again next minute.
                tracing::warn!(error = %e, "sqlite purge of acked bodies failed");
            }
        }
        if let Err(e) = conn.execute_batch("COMMIT") {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
        Ok(out)
    })();
    let busy = |e: &rusqlite::Error| {
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    };
    match group {
        Ok(out) => out.into_iter().map(Ok).collect(),
        // One push, or the file locked by another process past the busy
        // timeout: one by one would wait that long again for each push.
        Err(e) if batch.len() == 1 || busy(&e) => {
            batch.iter().map(|_| Err(sql_error("append", &e))).collect()
        }
        Err(_) => batch
            .iter()
            .map(|job| {
                insert_push(conn, &job.push, job.ttl_ms)
                    .map(appended)
                    .map_err(|e| sql_error("append", &e))
            })
            .collect(),
    }
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
        create_schema(&conn)?;
        add_holder_column(&conn)?;
        let writer = Writer::start(open_durable(&path, sync)?, open_durable(&path, sync)?)?;
        Ok(SqliteInbox {
            conn: Arc::new(Mutex::new(conn)),
            writer: Arc::new(writer),
            path: Arc::new(path),
            notify: Arc::new(Notify::new()),
            lease: DEFAULT_LEASE,
            dedup_ttl: DEFAULT_DEDUP_TTL,
            acks: Arc::new(AtomicU32::new(0)),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        })
    }

    /// How many times a push is handed out without an ack before it is set
    /// aside as a dead letter (default 25; 0:
    /// never).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// How long an acked push's body is kept for
    /// [`InboxOps::replay_since`] (default 7 days;
    /// clamped to about 10 years; zero: purged at the next purge). Purged
    /// by the writer about once a minute, at an append.
    pub fn retention(self, retention: Duration) -> Self {
        self.writer
            .retention_ms
            .store(clamped_ms(retention), Ordering::Relaxed);
        self
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
        let max_attempts = self.max_attempts;
        Box::pin(self.blocking(move |c| {
            let start = std::time::Instant::now();
            let now = now();
            // IMMEDIATE: the write lock first (waiting for it as long as
            // the busy timeout), so the lease and a dead letter commit
            // together.
            let tx =
                rusqlite::Transaction::new_unchecked(c, rusqlite::TransactionBehavior::Immediate)
                    .map_err(|e| sql_error("fetch", &e))?;
            // Walks the partial index in `seq` order and stops after `max`
            // visible rows: no sort, whatever the backlog.
            let mut stmt = tx
                .prepare_cached(FETCH_SQL)
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
            drop(stmt);
            // Handed out too often without an ack: a dead letter, not
            // handed out again until replayed.
            if max_attempts > 0 && out.iter().any(|l| l.attempt > max_attempts) {
                let mut dead = tx
                    .prepare_cached(
                        "UPDATE xportcn_inbox
                            SET dead_ms = ?2, attempts = attempts - 1, visible_ms = 0,
                                holder = NULL
                          WHERE seq = ?1",
                    )
                    .map_err(|e| sql_error("dead letter", &e))?;
                for l in out.iter().filter(|l| l.attempt > max_attempts) {
                    let seq = l.id.parse::<i64>().unwrap_or(-1);
                    dead.execute(params![seq, now])
                        .map_err(|e| sql_error("dead letter", &e))?;
                    tracing::warn!(
                        id = %l.id,
                        key = %l.push.dedup_key,
                        attempts = max_attempts,
                        "a push was handed out too often without an ack: now a dead letter"
                    );
                }
                drop(dead);
                out.retain(|l| l.attempt <= max_attempts);
            }
            tx.commit().map_err(|e| sql_error("fetch", &e))?;
            out.sort_by_key(|l| l.id.parse::<i64>().unwrap_or(i64::MAX));
            Ok(out)
        }))
    }
}

/// The fetch: the first `?3` unacked, live, visible rows in `seq` order,
/// leased to `?4` until `?1 + ?2`. `INDEXED BY`: left to itself the planner
/// may walk the whole table in rowid order, acked rows (kept for the
/// de-duplication time) included.
pub(crate) const FETCH_SQL: &str = "UPDATE xportcn_inbox
    SET visible_ms = ?1 + ?2, attempts = attempts + 1, holder = ?4
  WHERE seq IN (SELECT seq FROM xportcn_inbox INDEXED BY xportcn_inbox_pending
                 WHERE acked_ms IS NULL AND dead_ms IS NULL AND visible_ms <= ?1
                 ORDER BY seq LIMIT ?3)
RETURNING seq, dedup_key, body, received_ms, attempts";

impl Inbox for SqliteInbox {
    fn append<'a>(&'a self, push: &'a Push) -> StoreFuture<'a, Appended> {
        Box::pin(async move {
            // To the group-commit writer; answered after the commit that
            // holds this push.
            let (reply, answer) = tokio::sync::oneshot::channel();
            self.writer.send(Job {
                push: push.clone(),
                ttl_ms: ms(self.dedup_ttl),
                reply,
            })?;
            let appended = answer
                .await
                .map_err(|_| StoreError::new("sqlite writer has stopped"))??;
            if appended == Appended::Stored {
                self.notify.notify_waiters();
            }
            Ok(appended)
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

// ---- Operations (stats, list, replay, dead letters) ----

fn ms_to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl InboxOps for SqliteInbox {
    fn stats(&self) -> StoreFuture<'_, InboxStats> {
        Box::pin(async move {
            let stats = self
                .blocking(|c| {
                    let now = now();
                    let q = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<i64, StoreError> {
                        c.prepare_cached(sql)
                            .and_then(|mut s| s.query_row(p, |r| r.get::<_, i64>(0)))
                            .map_err(|e| sql_error("stats", &e))
                    };
                    let pending = q(
                        "SELECT COUNT(*) FROM xportcn_inbox
                          WHERE acked_ms IS NULL AND dead_ms IS NULL",
                        &[],
                    )?;
                    let leased = q(
                        "SELECT COUNT(*) FROM xportcn_inbox
                          WHERE acked_ms IS NULL AND dead_ms IS NULL AND visible_ms > ?1",
                        &[&now],
                    )?;
                    let dead = q(
                        "SELECT COUNT(*) FROM xportcn_inbox WHERE dead_ms IS NOT NULL",
                        &[],
                    )?;
                    let acked_kept = q("SELECT COUNT(*) FROM xportcn_inbox_acked", &[])?;
                    let oldest: Option<i64> = c
                        .prepare_cached(
                            "SELECT received_ms FROM xportcn_inbox
                              WHERE acked_ms IS NULL AND dead_ms IS NULL ORDER BY seq LIMIT 1",
                        )
                        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
                        .map_err(|e| sql_error("stats", &e))?;
                    Ok(InboxStats {
                        pending: ms_to_u64(pending),
                        leased: ms_to_u64(leased),
                        dead: ms_to_u64(dead),
                        acked_kept: ms_to_u64(acked_kept),
                        oldest_pending: oldest
                            .map(|t| UNIX_EPOCH + Duration::from_millis(ms_to_u64(t))),
                    })
                })
                .await?;
            stats.record("sqlite");
            Ok(stats)
        })
    }

    fn list(&self, state: EntryState, limit: usize) -> StoreFuture<'_, Vec<InboxEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Box::pin(self.blocking(move |c| {
            let sql = match state {
                EntryState::Ready => {
                    "SELECT seq, dedup_key, attempts, received_ms, length(body) FROM xportcn_inbox
                      WHERE acked_ms IS NULL AND dead_ms IS NULL AND visible_ms <= ?1
                      ORDER BY seq LIMIT ?2"
                }
                EntryState::Leased => {
                    "SELECT seq, dedup_key, attempts, received_ms, length(body) FROM xportcn_inbox
                      WHERE acked_ms IS NULL AND dead_ms IS NULL AND visible_ms > ?1
                      ORDER BY seq LIMIT ?2"
                }
                EntryState::Dead => {
                    "SELECT seq, dedup_key, attempts, received_ms, length(body) FROM xportcn_inbox
                      WHERE dead_ms IS NOT NULL AND ?1 = ?1 ORDER BY seq LIMIT ?2"
                }
                EntryState::Acked => {
                    "SELECT seq, dedup_key, 0, received_ms, length(body) FROM xportcn_inbox_acked
                      WHERE ?1 = ?1 ORDER BY seq LIMIT ?2"
                }
            };
            let mut stmt = c.prepare_cached(sql).map_err(|e| sql_error("list", &e))?;
            let rows = stmt
                .query_map(params![now(), limit], |r| {
                    Ok(InboxEntry {
                        id: r.get::<_, i64>(0)?.to_string(),
                        dedup_key: r.get(1)?,
                        state,
                        attempts: u32::try_from(r.get::<_, i64>(2)?).unwrap_or(u32::MAX),
                        received_ms: ms_to_u64(r.get(3)?),
                        body_len: usize::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
                    })
                })
                .map_err(|e| sql_error("list", &e))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql_error("list", &e))
        }))
    }

    fn replay_since(&self, since: SystemTime) -> StoreFuture<'_, u64> {
        let since = i64::try_from(epoch_ms(since)).unwrap_or(i64::MAX);
        Box::pin(async move {
            let n = self
                .blocking(move |c| {
                    // An acked row is put back in place (its key is still
                    // claimed); one purged after the de-duplication time is
                    // stored anew; a pending one is left as it is.
                    c.prepare_cached(
                        "INSERT INTO xportcn_inbox (dedup_key, body, received_ms)
                         SELECT dedup_key, body, received_ms FROM xportcn_inbox_acked
                          WHERE received_ms >= ?1 ORDER BY seq
                         ON CONFLICT (dedup_key) DO UPDATE
                            SET body = excluded.body, received_ms = excluded.received_ms,
                                acked_ms = NULL, visible_ms = 0, attempts = 0, dead_ms = NULL
                          WHERE acked_ms IS NOT NULL",
                    )
                    .and_then(|mut s| s.execute(params![since]))
                    .map(|n| u64::try_from(n).unwrap_or(0))
                    .map_err(|e| sql_error("replay", &e))
                })
                .await?;
            self.notify.notify_waiters();
            Ok(n)
        })
    }

    fn replay_dead<'a>(&'a self, id: Option<&'a str>) -> StoreFuture<'a, u64> {
        let seq = id.map(str::parse::<i64>);
        Box::pin(async move {
            let seq = match seq {
                Some(Ok(seq)) => Some(seq),
                Some(Err(_)) => return Err(StoreError::new("not an id of this inbox")),
                None => None,
            };
            let n = self
                .blocking(move |c| {
                    c.prepare_cached(
                        "UPDATE xportcn_inbox SET dead_ms = NULL, attempts = 0, visible_ms = 0
                          WHERE dead_ms IS NOT NULL AND (?1 IS NULL OR seq = ?1)",
                    )
                    .and_then(|mut s| s.execute(params![seq]))
                    .map(|n| u64::try_from(n).unwrap_or(0))
                    .map_err(|e| sql_error("replay dead", &e))
                })
                .await?;
            self.notify.notify_waiters();
            Ok(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fetch reads only the rows it hands out: SQLite walks the partial
    /// index in `seq` order, with no sort (no `TEMP B-TREE`) and no scan of
    /// the table, whatever the backlog.
    #[test]
    fn fetch_plan_walks_the_pending_index_without_a_sort() {
        let dir = std::env::temp_dir().join(format!(
            "xportcn-fetch-plan-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let conn = open_durable(&dir.join("inbox.sqlite3"), Synchronous::Normal).unwrap();
        create_schema(&conn).unwrap();
        add_holder_column(&conn).unwrap();
        // A backlog, some leased, some acked, some dead; then ANALYZE, so
        // the planner decides with statistics as a long-lived file has.
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
             INSERT INTO xportcn_inbox (dedup_key, body, received_ms, acked_ms, visible_ms, dead_ms)
             SELECT 'k' || i, x'00', i,
                    CASE WHEN i % 3 = 0 THEN i END,
                    CASE WHEN i % 7 = 0 THEN 9e15 ELSE 0 END,
                    CASE WHEN i % 11 = 0 THEN i END
               FROM n;
             ANALYZE;",
        )
        .unwrap();
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {FETCH_SQL}"))
            .unwrap()
            .query_map(params![1_000_i64, 60_000_i64, 16_i64, "c"], |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains("USING COVERING INDEX xportcn_inbox_pending")
                || plan.contains("USING INDEX xportcn_inbox_pending"),
            "{plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        assert!(
            !plan.lines().any(|l| l.trim() == "SCAN xportcn_inbox"),
            "{plan}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file of the previous version (no `dead_ms`, the old index) is
    /// brought up to date and keeps its rows.
    #[test]
    fn an_old_file_is_migrated() {
        let dir = std::env::temp_dir().join(format!(
            "xportcn-migrate-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("inbox.sqlite3");
        let conn = open_durable(&path, Synchronous::Normal).unwrap();
        conn.execute_batch(
            "CREATE TABLE xportcn_inbox (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT, dedup_key TEXT NOT NULL UNIQUE,
                 body BLOB NOT NULL, received_ms INTEGER NOT NULL, acked_ms INTEGER,
                 visible_ms INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0);
             CREATE INDEX xportcn_inbox_ready ON xportcn_inbox (acked_ms, visible_ms, seq);
             INSERT INTO xportcn_inbox (dedup_key, body, received_ms) VALUES ('old', x'7b7d', 1);",
        )
        .unwrap();
        drop(conn);
        let conn = open_durable(&path, Synchronous::Normal).unwrap();
        create_schema(&conn).unwrap();
        create_schema(&conn).unwrap(); // twice: idempotent
        let (n, old_index): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM xportcn_inbox WHERE dead_ms IS NULL),
                        (SELECT COUNT(*) FROM sqlite_master WHERE name = 'xportcn_inbox_ready')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((n, old_index), (1, 0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
