//! The PDF extractor (pdf_oxide) on arbitrary bytes named `x.pdf`: no panic escapes, bounded
//! work. Input that does not start with `%PDF-` is not a PDF to the dispatch, so the target puts
//! the signature in front of inputs that lack it.
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
        // OCR of scanned pages and attached images runs an external program.
        ocr_languages: None,
        ..Limits::default()
    };
    if data.starts_with(b"%PDF-") {
        extract("x.pdf", data, &limits, &mut Discard);
    } else {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend_from_slice(data);
        extract("x.pdf", &pdf, &limits, &mut Discard);
    }
});
