//! The detector: candidates, validation, context, one kind and a confidence per occurrence.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::address;
use crate::bytes;
use crate::candidate::{self, Candidate, Form, Next, Sep};
use crate::context::{self, Header, Labels, Language};
use crate::date::Date;
use crate::health::{self, Evidence, Lexicon};
use crate::kind::{Confidence, Kind, Strength, Variant};
use crate::names::Names;
use crate::redact::{self, Matched};
use crate::rules::{RuleMatch, Rules};
use crate::validate::{self, SeCentury, Valid};

/// Bytes at the start of a document read for its title, header row and labels.
const PREFIX: usize = 4096;
/// Bytes kept before the resume point when a stream drops what it has scanned: the context of
/// a number, and the sentence around a health word.
pub(crate) const KEEP: usize = 512;

/// One finding in a text: an identity number, or a document's health information.
#[derive(Clone, Debug)]
pub struct Finding {
    pub kind: Kind,
    pub variant: Variant,
    pub confidence: Confidence,
    /// Byte offset of the match in the text as given to the detector.
    pub offset: u64,
    /// 1-based line number.
    pub line: u64,
    /// The matched text as written (for health, the first words of evidence). Sensitive:
    /// never log it.
    pub value: Matched,
    /// The canonical form that identifies the person (input of the fingerprint); empty for
    /// findings that identify no one by themselves (health).
    pub normalized: Matched,
    /// What may be shown and stored: `010190-****`, `[diagnosis, medicine]`.
    pub masked: String,
    /// Why the confidence is what it is, for people tuning and trusting the output.
    pub reason: Cow<'static, str>,
    /// The kind a user rule gives its findings (`kind` is then [`Kind::Custom`]).
    pub custom: Option<&'static str>,
}

impl Finding {
    /// The `kind` of the output contract: the built-in kind's name or the rule's kind.
    pub fn kind_name(&self) -> &'static str {
        self.custom.unwrap_or(self.kind.name())
    }
}

/// Which detectors besides the identity numbers run.
#[derive(Clone, Copy, Debug)]
pub struct Detectors {
    pub health: bool,
    /// E-mail, phone, IBAN, payment card, passport zone and postal address.
    pub contact: bool,
    /// Full names, when name lists were given ([`Detector::with_names`]).
    pub names: bool,
}

impl Default for Detectors {
    fn default() -> Detectors {
        Detectors {
            health: true,
            contact: true,
            names: true,
        }
    }
}

/// The detection engine. Build one and share it between threads; it holds no per-text state.
pub struct Detector {
    labels: Labels,
    language: Language,
    /// Built on first use: a scan without health words never pays for it.
    health: OnceLock<Lexicon>,
    names: Names,
    on: Detectors,
    today: Date,
    rules: Rules,
    /// The kinds of the rules, as printed; a rules file is read once per process.
    rule_kinds: Vec<&'static str>,
    /// Whether any rule composes others (its parts are then remembered per document).
    composes: bool,
}

/// Parts of compositions remembered per document, at most.
const MAX_PARTS: usize = 100_000;

impl Detector {
    /// A detector that judges birth dates against `today` (dates after it are invalid).
    pub fn new(today: Date) -> Detector {
        Detector {
            labels: Labels::new(),
            language: Language::new(),
            health: OnceLock::new(),
            names: Names::empty(),
            on: Detectors::default(),
            today,
            rules: Rules::empty(),
            rule_kinds: vec![],
            composes: false,
        }
    }

    /// The same detector with only the given detectors besides identity numbers.
    pub fn with(self, on: Detectors) -> Detector {
        Detector { on, ..self }
    }

    /// The health lexicon, built the first time it is needed.
    fn lexicon(&self) -> &Lexicon {
        self.health.get_or_init(Lexicon::builtin)
    }

    /// The same detector looking for the full names of `names`.
    pub fn with_names(self, names: Names) -> Detector {
        Detector { names, ..self }
    }

    /// The same detector with a user's rules: their findings, and their settings of the
    /// built-in detectors (off, a minimum confidence, context words, exceptions).
    pub fn with_rules(self, rules: Rules) -> Detector {
        let mut on = self.on;
        let off = |k: Kind| rules.detector(k.name()).is_some_and(|c| !c.enabled);
        on.health &= !off(Kind::Health);
        on.names &= !off(Kind::Name);
        // Context words label identity numbers, or phone numbers.
        let mut extra = vec![];
        for kind in Kind::IDENTITY.into_iter().chain([Kind::Phone]) {
            for word in rules.detector(kind.name()).map_or(&[][..], |c| &c.context) {
                extra.push((word.clone(), kind.bit(), kind == Kind::Phone));
            }
        }
        let labels = if extra.is_empty() {
            self.labels
        } else {
            Labels::with_extra(&extra)
        };
        let rule_kinds = rules
            .rules()
            .iter()
            .map(|r| &*Box::leak(r.kind.clone().into_boxed_str()))
            .collect();
        let composes = rules.rules().iter().any(|r| r.is_composite());
        Detector {
            labels,
            on,
            rules,
            rule_kinds,
            composes,
            ..self
        }
    }

    /// The rules in use.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Scans a whole document held in memory.
    pub fn scan(&self, text: &[u8], out: &mut Vec<Finding>) {
        let mut s = Stream::new(self);
        s.finish_with(text, out);
    }

    /// Scans the name of a file, folder or member: as text, but a health word in a name says
    /// nothing about a person, so health is not read.
    pub fn scan_name(&self, name: &[u8], out: &mut Vec<Finding>) {
        let mut s = Stream::new(self);
        s.health = false;
        s.finish_with(name, out);
    }

    /// Whether a rules file's settings let a built-in finding through.
    fn admits(&self, f: &Finding) -> bool {
        let Some(c) = self.rules.detector(f.kind.name()) else {
            return true;
        };
        let exception =
            || c.is_exception(f.normalized.expose()) || c.is_exception(f.value.expose());
        c.enabled && c.min_confidence.is_none_or(|m| f.confidence >= m) && !exception()
    }

    /// A stream for a document read in chunks: memory stays bounded whatever its size.
    pub fn stream(&self) -> Stream<'_> {
        Stream::new(self)
    }

    /// What a table's heading cell says its column holds, read as a header row's field is: the
    /// identity kinds its first label names (none for a label of another number, such as an
    /// invoice or customer number), or `None` without a label. Spreadsheet extraction asks it
    /// which number cells are identity numbers that lost their leading zero.
    pub fn heading(&self, cell: &[u8]) -> Option<Vec<Kind>> {
        let mut first = None;
        self.labels.find(cell, 0, cell.len(), |hit| {
            first.get_or_insert(hit.kinds);
        });
        let kinds = first?;
        Some(
            Kind::IDENTITY
                .into_iter()
                .filter(|k| kinds & k.bit() != 0)
                .collect(),
        )
    }

    /// Every interpretation under which `text` (one number as written, nothing around it) is a
    /// valid identity number, whatever the context.
    pub fn interpretations(&self, text: &[u8]) -> Vec<Valid> {
        match candidate::next(text, 0, text.len(), true) {
            Next::Found(c) if c.start == 0 && c.end == text.len() => interpret(&c.form, self.today),
            _ => vec![],
        }
    }
}

/// All kinds under which a candidate's digits are valid.
fn interpret(form: &Form, today: Date) -> Vec<Valid> {
    let mut out = Vec::with_capacity(2);
    match *form {
        Form::Ten { d, sep } => {
            if sep != Sep::Plus {
                out.extend(validate::dk_cpr(&d, today));
                out.extend(validate::is_kennitala(&d, today));
            }
            let century = if sep == Sep::Plus {
                SeCentury::Centenarian
            } else {
                SeCentury::Recent
            };
            out.extend(validate::se_personnummer(&d, century, today));
            let sign = match sep {
                Sep::Hyphen => Some(b'-'),
                Sep::Plus => Some(b'+'),
                _ => None,
            };
            if let Some(sign) = sign {
                let mut nine = [0; 9];
                nine.copy_from_slice(&d[..9]);
                out.extend(validate::fi_hetu(&nine, sign, b'0' + d[9], today));
            }
        }
        Form::Eleven { d } => out.extend(validate::no_fodselsnummer(&d, today)),
        Form::Twelve { d } => {
            let century = u16::from(d[0]) * 10 + u16::from(d[1]);
            let mut ten = [0; 10];
            ten.copy_from_slice(&d[2..]);
            out.extend(validate::se_personnummer(
                &ten,
                SeCentury::Explicit(century),
                today,
            ));
        }
        Form::Fi { d, sign, check } => out.extend(validate::fi_hetu(&d, sign, check, today)),
    }
    out
}

/// What a document has told so far, across chunks.
#[derive(Default)]
struct Doc {
    prefix_read: bool,
    header: Option<Header>,
    /// The columns of that header line that name people ("Namn;Adress;..."), for names.
    name_columns: Option<crate::names::NameColumns>,
    /// Stream offset where the header line ends; its columns apply after it.
    header_end: u64,
    /// What its numbers have shown so far.
    seen: Seen,
    /// What the numbers of its start showed, once a number past them was judged.
    start_seen: Option<Seen>,
    /// Kinds named by the labels of its start (not only those before numbers).
    start_labels: u8,
    /// How many marker words of each kind's language the document's start holds, once a
    /// number needed them.
    language: Option<[u32; 8]>,
    /// A stream's copy of the document's start, until its labels and language are read from
    /// it: a stream has dropped the start by then, and must read what a whole scan reads.
    start: Vec<u8>,
    /// Whether `start_labels` is read: at the first number to decide, as most documents
    /// have none.
    labels_read: bool,
    /// Digit groups written without separators (bare 10, 11 or 12 digits): how many were
    /// seen, and how many of them are valid under some kind. When most fail, the document's
    /// numbers are something else (production units, accounts) and the few that pass do so
    /// by chance.
    bare_seen: u32,
    bare_valid: u32,
    /// Card-shaped numbers in an issuer's range, and those of them that pass the Luhn check.
    cards_tried: u32,
    cards_valid: u32,
    /// The delimiter and index of a column whose header names a payment card.
    card_column: Option<(u8, usize)>,
}

impl Doc {
    /// Bare digit groups seen before most of them are allowed to outvote the rest.
    const BARE_SAMPLE: u32 = 10;

    /// Whether bare digit groups in this document are mostly not identity numbers.
    fn bare_by_chance(&self) -> bool {
        self.bare_seen >= Self::BARE_SAMPLE && self.bare_valid * 2 < self.bare_seen
    }

    /// Whether card-shaped numbers in this document mostly fail the Luhn check (one random
    /// number in ten passes it), so that those that pass do so by chance.
    fn cards_by_chance(&self) -> bool {
        self.cards_tried >= Self::BARE_SAMPLE && self.cards_valid * 2 < self.cards_tried
    }
}

/// Whether a candidate is written as digits alone, with nothing that marks it as a date and
/// serial (a separator, a century sign, a check letter).
fn bare(form: &Form) -> bool {
    matches!(
        form,
        Form::Ten { sep: Sep::None, .. } | Form::Eleven { .. } | Form::Twelve { .. }
    )
}

/// A candidate with what validation and local context said about it.
struct Judged {
    c: Candidate,
    valid: Vec<Valid>,
    local: Option<context::Hit>,
    column: Option<u8>,
    /// What the document's numbers had shown once this one was judged.
    seen: Seen,
}

/// What a document's numbers show of its kinds: the kinds their labels name, and per kind the
/// numbers valid under it alone. A number's kind is decided on what the numbers up to it show
/// (all those of the document's start for a number in it), never on numbers further on: a
/// stream has not read those yet, however its chunks are cut, and a whole scan must decide
/// as a stream does.
#[derive(Clone, Copy, Default)]
struct Seen {
    label_kinds: u8,
    unambiguous: [u32; 5],
}

/// Numbers that start before this offset are all judged by a stream's first run (it holds
/// `PREFIX` bytes, and a number within `MAX_SPAN` of its end waits): they count for each
/// other.
const START_NUMBERS: u64 = (PREFIX - 2 * candidate::MAX_SPAN) as u64;

/// Detection over a document that arrives in chunks. Numbers across chunk boundaries are
/// found; the document's context (labels, header row, other numbers) builds up as it goes.
pub struct Stream<'d> {
    det: &'d Detector,
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Where the search resumes in `buf`.
    pos: usize,
    /// Newlines counted before `line_pos` in the stream.
    lines: u64,
    line_pos: usize,
    /// The last line asked for behind `line_pos` (position in `buf`, 1-based line): the
    /// findings of one sort come in order, so each is counted from the one before, not back
    /// from `line_pos` (which made the cost grow with the square of a text's findings).
    behind: Option<(usize, u64)>,
    doc: Doc,
    judged: Vec<Judged>,
    /// Where the health search resumes in `buf`; it trails `pos` so a sentence is whole.
    hpos: usize,
    /// Stream offsets of identity numbers not labelled as other numbers, still in `buf`.
    ids: Vec<u64>,
    evidence: Evidence,
    /// (Stream offset, line) of the first health word about a person, of the first other
    /// one, and of the first such held words (with an everyday sense).
    health_lines: [Option<(u64, u64)>; 4],
    /// For compositions: the document's built-in findings (kind, stream offsets), its rule
    /// matches (stream offsets), and the line of each part's start.
    parts: Vec<(&'static str, usize, usize)>,
    matched: Vec<RuleMatch>,
    part_lines: Vec<(usize, u64)>,
    /// Whether health words are read (not in file names).
    health: bool,
}

impl<'d> Stream<'d> {
    fn new(det: &'d Detector) -> Stream<'d> {
        Stream {
            det,
            buf: vec![],
            base: 0,
            pos: 0,
            lines: 0,
            line_pos: 0,
            behind: None,
            doc: Doc::default(),
            judged: vec![],
            hpos: 0,
            ids: vec![],
            evidence: Evidence::default(),
            health_lines: [None; 4],
            parts: vec![],
            matched: vec![],
            part_lines: vec![],
            health: det.on.health,
        }
    }

    /// Adds the next chunk and appends the findings that are now decided.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Finding>) {
        let mut buf = std::mem::take(&mut self.buf);
        buf.extend_from_slice(chunk);
        let n = out.len();
        self.run(&buf, false, out);
        self.settle(n, out);
        // Drop what is scanned, keeping some text before the resume point for context.
        let cut = self.pos.min(self.hpos).saturating_sub(KEEP);
        if cut > 0 {
            self.count_lines(&buf, cut);
            buf.drain(..cut);
            self.base += cut as u64;
            self.pos -= cut;
            self.hpos -= cut;
            self.line_pos -= cut;
            self.behind = None;
            let base = self.base;
            self.ids.retain(|&o| o >= base);
        }
        self.buf = buf;
    }

    /// Ends the document and appends the remaining findings, then its health finding.
    pub fn finish(mut self, out: &mut Vec<Finding>) {
        let buf = std::mem::take(&mut self.buf);
        self.finish_with(&buf, out);
    }

    /// Scans the rest of the document, `h`, and ends it.
    fn finish_with(&mut self, h: &[u8], out: &mut Vec<Finding>) {
        let n = out.len();
        self.run(h, true, out);
        self.evidence.settle(self.base + h.len() as u64);
        out.extend(self.health_finding());
        self.settle(n, out);
        self.compose(out);
    }

    /// Applies the rules file's settings to the findings from `out[n..]`, and remembers them
    /// as parts of compositions.
    fn settle(&mut self, n: usize, out: &mut Vec<Finding>) {
        let det = self.det;
        if det.rules.is_empty() {
            return;
        }
        let mut keep = n;
        for i in n..out.len() {
            if out[i].custom.is_some() || det.admits(&out[i]) {
                out.swap(keep, i);
                keep += 1;
            }
        }
        out.truncate(keep);
        if det.composes && self.parts.len() < MAX_PARTS {
            for f in &out[n..] {
                if f.custom.is_none() {
                    let start = f.offset as usize;
                    let len = f.value.expose().len().max(1);
                    self.parts.push((f.kind.name(), start, start + len));
                    self.part_lines.push((start, f.line));
                }
            }
        }
    }

    /// The document's composite rule findings, once it has ended.
    fn compose(&mut self, out: &mut Vec<Finding>) {
        let det = self.det;
        if !det.composes {
            return;
        }
        let mut found = vec![];
        det.rules.compose(&self.matched, &self.parts, &mut found);
        self.part_lines.sort_unstable();
        for m in found {
            let k = self.part_lines.partition_point(|&(o, _)| o < m.start);
            let line = self.part_lines.get(k).map_or(1, |&(_, l)| l);
            let rule = &det.rules.rules()[m.rule];
            out.push(Finding {
                kind: Kind::Custom,
                variant: Variant::Ordinary,
                confidence: m.confidence,
                offset: m.start as u64,
                line,
                value: Matched::new(String::new()),
                normalized: Matched::new(String::new()),
                masked: format!("[{}]", rule.id),
                reason: m.why.into(),
                custom: det.rule_kinds.get(m.rule).copied(),
            });
        }
    }

    /// Looks for matches of the user's regex and word rules starting in `h[hpos..to]`.
    fn read_rules(&mut self, h: &[u8], to: usize, out: &mut Vec<Finding>) {
        let det = self.det;
        if self.hpos >= to || det.rules.is_empty() {
            return;
        }
        // Context words before the match are read from the kept text.
        let from = self.hpos.saturating_sub(KEEP);
        let end = (to + KEEP).min(h.len());
        let mut found = vec![];
        det.rules.matches(&h[from..end], &mut found);
        for mut m in found {
            let (start, vs, ve) = (from + m.start, from + m.value_start, from + m.value_end);
            if start < self.hpos || start >= to {
                continue;
            }
            let rule = &det.rules.rules()[m.rule];
            let value = Matched::from_bytes(&h[vs..ve]);
            let masked = rule.mask(value.expose());
            let mut normalized = crate::rules::normalise(value.expose());
            if !normalized.is_empty() {
                normalized = format!("{}:{normalized}", rule.kind);
            }
            // The finding is where its value is (capture group 1, when the rule has one), as
            // for every other finding; the whole match decides which chunk reports it.
            let line = self.line_of(h, vs);
            let base = self.base as usize;
            if det.composes && self.matched.len() < MAX_PARTS {
                m.start = base + start;
                m.end += base + from;
                m.value_start = base + vs;
                m.value_end = base + ve;
                self.part_lines.push((m.start, line));
                self.matched.push(m.clone());
            }
            out.push(Finding {
                kind: Kind::Custom,
                variant: Variant::Ordinary,
                confidence: m.confidence,
                offset: self.base + vs as u64,
                line,
                value,
                normalized: Matched::new(normalized),
                masked,
                reason: m.why.into(),
                custom: det.rule_kinds.get(m.rule).copied(),
            });
        }
    }

    fn count_lines(&mut self, h: &[u8], to: usize) {
        if to > self.line_pos {
            self.lines += memchr::memchr_iter(b'\n', &h[self.line_pos..to]).count() as u64;
            self.line_pos = to;
        }
    }

    /// The 1-based line of `h[at]`, before or after the lines counted so far.
    fn line_of(&mut self, h: &[u8], at: usize) -> u64 {
        if at >= self.line_pos {
            self.count_lines(h, at);
            self.lines + 1
        } else {
            let count = |t: &[u8]| memchr::memchr_iter(b'\n', t).count() as u64;
            let line = match self.behind {
                Some((p, l)) if p <= at => l + count(&h[p..at]),
                _ => self.lines + 1 - count(&h[at..self.line_pos]),
            };
            self.behind = Some((at, line));
            line
        }
    }

    /// Looks for contact and payment data in `h[hpos..to]`.
    fn read_contact(&mut self, h: &[u8], to: usize, out: &mut Vec<Finding>) {
        use crate::contact;
        let det = self.det;
        let contact = det.on.contact;
        let names = det.on.names && !det.names.is_empty();
        if self.hpos >= to || !(contact || names) {
            return;
        }
        let mut found = Vec::new();
        if contact {
            contact::emails(h, self.hpos, to, &mut found);
            contact::international_phones(h, self.hpos, to, &mut found);
            contact::passports(h, self.hpos, to, &mut found);
        }
        // One pass over the text for the starts of capitalised words (names) and of runs of
        // digits (payment data, postcodes; postcodes a little after the region may belong to
        // a street in it).
        let mut addresses = Vec::new();
        let mut people = Vec::new();
        let mut groups = contact::Groups::new(self.hpos, to);
        let mut postcodes = address::Postcodes::new(self.hpos, to);
        let mut names_done = 0;
        // Below a header row, cells of a column headed "Namn" hold names.
        let columns = self.doc.name_columns.as_ref();
        let header_end = self.doc.header_end;
        let base = self.base;
        let end = if contact {
            (to + address::AFTER).min(h.len())
        } else {
            to
        };
        bytes::each(
            h,
            self.hpos,
            end,
            (names, contact),
            |i, class| match class {
                bytes::Class::WordCapital if names && i < to && i >= names_done => {
                    let column = columns.filter(|_| base + i as u64 > header_end);
                    if let Some(n) = det.names.name_at(h, i, column) {
                        names_done = n.end;
                        people.push(n);
                    }
                }
                bytes::Class::DigitRun if contact => {
                    groups.run(h, i, &det.labels, &mut found);
                    postcodes.run(h, i, &mut addresses);
                }
                _ => {}
            },
        );
        self.doc.cards_tried += groups.cards_tried;
        self.doc.cards_valid += groups.cards_valid;
        self.name_findings(h, people, out);
        for a in addresses {
            let line = self.line_of(h, a.start);
            out.push(Finding {
                kind: Kind::Address,
                variant: Variant::Ordinary,
                confidence: Confidence::Medium,
                offset: self.base + a.start as u64,
                line,
                value: Matched::from_bytes(&h[a.start..a.end]),
                normalized: Matched::new(a.normalized),
                masked: a.masked,
                reason: format!(
                    "street, number, postcode and town of one country ({})",
                    a.country
                )
                .into(),
                custom: None,
            });
        }
        for f in found {
            let value = Matched::from_bytes(&h[f.start..f.end]);
            let written = value.expose();
            let masked = if f.kind == Kind::Email {
                redact::mask_email(written)
            } else {
                redact::mask(written, f.keep)
            };
            let (confidence, reason) = match f.kind {
                Kind::Iban => (Confidence::High, "valid IBAN check digits and length"),
                Kind::PassportMrz => (Confidence::High, "every check digit of the zone holds"),
                Kind::PaymentCard => self.card_confidence(h, &f),
                Kind::Phone => (Confidence::Medium, "Nordic country code, national length"),
                _ if f.strong => (Confidence::Medium, "well-formed address"),
                _ => (Confidence::Low, "an office's mailbox, not a person's"),
            };
            let line = self.line_of(h, f.start);
            out.push(Finding {
                kind: f.kind,
                variant: Variant::Ordinary,
                confidence,
                offset: self.base + f.start as u64,
                line,
                value,
                normalized: Matched::new(f.normalized),
                masked,
                reason: reason.into(),
                custom: None,
            });
        }
    }

    /// How sure a number that passes a card's checks is a card: digit runs in data files
    /// pass the Luhn check one time in ten, so only card context makes one `medium`.
    fn card_confidence(&self, h: &[u8], f: &crate::contact::Found) -> (Confidence, &'static str) {
        if self.doc.cards_by_chance() {
            return (
                Confidence::Low,
                "Luhn check in an issuer's range, but most such numbers in the document fail it",
            );
        }
        let column = self
            .doc
            .card_column
            .filter(|_| self.base + f.start as u64 > self.doc.header_end);
        let in_column = column.is_some_and(|(delimiter, col)| {
            let (line_start, _) = context::line_around(h, f.start, f.end);
            context::column_of(h, line_start, f.start, delimiter) == col
        });
        if in_column {
            (
                Confidence::Medium,
                "Luhn check in an issuer's range, in a card column",
            )
        } else if f.strong {
            (
                Confidence::Medium,
                "Luhn check in an issuer's range, grouped as on a card",
            )
        } else if let Some(why) = crate::contact::card_context(h, f.start, f.end) {
            (Confidence::Medium, why)
        } else {
            (
                Confidence::Low,
                "Luhn check in an issuer's range, but nothing around it says card",
            )
        }
    }

    /// Findings of the full names found. A name after a name label, or in a line with an
    /// identity number, is surely a person's.
    fn name_findings(&mut self, h: &[u8], found: Vec<crate::names::Name>, out: &mut Vec<Finding>) {
        let base = self.base;
        for n in found {
            // The lexicon that makes a guess holds no Icelandic words, and Icelandic
            // surnames are patronymics, which need no guess.
            if n.guessed
                && context::dominant(&self.read_language(h), context::ALL)
                    == Kind::IsKennitala.bit()
            {
                continue;
            }
            let (line_start, line_end) = context::line_around(h, n.start, n.end);
            let (a, b) = (base + line_start as u64, base + line_end as u64);
            // `ids` is in text order.
            let first = self.ids.partition_point(|&o| o < a);
            let with_id = self.ids.get(first).is_some_and(|&o| o < b);
            let (confidence, reason) = if n.labelled {
                (Confidence::High, "first and last name after a name label")
            } else if with_id {
                (
                    Confidence::High,
                    "first and last name beside an identity number",
                )
            } else if n.guessed {
                (
                    Confidence::Medium,
                    "a listed name beside a capitalised word that is no common word",
                )
            } else {
                (Confidence::Medium, "listed first and last name")
            };
            let value = Matched::from_bytes(&h[n.start..n.end]);
            let masked = redact::mask_words(value.expose());
            let line = self.line_of(h, n.start);
            out.push(Finding {
                kind: Kind::Name,
                variant: Variant::Ordinary,
                confidence,
                offset: base + n.start as u64,
                line,
                value,
                normalized: Matched::new(n.normalized),
                masked,
                reason: reason.into(),
                custom: None,
            });
        }
    }

    /// Looks for health words in `h[hpos..to]`, with the identity numbers around them.
    fn read_health(&mut self, h: &[u8], to: usize) {
        if self.hpos >= to || !self.health {
            self.hpos = self.hpos.max(to);
            return;
        }
        let base = self.base;
        let ids: Vec<usize> = self
            .ids
            .iter()
            .filter(|&&o| o >= base)
            .map(|&o| (o - base) as usize)
            .collect();
        self.det.lexicon().scan(
            h,
            self.hpos,
            to,
            &ids,
            &self.det.names,
            base,
            &mut self.evidence,
        );
        self.hpos = to;
        // The lines of the first words of each sort, and of the first held ones (with an
        // everyday sense), while they are in `h`: held words that come to count at the end
        // of the document may be the first.
        let (held_first, held_other) = self.evidence.held_first();
        let ev = &self.evidence;
        let wanted = [
            (0, ev.first),
            (1, ev.first_other),
            (2, held_first),
            (3, held_other),
        ];
        for (i, o) in wanted {
            if let Some(o) = o {
                if self.health_lines[i].is_none() && o >= base {
                    let line = self.line_of(h, (o - base) as usize);
                    self.health_lines[i] = Some((o, line));
                }
            }
        }
    }

    /// The line of health evidence at stream offset `o`: the first word about a person
    /// (`sort` 0) or of the others (1), counted or held.
    fn health_line(&self, o: u64, sort: usize) -> Option<u64> {
        [sort, sort + 2]
            .iter()
            .filter_map(|&i| self.health_lines[i])
            .find(|&(at, _)| at == o)
            .map(|(_, line)| line)
    }

    /// The document's health finding, if it has health words: about a person (medium or high)
    /// or not (low).
    fn health_finding(&self) -> Option<Finding> {
        let ev = &self.evidence;
        let (confidence, reason, categories, offset, line) = if ev.about_person > 0 {
            let (c, r) = if ev.with_id > 0 {
                (Confidence::High, "health words beside an identity number")
            } else if ev.about_person >= 3 {
                (
                    Confidence::High,
                    "health words in several sentences about a person",
                )
            } else {
                (
                    Confidence::Medium,
                    "health words in a sentence about a person",
                )
            };
            let first = ev.first?;
            (c, r, ev.categories, first, self.health_line(first, 0)?)
        } else if ev.other > 0 {
            (
                Confidence::Low,
                "health words, but not in sentences about a person",
                ev.other_categories,
                ev.first_other?,
                self.health_line(ev.first_other?, 1)?,
            )
        } else {
            return None;
        };
        Some(Finding {
            kind: Kind::Health,
            variant: Variant::Ordinary,
            confidence,
            offset,
            line,
            value: Matched::new(ev.words.join(", ")),
            normalized: Matched::new(String::new()),
            masked: health::describe(categories),
            reason: reason.into(),
            custom: None,
        })
    }

    fn read_prefix(&mut self, h: &[u8], complete: bool) {
        let det = self.det;
        let prefix = &h[..h.len().min(PREFIX)];
        if !complete {
            self.doc.start = prefix.to_vec();
        }
        // The first line with text is the header of a table, if it is one.
        let start = prefix
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(prefix.len());
        let end = memchr::memchr(b'\n', &prefix[start..]).map_or(prefix.len(), |e| start + e);
        self.doc.header = Header::parse(&det.labels, &prefix[start..end]);
        self.doc.card_column = crate::contact::card_column(&prefix[start..end]);
        self.doc.name_columns = crate::names::NameColumns::parse(&prefix[start..end]);
        // Only health reads codes.
        self.evidence.codes_everywhere =
            self.health && health::names_codes(det.lexicon(), &prefix[start..end]);
        self.doc.header_end = self.base + end as u64;
        self.doc.prefix_read = true;
    }

    fn run(&mut self, h: &[u8], complete: bool, out: &mut Vec<Finding>) {
        if !self.doc.prefix_read {
            if h.len() < PREFIX && !complete {
                return;
            }
            self.read_prefix(h, complete);
        }
        let limit = if complete {
            h.len()
        } else {
            h.len().saturating_sub(candidate::MAX_SPAN)
        };
        let mut judged = std::mem::take(&mut self.judged);
        judged.clear();
        loop {
            match candidate::next(h, self.pos, limit, complete) {
                Next::Found(c) => {
                    self.pos = c.end;
                    let valid = interpret(&c.form, self.det.today);
                    if bare(&c.form) {
                        self.doc.bare_seen += 1;
                        let issued = valid.iter().any(|v| v.strength != Strength::Doubtful);
                        self.doc.bare_valid += u32::from(issued);
                    }
                    if valid.is_empty() {
                        continue;
                    }
                    judged.push(self.judge(h, c, valid));
                }
                Next::Done(p) => {
                    self.pos = p;
                    break;
                }
            }
        }
        for j in &judged {
            if j.local.is_none_or(|l| l.kinds != 0) {
                self.ids.push(self.base + j.c.start as u64);
            }
        }
        let hlimit = if complete {
            h.len()
        } else {
            h.len().saturating_sub(health::MAX_TERM + KEEP)
        };
        self.read_contact(h, hlimit, out);
        self.read_rules(h, hlimit, out);
        self.read_health(h, hlimit);
        for j in &judged {
            self.decide(h, j, out);
        }
        self.judged = judged;
    }

    /// Validation done: reads the local context and lets the number inform the document.
    fn judge(&mut self, h: &[u8], c: Candidate, valid: Vec<Valid>) -> Judged {
        let local = context::local_label(&self.det.labels, h, c.start);
        let mut column = None;
        if let Some(header) = &self.doc.header {
            if self.base + c.start as u64 > self.doc.header_end {
                let line_start = memchr::memrchr(b'\n', &h[..c.start]).map_or(0, |i| i + 1);
                column = header.column_label(h, line_start, c.start);
            }
        }
        if self.doc.start_seen.is_none() && self.base + c.start as u64 >= START_NUMBERS {
            self.doc.start_seen = Some(self.doc.seen);
        }
        if let Some(hit) = local {
            self.doc.seen.label_kinds |= hit.kinds;
        }
        let strong: Vec<&Valid> = valid
            .iter()
            .filter(|v| v.strength == Strength::Checksum)
            .collect();
        if strong.len() == 1 {
            self.doc.seen.unambiguous[strong[0].kind as usize] += 1;
        }
        Judged {
            c,
            valid,
            local,
            column,
            seen: self.doc.seen,
        }
    }

    /// Counts the document's language markers once, in its start (the same bytes whether
    /// the document is read whole or streamed, and whenever the first number or name needs
    /// them).
    fn read_language(&mut self, h: &[u8]) -> [u32; 8] {
        if let Some(c) = self.doc.language {
            return c;
        }
        let counts = self.det.language.counts(self.doc_start(h));
        self.doc.language = Some(counts);
        self.drop_start();
        counts
    }

    /// Adds the labels of the document's start to those seen, once.
    fn read_labels(&mut self, h: &[u8]) {
        if self.doc.labels_read {
            return;
        }
        let start = self.doc_start(h);
        let mut kinds = 0;
        self.det
            .labels
            .find(start, 0, start.len(), |hit| kinds |= hit.kinds);
        self.doc.start_labels = kinds;
        self.doc.labels_read = true;
        self.drop_start();
    }

    /// The document's first `PREFIX` bytes: in `h` while it starts the document, else the
    /// stream's copy.
    fn doc_start<'h>(&'h self, h: &'h [u8]) -> &'h [u8] {
        if self.base == 0 {
            &h[..h.len().min(PREFIX)]
        } else {
            &self.doc.start
        }
    }

    /// Frees the copy of the start once nothing more is read from it.
    fn drop_start(&mut self) {
        if self.doc.labels_read && self.doc.language.is_some() {
            self.doc.start = Vec::new();
        }
    }

    /// Chooses one kind for the occurrence and sets its confidence.
    fn decide(&mut self, h: &[u8], j: &Judged, out: &mut Vec<Finding>) {
        self.read_labels(h);
        let local = j.local.map(|l| l.kinds);
        if j.valid.len() > 1 {
            // Only ambiguous numbers need the language; most documents never pay for it.
            self.read_language(h);
        }
        // The language that dominates among the kinds the number is valid as.
        let among = j.valid.iter().fold(0, |a, v| a | v.kind.bit());
        let language = self
            .doc
            .language
            .map_or(0, |c| context::dominant(&c, among));
        let doc = &self.doc;
        let seen = if self.base + j.c.start as u64 >= START_NUMBERS {
            j.seen
        } else {
            doc.start_seen.unwrap_or(doc.seen)
        };
        let label_kinds = seen.label_kinds | doc.start_labels;
        let score = |v: &Valid| -> i32 {
            let bit = v.kind.bit();
            // Validity first: a number that cannot be issued only wins when labels for its
            // kind outweigh a valid reading.
            let mut s = match v.strength {
                Strength::Checksum => 200,
                Strength::DateOnly => 150,
                Strength::Doubtful => 0,
            };
            for named in [local, j.column].into_iter().flatten() {
                if named & bit != 0 {
                    s += if named == bit { 120 } else { 100 };
                }
            }
            if label_kinds & bit != 0 {
                s += 15;
            }
            if seen.unambiguous[v.kind as usize] > 0 {
                s += 10;
            }
            if language & bit != 0 {
                s += 5;
            }
            // Special series (samordningsnummer, D-nummer, substitute numbers) are rarer than
            // ordinary numbers.
            if v.variant != Variant::Ordinary {
                s -= 8;
            }
            // Ties without any context: the stricter check wins.
            s + match v.kind {
                Kind::FiHetu => 4,
                Kind::IsKennitala => 3,
                Kind::NoFodselsnummer => 2,
                Kind::SePersonnummer => 1,
                _ => 0,
            }
        };
        let Some(best) = j.valid.iter().max_by_key(|v| score(v)) else {
            return;
        };
        let bit = best.kind.bit();
        // A local label outranks the column header; a label for another number lowers.
        let named = local.or(j.column);
        let unlabelled = named.is_none_or(|k| k & bit == 0);
        // The same digits read as the kind the document is about fail that kind's check
        // (lists of test CPR numbers): valid as another kind by chance.
        let other_kind_fails = || {
            label_kinds & bit == 0
                && j.valid.iter().any(|v| {
                    v.kind != best.kind
                        && v.strength == Strength::Doubtful
                        && label_kinds & v.kind.bit() != 0
                })
        };
        let (confidence, reason) = match (best.strength, named) {
            (Strength::Doubtful, _) => (Confidence::Low, "cannot be an issued number today"),
            _ if unlabelled && bare(&j.c.form) && doc.bare_by_chance() => (
                Confidence::Low,
                "most numbers written like it in the document fail the checks: valid by chance",
            ),
            _ if unlabelled && other_kind_fails() => (
                Confidence::Low,
                "fails the check of the kind the document names; valid as another by chance",
            ),
            (_, Some(0)) => (Confidence::Low, "labelled as another kind of number"),
            (_, Some(k)) if k & bit != 0 => (Confidence::High, "valid, with a label"),
            (Strength::Checksum, Some(_)) => {
                (Confidence::Medium, "valid, labelled as another kind")
            }
            (Strength::Checksum, None) if label_kinds & bit != 0 => {
                (Confidence::High, "valid, in a document with labels")
            }
            (Strength::Checksum, None) => (Confidence::Medium, "valid check digit, no label"),
            (Strength::DateOnly, _) if label_kinds & bit != 0 => (
                Confidence::Medium,
                "valid without check digit, labels in document",
            ),
            (Strength::DateOnly, _) => (Confidence::Low, "no check digit and no label"),
        };
        let line = self.line_of(h, j.c.start);
        let value = Matched::from_bytes(&h[j.c.start..j.c.end]);
        let written = value.expose();
        let masked = redact::mask(written, redact::visible_prefix(best.kind, written));
        out.push(Finding {
            kind: best.kind,
            variant: best.variant,
            confidence,
            offset: self.base + j.c.start as u64,
            line,
            normalized: Matched::new(normalize(&j.c.form, best)),
            masked,
            value,
            reason: reason.into(),
            custom: None,
        });
    }
}

/// The canonical form of a number: letters and digits; Swedish numbers with their century.
fn normalize(form: &Form, v: &Valid) -> String {
    let digits = |d: &[u8]| d.iter().map(|x| char::from(b'0' + x)).collect::<String>();
    match *form {
        Form::Ten { d, sep } => match v.kind {
            Kind::SePersonnummer => format!("{:02}{}", v.birth.year / 100, digits(&d)),
            Kind::FiHetu => {
                let sign = if sep == Sep::Plus { '+' } else { '-' };
                format!("{}{}{}", digits(&d[..6]), sign, digits(&d[6..]))
            }
            _ => digits(&d),
        },
        Form::Eleven { d } => digits(&d),
        Form::Twelve { d } => digits(&d),
        Form::Fi { d, sign, check } => format!(
            "{}{}{}{}",
            digits(&d[..6]),
            char::from(sign),
            digits(&d[6..]),
            char::from(check)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> Detector {
        Detector::new(Date::new(2026, 11, 22).unwrap())
    }

    #[test]
    fn names_of_files_are_read_for_numbers_but_not_for_health() {
        let name = b"Hon har diabetes och trycksar 640823-3234.txt";
        let kinds = |found: &[Finding]| found.iter().map(|f| f.kind).collect::<Vec<_>>();
        let mut as_text = vec![];
        det().scan(name, &mut as_text);
        assert!(kinds(&as_text).contains(&Kind::Health));
        let mut as_name = vec![];
        det().scan_name(name, &mut as_name);
        assert_eq!(kinds(&as_name), [Kind::SePersonnummer]);
    }

    fn summary(found: &[Finding]) -> Vec<(Kind, u64, u64, Confidence, String)> {
        found
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.offset,
                    f.line,
                    f.confidence,
                    f.value.expose().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn streams_find_what_whole_scans_find_wherever_chunks_split() {
        let det = det();
        let mut text = String::from("Kunde;CPR-nummer;Navn\n");
        for i in 0..40 {
            text.push_str(&format!("{i};010190-1238;Hans\nFaktura 0101901238 og "));
        }
        text.push_str("slut 010190-1238");
        let mut whole = vec![];
        det.scan(text.as_bytes(), &mut whole);
        assert!(whole.len() > 40);
        for step in [1, 2, 3, 7, 64, 1000, 5000] {
            let got = streamed(&det, &text, step);
            assert_eq!(summary(&got), summary(&whole), "chunks of {step}");
        }
    }

    #[test]
    fn contact_data_in_streams_is_found_once_wherever_chunks_split() {
        // From a fuzz crash: a labelled phone number whose digits straddled two regions was
        // found by both.
        let det = det();
        let text =
            "Puhelin: 040 595 1362\r\nTili: DK50 0040 0440 1162 43\r\nLasku: 7928-3218812\r\n"
                .repeat(60);
        let key = |found: &[Finding]| {
            let mut k: Vec<(u64, Kind)> = found.iter().map(|f| (f.offset, f.kind)).collect();
            k.sort_unstable();
            k
        };
        let mut whole = vec![];
        det.scan(text.as_bytes(), &mut whole);
        assert_eq!(whole.iter().filter(|f| f.kind == Kind::Phone).count(), 60);
        assert_eq!(whole.iter().filter(|f| f.kind == Kind::Iban).count(), 60);
        for step in [1, 7, 17, 100, 4096] {
            let got = streamed(&det, &text, step);
            assert_eq!(key(&got), key(&whole), "chunks of {step}");
        }
    }

    #[test]
    fn a_stream_reads_the_language_where_a_whole_scan_does() {
        // The first number of two kinds comes long after the Icelandic start, in Finnish
        // text: both read the document's start (the `detect` fuzz target found a stream that
        // read the text around the number, which it still held, and chose another kind).
        let det = det();
        let mut text = "Hún er í skólanum og hann er heima, og það er gott.\n".repeat(120);
        text.push_str(
            &"Hän on koulussa ja hänen äitinsä on kotona, mutta se on hyvä.\n".repeat(120),
        );
        text.push_str("Numero 161215-3760 on tässä.\n");
        let kinds = |found: &[Finding]| {
            found
                .iter()
                .filter(|f| f.offset > 0)
                .map(|f| (f.offset, f.kind))
                .collect::<Vec<_>>()
        };
        let whole = kinds(&scanned(&det, &text));
        assert_eq!(whole.len(), 1, "{whole:?}");
        assert_eq!(whole[0].1, Kind::IsKennitala);
        for step in [19, 4096] {
            let got = streamed(&det, &text, step);
            assert_eq!(kinds(&got), whole, "chunks of {step}");
        }
    }

    #[test]
    fn a_number_s_kind_rests_on_the_numbers_before_it_not_after() {
        // A number valid as Danish and Swedish, after one valid only as Danish: Danish. A
        // Swedish-only number far on does not change that in a whole scan, as a stream has
        // not read it when it decides (the `detect` fuzz target's second find); a number
        // after both weighs them alike and takes the stricter check.
        let det = det();
        let mut text = "Nummer 010190-1231.\nNummer 070761-4285.\n".to_string();
        text.push_str(&"Ingenting att rapportera idag.\n".repeat(200));
        text.push_str("Nummer 19811218-9876.\nNummer 070761-4285.\n");
        let kinds = |found: &[Finding]| {
            let mut k: Vec<(u64, Kind)> = found.iter().map(|f| (f.offset, f.kind)).collect();
            k.sort_unstable();
            k
        };
        let whole = kinds(&scanned(&det, &text));
        let of = |v: &[(u64, Kind)]| v.iter().map(|k| k.1).collect::<Vec<_>>();
        assert_eq!(
            of(&whole),
            [
                Kind::DkCpr,
                Kind::DkCpr,
                Kind::SePersonnummer,
                Kind::SePersonnummer
            ]
        );
        for step in [19, 41, 4096] {
            let got = streamed(&det, &text, step);
            assert_eq!(kinds(&got), whole, "chunks of {step}");
        }
    }

    #[test]
    fn a_stream_reads_a_table_row_as_a_whole_scan_does() {
        // A name in a named column far into a long row: neither reads it as the row's (a
        // stream that kept less than the look-back took its chunk's start for the row's, and
        // the column for a name: the `detect` fuzz target's third find).
        let det = karl_berg();
        let mut text = "Hetu;Namn;Konto\n".to_string();
        text.push_str(&"x;Katri Hautala;6145-8679\n".repeat(150));
        text.push_str(&"x".repeat(3000));
        text.push_str(";Katriina Nieminen;7995-4046\n");
        let names = |found: &[Finding]| {
            found
                .iter()
                .filter(|f| f.kind == Kind::Name)
                .map(|f| f.offset)
                .collect::<Vec<_>>()
        };
        let whole = names(&scanned(&det, &text));
        assert_eq!(whole.len(), 150, "the rows' names");
        for step in [41, 300, 4096] {
            let got = streamed(&det, &text, step);
            assert_eq!(names(&got), whole, "chunks of {step}");
        }
    }

    #[test]
    fn health_in_streams_is_what_whole_scans_find() {
        let det = det();
        let mut text = "Budsjettet for hjemmesykepleien ble vedtatt.\n".repeat(200);
        text.push_str("Navn: Kari Nordmann\nf.nr.: 14055792101\nHun har diabetes og trykksår.\n");
        let mut whole = vec![];
        det.scan(text.as_bytes(), &mut whole);
        let health = |found: &[Finding]| {
            found
                .iter()
                .filter(|f| f.kind == Kind::Health)
                .map(|f| (f.confidence, f.line, f.masked.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            health(&whole),
            vec![(Confidence::High, 203, "[diagnosis]".to_string())]
        );
        for step in [7, 100, 4096] {
            let got = streamed(&det, &text, step);
            assert_eq!(health(&got), health(&whole), "chunks of {step}");
        }
        // Without the person the same words are administrative: low.
        let mut admin = vec![];
        det.scan(text.lines().next().unwrap().as_bytes(), &mut admin);
        assert_eq!(health(&admin)[0].0, Confidence::Low);
    }

    /// What `det` finds in `text`, read whole.
    fn scanned(det: &Detector, text: &str) -> Vec<Finding> {
        let mut out = vec![];
        det.scan(text.as_bytes(), &mut out);
        out
    }

    /// What `det` finds in `text`, streamed in chunks of `step` bytes.
    fn streamed(det: &Detector, text: &str, step: usize) -> Vec<Finding> {
        let mut s = det.stream();
        let mut out = vec![];
        for chunk in text.as_bytes().chunks(step) {
            s.push(chunk, &mut out);
        }
        s.finish(&mut out);
        out
    }

    /// A detector whose name lists hold the first name Karl and the last name Berg.
    fn karl_berg() -> Detector {
        let names = crate::names::Names::parse("first\tse\tKarl\nlast\tse\tBerg\n").unwrap();
        det().with_names(names)
    }

    /// The health finding of `text` (confidence, line, categories), if any at medium or more.
    fn health_of(text: &str) -> Option<(Confidence, u64, String)> {
        scanned(&det(), text)
            .iter()
            .find(|f| f.kind == Kind::Health && f.confidence >= Confidence::Medium)
            .map(|f| (f.confidence, f.line, f.masked.clone()))
    }

    #[test]
    fn words_with_an_everyday_sense_count_only_in_medical_text() {
        // Software text: operation, disabled, confusion, injection, diagnose, a maintainer.
        for text in [
            "Fixed confusion when the operation is disabled (thanks Anna Berg).\n",
            "Prevent SQL injection. He diagnosed the problem; the operation was disabled.\n",
            "Linus was confused by the operation.\n",
            "* Non-maintainer upload. Redirects are not disabled when retries are disabled on \
             PoolManager instantiation.\n -- Håvard Aasen <haavard_aasen@example.org>\n",
            "Peter Krefting och Daniel Nylander.\nTed Unangst wrote it.\n",
            "`worker.suicide` is deprecated; use state=disabled.\n",
            // Office help: raised (superscript) text, not swollen.
            "Vælg Hævet skrift. Teksten er hævet i forhold til linjen.\n",
        ] {
            assert_eq!(health_of(text), None, "{text}");
        }
        // In a care note the same words count, beside one without an everyday sense; the
        // finding is located at the first of them.
        let note = "Besök 3 maj.\nHon var förvirrad efter operationen.\nHon har diabetes.\n";
        let (confidence, line, categories) = health_of(note).unwrap();
        assert_eq!((confidence, line), (Confidence::High, 2));
        assert!(categories.contains("treatment") && categories.contains("diagnosis"));
        // A code right after "diagnosis" is a code; far after it, no more than the word.
        assert!(health_of("Diagnosis: F32.1, she was seen today.\n").is_some());
    }

    #[test]
    fn a_named_person_must_be_the_subject_of_the_health_statement() {
        let det = karl_berg();
        let health = |text: &str| {
            scanned(&det, text)
                .iter()
                .any(|f| f.kind == Kind::Health && f.confidence >= Confidence::Medium)
        };
        assert!(health("Karl Berg har diabetes.\n"));
        assert!(health("I dag: Karl har trycksår på hälen.\n"));
        // A name that is no subject, or a capitalised word that is not a first name.
        assert!(!health("Rapport om diabetes, skriven av Karl Berg.\n"));
        assert!(!health("Python has a diabetes module.\n"));
    }

    #[test]
    fn names_are_placed_on_their_lines_beside_their_numbers_whole_or_streamed() {
        let det = karl_berg();
        // Every other line names a person beside a number; the others name one alone.
        let text: String = (0..3000)
            .map(|i| match i % 2 {
                0 => "Karl Berg 640823-3234\n",
                _ => "Karl Berg kom i dag\n",
            })
            .collect();
        let placed = |out: &[Finding]| {
            out.iter()
                .filter(|f| f.kind == Kind::Name)
                .map(|f| (f.line, f.confidence))
                .collect::<Vec<_>>()
        };
        let expected: Vec<_> = (0..3000u64)
            .map(|i| match i % 2 {
                0 => (i + 1, Confidence::High),
                _ => (i + 1, Confidence::Medium),
            })
            .collect();
        assert_eq!(placed(&scanned(&det, &text)), expected);
        assert_eq!(placed(&streamed(&det, &text, 1000)), expected);
    }

    #[test]
    fn endless_digits_keep_the_stream_small() {
        let det = det();
        let mut s = det.stream();
        let mut out = vec![];
        let digits = vec![b'7'; 1 << 16];
        for _ in 0..64 {
            s.push(&digits, &mut out);
            assert!(
                s.buf.len() < 2 * digits.len() + PREFIX,
                "buffer grew to {}",
                s.buf.len()
            );
        }
        s.finish(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn one_kind_per_occurrence_from_context() {
        let det = det();
        // A number valid as a Danish CPR and as a Finnish number with the '-' sign.
        let n = (0..4000)
            .map(|serial| format!("010190-{serial:04}"))
            .find(|n| {
                let kinds: Vec<Kind> = det
                    .interpretations(n.as_bytes())
                    .iter()
                    .map(|v| v.kind)
                    .collect();
                kinds.contains(&Kind::DkCpr) && kinds.contains(&Kind::FiHetu)
            })
            .unwrap();
        for (label, kind) in [("CPR-nr", Kind::DkCpr), ("Henkilötunnus", Kind::FiHetu)] {
            let mut out = vec![];
            det.scan(format!("{label}: {n}").as_bytes(), &mut out);
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].kind, kind, "{label}");
            assert_eq!(out[0].confidence, Confidence::High);
        }
    }

    #[test]
    fn context_stays_local() {
        let det = det();
        let mut text = String::from("Fakturanummer: 010190-1238\n");
        text.push_str(&"Vi har talt med borgeren om hjemmeplejen.\n".repeat(5));
        text.push_str("CPR: 010190-1238\n");
        let mut out = vec![];
        det.scan(text.as_bytes(), &mut out);
        let conf: Vec<(Kind, Confidence)> = out.iter().map(|f| (f.kind, f.confidence)).collect();
        // The sentence about the citizen's home care makes the document a health one.
        assert_eq!(
            conf,
            vec![
                (Kind::DkCpr, Confidence::Low),
                (Kind::DkCpr, Confidence::High),
                (Kind::Health, Confidence::High)
            ]
        );
    }

    /// Bare ten-digit numbers from `from` on: valid CPR numbers, or numbers no kind reads as
    /// valid.
    fn bare_numbers(det: &Detector, from: u64, n: usize, valid: bool) -> Vec<String> {
        (from..)
            .map(|x| format!("{x:010}"))
            .filter(|s| {
                let v = det.interpretations(s.as_bytes());
                if valid {
                    v.iter()
                        .any(|v| v.kind == Kind::DkCpr && v.strength == Strength::Checksum)
                } else {
                    v.iter().all(|v| v.strength == Strength::Doubtful)
                }
            })
            .take(n)
            .collect()
    }

    #[test]
    fn numbers_valid_by_chance_in_a_list_of_other_numbers_are_low() {
        let det = det();
        // Production-unit numbers: most fail every check, a few pass by chance.
        let mut rows = bare_numbers(&det, 1_002_025_999, 16, false);
        rows.extend(bare_numbers(&det, 1_002_025_999, 4, true));
        let text: String = rows
            .iter()
            .map(|n| format!("Miljø {n} Firma A/S\n"))
            .collect();
        let mut out = vec![];
        det.scan(text.as_bytes(), &mut out);
        // The others may be read as numbers that fail a check: low as well.
        assert!(out.len() >= 4);
        assert!(out.iter().all(|f| f.confidence == Confidence::Low));
        // A label still decides for its number.
        let text = format!("{text}CPR-nr.: {}\n", rows[19]);
        let mut out = vec![];
        det.scan(text.as_bytes(), &mut out);
        assert_eq!(out.last().map(|f| f.confidence), Some(Confidence::High));
        // A list where the numbers are valid is not a list of chance.
        let valid = bare_numbers(&det, 1_002_025_999, 20, true);
        let text: String = valid.iter().map(|n| format!("Miljø {n} Firma\n")).collect();
        let mut out = vec![];
        det.scan(text.as_bytes(), &mut out);
        assert_eq!(out.len(), 20);
        assert!(out.iter().all(|f| f.confidence == Confidence::Medium));
    }

    #[test]
    fn headings_name_the_kinds_of_their_column() {
        let det = det();
        assert_eq!(det.heading(b"CPR-nr."), Some(vec![Kind::DkCpr]));
        assert_eq!(
            det.heading("Fødselsnummer".as_bytes()),
            Some(vec![Kind::NoFodselsnummer])
        );
        assert_eq!(
            det.heading(b"Personnummer"),
            Some(vec![
                Kind::DkCpr,
                Kind::SePersonnummer,
                Kind::NoFodselsnummer
            ])
        );
        // A label of another number says the column holds no identity numbers.
        assert_eq!(det.heading(b"Kundenummer"), Some(vec![]));
        assert_eq!(det.heading("Beløb".as_bytes()), None);
        assert_eq!(det.heading(b"Navn"), None);
    }

    #[test]
    fn a_test_cpr_number_is_not_swedish_by_chance() {
        let det = det();
        // Fails the CPR check on a date without exception, passes the Swedish one.
        let n = (0..10_000)
            .map(|serial| format!("300979{serial:04}"))
            .find(|n| {
                let v = det.interpretations(n.as_bytes());
                let has = |k: Kind, s: Strength| v.iter().any(|v| v.kind == k && v.strength == s);
                has(Kind::DkCpr, Strength::Doubtful)
                    && has(Kind::SePersonnummer, Strength::Checksum)
            })
            .unwrap();
        let mut out = vec![];
        det.scan(
            format!("Test CPR numre\n\nStine Kristensen {n}").as_bytes(),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].confidence, Confidence::Low, "{}", out[0].reason);
        // Without the document's word for CPR numbers it is a valid Swedish number.
        let mut out = vec![];
        det.scan(format!("Stine Kristensen {n}").as_bytes(), &mut out);
        assert_eq!(
            (out[0].kind, out[0].confidence),
            (Kind::SePersonnummer, Confidence::Medium)
        );
    }

    /// The confidence of each payment card found in `text`.
    fn cards(text: &str) -> Vec<Confidence> {
        scanned(&det(), text)
            .iter()
            .filter(|f| f.kind == Kind::PaymentCard)
            .map(|f| f.confidence)
            .collect()
    }

    #[test]
    fn a_card_number_needs_card_context() {
        use Confidence::{Low, Medium};
        // Luhn-valid Visa and Mastercard numbers, written bare.
        assert_eq!(cards("id 4556737586899855 at 12:00"), [Low]);
        assert_eq!(cards("Kortnummer: 4556737586899855"), [Medium]);
        assert_eq!(cards("Korttinumero 5500005555555559"), [Medium]);
        assert_eq!(cards("Visa\n4556737586899855"), [Medium]);
        assert_eq!(cards("4556737586899855, 12/27"), [Medium]);
        assert_eq!(cards("4556737586899855 exp. 03/2029"), [Medium]);
        assert_eq!(cards("4556737586899855, CVC 123"), [Medium]);
        // Grouped as printed on a card.
        assert_eq!(cards("ref 4556 7375 8689 9855"), [Medium]);
        // A word ending in "card" or a date that is not an expiry is no context.
        assert_eq!(cards("scorecard 4556737586899855 on 12/2/27"), [Low]);
        // A column headed so.
        assert_eq!(
            cards("namn;kortnummer;belopp\nAnna;4556737586899855;100\nBo;123;4556737586899855\n"),
            [Medium, Low]
        );
    }

    #[test]
    fn cards_where_most_card_shaped_numbers_fail_the_check_are_chance() {
        use Confidence::Low;
        // Twenty Visa-shaped numbers in a card column of a data file, most failing the Luhn
        // check: the two that pass do so by chance.
        let mut text = String::from("kort;belopp\n");
        for k in 0..20u64 {
            text.push_str(&format!("{};100\n", 4_556_737_586_899_800 + k));
        }
        assert_eq!(cards(&text), [Low, Low]);
        // The same two alone are cards.
        let two = "kort;belopp\n4556737586899806;100\n4556737586899814;100\n";
        assert_eq!(cards(two), [Confidence::Medium, Confidence::Medium]);
    }

    #[test]
    fn a_number_of_two_kinds_takes_the_kind_of_the_text_s_language() {
        let det = det();
        // Valid as a CPR number (12 October 1911, mod 11) and as a Swedish one (1912-10-11,
        // Luhn).
        let n = (0..10_000)
            .map(|serial| format!("121011-{serial:04}"))
            .find(|n| {
                let v = det.interpretations(n.as_bytes());
                let has = |k: Kind| {
                    v.iter()
                        .any(|v| v.kind == k && v.strength == Strength::Checksum)
                };
                has(Kind::DkCpr) && has(Kind::SePersonnummer)
            })
            .unwrap();
        let kind = |text: String| {
            scanned(&det, &text)
                .iter()
                .find(|f| f.kind.is_identity())
                .map(|f| f.kind)
        };
        // Danish words shared with Norwegian ("og", "et", "ikke") tell Danish from Swedish.
        let danish = format!(
            "Personnummer: {n}\nAlf har et tryksår og skal ikke gå på badeværelset alene.\n"
        );
        assert_eq!(kind(danish), Some(Kind::DkCpr));
        let swedish = format!("Personnummer: {n}\nAlf har ett trycksår och ska inte gå ensam.\n");
        assert_eq!(kind(swedish), Some(Kind::SePersonnummer));
    }
}
