//! Headers from fuzz bytes, shared by the targets that take them
//! (`#[path = "fuzz_headers.rs"] mod fuzz_headers;`); not a target itself.

use http::{HeaderMap, HeaderName, HeaderValue};

/// Lines `name:value` up to a blank line (`\n\n`) become headers (lines that
/// are not a valid header are skipped); the rest, after the blank line, is
/// returned as it is.
pub fn split_headers(input: &[u8]) -> (HeaderMap, &[u8]) {
    let split = input
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(input.len());
    let (head, rest) = input.split_at(split);
    let mut headers = HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(&line[colon + 1..]),
        ) {
            headers.append(n, v);
        }
    }
    (headers, rest.get(2..).unwrap_or_default())
}
