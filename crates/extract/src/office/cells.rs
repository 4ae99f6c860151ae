//! Identity numbers typed into number cells. A spreadsheet keeps `0101901234` typed into a
//! number cell as `101901234`, and an 11-digit fødselsnummer that starts with 0 as 10 digits:
//! the leading zero is gone, and no written form of any kind has nine digits. The zero is put
//! back where the column says these are identity numbers: under a heading with an identity
//! label (`CPR-nr`, `Fødselsnummer`), or where most of the column's cells are identity
//! numbers. Elsewhere a nine-digit number stays what it most likely is (an amount, an id), so
//! that the many of them that pass a check digit by chance do not become findings.
//!
//! A column is cut into segments by its headings: a cell of text with letters and no digits
//! heads the cells below it until the next such cell that follows data, so tables stacked in
//! one sheet are judged apart. The decision needs the whole segment, so the readers write
//! number cells as they come and note where; [`Numbers::apply`] inserts the zeros when the
//! sheet is read.

use std::sync::OnceLock;

use detect::{Date, Detector, Kind, Strength};

use super::Out;

/// Headings longer than this are prose in a cell, not a column's heading.
const MAX_HEADING: usize = 100;
/// Number cells and segments noted per sheet, at most (12 bytes each; Excel's rows); beyond
/// it, number cells are written as they are.
const MAX_NOTED: usize = 1 << 20;

/// The detector's validators and labels, with today's date for birth dates.
fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0));
        Detector::new(Date::from_days_since_epoch(days))
    })
}

/// A kind's bit in sets of identity kinds.
const fn bit(kind: Kind) -> u8 {
    match kind {
        Kind::DkCpr => 1,
        Kind::SePersonnummer => 2,
        Kind::NoFodselsnummer => 4,
        Kind::FiHetu => 8,
        Kind::IsKennitala => 16,
        _ => 0,
    }
}

const NO: u8 = bit(Kind::NoFodselsnummer);
/// The kinds written with ten digits.
const TEN: u8 = bit(Kind::DkCpr) | bit(Kind::SePersonnummer) | bit(Kind::IsKennitala);

/// The kinds under which `text` is an identity number that can have been issued.
fn valid_kinds(text: &[u8]) -> u8 {
    detector()
        .interpretations(text)
        .iter()
        .filter(|v| v.strength != Strength::Doubtful)
        .fold(0, |acc, v| acc | bit(v.kind))
}

/// Whether `text` alone is an identity number (a cell's text, trimmed).
fn is_identity(text: &str) -> bool {
    // The written forms are 10 to 13 characters, a few more with multi-byte separators.
    (10..=16).contains(&text.len()) && valid_kinds(text.as_bytes()) != 0
}

/// A part of a column under one heading.
#[derive(Clone, Copy)]
struct Segment {
    /// The heading's label: the identity kinds it names (0: another kind of number), or
    /// `None` without one.
    label: Option<u8>,
    /// Cells with digits, and how many of them are identity numbers (read as they would be
    /// with their zero back, for number cells that lost it).
    data: u32,
    ids: u32,
}

/// A number cell of nine or ten digits.
#[derive(Clone, Copy)]
struct Noted {
    /// Where its digits start in the sheet's text.
    at: u32,
    segment: u32,
    ten: bool,
    /// The kinds it is valid as with its zero back, and as it is.
    padded: u8,
    plain: u8,
}

/// The number cells of one sheet that may have lost a leading zero, and their columns.
#[derive(Default)]
pub(crate) struct Numbers {
    /// Per column, the index of its current segment.
    current: Vec<Option<u32>>,
    segments: Vec<Segment>,
    noted: Vec<Noted>,
}

impl Numbers {
    pub fn new() -> Numbers {
        Numbers::default()
    }

    fn column(col: u64) -> usize {
        usize::try_from(col.min(super::ooxml::MAX_COLS)).unwrap_or(0)
    }

    /// The segment that a cell of column `col` belongs to, started if the column has none.
    fn segment(&mut self, col: u64) -> Option<&mut Segment> {
        let col = Numbers::column(col);
        if self.current.len() <= col {
            self.current.resize(col + 1, None);
        }
        let i = match self.current[col] {
            Some(i) => i,
            None => {
                let i = self.start(None)?;
                self.current[col] = Some(i);
                i
            }
        };
        self.segments.get_mut(i as usize)
    }

    fn start(&mut self, label: Option<u8>) -> Option<u32> {
        if self.segments.len() >= MAX_NOTED {
            return None;
        }
        let i = u32::try_from(self.segments.len()).ok()?;
        self.segments.push(Segment {
            label,
            data: 0,
            ids: 0,
        });
        Some(i)
    }

    /// A cell of column `col` with digits that keep their form: counted among its part's
    /// data, and among its identity numbers if it is one.
    fn data(&mut self, col: u64, text: &str) {
        let id = is_identity(text);
        if let Some(s) = self.segment(col) {
            s.data += 1;
            s.ids += u32::from(id);
        }
    }

    /// A text cell of column `col`.
    pub fn text(&mut self, col: u64, text: &str) {
        let text = text.trim();
        if text.bytes().any(|b| b.is_ascii_digit()) {
            self.data(col, text);
            return;
        }
        // Marks such as `-` or `?` in place of a number head nothing.
        if !text.chars().any(char::is_alphabetic) {
            return;
        }
        let label = (text.len() <= MAX_HEADING)
            .then(|| detector().heading(text.as_bytes()))
            .flatten()
            .map(|kinds| kinds.into_iter().fold(0, |acc, k| acc | bit(k)));
        // Headings one above the other (a title, then the column's name): the nearest counts.
        let c = Numbers::column(col);
        match self.segment(col) {
            Some(s) if s.data == 0 => s.label = label,
            _ => {
                let next = self.start(label);
                self.current[c] = next;
            }
        }
    }

    /// A number cell of column `col` whose text as shown was written at byte `at` of the
    /// sheet's text (`None`: it was not written, the text is full).
    pub fn number(&mut self, col: u64, text: &str, at: Option<usize>) {
        let at = at.map(|a| a + text.len() - text.trim_start().len());
        let text = text.trim();
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        // Digits that start with 0 were placed by a number format: nothing was lost.
        let lost = digits && matches!(text.len(), 9 | 10) && !text.starts_with('0');
        if !lost {
            if text.bytes().any(|b| b.is_ascii_digit()) {
                self.data(col, text);
            }
            return;
        }
        let ten = text.len() == 10;
        let padded = valid_kinds(format!("0{text}").as_bytes()) & if ten { NO } else { TEN };
        let plain = if ten { valid_kinds(text.as_bytes()) } else { 0 };
        let full = self.noted.len() >= MAX_NOTED;
        let Some(s) = self.segment(col) else {
            return;
        };
        s.data += 1;
        s.ids += u32::from(padded | plain != 0);
        let segment = self.current[Numbers::column(col)];
        let (Some(at), Some(segment), false) =
            (at.and_then(|a| u32::try_from(a).ok()), segment, full)
        else {
            return;
        };
        self.noted.push(Noted {
            at,
            segment,
            ten,
            padded,
            plain,
        });
    }

    /// Whether a noted cell gets its zero back.
    fn restores(&self, n: &Noted) -> bool {
        let Some(s) = self.segments.get(n.segment as usize) else {
            return false;
        };
        let kinds = match s.label {
            Some(0) => return false,
            Some(named) => named,
            None if s.ids >= 2 && s.ids * 2 > s.data => u8::MAX,
            None => return false,
        };
        if n.ten {
            // Ten digits are a whole number of the ten-digit kinds: only a fødselsnummer
            // that no reading as it is explains lost a zero.
            kinds & NO != 0 && n.padded & NO != 0 && n.plain & kinds == 0
        } else {
            // The column is one of identity numbers: a number that fails the check with its
            // zero back is reported as what it is, like one written as text.
            kinds & TEN != 0
        }
    }

    /// Puts the zeros back into the sheet's text `out`, which the noted offsets point into.
    pub fn apply(self, out: &mut Out) {
        let mut at: Vec<usize> = self
            .noted
            .iter()
            .filter(|n| self.restores(n))
            .map(|n| n.at as usize)
            .filter(|&a| out.s.is_char_boundary(a))
            .collect();
        if at.is_empty() {
            return;
        }
        at.sort_unstable();
        at.dedup();
        let mut s = String::with_capacity(out.s.len() + at.len());
        let mut from = 0;
        for &a in &at {
            s.push_str(&out.s[from..a]);
            s.push('0');
            from = a;
        }
        s.push_str(&out.s[from..]);
        if let Some(end) = out.grid_end.as_mut() {
            *end += at.partition_point(|&a| a < *end);
        }
        out.s = s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine-digit numbers that are valid Danish CPR numbers with a leading zero, from `from`.
    fn cprs(from: u32, n: usize) -> Vec<String> {
        (from..)
            .map(|x| format!("{x:09}"))
            .filter(|s| valid_kinds(format!("0{s}").as_bytes()) & 1 != 0)
            .take(n)
            .collect()
    }

    /// Writes `rows` (cells: text, or a number when it starts with `#`) as a grid and applies
    /// the restoration.
    fn sheet(rows: &[&[&str]]) -> String {
        let mut out = Out::new(1 << 20);
        let mut grid = super::super::ooxml::Grid::new();
        let mut numbers = Numbers::new();
        for (r, row) in rows.iter().enumerate() {
            grid.row(r as u64 + 1, &mut out);
            for (c, cell) in row.iter().enumerate() {
                let c = c as u64;
                if let Some(n) = cell.strip_prefix('#') {
                    let at = grid.cell(c, n, &mut out);
                    numbers.number(c, n, at);
                } else if !cell.is_empty() {
                    grid.cell(c, cell, &mut out);
                    numbers.text(c, cell);
                }
            }
        }
        numbers.apply(&mut out);
        assert_eq!(out.grid_end, Some(out.s.len()));
        out.s
    }

    #[test]
    fn a_labelled_column_gets_its_zeros_back() {
        let c = cprs(104_150_000, 2);
        let (a, b) = (format!("#{}", c[0]), format!("#{}", c[1]));
        let got = sheet(&[&["Navn", "CPR-nr."], &["Hans", &a], &["Grete", &b]]);
        assert_eq!(
            got,
            format!("Navn\tCPR-nr.\nHans\t0{}\nGrete\t0{}", c[0], c[1])
        );
        // Under a title row as well: the nearest heading counts.
        let got = sheet(&[&["Klienter 2026"], &["CPR"], &[&a]]);
        assert!(got.ends_with(&format!("\n0{}", c[0])));
    }

    #[test]
    fn a_column_of_identity_numbers_without_label_gets_its_zeros_back() {
        let c = cprs(204_150_000, 3);
        let cells: Vec<String> = c.iter().map(|n| format!("#{n}")).collect();
        let got = sheet(&[&["Nummer"], &[&cells[0]], &[&cells[1]], &[&cells[2]]]);
        assert_eq!(got.matches("\n0").count(), 3);
        // One alone is not most of a column of anything.
        let got = sheet(&[&["Nummer"], &[&cells[0]]]);
        assert!(!got.contains("\n0"));
    }

    #[test]
    fn amounts_keep_their_digits() {
        // Nine-digit amounts: some pass a check by chance, most do not.
        let rows: Vec<String> = (0..40u32)
            .map(|i| format!("#{}", 104_150_000 + i * 7919))
            .collect();
        let mut table: Vec<&[&str]> = vec![&["Beløb"]];
        let cells: Vec<[&str; 1]> = rows.iter().map(|r| [r.as_str()]).collect();
        table.extend(cells.iter().map(|c| &c[..]));
        let got = sheet(&table);
        assert!(!got.contains("\n0"), "no zero restored");
        // A label of another number decides, whatever the digits.
        let c = cprs(104_150_000, 3);
        let cells: Vec<String> = c.iter().map(|n| format!("#{n}")).collect();
        let got = sheet(&[&["Kundenr."], &[&cells[0]], &[&cells[1]], &[&cells[2]]]);
        assert!(!got.contains("\n0"));
        // Text cells are what was typed: no zero was lost.
        let got = sheet(&[&["CPR"], &[&c[0]]]);
        assert_eq!(got, format!("CPR\n{}", c[0]));
    }

    #[test]
    fn stacked_tables_are_judged_apart() {
        let c = cprs(104_150_000, 2);
        let (a, b) = (format!("#{}", c[0]), format!("#{}", c[1]));
        let got = sheet(&[&["CPR"], &[&a], &["Beløb"], &[&b]]);
        assert_eq!(got, format!("CPR\n0{}\nBeløb\n{}", c[0], c[1]));
    }

    #[test]
    fn ten_digits_lost_only_a_norwegian_zero() {
        // 01041512345-like: a fødselsnummer of the 1st of a month without its zero.
        let fnr = (0..10_000_000u64)
            .map(|x| format!("1041{:06}", x))
            .find(|s| valid_kinds(format!("0{s}").as_bytes()) & NO != 0)
            .unwrap();
        let cell = format!("#{fnr}");
        let got = sheet(&[&["Fødselsnummer"], &[&cell]]);
        assert_eq!(got, format!("Fødselsnummer\n0{fnr}"));
        // Under a CPR heading ten digits are a whole CPR number.
        let got = sheet(&[&["CPR"], &[&cell]]);
        assert_eq!(got, format!("CPR\n{fnr}"));
    }
}
