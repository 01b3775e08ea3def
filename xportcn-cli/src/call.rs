//! `xportcn call`: one signed call, by endpoint id or by path.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};
use futures_util::StreamExt;
use serde_json::{Map, Value};
use xportcn::endpoint::{self, Method};
use xportcn::{Error, RawCall};

use crate::{Failure, Global, config, write_line};

/// `xportcn call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// An endpoint id (e.g. `TB-P8`, see `xportcn endpoints`), or a path
    /// starting with `/` (sent as is, not retried).
    target: String,
    /// HTTP method. An id has its own (giving another one is an error); a
    /// path defaults to GET.
    #[arg(long, value_enum)]
    method: Option<MethodArg>,
    /// The request's fields as JSON (or `@FILE`): the body of a POST, the
    /// query string of a GET (then a flat object).
    #[arg(long, value_name = "BODY", conflicts_with = "query")]
    json: Option<String>,
    /// One request field (repeatable), as text: the query string of a GET,
    /// a JSON object of strings for a POST.
    #[arg(long = "query", value_name = "K=V")]
    query: Vec<String>,
    /// A `{name}` placeholder of the endpoint's path (repeatable).
    #[arg(long = "path-param", value_name = "NAME=VALUE")]
    path_params: Vec<String>,
    /// Sends the endpoint id to this path instead of its own
    /// (`ClientBuilder::override_path`).
    #[arg(long, value_name = "P")]
    path: Option<String>,
    /// Streams every item of a paged list, one JSON line each.
    #[arg(long)]
    all_pages: bool,
    /// With `--all-pages`: stop after this many pages (the SDK's default,
    /// `Pages::max_pages`, is also 1,000).
    #[arg(long, default_value_t = 1000, requires = "all_pages")]
    max_pages: u32,
    /// Records each exchange (request and answer, credentials never and
    /// personal data redacted) as a JSON file in this directory
    /// (`ClientBuilder::record_to`), for `xportcn model` and the sandbox's
    /// `replay_from`.
    #[arg(long, value_name = "DIR")]
    record: Option<std::path::PathBuf>,
}

/// `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
enum MethodArg {
    Get,
    Post,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::Get => Method::Get,
            MethodArg::Post => Method::Post,
        }
    }
}

/// Sends the call and prints `data`, or every item with `--all-pages`.
pub async fn run(global: &Global, args: CallArgs) -> Result<(), Failure> {
    let call = build(global, &args)?;
    if args.all_pages {
        return stream_items(call, args.max_pages).await;
    }
    // `data` kept as text and re-indented as it is written: a `Value` tree
    // of a large answer cost up to 84x its size (722 MB for 7.5 MiB).
    let resp = call.send_raw().await.map_err(for_the_cli)?;
    let xportcn::envelope::ApiResponse { data, body, .. } = resp;
    drop(body);
    write_pretty(data.get())
}

/// Writes JSON text to stdout, indented, and a newline.
fn write_pretty(json: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = crate::json_text::write_pretty(json, &mut out)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.map_err(Failure::io("cannot write to stdout")),
    }
}

/// The SDK's error, with the fix a command-line user applies: a path is set
/// with `--path`, not with `ClientBuilder::override_path`.
fn for_the_cli(e: Error) -> Failure {
    match e {
        Error::PathUnavailable {
            endpoint,
            generation,
            reason,
            ..
        } => Failure::Refused(format!(
            "{endpoint}: not sent: {reason} in the {generation} path generation; if you know the \
             path, pass it with --path (xportcn call {endpoint} --path /the/path) or set it in \
             the file named by XPORTCN_PATH_OVERRIDES ([{generation}] \"{endpoint}\" = \"/the/path\")"
        )),
        Error::GuessedPathNotFound {
            endpoint,
            generation,
            path,
            ..
        } => Failure::Refused(format!(
            "{endpoint}: HTTP 404 from {path}, a {generation} path the SDK guessed from naming \
             conventions (no doc page shows it); pass the right one with --path \
             (xportcn call {endpoint} --path /the/path)"
        )),
        other => other.into(),
    }
}

/// The call the arguments describe.
fn build(global: &Global, args: &CallArgs) -> Result<RawCall, Error> {
    let given_method = args.method.map(Method::from);
    let (call, method) = if args.target.starts_with('/') {
        if args.path.is_some() || !args.path_params.is_empty() || args.all_pages {
            return Err(config(
                "--path, --path-param and --all-pages need an endpoint id, not a path",
            ));
        }
        let method = given_method.unwrap_or(Method::Get);
        (client(global, args, &[])?.raw(method, &args.target), method)
    } else {
        let spec = endpoint::find(&args.target).ok_or_else(|| {
            config(format!(
                "no endpoint has the id {:?} (see `xportcn endpoints`); a path starts with '/'",
                args.target
            ))
        })?;
        if given_method.is_some_and(|m| m != spec.method) {
            return Err(config(format!(
                "{} is a {}: --method does not change an endpoint's method",
                spec.id, spec.method
            )));
        }
        let overrides: Vec<(&str, &str)> =
            args.path.iter().map(|p| (spec.id, p.as_str())).collect();
        let mut call = client(global, args, &overrides)?.endpoint(spec);
        for pair in &args.path_params {
            let (name, value) = split_pair(pair, "--path-param")?;
            call = call.path_param(name, value);
        }
        (call, spec.method)
    };
    Ok(match (method, fields(args)?) {
        (_, None) => call,
        (Method::Get, Some(Value::Object(map))) => call.query(&map),
        (Method::Get, Some(_)) => {
            return Err(Error::Request(
                "a GET's fields travel as the query string: --json must be a flat object".into(),
            ));
        }
        (_, Some(body)) => call.json(&body),
    })
}

/// The client, recording with `--record`.
fn client(
    global: &Global,
    args: &CallArgs,
    overrides: &[(&str, &str)],
) -> Result<xportcn::Client, Error> {
    let builder = global.client_builder(overrides)?;
    match &args.record {
        Some(dir) => builder.record_to(dir),
        None => builder,
    }
    .build()
}

/// The request's fields from `--json` or `--query`, if any.
fn fields(args: &CallArgs) -> Result<Option<Value>, Error> {
    if let Some(json) = &args.json {
        let text = match json.strip_prefix('@') {
            Some(file) => std::fs::read_to_string(file)
                .map_err(|e| config(format!("cannot read --json file {file}: {e}")))?,
            None => json.clone(),
        };
        let value = serde_json::from_str(&text)
            .map_err(|e| Error::Request(format!("--json is not valid JSON: {e}")))?;
        return Ok(Some(value));
    }
    if args.query.is_empty() {
        return Ok(None);
    }
    let mut map = Map::new();
    for pair in &args.query {
        let (k, v) = split_pair(pair, "--query")?;
        map.insert(k.to_owned(), Value::String(v.to_owned()));
    }
    Ok(Some(Value::Object(map)))
}

/// `name=value`.
fn split_pair<'a>(pair: &'a str, flag: &str) -> Result<(&'a str, &'a str), Error> {
    pair.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| config(format!("{flag} takes name=value, not {pair:?}")))
}

/// Prints every item of a paged list as one JSON line, with a count on
/// stderr when it is a terminal.
async fn stream_items(call: RawCall, max_pages: u32) -> Result<(), Failure> {
    let progress = std::io::stderr().is_terminal();
    let mut items = std::pin::pin!(call.pages(max_pages));
    let mut n: u64 = 0;
    let result = loop {
        match items.next().await {
            None => break Ok(()),
            Some(Err(e)) => break Err(for_the_cli(e)),
            Some(Ok(item)) => {
                n += 1;
                if let Err(e) = write_line(&item.to_string()) {
                    break Err(e);
                }
                if progress {
                    eprint!("\r{n} items");
                }
            }
        }
    };
    if progress {
        eprintln!("\r{n} items");
    }
    result
}
