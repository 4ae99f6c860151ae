//! Extraction of whole items held in memory: recognise the format, turn it into text segments
//! with locations, recurse into containers (archive members, attachments, embedded files),
//! and keep every item within its limits.
//!
//! A format's extractor is a function `fn(data: &[u8], cx: &mut Cx) -> Result<(), String>`:
//! it reports text with [`Cx::text`], hands nested items to [`Cx::member`], and returns an
//! error message for a damaged item (the caller reports it as `corrupt`).

use std::borrow::Cow;

use crate::expand::Expanded;
use crate::markup::{LineMap, MarkupKind};
use crate::media::{camera_photo, image_format, media_format, recording, Media, MediaKind};
use crate::text::{sniff, Content};

/// What one item may cost. A member that would break a limit is reported, not followed.
#[derive(Clone, Debug)]
pub struct Limits {
    /// How deep containers may nest (a ZIP in a ZIP is depth 2).
    pub max_depth: u32,
    /// The largest item or member read or expanded into memory, in bytes.
    pub max_item_bytes: u64,
    /// All the bytes expanded from one top-level item together.
    pub max_expanded_bytes: u64,
    /// Expanded size over compressed size above which a member is a compression bomb (checked
    /// for members over 1 MiB).
    pub max_ratio: u64,
    /// Tesseract languages for OCR of images and scanned pages (`dan+swe+eng`); `None` turns
    /// OCR off.
    pub ocr_languages: Option<String>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 12,
            max_item_bytes: 512 << 20,
            max_expanded_bytes: 2 << 30,
            max_ratio: 250,
            ocr_languages: Some(crate::ocr::DEFAULT_LANGUAGES.to_string()),
        }
    }
}

/// Why something in an item could not be inspected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Damaged, truncated or not what its name says.
    Corrupt,
    /// Encrypted or password-protected: its content cannot be inspected.
    Encrypted,
    /// Expands beyond the limits: a compression bomb, or a container that contains itself.
    Bomb,
    /// Nested deeper than the limit.
    TooDeep,
    /// Larger than the limit for one item.
    TooLarge,
    /// Not inspected for a reason outside the item (a tool that is not installed).
    Skipped,
}

impl Problem {
    pub fn name(self) -> &'static str {
        match self {
            Problem::Corrupt => "corrupt",
            Problem::Encrypted => "encrypted",
            Problem::Bomb => "compression-bomb",
            Problem::TooDeep => "too-deep",
            Problem::TooLarge => "too-large",
            Problem::Skipped => "skipped",
        }
    }
}

/// What holds an item's extraction for long, told as it starts (for a progress line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase<'a> {
    /// OCR of the image or scanned page at `location` (empty: the item itself).
    Ocr(&'a str),
    /// Unpacking the archive at `location` (empty: the item itself): `done` members so far,
    /// of `total` when the archive says how many it holds.
    Unpacking {
        location: &'a str,
        done: u64,
        total: Option<u64>,
    },
    /// The slow part is over (the OCR of one image or page).
    Reading,
}

/// Receives what extraction finds.
pub trait Sink {
    /// Text of the item. `location` is empty for the item itself, or names the place inside
    /// it: `data/besok.csv`, `page 3`, `Sheet1`, `report.docx: word/document.xml`.
    fn text(&mut self, location: &str, text: &[u8]);
    /// Something at `location` in `format` that could not be inspected, and why.
    fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str);
    /// A recording or a camera photo at `location`.
    fn media(&mut self, _location: &str, _media: &Media) {}
    /// A sheet's text (see [`Cx::sheet`]); sinks that do not name cells take it as text.
    fn sheet(&mut self, location: &str, text: &[u8], _grid_end: usize) {
        self.text(location, text);
    }
    /// Text whose lines are not the source's (markup without its tags, a table's rows):
    /// `lines` gives the source line of each; sinks that do not locate lines take it as text.
    fn lines(&mut self, location: &str, text: &[u8], _lines: &LineMap) {
        self.text(location, text);
    }
    /// The name of a member (archive entry, attachment) at `location` (`inner.zip: file name`),
    /// which may hold personal data of its own.
    fn name(&mut self, _location: &str, _name: &str) {}
    /// Time spent in OCR for this item (reported so that the summary can show its share).
    fn ocr_time(&mut self, _spent: std::time::Duration) {}
    /// What the extraction is doing when it may take long: OCR, each member of an archive.
    /// Called often (once a member); a sink that shows no progress ignores it.
    fn phase(&mut self, _phase: Phase<'_>) {}
}

/// The formats extraction knows, recognised from the name and the first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text (CSV too).
    Text,
    /// HTML, XML or JSON: read as the text they show, without their markup.
    Markup(MarkupKind),
    Zip,
    Tar,
    Gzip,
    Bzip2,
    Xz,
    SevenZ,
    /// An e-mail message (RFC 822/MIME).
    Eml,
    /// A mailbox of messages (mbox).
    Mbox,
    /// An Outlook message (a compound file of MAPI properties).
    Msg,
    /// A PDF document.
    Pdf,
    /// An RTF document.
    Rtf,
    /// A compound file (OLE2): a legacy Word, Excel or PowerPoint document, an encrypted
    /// Office document; the name says which it probably is (`doc`, `xls`, `ppt`, `ole2`).
    Ole(&'static str),
    /// An audio or video recording.
    Media(MediaKind, &'static str),
    /// An image: a camera photo, or a scan for OCR.
    Image(&'static str),
    /// Not a format extraction reads.
    Other(&'static str),
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markup(kind) => kind.name(),
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Gzip => "gzip",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::SevenZ => "7z",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
            Format::Msg => "msg",
            Format::Pdf => "pdf",
            Format::Rtf => "rtf",
            Format::Ole(name) => name,
            Format::Media(_, name) | Format::Image(name) => name,
            Format::Other(name) => name,
        }
    }

    /// True for formats read as a whole item in memory (containers and documents); plain text
    /// and markup are streamed instead.
    pub fn is_container(self) -> bool {
        !matches!(
            self,
            Format::Text | Format::Markup(_) | Format::Other(_) | Format::Media(..)
        )
    }
}

/// Recognises a format from an item's name and first bytes (at least 512 when available).
pub fn format_of(name: &str, head: &[u8]) -> Format {
    let content = sniff(head);
    match content {
        Content::Text { .. } => {
            if head.len() > 262 && &head[257..262] == b"ustar" {
                Format::Tar
            } else if crate::rtf::is_rtf(head) {
                Format::Rtf
            } else if crate::mail::is_mbox(head) {
                Format::Mbox
            } else if crate::mail::is_eml(name, head) {
                Format::Eml
            } else if let Some(kind) = crate::markup::markup_of(name, &text_in(content, head)) {
                Format::Markup(kind)
            } else {
                Format::Text
            }
        }
        Content::Binary { format } => match format {
            "ole2" if crate::mail::is_msg_item(name, head) => Format::Msg,
            "ole2" => Format::Ole(crate::ole::hint(name)),
            "binary" if crate::rtf::is_rtf(head) => Format::Rtf,
            "pdf" => Format::Pdf,
            "zip" => Format::Zip,
            "gzip" => Format::Gzip,
            "bzip2" => Format::Bzip2,
            "xz" => Format::Xz,
            "7z" => Format::SevenZ,
            _ if head.len() > 262 && &head[257..262] == b"ustar" => Format::Tar,
            other => match (media_format(head), image_format(head)) {
                (Some((kind, name)), _) => Format::Media(kind, name),
                (_, Some(name)) => Format::Image(name),
                _ => Format::Other(other),
            },
        },
    }
}

/// A reason when the first bytes alone show that an item of `format` is damaged (random bytes
/// behind a signature, say), so that it is reported without being read whole or handed to a
/// worker. `None` when the head looks sound or cannot tell.
pub fn quick_reject(format: Format, head: &[u8]) -> Option<&'static str> {
    match format {
        Format::Zip => {
            // The first local header's compression method must be one that exists.
            let method = u16::from_le_bytes([*head.get(8)?, *head.get(9)?]);
            let known = matches!(
                method,
                0 | 1 | 6 | 8 | 9 | 12 | 14 | 19 | 93 | 95 | 96 | 97 | 98 | 99
            );
            (head.starts_with(b"PK\x03\x04") && !known)
                .then_some("damaged ZIP: unknown compression method in the first entry")
        }
        Format::Image("jpeg") => {
            // Walk the markers as far as the head goes: each must start with 0xFF.
            let mut i = 2;
            while i + 4 <= head.len() {
                if head[i] != 0xFF {
                    return Some("damaged JPEG: invalid marker structure");
                }
                if matches!(head[i + 1], 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA)
                {
                    return None;
                }
                i += 2 + usize::from(u16::from_be_bytes([head[i + 2], head[i + 3]]));
            }
            None
        }
        Format::Image(_) if head.len() >= 64 => crate::ocr::dimensions(head)
            .is_none()
            .then_some("damaged image header"),
        _ => None,
    }
}

/// Text bytes ready for the detectors: UTF-16 transcoded, a UTF-8 byte order mark removed,
/// anything ASCII-compatible passed through.
pub fn text_bytes(data: &[u8]) -> Cow<'_, [u8]> {
    text_in(sniff(data), data)
}

/// [`text_bytes`] of `data` whose content is known (`sniff` has read it).
fn text_in(content: Content, data: &[u8]) -> Cow<'_, [u8]> {
    match content {
        Content::Text {
            encoding: "utf-16le",
        } => Cow::Owned(transcode(encoding_rs::UTF_16LE, data)),
        Content::Text {
            encoding: "utf-16be",
        } => Cow::Owned(transcode(encoding_rs::UTF_16BE, data)),
        Content::Text {
            encoding: "utf-8-bom",
        } => Cow::Borrowed(&data[3..]),
        _ => Cow::Borrowed(data),
    }
}

fn transcode(enc: &'static encoding_rs::Encoding, data: &[u8]) -> Vec<u8> {
    let (text, _) = enc.decode_with_bom_removal(data);
    text.into_owned().into_bytes()
}

/// Extracts one top-level item held in memory. Problems inside it go to the sink; the
/// returned error, if any, is about the item itself.
pub fn extract(name: &str, data: &[u8], limits: &Limits, sink: &mut dyn Sink) {
    let mut ex = Extraction {
        limits,
        sink,
        expanded: 0,
        chain: Vec::new(),
        not_followed: Vec::new(),
    };
    let format = format_of(name, data);
    ex.item("", format, data, 0);
    for n in ex.not_followed {
        let reason = match n.count {
            1 => n.reason,
            count => format!(
                "{count} members not followed; the first, here: {}",
                n.reason
            ),
        };
        ex.sink.problem(&n.location, &n.format, n.problem, &reason);
    }
}

/// Members not followed for one kind of limit: the first, and how many.
struct NotFollowed {
    problem: Problem,
    location: String,
    format: String,
    reason: String,
    count: u64,
}

struct Extraction<'a> {
    limits: &'a Limits,
    sink: &'a mut dyn Sink,
    expanded: u64,
    /// Length and hash of each container from the top-level item down to the current one: a
    /// member equal to one of them is a container that contains itself.
    chain: Vec<(usize, u64)>,
    /// Members not followed, by the kind of limit they broke: reported once per kind when
    /// the item is done, so that a bomb of nested copies gives one record, not one per copy.
    not_followed: Vec<NotFollowed>,
}

fn content_hash(data: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

impl Extraction<'_> {
    fn item(&mut self, location: &str, format: Format, data: &[u8], depth: u32) {
        let mut pushed = false;
        if format.is_container() {
            let id = (data.len(), content_hash(data));
            if self.chain.contains(&id) {
                let reason = "the archive contains itself; not followed";
                self.not_followed(location, format.name(), Problem::Bomb, reason);
                return;
            }
            self.chain.push(id);
            pushed = true;
        }
        self.extract_as(location, format, data, depth);
        if pushed {
            self.chain.pop();
        }
    }

    /// A member at `location` not followed because it broke a limit (`problem`), told when
    /// the item is done.
    fn not_followed(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
        match self.not_followed.iter_mut().find(|n| n.problem == problem) {
            Some(n) => n.count += 1,
            None => self.not_followed.push(NotFollowed {
                problem,
                location: location.to_string(),
                format: format.to_string(),
                reason: reason.to_string(),
                count: 1,
            }),
        }
    }

    fn extract_as(&mut self, location: &str, format: Format, data: &[u8], depth: u32) {
        let mut cx = Cx {
            ex: self,
            location: location.to_string(),
            depth,
        };
        let result = match format {
            Format::Text => {
                cx.text("", &text_bytes(data));
                Ok(())
            }
            Format::Markup(kind) => crate::markup::extract(kind, data, &mut cx),
            Format::Zip => crate::archive::zip(data, &mut cx),
            Format::Tar => crate::archive::tar(data, &mut cx),
            Format::Gzip => crate::archive::gzip(data, &mut cx),
            Format::Bzip2 => crate::archive::bzip2(data, &mut cx),
            Format::Xz => crate::archive::xz(data, &mut cx),
            Format::SevenZ => crate::archive::seven_z(data, &mut cx),
            Format::Eml => crate::mail::eml(data, &mut cx),
            Format::Mbox => crate::mail::mbox(data, &mut cx),
            Format::Msg => crate::mail::msg(data, &mut cx),
            Format::Pdf => crate::pdf::pdf(data, &mut cx),
            Format::Rtf => crate::rtf::rtf(data, &mut cx),
            Format::Ole(hint) => crate::ole::compound(data, hint, &mut cx),
            Format::Media(kind, name) => {
                cx.media("", &recording(kind, name, data));
                Ok(())
            }
            Format::Image(name) => {
                if let Some(photo) = camera_photo(name, data) {
                    cx.media("", &photo);
                }
                cx.ocr_image(name, data);
                Ok(())
            }
            // Binary content that no extractor reads yet: nothing to report as text.
            Format::Other(_) => Ok(()),
        };
        if let Err(reason) = result {
            self.sink
                .problem(location, format.name(), Problem::Corrupt, &reason);
        }
    }
}

/// What a member says of its expanded size.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Size {
    /// Its header gives it (it may lie): a member declaring more than allowed is not read.
    Declared(u64),
    /// A guess to size its buffer by (a GZIP trailer, which holds it modulo 2³²).
    Hint(u64),
    Unknown,
}

/// The limit that bounds a member's expansion.
#[derive(Clone, Copy, Debug)]
enum Bound {
    /// One item's size (`max_item_bytes`).
    Item,
    /// What the whole top-level item may still expand to (`max_expanded_bytes`).
    Total,
    /// Its compressed size (given) times `max_ratio`.
    Ratio(u64),
}

/// What a format's extractor works with: where it is, how deep, and the way out.
pub struct Cx<'e, 'a> {
    ex: &'e mut Extraction<'a>,
    location: String,
    depth: u32,
}

impl Cx<'_, '_> {
    fn join(&self, sub: &str) -> String {
        match (self.location.is_empty(), sub.is_empty()) {
            (true, _) => sub.to_string(),
            (false, true) => self.location.clone(),
            (false, false) => format!("{}: {sub}", self.location),
        }
    }

    /// Reports text found at `sub` (relative to this item; empty for the item itself).
    pub fn text(&mut self, sub: &str, text: &[u8]) {
        let loc = self.join(sub);
        self.ex.sink.text(&loc, text);
    }

    /// Reports a spreadsheet's text at `sub`: up to byte `grid_end`, line N is row N and a cell
    /// after K tabs is in column K, so findings there can name their cell.
    pub fn sheet(&mut self, sub: &str, text: &[u8], grid_end: usize) {
        let loc = self.join(sub);
        self.ex.sink.sheet(&loc, text, grid_end);
    }

    /// Reports text at `sub` whose lines lie on the source lines `lines` gives.
    pub fn lines(&mut self, sub: &str, text: &[u8], lines: &LineMap) {
        let loc = self.join(sub);
        self.ex.sink.lines(&loc, text, lines);
    }

    /// Reports a problem at `sub` in `format`.
    pub fn problem(&mut self, sub: &str, format: &str, problem: Problem, reason: &str) {
        let loc = self.join(sub);
        self.ex.sink.problem(&loc, format, problem, reason);
    }

    /// Reports member `sub` as not followed because it broke a limit: once per kind of
    /// limit and top-level item, with how many members broke it.
    pub fn not_followed(&mut self, sub: &str, format: &str, problem: Problem, reason: &str) {
        let loc = self.join(sub);
        self.ex.not_followed(&loc, format, problem, reason);
    }

    /// Reads the text of an image with OCR, when OCR is on and available.
    pub fn ocr_image(&mut self, format: &str, data: &[u8]) {
        match self.ocr("", |languages| crate::ocr::image_text(data, languages)) {
            Some(Ok(Some(text))) => self.text("", text.as_bytes()),
            Some(Ok(None)) | None => {}
            Some(Err(reason)) => self.problem("", format, Problem::Corrupt, &reason),
        }
    }

    /// Runs `read` with the OCR languages on the image or page at `sub` and reports the time
    /// it took; `None` when OCR is off, or not installed (then a `skipped` problem says how to
    /// install it).
    pub fn ocr<T>(&mut self, sub: &str, read: impl FnOnce(&str) -> T) -> Option<T> {
        let languages = self.ex.limits.ocr_languages.clone()?;
        if !crate::ocr::available() {
            let reason =
                "OCR is not available: install tesseract-ocr, or turn OCR off with --no-ocr";
            self.problem("", "ocr", Problem::Skipped, reason);
            return None;
        }
        self.ex.sink.phase(Phase::Ocr(&self.join(sub)));
        let started = std::time::Instant::now();
        let out = read(&languages);
        self.ex.sink.ocr_time(started.elapsed());
        self.ex.sink.phase(Phase::Reading);
        Some(out)
    }

    /// Tells the sink that this archive is being unpacked: `done` members so far, of `total`
    /// when known.
    pub(crate) fn unpacking(&mut self, done: u64, total: Option<u64>) {
        self.ex.sink.phase(Phase::Unpacking {
            location: &self.location,
            done,
            total,
        });
    }

    /// Reports a recording or a camera photo at `sub`.
    pub fn media(&mut self, sub: &str, media: &Media) {
        let loc = self.join(sub);
        self.ex.sink.media(&loc, media);
    }

    /// The largest member that may still be expanded, given what this item has expanded.
    pub fn budget(&self) -> u64 {
        let left = self
            .ex
            .limits
            .max_expanded_bytes
            .saturating_sub(self.ex.expanded);
        left.min(self.ex.limits.max_item_bytes)
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        self.ex.limits
    }

    /// The most a member stored in `compressed` bytes may expand to here, and the limit that
    /// sets it.
    fn allowance(&self, compressed: Option<u64>) -> (u64, Bound) {
        let limits = self.ex.limits;
        let mut most = (limits.max_item_bytes, Bound::Item);
        let left = limits.max_expanded_bytes.saturating_sub(self.ex.expanded);
        if left < most.0 {
            most = (left, Bound::Total);
        }
        if let Some(c) = compressed {
            // As `member` judges a bomb: over the ratio, and over 1 MiB.
            let ratio = c.saturating_mul(limits.max_ratio).max(1 << 20);
            if ratio < most.0 {
                most = (ratio, Bound::Ratio(c));
            }
        }
        most
    }

    /// Reports that member `name` was not followed because it expands to more than `most`
    /// bytes, the limit `bound`; `declared` when its own header said so. One wording for
    /// every format.
    fn over_limit(
        &mut self,
        name: &str,
        format: &str,
        most: u64,
        bound: Bound,
        declared: Option<u64>,
    ) {
        let declares = declared.map_or(String::new(), |d| format!(" (it declares {d})"));
        let (problem, reason) = match bound {
            Bound::Item => (
                Problem::TooLarge,
                format!("expands to more than the {most} bytes allowed{declares}; not followed"),
            ),
            Bound::Total => (
                Problem::Bomb,
                format!(
                    "expands to more than the {most} bytes left of the {} the whole item may \
                     expand to{declares}; not followed",
                    self.ex.limits.max_expanded_bytes
                ),
            ),
            Bound::Ratio(c) => (
                Problem::Bomb,
                format!(
                    "expands to more than {most} bytes from {c}, over {}× its compressed \
                     size{declares}; not followed",
                    self.ex.limits.max_ratio
                ),
            ),
        };
        self.not_followed(name, format, problem, &reason);
    }

    /// Expands member `name` of `format` (an archive member, a compressed stream) within the
    /// limits and extracts it. `fill` writes the member's content to the writer it is given,
    /// from the start each time it is called when `again`; `compressed` is its stored size.
    pub(crate) fn expand(
        &mut self,
        name: &str,
        format: &str,
        compressed: Option<u64>,
        size: Size,
        again: bool,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) {
        if self.depth + 1 > self.ex.limits.max_depth {
            // Known before a byte is expanded.
            let reason = format!("nested deeper than {} levels", self.ex.limits.max_depth);
            self.not_followed(name, "container", Problem::TooDeep, &reason);
            return;
        }
        let (most, bound) = self.allowance(compressed);
        let hint = match size {
            Size::Declared(d) if d > most => {
                return self.over_limit(name, format, most, bound, Some(d));
            }
            Size::Declared(d) | Size::Hint(d) => Some(d),
            Size::Unknown => None,
        };
        match crate::expand::expand(most, hint, again, fill) {
            Ok(Expanded::Bytes(bytes)) => self.member(name, &bytes, compressed),
            Ok(Expanded::Over) => self.over_limit(name, format, most, bound, None),
            Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
                let reason = format!("{e} (--item-memory); not followed");
                self.not_followed(name, format, Problem::TooLarge, &reason);
            }
            Err(e) => self.problem(name, format, Problem::Corrupt, &e.to_string()),
        }
    }

    /// Extracts a nested item named `name` (an archive member, an attachment), after checking
    /// depth, size and compression ratio. `compressed` is its stored size when known.
    pub fn member(&mut self, name: &str, data: &[u8], compressed: Option<u64>) {
        let size = data.len() as u64;
        if self.depth + 1 > self.ex.limits.max_depth {
            let reason = format!("nested deeper than {} levels", self.ex.limits.max_depth);
            self.not_followed(name, "container", Problem::TooDeep, &reason);
            return;
        }
        if let Some(c) = compressed {
            if size > 1 << 20 && size / c.max(1) > self.ex.limits.max_ratio {
                let reason = format!(
                    "expands {}× ({} bytes from {c}); not followed",
                    size / c.max(1),
                    size
                );
                self.not_followed(name, "container", Problem::Bomb, &reason);
                return;
            }
        }
        self.ex.expanded += size;
        if self.ex.expanded > self.ex.limits.max_expanded_bytes {
            let reason = format!(
                "the item expands beyond {} bytes; not followed",
                self.ex.limits.max_expanded_bytes
            );
            self.not_followed(name, "container", Problem::Bomb, &reason);
            return;
        }
        let loc = self.join(name);
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        self.ex.sink.name(&format!("{loc}: file name"), base);
        let format = format_of(name, data);
        self.ex.item(&loc, format, data, self.depth + 1);
    }
}
