//! Every extractor on arbitrary bytes, through the format dispatch: no panic, bounded work.
#![no_main]

use datavakt_extract::{extract, Limits, Problem, Sink};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

struct Discard;

impl Sink for Discard {
    fn text(&mut self, _location: &str, _text: &[u8]) {}
    fn problem(&mut self, _location: &str, _format: &str, _problem: Problem, _reason: &str) {}
}

fuzz_target!(|data: &[u8]| {
    common::contained_panics_are_no_crash();
    let limits = Limits {
        max_item_bytes: 16 << 20,
        max_expanded_bytes: 64 << 20,
        // OCR runs an external program: not what this target fuzzes.
        ocr_languages: None,
        ..Limits::default()
    };
    extract("fuzz", data, &limits, &mut Discard);
});
