//! The progress line's totals: while the scan runs, each source that can (a local tree)
//! counts what it holds on a thread of its own, so that the line can say how much is done
//! of how much, the rate and the time left; and what holds the scanning threads when an item
//! is slow (OCR of an image or a scanned page, unpacking a large archive), each thread in a
//! [`Slot`] of its own that the line reads. Only when the line is shown (a terminal).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What holds one scanning thread when it is slow: written by that thread as its
/// extraction worker tells it, read by the progress line.
#[derive(Default)]
pub(crate) struct Slot(Mutex<Option<Busy>>);

/// The slow part of one item.
struct Busy {
    since: Instant,
    /// The item as every output shows it (found values in its names masked).
    path: String,
    doing: Doing,
}

/// What is slow, at a place in the item (masked as the item's locations are; empty for the
/// item itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Doing {
    /// OCR of an image or a scanned page.
    Ocr(String),
    /// Unpacking an archive: members done, and of how many when the archive says.
    Unpacking {
        location: String,
        done: u64,
        total: Option<u64>,
    },
}

impl Slot {
    /// The item at `path` is `doing` something slow now; `None`: nothing slow.
    pub(crate) fn set(&self, path: &str, doing: Option<Doing>) {
        // A thread that panicked holding the lock leaves no phase to show.
        let Ok(mut busy) = self.0.lock() else {
            return;
        };
        *busy = doing.map(|doing| {
            // The same archive, further on, keeps its start: the longest held shows first.
            let same = busy.as_ref().is_some_and(|b| {
                b.path == path
                    && match (&b.doing, &doing) {
                        (
                            Doing::Unpacking { location: a, .. },
                            Doing::Unpacking { location: b, .. },
                        ) => a == b,
                        (a, b) => a == b,
                    }
            });
            Busy {
                since: busy
                    .as_ref()
                    .filter(|_| same)
                    .map_or_else(Instant::now, |b| b.since),
                path: path.to_string(),
                doing,
            }
        });
    }
}

/// `path`, or its end after `…` when it is longer than `max` characters: the file's name and
/// the folders nearest it say which item it is.
fn tail(path: &str, max: usize) -> String {
    let n = path.chars().count();
    if n <= max {
        return path.to_string();
    }
    let end: String = path.chars().skip(n - max + 1).collect();
    // From a folder's boundary when there is one in it.
    let end = match end.find('/') {
        Some(i) if i + 1 < end.len() => &end[i..],
        _ => &end,
    };
    format!("…{end}")
}

impl Busy {
    /// `OCR: …/scans/letter.pdf: page 3`, `unpacking backup.zip: 1,204 of 5,000 members`.
    fn words(&self) -> String {
        let path = tail(&self.path, 48);
        let at = |location: &str| {
            if location.is_empty() {
                String::new()
            } else {
                format!(": {location}")
            }
        };
        match &self.doing {
            Doing::Ocr(location) => format!("OCR: {path}{}", at(location)),
            Doing::Unpacking {
                location,
                done,
                total,
            } => {
                let done = model::words::group_digits(*done, ",");
                let of = total.map_or(String::new(), |t| {
                    format!(" of {}", model::words::group_digits(t, ","))
                });
                format!("unpacking {path}{}: {done}{of} members", at(location))
            }
        }
    }
}

/// What the sources hold, as counted so far, and when the scan started.
pub struct Totals {
    pub(crate) started: Instant,
    files: AtomicU64,
    bytes: AtomicU64,
    /// Sources still counting; the totals are firm at 0.
    counting: AtomicUsize,
    /// Some source cannot be counted (a web crawl, a share): no totals.
    unknown: AtomicBool,
    /// What holds each scanning thread.
    slots: Mutex<Vec<Arc<Slot>>>,
}

impl Default for Totals {
    fn default() -> Totals {
        Totals {
            started: Instant::now(),
            files: AtomicU64::default(),
            bytes: AtomicU64::default(),
            counting: AtomicUsize::default(),
            unknown: AtomicBool::default(),
            slots: Mutex::default(),
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

    /// A slot for one scanning thread to say what holds it.
    pub(crate) fn slot(&self) -> Arc<Slot> {
        let slot = Arc::new(Slot::default());
        if let Ok(mut slots) = self.slots.lock() {
            slots.push(slot.clone());
        }
        slot
    }

    /// What holds the scan: the slow part held longest, and how many other threads are held.
    fn held(&self) -> Option<String> {
        let slots = self.slots.lock().ok()?;
        let mut longest: Option<(Instant, String)> = None;
        let mut busy = 0;
        for slot in slots.iter() {
            let Ok(b) = slot.0.lock() else {
                continue;
            };
            let Some(b) = b.as_ref() else {
                continue;
            };
            busy += 1;
            if longest.as_ref().is_none_or(|(since, _)| b.since < *since) {
                longest = Some((b.since, b.words()));
            }
        }
        let (_, words) = longest?;
        Some(match busy {
            1 => words,
            n => format!("{words} (+{} more)", n - 1),
        })
    }

    /// The progress line: done of the total (while counting: of at least what is counted),
    /// the rate, the time left once the total is firm, and what holds the scan when an item
    /// is slow.
    pub(crate) fn line(&self, files: u64, bytes: u64, findings: u64, elapsed: Duration) -> String {
        let line = self.counts(files, bytes, findings, elapsed);
        match self.held() {
            Some(held) => format!("{line}; {held}"),
            None => line,
        }
    }

    fn counts(&self, files: u64, bytes: u64, findings: u64, elapsed: Duration) -> String {
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

    #[test]
    fn the_line_says_what_holds_the_scan() {
        let t = Totals::default();
        let (a, b) = (t.slot(), t.slot());
        let line = |t: &Totals| t.line(3, 0, 1, Duration::from_secs(1));
        assert!(!line(&t).contains(';'), "{}", line(&t));
        a.set(
            "/srv/scans/letter.pdf",
            Some(Doing::Ocr("page 3".to_string())),
        );
        assert!(
            line(&t).ends_with("1 findings; OCR: /srv/scans/letter.pdf: page 3"),
            "{}",
            line(&t)
        );
        // The longest held first, and how many more: a later archive, further on, keeps
        // its start.
        let unpacking = |done| {
            Some(Doing::Unpacking {
                location: String::new(),
                done,
                total: Some(5_000),
            })
        };
        b.set("/srv/backup.zip", unpacking(3));
        b.set("/srv/backup.zip", unpacking(1_204));
        assert!(line(&t).ends_with("page 3 (+1 more)"), "{}", line(&t));
        a.set("/srv/scans/letter.pdf", None);
        assert!(
            line(&t).ends_with("; unpacking /srv/backup.zip: 1,204 of 5,000 members"),
            "{}",
            line(&t)
        );
        a.set("/srv/scans/letter.pdf", Some(Doing::Ocr(String::new())));
        assert!(line(&t).ends_with("members (+1 more)"), "{}", line(&t));
        // A deep path shows its end; a TAR does not say how many members it holds.
        let deep = format!("/srv/{}kvitto.tar", "a/".repeat(40));
        b.set(
            &deep,
            Some(Doing::Unpacking {
                location: "inner.tar".to_string(),
                done: 7,
                total: None,
            }),
        );
        a.set("/srv/scans/letter.pdf", None);
        let shown = line(&t);
        let held = shown.split("; unpacking ").nth(1).unwrap_or_default();
        assert!(
            held.starts_with("…/a/") && held.ends_with("/a/kvitto.tar: inner.tar: 7 members"),
            "{shown}"
        );
        let path = held.split(": ").next().unwrap_or_default();
        assert!(path.chars().count() <= 48, "{shown}");
        assert_eq!(tail("/srv/a.zip", 48), "/srv/a.zip");
    }
}
