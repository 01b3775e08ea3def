//! JSON text re-indented as it is read, without building a tree: the
//! command-line tool prints an answer of any size at about its own size in
//! memory (a `serde_json::Value` of small objects costs up to 84x the text).

use std::io::{self, Write};

/// Writes `json` (valid JSON text) to `out` indented like
/// `serde_json::to_string_pretty` (two spaces, `"key": value`, `[]` and
/// `{}` for empty containers), keeping every token as it is: numbers keep
/// their digits and keys their order. Whitespace outside strings is
/// replaced; nothing else is changed or checked.
pub(crate) fn write_pretty(json: &str, out: &mut impl Write) -> io::Result<()> {
    let bytes = json.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Start of the run of bytes not yet written (copied in slices).
    let newline = |out: &mut dyn Write, depth: usize| -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // A string, escapes included, copied whole.
                let start = i;
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                out.write_all(&bytes[start..i.min(bytes.len())])?;
                continue;
            }
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let next = bytes[i + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| i + 1 + p);
                if next.is_some_and(|n| bytes[n] == close) {
                    out.write_all(&[open, close])?;
                    i = next.map_or(bytes.len(), |n| n + 1);
                    continue;
                }
                out.write_all(&[open])?;
                depth += 1;
                newline(out, depth)?;
            }
            close @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(out, depth)?;
                out.write_all(&[close])?;
            }
            b',' => {
                out.write_all(b",")?;
                newline(out, depth)?;
            }
            b':' => out.write_all(b": ")?,
            b if b.is_ascii_whitespace() => {}
            _ => {
                // A number or a literal: copied up to the next delimiter.
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b']' | b'}' | b':' | b'"')
                    && !bytes[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                out.write_all(&bytes[start..i])?;
                continue;
            }
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(json: &str) -> String {
        let mut out = Vec::new();
        write_pretty(json, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_serde_json_pretty_and_keeps_tokens() {
        for json in [
            r#"{"b":1,"a":[1,2,{"x":null}],"e":{},"f":[],"s":"a,b:{c}\"[]"}"#,
            r#"[ {"id" : 1 , "v":"ab", "f":true} , { } , [ ] ]"#,
            r#""just a string""#,
            "12",
            "null",
            r#"{"k":[[],[[]],{"a":{"b":-1.5e3}}]}"#,
            r#"["\\", "\u00e9\n", "é"]"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            // Keys sorted, as serde_json's map sorts them, for the comparison.
            let sorted = serde_json::to_string(&value).unwrap();
            assert_eq!(
                pretty(&sorted),
                serde_json::to_string_pretty(&value).unwrap(),
                "{json}"
            );
            let ours = pretty(json);
            let back: serde_json::Value = serde_json::from_str(&ours).unwrap();
            assert_eq!(back, value, "{json}");
        }
        // Digits beyond f64 and the server's key order are kept.
        assert_eq!(
            pretty(r#"{"z":123456789012345678901234,"a":1.0}"#),
            "{\n  \"z\": 123456789012345678901234,\n  \"a\": 1.0\n}"
        );
    }
}
