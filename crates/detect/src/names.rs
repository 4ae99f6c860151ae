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
//! Most surnames are on no list (half of Danish ones are not on Faker's). With a lexicon of the
//! languages' common words (role `word`, from Debian's word lists), a listed first name and a
//! capitalised word that is no common word ("Mette Aaen") make a name too, as do a capitalised
//! word that is no common word and a listed last name ("Ingvild Hansen"); "Viola Hotell",
//! "Rose Catering" and "Kontakt Hansen" do not, their other word being a common one.
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

/// The version of the lexicon's word hash ([`Names::lexicon`]): a kept lexicon of another
/// version must be read again from its list.
pub const LEXICON_VERSION: u32 = 1;

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
/// Endings of Nordic family names: patronymics of any stem and compounds of a few nature words
/// (Lind-berg, Berg-ström, Haug-land, Virta-nen, Niska-la). Most surnames are no list's: after
/// a listed first name, a capitalised word with one of these endings and a stem of three
/// letters or more is a last name too, unless it is a first name ("Maria Stella").
const SURNAME_ENDINGS: &[&str] = &[
    // Patronymics.
    "son", "sen", "dóttir", "dottir", // Swedish, Danish and Norwegian compounds.
    "berg", "bergh", "ström", "strøm", "qvist", "kvist", "quist", "lund", "gren", "holm", "blad",
    "blom", "dahl", "dal", "stedt", "stad", "ander", "fors", "lind", "bäck", "borg", "feldt",
    "felt", "rud", "heim", "vik", "land", "haug", "bakken", "gaard", "gård", "rup", "bjerg",
    "holt", "toft", "vold", "man", "mann", "sten", "stierna", "stjerna", "sköld", "én", "ér",
    "bakke", "lie", "lien", "seth", "by", "bye", "aker", "nes", "næs", "sæter", "seter", "brekke",
    "hagen", "moen", "bråten", "braaten", "bæk", "skov", // Finnish.
    "nen", "la", "lä", "mäki", "salo", "aho", "niemi", "koski", "vaara", "oja", "lahti", "järvi",
    "harju", "ranta", "virta", "kallio", "vuori",
];
/// Words that some list holds as a first name but that begin place names in Nordic text
/// ("Lilla Hammar", "Villa Segeborg").
const PLACE_WORDS: &[&str] = &["Lilla", "Villa", "Stora", "Sankt", "Santa"];
/// Courtesy titles before a name ("Fru Berit Brandt", "Hr. Jon Olsen"): no part of it, and a
/// label before the title labels the name.
const TITLES: &[&str] = &[
    "Hr", "Herr", "Fru", "Frk", "Fröken", "Mr", "Mrs", "Ms", "Miss", "Dr",
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

/// Words after a name that make it a company's ("Lind Bygg AB", "Aaen & Søn").
const COMPANY_AFTER: &[&[u8]] = &[
    b"AB", b"A/S", b"ApS", b"AS", b"ASA", b"Oy", b"Oyj", b"Ab", b"ehf", b"hf", b"Ltd", b"Inc",
    b"GmbH", b"&",
];

/// Closing formulas of letters and mails: the line after one names its writer, as a label
/// would ("Med vänlig hälsning" / "Anna Berg").
const CLOSINGS: &[&str] = &[
    "med vänlig hälsning",
    "med vänliga hälsningar",
    "vänliga hälsningar",
    "vänlig hälsning",
    "hälsningar",
    "mvh",
    "med venlig hilsen",
    "venlig hilsen",
    "med vennlig hilsen",
    "vennlig hilsen",
    "hilsen",
    "ystävällisin terveisin",
    "ystävällisesti",
    "terveisin",
    "með kveðju",
    "bestu kveðjur",
    "kveðja",
    "kind regards",
    "best regards",
    "regards",
    "yours sincerely",
    "sincerely",
];

/// The first and last names to look for.
#[derive(Default)]
pub struct Names {
    first: Set,
    last: Set,
    /// FNV hashes of the lexicon's lower-case common words, sorted: 1.7 million words take
    /// 14 MB so, and a lookup happens only for a listed name beside an unlisted word.
    words: Vec<u64>,
    /// Patronymic endings in every spelling: a last name may be a first name plus one.
    endings: Vec<Vec<u8>>,
    /// Surname endings in every spelling ([`SURNAME_ENDINGS`]).
    shapes: Vec<Vec<u8>>,
    /// [`PLACE_WORDS`] and [`TITLES`] in every spelling: words that begin no name.
    places: Set,
    /// [`TITLES`] in every spelling.
    titles: Set,
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
    /// One of its two words is on no list, only not a common word: a weaker guess.
    pub guessed: bool,
}

impl Names {
    /// No names: the detector finds none.
    pub fn empty() -> Names {
        Names::default()
    }

    /// Reads a list of lines `first<TAB>country<TAB>Name` or `last<TAB>country<TAB>Name`,
    /// and `word<TAB>lang<TAB>word` for the lexicon of common words; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Names, NamesError> {
        let mut names = Names::read(text)?;
        names.words.sort_unstable();
        names.words.dedup();
        Ok(names)
    }

    /// Reads the name lines of a list whose lexicon was read before: `lexicon` is what
    /// [`Names::lexicon`] gave for it (a caller keeps it to spare the 1.7 million words' reading
    /// at every start), `text` the list's other lines. Words in `text` join the lexicon.
    pub fn with_lexicon(text: &str, lexicon: Vec<u64>) -> Result<Names, NamesError> {
        let mut names = Names::read(text)?;
        if names.words.is_empty() && lexicon.windows(2).all(|w| w[0] < w[1]) {
            names.words = lexicon;
        } else {
            names.words.extend(lexicon);
            names.words.sort_unstable();
            names.words.dedup();
        }
        Ok(names)
    }

    /// The lexicon of common words as [`Names::with_lexicon`] takes it back: sorted hashes of
    /// their lower-case forms, valid for the hash of this [`LEXICON_VERSION`].
    pub fn lexicon(&self) -> &[u64] {
        &self.words
    }

    /// The lines of `text` read, the lexicon unsorted.
    fn read(text: &str) -> Result<Names, NamesError> {
        let mut names = Names {
            endings: encodings(PATRONYMIC.iter().map(|s| s.to_string())),
            shapes: encodings(SURNAME_ENDINGS.iter().map(|s| s.to_string())),
            places: encodings(PLACE_WORDS.iter().chain(TITLES).map(|s| s.to_string()))
                .into_iter()
                .collect(),
            titles: encodings(TITLES.iter().map(|s| s.to_string()))
                .into_iter()
                .collect(),
            ..Names::default()
        };
        // Lines cut by memchr: `str::lines` was a tenth of reading 1.7 million of them.
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        let mut start = 0;
        for (i, end) in ends.enumerate() {
            let line = text[start..end].trim_end_matches('\r');
            start = end + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |reason: &str| NamesError {
                line: i + 1,
                reason: reason.to_string(),
            };
            // The common words are most of the file: read by bytes, not by fields.
            if let Some(rest) = line.strip_prefix("word\t") {
                let word = memchr::memchr(b'\t', rest.as_bytes()).map(|t| &rest[t + 1..]);
                match word {
                    Some(w) if !w.is_empty() && w.len() <= MAX_WORD && !w.contains([' ', '\t']) => {
                        names.words.push(lower_hash(w));
                        continue;
                    }
                    _ => return Err(err("a word is one word of at most 40 bytes")),
                }
            }
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
                _ => return Err(err("the role must be `first`, `last` or `word`")),
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
                if let Some(n) = self.name_at(h, s, None) {
                    done = n.end;
                    out.push(n);
                }
            }
        });
    }

    /// The full name starting at `s`, if the words there make one.
    /// `columns`: the name columns of a table whose header row is above `s`.
    pub(crate) fn name_at(
        &self,
        h: &[u8],
        s: usize,
        columns: Option<&NameColumns>,
    ) -> Option<Name> {
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
        if self.places.contains(&h[s..first]) {
            return None;
        }
        let known = self.is_first(&h[s..first]);
        // After a name label the words are a name even when no list holds the first name.
        let from = self.title_before(h, s);
        let labelled = labelled(h, from)
            || columns.is_some_and(|c| c.named_at(h, from))
            || after_closing(h, from);
        // Else only a listed last name may follow ([`Names::guess`]).
        if !known && !labelled && self.words.is_empty() {
            return None;
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
        if !known && !labelled {
            return self.guess(h, s, parts, false, false);
        }
        // The longest run of first (or middle) names ending in a last name.
        let last = (1..parts.len()).rev().filter(|_| known).find_map(|j| {
            let (a, b) = parts[j];
            let end = self.last_end(h, a, b)?;
            // A middle name on no list is one if it is no common word ("Sofie Vibeke
            // Hessellund"), when there is a lexicon to say so.
            parts[1..j]
                .iter()
                .all(|&(a, b)| {
                    let w = &h[a..b];
                    self.is_first(w) || self.is_last(w) || self.unlisted(w)
                })
                .then_some((j, end))
        });
        if let Some((j, end)) = last {
            if street_after(h, parts[j].1) {
                return None;
            }
            let mut parts = parts[..=j].to_vec();
            parts[j].1 = end;
            return Some(Name {
                start: s,
                end,
                normalized: normalize(&parts, h),
                labelled,
                guessed: false,
            });
        }
        if let Some(name) = self.guess(h, s, parts, known, labelled) {
            return Some(name);
        }
        // "Namn: Olaus Lindgren", "Navn: Anna Ohly": capitalised words after a label, the first
        // a listed first name or the last a listed or surname-shaped one ("Berg Propulsion" in
        // a column of names is neither).
        let (a, b) = parts[n - 1];
        // Or, with a lexicon, two or three words that are none of its common words ("Navn:
        // Vidia Onstad").
        let listed = known || self.is_last(&h[a..b]);
        let guessed = !listed && n <= 3 && parts.iter().all(|&(a, b)| self.unlisted(&h[a..b]));
        if labelled && n >= 2 && (listed || guessed) && !street_after(h, b) {
            return Some(Name {
                start: s,
                end: parts[n - 1].1,
                normalized: normalize(parts, h),
                labelled,
                guessed,
            });
        }
        self.last_name_first(h, s, first)
    }

    /// Where a courtesy title right before `s` begins ("Fru " or "Hr. "), else `s`.
    fn title_before(&self, h: &[u8], s: usize) -> usize {
        let mut e = s;
        if e == 0 || h[e - 1] != b' ' {
            return s;
        }
        e -= 1;
        if e > 0 && h[e - 1] == b'.' {
            e -= 1;
        }
        let mut t = e;
        while t > 0 && e - t < MAX_WORD && letter_len(h, t - 1) == 1 {
            t -= 1;
        }
        if t > 0 && letter_len(h, t - 1) == 0 && h[t - 1] >= 0x80 {
            return s;
        }
        if self.titles.contains(&h[t..e]) {
            t
        } else {
            s
        }
    }

    /// "Lindqvist, Anna" after a name label: a last name, a comma and a first name, one of the
    /// two listed or surname-shaped.
    fn last_name_first(&self, h: &[u8], s: usize, e: usize) -> Option<Name> {
        if !h[e..].starts_with(b", ") || !labelled(h, s) {
            return None;
        }
        let given = e + 2;
        let end = capitalised(h, given)?;
        (self.is_last(&h[s..e]) || self.is_first(&h[given..end])).then(|| Name {
            start: s,
            end,
            normalized: normalize(&[(given, end), (s, e)], h),
            labelled: true,
            guessed: false,
        })
    }

    /// Two capitalised words, one listed (a first name, or a last name), the other on no list
    /// but no common word of the lexicon either: "Mette Aaen", "Ingvild Hansen". Only two
    /// words standing alone (no capitalised word before or after, which would make a longer
    /// proper name such as a company's or an institution's), and not a street or a company.
    fn guess(
        &self,
        h: &[u8],
        s: usize,
        parts: &[(usize, usize)],
        known: bool,
        labelled: bool,
    ) -> Option<Name> {
        if self.words.is_empty() || parts.len() != 2 {
            return None;
        }
        let (a, b) = parts[1];
        let second = &h[a..b];
        let first = &h[parts[0].0..parts[0].1];
        let fits = if known {
            !self.is_last(second)
                && self.unlisted(second)
                && !street_word_in(second)
                && !finnish_case(second)
        } else {
            self.is_last(second) && self.unlisted(first) && !self.is_last(first)
        };
        if !fits || capitalised_before(h, s) || street_after(h, b) || company_after(h, b) {
            return None;
        }
        Some(Name {
            start: s,
            end: b,
            normalized: normalize(parts, h),
            labelled,
            guessed: true,
        })
    }

    /// A word that is no common word of the lexicon, nor a place word or a title; false
    /// without a lexicon.
    fn unlisted(&self, w: &[u8]) -> bool {
        !self.words.is_empty() && !self.places.contains(w) && !self.is_word(w)
    }

    /// A common word of the lexicon, in any case ("Hotell", "KONSULT").
    fn is_word(&self, w: &[u8]) -> bool {
        let hash = match std::str::from_utf8(w) {
            Ok(t) => lower_hash(t),
            // Latin-1: each byte is its character.
            Err(_) => lower_hash(&w.iter().map(|&c| char::from(c)).collect::<String>()),
        };
        self.words.binary_search(&hash).is_ok()
    }

    /// A first name, or first names joined by hyphens ("Anna-Karin").
    pub(crate) fn is_first(&self, w: &[u8]) -> bool {
        self.first.contains(w) || hyphenated(w, |p| self.first.contains(p))
    }

    /// A last name: listed, a first name with a patronymic ending, of a surname's shape, or
    /// hyphenated.
    fn is_last(&self, w: &[u8]) -> bool {
        let one = |p: &[u8]| self.last.contains(p) || self.patronymic(p) || self.shaped(p);
        one(w) || hyphenated(w, one)
    }

    /// Where the last name `h[a..b]` ends: after the word, or before the -s of a genitive
    /// ("Anna Lindqvists ansökan"), which is no part of the name. A Finnish genitive of a
    /// surname ending in a vowel (Jussila → Jussilan) is the name as written.
    fn last_end(&self, h: &[u8], a: usize, b: usize) -> Option<usize> {
        let w = &h[a..b];
        if self.is_last(w) {
            return Some(b);
        }
        let stem = w.strip_suffix(b"s").or_else(|| w.strip_suffix(b"n"))?;
        let vowel = stem
            .last()
            .is_some_and(|&c| b"aoiuy".contains(&c) || c >= 0x80);
        match w.last() {
            Some(b's') if self.is_last(stem) => Some(b - 1),
            Some(b'n') if vowel && self.is_last(stem) => Some(b),
            _ => None,
        }
    }

    /// Of a surname's shape ([`SURNAME_ENDINGS`]) and no first name.
    fn shaped(&self, w: &[u8]) -> bool {
        self.shapes
            .iter()
            .any(|end| w.len() >= end.len() + 3 && w.ends_with(end))
            && !self.first.contains(w)
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

/// Endings of Finnish local cases and of the translative ("Hotelliin", "Koulussa"): the
/// lexicon holds no Finnish, and a surname in the nominative rarely ends so.
const FINNISH_CASES: &[&str] = &[
    "iin", "hin", "seen", "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "ksi",
];

fn finnish_case(w: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(w).to_lowercase();
    FINNISH_CASES.iter().any(|e| lower.ends_with(e))
}

/// Whether a word ends in a street word ("Christoffersgatan", "Hoffmannsvej").
fn street_word_in(w: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(w).to_lowercase();
    STREET_WORDS
        .iter()
        .any(|s| lower.len() > s.len() + 2 && lower.ends_with(s))
}

/// The hash of a word's lower-case UTF-8, built only when the word has a capital: 1.7 million
/// words are read at every start.
fn lower_hash(w: &str) -> u64 {
    let mut f = Fnv::default();
    let plain = if w.is_ascii() {
        !w.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        !w.chars().any(char::is_uppercase)
    };
    if plain {
        f.write(w.as_bytes());
    } else {
        f.write(w.to_lowercase().as_bytes());
    }
    f.finish()
}

/// Whether a capitalised word that does not begin a sentence ends right before `s` (past one
/// space): `s` is inside a longer proper name ("Region Anna Aaen"), not after a sentence's
/// first word ("Kontakt Anna Aaen").
fn capitalised_before(h: &[u8], s: usize) -> bool {
    if s < 2 || h[s - 1] != b' ' {
        return false;
    }
    let mut t = s - 1;
    // Back over the word's letters (any byte past ASCII may be part of one).
    while t > 0 && s - t <= MAX_WORD && (h[t - 1].is_ascii_alphabetic() || h[t - 1] >= 0x80) {
        t -= 1;
    }
    if t == s - 1 || !upper_at(h, t) {
        return false;
    }
    // What comes before that word, past spaces: nothing, a line's end or a sentence's.
    let before = h[..t].iter().rev().find(|&&b| b != b' ' && b != b'\t');
    !matches!(
        before,
        None | Some(b'\n' | b'\r' | b'.' | b'!' | b'?' | b':' | b'"' | b'(' | b'-')
    )
}

/// Whether a company form follows the word ending at `e` ("Lind Bygg AB", "Aaen & Søn").
fn company_after(h: &[u8], e: usize) -> bool {
    if h.get(e) != Some(&b' ') {
        return false;
    }
    let rest = &h[e + 1..];
    COMPANY_AFTER.iter().any(|c| {
        rest.starts_with(c)
            && rest
                .get(c.len())
                .is_none_or(|&b| !b.is_ascii_alphanumeric() && b < 0x80)
    })
}

/// Whether the word after `e` (past a space) names a street: "Asta Nielsens Stræde" and
/// "Hans Nielsen Hauges gate" are addresses, not people.
fn street_after(h: &[u8], e: usize) -> bool {
    let mut at = e;
    // The next word, and the one after it when the next is capitalised ("Hauges gate").
    for _ in 0..2 {
        if h.get(at) != Some(&b' ') {
            return false;
        }
        let from = at + 1;
        let len = word_len(h, from);
        let word = String::from_utf8_lossy(&h[from..from + len]).to_lowercase();
        if STREET_WORDS.contains(&word.as_str()) {
            return true;
        }
        if !upper_at(h, from) {
            return false;
        }
        at = from + len;
    }
    false
}

/// Words that follow a person's name in the name of a street ("Karl Johans gate").
const STREET_WORDS: &[&str] = &[
    "gata",
    "gatan",
    "väg",
    "vägen",
    "gränd",
    "torg",
    "plats",
    "allé",
    "gade",
    "vej",
    "stræde",
    "strædet",
    "plads",
    "boulevard",
    "torv",
    "gate",
    "gaten",
    "vei",
    "veien",
    "vegen",
    "plass",
    "stræti",
    "vegur",
    "katu",
    "tie",
];

/// How far back from a cell its row's start is looked for: within what a stream keeps before
/// the text it reads (less a title before a name), so that a stream reads the same row as a
/// whole scan. A stream that kept less took its chunk's start for the row's (the `detect`
/// fuzz target's third find).
const ROW_MAX: usize = crate::engine::KEEP - 64;

/// The columns of a delimited table whose header names them as people's names: a field whose
/// last word is a name label ("Namn", "Patientens namn", "Nimi").
pub(crate) struct NameColumns {
    delimiter: u8,
    named: Vec<bool>,
}

impl NameColumns {
    /// Reads `line` as a header row with at least one name column.
    pub(crate) fn parse(line: &[u8]) -> Option<NameColumns> {
        let delimiter = crate::context::delimiter_of(line)?;
        let named: Vec<bool> = line
            .split(|&b| b == delimiter)
            .map(|field| {
                let field = String::from_utf8_lossy(field).to_lowercase();
                let last = field
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .find(|w| !w.is_empty())
                    .unwrap_or_default();
                NAME_LABELS.contains(&last)
            })
            .collect();
        named
            .contains(&true)
            .then_some(NameColumns { delimiter, named })
    }

    /// Whether a cell of a name column begins at `s` (after a quote, if quoted).
    fn named_at(&self, h: &[u8], s: usize) -> bool {
        let mut c = s;
        if c > 0 && h[c - 1] == b'"' {
            c -= 1;
        }
        // Rows are short; a cell further than this from its line's start is not read, so that
        // a long line costs no more.
        let from = c.saturating_sub(ROW_MAX);
        let line_start = match memchr::memrchr(b'\n', &h[from..c]) {
            Some(i) => from + i + 1,
            None if from == 0 => 0,
            None => return false,
        };
        if c != line_start && h[c - 1] != self.delimiter {
            return false;
        }
        let col = crate::context::column_of(h, line_start, c, self.delimiter);
        self.named.get(col).copied().unwrap_or(false)
    }
}

/// Whether `s` begins a line and the line before is a closing formula ([`CLOSINGS`]).
fn after_closing(h: &[u8], s: usize) -> bool {
    let Some(end) = s.checked_sub(1).filter(|&e| h[e] == b'\n') else {
        return false;
    };
    let from = end.saturating_sub(40);
    let Some(nl) = memchr::memrchr(b'\n', &h[from..end])
        .map(|i| from + i + 1)
        .or((from == 0).then_some(0))
    else {
        return false;
    };
    let line = String::from_utf8_lossy(&h[nl..end]).to_lowercase();
    let line = line.trim().trim_end_matches([',', '.', '!']);
    CLOSINGS.contains(&line)
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
        first\tfi\tMikko\nfirst\tno\tBjørn\nfirst\tis\tLilla\nfirst\tse\tStella\n\
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
        assert!(one("Mette Sen").is_empty());
    }

    #[test]
    fn a_capitalised_word_alone_is_no_name() {
        assert!(one("Anna kom hem. Berg och dal.").is_empty());
        assert!(one("Per capita, Berg").is_empty());
        assert!(one("ANNA LINDQVIST").is_empty());
        assert!(one("Annan Lindqvist").is_empty());
        assert!(one("xAnna Lindqvist").is_empty());
    }

    #[test]
    fn genitives_and_surnames_of_a_nordic_shape_count() {
        assert_eq!(one("Anna Lindqvists ansökan"), ["anna lindqvist"]);
        assert_eq!(
            one("Karin Hammarberg och Mikko Kiljunen"),
            ["karin hammarberg", "mikko kiljunen"]
        );
        assert_eq!(one("Mikko Jussilan hakemus"), ["mikko jussilan"]);
        assert_eq!(one("Anna Haugland-Berg"), ["anna haugland-berg"]);
        // A first name of a surname's shape is no surname; a short stem is no compound.
        assert!(one("Anna Stella").is_empty());
        assert!(one("Anna Ola").is_empty());
        assert!(one("Karin Bergen").is_empty());
    }

    #[test]
    fn streets_and_places_named_after_people_are_no_names() {
        assert!(one("Anna Lindqvists gata 4").is_empty());
        assert!(one("Mette Jensens Vej 4").is_empty());
        assert!(one("Per Strand Hauges gate").is_empty());
        assert!(one("Lilla Berg").is_empty());
        assert_eq!(one("Anna Berg gick"), ["anna berg"]);
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
        // After a label one listed or surname-shaped word is enough.
        assert_eq!(
            found(b"Namn: Olaus Lindgren"),
            [("olaus lindgren".into(), true)]
        );
        assert_eq!(found(b"Navn: Anna Ohly"), [("anna ohly".into(), true)]);
        assert_eq!(found(b"Navn: Ohly, Anna"), [("anna ohly".into(), true)]);
        assert!(one("Namn: Olaus Ohly").is_empty());
        assert!(one("Olaus Lindgren").is_empty());
    }

    #[test]
    fn a_name_column_of_a_table_labels_its_cells() {
        let names = Names::parse(LIST).unwrap();
        let cols = NameColumns::parse(b"Patientens namn;Adress;Ort").unwrap();
        let table = b"Patientens namn;Adress;Ort\nOlaus Lindgren;Storgatan 1;Lund\n\"Anna Ohly\";Mikko Virtanen;x\n";
        let at = |w: &[u8]| table.windows(w.len()).position(|x| x == w).unwrap();
        let name = |w: &[u8]| names.name_at(table, at(w), Some(&cols)).map(|n| n.labelled);
        assert_eq!(name(b"Olaus"), Some(true));
        assert_eq!(name(b"Anna"), Some(true));
        // A known name in another column is a name, but not a labelled one.
        assert_eq!(name(b"Mikko"), Some(false));
        assert!(names.name_at(table, at(b"Olaus"), None).is_none());
        // Part names and other headers are no name columns.
        assert!(NameColumns::parse(b"F\xc3\xb6rnamn;Efternamn;Ort").is_none());
        assert!(NameColumns::parse(b"Namn").is_none());
    }

    #[test]
    fn a_courtesy_title_is_no_part_of_a_name_and_keeps_its_label() {
        assert_eq!(found(b"Namn: Fru Anna Ohly"), [("anna ohly".into(), true)]);
        assert_eq!(found(b"Navn: Hr. Anna Berg"), [("anna berg".into(), true)]);
        assert_eq!(found(b"Fru Anna Berg"), [("anna berg".into(), false)]);
    }

    /// The names that `list` finds in `text`.
    fn found_with(list: &str, text: &str) -> Vec<Name> {
        let names = Names::parse(list).unwrap();
        let mut out = vec![];
        names.find(text.as_bytes(), 0, text.len(), &mut out);
        out
    }

    /// The test list and a few common words: the lexicon that allows a guess.
    fn guessed(text: &str) -> Vec<(String, bool)> {
        let list = format!(
            "{LIST}word\tsv\thotell\nword\tsv\tkontakt\nword\tda\thvid\nword\ten\ttechnologies\n"
        );
        found_with(&list, text)
            .into_iter()
            .map(|n| (n.normalized, n.guessed))
            .collect()
    }

    #[test]
    fn a_listed_name_beside_a_word_that_is_no_common_word_is_a_guessed_name() {
        // A listed first name and an unlisted surname; an unlisted first name and a listed
        // surname.
        assert_eq!(
            guessed("Vi ringde Anna Aaen i dag."),
            [("anna aaen".into(), true)]
        );
        assert_eq!(
            guessed("Sedan kom Ingvild Strand hit."),
            [("ingvild strand".into(), true)]
        );
        // An unlisted middle name between listed names is no guess.
        assert_eq!(
            guessed("Anna Vibeke Berg kom."),
            [("anna vibeke berg".into(), false)]
        );
        // Common words, companies, streets, longer proper names and Finnish cases are not.
        for text in [
            "Viola Hotell",
            "Kontakt Strand",
            "Mette Hvid",
            "Anna Aaen AB",
            "Anna Aaen & Søn",
            "Anna Christoffersgatan",
            "i Region Ingvild Strand",
            "hos Region Anna Aaen i dag",
            "Anna Aaen Gruppen",
            "Anna Hotelliin",
        ] {
            assert!(guessed(text).is_empty(), "{text}");
        }
        // Without a lexicon there is no guess at all.
        assert!(one("Vi ringde Anna Aaen i dag.").is_empty());
    }

    #[test]
    fn a_closing_formula_labels_the_name_below_it() {
        let list = format!("{LIST}word\tsv\thandl\u{e4}ggare\n");
        let text = "Tack!\n\nMed v\u{e4}nlig h\u{e4}lsning,\nVidia Onstad\nHandl\u{e4}ggare\n";
        let found: Vec<_> = found_with(&list, text)
            .into_iter()
            .map(|n| (n.normalized, n.labelled))
            .collect();
        assert_eq!(found, [("vidia onstad".to_string(), true)]);
        // Two unknown words in running text are no name.
        assert!(found_with(&list, "Sedan kom Vidia Onstad hit.").is_empty());
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
