//! Arbitrary JSON (and recordings with arbitrary endpoint, method, path and
//! sample name) through `codegen::generate_from_json`.
//!
//! Modes (first byte): the rest as the JSON text, with the sample's name
//! taken from the input's first line; or a recorded exchange whose
//! endpoint, method and path are cut from the input and whose answer is
//! the rest (as JSON when it parses, else as a string).
//!
//! Invariants: no panic; a generated source carries no control character
//! but `\n`, no line or paragraph separator, no Unicode format character
//! (bidi, zero-width, BOM), anywhere (string literals and doc comments
//! escape them); every line is a comment, a `use`, `#[model]` (or its
//! `rename`), a struct's first line, a field or a closing brace, with one
//! `#[model]` per struct.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// Never raw in generated source (an oracle independent of the crate's).
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

fn ident(s: &str) -> bool {
    let s = s.strip_prefix("r#").unwrap_or(s);
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check(source: &str) {
    if let Some(c) = source.chars().find(|c| forbidden(*c)) {
        panic!("{:?} raw in the generated source:\n{source}", c);
    }
    let mut models = 0;
    let mut structs = 0;
    for line in source.lines() {
        let t = line.trim_start();
        let ok = t.is_empty()
            || t.starts_with("//")
            || (t.starts_with("use xportcn::") && t.ends_with(';'))
            || t == "}"
            || if t == "#[model]" {
                models += 1;
                true
            } else if let Some(lit) = t
                .strip_prefix("#[model(rename = \"")
                .and_then(|r| r.strip_suffix("\")]"))
            {
                // One literal: every `"` inside is escaped.
                let mut esc = false;
                lit.chars().all(|c| {
                    let ok = esc || c != '"';
                    esc = !esc && c == '\\';
                    ok
                }) && !esc
            } else if let Some(name) = t
                .strip_prefix("pub struct ")
                .and_then(|r| r.strip_suffix(" {"))
            {
                structs += 1;
                ident(name)
            } else if let Some((name, ty)) = t
                .strip_prefix("pub ")
                .and_then(|r| r.strip_suffix(','))
                .and_then(|r| r.split_once(": "))
            {
                ident(name)
                    && ty
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '<' || c == '>')
            } else {
                false
            };
        assert!(ok, "unexpected line {line:?} in:\n{source}");
    }
    assert_eq!(models, structs, "{source}");
    assert!(structs >= 1, "{source}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let result = if mode % 2 == 0 {
        let (source, json) = text.split_once('\n').unwrap_or(("`sample`", &text));
        xportcn::codegen::generate_from_json("Fuzzed", json, source)
    } else {
        // endpoint \n method \n path \n source \n answer
        let mut parts = text.splitn(5, '\n');
        let endpoint = parts.next().unwrap_or_default();
        let method = parts.next().unwrap_or_default();
        let path = parts.next().unwrap_or_default();
        let source = parts.next().unwrap_or_default();
        let answer = parts.next().unwrap_or_default();
        let response: Value = serde_json::from_str(answer)
            .unwrap_or_else(|_| json!({"code": 200, "msg": "ok", "data": {answer: answer}}));
        let exchange = json!({
            "format": xportcn::record::FORMAT,
            "endpoint": endpoint,
            "method": method,
            "path": path,
            "status": 200,
            "response": response,
        });
        xportcn::codegen::generate_from_json("Fuzzed", &exchange.to_string(), source)
    };
    match result {
        Ok(source) => check(&source),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
