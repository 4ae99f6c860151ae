//! The report for people. By default: an overview first (items by severity and by who can
//! read them, people identified, what could not be read, the items to handle first), then one
//! line per item, most severe first, with its counts by kind and first reason; errors and
//! warnings on stderr; the summary at the end. With `details`: every finding of every item.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use model::{Audience, Finding, OtherKind, Severity, Status, Summary};

use super::{audience, Out, Reporter};

const BOLD: &str = "\x1b[1m";
const MAGENTA: &str = "\x1b[35m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The items shown in the overview as the ones to handle first.
const FIRST: usize = 5;

/// The human report.
pub struct Human<W: Write> {
    out: W,
    quiet: bool,
    color: bool,
    /// Every finding, as before (`--details`), instead of a line per item.
    details: bool,
    /// The path whose findings are being listed (details) or counted (items).
    current: Option<String>,
    /// The item being counted, and those done, most severe first (they come so).
    item: Option<ItemLine>,
    items: Vec<ItemLine>,
    /// Distinct identity numbers (fingerprints), and those in items with health data.
    people: HashSet<String>,
    people_with_health: HashSet<String>,
}

/// One item of the report: what its line says.
struct ItemLine {
    path: String,
    severity: Option<Severity>,
    audience: Option<Audience>,
    readable_by: Option<String>,
    why: Option<String>,
    kinds: BTreeMap<String, u64>,
    /// The item's identity numbers (fingerprints), and whether it holds health data.
    people: Vec<String>,
    health: bool,
}

impl ItemLine {
    fn of(f: &Finding) -> ItemLine {
        ItemLine {
            path: f.path.to_string(),
            severity: f.severity,
            audience: f.exposure.as_deref().map(|e| e.audience),
            readable_by: audience(f),
            why: f.why.as_deref().and_then(|w| w.first().cloned()),
            kinds: BTreeMap::new(),
            people: Vec::new(),
            health: false,
        }
    }

    fn add(&mut self, f: &Finding) {
        *self.kinds.entry(f.kind.to_string()).or_default() += 1;
        self.health |= f.kind == "health";
        if let Some(fp) = &f.fingerprint {
            if detect::Kind::IDENTITY.iter().any(|k| k.name() == f.kind) {
                self.people.push(fp.to_string());
            }
        }
    }

    /// `94 dk-cpr, 94 name, health`.
    fn counts(&self) -> String {
        let mut kinds: Vec<(&String, &u64)> = self.kinds.iter().collect();
        kinds.sort_by_key(|(k, _)| (model::kind_weight(k), k.as_str()));
        kinds
            .iter()
            .map(|(k, n)| {
                if *k == "health" {
                    "health".to_string()
                } else {
                    format!("{n} {k}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl<W: Write> Human<W> {
    pub fn new(out: W, quiet: bool, color: bool, details: bool) -> Human<W> {
        Human {
            out,
            quiet,
            color,
            details,
            current: None,
            item: None,
            items: Vec::new(),
            people: HashSet::new(),
            people_with_health: HashSet::new(),
        }
    }

    fn paint(&self, code: &'static str) -> &'static str {
        if self.color {
            code
        } else {
            ""
        }
    }

    fn severity_paint(&self, s: Severity) -> &'static str {
        match s {
            Severity::Critical | Severity::High => self.paint(RED),
            Severity::Medium => self.paint(YELLOW),
            _ => self.paint(DIM),
        }
    }

    /// Counts a finding into its item's line (a new line when the path changes).
    fn count(&mut self, f: &Finding) {
        if self.item.as_ref().is_none_or(|i| i.path != *f.path) {
            self.close_item();
            self.item = Some(ItemLine::of(f));
        }
        if let Some(item) = self.item.as_mut() {
            item.add(f);
        }
    }

    fn close_item(&mut self) {
        if let Some(item) = self.item.take() {
            for p in &item.people {
                if item.health {
                    self.people_with_health.insert(p.clone());
                }
                self.people.insert(p.clone());
            }
            self.items.push(item);
        }
    }

    /// An item's line: severity, path, who can read it, counts by kind, first reason.
    fn item_line(&mut self, i: usize) -> io::Result<()> {
        let item = &self.items[i];
        let (sev, name) = match item.severity {
            Some(s) => (self.severity_paint(s), s.name()),
            None => ("", "-"),
        };
        let (magenta, dim, reset) = (self.paint(MAGENTA), self.paint(DIM), self.paint(RESET));
        write!(
            self.out,
            "{sev}{name:<8}{reset} {magenta}{}{reset}  {}",
            item.path,
            item.counts()
        )?;
        if let Some(r) = &item.readable_by {
            write!(self.out, "  {dim}readable by: {r}{reset}")?;
        }
        if let Some(w) = &item.why {
            write!(self.out, "  {dim}why: {w}{reset}")?;
        }
        writeln!(self.out)
    }

    /// The overview: what management acts on, before any item.
    fn overview(&mut self, s: &Summary) -> io::Result<()> {
        let (bold, reset) = (self.paint(BOLD), self.paint(RESET));
        writeln!(
            self.out,
            "{bold}Overview{reset}: {} items with findings, {} distinct people identified by \
             number ({} of them beside health data).",
            self.items.len(),
            self.people.len(),
            self.people_with_health.len()
        )?;
        let mut by_severity = [0u64; 5];
        let mut by_audience: BTreeMap<&'static str, u64> = BTreeMap::new();
        for i in &self.items {
            if let Some(sev) = i.severity {
                by_severity[sev as usize] += 1;
            }
            let who = i.audience.map_or("not assessed", |a| match a {
                Audience::Public => "anyone (public)",
                Audience::Organisation => "every employee",
                Audience::Group => "a group",
                Audience::Owner => "the owner only",
                Audience::Unknown => "unknown",
            });
            *by_audience.entry(who).or_default() += 1;
        }
        let sev: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter(|s| by_severity[**s as usize] > 0)
            .map(|s| format!("{} {}", by_severity[*s as usize], s.name()))
            .collect();
        if !sev.is_empty() {
            writeln!(self.out, "  By severity:     {}", sev.join(", "))?;
        }
        let order = [
            "anyone (public)",
            "every employee",
            "a group",
            "the owner only",
            "unknown",
            "not assessed",
        ];
        let who: Vec<String> = order
            .iter()
            .filter_map(|k| by_audience.get(k).map(|n| format!("{n} {k}")))
            .collect();
        if !who.is_empty() {
            writeln!(self.out, "  Readable by:     {}", who.join(", "))?;
        }
        if s.errors > 0 {
            writeln!(
                self.out,
                "  Not read:        {} items could not be read (on stderr as they came; \
                 see the summary)",
                s.errors
            )?;
        }
        if !s.incomplete_roots.is_empty() {
            writeln!(
                self.out,
                "  {bold}Not covered{reset}:     {} roots (see INCOMPLETE below)",
                s.incomplete_roots.len()
            )?;
        }
        let first = self.items.len().min(FIRST);
        if first > 0 {
            writeln!(self.out, "Handle first:")?;
            for i in 0..first {
                write!(self.out, "  ")?;
                self.item_line(i)?;
            }
        }
        Ok(())
    }

    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        if !self.details {
            self.count(f);
            return Ok(());
        }
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
                let paint = self.severity_paint(s);
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
        self.close_item();
        if !self.details {
            if !self.quiet {
                self.overview(s)?;
                if !self.items.is_empty() {
                    writeln!(
                        self.out,
                        "\nAll {} items, most severe first:",
                        self.items.len()
                    )?;
                }
            }
            for i in 0..self.items.len() {
                self.item_line(i)?;
            }
        }
        if !self.quiet {
            if self.current.is_some() || !self.items.is_empty() {
                writeln!(self.out)?;
            }
            write_summary(&mut self.out, s)?;
            if !self.details && s.findings > 0 {
                writeln!(
                    self.out,
                    "--details lists each of the {} findings with its place in its item.",
                    s.findings
                )?;
            }
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
    if s.false_positives > 0 {
        writeln!(
            w,
            "{} findings marked false positive are not listed (datavakt findings list --status \
             false-positive).",
            s.false_positives
        )?;
    }
    if s.below_min_severity > 0 {
        writeln!(
            w,
            "{} findings in items below --min-severity not listed.",
            s.below_min_severity
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
