//! Peak memory as a multiple of the body, measured with a counting global
//! allocator: its own binary, so that no other test allocates while one
//! measures; its tests take turns (`counting_alloc::ALONE`).

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/counting_alloc.rs"]
mod counting_alloc;
#[path = "../common/raw_server.rs"]
mod raw_server;

mod decode_memory;
mod page_memory;
