//! A global allocator that counts the bytes allocated now and at the peak,
//! for the memory tests (`tests/memory/`). Included once, by
//! `tests/memory/main.rs`: it installs itself as the binary's global
//! allocator, so that binary holds nothing but the measurements.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

/// Bytes allocated now.
pub static CURRENT: AtomicUsize = AtomicUsize::new(0);
/// The most bytes allocated at once since it was last reset.
pub static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Held by each measuring test for its whole run: the counts are
/// process-wide, so two tests measuring at once would count each other.
/// A tokio lock, as the async tests hold it across `.await`
/// (`ALONE.lock().await`; the synchronous ones `ALONE.blocking_lock()`).
pub static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Starts a measurement: the peak is reset to what is allocated now, which
/// is returned (the base).
pub fn start() -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    base
}

/// The peak growth above `base` since [`start`].
pub fn growth(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed) - base
}
