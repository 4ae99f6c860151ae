//! Office Open XML: DOCX, XLSX, PPTX.
//!
//! - DOCX: every XML part of the document's folder (`word/document.xml`, headers, footers,
//!   comments, footnotes, endnotes, SmartArt), text boxes included; a paragraph is a line and a
//!   table row is a line with its cells separated by tabs.
//! - XLSX: every worksheet, located by its name; one line per row with the row's number as the
//!   line number, cells separated by tabs; shared and inline strings; numbers as the user sees
//!   them (`101901234`, or `010190-1234` under the number format `000000-0000`), with the
//!   leading zero an identity number lost in a number cell put back where its column says so
//!   (`cells.rs`: `0101901234` under `CPR-nr.`). Comments and drawings' text boxes too.
//! - PPTX: slides (`slide N`) and their notes (`notes N`), SmartArt and comments.
//!
//! All three: the document properties (`docProps/core.xml`, `docProps/custom.xml`), and embedded
//! objects and media as nested items.

use std::io::{Read, Seek};

use super::cells::Numbers;
use super::{
    attr, general_number, local, local_end, one_line, part_failed, rels_of, report, resolve,
    DigitPattern, Out, Package, PackageKind, PartXml, X,
};
use crate::item::Cx;

/// A relationship of a part: its type (the last segment of the type URI) and resolved target.
struct Rel {
    id: String,
    kind: String,
    target: String,
}

/// The relationships of `part` (an empty part name for the package's own `_rels/.rels`).
fn rels<R: Read + Seek>(pkg: &mut Package<R>, part: &str) -> Vec<Rel> {
    let rels_part = if part.is_empty() {
        "_rels/.rels".to_string()
    } else {
        rels_of(part)
    };
    let parsed = pkg.xml(&rels_part, |xml| {
        let mut out = Vec::new();
        loop {
            match xml.next()? {
                X::Open(e) | X::Empty(e) if local(&e) == "Relationship" => {
                    if attr(&e, "TargetMode", false).as_deref() == Some("External") {
                        continue;
                    }
                    let (Some(id), Some(kind), Some(target)) = (
                        attr(&e, "Id", false),
                        attr(&e, "Type", false),
                        attr(&e, "Target", false),
                    ) else {
                        continue;
                    };
                    let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                    out.push(Rel {
                        id,
                        kind,
                        target: resolve(part, &target),
                    });
                }
                X::Eof => return Ok(out),
                _ => {}
            }
        }
    });
    // Relationships that cannot be read leave the standard part names to fall back on.
    parsed.ok().flatten().unwrap_or_default()
}

/// The main part: the target of the package's `officeDocument` relationship.
fn main_part<R: Read + Seek>(pkg: &mut Package<R>) -> Option<String> {
    rels(pkg, "")
        .into_iter()
        .find(|r| r.kind == "officeDocument")
        .map(|r| r.target)
        .filter(|t| pkg.exists(t))
}

/// Recognises DOCX, XLSX and PPTX from their main part.
pub(super) fn kind<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &super::Names,
) -> Option<PackageKind> {
    for (name, kind) in [
        ("word/document.xml", PackageKind::Docx),
        ("xl/workbook.xml", PackageKind::Xlsx),
        ("ppt/presentation.xml", PackageKind::Pptx),
    ] {
        if names.get(name).is_some() {
            return Some(kind);
        }
    }
    // A main part under another name: its root element says what it is.
    let mut pkg = Package::new(zip, "zip", 64 << 20);
    let main = main_part(&mut pkg)?;
    let root = pkg
        .xml(&main, |xml| loop {
            match xml.next()? {
                X::Open(e) | X::Empty(e) => return Ok(local(&e).to_string()),
                X::Eof => return Ok(String::new()),
                _ => {}
            }
        })
        .ok()
        .flatten()?;
    match root.as_str() {
        "document" => Some(PackageKind::Docx),
        "workbook" => Some(PackageKind::Xlsx),
        "presentation" => Some(PackageKind::Pptx),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Flowing text: WordprocessingML and DrawingML paragraphs, runs and tables.

/// Extracts the text of a part of paragraphs: `t` elements' text (WordprocessingML `w:t`,
/// DrawingML `a:t`, deleted text of tracked changes too), a line per paragraph, a line per
/// table row with its cells separated by tabs.
pub(super) fn flow(xml: &mut PartXml<'_>, out: &mut Out) -> Result<(), String> {
    // Inside elements whose character data is text (depth).
    let mut text = 0usize;
    // Inside elements whose content is not text: tab stop lists, field codes, the fallback
    // copy of alternate content (a text box is written twice).
    let mut skip = 0usize;
    // Table cells open (nested tables count).
    let mut cells = 0usize;
    loop {
        match xml.next()? {
            X::Open(e) => match local(&e) {
                "t" | "delText" | "text" => text += 1,
                "tabs" | "tabLst" | "instrText" | "delInstrText" | "Fallback" => skip += 1,
                "tc" => cells += 1,
                _ => {}
            },
            X::Empty(e) if skip == 0 => match local(&e) {
                "tab" | "ptab" => {
                    if cells > 0 {
                        out.space();
                    } else {
                        out.push('\t');
                    }
                }
                "br" | "cr" => out.end_paragraph(cells > 0),
                "noBreakHyphen" => out.push('-'),
                "p" => out.end_paragraph(cells > 0),
                _ => {}
            },
            X::Text(t) if text > 0 && skip == 0 => out.push_str(&t),
            X::Close(e) => match local_end(&e) {
                "t" | "delText" | "text" => text = text.saturating_sub(1),
                "tabs" | "tabLst" | "instrText" | "delInstrText" | "Fallback" => {
                    skip = skip.saturating_sub(1)
                }
                "p" | "comment" | "cm" | "threadedComment" if skip == 0 => {
                    out.end_paragraph(cells > 0)
                }
                "tc" => {
                    cells = cells.saturating_sub(1);
                    out.trim_end_spaces();
                    if cells == 0 {
                        out.push('\t');
                    } else {
                        out.space();
                    }
                }
                "tr" => {
                    if cells == 0 {
                        if out.s.ends_with('\t') {
                            out.s.pop();
                        }
                        out.push('\n');
                    } else {
                        out.space();
                    }
                }
                _ => {}
            },
            X::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Text of every element, a line each: document properties.
fn leaf_lines(xml: &mut PartXml<'_>, out: &mut Out) -> Result<(), String> {
    loop {
        match xml.next()? {
            X::Text(t) => {
                let t = t.trim();
                if !t.is_empty() {
                    out.push_str(t);
                }
            }
            X::Close(_) if !out.s.is_empty() && !out.s.ends_with('\n') => out.push('\n'),
            X::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Runs `parse` on part `name` and reports its text at `location`; a failure is reported
/// after the text read before it.
fn part<R: Read + Seek>(
    pkg: &mut Package<R>,
    cx: &mut Cx,
    name: &str,
    location: &str,
    parse: impl FnOnce(&mut PartXml<'_>, &mut Out) -> Result<(), String>,
) {
    let mut out = Out::new(pkg.text_cap);
    let result = pkg.xml(name, |xml| parse(xml, &mut out));
    report(cx, location, pkg.format, &out);
    if let Err(reason) = result {
        part_failed(cx, location, pkg.format, &reason);
    }
}

/// The document properties, and the embedded objects and media as nested items.
fn common<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) {
    for name in ["docProps/core.xml", "docProps/custom.xml"] {
        if pkg.exists(name) {
            part(pkg, cx, name, name, leaf_lines);
        }
    }
    let members: Vec<(String, usize)> = pkg
        .names
        .list
        .iter()
        .filter(|(name, _)| {
            let lower = name.to_lowercase();
            !(lower.ends_with('/')
                || lower.ends_with(".xml")
                || lower.ends_with(".rels")
                || lower.ends_with(".vml")
                || lower.starts_with("docprops/")
                || lower.contains("/fonts/"))
        })
        .cloned()
        .collect();
    for (_, i) in members {
        pkg.member(i, cx);
    }
}

/// Parts under `dir` whose names start with `prefix` and end in `.xml`, in name order.
fn parts_under<R: Read + Seek>(pkg: &Package<R>, prefix: &str) -> Vec<String> {
    let prefix = prefix.to_lowercase();
    let mut found: Vec<String> = pkg
        .names
        .list
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| {
            let l = n.to_lowercase();
            l.starts_with(&prefix) && l.ends_with(".xml")
        })
        .collect();
    found.sort_by_key(|n| natural_key(n));
    found
}

/// Sorts `slide10.xml` after `slide9.xml`.
fn natural_key(name: &str) -> (String, u64) {
    let stem = name.trim_end_matches(".xml");
    let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, num) = stem.split_at(stem.len() - digits);
    (head.to_lowercase(), num.parse().unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// DOCX

pub(super) fn docx<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) -> Result<(), String> {
    let main = main_part(pkg).unwrap_or_else(|| "word/document.xml".to_string());
    if !pkg.exists(&main) {
        return Err(format!("DOCX: no main document part ({main})"));
    }
    part(pkg, cx, &main, &main, flow);
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let lower_dir = format!("{}/", dir.to_lowercase());
    for name in parts_under(pkg, &lower_dir) {
        let l = name.to_lowercase();
        let skipped = l == main.to_lowercase()
            || l.contains("/_rels/")
            || l.contains("/theme/")
            || l.ends_with("/styles.xml")
            || l.ends_with("/stylswitheffects.xml")
            || l.ends_with("/settings.xml")
            || l.ends_with("/websettings.xml")
            || l.ends_with("/fonttable.xml")
            || l.ends_with("/numbering.xml");
        if !skipped {
            part(pkg, cx, &name, &name, flow);
        }
    }
    common(pkg, cx);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// The largest row and column numbers of a sheet (Excel's own limits): a gap up to a row beyond
/// them is not filled with empty lines.
const MAX_ROWS: u64 = 1 << 20;
pub(super) const MAX_COLS: u64 = 1 << 14;

/// Shared strings, one after the other in one buffer.
#[derive(Default)]
struct Strings {
    buf: String,
    ends: Vec<usize>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.buf.get(start..end)
    }
}

fn shared_strings(xml: &mut PartXml<'_>, s: &mut Strings) -> Result<(), String> {
    let mut in_si = false;
    let mut text = 0usize;
    let mut phonetic = 0usize;
    loop {
        match xml.next()? {
            X::Open(e) => match local(&e) {
                "si" => in_si = true,
                "t" => text += 1,
                "rPh" | "phoneticPr" => phonetic += 1,
                _ => {}
            },
            X::Empty(e) if local(&e) == "si" => s.ends.push(s.buf.len()),
            X::Text(t) if in_si && text > 0 && phonetic == 0 => s.buf.push_str(&one_line(&t)),
            X::Close(e) => match local_end(&e) {
                "si" => {
                    in_si = false;
                    s.ends.push(s.buf.len());
                }
                "t" => text = text.saturating_sub(1),
                "rPh" | "phoneticPr" => phonetic = phonetic.saturating_sub(1),
                _ => {}
            },
            X::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// For each cell format (`s` of a cell), the digit pattern of its number format, if it has one.
fn styles(xml: &mut PartXml<'_>) -> Result<Vec<Option<DigitPattern>>, String> {
    let mut custom = std::collections::HashMap::new();
    let mut xfs: Vec<u32> = Vec::new();
    let mut in_xfs = false;
    loop {
        match xml.next()? {
            X::Open(e) | X::Empty(e) => match local(&e) {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (
                        attr(&e, "numFmtId", false).and_then(|v| v.parse::<u32>().ok()),
                        attr(&e, "formatCode", false),
                    ) {
                        custom.insert(id, code);
                    }
                }
                "cellXfs" => in_xfs = true,
                "xf" if in_xfs => xfs.push(
                    attr(&e, "numFmtId", false)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                ),
                _ => {}
            },
            X::Close(e) if local_end(&e) == "cellXfs" => in_xfs = false,
            X::Eof => break,
            _ => {}
        }
    }
    Ok(xfs
        .iter()
        .map(|id| custom.get(id).and_then(|code| DigitPattern::parse(code)))
        .collect())
}

/// The column of a cell reference (`C5` → 2), capped at the last column.
fn column_of(reference: &str) -> Option<u64> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic())
        .collect();
    if letters.is_empty() {
        return None;
    }
    let mut col: u64 = 0;
    for b in letters {
        col = col
            .saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1);
    }
    Some((col - 1).min(MAX_COLS))
}

/// Lays out a sheet's cells as lines of tab-separated cells, line N for row N.
pub(super) struct Grid {
    /// The line the text is on (1-based).
    line: u64,
    /// Something was written on this line.
    used: bool,
    /// The column after the last cell written on this line.
    end: u64,
    /// The grid began at the start of its text, so lines and tabs give cell references.
    anchored: Option<bool>,
}

impl Grid {
    pub fn new() -> Grid {
        Grid {
            line: 1,
            used: false,
            end: 0,
            anchored: None,
        }
    }

    /// Marks how far `out` holds the grid (when it began at the start of `out`).
    fn extent(&mut self, out: &mut Out) {
        if *self.anchored.get_or_insert(out.s.is_empty()) {
            out.grid_end = Some(out.s.len());
        }
    }

    /// Moves to the line of row `row` (1-based); a row out of order or beyond the limits only
    /// starts a new line.
    pub fn row(&mut self, row: u64, out: &mut Out) {
        self.extent(out);
        if row > self.line && row <= MAX_ROWS {
            let gap = usize::try_from(row - self.line).unwrap_or(usize::MAX);
            out.repeat('\n', gap);
            self.line = row;
        } else if self.used {
            out.push('\n');
            self.line += 1;
        }
        self.used = false;
        self.end = 0;
    }

    /// Writes a cell's text at column `col` (0-based) of the current line; returns where the
    /// text starts in `out`, `None` when it did not fit.
    pub fn cell(&mut self, col: u64, text: &str, out: &mut Out) -> Option<usize> {
        let col = col.min(MAX_COLS).max(self.end);
        let tabs = col - self.end + u64::from(self.used);
        out.repeat('\t', usize::try_from(tabs).unwrap_or(0));
        let at = out.s.len();
        let text = one_line(text);
        out.push_str(&text);
        self.end = col + 1;
        self.used = true;
        self.extent(out);
        (out.s.len() == at + text.len()).then_some(at)
    }

    /// Repeats the current row `times` more times, a line each: the row's text is what `out`
    /// holds from byte `from` on.
    pub fn repeat_row(&mut self, from: usize, times: u64, out: &mut Out) {
        let Some(row) = out.s.get(from..).map(str::to_string) else {
            return;
        };
        for _ in 0..times {
            out.push('\n');
            out.push_str(&row);
            self.line += 1;
        }
        self.extent(out);
    }
}

/// Reads a worksheet, then puts back the leading zeros its number cells lost (`cells.rs`), in
/// the text read before a failure too.
fn sheet(
    xml: &mut PartXml<'_>,
    out: &mut Out,
    strings: &Strings,
    patterns: &[Option<DigitPattern>],
) -> Result<(), String> {
    let mut numbers = Numbers::new();
    let result = sheet_cells(xml, out, strings, patterns, &mut numbers);
    numbers.apply(out);
    result
}

fn sheet_cells(
    xml: &mut PartXml<'_>,
    out: &mut Out,
    strings: &Strings,
    patterns: &[Option<DigitPattern>],
    numbers: &mut Numbers,
) -> Result<(), String> {
    let mut grid = Grid::new();
    let mut row: u64 = 0;
    let mut next_col: u64 = 0;
    // The cell being read: column, type, style, value.
    let mut cell: Option<(u64, String, usize)> = None;
    let mut value = String::new();
    let mut in_value = 0usize;
    let mut phonetic = 0usize;
    loop {
        match xml.next()? {
            X::Open(e) | X::Empty(e) if local(&e) == "row" => {
                row = attr(&e, "r", false)
                    .and_then(|r| r.trim().parse().ok())
                    .unwrap_or(row.saturating_add(1));
                grid.row(row, out);
                next_col = 0;
            }
            X::Open(e) if local(&e) == "c" => {
                let col = attr(&e, "r", false)
                    .and_then(|r| column_of(&r))
                    .unwrap_or(next_col);
                let kind = attr(&e, "t", false).unwrap_or_default();
                let style = attr(&e, "s", false)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                cell = Some((col, kind, style));
                value.clear();
            }
            X::Empty(e) if local(&e) == "c" => {
                next_col = attr(&e, "r", false)
                    .and_then(|r| column_of(&r))
                    .unwrap_or(next_col)
                    .saturating_add(1);
            }
            X::Open(e) => match local(&e) {
                "v" | "t" => in_value += 1,
                "rPh" => phonetic += 1,
                _ => {}
            },
            X::Text(t) if cell.is_some() && in_value > 0 && phonetic == 0 => value.push_str(&t),
            X::Close(e) => match local_end(&e) {
                "v" | "t" => in_value = in_value.saturating_sub(1),
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "c" => {
                    if let Some((col, kind, style)) = cell.take() {
                        let number = matches!(kind.as_str(), "" | "n");
                        let text = match kind.as_str() {
                            "s" => value
                                .trim()
                                .parse()
                                .ok()
                                .and_then(|i| strings.get(i))
                                .unwrap_or("")
                                .to_string(),
                            "b" => match value.trim() {
                                "1" => "TRUE".into(),
                                "0" => "FALSE".into(),
                                v => v.to_string(),
                            },
                            "" | "n" => {
                                general_number(&value, patterns.get(style).and_then(Option::as_ref))
                            }
                            _ => value.clone(),
                        };
                        if !text.trim().is_empty() {
                            let at = grid.cell(col, &text, out);
                            if number {
                                numbers.number(col, &text, at);
                            } else {
                                numbers.text(col, &text);
                            }
                        }
                        next_col = col.saturating_add(1);
                    }
                }
                _ => {}
            },
            X::Eof => return Ok(()),
            _ => {}
        }
    }
}

pub(super) fn xlsx<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) -> Result<(), String> {
    let main = main_part(pkg).unwrap_or_else(|| "xl/workbook.xml".to_string());
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let sheets = pkg
        .xml(&main, |xml| {
            let mut sheets = Vec::new();
            loop {
                match xml.next()? {
                    X::Open(e) | X::Empty(e) if local(&e) == "sheet" => sheets.push((
                        attr(&e, "name", false).unwrap_or_default(),
                        attr(&e, "id", true).unwrap_or_default(),
                    )),
                    X::Eof => return Ok(sheets),
                    _ => {}
                }
            }
        })
        .map_err(|e| format!("XLSX: {main}: {e}"))?
        .ok_or_else(|| format!("XLSX: no workbook part ({main})"))?;
    let rels = rels(pkg, &main);
    let target = |kind: &str, default: &str| {
        rels.iter()
            .find(|r| r.kind == kind)
            .map(|r| r.target.clone())
            .unwrap_or_else(|| format!("{dir}/{default}"))
    };

    let mut strings = Strings::default();
    let shared = target("sharedStrings", "sharedStrings.xml");
    if let Err(reason) = pkg.xml(&shared, |xml| shared_strings(xml, &mut strings)) {
        // Strings read before the damage are still good for the cells that use them.
        part_failed(cx, &shared, pkg.format, &reason);
    }
    let styles_part = target("styles", "styles.xml");
    let patterns = match pkg.xml(&styles_part, styles) {
        Ok(p) => p.unwrap_or_default(),
        Err(reason) => {
            part_failed(cx, &styles_part, pkg.format, &reason);
            Vec::new()
        }
    };

    for (n, (name, id)) in sheets.iter().enumerate() {
        let Some(rel) = rels.iter().find(|r| &r.id == id) else {
            continue;
        };
        if rel.kind != "worksheet" {
            // Chart sheets and dialog sheets hold no cells.
            continue;
        }
        let location = if name.trim().is_empty() {
            format!("sheet {}", n + 1)
        } else {
            name.clone()
        };
        let sheet_part = rel.target.clone();
        part(pkg, cx, &sheet_part, &location, |xml, out| {
            sheet(xml, out, &strings, &patterns)
        });
    }
    drop(strings);

    let mut extra = Vec::new();
    for prefix in [
        "comments",
        "threadedComments/",
        "drawings/drawing",
        "diagrams/data",
    ] {
        extra.extend(parts_under(pkg, &format!("{dir}/{prefix}")));
    }
    for name in extra {
        part(pkg, cx, &name, &name, flow);
    }
    common(pkg, cx);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PPTX

pub(super) fn pptx<R: Read + Seek>(pkg: &mut Package<R>, cx: &mut Cx) -> Result<(), String> {
    let main = main_part(pkg).unwrap_or_else(|| "ppt/presentation.xml".to_string());
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let ids = pkg
        .xml(&main, |xml| {
            let mut ids = Vec::new();
            loop {
                match xml.next()? {
                    X::Open(e) | X::Empty(e) if local(&e) == "sldId" => {
                        ids.push(attr(&e, "id", true).unwrap_or_default())
                    }
                    X::Eof => return Ok(ids),
                    _ => {}
                }
            }
        })
        .map_err(|e| format!("PPTX: {main}: {e}"))?
        .ok_or_else(|| format!("PPTX: no presentation part ({main})"))?;
    let rels = rels(pkg, &main);
    let mut slides: Vec<String> = ids
        .iter()
        .filter_map(|id| rels.iter().find(|r| &r.id == id && r.kind == "slide"))
        .map(|r| r.target.clone())
        .collect();
    if slides.is_empty() {
        slides = parts_under(pkg, &format!("{dir}/slides/slide"));
    }
    for (n, slide) in slides.iter().enumerate() {
        part(pkg, cx, slide, &format!("slide {}", n + 1), flow);
        let notes = rels_notes(pkg, slide);
        if let Some(notes) = notes {
            part(pkg, cx, &notes, &format!("notes {}", n + 1), flow);
        }
    }
    let mut extra = Vec::new();
    for prefix in ["comments/", "diagrams/data"] {
        extra.extend(parts_under(pkg, &format!("{dir}/{prefix}")));
    }
    for name in extra {
        part(pkg, cx, &name, &name, flow);
    }
    common(pkg, cx);
    Ok(())
}

fn rels_notes<R: Read + Seek>(pkg: &mut Package<R>, slide: &str) -> Option<String> {
    rels(pkg, slide)
        .into_iter()
        .find(|r| r.kind == "notesSlide")
        .map(|r| r.target)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, zip_of};
    use crate::item::Problem;

    const CT: &[u8] = b"<?xml version=\"1.0\"?><Types xmlns=\"x\"/>";

    fn w(body: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"w\" xmlns:mc=\"mc\"><w:body>{body}</w:body></w:document>"
        )
        .into_bytes()
    }

    #[test]
    fn docx_paragraphs_tables_headers_comments() {
        let doc = w("<w:p><w:r><w:t>CPR:</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">010190</w:t><w:noBreakHyphen/><w:t>1234</w:t></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Namn</w:t></w:r></w:p><w:p><w:r><w:t>Efternamn</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Personnummer</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:p><w:r><w:t>Anna</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>19900101-1234</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>Box &amp; text</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Box &amp; text</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r></w:p>\
             <w:p><w:r><w:fldChar/><w:instrText>HYPERLINK x</w:instrText><w:t>shown</w:t></w:r></w:p>");
        let header =
            b"<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>Header 311299-1234</w:t></w:r></w:p></w:hdr>";
        let comments = b"<w:comments xmlns:w=\"w\"><w:comment><w:p><w:r><w:t>Kommentar</w:t></w:r></w:p></w:comment></w:comments>";
        let data = zip_of(&[
            ("[Content_Types].xml", CT),
            ("word/document.xml", &doc),
            ("word/header1.xml", header),
            ("word/comments.xml", comments),
            ("word/styles.xml", b"<w:styles xmlns:w=\"w\"/>"),
            ("docProps/core.xml", b"<cp:coreProperties xmlns:cp=\"c\" xmlns:dc=\"d\"><dc:title>Klient 0101901234</dc:title></cp:coreProperties>"),
        ]);
        let got = run("a.docx", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let body = got.text_at("word/document.xml").unwrap();
        assert_eq!(
            body,
            "CPR:\t010190-1234\nNamn Efternamn\tPersonnummer\nAnna\t19900101-1234\nBox & text\nafter\nshown\n"
        );
        assert_eq!(
            got.text_at("word/header1.xml").unwrap(),
            "Header 311299-1234\n"
        );
        assert_eq!(
            got.text_at("word/comments.xml").unwrap().trim(),
            "Kommentar"
        );
        assert!(got.text_at("word/styles.xml").is_none());
        assert_eq!(
            got.text_at("docProps/core.xml").unwrap().trim(),
            "Klient 0101901234"
        );
    }

    #[test]
    fn docx_truncated_part_reports_position_and_keeps_text() {
        let doc = w("<w:p><w:r><w:t>010190-1234</w:t></w:r></w:p><w:p><w:r><w:t>cut");
        let doc = &doc[..doc.len() - "</w:body></w:document>".len()];
        let data = zip_of(&[("[Content_Types].xml", CT), ("word/document.xml", doc)]);
        let got = run("a.docx", &data);
        assert!(got.all().contains("010190-1234"));
        let (loc, format, problem, reason) = &got.problems[0];
        assert_eq!(loc, "word/document.xml");
        assert_eq!(format, "docx");
        assert_eq!(*problem, Problem::Corrupt);
        assert!(reason.contains("unexpected end of XML at byte"), "{reason}");
    }

    #[test]
    fn docx_embedded_objects_are_members() {
        let inner = zip_of(&[
            ("[Content_Types].xml", CT),
            (
                "word/document.xml",
                &w("<w:p><w:r><w:t>inner 0101901234</w:t></w:r></w:p>"),
            ),
        ]);
        let data = zip_of(&[
            ("[Content_Types].xml", CT),
            (
                "word/document.xml",
                &w("<w:p><w:r><w:t>outer</w:t></w:r></w:p>"),
            ),
            ("word/embeddings/Document1.docx", &inner),
        ]);
        let got = run("a.docx", &data);
        assert_eq!(
            got.text_at("word/embeddings/Document1.docx: word/document.xml"),
            Some("inner 0101901234\n")
        );
    }

    fn xlsx(sheet1: &str, sheet2: &str, styles: &str) -> Vec<u8> {
        let workbook = b"<workbook xmlns:r=\"r\"><sheets><sheet name=\"Klienter\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Blad 2\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
        let rels = b"<Relationships><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://x/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/><Relationship Id=\"rId3\" Type=\"http://x/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId4\" Type=\"http://x/styles\" Target=\"styles.xml\"/></Relationships>";
        let shared = "<sst><si><t>Namn</t></si><si><t>CPR</t></si><si><r><t>Bo</t></r><r><t xml:space=\"preserve\"> Ek</t></r><rPh><t>ボ</t></rPh></si><si/><si><t>ok</t></si></sst>";
        zip_of(&[
            ("[Content_Types].xml", CT),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/sharedStrings.xml", shared.as_bytes()),
            ("xl/styles.xml", styles.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
            ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
        ])
    }

    #[test]
    fn xlsx_rows_are_lines_and_numbers_read_as_shown() {
        let styles = "<styleSheet><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"000000\\-0000\"/></numFmts>\
            <cellStyleXfs><xf numFmtId=\"0\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
        let sheet1 = "<worksheet><sheetData>\
            <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>\
            <row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"C3\"><v>101901234</v></c></row>\
            <row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>Ny\nrad</t></is></c><c r=\"B4\" s=\"1\"><v>101901234</v></c><c r=\"D4\" t=\"b\"><v>1</v></c></row>\
            <row r=\"5\"><c r=\"B5\"><v>1.01901234E8</v></c><c r=\"C5\" t=\"str\"><f>A1</f><v>x</v></c><c r=\"D5\" t=\"s\"><v>99</v></c></row>\
            <row r=\"9999999999\"><c r=\"A1\"><v>7</v></c></row>\
            </sheetData></worksheet>";
        let data = xlsx(sheet1, "<worksheet><sheetData/></worksheet>", styles);
        let got = run("a.xlsx", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let text = got.text_at("Klienter").unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[0], "Namn\tCPR");
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "Bo Ek\t\t101901234");
        assert_eq!(lines[3], "Ny rad\t010190-1234\t\tTRUE");
        // A number stored as a float, under the heading "CPR": its digits, with the zero the
        // number cell lost (C3, under no heading, keeps its nine digits).
        assert_eq!(lines[4], "\t0101901234\tx");
        assert_eq!(lines[5], "7");
        assert!(got.text_at("Blad 2").is_none());
    }

    #[test]
    fn xlsx_hostile_references_stay_bounded() {
        let sheet1 = "<worksheet><sheetData><row r=\"1048576\"><c r=\"ZZZZZZZZZZZZ1048576\"><v>1</v></c></row></sheetData></worksheet>";
        let data = xlsx(sheet1, "<worksheet/>", "<styleSheet/>");
        let got = run("a.xlsx", &data);
        let text = got.text_at("Klienter").unwrap();
        assert_eq!(text.lines().count(), 1 << 20);
        assert!(text.len() < (1 << 20) + (1 << 14) + 10);
    }

    #[test]
    fn pptx_slides_in_order_with_notes() {
        let pres = b"<p:presentation xmlns:p=\"p\" xmlns:r=\"r\"><p:sldIdLst><p:sldId id=\"257\" r:id=\"rId3\"/><p:sldId id=\"256\" r:id=\"rId2\"/></p:sldIdLst></p:presentation>";
        let rels = b"<Relationships><Relationship Id=\"rId2\" Type=\"t/slide\" Target=\"slides/slide1.xml\"/><Relationship Id=\"rId3\" Type=\"t/slide\" Target=\"slides/slide2.xml\"/></Relationships>";
        let slide = |t: &str| {
            format!("<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/><a:p><a:r><a:t>{t}</a:t></a:r><a:br/><a:r><a:t>line</a:t></a:r></a:p></p:txBody></p:sp>\
             <p:graphicFrame><a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>x</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>y</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></p:graphicFrame></p:spTree></p:cSld></p:sld>")
        };
        let s1 = slide("first");
        let s2 = slide("second");
        let s2rels = b"<Relationships><Relationship Id=\"rId1\" Type=\"t/notesSlide\" Target=\"../notesSlides/notesSlide7.xml\"/></Relationships>";
        let notes = b"<p:notes xmlns:p=\"p\" xmlns:a=\"a\"><a:p><a:r><a:t>note 0101901234</a:t></a:r></a:p></p:notes>";
        let data = zip_of(&[
            ("[Content_Types].xml", CT),
            ("ppt/presentation.xml", pres),
            ("ppt/_rels/presentation.xml.rels", rels),
            ("ppt/slides/slide1.xml", s1.as_bytes()),
            ("ppt/slides/slide2.xml", s2.as_bytes()),
            ("ppt/slides/_rels/slide2.xml.rels", s2rels),
            ("ppt/notesSlides/notesSlide7.xml", notes),
        ]);
        let got = run("a.pptx", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.text_at("slide 1"), Some("second\nline\nx\ty\n"));
        assert_eq!(got.text_at("slide 2"), Some("first\nline\nx\ty\n"));
        assert_eq!(got.text_at("notes 1"), Some("note 0101901234\n"));
    }

    #[test]
    fn main_part_under_another_name() {
        let data = zip_of(&[
            ("[Content_Types].xml", CT),
            ("_rels/.rels", b"<Relationships><Relationship Id=\"r\" Type=\"http://x/officeDocument\" Target=\"/word/document2.xml\"/></Relationships>"),
            ("word/document2.xml", &w("<w:p><w:r><w:t>hello</w:t></w:r></w:p>")),
        ]);
        let got = run("a.docx", &data);
        assert_eq!(got.text_at("word/document2.xml"), Some("hello\n"));
    }
}
