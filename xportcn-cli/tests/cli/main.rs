//! The `xportcn` binary, run as a user runs it: its commands, the inbox
//! commands, and the short push chaos run (`chaos.rs`, the harness shared
//! with `scripts/chaos-pushes` in `tests/chaos/harness.rs`). One test
//! binary (link time matters on 2 cores).

mod chaos;
mod cli;
mod cli_check;
mod cli_inbox;
mod go_live_tools;
