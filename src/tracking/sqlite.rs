//! [`SqliteTrackerStore`]: the tracker's state in a SQLite file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

use super::status::OrderKey;
use super::store::{HistoryEntry, OrderState, TrackerStore, from_json, from_json_all, to_json};
use crate::callbacks::inbox::Synchronous;
use crate::callbacks::{StoreError, StoreFuture};

fn sql_error(what: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(format!("sqlite tracker {what} failed: {e}"))
}

/// The tracker's state in one SQLite file (bundled SQLite, write-ahead log,
/// `synchronous=FULL`): the inbox's file
/// ([`SqliteInbox`](crate::callbacks::SqliteInbox)) or its own. Tables
/// `xportcn_tracker_state` and `xportcn_tracker_history`. Survives a
/// restart; several processes on one machine may share the file.
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

impl SqliteTrackerStore {
    /// Opens (or creates) the store in the SQLite file at `path`. Blocks
    /// while it opens the file: call it at start-up.
    ///
    /// # Errors
    /// A [`StoreError`] when the file cannot be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let conn = crate::callbacks::inbox::open_durable(&path, Synchronous::Full)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS xportcn_tracker_state (
                 platform TEXT    NOT NULL,
                 order_id TEXT    NOT NULL,
                 version  INTEGER NOT NULL,
                 state    TEXT    NOT NULL,
                 PRIMARY KEY (platform, order_id)
             );
             CREATE TABLE IF NOT EXISTS xportcn_tracker_history (
                 seq      INTEGER PRIMARY KEY AUTOINCREMENT,
                 platform TEXT    NOT NULL,
                 order_id TEXT    NOT NULL,
                 entry    TEXT    NOT NULL
             );
             CREATE INDEX IF NOT EXISTS xportcn_tracker_history_order
                 ON xportcn_tracker_history (platform, order_id, seq);",
        )
        .map_err(|e| sql_error("schema", &e))?;
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

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn insert_entry(conn: &Connection, entry: &HistoryEntry) -> Result<(), StoreError> {
    let json = to_json(entry)?;
    conn.execute(
        "INSERT INTO xportcn_tracker_history (platform, order_id, entry) VALUES (?1, ?2, ?3)",
        params![entry.key.platform.as_str(), entry.key.order_id, json],
    )
    .map_err(|e| sql_error("history insert", &e))?;
    Ok(())
}

impl TrackerStore for SqliteTrackerStore {
    fn get<'a>(&'a self, key: &'a OrderKey) -> StoreFuture<'a, Option<OrderState>> {
        let key = key.clone();
        Box::pin(self.blocking(move |c| {
            let text: Option<String> = c
                .query_row(
                    "SELECT state FROM xportcn_tracker_state WHERE platform = ?1 AND order_id = ?2",
                    params![key.platform.as_str(), key.order_id],
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
            let json = to_json(&state)?;
            let tx = c.transaction().map_err(|e| sql_error("begin", &e))?;
            let platform = state.key.platform.as_str();
            let written = match expected {
                None => tx.execute(
                    "INSERT INTO xportcn_tracker_state (platform, order_id, version, state)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![platform, state.key.order_id, version(state.version), json],
                ),
                Some(v) => tx.execute(
                    "UPDATE xportcn_tracker_state SET version = ?3, state = ?4
                     WHERE platform = ?1 AND order_id = ?2 AND version = ?5",
                    params![
                        platform,
                        state.key.order_id,
                        version(state.version),
                        json,
                        version(v)
                    ],
                ),
            }
            .map_err(|e| sql_error("state write", &e))?;
            if written == 0 {
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
            let mut stmt = c
                .prepare_cached(
                    "SELECT entry FROM xportcn_tracker_history
                     WHERE platform = ?1 AND order_id = ?2 ORDER BY seq",
                )
                .map_err(|e| sql_error("history", &e))?;
            let rows = stmt
                .query_map(params![key.platform.as_str(), key.order_id], |r| {
                    r.get::<_, String>(0)
                })
                .map_err(|e| sql_error("history", &e))?;
            let texts = rows
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql_error("history", &e))?;
            from_json_all(texts)
        }))
    }

    fn orders<'a>(&'a self) -> StoreFuture<'a, Vec<OrderState>> {
        Box::pin(self.blocking(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT state FROM xportcn_tracker_state")
                .map_err(|e| sql_error("orders", &e))?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(|e| sql_error("orders", &e))?;
            let texts = rows
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| sql_error("orders", &e))?;
            from_json_all(texts)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callbacks::OrderStatus as P;
    use crate::tracking::{Cause, Outcome, Platform, Status, Tracker};

    #[tokio::test]
    async fn state_survives_a_reopen() {
        let dir = std::env::temp_dir().join(format!(
            "xportcn-tracker-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.sqlite3");
        let key = OrderKey::new(Platform::Ali1688, "2542285634920880001");
        {
            let tracker = Tracker::new(Arc::new(SqliteTrackerStore::open(&path).unwrap()));
            let f = tracker
                .observe(
                    key.clone(),
                    Status::Push(P::WaitingForSent),
                    20,
                    Cause::Poll,
                )
                .await
                .unwrap();
            assert_eq!(f.outcome, Outcome::Applied);
            let f = tracker
                .observe(
                    key.clone(),
                    Status::Push(P::WaitingForPayment),
                    10,
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
}
