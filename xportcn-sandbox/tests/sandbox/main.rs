//! The sandbox: authentication, every endpoint, the order and push flows,
//! the shapes it answers with. One test binary (link time matters on 2
//! cores); the tests that read the sandbox's WARN log are in `tests/logs/`.

#[path = "../common/mod.rs"]
mod common;

mod sandbox;
mod sandbox_flows;
mod sandbox_shapes;
