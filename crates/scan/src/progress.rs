//! The progress line's totals: while the scan runs, each source that can (a local tree)
//! counts what it holds on a thread of its own, so that the line can say how much is done
//! of how much, the rate and the time left. Only when the line is shown (a terminal).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// What the sources hold, as counted so far, and when the scan started.
pub struct Totals {
    pub(crate) started: Instant,
    files: AtomicU64,
    bytes: AtomicU64,
    /// Sources still counting; the totals are firm at 0.
    counting: AtomicUsize,
    /// Some source cannot be counted (a web crawl, a share): no totals.
    unknown: AtomicBool,
}

impl Default for Totals {
    fn default() -> Totals {
        Totals {
            started: Instant::now(),
            files: AtomicU64::default(),
            bytes: AtomicU64::default(),
            counting: AtomicUsize::default(),
            unknown: AtomicBool::default(),
        }
    }
}

impl Totals {
    pub(crate) fn start(&self) {
        self.counting.fetch_add(1, Relaxed);
    }

    pub(crate) fn add(&self, files: u64, bytes: u64) {
        self.files.fetch_add(files, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }

    pub(crate) fn finish(&self, counted: bool) {
        if !counted {
            self.unknown.store(true, Relaxed);
        }
        self.counting.fetch_sub(1, Relaxed);
    }

    /// The progress line: done of the total (while counting: of at least what is counted),
    /// the rate, and the time left once the total is firm.
    pub(crate) fn line(&self, files: u64, bytes: u64, findings: u64, elapsed: Duration) -> String {
        let mb = bytes as f64 / 1e6;
        let secs = elapsed.as_secs_f64().max(0.001);
        let rate = mb / secs;
        if self.unknown.load(Relaxed) {
            return format!("{files} files, {mb:.0} MB, {rate:.1} MB/s, {findings} findings");
        }
        let (total_files, total_bytes) = (self.files.load(Relaxed), self.bytes.load(Relaxed));
        let total_mb = total_bytes as f64 / 1e6;
        let firm = self.counting.load(Relaxed) == 0;
        // By files: a re-scan reads few bytes of what it passes (unchanged files).
        let done = if total_files > 0 {
            (files as f64 / total_files as f64).min(1.0)
        } else {
            0.0
        };
        let pct = 100.0 * done;
        let left = if firm && done > 0.0 && done < 1.0 {
            let s = (secs * (1.0 - done) / done) as u64;
            format!(", {}:{:02} left", s / 60, s % 60)
        } else if !firm {
            ", counting".to_string()
        } else {
            String::new()
        };
        format!(
            "{files} of {}{total_files} files ({pct:.0} %), {mb:.0} of {total_mb:.0} MB read, \
             {rate:.1} MB/s{left}, {findings} findings",
            if firm { "" } else { "at least " }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_done_of_total_and_time_left_once_counted() {
        let t = Totals::default();
        t.start();
        t.add(10, 100_000_000);
        let counting = t.line(2, 20_000_000, 3, Duration::from_secs(2));
        assert!(counting.contains("2 of at least 10 files") && counting.contains("counting"));
        t.finish(true);
        let firm = t.line(2, 20_000_000, 3, Duration::from_secs(2));
        assert!(
            firm.starts_with("2 of 10 files (20 %), 20 of 100 MB read, 10.0 MB/s, 0:08 left"),
            "{firm}"
        );
        t.start();
        t.finish(false);
        assert!(t
            .line(2, 0, 0, Duration::from_secs(1))
            .starts_with("2 files, 0 MB"));
    }
}
