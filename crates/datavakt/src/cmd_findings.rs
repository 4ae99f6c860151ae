//! `datavakt findings list|show|mark`: the findings the scan database holds, one finding's
//! history, and a person's decisions about findings (false positive, accepted, open again).
//!
//! Everything printed comes from the store, which has masked values and fingerprints only:
//! these commands cannot show a found value.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use model::{FindingDetail, StoredFinding};
use store::query::{self, Filter, Marking, Selection};

use crate::args::{AudienceArg, ConfidenceArg, SeverityArg};
use crate::paths;

/// `datavakt findings --help`.
pub const HELP: &str = "\
Examples:
  datavakt findings list                              current findings (open, accepted)
  datavakt findings list /srv/share/Export --kind dk-cpr
  datavakt findings list --status false-positive --format csv > dismissed.csv
  datavakt findings show 42                           one finding and its history
  datavakt findings mark 42 43 --status false-positive --reason \"test numbers in a manual\"
  datavakt findings mark --path /srv/share/HR --status accepted --reason \"HR archive, allowed\"

Findings come from the scan database that `datavakt scan` writes (--db, else $DATAVAKT_DB,
else the data directory). Values are masked (010190-****); the database has no clear values.";

const LIST_HELP: &str = "\
Examples:
  datavakt findings list
  datavakt findings list /srv/share/Export             that folder (or file) and below
  datavakt findings list --kind dk-cpr --kind health --min-confidence high
  datavakt findings list --status all --format jsonl | jq .status
  datavakt findings list --older-than 365              there for a year or more
  datavakt findings list --min-severity high --audience public --audience organisation

Columns: id, first seen, age (days since first seen), the item's severity and who can read
it (as the last scan judged them), status, confidence, kind, masked value, path and
location; a total line ends the list. --status current (the default) is open and accepted findings,
what `datavakt scan` reports; false positives and resolved findings are listed only when
asked for.";

const SHOW_HELP: &str = "\
Examples:
  datavakt findings show 42
  datavakt findings show 42 --format json

Shows the finding (kind, confidence, masked value, fingerprint, status and who set it, why
and when), its item (size, modification time, owner, content hash, exposure) and its
history, from first seen to now.";

const MARK_HELP: &str = "\
Examples:
  datavakt findings mark 42 --status false-positive --reason \"invoice number, not a CPR\"
  datavakt findings mark 42 43 44 --status accepted --reason \"personnel files, allowed here\"
  datavakt findings mark 42 --status open                 undo a decision
  datavakt findings mark --path /srv/share/Test --kind dk-cpr --status false-positive \\
      --reason \"synthetic test data\"
  datavakt findings mark --fingerprint hmac-sha256:5f1c… --status false-positive \\
      --reason \"the test number of the payroll system\" --dry-run     what it would change

A reason is required for false-positive and accepted; it is kept with your name (--by, else
$USER) and the time in the finding's history. A false positive stays one on later scans
until its file's content changes, then it is open again. Accepted findings are still
reported by scans and counted in reports; false positives are not. Resolved findings (their
file edited or deleted) cannot be marked.";

/// `datavakt findings`.
#[derive(Args)]
pub struct FindingsArgs {
    #[command(subcommand)]
    action: Action,

    /// The scan database: a SQLite file or a postgres:// URL [default: $DATAVAKT_DB, else
    /// $XDG_DATA_HOME/datavakt/datavakt.db or ~/.local/share/datavakt/datavakt.db].
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Action {
    /// List findings, one line each.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Show everything known about one finding, with its history.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Mark findings as false positives or accepted (with a reason), or open again.
    #[command(after_help = MARK_HELP)]
    Mark(MarkArgs),
}

#[derive(Args)]
struct ListArgs {
    /// Only findings in this file or folder (or below it).
    #[arg(value_name = "PATH-PREFIX")]
    prefix: Option<PathBuf>,

    /// Only this kind (dk-cpr, se-personnummer, health, email, name, or a rule's kind);
    /// repeat for several.
    #[arg(long, value_name = "KIND")]
    kind: Vec<String>,

    /// Which findings by status.
    #[arg(long, value_enum, default_value_t = StatusFilter::Current)]
    status: StatusFilter,

    /// Only findings of at least this confidence (`scan` prints medium and above; the
    /// database keeps low ones too).
    #[arg(long, value_enum, default_value_t = ConfidenceArg::Medium)]
    min_confidence: ConfidenceArg,

    /// Only findings first seen at least this many days ago.
    #[arg(long, value_name = "DAYS")]
    older_than: Option<u32>,

    /// Only findings in items at least this severe (as the last scan judged them).
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_severity: Option<SeverityArg>,

    /// Only findings in items readable by this audience (as the last scan judged them);
    /// repeat for several.
    #[arg(long, value_enum, value_name = "WHO")]
    audience: Vec<AudienceArg>,

    /// Output format: aligned text, JSON Lines (one object a finding), or CSV with a header.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(Args)]
struct ShowArgs {
    /// The finding's id (the first column of `datavakt findings list`).
    #[arg(value_name = "ID")]
    id: i64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    format: ShowFormat,
}

#[derive(Args)]
struct MarkArgs {
    /// The findings' ids (the first column of `datavakt findings list`).
    #[arg(value_name = "ID", required_unless_present_any = ["path", "fingerprint"])]
    ids: Vec<i64>,

    /// Every finding in this file or folder (or below it) instead of ids.
    #[arg(long, value_name = "PATH-PREFIX", conflicts_with = "ids")]
    path: Option<PathBuf>,

    /// Every finding of this value, wherever it is (its fingerprint, `hmac-sha256:…`, as
    /// `findings show` and the JSON outputs give it): a test number seen in 300 files, at
    /// once. Repeat for several; with --path, only there.
    #[arg(long, value_name = "HMAC", conflicts_with = "ids")]
    fingerprint: Vec<String>,

    /// With --path or --fingerprint: only findings of this kind; repeat for several.
    #[arg(long, value_name = "KIND")]
    kind: Vec<String>,

    /// Say what the mark would change, and change nothing.
    #[arg(long)]
    dry_run: bool,

    /// The new status.
    #[arg(long, value_enum)]
    status: MarkStatus,

    /// Why (required for false-positive and accepted; kept in the finding's history).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,

    /// Who decides [default: $USER].
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFilter {
    /// Open and accepted: what scans report.
    Current,
    Open,
    Accepted,
    FalsePositive,
    Resolved,
    All,
}

impl StatusFilter {
    fn statuses(self) -> Vec<String> {
        let s: &[&str] = match self {
            StatusFilter::Current => query::CURRENT,
            StatusFilter::Open => &["open"],
            StatusFilter::Accepted => &["accepted"],
            StatusFilter::FalsePositive => &["false-positive"],
            StatusFilter::Resolved => &["resolved"],
            StatusFilter::All => &[],
        };
        s.iter().map(|s| s.to_string()).collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MarkStatus {
    /// Not personal data (a test number, an invoice number); not reported again.
    FalsePositive,
    /// Personal data that may be there; still reported and counted.
    Accepted,
    /// Undo a decision.
    Open,
}

impl MarkStatus {
    fn name(self) -> &'static str {
        match self {
            MarkStatus::FalsePositive => "false-positive",
            MarkStatus::Accepted => "accepted",
            MarkStatus::Open => "open",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Human,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    Human,
    Json,
}

/// Opens the scan database for reading: `--db`, else `$DATAVAKT_DB`, else the data
/// directory, as `scan` does; a missing database is an error (reading never creates one).
pub fn open_existing(explicit: Option<&Path>) -> Result<store::Db, String> {
    let path = paths::chosen(explicit, "DATAVAKT_DB")
        .or_else(|| paths::data_file("datavakt.db"))
        .ok_or(
            "cannot find the data directory (HOME is not set); give the scan database with --db",
        )?;
    let at = store::Location::of(&path);
    if matches!(at, store::Location::Sqlite(_)) && !path.is_file() {
        return Err(format!(
            "no scan database at {}: run `datavakt scan PATH` first (or give the database \
             with --db or $DATAVAKT_DB)",
            path.display()
        ));
    }
    store::open_existing(&at).map_err(|e| format!("scan database: {e}"))
}

/// An absolute path prefix as the store keeps paths (made absolute like `scan` does, not
/// resolved: the folder may be gone), with the values in its names masked as `scan` masks
/// them (a prefix given in its masked form, as listed, stays as it is).
pub fn prefix(p: &Path) -> Result<String, String> {
    let abs = paths::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let shown = scan::masking::shown(abs.as_os_str());
    let (det, _) = crate::detector::detector(detect::Detectors::default(), None, None, true)?;
    let mut found = Vec::new();
    det.scan_name(shown.as_bytes(), &mut found);
    if found.is_empty() {
        // The usual case needs no key.
        return Ok(shown.into_owned());
    }
    let fp = detect::Fingerprinter::new(&crate::key::load(None)?);
    let mask = scan::masking::Masker::new(&det, &fp);
    Ok(scan::masking::Folders::default().stored(&mask, &abs))
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    scan::unix_now()
}

/// The output's result: a reader that went away (`| head`) is not an error.
pub fn written(r: io::Result<()>) -> Result<(), String> {
    match r {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Runs `datavakt findings`.
pub fn run(args: FindingsArgs) -> Result<(), String> {
    match args.action {
        Action::List(a) => list(args.db.as_deref(), a),
        Action::Show(a) => show(args.db.as_deref(), a),
        Action::Mark(a) => mark(args.db.as_deref(), a),
    }
}

const CSV_HEADER: [&str; 13] = [
    "id",
    "path",
    "location",
    "kind",
    "confidence",
    "masked",
    "status",
    "first_seen",
    "age_days",
    "fingerprint",
    "variant",
    "resolution",
    "modified",
];

fn list(db: Option<&Path>, a: ListArgs) -> Result<(), String> {
    let conn = open_existing(db)?;
    let now = now();
    let mut filter = Filter {
        path: a.prefix.as_deref().map(prefix).transpose()?,
        kinds: a.kind,
        statuses: a.status.statuses(),
        confidences: a
            .min_confidence
            .at_least()
            .iter()
            .map(|c| c.to_string())
            .collect(),
        seen_before: None,
        min_severity: a.min_severity.map(Into::into),
        audiences: a.audience.iter().map(|w| (*w).into()).collect(),
        fingerprints: Vec::new(),
    };
    if let Some(days) = a.older_than {
        filter = filter.min_age(now, i64::from(days) * 86_400);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // A CSV consumer gets its header even when nothing matches; people get one above rows.
    let mut header =
        match a.format {
            ListFormat::Human => Some(format!(
            "{:>6}  {:<10}  {:>5}  {:<8}  {:<12}  {:<14}  {:<6}  {:<16}  {:<15}  PATH: LOCATION\n",
            "ID", "FIRST SEEN", "AGE", "SEVERITY", "READABLE BY", "STATUS", "CONF", "KIND", "MASKED"
        )),
            ListFormat::Csv => {
                if let Err(e) = writeln!(out, "{}", CSV_HEADER.join(",")) {
                    return written(Err(e));
                }
                None
            }
            ListFormat::Jsonl => None,
        };
    let mut write = |l: &StoredFinding| -> io::Result<()> {
        if let Some(h) = header.take() {
            out.write_all(h.as_bytes())?;
        }
        let f = &l.finding;
        let location = f.location.as_deref().unwrap_or("");
        let status = match f.resolution {
            Some(r) => format!("resolved:{}", r.name()),
            None => f.status.name().to_string(),
        };
        match a.format {
            ListFormat::Human => writeln!(
                out,
                "{:>6}  {}  {:>5}  {:<8}  {:<12}  {:<14}  {:<6}  {:<16}  {:<15}  {}{}{}",
                l.id,
                &f.first_seen.to_string()[..10],
                format!("{} d", l.age_days),
                f.severity.map_or("-", |s| s.name()),
                f.exposure.as_ref().map_or("-", |e| e.audience.name()),
                status,
                f.confidence.name(),
                f.kind,
                f.masked,
                f.path,
                if location.is_empty() { "" } else { ": " },
                location
            ),
            ListFormat::Jsonl => {
                serde_json::to_writer(&mut out, l).map_err(io::Error::from)?;
                out.write_all(b"\n")
            }
            ListFormat::Csv => {
                // One writer a record (it only quotes): rows stream to the reader.
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record([
                    l.id.to_string().as_str(),
                    &f.path,
                    location,
                    &f.kind,
                    f.confidence.name(),
                    &f.masked,
                    f.status.name(),
                    &f.first_seen.to_string(),
                    &l.age_days.to_string(),
                    f.fingerprint.as_deref().unwrap_or(""),
                    f.variant.as_deref().unwrap_or(""),
                    f.resolution.map_or("", |r| r.name()),
                    &l.modified.map(|m| m.to_string()).unwrap_or_default(),
                ])?;
                w.flush()
            }
        }
    };
    let mut failed: Option<io::Error> = None;
    let n = query::each_finding(&conn, &filter, now, &mut |l| match write(&l) {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    })
    .map_err(|e| e.to_string())?;
    if n == 0 && a.format == ListFormat::Human {
        eprintln!(
            "datavakt: no findings match (see the others with --status all; \
             `datavakt scan PATH` records new ones)"
        );
    } else if a.format == ListFormat::Human && failed.is_none() {
        failed = writeln!(out, "{n} finding{}", if n == 1 { "" } else { "s" }).err();
    }
    written(failed.map_or_else(|| out.flush(), Err))
}

fn show(db: Option<&Path>, a: ShowArgs) -> Result<(), String> {
    let conn = open_existing(db)?;
    let now = now();
    let Some(mut d) = query::finding(&conn, a.id, now).map_err(|e| e.to_string())? else {
        return Err(format!(
            "there is no finding {} (see the ids with `datavakt findings list --status all`)",
            a.id
        ));
    };
    d.item.owner_name = d
        .item
        .owner
        .and_then(|uid| u32::try_from(uid).ok())
        .and_then(sources::exposure::user_name)
        .map(Into::into);
    let text = match a.format {
        ShowFormat::Json => serde_json::to_string(&d).map_err(|e| e.to_string())? + "\n",
        ShowFormat::Human => show_text(&d),
    };
    written(io::stdout().lock().write_all(text.as_bytes()))
}

fn show_text(d: &FindingDetail) -> String {
    use std::fmt::Write as _;
    let (l, f) = (&d.stored, &d.stored.finding);
    let mut s = String::new();
    let line = |s: &mut String, k: &str, v: &str| {
        let _ = writeln!(s, "  {k:<12} {v}");
    };
    let _ = writeln!(s, "Finding {}", l.id);
    line(&mut s, "path", &f.path);
    if let Some(at) = &f.location {
        line(&mut s, "location", at);
    }
    match &f.variant {
        Some(v) => line(&mut s, "kind", &format!("{} ({v})", f.kind)),
        None => line(&mut s, "kind", &f.kind),
    }
    line(&mut s, "confidence", f.confidence.name());
    line(&mut s, "masked", &f.masked);
    if let Some(fp) = &f.fingerprint {
        line(&mut s, "fingerprint", fp);
    }
    let mut status = f.status.name().to_string();
    if let Some(r) = f.resolution {
        let _ = write!(status, " ({})", r.name());
    }
    if let Some(at) = d.status_at {
        let _ = write!(status, " since {at}");
    }
    if let Some(by) = &d.status_by {
        let _ = write!(status, " by {by}");
    }
    line(&mut s, "status", &status);
    if let Some(r) = &d.status_reason {
        line(&mut s, "reason", r);
    }
    line(
        &mut s,
        "first seen",
        &format!("{} ({} days ago)", f.first_seen, l.age_days),
    );
    line(
        &mut s,
        "last seen",
        &format!("{} (scan {})", l.last_seen, d.last_scan),
    );
    let _ = writeln!(s, "Item");
    if let Some(size) = d.item.size {
        line(&mut s, "size", &format!("{size} bytes"));
    }
    if let Some(m) = d.item.modified {
        line(&mut s, "modified", &m.to_string());
    }
    match (&d.item.owner_name, d.item.owner) {
        (Some(name), Some(uid)) => line(&mut s, "owner", &format!("{name} (uid {uid})")),
        (None, Some(uid)) => line(
            &mut s,
            "owner",
            &format!("uid {uid} (no such account here)"),
        ),
        _ => {}
    }
    if let Some(h) = &d.item.hash {
        line(&mut s, "content", h);
    }
    line(&mut s, "first seen", &d.item.first_seen.to_string());
    line(&mut s, "last seen", &d.item.last_seen.to_string());
    if let Some(g) = d.item.deleted {
        line(&mut s, "deleted", &format!("found deleted {g}"));
    }
    let readable = match &f.exposure {
        Some(e) if e.principals.is_empty() => format!("{} ({})", e.audience.name(), e.via),
        Some(e) => format!(
            "{}: {} ({})",
            e.audience.name(),
            e.principals.join(", "),
            e.via
        ),
        None => "unknown (exposure not assessed)".to_string(),
    };
    line(&mut s, "readable by", &readable);
    // The same entries as the JSON's `history`: every change after the first sighting.
    if d.history.is_empty() {
        let _ = writeln!(s, "History      no change since it was first seen");
    } else {
        let _ = writeln!(s, "History");
    }
    for h in &d.history {
        let _ = write!(s, "  {}  {}", h.at, h.status.name());
        if let Some(r) = h.resolution {
            let _ = write!(s, " ({})", r.name());
        }
        match (h.scan, &h.by) {
            (Some(id), _) => {
                let _ = write!(s, " by scan {id}");
            }
            (None, Some(by)) => {
                let _ = write!(s, " by {by}");
            }
            (None, None) => {}
        }
        if let Some(r) = &h.reason {
            let _ = write!(s, ": {r}");
        }
        s.push('\n');
    }
    s
}

fn mark(db: Option<&Path>, a: MarkArgs) -> Result<(), String> {
    let mut conn = open_existing(db)?;
    let filter;
    let selection = if a.path.is_some() || !a.fingerprint.is_empty() {
        filter = Filter {
            path: a.path.as_deref().map(prefix).transpose()?,
            kinds: a.kind.clone(),
            fingerprints: a.fingerprint.clone(),
            ..Filter::default()
        };
        Selection::Matching(&filter)
    } else {
        Selection::Ids(&a.ids)
    };
    let marking = Marking {
        status: a.status.name(),
        reason: a.reason.as_deref(),
        by: a.by.as_deref(),
        now: now(),
        dry_run: a.dry_run,
    };
    let out = query::mark(&mut conn, selection, &marking).map_err(|e| e.to_string())?;
    let mut s = String::new();
    use std::fmt::Write as _;
    let row = |s: &mut String, m: &query::Marked| {
        let _ = writeln!(
            s,
            "  {:>6}  {:<14} -> {:<14}  {:<16}  {:<15}  {}{}{}",
            m.id,
            m.from,
            m.to,
            m.kind,
            m.masked,
            m.path,
            if m.location.is_empty() { "" } else { ": " },
            m.location
        );
    };
    if out.changed.is_empty() && out.unchanged.is_empty() {
        let _ = writeln!(
            s,
            "No findings to mark (resolved findings cannot be marked)."
        );
    }
    if !out.changed.is_empty() {
        let _ = writeln!(
            s,
            "{} {} finding{} {}:",
            if a.dry_run {
                "Would mark (--dry-run: nothing changed)"
            } else {
                "Marked"
            },
            out.changed.len(),
            if out.changed.len() == 1 { "" } else { "s" },
            marking.status
        );
        for m in &out.changed {
            row(&mut s, m);
        }
    }
    if !out.unchanged.is_empty() {
        let _ = writeln!(
            s,
            "Already {} (not changed): {}",
            marking.status,
            out.unchanged.len()
        );
        for m in &out.unchanged {
            row(&mut s, m);
        }
    }
    written(io::stdout().lock().write_all(s.as_bytes()))
}
