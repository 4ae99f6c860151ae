//! The single writer: turns records into the chosen format on stdout, keeps the summary and
//! draws the progress bar.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
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
    /// Current findings: found now or carried over from earlier scans.
    pub findings: u64,
    pub findings_by_kind: BTreeMap<String, u64>,
    pub findings_by_confidence: BTreeMap<String, u64>,
    /// Current findings by the severity of their item.
    pub findings_by_severity: BTreeMap<&'static str, u64>,
    /// Findings not known before this scan (or resolved before and found again).
    pub new_findings: u64,
    /// Findings of earlier scans resolved by this one (edited or removed items).
    pub resolved_findings: u64,
    /// Files not read again because they did not change since the last scan.
    pub unchanged_files: u64,
    /// Files hashed and found to be copies of files read before.
    pub copies: u64,
    /// URLs fetched from web servers, and how many of them needed credentials.
    pub urls: u64,
    pub urls_protected: u64,
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

/// A finding to print: found by this scan, or held by the scan database.
struct View<'a> {
    path: &'a str,
    location: &'a str,
    kind: &'a str,
    confidence: &'a str,
    masked: &'a str,
    fingerprint: Option<&'a str>,
    value: Option<&'a str>,
    variant: Option<&'a str>,
    media: Option<&'a extract::media::Media>,
    status: &'a str,
    resolution: Option<&'a str>,
    /// Unix seconds.
    first_seen: i64,
    /// Who can read the item: the contract's JSON object.
    exposure: Option<&'a str>,
    /// The item's severity, with its reasons.
    severity: Option<&'a assess::Assessment>,
    /// JSON output: the item's exposure, severity, score and why as JSON members
    /// (`,"exposure":…`), made once per item rather than once per finding.
    item_json: Option<&'a str>,
}

/// A finding held until its item is complete, so that the item's severity can go with it.
struct Held {
    c: store::Current,
    value: Option<String>,
    media: Option<extract::media::Media>,
    /// New since the last scan.
    new: bool,
}

impl Held {
    fn found(f: FindingOut, seen: store::Found, exposure: Option<Arc<str>>) -> Held {
        Held {
            new: seen.change != store::Change::Seen,
            c: store::Current {
                path: f.path.into(),
                location: f.location.into(),
                kind: f.kind.into(),
                confidence: f.confidence.name().into(),
                masked: f.masked.into(),
                fingerprint: f.fingerprint.map(Into::into),
                variant: f.variant.map(Into::into),
                status: seen.status,
                resolution: None,
                first_seen: seen.first_seen,
                exposure,
            },
            value: f.value,
            media: f.media,
        }
    }

    fn view<'a>(&'a self, severity: Option<&'a assess::Assessment>) -> View<'a> {
        View {
            value: self.value.as_deref(),
            media: self.media.as_ref(),
            severity,
            ..View::stored(&self.c)
        }
    }
}

impl<'a> View<'a> {
    fn stored(c: &'a store::Current) -> View<'a> {
        View {
            path: &c.path,
            location: &c.location,
            kind: &c.kind,
            confidence: &c.confidence,
            masked: &c.masked,
            fingerprint: c.fingerprint.as_deref(),
            value: None,
            variant: c.variant.as_deref(),
            media: None,
            status: &c.status,
            resolution: c.resolution.as_deref(),
            first_seen: c.first_seen,
            exposure: c.exposure.as_deref(),
            severity: None,
            item_json: None,
        }
    }

    /// The audience of the exposure, for the human report and CSV.
    fn audience(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(self.exposure?).ok()?;
        let audience = v["audience"].as_str()?;
        Some(match v["via"].as_str() {
            Some(via) if !via.is_empty() => format!("{audience} ({via})"),
            _ => audience.to_string(),
        })
    }
}

/// A time as ISO 8601 in UTC (`2026-12-01T08:30:00Z`).
pub fn iso_time(unix: i64) -> String {
    IsoTime(unix).to_string()
}

/// Unix seconds, written as ISO 8601 in UTC; serialised without a string of its own (one
/// per printed finding otherwise).
struct IsoTime(i64);

impl IsoTime {
    /// The text in a buffer of its own (no formatter: a re-scan writes one per finding);
    /// `None` for a year outside 0000–9999.
    fn digits(&self) -> Option<[u8; 20]> {
        let d = detect::Date::from_days_since_epoch(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        let mut b = *b"0000-00-00T00:00:00Z";
        let year = Some(u32::from(d.year)).filter(|y| *y <= 9999)?;
        let parts = [
            (0, 4, year),
            (5, 2, u32::from(d.month)),
            (8, 2, u32::from(d.day)),
            (11, 2, (s / 3600) as u32),
            (14, 2, (s / 60 % 60) as u32),
            (17, 2, (s % 60) as u32),
        ];
        for (at, width, mut n) in parts {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
        Some(b)
    }
}

impl std::fmt::Display for IsoTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(b) = self.digits() {
            return f.write_str(std::str::from_utf8(&b).unwrap_or_default());
        }
        let d = detect::Date::from_days_since_epoch(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year,
            d.month,
            d.day,
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

impl Serialize for IsoTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.digits() {
            Some(b) => s.serialize_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => s.collect_str(self),
        }
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    kind: &'a str,
    confidence: &'a str,
    masked: &'a str,
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'a str>,
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
    /// `open`, `accepted`, or (with --changes-only) `resolved`.
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<&'a str>,
    first_seen: IsoTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<&'a serde_json::value::RawValue>,
    /// The item's severity (`info` … `critical`), its score within that, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a [String]>,
}

impl<'a> From<&View<'a>> for FindingJson<'a> {
    fn from(f: &View<'a>) -> Self {
        // The item's members are written after these, as they are.
        let own = f.item_json.is_none();
        let severity = f.severity.filter(|_| own);
        FindingJson {
            path: f.path,
            location: (!f.location.is_empty()).then_some(f.location),
            kind: f.kind,
            confidence: f.confidence,
            masked: f.masked,
            fingerprint: f.fingerprint,
            value: f.value,
            variant: f.variant,
            format: f.media.map(|m| m.format),
            duration_seconds: f.media.and_then(|m| m.duration_seconds),
            camera: f.media.and_then(|m| m.camera.as_deref()),
            captured: f.media.and_then(|m| m.captured.as_deref()),
            gps: f.media.filter(|m| m.kind == "camera-photo").map(|m| m.gps),
            status: f.status,
            resolution: f.resolution,
            first_seen: IsoTime(f.first_seen),
            exposure: f
                .exposure
                .filter(|_| own)
                .and_then(|e| serde_json::from_str(e).ok()),
            severity: severity.map(|a| a.severity.name()),
            score: severity.map(|a| a.score),
            why: severity.map(|a| a.why.as_slice()),
        }
    }
}

/// An item's exposure and assessment as JSON members to follow a finding's own:
/// `,"exposure":{…},"severity":"high","score":…,"why":[…]`.
fn item_members(exposure: Option<&str>, a: &assess::Assessment) -> String {
    #[derive(Serialize)]
    struct Members<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        exposure: Option<&'a serde_json::value::RawValue>,
        severity: &'static str,
        score: u32,
        why: &'a [String],
    }
    let m = Members {
        exposure: exposure.and_then(|e| serde_json::from_str(e).ok()),
        severity: a.severity.name(),
        score: a.score,
        why: &a.why,
    };
    // `{…}` becomes `,…`, in place.
    let mut object = Vec::with_capacity(256);
    if serde_json::to_writer(&mut object, &m).is_err() || object.len() <= 2 {
        return String::new();
    }
    object[0] = b',';
    object.pop();
    String::from_utf8(object).unwrap_or_default()
}

/// A finding as one JSON object, with its item's members spliced in when given.
/// `scratch` is a buffer kept between findings.
fn finding_json(out: &mut impl Write, scratch: &mut Vec<u8>, f: &View) -> io::Result<()> {
    let Some(members) = f.item_json else {
        return serde_json::to_writer(out, &FindingJson::from(f)).map_err(json_err);
    };
    scratch.clear();
    serde_json::to_writer(&mut *scratch, &FindingJson::from(f)).map_err(json_err)?;
    scratch.pop(); // the closing brace
    out.write_all(scratch)?;
    out.write_all(members.as_bytes())?;
    out.write_all(b"}")
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
        Record::Finding(_) | Record::Url(_) => return None,
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
    /// JSON of one finding, made before its item's members are spliced in.
    scratch: Vec<u8>,
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

    fn finding(&mut self, f: &View) -> io::Result<()> {
        match self.format {
            Format::Human => self.human(f),
            Format::Jsonl => {
                finding_json(&mut self.out, &mut self.scratch, f)?;
                self.out.write_all(b"\n")
            }
            Format::Json => {
                if self.json_findings > 0 {
                    self.out.write_all(b",")?;
                }
                self.json_findings += 1;
                finding_json(&mut self.out, &mut self.scratch, f)
            }
            Format::Csv => {
                let first_seen = iso_time(f.first_seen);
                let audience = f.audience().unwrap_or_default();
                let w = self
                    .csv
                    .get_or_insert_with(|| unreachable!("csv writer set up"));
                w.write_record([
                    f.kind,
                    f.path,
                    f.location,
                    f.confidence,
                    f.masked,
                    f.fingerprint.unwrap_or(""),
                    f.value.unwrap_or(""),
                    f.variant.unwrap_or(""),
                    "",
                    f.resolution.map_or(f.status, |_| "resolved"),
                    f.resolution.unwrap_or(""),
                    &first_seen,
                    &audience,
                    f.severity.map_or("", |a| a.severity.name()),
                ])
                .map_err(io::Error::from)
            }
        }
    }

    /// Errors, skipped items and warnings.
    fn other(&mut self, r: &Record) -> io::Result<()> {
        if let Record::Url(u) = r {
            return self.url(u);
        }
        let Some(o) = other(r) else {
            return Ok(());
        };
        match self.format {
            Format::Human => match r {
                Record::Error { .. } => {
                    self.out.flush()?;
                    match o.location {
                        Some(loc) => eprintln!("datavakt: {}: {loc}: {}", o.path, o.reason),
                        None => eprintln!("datavakt: {}: {}", o.path, o.reason),
                    }
                    Ok(())
                }
                Record::Warning { .. } if !self.quiet => {
                    self.out.flush()?;
                    eprintln!("datavakt: warning: {}: {}", o.path, o.reason);
                    Ok(())
                }
                // Skipped items are counted in the summary, not listed one by one.
                _ => Ok(()),
            },
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, &o).map_err(json_err)?;
                self.out.write_all(b"\n")
            }
            Format::Json => {
                self.json_other.push(serde_json::json!(o));
                Ok(())
            }
            Format::Csv => {
                let w = self
                    .csv
                    .get_or_insert_with(|| unreachable!("csv writer set up"));
                w.write_record([
                    o.kind,
                    o.path,
                    o.location.unwrap_or(""),
                    "",
                    "",
                    "",
                    "",
                    "",
                    o.reason,
                    "",
                    "",
                    "",
                    "",
                    "",
                ])
                .map_err(io::Error::from)
            }
        }
    }

    /// What a web server answered: a `url` record (counted in the human summary only).
    fn url(&mut self, u: &crate::web::UrlFacts) -> io::Result<()> {
        let mut v = serde_json::json!(u);
        v["kind"] = "url".into();
        match self.format {
            Format::Human => Ok(()),
            Format::Jsonl => {
                serde_json::to_writer(&mut self.out, &v).map_err(json_err)?;
                self.out.write_all(b"\n")
            }
            Format::Json => {
                self.json_other.push(v);
                Ok(())
            }
            Format::Csv => {
                let mut what = u.status.map_or("no answer".into(), |s| format!("HTTP {s}"));
                if u.protected {
                    what.push_str(", needs credentials");
                }
                if let Some(l) = &u.listed_by {
                    what.push_str(&format!(", listed by {l}"));
                }
                let w = self
                    .csv
                    .get_or_insert_with(|| unreachable!("csv writer set up"));
                w.write_record([
                    "url",
                    &u.path,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    &what,
                    "",
                    "",
                    "",
                    u.transport,
                    "",
                ])
                .map_err(io::Error::from)
            }
        }
    }

    fn human(&mut self, f: &View) -> io::Result<()> {
        if self.current.as_deref() != Some(f.path) {
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
            if let Some(a) = f.severity {
                let paint = match a.severity {
                    assess::Severity::Critical | assess::Severity::High => self.paint(RED),
                    assess::Severity::Medium => self.paint(YELLOW),
                    _ => self.paint(DIM),
                };
                write!(self.out, "  {paint}{}{}", a.severity, self.paint(RESET))?;
            }
            if let Some(audience) = f.audience() {
                write!(
                    self.out,
                    "  {}readable by: {audience}{}",
                    self.paint(DIM),
                    self.paint(RESET)
                )?;
            }
            writeln!(self.out)?;
            if let Some(a) = f.severity.filter(|a| !a.why.is_empty()) {
                writeln!(
                    self.out,
                    "  {}why: {}{}",
                    self.paint(DIM),
                    a.why.join("; "),
                    self.paint(RESET)
                )?;
            }
            self.current = Some(f.path.to_string());
        }
        let conf = match f.confidence {
            "high" => self.paint(RED),
            "medium" => self.paint(YELLOW),
            _ => self.paint(DIM),
        };
        write!(
            self.out,
            "  {:<10} {:<17} {}{:<6}{}  {}{}{}",
            f.location,
            f.kind,
            conf,
            f.confidence,
            self.paint(RESET),
            self.paint(BOLD),
            f.value.unwrap_or(f.masked),
            self.paint(RESET),
        )?;
        if let Some(v) = f.variant {
            write!(self.out, "  ({v})")?;
        }
        if let Some(how) = f.resolution {
            write!(self.out, "  resolved: {how}")?;
        } else if f.status != "open" {
            write!(self.out, "  [{}]", f.status)?;
        }
        writeln!(self.out)
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
    Ok(())
}

/// Receives every message until the workers are done; returns the summary.
pub fn write_all(
    rx: Receiver<Vec<Msg>>,
    opts: &Options,
    started: Instant,
    db: store::Store,
    scanned_with: &str,
    mask: &crate::masking::Masker,
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
        scratch: Vec::new(),
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
            "status",
            "resolution",
            "first_seen",
            "audience",
            "severity",
        ])
        .map_err(|e| e.to_string())?;
        w.csv = Some(c);
    }
    let progress = (!opts.quiet && io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let mut e = Emitter {
        w,
        s: Summary::default(),
        distinct: HashSet::new(),
        broken_pipe: false,
        fatal: None,
        progress,
        changes_only: opts.changes_only,
        pending: HashMap::new(),
        policy: opts.policy.as_ref(),
        min_confidence: confidence_rank(opts.min_confidence.name()),
        now: scan::unix_now(),
        by_severity: (opts.format == Format::Human).then(Vec::new),
        last_exposure: None,
    };
    let mut db = Db {
        store: db,
        error: None,
        scanned_with,
    };
    // The findings the database holds for the roots are loaded while the walk begins.
    let recalled = db.store.recall();
    db.keep(recalled);
    // Who can read the items being read, by path, from their exposure to their end.
    let mut exposures: HashMap<String, Arc<str>> = HashMap::new();
    // Web roots whose crawl met everything it could reach, and the URLs behind a password it
    // could not read (what lies below them is not gone, only unseen).
    let mut crawled: Vec<String> = Vec::new();
    let mut unread: Vec<String> = Vec::new();
    let result = e.w.start();
    e.check(result);
    for msg in rx.into_iter().flatten() {
        match msg {
            Msg::Records(records) => {
                for r in records {
                    match r {
                        Record::Finding(f) => {
                            let seen = db.finding(&f);
                            let exposure = exposures.get(&f.path).cloned();
                            e.found(f, seen, exposure);
                        }
                        r => {
                            match &r {
                                Record::Url(u) => {
                                    e.s.urls += 1;
                                    e.s.urls_protected += u64::from(u.protected);
                                }
                                Record::Error { .. } => e.s.errors += 1,
                                Record::Skipped { reason, .. } if !reason.starts_with("binary") => {
                                    *e.s.other_skipped.entry(reason.clone()).or_default() += 1;
                                }
                                _ => {}
                            }
                            db.other(&r);
                            e.other(&r);
                        }
                    }
                }
            }
            Msg::Crawled {
                root,
                complete,
                protected,
            } => {
                if complete {
                    crawled.push(root);
                }
                unread.extend(protected);
            }
            Msg::Exposure { path, exposure } => {
                let shared = db.exposure(&path, &exposure);
                exposures.insert(path, shared);
            }
            Msg::Read { path, meta, hash } => {
                exposures.remove(&path);
                let end = db.read(&path, meta.as_ref(), hash.as_deref());
                e.resolved(&end.resolved);
                for c in end.reopened {
                    e.stored(c, true);
                }
                let modified = meta.map(|m| m.mtime_ns.div_euclid(1_000_000_000));
                e.complete(&path, modified, &mut db);
            }
            Msg::Unfinished(path) => {
                exposures.remove(&path);
                e.complete(&path, None, &mut db);
            }
            Msg::Unchanged { path, exposure } => {
                if let Some(exposure) = exposure {
                    db.exposure(&path, &exposure);
                }
                for c in db.unchanged(&path) {
                    e.stored(c, false);
                }
                e.complete(&path, None, &mut db);
            }
            Msg::Copy {
                path,
                meta,
                hash,
                original,
            } => match db.copy(&path, &meta, &hash, &original) {
                Some(copied) => {
                    e.resolved(&copied.end.resolved);
                    for (c, new) in copied.found {
                        e.stored(c, new);
                    }
                    e.complete(
                        &path,
                        Some(meta.mtime_ns.div_euclid(1_000_000_000)),
                        &mut db,
                    );
                }
                None => e.other(&Record::Warning {
                    path,
                    reason: "a copy of a file edited during this scan; the next scan reads it"
                        .into(),
                }),
            },
            Msg::Ocr(spent) => {
                e.s.ocr_reads += 1;
                e.s.ocr_seconds += spent.as_secs_f64();
            }
            Msg::Done(o) => e.done(o),
        }
    }
    // What the walk did not meet: gone (resolved) or still there (carried over). A URL (web
    // or SMB) is gone when a complete crawl or walk of its root did not meet it, unless it
    // lies behind a password the crawl could not pass.
    let exists = |p: &str| {
        if p.starts_with("http://") || p.starts_with("https://") || p.starts_with("smb://") {
            let under = |prefix: &String| {
                p == prefix || (prefix.ends_with('/') && p.starts_with(prefix.as_str()))
            };
            return unread.iter().any(under) || !crawled.iter().any(|r| p.starts_with(r.as_str()));
        }
        // Stored with masked names, it is looked for through its folders' listings.
        mask.exists(p)
    };
    e.complete_all(&mut db);
    let end = db.close(&exists);
    e.resolved(&end.resolved);
    for c in end.carried {
        e.stored(c, false);
    }
    e.complete_all(&mut db);
    db.end(&e.s);
    e.print_by_severity();
    let Emitter {
        mut w,
        mut s,
        distinct,
        mut broken_pipe,
        mut fatal,
        progress,
        ..
    } = e;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    s.distinct_numbers = distinct.len() as u64;
    let elapsed = started.elapsed();
    s.elapsed_seconds = elapsed.as_secs_f64();
    s.megabytes_per_second = scan::rate(s.bytes_read, elapsed);
    s.ocr_share = (s.ocr_seconds / (s.elapsed_seconds * opts.threads.max(1) as f64)).min(1.0);
    if !broken_pipe && fatal.is_none() {
        let res = w.finish(&s);
        check(res, &mut broken_pipe, &mut fatal);
    }
    match (fatal, db.error) {
        (Some(e), _) => Err(format!("cannot write the output: {e}")),
        (None, Some(e)) => Err(format!("scan database: {e}")),
        (None, None) => Ok(s),
    }
}

/// Counts one more under `key` (a key is copied once, not once per count).
fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

/// Orders confidences as stored (`low` < `medium` < `high`).
fn confidence_rank(name: &str) -> u8 {
    match name {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

/// What an exposure object (the contract's JSON) says, in the terms of the assessment.
#[derive(Clone, Copy)]
struct ExposureFacts {
    audience: assess::Audience,
    transport: assess::Transport,
    listed: bool,
}

impl ExposureFacts {
    fn parse(exposure: &str) -> Option<ExposureFacts> {
        let v = serde_json::from_str::<serde_json::Value>(exposure).ok()?;
        let audience = v["audience"].as_str().unwrap_or("unknown");
        let size = v["size"].as_u64().and_then(|n| u32::try_from(n).ok());
        Some(ExposureFacts {
            audience: assess::Audience::parse(audience, size).unwrap_or_default(),
            transport: v["transport"]
                .as_str()
                .and_then(assess::Transport::parse)
                .unwrap_or_default(),
            listed: v["via"]
                .as_str()
                .is_some_and(|via| via.contains("listed by")),
        })
    }

    fn apply(&self, facts: &mut assess::ItemFacts) {
        facts.audience = self.audience;
        facts.transport = self.transport;
        facts.listed = self.listed;
    }
}

/// The output side of the writer: prints findings and keeps the summary.
struct Emitter<'p, W: Write> {
    w: Writer<W>,
    s: Summary,
    distinct: HashSet<Arc<str>>,
    broken_pipe: bool,
    fatal: Option<io::Error>,
    progress: Option<indicatif::ProgressBar>,
    changes_only: bool,
    /// Findings of items not yet complete, by path.
    pending: HashMap<Arc<str>, Vec<Held>>,
    policy: Option<&'p assess::Policy>,
    /// The threshold for printing (and counting) a finding, as a rank.
    min_confidence: u8,
    /// Unix seconds, for ages.
    now: i64,
    /// The human report: items with their findings, printed at the end by severity.
    by_severity: Option<Vec<(assess::Assessment, Vec<Held>)>>,
    /// The last exposure object parsed, and what it says (`None`: not JSON).
    last_exposure: Option<(Arc<str>, Option<ExposureFacts>)>,
}

impl<W: Write> Emitter<'_, W> {
    fn check(&mut self, r: io::Result<()>) {
        check(r, &mut self.broken_pipe, &mut self.fatal);
    }

    /// Writes with the progress bar out of the way, until the output fails.
    fn emit(&mut self, write: impl FnOnce(&mut Writer<W>) -> io::Result<()>) {
        if self.broken_pipe || self.fatal.is_some() {
            return;
        }
        let res = match &self.progress {
            Some(pb) => pb.suspend(|| write(&mut self.w)),
            None => write(&mut self.w),
        };
        self.check(res);
    }

    fn print(&mut self, v: &View) {
        self.emit(|w| w.finding(v));
    }

    /// A current finding, counted.
    fn count(&mut self, c: &store::Current, new: bool) {
        let s = &mut self.s;
        s.findings += 1;
        bump(&mut s.findings_by_kind, &c.kind);
        bump(&mut s.findings_by_confidence, &c.confidence);
        if new {
            s.new_findings += 1;
        }
        if let Some(fp) = &c.fingerprint {
            if !self.distinct.contains(fp) {
                self.distinct.insert(fp.clone());
            }
        }
    }

    /// A finding reported by the scan, held until its item is complete.
    fn found(&mut self, f: FindingOut, seen: store::Found, exposure: Option<Arc<str>>) {
        self.hold(Held::found(f, seen, exposure));
    }

    /// Keeps a finding with the others of its item (the path copied once per item).
    fn hold(&mut self, held: Held) {
        match self.pending.get_mut(&held.c.path) {
            Some(all) => all.push(held),
            None => {
                self.pending.insert(held.c.path.clone(), vec![held]);
            }
        }
    }

    /// A finding the scan database holds (carried over, copied, reopened), held like one found.
    fn stored(&mut self, c: store::Current, new: bool) {
        self.hold(Held {
            c,
            value: None,
            media: None,
            new,
        });
    }

    /// The item at `path` is complete: its severity is assessed from all its findings, kept
    /// in the database, and its findings are counted and printed (the human report keeps
    /// them for the end, to print the most severe items first).
    fn complete(&mut self, path: &str, modified: Option<i64>, db: &mut Db) {
        let Some(mut held) = self.pending.remove(path) else {
            return;
        };
        // A false positive is no finding: not counted, not printed, no weight. Below the
        // threshold: counted as such, and no weight either.
        held.retain(|h| &*h.c.status != "false-positive");
        let before = held.len();
        let min = self.min_confidence;
        held.retain(|h| confidence_rank(&h.c.confidence) >= min);
        self.s.below_min_confidence += (before - held.len()) as u64;
        if held.is_empty() {
            return;
        }
        let mut facts = assess::ItemFacts::default();
        for h in &held {
            facts.add_finding(&h.c.kind, None, h.c.fingerprint.as_deref(), h.c.first_seen);
        }
        let mut exposure = held.iter().find_map(|h| h.c.exposure.clone());
        if let Some(e) = exposure.clone() {
            // Items side by side mostly share one exposure: parsed once.
            let parsed = match &self.last_exposure {
                Some((last, parsed)) if Arc::ptr_eq(last, &e) || **last == *e => *parsed,
                _ => {
                    let parsed = ExposureFacts::parse(&e);
                    self.last_exposure = Some((e, parsed));
                    parsed
                }
            };
            match parsed {
                Some(p) => p.apply(&mut facts),
                // Not JSON (a damaged database): not printed either.
                None => exposure = None,
            }
        }
        facts.modified = modified;
        let zone = self.policy.and_then(|p| p.zone_of(path));
        let a = assess::assess(&facts, zone, self.now);
        db.severity(path, &a);
        *self
            .s
            .findings_by_severity
            .entry(a.severity.name())
            .or_default() += held.len() as u64;
        for h in &held {
            self.count(&h.c, h.new);
        }
        if let Some(sorted) = self.by_severity.as_mut() {
            held.retain(|h| h.new || !self.changes_only);
            if !held.is_empty() {
                sorted.push((a, held));
            }
            return;
        }
        let members = matches!(self.w.format, Format::Jsonl | Format::Json)
            .then(|| item_members(exposure.as_deref(), &a));
        for h in &held {
            if h.new || !self.changes_only {
                let mut v = h.view(Some(&a));
                v.item_json = members.as_deref();
                self.print(&v);
            }
        }
    }

    /// Completes every item still held (the end of the scan).
    fn complete_all(&mut self, db: &mut Db) {
        let mut paths: Vec<Arc<str>> = self.pending.keys().cloned().collect();
        paths.sort();
        for p in paths {
            self.complete(&p, None, db);
        }
    }

    /// The human report: items by severity (then score, then path), each with its findings.
    fn print_by_severity(&mut self) {
        let Some(mut sorted) = self.by_severity.take() else {
            return;
        };
        sorted.sort_by(|(a, x), (b, y)| {
            (b.severity, b.score)
                .cmp(&(a.severity, a.score))
                .then_with(|| x[0].c.path.cmp(&y[0].c.path))
        });
        for (a, held) in &sorted {
            for h in held {
                self.print(&h.view(Some(a)));
            }
        }
    }

    /// Findings resolved by this scan: counted, printed only with --changes-only.
    fn resolved(&mut self, resolved: &[store::Current]) {
        self.s.resolved_findings += resolved.len() as u64;
        if self.changes_only {
            for c in resolved {
                self.print(&View::stored(c));
            }
        }
    }

    fn other(&mut self, r: &Record) {
        self.emit(|w| w.other(r));
    }

    fn done(&mut self, o: Outcome) {
        let s = &mut self.s;
        match o {
            Outcome::Text { bytes } => {
                s.files_scanned += 1;
                s.bytes_read += bytes;
            }
            Outcome::Binary { bytes } => {
                s.binary_skipped += 1;
                s.bytes_read += bytes;
            }
            Outcome::Copy { bytes } => {
                s.copies += 1;
                s.bytes_read += bytes;
            }
            Outcome::Unchanged => s.unchanged_files += 1,
            Outcome::Error | Outcome::Skipped => {}
        }
        if let Some(pb) = &self.progress {
            pb.set_message(format!(
                "{} files, {:.0} MB, {} unchanged, {} findings",
                s.files_scanned,
                s.bytes_read as f64 / 1e6,
                s.unchanged_files,
                s.findings
            ));
        }
    }
}

/// The scan database side of the writer. The first failure ends writing to it: it is
/// reported at the end, and the scan and its output go on (findings then count as new).
struct Db<'a> {
    store: store::Store,
    error: Option<store::StoreError>,
    scanned_with: &'a str,
}

impl Db<'_> {
    fn keep<T: Default>(&mut self, r: Result<T, store::StoreError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.error.get_or_insert(e);
                T::default()
            }
        }
    }

    fn finding(&mut self, f: &FindingOut) -> store::Found {
        let fresh = store::Found {
            change: store::Change::New,
            first_seen: scan::unix_now(),
            status: "open".into(),
        };
        if self.error.is_some() {
            return fresh;
        }
        let r = self.store.finding(&store::FindingRow {
            path: &f.path,
            location: &f.location,
            kind: f.kind,
            confidence: f.confidence.name(),
            masked: &f.masked,
            fingerprint: f.fingerprint.as_deref(),
            variant: f.variant,
        });
        match r {
            Ok(found) => found,
            Err(e) => {
                self.error = Some(e);
                fresh
            }
        }
    }

    /// Errors are kept; skipped items and warnings are not.
    fn other(&mut self, r: &Record) {
        if let (
            Record::Error {
                path,
                location,
                reason,
            },
            None,
        ) = (r, &self.error)
        {
            let r = self.store.error(path, location.as_deref(), reason);
            self.keep(r);
        }
    }

    fn read(
        &mut self,
        path: &str,
        meta: Option<&store::Meta>,
        hash: Option<&str>,
    ) -> store::ItemEnd {
        if self.error.is_some() {
            return store::ItemEnd::default();
        }
        let r = self.store.item_read(path, meta, hash, self.scanned_with);
        self.keep(r)
    }

    fn exposure(&mut self, path: &str, exposure: &str) -> Arc<str> {
        if self.error.is_some() {
            return Arc::from(exposure);
        }
        let r = self.store.item_exposure(path, exposure);
        match r {
            Ok(shared) => shared,
            Err(e) => {
                self.error = Some(e);
                Arc::from(exposure)
            }
        }
    }

    fn severity(&mut self, path: &str, a: &assess::Assessment) {
        if self.error.is_some() || path == "-" {
            return;
        }
        let r = self
            .store
            .item_severity(path, a.severity.name(), i64::from(a.score));
        self.keep(r);
    }

    fn unchanged(&mut self, path: &str) -> Vec<store::Current> {
        if self.error.is_some() {
            return Vec::new();
        }
        let r = self.store.item_unchanged(path);
        self.keep(r)
    }

    fn copy(
        &mut self,
        path: &str,
        meta: &store::Meta,
        hash: &str,
        original: &str,
    ) -> Option<store::Copied> {
        if self.error.is_some() {
            return Some(store::Copied::default());
        }
        let r = self
            .store
            .item_copy(path, meta, hash, original, self.scanned_with);
        self.keep(r)
    }

    fn close(&mut self, exists: &dyn Fn(&str) -> bool) -> store::End {
        if self.error.is_some() {
            return store::End::default();
        }
        let r = self.store.close_items(exists);
        self.keep(r)
    }

    fn end(&mut self, s: &Summary) {
        if self.error.is_some() {
            return;
        }
        let counts = store::Counts {
            files: s.files_scanned + s.binary_skipped + s.unchanged_files + s.copies,
            bytes: s.bytes_read,
            findings: s.findings,
            errors: s.errors,
        };
        let r = self.store.end_scan(counts, scan::unix_now());
        self.keep(r);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exposure_gives_the_assessment_its_audience_size_and_transport() {
        let facts = |json: &str| {
            let mut f = assess::ItemFacts::default();
            ExposureFacts::parse(json).unwrap().apply(&mut f);
            f
        };
        let f = facts(
            r#"{"audience":"group","via":"mode 0640","principals":["group:staff"],"size":240,"transport":"local"}"#,
        );
        assert_eq!(f.audience, assess::Audience::Group { size: Some(240) });
        let f = facts(
            r#"{"audience":"public","via":"served without credentials over HTTP; listed by /x/","principals":[],"transport":"http"}"#,
        );
        assert_eq!(f.audience, assess::Audience::Public);
        assert!(f.listed);
        assert_eq!(f.transport, assess::Transport::parse("http").unwrap());
        assert!(ExposureFacts::parse("{not json").is_none());
    }

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(1_796_200_245), "2026-12-02T08:30:45Z");
        assert_eq!(
            serde_json::to_string(&IsoTime(-1)).unwrap(),
            "\"1969-12-31T23:59:59Z\""
        );
    }
}
