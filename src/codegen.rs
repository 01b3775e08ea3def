//! Model generation: a [`model`](macro@crate::model::model) declaration
//! from a JSON answer. `xportcn model --name NAME FILE` prints it.
//!
//! The platform shows no response schema for about half its endpoints. A
//! recorded answer ([`record`](mod@crate::record)) or any saved JSON answer is
//! turned into Rust source that compiles as a file of your crate, with
//! `xportcn` as its only dependency, and decodes that answer with nothing
//! left in `extra`:
//!
//! - one `#[model]` struct per object, nested objects and list items as
//!   their own structs (the shapes of all a list's items merged);
//! - every field an `Option` (or a `Vec` for a list): a sample shows what
//!   the platform sent once, not what it always sends;
//! - [`Id`](crate::types::Id) for ids (keys ending in `Id`, `ID`, `_id`,
//!   `Ids`, or `id` itself) and for any integer beyond 2^53, so 19-digit
//!   values never lose a digit; [`Decimal`](crate::types::Decimal) for
//!   numbers with a fraction (exact text); `i64`, `bool`, `String`
//!   otherwise; a string with numbers mixed in stays `String` (read
//!   leniently); a field seen only as `null`, or with mixed objects and
//!   values, is [`JsonValue`](crate::model::JsonValue);
//! - Rust field names in snake_case from the wire names, as every model of
//!   the SDK has them, with `#[model(rename = "..")]` where the camelCase
//!   rule would not give the wire name back (snake_case keys, `ID`,
//!   keywords, keys that are not identifiers);
//! - rustdoc naming the sample each struct came from.
//!
//! ```
//! let source = xportcn::codegen::generate_from_json(
//!     "Thing",
//!     r#"{"code":200,"msg":"ok","data":{"thingId":1234567890123456789,"price":6.15,"tags":["a"]}}"#,
//!     "`thing.json`",
//! )?;
//! assert!(source.contains("pub thing_id: Option<Id>,"));
//! assert!(source.contains("pub price: Option<Decimal>,"));
//! assert!(source.contains("pub tags: Vec<String>,"));
//! # Ok::<(), xportcn::codegen::GenerateError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::record::{self, Exchange};

/// Why no model could be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
#[non_exhaustive]
pub struct GenerateError(pub String);

/// Beyond this an integer does not survive an `f64` (JavaScript's
/// `Number.MAX_SAFE_INTEGER` + 1): typed [`Id`](crate::types::Id).
const SAFE_INTEGER: u64 = 1 << 53;

/// Deepest nesting generated (a bound against hostile input).
const MAX_DEPTH: usize = 48;

/// Most distinct fields generated from one sample, over all its structs (a
/// bound against hostile input: a million keys would make 75 MB of
/// source). The largest documented answers have a few hundred.
pub const MAX_FIELDS: usize = 10_000;

/// Generates the model declaration of a JSON text: a recorded exchange
/// ([`Exchange`]), the platform's envelope (`{code, msg, data}`: `data` is
/// typed), or a bare value. `source` names the sample in the rustdoc (a
/// file name, say); for an exchange, its endpoint, method, path and status
/// are added.
///
/// # Errors
/// [`GenerateError`] when the text is not JSON, `name` is not a Rust type
/// name, or the answer holds nothing to type (`null`, a plain value, an
/// error envelope without `data`).
pub fn generate_from_json(name: &str, text: &str, source: &str) -> Result<String, GenerateError> {
    // The sample's name (a file name, chosen by whoever named the file) is
    // data: escaped before it is written anywhere.
    let source = &doc_escape(source);
    let value: Value = serde_json::from_str(text)
        .map_err(|e| GenerateError(format!("{source} is not JSON: {e}")))?;
    if value.get("format").and_then(Value::as_str) == Some(record::FORMAT) {
        let ex = Exchange::from_json(text).map_err(GenerateError)?;
        // The recording's endpoint, method and path are data too: written
        // escaped (a line break in them would end the doc comment).
        let described = format!(
            "{source} ({}{} {}, HTTP {}, recorded)",
            ex.endpoint
                .as_deref()
                .map(|id| format!("{}, ", doc_escape(id)))
                .unwrap_or_default(),
            doc_escape(&ex.method),
            doc_escape(&ex.path),
            ex.status
        );
        let data = ex.data().ok_or_else(|| {
            GenerateError(format!(
                "{source}: the recorded answer is not JSON (HTTP {})",
                ex.status
            ))
        })?;
        return generate_escaped(name, data, &described);
    }
    let data = record::envelope_data(&value).unwrap_or(&value);
    generate_escaped(name, data, source)
}

/// Generates the model declaration of one answer's `data` (an object, or a
/// list of objects), named `name`. See the [module docs](self).
///
/// # Errors
/// [`GenerateError`] when `name` is not a Rust type name, `data` is not
/// an object or a list of objects, or it has more than [`MAX_FIELDS`]
/// distinct fields.
pub fn generate(name: &str, data: &Value, source: &str) -> Result<String, GenerateError> {
    generate_escaped(name, data, &doc_escape(source))
}

/// [`generate`] with `source` already escaped ([`doc_escape`]).
fn generate_escaped(name: &str, data: &Value, source: &str) -> Result<String, GenerateError> {
    if !is_type_name(name) {
        return Err(GenerateError(format!(
            "{} is not a Rust type name: use letters, digits and `_`, starting with a capital letter",
            string_literal(name)
        )));
    }
    let mut root = Shape::default();
    let mut fields_left = MAX_FIELDS + 1;
    root.add(data, 0, &mut fields_left);
    if fields_left == 0 {
        return Err(GenerateError(format!(
            "{source}: more than {MAX_FIELDS} distinct fields: not one answer's shape \
             (generate from a smaller sample)"
        )));
    }
    let (obj, is_list, path) = match (&root.object, &root.array) {
        (Some(o), None) if root.only_objects() => (o, false, "data".to_owned()),
        (None, Some(elem)) if root.only_arrays() => match &elem.object {
            Some(o) if elem.only_objects() => (o, true, "data[]".to_owned()),
            _ => {
                return Err(GenerateError(format!(
                    "{source}: the answer is a list of {}, not of objects: declare \
                     `response = Vec<..>` of that type, no model needed",
                    elem.kinds()
                )));
            }
        },
        _ => {
            return Err(GenerateError(format!(
                "{source}: the answer is {}, not an object: nothing to type",
                root.kinds()
            )));
        }
    };
    let mut g = Generator::default();
    g.taken.insert(name.to_owned());
    g.emit(name, obj, &path, source, true);
    let mut out = String::new();
    out.push_str("// Generated by `xportcn model`: one sample's shape. Every field is optional,\n");
    out.push_str("// as the sample shows what the platform sent once, not what it always sends.\n");
    if is_list {
        let _ = writeln!(
            out,
            "// The answer is a list: declare the endpoint's `response = Vec<{name}>`."
        );
    }
    out.push('\n');
    if g.used.contains("JsonValue") {
        out.push_str("use xportcn::model::{JsonValue, model};\n");
    } else {
        out.push_str("use xportcn::model::model;\n");
    }
    let uses: Vec<&str> = ["Decimal", "Id"]
        .into_iter()
        .filter(|t| g.used.contains(*t))
        .collect();
    match uses.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "use xportcn::types::{one};");
        }
        many => {
            let _ = writeln!(out, "use xportcn::types::{{{}}};", many.join(", "));
        }
    }
    for s in &g.structs {
        out.push('\n');
        out.push_str(s);
    }
    Ok(out)
}

/// Everything seen at one place of the sample (all list items merged).
#[derive(Debug, Default)]
struct Shape {
    null: bool,
    boolean: bool,
    int: bool,
    /// An integer beyond 2^53 (or beyond `i64`).
    big: bool,
    float: bool,
    /// A non-empty string of ASCII digits.
    digits: bool,
    /// Any other non-empty string.
    text: bool,
    /// The empty string (read as `None` by every lenient type).
    empty: bool,
    object: Option<BTreeMap<String, Shape>>,
    array: Option<Box<Shape>>,
    /// Items seen in lists here.
    items: usize,
}

impl Shape {
    /// Adds what `v` shows, creating at most `fields_left` new fields (a
    /// count shared by the whole sample: 0 when it ran out).
    fn add(&mut self, v: &Value, depth: usize, fields_left: &mut usize) {
        if depth > MAX_DEPTH {
            // Too deep to type: kept raw.
            self.text = true;
            self.object.get_or_insert_with(Default::default);
            return;
        }
        match v {
            Value::Null => self.null = true,
            Value::Bool(_) => self.boolean = true,
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) if i.unsigned_abs() < SAFE_INTEGER => self.int = true,
                (Some(_), _) | (None, Some(_)) => self.big = true,
                _ => self.float = true,
            },
            Value::String(s) if s.is_empty() => self.empty = true,
            Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) => self.digits = true,
            Value::String(_) => self.text = true,
            Value::Object(map) => {
                let fields = self.object.get_or_insert_with(Default::default);
                for (k, v) in map {
                    if !fields.contains_key(k) {
                        if *fields_left == 0 {
                            return;
                        }
                        *fields_left -= 1;
                    }
                    fields
                        .entry(k.clone())
                        .or_default()
                        .add(v, depth + 1, fields_left);
                }
            }
            Value::Array(items) => {
                let elem = self.array.get_or_insert_with(Default::default);
                elem.items += items.len();
                for v in items {
                    elem.add(v, depth + 1, fields_left);
                }
            }
        }
    }

    fn scalar(&self) -> bool {
        self.boolean || self.int || self.big || self.float || self.digits || self.text
    }

    fn only_objects(&self) -> bool {
        self.object.is_some() && self.array.is_none() && !self.scalar()
    }

    fn only_arrays(&self) -> bool {
        self.array.is_some() && self.object.is_none() && !self.scalar()
    }

    /// The JSON kinds seen, for the rustdoc.
    fn kinds(&self) -> String {
        let list = match &self.array {
            Some(a) if a.items == 0 => Some("an empty list"),
            Some(_) => Some("a list"),
            None => None,
        };
        let k: Vec<&str> = [
            (self.object.is_some(), "an object"),
            (list.is_some(), list.unwrap_or_default()),
            (self.big, "an integer beyond 2^53"),
            (self.int, "an integer"),
            (self.float, "a decimal number"),
            (self.digits, "a string of digits"),
            (self.text, "a string"),
            (self.empty, "an empty string"),
            (self.boolean, "a boolean"),
            (self.null, "null"),
        ]
        .into_iter()
        .filter_map(|(seen, kind)| seen.then_some(kind))
        .collect();
        match k.as_slice() {
            [] => "nothing".to_owned(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// What a field holds.
enum Kind {
    Type(&'static str),
    Struct(String),
}

#[derive(Default)]
struct Generator {
    /// The structs, in the order written (the root first).
    structs: Vec<String>,
    /// Type names given out (and the root's).
    taken: BTreeSet<String>,
    /// Types the fields use, for the `use` lines.
    used: BTreeSet<&'static str>,
}

/// Names the generated file uses or that a reader would confuse.
const RESERVED_TYPES: &[&str] = &[
    "Id",
    "Decimal",
    "JsonValue",
    "Option",
    "Vec",
    "String",
    "Box",
    "Result",
    "Extra",
    "Fen",
    "Yuan",
    "Timestamp",
    "Default",
    "Self",
    "Some",
    "None",
    "Ok",
    "Err",
];

impl Generator {
    /// Writes the struct of `fields` named `name` (and, first, nothing: the
    /// nested structs follow it).
    fn emit(
        &mut self,
        name: &str,
        fields: &BTreeMap<String, Shape>,
        path: &str,
        source: &str,
        root: bool,
    ) {
        let index = self.structs.len();
        self.structs.push(String::new());
        let mut s = String::new();
        if root {
            let _ = writeln!(s, "/// Generated by `xportcn model` from {source}.");
        } else {
            let _ = writeln!(s, "/// `{path}` of {source}.");
        }
        s.push_str("#[model]\npub struct ");
        s.push_str(name);
        s.push_str(" {\n");
        let mut idents = BTreeSet::new();
        for (wire, shape) in fields {
            let ident = unique_ident(&field_ident(wire), &mut idents);
            let child_path = format!("{path}.{}", doc_text(wire));
            let ty = self.field_type(name, wire, shape, &child_path, source);
            let _ = writeln!(
                s,
                "    /// `{}`: {} in the sample.",
                doc_text(wire),
                shape.kinds()
            );
            if wire_of(&ident) != *wire {
                let _ = writeln!(s, "    #[model(rename = {})]", string_literal(wire));
            }
            let _ = writeln!(s, "    pub {ident}: {ty},");
        }
        s.push_str("}\n");
        self.structs[index] = s;
    }

    /// The Rust type of a field (`Option<T>` or `Vec<T>`), writing the
    /// structs it needs.
    fn field_type(
        &mut self,
        parent: &str,
        wire: &str,
        shape: &Shape,
        path: &str,
        source: &str,
    ) -> String {
        if shape.only_arrays() {
            let elem = shape.array.as_deref().map_or(&EMPTY, |e| e);
            if elem.array.is_some() {
                self.used.insert("JsonValue");
                return "Vec<JsonValue>".to_owned();
            }
            let item_path = format!("{path}[]");
            return match self.kind(parent, &singular(wire), wire, elem, &item_path, source) {
                Kind::Type(t) => format!("Vec<{t}>"),
                Kind::Struct(n) => format!("Vec<{n}>"),
            };
        }
        match self.kind(parent, wire, wire, shape, path, source) {
            Kind::Type(t) => format!("Option<{t}>"),
            Kind::Struct(n) => format!("Option<{n}>"),
        }
    }

    /// The type of one value place: a scalar type, or a struct written for
    /// it (named after `name_key`).
    fn kind(
        &mut self,
        parent: &str,
        name_key: &str,
        wire: &str,
        shape: &Shape,
        path: &str,
        source: &str,
    ) -> Kind {
        if let Some(fields) = shape.object.as_ref().filter(|_| shape.only_objects()) {
            let name = self.struct_name(parent, name_key);
            self.emit(&name, fields, path, source, false);
            return Kind::Struct(name);
        }
        let t = scalar_type(wire, shape);
        self.used.insert(t);
        Kind::Type(t)
    }

    /// A type name for the struct under `key`, unique in the file.
    fn struct_name(&mut self, parent: &str, key: &str) -> String {
        let base = pascal(key);
        let mut name = if base.is_empty()
            || base.starts_with(|c: char| c.is_ascii_digit())
            || RESERVED_TYPES.contains(&base.as_str())
            || self.taken.contains(&base)
        {
            format!("{parent}{base}")
        } else {
            base
        };
        if self.taken.contains(&name) {
            let stem = name.clone();
            let mut n = 2;
            while self.taken.contains(&name) {
                name = format!("{stem}{n}");
                n += 1;
            }
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A place with nothing seen: an empty list's items.
static EMPTY: Shape = Shape {
    null: false,
    boolean: false,
    int: false,
    big: false,
    float: false,
    digits: false,
    text: false,
    empty: false,
    object: None,
    array: None,
    items: 0,
};

/// The scalar type for what was seen under `wire`.
fn scalar_type(wire: &str, s: &Shape) -> &'static str {
    let nested = s.object.is_some() || s.array.is_some();
    let seen_scalar = s.scalar() || s.empty;
    if nested || !seen_scalar {
        // Objects mixed with values, or nothing but null / an empty list.
        return "JsonValue";
    }
    let numbers_or_digits = !s.boolean && !s.float && !s.text;
    if numbers_or_digits && (s.big || (is_id_key(wire) && (s.int || s.digits))) {
        return "Id";
    }
    if is_id_key(wire) && !s.boolean && !s.float {
        // An opaque id (`offerMapId`): `Id` reads any string.
        return "Id";
    }
    if s.text || s.digits || s.empty {
        return "String";
    }
    match (s.boolean, s.int, s.float) {
        (true, false, false) => "bool",
        (false, true, false) => "i64",
        (false, _, true) => "Decimal",
        _ => "String",
    }
}

/// Whether a key names an id: `id`, `…Id`, `…ID`, `…_id`, `…Ids`, `…_ids`.
fn is_id_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("id")
        || key.eq_ignore_ascii_case("ids")
        || key.ends_with("Id")
        || key.ends_with("ID")
        || key.ends_with("_id")
        || key.ends_with("Ids")
        || key.ends_with("IDs")
        || key.ends_with("_ids")
}

/// A key with a list's item name: `skuList` → `sku`, `subOrders` → `subOrder`.
fn singular(key: &str) -> String {
    for suffix in ["List", "_list", "list"] {
        if let Some(stem) = key.strip_suffix(suffix).filter(|s| !s.is_empty()) {
            return stem.to_owned();
        }
    }
    if key.len() > 3 {
        if let Some(stem) = key.strip_suffix("ies") {
            return format!("{stem}y");
        }
        for suffix in ["sses", "xes", "ches", "shes"] {
            if key.ends_with(suffix) {
                return key[..key.len() - 2].to_owned();
            }
        }
        if key.ends_with('s') && !key.ends_with("ss") {
            return key[..key.len() - 1].to_owned();
        }
    }
    key.to_owned()
}

/// The words of a key: split at non-alphanumerics and camelCase humps.
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let hump = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if hump && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `subOrders` → `SubOrders`.
fn pascal(key: &str) -> String {
    words(key)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut cs = lower.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Rust keywords, which a field name takes as a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers: `self_` instead.
const NOT_RAW: &[&str] = &["self", "super", "crate", "extra"];

/// The snake_case field name of a wire key.
fn field_ident(wire: &str) -> String {
    let mut name = words(wire)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if name.is_empty() {
        name = "field".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// `ident`, or `ident_2`, `ident_3`... if taken in this struct.
fn unique_ident(ident: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = ident.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{}_{n}", ident.trim_start_matches("r#"));
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// The wire name `#[model]` gives a field without `rename`: the camelCase of
/// its snake_case name. This is `xportcn-macros`' `wire_name` again (a
/// proc-macro crate cannot share a function with this one); the test
/// `wire_of_matches_the_model_macro` keeps the two in step.
fn wire_of(ident: &str) -> String {
    let name = ident.trim_start_matches("r#");
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A key as it can stand in a one-line doc comment, between backticks.
fn doc_text(key: &str) -> String {
    if key.is_empty() {
        return "\"\"".to_owned();
    }
    doc_escape(&key.replace('`', "'"))
}

/// Text from the sample (a key, a file name, a recording's path) as it can
/// stand in a one-line comment: every character that could end the line
/// (`\n`, `\r`, U+2028...), hide text or reorder it on screen (controls,
/// Unicode format characters: bidi overrides and isolates, zero-width
/// characters, the BOM) or fail the build (a bare `\r`, bidi characters are
/// refused by rustc) is written as its `\u{...}` escape. `\` is doubled, so
/// an escape in the text reads apart from one made here.
fn doc_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if is_unsafe_in_source(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Rust string literal: `"` and `\` escaped, and every character
/// [`doc_escape`] escapes written as `\u{...}`, so nothing but printable
/// text stands in the source.
fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe_in_source(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters never written raw in generated source: controls (general
/// category Cc), line and paragraph separators (Zl, Zp), whitespace other
/// than the space, and the format characters (Cf: bidi embeddings,
/// overrides, isolates and marks, zero-width characters, the BOM, tags).
pub(crate) fn is_unsafe_in_source(c: char) -> bool {
    c.is_control() || (c.is_whitespace() && c != ' ') || is_format_char(c)
}

/// Unicode general category Cf (format characters), Unicode 15.1.
pub(crate) fn is_format_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// A Rust type name: an ASCII capital, then letters, digits or `_`.
fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED_TYPES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn generated(v: Value) -> String {
        generate("Answer", &v, "`test`").unwrap()
    }

    #[test]
    fn ids_keep_every_digit() {
        let out = generated(json!({
            "orderId": 1234567890123456789_u64, "skuId": "5123456789012345678",
            "id": 7, "count": 9007199254740993_u64, "qty": 3, "offerMapId": "AbC9",
            "refundIds": [1, 2], "paid": 1
        }));
        assert!(out.contains("pub order_id: Option<Id>,"), "{out}");
        assert!(out.contains("pub sku_id: Option<Id>,"));
        assert!(out.contains("pub id: Option<Id>,"));
        assert!(out.contains("pub count: Option<Id>,"), "beyond 2^53: {out}");
        assert!(out.contains("pub qty: Option<i64>,"));
        assert!(out.contains("pub offer_map_id: Option<Id>,"));
        assert!(out.contains("pub refund_ids: Vec<Id>,"));
        assert!(
            out.contains("pub paid: Option<i64>,"),
            "`paid` is not an id: {out}"
        );
        assert!(out.contains("use xportcn::types::Id;"));
    }

    #[test]
    fn nested_objects_and_lists_with_differing_items_merge() {
        let out = generated(json!({
            "shop": {"shopName": "s", "rating": 4.5},
            "skuList": [{"skuId": 1, "price": "6.15"}, {"skuId": 2, "stock": 3, "price": 7}],
            "tags": ["a", 1],
        }));
        assert!(out.contains("pub shop: Option<Shop>,"), "{out}");
        assert!(out.contains("pub struct Shop {"));
        assert!(out.contains("pub rating: Option<Decimal>,"));
        assert!(out.contains("pub sku_list: Vec<Sku>,"));
        let sku = &out[out.find("pub struct Sku {").unwrap()..];
        assert!(sku.contains("pub sku_id: Option<Id>,"));
        assert!(sku.contains("pub stock: Option<i64>,"));
        assert!(sku.contains("pub price: Option<String>,"), "{sku}");
        assert!(out.contains("pub tags: Vec<String>,"));
        assert!(out.contains("/// `data.skuList[]` of `test`."));
        let out = generated(json!({"properties": [{}], "addresses": [{}], "boxes": [{}]}));
        for s in ["Property", "Address", "Box"] {
            assert!(
                out.contains(&format!("pub struct {s} {{")) || s == "Box",
                "{out}"
            );
        }
        assert!(
            out.contains("pub boxes: Vec<AnswerBox>,"),
            "a reserved name: {out}"
        );
    }

    #[test]
    fn nulls_empty_lists_and_mixed_shapes_stay_raw() {
        let out = generated(json!({
            "remark": null, "items": [], "odd": [1, {"a": 1}], "grid": [[1]], "flag": true,
            "maybe": [null, {"a": 1}]
        }));
        assert!(out.contains("pub remark: Option<JsonValue>,"), "{out}");
        assert!(out.contains("pub items: Vec<JsonValue>,"));
        assert!(out.contains("pub odd: Vec<JsonValue>,"));
        assert!(out.contains("pub grid: Vec<JsonValue>,"));
        assert!(out.contains("pub flag: Option<bool>,"));
        assert!(out.contains("pub maybe: Vec<Maybe>,"), "{out}");
        assert!(out.contains("use xportcn::model::{JsonValue, model};"));
    }

    #[test]
    fn keywords_and_non_identifier_keys_get_renames() {
        let out = generated(json!({
            "type": 1, "self": 2, "extra": 3, "mobile_phone": "x", "orderID": 4, "中文": 5,
            "3d": 6, "a-b": 7, "skuId": 8, "sku_id": 9, "": 10
        }));
        assert!(out.contains("pub r#type: Option<i64>,"), "{out}");
        // `self_` and `extra_` are read as `self` and `extra` by the camelCase rule.
        assert!(
            out.contains("in the sample.\n    pub self_: Option<i64>,"),
            "{out}"
        );
        assert!(out.contains("in the sample.\n    pub extra_: Option<i64>,"));
        assert!(out.contains("#[model(rename = \"mobile_phone\")]\n    pub mobile_phone:"));
        assert!(out.contains("#[model(rename = \"orderID\")]\n    pub order_id: Option<Id>"));
        assert!(out.contains("#[model(rename = \"中文\")]\n    pub field"));
        assert!(out.contains("#[model(rename = \"3d\")]\n    pub n3d:"));
        assert!(out.contains("#[model(rename = \"a-b\")]\n    pub a_b:"));
        // `skuId` and `sku_id` both want `sku_id`: the second is made unique.
        assert!(out.contains("pub sku_id_2:"), "{out}");
    }

    #[test]
    fn envelopes_exchanges_lists_and_refusals() {
        let out = generate_from_json("Page", r#"{"code":200,"msg":"ok","data":[{"a":1}]}"#, "`p`")
            .unwrap();
        assert!(out.contains("response = Vec<Page>"));
        assert!(out.contains("pub struct Page {"));
        let ex = Exchange::new(
            Some("TB-P8"),
            "GET",
            "/open/product/get",
            "itemId=1",
            None,
            200,
            br#"{"code":200,"msg":"ok","data":{"title":"t"}}"#,
        );
        let text = serde_json::to_string(&ex).unwrap();
        let out = generate_from_json("Product", &text, "`rec.json`").unwrap();
        assert!(out.contains(
            "/// Generated by `xportcn model` from `rec.json` (TB-P8, GET /open/product/get, HTTP 200, recorded)."
        ), "{out}");
        for bad in [r#"{"code":200,"msg":"ok","data":null}"#, "[1,2]", "3", "{"] {
            assert!(generate_from_json("X", bad, "`b`").is_err(), "{bad}");
        }
        assert!(generate("lower", &json!({}), "s").is_err());
        assert!(generate("Id", &json!({}), "s").is_err());
    }

    #[test]
    fn struct_names_do_not_collide() {
        let out = generated(json!({
            "info": {"info": {"x": 1}}, "a": {"id": {"k": 1}}, "answer": {"z": 1}
        }));
        assert!(out.contains("pub struct Info {"), "{out}");
        assert!(out.contains("pub struct InfoInfo {"));
        assert!(out.contains("pub struct AId {"), "{out}");
        assert!(out.contains("pub struct Answer {"));
        assert!(out.contains("pub struct AnswerAnswer {"));
    }

    /// The fields as the macro names them on the wire, for `wire_of`.
    #[crate::model::model]
    struct WireNames {
        r#type: Option<i64>,
        self_: Option<i64>,
        order_id: Option<i64>,
        sku2_id: Option<i64>,
        n3d: Option<i64>,
    }

    #[test]
    fn wire_of_matches_the_model_macro() {
        let names = ["r#type", "self_", "order_id", "sku2_id", "n3d"];
        let text = format!(
            "{{{}}}",
            names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{:?}: {i}", wire_of(n)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let w: WireNames = serde_json::from_str(&text).unwrap();
        assert!(w.extra.is_empty(), "{text}: {:?}", w.extra);
        assert_eq!(
            (w.r#type, w.self_, w.order_id, w.sku2_id, w.n3d),
            (Some(0), Some(1), Some(2), Some(3), Some(4))
        );
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let deep: Value =
            serde_json::from_str(&format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100)))
                .unwrap();
        let out = generated(deep);
        assert!(out.matches("pub struct").count() <= MAX_DEPTH + 2);
    }
}
