//! The mail extractors (EML, MBOX, Outlook MSG) on arbitrary bytes named `x.eml`: no panic,
//! bounded work. The name lowers the bar for EML; MBOX and MSG are still recognised by content.
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
        // OCR of attached images runs an external program: not what this target fuzzes.
        ocr_languages: None,
        ..Limits::default()
    };
    extract("x.eml", data, &limits, &mut Discard);
});
