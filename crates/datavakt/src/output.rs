//! The single writer: turns records into the chosen format on stdout, keeps the summary and
//! draws the progress bar.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::scan::{self, FindingOut, Msg, Options, Outcome, Record};
use crate::Format;

/// What a scan did, printed at the end and returned to `main`.
#[derive(Default, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_read: u64,
    pub binary_skipped: u64,
    pub other_skipped: BTreeMap<String, u64>,
    pub errors: u64,
    pub findings: u64,
    pub findings_by_kind: BTreeMap<&'static str, u64>,
    pub findings_by_confidence: BTreeMap<&'static str, u64>,
    pub distinct_numbers: u64,
    pub below_min_confidence: u64,
    pub elapsed_seconds: f64,
    pub megabytes_per_second: f64,
    /// Images and scanned pages read with OCR, and the thread time that took.
    pub ocr_reads: u64,
    pub ocr_seconds: f64,
    /// OCR's share of the scan: its time over all scanning threads' time.
    pub ocr_share: f64,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    kind: &'static str,
    confidence: &'static str,
    masked: &'a str,
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    camera: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gps: Option<bool>,
}

impl<'a> From<&'a FindingOut> for FindingJson<'a> {
    fn from(f: &'a FindingOut) -> Self {
        FindingJson {
            path: &f.path,
            location: (!f.location.is_empty()).then_some(f.location.as_str()),
            kind: f.kind,
            confidence: f.confidence.name(),
            masked: &f.masked,
            fingerprint: f.fingerprint.as_deref(),
            value: f.value.as_deref(),
            variant: f.variant,
            format: f.media.as_ref().map(|m| m.format),
            duration_seconds: f.media.as_ref().and_then(|m| m.duration_seconds),
            camera: f.media.as_ref().and_then(|m| m.camera.as_deref()),
            captured: f.media.as_ref().and_then(|m| m.captured.as_deref()),
            gps: f
                .media
                .as_ref()
                .filter(|m| m.kind == "camera-photo")
                .map(|m| m.gps),
        }
    }
}

#[derive(Serialize)]
struct OtherJson<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    kind: &'static str,
    reason: &'a str,
}

fn other(r: &Record) -> Option<OtherJson<'_>> {
    let (path, location, kind, reason) = match r {
        Record::Finding(_) => return None,
        Record::Error {
            path,
            location,
            reason,
        } => (path, location.as_deref(), "error", reason),
        Record::Skipped { path, reason } => (path, None, "skipped", reason),
        Record::Warning { path, reason } => (path, None, "warning", reason),
    };
    Some(OtherJson {
        path,
        location,
        kind,
        reason,
    })
}

struct Writer<W: Write> {
    out: W,
    format: Format,
    color: bool,
    quiet: bool,
    /// Human format: the path whose findings are being listed.
    current: Option<String>,
    /// JSON format: findings written so far, and the other records kept for the end.
    json_findings: u64,
    json_other: Vec<serde_json::Value>,
    csv: Option<csv::Writer<W>>,
}

const BOLD: &str = "\x1b[1m";
const MAGENTA: &str = "\x1b[35m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl<W: Write> Writer<W> {
    fn paint(&self, code: &'static str) -> &'static str {
        if self.color {
            code
        } else {
            ""
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(b"{\"findings\":[")?;
        }
        Ok(())
    }

    fn record(&mut self, r: &Record) -> io::Result<()> {
        match self.format {
            Format::Human => self.human(r),
            Format::Jsonl => {
                match r {
                    Record::Finding(f) => {
                        serde_json::to_writer(&mut self.out, &FindingJson::from(f))
                    }
                    _ => serde_json::to_writer(&mut self.out, &other(r)),
                }
                .map_err(json_err)?;
                self.out.write_all(b"\n")
            }
            Format::Json => {
                match r {
                    Record::Finding(f) => {
                        if self.json_findings > 0 {
                            self.out.write_all(b",")?;
                        }
                        self.json_findings += 1;
                        serde_json::to_writer(&mut self.out, &FindingJson::from(f))
                            .map_err(json_err)?;
                    }
                    _ => self.json_other.push(serde_json::json!(other(r))),
                }
                Ok(())
            }
            Format::Csv => {
                let w = self
                    .csv
                    .get_or_insert_with(|| unreachable!("csv writer set up"));
                let row: [&str; 9] = match r {
                    Record::Finding(f) => [
                        f.kind,
                        &f.path,
                        &f.location,
                        f.confidence.name(),
                        &f.masked,
                        f.fingerprint.as_deref().unwrap_or(""),
                        f.value.as_deref().unwrap_or(""),
                        f.variant.unwrap_or(""),
                        "",
                    ],
                    _ => {
                        let o = other(r).unwrap_or_else(|| unreachable!());
                        [
                            o.kind,
                            o.path,
                            o.location.unwrap_or(""),
                            "",
                            "",
                            "",
                            "",
                            "",
                            o.reason,
                        ]
                    }
                };
                w.write_record(row).map_err(io::Error::from)
            }
        }
    }

    fn human(&mut self, r: &Record) -> io::Result<()> {
        match r {
            Record::Finding(f) => {
                if self.current.as_deref() != Some(&f.path) {
                    if self.current.is_some() {
                        writeln!(self.out)?;
                    }
                    writeln!(
                        self.out,
                        "{}{}{}",
                        self.paint(MAGENTA),
                        f.path,
                        self.paint(RESET)
                    )?;
                    self.current = Some(f.path.clone());
                }
                let conf = match f.confidence {
                    detect::Confidence::High => self.paint(RED),
                    detect::Confidence::Medium => self.paint(YELLOW),
                    detect::Confidence::Low => self.paint(DIM),
                };
                write!(
                    self.out,
                    "  {:<10} {:<17} {}{:<6}{}  {}{}{}",
                    f.location,
                    f.kind,
                    conf,
                    f.confidence.name(),
                    self.paint(RESET),
                    self.paint(BOLD),
                    f.value.as_deref().unwrap_or(&f.masked),
                    self.paint(RESET),
                )?;
                if let Some(v) = f.variant {
                    write!(self.out, "  ({v})")?;
                }
                writeln!(self.out)
            }
            Record::Error {
                path,
                location,
                reason,
            } => {
                self.out.flush()?;
                match location {
                    Some(loc) => eprintln!("datavakt: {path}: {loc}: {reason}"),
                    None => eprintln!("datavakt: {path}: {reason}"),
                }
                Ok(())
            }
            Record::Warning { path, reason } if !self.quiet => {
                self.out.flush()?;
                eprintln!("datavakt: warning: {path}: {reason}");
                Ok(())
            }
            // Skipped items are counted in the summary, not listed one by one.
            _ => Ok(()),
        }
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        match self.format {
            Format::Human => {
                if !self.quiet {
                    if self.current.is_some() {
                        writeln!(self.out)?;
                    }
                    write_summary(&mut self.out, s)?;
                }
            }
            Format::Jsonl => {
                let mut v = serde_json::json!(s);
                v["kind"] = "summary".into();
                serde_json::to_writer(&mut self.out, &v).map_err(json_err)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out.write_all(b"],\"other\":")?;
                serde_json::to_writer(&mut self.out, &self.json_other).map_err(json_err)?;
                self.out.write_all(b",\"summary\":")?;
                serde_json::to_writer(&mut self.out, s).map_err(json_err)?;
                self.out.write_all(b"}\n")?;
            }
            Format::Csv => {
                if let Some(w) = self.csv.as_mut() {
                    w.flush()?;
                }
            }
        }
        if self.format != Format::Human && !self.quiet {
            write_summary(&mut io::stderr(), s)?;
        }
        self.out.flush()
    }
}

fn write_summary(w: &mut dyn Write, s: &Summary) -> io::Result<()> {
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
    if s.errors > 0 {
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
    if s.findings == 0 {
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
    if s.below_min_confidence > 0 {
        writeln!(
            w,
            "{} more below the confidence threshold (see them with --min-confidence low).",
            s.below_min_confidence
        )?;
    }
    Ok(())
}

/// Receives every message until the workers are done; returns the summary.
pub fn write_all(
    rx: Receiver<Vec<Msg>>,
    opts: &Options,
    started: Instant,
    mut db: store::Store,
) -> Result<Summary, String> {
    let stdout = io::stdout();
    let color = opts.format == Format::Human
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut w = Writer {
        out,
        format: opts.format,
        color,
        quiet: opts.quiet,
        current: None,
        json_findings: 0,
        json_other: vec![],
        csv: None,
    };
    if opts.format == Format::Csv {
        let mut c = csv::Writer::from_writer(io::BufWriter::new(io::stdout().lock()));
        c.write_record([
            "kind",
            "path",
            "location",
            "confidence",
            "masked",
            "fingerprint",
            "value",
            "variant",
            "reason",
        ])
        .map_err(|e| e.to_string())?;
        w.csv = Some(c);
    }
    let progress = (!opts.quiet && io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let mut s = Summary::default();
    let mut distinct: HashSet<String> = HashSet::new();
    let mut broken_pipe = false;
    let mut fatal = None;
    // The first failure to write the scan database ends writing to it; it is reported at the
    // end, and the scan and its output go on.
    let mut db_error: Option<store::StoreError> = None;
    let result = w.start();
    check(result, &mut broken_pipe, &mut fatal);
    for msg in rx.into_iter().flatten() {
        match msg {
            Msg::Records(records) => {
                for r in &records {
                    match r {
                        Record::Finding(f) => {
                            s.findings += 1;
                            *s.findings_by_kind.entry(f.kind).or_default() += 1;
                            *s.findings_by_confidence
                                .entry(f.confidence.name())
                                .or_default() += 1;
                            if let Some(fp) = &f.fingerprint {
                                if !distinct.contains(fp) {
                                    distinct.insert(fp.clone());
                                }
                            }
                        }
                        Record::Error { .. } => s.errors += 1,
                        Record::Skipped { reason, .. } if !reason.starts_with("binary") => {
                            *s.other_skipped.entry(reason.clone()).or_default() += 1;
                        }
                        _ => {}
                    }
                    if db_error.is_none() {
                        db_error = remember(&mut db, r).err();
                    }
                    if !broken_pipe && fatal.is_none() {
                        let res = match &progress {
                            Some(pb) => pb.suspend(|| w.record(r)),
                            None => w.record(r),
                        };
                        check(res, &mut broken_pipe, &mut fatal);
                    }
                }
            }
            Msg::Hidden(n) => s.below_min_confidence += n,
            Msg::Item(path, meta) => {
                if db_error.is_none() {
                    db_error = db.item_meta(&path, &meta).err();
                }
            }
            Msg::Ocr(spent) => {
                s.ocr_reads += 1;
                s.ocr_seconds += spent.as_secs_f64();
            }
            Msg::Done(o) => {
                match o {
                    Outcome::Text { bytes } => {
                        s.files_scanned += 1;
                        s.bytes_read += bytes;
                    }
                    Outcome::Binary { bytes } => {
                        s.binary_skipped += 1;
                        s.bytes_read += bytes;
                    }
                    Outcome::Error | Outcome::Skipped => {}
                }
                if let Some(pb) = &progress {
                    pb.set_message(format!(
                        "{} files, {:.0} MB, {} findings",
                        s.files_scanned,
                        s.bytes_read as f64 / 1e6,
                        s.findings
                    ));
                }
            }
        }
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    s.distinct_numbers = distinct.len() as u64;
    let elapsed = started.elapsed();
    s.elapsed_seconds = elapsed.as_secs_f64();
    s.megabytes_per_second = scan::rate(s.bytes_read, elapsed);
    s.ocr_share = (s.ocr_seconds / (s.elapsed_seconds * opts.threads.max(1) as f64)).min(1.0);
    if db_error.is_none() {
        let counts = store::Counts {
            files: s.files_scanned + s.binary_skipped,
            bytes: s.bytes_read,
            findings: s.findings,
            errors: s.errors,
        };
        db_error = db.end_scan(counts, scan::unix_now()).err();
    }
    if !broken_pipe && fatal.is_none() {
        let res = w.finish(&s);
        check(res, &mut broken_pipe, &mut fatal);
    }
    match (fatal, db_error) {
        (Some(e), _) => Err(format!("cannot write the output: {e}")),
        (None, Some(e)) => Err(format!("scan database: {e}")),
        (None, None) => Ok(s),
    }
}

/// Writes a record to the scan database: findings and errors (masked values only).
fn remember(store: &mut store::Store, r: &Record) -> Result<(), store::StoreError> {
    match r {
        Record::Finding(f) => store.finding(&store::FindingRow {
            path: &f.path,
            location: &f.location,
            kind: f.kind,
            confidence: f.confidence.name(),
            masked: &f.masked,
            fingerprint: f.fingerprint.as_deref(),
            variant: f.variant,
        }),
        Record::Error {
            path,
            location,
            reason,
        } => store.error(path, location.as_deref(), reason),
        _ => Ok(()),
    }
}

/// Keeps the kind of an I/O error inside a JSON error, so a closed pipe stays one.
fn json_err(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(e),
    }
}

/// A closed pipe (`| head`) ends output quietly; other write errors are fatal.
fn check(r: io::Result<()>, broken_pipe: &mut bool, fatal: &mut Option<io::Error>) {
    if let Err(e) = r {
        if e.kind() == io::ErrorKind::BrokenPipe {
            *broken_pipe = true;
        } else if fatal.is_none() {
            *fatal = Some(e);
        }
    }
}
