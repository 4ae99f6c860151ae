//! Detection of Nordic identity numbers in text: pure functions, no I/O.
//!
//! The pipeline inside: [`candidate`] finds digit groups shaped like a number in raw bytes
//! (any ASCII-compatible encoding); [`validate`] checks dates, centuries and check digits per
//! kind; [`context`] reads labels, header rows and the document's other numbers; the
//! [`Detector`] picks one kind per occurrence and a confidence. Found values are wrapped in
//! [`Matched`] so they are not printed by accident; [`mask`] and [`Fingerprinter`] make the
//! forms that may be stored.
//!
//! ```
//! use datavakt_detect::{Confidence, Date, Detector, Kind};
//! let det = Detector::new(Date::new(2026, 11, 22).unwrap());
//! let mut found = vec![];
//! det.scan("Navn: Hans\nCPR-nr.: 010190-1238\n".as_bytes(), &mut found);
//! assert_eq!(found[0].kind, Kind::DkCpr);
//! assert_eq!(found[0].confidence, Confidence::High);
//! assert_eq!(found[0].line, 2);
//! ```

mod address;
mod bytes;
mod candidate;
pub mod contact;
mod context;
mod date;
mod engine;
pub mod health;
mod kind;
mod names;
mod redact;
pub mod rules;
pub mod toml_error;
pub mod validate;

pub use date::Date;
pub use engine::{Detector, Detectors, Finding, Stream};
pub use kind::{Confidence, Kind, Strength, Variant};
pub use names::{Names, NamesError, LEXICON_VERSION};
pub use redact::{mask, mask_words, visible_prefix, Fingerprinter, Matched};
