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
    /// an exchange recorded with `xportcn call --record`.
    file: PathBuf,
}

/// Prints the declaration (see `xportcn::codegen`).
pub fn run(args: &ModelArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(Failure::io(format!("cannot read {}", args.file.display())))?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = xportcn::codegen::generate_from_json(&args.name, &text, &format!("`{name}`"))
        .map_err(|e| config(e.to_string()))?;
    write_line(source.trim_end())
}
