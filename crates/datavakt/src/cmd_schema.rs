//! `datavakt schema [OUTPUT]`: the JSON Schema of a JSON output (the output contract),
//! generated from the model's types.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use model::Document;

pub const HELP: &str = "\
The schema is JSON Schema draft 2020-12. `scan` (the default): every line of `datavakt scan
--format jsonl` is valid against it (a finding, an error, skipped or warning record, a url
record, or the summary). `findings`: every line of `datavakt findings list --format jsonl`.
`finding`: `datavakt findings show ID --format json`. `report` and `breach`: `datavakt report
--format json` and `datavakt report breach FOLDER --format json`. The contract changes only by
adding fields and kinds.

Examples:
  datavakt schema > datavakt.schema.json
  datavakt schema findings | jq .properties";

/// `datavakt schema`.
#[derive(Args)]
pub struct SchemaArgs {
    /// Which output's schema.
    #[arg(value_enum, default_value_t = Output::Scan)]
    output: Output,
}

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Scan,
    Findings,
    Finding,
    Report,
    Breach,
}

pub fn run(args: SchemaArgs) -> Result<ExitCode, String> {
    let of = match args.output {
        Output::Scan => Document::Scan,
        Output::Findings => Document::Findings,
        Output::Finding => Document::Finding,
        Output::Report => Document::Report,
        Output::Breach => Document::Breach,
    };
    let text = serde_json::to_string_pretty(&model::schema(of)).map_err(|e| e.to_string())?;
    // A closed pipe (`| head`) is not an error.
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(ExitCode::SUCCESS)
}
