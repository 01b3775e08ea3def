//! `xportcn model`: a `#[model]` declaration from a JSON answer.

use std::path::PathBuf;

use clap::Args;

use crate::{Failure, config, write_line};

/// `xportcn model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// The name of the top-level struct (e.g. `ProductDetail`).
    #[arg(long)]
    name: String,
    /// A JSON answer (the `{code, msg, data}` envelope or a bare value) or
    /// an exchange recorded with `xportcn call --record`; at most 16 MiB, not
    /// a symbolic link.
    file: PathBuf,
}

/// Prints the declaration (see `xportcn::codegen`).
pub fn run(args: &ModelArgs) -> Result<(), Failure> {
    // At most 16 MiB, never through a symbolic link.
    let text = xportcn::record::read_bounded(&args.file)?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = xportcn::codegen::generate_from_json(&args.name, &text, &format!("`{name}`"))
        .map_err(|e| config(e.to_string()))?;
    write_line(source.trim_end())
}
