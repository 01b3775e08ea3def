//! `open_durable`: the one way the SQLite backends (inbox, tracker) open a
//! file for writes that survive a crash.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

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

/// A [`StoreError`] for a failed SQLite call.
pub(crate) fn sql_error(what: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(format!("sqlite {what} failed: {e}"))
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
