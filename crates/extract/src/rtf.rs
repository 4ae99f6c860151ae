//! RTF: a small, tolerant converter from RTF to text.
//!
//! Paragraphs (`\par`, `\line`, `\sect`, `\page`) become lines and a table row (`\cell`,
//! `\row`) one line of tab-separated cells. 8-bit characters (`\'hh` and raw bytes) are decoded
//! in the code page of the document (`\ansicpg`) or of the current font (`\fcharset`);
//! Unicode characters (`\uN`) replace their fallback (`\ucN`). Destinations that hold no text
//! (font, colour and style tables, document information, pictures, embedded object data,
//! field instructions, and every unknown `\*` destination) are skipped.

use std::collections::HashMap;

use encoding_rs::Encoding;

use crate::item::{Cx, Problem};

/// True when `head` starts like an RTF document.
pub(crate) fn is_rtf(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    head.starts_with(b"{\\rtf")
}

/// An RTF document.
pub fn rtf(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let (text, open) = to_text(data);
    if !text.trim().is_empty() {
        cx.text("", text.as_bytes());
    }
    if open > 0 {
        let reason = format!("truncated: the document ends with {open} groups still open");
        cx.problem("", "rtf", Problem::Corrupt, &reason);
    }
    Ok(())
}

/// Destinations whose content is not text.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "themedata",
    "colorschememapping",
    "latentstyles",
    "datastore",
    "xmlnstbl",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "generator",
    "filetbl",
    "pgdsctbl",
    "objdata",
    "objclass",
    "fldinst",
    "bkmkstart",
    "bkmkend",
    "xe",
    "tc",
    "template",
    "mmathPr",
    "defchp",
    "defpap",
    "falt",
    "panose",
    "fontemb",
    "fontfile",
    "sp",
    "userprops",
    "docvar",
    "wgrffmtfilter",
    "passwordhash",
];

/// `\*` destinations that do hold text: comments and the text of shapes.
const KEPT_STARRED: &[&str] = &["annotation", "shpinst", "shptxt"];

#[derive(Clone)]
struct Group {
    /// Inside a destination whose content is skipped.
    skip: bool,
    /// Inside the font table.
    fonttbl: bool,
    /// Characters of fallback after `\uN`.
    uc: usize,
    /// The current font.
    font: Option<i64>,
}

struct State {
    out: String,
    /// 8-bit text not decoded yet (a double-byte character may span two `\'hh`).
    bytes: Vec<u8>,
    /// The encoding `bytes` are in.
    bytes_enc: &'static Encoding,
    doc_enc: &'static Encoding,
    fonts: HashMap<i64, &'static Encoding>,
    /// The font being defined in the font table.
    defining: Option<i64>,
    cur: Group,
    stack: Vec<Group>,
    /// Fallback characters still to skip after `\uN`.
    skip_chars: usize,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// The paragraph is in a table (a paragraph end inside a cell is a space).
    intbl: bool,
}

impl State {
    fn enc(&self) -> &'static Encoding {
        self.cur
            .font
            .and_then(|f| self.fonts.get(&f).copied())
            .unwrap_or(self.doc_enc)
    }

    fn byte(&mut self, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.cur.skip {
            return;
        }
        let enc = self.enc();
        if enc != self.bytes_enc {
            self.flush();
            self.bytes_enc = enc;
        }
        self.bytes.push(b);
    }

    fn flush(&mut self) {
        if !self.bytes.is_empty() {
            let (text, _, _) = self.bytes_enc.decode(&self.bytes);
            self.out.push_str(&text);
            self.bytes.clear();
        }
    }

    fn push(&mut self, s: &str) {
        if !self.cur.skip {
            self.flush();
            self.out.push_str(s);
        }
    }

    fn unicode(&mut self, n: i64) {
        let unit = if n < 0 { n + 65536 } else { n };
        let Ok(unit) = u16::try_from(unit) else {
            return;
        };
        self.skip_chars = self.cur.uc;
        if self.cur.skip {
            return;
        }
        self.flush();
        match unit {
            0xD800..=0xDBFF => self.high = Some(unit),
            0xDC00..=0xDFFF => {
                if let Some(high) = self.high.take() {
                    let c =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    if let Some(c) = char::from_u32(c) {
                        self.out.push(c);
                    }
                }
            }
            _ => {
                self.high = None;
                if let Some(c) = char::from_u32(u32::from(unit)) {
                    self.out.push(c);
                }
            }
        }
    }

    fn paragraph(&mut self) {
        self.flush();
        if self.intbl {
            if !self.out.ends_with([' ', '\t', '\n']) {
                self.push(" ");
            }
        } else {
            self.push("\n");
        }
    }
}

/// The encoding of a Windows code page, Windows-1252 for those `encoding_rs` lacks.
fn codepage(cp: i64) -> &'static Encoding {
    let label = match cp {
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return windows(cp),
        10000 => "macintosh",
        20866 => "koi8-r",
        28591 => "iso-8859-1",
        28592 => "iso-8859-2",
        28605 => "iso-8859-15",
        65001 => "utf-8",
        _ => "windows-1252",
    };
    Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::WINDOWS_1252)
}

fn windows(cp: i64) -> &'static Encoding {
    Encoding::for_label(format!("windows-{cp}").as_bytes()).unwrap_or(encoding_rs::WINDOWS_1252)
}

/// The encoding of a font character set (`\fcharsetN`); `None` for the document's own.
fn charset(n: i64) -> Option<&'static Encoding> {
    Some(match n {
        77 => codepage(10000),
        128 => codepage(932),
        129 => codepage(949),
        134 => codepage(936),
        136 => codepage(950),
        161 => windows(1253),
        162 => windows(1254),
        163 => windows(1258),
        177 => windows(1255),
        178 => windows(1256),
        186 => windows(1257),
        204 => windows(1251),
        222 => codepage(874),
        238 => windows(1250),
        _ => return None,
    })
}

/// Converts an RTF document to text; also returns how many groups were left open.
pub(crate) fn to_text(data: &[u8]) -> (String, usize) {
    let mut st = State {
        out: String::new(),
        bytes: Vec::new(),
        bytes_enc: encoding_rs::WINDOWS_1252,
        doc_enc: encoding_rs::WINDOWS_1252,
        fonts: HashMap::new(),
        defining: None,
        cur: Group {
            skip: false,
            fonttbl: false,
            uc: 1,
            font: None,
        },
        stack: Vec::new(),
        skip_chars: 0,
        high: None,
        intbl: false,
    };
    // The first control word of a group may name a destination; `\*` marks an optional one.
    let mut group_start = false;
    let mut starred = false;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        i += 1;
        match b {
            b'{' => {
                st.flush();
                st.stack.push(st.cur.clone());
                st.skip_chars = 0;
                group_start = true;
                starred = false;
            }
            b'}' => {
                st.flush();
                if let Some(g) = st.stack.pop() {
                    st.cur = g;
                }
                st.skip_chars = 0;
                group_start = false;
            }
            b'\r' | b'\n' => {}
            b'\\' => {
                let Some(&c) = data.get(i) else { break };
                if c.is_ascii_alphabetic() {
                    let start = i;
                    while i < data.len() && data[i].is_ascii_alphabetic() && i - start < 32 {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&data[start..i]).unwrap_or("");
                    let pstart = i;
                    if i < data.len() && data[i] == b'-' {
                        i += 1;
                    }
                    while i < data.len() && data[i].is_ascii_digit() && i - pstart < 10 {
                        i += 1;
                    }
                    let param: Option<i64> = std::str::from_utf8(&data[pstart..i])
                        .ok()
                        .and_then(|p| p.parse().ok());
                    if i < data.len() && data[i] == b' ' {
                        i += 1;
                    }
                    let first = std::mem::take(&mut group_start);
                    let star = std::mem::take(&mut starred);
                    if word == "bin" {
                        let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                        i = i.saturating_add(n).min(data.len());
                        continue;
                    }
                    if st.skip_chars > 0 && word != "u" {
                        st.skip_chars -= 1;
                        continue;
                    }
                    control(&mut st, word, param, first, star);
                } else {
                    i += 1;
                    match c {
                        b'\'' => {
                            let hex = data.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                i += 2;
                                st.byte(v);
                            }
                        }
                        b'*' => starred = true,
                        b'\\' | b'{' | b'}' => st.byte(c),
                        b'~' => st.push("\u{a0}"),
                        b'_' => st.push("-"),
                        b'\r' | b'\n' => st.paragraph(),
                        b'\t' => st.push("\t"),
                        _ => {}
                    }
                    if c != b'*' {
                        group_start = false;
                    }
                }
            }
            _ => {
                group_start = false;
                st.byte(b);
            }
        }
    }
    st.flush();
    (st.out, st.stack.len())
}

fn control(st: &mut State, word: &str, param: Option<i64>, first: bool, star: bool) {
    if first && (SKIPPED.contains(&word) || (star && !KEPT_STARRED.contains(&word))) {
        st.flush();
        st.cur.skip = true;
        if word == "fonttbl" {
            st.cur.fonttbl = true;
        }
        return;
    }
    match word {
        "par" | "sect" | "page" | "line" => st.paragraph(),
        "tab" => st.push("\t"),
        "cell" | "nestcell" if !st.cur.skip => {
            st.flush();
            let n = st.out.trim_end_matches(' ').len();
            st.out.truncate(n);
            st.out.push('\t');
        }
        "row" | "nestrow" => {
            if !st.cur.skip {
                st.flush();
                if st.out.ends_with('\t') {
                    st.out.pop();
                }
                st.out.push('\n');
            }
            st.intbl = false;
        }
        "intbl" => st.intbl = true,
        "pard" => st.intbl = false,
        "emdash" => st.push("\u{2014}"),
        "endash" => st.push("\u{2013}"),
        "bullet" => st.push("\u{2022}"),
        "lquote" => st.push("\u{2018}"),
        "rquote" => st.push("\u{2019}"),
        "ldblquote" => st.push("\u{201c}"),
        "rdblquote" => st.push("\u{201d}"),
        "emspace" | "enspace" | "qmspace" => st.push(" "),
        "u" => st.unicode(param.unwrap_or(0)),
        "uc" => st.cur.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(16),
        "ansicpg" => {
            st.flush();
            st.doc_enc = codepage(param.unwrap_or(1252));
        }
        "mac" => {
            st.flush();
            st.doc_enc = codepage(10000);
        }
        "f" => {
            st.flush();
            if st.cur.fonttbl {
                st.defining = param;
            } else {
                st.cur.font = param;
            }
        }
        "deff" => st.cur.font = param,
        "fcharset" if st.cur.fonttbl => {
            if let (Some(font), Some(enc)) = (st.defining, param.and_then(charset)) {
                st.fonts.insert(font, enc);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        to_text(rtf.as_bytes()).0
    }

    #[test]
    fn paragraphs_tables_and_skipped_destinations() {
        let rtf = r#"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}{\f1 Times;}}{\colortbl;\red0\green0\blue0;}
{\stylesheet{\s0 Normal;}}{\info{\title Hemligt 0101901234}{\author X}}
{\*\generator Writer}\pard\plain CPR: 010190-1234\par
N\'e4r\tab s\'f8ster\line slut\par
\trowd\cellx1000\cellx2000\pard\intbl Namn\par Efternamn\cell Personnummer\cell\row
\pard {\*\bkmkstart x}{\field{\*\fldinst HYPERLINK "y"}{\fldrslt visad}}\par
{\pict\pngblip 89504e470d0a1a0a}efter\par}"#;
        assert_eq!(
            text(rtf),
            "CPR: 010190-1234\nNär\tsøster\nslut\nNamn Efternamn\tPersonnummer\nvisad\nefter\n"
        );
    }

    #[test]
    fn unicode_with_fallback_and_code_pages() {
        assert_eq!(text(r"{\rtf1\uc1 S\u246?der\u8209-x}"), "Söder\u{2011}x");
        assert_eq!(text(r"{\rtf1\uc2 a\u246\'f6\'f6b}"), "aöb");
        assert_eq!(text(r"{\rtf1\uc0 a\u246 b}"), "aöb");
        assert_eq!(text(r"{\rtf1 \u-10179?\u-8694?}"), "\u{1f60a}");
        assert_eq!(text(r"{\rtf1\ansi\ansicpg1250 \'b9}"), "ą");
        assert_eq!(
            text(r"{\rtf1\ansi{\fonttbl{\f0 A;}{\f1\fcharset204 B;}}\f1 \'c0\f0 \'c0}"),
            "АÀ"
        );
        assert_eq!(
            text(r"{\rtf1{\*\annotation kommentar}{\*\unknown nej}ja}"),
            "kommentarja"
        );
        assert_eq!(text("{\\rtf1 a\\bin3 \x00}\x01b}"), "ab");
        assert_eq!(text(r"{\rtf1 a\{b\}\\c\~d}"), "a{b}\\c\u{a0}d");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for input in [
            &b"{\\rtf"[..],
            b"{\\rtf1\\'",
            b"{\\rtf1\\'z",
            b"{\\rtf1\\u",
            b"{\\rtf1\\u99999999999999999999",
            b"{\\rtf1\\bin99999999999999",
            b"}}}}{\\rtf1",
            b"{\\rtf1\\uc-5\\u65 x",
            b"{\\rtf1\\\\",
        ] {
            let _ = to_text(input);
        }
        let deep = "{".repeat(100_000);
        let (_, open) = to_text(format!("{{\\rtf1{deep}x").as_bytes());
        assert_eq!(open, 100_001);
    }
}
