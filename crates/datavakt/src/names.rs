//! The name lists of the `name` detector: a data file fetched once by `scripts/fetch-names`
//! (Faker's person providers, MIT licence), not compiled into the binary.

use std::path::{Path, PathBuf};

use detect::Names;

/// Where the lists are looked for when neither `--names` nor `$DATAVAKT_NAMES` is given.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("datavakt").join("names.tsv"))
}

/// Loads the lists from `explicit`, else `$DATAVAKT_NAMES`, else the default file. A list that
/// was asked for and cannot be read is an error; a missing default file only turns the name
/// detector off, with a note saying how to install it.
pub fn load(explicit: Option<&Path>) -> Result<Option<Names>, String> {
    let asked = explicit.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("DATAVAKT_NAMES")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let path = match asked {
        Some(p) => p,
        None => match default_path() {
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
    Ok(Some(names))
}
