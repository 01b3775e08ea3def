//! Arbitrary bytes as a pushed callback body through `Message::from_slice`.
//!
//! Invariants: no panic; a failure is a `CallbackError` whose `Display` and
//! `Debug` work; a parsed message reports its platform.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xportcn::callbacks::Message;

fuzz_target!(|data: &[u8]| {
    let parsed = Message::from_slice(data);
    let ok = parsed.is_ok();
    match parsed {
        Ok(msg) => {
            let _ = msg.platform();
            let _ = format!("{msg:?}");
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = format!("{e:?}");
        }
    }
    // The `&str` entry point must agree with the byte one.
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(Message::from_json(text).is_ok(), ok);
    }
});
