//! The rules-file parser on arbitrary text: no panic, and every error names a line and a
//! column inside the text. Rules that parse are run over the same text, which must not panic
//! either.
#![no_main]

use datavakt_detect::rules::Rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Rules::parse(text, "fuzz.toml") {
        Ok(rules) => {
            let mut found = vec![];
            rules.matches(data, &mut found);
            let mut composed = vec![];
            rules.compose(&found, &[("health", 0, data.len())], &mut composed);
        }
        Err(e) => {
            let lines = text.lines().count().max(1);
            assert!(
                e.line >= 1 && e.line <= lines + 1 && e.column >= 1,
                "error at {}:{} outside a text of {lines} lines: {}",
                e.line,
                e.column,
                e.reason
            );
        }
    }
});
