//! The office extractors (OOXML, OpenDocument, RTF, Word/Excel/PowerPoint 97–2003) on arbitrary
//! bytes: no panic, bounded work.
//!
//! The bytes go through the format dispatch as they are, and also, chosen by the first byte,
//! as one part of a small office package (a DOCX body, an XLSX sheet, shared strings or
//! styles, a PPTX slide, an ODS content part), as a stream of a compound file (`WordDocument`
//! with a table stream, `Workbook`, `PowerPoint Document`) or after an RTF header: random
//! bytes seldom make a valid ZIP or compound file, so the parsers behind them get fuzzed too.
#![no_main]

use std::io::{Cursor, Write};

use datavakt_extract::{extract, Limits, Problem, Sink};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

struct Discard;

impl Sink for Discard {
    fn text(&mut self, _location: &str, _text: &[u8]) {}
    fn problem(&mut self, _location: &str, _format: &str, _problem: Problem, _reason: &str) {}
}

const CT: &[u8] = b"<Types/>";
const WORKBOOK: &[u8] =
    b"<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>";
const WORKBOOK_RELS: &[u8] = b"<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
const SHEET: &[u8] = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>101901234</v></c></row></sheetData></worksheet>";
const PRESENTATION: &[u8] = b"<p:presentation xmlns:p=\"p\" xmlns:r=\"r\"><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId1\"/></p:sldIdLst></p:presentation>";
const PRESENTATION_RELS: &[u8] = b"<Relationships><Relationship Id=\"rId1\" Type=\"x/slide\" Target=\"slides/slide1.xml\"/></Relationships>";

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in members {
        if w.start_file(*name, opts).is_err() || w.write_all(data).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn compound_of(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let Ok(mut cf) = cfb::CompoundFile::create(Cursor::new(Vec::new())) else {
        return Vec::new();
    };
    for (path, data) in streams {
        match cf.create_stream(path) {
            Ok(mut s) => {
                if s.write_all(data).is_err() {
                    return Vec::new();
                }
            }
            Err(_) => return Vec::new(),
        }
    }
    if cf.flush().is_err() {
        return Vec::new();
    }
    cf.into_inner().into_inner()
}

fuzz_target!(|data: &[u8]| {
    common::contained_panics_are_no_crash();
    let limits = Limits {
        max_item_bytes: 16 << 20,
        max_expanded_bytes: 64 << 20,
        // OCR runs an external program: not what this target fuzzes.
        ocr_languages: None,
        ..Limits::default()
    };
    extract("x", data, &limits, &mut Discard);

    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let half = rest.len() / 2;
    let (name, wrapped) = match mode % 10 {
        0 => (
            "x.docx",
            zip_of(&[("[Content_Types].xml", CT), ("word/document.xml", rest)]),
        ),
        1 => (
            "x.xlsx",
            zip_of(&[
                ("[Content_Types].xml", CT),
                ("xl/workbook.xml", WORKBOOK),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                ("xl/worksheets/sheet1.xml", rest),
            ]),
        ),
        2 => (
            "x.xlsx",
            zip_of(&[
                ("[Content_Types].xml", CT),
                ("xl/workbook.xml", WORKBOOK),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                ("xl/sharedStrings.xml", &rest[..half]),
                ("xl/styles.xml", &rest[half..]),
                ("xl/worksheets/sheet1.xml", SHEET),
            ]),
        ),
        3 => (
            "x.pptx",
            zip_of(&[
                ("[Content_Types].xml", CT),
                ("ppt/presentation.xml", PRESENTATION),
                ("ppt/_rels/presentation.xml.rels", PRESENTATION_RELS),
                ("ppt/slides/slide1.xml", rest),
            ]),
        ),
        4 => (
            "x.ods",
            zip_of(&[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", rest),
            ]),
        ),
        5 => (
            "x.odt",
            zip_of(&[
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", &rest[..half]),
                ("styles.xml", &rest[half..]),
            ]),
        ),
        6 => (
            "x.doc",
            compound_of(&[("/WordDocument", &rest[..half]), ("/1Table", &rest[half..])]),
        ),
        7 => ("x.xls", compound_of(&[("/Workbook", rest)])),
        8 => ("x.ppt", compound_of(&[("/PowerPoint Document", rest)])),
        _ => ("x.rtf", [&b"{\\rtf1"[..], rest].concat()),
    };
    if !wrapped.is_empty() {
        extract(name, &wrapped, &limits, &mut Discard);
    }
});
