//! Path overrides: an endpoint's path set by you, without a rebuild.
//!
//! No doc page shows the path of some endpoints (the Taobao checkout's pay,
//! order list and detail, cart list, refund submit), so the SDK refuses to
//! send them ([`Error::PathUnavailable`](crate::Error::PathUnavailable)).
//! When you learn a path (from the platform, from your account manager),
//! give it to the client in one of three ways, strongest first:
//!
//! 1. [`ClientBuilder::override_path`](crate::ClientBuilder::override_path)
//!    in code (every path generation);
//! 2. a file given to
//!    [`ClientBuilder::path_overrides_file`](crate::ClientBuilder::path_overrides_file);
//! 3. the file named by the environment variable [`ENV_VAR`]
//!    (`XPORTCN_PATH_OVERRIDES`), read by every
//!    [`ClientBuilder::build`](crate::ClientBuilder::build) (unless
//!    [`ClientBuilder::path_overrides_from_env`](crate::ClientBuilder::path_overrides_from_env)
//!    turns it off) and by the `xportcn` command-line tool.
//!
//! For one endpoint in one generation the strongest source wins; the others
//! are ignored for it. A file is TOML with up to two tables, `[v1]` and
//! `[v2]` (the path generations); each key is an endpoint id, each value a
//! path:
//!
//! ```toml
//! [v1]
//! "TB-O12" = "/open/order/pay"
//!
//! [v2]
//! "TB-O12" = "/v2/taobao/order/pay"
//! ```
//!
//! The file is checked when the client is built, and any mistake fails the
//! build with [`Error::PathOverride`](crate::Error::PathOverride) naming the
//! file, the table and the key: a table other than `[v1]`/`[v2]`, an
//! unknown endpoint id, a value that is not a string, a malformed path
//! ([`check_path`]). An override is the user's own evidence: an overridden
//! path is sent, for writes too, and the readiness report
//! ([`readiness`](crate::readiness)) says where it came from.
//!
//! ```
//! use xportcn::endpoint::Generation;
//! use xportcn::overrides::{OverrideSource, PathOverrides};
//!
//! let file = PathOverrides::parse(
//!     "[v1]\n\"TB-O12\" = \"/open/order/pay\"\n",
//!     OverrideSource::BuilderFile("overrides.toml".into()),
//! )?;
//! let pay = file.get("TB-O12", Generation::V1).expect("set");
//! assert_eq!(pay.path, "/open/order/pay");
//! assert!(file.get("TB-O12", Generation::V2).is_none());
//!
//! let bad = PathOverrides::parse("[v1]\n\"TB-O99\" = \"/x\"\n", OverrideSource::Builder);
//! assert!(bad.unwrap_err().to_string().contains("TB-O99"));
//! # Ok::<(), xportcn::overrides::OverrideError>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::endpoint::{self, Generation};

/// The environment variable naming a path-override file:
/// `XPORTCN_PATH_OVERRIDES`. Unset or empty: no file.
pub const ENV_VAR: &str = "XPORTCN_PATH_OVERRIDES";

/// Largest override file read: 1 MiB (a file of every endpoint in both
/// generations is a few kilobytes).
pub const MAX_OVERRIDE_FILE_BYTES: u64 = 1024 * 1024;

/// Where an override came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OverrideSource {
    /// [`ClientBuilder::override_path`](crate::ClientBuilder::override_path),
    /// in code.
    Builder,
    /// A file given to
    /// [`ClientBuilder::path_overrides_file`](crate::ClientBuilder::path_overrides_file).
    BuilderFile(PathBuf),
    /// The file named by [`ENV_VAR`].
    EnvFile(PathBuf),
}

impl OverrideSource {
    /// The file, for an override read from one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            OverrideSource::Builder => None,
            OverrideSource::BuilderFile(p) | OverrideSource::EnvFile(p) => Some(p),
        }
    }
}

impl fmt::Display for OverrideSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideSource::Builder => f.write_str("ClientBuilder::override_path"),
            OverrideSource::BuilderFile(p) => {
                write!(
                    f,
                    "file {} (ClientBuilder::path_overrides_file)",
                    p.display()
                )
            }
            OverrideSource::EnvFile(p) => write!(f, "file {} ({ENV_VAR})", p.display()),
        }
    }
}

/// One override: an endpoint's path in a generation (or in every one), and
/// where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathOverride {
    /// The endpoint id, e.g. `TB-O12`.
    pub id: &'static str,
    /// The generation it applies to; `None`: every generation
    /// ([`ClientBuilder::override_path`](crate::ClientBuilder::override_path)).
    pub generation: Option<Generation>,
    /// The path sent, below the base URL (`{name}` placeholders allowed).
    pub path: String,
    /// Where it came from.
    pub source: OverrideSource,
}

/// The overrides of one file (or of the builder's calls).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathOverrides {
    entries: Vec<PathOverride>,
}

impl PathOverrides {
    /// Parses an override file's text, tagging each entry with `source` (its
    /// file, if any, is named in errors).
    ///
    /// # Errors
    /// [`OverrideError`] naming the table and key of the first mistake.
    pub fn parse(text: &str, source: OverrideSource) -> Result<Self, OverrideError> {
        let file = source.file().map(Path::to_path_buf);
        let fail = |table: Option<&str>, key: Option<&str>, kind| OverrideError {
            file: file.clone(),
            table: table.map(str::to_owned),
            key: key.map(str::to_owned),
            kind,
        };
        let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            fail(
                None,
                None,
                OverrideErrorKind::Syntax(e.message().to_owned()),
            )
        })?;
        let mut entries = Vec::new();
        for (table, value) in &doc {
            let generation = match table.as_str() {
                "v1" => Generation::V1,
                "v2" => Generation::V2,
                _ => {
                    let kind = if value.is_table() {
                        OverrideErrorKind::UnknownTable
                    } else {
                        OverrideErrorKind::NotInATable
                    };
                    return Err(fail(Some(table), None, kind));
                }
            };
            let Some(keys) = value.as_table() else {
                return Err(fail(Some(table), None, OverrideErrorKind::NotATable));
            };
            for (key, value) in keys {
                let Some(spec) = endpoint::find(key) else {
                    return Err(fail(Some(table), Some(key), OverrideErrorKind::UnknownId));
                };
                let Some(path) = value.as_str() else {
                    return Err(fail(
                        Some(table),
                        Some(key),
                        OverrideErrorKind::NotAString(value.type_str()),
                    ));
                };
                check_path(path).map_err(|why| {
                    fail(
                        Some(table),
                        Some(key),
                        OverrideErrorKind::BadPath {
                            path: path.to_owned(),
                            why,
                        },
                    )
                })?;
                entries.push(PathOverride {
                    id: spec.id,
                    generation: Some(generation),
                    path: path.to_owned(),
                    source: source.clone(),
                });
            }
        }
        Ok(PathOverrides { entries })
    }

    /// Reads and parses an override file (the source of its entries is
    /// [`OverrideSource::BuilderFile`]).
    ///
    /// # Errors
    /// [`OverrideError`]: the file cannot be read, is larger than
    /// [`MAX_OVERRIDE_FILE_BYTES`], or holds a mistake.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, OverrideError> {
        let path = path.as_ref();
        Self::parse(
            &read(path)?,
            OverrideSource::BuilderFile(path.to_path_buf()),
        )
    }

    /// Reads the file named by [`ENV_VAR`] (source
    /// [`OverrideSource::EnvFile`]); `Ok(None)` when the variable is unset
    /// or empty.
    ///
    /// # Errors
    /// [`OverrideError`], as [`PathOverrides::load`]; a value that is not
    /// valid Unicode is refused too.
    pub fn from_env() -> Result<Option<Self>, OverrideError> {
        let Some(value) = std::env::var_os(ENV_VAR) else {
            return Ok(None);
        };
        if value.is_empty() {
            return Ok(None);
        }
        let path = PathBuf::from(value);
        let text = read(&path)?;
        Self::parse(&text, OverrideSource::EnvFile(path)).map(Some)
    }

    /// Every entry, in file order (tables then keys, sorted).
    pub fn entries(&self) -> &[PathOverride] {
        &self.entries
    }

    /// The override of endpoint `id` in `generation`, if any (an entry for
    /// every generation counts).
    pub fn get(&self, id: &str, generation: Generation) -> Option<&PathOverride> {
        self.entries
            .iter()
            .find(|o| o.id == id && o.generation.is_none_or(|g| g == generation))
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn push(&mut self, entry: PathOverride) {
        self.entries.push(entry);
    }
}

/// Reads an override file, within [`MAX_OVERRIDE_FILE_BYTES`].
fn read(path: &Path) -> Result<String, OverrideError> {
    use std::io::Read;
    let fail = |kind| OverrideError {
        file: Some(path.to_path_buf()),
        table: None,
        key: None,
        kind,
    };
    let file =
        std::fs::File::open(path).map_err(|e| fail(OverrideErrorKind::Read(e.to_string())))?;
    let mut text = String::new();
    file.take(MAX_OVERRIDE_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| fail(OverrideErrorKind::Read(e.to_string())))?;
    if text.len() as u64 > MAX_OVERRIDE_FILE_BYTES {
        return Err(fail(OverrideErrorKind::TooLarge));
    }
    Ok(text)
}

/// Checks an override path: it starts with `/`, and has no whitespace or
/// control character, no query (`?`) or fragment (`#`), no empty segment
/// (`//`, a trailing `/`) and no `.` or `..` segment. `{name}` placeholders
/// are allowed.
///
/// ```
/// use xportcn::overrides::check_path;
/// assert!(check_path("/open/order/pay").is_ok());
/// assert!(check_path("/open/order/refund/cancel/{refundId}").is_ok());
/// for bad in ["open/order/pay", "/open/ order", "/open/order?x=1", "/open/../pay", "/open//pay"] {
///     assert!(check_path(bad).is_err(), "{bad}");
/// }
/// ```
///
/// # Errors
/// What is wrong, in a few words.
pub fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("a path must start with '/'");
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a path has no whitespace or control character");
    }
    if path.contains('?') {
        return Err("a path has no query ('?'): the request's fields make the query");
    }
    if path.contains('#') {
        return Err("a path has no fragment ('#')");
    }
    for segment in path[1..].split('/') {
        match segment {
            "" => return Err("a path has no empty segment ('//' or a trailing '/')"),
            "." | ".." => return Err("a path has no '.' or '..' segment"),
            _ => {}
        }
    }
    Ok(())
}

/// A mistake in path overrides: which file, table and key, and what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OverrideError {
    /// The file, for an override read from one.
    pub file: Option<PathBuf>,
    /// The table (`v1`, `v2`, or the unknown one).
    pub table: Option<String>,
    /// The key (an endpoint id, or what stands in its place).
    pub key: Option<String>,
    /// What is wrong.
    pub kind: OverrideErrorKind,
}

/// What is wrong in a path override.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OverrideErrorKind {
    /// The file cannot be read (the I/O error's text).
    Read(String),
    /// The file is larger than [`MAX_OVERRIDE_FILE_BYTES`].
    TooLarge,
    /// The file is not TOML (the parser's message).
    Syntax(String),
    /// A table other than `[v1]` and `[v2]`.
    UnknownTable,
    /// A key outside any table (ids go under `[v1]` or `[v2]`).
    NotInATable,
    /// `v1` or `v2` is not a table.
    NotATable,
    /// No endpoint has this id.
    UnknownId,
    /// The value is not a string (the TOML type it is).
    NotAString(&'static str),
    /// The path is malformed ([`check_path`]).
    BadPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("path overrides")?;
        if let Some(file) = &self.file {
            write!(f, ": file {}", file.display())?;
        }
        if let Some(table) = &self.table {
            write!(f, ", table [{table}]")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", key {key:?}")?;
        }
        f.write_str(": ")?;
        match &self.kind {
            OverrideErrorKind::Read(e) => write!(f, "cannot read it: {e}"),
            OverrideErrorKind::TooLarge => {
                write!(f, "larger than {MAX_OVERRIDE_FILE_BYTES} bytes")
            }
            OverrideErrorKind::Syntax(e) => write!(f, "not valid TOML: {}", e.trim_end()),
            OverrideErrorKind::UnknownTable => {
                f.write_str("unknown table: the tables are [v1] and [v2] (the path generations)")
            }
            OverrideErrorKind::NotInATable => f.write_str(
                "a key outside any table: put endpoint ids under [v1] or [v2] (the path generations)",
            ),
            OverrideErrorKind::NotATable => {
                f.write_str("must be a table of endpoint ids and paths")
            }
            OverrideErrorKind::UnknownId => f.write_str(
                "no endpoint has this id (ids as `xportcn endpoints` lists them, e.g. \"TB-O12\")",
            ),
            OverrideErrorKind::NotAString(ty) => {
                write!(f, "the value must be a string (a path), not a TOML {ty}")
            }
            OverrideErrorKind::BadPath { path, why } => write!(f, "path {path:?}: {why}"),
        }
    }
}

impl std::error::Error for OverrideError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PathOverrides, OverrideError> {
        PathOverrides::parse(text, OverrideSource::BuilderFile("o.toml".into()))
    }

    #[test]
    fn both_tables_are_read() {
        let o = parse("[v1]\n\"TB-O12\" = \"/open/order/pay\"\n[v2]\n\"TB-O12\" = \"/v2/taobao/order/pay\"\n\"TB-O14\" = \"/v2/taobao/order/detail\"\n").unwrap();
        assert_eq!(o.entries().len(), 3);
        assert_eq!(
            o.get("TB-O12", Generation::V2).unwrap().path,
            "/v2/taobao/order/pay"
        );
        assert!(o.get("TB-O14", Generation::V1).is_none());
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn each_mistake_names_file_table_key_and_problem() {
        let cases: &[(&str, Option<&str>, Option<&str>, &str)] = &[
            ("[v1\n", None, None, "not valid TOML"),
            (
                "[v3]\n\"TB-O12\" = \"/x\"\n",
                Some("v3"),
                None,
                "unknown table",
            ),
            (
                "\"TB-O12\" = \"/x\"\n",
                Some("TB-O12"),
                None,
                "outside any table",
            ),
            ("v1 = 3\n", Some("v1"), None, "must be a table"),
            (
                "[v1]\n\"TB-O99\" = \"/x\"\n",
                Some("v1"),
                Some("TB-O99"),
                "no endpoint has this id",
            ),
            (
                "[v1]\n\"TB-O12\" = 7\n",
                Some("v1"),
                Some("TB-O12"),
                "not a TOML integer",
            ),
            (
                "[v1]\n\"TB-O12\" = \"open/pay\"\n",
                Some("v1"),
                Some("TB-O12"),
                "start with '/'",
            ),
            (
                "[v1]\n\"TB-O12\" = \"/open/ pay\"\n",
                Some("v1"),
                Some("TB-O12"),
                "whitespace",
            ),
            (
                "[v1]\n\"TB-O12\" = \"/open/pay?x=1\"\n",
                Some("v1"),
                Some("TB-O12"),
                "no query",
            ),
            (
                "[v2]\n\"TB-O12\" = \"/open/../pay\"\n",
                Some("v2"),
                Some("TB-O12"),
                "'..' segment",
            ),
            (
                "[v1]\n\"TB-O12\" = \"/open/./pay\"\n",
                Some("v1"),
                Some("TB-O12"),
                "'..' segment",
            ),
            (
                "[v1]\n\"TB-O12\" = \"/open//pay\"\n",
                Some("v1"),
                Some("TB-O12"),
                "empty segment",
            ),
        ];
        for (text, table, key, what) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.table.as_deref(), *table, "{text}");
            assert_eq!(e.key.as_deref(), *key, "{text}");
            let shown = e.to_string();
            assert!(shown.contains("o.toml"), "{shown}");
            assert!(shown.contains(what), "{text}: {shown}");
            if let Some(t) = table {
                assert!(shown.contains(&format!("[{t}]")), "{shown}");
            }
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let line = "# padding padding padding padding padding padding padding\n";
        let text = line.repeat(MAX_OVERRIDE_FILE_BYTES as usize / line.len() + 1);
        std::fs::write(&path, text).unwrap();
        let e = PathOverrides::load(&path).unwrap_err();
        assert_eq!(e.kind, OverrideErrorKind::TooLarge);
        assert!(e.to_string().contains("big.toml"), "{e}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = PathOverrides::load("/nonexistent/xportcn-overrides.toml").unwrap_err();
        assert!(matches!(e.kind, OverrideErrorKind::Read(_)));
        assert!(
            e.to_string()
                .contains("/nonexistent/xportcn-overrides.toml")
        );
    }
}
