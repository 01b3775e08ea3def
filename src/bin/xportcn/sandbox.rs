//! `xportcn sandbox`: the embedded fake platform, in the foreground.

use clap::Args;
use xportcn::Credentials;
use xportcn::sandbox::{RequestRecord, Sandbox};
use xportcn::signing::generate_nonce;

use crate::{Failure, Global, write_line};

/// `xportcn sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

/// Runs the sandbox until Ctrl-C, logging each request to stderr.
///
/// With all three credentials given (`XPORTCN_*`), the sandbox accepts
/// those and they are not printed. Otherwise it runs with made-up ones,
/// printed as `name=value` lines, the secret too: it guards nothing but
/// this sandbox, and a client needs it to sign.
pub async fn run(global: &Global, args: &SandboxArgs) -> Result<(), Failure> {
    let (creds, made_up_secret) = match global.credentials_opt() {
        Some(creds) => (creds, None),
        None => {
            let secret = random(32);
            let key = format!("sbx{}", random(29).to_lowercase());
            let creds = Credentials::new(key, secret.clone(), "2100007341207");
            (creds, Some(secret))
        }
    };
    let sandbox = Sandbox::builder()
        .credentials(creds)
        .port(args.port)
        .on_request(|r: &RequestRecord| eprintln!("{r}"))
        .start()
        .await?;
    if let Some(secret) = made_up_secret {
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

/// `n` random letters and digits (at most 32).
fn random(n: usize) -> String {
    let raw = generate_nonce();
    String::from_utf8_lossy(&raw[..n.min(raw.len())]).into_owned()
}
