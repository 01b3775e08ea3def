//! `xportcn sandbox`: the embedded fake platform.

use clap::Args;

use crate::{Failure, Global, config};

/// `xportcn sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

/// Runs the sandbox until Ctrl-C.
pub async fn run(_global: &Global, _args: &SandboxArgs) -> Result<(), Failure> {
    Err(config("the sandbox is not built in yet").into())
}
