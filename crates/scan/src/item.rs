//! One item through the pipeline: its name, whether the scan database already knows it
//! (unchanged, or a copy of an item read before), its content read as text or extracted in
//! the worker process, detection, masking and fingerprinting; the results go to the writer.

use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use detect::Confidence;
use extract::{Content, TextReader};
use model::OtherKind;

use crate::masking::Folders;
use crate::msg::{Exposed, FindingOut, Msg, Outbox, Outcome, Record};
use crate::options::Ctx;
use crate::source::{Body, Item, Locator, Part, Scanner};
use crate::worker::Worker;

/// The pipeline's [`Scanner`]: one per thread, with its extraction worker process, its
/// caches and its batch of messages for the writer.
pub(crate) struct ItemScanner<'a> {
    ctx: &'a Ctx<'a>,
    th: Thread,
    out: Outbox,
}

/// What a scanning thread keeps between items.
struct Thread {
    buf: Vec<u8>,
    worker: Worker,
    /// Where this thread says what holds it, when the progress line is shown.
    slot: Option<Arc<crate::progress::Slot>>,
    /// The stored forms of the folders this thread has met.
    folders: Folders,
    /// The last exposure judged (as the source gave it) and what it became: files side by
    /// side mostly share one.
    last_exposure: Option<(model::Exposure, Arc<Exposed>)>,
}

impl<'a> ItemScanner<'a> {
    pub(crate) fn new(ctx: &'a Ctx<'a>, out: Outbox) -> ItemScanner<'a> {
        let slot = ctx.progress.map(crate::progress::Totals::slot);
        ItemScanner {
            ctx,
            th: Thread {
                buf: Vec::new(),
                worker: Worker::new(ctx.opts.worker.clone(), slot.is_some()),
                slot,
                folders: Folders::default(),
                last_exposure: None,
            },
            out,
        }
    }

    /// An exposure with the folders it names masked, made again only when it differs from
    /// the last one.
    fn exposed(&mut self, e: model::Exposure) -> Arc<Exposed> {
        if let Some((last, made)) = &self.th.last_exposure {
            if *last == e {
                return made.clone();
            }
        }
        let mask = self.ctx.mask;
        let shown = model::Exposure {
            via: mask.text(&e.via).into_owned(),
            listed_by: e.listed_by.as_deref().map(|l| mask.text(l).into_owned()),
            ..e.clone()
        };
        let made = Arc::new(Exposed::new(shown));
        self.th.last_exposure = Some((e, made.clone()));
        made
    }

    /// A local folder: read for its name.
    fn folder(&mut self, path: &Path) -> bool {
        let (shown, found) = named(self.ctx, &mut self.th, path);
        self.folder_found(shown, found)
    }

    /// A folder whose name holds `found`. A folder is an item only when its name holds a
    /// value (now, or when the store last saw it): the writer hears of the others not at all.
    fn folder_found(&mut self, shown: String, mut found: Vec<detect::Finding>) -> bool {
        let (ctx, tx) = (self.ctx, &mut self.out);
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

    /// Warnings about an item.
    fn notes(&mut self, shown: &str, notes: Vec<String>) -> bool {
        if notes.is_empty() {
            return true;
        }
        let records = notes
            .into_iter()
            .map(|n| {
                let n = self.ctx.mask.text(&n).into_owned();
                Record::other(OtherKind::Warning, shown.into(), n)
            })
            .collect();
        self.out.send(Msg::Records(records)).is_ok()
    }

    /// Reads an item's content (not a local file's) and tells the writer how far it got.
    fn body(&mut self, shown: String, body: Body) -> bool {
        let (ctx, th, tx) = (self.ctx, &mut self.th, &mut self.out);
        match body {
            // Nothing read: what it holds is not known.
            Body::Nothing => tx.send(Msg::Done(Outcome::Skipped)).is_ok(),
            Body::Error(reason) => unreadable(ctx, tx, shown, &reason),
            Body::File => unreadable(ctx, tx, shown, "no local file to open"),
            Body::Bytes { data, part } => {
                // A recording's head says all there is to say; a truncated body does not.
                let hash = (part == Part::Whole).then(|| content_hash(&data));
                let size = Some(data.len() as u64);
                match scan_reader(ctx, &shown, io::Cursor::new(data), size, th, tx) {
                    Reached::Gone => false,
                    Reached::Whole if part != Part::Truncated => tx
                        .send(Msg::Read {
                            path: shown,
                            meta: None,
                            hash,
                        })
                        .is_ok(),
                    Reached::Whole | Reached::Partial => tx.send(Msg::Unfinished(shown)).is_ok(),
                }
            }
            Body::Stream(r) => {
                scan_reader(ctx, &shown, r, None, th, tx) != Reached::Gone
                    && tx.send(Msg::Unfinished(shown)).is_ok()
            }
        }
    }

    /// Scans a local file's name and content, unless the scan database says it did not
    /// change or is a copy of a file read before; false when the writer is gone.
    fn file(
        &mut self,
        path: &Path,
        exposure: Option<Arc<Exposed>>,
        now: Option<store::Meta>,
        notes: Vec<String>,
        body: Body,
    ) -> bool {
        let (ctx, th, tx) = (self.ctx, &mut self.th, &mut self.out);
        let remember = ctx.memory;
        let rescan = ctx.opts.rescan_all;
        let unchanged =
            |p: &str| !rescan && now.as_ref().is_some_and(|m| remember.known.unchanged(p, m));
        // A path stored as it is written (read before with these settings) has no value in
        // its names: the common case of a re-scan needs no masking.
        let plain = crate::masking::shown(path.as_os_str());
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
        let mut notes = notes;
        if path.to_str().is_none() {
            notes.push("file name is not valid UTF-8; shown with replacement characters".into());
        }
        if !self.notes(&shown, notes) {
            return false;
        }
        if !matches!(body, Body::File) {
            return self.body(shown, body);
        }
        let (ctx, th, tx) = (self.ctx, &mut self.th, &mut self.out);
        let f = match sources::open_read_only(path) {
            Ok(f) => f,
            Err(e) => return unreadable(ctx, tx, shown, &sources::describe_io(&e)),
        };
        let Ok(m) = f.metadata().map(|m| crate::source::local::meta(&m)) else {
            return scan_reader(ctx, &shown, f, None, th, tx) != Reached::Gone;
        };
        // Only what was there when the file was opened is read: a file that grows while it
        // is read (a log being written) would otherwise keep this thread until it stops.
        let opened = || io::Read::take(&f, m.size);
        // A file of the size of one read whole before may be its copy: read it, hash it, and
        // if it is one, take the original's findings instead of detecting again.
        if !rescan
            && remember.known.may_be_copy(m.size)
            && m.size <= ctx.opts.worker.extract.max_item_bytes
        {
            let mut data = Vec::with_capacity(m.size as usize);
            if let Err(e) = io::Read::read_to_end(&mut opened(), &mut data) {
                return read_failed(&shown, &e, tx) && tx.send(Msg::Unfinished(shown)).is_ok();
            }
            let hash = content_hash(&data);
            if let Some(original) = remember.known.copy_of(data.len() as u64, &hash) {
                if !changed_while_read(tx, &shown, &f, m.size) {
                    return false;
                }
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
            let size = Some(data.len() as u64);
            let reached = scan_reader(ctx, &shown, io::Cursor::new(data), size, th, tx);
            return read_local(tx, shown, &f, m, Some(hash), reached);
        }
        let mut hasher = Hashing::default();
        let reader = HashingReader {
            inner: opened(),
            state: &mut hasher,
        };
        let reached = scan_reader(ctx, &shown, reader, Some(m.size), th, tx);
        let hash = hasher.finish();
        read_local(tx, shown, &f, m, hash, reached)
    }
}

/// Tells the writer how far a local file was read, its size and times as they were when it
/// was opened, and warns when it changed while it was read.
fn read_local(
    tx: &mut Outbox,
    shown: String,
    f: &std::fs::File,
    m: store::Meta,
    hash: Option<String>,
    reached: Reached,
) -> bool {
    match reached {
        Reached::Gone => false,
        Reached::Partial => tx.send(Msg::Unfinished(shown)).is_ok(),
        Reached::Whole => {
            if !changed_while_read(tx, &shown, f, m.size) {
                return false;
            }
            // Kept with its state at open: a file that changed since then differs from it,
            // and the next scan reads it again.
            read_to_end(tx, shown, m, hash)
        }
    }
}

/// A warning when the size of open file `f` is no longer `size`, the size it had when opened
/// and as far as it was read; false when the writer is gone.
fn changed_while_read(tx: &mut Outbox, shown: &str, f: &std::fs::File, size: u64) -> bool {
    let Ok(now) = f.metadata().map(|m| m.len()) else {
        return true;
    };
    let reason = match now.cmp(&size) {
        std::cmp::Ordering::Equal => return true,
        std::cmp::Ordering::Greater => {
            format!("changed while read: grew from {size} to {now} bytes; read the first {size}")
        }
        std::cmp::Ordering::Less => {
            format!("changed while read: shrank from {size} to {now} bytes; read what was left")
        }
    };
    let warning = Record::other(OtherKind::Warning, shown.to_string(), reason);
    tx.send(Msg::Records(vec![warning])).is_ok()
}

impl Scanner for ItemScanner<'_> {
    fn item(&mut self, item: Item) -> bool {
        let Item {
            locator,
            folder,
            exposure,
            answer,
            notes,
            body,
            meta,
        } = item;
        let exposure = exposure.map(|e| self.exposed(e));
        let (shown, name) = match locator {
            Locator::Path(path) if folder => return self.folder(&path),
            Locator::Path(path) => return self.file(&path, exposure, meta, notes, body),
            Locator::Url { url, name } => (self.ctx.mask.url(&url).into_owned(), name),
            // Standard input is no item to remember: its body is a stream, only its end told.
            Locator::Stdin => ("-".to_string(), None),
        };
        if let Some(mut a) = answer {
            a.path = shown.clone().into();
            a.listed_by = a
                .listed_by
                .map(|l| self.ctx.mask.url(&l).into_owned().into());
            if self.out.send(Msg::Records(vec![Record::Url(a)])).is_err() {
                return false;
            }
        }
        let mut found = Vec::new();
        if let Some(name) = &name {
            self.ctx.det.scan_name(name.as_bytes(), &mut found);
        }
        if folder {
            return self.folder_found(shown, found);
        }
        if let Some(exposure) = exposure {
            let msg = Msg::Exposure {
                path: shown.clone(),
                exposure,
            };
            if self.out.send(msg).is_err() {
                return false;
            }
        }
        let (ctx, tx) = (self.ctx, &mut self.out);
        if !forward(ctx, &shown, Place::Name("file name"), &mut found, tx) {
            return false;
        }
        self.notes(&shown, notes) && self.body(shown, body)
    }

    fn error(&mut self, at: Option<&Locator>, reason: &str) -> bool {
        let path = at
            .map(|l| self.th.folders.locator(self.ctx.mask, l))
            .unwrap_or_default();
        let reason = self.ctx.mask.text(reason).into_owned();
        let record = Record::other(OtherKind::Error, path, reason);
        send_all(&mut self.out, vec![record], Outcome::Error)
    }

    fn skipped(&mut self, at: &Locator, reason: &str) -> bool {
        let path = self.th.folders.locator(self.ctx.mask, at);
        let reason = self.ctx.mask.text(reason).into_owned();
        let record = Record::other(OtherKind::Skipped, path, reason);
        send_all(&mut self.out, vec![record], Outcome::Skipped)
    }
}

/// An item that could not be read: an error, and its findings so far are all there will be.
fn unreadable(ctx: &Ctx, tx: &mut Outbox, shown: String, reason: &str) -> bool {
    let error = Record::other(
        OtherKind::Error,
        shown.clone(),
        ctx.mask.text(reason).into_owned(),
    );
    send_all(tx, vec![error], Outcome::Error) && tx.send(Msg::Unfinished(shown)).is_ok()
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

/// Reads one item as text and sends its findings; says how far it got. `size` is what it
/// holds, when known.
fn scan_reader<R: Read>(
    ctx: &Ctx,
    path: &str,
    reader: R,
    size: Option<u64>,
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
        let reason = format!("{}: corrupt: {reason}", format.name());
        let record = Record::other(OtherKind::Error, path.to_string(), reason);
        let bytes = text.bytes_read();
        // Damage seen in the header stays until the file changes: no need to read it again.
        return Reached::from(send_all(tx, vec![record], Outcome::Binary { bytes }), true);
    }
    if format.is_container() {
        let data = match text.read_all(ctx.opts.worker.extract.max_item_bytes, size) {
            Ok(d) => d,
            Err(e) => return Reached::from(read_failed(path, &e, tx), false),
        };
        let mut sink = ItemSink {
            ctx,
            path,
            tx,
            alive: true,
            slot: th.slot.as_deref(),
        };
        let extracted = th.worker.extract(path, &data, &mut sink);
        if let Some(slot) = sink.slot {
            slot.set(path, None);
        }
        let whole = extracted.is_ok();
        if let Err(failure) = extracted {
            let reason = format!("{}: {failure}", format.name());
            let record = Record::other(OtherKind::Error, path.to_string(), reason);
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
            vec![Record::other(OtherKind::Skipped, path.to_string(), reason)],
            Outcome::Binary {
                bytes: text.bytes_read(),
            },
        );
        return Reached::from(alive, true);
    }
    if let extract::Format::Markup(kind) = format {
        return scan_markup(ctx, path, text, kind, tx);
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

/// What markup conversion hands over: the running text straight to the detector's stream
/// (not copied aside until the chunk is done), tables kept for scans of their own.
struct Converted<'d> {
    stream: detect::Stream<'d>,
    found: Vec<detect::Finding>,
    tables: Vec<(Vec<u8>, extract::markup::LineMap)>,
}

impl extract::markup::Out for Converted<'_> {
    fn flow(&mut self, text: &[u8]) {
        self.stream.push(text, &mut self.found);
    }

    fn table(&mut self, text: &[u8], lines: &extract::markup::LineMap) {
        self.tables.push((text.to_vec(), lines.clone()));
    }
}

/// Reads HTML, XML or JSON as the text it shows, chunk by chunk as plain text is read: the
/// running text is one document for the detectors, each table one more.
fn scan_markup<R: Read>(
    ctx: &Ctx,
    path: &str,
    mut text: TextReader<R>,
    kind: extract::markup::MarkupKind,
    tx: &mut Outbox,
) -> Reached {
    let mut markup = extract::markup::Markup::new(kind, text.content());
    let mut out = Converted {
        stream: ctx.det.stream(),
        found: Vec::new(),
        tables: Vec::new(),
    };
    let mut alive = true;
    // Sends what the last chunk gave; false once the writer is gone.
    let mut detect = |markup: &extract::markup::Markup, out: &mut Converted| {
        let mut ok = forward_flow(ctx, path, markup, &mut out.found, tx);
        for (t, lines) in out.tables.drain(..) {
            ok = ok
                && detect_all(
                    ctx,
                    path,
                    &t,
                    Place::Mapped {
                        location: "",
                        lines: &lines,
                    },
                    tx,
                );
        }
        ok
    };
    // Read to the end or to a read failure; what was found before a failure is reported
    // first, then the failure.
    let failed = loop {
        match text.next_chunk() {
            Ok(Some(chunk)) => markup.push(chunk, &mut out),
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
        if !detect(&markup, &mut out) {
            return Reached::Gone;
        }
    };
    markup.finish(&mut out);
    alive &= detect(&markup, &mut out);
    let Converted {
        stream, mut found, ..
    } = out;
    stream.finish(&mut found);
    alive &= forward_flow(ctx, path, &markup, &mut found, tx);
    if let Some(e) = failed {
        return Reached::from(alive && read_failed(path, &e, tx), false);
    }
    let alive = alive
        && tx
            .send(Msg::Done(Outcome::Text {
                bytes: text.bytes_read(),
            }))
            .is_ok();
    Reached::from(alive, true)
}

/// Sends the findings in a document's running text, placed on its source lines.
fn forward_flow(
    ctx: &Ctx,
    path: &str,
    markup: &extract::markup::Markup,
    found: &mut Vec<detect::Finding>,
    tx: &mut Outbox,
) -> bool {
    let lines = markup.flow_lines();
    let place = Place::Mapped {
        location: "",
        lines,
    };
    forward(ctx, path, place, found, tx)
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
    /// Where the thread says what holds it (the progress line is shown).
    slot: Option<&'a crate::progress::Slot>,
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

    fn lines(&mut self, location: &str, text: &[u8], lines: &extract::markup::LineMap) {
        self.detect(text, Place::Mapped { location, lines });
    }

    fn name(&mut self, location: &str, name: &str) {
        self.detect(name.as_bytes(), Place::Name(location));
    }

    fn ocr_time(&mut self, spent: Duration) {
        self.alive &= self.tx.send(Msg::Ocr(spent)).is_ok();
    }

    fn phase(&mut self, phase: extract::Phase<'_>) {
        use crate::progress::Doing;
        let Some(slot) = self.slot else {
            return;
        };
        // Member names may hold values: masked as every location shown.
        let masked = |location: &str| self.ctx.mask.text(location).into_owned();
        let doing = match phase {
            extract::Phase::Ocr(location) => Some(Doing::Ocr(masked(location))),
            extract::Phase::Unpacking {
                location,
                done,
                total,
            } => Some(Doing::Unpacking {
                location: masked(location),
                done,
                total,
            }),
            extract::Phase::Reading => None,
        };
        slot.set(self.path, doing);
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
            Record::other(OtherKind::Skipped, path, format!("{format}: {reason}"))
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
            Record::Other(model::Other {
                path: path.into(),
                location: (!location.is_empty()).then(|| location.to_string().into()),
                kind: OtherKind::Error,
                reason: format!("{format}: {}: {reason}", problem.name()).into(),
            })
        };
        self.alive &= self.tx.send(Msg::Records(vec![record])).is_ok();
    }
}

fn read_failed(path: &str, e: &io::Error, tx: &mut Outbox) -> bool {
    send_all(
        tx,
        vec![Record::other(
            OtherKind::Error,
            path.to_string(),
            format!("read failed: {}", sources::describe_io(e)),
        )],
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
    /// Text whose lines lie on the source lines `lines` gives (markup read without its tags).
    Mapped {
        location: &'a str,
        lines: &'a extract::markup::LineMap,
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
    // above the threshold (so a re-scan with another threshold needs no reading). Sent in
    // parts: an item of 100,000 findings is not held twice over, as found and as records.
    const PART: usize = 1024;
    let mut records = Vec::with_capacity(found.len().min(PART));
    // A place inside an item names members and attachments, which may hold values too.
    let location = match place {
        Place::Lines(l)
        | Place::Name(l)
        | Place::Cells { location: l, .. }
        | Place::Mapped { location: l, .. } => ctx.mask.text(l),
    };
    for f in found.drain(..) {
        if records.len() == PART {
            let part = std::mem::replace(&mut records, Vec::with_capacity(PART));
            if tx.send(Msg::Records(part)).is_err() {
                return false;
            }
        }
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
                Place::Mapped {
                    location: "",
                    lines,
                } => format!("line {}", lines.source(f.line)),
                Place::Mapped { lines, .. } => {
                    format!("{location}: line {}", lines.source(f.line))
                }
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc::sync_channel;

    use super::*;
    use crate::masking::tests::cprs;
    use crate::masking::Masker;
    use crate::options::{test_options, Memory};

    #[test]
    fn what_a_source_says_of_an_item_is_masked_like_its_path() {
        let det = detect::Detector::new(crate::options::today());
        let fp = detect::Fingerprinter::new(b"0123456789abcdef");
        let mask = Masker::new(&det, &fp);
        let opts = test_options();
        let memory = Memory {
            known: store::Known::default(),
            scanned_with: String::new(),
        };
        let ctx = Ctx {
            det: &det,
            fp: &fp,
            mask: &mask,
            opts: &opts,
            memory: &memory,
            progress: None,
        };
        let cpr = cprs("030385").next().unwrap();
        let (tx, rx) = sync_channel(64);
        {
            let mut s = ItemScanner::new(&ctx, Outbox::new(tx));
            let at = Locator::Url {
                url: "http://h/x".into(),
                name: None,
            };
            // No '/' in any of them: a name quoted alone.
            assert!(s.error(None, &format!("cannot read {cpr}.txt: permission denied")));
            assert!(s.skipped(&at, &format!("{cpr}.lnk: a link not followed")));
            let mut item = Item::new(at, Body::Error(format!("{cpr}.doc vanished")));
            item.notes = vec![format!("renamed from {cpr}.doc")];
            assert!(s.item(item));
        }
        let mut reasons = Vec::new();
        for msg in rx.into_iter().flatten() {
            if let Msg::Records(records) = msg {
                for r in records {
                    if let Record::Other(o) = r {
                        reasons.push(o.reason.into_owned());
                    }
                }
            }
        }
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        for r in &reasons {
            assert!(!r.contains(&cpr[7..]), "{r}");
            assert!(r.contains("030385-****#"), "{r}");
        }
    }

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
