//! Extraction: from an item's bytes to text the detectors read.
//!
//! - [`TextReader`] streams plain text in bounded chunks whatever its encoding: it recognises
//!   binary content from the first 8 KiB (magic numbers, NUL bytes) so that binary files cost
//!   one small read, passes UTF-8 and the 8-bit Nordic encodings (Windows-1252, ISO-8859-1)
//!   through unchanged (the detectors read any ASCII-compatible bytes), and transcodes UTF-16
//!   with `encoding_rs`.
//! - [`extract`] reads a whole item held in memory (archives, compressed files, office
//!   documents): it recognises the format, reports text segments with their location to a
//!   [`Sink`], recurses into members within [`Limits`] on depth, size and compression ratio,
//!   and reports what it cannot inspect (corrupt, encrypted, bombs) as a [`Problem`].
//! - [`markup::Markup`] reads HTML, XML and JSON as the text they show, in a stream of chunks:
//!   tags dropped, references and escapes decoded, tables as rows of cells, with a
//!   [`markup::LineMap`] back to the source's lines.

mod archive;
mod expand;
mod html;
mod item;
mod json;
mod mail;
pub mod markup;
pub mod media;
pub mod ocr;
mod office;
mod ole;
mod pdf;
mod rtf;
mod text;

pub use item::{
    extract, format_of, quick_reject, text_bytes, Cx, Format, Limits, Phase, Problem, Sink,
};
pub use text::{sniff, Content, TextReader, BLOCK};
