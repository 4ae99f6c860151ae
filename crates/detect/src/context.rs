//! Context: the words near a number that say what it is (labels such as "CPR-nr" or
//! "henkilötunnus") or what it is not (invoice, order, account and phone numbers).
//!
//! One Aho-Corasick automaton holds every label in UTF-8 and Latin-1 spellings, matched ASCII
//! case-insensitively, so context is read from raw bytes in any ASCII-compatible encoding.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::kind::Kind;

const DK: u8 = 1 << Kind::DkCpr as u8;
const SE: u8 = 1 << Kind::SePersonnummer as u8;
const NO: u8 = 1 << Kind::NoFodselsnummer as u8;
const FI: u8 = 1 << Kind::FiHetu as u8;
const IS: u8 = 1 << Kind::IsKennitala as u8;
pub(crate) const ALL: u8 = DK | SE | NO | FI | IS;
/// A label for another kind of number.
const OTHER: u8 = 0;

/// (label, kinds it names, must end at a word boundary). Labels match at the start of a word
/// and, unless marked, as the first part of a compound ("cpr" in "cpr-nummer").
const LABELS: &[(&str, u8, bool)] = &[
    ("cpr", DK, false),
    ("personnummer", DK | SE | NO, false),
    ("personnr", DK | SE | NO, false),
    ("pers.nr", SE | DK, false),
    ("pers. nr", SE | DK, false),
    ("pnr", SE, true),
    ("p-nr", SE | DK, true),
    ("p.nr", SE | DK, true),
    ("samordningsnummer", SE, false),
    ("födelsenummer", SE, false),
    ("fødselsn", NO, false),
    ("fnr", NO, true),
    ("f.nr", NO, true),
    ("d-nummer", NO, false),
    ("d-nr", NO, true),
    ("h-nummer", NO, false),
    ("henkilötun", FI, false),
    ("hetu", FI, false),
    ("sotu", FI, true),
    ("personbet", FI, false),
    ("kennitala", IS, false),
    ("kennitölu", IS, false),
    ("kt", IS, true),
    ("social security", ALL, false),
    ("ssn", ALL, true),
    ("id number", ALL, false),
    ("id-nummer", ALL, false),
    ("id no", ALL, true),
    ("identity number", ALL, false),
    ("national id", ALL, false),
    ("personal id", ALL, false),
    ("personal number", ALL, false),
    ("person id", ALL, false),
    // Other numbers: these lower confidence of a number right after them.
    ("faktura", OTHER, false),
    ("invoice", OTHER, false),
    ("order", OTHER, false),
    ("ordre", OTHER, false),
    ("ärende", OTHER, false),
    ("sags", OTHER, false),
    ("saks", OTHER, false),
    ("konto", OTHER, false),
    ("account", OTHER, false),
    ("telefon", OTHER, false),
    ("tlf", OTHER, true),
    ("tel", OTHER, true),
    ("phone", OTHER, false),
    ("puhelin", OTHER, false),
    ("mobil", OTHER, false),
    ("fax", OTHER, true),
    ("sími", OTHER, false),
    ("org.nr", OTHER, false),
    ("org. nr", OTHER, false),
    ("org nr", OTHER, false),
    ("orgnr", OTHER, false),
    ("organisationsn", OTHER, false),
    ("organisasjonsn", OTHER, false),
    ("cvr", OTHER, false),
    ("y-tunnus", OTHER, false),
    ("kund", OTHER, false),
    ("customer", OTHER, false),
    ("bilag", OTHER, false),
    ("lasku", OTHER, false),
    ("tilinumero", OTHER, false),
    ("tilaus", OTHER, false),
    ("asianumero", OTHER, false),
    ("reikning", OTHER, false),
    ("pöntun", OTHER, false),
    ("iban", OTHER, true),
    ("bankgiro", OTHER, false),
    ("plusgiro", OTHER, false),
    ("journalnr", OTHER, false),
    ("journalnummer", OTHER, false),
    ("ref", OTHER, true),
    ("isbn", OTHER, false),
    ("serienummer", OTHER, false),
];

/// A label found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    /// Bit mask of the kinds it names; 0 for a label of another kind of number.
    pub kinds: u8,
    /// A label of a phone number.
    pub phone: bool,
}

/// The labels of `LABELS` that announce a phone number.
const PHONE_LABELS: &[&str] = &["telefon", "tlf", "tel", "phone", "puhelin", "mobil", "sími"];

pub(crate) struct Labels {
    ac: AhoCorasick,
    /// For each pattern, what its label names.
    label_of: Vec<Entry>,
}

/// What a label names: kinds, whether it must end a word, whether it announces a phone.
#[derive(Clone, Copy)]
struct Entry {
    kinds: u8,
    whole: bool,
    phone: bool,
}

/// Spellings of a label: as written and upper-cased.
fn spellings(label: &str) -> Vec<Vec<u8>> {
    encodings([label.to_string(), label.to_uppercase()])
}

/// Each form in UTF-8 and, where it can be written so, Latin-1 (Windows-1252 text is read as
/// raw bytes), without repeats.
pub(crate) fn encodings(forms: impl IntoIterator<Item = String>) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = vec![];
    for form in forms {
        let latin1: Option<Vec<u8>> = form.chars().map(|c| u8::try_from(c as u32).ok()).collect();
        for bytes in [Some(form.into_bytes()), latin1].into_iter().flatten() {
            if !out.contains(&bytes) {
                out.push(bytes);
            }
        }
    }
    out
}

impl Labels {
    pub fn new() -> Labels {
        Labels::with_extra(&[])
    }

    /// The built-in labels and `extra` ones (word, kinds it names, announces a phone), from a
    /// user's rules file; extra words match at the start of a word, like built-in ones.
    pub fn with_extra(extra: &[(String, u8, bool)]) -> Labels {
        let mut patterns = vec![];
        let mut label_of = vec![];
        let builtin = LABELS.iter().map(|&(label, kinds, whole)| {
            let phone = PHONE_LABELS.contains(&label);
            (
                label.to_string(),
                Entry {
                    kinds,
                    whole,
                    phone,
                },
            )
        });
        let user = extra.iter().map(|(word, kinds, phone)| {
            let e = Entry {
                kinds: *kinds,
                whole: false,
                phone: *phone,
            };
            (word.clone(), e)
        });
        for (label, entry) in builtin.chain(user) {
            for s in spellings(&label) {
                patterns.push(s);
                label_of.push(entry);
            }
        }
        // A DFA: the labels are read in every document's start and before every number, and
        // the default (an NFA for this many patterns) took three times as long on the bench
        // tree, for 0.2 MB more memory.
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            // Built-in labels are constants and user words are bounded in number and length
            // by the rules file's limits; building fails only on a programming error.
            .unwrap_or_else(|e| panic!("label automaton: {e}"));
        Labels { ac, label_of }
    }

    /// Every label in `h[from..to]` that starts a word (and ends one where required).
    pub fn find(&self, h: &[u8], from: usize, to: usize, mut f: impl FnMut(Hit)) {
        for m in self.ac.find_iter(&h[from..to]) {
            let (start, end) = (from + m.start(), from + m.end());
            let Entry {
                kinds,
                whole,
                phone,
            } = self.label_of[m.pattern().as_usize()];
            if start > 0 && is_letter_before(h, start) {
                continue;
            }
            if whole && end < h.len() && is_letter_at(h, end) {
                continue;
            }
            // The rest of a compound belongs to the label: "cpr" in "CPR-nr." ends after ".".
            let mut end = end;
            while end < h.len() && (is_letter_at(h, end) || matches!(h[end], b'-' | b'.')) {
                end += 1;
            }
            f(Hit {
                start,
                end,
                kinds,
                phone,
            });
        }
    }
}

/// Whether a byte is (part of) a letter: ASCII, or any byte of a UTF-8 or Latin-1 letter.
pub(crate) fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80
}

fn is_letter_before(h: &[u8], i: usize) -> bool {
    is_letter(h[i - 1])
}

fn is_letter_at(h: &[u8], i: usize) -> bool {
    is_letter(h[i])
}

/// The label that speaks for a number starting at `start`: the nearest label before it, on the
/// same line, or alone on the line above. Text with letters between a label and the number
/// (another field) breaks the link unless it is short.
pub(crate) fn local_label(labels: &Labels, h: &[u8], start: usize) -> Option<Hit> {
    const WINDOW: usize = 80;
    const SHORT: usize = 40;
    let from = start.saturating_sub(WINDOW);
    let mut last = None;
    labels.find(h, from, start, |hit| last = Some(hit));
    let hit = last?;
    let between = &h[hit.end..start];
    let newlines = memchr::memchr_iter(b'\n', between).count();
    let letters = between
        .iter()
        .any(|b| b.is_ascii_alphabetic() || *b >= 0x80);
    // A label on a line above must stand alone there ("CPR-nr.:" above the number), not end
    // a line of other text such as a table's header row.
    let alone = || {
        let line_start = memchr::memrchr(b'\n', &h[..hit.start]).map_or(0, |i| i + 1);
        let before = &h[line_start..hit.start];
        !before
            .iter()
            .any(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
    };
    let ok = match newlines {
        0 => !letters || between.len() <= SHORT,
        1 | 2 => !between.iter().any(u8::is_ascii_alphanumeric) && !letters && alone(),
        _ => false,
    };
    ok.then_some(hit)
}

/// The delimiter of a delimited table's header `line`: the most frequent of `;`, tab, `|` and
/// `,`, if it holds one. Every reader of header rows (labels, names, cards) splits by it.
pub(crate) fn delimiter_of(line: &[u8]) -> Option<u8> {
    let delimiter = *[b';', b'\t', b'|', b',']
        .iter()
        .max_by_key(|d| memchr::memchr_iter(**d, line).count())?;
    line.contains(&delimiter).then_some(delimiter)
}

/// The line around `h[start..end]`, looked for within `NEAR` bytes on each side: a text of
/// one long line would otherwise be searched whole for every finding in it.
pub(crate) fn line_around(h: &[u8], start: usize, end: usize) -> (usize, usize) {
    const NEAR: usize = 4096;
    let from = start.saturating_sub(NEAR);
    let line_start = memchr::memrchr(b'\n', &h[from..start]).map_or(from, |i| from + i + 1);
    let till = h.len().min(end + NEAR);
    let line_end = memchr::memchr(b'\n', &h[end..till]).map_or(till, |i| end + i);
    (line_start, line_end)
}

/// The column (counted from 0) that `h[line_start..at]` ends in.
pub(crate) fn column_of(h: &[u8], line_start: usize, at: usize, delimiter: u8) -> usize {
    memchr::memchr_iter(delimiter, &h[line_start..at]).count()
}

/// Column labels from a table's header line: the delimiter and, per column, the label found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Header {
    pub delimiter: u8,
    pub columns: Vec<Option<u8>>,
}

impl Header {
    /// Reads `line` as the header of a delimited table, if it is one with at least one label.
    pub fn parse(labels: &Labels, line: &[u8]) -> Option<Header> {
        let delimiter = delimiter_of(line)?;
        let mut columns = vec![];
        let mut any = false;
        for field in line.split(|b| *b == delimiter) {
            let mut found = None;
            labels.find(field, 0, field.len(), |hit| {
                found.get_or_insert(hit.kinds);
            });
            any |= found.is_some();
            columns.push(found);
        }
        any.then_some(Header { delimiter, columns })
    }

    /// The label of the column that `h[line_start..at]` ends in.
    pub fn column_label(&self, h: &[u8], line_start: usize, at: usize) -> Option<u8> {
        let col = column_of(h, line_start, at, self.delimiter);
        self.columns.get(col).copied().flatten()
    }
}

/// Words frequent in one Nordic language and rare in the others, with the kind of number that
/// language's documents usually hold.
const LANGUAGE_WORDS: &[(&str, u8)] = &[
    ("och", SE),
    ("inte", SE),
    ("är", SE),
    ("hon", SE),
    ("också", SE),
    ("från", SE),
    ("till", SE),
    ("af", DK),
    ("efter", DK),
    ("hvad", DK),
    ("blev", DK),
    ("meget", DK),
    ("hende", DK),
    ("nogle", DK),
    ("ældre", DK),
    ("av", NO),
    ("etter", NO),
    ("hva", NO),
    ("ble", NO),
    ("mye", NO),
    ("ikkje", NO),
    ("henne", NO),
    ("noen", NO),
    ("eldre", NO),
    ("ja", FI),
    ("on", FI),
    ("ei", FI),
    ("että", FI),
    ("oli", FI),
    ("hän", FI),
    ("kun", FI),
    ("mutta", FI),
    ("sekä", FI),
    ("myös", FI),
    ("ekki", IS),
    ("að", IS),
    ("við", IS),
    ("hún", IS),
    ("með", IS),
    ("fyrir", IS),
    ("þess", IS),
    ("sem", IS),
    // Words of two or three of the languages: they tell those from the others (Danish "og",
    // "ikke", "et" against Swedish "och", "inte", "ett"; "og" is Icelandic too).
    ("og", DK | NO | IS),
    ("ikke", DK | NO),
    ("et", DK | NO),
    ("jeg", DK | NO),
    ("hun", DK | NO),
    ("ett", SE),
    ("jag", SE),
];

/// Guesses a document's language from marker words.
pub(crate) struct Language {
    ac: AhoCorasick,
    kind_of: Vec<u8>,
}

impl Language {
    pub fn new() -> Language {
        let mut patterns = vec![];
        let mut kind_of = vec![];
        for (word, kind) in LANGUAGE_WORDS {
            for s in spellings(word) {
                patterns.push(s);
                kind_of.push(*kind);
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .unwrap_or_else(|e| panic!("language automaton: {e}"));
        Language { ac, kind_of }
    }

    /// How many marker words of each kind's language `text` holds (by kind index); a word of
    /// two languages counts for both.
    pub fn counts(&self, text: &[u8]) -> [u32; 8] {
        let mut counts = [0u32; 8];
        for m in self.ac.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if (start > 0 && is_letter_before(text, start))
                || (end < text.len() && is_letter_at(text, end))
            {
                continue;
            }
            let kinds = self.kind_of[m.pattern().as_usize()];
            for (i, c) in counts.iter_mut().enumerate() {
                *c += u32::from(kinds >> i & 1);
            }
        }
        counts
    }
}

/// The kind bit, among the kinds of `among`, whose language clearly dominates `counts`, or 0.
pub(crate) fn dominant(counts: &[u32; 8], among: u8) -> u8 {
    let mut order: Vec<usize> = (0..8).filter(|&i| among >> i & 1 == 1).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let best = order.first().map_or(0, |&i| counts[i]);
    let second = order.get(1).map_or(0, |&i| counts[i]);
    match order.first() {
        Some(&i) if best >= 3 && best * 2 >= second * 3 => 1 << i,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kind bit of the language that clearly dominates `text` among all, or 0.
    fn guess(lang: &Language, text: &[u8]) -> u8 {
        dominant(&lang.counts(text), ALL)
    }

    #[test]
    fn guesses_the_language() {
        let lang = Language::new();
        assert_eq!(
            guess(
                &lang,
                "Hon är inte hemma och ringer till oss från sjukhuset.".as_bytes()
            ),
            SE
        );
        assert_eq!(
            guess(
                &lang,
                "Hän oli kotona ja myös lääkäri on paikalla, mutta ei".as_bytes()
            ),
            FI
        );
        assert_eq!(
            guess(
                &lang,
                "Hun blev hjulpet af hjemmeplejen efter hvad vi ved".as_bytes()
            ),
            DK
        );
        assert_eq!(
            guess(
                &lang,
                "Hun ble hjulpet av hjemmetjenesten etter hva vi vet".as_bytes()
            ),
            NO
        );
        assert_eq!(
            guess(&lang, "Hún er ekki heima og við fyrir".as_bytes()),
            IS
        );
        assert_eq!(guess(&lang, b"CPR 0101901234"), 0);
    }

    fn label_for(text: &str) -> Option<u8> {
        let labels = Labels::new();
        let i = text.find('#').unwrap();
        let h = text.replace('#', "0");
        local_label(&labels, h.as_bytes(), i).map(|h| h.kinds)
    }

    #[test]
    fn nearest_label_speaks_for_the_number() {
        assert_eq!(label_for("CPR-nr: #"), Some(DK));
        assert_eq!(label_for("Fødselsnummer: #"), Some(NO));
        assert_eq!(label_for("FØDSELSNUMMER: #"), Some(NO));
        assert_eq!(label_for("Henkilötunnus #"), Some(FI));
        assert_eq!(label_for("CPR: 1, Fakturanummer: #"), Some(OTHER));
        assert_eq!(label_for("Fakturanummer: 1, CPR: #"), Some(DK));
        assert_eq!(label_for("kt. #"), Some(IS));
        assert_eq!(label_for("CPR-nummer:\n#"), Some(DK));
    }

    #[test]
    fn labels_do_not_reach_across_other_text() {
        assert_eq!(label_for("Telefon: 1234\n#"), None);
        assert_eq!(label_for("hotel #"), None);
        assert_eq!(
            label_for("Konto 1\nThe committee met and agreed on a budget: #"),
            None
        );
        assert_eq!(label_for("preference #"), None);
        assert_eq!(label_for("HETU;Barn;Ärende\r\n#"), None);
    }

    #[test]
    fn latin1_labels_match() {
        let labels = Labels::new();
        let h = b"F\xf8dselsnummer: 0";
        assert_eq!(
            local_label(&labels, h, h.len() - 1).map(|h| h.kinds),
            Some(NO)
        );
    }

    #[test]
    fn header_columns_carry_labels() {
        let labels = Labels::new();
        let head = Header::parse(&labels, b"Kundenr;CPR-nummer;Navn").unwrap();
        let row = b"123;0101901234;Hans";
        assert_eq!(head.column_label(row, 0, 4), Some(DK));
        assert_eq!(head.column_label(row, 0, 0), Some(OTHER));
        assert!(Header::parse(&labels, b"Navn;Adresse").is_none());
    }
}
