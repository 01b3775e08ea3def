//! The client core and what crosses every call: signing, the core's retries
//! and errors, the endpoint layer, faults, auth hints, secret hygiene,
//! tracing, the decoder's properties, recording and codegen, raw answers read
//! by pointer, and the probe of undocumented read paths.
//!
//! One test binary (link time matters on 2 cores); each file is a module
//! and keeps its name: `cargo test --test sdk faults::` runs one of them.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/raw_server.rs"]
mod raw_server;

mod auth_hints;
mod core;
mod doc_links;
mod endpoint_layer;
mod endpoints_doc;
mod faults;
mod go_live_tasks;
mod probe;
mod props;
mod raw_answers;
mod record_replay;
mod renames;
mod secret_hygiene;
mod share_safe;
mod signing;
mod stable_names;
mod tracing_span;
