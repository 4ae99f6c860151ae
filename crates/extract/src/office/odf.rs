//! OpenDocument: ODT, ODS, ODP (and ODG).
//!
//! - Text documents: `content.xml` a line per paragraph, a table row a line with its cells
//!   separated by tabs; headers and footers from `styles.xml`.
//! - Spreadsheets: each sheet at its name, a line per row (line N is row N), cells separated by
//!   tabs, the text a cell shows (`text:p`) or else its value; a number cell with an identity
//!   number that lost its leading zero gets it back where its column says so (`cells.rs`;
//!   not in the copies of a repeated row). Repeated rows and cells
//!   (`table:number-rows-repeated`, `table:number-columns-repeated`) are honoured up to a cap:
//!   empty repeats cost nothing, and a hostile count cannot explode memory.
//! - Presentations and drawings: `slide N` (`page N`) and `notes N`.
//!
//! Also: the document's metadata (`meta.xml`), embedded documents (`Object 1/content.xml`)
//! and embedded files and pictures as nested items.

use std::io::{BufRead, Read, Seek};

use super::cells::Numbers;
use super::ooxml::Grid;
use super::{attr, general_number, local, local_end, part_failed, report, Out, Package, Xml, X};
use crate::item::Cx;

/// How many times a non-empty repeated cell or row is written out.
const REPEAT_CAP: u64 = 64;

/// The format's name from the `mimetype` member, `None` when it is not OpenDocument.
pub(super) fn kind_of_mimetype(head: &[u8]) -> Option<&'static str> {
    let s = std::str::from_utf8(head).ok()?.trim();
    let rest = s.strip_prefix("application/vnd.oasis.opendocument.")?;
    Some(match rest.split('-').next().unwrap_or("") {
        "text" => "odt",
        "spreadsheet" => "ods",
        "presentation" => "odp",
        "graphics" => "odg",
        _ => "odf",
    })
}

pub(super) fn package<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) -> Result<(), String> {
    if !pkg.exists("content.xml") {
        return Err(format!("{}: no content.xml", pkg.format.to_uppercase()));
    }
    body(pkg, cx, "content.xml", "");
    styles(pkg, cx, "styles.xml", "");
    meta(pkg, cx);
    // Embedded documents: `Object 1/content.xml` and so on.
    let objects: Vec<String> = pkg
        .names
        .list
        .iter()
        .filter_map(|(n, _)| n.strip_suffix("/content.xml").map(str::to_string))
        .filter(|dir| !dir.is_empty())
        .collect();
    for dir in objects {
        let prefix = format!("{dir}: ");
        body(pkg, cx, &format!("{dir}/content.xml"), &prefix);
    }
    let members: Vec<usize> = pkg
        .names
        .list
        .iter()
        .filter(|(name, _)| {
            let l = name.to_lowercase();
            !(l.ends_with('/')
                || l.ends_with(".xml")
                || l.ends_with(".rdf")
                || l == "mimetype"
                || l == "layout-cache"
                || l.starts_with("thumbnails/")
                || l.starts_with("configurations2/")
                || l.starts_with("meta-inf/")
                || l.starts_with("objectreplacements/"))
        })
        .map(|(_, i)| *i)
        .collect();
    for i in members {
        pkg.member(i, cx);
    }
    Ok(())
}

fn body<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx, part: &str, prefix: &str) {
    let mut doc = Doc::new(prefix, part, pkg.text_cap, false);
    let result = pkg.xml(part, |xml| doc.run(xml));
    doc.finish();
    for (location, out) in &doc.segments {
        report(cx, location, pkg.format, out);
    }
    if let Err(reason) = result {
        part_failed(cx, &format!("{prefix}{part}"), pkg.format, &reason);
    }
}

/// Headers and footers: the master pages of `styles.xml`.
fn styles<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx, part: &str, prefix: &str) {
    let mut doc = Doc::new(prefix, part, pkg.text_cap, true);
    let result = pkg.xml(part, |xml| doc.run(xml));
    doc.finish();
    for (location, out) in &doc.segments {
        report(cx, location, pkg.format, out);
    }
    if let Err(reason) = result {
        part_failed(cx, &format!("{prefix}{part}"), pkg.format, &reason);
    }
}

fn meta<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) {
    let mut out = Out::new(pkg.text_cap);
    let result = pkg.xml("meta.xml", |xml| {
        let mut skip = 0usize;
        loop {
            match xml.next()? {
                X::Open(e) => {
                    if matches!(
                        local(&e),
                        "creation-date" | "date" | "editing-duration" | "generator"
                    ) {
                        skip += 1;
                    }
                }
                X::Text(t) if skip == 0 => {
                    let t = t.trim();
                    if !t.is_empty() {
                        out.push_str(t);
                        out.push('\n');
                    }
                }
                X::Close(e) => {
                    if matches!(
                        local_end(&e),
                        "creation-date" | "date" | "editing-duration" | "generator"
                    ) {
                        skip = skip.saturating_sub(1);
                    }
                }
                X::Eof => return Ok(()),
                _ => {}
            }
        }
    });
    report(cx, "meta.xml", pkg.format, &out);
    if let Err(reason) = result {
        part_failed(cx, "meta.xml", pkg.format, &reason);
    }
}

/// The sheet being read.
struct Sheet {
    grid: Grid,
    /// The number of the next row (1-based).
    row: u64,
    /// How many times the current row repeats.
    row_repeat: u64,
    /// Where the current row's text starts in the output, once it has any.
    row_start: Option<usize>,
    /// The column of the next cell (0-based).
    col: u64,
    /// The cell being read: its repeat count, the value to use when it shows no text, and
    /// whether it is a number.
    cell: Option<(u64, Option<String>, bool)>,
    cell_text: String,
    /// Its number cells that may have lost a leading zero.
    numbers: Numbers,
    /// Tables nested inside this one.
    nested: usize,
}

struct Doc {
    prefix: String,
    cap: usize,
    segments: Vec<(String, Out)>,
    /// The text of the current location.
    out: Out,
    location: String,
    /// The location of text outside sheets and pages.
    default_location: String,
    notes: Option<(String, Out)>,
    sheet: Option<Sheet>,
    spreadsheet: bool,
    /// Pages (slides) so far, and what they are called.
    pages: u32,
    page_word: &'static str,
    /// Paragraphs open: character data only counts inside one.
    para: usize,
    /// Table cells open outside sheets.
    cells: usize,
    /// Inside content that is not text (note citations, a comment's author and date).
    skip: usize,
    annotation: usize,
    /// Sheets seen, for naming unnamed ones.
    sheets: u32,
}

impl Doc {
    fn new(prefix: &str, part: &str, cap: usize, master_pages_only: bool) -> Doc {
        let location = format!("{prefix}{part}");
        Doc {
            prefix: prefix.to_string(),
            cap,
            segments: Vec::new(),
            out: Out::new(cap),
            location: location.clone(),
            default_location: location,
            notes: None,
            sheet: None,
            spreadsheet: false,
            pages: 0,
            page_word: "slide",
            para: 0,
            cells: 0,
            skip: usize::from(master_pages_only),
            annotation: 0,
            sheets: 0,
        }
    }

    /// Ends the current location's text and starts `next`.
    fn switch(&mut self, next: String) {
        let out = std::mem::replace(&mut self.out, Out::new(self.cap));
        let location = std::mem::replace(&mut self.location, next);
        if !out.is_blank() || out.full {
            self.keep(location, out);
        }
    }

    /// Keeps a finished location's text; what it holds is taken from what the part's later
    /// locations may hold, so that many sheets cannot add up beyond the cap.
    fn keep(&mut self, location: String, out: Out) {
        self.cap = self.cap.saturating_sub(out.s.len());
        self.out = Out::new(self.cap);
        self.segments.push((location, out));
    }

    /// Ends the sheet being read: its number cells get back the zeros they lost.
    fn end_sheet(&mut self) {
        if let Some(sheet) = self.sheet.take() {
            sheet.numbers.apply(&mut self.out);
        }
    }

    fn finish(&mut self) {
        // A part cut short inside a sheet.
        self.end_sheet();
        if let Some((location, out)) = self.notes.take() {
            self.cap = self.cap.saturating_sub(out.s.len());
            self.segments.push((location, out));
        }
        let default = self.default_location.clone();
        self.switch(default);
    }

    /// Where character data goes now.
    fn target(&mut self) -> Target<'_> {
        if let Some((_, notes)) = self.notes.as_mut() {
            return Target::Out(notes, self.cells > 0);
        }
        if let Some(sheet) = self.sheet.as_mut() {
            if sheet.cell.is_some() && sheet.nested == 0 {
                return Target::Cell(&mut sheet.cell_text);
            }
        }
        Target::Out(&mut self.out, self.cells > 0)
    }

    fn text(&mut self, t: &str) {
        match self.target() {
            Target::Out(out, _) => out.push_str(t),
            Target::Cell(s) => {
                if s.len() + t.len() <= 1 << 20 {
                    s.push_str(t)
                }
            }
        }
    }

    fn end_paragraph(&mut self) {
        match self.target() {
            Target::Out(out, in_cell) => out.end_paragraph(in_cell),
            Target::Cell(s) => {
                if !s.is_empty() && !s.ends_with(' ') {
                    s.push(' ');
                }
            }
        }
    }

    fn tab(&mut self) {
        match self.target() {
            Target::Out(out, false) => out.push('\t'),
            Target::Out(out, true) => out.space(),
            Target::Cell(s) => s.push(' '),
        }
    }

    fn in_sheet_cell(&self) -> bool {
        self.sheet
            .as_ref()
            .is_some_and(|s| s.nested == 0 && s.cell.is_some())
    }

    fn run<B: BufRead>(&mut self, xml: &mut Xml<B>) -> Result<(), String> {
        loop {
            match xml.next()? {
                X::Open(e) => self.open(&e, false),
                X::Empty(e) => self.open(&e, true),
                X::Text(t) if self.skip == 0 && self.para > 0 => self.text(&t),
                X::Close(e) => {
                    let name = local_end(&e).to_string();
                    self.close(&name);
                }
                X::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn open(&mut self, e: &quick_xml::events::BytesStart, empty: bool) {
        let name = local(e);
        match name {
            "master-styles" if !empty => self.skip = self.skip.saturating_sub(1),
            "note-citation" | "creator" | "date" if !empty && self.annotation > 0 => self.skip += 1,
            "note-citation" if !empty => self.skip += 1,
            "annotation" if !empty => self.annotation += 1,
            "spreadsheet" => self.spreadsheet = true,
            "drawing" => self.page_word = "page",
            "p" | "h" => {
                if empty {
                    if self.skip == 0 {
                        self.end_paragraph();
                    }
                } else {
                    self.para += 1;
                }
            }
            "s" if self.skip == 0 && self.para > 0 => {
                let n = attr(e, "c", true)
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(1)
                    .min(64);
                self.text(&" ".repeat(n));
            }
            "tab" if self.skip == 0 && self.para > 0 => self.tab(),
            "line-break" if self.skip == 0 && self.para > 0 => self.end_paragraph(),
            "page" if !empty && self.skip == 0 && self.notes.is_none() => {
                self.pages += 1;
                let next = format!("{}{} {}", self.prefix, self.page_word, self.pages);
                self.switch(next);
            }
            "notes" if !empty && self.skip == 0 => {
                let location = format!("{}notes {}", self.prefix, self.pages.max(1));
                if let Some((loc, out)) = self.notes.take() {
                    self.cap = self.cap.saturating_sub(out.s.len());
                    self.segments.push((loc, out));
                }
                self.notes = Some((location, Out::new(self.cap)));
            }
            "table" if !empty => {
                if let Some(sheet) = self.sheet.as_mut() {
                    sheet.nested += 1;
                } else if self.spreadsheet && self.skip == 0 {
                    self.sheets += 1;
                    let name = attr(e, "name", true)
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| format!("sheet {}", self.sheets));
                    let next = format!("{}{name}", self.prefix);
                    self.switch(next);
                    self.sheet = Some(Sheet {
                        grid: Grid::new(),
                        row: 1,
                        row_repeat: 1,
                        row_start: None,
                        col: 0,
                        cell: None,
                        cell_text: String::new(),
                        numbers: Numbers::new(),
                        nested: 0,
                    });
                }
            }
            "table-row" if self.sheet.as_ref().is_some_and(|s| s.nested == 0) => {
                let repeat = repeat(e, "number-rows-repeated");
                if let Some(sheet) = self.sheet.as_mut() {
                    sheet.row_repeat = repeat;
                    sheet.row_start = None;
                    sheet.col = 0;
                    if empty {
                        sheet.row = sheet.row.saturating_add(repeat);
                    }
                }
            }
            "table-cell" | "covered-table-cell"
                if self.sheet.as_ref().is_some_and(|s| s.nested == 0) =>
            {
                if self.in_sheet_cell() {
                    return;
                }
                let repeat = repeat(e, "number-columns-repeated");
                let value = [
                    "value",
                    "date-value",
                    "time-value",
                    "boolean-value",
                    "string-value",
                ]
                .iter()
                .find_map(|a| attr(e, a, true));
                let number = attr(e, "value-type", true).as_deref() == Some("float");
                if let Some(sheet) = self.sheet.as_mut() {
                    sheet.cell = Some((repeat, value, number));
                    sheet.cell_text.clear();
                }
                if empty {
                    self.end_cell();
                }
            }
            "table-cell" | "covered-table-cell" if !empty => self.cells += 1,
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "master-styles" => self.skip += 1,
            "note-citation" => self.skip = self.skip.saturating_sub(1),
            "creator" | "date" if self.annotation > 0 => self.skip = self.skip.saturating_sub(1),
            "annotation" => self.annotation = self.annotation.saturating_sub(1),
            "p" | "h" => {
                self.para = self.para.saturating_sub(1);
                if self.skip == 0 {
                    self.end_paragraph();
                }
            }
            "page" if self.notes.is_none() && self.skip == 0 => {
                let next = self.default_location.clone();
                self.switch(next);
            }
            "notes" => {
                if let Some((loc, out)) = self.notes.take() {
                    self.cap = self.cap.saturating_sub(out.s.len());
                    self.segments.push((loc, out));
                }
            }
            "table" => {
                if let Some(sheet) = self.sheet.as_mut() {
                    if sheet.nested > 0 {
                        sheet.nested -= 1;
                    } else {
                        self.end_sheet();
                        let next = self.default_location.clone();
                        self.switch(next);
                    }
                }
            }
            "table-row" if self.sheet.as_ref().is_some_and(|s| s.nested == 0) => {
                if let Some(sheet) = self.sheet.as_mut() {
                    if let Some(start) = sheet.row_start {
                        let more = sheet.row_repeat.min(REPEAT_CAP) - 1;
                        sheet.grid.repeat_row(start, more, &mut self.out);
                    }
                    sheet.row = sheet.row.saturating_add(sheet.row_repeat);
                    sheet.row_repeat = 1;
                    sheet.row_start = None;
                }
            }
            "table-cell" | "covered-table-cell" if self.in_sheet_cell() => self.end_cell(),
            "table-cell" | "covered-table-cell" if self.cells > 0 => {
                self.cells -= 1;
                let in_cell = self.cells > 0;
                if let Target::Out(out, _) = self.target() {
                    out.trim_end_spaces();
                    if in_cell {
                        out.space();
                    } else {
                        out.push('\t');
                    }
                }
            }
            "table-row" => {
                let in_cell = self.cells > 0;
                if let Target::Out(out, _) = self.target() {
                    if in_cell {
                        out.space();
                    } else {
                        if out.s.ends_with('\t') {
                            out.s.pop();
                        }
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }

    /// Places the sheet cell just read, repeated as it says.
    fn end_cell(&mut self) {
        let Some(sheet) = self.sheet.as_mut() else {
            return;
        };
        let Some((repeat, value, number)) = sheet.cell.take() else {
            return;
        };
        let shown = sheet.cell_text.trim();
        let text = if shown.is_empty() {
            value.map(|v| general_number(&v, None)).unwrap_or_default()
        } else {
            shown.to_string()
        };
        if !text.is_empty() {
            if sheet.row_start.is_none() {
                sheet.grid.row(sheet.row, &mut self.out);
                sheet.row_start = Some(self.out.s.len());
            }
            for k in 0..repeat.min(REPEAT_CAP) {
                let col = sheet.col.saturating_add(k);
                let at = sheet.grid.cell(col, &text, &mut self.out);
                if number {
                    sheet.numbers.number(col, &text, at);
                } else {
                    sheet.numbers.text(col, &text);
                }
            }
        }
        sheet.col = sheet.col.saturating_add(repeat);
        sheet.cell_text.clear();
    }
}

enum Target<'a> {
    /// Text output, and whether inside a table cell of a text document.
    Out(&'a mut Out, bool),
    /// The text of a spreadsheet cell.
    Cell(&'a mut String),
}

/// A repeat count attribute: at least 1.
fn repeat(e: &quick_xml::events::BytesStart, name: &str) -> u64 {
    attr(e, name, true)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, zip_of};

    fn content(body: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
             xmlns:office=\"o\" xmlns:text=\"t\" xmlns:table=\"ta\" xmlns:draw=\"d\" \
             xmlns:presentation=\"p\" xmlns:dc=\"dc\"><office:body>{body}</office:body></office:document-content>"
        )
        .into_bytes()
    }

    fn odf(mimetype: &str, content: &[u8], extra: &[(&str, &[u8])]) -> Vec<u8> {
        let mut members: Vec<(&str, &[u8])> =
            vec![("mimetype", mimetype.as_bytes()), ("content.xml", content)];
        members.extend_from_slice(extra);
        zip_of(&members)
    }

    #[test]
    fn odt_paragraphs_tables_headers_notes() {
        let body = content(
            "<office:text><text:h>Journal</text:h><text:p>CPR<text:tab/>010190-1234<text:s text:c=\"2\"/>x<text:line-break/>ny rad<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>fotnot</text:p></text:note-body></text:note></text:p>\
             <table:table><table:table-row><table:table-cell><text:p>Namn</text:p><text:p>Två</text:p></table:table-cell><table:table-cell><text:p>Nr</text:p></table:table-cell></table:table-row></table:table>\
             <text:p/><text:p>slut</text:p></office:text>",
        );
        let styles = b"<office:document-styles xmlns:office=\"o\" xmlns:style=\"s\" xmlns:text=\"t\"><office:styles><text:p>not this</text:p></office:styles><office:master-styles><style:master-page><style:header><text:p>Sidhuvud 311299-1234</text:p></style:header></style:master-page></office:master-styles></office:document-styles>";
        let meta = b"<office:document-meta xmlns:office=\"o\" xmlns:dc=\"dc\" xmlns:meta=\"m\"><office:meta><dc:title>Titel</dc:title><meta:creation-date>2020-01-01</meta:creation-date></office:meta></office:document-meta>";
        let data = odf(
            "application/vnd.oasis.opendocument.text",
            &body,
            &[("styles.xml", styles), ("meta.xml", meta)],
        );
        let got = run("a.odt", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            got.text_at("content.xml").unwrap(),
            "Journal\nCPR\t010190-1234  x\nny radfotnot\n\nNamn Två\tNr\n\nslut\n"
        );
        assert_eq!(got.text_at("styles.xml"), Some("Sidhuvud 311299-1234\n"));
        assert_eq!(got.text_at("meta.xml"), Some("Titel\n"));
    }

    #[test]
    fn ods_rows_repeats_and_caps() {
        let body = content(
            "<office:spreadsheet><table:table table:name=\"Klienter\">\
             <table:table-column table:number-columns-repeated=\"3\"/>\
             <table:table-row><table:table-cell><text:p>Namn</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"2\"/><table:table-cell><text:p>CPR</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"16380\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>\
             <table:table-row><table:table-cell office:value-type=\"float\" office:value=\"101901234\"><text:p>0101901234</text:p></table:table-cell><table:table-cell office:value-type=\"float\" office:value=\"5\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"3\"><table:table-cell><text:p>same</text:p></table:table-cell></table:table-row>\
             <table:table-row><table:table-cell table:number-columns-repeated=\"4000000000\"><text:p>x</text:p></table:table-cell><table:table-cell><text:p>end</text:p></table:table-cell></table:table-row>\
             <table:table-row table:number-rows-repeated=\"4000000000\"><table:table-cell table:number-columns-repeated=\"4000000000\"><text:p>boom</text:p></table:table-cell></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>\
             </table:table><table:table table:name=\"Två\"><table:table-row><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>",
        );
        let data = odf("application/vnd.oasis.opendocument.spreadsheet", &body, &[]);
        let got = run("a.ods", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let text = got.text_at("Klienter").unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[0], "Namn\t\t\tCPR");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "");
        assert_eq!(lines[3], "0101901234\t5");
        assert_eq!(lines[4], "same");
        assert_eq!(lines[6], "same");
        assert!(lines[7].starts_with("x\tx\t"));
        assert!(lines[7].ends_with("\tend"));
        assert_eq!(lines[8].matches("boom").count(), 64);
        assert_eq!(lines.len(), 8 + 64);
        assert!(text.len() < 100_000);
        assert_eq!(got.text_at("Två"), Some("b"));
    }

    #[test]
    fn odp_slides_and_notes() {
        let body = content(
            "<office:presentation><draw:page draw:name=\"a\"><draw:frame><draw:text-box><text:p>Första</text:p></draw:text-box></draw:frame>\
             <presentation:notes><draw:frame><draw:text-box><text:p>anteckning 0101901234</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>\
             <draw:page><draw:frame><draw:text-box><text:p>Andra</text:p></draw:text-box></draw:frame></draw:page></office:presentation>",
        );
        let data = odf(
            "application/vnd.oasis.opendocument.presentation",
            &body,
            &[],
        );
        let got = run("a.odp", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.text_at("slide 1"), Some("Första\n"));
        assert_eq!(got.text_at("notes 1"), Some("anteckning 0101901234\n"));
        assert_eq!(got.text_at("slide 2"), Some("Andra\n"));
    }

    #[test]
    fn embedded_objects_and_truncation() {
        let inner = content(
            "<office:spreadsheet><table:table table:name=\"S\"><table:table-row><table:table-cell><text:p>0101901234</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>",
        );
        let body = content("<office:text><text:p>outer</text:p></office:text>");
        let cut = &body[..body.len() - 30];
        let data = odf(
            "application/vnd.oasis.opendocument.text",
            cut,
            &[("Object 1/content.xml", &inner)],
        );
        let got = run("a.odt", &data);
        assert_eq!(got.text_at("Object 1: S"), Some("0101901234"));
        assert_eq!(got.text_at("content.xml"), Some("outer\n"));
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        assert_eq!(got.problems[0].0, "content.xml");
        assert!(got.problems[0].3.contains("at byte"), "{:?}", got.problems);
    }
}
