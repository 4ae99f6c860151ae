//! What the unit tests of the rules module share: parsing a file that must parse or fail,
//! and the example of the module documentation.

use super::*;

/// The example of the module documentation, taken from this file.
pub(super) fn documented_example() -> String {
    let src = include_str!("mod.rs");
    let mut out = String::new();
    let mut inside = false;
    for line in src.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if doc == "```toml" {
            inside = true;
        } else if inside && doc == "```" {
            break;
        } else if inside {
            out.push_str(doc);
            out.push('\n');
        }
    }
    out
}

pub(super) fn parse(text: &str) -> Rules {
    Rules::parse(text, "rules.toml").unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn error(text: &str) -> RulesError {
    match Rules::parse(text, "rules.toml") {
        Ok(_) => panic!("parsed:\n{text}"),
        Err(e) => e,
    }
}

/// Asserts an error on `line` whose reason contains `needle`.
pub(super) fn fails_at(text: &str, line: usize, needle: &str) {
    let e = error(text);
    assert_eq!(e.line, line, "{e}");
    assert!(e.reason.contains(needle), "{e}");
    assert!(
        e.to_string().starts_with(&format!("rules.toml:{line}:")),
        "{e}"
    );
}

pub(super) fn matches(rules: &Rules, text: &str) -> Vec<RuleMatch> {
    let mut out = vec![];
    rules.matches(text.as_bytes(), &mut out);
    out
}

pub(super) const HEAD: &str =
    "[[rule]]\nid = \"r\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n";
