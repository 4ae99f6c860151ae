//! `datavakt scan`: walks the roots on all cores, reads each file as text, detects, and sends
//! the results to one writer thread that owns the output and the summary.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use detect::{Confidence, Date, Detector, Fingerprinter};
use extract::{Content, TextReader};

use crate::masking::{Folders, Masker};
use crate::output::{self, Summary};
use crate::worker::Worker;
use crate::Format;

pub struct Options {
    pub format: Format,
    pub min_confidence: Confidence,
    pub show_values: bool,
    pub follow_links: bool,
    pub threads: usize,
    pub quiet: bool,
    pub worker: crate::worker::WorkerLimits,
    /// Read every item again, whatever the scan database remembers.
    pub rescan_all: bool,
    /// Print only what is new or resolved since the last scan.
    pub changes_only: bool,
    /// How web servers are crawled.
    pub web: sources::web::WebOptions,
    /// Zones and what they may hold, for the severity of findings.
    pub policy: Option<assess::Policy>,
    /// SMB shares to walk.
    #[cfg(feature = "smb")]
    pub shares: Vec<crate::smb::Share>,
}

/// A finding ready for output: masked, fingerprinted, located.
pub struct FindingOut {
    pub path: String,
    pub location: String,
    /// An identity number's kind, or `encrypted-archive` and the like.
    pub kind: &'static str,
    pub confidence: Confidence,
    pub masked: String,
    /// Keyed fingerprint of the value; `None` for findings without one (encrypted archives).
    pub fingerprint: Option<String>,
    /// Only with `--show-values`.
    pub value: Option<String>,
    pub variant: Option<&'static str>,
    /// For recordings and camera photos.
    pub media: Option<extract::media::Media>,
}

/// What workers send to the writer.
pub enum Record {
    Finding(FindingOut),
    /// An item, or a place inside one, that could not be read, and why.
    Error {
        path: String,
        location: Option<String>,
        reason: String,
    },
    /// An item not read as text, and why.
    Skipped {
        path: String,
        reason: String,
    },
    /// Scanned, but something about the item is worth knowing.
    Warning {
        path: String,
        reason: String,
    },
    /// What a web server answered for one URL (status, credentials, transport, listing).
    Url(crate::web::UrlFacts),
}

/// The end of one item.
pub enum Outcome {
    Text {
        bytes: u64,
    },
    Binary {
        bytes: u64,
    },
    /// Not read: unchanged since the last scan.
    Unchanged,
    /// Read and hashed, and found to be a copy of an item read before.
    Copy {
        bytes: u64,
    },
    Skipped,
    Error,
}

pub enum Msg {
    Records(Vec<Record>),
    /// Time spent reading one image or scanned page with OCR.
    Ocr(Duration),
    /// An item read to its end: a file with its state and (when read whole) content hash, or
    /// a folder whose name was read. Sent after the item's findings.
    Read {
        path: String,
        meta: Option<store::Meta>,
        hash: Option<String>,
    },
    /// An item that was not read to its end (an error): its findings so far are all there
    /// will be.
    Unfinished(String),
    /// A file that did not change since the scan database last read it, and who can read it
    /// now.
    Unchanged {
        path: String,
        exposure: Option<Arc<str>>,
    },
    /// Who can read a file (a JSON object), sent before its findings.
    Exposure {
        path: String,
        exposure: Arc<str>,
    },
    /// The crawl of a web root ended; `complete` when it met every URL it could reach (no
    /// errors, no limit), so that URLs it did not meet are gone, except those under the
    /// `protected` URLs it could not read.
    Crawled {
        root: String,
        complete: bool,
        protected: Vec<String>,
    },
    /// A new or changed file whose content is that of `original`, read before.
    Copy {
        path: String,
        meta: store::Meta,
        hash: String,
        original: String,
    },
    Done(Outcome),
}

/// A worker's messages, sent to the writer in batches: one wake-up per batch, not per file.
pub(crate) struct Outbox {
    tx: SyncSender<Vec<Msg>>,
    batch: Vec<Msg>,
    since: Instant,
}

impl Outbox {
    const SIZE: usize = 256;
    /// Keeps the progress display and the output moving on slow items.
    const AGE: Duration = Duration::from_millis(100);

    pub(crate) fn new(tx: SyncSender<Vec<Msg>>) -> Outbox {
        Outbox {
            tx,
            batch: Vec::with_capacity(Self::SIZE),
            since: Instant::now(),
        }
    }

    /// Queues a message; `Err` when the writer is gone.
    pub(crate) fn send(&mut self, msg: Msg) -> Result<(), ()> {
        self.batch.push(msg);
        if self.batch.len() >= Self::SIZE || self.since.elapsed() >= Self::AGE {
            return self.flush();
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ()> {
        self.since = Instant::now();
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(Self::SIZE));
        self.tx.send(batch).map_err(|_| ())
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        // The writer may already be gone (closed pipe); nothing is lost that could be shown.
        let _ = self.flush();
    }
}

/// What a scanning thread keeps between items.
pub(crate) struct Thread {
    buf: Vec<u8>,
    worker: Worker,
    /// Who can read what, with what this thread learnt of the folders.
    exposure: sources::exposure::Local,
    /// The stored forms of the folders this thread has met.
    folders: Folders,
    /// The last exposure judged and its JSON: files side by side mostly share one.
    last_exposure: Option<(sources::exposure::Exposure, Arc<str>)>,
}

impl Thread {
    pub(crate) fn new(ctx: &Ctx) -> Thread {
        Thread {
            buf: Vec::new(),
            worker: Worker::new(ctx.opts.worker.clone()),
            exposure: sources::exposure::Local::new(),
            folders: Folders::default(),
            last_exposure: None,
        }
    }

    /// The JSON of exposure `e`, made again only when it differs from the last one.
    fn exposure_json(&mut self, e: sources::exposure::Exposure, mask: &Masker) -> Arc<str> {
        match &self.last_exposure {
            Some((last, json)) if *last == e => json.clone(),
            _ => {
                let json: Arc<str> = exposure_json(&e, mask).into();
                self.last_exposure = Some((e, json.clone()));
                json
            }
        }
    }
}

/// An exposure as the JSON object of the output contract; the folders it names, masked;
/// `size`, how many people can read it, only where known.
pub(crate) fn exposure_json(e: &sources::exposure::Exposure, mask: &Masker) -> String {
    let mut v = serde_json::json!({
        "audience": e.audience.name(),
        "via": masked_text(mask, &e.via),
        "principals": e.principals,
        "transport": e.transport,
    });
    if let Some(n) = e.size {
        v["size"] = n.into();
    }
    v.to_string()
}

/// A text that may name paths (an error, an exposure's `via`), with found values masked.
pub(crate) fn masked_text(mask: &Masker, text: &str) -> String {
    if text.contains('/') {
        mask.text(text).into_owned()
    } else {
        text.to_string()
    }
}

/// What every worker shares.
pub(crate) struct Ctx<'a> {
    det: &'a Detector,
    fp: &'a Fingerprinter,
    /// Masks found values in the names of items and places.
    pub(crate) mask: &'a Masker<'a>,
    pub(crate) opts: &'a Options,
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

/// Runs the scan; returns the summary, or a fatal error.
pub fn run(
    roots: &[PathBuf],
    web_roots: &[String],
    key: &[u8],
    opts: &Options,
    det: &Detector,
    db: store::Store,
    memory: &Memory,
) -> Result<Summary, String> {
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
    let walk_roots: Vec<PathBuf> = roots
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let stdin = walk_roots.len() < roots.len();
    std::thread::scope(|s| {
        let scanned_with = memory.scanned_with.as_str();
        let mask = &mask;
        let writer = s.spawn(move || output::write_all(rx, opts, started, db, scanned_with, mask));
        if stdin {
            let mut th = Thread::new(&ctx);
            let mut out = Outbox::new(tx.clone());
            if scan_reader(&ctx, "-", io::stdin().lock(), &mut th, &mut out) != Reached::Gone {
                // Standard input is no item to remember: only its end is told.
                let _ = out.send(Msg::Unfinished("-".into()));
            }
        }
        for root in web_roots {
            let (ctx, tx) = (&ctx, tx.clone());
            s.spawn(move || crate::web::crawl(ctx, root, tx));
        }
        #[cfg(feature = "smb")]
        for share in &opts.shares {
            let (ctx, tx) = (&ctx, tx.clone());
            s.spawn(move || crate::smb::walk(ctx, share, tx));
        }
        let walk_opts = sources::WalkOptions {
            follow_links: opts.follow_links,
            threads: opts.threads,
        };
        sources::walk(&walk_roots, &walk_opts, || {
            let mut out = Outbox::new(tx.clone());
            let ctx = &ctx;
            let mut th = Thread::new(ctx);
            Box::new(move |entry| visit(ctx, entry, &mut th, &mut out))
        });
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|_| Err("the output thread failed".into()))
    })
}

/// Handles one walk entry; false stops the walk (the writer is gone).
fn visit(ctx: &Ctx, entry: sources::Entry, th: &mut Thread, tx: &mut Outbox) -> bool {
    match entry {
        sources::Entry::File { path } => scan_file(ctx, path, th, tx),
        sources::Entry::Dir { path } => {
            let (shown, mut found) = named(ctx, th, path);
            // A folder is an item only when its name holds a value (now, or when the store
            // last saw it): the writer hears of the others not at all.
            let item = !found.is_empty() || ctx.memory.known.holds_other(&shown);
            if !forward(ctx, &shown, Place::Name("folder name"), &mut found, tx) {
                return false;
            }
            let read = Msg::Read {
                path: shown,
                meta: None,
                hash: None,
            };
            !item || tx.send(read).is_ok()
        }
        sources::Entry::Skipped { path, reason } => send_all(
            tx,
            vec![Record::Skipped {
                path: th.folders.stored(ctx.mask, path),
                reason: reason.into(),
            }],
            Outcome::Skipped,
        ),
        sources::Entry::Error { path, error } => send_all(
            tx,
            vec![Record::Error {
                path: path
                    .map(|p| th.folders.stored(ctx.mask, p))
                    .unwrap_or_default(),
                location: None,
                reason: masked_text(ctx.mask, &error),
            }],
            Outcome::Error,
        ),
    }
}

/// The findings in the last component of `path` (scanners save documents as
/// `<personnummer>.pdf`) and the stored form of `path`, which masks them: one detection for
/// both.
fn named(ctx: &Ctx, th: &mut Thread, path: &Path) -> (String, Vec<detect::Finding>) {
    let mut found = Vec::new();
    let Some(name) = path.file_name() else {
        return (th.folders.stored(ctx.mask, path), found);
    };
    ctx.det.scan_name(name.as_encoded_bytes(), &mut found);
    let shown = match name.to_str() {
        Some(text) => th
            .folders
            .join(ctx.mask, path, &ctx.mask.with_found(text, &found)),
        // The findings' offsets are in the raw bytes, not in the text shown for them.
        None => th.folders.stored(ctx.mask, path),
    };
    (shown, found)
}

/// Finds numbers in an item's `name` (the last part of its path or URL), shown as `path`.
#[cfg(feature = "smb")]
pub(crate) fn scan_name_text(
    ctx: &Ctx,
    path: &str,
    name: &str,
    place: &str,
    tx: &mut Outbox,
) -> bool {
    detect_all(ctx, path, name.as_bytes(), Place::Name(place), tx)
}

/// Detects in a whole text held in memory and sends what it finds, located at `place`.
fn detect_all(ctx: &Ctx, path: &str, text: &[u8], place: Place, tx: &mut Outbox) -> bool {
    let mut found = Vec::new();
    if matches!(place, Place::Name(_)) {
        ctx.det.scan_name(text, &mut found);
    } else {
        ctx.det.scan(text, &mut found);
    }
    forward(ctx, path, place, &mut found, tx)
}

pub(crate) fn send_all(tx: &mut Outbox, records: Vec<Record>, outcome: Outcome) -> bool {
    tx.send(Msg::Records(records)).is_ok() && tx.send(Msg::Done(outcome)).is_ok()
}

/// Scans a file's name and content, unless the scan database says it did not change or is a
/// copy of a file read before; false when the writer is gone.
fn scan_file(ctx: &Ctx, path: &Path, th: &mut Thread, tx: &mut Outbox) -> bool {
    let remember = ctx.memory;
    let rescan = ctx.opts.rescan_all;
    let stat = if ctx.opts.follow_links {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    // Who can read it, every scan: a folder's permissions change without touching the file.
    let exposure = stat.as_ref().ok().map(|m| {
        let e = if ctx.opts.follow_links {
            th.exposure.of(path, m)
        } else {
            th.exposure.of_lstat(path, m)
        };
        th.exposure_json(e, ctx.mask)
    });
    let now = stat.as_ref().ok().map(meta);
    let unchanged =
        |p: &str| !rescan && now.as_ref().is_some_and(|m| remember.known.unchanged(p, m));
    // A path stored as it is written (read before with these settings) has no value in its
    // names: the common case of a re-scan needs no masking.
    let plain = path.to_string_lossy();
    let (shown, mut name_found, same) = if unchanged(&plain) {
        (plain.into_owned(), Vec::new(), true)
    } else {
        let (shown, found) = named(ctx, th, path);
        let same = unchanged(&shown);
        (shown, found, same)
    };
    if same {
        let unchanged = Msg::Unchanged {
            path: shown,
            exposure,
        };
        return tx.send(unchanged).is_ok() && tx.send(Msg::Done(Outcome::Unchanged)).is_ok();
    }
    if let Some(exposure) = exposure {
        let msg = Msg::Exposure {
            path: shown.clone(),
            exposure,
        };
        if tx.send(msg).is_err() {
            return false;
        }
    }
    if !forward(ctx, &shown, Place::Name("file name"), &mut name_found, tx) {
        return false;
    }
    if path.to_str().is_none() {
        let warning = Record::Warning {
            path: shown.clone(),
            reason: "file name is not valid UTF-8; shown with replacement characters".into(),
        };
        if tx.send(Msg::Records(vec![warning])).is_err() {
            return false;
        }
    }
    let f = match sources::open_read_only(path) {
        Ok(f) => f,
        Err(e) => {
            let error = Record::Error {
                path: shown.clone(),
                location: None,
                reason: sources::describe_io(&e),
            };
            return send_all(tx, vec![error], Outcome::Error)
                && tx.send(Msg::Unfinished(shown)).is_ok();
        }
    };
    let Ok(m) = f.metadata().map(|m| meta(&m)) else {
        return scan_reader(ctx, &shown, f, th, tx) != Reached::Gone;
    };
    // A file of the size of one read whole before may be its copy: read it, hash it, and
    // if it is one, take the original's findings instead of detecting again.
    if !rescan
        && remember.known.may_be_copy(m.size)
        && m.size <= ctx.opts.worker.extract.max_item_bytes
    {
        let mut data = Vec::with_capacity(m.size as usize);
        if io::Read::read_to_end(&mut &f, &mut data).is_ok() {
            let hash = content_hash(&data);
            if let Some(original) = remember.known.copy_of(data.len() as u64, &hash) {
                let copy = Msg::Copy {
                    path: shown,
                    meta: m,
                    hash,
                    original: original.to_string(),
                };
                let bytes = data.len() as u64;
                return tx.send(copy).is_ok()
                    && tx.send(Msg::Done(Outcome::Copy { bytes })).is_ok();
            }
            return match scan_reader(ctx, &shown, io::Cursor::new(data), th, tx) {
                Reached::Gone => false,
                Reached::Partial => tx.send(Msg::Unfinished(shown)).is_ok(),
                Reached::Whole => read_to_end(tx, shown, m, Some(hash)),
            };
        }
    }
    let mut hasher = Hashing::default();
    let reader = HashingReader {
        inner: f,
        state: &mut hasher,
    };
    match scan_reader(ctx, &shown, reader, th, tx) {
        Reached::Gone => false,
        Reached::Partial => tx.send(Msg::Unfinished(shown)).is_ok(),
        Reached::Whole => read_to_end(tx, shown, m, hasher.finish()),
    }
}

/// Scans an item fetched into memory (a URL, a file of a share) and tells the writer how far
/// it got: read (with `hash`, the content hash) or, when `body` is only the start of the item
/// (`whole` false) or it could not be read to its end, unfinished; false when the writer is
/// gone.
pub(crate) fn scan_body(
    ctx: &Ctx,
    path: String,
    body: Vec<u8>,
    (whole, hash): (bool, Option<String>),
    th: &mut Thread,
    tx: &mut Outbox,
) -> bool {
    match scan_reader(ctx, &path, io::Cursor::new(body), th, tx) {
        Reached::Gone => false,
        Reached::Whole if whole => tx
            .send(Msg::Read {
                path,
                meta: None,
                hash,
            })
            .is_ok(),
        Reached::Whole | Reached::Partial => tx.send(Msg::Unfinished(path)).is_ok(),
    }
}

/// Tells the writer that an item was read to its end.
fn read_to_end(tx: &mut Outbox, path: String, meta: store::Meta, hash: Option<String>) -> bool {
    tx.send(Msg::Read {
        path,
        meta: Some(meta),
        hash,
    })
    .is_ok()
}

/// The content hash the scan database keeps, to know copies.
pub(crate) fn content_hash(data: &[u8]) -> String {
    format!("blake3:{}", blake3::hash(data).to_hex())
}

/// A hash of every byte read through a [`HashingReader`], valid when it read to the end.
#[derive(Default)]
struct Hashing {
    hasher: blake3::Hasher,
    eof: bool,
}

impl Hashing {
    fn finish(&self) -> Option<String> {
        self.eof
            .then(|| format!("blake3:{}", self.hasher.finalize().to_hex()))
    }
}

/// Hashes what it reads on the way (the file is read once, for detection and hash alike).
struct HashingReader<'h, R> {
    inner: R,
    state: &'h mut Hashing,
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.state.eof = true;
        }
        self.state.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// How far an item was read.
#[derive(PartialEq, Eq)]
pub(crate) enum Reached {
    /// To its end (or as far as its format says anything): its findings are all reported.
    Whole,
    /// Not to its end (an error): findings reported so far are not all it holds.
    Partial,
    /// The writer is gone.
    Gone,
}

impl Reached {
    fn from(alive: bool, whole: bool) -> Reached {
        match (alive, whole) {
            (false, _) => Reached::Gone,
            (true, true) => Reached::Whole,
            (true, false) => Reached::Partial,
        }
    }
}

/// The state of an opened file, as the scan database keeps it.
fn meta(m: &std::fs::Metadata) -> store::Meta {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
    store::Meta {
        size: m.len(),
        mtime_ns: ns(m.mtime(), m.mtime_nsec()),
        ctime_ns: ns(m.ctime(), m.ctime_nsec()),
        dev: m.dev(),
        ino: m.ino(),
        owner: m.uid(),
    }
}

/// Reads one item as text and sends its findings; says how far it got.
pub(crate) fn scan_reader<R: Read>(
    ctx: &Ctx,
    path: &str,
    reader: R,
    th: &mut Thread,
    tx: &mut Outbox,
) -> Reached {
    let mut text = match TextReader::new(reader, &mut th.buf) {
        Ok(t) => t,
        Err(e) => return Reached::from(read_failed(path, &e, tx), false),
    };
    let format = extract::format_of(path, text.head());
    let media = match format {
        // A recording's header says all there is to say; the rest is not read.
        extract::Format::Media(kind, name) => {
            Some(extract::media::recording(kind, name, text.head()))
        }
        _ => None,
    };
    if let Some(m) = media {
        let bytes = text.bytes_read();
        let alive = send_all(
            tx,
            vec![media_record(path, "", &m)],
            Outcome::Binary { bytes },
        );
        return Reached::from(alive, true);
    }
    if let Some(reason) = extract::quick_reject(format, text.head()) {
        let record = Record::Error {
            path: path.to_string(),
            location: None,
            reason: format!("{}: corrupt: {reason}", format.name()),
        };
        let bytes = text.bytes_read();
        // Damage seen in the header stays until the file changes: no need to read it again.
        return Reached::from(send_all(tx, vec![record], Outcome::Binary { bytes }), true);
    }
    if format.is_container() {
        let data = match text.read_all(ctx.opts.worker.extract.max_item_bytes) {
            Ok(d) => d,
            Err(e) => return Reached::from(read_failed(path, &e, tx), false),
        };
        let mut sink = ItemSink {
            ctx,
            path,
            tx,
            alive: true,
        };
        let extracted = th.worker.extract(path, &data, &mut sink);
        let whole = extracted.is_ok();
        if let Err(failure) = extracted {
            let record = Record::Error {
                path: path.to_string(),
                location: None,
                reason: format!("{}: {failure}", format.name()),
            };
            sink.alive &= sink.tx.send(Msg::Records(vec![record])).is_ok();
        }
        let alive = sink.alive
            && tx
                .send(Msg::Done(Outcome::Text {
                    bytes: data.len() as u64,
                }))
                .is_ok();
        return Reached::from(alive, whole);
    }
    if let Content::Binary { format } = text.content() {
        let reason = format!("binary content ({format}); not read as text");
        let alive = send_all(
            tx,
            vec![Record::Skipped {
                path: path.to_string(),
                reason,
            }],
            Outcome::Binary {
                bytes: text.bytes_read(),
            },
        );
        return Reached::from(alive, true);
    }
    if let Some(all) = text.whole() {
        if !detect_all(ctx, path, all, Place::Lines(""), tx) {
            return Reached::Gone;
        }
    } else {
        let mut found = Vec::new();
        let mut stream = ctx.det.stream();
        loop {
            match text.next_chunk() {
                Ok(Some(chunk)) => stream.push(chunk, &mut found),
                Ok(None) => break,
                Err(e) => {
                    // Report what was found before the failure, then the failure.
                    stream.finish(&mut found);
                    let alive = forward(ctx, path, Place::Lines(""), &mut found, tx)
                        && read_failed(path, &e, tx);
                    return Reached::from(alive, false);
                }
            }
            if !found.is_empty() && !forward(ctx, path, Place::Lines(""), &mut found, tx) {
                return Reached::Gone;
            }
        }
        stream.finish(&mut found);
        if !forward(ctx, path, Place::Lines(""), &mut found, tx) {
            return Reached::Gone;
        }
    }
    let alive = tx
        .send(Msg::Done(Outcome::Text {
            bytes: text.bytes_read(),
        }))
        .is_ok();
    Reached::from(alive, true)
}

/// A recording or camera photo as a finding: no value to mask, its facts instead.
fn media_record(path: &str, location: &str, m: &extract::media::Media) -> Record {
    let mut masked = format!("[{}", m.format);
    if let Some(d) = m.duration_seconds {
        masked.push_str(&format!(", {d:.0} s"));
    }
    if let Some(c) = &m.camera {
        masked.push_str(&format!(", {c}"));
    }
    if m.gps {
        masked.push_str(", GPS position");
    }
    masked.push(']');
    Record::Finding(FindingOut {
        path: path.to_string(),
        location: location.to_string(),
        kind: m.kind,
        confidence: Confidence::High,
        masked,
        fingerprint: None,
        value: None,
        variant: None,
        media: Some(m.clone()),
    })
}

/// Receives what extraction finds in a whole item and sends it on as records.
struct ItemSink<'a, 'c> {
    ctx: &'a Ctx<'c>,
    path: &'a str,
    tx: &'a mut Outbox,
    /// False once the writer is gone.
    alive: bool,
}

impl ItemSink<'_, '_> {
    /// Detects in `text` and sends what it finds, located at `place`.
    fn detect(&mut self, text: &[u8], place: Place) {
        self.alive &= detect_all(self.ctx, self.path, text, place, self.tx);
    }
}

impl extract::Sink for ItemSink<'_, '_> {
    fn sheet(&mut self, location: &str, text: &[u8], grid_end: usize) {
        let place = Place::Cells {
            location,
            text,
            grid_end,
        };
        self.detect(text, place);
    }

    fn name(&mut self, location: &str, name: &str) {
        self.detect(name.as_bytes(), Place::Name(location));
    }

    fn ocr_time(&mut self, spent: Duration) {
        self.alive &= self.tx.send(Msg::Ocr(spent)).is_ok();
    }

    fn media(&mut self, location: &str, media: &extract::media::Media) {
        let record = media_record(self.path, &self.ctx.mask.text(location), media);
        self.alive &= self.tx.send(Msg::Records(vec![record])).is_ok();
    }

    fn text(&mut self, location: &str, text: &[u8]) {
        self.detect(text, Place::Lines(location));
    }

    fn problem(&mut self, location: &str, format: &str, problem: extract::Problem, reason: &str) {
        let path = self.path.to_string();
        // Member names, in the location and in reasons that quote them, may hold values.
        let location = &*self.ctx.mask.text(location);
        let reason = &*self.ctx.mask.text(reason);
        let record = if problem == extract::Problem::Skipped {
            Record::Skipped {
                path,
                reason: format!("{format}: {reason}"),
            }
        } else if problem == extract::Problem::Encrypted {
            // What cannot be inspected may hold anything: a finding, not only an error.
            Record::Finding(FindingOut {
                path,
                location: location.to_string(),
                kind: "encrypted-archive",
                confidence: Confidence::High,
                masked: "[encrypted]".into(),
                fingerprint: None,
                value: None,
                variant: None,
                media: None,
            })
        } else {
            Record::Error {
                path,
                location: (!location.is_empty()).then(|| location.to_string()),
                reason: format!("{format}: {}: {reason}", problem.name()),
            }
        };
        self.alive &= self.tx.send(Msg::Records(vec![record])).is_ok();
    }
}

fn read_failed(path: &str, e: &io::Error, tx: &mut Outbox) -> bool {
    send_all(
        tx,
        vec![Record::Error {
            path: path.to_string(),
            location: None,
            reason: format!("read failed: {}", sources::describe_io(e)),
        }],
        Outcome::Error,
    )
}

/// Where findings lie: in lines of text (under a location inside the item, or at its top
/// when empty), or in a name (`file name`, `folder name`, `inner.zip: file name`).
#[derive(Clone, Copy)]
enum Place<'a> {
    Lines(&'a str),
    Name(&'a str),
    /// A spreadsheet's text, a grid up to byte `grid_end`: findings there name their cell.
    Cells {
        location: &'a str,
        text: &'a [u8],
        grid_end: usize,
    },
}

/// The cell reference (`C12`) of byte `offset` in a grid whose line N is row N and whose
/// cells are separated by tabs.
fn cell_reference(text: &[u8], offset: usize, line: u64) -> String {
    let line_start = text[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut col = text[line_start..offset]
        .iter()
        .filter(|&&b| b == b'\t')
        .count();
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    format!("{}{line}", String::from_utf8_lossy(&letters))
}

/// Masks, fingerprints and sends findings.
fn forward(
    ctx: &Ctx,
    path: &str,
    place: Place,
    found: &mut Vec<detect::Finding>,
    tx: &mut Outbox,
) -> bool {
    if found.is_empty() {
        return true;
    }
    // Every confidence goes to the writer and the scan database; the writer prints those at or
    // above the threshold (so a re-scan with another threshold needs no reading).
    let mut records = Vec::with_capacity(found.len());
    // A place inside an item names members and attachments, which may hold values too.
    let location = match place {
        Place::Lines(l) | Place::Name(l) | Place::Cells { location: l, .. } => ctx.mask.text(l),
    };
    for f in found.drain(..) {
        let written = f.value.expose();
        records.push(Record::Finding(FindingOut {
            path: path.to_string(),
            location: match place {
                Place::Lines("") => format!("line {}", f.line),
                Place::Lines(_) => format!("{location}: line {}", f.line),
                Place::Name(_) => location.to_string(),
                Place::Cells { text, grid_end, .. } => match usize::try_from(f.offset) {
                    Ok(at) if at < grid_end && at <= text.len() => {
                        format!("{location}: {}", cell_reference(text, at, f.line))
                    }
                    _ => format!("{location}: line {}", f.line),
                },
            },
            kind: f.kind_name(),
            confidence: f.confidence,
            fingerprint: (!f.normalized.expose().is_empty())
                .then(|| ctx.fp.fingerprint(f.kind, &f.normalized)),
            masked: f.masked,
            value: ctx.opts.show_values.then(|| written.to_string()),
            variant: f.variant.name(),
            media: None,
        }));
    }
    records.is_empty() || tx.send(Msg::Records(records)).is_ok()
}

/// Throughput in MB/s, for the summary.
pub fn rate(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-6)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_references_count_tabs_and_letters() {
        let text = b"Namn\tCPR\nBo\t\t0101\n";
        assert_eq!(super::cell_reference(text, 5, 1), "B1");
        assert_eq!(super::cell_reference(text, 14, 2), "C2");
        let wide = "\t".repeat(27) + "x";
        assert_eq!(super::cell_reference(wide.as_bytes(), 27, 7), "AB7");
        assert_eq!(super::cell_reference(b"x", 0, 1), "A1");
    }
}
