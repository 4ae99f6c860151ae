//! Health and care data (GDPR art. 9): lexicon words and ICD-10/ATC codes, counted only where
//! a sentence is about a person.
//!
//! The lexicon (`data/health.lex`) is data: stems per category and language, plus the words
//! that tell whether a sentence is about someone (pronouns, "patient", "borgeren") or about an
//! organisation (budgets, staff, statistics). One Aho-Corasick automaton holds all of them.
//! A document holds health data about a person when a health word or code stands in a
//! sentence (or table row) with an identity number, a person word or a name, and without
//! administrative words unless an identity number is there too.

use aho_corasick::automaton::{Automaton as _, StateID};
use aho_corasick::{dfa, Anchored, MatchKind};

use crate::context::{encodings, is_letter};
use crate::names::Names;

/// Spellings of a term: lower case, and capitalised where the first letter is not ASCII (the
/// automaton folds ASCII case itself; "Ödem" at a sentence start). All-capital text with
/// non-ASCII letters is left out: the automaton stays small and fast.
fn lower_and_capitalised(word: &str) -> Vec<Vec<u8>> {
    let lower = word.to_lowercase();
    let mut forms = vec![lower.clone()];
    let mut chars = lower.chars();
    if let Some(first) = chars.next().filter(|c| !c.is_ascii()) {
        forms.push(first.to_uppercase().chain(chars).collect());
    }
    encodings(forms)
}

/// The built-in lexicon.
const LEXICON: &str = include_str!("../data/health.lex");
/// Bytes either side of a word searched for the end of its sentence.
const SENTENCE: usize = 300;
/// Bytes before a sentence, and after it, where an identity number still speaks for it (the
/// number in a record's header, the text of the record below it).
const RECORD_BEFORE: usize = 400;
const RECORD_AFTER: usize = 200;
/// Bytes after a code-context word ("diagnos", "ICD") searched for codes.
const CODE_WINDOW: usize = 160;
/// Bytes of text per health word without an everyday sense that make a document medical,
/// letting its words with an everyday sense count.
const MEDICAL_DENSITY: u64 = 32 * 1024;
/// Bytes after a code-context word within which a code is announced by it, whatever else.
const CODE_RIGHT_AFTER: usize = 12;
/// Bytes read at a time, and read after a document is decided.
const BLOCK: usize = 2048;
const AFTER_DECISION: usize = 2048;
/// Health words in sentences about no one after which a document counts as administrative.
const ADMINISTRATIVE: u32 = 64;
/// Longest term, for the overlap kept between chunks.
pub(crate) const MAX_TERM: usize = 64;

/// What a health word is evidence of. The names replace the words in findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Diagnosis,
    DiagnosisCode,
    Symptom,
    Treatment,
    Medicine,
    CareService,
    SubstanceAbuse,
    MentalHealth,
    Disability,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Diagnosis,
        Category::DiagnosisCode,
        Category::Symptom,
        Category::Treatment,
        Category::Medicine,
        Category::CareService,
        Category::SubstanceAbuse,
        Category::MentalHealth,
        Category::Disability,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Diagnosis => "diagnosis",
            Category::DiagnosisCode => "diagnosis code",
            Category::Symptom => "symptom",
            Category::Treatment => "treatment",
            Category::Medicine => "medicine",
            Category::CareService => "care service",
            Category::SubstanceAbuse => "substance abuse",
            Category::MentalHealth => "mental health",
            Category::Disability => "disability",
        }
    }

    fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == s)
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The categories in a bit set, as a finding shows them: `[diagnosis, medicine]`.
pub fn describe(categories: u16) -> String {
    let names: Vec<&str> = Category::ALL
        .into_iter()
        .filter(|c| categories & c.bit() != 0)
        .map(Category::name)
        .collect();
    format!("[{}]", names.join(", "))
}

/// What one spelling in the automaton stands for.
#[derive(Clone, Copy, Debug, Default)]
struct Term {
    /// Evidence categories (bit set).
    evidence: u16,
    person: bool,
    admin: bool,
    code_context: bool,
    /// May start inside a word (the end of a compound).
    inside: bool,
    /// Must end a word.
    whole: bool,
    /// Must match with the case as written.
    exact: bool,
    /// Has an everyday or technical sense too ("operation", "disabled"): counts only in a
    /// document that is otherwise medical or care text.
    weak: bool,
    /// A name (an eponym such as "Alzheimer"): capitalised inside a sentence, it is still the
    /// term, not part of a proper noun.
    eponym: bool,
    /// A word that holds a term and is not it ("bekræfte" holds "kræft"): matched to hide the
    /// term, never a hit itself.
    not: bool,
}

/// A lexicon line that could not be read.
#[derive(Debug)]
pub struct LexiconError {
    pub line: usize,
    pub reason: String,
}

/// The health lexicon: health words and code announcements in the automaton that reads every
/// byte; the words that judge a sentence (person, admin) in one read only around evidence.
pub(crate) struct Lexicon {
    words: Automaton,
    judges: Automaton,
}

/// Terms of one automaton.
struct Automaton {
    /// The terms' DFA (ASCII case folded, leftmost-longest), read by [`Automaton::each`].
    dfa: dfa::DFA,
    /// Its unanchored start state.
    start: StateID,
    patterns: Vec<Vec<u8>>,
    terms: Vec<Term>,
    /// Per pattern, the longest shorter pattern that is its prefix and may start inside a
    /// word: the automaton reports the longest match ("smärtor"), but inside a compound
    /// ("bröstsmärtor") only the shorter one ("~smärt") applies.
    inside_prefix: Vec<Option<usize>>,
}

impl Lexicon {
    pub fn builtin() -> Lexicon {
        // The built-in lexicon is tested; failing here is a programming error.
        Lexicon::parse(LEXICON)
            .unwrap_or_else(|e| panic!("health lexicon line {}: {}", e.line, e.reason))
    }

    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let spellings = spellings(text)?;
        let of = |role: fn(&Term) -> bool| spellings.iter().filter(move |(_, t)| role(t));
        Ok(Lexicon {
            // The words that are not terms race the terms in the same automaton: the one that
            // starts first wins ("bekræftet" is read as "bekræft", not as "kræft").
            words: Automaton::new(of(|t| t.evidence != 0 || t.code_context || t.not))?,
            // Read only around evidence: a small automaton that is quick to build.
            judges: Automaton::new(of(|t| t.person || t.admin))?,
        })
    }
}

/// Every spelling of every term of the lexicon `text`, with what it stands for; a spelling
/// listed more than once stands for all its roles.
fn spellings(text: &str) -> Result<Vec<(Vec<u8>, Term)>, LexiconError> {
    let mut out: Vec<(Vec<u8>, Term)> = vec![];
    let mut index: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    let mut role: Option<Term> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        let err = |reason: String| LexiconError {
            line: n + 1,
            reason,
        };
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let mut t = Term::default();
            match name {
                "person" => t.person = true,
                "admin" => t.admin = true,
                "code-context" => t.code_context = true,
                "not" => t.not = true,
                _ => {
                    let c = Category::parse(name)
                        .ok_or_else(|| err(format!("unknown section [{name}]")))?;
                    t.evidence = c.bit();
                }
            }
            role = Some(t);
            continue;
        }
        let base = role.ok_or_else(|| err("a term line before any [section]".into()))?;
        let (_, list) = line
            .split_once(':')
            .ok_or_else(|| err("expected `language: term, term, ...`".into()))?;
        for raw in list.split(',') {
            let mut word = raw.trim();
            if word.is_empty() {
                continue;
            }
            let mut t = base;
            // The marks, in this order: ?^=~ before the term.
            for (mark, flag) in [
                ('?', &mut t.weak),
                ('^', &mut t.eponym),
                ('=', &mut t.exact),
                ('~', &mut t.inside),
            ] {
                if let Some(w) = word.strip_prefix(mark) {
                    *flag = true;
                    word = w;
                }
            }
            if let Some(w) = word.strip_suffix('.') {
                t.whole = true;
                word = w;
            }
            if word.is_empty() || word.len() > MAX_TERM {
                return Err(err(format!("term `{raw}` is empty or too long")));
            }
            let forms = if t.exact {
                vec![word.as_bytes().to_vec()]
            } else {
                lower_and_capitalised(word)
            };
            for form in forms {
                match index.get(&form) {
                    Some(&i) => {
                        let old: &mut Term = &mut out[i].1;
                        // Only evidence says whether a word has an everyday sense.
                        if t.evidence != 0 {
                            old.weak = t.weak && (old.weak || old.evidence == 0);
                        }
                        old.evidence |= t.evidence;
                        old.person |= t.person;
                        old.admin |= t.admin;
                        old.code_context |= t.code_context;
                        old.inside |= t.inside;
                        old.whole &= t.whole;
                        old.exact &= t.exact;
                        old.eponym |= t.eponym;
                        old.not |= t.not;
                    }
                    None => {
                        index.insert(form.clone(), out.len());
                        out.push((form, t));
                    }
                }
            }
        }
    }
    Ok(out)
}

impl Automaton {
    fn new<'a>(
        spellings: impl Iterator<Item = &'a (Vec<u8>, Term)>,
    ) -> Result<Automaton, LexiconError> {
        let (patterns, terms): (Vec<Vec<u8>>, Vec<Term>) = spellings.cloned().unzip();
        let err = |reason: String| LexiconError { line: 0, reason };
        // Without a prefilter, only the dead state and the matching states are special: the
        // loop of `each` relies on it.
        let dfa = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| err(e.to_string()))?;
        let start = dfa
            .start_state(Anchored::No)
            .map_err(|e| err(e.to_string()))?;
        let lower: Vec<Vec<u8>> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
        let by_lower: std::collections::HashMap<&[u8], usize> = lower
            .iter()
            .enumerate()
            .filter(|&(i, _)| terms[i].inside)
            .map(|(i, p)| (&p[..], i))
            .collect();
        let inside_prefix = lower
            .iter()
            .map(|p| {
                (1..p.len())
                    .rev()
                    .find_map(|n| by_lower.get(&p[..n]).copied())
            })
            .collect();
        Ok(Automaton {
            dfa,
            start,
            patterns,
            terms,
            inside_prefix,
        })
    }

    /// Calls `f(start, end, pattern)` for every match in `h`, in order: from where the last
    /// one ended, the longest of those that start leftmost (what `AhoCorasick::find_iter`
    /// finds; a test compares them). This loop reads every byte a health scan reads: its
    /// inner loop only steps the DFA until a special state (a match, or the dead state after
    /// one), about half the instructions a byte of the crate's general search.
    fn each(&self, h: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let until_special = |mut sid: StateID, mut i: usize| {
            while let Some(&b) = h.get(i) {
                sid = self.dfa.next_state(Anchored::No, sid, b);
                i += 1;
                if self.dfa.is_special(sid) {
                    break;
                }
            }
            (sid, i)
        };
        let mut at = 0;
        while at < h.len() {
            // After a match the DFA goes on while a longer one may start there, then dies.
            let (mut sid, mut i) = (self.start, at);
            let mut last = None;
            loop {
                (sid, i) = until_special(sid, i);
                if !self.dfa.is_match(sid) {
                    break;
                }
                last = Some((i, sid));
                if i == h.len() {
                    break;
                }
            }
            let Some((end, sid)) = last else {
                return;
            };
            let pattern = self.dfa.match_pattern(sid, 0).as_usize();
            f(end - self.patterns[pattern].len(), end, pattern);
            at = end;
        }
    }

    /// Every term in `h[from..to]` whose word boundaries hold.
    fn find(&self, h: &[u8], from: usize, to: usize, out: &mut Vec<Hit>) {
        self.each(&h[from..to], |s, e, mut id| {
            let (start, mut end) = (from + s, from + e);
            if !self.terms[id].inside && start > 0 && is_letter(h[start - 1]) {
                match self.inside_prefix[id] {
                    Some(p) => {
                        id = p;
                        end = start + self.patterns[p].len();
                    }
                    None => return,
                }
            }
            let t = self.terms[id];
            if t.whole && end < h.len() && is_letter(h[end]) {
                return;
            }
            if t.not || (t.exact && h[start..end] != self.patterns[id][..]) {
                return;
            }
            out.push(Hit {
                start,
                end,
                term: t,
            });
        });
    }
}

#[derive(Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    term: Term,
}

/// What a document has shown so far.
#[derive(Default)]
pub(crate) struct Evidence {
    /// Health words about a person, and those of them next to an identity number.
    pub about_person: u32,
    pub with_id: u32,
    /// Health words in sentences not about anyone.
    pub other: u32,
    /// Categories of the words about a person, and of the others.
    pub categories: u16,
    pub other_categories: u16,
    /// Stream offsets of the first word of each sort.
    pub first: Option<u64>,
    pub first_other: Option<u64>,
    /// Up to a few distinct words as written (for `--show-values` only), and how many
    /// words were looked at for them.
    pub words: Vec<String>,
    tried: u32,
    /// The words looked at, as written: one seen before adds nothing, and is not decoded
    /// and lower-cased again (documents repeat their few health words).
    tried_words: Vec<Vec<u8>>,
    /// The first line names a diagnosis column: codes are read everywhere.
    pub codes_everywhere: bool,
    /// Stream offset where the document became surely about a person.
    pub decided_at: Option<u64>,
    /// What words with an everyday sense showed, held aside: it counts at the document's end
    /// if the other words show it is medical or care text ([`Evidence::settle`]).
    weak: Option<Box<Evidence>>,
}

impl Evidence {
    const WORDS: usize = 6;

    /// Whether the document is surely about a person (a high-confidence finding).
    pub fn decided(&self) -> bool {
        self.with_id > 0 || self.about_person >= 3
    }

    /// Whether the document has shown many health words and none about a person: minutes,
    /// budgets, statistics.
    fn administrative(&self) -> bool {
        self.about_person == 0 && self.other >= ADMINISTRATIVE
    }

    /// Whether the document has shown itself to be medical or care text, so that words with
    /// an everyday sense count: a health word without one in a sentence about a person, or
    /// such words at a density of medical text (two in a note; a dozen in a software
    /// changelog of 1 MB do not make it medical). Held words are not in these counts.
    fn medical(&self, bytes: u64) -> bool {
        let words = u64::from(self.about_person + self.other);
        self.about_person > 0 || words >= (bytes / MEDICAL_DENSITY).max(2)
    }

    /// Notes a word with an everyday sense: held aside until the document ends.
    fn note_weak(&mut self, offset: u64, category: u16, person: bool, id: bool, word: &[u8]) {
        let held = self.weak.get_or_insert_with(Box::default);
        held.note(offset, category, person, id, word);
    }

    /// At the end of a document of `bytes`: the held words with an everyday sense count if it
    /// is medical or care text, and are dropped if not.
    pub fn settle(&mut self, bytes: u64) {
        if let Some(held) = self.weak.take() {
            if self.medical(bytes) {
                self.absorb(*held);
            }
        }
    }

    /// Stream offsets of the first held word about a person, and of the first other one.
    pub fn held_first(&self) -> (Option<u64>, Option<u64>) {
        self.weak
            .as_ref()
            .map_or((None, None), |w| (w.first, w.first_other))
    }

    /// Adds the held evidence of words with an everyday sense.
    fn absorb(&mut self, held: Evidence) {
        self.about_person += held.about_person;
        self.with_id += held.with_id;
        self.other += held.other;
        self.categories |= held.categories;
        self.other_categories |= held.other_categories;
        let earliest = |a: Option<u64>, b: Option<u64>| a.min(b).or(a).or(b);
        self.first = earliest(self.first, held.first);
        self.first_other = earliest(self.first_other, held.first_other);
        for w in held.words {
            if self.words.len() < Self::WORDS && !self.words.contains(&w) {
                self.words.push(w);
            }
        }
    }

    fn note(&mut self, offset: u64, category: u16, person: bool, id: bool, word: &[u8]) {
        if person {
            self.about_person += 1;
            self.with_id += u32::from(id);
            self.categories |= category;
            self.first.get_or_insert(offset);
            if self.decided() {
                self.decided_at.get_or_insert(offset);
            }
        } else {
            self.other += 1;
            self.other_categories |= category;
            self.first_other.get_or_insert(offset);
        }
        if self.words.len() < Self::WORDS && self.tried < 64 {
            self.tried += 1;
            if self.tried_words.iter().any(|t| t == word) {
                return;
            }
            self.tried_words.push(word.to_vec());
            let w = crate::redact::Matched::from_bytes(word)
                .expose()
                .to_lowercase();
            if !self.words.contains(&w) {
                self.words.push(w);
            }
        }
    }
}

/// Verbs that follow a name at the start of a sentence about someone ("Karl har ...").
const VERBS: &[&str] = &[
    "har",
    "hade",
    "fick",
    "får",
    "är",
    "var",
    "blev",
    "behöver",
    "havde",
    "fik",
    "er",
    "bliver",
    "skal",
    "hadde",
    "fikk",
    "ble",
    "trenger",
    "on",
    "oli",
    "sai",
    "saa",
    "tarvitsee",
    "hefur",
    "hafði",
    "fékk",
    "fær",
    "varð",
    "þarf",
    "has",
    "had",
    "got",
    "gets",
    "is",
    "was",
    "needs",
    "takes",
    "receives",
    "uses",
    "bruger",
    "bruker",
    "använder",
    "käyttää",
    "tar",
    "tager",
];

impl Lexicon {
    /// Reads `h[from..to]` and adds what it shows to `ev`. `ids` are the offsets in `h` of
    /// identity numbers that are not labelled as other numbers, ascending; `names` tell a
    /// person's first name (when lists were given); `base` is the stream offset of `h[0]`.
    #[allow(clippy::too_many_arguments)]
    pub fn scan(
        &self,
        h: &[u8],
        from: usize,
        to: usize,
        ids: &[usize],
        names: &Names,
        base: u64,
        ev: &mut Evidence,
    ) {
        let mut at = from;
        while at < to {
            // Once a document is surely about a person, a little more text is read for the
            // categories of its health data, and then no more: the words cost time in every
            // byte, and the finding is made.
            let after = ev.decided_at.map(|d| (base + at as u64).saturating_sub(d));
            if after.is_some_and(|a| a >= AFTER_DECISION as u64) {
                return;
            }
            let end = (at + BLOCK).min(to);
            // An administrative text is read on only around identity numbers, where a record
            // about a person would count: the words cost time in every byte.
            let id_near = || {
                let a = at.saturating_sub(RECORD_AFTER + SENTENCE);
                let k = ids.partition_point(|&i| i < a);
                ids.get(k)
                    .is_some_and(|&i| i < end + RECORD_BEFORE + SENTENCE)
            };
            if !ev.administrative() || id_near() {
                self.scan_block(h, at, end, ids, names, base, ev);
            }
            at = end;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_block(
        &self,
        h: &[u8],
        from: usize,
        to: usize,
        ids: &[usize],
        names: &Names,
        base: u64,
        ev: &mut Evidence,
    ) {
        let mut hits = Vec::new();
        // Terms that start in the block may end after it. A term in code ("worker.suicide",
        // an e-mail address) or in a proper noun ("Krefting") is not the word.
        self.words
            .find(h, from, (to + MAX_TERM).min(h.len()), &mut hits);
        hits.retain(|x| x.start < to && !in_code(h, x) && !in_proper_noun(h, x));
        if hits.is_empty() && !ev.codes_everywhere {
            return;
        }
        let mut evidence: Vec<(usize, usize, u16, bool)> = hits
            .iter()
            .filter(|x| x.term.evidence != 0)
            .map(|x| (x.start, x.end, x.term.evidence, x.term.weak))
            .collect();
        // Codes after a word that announces them, or everywhere in a diagnosis table. A code
        // a little after a word with an everyday sense ("diagnostics ... X448") is no stronger
        // than the word; right after it ("Diagnos: F32.1") it is a code.
        let mut code = |s: usize, e: usize, weak: bool| {
            codes(h, s, e, |cs, ce| {
                if cs >= from && cs < to {
                    let weak = weak && cs > s + CODE_RIGHT_AFTER;
                    evidence.push((cs, ce, Category::DiagnosisCode.bit(), weak));
                }
            })
        };
        if ev.codes_everywhere {
            code(from, to, false);
        } else {
            for x in hits.iter().filter(|x| x.term.code_context) {
                code(x.end, (x.end + CODE_WINDOW).min(h.len()), x.term.weak);
            }
        }
        evidence.sort_unstable();
        evidence.dedup_by_key(|x| x.0);
        // Sentences with several health words are judged once.
        let mut judged: Option<((usize, usize), bool, bool)> = None;
        let mut around = Vec::new();
        for (start, end, category, weak) in evidence {
            let word = &h[start..end];
            let offset = base + start as u64;
            let note = |ev: &mut Evidence, about: bool, id: bool| {
                if weak {
                    ev.note_weak(offset, category, about, id, word);
                } else {
                    ev.note(offset, category, about, id, word);
                }
            };
            // Once the document is surely about a person, its other health words only add
            // their categories; judging their sentences would change nothing.
            if ev.decided() {
                note(ev, true, false);
                continue;
            }
            let (s, e) = sentence(h, start);
            if let Some((span, about, id)) = judged {
                if span == (s, e) {
                    note(ev, about, id);
                    continue;
                }
            }
            // `ids` is sorted: look up the span's part of it.
            let any_id = |a: usize, b: usize| {
                let k = ids.partition_point(|&i| i < a);
                ids.get(k).is_some_and(|&i| i < b)
            };
            // An identity number in the sentence or row speaks for it whatever else is said;
            // one in the record around it, only if the sentence is not administrative.
            let in_row = any_id(s, e);
            let near = any_id(s.saturating_sub(RECORD_BEFORE), e + RECORD_AFTER);
            around.clear();
            self.judges.find(h, s, e, &mut around);
            let person = around.iter().any(|x| x.term.person);
            let admin = around.iter().any(|x| x.term.admin);
            let lo = hits.partition_point(|x| x.start < s);
            let hi = hits.partition_point(|x| x.start < e);
            let about = in_row
                || (!admin && (person || near || names_someone(h, s, e, &hits[lo..hi], names)));
            let id = in_row || (near && about);
            judged = Some(((s, e), about, id));
            note(ev, about, id);
        }
    }
}

/// The sentence or table row around `at`: from after the previous sentence end or newline to
/// the next, at most `SENTENCE` bytes either way.
fn sentence(h: &[u8], at: usize) -> (usize, usize) {
    let lo = at.saturating_sub(SENTENCE);
    let hi = (at + SENTENCE).min(h.len());
    // Markup ends a sentence too: HTML and XML are read with their tags.
    let ends = |i: usize| match h[i] {
        b'\n' | b'!' | b'?' => true,
        b'.' => h
            .get(i + 1)
            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'<' || *b == b'"'),
        b'<' => h
            .get(i + 1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/'),
        _ => false,
    };
    let s = (lo..at).rev().find(|&i| ends(i)).map_or(lo, |i| i + 1);
    let e = (at..hi).find(|&i| ends(i)).unwrap_or(hi);
    (s, e)
}

/// Whether a byte starts an upper-case letter: ASCII, or Latin-1/UTF-8 À-Þ.
fn upper_at(h: &[u8], i: usize) -> bool {
    match h[i] {
        b'A'..=b'Z' => true,
        0xC3 => h
            .get(i + 1)
            .is_some_and(|&b| (0x80..=0x9E).contains(&b) && b != 0x97),
        b @ 0xC0..=0xDE => b != 0xD7 && !h.get(i + 1).is_some_and(|&n| (0x80..0xC0).contains(&n)),
        _ => false,
    }
}

/// Capitalised words that start sentences and come before a verb but never name anyone.
const NOT_NAMES: &[&str] = &[
    "The", "This", "That", "These", "Those", "It", "There", "Here", "What", "Which", "Who", "Each",
    "Every", "All", "Some", "Any", "One", "Nobody", "Everyone", "Det", "Den", "Der", "Dette",
    "Denne", "Detta", "Dessa", "Disse", "Vi", "Jag", "Jeg", "Eg", "Du", "De", "Dei", "Ni", "Man",
    "Alla", "Alle", "Ingen", "Hver", "Varje", "Tämä", "Se", "Ne", "Me", "Te", "Kaikki", "Joku",
    "Það", "Þetta", "Allir", "Enginn",
];

/// The word of letters (and hyphens) starting at `i`, and where it ends.
fn word_at(h: &[u8], i: usize, e: usize) -> usize {
    let mut j = i;
    while j < e && (is_letter(h[j]) || h[j] == b'-') {
        j += 1;
    }
    j
}

/// Whether `h[a..b]` is a capitalised word: a capital, then some lower case.
fn capitalised(h: &[u8], a: usize, b: usize) -> bool {
    let word = &h[a..b];
    upper_at(h, a)
        && word.len() >= 2
        && word
            .iter()
            .skip(1)
            .any(|b| b.is_ascii_lowercase() || *b >= 0x80)
        && !word.iter().skip(1).take(3).any(u8::is_ascii_uppercase)
}

/// Whether the sentence `h[s..e]` has a named person as the subject of a verb: a name (a
/// capitalised word, and a last name after it) followed by a verb ("Karl har ...", "Anna
/// Berg was ..."). With name lists, the name's first word must be a first name. A name
/// elsewhere in the sentence (a maintainer credited in a changelog) is not its subject.
fn names_someone(h: &[u8], s: usize, e: usize, hits: &[Hit], names: &Names) -> bool {
    let term_at = |start: usize| hits.iter().any(|x| x.start <= start && start < x.end);
    let skip_spaces = |mut j: usize| {
        while j < e && h[j] == b' ' {
            j += 1;
        }
        j
    };
    let mut i = s;
    while i < e {
        while i < e && !is_letter(h[i]) {
            i += 1;
        }
        let start = i;
        i = word_at(h, i, e);
        if start == i {
            break;
        }
        if !capitalised(h, start, i) || term_at(start) {
            continue;
        }
        let word = &h[start..i];
        let named = if names.is_empty() {
            !NOT_NAMES.iter().any(|n| n.as_bytes() == word)
        } else {
            names.is_first(word)
        };
        if !named {
            continue;
        }
        // Up to two more capitalised words (middle and last names), then the verb.
        let mut j = skip_spaces(i);
        for _ in 0..2 {
            let k = word_at(h, j, e);
            if k > j && capitalised(h, j, k) {
                j = skip_spaces(k);
            } else {
                break;
            }
        }
        let k = (j..e).find(|&k| !is_letter(h[k])).unwrap_or(e);
        if VERBS.iter().any(|v| v.as_bytes() == &h[j..k]) {
            return true;
        }
    }
    false
}

/// The word around a hit: the letters and digits before its start and after its end, at most
/// `WORD_MAX` of each (a hit inside a long run of letters, such as base64, is read in
/// constant time, and no word that long is prose).
fn word_around(h: &[u8], x: &Hit) -> (usize, usize) {
    const WORD_MAX: usize = 64;
    let part = |b: u8| is_letter(b) || b.is_ascii_digit();
    let mut ws = x.start;
    while ws > 0 && x.start - ws < WORD_MAX && part(h[ws - 1]) {
        ws -= 1;
    }
    let mut we = x.end;
    while we < h.len() && we - x.end < WORD_MAX && part(h[we]) {
        we += 1;
    }
    (ws, we)
}

/// Whether a hit is part of code or an address rather than prose: `worker.suicide`,
/// `--disabled`, `state=disabled`, `haavard_aasen@...`, `` `operation` ``, `operation(`.
fn in_code(h: &[u8], x: &Hit) -> bool {
    let (ws, we) = word_around(h, x);
    let at = |i: Option<usize>| i.and_then(|i| h.get(i).copied());
    let (before, before2) = (at(ws.checked_sub(1)), at(ws.checked_sub(2)));
    let (after, after2) = (at(Some(we)), at(Some(we + 1)));
    let word_char = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    matches!(
        before,
        Some(b'_' | b'@' | b'\\' | b'`' | b'$' | b'#' | b'=')
    ) || (before == Some(b'.') && word_char(before2))
        || (before == Some(b'-') && before2 == Some(b'-'))
        || matches!(after, Some(b'_' | b'@' | b'(' | b'`' | b'=' | b'\\'))
        || (after == Some(b'.') && word_char(after2))
}

/// Whether a hit is only part of a capitalised word inside a sentence: a proper noun
/// ("Peter Krefting", "Ted Unangst", "Waranted" in a title), not the term. Eponyms
/// ("Alzheimers") and terms matched with their case are the term.
fn in_proper_noun(h: &[u8], x: &Hit) -> bool {
    if x.term.eponym || x.term.exact {
        return false;
    }
    let (ws, we) = word_around(h, x);
    if (ws, we) == (x.start, x.end) || !capitalised(h, ws, we) {
        return false;
    }
    // After a word and a few spaces (at most 16 looked at).
    let mut i = ws;
    while i > 0 && ws - i < 16 && h[i - 1] == b' ' {
        i -= 1;
    }
    i < ws && i > 0 && (is_letter(h[i - 1]) || h[i - 1].is_ascii_digit())
}

/// ICD-10 codes (`F32.1`, `E119`, Danish `DE119`) and ATC codes (`N06AB06`) in `h[from..to]`,
/// each checked against the structure of its classification.
fn codes(h: &[u8], from: usize, to: usize, mut f: impl FnMut(usize, usize)) {
    let to = to.min(h.len());
    let mut i = from;
    while i < to {
        let b = h[i];
        if !b.is_ascii_uppercase() || (i > 0 && h[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        if let Some(end) = icd10(h, i).or_else(|| atc(h, i)) {
            f(i, end);
            i = end;
        } else {
            i += 1;
        }
    }
}

fn digit(h: &[u8], i: usize) -> Option<u8> {
    h.get(i).filter(|b| b.is_ascii_digit()).map(|b| b - b'0')
}

fn ends_token(h: &[u8], i: usize) -> bool {
    h.get(i).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// The end of an ICD-10 code starting at `i`, if one is there.
fn icd10(h: &[u8], i: usize) -> Option<usize> {
    // Danish SKS writes the chapter letter after a D: DF321.
    let at = if h[i] == b'D' && h.get(i + 1).is_some_and(u8::is_ascii_uppercase) {
        i + 1
    } else {
        i
    };
    let letter = h[at];
    let n = digit(h, at + 1)? * 10 + digit(h, at + 2)?;
    let max = match letter {
        b'E' => 90,
        b'H' => 95,
        b'K' => 93,
        b'P' => 96,
        b'T' => 98,
        b'Y' => 98,
        b'U' => 85,
        b'A'..=b'Z' => 99,
        _ => return None,
    };
    if n > max || (letter == b'V' && n == 0) {
        return None;
    }
    let mut end = at + 3;
    if h.get(end) == Some(&b'.') && digit(h, end + 1).is_some() {
        end += 2;
        if digit(h, end).is_some() {
            end += 1;
        }
    } else if digit(h, end).is_some() {
        end += 1;
        if digit(h, end).is_some() {
            end += 1;
        }
    }
    // A bare letter and two digits ("A12") is too common to count without a subcode, unless
    // written the Danish way.
    (ends_token(h, end) && (end > at + 3 || at > i)).then_some(end)
}

/// The end of an ATC code (level 4 or 5: `N06AB`, `N06AB06`) starting at `i`.
fn atc(h: &[u8], i: usize) -> Option<usize> {
    if !b"ABCDGHJLMNPRSV".contains(&h[i]) {
        return None;
    }
    digit(h, i + 1)?;
    digit(h, i + 2)?;
    let letters = h.get(i + 3..i + 5)?;
    if !letters.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let end = if digit(h, i + 5).is_some() && digit(h, i + 6).is_some() {
        i + 7
    } else {
        i + 5
    };
    ends_token(h, end).then_some(end)
}

/// Whether a header line names a diagnosis column.
pub(crate) fn names_codes(lex: &Lexicon, line: &[u8]) -> bool {
    let mut hits = Vec::new();
    lex.words.find(line, 0, line.len(), &mut hits);
    hits.iter().any(|x| x.term.code_context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(text: &str) -> Evidence {
        let lex = Lexicon::builtin();
        let mut ev = Evidence::default();
        lex.scan(
            text.as_bytes(),
            0,
            text.len(),
            &[],
            &Names::empty(),
            0,
            &mut ev,
        );
        ev
    }

    #[test]
    fn the_builtin_lexicon_parses() {
        let lex = Lexicon::builtin();
        assert!(
            lex.words.terms.len() > 500,
            "{} terms",
            lex.words.terms.len()
        );
    }

    #[test]
    fn the_search_finds_what_the_crate_finds() {
        let lex = Lexicon::builtin();
        let words = &lex.words;
        let mut h = b"Hon har trycks\xc3\xa5r och SM\xc3\xa4RTOR, ont i ryggen; KOL. ".to_vec();
        // Every byte after the first half of every term, and the term after it.
        for p in &words.patterns {
            for b in (0..=255u8).step_by(7) {
                h.extend_from_slice(&p[..p.len() / 2 + 1]);
                h.push(b);
                h.extend_from_slice(p);
            }
        }
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words.patterns)
            .unwrap();
        let expected: Vec<(usize, usize, usize)> = ac
            .find_iter(&h)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        let mut found = vec![];
        words.each(&h, |s, e, p| found.push((s, e, p)));
        assert_eq!(found, expected);
        assert!(found.len() > 10_000);
    }

    #[test]
    fn compounds_and_inflections_match() {
        for text in [
            "Karl har ett trycksår på hälen.",
            "Hon har fått en tid på diabetesmottagningen.",
            "Hän sai painehaavan hoitoon.",
            "Hun får hjemmesykepleie to ganger daglig.",
            "Borgeren har fået sårpleje.",
            "Hann er með sykursýki.",
            "Hon ringde om bröstsmärtor.",
        ] {
            let ev = evidence(text);
            assert!(ev.about_person >= 1, "{text}");
        }
    }

    #[test]
    fn administrative_sentences_are_not_about_a_person() {
        for text in [
            "Hemtjänstens kostnader ökade med 4 procent.",
            "The home-care budget rose 4 %.",
            "Vi har rekrutteret tolv sygeplejersker til hjemmeplejen.",
            "Kotihoidon toimintasuunnitelma päivitetään.",
        ] {
            let ev = evidence(text);
            assert_eq!(ev.about_person, 0, "{text}");
            assert!(ev.other >= 1, "{text}");
        }
    }

    #[test]
    fn words_inside_other_words_do_not_match() {
        for text in [
            "Vårdnad om barnet.",
            "Han är sårbar.",
            "Hun bor her i byen.",
            // Words that hold a term: confirm, forces, independent, wilderness, the modem's.
            "Hun har bekræftet aftalen og brugt alle sine kræfter.",
            "Han bekreftet at arbeidskreftene kom.",
            "Han arbejder uafhængigt af adgangstegnet.",
            "Hun bor i ødemarken.",
            "Han lagade modemens kabel.",
        ] {
            let ev = evidence(text);
            assert_eq!(ev.about_person + ev.other, 0, "{text}");
        }
    }

    #[test]
    fn identity_numbers_anchor_rows() {
        let lex = Lexicon::builtin();
        let text = b"160487-2203;Ritva Nieminen;Puusepankatu 83;Haavanhoito\n";
        let mut ev = Evidence::default();
        lex.scan(text, 0, text.len(), &[0], &Names::empty(), 0, &mut ev);
        assert_eq!((ev.about_person, ev.with_id), (1, 1));
    }

    #[test]
    fn administrative_texts_are_read_on_only_around_identity_numbers() {
        let lex = Lexicon::builtin();
        let mut text = "Hemtjänstens kostnader ökade med 4 procent.\n".repeat(150);
        let pronoun = text.len();
        text.push_str("Hon har trycksår.\n");
        text.push_str(&"Hemtjänstens budget ökade med 4 procent.\n".repeat(70));
        let id = text.len();
        text.push_str("640823-3234 Hon har trycksår.\n");
        let mut ev = Evidence::default();
        lex.scan(
            text.as_bytes(),
            0,
            text.len(),
            &[id],
            &Names::empty(),
            0,
            &mut ev,
        );
        // The pronoun's sentence, deep in administrative text, is no longer read; the record
        // with an identity number is.
        assert_eq!((ev.about_person, ev.with_id), (1, 1));
        assert!(ev.first.is_some_and(|o| o as usize > pronoun + 100));
    }

    #[test]
    fn icd10_codes_follow_their_structure() {
        let found = |s: &str| {
            let mut v = vec![];
            codes(s.as_bytes(), 0, s.len(), |a, b| v.push(s[a..b].to_string()));
            v
        };
        assert_eq!(found("Dg F32.1, E11.9 og L89"), vec!["F32.1", "E11.9"]);
        assert_eq!(found("DF321 DE119"), vec!["DF321", "DE119"]);
        assert_eq!(found("E95.1 K94.0 V00.1"), Vec::<String>::new());
        assert_eq!(found("ATC N06AB06"), vec!["N06AB06"]);
        let ev = evidence("Diagnos: F32.1");
        assert!(ev.other_categories & Category::DiagnosisCode.bit() != 0);
    }
}
