//! The office files of the labelled corpus and of OSdatascanner's test data (both in
//! `../shared`, skipped when absent): every identity number the truth lists for a file must be
//! in the text extracted from it.

use std::path::{Path, PathBuf};

use super::tests::run;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
const FORMATS: &[&str] = &[
    "docx", "xlsx", "pptx", "odt", "ods", "odp", "rtf", "doc", "xls", "ppt",
];

/// Letters and digits only, upper case: how numbers are compared.
fn canonical(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A number with its identifying part hidden, for messages.
fn mask(value: &str) -> String {
    let shown: String = value.chars().take(6).collect();
    format!("{shown}****")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Checks every office file of a corpus against its truth; returns (files, ids, problems).
fn check(root: &Path, only_office: bool) -> Option<(usize, usize, Vec<String>)> {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("truth.json")).ok()?).ok()?;
    let files = truth.get("files")?.as_object()?;
    let mut paths = Vec::new();
    files_under(&root.join("files"), &mut paths);
    paths.sort();
    let (mut n_files, mut n_ids) = (0, 0);
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        let rel = path
            .strip_prefix(root.join("files"))
            .ok()?
            .to_string_lossy()
            .into_owned();
        let ext = rel
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if only_office && !FORMATS.contains(&ext.as_str()) {
            continue;
        }
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        n_files += 1;
        let got = run(&rel, &data);
        for (loc, format, problem, reason) in &got.problems {
            problems.push(format!(
                "{rel}: {loc}: {format}: {}: {reason}",
                problem.name()
            ));
        }
        let text = canonical(&got.all());
        let ids = files
            .get(&rel)
            .and_then(|f| f.get("ids"))
            .and_then(|i| i.as_array())
            .cloned()
            .unwrap_or_default();
        for id in ids {
            let Some(value) = id.get(1).and_then(|v| v.as_str()) else {
                continue;
            };
            n_ids += 1;
            let value = canonical(value);
            // A number typed into a spreadsheet's number cell loses its leading zero.
            let unpadded = value.strip_prefix('0').filter(|_| ext.starts_with("xls"));
            if !text.contains(&value) && !unpadded.is_some_and(|v| text.contains(v)) {
                let kind = id.get(0).and_then(|k| k.as_str()).unwrap_or("?");
                missing.push(format!("{rel}: {kind} {}", mask(&value)));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "numbers not extracted:\n{}",
        missing.join("\n")
    );
    Some((n_files, n_ids, problems))
}

#[test]
fn corpus_office_files() {
    let root = Path::new(SHARED).join("corpus");
    if !root.join("files").is_dir() {
        println!("SKIPPED: {} is absent", root.display());
        return;
    }
    let (files, ids, problems) = check(&root, true).expect("a readable truth.json");
    println!("{files} office files, {ids} identity numbers found");
    for p in &problems {
        println!("problem: {p}");
    }
    assert!(files > 100, "only {files} office files in the corpus");
}

#[test]
fn osdatascanner_office_files() {
    let root = Path::new(SHARED).join("external/osdatascanner");
    if !root.join("files").is_dir() {
        println!("SKIPPED: {} is absent", root.display());
        return;
    }
    let mut paths = Vec::new();
    for dir in ["msoffice", "libreoffice"] {
        files_under(&root.join("files").join(dir), &mut paths);
    }
    paths.sort();
    for path in &paths {
        let data = std::fs::read(path).expect("readable");
        let name = path.to_string_lossy();
        let got = run(&name, &data);
        let chars: usize = got.texts.iter().map(|(_, t)| t.len()).sum();
        println!("{name}: {} texts, {chars} bytes", got.texts.len());
        for (loc, format, problem, reason) in &got.problems {
            println!(
                "  problem at {loc:?}: {format}: {}: {reason}",
                problem.name()
            );
        }
    }
    // The numbers OSdatascanner's truth lists for these files.
    let (_, ids, _) = check(&root, true).expect("a readable truth.json");
    assert!(ids >= 4);
}
