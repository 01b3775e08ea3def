//! `xportcn endpoints`: the endpoint registry.

use clap::Args;
use serde_json::json;
use xportcn::endpoint::{self, EndpointSpec, Generation, PathSpec, Signing};

use crate::{Failure, write_line};

/// `xportcn endpoints`.
#[derive(Debug, Args)]
pub struct EndpointsArgs {
    /// One JSON object a line instead of a table.
    #[arg(long)]
    json: bool,
}

/// Prints every endpoint of [`endpoint::all`].
pub fn run(args: &EndpointsArgs) -> Result<(), Failure> {
    let all = endpoint::all();
    if args.json {
        for spec in all {
            write_line(&as_json(spec).to_string())?;
        }
        return Ok(());
    }
    let path = |p: &PathSpec| p.path.unwrap_or("-");
    let rows: Vec<[&str; 6]> = all
        .iter()
        .map(|s| {
            [
                s.id,
                s.method.as_str(),
                path(&s.v1),
                s.v1.evidence.level(),
                path(&s.v2),
                s.v2.evidence.level(),
            ]
        })
        .collect();
    let header = ["ID", "METHOD", "V1 PATH", "V1", "V2 PATH", "V2"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        write_line(cells.join("  ").trim_end())?;
    }
    Ok(())
}

/// One endpoint as a JSON object.
fn as_json(spec: &EndpointSpec) -> serde_json::Value {
    let path = |g: Generation| {
        let p = spec.path_spec(g);
        json!({ "path": p.path, "evidence": p.evidence.level() })
    };
    json!({
        "id": spec.id,
        "method": spec.method.as_str(),
        "v1": path(Generation::V1),
        "v2": path(Generation::V2),
        "idempotent": spec.idempotent,
        "signing": if spec.signing == Signing::Query { "query" } else { "headers" },
        "paged": spec.paging.is_some(),
        "sdkMethod": spec.sdk_method,
        "summary": spec.summary,
    })
}
