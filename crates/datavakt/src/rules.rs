//! The user's rules file (`--rules`, `$DATAVAKT_RULES`, or `rules.toml` in the config
//! directory) and `datavakt rules list|test`.

use std::io::Read;
use std::path::{Path, PathBuf};

use detect::rules::{Rules, BUILTIN_KINDS};
use detect::{Detector, Finding};

use crate::paths;

/// Loads the rules from `explicit`, else `$DATAVAKT_RULES`, else the default file if there is
/// one. Returns the rules, where they came from and the hash of the text; a file that was asked for and is missing,
/// or any mistake in it, is an error that names the file, line and column.
pub fn load(explicit: Option<&Path>) -> Result<Option<(Rules, PathBuf, blake3::Hash)>, String> {
    let path = match paths::chosen(explicit, "DATAVAKT_RULES") {
        Some(p) => p,
        None => match paths::config_file("rules.toml") {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the rules file {}: {e}", path.display()))?;
    let rules = Rules::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    Ok(Some((rules, path, blake3::hash(text.as_bytes()))))
}

/// `datavakt rules list`: every built-in detector with its settings, then every rule.
pub fn list(det: &Detector, origin: Option<&Path>, names: bool) -> String {
    let rules = det.rules();
    let mut s = String::from("Built-in detectors:\n");
    for kind in BUILTIN_KINDS {
        let setting = match rules.detector(kind) {
            Some(c) => c.to_string(),
            None if *kind == "name" && !names => "off (no name lists installed)".to_string(),
            None => "on".to_string(),
        };
        s.push_str(&format!("  {kind:<18} {setting}\n"));
    }
    match origin {
        Some(p) => s.push_str(&format!("Rules from {}:\n", p.display())),
        None => s.push_str(
            "No rules file (give --rules FILE, set $DATAVAKT_RULES, or write \
             ~/.config/datavakt/rules.toml).\n",
        ),
    }
    if origin.is_some() && rules.rules().is_empty() {
        s.push_str("  (none)\n");
    }
    for r in rules.rules() {
        s.push_str(&format!("  {r}\n"));
    }
    s
}

/// `datavakt rules test FILE|-`: what each detector and rule finds in a sample and why,
/// and the rule matches that a validator or a required context turned away.
pub fn test(det: &Detector, sample: &Path, show_values: bool) -> Result<String, String> {
    let mut text = vec![];
    let read = if sample.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut text)
    } else {
        std::fs::File::open(sample).and_then(|mut f| f.read_to_end(&mut text))
    };
    read.map_err(|e| format!("cannot read the sample {}: {e}", sample.display()))?;
    let mut found: Vec<Finding> = vec![];
    det.scan(&text, &mut found);
    let mut s = String::new();
    for f in &found {
        let value = if show_values {
            format!(" = {}", f.value.expose())
        } else {
            String::new()
        };
        s.push_str(&format!(
            "line {}: {} {} {}{value}: {}\n",
            f.line,
            f.kind_name(),
            f.confidence,
            f.masked,
            f.reason
        ));
    }
    let (mut kept, mut rejected) = (vec![], vec![]);
    det.rules().test(&text, &mut kept, &mut rejected);
    for r in &rejected {
        let line = 1 + memchr_count(&text[..r.start.min(text.len())]);
        let id = det.rules().rules().get(r.rule).map_or("?", |r| &r.id);
        s.push_str(&format!("line {line}: rule {id} rejected: {}\n", r.why));
    }
    if s.is_empty() {
        s.push_str("nothing found\n");
    }
    Ok(s)
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}
