//! The report for people: each item's path, severity, who can read it and why, then its
//! findings; errors and warnings on stderr; the summary at the end.

use std::io::{self, Write};

use model::{Finding, OtherKind, Severity, Status, Summary};

use super::{audience, Out, Reporter};

const BOLD: &str = "\x1b[1m";
const MAGENTA: &str = "\x1b[35m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The human report.
pub struct Human<W: Write> {
    out: W,
    quiet: bool,
    color: bool,
    /// The path whose findings are being listed.
    current: Option<String>,
}

impl<W: Write> Human<W> {
    pub fn new(out: W, quiet: bool, color: bool) -> Human<W> {
        Human {
            out,
            quiet,
            color,
            current: None,
        }
    }

    fn paint(&self, code: &'static str) -> &'static str {
        if self.color {
            code
        } else {
            ""
        }
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        if self.current.as_deref() != Some(&*f.path) {
            if self.current.is_some() {
                writeln!(self.out)?;
            }
            write!(
                self.out,
                "{}{}{}",
                self.paint(MAGENTA),
                f.path,
                self.paint(RESET)
            )?;
            if let Some(s) = f.severity {
                let paint = match s {
                    Severity::Critical | Severity::High => self.paint(RED),
                    Severity::Medium => self.paint(YELLOW),
                    _ => self.paint(DIM),
                };
                write!(self.out, "  {paint}{}{}", s.name(), self.paint(RESET))?;
            }
            if let Some(audience) = audience(f) {
                write!(
                    self.out,
                    "  {}readable by: {audience}{}",
                    self.paint(DIM),
                    self.paint(RESET)
                )?;
            }
            writeln!(self.out)?;
            if let Some(why) = f.why.as_deref().filter(|w| !w.is_empty()) {
                writeln!(
                    self.out,
                    "  {}why: {}{}",
                    self.paint(DIM),
                    why.join("; "),
                    self.paint(RESET)
                )?;
            }
            self.current = Some(f.path.to_string());
        }
        let conf = match f.confidence {
            model::Confidence::High => self.paint(RED),
            model::Confidence::Medium => self.paint(YELLOW),
            model::Confidence::Low => self.paint(DIM),
        };
        write!(
            self.out,
            "  {:<10} {:<17} {}{:<6}{}  {}{}{}",
            f.location.as_deref().unwrap_or_default(),
            f.kind,
            conf,
            f.confidence.name(),
            self.paint(RESET),
            self.paint(BOLD),
            f.value.as_deref().unwrap_or(&f.masked),
            self.paint(RESET),
        )?;
        if let Some(v) = &f.variant {
            write!(self.out, "  ({v})")?;
        }
        if let Some(how) = f.resolution {
            write!(self.out, "  resolved: {}", how.name())?;
        } else if f.status != Status::Open {
            write!(self.out, "  [{}]", f.status.name())?;
        }
        writeln!(self.out)
    }
}

impl<W: Write> Reporter for Human<W> {
    fn record(&mut self, r: &Out<'_>) -> io::Result<()> {
        match r {
            Out::Finding { finding, .. } => self.finding(finding),
            Out::Other(o) => {
                let location = o.location.as_deref().map(|l| format!("{l}: "));
                let at = location.unwrap_or_default();
                match o.kind {
                    OtherKind::Error => {
                        self.out.flush()?;
                        eprintln!("datavakt: {}: {at}{}", o.path, o.reason);
                    }
                    OtherKind::Warning if !self.quiet => {
                        self.out.flush()?;
                        eprintln!("datavakt: warning: {}: {}", o.path, o.reason);
                    }
                    // Skipped items are counted in the summary, not listed one by one.
                    _ => {}
                }
                Ok(())
            }
            // Counted in the summary.
            Out::Url(_) => Ok(()),
        }
    }

    fn end(&mut self, s: &Summary) -> io::Result<()> {
        if !self.quiet {
            if self.current.is_some() {
                writeln!(self.out)?;
            }
            write_summary(&mut self.out, s)?;
        }
        self.out.flush()
    }

    fn by_severity(&self) -> bool {
        true
    }
}

/// The summary in sentences.
pub fn write_summary(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
    writeln!(
        w,
        "Scanned {} files ({:.1} MB) in {:.2} s, {:.0} MB/s.",
        s.files_scanned,
        s.bytes_read as f64 / 1e6,
        s.elapsed_seconds,
        s.megabytes_per_second
    )?;
    let mut skipped = vec![];
    if s.binary_skipped > 0 {
        skipped.push(format!("{} binary", s.binary_skipped));
    }
    for (reason, n) in &s.other_skipped {
        skipped.push(format!("{n} {reason}"));
    }
    if !skipped.is_empty() {
        writeln!(w, "Not read as text: {}.", skipped.join(", "))?;
    }
    if s.unchanged_files + s.copies > 0 {
        writeln!(
            w,
            "Not read again: {} unchanged files and {} copies of files read before (their \
             findings come from the scan database; --rescan-all reads everything).",
            s.unchanged_files, s.copies
        )?;
    }
    if s.urls > 0 {
        writeln!(
            w,
            "Fetched {} URLs from web servers; {} needed credentials (not read without them).",
            s.urls, s.urls_protected
        )?;
    }
    if s.errors > 0 && s.unread_unchanged > 0 {
        writeln!(
            w,
            "Could not read {} items (listed above); {} of them are unchanged since an earlier \
             scan could not read them (--rescan-all tries again).",
            s.errors, s.unread_unchanged
        )?;
    } else if s.errors > 0 {
        writeln!(w, "Could not read {} items (listed above).", s.errors)?;
    }
    if s.ocr_reads > 0 {
        writeln!(
            w,
            "OCR read {} images and scanned pages in {:.1} s of thread time, {:.0} % of the scan.",
            s.ocr_reads,
            s.ocr_seconds,
            100.0 * s.ocr_share
        )?;
    }
    if s.findings == 0 && !s.incomplete_roots.is_empty() {
        writeln!(w, "No identity numbers found in what could be read.")?;
    } else if s.findings == 0 {
        writeln!(w, "No identity numbers found.")?;
    } else {
        let kinds: Vec<String> = s
            .findings_by_kind
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        writeln!(
            w,
            "Found {} findings ({} distinct values): {}.",
            s.findings,
            s.distinct_numbers,
            kinds.join(", ")
        )?;
    }
    if s.new_findings != s.findings || s.resolved_findings > 0 {
        writeln!(
            w,
            "Since the last scan: {} new, {} resolved (their files edited or deleted).",
            s.new_findings, s.resolved_findings
        )?;
    }
    if s.below_min_confidence > 0 {
        writeln!(
            w,
            "{} more below the confidence threshold (see them with --min-confidence low).",
            s.below_min_confidence
        )?;
    }
    // Last, where it cannot be missed: an incomplete scan is no all-clear.
    if !s.incomplete_roots.is_empty() {
        writeln!(
            w,
            "INCOMPLETE: {} of the roots given were not covered; what lies there was not \
             scanned:",
            s.incomplete_roots.len()
        )?;
        for (root, why) in &s.incomplete_roots {
            writeln!(w, "  {root}: {why}")?;
        }
    }
    Ok(())
}
