//! Every platform's endpoints end to end against a loopback mock: what each
//! call sends (method, path, signed headers, exact body or query) and how
//! its answer decodes.
//!
//! One test binary (link time matters on 2 cores); each file is a module
//! and keeps its name: `cargo test --test platforms taobao_order::` runs
//! one of them.

#[path = "../common/mod.rs"]
mod common;

mod aftersale;
mod ali1688;
mod ali1688_cart;
mod ali1688_order;
mod ali1688_refund;
mod basics_logistics;
mod client_evidence;
mod fluent_calls;
mod intl_bigmajor_poizon;
mod taobao;
mod taobao_cart;
mod taobao_flow;
mod taobao_order;
mod taobao_product;
