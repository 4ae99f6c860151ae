//! Extraction: from an item's bytes to text the detectors read.
//!
//! This crate holds the plain-text extractor: it recognises binary content from the first
//! block (magic numbers, NUL bytes) so that binary files cost one small read, and reads text
//! in bounded chunks whatever its encoding. UTF-8 and the 8-bit Nordic encodings
//! (Windows-1252, ISO-8859-1) are passed through unchanged, because the detectors read any
//! ASCII-compatible bytes; UTF-16 is transcoded to UTF-8 with `encoding_rs`.

mod text;

pub use text::{sniff, Content, TextReader, BLOCK};
