//! `xportcn`: the command-line tool of the xportcn SDK (package `xportcn-cli`).
//!
//! ```text
//! xportcn sign --timestamp 1715669977082 --nonce a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6
//! xportcn call TB-P8 --query itemId=672991141190
//! xportcn call AL-P4 --json '{"keyword":"phone case","pageSize":50}' --all-pages
//! xportcn call TB-P8 --query itemId=672991141190 --record recordings/
//! xportcn model --name Product recordings/TB-P8-....json
//! xportcn endpoints
//! xportcn endpoints show TB-O12
//! xportcn check TB-O12 TB-P8
//! xportcn sandbox --port 8080 --replay recordings/
//! xportcn webhook verify --body push.json --headers-file push.headers
//! xportcn webhook listen --port 8080
//! ```
//!
//! Credentials come from `--access-key`, `--access-secret`, `--user-id` or
//! `XPORTCN_ACCESS_KEY`, `XPORTCN_ACCESS_SECRET`, `XPORTCN_USER_ID` (prefer
//! the environment for the secret: a command line is visible to other
//! users). The secret is never printed.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xportcn::endpoint::Generation;
use xportcn::{Client, Credentials};

mod call;
mod check;
mod duration;
mod endpoints;
mod json_text;
mod model;
mod probe;
mod sandbox;
mod sign;
mod webhook;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "xportcn",
    version,
    about = "Xportcn / PandaPon OpenAPI from the command line"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Args)]
struct Global {
    /// Access Key.
    #[arg(long, env = "XPORTCN_ACCESS_KEY", global = true)]
    access_key: Option<String>,
    /// Access Secret (prefer the environment variable: a command line is
    /// visible to other users of the machine).
    #[arg(
        long,
        env = "XPORTCN_ACCESS_SECRET",
        hide_env_values = true,
        global = true
    )]
    access_secret: Option<String>,
    /// User id sent in the `user-id` header.
    #[arg(long, env = "XPORTCN_USER_ID", global = true)]
    user_id: Option<String>,
    /// Base URL of the platform (default: Xportcn, https://www.xportcn.com/api).
    /// Its value from the environment is not shown in `--help`.
    #[arg(long, env = "XPORTCN_BASE_URL", hide_env_values = true, global = true)]
    base_url: Option<String>,
    /// Path generation: v1 (`/open/...`, `/alibaba/...`) or v2 (`/v2/...`).
    #[arg(long, value_enum, default_value_t = Gen::V1, global = true)]
    generation: Gen,
}

impl std::fmt::Debug for Global {
    /// Never shows the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Global")
            .field("access_key", &self.access_key)
            .field("access_secret", &self.access_secret.as_ref().map(|_| "***"))
            .field("user_id", &self.user_id)
            // A base URL may carry `user:password@` (refused by the client).
            .field(
                "base_url",
                &self
                    .base_url
                    .as_ref()
                    .map(|u| if u.contains('@') { "***" } else { u.as_str() }),
            )
            .field("generation", &self.generation)
            .finish()
    }
}

/// `--generation`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Gen {
    V1,
    V2,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prints the five signed request headers and the signed string (secret
    /// masked), to debug a signature mismatch.
    Sign(sign::SignArgs),
    /// Sends a signed call to an endpoint (by id, e.g. TB-P8) or a path,
    /// printing `data` as JSON.
    Call(call::CallArgs),
    /// Lists the endpoint registry: ids, methods, paths and their evidence
    /// (`endpoints show ID`: one endpoint with its request fields).
    Endpoints(endpoints::EndpointsArgs),
    /// Readiness: which endpoints can be sent in production under the
    /// current configuration (path overrides from XPORTCN_PATH_OVERRIDES);
    /// exits non-zero when a named one cannot. Nothing is sent.
    Check(check::CheckArgs),
    /// Prints a `#[model]` declaration for a JSON answer or a recorded
    /// exchange (`call --record`).
    Model(model::ModelArgs),
    /// Runs the embedded fake platform in the foreground, logging each
    /// request.
    Sandbox(sandbox::SandboxArgs),
    /// Checks or receives webhook pushes.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Finds the undocumented path of read endpoints with signed, harmless
    /// requests (never a write), and prints override lines to paste.
    Probe(probe::ProbeArgs),
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// The SDK's error.
    #[error(transparent)]
    Sdk(#[from] xportcn::Error),
    /// A call the SDK refused, with the command-line fix.
    #[error("{0}")]
    Refused(String),
    /// A push that did not verify.
    #[error("push rejected: {0}")]
    Rejected(#[from] xportcn::callbacks::Rejection),
    /// A file or stream that could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Failure {
    /// An I/O failure while doing `what`.
    fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Failure {
        let what = what.into();
        move |source| Failure::Io { what, source }
    }
}

/// A configuration error.
fn config(message: impl Into<String>) -> xportcn::Error {
    xportcn::Error::Config(message.into())
}

impl Global {
    /// The credentials, or which of them are missing.
    fn credentials(&self) -> Result<Credentials, xportcn::Error> {
        self.credentials_opt().ok_or_else(|| {
            let missing: Vec<&str> = [
                (&self.access_key, "--access-key / XPORTCN_ACCESS_KEY"),
                (
                    &self.access_secret,
                    "--access-secret / XPORTCN_ACCESS_SECRET",
                ),
                (&self.user_id, "--user-id / XPORTCN_USER_ID"),
            ]
            .into_iter()
            .filter(|(v, _)| given(v).is_none())
            .map(|(_, name)| name)
            .collect();
            config(format!("missing credentials: set {}", missing.join(", ")))
        })
    }

    /// The credentials when all three are given.
    fn credentials_opt(&self) -> Option<Credentials> {
        match (
            given(&self.access_key),
            given(&self.access_secret),
            given(&self.user_id),
        ) {
            (Some(k), Some(s), Some(u)) => Some(Credentials::new(k, s, u)),
            _ => None,
        }
    }

    fn generation(&self) -> Generation {
        match self.generation {
            Gen::V1 => Generation::V1,
            Gen::V2 => Generation::V2,
        }
    }

    /// A client builder from the options, with path overrides `(id, path)`.
    fn client_builder(
        &self,
        overrides: &[(&str, &str)],
    ) -> Result<xportcn::ClientBuilder, xportcn::Error> {
        let mut builder = Client::builder()
            .credentials(self.credentials()?)
            .generation(self.generation());
        if let Some(url) = given(&self.base_url) {
            builder = builder.base_url(url);
        }
        for (id, path) in overrides {
            builder = builder.override_path(*id, *path);
        }
        Ok(builder)
    }
}

/// A set, non-blank option value, trimmed.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign::run(&cli.global, &args),
        Command::Call(args) => call::run(&cli.global, args).await,
        Command::Endpoints(args) => endpoints::run(&args),
        Command::Check(args) => check::run(&cli.global, &args),
        Command::Model(args) => model::run(&args),
        Command::Sandbox(args) => sandbox::run(&cli.global, &args).await,
        Command::Webhook(cmd) => webhook::run(&cli.global, cmd).await,
        Command::Probe(args) => probe::run(&cli.global, &args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes one line to stdout. A closed pipe (`xportcn endpoints | head`)
/// ends the program quietly, as for any command-line filter.
fn write_line(line: &str) -> Result<(), Failure> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{line}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.map_err(Failure::io("cannot write to stdout")),
    }
}
