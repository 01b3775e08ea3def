//! The push receiver and what stands behind it (feature `axum`, declared as
//! this binary's `required-features`): the receiver and its inbox backends,
//! `serve` under stalled clients, operating the inbox, the Redis inbox and
//! replay store (feature `redis` too), order tracking.
//!
//! One test binary (link time matters on 2 cores); each file is a module
//! and keeps its name: `cargo test --all-features --test inbox receiver::`
//! runs one of them.

// Shared by several modules below, so declared once here.
#[path = "../support/inbox_contract.rs"]
mod inbox_contract;
#[path = "../support/inbox_model.rs"]
mod inbox_model;
#[cfg(feature = "redis")]
#[path = "../support/redis_server.rs"]
mod redis_server;

mod inbox_ops;
mod order_tracking;
mod receiver;
mod redis_store;
mod serve;
