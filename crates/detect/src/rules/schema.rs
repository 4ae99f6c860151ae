//! The rules file as written: its serde types, every value with its span, read with the
//! `toml` crate; and the checks of single values (names, levels, words) that give an error
//! at the value.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{RulesError, MAX_CONTEXT_WORDS, MAX_WORD_BYTES};
use crate::kind::Confidence;
use crate::toml_error;

/// Longest rule id or kind.
const MAX_NAME: usize = 64;

pub(super) type Words = Option<Spanned<Vec<Spanned<String>>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) detector: BTreeMap<Spanned<String>, Spanned<RawDetector>>,
    #[serde(default)]
    pub(super) rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDetector {
    pub(super) enabled: Option<bool>,
    pub(super) min_confidence: Option<Spanned<String>>,
    pub(super) context: Words,
    pub(super) exceptions: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) category: Spanned<String>,
    pub(super) sensitivity: Spanned<String>,
    pub(super) regex: Option<Spanned<String>>,
    pub(super) validator: Option<Spanned<String>>,
    pub(super) words: Words,
    pub(super) case_sensitive: Option<Spanned<bool>>,
    pub(super) context: Words,
    pub(super) context_window: Option<Spanned<usize>>,
    pub(super) require_context: Option<Spanned<bool>>,
    pub(super) mask_keep: Option<Spanned<usize>>,
    pub(super) all_of: Words,
    pub(super) any_of: Words,
    pub(super) none_of: Words,
    pub(super) within: Option<Spanned<usize>>,
}

/// The file read into its serde types; a TOML error, an unknown key or a missing one is an
/// error at its place (`err` places it).
pub(super) fn read(
    text: &str,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<RawFile, RulesError> {
    toml::from_str(text).map_err(|e| {
        let (span, mut reason) = toml_error::parse_error(
            &e,
            &[
                ("struct RawDetector", "a table of detector settings"),
                ("struct RawRule", "a rule table"),
                ("struct RawFile", "a table"),
            ],
        );
        if text
            .get(span.clone())
            .is_some_and(|t| t.starts_with("[rule]"))
        {
            reason.push_str(" (each rule is a `[[rule]]` table, with double brackets)");
        }
        err(span, reason)
    })
}

pub(super) fn level(s: &Spanned<String>, key: &str) -> Result<Confidence, String> {
    Confidence::parse(s.get_ref())
        .ok_or_else(|| format!("bad {key} '{}': expected low, medium or high", s.get_ref()))
}

pub(super) fn name_form(s: &str, what: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > MAX_NAME {
        return Err(format!("{what} must have 1 to {MAX_NAME} characters"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "{what} '{s}' may hold only lower-case letters a-z, digits and '-'"
        ));
    }
    Ok(())
}

/// A word or context word: trimmed, not empty, not too long.
pub(super) fn word(
    w: &Spanned<String>,
    what: &str,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<String, RulesError> {
    let t = w.get_ref().trim();
    if t.is_empty() {
        return Err(err(w.span(), format!("empty {what}")));
    }
    if t.len() > MAX_WORD_BYTES {
        return Err(err(
            w.span(),
            format!("{what} longer than {MAX_WORD_BYTES} bytes"),
        ));
    }
    Ok(t.to_string())
}

pub(super) fn context_words(
    list: Words,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<Vec<String>, RulesError> {
    let Some(list) = list else { return Ok(vec![]) };
    if list.get_ref().len() > MAX_CONTEXT_WORDS {
        return Err(err(
            list.span(),
            format!("more than {MAX_CONTEXT_WORDS} context words"),
        ));
    }
    let mut out: Vec<String> = vec![];
    for w in list.get_ref() {
        let w = word(w, "context word", err)?.to_lowercase();
        if !out.contains(&w) {
            out.push(w);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let e = error("[[rule]]\nid = \"a\"\nkind = \n");
        assert_eq!((e.origin.as_str(), e.line), ("rules.toml", 3), "{e}");
        assert!(!e.reason.is_empty() && !e.reason.contains('\n'), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_at_the_key() {
        fails_at(
            &format!("{HEAD}regex = 'x'\nrequire = true\n"),
            7,
            "unknown field `require`",
        );
        fails_at(
            "[detector.dk-cpr]\nenable = false\n",
            2,
            "unknown field `enable`",
        );
        fails_at("rule_count = 1\n", 1, "unknown field `rule_count`");
        fails_at(
            "[rule]\nid = 'x'\n",
            1,
            "`[[rule]]` table, with double brackets",
        );
    }

    #[test]
    fn missing_fields_are_errors() {
        fails_at(
            "[[rule]]\nid = \"a\"\nkind = \"k\"\ncategory = \"other\"\nregex = 'x'\n",
            1,
            "sensitivity",
        );
    }

    #[test]
    fn bad_levels_categories_and_names_are_errors() {
        let text = "[[rule]]\nid = \"r\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"hgh\"\nregex = 'x'\n";
        fails_at(
            text,
            5,
            "bad sensitivity 'hgh': expected low, medium or high",
        );
        fails_at(
            "[detector.email]\nmin_confidence = \"HIGH\"\n",
            2,
            "bad min_confidence 'HIGH'",
        );
        fails_at(
            "[detector.health]\ncontext = [\"journal\"]\n",
            2,
            "context words are read for dk-cpr",
        );
        fails_at(
            &text.replace("\"other\"", "\"misc\""),
            4,
            "unknown category 'misc'",
        );
        fails_at(
            &text.replace("id = \"r\"", "id = \"My Rule\""),
            2,
            "rule id 'My Rule'",
        );
        fails_at(
            &text.replace("id = \"r\"", "id = \"health\""),
            2,
            "built-in kind",
        );
        fails_at(
            &text.replace("kind = \"k\"", "kind = \"dk-cpr\""),
            3,
            "built-in kind",
        );
        fails_at(
            &format!("{HEAD}regex = 'x'\ncontext = ['a']\ncontext_window = 0\n"),
            8,
            "1 to 4096",
        );
        fails_at(&format!("{HEAD}words = ['a', ' ']\n"), 6, "empty word");
    }
}
