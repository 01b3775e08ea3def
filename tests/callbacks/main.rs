//! The pushed messages and their verifier, without a receiver: fixtures,
//! the differential oracle, robustness properties, the accept/reject
//! matrix. Runs with the default features.
//!
//! One test binary (link time matters on 2 cores); each file is a module
//! and keeps its name: `cargo test --test callbacks verifier::` runs one of
//! them.

mod callbacks;
mod callbacks_oracle;
mod callbacks_props;
mod callbacks_robustness;
mod verifier;
