//! `xportcn endpoints`: the endpoint registry.

use clap::{Args, Subcommand};
use serde_json::json;
use xportcn::endpoint::{self, EndpointSpec, Evidence, Generation, PathSpec, Signing};

use crate::{Failure, write_line};

/// `xportcn endpoints`.
#[derive(Debug, Args)]
pub struct EndpointsArgs {
    /// One JSON object a line instead of a table.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    show: Option<Show>,
}

/// `xportcn endpoints show ID`.
#[derive(Debug, Subcommand)]
enum Show {
    /// One endpoint: method, paths per generation with their evidence, the
    /// request fields (wire name, type, required, evidence) and the answer.
    Show {
        /// The endpoint id, e.g. TB-O12.
        id: String,
    },
}

/// Prints every endpoint of [`endpoint::all`], or one with `show`.
pub fn run(args: &EndpointsArgs) -> Result<(), Failure> {
    if let Some(Show::Show { id }) = &args.show {
        return show(id.trim());
    }
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

/// `xportcn endpoints show ID`.
fn show(id: &str) -> Result<(), Failure> {
    let spec = endpoint::find(id).ok_or_else(|| {
        Failure::Refused(format!(
            "no endpoint has the id {id:?} (`xportcn endpoints` lists them)"
        ))
    })?;
    write_line(&format!("id:        {}", spec.id))?;
    if !spec.summary.is_empty() {
        write_line(&format!("summary:   {}", spec.summary))?;
    }
    write_line(&format!(
        "method:    {} ({})",
        spec.method,
        if spec.idempotent {
            "read: retried, sent on a guessed path"
        } else {
            "write: never retried, never sent on a guessed or unknown path"
        }
    ))?;
    for g in [Generation::V1, Generation::V2] {
        let p = spec.path_spec(g);
        let detail = match p.evidence {
            Evidence::Verified { source } => format!(" (doc page {source})"),
            Evidence::Guessed { reason } => format!(" ({reason})"),
            _ => String::new(),
        };
        write_line(&format!(
            "{g}:        {} [{}]{detail}",
            p.path.unwrap_or("-"),
            p.evidence.level()
        ))?;
    }
    if !spec.sdk_method.is_empty() {
        write_line(&format!("sdk:       client.{}(..)", spec.sdk_method))?;
    }
    let answer = xportcn::readiness::AnswerKind::of(spec);
    let fields = spec.response_fields();
    write_line(&format!(
        "answer:    {}{}",
        answer.as_str(),
        match fields.first() {
            Some(first) => format!(" ({}, {} typed field(s))", first.model, fields.len()),
            None => String::new(),
        }
    ))?;
    if spec.request_fields.is_empty() {
        write_line("request:   no declared field")?;
        return Ok(());
    }
    write_line("request fields:")?;
    let rows: Vec<[String; 5]> = spec
        .request_fields
        .iter()
        .map(|f| {
            let wire = if f.other {
                "(any, by wire name)".to_owned()
            } else {
                f.wire.to_owned()
            };
            let presence = match (f.path_param, f.required) {
                (true, _) => "path",
                (false, true) => "required",
                (false, false) => "optional",
            };
            [
                f.name.to_owned(),
                wire,
                f.ty.to_owned(),
                presence.to_owned(),
                f.evidence().to_owned(),
            ]
        })
        .collect();
    let header = ["FIELD", "WIRE", "TYPE", "PRESENCE", "EVIDENCE"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
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
        write_line(&format!("  {}", cells.join("  ").trim_end()))?;
    }
    Ok(())
}
