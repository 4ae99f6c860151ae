//! What a scan is given and what its threads share: the options, the detector, key and
//! masker, what the scan database remembers; and the clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use detect::{Confidence, Date, Detector, Fingerprinter};

use crate::masking::Masker;
use crate::worker;

/// How to scan.
pub struct Options {
    pub min_confidence: Confidence,
    /// Items below this severity are counted, not printed.
    pub min_severity: Option<model::Severity>,
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
    /// `--exclude` and `--include`: the sources walk past what they leave out, and the
    /// findings stored for it are not reported.
    pub globs: sources::globs::Globs,
}

/// What every scanning thread shares.
pub(crate) struct Ctx<'a> {
    pub(crate) det: &'a Detector,
    pub(crate) fp: &'a Fingerprinter,
    /// Masks found values in the names of items and places.
    pub(crate) mask: &'a Masker<'a>,
    pub(crate) opts: &'a Options,
    pub(crate) memory: &'a Memory,
    /// The progress line's totals, when the line is shown: each thread says there what holds
    /// it.
    pub(crate) progress: Option<&'a crate::progress::Totals>,
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

/// Options for the unit tests: JSON Lines, medium confidence and up, quiet.
#[cfg(test)]
pub(crate) fn test_options() -> Options {
    Options {
        min_confidence: Confidence::Medium,
        min_severity: None,
        globs: sources::globs::Globs::default(),
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
