//! Office documents that are ZIP packages: Office Open XML (DOCX, XLSX, PPTX) and
//! OpenDocument (ODT, ODS, ODP), and the pieces the legacy binary formats share with them.
//!
//! Every XML part is read as a stream (`quick-xml`, no DOM) straight from the ZIP member, so
//! a part costs its text, not its size. What all parts of one package expand to together is
//! bounded by [`Cx::budget`]; the text reported for one part is bounded too, so that a
//! hostile repeat count or a gap of a million rows cannot explode memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Seek};

use quick_xml::events::{BytesEnd, BytesStart, Event};

use crate::item::{Cx, Problem};

mod cells;
pub(crate) mod doc;
mod odf;
mod ooxml;
pub(crate) mod ppt;
pub(crate) mod xls;

/// Which kind of package a ZIP is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageKind {
    Docx,
    Xlsx,
    Pptx,
    /// An OpenDocument package: `odt`, `ods`, `odp`, `odg`, or `odf` for another kind.
    Odf(&'static str),
}

impl PackageKind {
    pub fn name(self) -> &'static str {
        match self {
            PackageKind::Docx => "docx",
            PackageKind::Xlsx => "xlsx",
            PackageKind::Pptx => "pptx",
            PackageKind::Odf(name) => name,
        }
    }
}

/// Recognises an office package from its members, `None` for a plain ZIP.
pub fn package_kind<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Option<PackageKind> {
    let names = Names::new(zip);
    if let Some(i) = names.get("mimetype") {
        let mut head = Vec::new();
        if let Ok(f) = zip.by_index(i) {
            // An unreadable mimetype member leaves `head` empty: not OpenDocument.
            let _ = f.take(100).read_to_end(&mut head);
        }
        if let Some(kind) = odf::kind_of_mimetype(&head) {
            return Some(PackageKind::Odf(kind));
        }
    }
    names.get("[Content_Types].xml")?;
    ooxml::kind(zip, &names)
}

/// Extracts the text of an office package.
pub fn package<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    kind: PackageKind,
    cx: &mut Cx,
) -> Result<(), String> {
    let mut pkg = Package::new(zip, kind.name(), cx.budget());
    match kind {
        PackageKind::Docx => ooxml::docx(&mut pkg, cx),
        PackageKind::Xlsx => ooxml::xlsx(&mut pkg, cx),
        PackageKind::Pptx => ooxml::pptx(&mut pkg, cx),
        PackageKind::Odf(_) => odf::package(&mut pkg, cx),
    }
}

// ---------------------------------------------------------------------------------------------
// The package: its members by name, read within the budget.

/// Member names of a ZIP, looked up without regard to case (OOXML part names are
/// case-insensitive) and without a leading `/`.
pub(crate) struct Names {
    by_name: HashMap<String, usize>,
    /// Every member's name in archive order, with its index.
    pub list: Vec<(String, usize)>,
}

impl Names {
    fn new<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> Names {
        let mut by_name = HashMap::new();
        let mut list = Vec::new();
        for i in 0..zip.len() {
            if let Some(name) = zip.name_for_index(i) {
                let name = name.trim_start_matches('/').to_string();
                by_name.entry(name.to_lowercase()).or_insert(i);
                list.push((name, i));
            }
        }
        Names { by_name, list }
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.by_name
            .get(&name.trim_start_matches('/').to_lowercase())
            .copied()
    }
}

pub(crate) struct Package<'z, R: Read + Seek> {
    zip: &'z mut zip::ZipArchive<R>,
    pub names: Names,
    /// The format's name for problems (`docx`, `ods`, ...).
    pub format: &'static str,
    /// Bytes the parts of this package may still expand to.
    left: u64,
    /// The most text one part may report.
    pub text_cap: usize,
}

impl<'z, R: Read + Seek> Package<'z, R> {
    fn new(zip: &'z mut zip::ZipArchive<R>, format: &'static str, budget: u64) -> Self {
        let names = Names::new(zip);
        Package {
            zip,
            names,
            format,
            left: budget,
            text_cap: usize::try_from(budget.min(MAX_TEXT)).unwrap_or(usize::MAX),
        }
    }

    pub fn exists(&self, name: &str) -> bool {
        self.names.get(name).is_some()
    }

    /// Runs `f` on a streaming XML reader of part `name`. `Ok(None)` when there is no such
    /// part; `Err` names what went wrong (the caller adds the part's name).
    pub fn xml<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut PartXml<'_>) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        let Some(i) = self.names.get(name) else {
            return Ok(None);
        };
        let file = self.zip.by_index(i).map_err(|e| e.to_string())?;
        let mut limited = Limited {
            inner: file,
            left: self.left,
            limit: self.left,
        };
        let mut xml = Xml::new(BufReader::new(&mut limited as &mut dyn Read));
        let result = f(&mut xml);
        drop(xml);
        self.left = limited.left;
        result.map(Some)
    }

    /// Hands member `i` (an embedded object, an image) to the extraction of nested items.
    pub fn member(&mut self, i: usize, cx: &mut Cx) {
        crate::archive::zip_member(self.zip, i, self.format, cx);
    }
}

/// A streaming reader of one part of a package.
pub(crate) type PartXml<'a> = Xml<BufReader<&'a mut dyn Read>>;

/// The most text one part (all its sheets or slides together) may report; beyond it the rest
/// is reported as too large.
pub(crate) const MAX_TEXT: u64 = 128 << 20;

/// A reader that fails once more than `limit` bytes have been read through it.
pub(crate) struct Limited<T> {
    inner: T,
    left: u64,
    limit: u64,
}

impl<T: Read> Read for Limited<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Anything more is over the limit; nothing more is fine.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(format!(
                    "the parts expand beyond the {} bytes allowed",
                    self.limit
                ))),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Resolves `target` of a relationship of part `source` (`xl/workbook.xml`, `slides/x.xml`)
/// to a part name: relative to the source's folder, or absolute from the package root.
pub(crate) fn resolve(source: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        if let Some((dir, _)) = source.rsplit_once('/') {
            parts.extend(dir.split('/').filter(|p| !p.is_empty()));
        }
    }
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relationships part of `part`: `word/document.xml` → `word/_rels/document.xml.rels`.
pub(crate) fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming XML.

/// What the extractors see of an XML part.
pub(crate) enum X<'b> {
    Open(BytesStart<'b>),
    /// An element without content (`<w:tab/>`).
    Empty(BytesStart<'b>),
    /// The end of an element (its local name: [`local_end`]).
    Close(BytesEnd<'b>),
    /// Character data, entities resolved.
    Text(Cow<'b, str>),
    /// Comments, declarations, processing instructions.
    Other,
    Eof,
}

pub(crate) struct Xml<B> {
    reader: quick_xml::Reader<B>,
    buf: Vec<u8>,
    depth: usize,
}

impl<B: BufRead> Xml<B> {
    pub fn new(inner: B) -> Xml<B> {
        let mut reader = quick_xml::Reader::from_reader(inner);
        let config = reader.config_mut();
        // Tolerate what producers get wrong: mismatched end tags and stray `&`.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        Xml {
            reader,
            buf: Vec::new(),
            depth: 0,
        }
    }

    pub fn next(&mut self) -> Result<X<'_>, String> {
        self.buf.clear();
        let event = match self.reader.read_event_into(&mut self.buf) {
            Ok(e) => e,
            Err(e) => return Err(format!("{e} at byte {}", self.reader.error_position())),
        };
        Ok(match event {
            Event::Start(e) => {
                self.depth += 1;
                X::Open(e)
            }
            Event::Empty(e) => X::Empty(e),
            Event::End(e) => {
                self.depth = self.depth.saturating_sub(1);
                X::Close(e)
            }
            Event::Text(t) => X::Text(t.into_inner()),
            Event::CData(t) => X::Text(t.into_inner()),
            Event::GeneralRef(r) => X::Text(Cow::Owned(match r.resolve_char_ref() {
                Ok(Some(c)) => c.to_string(),
                _ => match &*r {
                    "amp" => "&".into(),
                    "lt" => "<".into(),
                    "gt" => ">".into(),
                    "quot" => "\"".into(),
                    "apos" => "'".into(),
                    other => format!("&{other};"),
                },
            })),
            Event::Eof if self.depth > 0 => {
                return Err(format!(
                    "unexpected end of XML at byte {}",
                    self.reader.buffer_position()
                ))
            }
            Event::Eof => X::Eof,
            _ => X::Other,
        })
    }
}

/// The local name of an element (`w:t` → `t`).
pub(crate) fn local<'a>(e: &'a BytesStart) -> &'a str {
    let name = e.name().0;
    name.rsplit(':').next().unwrap_or(name)
}

/// The local name of an end tag (`</w:t>` → `t`).
pub(crate) fn local_end<'a>(e: &'a BytesEnd) -> &'a str {
    let name = e.name().0;
    name.rsplit(':').next().unwrap_or(name).trim_end()
}

/// The value of attribute `name` (a local name; `r:id` style names with a prefix match only
/// when `prefixed`).
pub(crate) fn attr(e: &BytesStart, name: &str, prefixed: bool) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        let (local, prefix) = a.key.decompose();
        if local.as_ref() == name && prefix.is_some() == prefixed {
            return a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Text with a cap.

/// Text being collected for one location, bounded by a cap.
pub(crate) struct Out {
    pub s: String,
    cap: usize,
    /// Something was dropped because the cap was reached.
    pub full: bool,
    /// The text up to this byte is a spreadsheet grid laid out from the start: line N is
    /// row N and a cell after K tabs is in column K (see `ooxml::Grid`).
    pub grid_end: Option<usize>,
}

impl Out {
    pub fn new(cap: usize) -> Out {
        Out {
            s: String::new(),
            cap,
            full: false,
            grid_end: None,
        }
    }

    pub fn push_str(&mut self, t: &str) {
        if self.s.len() + t.len() > self.cap {
            self.full = true;
        } else {
            self.s.push_str(t);
        }
    }

    pub fn push(&mut self, c: char) {
        if self.s.len() + c.len_utf8() > self.cap {
            self.full = true;
        } else {
            self.s.push(c);
        }
    }

    /// Pushes `n` copies of `c`.
    pub fn repeat(&mut self, c: char, n: usize) {
        if self.s.len().saturating_add(n.saturating_mul(c.len_utf8())) > self.cap {
            self.full = true;
        } else {
            self.s.extend(std::iter::repeat_n(c, n));
        }
    }

    /// Ends a paragraph: a line break, or a space inside a table cell (a row stays a line).
    pub fn end_paragraph(&mut self, in_cell: bool) {
        if in_cell {
            self.space();
        } else {
            self.push('\n');
        }
    }

    /// A space unless the text already ends with white space.
    pub fn space(&mut self) {
        if !self.s.is_empty() && !self.s.ends_with([' ', '\t', '\n']) {
            self.push(' ');
        }
    }

    pub fn trim_end_spaces(&mut self) {
        let n = self.s.trim_end_matches(' ').len();
        self.s.truncate(n);
    }

    pub fn is_blank(&self) -> bool {
        self.s.trim().is_empty()
    }
}

/// Reports text collected at `location` (nothing when blank) and, when it was cut, that.
pub(crate) fn report(cx: &mut Cx, location: &str, format: &str, out: &Out) {
    if !out.is_blank() {
        match out.grid_end {
            Some(end) => cx.sheet(location, out.s.as_bytes(), end),
            None => cx.text(location, out.s.as_bytes()),
        }
    }
    if out.full {
        let reason = format!("more than {} bytes of text; the rest was not read", out.cap);
        cx.problem(location, format, Problem::TooLarge, &reason);
    }
}

/// Reports the failure of one part after its text so far.
pub(crate) fn part_failed(cx: &mut Cx, location: &str, format: &str, reason: &str) {
    cx.problem(location, format, Problem::Corrupt, reason);
}

// ---------------------------------------------------------------------------------------------
// Numbers as a spreadsheet shows them.

/// A number format that matters for identity numbers: digits placed into a pattern such as
/// `000000-0000` or `0000000000` (how a CPR number typed into a number cell is often kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DigitPattern(Vec<PatternPart>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum PatternPart {
    /// `0`: a digit, or 0 when the number has no digit here.
    Zero,
    /// `#`: a digit, or nothing.
    Hash,
    Literal(char),
}

impl DigitPattern {
    /// Parses the first section of a format code; `None` unless it is only digit placeholders
    /// and literal characters (no decimals, exponents, dates, colours, conditions).
    pub fn parse(code: &str) -> Option<DigitPattern> {
        let section = code.split(';').next().unwrap_or("");
        let mut parts = Vec::new();
        let mut chars = section.chars();
        while let Some(c) = chars.next() {
            match c {
                '0' => parts.push(PatternPart::Zero),
                '#' => parts.push(PatternPart::Hash),
                '\\' => parts.push(PatternPart::Literal(chars.next()?)),
                '"' => {
                    for c in chars.by_ref() {
                        if c == '"' {
                            break;
                        }
                        parts.push(PatternPart::Literal(c));
                    }
                }
                '-' | ' ' | '/' | '(' | ')' | '+' => parts.push(PatternPart::Literal(c)),
                _ => return None,
            }
        }
        let zeros = parts.iter().filter(|p| **p == PatternPart::Zero).count();
        // "0" alone is the plain integer format: nothing to add.
        (zeros > 1 || parts.iter().any(|p| matches!(p, PatternPart::Literal(_))))
            .then_some(DigitPattern(parts))
    }

    /// Formats a non-negative integer.
    pub fn format(&self, n: u64) -> String {
        let digits: Vec<char> = n.to_string().chars().collect();
        let mut left = digits.len();
        let mut out: Vec<char> = Vec::new();
        let places = self
            .0
            .iter()
            .filter(|p| !matches!(p, PatternPart::Literal(_)))
            .count();
        let mut seen = 0;
        for part in self.0.iter().rev() {
            match part {
                PatternPart::Literal(c) => out.push(*c),
                PatternPart::Zero | PatternPart::Hash => {
                    seen += 1;
                    if seen == places {
                        // The leftmost place takes every digit that is left.
                        if left == 0 && *part == PatternPart::Zero {
                            out.push('0');
                        }
                        while left > 0 {
                            left -= 1;
                            out.push(digits[left]);
                        }
                    } else if left > 0 {
                        left -= 1;
                        out.push(digits[left]);
                    } else if *part == PatternPart::Zero {
                        out.push('0');
                    }
                }
            }
        }
        out.iter().rev().collect()
    }
}

/// A number as a spreadsheet in the General format shows it: integers without a decimal point
/// or exponent (`1.01901234E8` → `101901234`), others as written.
pub(crate) fn general_number(raw: &str, pattern: Option<&DigitPattern>) -> String {
    let raw = raw.trim();
    if let Ok(v) = raw.parse::<f64>() {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
            let n = v as i64;
            if let (Some(p), Ok(u)) = (pattern, u64::try_from(n)) {
                return p.format(u);
            }
            return n.to_string();
        }
    }
    raw.to_string()
}

/// Cell text made fit for one line of a row: line breaks and tabs inside become spaces.
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains(['\n', '\r', '\t']) {
        Cow::Owned(s.replace(['\n', '\r', '\t'], " "))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod corpus;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::item::{Limits, Sink};

    /// Collects what extraction reports.
    #[derive(Default, Debug)]
    pub struct Collect {
        pub texts: Vec<(String, String)>,
        pub problems: Vec<(String, String, Problem, String)>,
    }

    impl Sink for Collect {
        fn text(&mut self, location: &str, text: &[u8]) {
            let text = std::str::from_utf8(text).expect("extracted text is UTF-8");
            self.texts.push((location.to_string(), text.to_string()));
        }
        fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
            self.problems.push((
                location.to_string(),
                format.to_string(),
                problem,
                reason.to_string(),
            ));
        }
    }

    impl Collect {
        pub fn text_at(&self, location: &str) -> Option<&str> {
            self.texts
                .iter()
                .find(|(l, _)| l == location)
                .map(|(_, t)| t.as_str())
        }
        pub fn all(&self) -> String {
            self.texts
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        }
    }

    pub fn run(name: &str, data: &[u8]) -> Collect {
        let mut sink = Collect::default();
        let limits = Limits {
            ocr_languages: None,
            ..Limits::default()
        };
        crate::item::extract(name, data, &limits, &mut sink);
        sink
    }

    /// A ZIP of `(name, content)` members.
    pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn digit_patterns() {
        let p = DigitPattern::parse("000000-0000").unwrap();
        assert_eq!(p.format(101901234), "010190-1234");
        assert_eq!(p.format(3112991234), "311299-1234");
        let p = DigitPattern::parse("0000000000").unwrap();
        assert_eq!(p.format(101901234), "0101901234");
        let p = DigitPattern::parse("000000\\-0000").unwrap();
        assert_eq!(p.format(101901234), "010190-1234");
        let p = DigitPattern::parse("000000\"-\"0000;@").unwrap();
        assert_eq!(p.format(12), "000000-0012");
        let p = DigitPattern::parse("00").unwrap();
        assert_eq!(p.format(12345), "12345");
        assert!(DigitPattern::parse("0").is_none());
        assert!(DigitPattern::parse("0.00").is_none());
        assert!(DigitPattern::parse("yyyy-mm-dd").is_none());
        assert!(DigitPattern::parse("[Red]0000").is_none());
        assert_eq!(general_number("1.01901234E8", None), "101901234");
        assert_eq!(general_number("0.5", None), "0.5");
        assert_eq!(general_number("x", None), "x");
    }

    #[test]
    fn resolves_relationship_targets() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("ppt/slides/slide1.xml", "../notesSlides/notesSlide1.xml"),
            "ppt/notesSlides/notesSlide1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve("", "../../../x"), "x");
        assert_eq!(rels_of("word/document.xml"), "word/_rels/document.xml.rels");
    }

    #[test]
    fn xml_reports_truncation_with_position() {
        let mut xml = Xml::new(&b"<a><b>text</b><c>more"[..]);
        let mut err = None;
        loop {
            match xml.next() {
                Ok(X::Eof) => break,
                Ok(_) => {}
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        let err = err.expect("an error");
        assert!(err.contains("unexpected end of XML at byte"), "{err}");
    }

    #[test]
    fn xml_resolves_references() {
        let mut xml = Xml::new(&b"<a>F&#246;r&amp;&#x41;<![CDATA[<x>]]></a>"[..]);
        let mut text = String::new();
        loop {
            match xml.next().unwrap() {
                X::Text(t) => text.push_str(&t),
                X::Eof => break,
                _ => {}
            }
        }
        assert_eq!(text, "För&A<x>");
    }
}
