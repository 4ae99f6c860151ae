//! Datavakt's scan pipeline as a library:
//!
//! ```text
//! Source ──items──▶ Scanner (one per thread) ──batches──▶ writer ──▶ Reporter
//! walk, stat,       name, unchanged/copy?,                store,       human, jsonl,
//! exposure          extract (worker process),             assess,      json, csv
//!                   detect, mask, fingerprint             summary
//! ```
//!
//! - [`source`]: the [`Source`] trait and its implementations (local trees, web servers,
//!   standard input; SMB shares live in their own crate for their licence). A source hands
//!   [`Item`]s to a [`Scanner`] and ends with how each root's walk ended ([`source::End`]):
//!   the one rule for whether items the walk did not meet are gone.
//! - `item.rs`: one item through extraction and detection, in the source's thread.
//! - `writer.rs`: the single writer thread: the scan database, severities, the summary and
//!   the progress line; it prints through a [`Reporter`] (one file per format in `report/`).
//!   `spill.rs`: where it keeps an item's findings until the item is complete (past a
//!   thousand, in an encrypted anonymous temporary file).
//! - [`scan_bytes`]: one item held in memory, with the same extraction, detection and
//!   assessment and no database, for callers that are not walks.

mod item;
pub mod masking;
mod memory;
mod msg;
mod options;
pub mod progress;
pub mod report;
mod run;
pub mod source;
mod spill;
pub mod worker;
mod writer;

pub use memory::{scan_bytes, Scanned};
pub use report::{Format, Reporter};
pub use source::{Item, Scanner, Source};

pub use options::{rate, today, unix_now, Memory, Options};
pub use run::{run, stored_roots};
