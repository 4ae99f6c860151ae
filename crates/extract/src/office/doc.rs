//! Word 97–2003 documents (`.doc`): the text of the `WordDocument` stream through the piece
//! table in the table stream, every story (body, footnotes, headers and footers, comments,
//! endnotes, text boxes) in order. Word 6 and 95 documents, and documents whose piece table
//! cannot be read, fall back to the runs of text found in the stream.

/// What the File Information Block at the start of the `WordDocument` stream says.
#[derive(Debug)]
pub(crate) struct Fib {
    pub n_fib: u16,
    /// Password-protected (encrypted or obfuscated).
    pub encrypted: bool,
    /// The table stream is `1Table` (else `0Table`).
    pub table1: bool,
    fc_min: u32,
    fc_mac: u32,
    fc_clx: u32,
    lcb_clx: u32,
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

/// Reads the FIB; `Err` when the stream is not a Word document.
pub(crate) fn fib(word: &[u8]) -> Result<Fib, String> {
    let ident = u16_at(word, 0).ok_or("the WordDocument stream is empty")?;
    if ident != 0xA5EC && ident != 0xA5DC {
        return Err(format!(
            "the WordDocument stream does not start with a Word signature ({ident:#06x})"
        ));
    }
    let n_fib = u16_at(word, 2).unwrap_or(0);
    let flags = u16_at(word, 0x0A).unwrap_or(0);
    Ok(Fib {
        n_fib,
        encrypted: flags & 0x0100 != 0 || flags & 0x8000 != 0,
        table1: flags & 0x0200 != 0,
        fc_min: u32_at(word, 0x18).unwrap_or(0),
        fc_mac: u32_at(word, 0x1C).unwrap_or(0),
        fc_clx: u32_at(word, 0x01A2).unwrap_or(0),
        lcb_clx: u32_at(word, 0x01A6).unwrap_or(0),
    })
}

/// The document's text through the piece table (Word 97 and later).
pub(crate) fn text(word: &[u8], fib: &Fib, table: &[u8]) -> Result<String, String> {
    if fib.n_fib < 0x00C1 {
        return Err(format!(
            "Word 6/95 format (nFib {:#x}) has no Word 97 piece table",
            fib.n_fib
        ));
    }
    let start = fib.fc_clx as usize;
    let clx = table
        .get(start..start.saturating_add(fib.lcb_clx as usize))
        .ok_or_else(|| {
            format!(
                "the piece table (at {}, {} bytes) lies outside the table stream ({} bytes)",
                fib.fc_clx,
                fib.lcb_clx,
                table.len()
            )
        })?;
    // Skip the property modifiers (Prc), then read the piece table (Pcdt).
    let mut p = 0usize;
    let plc = loop {
        match clx.get(p) {
            Some(1) => {
                let cb = u16_at(clx, p + 1).ok_or("truncated Clx")? as usize;
                p += 3 + cb;
            }
            Some(2) => {
                let lcb = u32_at(clx, p + 1).ok_or("truncated Clx")? as usize;
                break clx
                    .get(p + 5..(p + 5).saturating_add(lcb))
                    .ok_or("the piece table is truncated")?;
            }
            Some(b) => return Err(format!("unexpected Clx entry {b:#x} at byte {p}")),
            None => return Err("no piece table in the Clx".into()),
        }
    };
    if plc.len() < 4 {
        return Err("empty piece table".into());
    }
    let n = (plc.len() - 4) / 12;
    let mut out = Chars::default();
    // Pieces may overlap: never more text than the stream could hold.
    let cap = word.len().saturating_mul(3).saturating_add(1024);
    for k in 0..n {
        if out.s.len() > cap {
            break;
        }
        let (Some(cp0), Some(cp1), Some(fc)) = (
            u32_at(plc, 4 * k),
            u32_at(plc, 4 * (k + 1)),
            u32_at(plc, 4 * (n + 1) + 8 * k + 2),
        ) else {
            break;
        };
        let chars = cp1.saturating_sub(cp0) as usize;
        if fc & 0x4000_0000 != 0 {
            let at = ((fc & 0x3FFF_FFFF) / 2) as usize;
            let end = at.saturating_add(chars).min(word.len());
            if let Some(bytes) = word.get(at..end) {
                let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                s.chars().for_each(|c| out.push(c));
            }
        } else {
            let at = fc as usize;
            let end = at.saturating_add(chars.saturating_mul(2)).min(word.len());
            if let Some(bytes) = word.get(at..end) {
                for c in char::decode_utf16(
                    bytes
                        .chunks_exact(2)
                        .map(|u| u16::from_le_bytes([u[0], u[1]])),
                ) {
                    out.push(c.unwrap_or('\u{fffd}'));
                }
            }
        }
    }
    Ok(out.s)
}

/// Word 6/95: the text between `fcMin` and `fcMac`, in Windows-1252.
pub(crate) fn text_word6(word: &[u8], fib: &Fib) -> Option<String> {
    let bytes = word.get(fib.fc_min as usize..(fib.fc_mac as usize).min(word.len()))?;
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    let mut out = Chars::default();
    s.chars().for_each(|c| out.push(c));
    Some(out.s)
}

/// Turns Word's special characters into text: paragraph and cell marks into line ends and
/// tabs, field codes dropped (their results kept), object anchors dropped.
#[derive(Default)]
struct Chars {
    s: String,
    /// Open fields: true once past the separator (showing the result).
    fields: Vec<bool>,
    last_cell: bool,
}

impl Chars {
    fn push(&mut self, c: char) {
        let in_code = self.fields.last().is_some_and(|shown| !shown);
        let cell = c == '\u{7}';
        match c {
            '\u{13}' => self.fields.push(false),
            '\u{14}' => {
                if let Some(f) = self.fields.last_mut() {
                    *f = true;
                }
            }
            '\u{15}' => {
                self.fields.pop();
            }
            _ if in_code => {}
            '\r' | '\u{b}' | '\u{c}' | '\u{e}' => self.s.push('\n'),
            '\u{7}' => {
                if self.last_cell {
                    // A cell mark right after a cell mark ends the row.
                    if self.s.ends_with('\t') {
                        self.s.pop();
                    }
                    self.s.push('\n');
                } else {
                    self.s.push('\t');
                }
            }
            '\t' => self.s.push('\t'),
            '\u{1e}' => self.s.push('-'),
            '\u{1f}' => {}
            c if (c as u32) < 0x20 => {}
            c => self.s.push(c),
        }
        self.last_cell = cell;
    }
}

/// Runs of text in a stream that could not be read properly: UTF-16LE runs and 8-bit runs of
/// at least `min` characters, a line each.
pub(crate) fn text_runs(data: &[u8], min: usize) -> String {
    let mut out = String::new();
    // UTF-16LE, at both alignments.
    for offset in 0..2 {
        let mut run = String::new();
        let mut count = 0;
        for u in data
            .get(offset..)
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|u| u16::from_le_bytes([u[0], u[1]]))
        {
            let c = char::from_u32(u32::from(u)).filter(|c| {
                let hi = u >> 8;
                (hi == 0 || (1..=4).contains(&hi) || hi == 0x20)
                    && (!c.is_control() || *c == '\r' || *c == '\t')
            });
            match c {
                Some(c) => {
                    run.push(if c == '\r' { '\n' } else { c });
                    count += 1;
                }
                None => {
                    if count >= min {
                        out.push_str(run.trim());
                        out.push('\n');
                    }
                    run.clear();
                    count = 0;
                }
            }
        }
        if count >= min {
            out.push_str(run.trim());
            out.push('\n');
        }
    }
    // 8-bit runs (Windows-1252).
    let mut start = None;
    for (i, &b) in data.iter().chain(std::iter::once(&0u8)).enumerate() {
        let printable = (0x20..0x7F).contains(&b) || b >= 0xA0 || b == b'\r' || b == b'\t';
        match (printable, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= min {
                    let (t, _, _) = encoding_rs::WINDOWS_1252.decode(&data[s..i]);
                    out.push_str(t.replace('\r', "\n").trim());
                    out.push('\n');
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal Word 97 document: a FIB, text in two pieces (8-bit and UTF-16), and a table
    /// stream with the piece table. Returns (WordDocument, 1Table).
    pub fn word97(piece1: &str, piece2: &str, flags: u16) -> (Vec<u8>, Vec<u8>) {
        let mut word = vec![0u8; 0x400];
        word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        word[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        word[0x0A..0x0C].copy_from_slice(&(flags | 0x0200).to_le_bytes());
        let fc1 = word.len();
        let (b1, _, _) = encoding_rs::WINDOWS_1252.encode(piece1);
        word.extend_from_slice(&b1);
        let fc2 = word.len();
        let u: Vec<u16> = piece2.encode_utf16().collect();
        for c in &u {
            word.extend_from_slice(&c.to_le_bytes());
        }
        let n1 = piece1.chars().count() as u32;
        let n2 = u.len() as u32;
        let mut plc = Vec::new();
        for cp in [0, n1, n1 + n2] {
            plc.extend_from_slice(&cp.to_le_bytes());
        }
        for fc in [((fc1 as u32) * 2) | 0x4000_0000, fc2 as u32] {
            plc.extend_from_slice(&0u16.to_le_bytes());
            plc.extend_from_slice(&fc.to_le_bytes());
            plc.extend_from_slice(&0u16.to_le_bytes());
        }
        let mut table = vec![0u8; 16];
        let fc_clx = table.len() as u32;
        table.extend_from_slice(&[1, 2, 0, 0xAA, 0xBB]);
        table.push(2);
        table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
        table.extend_from_slice(&plc);
        let lcb = table.len() as u32 - fc_clx;
        word[0x01A2..0x01A6].copy_from_slice(&fc_clx.to_le_bytes());
        word[0x01A6..0x01AA].copy_from_slice(&lcb.to_le_bytes());
        (word, table)
    }

    #[test]
    fn piece_table_with_fields_and_tables() {
        let (word, table) = word97(
            "CPR: 010190-1234\rNamn\x07Nr\x07\x07",
            "Söder \u{13}HYPERLINK x\u{14}visad\u{15} 311299\u{1e}1234\r",
            0,
        );
        let fib = fib(&word).unwrap();
        assert!(fib.table1 && !fib.encrypted);
        assert_eq!(
            text(&word, &fib, &table).unwrap(),
            "CPR: 010190-1234\nNamn\tNr\nSöder visad 311299-1234\n"
        );
    }

    #[test]
    fn damaged_piece_tables_are_errors_not_panics() {
        let (word, table) = word97("abc", "def", 0);
        let fib = fib(&word).unwrap();
        for cut in 0..table.len() {
            let _ = text(&word, &fib, &table[..cut]);
        }
        for cut in 0..word.len() {
            let _ = super::fib(&word[..cut]).map(|f| text(&word[..cut], &f, &table));
        }
        let runs = text_runs(&word, 3);
        assert!(runs.contains("abc") && runs.contains("def"), "{runs}");
    }
}
