//! Requests into the embedded sandbox, without a socket: its request
//! parsing (method, path, query string, JSON body), signature check and
//! handlers (`xportcn_sandbox::fuzz_request`).
//!
//! Modes (first byte):
//! * arbitrary headers `name:value` up to a blank line, then a request
//!   target line, then the body;
//! * a correctly signed request (timestamp offset and nonce from the input)
//!   on a registered endpoint's path with an arbitrary query and body, which
//!   reaches the order, refund and cart handlers;
//! * a re-split replay: a signed request sent twice, the second time with
//!   the millisecond digits of its timestamp moved into its nonce.
//!
//! Invariants: no panic; an unsigned or wrongly signed request never gets
//! the success code; a re-split replay is never answered with success; the
//! secret never shows.
#![no_main]

#[path = "fuzz_headers.rs"]
mod fuzz_headers;

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use xportcn::Credentials;
use xportcn::endpoint::{Generation, Method};
use xportcn::signing::sign;
use xportcn_sandbox::{FUZZ_NOW_MS as SANDBOX_FUZZ_NOW_MS, fuzz_request as sandbox_request};

const KEY: &str = "58c0201dfdf148eca63cbf6bb5e7cf03";
const SECRET: &str = "fuzz-SECRET-sandbox-9Z";
const USER: &str = "2100007341207";
const SUCCESS: i64 = 200;

fn creds() -> Credentials {
    Credentials::new(KEY, SECRET, USER)
}

fn signed_headers(timestamp: &str, nonce: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    let signature = sign(KEY, timestamp, nonce, SECRET);
    for (k, v) in [
        ("access-key", KEY),
        ("timestamp", timestamp),
        ("nonce-str", nonce),
        ("user-id", USER),
        ("signature", signature.as_str()),
    ] {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    }
    h
}

/// The method and a path of a registered endpoint (a known path or its
/// stand-in), chosen by `pick`.
fn path(pick: u8) -> (&'static [u8], String) {
    let all = xportcn::endpoint::all();
    let spec = &all[usize::from(pick) % all.len()];
    let method: &[u8] = match spec.method {
        Method::Get => b"GET",
        _ => b"POST",
    };
    let known = spec.path(Generation::V1).or(spec.path(Generation::V2));
    let path = match known {
        Some(p) if pick.is_multiple_of(2) => p.replace("{refundId}", "110002685755"),
        _ => format!("{}{}", xportcn_sandbox::STAND_IN_PREFIX, spec.id),
    };
    (method, path)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let creds = creds();
    match mode % 3 {
        0 => {
            let (headers, tail) = fuzz_headers::split_headers(rest);
            let line_end = tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len());
            let target = String::from_utf8_lossy(&tail[..line_end]).into_owned();
            let body = tail.get(line_end + 1..).unwrap_or_default();
            let target = if target.starts_with('/') {
                target
            } else {
                format!("/{target}")
            };
            // No success invariant here: libFuzzer's comparison tracing can
            // learn a signature the sandbox compares against.
            for method in [&b"GET"[..], b"POST"] {
                let _ = sandbox_request(&creds, method, &target, &headers, body);
            }
        }
        1 => {
            let Some((&pick, rest)) = rest.split_first() else {
                return;
            };
            let Some((&offset, rest)) = rest.split_first() else {
                return;
            };
            let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let query = String::from_utf8_lossy(&rest[..split]);
            let body = rest.get(split + 1..).unwrap_or_default();
            let ts = (SANDBOX_FUZZ_NOW_MS + u64::from(offset) * 1000).to_string();
            let nonce = format!(
                "{:032x}",
                u128::from(mode) << 64 | u128::from(pick) << 8 | rest.len() as u128
            );
            let headers = signed_headers(&ts, &format!("{nonce}{}", body.len()));
            let (method, mut target) = path(pick);
            if !query.is_empty() {
                target = format!("{target}?{query}");
            }
            let _ = sandbox_request(&creds, method, &target, &headers, body);
        }
        _ => {
            // The same unique nonce never comes twice from the fuzzer's other
            // modes: derived from a counter.
            static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let nonce = format!("replay{n:020}{}", rest.len());
            let ts = SANDBOX_FUZZ_NOW_MS.to_string();
            let headers = signed_headers(&ts, &nonce);
            // The endpoint's own method, so that the first request passes the
            // route and the signature check and uses its nonce.
            let (method, target) = path(rest.first().copied().unwrap_or(0));
            let _ = sandbox_request(&creds, method, &target, &headers, rest);
            let (secs, millis) = ts.split_at(10);
            let again = signed_headers(secs, &format!("{millis}{nonce}"));
            assert_eq!(again["signature"], headers["signature"]);
            if let Some((_, code)) = sandbox_request(&creds, method, &target, &again, rest) {
                assert_ne!(code, Some(SUCCESS), "a re-split replay succeeded");
            }
        }
    }
});
