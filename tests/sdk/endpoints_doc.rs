//! `docs/endpoints.md` and the endpoint registry (`xportcn::endpoint::all()`)
//! cannot drift: every registered endpoint has a row that states its method,
//! both paths, both evidence levels, its SDK method and an existing test; and
//! a row that names an SDK method is registered.

use std::collections::BTreeMap;

use xportcn::endpoint::{self, EndpointSpec, FieldEvidence, Generation};

struct Row {
    method: String,
    v1: String,
    v2: String,
    evidence: String,
    sdk: String,
    test: String,
}

/// The cells of each row of the table of docs/endpoints.md whose header
/// line starts with `header`.
fn table(header: &str) -> Vec<Vec<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/endpoints.md");
    let text = std::fs::read_to_string(path).expect("docs/endpoints.md");
    let mut out = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with(header) {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("|---") {
            continue;
        }
        if !line.starts_with("| ") {
            break;
        }
        out.push(
            line.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect(),
        );
    }
    out
}

fn rows() -> BTreeMap<String, Row> {
    let mut out = BTreeMap::new();
    for cells in table("| id | title | method | v1 path | v2 path | evidence | SDK method | test |")
    {
        assert_eq!(
            cells.len(),
            8,
            "a row of docs/endpoints.md has 8 cells: {cells:?}"
        );
        let prev = out.insert(
            cells[0].clone(),
            Row {
                method: cells[2].clone(),
                v1: cells[3].clone(),
                v2: cells[4].clone(),
                evidence: cells[5].clone(),
                sdk: cells[6].clone(),
                test: cells[7].clone(),
            },
        );
        assert!(prev.is_none(), "duplicate row {}", cells[0]);
    }
    assert!(out.len() >= 103, "the table lists every catalogue row");
    out
}

fn path_cell(spec: &EndpointSpec, g: Generation) -> String {
    match spec.path(g) {
        Some(p) => format!("`{p}`"),
        None => "—".to_owned(),
    }
}

fn check(spec: &EndpointSpec, row: &Row) -> Vec<String> {
    let mut problems = Vec::new();
    let id = spec.id;
    if row.method != spec.method.as_str() {
        problems.push(format!(
            "{id}: method {} in docs, {} in code",
            row.method, spec.method
        ));
    }
    for (g, cell) in [(Generation::V1, &row.v1), (Generation::V2, &row.v2)] {
        let want = path_cell(spec, g);
        if *cell != want {
            problems.push(format!("{id}: {g} path {cell} in docs, {want} in code"));
        }
        let level = format!("{g} {}", spec.path_spec(g).evidence.level());
        if !row.evidence.contains(&level) {
            problems.push(format!(
                "{id}: evidence should say \"{level}\": {}",
                row.evidence
            ));
        }
        if let xportcn::endpoint::Evidence::Verified { source } = spec.path_spec(g).evidence
            && source.starts_with("http")
            && !row.evidence.contains(source)
        {
            problems.push(format!("{id}: evidence should cite {source}"));
        }
    }
    if spec.sdk_method.is_empty() {
        problems.push(format!(
            "{id}: the declaration names no SDK method (via/name)"
        ));
    } else if !row.sdk.contains(&format!("client.{}(", spec.sdk_method)) {
        problems.push(format!(
            "{id}: SDK method cell should show `client.{}(..)`: {}",
            spec.sdk_method, row.sdk
        ));
    }
    problems.extend(check_test(id, &row.test));
    // Every client citation of the response's typed fields is in the row.
    let mut cited: Vec<&str> = Vec::new();
    for f in spec.response_fields() {
        if let FieldEvidence::Client(c) = f.evidence
            && !cited.contains(&c)
        {
            cited.push(c);
        }
    }
    for c in cited {
        if !row.evidence.contains(&format!("client: {c}")) {
            problems.push(format!("{id}: evidence should cite \"client: {c}\""));
        }
    }
    problems
}

/// Response fields by evidence level, counted from the code: each typed
/// field of each response model once (a model shared by several endpoints
/// counts once), and `raw` the endpoints whose answer has no typed field.
fn field_counts() -> BTreeMap<&'static str, usize> {
    let mut seen = std::collections::BTreeSet::new();
    let mut counts: BTreeMap<&'static str, usize> =
        [("doc", 0), ("client", 0), ("recorded", 0), ("raw", 0)].into();
    for spec in endpoint::all() {
        let fields = spec.response_fields();
        if fields.is_empty() {
            *counts.entry("raw").or_default() += 1;
        }
        for f in fields {
            if seen.insert((f.model, f.name)) {
                *counts.entry(f.evidence.level()).or_default() += 1;
            }
        }
    }
    counts
}

/// The `| level | count | ... |` table of docs/endpoints.md.
fn doc_counts() -> BTreeMap<String, usize> {
    table("| level | count |")
        .into_iter()
        .map(|cells| {
            let n = cells[1].parse().expect("a count");
            (cells[0].trim_matches('`').to_owned(), n)
        })
        .collect()
}

#[test]
fn field_counts_by_evidence_level_match_the_code() {
    let code = field_counts();
    let doc = doc_counts();
    let code: BTreeMap<String, usize> = code.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    assert_eq!(
        doc, code,
        "docs/endpoints.md's response-field counts (left) differ from the code (right)"
    );
}

/// The test cell names `tests/<binary>/<file>.rs::<fn>`; the file must define it.
fn check_test(id: &str, cell: &str) -> Option<String> {
    let cell = cell.trim_matches('`');
    let Some((file, name)) = cell.split_once("::") else {
        return Some(format!(
            "{id}: test cell should be `tests/<binary>/<file>.rs::<fn>`: {cell}"
        ));
    };
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let name = name.trim_end_matches('*').trim_end_matches('_');
    (!text.contains(&format!("fn {name}"))).then(|| format!("{id}: {file} has no test fn {name}"))
}

#[test]
fn docs_and_registry_agree() {
    let rows = rows();
    let mut problems = Vec::new();
    for spec in endpoint::all() {
        match rows.get(spec.id) {
            Some(row) => problems.extend(check(spec, row)),
            None => problems.push(format!("{}: registered but has no row", spec.id)),
        }
    }
    for (id, row) in &rows {
        let implemented = row.sdk.contains("client.");
        if implemented && endpoint::find(id).is_none() {
            problems.push(format!(
                "{id}: the row names an SDK method but the registry lacks it"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/endpoints.md disagrees with the code:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_changed_row_is_caught() {
    // The check itself: a row that lies about the path or level is reported.
    let spec = endpoint::find("TB-A2").expect("TB-A2 is registered");
    let row = Row {
        method: "POST".into(),
        v1: "`/open/order/refund/renderX`".into(),
        v2: "`/v2/taobao/order/refund/render`".into(),
        evidence: "v1 guessed; v2 verified".into(),
        sdk: "`client.call(..)`".into(),
        test: "`tests/platforms/aftersale.rs::no_such_test`".into(),
    };
    let problems = check(spec, &row);
    assert!(
        problems.iter().any(|p| p.contains("v1 path")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("v1 verified")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("no test fn")),
        "{problems:?}"
    );
}
