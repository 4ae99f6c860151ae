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
//! - [`scan_bytes`]: one item held in memory, with the same extraction, detection and
//!   assessment and no database, for callers that are not walks.

use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use detect::{Confidence, Date, Detector, Fingerprinter};

mod item;
pub mod masking;
mod memory;
mod msg;
pub mod report;
pub mod source;
pub mod worker;
mod writer;

pub use item::Scanner;
pub use memory::{scan_bytes, Scanned};
pub use report::{Format, Reporter};
pub use source::{Item, Source};

use masking::{Folders, Masker};
use msg::{Msg, Outbox};
use source::{Locator, Walked};

/// How to scan.
pub struct Options {
    pub format: Format,
    pub min_confidence: Confidence,
    pub show_values: bool,
    /// Worker threads (for the summary's share of OCR; sources take their own).
    pub threads: usize,
    pub quiet: bool,
    pub worker: worker::WorkerLimits,
    /// Read every item again, whatever the scan database remembers.
    pub rescan_all: bool,
    /// Print only what is new or resolved since the last scan.
    pub changes_only: bool,
    /// Zones and what they may hold, for the severity of findings.
    pub policy: Option<assess::Policy>,
}

/// What every scanning thread shares.
pub(crate) struct Ctx<'a> {
    det: &'a Detector,
    fp: &'a Fingerprinter,
    /// Masks found values in the names of items and places.
    mask: &'a Masker<'a>,
    opts: &'a Options,
    memory: &'a Memory,
}

/// What the scan database remembers, and the digest of the settings items are read with.
pub struct Memory {
    pub known: store::Known,
    pub scanned_with: String,
}

/// Today's date, against which birth dates are judged.
pub fn today() -> Date {
    Date::from_days_since_epoch(unix_now() / 86_400)
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Throughput in MB/s, for the summary.
pub fn rate(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-6)
}

/// The roots of `sources` as the scan database stores them: with found values in their
/// names masked, as the scan masks the items under them.
pub fn stored_roots(sources: &[&dyn Source], mask: &Masker) -> Vec<String> {
    let mut folders = Folders::default();
    sources
        .iter()
        .flat_map(|s| s.roots())
        .map(|r| stored(&r, mask, &mut folders))
        .collect()
}

fn stored(at: &Locator, mask: &Masker, folders: &mut Folders) -> String {
    match at {
        Locator::Path(p) => folders.stored(mask, p),
        Locator::Url { url, .. } => mask.text(url).into_owned(),
        Locator::Stdin => "-".into(),
    }
}

/// Runs a scan of `sources`, each on a thread of its own, into `db` (none: every finding is
/// new, nothing is kept), printing through `reporter`; returns the summary, or a fatal error.
#[allow(clippy::too_many_arguments)]
pub fn run(
    sources: &[&dyn Source],
    key: &[u8],
    opts: &Options,
    det: &Detector,
    db: Option<store::Store>,
    memory: &Memory,
    reporter: Box<dyn Reporter + Send>,
) -> Result<model::Summary, String> {
    let started = Instant::now();
    let fp = Fingerprinter::new(key);
    let mask = Masker::new(det, &fp);
    let ctx = Ctx {
        det,
        fp: &fp,
        mask: &mask,
        opts,
        memory,
    };
    let (tx, rx) = sync_channel::<Vec<Msg>>(64);
    std::thread::scope(|s| {
        let scanned_with = memory.scanned_with.as_str();
        let mask = &mask;
        let writer =
            s.spawn(move || writer::write_all(rx, opts, started, db, scanned_with, mask, reporter));
        for source in sources {
            let (ctx, tx) = (&ctx, tx.clone());
            s.spawn(move || {
                let make = || Scanner::new(ctx, Outbox::new(tx.clone()));
                let ends = source.walk(&make);
                let mut folders = Folders::default();
                let mut out = Outbox::new(tx);
                for end in ends {
                    let walked = match end.walked {
                        Walked::Complete { unread } => Walked::Complete {
                            unread: unread.iter().map(|u| mask.text(u).into_owned()).collect(),
                        },
                        w => w,
                    };
                    let root = stored(&end.root, mask, &mut folders);
                    if out.send(Msg::Ended { root, walked }).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|_| Err("the output thread failed".into()))
    })
}

/// Options for the unit tests: JSON Lines, medium confidence and up, quiet.
#[cfg(test)]
pub(crate) fn test_options() -> Options {
    Options {
        format: Format::Jsonl,
        min_confidence: Confidence::Medium,
        show_values: false,
        threads: 1,
        quiet: true,
        worker: worker::WorkerLimits {
            extract: extract::Limits::default(),
            memory: 1 << 30,
            timeout: Duration::from_secs(10),
        },
        rescan_all: false,
        changes_only: false,
        policy: None,
    }
}
