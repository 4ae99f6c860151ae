//! JSON (and JSON Lines) as text: string escapes decoded (`\u002d` is a hyphen, `\/` a slash),
//! quotes dropped so that a key stands right before its value as a label (`"cpr": "…"` reads
//! `cpr: …`), everything else passed through.
//!
//! Not a parser: it holds no tree and needs no valid document, only whether it is inside a
//! string and a pending escape, so any size streams in constant memory and a truncated or
//! hand-edited file is read to its end. Escaped line breaks become spaces and raw ones stay,
//! so every line stays on its source line.

use crate::markup::Out;

#[derive(Default)]
pub(crate) struct Json {
    in_string: bool,
    /// An escape begun at the end of the last chunk (`\`, `\u00`), at most 6 bytes.
    pending: Vec<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    out: Vec<u8>,
}

impl Json {
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn Out) {
        self.out.clear();
        let mut data = chunk;
        let joined;
        if !self.pending.is_empty() {
            let mut v = std::mem::take(&mut self.pending);
            v.extend_from_slice(chunk);
            joined = v;
            data = &joined;
        }
        self.convert(data, false);
        out.flow(&self.out);
    }

    pub fn finish(&mut self, out: &mut dyn Out) {
        self.out.clear();
        let rest = std::mem::take(&mut self.pending);
        self.convert(&rest, true);
        self.lone_high();
        out.flow(&self.out);
    }

    fn lone_high(&mut self) {
        if self.high.take().is_some() {
            self.out.extend_from_slice("\u{fffd}".as_bytes());
        }
    }

    fn convert(&mut self, data: &[u8], last: bool) {
        let mut i = 0;
        while i < data.len() {
            if !self.in_string {
                // Copy up to the next quote.
                let q = memchr::memchr(b'"', &data[i..]).map_or(data.len(), |q| i + q);
                self.out.extend_from_slice(&data[i..q]);
                if q < data.len() {
                    self.in_string = true;
                }
                i = q + 1;
                continue;
            }
            let stop =
                memchr::memchr3(b'"', b'\\', b'\n', &data[i..]).map_or(data.len(), |s| i + s);
            if stop > i {
                self.lone_high();
                self.out.extend_from_slice(&data[i..stop]);
            }
            i = stop;
            let Some(&b) = data.get(i) else { break };
            match b {
                b'"' => {
                    self.lone_high();
                    self.in_string = false;
                    i += 1;
                }
                // A raw line break is no JSON, but keeps the lines where they are.
                b'\n' => {
                    self.lone_high();
                    self.in_string = false;
                    self.out.push(b'\n');
                    i += 1;
                }
                _ => match escape(&data[i..]) {
                    Escape::Incomplete if !last => {
                        self.pending.extend_from_slice(&data[i..]);
                        break;
                    }
                    Escape::Incomplete => {
                        self.lone_high();
                        self.out.extend_from_slice(&data[i..]);
                        break;
                    }
                    Escape::Char(c, len) => {
                        self.lone_high();
                        let mut buf = [0; 4];
                        self.out
                            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += len;
                    }
                    Escape::Unit(u) => {
                        self.unit(u);
                        i += 6;
                    }
                    Escape::Bad => {
                        self.lone_high();
                        self.out.push(b'\\');
                        i += 1;
                    }
                },
            }
        }
    }

    /// A `\uXXXX` escape: a character, or half of a surrogate pair.
    fn unit(&mut self, u: u16) {
        let c = match (self.high.take(), u) {
            (None, 0xD800..=0xDBFF) => {
                self.high = Some(u);
                return;
            }
            (Some(h), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                char::from_u32(c).unwrap_or('\u{fffd}')
            }
            (high, _) => {
                if high.is_some() {
                    self.out.extend_from_slice("\u{fffd}".as_bytes());
                }
                if (0xD800..=0xDFFF).contains(&u) {
                    '\u{fffd}'
                } else {
                    char::from_u32(u32::from(u)).unwrap_or('\u{fffd}')
                }
            }
        };
        let mut buf = [0; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

enum Escape {
    /// The escape runs past the end of the data.
    Incomplete,
    /// A character and the escape's length.
    Char(char, usize),
    /// A `\uXXXX` code unit.
    Unit(u16),
    /// Not an escape JSON knows: the backslash is kept.
    Bad,
}

/// Reads the escape at the start of `s` (which starts with a backslash).
fn escape(s: &[u8]) -> Escape {
    let Some(&e) = s.get(1) else {
        return Escape::Incomplete;
    };
    let c = match e {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        // Line breaks and tabs inside a value are spaces: the lines stay the source's, and a
        // tab would read as a table's cell separator.
        b'n' | b'r' | b't' | b'b' | b'f' => ' ',
        b'u' => {
            if s.len() < 6 {
                return if s[2..].iter().all(u8::is_ascii_hexdigit) {
                    Escape::Incomplete
                } else {
                    Escape::Bad
                };
            }
            let hex = &s[2..6];
            return match std::str::from_utf8(hex)
                .ok()
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u16::from_str_radix(h, 16).ok())
            {
                Some(u) => Escape::Unit(u),
                None => Escape::Bad,
            };
        }
        _ => return Escape::Bad,
    };
    Escape::Char(c, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::LineMap;

    struct Text(Vec<u8>);

    impl Out for Text {
        fn flow(&mut self, text: &[u8]) {
            self.0.extend_from_slice(text);
        }
        fn table(&mut self, _: &[u8], _: &LineMap) {
            unreachable!("JSON has no tables")
        }
    }

    fn convert(chunks: &[&[u8]]) -> String {
        let mut j = Json::default();
        let mut t = Text(vec![]);
        for c in chunks {
            j.push(c, &mut t);
        }
        j.finish(&mut t);
        String::from_utf8(t.0).unwrap()
    }

    #[test]
    fn decodes_strings_and_keeps_lines() {
        let json = br#"{"cpr": "070761\u002d4285", "url": "a\/b", "note": "x\ny\u00e6\ud83d\ude00"}
{"q": "say \"hi\"", "bad": "\q \ud800 end"}"#;
        let text = convert(&[json]);
        assert_eq!(
            text,
            "{cpr: 070761-4285, url: a/b, note: x y\u{e6}\u{1f600}}\n{q: say \"hi\", bad: \\q \u{fffd} end}"
        );
        // Escapes cut anywhere by chunk boundaries read the same.
        for cut in 1..json.len() {
            assert_eq!(convert(&[&json[..cut], &json[cut..]]), text, "cut at {cut}");
        }
        // A truncated escape at the end is kept as written.
        assert_eq!(convert(&[br#"["\u00"#]), "[\\u00");
    }
}
