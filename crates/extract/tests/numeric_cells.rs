//! Identity numbers typed into spreadsheets' number cells, which lost their leading zero, in
//! workbooks written by a spreadsheet library (`rust_xlsxwriter`) and by LibreOffice (XLSX,
//! XLS and ODS converted from a flat ODS by `soffice`; SKIPPED when it is absent), read by the
//! real extraction and detection: each number is found in its cell, as its kind, and a column
//! of nine-digit amounts gives nothing.
//!
//! The numbers are synthetic, computed from the rules of `identifiers.md`, and kept to those
//! that are valid as their kind only, so that the kind found says the column was read right.
//! Assertion messages name kinds and cells, never values.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use datavakt_extract::{Limits, Problem, Sink};
use detect::{Confidence, Date, Detector, Kind, Strength};

fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    Date::from_days_since_epoch(days as i64)
}

fn digits(s: &str) -> Vec<u32> {
    s.bytes().map(|b| u32::from(b - b'0')).collect()
}

fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

/// Danish CPR numbers born on the `dd`th (1-9) of some months of 1900-1936, modulus 11.
fn cpr_candidates(dd: u32) -> impl Iterator<Item = String> {
    (1..=12u32).flat_map(move |mm| {
        (20..37u32).flat_map(move |yy| {
            (0..4000u32).filter_map(move |serial| {
                let s = format!("{dd:02}{mm:02}{yy:02}{serial:04}");
                let ok = weighted(&digits(&s), &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11);
                ok.then_some(s)
            })
        })
    })
}

/// Swedish personnummer born in 2001-2009 (`YYMMDDNNNC`, Luhn).
fn se_candidates() -> impl Iterator<Item = String> {
    (1..=9u32).flat_map(|yy| {
        (1..=12u32).flat_map(move |mm| {
            (1..=900u32).map(move |nnn| {
                let nine = format!("{yy:02}{mm:02}15{nnn:03}");
                let sum: u32 = digits(&nine)
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let v = d * if i % 2 == 0 { 2 } else { 1 };
                        v / 10 + v % 10
                    })
                    .sum();
                format!("{nine}{}", (10 - sum % 10) % 10)
            })
        })
    })
}

/// Norwegian fødselsnumre born on the `dd`th (1-9) in 1920-1999, individual numbers 000-499.
fn no_candidates(dd: u32) -> impl Iterator<Item = String> {
    (1..=12u32).flat_map(move |mm| {
        (20..100u32).flat_map(move |yy| {
            (0..500u32).filter_map(move |iii| {
                let nine = format!("{dd:02}{mm:02}{yy:02}{iii:03}");
                let k1 = (11 - weighted(&digits(&nine), &[3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11) % 11;
                let ten = format!("{nine}{k1}");
                let k2 = (11 - weighted(&digits(&ten), &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
                (k1 < 10 && k2 < 10).then(|| format!("{ten}{k2}"))
            })
        })
    })
}

/// Icelandic kennitölur born on the `dd`th (1-9) in the 1900s (`DDMMYYRRCM`).
fn is_candidates(dd: u32) -> impl Iterator<Item = String> {
    (1..=12u32).flat_map(move |mm| {
        (20..100u32).flat_map(move |yy| {
            (20..100u32).filter_map(move |rr| {
                let eight = format!("{dd:02}{mm:02}{yy:02}{rr:02}");
                let c = (11 - weighted(&digits(&eight), &[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
                (c < 10).then(|| format!("{eight}{c}9"))
            })
        })
    })
}

/// The first `n` of `candidates` that the detector reads as issued numbers of `kind` and of no
/// other kind.
fn only(
    det: &Detector,
    kind: Kind,
    n: usize,
    candidates: impl Iterator<Item = String>,
) -> Vec<u64> {
    let found: Vec<u64> = candidates
        .filter(|s| {
            let v = det.interpretations(s.as_bytes());
            let mut issued = v.iter().filter(|v| v.strength != Strength::Doubtful);
            issued.clone().all(|v| v.kind == kind)
                && issued.any(|v| v.strength == Strength::Checksum)
        })
        .take(n)
        .filter_map(|s| s.parse().ok())
        .collect();
    assert_eq!(found.len(), n, "{n} numbers of {kind}");
    found
}

/// What goes in a cell: text, a number, or a number under a format that shows `zeros` digits.
#[derive(Clone)]
enum Cell {
    Text(&'static str),
    Number(u64),
    Padded(u64, usize),
}

/// The workbook every producer writes (sheet `Klienter`, a heading row, then rows of data),
/// and the identity findings it must give: (kind, cell).
struct Book {
    rows: Vec<Vec<Option<Cell>>>,
    expected: BTreeSet<(String, String)>,
}

fn book(det: &Detector) -> Book {
    let cpr = only(
        det,
        Kind::DkCpr,
        7,
        cpr_candidates(1).chain(cpr_candidates(4)),
    );
    let fnr = only(det, Kind::NoFodselsnummer, 4, no_candidates(2));
    let pnr = only(det, Kind::SePersonnummer, 3, se_candidates());
    let kt = only(det, Kind::IsKennitala, 3, is_candidates(3));
    // Amounts of nine digits: one of three is a valid CPR number with a zero in front, by
    // chance, but no label and no majority says the column holds identity numbers.
    let invalid: Vec<u64> = (104_150_001u64..)
        .step_by(7_919)
        .filter(|n| det.interpretations(format!("0{n}").as_bytes()).is_empty())
        .take(2)
        .collect();
    let amounts = [cpr[6], invalid[0], invalid[1]];
    let heading = [
        "Navn",
        "CPR-nr.",
        "Fødselsnummer",
        "Personnummer",
        "Kennitala",
        "Beløb",
        "Nummer",
        "Løbenr",
        "Nr",
    ];
    let names = ["Hans", "Grete", "Ole"];
    let mut rows = vec![heading.iter().map(|h| Some(Cell::Text(h))).collect()];
    let mut expected = BTreeSet::new();
    for r in 0..3 {
        let mut row = vec![
            Some(Cell::Text(names[r])),
            Some(Cell::Number(cpr[r])),
            Some(Cell::Number(fnr[r])),
            Some(Cell::Number(pnr[r])),
            Some(Cell::Number(kt[r])),
            Some(Cell::Number(amounts[r])),
            Some(Cell::Number(cpr[3 + r])),
        ];
        let line = r + 2;
        for (col, kind) in [
            ('B', "dk-cpr"),
            ('C', "no-fodselsnummer"),
            ('D', "se-personnummer"),
            ('E', "is-kennitala"),
            ('G', "dk-cpr"),
        ] {
            expected.insert((kind.to_string(), format!("Klienter: {col}{line}")));
        }
        if r == 0 {
            // One number alone in its column, shown with its zero by a number format: found as
            // it is shown, not by restoring anything.
            row.push(Some(Cell::Padded(cpr[6], 10)));
            row.push(Some(Cell::Padded(fnr[3], 11)));
            expected.insert(("dk-cpr".into(), "Klienter: H2".into()));
            expected.insert(("no-fodselsnummer".into(), "Klienter: I2".into()));
        }
        rows.push(row);
    }
    Book { rows, expected }
}

/// Runs extraction and detection on sheets and names each identity finding's cell.
struct Found<'d> {
    det: &'d Detector,
    ids: BTreeSet<(String, String)>,
    confidences: Vec<Confidence>,
    problems: Vec<String>,
}

/// `C12` for byte `at` of a grid whose line N is row N and whose cells are separated by tabs.
fn cell_of(text: &[u8], at: usize, line: u64) -> String {
    let start = text[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = text[start..at].iter().filter(|&&b| b == b'\t').count();
    assert!(col < 26, "a column beyond Z");
    format!("{}{line}", char::from(b'A' + col as u8))
}

impl Sink for Found<'_> {
    fn text(&mut self, _location: &str, _text: &[u8]) {}

    fn sheet(&mut self, location: &str, text: &[u8], grid_end: usize) {
        let mut found = vec![];
        self.det.scan(text, &mut found);
        for f in found.iter().filter(|f| f.kind.is_identity()) {
            let at = usize::try_from(f.offset).unwrap();
            assert!(at < grid_end, "a finding outside the grid");
            let cell = cell_of(text, at, f.line);
            self.ids
                .insert((f.kind.name().to_string(), format!("{location}: {cell}")));
            self.confidences.push(f.confidence);
        }
    }

    fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
        self.problems.push(format!(
            "{location}: {format}: {}: {reason}",
            problem.name()
        ));
    }
}

fn check(det: &Detector, book: &Book, name: &str, data: &[u8]) {
    let mut found = Found {
        det,
        ids: BTreeSet::new(),
        confidences: vec![],
        problems: vec![],
    };
    datavakt_extract::extract(name, data, &Limits::default(), &mut found);
    assert!(found.problems.is_empty(), "{name}: {:?}", found.problems);
    let missing: Vec<_> = book.expected.difference(&found.ids).collect();
    let extra: Vec<_> = found.ids.difference(&book.expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{name}: not found {missing:?}, found besides {extra:?}"
    );
    assert!(
        found.confidences.iter().all(|c| *c >= Confidence::Medium),
        "{name}: {:?}",
        found.confidences
    );
}

fn xlsx_of(book: &Book) -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Klienter").unwrap();
    for (r, row) in book.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Some(Cell::Text(t)) => _ = ws.write_string(r, c, *t).unwrap(),
                Some(Cell::Number(n)) => _ = ws.write_number(r, c, *n as f64).unwrap(),
                Some(Cell::Padded(n, zeros)) => {
                    let format = Format::new().set_num_format("0".repeat(*zeros));
                    ws.write_number_with_format(r, c, *n as f64, &format)
                        .unwrap();
                }
                None => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn workbooks_written_by_a_spreadsheet_library() {
    let det = Detector::new(today());
    let book = book(&det);
    check(&det, &book, "klienter.xlsx", &xlsx_of(&book));
}

/// The workbook as a flat ODS, numbers as numbers, for LibreOffice to convert.
fn fods_of(book: &Book) -> String {
    let mut rows = String::new();
    for row in &book.rows {
        rows.push_str("<table:table-row>");
        for cell in row {
            rows.push_str(&match cell {
                Some(Cell::Text(t)) => format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
                ),
                Some(Cell::Number(n)) => format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"/>"
                ),
                Some(Cell::Padded(n, zeros)) => format!(
                    "<table:table-cell table:style-name=\"ce{zeros}\" office:value-type=\"float\" office:value=\"{n}\"/>"
                ),
                None => "<table:table-cell/>".into(),
            });
        }
        rows.push_str("</table:table-row>");
    }
    let style = |zeros: usize| {
        format!(
            "<number:number-style style:name=\"N{zeros}\"><number:number number:decimal-places=\"0\" number:min-integer-digits=\"{zeros}\"/></number:number-style>\
             <style:style style:name=\"ce{zeros}\" style:family=\"table-cell\" style:data-style-name=\"N{zeros}\"/>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\" \
         office:version=\"1.3\" office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\">\
         <office:automatic-styles>{}{}</office:automatic-styles>\
         <office:body><office:spreadsheet><table:table table:name=\"Klienter\">{rows}</table:table>\
         </office:spreadsheet></office:body></office:document>",
        style(10),
        style(11)
    )
}

/// A temporary folder, removed on drop.
struct Temp(PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts `source` to `format` with LibreOffice, into `dir/out`.
fn convert(dir: &Path, source: &Path, format: &str) -> Vec<u8> {
    let out = dir.join("out");
    let run = Command::new("soffice")
        // A profile of its own: no user's settings, no lock on a running instance's.
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(&out)
        .arg(source)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "soffice --convert-to {format}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stem = source.file_stem().unwrap().to_string_lossy();
    std::fs::read(out.join(format!("{stem}.{format}"))).unwrap()
}

#[test]
fn workbooks_written_by_libreoffice() {
    let soffice = Command::new("soffice")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !soffice.is_ok_and(|s| s.success()) {
        println!("SKIPPED: soffice (LibreOffice) is not installed");
        return;
    }
    let det = Detector::new(today());
    let book = book(&det);
    let dir = Temp(std::env::temp_dir().join(format!("datavakt-cells-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let source = dir.0.join("klienter.fods");
    std::fs::write(&source, fods_of(&book)).unwrap();
    for format in ["xlsx", "xls", "ods"] {
        let data = convert(&dir.0, &source, format);
        check(&det, &book, &format!("klienter.{format}"), &data);
    }
}
