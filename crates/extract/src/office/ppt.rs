//! PowerPoint 97–2003 presentations (`.ppt`): the text atoms of the `PowerPoint Document`
//! stream (`TextCharsAtom` in UTF-16, `TextBytesAtom` in 8 bits, `CString`), located by the
//! slide or notes page they belong to.

use std::collections::BTreeMap;

const SLIDE: u16 = 0x03EE;
const NOTES: u16 = 0x03F0;
const MAIN_MASTER: u16 = 0x03F8;
const SLIDE_LIST_WITH_TEXT: u16 = 0x0FF0;
const SLIDE_PERSIST_ATOM: u16 = 0x03F3;
const TEXT_CHARS_ATOM: u16 = 0x0FA0;
const TEXT_BYTES_ATOM: u16 = 0x0FA8;
const CSTRING: u16 = 0x0FBA;
const CRYPT_SESSION: u16 = 0x2F14;

/// How deep record containers may nest before the rest is skipped.
const MAX_DEPTH: usize = 64;

/// Where a text belongs: slide N, notes N, or the presentation itself (masters, names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Slide(u32),
    Notes(u32),
    Other,
}

pub(crate) enum Presentation {
    /// (location, text) in slide order.
    Text(Vec<(String, String)>),
    Encrypted,
}

/// Reads the text of the `PowerPoint Document` stream.
pub(crate) fn text(stream: &[u8]) -> Presentation {
    let mut texts: BTreeMap<Place, String> = BTreeMap::new();
    // Open containers: (end offset, type, place inside it).
    let mut stack: Vec<(usize, u16, Place)> = Vec::new();
    let (mut slides, mut notes) = (0u32, 0u32);
    // Within a SlideListWithText: which list (0 slides, 2 notes) and the current entry.
    let mut list: Option<(u16, u32)> = None;
    let mut pos = 0usize;
    while pos + 8 <= stream.len() {
        while stack.last().is_some_and(|(end, _, _)| pos >= *end) {
            if let Some((_, SLIDE_LIST_WITH_TEXT, _)) = stack.pop() {
                list = None;
            }
        }
        let ver_inst = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let kind = u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]);
        let len = u32::from_le_bytes([
            stream[pos + 4],
            stream[pos + 5],
            stream[pos + 6],
            stream[pos + 7],
        ]) as usize;
        let body = pos + 8;
        let end = body.saturating_add(len).min(stream.len());
        if kind == CRYPT_SESSION {
            return Presentation::Encrypted;
        }
        let outer = stack.last().map_or(Place::Other, |(_, _, p)| *p);
        if ver_inst & 0x000F == 0x000F && stack.len() < MAX_DEPTH {
            let place = match kind {
                SLIDE => {
                    slides += 1;
                    Place::Slide(slides)
                }
                NOTES => {
                    notes += 1;
                    Place::Notes(notes)
                }
                MAIN_MASTER => Place::Other,
                SLIDE_LIST_WITH_TEXT => {
                    list = Some((ver_inst >> 4, 0));
                    Place::Other
                }
                _ => outer,
            };
            stack.push((end, kind, place));
            pos = body;
            continue;
        }
        let place = match (list, outer) {
            (Some((0, n)), _) if n > 0 => Place::Slide(n),
            (Some((2, n)), _) if n > 0 => Place::Notes(n),
            (Some(_), _) => Place::Other,
            (None, p) => p,
        };
        let data = &stream[body..end];
        let text = match kind {
            SLIDE_PERSIST_ATOM => {
                if let Some((l, n)) = list {
                    list = Some((l, n + 1));
                }
                None
            }
            TEXT_CHARS_ATOM | CSTRING => Some(
                char::decode_utf16(
                    data.chunks_exact(2)
                        .map(|u| u16::from_le_bytes([u[0], u[1]])),
                )
                .map(|c| c.unwrap_or('\u{fffd}'))
                .collect::<String>(),
            ),
            // The low bytes of UTF-16 code units: ISO-8859-1.
            TEXT_BYTES_ATOM => Some(data.iter().map(|&b| char::from(b)).collect()),
            _ => None,
        };
        if let Some(text) = text {
            let clean: String = text
                .chars()
                .map(|c| match c {
                    '\r' | '\u{b}' => '\n',
                    '\t' => '\t',
                    c if c.is_control() => ' ',
                    c => c,
                })
                .collect();
            if !clean.trim().is_empty() {
                let t = texts.entry(place).or_default();
                t.push_str(clean.trim_end());
                t.push('\n');
            }
        }
        pos = end.max(pos + 8);
    }
    Presentation::Text(
        texts
            .into_iter()
            .map(|(place, text)| {
                let location = match place {
                    Place::Slide(n) => format!("slide {n}"),
                    Place::Notes(n) => format!("notes {n}"),
                    Place::Other => String::new(),
                };
                (location, text)
            })
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn record(ver_inst: u16, kind: u16, body: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        r.extend_from_slice(&ver_inst.to_le_bytes());
        r.extend_from_slice(&kind.to_le_bytes());
        r.extend_from_slice(&(body.len() as u32).to_le_bytes());
        r.extend_from_slice(body);
        r
    }

    pub fn chars(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// A presentation stream with a slide list (two slides' titles), a slide container with a
    /// text box, and a notes page.
    pub fn presentation() -> Vec<u8> {
        let mut list = Vec::new();
        list.extend(record(0, SLIDE_PERSIST_ATOM, &[0; 20]));
        list.extend(record(
            0,
            TEXT_CHARS_ATOM,
            &chars("Första bilden\r0101901234"),
        ));
        list.extend(record(0, SLIDE_PERSIST_ATOM, &[0; 20]));
        list.extend(record(0, TEXT_BYTES_ATOM, b"Andra \xe5"));
        let mut doc = record(0x000F, SLIDE_LIST_WITH_TEXT, &list);
        doc = record(0x000F, 0x03E8, &doc);
        let textbox = record(0x000F, 0xF00D, &record(0, TEXT_CHARS_ATOM, &chars("ruta")));
        doc.extend(record(0x000F, SLIDE, &record(0x000F, 0x040C, &textbox)));
        doc.extend(record(0x000F, SLIDE, &[]));
        doc.extend(record(
            0x000F,
            NOTES,
            &record(0, TEXT_BYTES_ATOM, b"anteckning 311299-1234"),
        ));
        doc
    }

    #[test]
    fn text_atoms_by_slide() {
        let Presentation::Text(texts) = text(&presentation()) else {
            panic!("not encrypted");
        };
        assert_eq!(
            texts,
            vec![
                ("slide 1".into(), "Första bilden\n0101901234\nruta\n".into()),
                ("slide 2".into(), "Andra å\n".into()),
                ("notes 1".into(), "anteckning 311299-1234\n".into()),
            ]
        );
    }

    #[test]
    fn truncated_and_hostile_streams() {
        let p = presentation();
        for cut in 0..p.len() {
            let _ = text(&p[..cut]);
        }
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend_from_slice(&[0x0F, 0, 0xE8, 0x03, 0xFF, 0xFF, 0xFF, 0xFF]);
        }
        let _ = text(&deep);
        assert!(matches!(
            text(&record(0x000F, CRYPT_SESSION, &[])),
            Presentation::Encrypted
        ));
    }
}
