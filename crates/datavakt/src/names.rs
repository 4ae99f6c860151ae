//! The name lists of the `name` detector: a data file fetched once by `scripts/fetch-names`
//! (Faker's person providers, MIT licence), not compiled into the binary.

use std::path::Path;

use detect::Names;

use crate::paths;

/// Loads the lists from `explicit`, else `$DATAVAKT_NAMES`, else the default file. A list that
/// was asked for and cannot be read is an error; a missing default file only turns the name
/// detector off, with a note saying how to install it. The hash of the text tells scans apart.
pub fn load(explicit: Option<&Path>) -> Result<Option<(Names, blake3::Hash)>, String> {
    let path = match paths::chosen(explicit, "DATAVAKT_NAMES") {
        Some(p) => p,
        None => match paths::data_file("names.tsv") {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read the name lists {}: {e} (fetch them with scripts/fetch-names FILE)",
            path.display()
        )
    })?;
    let names =
        Names::parse(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.reason))?;
    Ok(Some((names, blake3::hash(text.as_bytes()))))
}
