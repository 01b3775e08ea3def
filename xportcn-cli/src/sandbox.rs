//! `xportcn sandbox`: the embedded fake platform, in the foreground.

use clap::Args;
use xportcn_sandbox::{RequestRecord, Sandbox};

use crate::{Failure, Global, write_line};

/// `xportcn sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Answers each endpoint recorded in this directory (`call --record`)
    /// with its recorded answer (`SandboxBuilder::replay_from`; repeatable).
    #[arg(long, value_name = "DIR")]
    replay: Vec<std::path::PathBuf>,
    /// Pushes the order messages of the flows to this URL, signed like the
    /// platform (e.g. the URL `xportcn webhook listen` prints, on another
    /// port). Without it, pushes are only recorded.
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,
    /// Also serves every endpoint at its stand-in path
    /// `/sandbox/endpoints/{id}` (`SandboxBuilder::stand_ins`), for
    /// endpoints whose real path nobody knows yet. Each answer there carries
    /// `x-xportcn-stand-in: <id>` and is logged; production has no such
    /// path. Default: off, the sandbox refuses what production refuses.
    #[arg(long)]
    stand_ins: bool,
    /// Time between attempts of a push the receiver did not answer 200:
    /// `30s`, `2m`, `1m30s`, `250ms` (default 30m, the platform's).
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_duration)]
    push_retry_interval: Option<std::time::Duration>,
}

/// Runs the sandbox until Ctrl-C, logging each request to stderr.
///
/// With all three credentials given (`XPORTCN_*`), the sandbox accepts
/// those and they are not printed. Otherwise the sandbox makes up its own,
/// printed as `name=value` lines, the secret too
/// ([`Sandbox::made_up_secret`]): it guards nothing but this sandbox, and a
/// client needs it to sign.
pub async fn run(global: &Global, args: &SandboxArgs) -> Result<(), Failure> {
    let mut builder = Sandbox::builder()
        .port(args.port)
        .stand_ins(args.stand_ins)
        .on_request(|r: &RequestRecord| eprintln!("{r}"));
    if let Some(creds) = global.credentials_opt() {
        builder = builder.credentials(creds);
    }
    for dir in &args.replay {
        builder = builder.replay_from(dir);
    }
    if let Some(url) = &args.callback_url {
        builder = builder.callback_url(url.clone());
    }
    if let Some(interval) = args.push_retry_interval {
        builder = builder.push_retry_interval(interval);
    }
    let sandbox = builder.start().await?;
    if let Some(secret) = sandbox.made_up_secret() {
        let creds = sandbox.credentials();
        write_line(&format!("access-key={}", creds.access_key()))?;
        write_line(&format!("access-secret={secret}"))?;
        write_line(&format!("user-id={}", creds.user_id()))?;
    }
    write_line(&format!("base-url={}", sandbox.base_url()))?;
    let stopped = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    stopped.map_err(Failure::io("cannot wait for Ctrl-C"))
}
