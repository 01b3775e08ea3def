//! `xportcn probe`: finds the undocumented path of read endpoints by
//! probing the candidates of the platform's naming rules
//! ([`xportcn::probe`]); never sends a write.

use std::time::Duration;

use clap::Args;
use xportcn::probe::{
    DEFAULT_MAX_PER_ENDPOINT, DEFAULT_MAX_TOTAL, Planned, ProbeReport, ProbeStatus, Prober,
};
use xportcn::{Client, Credentials};

use crate::{Failure, Global, write_line};

/// `xportcn probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Endpoint ids (e.g. `TB-O14 TB-C1`). None: every endpoint whose path
    /// is neither verified nor derived in the generation. A write is listed
    /// "ask the platform" and never sent.
    ids: Vec<String>,
    /// Requests per second, at most (1 to 20).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=20))]
    rate: u32,
    /// Most candidates tried per endpoint.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PER_ENDPOINT)]
    max_per_endpoint: usize,
    /// Most requests of the run, control requests included.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOTAL)]
    max_total: usize,
    /// Nothing is sent after this long: `90s`, `2m`, ...
    #[arg(long, value_name = "DURATION", default_value = "2m",
          value_parser = crate::duration::parse_duration)]
    deadline: Duration,
    /// Prints what would be tried, sends nothing (no credentials needed).
    #[arg(long)]
    dry_run: bool,
}

/// Prints the report as TOML comments and the paths found as override
/// lines, so that the whole output can be appended to the file
/// `XPORTCN_PATH_OVERRIDES` names. Fails (status 1) when the server gave
/// no signal or refused the credentials.
pub async fn run(global: &Global, args: &ProbeArgs) -> Result<(), Failure> {
    let prober = |client: Client| {
        Prober::new(client)
            .interval(Duration::from_secs(1) / args.rate.max(1))
            .max_per_endpoint(args.max_per_endpoint)
            .max_total(args.max_total)
            .deadline(args.deadline)
    };
    if args.dry_run {
        // Credentials are not used: nothing is sent.
        let creds = global
            .credentials_opt()
            .unwrap_or_else(|| Credentials::new("dry-run", "dry-run", "0"));
        let client = Client::builder()
            .credentials(creds)
            .generation(global.generation())
            .build()?;
        write_line(&format!(
            "# xportcn probe --dry-run ({} paths): nothing is sent",
            client.generation()
        ))?;
        for (spec, plan) in prober(client).plan(&args.ids)? {
            match plan {
                Planned::Settled(status) => write_line(&format!(
                    "# {:<7} {:<4} {status}",
                    spec.id,
                    spec.method.as_str()
                ))?,
                Planned::Candidates(candidates) => {
                    write_line(&format!(
                        "# {:<7} {:<4} would try {}",
                        spec.id,
                        spec.method.as_str(),
                        candidates.join(", ")
                    ))?;
                }
            }
        }
        return Ok(());
    }
    let client = global.client_builder(&[])?.build()?;
    let report = prober(client).run(&args.ids).await?;
    print_report(&report)?;
    if report.is_inconclusive() {
        return Err(Failure::Refused(
            "probe inconclusive: see the report above; no override was printed for what it could \
             not tell apart"
                .to_owned(),
        ));
    }
    Ok(())
}

fn print_report(report: &ProbeReport) -> Result<(), Failure> {
    write_line(&format!(
        "# xportcn probe ({} paths): {} request(s) sent",
        report.generation, report.requests
    ))?;
    for c in &report.controls {
        write_line(&format!(
            "#   control {} {} -> {}",
            c.method, c.path, c.outcome
        ))?;
    }
    for e in &report.endpoints {
        write_line(&format!(
            "# {:<7} {:<4} {}",
            e.id,
            e.method.as_str(),
            e.status
        ))?;
        for t in &e.tried {
            write_line(&format!("#   {} -> {}", t.path, t.outcome))?;
        }
    }
    if let Some(why) = &report.stopped {
        write_line(&format!("# stopped early: {why}"))?;
    }
    let overrides = report.overrides();
    if overrides.is_empty() {
        write_line("# no path found: nothing to paste")?;
        return Ok(());
    }
    write_line("# Paste into the file XPORTCN_PATH_OVERRIDES names:")?;
    for line in overrides.lines() {
        write_line(line)?;
    }
    let found = report
        .endpoints
        .iter()
        .filter(|e| matches!(e.status, ProbeStatus::Found { .. }))
        .count();
    write_line(&format!("# {found} path(s) found"))?;
    Ok(())
}
