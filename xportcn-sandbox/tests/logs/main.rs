//! The sandbox's WARN log, read through thread-local subscribers: the
//! invented shapes and the stand-in paths, each logged once per endpoint per
//! sandbox. Kept apart from `tests/sandbox/` so that only tests which read
//! the log share this binary.

#[path = "../common/mod.rs"]
mod common;

mod sandbox_shape_log;
mod sandbox_stand_ins;
