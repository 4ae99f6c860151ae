//! The single writer: keeps the scan database, assesses each item when it is complete,
//! counts the summary, draws the progress line and hands records to the reporter.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use model::{OtherKind, Summary};

use crate::msg::{FindingOut, Msg, Outcome, Record};
use crate::options::Options;
use crate::report::{Out, Reporter};
use crate::source::Walked;
use crate::spill::{self, Run, Spill, View, HOLD};

/// A finding held until its item is complete, so that the item's severity can go with it.
struct Held {
    c: store::Current,
    value: Option<String>,
    /// Boxed: rare, and an item may hold 100,000 findings until its end.
    media: Option<Box<extract::media::Media>>,
    /// New since the last scan.
    new: bool,
}

impl Held {
    fn found(f: FindingOut, seen: store::Found, exposure: Option<Arc<str>>) -> Held {
        let new = seen.change != store::Change::Seen;
        // The store's texts, shared: an item of 100,000 findings is held once, not twice.
        if let Some(mut c) = seen.held {
            c.exposure = exposure;
            return Held {
                c,
                value: f.value,
                media: f.media.map(Box::new),
                new,
            };
        }
        Held {
            new,
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
            media: f.media.map(Box::new),
        }
    }
}

impl Held {
    fn view(&self) -> View<'_> {
        View {
            value: self.value.as_deref(),
            media: self.media.as_deref(),
            new: self.new,
            ..view_of(&self.c)
        }
    }
}

/// A finding of the store in the model's terms.
fn view_of(c: &store::Current) -> View<'_> {
    View {
        location: &c.location,
        kind: &c.kind,
        confidence: &c.confidence,
        masked: &c.masked,
        fingerprint: c.fingerprint.as_deref(),
        variant: c.variant.as_deref(),
        status: &c.status,
        resolution: c.resolution.as_deref(),
        first_seen: c.first_seen,
        value: None,
        media: None,
        new: false,
    }
}

/// A finding of the item at `path` in the model's terms, its item's exposure and assessment
/// with it.
fn finding<'a>(
    path: &'a str,
    c: &View<'a>,
    exposure: Option<&'a model::Exposure>,
    a: Option<&'a assess::Assessment>,
) -> model::Finding<'a> {
    let b = |s: &'a str| Cow::Borrowed(s);
    model::Finding {
        path: b(path),
        location: (!c.location.is_empty()).then(|| b(c.location)),
        kind: b(c.kind),
        confidence: model::Confidence::parse(c.confidence).unwrap_or(model::Confidence::Low),
        masked: b(c.masked),
        fingerprint: c.fingerprint.map(b),
        value: c.value.map(b),
        variant: c.variant.map(b),
        media: c.media.map_or_else(Default::default, |m| model::Media {
            format: Some(b(m.format)),
            duration_seconds: m.duration_seconds,
            camera: m.camera.as_deref().map(b),
            captured: m.captured.as_deref().map(b),
            gps: (m.kind == "camera-photo").then_some(m.gps),
        }),
        status: model::Status::parse(c.status).unwrap_or(model::Status::Open),
        resolution: c.resolution.and_then(model::Resolution::parse),
        first_seen: model::IsoTime(c.first_seen),
        exposure: exposure.map(Cow::Borrowed),
        severity: a.map(|a| a.severity),
        score: a.map(|a| a.score),
        why: a.map(|a| Cow::Borrowed(a.why.as_slice())),
    }
}

/// An item's exposure and assessment as JSON members to follow a finding's own:
/// `,"exposure":{…},"severity":"high","score":…,"why":[…]`.
fn item_members(exposure: Option<&model::Exposure>, a: &assess::Assessment) -> String {
    #[derive(serde::Serialize)]
    struct Members<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        exposure: Option<&'a model::Exposure>,
        severity: &'static str,
        score: u32,
        why: &'a [String],
    }
    let m = Members {
        exposure,
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

/// Exposures read back from the scan database (items carried over, resolved findings), parsed
/// when they differ from the last one: items side by side mostly share one. Those the
/// scanning threads made come typed with their items.
#[derive(Default)]
struct Stored {
    /// The last text and what it said (`None`: not an exposure, a damaged database).
    last: Option<(Arc<str>, Option<Arc<model::Exposure>>)>,
}

impl Stored {
    fn of(&mut self, text: &Arc<str>) -> Option<Arc<model::Exposure>> {
        match &self.last {
            Some((last, e)) if Arc::ptr_eq(last, text) || **last == **text => e.clone(),
            _ => {
                let e = serde_json::from_str::<model::Exposure>(text)
                    .ok()
                    .map(Arc::new);
                self.last = Some((text.clone(), e.clone()));
                e
            }
        }
    }
}

/// The findings of an item not yet complete: counted and weighed as they arrive, held (at
/// most [`HOLD`] in memory, the others in runs in the scan's [`Spill`]) to be printed with its
/// severity.
struct Pending {
    path: Arc<str>,
    /// Runs in the spill, in order, before `held`.
    runs: Vec<Run>,
    held: Vec<Held>,
    /// Findings kept (not false positives, not below the confidence threshold).
    kept: u64,
    /// Of them, those printed (new ones only, with --changes-only).
    printed: u64,
    facts: assess::ItemFacts,
    /// The first exposure the database held for it (carried and resolved findings).
    exposure: Option<Arc<str>>,
}

/// An item's assessment, exposure and findings, kept for the human report's order.
type Assessed = (assess::Assessment, Option<Arc<model::Exposure>>, Pending);

/// The output side of the writer: prints findings and keeps the summary.
struct Emitter<'p> {
    w: Box<dyn Reporter + Send + 'p>,
    s: Summary,
    /// Identity numbers of the scan, by [`assess::fingerprint_key`].
    distinct: HashSet<u128>,
    broken_pipe: bool,
    fatal: Option<io::Error>,
    progress: Option<indicatif::ProgressBar>,
    changes_only: bool,
    /// Findings of items not yet complete, by path.
    pending: HashMap<Arc<str>, Pending>,
    /// Where held findings past the first [`HOLD`] of an item go.
    spill: Spill,
    policy: Option<&'p assess::Policy>,
    /// The threshold for printing (and counting) a finding.
    min_confidence: model::Confidence,
    /// The threshold for printing an item (its findings are counted all the same).
    min_severity: Option<model::Severity>,
    /// Unix seconds, for ages.
    now: i64,
    /// The human report: items with their findings, printed at the end by severity.
    by_severity: Option<Vec<Assessed>>,
    stored: Stored,
    /// What the sources hold and when the scan started, for the progress line.
    totals: &'p crate::progress::Totals,
    /// When the progress line was last drawn.
    drawn: Instant,
    /// The most findings held in memory at once, for the tests.
    #[cfg(test)]
    most_held: usize,
}

/// The progress line is drawn at most this often (each line reads every thread's slot).
const DRAW_EVERY: Duration = Duration::from_millis(100);
/// Without messages for this long (a thread held by OCR sends none), the line is drawn
/// anyway, to say what holds the scan.
const TICK: Duration = Duration::from_millis(250);

impl Emitter<'_> {
    fn check(&mut self, r: io::Result<()>) {
        check(r, &mut self.broken_pipe, &mut self.fatal);
    }

    /// Writes with the progress bar out of the way, until the output fails.
    fn emit(&mut self, r: &Out<'_>) {
        if self.broken_pipe || self.fatal.is_some() {
            return;
        }
        let w = &mut self.w;
        let res = match &self.progress {
            Some(pb) => pb.suspend(|| w.record(r)),
            None => w.record(r),
        };
        self.check(res);
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
            self.distinct.insert(assess::fingerprint_key(fp));
        }
    }

    /// Keeps a finding with the others of its item (the path copied once per item): counted
    /// and weighed now, printed when the item is complete. A false positive is no finding:
    /// not counted, not printed, no weight. Below the threshold: counted as such, and no
    /// weight either.
    fn hold(&mut self, held: Held) {
        if &*held.c.status == "false-positive" {
            return;
        }
        let confidence =
            model::Confidence::parse(&held.c.confidence).unwrap_or(model::Confidence::Low);
        if confidence < self.min_confidence {
            self.s.below_min_confidence += 1;
            return;
        }
        self.count(&held.c, held.new);
        let p = match self.pending.get_mut(&held.c.path) {
            Some(p) => p,
            None => self
                .pending
                .entry(held.c.path.clone())
                .or_insert_with(|| Pending {
                    path: held.c.path.clone(),
                    runs: Vec::new(),
                    held: Vec::new(),
                    kept: 0,
                    printed: 0,
                    facts: assess::ItemFacts::default(),
                    exposure: None,
                }),
        };
        let c = &held.c;
        p.facts
            .add_found(&c.kind, confidence, c.fingerprint.as_deref(), c.first_seen);
        if p.exposure.is_none() {
            p.exposure.clone_from(&c.exposure);
        }
        p.kept += 1;
        p.printed += u64::from(held.new || !self.changes_only);
        p.held.push(held);
        if p.held.len() >= HOLD && self.spill.usable() {
            let mut run = Vec::with_capacity(p.held.len() * 160);
            for h in &p.held {
                spill::encode(&mut run, &h.view());
            }
            // On a failure they stay in memory: the scan goes on as before there was a file.
            if let Ok(r) = self.spill.write(run, p.runs.is_empty()) {
                p.runs.push(r);
                p.held.clear();
            }
        }
        #[cfg(test)]
        {
            let held = self.pending.values().map(|p| p.held.len()).sum();
            self.most_held = self.most_held.max(held);
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

    /// Prints each of an item's findings in order (only new ones with --changes-only), with
    /// its exposure and assessment (`item_json`: the two serialised, for JSON); then its runs
    /// in the spill are no longer needed.
    fn print(
        &mut self,
        p: &Pending,
        exposure: Option<&model::Exposure>,
        a: &assess::Assessment,
        item_json: Option<&str>,
    ) {
        let changes_only = self.changes_only;
        let each = |e: &mut Self, v: &View<'_>| {
            if v.new || !changes_only {
                let f = finding(&p.path, v, exposure, Some(a));
                e.emit(&Out::Finding {
                    finding: &f,
                    item_json,
                });
            }
        };
        let mut buf = Vec::new();
        for &run in &p.runs {
            let read = self.spill.read(run, &mut buf).and_then(|()| {
                spill::decode(&buf, &mut |v| {
                    each(self, v);
                    Ok(())
                })
            });
            if let Err(e) = read {
                // The scan fails: findings it cannot print must not read as none.
                let e = io::Error::new(
                    e.kind(),
                    format!("the temporary file of held findings read back failed: {e}"),
                );
                self.fatal.get_or_insert(e);
                break;
            }
        }
        for h in &p.held {
            each(self, &h.view());
        }
    }

    /// An item's findings are printed or will never be: its runs in the spill can go.
    fn release(&mut self, p: &Pending) {
        if !p.runs.is_empty() {
            self.spill.release();
        }
    }

    /// The item at `path` is complete: its severity is assessed from all its findings and
    /// its exposure (`exposure`, as the scanning thread judged it; else as the database
    /// holds it), kept in the database, and its findings are printed (the human report keeps
    /// them for the end, to print the most severe items first).
    fn complete(
        &mut self,
        path: &str,
        modified: Option<i64>,
        exposure: Option<Arc<model::Exposure>>,
        db: &mut Db,
    ) {
        let Some(mut p) = self.pending.remove(path) else {
            return;
        };
        let exposure = exposure.or_else(|| self.stored.of(p.exposure.as_ref()?));
        if let Some(e) = &exposure {
            p.facts.exposed(e);
        }
        p.facts.modified = modified;
        let zone = self.policy.and_then(|policy| policy.zone_of(path));
        let a = assess::assess(&p.facts, zone, self.now);
        db.severity(path, &a);
        *self
            .s
            .findings_by_severity
            .entry(a.severity.name().into())
            .or_default() += p.kept;
        if self.min_severity.is_some_and(|min| a.severity < min) {
            self.s.below_min_severity += p.kept;
            self.release(&p);
            return;
        }
        if let Some(sorted) = self.by_severity.as_mut() {
            if p.printed > 0 {
                sorted.push((a, exposure, p));
            } else {
                self.release(&p);
            }
            return;
        }
        let members = self.w.json().then(|| item_members(exposure.as_deref(), &a));
        self.print(&p, exposure.as_deref(), &a, members.as_deref());
        self.release(&p);
    }

    /// Completes every item still held (the end of the scan).
    fn complete_all(&mut self, db: &mut Db) {
        let mut paths: Vec<Arc<str>> = self.pending.keys().cloned().collect();
        paths.sort();
        for p in paths {
            self.complete(&p, None, None, db);
        }
    }

    /// The human report: items by severity (then score, then path), each with its findings.
    fn print_by_severity(&mut self) {
        let Some(mut sorted) = self.by_severity.take() else {
            return;
        };
        sorted.sort_by(|(a, _, x), (b, _, y)| {
            (b.severity, b.score)
                .cmp(&(a.severity, a.score))
                .then_with(|| x.path.cmp(&y.path))
        });
        for (a, exposure, p) in &sorted {
            self.print(p, exposure.as_deref(), a, None);
            self.release(p);
        }
    }

    /// Findings resolved by this scan: counted, printed only with --changes-only.
    fn resolved(&mut self, resolved: &[store::Current]) {
        self.s.resolved_findings += resolved.len() as u64;
        if self.changes_only {
            for c in resolved {
                let exposure = c.exposure.as_ref().and_then(|t| self.stored.of(t));
                let f = finding(&c.path, &view_of(c), exposure.as_deref(), None);
                self.emit(&Out::Finding {
                    finding: &f,
                    item_json: None,
                });
            }
        }
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
        self.draw();
    }

    /// Draws the progress line, if it is shown and was not drawn just now.
    fn draw(&mut self) {
        let Some(pb) = &self.progress else {
            return;
        };
        if self.drawn.elapsed() < DRAW_EVERY {
            return;
        }
        self.drawn = Instant::now();
        let s = &self.s;
        let files = s.files_scanned + s.binary_skipped + s.copies + s.unchanged_files;
        pb.set_message(self.totals.line(
            files,
            s.bytes_read,
            s.findings,
            self.totals.started.elapsed(),
        ));
    }
}

/// The scan database side of the writer. The first failure ends writing to it: it is
/// reported at the end, and the scan and its output go on (findings then count as new).
/// Without a store (a scan of one item in memory) every finding is new.
struct Db<'a> {
    store: Option<store::Store>,
    error: Option<store::StoreError>,
    scanned_with: &'a str,
}

impl Db<'_> {
    /// The store, unless there is none or it failed.
    fn live(&mut self) -> Option<&mut store::Store> {
        if self.error.is_some() {
            return None;
        }
        self.store.as_mut()
    }

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
            first_seen: crate::options::unix_now(),
            status: "open".into(),
            held: None,
        };
        let Some(store) = self.live() else {
            return fresh;
        };
        let r = store.finding(&store::FindingRow {
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
    fn other(&mut self, o: &model::Other) {
        if o.kind != OtherKind::Error {
            return;
        }
        if let Some(store) = self.live() {
            let r = store.error(&o.path, o.location.as_deref(), &o.reason);
            self.keep(r);
        }
    }

    fn read(
        &mut self,
        path: &str,
        meta: Option<&store::Meta>,
        hash: Option<&str>,
    ) -> store::ItemEnd {
        let scanned_with = self.scanned_with;
        let Some(store) = self.live() else {
            return store::ItemEnd::default();
        };
        let r = store.item_read(path, meta, hash, scanned_with);
        self.keep(r)
    }

    /// Keeps an item's exposure; returns its text as the store shares it.
    fn exposure(&mut self, path: &str, exposure: &Arc<str>) -> Arc<str> {
        let Some(store) = self.live() else {
            return exposure.clone();
        };
        match store.item_exposure(path, exposure) {
            Ok(shared) => shared,
            Err(e) => {
                self.error = Some(e);
                exposure.clone()
            }
        }
    }

    fn severity(&mut self, path: &str, a: &assess::Assessment) {
        if path == "-" {
            return;
        }
        if let Some(store) = self.live() {
            let r = store.item_severity(path, a.severity.name(), i64::from(a.score));
            self.keep(r);
        }
    }

    fn unchanged(&mut self, path: &str) -> Vec<store::Current> {
        let Some(store) = self.live() else {
            return Vec::new();
        };
        let r = store.item_unchanged(path);
        self.keep(r)
    }

    /// The errors of the last reading of an unchanged item, carried over to this scan.
    fn unread_before(&mut self, path: &str) -> Vec<store::Unread> {
        let Some(store) = self.live() else {
            return Vec::new();
        };
        let r = store.unread_before(path);
        self.keep(r)
    }

    fn copy(
        &mut self,
        path: &str,
        meta: &store::Meta,
        hash: &str,
        original: &str,
    ) -> Option<store::Copied> {
        let scanned_with = self.scanned_with;
        let Some(store) = self.live() else {
            return Some(store::Copied::default());
        };
        let r = store.item_copy(path, meta, hash, original, scanned_with);
        self.keep(r)
    }

    fn close(&mut self, exists: &dyn Fn(&str) -> bool) -> store::End {
        let Some(store) = self.live() else {
            return store::End::default();
        };
        let r = store.close_items(exists);
        self.keep(r)
    }

    /// Findings under the roots that marks hide (none without a database).
    fn false_positives(&mut self) -> u64 {
        let Some(store) = self.live() else {
            return 0;
        };
        let r = store.false_positives();
        self.keep(r)
    }

    fn end(&mut self, s: &Summary) {
        let counts = store::Counts {
            files: s.files_scanned + s.binary_skipped + s.unchanged_files + s.copies,
            bytes: s.bytes_read,
            findings: s.findings,
            errors: s.errors,
            incomplete: (!s.incomplete_roots.is_empty())
                .then(|| serde_json::to_string(&s.incomplete_roots).unwrap_or_default()),
        };
        if let Some(store) = self.live() {
            let r = store.end_scan(counts, crate::options::unix_now());
            self.keep(r);
        }
    }
}

/// How the walks of the roots ended: whether an item the scan database knows and no walk met
/// is gone.
#[derive(Default)]
struct Ends {
    ends: Vec<(String, Walked)>,
}

impl Ends {
    /// Whether `globs` let the stored item `p` through, relative to the deepest root above
    /// it (an item under no root is let through).
    fn allows(&self, p: &str, globs: &sources::globs::Globs) -> bool {
        if globs.is_empty() {
            return true;
        }
        let rel = self
            .ends
            .iter()
            .filter_map(|(root, _)| {
                let rest = p.strip_prefix(root.as_str())?;
                let under = rest.is_empty() || rest.starts_with('/') || root.ends_with('/');
                under.then_some(rest)
            })
            .min_by_key(|rest| rest.len());
        rel.is_none_or(|rel| globs.allows(rel.trim_start_matches('/'), false))
    }

    /// Whether the item stored as `p` may still exist. The walk of the deepest root above it
    /// decides: complete (gone, unless behind a password it could not pass), incomplete
    /// (still there), or one that looks each item up (`look`).
    fn exists(&self, p: &str, look: &dyn Fn(&str) -> bool) -> bool {
        let under = |root: &str| {
            p == root
                || (p.starts_with(root)
                    && (root.ends_with('/') || p.as_bytes().get(root.len()) == Some(&b'/')))
        };
        let deepest = self
            .ends
            .iter()
            .filter(|(root, _)| under(root))
            .max_by_key(|(root, _)| root.len());
        match deepest.map(|(_, w)| w) {
            Some(Walked::Complete { unread }) => unread.iter().any(|u| under(u)),
            Some(Walked::Incomplete | Walked::CutShort { .. }) => true,
            Some(Walked::LookEach) => look(p),
            // No walk spoke of it (its source stopped early): nothing is known of it.
            None => true,
        }
    }
}

/// Receives every message until the workers are done; returns the summary.
pub(crate) fn write_all(
    rx: Receiver<Vec<Msg>>,
    opts: &Options,
    db: Option<store::Store>,
    scanned_with: &str,
    mask: &crate::masking::Masker,
    reporter: Box<dyn Reporter + Send + '_>,
    totals: &crate::progress::Totals,
) -> Result<Summary, String> {
    let progress = (!opts.quiet && io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let by_severity = reporter.by_severity();
    let mut e = Emitter {
        w: reporter,
        s: Summary::default(),
        distinct: HashSet::new(),
        broken_pipe: false,
        fatal: None,
        progress,
        changes_only: opts.changes_only,
        pending: HashMap::new(),
        spill: Spill::default(),
        policy: opts.policy.as_ref(),
        min_confidence: opts.min_confidence,
        min_severity: opts.min_severity,
        now: crate::options::unix_now(),
        by_severity: by_severity.then(Vec::new),
        stored: Stored::default(),
        totals,
        drawn: Instant::now(),
        #[cfg(test)]
        most_held: 0,
    };
    let mut db = Db {
        store: db,
        error: None,
        scanned_with,
    };
    // The findings the database holds for the roots are loaded while the walk begins.
    if let Some(store) = db.live() {
        let recalled = store.recall();
        db.keep(recalled);
    }
    // Who can read the items being read, by path, from their exposure to their end: the text
    // as the store shares it (for their findings) and the typed value (for the assessment).
    let mut exposures: HashMap<String, (Arc<str>, Arc<model::Exposure>)> = HashMap::new();
    let mut ends = Ends::default();
    let result = e.w.begin();
    e.check(result);
    // With the line shown, a wait without messages ends in a tick that redraws it.
    let tick = e.progress.is_some().then_some(TICK);
    let batches = std::iter::from_fn(|| match tick {
        None => rx.recv().ok(),
        Some(t) => match rx.recv_timeout(t) {
            Ok(batch) => Some(batch),
            Err(RecvTimeoutError::Timeout) => Some(vec![Msg::Tick]),
            Err(RecvTimeoutError::Disconnected) => None,
        },
    });
    for msg in batches.flatten() {
        match msg {
            Msg::Records(records) => {
                for r in records {
                    match r {
                        Record::Finding(f) => {
                            let seen = db.finding(&f);
                            let exposure = exposures.get(&f.path).map(|e| e.0.clone());
                            e.hold(Held::found(f, seen, exposure));
                        }
                        Record::Url(u) => {
                            e.s.urls += 1;
                            e.s.urls_protected += u64::from(u.protected);
                            e.emit(&Out::Url(&u));
                        }
                        Record::Other(o) => {
                            match o.kind {
                                OtherKind::Error => e.s.errors += 1,
                                OtherKind::Skipped if !o.reason.starts_with("binary") => {
                                    bump(&mut e.s.other_skipped, &o.reason);
                                }
                                _ => {}
                            }
                            db.other(&o);
                            e.emit(&Out::Other(&o));
                        }
                    }
                }
            }
            Msg::Ended { root, walked } => {
                if let Walked::CutShort { reason } = &walked {
                    e.s.incomplete_roots.insert(root.clone(), reason.clone());
                }
                ends.ends.push((root, walked));
            }
            Msg::Exposure { path, exposure } => {
                let shared = db.exposure(&path, &exposure.json);
                exposures.insert(path, (shared, exposure.value.clone()));
            }
            Msg::Read { path, meta, hash } => {
                let typed = exposures.remove(&path).map(|e| e.1);
                let end = db.read(&path, meta.as_ref(), hash.as_deref());
                e.resolved(&end.resolved);
                for c in end.reopened {
                    e.stored(c, true);
                }
                let modified = meta.map(|m| m.mtime_ns.div_euclid(1_000_000_000));
                e.complete(&path, modified, typed, &mut db);
            }
            Msg::Unfinished(path) => {
                let typed = exposures.remove(&path).map(|e| e.1);
                e.complete(&path, None, typed, &mut db);
            }
            Msg::Unchanged { path, exposure } => {
                let typed = exposure.map(|exposure| {
                    db.exposure(&path, &exposure.json);
                    exposure.value.clone()
                });
                for c in db.unchanged(&path) {
                    e.stored(c, false);
                }
                // Not read again, and still not read: its errors stay in the output.
                for (location, reason) in db.unread_before(&path) {
                    let error = model::Other {
                        path: path.as_str().into(),
                        location: location.map(Into::into),
                        kind: OtherKind::Error,
                        reason: reason.into(),
                    };
                    e.s.errors += 1;
                    e.s.unread_unchanged += 1;
                    e.emit(&Out::Other(&error));
                }
                e.complete(&path, None, typed, &mut db);
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
                    let typed = exposures.remove(&path).map(|e| e.1);
                    let modified = Some(meta.mtime_ns.div_euclid(1_000_000_000));
                    e.complete(&path, modified, typed, &mut db);
                }
                None => {
                    let warning = model::Other {
                        path: path.into(),
                        location: None,
                        kind: OtherKind::Warning,
                        reason: "a copy of a file edited during this scan; the next scan reads it"
                            .into(),
                    };
                    e.emit(&Out::Other(&warning));
                }
            },
            Msg::Ocr(spent) => {
                e.s.ocr_reads += 1;
                e.s.ocr_seconds += spent.as_secs_f64();
            }
            Msg::Done(o) => e.done(o),
            Msg::Tick => e.draw(),
        }
    }
    // What the walks did not meet: gone (resolved) or still there (carried over), as each
    // root's walk says. A file stored with masked names is looked for through its folders'
    // listings.
    // What --exclude/--include leave out was not looked at: not gone.
    let exists = |p: &str| !ends.allows(p, &opts.globs) || ends.exists(p, &|p| mask.exists(p));
    e.complete_all(&mut db);
    let end = db.close(&exists);
    e.resolved(&end.resolved);
    for c in end.carried {
        // Left out by --exclude/--include now: kept in the database, not reported.
        if !ends.allows(&c.path, &opts.globs) {
            continue;
        }
        e.stored(c, false);
    }
    e.complete_all(&mut db);
    e.s.false_positives = db.false_positives();
    db.end(&e.s);
    e.print_by_severity();
    #[cfg(test)]
    HELD.with(|h| h.set((e.most_held, e.spill.most)));
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
    let elapsed = totals.started.elapsed();
    s.elapsed_seconds = elapsed.as_secs_f64();
    s.megabytes_per_second = crate::options::rate(s.bytes_read, elapsed);
    s.ocr_share = (s.ocr_seconds / (s.elapsed_seconds * opts.threads.max(1) as f64)).min(1.0);
    if !broken_pipe && fatal.is_none() {
        let res = w.end(&s);
        check(res, &mut broken_pipe, &mut fatal);
    }
    match (fatal, db.error) {
        (Some(e), _) => Err(format!("cannot write the output: {e}")),
        (None, Some(e)) => Err(format!("scan database: {e}")),
        (None, None) => Ok(s),
    }
}

#[cfg(test)]
thread_local! {
    /// The most findings the last scan of this thread held in memory at once, and the most
    /// bytes its spill held.
    static HELD: std::cell::Cell<(usize, u64)> = const { std::cell::Cell::new((0, 0)) };
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
    use std::sync::mpsc::sync_channel;

    use super::*;
    use crate::masking::Masker;
    use crate::msg::Exposed;
    use crate::report::Jsonl;

    #[test]
    fn each_roots_end_decides_whether_an_unmet_item_is_gone() {
        let ends = Ends {
            ends: vec![
                (
                    "http://h/".into(),
                    Walked::Complete {
                        unread: vec!["http://h/private/".into()],
                    },
                ),
                ("smb://s/share".into(), Walked::Incomplete),
                ("/srv".into(), Walked::LookEach),
                ("/srv/web".into(), Walked::Complete { unread: vec![] }),
                (
                    "http://down/".into(),
                    Walked::CutShort {
                        reason: "refused".into(),
                    },
                ),
            ],
        };
        let there = |p: &str| p.ends_with("there");
        assert!(!ends.exists("http://h/a.pdf", &there));
        assert!(ends.exists("http://h/private/a.pdf", &there));
        assert!(ends.exists("smb://s/share/a", &there));
        assert!(
            ends.exists("http://down/a.pdf", &there),
            "not reached, not gone"
        );
        assert!(!ends.exists("/srv/gone", &there));
        assert!(ends.exists("/srv/there", &there));
        // The deepest root decides.
        assert!(!ends.exists("/srv/web/there", &there));
        // Not under any root that ended (its source stopped early): kept.
        assert!(ends.exists("/srvx/gone", &there));
    }

    fn found(confidence: detect::Confidence, masked: &str) -> Record {
        Record::Finding(FindingOut {
            path: "/srv/a.csv".into(),
            location: "line 1".into(),
            kind: "dk-cpr",
            confidence,
            masked: masked.into(),
            fingerprint: Some(format!("hmac-sha256:{masked}")),
            value: None,
            variant: None,
            media: None,
        })
    }

    #[test]
    fn an_item_is_assessed_when_complete_and_printed_with_its_exposure() {
        let det = detect::Detector::new(crate::options::today());
        let fp = detect::Fingerprinter::new(b"0123456789abcdef");
        let mask = Masker::new(&det, &fp);
        let opts = crate::options::test_options();
        let (tx, rx) = sync_channel(8);
        let exposure = Exposed::new(model::Exposure {
            audience: model::Audience::Organisation,
            via: "mode 0644".into(),
            ..Default::default()
        });
        tx.send(vec![
            Msg::Exposure {
                path: "/srv/a.csv".into(),
                exposure: Arc::new(exposure),
            },
            Msg::Records(vec![
                found(detect::Confidence::High, "010190-****"),
                found(detect::Confidence::Low, "020290-****"),
            ]),
            Msg::Read {
                path: "/srv/a.csv".into(),
                meta: None,
                hash: None,
            },
            Msg::Done(Outcome::Text { bytes: 10 }),
        ])
        .unwrap();
        drop(tx);
        let mut out = Vec::new();
        let reporter = Box::new(Jsonl::new(&mut out, true));
        let s = write_all(rx, &opts, None, "", &mask, reporter, &Default::default()).unwrap();
        assert_eq!((s.findings, s.below_min_confidence), (1, 1));
        assert_eq!((s.files_scanned, s.bytes_read, s.new_findings), (1, 10, 1));
        assert_eq!(s.distinct_numbers, 1);
        let text = String::from_utf8(out).unwrap();
        let first = text.lines().next().unwrap();
        let model::Record::Finding(f) = serde_json::from_str(first).unwrap() else {
            panic!("not a finding: {first}");
        };
        assert_eq!(f.masked, "010190-****");
        let e = f.exposure.unwrap();
        assert_eq!(
            (e.audience, e.via.as_str()),
            (model::Audience::Organisation, "mode 0644")
        );
        assert!(f.severity.is_some() && f.why.is_some_and(|w| !w.is_empty()));
        assert_eq!(s.findings_by_severity.values().sum::<u64>(), 1);
    }

    /// An item of many findings holds at most [`HOLD`] of them in memory, the rest in the
    /// spill in a compact form (a bound per finding, so that neither grows back), and prints
    /// them all, in order, with their values; an item beside it is not disturbed.
    #[test]
    fn an_item_of_many_findings_holds_few_in_memory() {
        let det = detect::Detector::new(crate::options::today());
        let fp = detect::Fingerprinter::new(b"0123456789abcdef");
        let mask = Masker::new(&det, &fp);
        let opts = crate::options::test_options();
        let n = 20 * HOLD + 7;
        let (tx, rx) = sync_channel(8);
        let sender = std::thread::spawn(move || {
            let one = |path: &str, i: usize| {
                let masked = format!("{:06}-****", i % 1_000_000);
                Record::Finding(FindingOut {
                    path: path.into(),
                    location: format!("line {i}"),
                    kind: "dk-cpr",
                    confidence: detect::Confidence::High,
                    fingerprint: Some(format!("hmac-sha256:{i:032x}{:032x}", 7)),
                    value: Some(format!("{:06}{:04}", i % 1_000_000, i % 10_000)),
                    masked,
                    variant: None,
                    media: None,
                })
            };
            for start in (0..n).step_by(500) {
                let mut records: Vec<Record> = (start..n.min(start + 500))
                    .map(|i| one("/srv/a.txt", i))
                    .collect();
                records.push(one("/srv/b.txt", start));
                tx.send(vec![Msg::Records(records)]).unwrap();
            }
            for path in ["/srv/b.txt", "/srv/a.txt"] {
                tx.send(vec![Msg::Read {
                    path: path.into(),
                    meta: None,
                    hash: None,
                }])
                .unwrap();
            }
        });
        let mut out = Vec::new();
        let reporter = Box::new(Jsonl::new(&mut out, true));
        let s = write_all(rx, &opts, None, "", &mask, reporter, &Default::default()).unwrap();
        sender.join().unwrap();
        let (most_held, most_spilled) = HELD.with(|h| h.get());
        let b = n.div_ceil(500);
        assert_eq!(s.findings, (n + b) as u64);
        assert_eq!(s.distinct_numbers, n as u64);
        // The small item's findings, and fewer than HOLD of the large one's.
        assert!(most_held < HOLD + b, "{most_held} held in memory");
        assert!(
            most_spilled <= (n * 160) as u64,
            "{most_spilled} bytes spilled for {n} findings"
        );
        let text = String::from_utf8(out).unwrap();
        let mut a = Vec::new();
        for line in text.lines().filter(|l| !l.contains(r#""kind":"summary""#)) {
            let model::Record::Finding(f) = serde_json::from_str(line).unwrap() else {
                panic!("not a finding: {line}");
            };
            assert!(f.severity.is_some() && f.value.is_some());
            if f.path == "/srv/a.txt" {
                a.push(f.location.unwrap().into_owned());
            }
        }
        let expected: Vec<String> = (0..n).map(|i| format!("line {i}")).collect();
        assert_eq!(a, expected);
    }

    #[test]
    fn findings_of_an_unfinished_item_are_printed_and_errors_counted() {
        let det = detect::Detector::new(crate::options::today());
        let fp = detect::Fingerprinter::new(b"0123456789abcdef");
        let mask = Masker::new(&det, &fp);
        let opts = crate::options::test_options();
        let (tx, rx) = sync_channel(8);
        let error = Record::other(OtherKind::Error, "/srv/a.csv".into(), "read failed".into());
        tx.send(vec![
            Msg::Records(vec![found(detect::Confidence::High, "010190-****"), error]),
            Msg::Unfinished("/srv/a.csv".into()),
            Msg::Done(Outcome::Error),
        ])
        .unwrap();
        drop(tx);
        let mut out = Vec::new();
        let reporter = Box::new(Jsonl::new(&mut out, true));
        let s = write_all(rx, &opts, None, "", &mask, reporter, &Default::default()).unwrap();
        assert_eq!((s.findings, s.errors, s.files_scanned), (1, 1, 0));
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.contains(r#""kind":"error""#));
    }
}
