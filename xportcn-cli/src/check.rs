//! `xportcn check`: the readiness report. Which endpoints can be sent in
//! production under the current configuration (generation, path overrides
//! from `XPORTCN_PATH_OVERRIDES`), before anything is sent. No credentials
//! needed; nothing is sent.

use std::path::PathBuf;

use clap::Args;
use xportcn::Client;
use xportcn::endpoint::PathSpec;
use xportcn::readiness::{EndpointReadiness, Readiness};
use xportcn::record::Exchange;

use crate::{Failure, Global, write_line};

/// `xportcn check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Endpoint ids to check (e.g. TB-O12 TB-P8). None (and no
    /// --recording): every endpoint.
    ids: Vec<String>,
    /// Also checks every endpoint an app's recorded traffic calls: a
    /// recorded exchange (`call --record`, `ClientBuilder::record_to`), or a
    /// directory of them (repeatable).
    #[arg(long, value_name = "FILE|DIR")]
    recording: Vec<PathBuf>,
    /// With no endpoint named, exit non-zero when any endpoint cannot be
    /// sent (named endpoints always make the exit status).
    #[arg(long)]
    strict: bool,
}

/// Prints one line per endpoint; fails when a named endpoint (or, with
/// `--strict`, any) cannot be sent.
pub fn run(global: &Global, args: &CheckArgs) -> Result<(), Failure> {
    let mut ids: Vec<String> = Vec::new();
    for id in &args.ids {
        push_unique(&mut ids, id.trim().to_owned());
    }
    for path in &args.recording {
        let exchanges = if path.is_dir() {
            Exchange::read_dir(path)?
        } else {
            vec![Exchange::read(path)?]
        };
        let mut found = false;
        for ex in exchanges {
            if let Some(id) = ex.endpoint {
                push_unique(&mut ids, id);
                found = true;
            }
        }
        if !found {
            return Err(Failure::Refused(format!(
                "--recording {}: no recorded exchange names an endpoint (calls by path are \
                 not checked)",
                path.display()
            )));
        }
    }
    let named = !ids.is_empty();
    let report = Client::builder()
        .generation(global.generation())
        .readiness(&ids)?;
    for e in &report.endpoints {
        write_line(&line(e))?;
    }
    summary(&report, named, args.strict)
}

fn push_unique(ids: &mut Vec<String>, id: String) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// One endpoint: id, verdict, method, read or write, basis, the path sent,
/// the paths per generation with their evidence, the answer, the sandbox's
/// shape, then the override's source or the refusal.
fn line(e: &EndpointReadiness) -> String {
    let evidence = |p: &PathSpec| format!("{}:{}", p.evidence.level(), p.path.unwrap_or("-"));
    let shape = match xportcn_sandbox::shape_of(e.id) {
        Some(s) => s.as_str(),
        None => "-",
    };
    let mut out = format!(
        "{:<7} {:<8} {:<4} {:<5} basis={} path={} v1={} v2={} answer={} sandbox-shape={}",
        e.id,
        if e.sendable() { "ok" } else { "BLOCKED" },
        e.method.as_str(),
        if e.write { "write" } else { "read" },
        e.basis,
        e.path.as_deref().unwrap_or("-"),
        evidence(&e.v1),
        evidence(&e.v2),
        e.answer.as_str(),
        shape,
    );
    if let Some(o) = &e.overridden {
        out.push_str(&format!(" override-from={}", o.source));
    }
    if let Some(why) = &e.refusal {
        out.push_str(&format!(" -- {why}"));
    }
    out
}

/// The closing line on stderr, and the exit status.
fn summary(report: &Readiness, named: bool, strict: bool) -> Result<(), Failure> {
    let blocked: Vec<&str> = report.blocked().map(|e| e.id).collect();
    if blocked.is_empty() {
        eprintln!(
            "{} endpoint(s) checked ({} generation): all can be sent",
            report.endpoints.len(),
            report.generation
        );
        return Ok(());
    }
    let message = format!(
        "{} of {} endpoint(s) cannot be sent in the {} generation: {}. Set their paths in \
         the file named by XPORTCN_PATH_OVERRIDES ([{}] \"ID\" = \"/the/path\"; see \
         docs/going-live.md), or ask the platform",
        blocked.len(),
        report.endpoints.len(),
        report.generation,
        blocked.join(" "),
        report.generation,
    );
    if named || strict {
        Err(Failure::Refused(message))
    } else {
        eprintln!("{message}");
        Ok(())
    }
}
