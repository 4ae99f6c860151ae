//! Places and words for mistakes in the TOML files a user writes (the rules file here, the
//! policy file in `datavakt-assess`): a byte span becomes a 1-based line and column, and a
//! parse error of the `toml` crate becomes one line of text.
//!
//! ```
//! use datavakt_detect::toml_error::position;
//! assert_eq!(position("a = 1\nb = 'ö'\n", 10), (2, 5));
//! ```

use std::ops::Range;

/// 1-based line and column (in characters) of a byte offset of `text`. An offset inside a
/// character counts as that character's start; one past the end as the end.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where a parse error of the `toml` crate points (the start of the file when it does not
/// say), and its message on one line with the Rust names in it replaced: `renames` holds
/// (name, words) pairs, replaced in that order ("struct RawRule" → "a rule table").
pub fn parse_error(e: &toml::de::Error, renames: &[(&str, &str)]) -> (Range<usize>, String) {
    let mut reason = e.message().trim().replace('\n', "; ");
    for (name, words) in renames {
        reason = reason.replace(name, words);
    }
    (e.span().unwrap_or(0..0), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd = 1\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 3), (2, 1));
        // After the two bytes of "ç": the second character.
        assert_eq!(position(text, 5), (2, 2));
        // Inside "ç": its start.
        assert_eq!(position(text, 4), (2, 1));
        assert_eq!(position(text, 1000), (3, 1));
    }

    #[test]
    fn parse_errors_are_one_line_with_names_replaced() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct RawThing {
            a: i64,
        }
        let e = toml::from_str::<RawThing>("\nb = 1\n").unwrap_err();
        let (span, reason) = parse_error(&e, &[("struct RawThing", "a thing")]);
        assert_eq!(position("\nb = 1\n", span.start).0, 2);
        assert!(!reason.contains('\n'), "{reason}");
        assert!(reason.contains("unknown field `b`"), "{reason}");
        assert!(!reason.contains("RawThing"), "{reason}");
    }
}
