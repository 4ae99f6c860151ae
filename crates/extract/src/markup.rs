//! HTML, XML and JSON read as the text a reader sees, not as markup: tags gone, character
//! references and string escapes decoded, tables handed over as rows of cells with their
//! header row first, keys and element names kept beside their values as labels.
//!
//! [`Markup`] converts in a stream of chunks with bounded memory, so that a file of any size is
//! read as plain text is. What it makes goes to a [`Out`]: the running text of the document
//! (`flow`, one document from the first chunk to the last) and each table as a document of its
//! own (`table`), both with a [`LineMap`] from their lines to the source's lines, so that
//! findings are located by the line of the file they are on.

use crate::text::Content;

/// Which markup a text item holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkupKind {
    Html,
    Xml,
    Json,
}

impl MarkupKind {
    pub fn name(self) -> &'static str {
        match self {
            MarkupKind::Html => "html",
            MarkupKind::Xml => "xml",
            MarkupKind::Json => "json",
        }
    }
}

/// The markup of a text item, from its name and first bytes; `None` for other text.
pub fn markup_of(name: &str, head: &[u8]) -> Option<MarkupKind> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" => return Some(MarkupKind::Html),
        "xml" | "xsd" | "xsl" | "xslt" | "svg" | "rss" | "atom" | "kml" | "gpx" | "plist"
        | "xlf" | "xliff" => return Some(MarkupKind::Xml),
        "json" | "jsonl" | "ndjson" | "geojson" => return Some(MarkupKind::Json),
        _ => {}
    }
    let head = &head[..head.len().min(1024)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    let starts = |p: &[u8]| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"<?xml") {
        return Some(MarkupKind::Xml);
    }
    if [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<table",
    ]
    .iter()
    .any(|p| starts(p))
    {
        return Some(MarkupKind::Html);
    }
    // JSON: an object with a key, or an array of values; not `[section]` nor `[12:00] log`.
    let after = |i: usize| head[i..].iter().find(|b| !b.is_ascii_whitespace()).copied();
    match head.first() {
        Some(b'{') if after(1) == Some(b'"') => Some(MarkupKind::Json),
        Some(b'[') if matches!(after(1), Some(b'{' | b'"' | b'[')) => Some(MarkupKind::Json),
        _ => None,
    }
}

/// Where the lines of a converted text lie in the source: line N of the text (1-based) is on
/// source line `source(N)`. Kept as runs, so that a text whose lines follow the source's, or
/// a whole one-line file, costs one entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    runs: Vec<Run>,
    /// The last text line given to [`LineMap::push`].
    last: u64,
}

/// From text line `out` on: source line `src`, and one more each line when `step`, else the
/// same source line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub out: u64,
    pub src: u64,
    pub step: bool,
}

impl LineMap {
    /// A map from its runs (as [`LineMap::runs`] gave them).
    pub fn from_runs(runs: Vec<Run>) -> LineMap {
        let last = runs.last().map_or(0, |r| r.out);
        LineMap { runs, last }
    }

    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Text line `out` (each once, in order) is on source line `src`.
    pub fn push(&mut self, out: u64, src: u64) {
        if let Some(r) = self.runs.last_mut() {
            if out <= self.last {
                return;
            }
            let d = out - r.out;
            let single = r.out == self.last;
            self.last = out;
            if single && d == 1 && (src == r.src || src == r.src + 1) {
                r.step = src != r.src;
                return;
            }
            if (r.step && src == r.src + d) || (!r.step && src == r.src) {
                return;
            }
        }
        self.last = out;
        self.runs.push(Run {
            out,
            src,
            step: true,
        });
    }

    /// Text lines `out..out + n` are on source lines `src..src + n`: what pushing each gives,
    /// in three pushes. After the first two the last run holds both lines (a new run, or the
    /// one they continue) and steps with them, so every later line continues it.
    pub(crate) fn push_lines(&mut self, out: u64, src: u64, n: u64) {
        if n > 0 {
            self.push(out, src);
        }
        if n > 1 {
            self.push(out + 1, src + 1);
        }
        if n > 2 {
            self.push(out + n - 1, src + n - 1);
        }
    }

    /// The source line of text line `out`; the same number where nothing was pushed.
    pub fn source(&self, out: u64) -> u64 {
        let i = self.runs.partition_point(|r| r.out <= out);
        match i.checked_sub(1).map(|i| self.runs[i]) {
            None => out,
            Some(r) if r.step => r.src + (out - r.out),
            Some(r) => r.src,
        }
    }

    /// Becomes a copy of `other`, a later state of the same map (only its last run changed,
    /// or runs were added): costs what changed, not the whole map.
    pub(crate) fn sync(&mut self, other: &LineMap) {
        let keep = self.runs.len().saturating_sub(1).min(other.runs.len());
        self.runs.truncate(keep);
        self.runs.extend_from_slice(&other.runs[keep..]);
        self.last = other.last;
    }

    pub fn len(&self) -> usize {
        self.runs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// Receives what [`Markup`] makes of a document.
pub trait Out {
    /// More of the document's running text, in order; its lines are mapped by
    /// [`Markup::flow_lines`].
    fn flow(&mut self, text: &[u8]);
    /// A table as a document of its own: a line a row, cells separated by tabs, the header row
    /// first (repeated at the top of each part of a long table); `lines` maps rows to source
    /// lines.
    fn table(&mut self, text: &[u8], lines: &LineMap);
}

/// A streaming converter of one document.
pub struct Markup {
    inner: Inner,
    identity: LineMap,
}

enum Inner {
    Html(Box<crate::html::Html>),
    Json(crate::json::Json),
}

impl Markup {
    /// A converter for a document of `kind` whose text is in `content`'s encoding (the chunks
    /// given to [`push`](Self::push) are UTF-8, or Windows-1252 for `8-bit`).
    pub fn new(kind: MarkupKind, content: Content) -> Markup {
        let inner = match kind {
            MarkupKind::Json => Inner::Json(crate::json::Json::default()),
            MarkupKind::Html | MarkupKind::Xml => {
                let latin1 = content == Content::Text { encoding: "8-bit" };
                Inner::Html(Box::new(crate::html::Html::new(
                    kind == MarkupKind::Xml,
                    latin1,
                )))
            }
        };
        Markup {
            inner,
            identity: LineMap::default(),
        }
    }

    /// Converts the next chunk of the document.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn Out) {
        match &mut self.inner {
            Inner::Html(h) => h.push(chunk, out),
            Inner::Json(j) => j.push(chunk, out),
        }
    }

    /// The document is complete: hands over what is still held.
    pub fn finish(&mut self, out: &mut dyn Out) {
        match &mut self.inner {
            Inner::Html(h) => h.finish(out),
            Inner::Json(j) => j.finish(out),
        }
    }

    /// Where the lines of the running text given so far lie in the source.
    pub fn flow_lines(&self) -> &LineMap {
        match &self.inner {
            Inner::Html(h) => h.flow_lines(),
            // JSON keeps every line where it is.
            Inner::Json(_) => &self.identity,
        }
    }
}

/// Collects a whole document's running text and hands tables to `cx` as they come.
struct Collect<'c, 'e, 'a> {
    cx: &'c mut crate::Cx<'e, 'a>,
    flow: Vec<u8>,
}

impl Out for Collect<'_, '_, '_> {
    fn flow(&mut self, text: &[u8]) {
        self.flow.extend_from_slice(text);
    }

    fn table(&mut self, text: &[u8], lines: &LineMap) {
        self.cx.lines("", text, lines);
    }
}

/// Extracts a markup document held in memory (an archive member, an attachment).
pub(crate) fn extract(kind: MarkupKind, data: &[u8], cx: &mut crate::Cx) -> Result<(), String> {
    let content = crate::text::sniff(data);
    let text = crate::item::text_bytes(data);
    let mut markup = Markup::new(kind, content);
    let mut collect = Collect {
        cx,
        flow: Vec::new(),
    };
    for chunk in text.chunks(crate::text::BLOCK) {
        markup.push(chunk, &mut collect);
    }
    markup.finish(&mut collect);
    let Collect { cx, flow } = collect;
    cx.lines("", &flow, markup.flow_lines());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_maps_keep_runs() {
        let mut m = LineMap::default();
        for (out, src) in [(1, 1), (2, 2), (3, 3), (4, 3), (5, 3), (6, 4), (7, 9)] {
            m.push(out, src);
        }
        let got: Vec<u64> = (1..=8).map(|l| m.source(l)).collect();
        assert_eq!(got, [1, 2, 3, 3, 3, 4, 9, 10]);
        assert!(m.len() <= 4, "{:?}", m.runs());
        let mut one_line = LineMap::default();
        for out in 1..1000 {
            one_line.push(out, 1);
        }
        assert_eq!(one_line.len(), 1);
        assert_eq!(one_line.source(500), 1);
        assert_eq!(LineMap::default().source(7), 7);
        assert_eq!(LineMap::from_runs(m.runs().to_vec()).source(7), 9);
    }

    #[test]
    fn pushing_lines_at_once_is_pushing_each() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2000 {
            let (mut each, mut at_once) = (LineMap::default(), LineMap::default());
            let (mut out, mut src) = (1, 1);
            for _ in 0..next(12) {
                // Lines from the last one's source line, the next or a later one.
                let start = src + [0, 1, 1 + next(5)][next(3) as usize];
                let n = if next(2) == 0 { 1 } else { next(6) };
                for i in 0..n {
                    each.push(out + i, start + i);
                }
                at_once.push_lines(out, start, n);
                assert_eq!(each, at_once);
                if n > 0 {
                    out += n;
                    src = start + n - 1;
                }
            }
        }
    }

    #[test]
    fn recognises_markup() {
        assert_eq!(markup_of("a/b.HTML", b""), Some(MarkupKind::Html));
        assert_eq!(
            markup_of("x", b"\n <!DOCTYPE html><p>"),
            Some(MarkupKind::Html)
        );
        assert_eq!(
            markup_of("x", b"<?xml version='1.0'?>"),
            Some(MarkupKind::Xml)
        );
        assert_eq!(markup_of("x", b"{\"a\": 1}"), Some(MarkupKind::Json));
        assert_eq!(markup_of("x", b"[\n {\"a\": 1}]"), Some(MarkupKind::Json));
        assert_eq!(markup_of("x", b"[section]\nkey=1"), None);
        assert_eq!(markup_of("x", b"[12:00] started"), None);
        assert_eq!(markup_of("notes.txt", b"Hello <b>"), None);
    }
}
