//! [`SqliteTrackerStore`]: the tracker's state in a SQLite file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::status::OrderKey;
use super::store::{HistoryEntry, OrderState, TrackerStore, from_json, from_json_all, to_json};
use crate::callbacks::storage::{StoreError, StoreFuture, Synchronous, open_durable};

fn sql_error(what: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(format!("sqlite tracker {what} failed: {e}"))
}

/// The tracker's state in one SQLite file (bundled SQLite, write-ahead log,
/// `synchronous=FULL`): the inbox's file
/// ([`SqliteInbox`](crate::callbacks::SqliteInbox)) or its own. Tables
/// `xportcn_tracker_state` and `xportcn_tracker_history`. Survives a
/// restart; several processes on one machine may share the file.
///
/// The two indexes of [`TrackerStore`] are columns of the state table with
/// a partial index each: `quiet_ms` (set for orders not final) and
/// `final_ms` (set for final orders). A file written before these columns
/// existed is migrated when it is opened (one pass over its states, in one
/// transaction).
#[derive(Clone)]
pub struct SqliteTrackerStore {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
}

impl fmt::Debug for SqliteTrackerStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteTrackerStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The tables (the indexes come after [`migrate`]).
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS xportcn_tracker_state (
         platform TEXT    NOT NULL,
         order_id TEXT    NOT NULL,
         version  INTEGER NOT NULL,
         state    TEXT    NOT NULL,
         quiet_ms INTEGER,
         final_ms INTEGER,
         PRIMARY KEY (platform, order_id)
     );
     CREATE TABLE IF NOT EXISTS xportcn_tracker_history (
         seq      INTEGER PRIMARY KEY AUTOINCREMENT,
         platform TEXT    NOT NULL,
         order_id TEXT    NOT NULL,
         entry    TEXT    NOT NULL
     );
     CREATE INDEX IF NOT EXISTS xportcn_tracker_history_order
         ON xportcn_tracker_history (platform, order_id, seq);";

/// The re-sync and retention indexes: partial, so each holds only the
/// orders it serves.
const INDEXES: &str = "CREATE INDEX IF NOT EXISTS xportcn_tracker_state_quiet
         ON xportcn_tracker_state (quiet_ms) WHERE quiet_ms IS NOT NULL;
     CREATE INDEX IF NOT EXISTS xportcn_tracker_state_final
         ON xportcn_tracker_state (final_ms) WHERE final_ms IS NOT NULL;";

/// The due orders, through the re-sync index only.
const DUE: &str = "SELECT state FROM xportcn_tracker_state
     WHERE quiet_ms <= ?1 ORDER BY quiet_ms LIMIT ?2";

/// The final orders past the retention, through the retention index only.
const PAST_RETENTION: &str = "SELECT platform, order_id FROM xportcn_tracker_state
     WHERE final_ms <= ?1 ORDER BY final_ms LIMIT ?2";

impl SqliteTrackerStore {
    /// Opens (or creates) the store in the SQLite file at `path`. Blocks
    /// while it opens the file (and migrates a file written before the
    /// indexes existed): call it at start-up.
    ///
    /// # Errors
    /// A [`StoreError`] when the file cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = open_durable(&path, Synchronous::Full)?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| sql_error("schema", &e))?;
        migrate(&mut conn)?;
        Ok(SqliteTrackerStore {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::new(format!("sqlite tracker task failed: {e}")))?
    }
}

/// Adds the index columns to a state table written before they existed and
/// fills them from each state; then makes sure the indexes exist. One
/// `IMMEDIATE` transaction: two processes opening the file at once migrate
/// it once.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| sql_error("migration begin", &e))?;
    let has_columns: i64 = tx
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('xportcn_tracker_state')
             WHERE name IN ('quiet_ms', 'final_ms')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| sql_error("migration check", &e))?;
    if has_columns < 2 {
        tx.execute_batch(
            "ALTER TABLE xportcn_tracker_state ADD COLUMN quiet_ms INTEGER;
             ALTER TABLE xportcn_tracker_state ADD COLUMN final_ms INTEGER;",
        )
        .map_err(|e| sql_error("migration", &e))?;
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx
                .prepare("SELECT rowid, state FROM xportcn_tracker_state")
                .map_err(|e| sql_error("migration read", &e))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(|e| sql_error("migration read", &e))?
        };
        for (rowid, text) in rows {
            match from_json::<OrderState>(&text) {
                Ok(state) => {
                    let (quiet, fin) = index_keys(&state);
                    tx.execute(
                        "UPDATE xportcn_tracker_state SET quiet_ms = ?2, final_ms = ?3
                         WHERE rowid = ?1",
                        params![rowid, quiet, fin],
                    )
                    .map_err(|e| sql_error("migration write", &e))?;
                }
                // Left out of both indexes: `get` reports it when asked.
                Err(e) => tracing::warn!(rowid, error = %e, "tracker state not indexed"),
            }
        }
    }
    tx.execute_batch(INDEXES)
        .map_err(|e| sql_error("indexes", &e))?;
    tx.commit().map_err(|e| sql_error("migration commit", &e))
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The state's keys in the re-sync and retention indexes (SQLite integers).
fn index_keys(state: &OrderState) -> (Option<i64>, Option<i64>) {
    let int = |ms: u64| i64::try_from(ms).unwrap_or(i64::MAX);
    (
        state.quiet_since_ms().map(int),
        state.final_since_ms().map(int),
    )
}

fn insert_entry(conn: &Connection, entry: &HistoryEntry) -> Result<(), StoreError> {
    let json = to_json(entry)?;
    conn.execute(
        "INSERT INTO xportcn_tracker_history (platform, order_id, entry) VALUES (?1, ?2, ?3)",
        params![entry.key.platform.name(), entry.key.order_id, json],
    )
    .map_err(|e| sql_error("history insert", &e))?;
    Ok(())
}

/// The compare-and-set of [`TrackerStore::commit`], inside the caller's
/// transaction: `false` when the stored version is not `expected`.
fn write_state(
    tx: &Connection,
    expected: Option<u64>,
    state: &OrderState,
) -> Result<bool, StoreError> {
    let json = to_json(state)?;
    let (quiet, fin) = index_keys(state);
    let platform = state.key.platform.name();
    let written = match expected {
        None => tx.execute(
            "INSERT INTO xportcn_tracker_state
                 (platform, order_id, version, state, quiet_ms, final_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                platform,
                state.key.order_id,
                version(state.version),
                json,
                quiet,
                fin
            ],
        ),
        Some(v) => tx.execute(
            "UPDATE xportcn_tracker_state
             SET version = ?3, state = ?4, quiet_ms = ?5, final_ms = ?6
             WHERE platform = ?1 AND order_id = ?2 AND version = ?7",
            params![
                platform,
                state.key.order_id,
                version(state.version),
                json,
                quiet,
                fin,
                version(v)
            ],
        ),
    }
    .map_err(|e| sql_error("state write", &e))?;
    Ok(written == 1)
}

/// Every first column of `sql`'s rows, as text.
fn texts(
    c: &Connection,
    what: &str,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = c.prepare_cached(sql).map_err(|e| sql_error(what, &e))?;
    let rows = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .map_err(|e| sql_error(what, &e))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| sql_error(what, &e))
}

/// A SQLite `LIMIT` for `limit`.
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

impl TrackerStore for SqliteTrackerStore {
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
        let key = key.clone();
        Box::pin(self.blocking(move |c| {
            let text: Option<String> = c
                .query_row(
                    "SELECT state FROM xportcn_tracker_state WHERE platform = ?1 AND order_id = ?2",
                    params![key.platform.name(), key.order_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| sql_error("get", &e))?;
            text.map(|t| from_json(&t)).transpose()
        }))
    }

    fn commit<'a>(
        &'a self,
        expected: Option<u64>,
        state: &'a OrderState,
        entry: Option<&'a HistoryEntry>,
    ) -> StoreFuture<'a, bool> {
        let state = state.clone();
        let entry = entry.cloned();
        Box::pin(self.blocking(move |c| {
            let tx = c.transaction().map_err(|e| sql_error("begin", &e))?;
            if !write_state(&tx, expected, &state)? {
                return Ok(false);
            }
            if let Some(entry) = &entry {
                insert_entry(&tx, entry)?;
            }
            tx.commit().map_err(|e| sql_error("commit", &e))?;
            Ok(true)
        }))
    }

    fn record<'a>(&'a self, entry: &'a HistoryEntry) -> StoreFuture<'a, ()> {
        let entry = entry.clone();
        Box::pin(self.blocking(move |c| insert_entry(c, &entry)))
    }

    fn history<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Vec<HistoryEntry>> {
        let key = key.clone();
        Box::pin(self.blocking(move |c| {
            from_json_all(texts(
                c,
                "history",
                "SELECT entry FROM xportcn_tracker_history
                 WHERE platform = ?1 AND order_id = ?2 ORDER BY seq",
                params![key.platform.name(), key.order_id],
            )?)
        }))
    }

    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(self.blocking(move |c| {
            from_json_all(texts(
                c,
                "orders",
                "SELECT state FROM xportcn_tracker_state",
                [],
            )?)
        }))
    }

    fn due<'a>(&'a self, quiet_before_ms: u64, limit: usize) -> StoreFuture<'a, Vec<OrderState>> {
        let before = i64::try_from(quiet_before_ms).unwrap_or(i64::MAX);
        Box::pin(self.blocking(move |c| {
            from_json_all(texts(c, "due", DUE, params![before, sql_limit(limit)])?)
        }))
    }

    fn purge_final<'a>(&'a self, final_before_ms: u64, limit: usize) -> StoreFuture<'a, usize> {
        let before = i64::try_from(final_before_ms).unwrap_or(i64::MAX);
        Box::pin(self.blocking(move |c| {
            let tx = c.transaction().map_err(|e| sql_error("purge begin", &e))?;
            let keys: Vec<(String, String)> = {
                let mut stmt = tx
                    .prepare_cached(PAST_RETENTION)
                    .map_err(|e| sql_error("purge", &e))?;
                stmt.query_map(params![before, sql_limit(limit)], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(|e| sql_error("purge", &e))?
            };
            for (platform, order_id) in &keys {
                for table in ["xportcn_tracker_state", "xportcn_tracker_history"] {
                    tx.execute(
                        &format!("DELETE FROM {table} WHERE platform = ?1 AND order_id = ?2"),
                        params![platform, order_id],
                    )
                    .map_err(|e| sql_error("purge", &e))?;
                }
            }
            tx.commit().map_err(|e| sql_error("purge commit", &e))?;
            Ok(keys.len())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::PushOrderStatus as P;
    use crate::tracking::{Cause, ObservedAt, Outcome, Platform, Status, Tracker};

    #[tokio::test]
    async fn state_survives_a_reopen() {
        let (dir, path) = scratch("reopen");
        let key = OrderKey::new(Platform::Ali1688, "2542285634920880001");
        {
            let tracker = Tracker::new(Arc::new(SqliteTrackerStore::open(&path).unwrap()));
            let f = tracker
                .observe(
                    key.clone(),
                    Status::Push(P::WaitingForSent),
                    ObservedAt::polled(20),
                    Cause::Poll,
                )
                .await
                .unwrap();
            assert_eq!(f.outcome, Outcome::Applied);
            let f = tracker
                .observe(
                    key.clone(),
                    Status::Push(P::WaitingForPayment),
                    ObservedAt::platform(10),
                    Cause::Push {
                        dedup_key: "k".into(),
                        message_id: None,
                    },
                )
                .await
                .unwrap();
            assert_eq!(f.outcome, Outcome::Stale);
        }
        let store = SqliteTrackerStore::open(&path).unwrap();
        let state = store.get(&key).await.unwrap().unwrap();
        assert_eq!(state.status, Some(Status::Push(P::WaitingForSent)));
        assert_eq!(state.version, 1);
        assert_eq!(store.history(&key).await.unwrap().len(), 2);
        assert_eq!(store.orders().await.unwrap().len(), 1);
        // A stale version does not write.
        assert!(!store.commit(Some(0), &state, None).await.unwrap());
        assert!(!store.commit(None, &state, None).await.unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn scratch(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "xportcn-tracker-{name}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.sqlite3");
        (dir, path)
    }

    /// A state of order `id` at `status`, changed at `changed_ms`.
    fn state_of(id: u64, status: P, changed_ms: u64) -> OrderState {
        let mut s = OrderState::new(
            OrderKey::new(Platform::Ali1688, id.to_string()),
            changed_ms,
            Cause::Poll,
        );
        s.status = Some(Status::Push(status));
        s.version = 1;
        s
    }

    /// Writes `n` orders from `from` on, in one transaction: 90% final
    /// (long ago), 10% not final and just changed.
    fn fill(store: &SqliteTrackerStore, from: u64, n: u64, now: u64) {
        let mut conn = store.conn.lock().unwrap();
        let tx = conn.transaction().unwrap();
        for id in from..from + n {
            let s = if id % 10 == 0 {
                state_of(id, P::WaitingForSent, now)
            } else {
                state_of(id, P::Cancel, 1_000)
            };
            assert!(write_state(&tx, None, &s).unwrap());
        }
        tx.commit().unwrap();
    }

    /// Runs the due query; returns the rows and SQLite's own counters of
    /// the statement: (rows, full-scan steps, sorts, automatic indexes,
    /// virtual-machine steps).
    fn run_due(store: &SqliteTrackerStore, before: u64) -> (usize, i32, i32, i32, i32) {
        use rusqlite::StatementStatus as S;
        let conn = store.conn.lock().unwrap();
        let mut stmt = conn.prepare(DUE).unwrap();
        let rows = stmt
            .query_map(params![i64::try_from(before).unwrap(), 1000], |r| {
                r.get::<_, String>(0)
            })
            .unwrap()
            .count();
        (
            rows,
            stmt.get_status(S::FullscanStep),
            stmt.get_status(S::Sort),
            stmt.get_status(S::AutoIndex),
            stmt.get_status(S::VmStep),
        )
    }

    /// The due query reads only the rows it returns: no full-scan step, no
    /// sort, no automatic index, and the same work at 200 and at 20,200
    /// tracked orders (SQLite's statement counters, not a timing).
    #[tokio::test]
    async fn the_due_query_reads_only_the_rows_it_returns() {
        let (dir, path) = scratch("due");
        let store = SqliteTrackerStore::open(&path).unwrap();
        let now = 10_000_000;
        // 10 due orders (quiet since 5,000), then 200 tracked around them.
        {
            let mut conn = store.conn.lock().unwrap();
            let tx = conn.transaction().unwrap();
            for id in 0..10 {
                let s = state_of(1_000_000 + id, P::WaitingForSent, 5_000);
                assert!(write_state(&tx, None, &s).unwrap());
            }
            tx.commit().unwrap();
        }
        fill(&store, 0, 200, now);
        let small = run_due(&store, 6_000);
        assert_eq!(small.0, 10);
        assert_eq!((small.1, small.2, small.3), (0, 0, 0), "{small:?}");
        fill(&store, 200, 20_000, now);
        let large = run_due(&store, 6_000);
        assert_eq!(large, small, "the same rows and work at 100x the orders");
        // The store's own call agrees.
        assert_eq!(store.due(6_000, 1000).await.unwrap().len(), 10);
        assert_eq!(store.due(now, 5000).await.unwrap().len(), 10 + 2_020);
        // The plan: the re-sync index, in its order.
        let plan: Vec<String> = {
            let conn = store.conn.lock().unwrap();
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {DUE}")).unwrap();
            stmt.query_map(params![6_000, 1000], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(
            plan,
            ["SEARCH xportcn_tracker_state USING INDEX xportcn_tracker_state_quiet (quiet_ms<?)"]
        );
        // Past the retention: the final ones go, state and history.
        assert_eq!(store.purge_final(1_000, 50_000).await.unwrap(), 18_180);
        assert_eq!(store.orders().await.unwrap().len(), 2_030);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A file written before the index columns existed opens: its states
    /// are indexed, and read back with the new fields' defaults.
    #[tokio::test]
    async fn a_file_written_before_the_indexes_is_migrated() {
        let (dir, path) = scratch("migrate");
        let legacy = |s: &OrderState| {
            let mut v = serde_json::to_value(s).unwrap();
            let obj = v.as_object_mut().unwrap();
            for new_field in ["dated_by", "checked_ms", "conflict"] {
                assert!(obj.remove(new_field).is_some());
            }
            v.to_string()
        };
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE xportcn_tracker_state (
                     platform TEXT NOT NULL, order_id TEXT NOT NULL,
                     version INTEGER NOT NULL, state TEXT NOT NULL,
                     PRIMARY KEY (platform, order_id));
                 CREATE TABLE xportcn_tracker_history (
                     seq INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL,
                     order_id TEXT NOT NULL, entry TEXT NOT NULL);",
            )
            .unwrap();
            for s in [
                state_of(1, P::WaitingForSent, 5_000),
                state_of(2, P::Cancel, 7_000),
            ] {
                conn.execute(
                    "INSERT INTO xportcn_tracker_state VALUES ('1688', ?1, 1, ?2)",
                    params![s.key.order_id, legacy(&s)],
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO xportcn_tracker_state VALUES ('1688', '3', 1, 'not json')",
                [],
            )
            .unwrap();
        }
        let store = SqliteTrackerStore::open(&path).unwrap();
        let due = store.due(u64::MAX, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key.order_id, "1");
        assert_eq!(due[0].dated_by, crate::tracking::DateSource::Unknown);
        assert!(!due[0].conflict);
        // Opening again does not migrate twice.
        drop(store);
        let store = SqliteTrackerStore::open(&path).unwrap();
        assert_eq!(store.purge_final(6_999, 10).await.unwrap(), 0);
        assert_eq!(store.purge_final(7_000, 10).await.unwrap(), 1);
        assert!(
            store
                .get(&OrderKey::new(Platform::Ali1688, "3"))
                .await
                .is_err()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
