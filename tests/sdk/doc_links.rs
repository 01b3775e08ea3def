//! Every relative link in the README, the root documents and `docs/*.md`
//! points to a file that exists (issue 26, part 8): a page moved or renamed
//! in one branch and linked in another is caught at the merge.

use std::path::{Path, PathBuf};

/// Pages linked before they land: other branches add them. A link to one of
/// these passes while the file is missing; once it exists the link is
/// checked like any other (empty this list after the merge).
const PENDING: &[&str] = &[];

/// The Markdown files whose links are checked: the root's and `docs/`'s.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [root.to_path_buf(), root.join("docs")] {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of the inline links `[text](target)` outside fenced code.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    found
}

/// Whether `target` is a link to another site or an anchor in the same page.
fn external(target: &str) -> bool {
    target.starts_with('#') || target.contains("://") || target.starts_with("mailto:")
}

#[test]
fn every_relative_link_in_the_documents_points_to_a_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut broken = Vec::new();
    for doc in documents(root) {
        let text = std::fs::read_to_string(&doc).expect("a readable document");
        let dir = doc.parent().expect("a parent directory");
        for target in links(&text) {
            if external(&target) {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let path = dir.join(file);
            checked += 1;
            if path.exists() {
                continue;
            }
            let normalized = normalize(&path, root);
            if PENDING.contains(&normalized.as_str()) {
                continue;
            }
            broken.push(format!(
                "{}: ({target}) -> {} does not exist",
                doc.strip_prefix(root).unwrap_or(&doc).display(),
                normalized
            ));
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the parser right?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// `path` relative to `root`, with `.` and `..` resolved textually.
fn normalize(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for part in relative.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

#[test]
fn the_link_parser_finds_inline_links_and_skips_code() {
    let text = "see [a](docs/a.md) and [b](../B.md#part)\n```\n[c](c.md)\n```\n[d](https://x.y/z)";
    assert_eq!(links(text), ["docs/a.md", "../B.md#part", "https://x.y/z"]);
    assert!(external("https://x.y/z") && external("#anchor"));
    assert!(!external("docs/a.md"));
}
