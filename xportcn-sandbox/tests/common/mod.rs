//! Helpers shared by the sandbox's integration tests (a copy of the few the
//! SDK's `tests/common` has that these tests use).
#![allow(dead_code)]

/// Asserts that `err` is a platform error with envelope code `code`.
pub fn assert_api_code(err: &xportcn::Error, code: i64) {
    assert!(
        matches!(err, xportcn::Error::Api(e) if e.code == code),
        "expected platform error {code}, got {err}"
    );
}

/// The receiver of the docs' Taobao render and create examples (doc-vnm).
pub fn taobao_receiver() -> xportcn::taobao::PurchaseReceiver {
    xportcn::taobao::PurchaseReceiver::builder()
        .zip("311121")
        .country("中国")
        .address("智溢路西部科技园")
        .city("杭州市")
        .phone("15068763421")
        .mobile_phone("15068763421")
        .district("余杭区")
        .name("simon")
        .state("浙江省")
        .build()
}

/// A log sink for a test: what a `tracing` subscriber wrote, as text.
#[derive(Clone, Default)]
pub struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuf {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures this thread's `tracing` output up to `level` (plain text) until
/// the guard drops. With a current-thread runtime, tasks it spawns log here
/// too.
pub fn capture_logs(level: tracing::Level) -> (LogBuf, tracing::subscriber::DefaultGuard) {
    let buf = LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (buf, tracing::subscriber::set_default(subscriber))
}
