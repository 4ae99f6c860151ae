//! Excel 97–2003 workbooks (`.xls`, BIFF8; BIFF5 too): every worksheet, located by its
//! name, a line per row (line N is row N), cells separated by tabs, numbers as the user sees
//! them (under number formats such as `000000-0000` too, and with the leading zero an identity
//! number lost in a number cell put back where its column says so: `cells.rs`), shared
//! strings, formula results, and the text of comments and text boxes.
//!
//! A streaming record reader of its own: cells are kept sparse, so a sheet with a cell at
//! A1 and one at IV65536 costs two cells, and nothing on hostile input panics.

use std::collections::HashMap;

use super::cells::Numbers;
use super::ooxml::Grid;
use super::{general_number, DigitPattern, Out};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const CODEPAGE: u16 = 0x0042;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const FORMAT: u16 = 0x041E;
const FORMAT_BIFF4: u16 = 0x001E;
const XF: u16 = 0x00E0;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
const BOOLERR: u16 = 0x0205;
const TXO: u16 = 0x01B6;

pub(crate) enum Book {
    /// (sheet name, text) for every sheet with text, and a note when the stream ended early.
    Sheets(Vec<(String, Out)>, Option<String>),
    Encrypted,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Records: (offset, type, data).
fn records(data: &[u8]) -> impl Iterator<Item = (usize, u16, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let kind = u16_at(data, pos)?;
        let len = u16_at(data, pos + 2)? as usize;
        let start = pos + 4;
        let body = data.get(start..start + len)?;
        let at = pos;
        pos = start + len;
        Some((at, kind, body))
    })
}

/// Reads characters of BIFF strings: 8-bit ("compressed", Latin-1 in BIFF8, the code page in
/// BIFF5) or UTF-16LE.
struct Strs {
    biff8: bool,
    enc: &'static encoding_rs::Encoding,
}

impl Strs {
    /// A string with a 16-bit (`wide_len`) or 8-bit length at `at`; returns it and the offset
    /// after it.
    fn read(&self, b: &[u8], at: usize, wide_len: bool) -> Option<(String, usize)> {
        let (cch, mut p) = if wide_len {
            (u16_at(b, at)? as usize, at + 2)
        } else {
            (*b.get(at)? as usize, at + 1)
        };
        if !self.biff8 {
            let end = (p + cch).min(b.len());
            let (s, _, _) = self.enc.decode(b.get(p..end)?);
            return Some((s.into_owned(), end));
        }
        let flags = *b.get(p)?;
        p += 1;
        if flags & 0x08 != 0 {
            p += 2;
        }
        if flags & 0x04 != 0 {
            p += 4;
        }
        let s = chars(b.get(p..)?, cch, flags & 1 != 0);
        Some((s.0, p + s.1))
    }
}

/// `n` characters from `b`: (the text, bytes used).
fn chars(b: &[u8], n: usize, wide: bool) -> (String, usize) {
    if wide {
        let len = (n * 2).min(b.len() & !1);
        let s = char::decode_utf16(
            b[..len]
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]])),
        )
        .map(|c| c.unwrap_or('\u{fffd}'))
        .collect();
        (s, len)
    } else {
        let len = n.min(b.len());
        (b[..len].iter().map(|&c| char::from(c)).collect(), len)
    }
}

/// The shared string table: the SST record and its CONTINUE records, where a string's
/// characters may go on in the next record with a new flags byte.
fn sst(segments: &[&[u8]]) -> Vec<String> {
    let mut out = Vec::new();
    let mut r = Segments {
        segs: segments,
        seg: 0,
        pos: 8,
    };
    while let Some(cch) = r.u16() {
        let Some(flags) = r.u8() else { break };
        let runs = if flags & 0x08 != 0 {
            r.u16().unwrap_or(0) as usize
        } else {
            0
        };
        let ext = if flags & 0x04 != 0 {
            r.u32().unwrap_or(0) as usize
        } else {
            0
        };
        let mut wide = flags & 1 != 0;
        let mut s = String::new();
        let mut left = cch as usize;
        while left > 0 {
            if r.at_segment_end() {
                if !r.next_segment() {
                    break;
                }
                // A continued string starts its record with a new flags byte.
                match r.u8() {
                    Some(f) => wide = f & 1 != 0,
                    None => break,
                }
            }
            let avail = r.remaining_in_segment();
            let take = if wide {
                left.min(avail / 2).max(usize::from(avail >= 2))
            } else {
                left.min(avail)
            };
            if take == 0 {
                r.skip_in_segment(avail);
                continue;
            }
            let (t, used) = chars(r.rest(), take, wide);
            s.push_str(&t);
            r.skip_in_segment(used);
            left -= take;
        }
        out.push(super::one_line(&s).into_owned());
        r.skip(runs * 4 + ext);
    }
    out
}

struct Segments<'a> {
    segs: &'a [&'a [u8]],
    seg: usize,
    pos: usize,
}

impl Segments<'_> {
    fn rest(&self) -> &[u8] {
        self.segs
            .get(self.seg)
            .and_then(|s| s.get(self.pos..))
            .unwrap_or(&[])
    }
    fn remaining_in_segment(&self) -> usize {
        self.rest().len()
    }
    fn at_segment_end(&self) -> bool {
        self.remaining_in_segment() == 0
    }
    fn next_segment(&mut self) -> bool {
        if self.seg + 1 < self.segs.len() {
            self.seg += 1;
            self.pos = 0;
            true
        } else {
            false
        }
    }
    fn skip_in_segment(&mut self, n: usize) {
        self.pos += n;
    }
    fn u8(&mut self) -> Option<u8> {
        while self.at_segment_end() {
            if !self.next_segment() {
                return None;
            }
        }
        let b = self.rest()[0];
        self.pos += 1;
        Some(b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.u8()?,
            self.u8()?,
            self.u8()?,
            self.u8()?,
        ]))
    }
    fn skip(&mut self, mut n: usize) {
        while n > 0 {
            let avail = self.remaining_in_segment();
            if avail == 0 {
                if !self.next_segment() {
                    return;
                }
                continue;
            }
            let k = avail.min(n);
            self.pos += k;
            n -= k;
        }
    }
}

/// An RK number: a float or an integer, possibly divided by 100.
fn rk(v: u32) -> f64 {
    let n = if v & 0x02 != 0 {
        f64::from((v as i32) >> 2)
    } else {
        f64::from_bits(u64::from(v & 0xFFFF_FFFC) << 32)
    };
    if v & 0x01 != 0 {
        n / 100.0
    } else {
        n
    }
}

struct Sheet {
    name: String,
    /// Row, column, text as shown, and whether the cell is a number.
    cells: Vec<(u16, u16, String, bool)>,
    boxes: Vec<String>,
}

/// Reads a workbook stream (`Workbook` or `Book`).
pub(crate) fn workbook(data: &[u8], cap: usize) -> Result<Book, String> {
    let mut recs = records(data).peekable();
    match recs.peek() {
        Some((_, kind, body)) if *kind == BOF || *kind == 0x0409 || *kind == 0x0209 => {
            let _ = body;
        }
        _ => return Err("the workbook stream does not start with a BOF record".into()),
    }
    let mut strs = Strs {
        biff8: true,
        enc: encoding_rs::WINDOWS_1252,
    };
    let mut sheet_names: HashMap<usize, String> = HashMap::new();
    let mut ordered_names: Vec<String> = Vec::new();
    let mut shared: Vec<String> = Vec::new();
    let mut formats: HashMap<u16, String> = HashMap::new();
    let mut xfs: Vec<u16> = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    // Inside the globals (0), a worksheet (1), or another substream (2), with nesting.
    let mut depth = 0usize;
    let mut current: Option<Sheet> = None;
    let mut in_globals = false;
    let mut pending_string: Option<(u16, u16)> = None;
    let mut pending_txo: Option<usize> = None;
    let mut sst_segments: Option<Vec<&[u8]>> = None;
    let mut last = 0usize;

    for (at, kind, body) in recs {
        last = at + 4 + body.len();
        // The SST goes on in CONTINUE records.
        if let Some(segs) = sst_segments.as_mut() {
            if kind == CONTINUE {
                segs.push(body);
                continue;
            }
            shared = sst(segs);
            sst_segments = None;
        }
        if kind == CONTINUE {
            if let (Some(n), Some(sheet)) = (pending_txo.take(), current.as_mut()) {
                if let Some(&flags) = body.first() {
                    let (t, _) = chars(&body[1..], n, flags & 1 != 0);
                    sheet.boxes.push(t);
                }
            }
            continue;
        }
        pending_txo = None;
        if kind == STRING {
            if let (Some((row, col)), Some(sheet)) = (pending_string.take(), current.as_mut()) {
                if let Some((text, _)) = strs.read(body, 0, true) {
                    sheet.cells.push((row, col, text, false));
                }
            }
            continue;
        }
        match kind {
            BOF | 0x0409 | 0x0209 => {
                depth += 1;
                let version = u16_at(body, 0).unwrap_or(0);
                let dt = u16_at(body, 2).unwrap_or(0);
                if depth == 1 && dt == 0x0005 {
                    in_globals = true;
                    strs.biff8 = kind == BOF && version >= 0x0600;
                } else if depth == 1 && dt == 0x0010 {
                    let name = sheet_names.get(&at).cloned().unwrap_or_else(|| {
                        ordered_names
                            .get(sheets.len())
                            .cloned()
                            .unwrap_or_else(|| format!("sheet {}", sheets.len() + 1))
                    });
                    current = Some(Sheet {
                        name,
                        cells: Vec::new(),
                        boxes: Vec::new(),
                    });
                }
            }
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    in_globals = false;
                    if let Some(sheet) = current.take() {
                        sheets.push(sheet);
                    }
                }
            }
            FILEPASS if in_globals => return Ok(Book::Encrypted),
            CODEPAGE if in_globals => {
                let cp = u16_at(body, 0).unwrap_or(1252);
                if cp != 1200 {
                    strs.enc = codepage(cp);
                }
            }
            BOUNDSHEET if in_globals => {
                let pos = u32_at(body, 0).unwrap_or(0) as usize;
                let name = strs
                    .read(body, 6, false)
                    .map(|(s, _)| s)
                    .unwrap_or_default();
                // Only worksheets (type 0) hold cells.
                if body.get(5).copied().unwrap_or(0) == 0 {
                    sheet_names.insert(pos, name.clone());
                    ordered_names.push(name);
                }
            }
            SST if in_globals => sst_segments = Some(vec![body]),
            FORMAT if in_globals => {
                if let (Some(id), Some((code, _))) = (u16_at(body, 0), strs.read(body, 2, true)) {
                    formats.insert(id, code);
                }
            }
            FORMAT_BIFF4 if in_globals => {
                if let (Some(id), Some((code, _))) = (u16_at(body, 0), strs.read(body, 2, false)) {
                    formats.insert(id, code);
                }
            }
            XF if in_globals => xfs.push(u16_at(body, 2).unwrap_or(0)),
            _ => {}
        }
        let Some(sheet) = current.as_mut() else {
            continue;
        };
        if depth != 1 {
            continue;
        }
        let (Some(row), Some(col)) = (u16_at(body, 0), u16_at(body, 2)) else {
            continue;
        };
        let xf = u16_at(body, 4).unwrap_or(0);
        let number = |v: f64| -> String {
            let pattern = xfs
                .get(xf as usize)
                .and_then(|f| formats.get(f))
                .and_then(|code| DigitPattern::parse(code));
            general_number(&format_f64(v), pattern.as_ref())
        };
        let text = match kind {
            LABELSST => u32_at(body, 6)
                .and_then(|i| shared.get(i as usize))
                .cloned(),
            LABEL | RSTRING => strs.read(body, 6, true).map(|(s, _)| s),
            NUMBER => body
                .get(6..14)
                .map(|b| number(f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))),
            RK => u32_at(body, 6).map(|v| number(rk(v))),
            MULRK => {
                let mut p = 4;
                let mut c = col;
                while p + 6 <= body.len().saturating_sub(2) {
                    let xf = u16_at(body, p).unwrap_or(0);
                    let v = rk(u32_at(body, p + 2).unwrap_or(0));
                    let pattern = xfs
                        .get(xf as usize)
                        .and_then(|f| formats.get(f))
                        .and_then(|code| DigitPattern::parse(code));
                    let text = general_number(&format_f64(v), pattern.as_ref());
                    sheet.cells.push((row, c, text, true));
                    c = c.saturating_add(1);
                    p += 6;
                }
                None
            }
            FORMULA => match body.get(6..14) {
                Some(v) if v[6] == 0xFF && v[7] == 0xFF => match v[0] {
                    0 => {
                        pending_string = Some((row, col));
                        None
                    }
                    1 => Some(if v[2] != 0 { "TRUE" } else { "FALSE" }.to_string()),
                    _ => None,
                },
                Some(v) => Some(number(f64::from_le_bytes(v.try_into().unwrap_or([0; 8])))),
                None => None,
            },
            BOOLERR => match (body.get(6), body.get(7)) {
                (Some(&b), Some(0)) => Some(if b != 0 { "TRUE" } else { "FALSE" }.to_string()),
                _ => None,
            },
            _ => None,
        };
        if let Some(text) = text {
            // A formula's result is a number unless its last two bytes mark another type.
            let number = matches!(kind, NUMBER | RK)
                || (kind == FORMULA && body.get(12..14) != Some(&[0xFF, 0xFF][..]));
            sheet.cells.push((row, col, text, number));
        }
        if kind == TXO {
            pending_txo = u16_at(body, 10).map(usize::from).filter(|n| *n > 0);
        }
    }
    if let Some(sheet) = current.take() {
        sheets.push(sheet);
    }
    let mut out = Vec::new();
    let mut cap = cap;
    for mut sheet in sheets {
        sheet.cells.sort_by_key(|(r, c, _, _)| (*r, *c));
        let mut text = Out::new(cap);
        let mut grid = Grid::new();
        let mut numbers = Numbers::new();
        let mut row = None;
        for (r, c, t, number) in &sheet.cells {
            if t.trim().is_empty() {
                continue;
            }
            if row != Some(*r) {
                grid.row(u64::from(*r) + 1, &mut text);
                row = Some(*r);
            }
            let at = grid.cell(u64::from(*c), t, &mut text);
            if *number {
                numbers.number(u64::from(*c), t, at);
            } else {
                numbers.text(u64::from(*c), t);
            }
        }
        numbers.apply(&mut text);
        if !sheet.boxes.is_empty() {
            if !text.s.is_empty() {
                text.push('\n');
            }
            for b in &sheet.boxes {
                text.push_str(&b.replace('\r', "\n"));
                text.push('\n');
            }
        }
        // The sheets of a workbook share the cap.
        cap = cap.saturating_sub(text.s.len());
        out.push((sheet.name, text));
    }
    let note = (depth > 0)
        .then(|| format!("the workbook stream ends at byte {last}, inside a sheet: truncated"));
    Ok(Book::Sheets(out, note))
}

/// A number as text, for [`general_number`].
fn format_f64(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn codepage(cp: u16) -> &'static encoding_rs::Encoding {
    let label = match cp {
        874 => "windows-874".to_string(),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        1250..=1258 => format!("windows-{cp}"),
        10000 | 32768 => "macintosh".to_string(),
        _ => "windows-1252".to_string(),
    };
    encoding_rs::Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::WINDOWS_1252)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn rec(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend_from_slice(&(body.len() as u16).to_le_bytes());
        r.extend_from_slice(body);
        r
    }

    fn cell(row: u16, col: u16, xf: u16) -> Vec<u8> {
        [row.to_le_bytes(), col.to_le_bytes(), xf.to_le_bytes()].concat()
    }

    fn xl_string(s: &str, wide_len: bool, high: bool) -> Vec<u8> {
        let mut b = if wide_len {
            (s.chars().count() as u16).to_le_bytes().to_vec()
        } else {
            vec![s.chars().count() as u8]
        };
        b.push(u8::from(high));
        if high {
            b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        } else {
            b.extend(s.chars().map(|c| c as u8));
        }
        b
    }

    /// A BIFF8 workbook stream with two sheets, shared strings split over a CONTINUE, numbers,
    /// RK values, a formula and a custom number format.
    pub fn biff8() -> Vec<u8> {
        let mut globals = rec(BOF, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        globals.extend(rec(
            FORMAT,
            &[
                &164u16.to_le_bytes()[..],
                &xl_string("000000\\-0000", true, false),
            ]
            .concat(),
        ));
        for _ in 0..15 {
            globals.extend(rec(XF, &[0, 0, 0, 0]));
        }
        globals.extend(rec(XF, &[0, 0, 164, 0]));
        // The SST: "Namn", "Personnummer" split across a CONTINUE (the rest in UTF-16).
        let mut sst = 3u32.to_le_bytes().to_vec();
        sst.extend(3u32.to_le_bytes());
        sst.extend(xl_string("Namn", true, false));
        sst.extend(12u16.to_le_bytes());
        sst.push(0);
        sst.extend(b"Person");
        let mut cont = vec![1u8];
        cont.extend("nummer".encode_utf16().flat_map(u16::to_le_bytes));
        cont.extend(xl_string("Söder", true, true));
        let sheet_names = ["Klienter", "Tom"];
        // BOUNDSHEET offsets are patched below.
        let mut bounds = Vec::new();
        for name in sheet_names {
            let mut b = 0u32.to_le_bytes().to_vec();
            b.extend([0, 0]);
            b.extend(xl_string(name, false, false));
            bounds.push(b);
        }
        let mut sheet1 = rec(BOF, &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0]);
        sheet1.extend(rec(
            LABELSST,
            &[cell(0, 0, 0), 0u32.to_le_bytes().to_vec()].concat(),
        ));
        sheet1.extend(rec(
            LABELSST,
            &[cell(0, 1, 0), 1u32.to_le_bytes().to_vec()].concat(),
        ));
        sheet1.extend(rec(
            LABELSST,
            &[cell(2, 0, 0), 2u32.to_le_bytes().to_vec()].concat(),
        ));
        sheet1.extend(rec(
            NUMBER,
            &[cell(2, 1, 15), 101901234f64.to_le_bytes().to_vec()].concat(),
        ));
        sheet1.extend(rec(
            RK,
            &[
                cell(3, 2, 0),
                ((101901234u32 << 2) | 2).to_le_bytes().to_vec(),
            ]
            .concat(),
        ));
        let mut mulrk = cell(4, 0, 0)[..4].to_vec();
        for v in [7u32, 8] {
            mulrk.extend(0u16.to_le_bytes());
            mulrk.extend(((v << 2) | 2).to_le_bytes());
        }
        mulrk.extend(1u16.to_le_bytes());
        sheet1.extend(rec(MULRK, &mulrk));
        sheet1.extend(rec(
            LABEL,
            &[cell(5, 0, 0), xl_string("Etikett 311299-1234", true, false)].concat(),
        ));
        sheet1.extend(rec(EOF, &[]));
        let mut sheet2 = rec(BOF, &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0]);
        sheet2.extend(rec(EOF, &[]));

        let mut head = globals.clone();
        let bounds_len: usize = bounds.iter().map(|b| b.len() + 4).sum();
        let sst_len = sst.len() + 4 + cont.len() + 4;
        let first = head.len() + bounds_len + sst_len + 4;
        let offsets = [first, first + sheet1.len()];
        for (b, off) in bounds.iter_mut().zip(offsets) {
            b[..4].copy_from_slice(&(off as u32).to_le_bytes());
            head.extend(rec(BOUNDSHEET, b));
        }
        head.extend(rec(SST, &sst));
        head.extend(rec(CONTINUE, &cont));
        head.extend(rec(EOF, &[]));
        head.extend(sheet1);
        head.extend(sheet2);
        head
    }

    #[test]
    fn sheets_rows_and_numbers() {
        let Ok(Book::Sheets(sheets, note)) = workbook(&biff8(), 1 << 20) else {
            panic!("readable");
        };
        assert!(note.is_none());
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].0, "Klienter");
        assert_eq!(
            sheets[0].1.s,
            "Namn\tPersonnummer\n\nSöder\t010190-1234\n\t\t101901234\n7\t8\nEtikett 311299-1234"
        );
        assert!(sheets[1].1.s.is_empty());
    }

    #[test]
    fn encrypted_and_damaged() {
        let mut enc = rec(BOF, &[0x00, 0x06, 0x05, 0x00]);
        enc.extend(rec(FILEPASS, &[1, 0]));
        assert!(matches!(workbook(&enc, 100), Ok(Book::Encrypted)));
        let data = biff8();
        for cut in 0..data.len() {
            let _ = workbook(&data[..cut], 1 << 20);
        }
        assert!(workbook(b"garbage", 100).is_err());
    }
}
