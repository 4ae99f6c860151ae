//! `datavakt schema`: the JSON Schema of every JSON Lines record a scan prints (the output
//! contract), generated from the model's types.

use std::io::Write;
use std::process::ExitCode;

pub const HELP: &str = "\
The schema is JSON Schema draft 2020-12; every line of `datavakt scan --format jsonl` is
valid against it (a finding, an error, skipped or warning record, a url record, or the
summary). The contract changes only by adding fields and kinds.

Example:
  datavakt schema > datavakt.schema.json";

pub fn run() -> Result<ExitCode, String> {
    let text = serde_json::to_string_pretty(&model::schema()).map_err(|e| e.to_string())?;
    // A closed pipe (`| head`) is not an error.
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(ExitCode::SUCCESS)
}
