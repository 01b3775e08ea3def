//! `xportcn sign`: the signed headers of one request, for debugging.

use clap::{Args, ValueEnum};
use xportcn::signing::TimestampUnit;
use xportcn::signing::{self, NONCE_LEN, SignedHeaders};

use crate::{Failure, Global, given};

/// `xportcn sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The `timestamp` header to sign (default: now, in `--unit`).
    #[arg(long)]
    timestamp: Option<String>,
    /// The `nonce-str` header to sign (default: a fresh random one).
    #[arg(long)]
    nonce: Option<String>,
    /// Unit of the generated timestamp, when no `--timestamp` is given
    /// (seconds by default, as the SDK's client sends).
    #[arg(long, value_enum, default_value_t = Unit::S)]
    unit: Unit,
}

/// `--unit`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Unit {
    /// Epoch milliseconds (13 digits).
    Ms,
    /// Epoch seconds (10 digits).
    S,
}

/// Prints the five headers and the signed string with the secret masked.
pub fn run(global: &Global, args: &SignArgs) -> Result<(), Failure> {
    let creds = global.credentials()?;
    let unit = match args.unit {
        Unit::Ms => TimestampUnit::Millis,
        Unit::S => TimestampUnit::Seconds,
    };
    let timestamp = args
        .timestamp
        .clone()
        .unwrap_or_else(|| unit.now().to_string());
    let nonce = match &args.nonce {
        Some(n) => n.clone(),
        None => String::from_utf8_lossy(&signing::generate_nonce()).into_owned(),
    };
    let signature = match <[u8; NONCE_LEN]>::try_from(nonce.as_bytes()) {
        // The client's own signing code, for a nonce of the usual length.
        Ok(bytes) => SignedHeaders::at(&creds, &timestamp, bytes)
            .signature()
            .to_owned(),
        // Another client's nonce of another length: the same rule.
        Err(_) => signing::sign(
            creds.access_key(),
            &timestamp,
            &nonce,
            given(&global.access_secret).unwrap_or_default(),
        ),
    };
    println!("access-key: {}", creds.access_key());
    println!("timestamp: {timestamp}");
    println!("nonce-str: {nonce}");
    println!("user-id: {}", creds.user_id());
    println!("signature: {signature}");
    println!(
        "signed-string: {}",
        signing::signing_string_masked(creds.access_key(), &timestamp, &nonce)
    );
    Ok(())
}
