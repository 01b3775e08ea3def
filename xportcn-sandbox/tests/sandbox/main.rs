//! The sandbox: authentication, every endpoint, the order and push flows,
//! the shapes it answers with. One test binary (link time matters on 2
//! cores); `sandbox_shape_log.rs` stays alone in its own, as it reads the
//! once-per-endpoint WARN log.

#[path = "../common/mod.rs"]
mod common;

mod sandbox;
mod sandbox_flows;
mod sandbox_shapes;
