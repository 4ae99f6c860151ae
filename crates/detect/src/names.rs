//! Person names: a first name followed by a last name, both from the national name lists.
//!
//! The lists are data given at start (Faker's person providers for the five countries, see
//! `scripts/fetch-names`), not compiled in. A name is only ever a *full* name: one or more
//! first names and a last name, each capitalised, separated by single spaces ("Anna Maria
//! Lindqvist", "Anna-Karin Berg"). Icelandic and Scandinavian patronymics count as last names
//! when their stem is a first name ("Guðmundsson", "Jónsdóttir", "Jensen"). "Lindqvist, Anna"
//! counts only after a name label. A capitalised word alone is never a name: precision matters
//! more than recall.
//!
//! Speed: the text is read many bytes at a time for capital letters at the start of a word
//! (ASCII A–Z or the first byte of Ä, Ø, Þ in UTF-8 and in Latin-1, after a space or
//! punctuation; [`crate::bytes`]); a word is looked up (with a cheap hash) only when another
//! capitalised word follows it.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

#[cfg(test)]
use crate::bytes::Class;
use crate::context::encodings;

/// FNV-1a: words are short, and SipHash would cost more than the rest of the search.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Set = HashSet<Vec<u8>, BuildHasherDefault<Fnv>>;

/// Longest name part looked up, in bytes.
const MAX_WORD: usize = 40;
/// Parts of a full name: first names, middle names and the last name.
const MAX_PARTS: usize = 4;
/// Endings of patronymic last names, longest first.
const PATRONYMIC: &[&str] = &[
    "sdóttir", "dóttir", "sdottir", "dottir", "sson", "son", "sen",
];
/// Words before a `:` that announce a name ("Namn:", "Patientens namn:", "Nimi:").
const NAME_LABELS: &[&str] = &[
    "namn",
    "navn",
    "name",
    "nimi",
    "nafn",
    "patient",
    "potilas",
    "borger",
    "brukar",
    "bruker",
    "klient",
    "asiakas",
    "elev",
    "oppilas",
    "sjúklingur",
    "kontaktperson",
];

/// The first and last names to look for.
#[derive(Default)]
pub struct Names {
    first: Set,
    last: Set,
    /// Patronymic endings in every spelling: a last name may be a first name plus one.
    endings: Vec<Vec<u8>>,
    count: usize,
}

/// A line of a name list that cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub struct NamesError {
    pub line: usize,
    pub reason: String,
}

/// A full name found in a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Name {
    pub start: usize,
    pub end: usize,
    /// Lower-case parts joined by single spaces: the input of the fingerprint.
    pub normalized: String,
    /// After a name label, or written "Last, First" after one.
    pub labelled: bool,
}

impl Names {
    /// No names: the detector finds none.
    pub fn empty() -> Names {
        Names::default()
    }

    /// Reads a list of lines `first<TAB>country<TAB>Name` or `last<TAB>country<TAB>Name`;
    /// `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Names, NamesError> {
        let mut names = Names {
            endings: encodings(PATRONYMIC.iter().map(|s| s.to_string())),
            ..Names::default()
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |reason: &str| NamesError {
                line: i + 1,
                reason: reason.to_string(),
            };
            let mut fields = line.split('\t');
            let (Some(role), Some(_country), Some(name), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(err(
                    "expected three tab-separated fields: role, country, name",
                ));
            };
            let set = match role {
                "first" => &mut names.first,
                "last" => &mut names.last,
                _ => return Err(err("the role must be `first` or `last`")),
            };
            if !name.chars().next().is_some_and(char::is_uppercase) || name.contains(' ') {
                return Err(err("a name is one capitalised word"));
            }
            if name.len() > MAX_WORD {
                return Err(err("a name is at most 40 bytes long"));
            }
            for form in encodings([name.to_string()]) {
                set.insert(form);
            }
            names.count += 1;
        }
        Ok(names)
    }

    /// How many names the lists hold.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Every full name that starts in `h[from..to]` (the engine reads names in its shared
    /// pass instead).
    #[cfg(test)]
    pub(crate) fn find(&self, h: &[u8], from: usize, to: usize, out: &mut Vec<Name>) {
        let mut done = from;
        crate::bytes::each(h, from, to, (true, false), |s, class| {
            if class == Class::WordCapital && s >= done {
                if let Some(n) = self.name_at(h, s) {
                    done = n.end;
                    out.push(n);
                }
            }
        });
    }

    /// The full name starting at `s`, if the words there make one.
    pub(crate) fn name_at(&self, h: &[u8], s: usize) -> Option<Name> {
        // After a quotation mark or a no-break space, but not inside a word ("KöAnna").
        if s >= 2 && (0x80..=0xBF).contains(&h[s - 1]) && letter_len(h, s - 2) == 2 {
            return None;
        }
        // Most capitalised words start a sentence and a lower-case word follows: a name needs
        // a capital after one space (or ", " for "Lindqvist, Anna"). Checked before any lookup.
        let e = s + word_len(h, s);
        let next = match h.get(e) {
            Some(b' ') => h.get(e + 1),
            Some(b',') if h.get(e + 1) == Some(&b' ') => h.get(e + 2),
            _ => None,
        };
        if !next.is_some_and(|&b| b.is_ascii_uppercase() || b >= 0xC0) {
            return None;
        }
        let first = capitalised(h, s)?;
        if !self.is_first(&h[s..first]) {
            return self.last_name_first(h, s, first);
        }
        // On the stack: this runs for every first name in the text.
        let mut parts = [(s, first); MAX_PARTS];
        let mut n = 1;
        let mut at = first;
        while n < MAX_PARTS && h.get(at) == Some(&b' ') {
            match capitalised(h, at + 1) {
                Some(e) => {
                    parts[n] = (at + 1, e);
                    n += 1;
                    at = e;
                }
                None => break,
            }
        }
        let parts = &parts[..n];
        // The longest run of first (or middle) names ending in a last name.
        let last = (1..parts.len()).rev().find(|&j| {
            let (a, b) = parts[j];
            self.is_last(&h[a..b])
                && parts[1..j]
                    .iter()
                    .all(|&(a, b)| self.is_first(&h[a..b]) || self.is_last(&h[a..b]))
        });
        let labelled = labelled(h, s);
        if let Some(j) = last {
            let end = parts[j].1;
            return Some(Name {
                start: s,
                end,
                normalized: normalize(&parts[..=j], h),
                labelled,
            });
        }
        self.last_name_first(h, s, first)
    }

    /// "Lindqvist, Anna" after a name label: a last name, a comma and a first name.
    fn last_name_first(&self, h: &[u8], s: usize, e: usize) -> Option<Name> {
        if !self.is_last(&h[s..e]) || !h[e..].starts_with(b", ") || !labelled(h, s) {
            return None;
        }
        let given = e + 2;
        let end = capitalised(h, given)?;
        self.is_first(&h[given..end]).then(|| Name {
            start: s,
            end,
            normalized: normalize(&[(given, end), (s, e)], h),
            labelled: true,
        })
    }

    /// A first name, or first names joined by hyphens ("Anna-Karin").
    pub(crate) fn is_first(&self, w: &[u8]) -> bool {
        self.first.contains(w) || hyphenated(w, |p| self.first.contains(p))
    }

    /// A last name: listed, a first name with a patronymic ending, or hyphenated.
    fn is_last(&self, w: &[u8]) -> bool {
        self.last.contains(w)
            || self.patronymic(w)
            || hyphenated(w, |p| self.last.contains(p) || self.patronymic(p))
    }

    fn patronymic(&self, w: &[u8]) -> bool {
        self.endings.iter().any(|end| {
            let Some(stem) = w.strip_suffix(&end[..]) else {
                return false;
            };
            if stem.len() < 2 {
                return false;
            }
            // Guðmund-sson from Guðmundur, Jón-sdóttir from Jón, Jen-sen from Jens.
            let mut ur = stem.to_vec();
            ur.extend_from_slice(b"ur");
            let mut s = stem.to_vec();
            s.push(b's');
            self.first.contains(stem) || self.first.contains(&ur) || self.first.contains(&s)
        })
    }
}

/// Length of the letter at `h[i]`: an ASCII letter, a two-byte UTF-8 letter, or a Latin-1
/// letter; 0 for anything else.
fn letter_len(h: &[u8], i: usize) -> usize {
    let Some(&b) = h.get(i) else { return 0 };
    if b.is_ascii_alphabetic() {
        return 1;
    }
    if (0xC2..=0xDF).contains(&b) {
        if let Some(&c) = h.get(i + 1) {
            if (0x80..=0xBF).contains(&c) {
                // Two-byte UTF-8: U+0080..U+00BF are signs and spaces, U+00C0..U+00FF
                // letters but × and ÷, and what follows (Latin Extended, Greek, Cyrillic)
                // letters; no Unicode table needed.
                let letter = match b {
                    0xC2 => false,
                    0xC3 => c != 0x97 && c != 0xB7,
                    _ => true,
                };
                return if letter { 2 } else { 0 };
            }
        }
    }
    // Latin-1 letters (not × and ÷).
    usize::from(b >= 0xC0 && b != 0xD7 && b != 0xF7)
}

fn upper_at(h: &[u8], i: usize) -> bool {
    match h.get(i) {
        Some(b) if b.is_ascii_alphabetic() => b.is_ascii_uppercase(),
        Some(&b) if letter_len(h, i) == 2 => {
            let c = h[i + 1];
            char::from_u32((u32::from(b & 0x1F) << 6) | u32::from(c & 0x3F))
                .is_some_and(char::is_uppercase)
        }
        // Latin-1 capitals À..Þ (not ×).
        Some(&b) => (0xC0..=0xDE).contains(&b) && b != 0xD7,
        None => false,
    }
}

/// Bytes of the word at `s` (letters and inner hyphens).
fn word_len(h: &[u8], s: usize) -> usize {
    let mut e = s;
    loop {
        let n = letter_len(h, e);
        if n > 0 {
            e += n;
        } else if h.get(e) == Some(&b'-') && letter_len(h, e + 1) > 0 {
            e += 1;
        } else {
            return e - s;
        }
        if e - s > MAX_WORD {
            return e - s;
        }
    }
}

/// The end of a capitalised word at `s` (a capital, then lower-case letters; hyphenated parts
/// each capitalised), followed by no letter or digit.
fn capitalised(h: &[u8], s: usize) -> Option<usize> {
    let len = word_len(h, s);
    if !(2..=MAX_WORD).contains(&len) {
        return None;
    }
    let e = s + len;
    if h.get(e).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut i = s;
    let mut start_of_part = true;
    while i < e {
        if h[i] == b'-' {
            start_of_part = true;
            i += 1;
            continue;
        }
        if upper_at(h, i) != start_of_part {
            return None;
        }
        start_of_part = false;
        i += letter_len(h, i).max(1);
    }
    Some(e)
}

fn hyphenated(w: &[u8], f: impl Fn(&[u8]) -> bool) -> bool {
    w.contains(&b'-') && w.split(|&b| b == b'-').all(|p| !p.is_empty() && f(p))
}

/// Whether a name label and `:` come right before `s` on the same line.
fn labelled(h: &[u8], s: usize) -> bool {
    let from = s.saturating_sub(40);
    let before = &h[from..s];
    let line = memchr::memrchr(b'\n', before).map_or(before, |n| &before[n + 1..]);
    let Some(colon) = memchr::memrchr(b':', line) else {
        return false;
    };
    if !line[colon + 1..].iter().all(|&b| b == b' ' || b == b'\t') {
        return false;
    }
    let label = String::from_utf8_lossy(&line[..colon]).to_lowercase();
    let word = label
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    NAME_LABELS.iter().any(|l| word.ends_with(l))
}

fn normalize(parts: &[(usize, usize)], h: &[u8]) -> String {
    parts
        .iter()
        .map(|&(a, b)| match std::str::from_utf8(&h[a..b]) {
            Ok(s) => s.to_lowercase(),
            Err(_) => h[a..b]
                .iter()
                .map(|&c| char::from(c))
                .collect::<String>()
                .to_lowercase(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "# test list\n\
        first\tse\tAnna\nfirst\tse\tKarin\nfirst\tse\tMaria\nfirst\tse\tPer\n\
        first\tdk\tMette\nfirst\tdk\tJens\nfirst\tis\tGuðmundur\nfirst\tis\tJón\n\
        first\tfi\tMikko\nfirst\tno\tBjørn\n\
        last\tse\tLindqvist\nlast\tse\tBerg\nlast\tfi\tVirtanen\nlast\tno\tStrand\n";

    fn found(text: &[u8]) -> Vec<(String, bool)> {
        let names = Names::parse(LIST).unwrap();
        let mut out = vec![];
        names.find(text, 0, text.len(), &mut out);
        out.into_iter()
            .map(|n| (n.normalized, n.labelled))
            .collect()
    }

    fn one(text: &str) -> Vec<String> {
        found(text.as_bytes()).into_iter().map(|n| n.0).collect()
    }

    #[test]
    fn full_names_match_with_middle_names_and_hyphens() {
        assert_eq!(one("Samtal med Anna Lindqvist i dag."), ["anna lindqvist"]);
        assert_eq!(one("Anna Maria Lindqvist ringde"), ["anna maria lindqvist"]);
        assert_eq!(one("(Anna-Karin Berg)"), ["anna-karin berg"]);
        assert_eq!(
            one("Mikko Virtanen; Bjørn Strand"),
            ["mikko virtanen", "bjørn strand"]
        );
    }

    #[test]
    fn patronymics_of_listed_first_names_are_last_names() {
        assert_eq!(one("Jón Guðmundsson og"), ["jón guðmundsson"]);
        assert_eq!(one("Anna Jónsdóttir"), ["anna jónsdóttir"]);
        assert_eq!(one("Mette Jensen"), ["mette jensen"]);
        assert!(one("Mette Xyzsen").is_empty());
    }

    #[test]
    fn a_capitalised_word_alone_is_no_name() {
        assert!(one("Anna kom hem. Berg och dal.").is_empty());
        assert!(one("Per capita, Berg").is_empty());
        assert!(one("ANNA LINDQVIST").is_empty());
        assert!(one("Annan Lindqvist").is_empty());
        assert!(one("xAnna Lindqvist").is_empty());
        assert!(one("Anna Lindqvists").is_empty());
    }

    #[test]
    fn labels_mark_names_and_allow_last_name_first() {
        assert_eq!(found(b"Namn: Anna Berg"), [("anna berg".into(), true)]);
        assert_eq!(
            found(b"Patientens namn: Berg, Anna"),
            [("anna berg".into(), true)]
        );
        assert_eq!(found(b"Anna Berg"), [("anna berg".into(), false)]);
        assert!(one("Berg, Anna").is_empty());
    }

    #[test]
    fn latin1_names_match() {
        assert_eq!(
            one_bytes(b"Bj\xf8rn Strand kom"),
            ["bjørn strand".to_string()]
        );
    }

    fn one_bytes(b: &[u8]) -> Vec<String> {
        found(b).into_iter().map(|n| n.0).collect()
    }

    #[test]
    fn bad_lists_say_which_line() {
        let e = Names::parse("first\tse\tAnna\nmiddle\tse\tKarin\n")
            .err()
            .unwrap();
        assert_eq!(e.line, 2);
        assert!(Names::parse("first\tse\tanna\n").is_err());
        assert!(Names::parse("first\tse\n").is_err());
    }

    #[test]
    fn any_bytes_are_read_without_panic() {
        let names = Names::parse(LIST).unwrap();
        let mut x: u32 = 12345;
        let mut text = b"Anna Berg \xc3\x85 \xc3".to_vec();
        for _ in 0..4000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            text.push(
                [
                    b'A',
                    b' ',
                    b'a',
                    0xC3,
                    0x85,
                    b'-',
                    b',',
                    b':',
                    (x >> 16) as u8,
                ][(x >> 8) as usize % 9],
            );
        }
        for cut in 0..text.len().min(300) {
            let mut out = vec![];
            names.find(&text[cut..], 0, text.len() - cut, &mut out);
            names.find(&text[..cut], 0, cut, &mut out);
        }
    }
}
