//! User rules: a TOML file for what the built-in detectors do not know, and settings of the
//! built-in detectors. Pure: the caller reads the file and hands over its text and name.
//!
//! A rules file has two parts, both optional:
//!
//! - `[detector.NAME]` tables, one per built-in detector ([`BUILTIN_KINDS`]): `enabled`
//!   (default `true`), `min_confidence` (findings below it are dropped), `context` (extra words
//!   that label this kind, for identity numbers and `phone` only ([`CONTEXT_KINDS`]); kept
//!   lower-cased) and `exceptions` (values never reported, such as
//!   known test numbers; compared on letters and digits only, upper-cased, so `010190-1238` and
//!   `0101901238` are the same exception).
//! - `[[rule]]` tables. Every rule has an `id` (unique, `[a-z0-9-]+`, not a built-in kind
//!   name), a `kind` (printed in findings; same form, not a built-in kind name), a `category`
//!   (`identifier`, `health`, `contact`, `financial`, `other`) and a `sensitivity` (`low`,
//!   `medium`, `high`: the confidence of its findings). It matches in exactly one way:
//!   - `regex`: a regular expression over the raw bytes (Unicode-aware over UTF-8; `(?i)` and
//!     the other flags as in the `regex` crate). The value is capture group 1 when the pattern
//!     has one and it took part in the match, else the whole match. Optional `validator`,
//!     checked on the value:
//!     - `luhn`: the value's ASCII digits (at least 2) pass the Luhn check (payment cards);
//!     - `mod11`: the last digit is the check digit of the others under weights 2, 3, 4, 5,
//!       6, 7, 2, 3, ... from the right, check = 11 - sum mod 11, 11 meaning 0 and 10 never
//!       valid (Norwegian organisation numbers, account numbers);
//!     - `mod97`: the digits (at least 3) read as one number are 1 modulo 97 (ISO 7064
//!       MOD 97-10, check digits included);
//!     - `iban`: the value's letters and digits (15 to 34, two letters, two digits, then the
//!       account) pass the IBAN check: first four moved to the end, letters as 10 to 35,
//!       the number is 1 modulo 97.
//!   - `words`: a list of words or phrases, matched as whole words (no letter or digit
//!     directly before or after), `case_sensitive = false` by default (ASCII letters fold
//!     freely; other letters fold in words with up to four of them, and otherwise match as
//!     written, all lower or all upper case). Text may be UTF-8 or Latin-1 / Windows-1252.
//!   - composition: `all_of`, `any_of`, `none_of`, lists of rule ids (earlier or later in the
//!     file) and built-in kind names. A document matches when every `all_of` part occurs, at
//!     least one `any_of` part occurs (when the list is not empty), and no `none_of` part
//!     occurs. With `within = N` the parts must lie within N bytes of each other (from the
//!     start of the first to the end of the last) and no `none_of` part within N bytes of
//!     them; every such group is a finding. Without `within`, one finding per document.
//!
//!   Regex and word rules may have `context` words, searched case-insensitively as substrings
//!   in the `context_window` bytes before the match (default 60): with `require_context =
//!   true` a match without one is no finding; otherwise a context word raises the confidence
//!   by one step. `mask_keep` is how many leading letters and digits the masked form shows
//!   (default 0).
//!
//! Unknown keys and every other mistake are errors that name the file, line and column of the
//! offending value. Limits: 1,000 rules, 100,000 words, 100,000 exceptions per detector,
//! compiled regexes of 1 MiB.
//!
//! A complete example:
//!
//! ```toml
//! # Built-in detectors: turn off, raise the threshold, add context words, add exceptions.
//! [detector.dk-cpr]
//! enabled = true
//! min_confidence = "medium"                   # low | medium | high
//! context = ["kundenr", "borger-id"]          # extra words that label this kind
//! exceptions = ["010190-1238", "0101901238"]  # known test numbers: never reported
//!
//! [detector.health]
//! enabled = false
//!
//! [[rule]]
//! id = "employee-number"
//! kind = "employee-number"
//! category = "identifier"
//! sensitivity = "medium"
//! regex = '\bEMP-(\d{7})\b'          # the value is capture group 1
//! validator = "luhn"                 # luhn | mod11 | mod97 | iban
//! context = ["anställningsnr", "employee no"]
//! context_window = 60
//! require_context = false            # context raises the confidence by one step
//! mask_keep = 4
//!
//! [[rule]]
//! id = "secret-project"
//! kind = "project-name"
//! category = "other"
//! sensitivity = "low"
//! words = ["Projekt Örn", "Operation Nordljus"]
//! case_sensitive = false
//!
//! [[rule]]
//! id = "patient-with-employee"
//! kind = "patient-employee"
//! category = "health"
//! sensitivity = "high"
//! all_of = ["employee-number", "health"]    # rule ids or built-in kind names
//! any_of = []
//! none_of = ["secret-project"]
//! within = 200                               # bytes; absent: anywhere in the document
//! ```
//!
//! [`Rules::matches`] finds the regex and word rules in a text; [`Rules::compose`] then
//! decides the compositions from those matches and the built-in findings. The matched text
//! is never part of a [`RuleMatch`], its explanation, or an error.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::kind::Confidence;
use crate::redact;
use crate::toml_error::{self, position};

/// Names of the built-in detectors and kinds, usable in `[detector.NAME]` and compositions.
pub const BUILTIN_KINDS: &[&str] = &[
    "dk-cpr",
    "se-personnummer",
    "no-fodselsnummer",
    "fi-hetu",
    "is-kennitala",
    "health",
    "email",
    "phone",
    "iban",
    "payment-card",
    "passport-mrz",
    "name",
    "address",
];

/// Most rules in one file.
pub const MAX_RULES: usize = 1000;
/// Most words in all word lists together.
pub const MAX_WORDS: usize = 100_000;
/// Longest word or phrase, in bytes.
pub const MAX_WORD_BYTES: usize = 256;
/// The built-in detectors whose `context` words are read (as labels of their numbers).
pub const CONTEXT_KINDS: &[&str] = &[
    "dk-cpr",
    "se-personnummer",
    "no-fodselsnummer",
    "fi-hetu",
    "is-kennitala",
    "phone",
];

/// Most exceptions of one detector.
pub const MAX_EXCEPTIONS: usize = 100_000;
/// Most context words of one rule or detector.
pub const MAX_CONTEXT_WORDS: usize = 1000;
/// Largest compiled regex (and lazy DFA cache), in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Default and largest `context_window`.
pub const DEFAULT_CONTEXT_WINDOW: usize = 60;
pub const MAX_CONTEXT_WINDOW: usize = 4096;
/// Largest `within`.
pub const MAX_WITHIN: usize = 1 << 20;
/// Longest rule id or kind.
const MAX_NAME: usize = 64;

/// What a rule's findings are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Identifier,
    Health,
    Contact,
    Financial,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Identifier,
        Category::Health,
        Category::Contact,
        Category::Financial,
        Category::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Identifier => "identifier",
            Category::Health => "health",
            Category::Contact => "contact",
            Category::Financial => "financial",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A check on a regex rule's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validator {
    /// Luhn over the ASCII digits.
    Luhn,
    /// Modulus 11 over the ASCII digits, weights 2..7 from the right, last digit the check.
    Mod11,
    /// ISO 7064 MOD 97-10 over the ASCII digits: the number is 1 modulo 97.
    Mod97,
    /// IBAN: letters and digits, country and check digits moved to the end, mod 97 is 1.
    Iban,
}

impl Validator {
    pub const ALL: [Validator; 4] = [
        Validator::Luhn,
        Validator::Mod11,
        Validator::Mod97,
        Validator::Iban,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::Mod11 => "mod11",
            Validator::Mod97 => "mod97",
            Validator::Iban => "iban",
        }
    }

    pub fn parse(s: &str) -> Option<Validator> {
        Validator::ALL.into_iter().find(|v| v.name() == s)
    }

    /// Whether a value (as written, separators allowed) passes the check.
    pub fn check(self, value: &[u8]) -> bool {
        let digits: Vec<u8> = value
            .iter()
            .filter(|b| b.is_ascii_digit())
            .map(|b| b - b'0')
            .collect();
        match self {
            Validator::Luhn => digits.len() >= 2 && crate::contact::luhn(&digits),
            Validator::Mod11 => digits.len() >= 2 && mod11(&digits),
            Validator::Mod97 => {
                digits.len() >= 3
                    && digits
                        .iter()
                        .fold(0u32, |r, &d| (r * 10 + u32::from(d)) % 97)
                        == 1
            }
            Validator::Iban => iban(value),
        }
    }
}

impl fmt::Display for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn mod11(d: &[u8]) -> bool {
    let (check, body) = match d.split_last() {
        Some((c, b)) => (u32::from(*c), b),
        None => return false,
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (2 + (i as u32) % 6))
        .sum();
    match 11 - sum % 11 {
        11 => check == 0,
        10 => false,
        r => check == r,
    }
}

/// The IBAN check on a value's letters and digits, upper-cased: any country, 15 to 34 of
/// them (the finder of `contact.rs` knows the lengths of fewer countries).
fn iban(value: &[u8]) -> bool {
    let s: Vec<u8> = value
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    (15..=34).contains(&s.len()) && crate::contact::iban_check_digits(&s)
}

/// How a rule matches, as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    Regex {
        pattern: String,
        validator: Option<Validator>,
    },
    Words {
        words: Vec<String>,
        case_sensitive: bool,
    },
    Composite {
        all_of: Vec<String>,
        any_of: Vec<String>,
        none_of: Vec<String>,
        /// Bytes within which the parts lie; `None`: anywhere in the document.
        within: Option<usize>,
    },
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Matcher::Regex { pattern, validator } => {
                write!(f, "regex {pattern}")?;
                if let Some(v) = validator {
                    write!(f, " with {v} check")?;
                }
                Ok(())
            }
            Matcher::Words {
                words,
                case_sensitive,
            } => {
                let n = words.len();
                let s = if n == 1 { "" } else { "s" };
                let case = if *case_sensitive {
                    "case-sensitive"
                } else {
                    "case-insensitive"
                };
                write!(f, "{n} word{s} ({case})")
            }
            Matcher::Composite {
                all_of,
                any_of,
                none_of,
                within,
            } => {
                let mut parts = vec![];
                for (name, list) in [("all of", all_of), ("any of", any_of), ("none of", none_of)] {
                    if !list.is_empty() {
                        parts.push(format!("{name} {}", list.join(", ")));
                    }
                }
                f.write_str(&parts.join("; "))?;
                match within {
                    Some(n) => write!(f, "; within {n} bytes"),
                    None => f.write_str("; anywhere in the document"),
                }
            }
        }
    }
}

/// A user rule, as parsed and checked.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub kind: String,
    pub category: Category,
    pub sensitivity: Confidence,
    pub matcher: Matcher,
    /// Context words, lower-cased; empty for compositions.
    pub context: Vec<String>,
    pub context_window: usize,
    pub require_context: bool,
    pub mask_keep: usize,
    /// Line of the rules file where the rule's `id` stands.
    pub line: usize,
}

impl Rule {
    /// Whether this rule is a composition of other rules and kinds.
    pub fn is_composite(&self) -> bool {
        matches!(self.matcher, Matcher::Composite { .. })
    }

    /// The masked form of a value of this rule: letters and digits after the first
    /// `mask_keep` hidden.
    pub fn mask(&self, written: &str) -> String {
        redact::mask(written, self.mask_keep)
    }
}

impl fmt::Display for Rule {
    /// One line for `rules list`: id, kind, category, sensitivity and what it matches.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: kind {}, {}, {}: {}",
            self.id, self.kind, self.category, self.sensitivity, self.matcher
        )?;
        if !self.context.is_empty() {
            let n = self.context.len();
            let s = if n == 1 { "" } else { "s" };
            let effect = if self.require_context {
                "required"
            } else {
                "raises confidence"
            };
            write!(
                f,
                "; {n} context word{s} within {} bytes before ({effect})",
                self.context_window
            )?;
        }
        Ok(())
    }
}

/// Settings of one built-in detector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectorConfig {
    pub enabled: bool,
    /// Findings below this confidence are dropped.
    pub min_confidence: Option<Confidence>,
    /// Extra words that label this kind, lower-cased.
    pub context: Vec<String>,
    /// Values never reported, normalised by [`normalise`], sorted, without repeats.
    pub exceptions: Vec<String>,
}

impl Default for DetectorConfig {
    fn default() -> DetectorConfig {
        DetectorConfig {
            enabled: true,
            min_confidence: None,
            context: vec![],
            exceptions: vec![],
        }
    }
}

impl DetectorConfig {
    /// Whether a value (as written or normalised) is one of the exceptions.
    pub fn is_exception(&self, value: &str) -> bool {
        !self.exceptions.is_empty() && self.exceptions.binary_search(&normalise(value)).is_ok()
    }
}

impl fmt::Display for DetectorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.enabled { "on" } else { "off" })?;
        if let Some(c) = self.min_confidence {
            write!(f, ", min confidence {c}")?;
        }
        let n = self.context.len();
        if n > 0 {
            write!(f, ", {n} context word{}", if n == 1 { "" } else { "s" })?;
        }
        let n = self.exceptions.len();
        if n > 0 {
            write!(f, ", {n} exception{}", if n == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

/// The form in which exceptions are compared: letters and digits only, upper-cased.
pub fn normalise(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A match of a rule. Holds offsets, never the matched text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMatch {
    /// Index into [`Rules::rules`].
    pub rule: usize,
    /// Byte range of the whole match (for compositions: from the first part to the last).
    pub start: usize,
    pub end: usize,
    /// Byte range of the value (capture group 1 of a regex; for compositions the value of the
    /// first part).
    pub value_start: usize,
    pub value_end: usize,
    pub confidence: Confidence,
    /// Why it matched: which validation, which context. Never contains the matched text.
    pub why: String,
}

/// A regex or word match that was not reported, and why, for tuning with `rules test`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub why: String,
}

/// A mistake in a rules file, where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesError {
    /// The file's name as the caller gave it.
    pub origin: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub reason: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for RulesError {}

// The file as written.

type Words = Option<Spanned<Vec<Spanned<String>>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    detector: BTreeMap<Spanned<String>, Spanned<RawDetector>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetector {
    enabled: Option<bool>,
    min_confidence: Option<Spanned<String>>,
    context: Words,
    exceptions: Words,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<String>,
    category: Spanned<String>,
    sensitivity: Spanned<String>,
    regex: Option<Spanned<String>>,
    validator: Option<Spanned<String>>,
    words: Words,
    case_sensitive: Option<Spanned<bool>>,
    context: Words,
    context_window: Option<Spanned<usize>>,
    require_context: Option<Spanned<bool>>,
    mask_keep: Option<Spanned<usize>>,
    all_of: Words,
    any_of: Words,
    none_of: Words,
    within: Option<Spanned<usize>>,
}

// Compiled forms.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ref {
    Rule(usize),
    Builtin(&'static str),
}

impl Ref {
    fn name<'a>(&self, rules: &'a [Rule]) -> &'a str {
        match *self {
            Ref::Rule(i) => &rules[i].id,
            Ref::Builtin(k) => k,
        }
    }
}

#[derive(Debug)]
struct Parts {
    all_of: Vec<Ref>,
    any_of: Vec<Ref>,
    none_of: Vec<Ref>,
    within: Option<usize>,
}

#[derive(Debug)]
enum How {
    Regex(Regex),
    Words,
    Composite(Parts),
}

/// Context words of a rule: an automaton and, per pattern, the word's index.
#[derive(Debug)]
struct ContextSet {
    ac: AhoCorasick,
    word_of: Vec<usize>,
}

#[derive(Debug)]
struct Compiled {
    how: How,
    context: Option<ContextSet>,
}

/// All word lists of one case mode: one automaton, per pattern the rule's index.
#[derive(Debug)]
struct WordSet {
    ac: AhoCorasick,
    rule_of: Vec<usize>,
    case_sensitive: bool,
}

/// A parsed, checked and compiled rules file. Share it between threads.
#[derive(Debug, Default)]
pub struct Rules {
    detectors: BTreeMap<String, DetectorConfig>,
    rules: Vec<Rule>,
    compiled: Vec<Compiled>,
    words: Vec<WordSet>,
    /// Composite rules, each after the composite rules it refers to.
    order: Vec<usize>,
}

/// Where a part of a composition stands: whole range and value range.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    start: usize,
    end: usize,
    value_start: usize,
    value_end: usize,
}

impl Rules {
    /// No rules, every detector as built in.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parses, checks and compiles a rules file. `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Rules, RulesError> {
        let err = |span: Range<usize>, reason: String| {
            let (line, column) = position(text, span.start);
            RulesError {
                origin: origin.to_string(),
                line,
                column,
                reason,
            }
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (span, mut reason) = toml_error::parse_error(
                &e,
                &[
                    ("struct RawDetector", "a table of detector settings"),
                    ("struct RawRule", "a rule table"),
                    ("struct RawFile", "a table"),
                ],
            );
            if text
                .get(span.clone())
                .is_some_and(|t| t.starts_with("[rule]"))
            {
                reason.push_str(" (each rule is a `[[rule]]` table, with double brackets)");
            }
            err(span, reason)
        })?;

        let mut detectors = BTreeMap::new();
        for (name, det) in raw.detector {
            let span = name.span();
            let name = name.into_inner();
            if !BUILTIN_KINDS.contains(&name.as_str()) {
                return Err(err(
                    span,
                    format!(
                        "unknown detector '{name}': the built-in detectors are {}",
                        BUILTIN_KINDS.join(", ")
                    ),
                ));
            }
            let det = det.into_inner();
            let min_confidence = match det.min_confidence {
                Some(s) => Some(level(&s, "min_confidence").map_err(|r| err(s.span(), r))?),
                None => None,
            };
            // Context words label numbers: identity numbers and phones read them.
            if let Some(list) = det.context.as_ref().filter(|l| !l.get_ref().is_empty()) {
                if !CONTEXT_KINDS.contains(&name.as_str()) {
                    return Err(err(
                        list.span(),
                        format!(
                            "context words are read for {} only, not for {name}",
                            CONTEXT_KINDS.join(", ")
                        ),
                    ));
                }
            }
            let context = context_words(det.context, &err)?;
            let mut exceptions = vec![];
            if let Some(list) = det.exceptions {
                if list.get_ref().len() > MAX_EXCEPTIONS {
                    return Err(err(
                        list.span(),
                        format!("more than {MAX_EXCEPTIONS} exceptions"),
                    ));
                }
                for e in list.into_inner() {
                    let n = normalise(e.get_ref());
                    if n.is_empty() {
                        return Err(err(
                            e.span(),
                            "an exception without letters or digits excepts nothing".into(),
                        ));
                    }
                    exceptions.push(n);
                }
            }
            exceptions.sort();
            exceptions.dedup();
            detectors.insert(
                name,
                DetectorConfig {
                    enabled: det.enabled.unwrap_or(true),
                    min_confidence,
                    context,
                    exceptions,
                },
            );
        }

        if let Some(extra) = raw.rule.get(MAX_RULES) {
            return Err(err(
                extra.span(),
                format!("more than {MAX_RULES} rules in one file"),
            ));
        }

        // First pass: each rule alone.
        let mut rules: Vec<Rule> = vec![];
        let mut ids: HashMap<String, usize> = HashMap::new();
        // Per rule: its regex, and for compositions the parts as written with their spans.
        let mut regexes: Vec<Option<Regex>> = vec![];
        let mut written_parts: Vec<Option<WrittenParts>> = vec![];
        let mut id_spans: Vec<Range<usize>> = vec![];
        let mut word_count = 0usize;
        for r in raw.rule {
            let r = r.into_inner();
            let id = r.id.get_ref().clone();
            name_form(&id, "rule id").map_err(|m| err(r.id.span(), m))?;
            if BUILTIN_KINDS.contains(&id.as_str()) {
                return Err(err(
                    r.id.span(),
                    format!(
                        "rule id '{id}' is the name of a built-in kind; compositions could not \
                         tell them apart"
                    ),
                ));
            }
            if let Some(&first) = ids.get(&id) {
                return Err(err(
                    r.id.span(),
                    format!(
                        "duplicate rule id '{id}': first defined on line {}",
                        rules[first].line
                    ),
                ));
            }
            let kind = r.kind.get_ref().clone();
            name_form(&kind, "kind").map_err(|m| err(r.kind.span(), m))?;
            if BUILTIN_KINDS.contains(&kind.as_str()) {
                return Err(err(
                    r.kind.span(),
                    format!(
                        "kind '{kind}' is a built-in kind; a rule's findings need a kind of \
                         their own"
                    ),
                ));
            }
            let category = Category::parse(r.category.get_ref()).ok_or_else(|| {
                err(
                    r.category.span(),
                    format!(
                        "unknown category '{}': expected identifier, health, contact, \
                         financial or other",
                        r.category.get_ref()
                    ),
                )
            })?;
            let sensitivity =
                level(&r.sensitivity, "sensitivity").map_err(|m| err(r.sensitivity.span(), m))?;

            // Exactly one way of matching.
            let composition = [&r.all_of, &r.any_of, &r.none_of]
                .into_iter()
                .flatten()
                .map(|l| l.span())
                .min_by_key(|s| s.start);
            let mut ways: Vec<(&str, Range<usize>)> = vec![];
            if let Some(s) = &r.regex {
                ways.push(("regex", s.span()));
            }
            if let Some(s) = &r.words {
                ways.push(("words", s.span()));
            }
            if let Some(s) = composition {
                ways.push(("all_of/any_of/none_of", s));
            }
            ways.sort_by_key(|(_, s)| s.start);
            match ways.as_slice() {
                [] => {
                    return Err(err(
                        r.id.span(),
                        format!(
                            "rule '{id}' matches nothing: give it `regex`, `words`, or \
                             `all_of`/`any_of`/`none_of`"
                        ),
                    ))
                }
                [_] => {}
                [(a, _), (b, span), ..] => {
                    return Err(err(
                        span.clone(),
                        format!(
                            "rule '{id}' has both `{a}` and `{b}`: a rule matches in exactly \
                             one way (regex, words, or composition)"
                        ),
                    ))
                }
            }
            let is_regex = r.regex.is_some();
            let is_words = r.words.is_some();
            let composite = !is_regex && !is_words;

            // Keys that do not apply to this way of matching.
            let only =
                |present: Option<Range<usize>>, key: &str, applies: bool, to: &str| match present {
                    Some(span) if !applies => Err(err(
                        span,
                        format!("`{key}` applies only to {to}; rule '{id}' is not one"),
                    )),
                    _ => Ok(()),
                };
            only(
                r.validator.as_ref().map(Spanned::span),
                "validator",
                is_regex,
                "regex rules",
            )?;
            only(
                r.case_sensitive.as_ref().map(Spanned::span),
                "case_sensitive",
                is_words,
                "word rules",
            )?;
            for (span, key) in [
                (r.context.as_ref().map(Spanned::span), "context"),
                (
                    r.context_window.as_ref().map(Spanned::span),
                    "context_window",
                ),
                (
                    r.require_context.as_ref().map(Spanned::span),
                    "require_context",
                ),
                (r.mask_keep.as_ref().map(Spanned::span), "mask_keep"),
            ] {
                only(span, key, !composite, "regex and word rules")?;
            }
            only(
                r.within.as_ref().map(Spanned::span),
                "within",
                composite,
                "compositions",
            )?;

            let context = context_words(r.context, &err)?;
            let require_context = r.require_context.as_ref().is_some_and(|b| *b.get_ref());
            if require_context && context.is_empty() {
                let span = r.require_context.as_ref().map_or(0..0, Spanned::span);
                return Err(err(
                    span,
                    format!("rule '{id}' requires context but has no `context` words"),
                ));
            }
            let context_window = match &r.context_window {
                Some(w) => {
                    let n = *w.get_ref();
                    if context.is_empty() {
                        return Err(err(
                            w.span(),
                            format!("`context_window` without `context` words in rule '{id}'"),
                        ));
                    }
                    if !(1..=MAX_CONTEXT_WINDOW).contains(&n) {
                        return Err(err(
                            w.span(),
                            format!("`context_window` must be 1 to {MAX_CONTEXT_WINDOW} bytes"),
                        ));
                    }
                    n
                }
                None => DEFAULT_CONTEXT_WINDOW,
            };
            let mask_keep = r.mask_keep.as_ref().map_or(0, |k| *k.get_ref());

            let (matcher, regex, parts) = if let Some(p) = &r.regex {
                let validator = match &r.validator {
                    Some(v) => Some(Validator::parse(v.get_ref()).ok_or_else(|| {
                        err(
                            v.span(),
                            format!(
                                "unknown validator '{}': expected luhn, mod11, mod97 or iban",
                                v.get_ref()
                            ),
                        )
                    })?),
                    None => None,
                };
                let re = RegexBuilder::new(p.get_ref())
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| err(p.span(), regex_reason(&e)))?;
                (
                    Matcher::Regex {
                        pattern: p.get_ref().clone(),
                        validator,
                    },
                    Some(re),
                    None,
                )
            } else if let Some(list) = &r.words {
                if list.get_ref().is_empty() {
                    return Err(err(
                        list.span(),
                        format!("rule '{id}' has an empty word list"),
                    ));
                }
                word_count += list.get_ref().len();
                if word_count > MAX_WORDS {
                    return Err(err(
                        list.span(),
                        format!("more than {MAX_WORDS} words in all word lists"),
                    ));
                }
                let mut words = vec![];
                for w in list.get_ref() {
                    words.push(word(w, "word", &err)?);
                }
                let case_sensitive = r.case_sensitive.as_ref().is_some_and(|b| *b.get_ref());
                (
                    Matcher::Words {
                        words,
                        case_sensitive,
                    },
                    None,
                    None,
                )
            } else {
                let within = match &r.within {
                    Some(w) => {
                        let n = *w.get_ref();
                        if !(1..=MAX_WITHIN).contains(&n) {
                            return Err(err(
                                w.span(),
                                format!("`within` must be 1 to {MAX_WITHIN} bytes"),
                            ));
                        }
                        Some(n)
                    }
                    None => None,
                };
                let list = |l: &Words| -> Vec<Spanned<String>> {
                    l.as_ref().map(|l| l.get_ref().clone()).unwrap_or_default()
                };
                let wp = WrittenParts {
                    all_of: list(&r.all_of),
                    any_of: list(&r.any_of),
                    none_of: list(&r.none_of),
                };
                if wp.all_of.is_empty() && wp.any_of.is_empty() {
                    let span = r.none_of.as_ref().map_or(r.id.span(), Spanned::span);
                    return Err(err(
                        span,
                        format!(
                            "rule '{id}' has no `all_of` or `any_of` parts: `none_of` alone \
                             matches nothing"
                        ),
                    ));
                }
                let mut seen = HashSet::new();
                for p in wp.all_of.iter().chain(&wp.any_of).chain(&wp.none_of) {
                    if !seen.insert(p.get_ref().as_str()) {
                        return Err(err(
                            p.span(),
                            format!("'{}' is listed twice in rule '{id}'", p.get_ref()),
                        ));
                    }
                }
                let name = |l: &[Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
                (
                    Matcher::Composite {
                        all_of: name(&wp.all_of),
                        any_of: name(&wp.any_of),
                        none_of: name(&wp.none_of),
                        within,
                    },
                    None,
                    Some(wp),
                )
            };

            ids.insert(id.clone(), rules.len());
            rules.push(Rule {
                id,
                kind,
                category,
                sensitivity,
                matcher,
                context,
                context_window,
                require_context,
                mask_keep,
                line: position(text, r.id.span().start).0,
            });
            regexes.push(regex);
            written_parts.push(parts);
            id_spans.push(r.id.span());
        }

        // Second pass: resolve the parts of compositions.
        let resolve = |p: &Spanned<String>, list: &str, owner: &str| -> Result<Ref, RulesError> {
            let name = p.get_ref().as_str();
            if let Some(&i) = ids.get(name) {
                Ok(Ref::Rule(i))
            } else if let Some(k) = BUILTIN_KINDS.iter().find(|k| **k == name) {
                Ok(Ref::Builtin(k))
            } else {
                Err(err(
                    p.span(),
                    format!(
                        "unknown id '{name}' in `{list}` of rule '{owner}': no rule has this id \
                         and no built-in kind this name"
                    ),
                ))
            }
        };
        let mut resolved: Vec<Option<Parts>> = vec![];
        // Per composite rule, its references to rules with their spans, for cycles.
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![vec![]; rules.len()];
        for (i, wp) in written_parts.iter().enumerate() {
            let Some(wp) = wp else {
                resolved.push(None);
                continue;
            };
            let owner = rules[i].id.as_str();
            let mut go = |l: &[Spanned<String>], name: &str| -> Result<Vec<Ref>, RulesError> {
                let mut out = vec![];
                for p in l {
                    let r = resolve(p, name, owner)?;
                    if let Ref::Rule(j) = r {
                        edges[i].push((j, p.span()));
                    }
                    out.push(r);
                }
                Ok(out)
            };
            let all_of = go(&wp.all_of, "all_of")?;
            let any_of = go(&wp.any_of, "any_of")?;
            let none_of = go(&wp.none_of, "none_of")?;
            let within = match rules[i].matcher {
                Matcher::Composite { within, .. } => within,
                _ => None,
            };
            resolved.push(Some(Parts {
                all_of,
                any_of,
                none_of,
                within,
            }));
        }
        let order = topological(&rules, &edges).map_err(|(span, reason)| err(span, reason))?;

        // Context automata, and the word lists in two automata.
        let mut compiled = vec![];
        for (i, ((rule, regex), parts)) in rules.iter().zip(regexes).zip(resolved).enumerate() {
            let how = match (regex, parts) {
                (Some(re), _) => How::Regex(re),
                (None, Some(p)) => How::Composite(p),
                (None, None) => How::Words,
            };
            let context = if rule.context.is_empty() {
                None
            } else {
                let mut patterns = vec![];
                let mut word_of = vec![];
                for (k, w) in rule.context.iter().enumerate() {
                    for p in spellings(w, false) {
                        patterns.push(p);
                        word_of.push(k);
                    }
                }
                let ac = automaton(&patterns, true, MatchKind::LeftmostLongest).map_err(|e| {
                    err(
                        id_spans[i].clone(),
                        format!("context words of rule '{}' too many: {e}", rule.id),
                    )
                })?;
                Some(ContextSet { ac, word_of })
            };
            compiled.push(Compiled { how, context });
        }
        let mut words = vec![];
        for case_sensitive in [true, false] {
            let mut patterns = vec![];
            let mut rule_of = vec![];
            let mut seen = HashSet::new();
            let mut first_rule = None;
            for (i, rule) in rules.iter().enumerate() {
                let Matcher::Words {
                    words,
                    case_sensitive: cs,
                } = &rule.matcher
                else {
                    continue;
                };
                if *cs != case_sensitive {
                    continue;
                }
                first_rule.get_or_insert(i);
                for w in words {
                    for p in spellings(w, case_sensitive) {
                        let key = if case_sensitive {
                            p.clone()
                        } else {
                            p.to_ascii_lowercase()
                        };
                        if seen.insert((i, key)) {
                            patterns.push(p);
                            rule_of.push(i);
                        }
                    }
                }
            }
            if patterns.is_empty() {
                continue;
            }
            let ac = automaton(&patterns, !case_sensitive, MatchKind::Standard).map_err(|e| {
                let span = first_rule.map_or(0..0, |i| id_spans[i].clone());
                err(span, format!("word lists too large: {e}"))
            })?;
            words.push(WordSet {
                ac,
                rule_of,
                case_sensitive,
            });
        }

        Ok(Rules {
            detectors,
            rules,
            compiled,
            words,
            order,
        })
    }

    /// The settings of a built-in detector, if the file has any.
    pub fn detector(&self, kind_name: &str) -> Option<&DetectorConfig> {
        self.detectors.get(kind_name)
    }

    /// Every built-in detector the file configures, by name.
    pub fn detectors(&self) -> impl Iterator<Item = (&str, &DetectorConfig)> {
        self.detectors.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The rules in file order; [`RuleMatch::rule`] indexes into it.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the file has no rules and configures no detector.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.detectors.is_empty()
    }

    /// Regex and word rules over a text: every match with why, ordered by offset.
    pub fn matches(&self, text: &[u8], out: &mut Vec<RuleMatch>) {
        self.scan(text, out, None);
    }

    /// Like [`Rules::matches`], and also the matches that a validator or a required context
    /// turned away, for `rules test`.
    pub fn test(&self, text: &[u8], out: &mut Vec<RuleMatch>, rejected: &mut Vec<Rejected>) {
        self.scan(text, out, Some(rejected));
    }

    fn scan(
        &self,
        text: &[u8],
        out: &mut Vec<RuleMatch>,
        mut rejected: Option<&mut Vec<Rejected>>,
    ) {
        let first = out.len();
        for (i, c) in self.compiled.iter().enumerate() {
            let How::Regex(re) = &c.how else { continue };
            let validator = match self.rules[i].matcher {
                Matcher::Regex { validator, .. } => validator,
                _ => None,
            };
            let mut found = |whole: Range<usize>, value: Option<Range<usize>>| {
                if whole.is_empty() {
                    return;
                }
                let mut why = String::from("regex");
                let value = match value {
                    Some(v) => {
                        why.push_str(" (value: capture group 1)");
                        v
                    }
                    None => whole.clone(),
                };
                if let Some(v) = validator {
                    if !v.check(&text[value.clone()]) {
                        if let Some(rej) = rejected.as_deref_mut() {
                            rej.push(Rejected {
                                rule: i,
                                start: whole.start,
                                end: whole.end,
                                why: format!("{why}, {v} check fails"),
                            });
                        }
                        return;
                    }
                    why.push_str(&format!(", {v} check holds"));
                }
                self.finish(i, whole, value, why, text, out, rejected.as_deref_mut());
            };
            if re.captures_len() > 1 {
                for caps in re.captures_iter(text) {
                    if let Some(m) = caps.get(0) {
                        found(m.range(), caps.get(1).map(|g| g.range()));
                    }
                }
            } else {
                for m in re.find_iter(text) {
                    found(m.range(), None);
                }
            }
        }
        for set in &self.words {
            let mut hits: Vec<(usize, usize, usize)> = vec![];
            for m in set.ac.find_overlapping_iter(text) {
                let (s, e) = (m.start(), m.end());
                if (letter_at(text, s) && s > 0 && letter_at(text, s - 1))
                    || (e < text.len() && letter_at(text, e - 1) && letter_at(text, e))
                {
                    continue;
                }
                hits.push((set.rule_of[m.pattern().as_usize()], s, e));
            }
            // Per rule, the leftmost-longest matches that do not overlap.
            hits.sort_by_key(|&(r, s, e)| (r, s, std::cmp::Reverse(e)));
            let mut last: Option<(usize, usize)> = None;
            let case = if set.case_sensitive {
                "case-sensitive"
            } else {
                "case-insensitive"
            };
            for (r, s, e) in hits {
                if matches!(last, Some((lr, le)) if lr == r && s < le) {
                    continue;
                }
                last = Some((r, e));
                let why = format!("word list ({case})");
                self.finish(r, s..e, s..e, why, text, out, rejected.as_deref_mut());
            }
        }
        out[first..].sort_by_key(|m| (m.start, m.rule, m.end));
    }

    /// Context and confidence of a match that passed its validation.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        i: usize,
        whole: Range<usize>,
        value: Range<usize>,
        mut why: String,
        text: &[u8],
        out: &mut Vec<RuleMatch>,
        rejected: Option<&mut Vec<Rejected>>,
    ) {
        let rule = &self.rules[i];
        let mut confidence = rule.sensitivity;
        if let Some(ctx) = &self.compiled[i].context {
            let from = whole.start.saturating_sub(rule.context_window);
            let nearest = ctx
                .ac
                .find_iter(&text[from..whole.start])
                .max_by_key(|m| m.end())
                .map(|m| {
                    (
                        ctx.word_of[m.pattern().as_usize()],
                        whole.start - from - m.end(),
                    )
                });
            match nearest {
                Some((w, gap)) => {
                    why.push_str(&format!(
                        ", context word '{}' {gap} bytes before",
                        rule.context[w]
                    ));
                    if !rule.require_context {
                        let raised = raise(confidence);
                        if raised != confidence {
                            confidence = raised;
                            why.push_str(&format!(", confidence raised to {confidence}"));
                        }
                    }
                }
                None if rule.require_context => {
                    if let Some(rej) = rejected {
                        rej.push(Rejected {
                            rule: i,
                            start: whole.start,
                            end: whole.end,
                            why: format!(
                                "{why}, no context word within {} bytes before (required)",
                                rule.context_window
                            ),
                        });
                    }
                    return;
                }
                None => why.push_str(&format!(
                    ", no context word within {} bytes before",
                    rule.context_window
                )),
            }
        }
        out.push(RuleMatch {
            rule: i,
            start: whole.start,
            end: whole.end,
            value_start: value.start,
            value_end: value.end,
            confidence,
            why,
        });
    }

    /// Composite rules over one document, given its regex and word matches (from
    /// [`Rules::matches`]) and its built-in findings as (kind name, start, end). Compositions
    /// may build on each other; only the composite matches are added to `out`.
    pub fn compose(
        &self,
        primitive: &[RuleMatch],
        builtin: &[(&str, usize, usize)],
        out: &mut Vec<RuleMatch>,
    ) {
        if self.order.is_empty() {
            return;
        }
        let mut by_rule: Vec<Vec<Occurrence>> = vec![vec![]; self.rules.len()];
        for m in primitive {
            if let Some(list) = by_rule.get_mut(m.rule) {
                if !self.rules[m.rule].is_composite() {
                    list.push(Occurrence {
                        start: m.start,
                        end: m.end,
                        value_start: m.value_start,
                        value_end: m.value_end,
                    });
                }
            }
        }
        let mut by_kind: HashMap<&str, Vec<Occurrence>> = HashMap::new();
        for &(k, s, e) in builtin {
            by_kind.entry(k).or_default().push(Occurrence {
                start: s,
                end: e,
                value_start: s,
                value_end: e,
            });
        }
        let none: Vec<Occurrence> = vec![];
        for &i in &self.order {
            let How::Composite(parts) = &self.compiled[i].how else {
                continue;
            };
            let found = {
                let of = |r: &Ref| -> &[Occurrence] {
                    match *r {
                        Ref::Rule(j) => &by_rule[j],
                        Ref::Builtin(k) => by_kind.get(k).unwrap_or(&none),
                    }
                };
                self.compose_one(i, parts, &of)
            };
            for m in found {
                by_rule[i].push(Occurrence {
                    start: m.start,
                    end: m.end,
                    value_start: m.value_start,
                    value_end: m.value_end,
                });
                out.push(m);
            }
        }
    }

    fn compose_one<'a>(
        &self,
        i: usize,
        parts: &Parts,
        of: &dyn Fn(&Ref) -> &'a [Occurrence],
    ) -> Vec<RuleMatch> {
        let rule = &self.rules[i];
        let name = |r: &Ref| r.name(&self.rules);
        let none_of: Vec<&str> = parts.none_of.iter().map(name).collect();
        // A match from the chosen parts: (name, occurrence, whether an any_of part).
        let emit = |chosen: &[(&str, Occurrence, bool)], scope: String| {
            let start = chosen.iter().map(|c| c.1.start).min().unwrap_or(0);
            let end = chosen.iter().map(|c| c.1.end).max().unwrap_or(0);
            let first = chosen.iter().map(|c| c.1).min_by_key(|o| (o.start, o.end));
            let (value_start, value_end) =
                first.map_or((start, end), |o| (o.value_start, o.value_end));
            let mut clauses = vec![];
            for (label, any) in [("all of", false), ("any of", true)] {
                let list: Vec<String> = chosen
                    .iter()
                    .filter(|c| c.2 == any)
                    .map(|c| format!("{} at byte {}", c.0, c.1.start))
                    .collect();
                if !list.is_empty() {
                    clauses.push(format!("{label}: {}", list.join(", ")));
                }
            }
            if !none_of.is_empty() {
                clauses.push(format!("none of {} {scope}", none_of.join(", ")));
            }
            clauses.push(match parts.within {
                Some(n) => format!("parts within {} of {n} bytes", end - start),
                None => "anywhere in the document".to_string(),
            });
            RuleMatch {
                rule: i,
                start,
                end,
                value_start,
                value_end,
                confidence: rule.sensitivity,
                why: clauses.join("; "),
            }
        };
        let first = |r: &Ref| of(r).iter().min_by_key(|o| (o.start, o.end)).copied();

        let Some(n) = parts.within else {
            let mut chosen = vec![];
            for r in &parts.all_of {
                match first(r) {
                    Some(o) => chosen.push((name(r), o, false)),
                    None => return vec![],
                }
            }
            if !parts.any_of.is_empty() {
                let earliest = parts
                    .any_of
                    .iter()
                    .filter_map(|r| first(r).map(|o| (name(r), o, true)))
                    .min_by_key(|c| (c.1.start, c.1.end));
                match earliest {
                    Some(c) => chosen.push(c),
                    None => return vec![],
                }
            }
            if parts.none_of.iter().any(|r| !of(r).is_empty()) {
                return vec![];
            }
            return vec![emit(&chosen, "in the document".into())];
        };

        // Slots: one per all_of part, one shared by the any_of parts; each holds its
        // occurrences (with the index of the any_of part) in order of start.
        let mut slots: Vec<Vec<(Occurrence, usize)>> = vec![];
        for r in &parts.all_of {
            slots.push(of(r).iter().map(|o| (*o, 0)).collect());
        }
        if !parts.any_of.is_empty() {
            let mut any = vec![];
            for (k, r) in parts.any_of.iter().enumerate() {
                any.extend(of(r).iter().map(|o| (*o, k)));
            }
            slots.push(any);
        }
        if slots.iter().any(Vec::is_empty) {
            return vec![];
        }
        for s in &mut slots {
            s.sort_by_key(|(o, _)| (o.start, o.end));
        }
        let mut excluded: Vec<Occurrence> = parts
            .none_of
            .iter()
            .flat_map(|r| of(r).iter().copied())
            .collect();
        excluded.sort_by_key(|o| o.start);
        let mut max_end = Vec::with_capacity(excluded.len());
        let mut m = 0;
        for o in &excluded {
            m = m.max(o.end);
            max_end.push(m);
        }
        // Whether an excluded part touches [lo, hi].
        let near_excluded = |lo: usize, hi: usize| {
            let k = excluded.partition_point(|o| o.start <= hi);
            k > 0 && max_end[k - 1] >= lo
        };
        // Each start of a part anchors a group: the first occurrence per slot from there
        // that ends within `n` bytes of it. Groups do not overlap.
        let mut anchors: Vec<usize> = slots
            .iter()
            .flat_map(|s| s.iter().map(|(o, _)| o.start))
            .collect();
        anchors.sort_unstable();
        anchors.dedup();
        let mut next = vec![0usize; slots.len()];
        let mut done_until: Option<usize> = None;
        let mut result = vec![];
        for a in anchors {
            if done_until.is_some_and(|d| a < d) {
                continue;
            }
            let limit = a.saturating_add(n);
            let mut pick = Vec::with_capacity(slots.len());
            for (s, events) in slots.iter().enumerate() {
                while next[s] < events.len() && events[next[s]].0.start < a {
                    next[s] += 1;
                }
                let found = events[next[s]..]
                    .iter()
                    .take_while(|(o, _)| o.start <= limit)
                    .find(|(o, _)| o.end <= limit);
                match found {
                    Some(&(o, k)) => {
                        let (r, any) = match parts.all_of.get(s) {
                            Some(r) => (r, false),
                            None => (&parts.any_of[k], true),
                        };
                        pick.push((name(r), o, any));
                    }
                    None => break,
                }
            }
            if pick.len() < slots.len() {
                continue;
            }
            let start = pick.iter().map(|c| c.1.start).min().unwrap_or(a);
            let end = pick.iter().map(|c| c.1.end).max().unwrap_or(a);
            if near_excluded(start.saturating_sub(n), end.saturating_add(n)) {
                continue;
            }
            result.push(emit(&pick, format!("within {n} bytes")));
            done_until = Some(end);
        }
        result
    }
}

/// The parts of a composition as written, with their spans.
struct WrittenParts {
    all_of: Vec<Spanned<String>>,
    any_of: Vec<Spanned<String>>,
    none_of: Vec<Spanned<String>>,
}

/// Composite rules in an order where each follows the composites it refers to; a cycle is an
/// error at the reference that closes it.
fn topological(
    rules: &[Rule],
    edges: &[Vec<(usize, Range<usize>)>],
) -> Result<Vec<usize>, (Range<usize>, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; rules.len()];
    let mut order = vec![];
    for root in 0..rules.len() {
        if mark[root] != Mark::New || !rules[root].is_composite() {
            continue;
        }
        // Iterative depth-first search: (rule, next edge), and the path for messages.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::Open;
        while let Some(&mut (u, ref mut k)) = stack.last_mut() {
            if let Some((v, span)) = edges[u].get(*k) {
                *k += 1;
                let v = *v;
                match mark[v] {
                    Mark::Open => {
                        let from = stack.iter().position(|&(w, _)| w == v).unwrap_or(0);
                        let mut path: Vec<&str> = stack[from..]
                            .iter()
                            .map(|&(w, _)| rules[w].id.as_str())
                            .collect();
                        path.push(rules[v].id.as_str());
                        return Err((
                            span.clone(),
                            format!(
                                "rule '{}' is part of a cycle: {}",
                                rules[u].id,
                                path.join(" -> ")
                            ),
                        ));
                    }
                    Mark::New => {
                        mark[v] = Mark::Open;
                        stack.push((v, 0));
                    }
                    Mark::Done => {}
                }
            } else {
                mark[u] = Mark::Done;
                if rules[u].is_composite() {
                    order.push(u);
                }
                stack.pop();
            }
        }
    }
    Ok(order)
}

fn level(s: &Spanned<String>, key: &str) -> Result<Confidence, String> {
    Confidence::parse(s.get_ref())
        .ok_or_else(|| format!("bad {key} '{}': expected low, medium or high", s.get_ref()))
}

fn name_form(s: &str, what: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > MAX_NAME {
        return Err(format!("{what} must have 1 to {MAX_NAME} characters"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "{what} '{s}' may hold only lower-case letters a-z, digits and '-'"
        ));
    }
    Ok(())
}

/// A word or context word: trimmed, not empty, not too long.
fn word(
    w: &Spanned<String>,
    what: &str,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<String, RulesError> {
    let t = w.get_ref().trim();
    if t.is_empty() {
        return Err(err(w.span(), format!("empty {what}")));
    }
    if t.len() > MAX_WORD_BYTES {
        return Err(err(
            w.span(),
            format!("{what} longer than {MAX_WORD_BYTES} bytes"),
        ));
    }
    Ok(t.to_string())
}

fn context_words(
    list: Words,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<Vec<String>, RulesError> {
    let Some(list) = list else { return Ok(vec![]) };
    if list.get_ref().len() > MAX_CONTEXT_WORDS {
        return Err(err(
            list.span(),
            format!("more than {MAX_CONTEXT_WORDS} context words"),
        ));
    }
    let mut out: Vec<String> = vec![];
    for w in list.get_ref() {
        let w = word(w, "context word", err)?.to_lowercase();
        if !out.contains(&w) {
            out.push(w);
        }
    }
    Ok(out)
}

/// The reason of a regex error in one line, without the pattern echoed back.
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(limit) => format!(
            "regex too big: compiled, it exceeds the limit of {limit} bytes; simplify it \
             (fewer or smaller repetitions, fewer Unicode classes)"
        ),
        regex::Error::Syntax(s) => {
            let msg = s
                .lines()
                .filter_map(|l| l.trim().strip_prefix("error:"))
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; ");
            if msg.is_empty() {
                format!("invalid regex: {}", s.lines().last().unwrap_or("").trim())
            } else {
                format!("invalid regex: {msg}")
            }
        }
        other => format!("invalid regex: {other}"),
    }
}

fn raise(c: Confidence) -> Confidence {
    match c {
        Confidence::Low => Confidence::Medium,
        Confidence::Medium | Confidence::High => Confidence::High,
    }
}

fn automaton(
    patterns: &[Vec<u8>],
    fold_ascii: bool,
    kind: MatchKind,
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(fold_ascii)
        .match_kind(kind)
        .build(patterns)
}

/// Non-ASCII letters folded in every combination up to this many; beyond it, a word matches
/// as written, all lower or all upper case.
const MAX_FOLDED: usize = 4;

/// The byte strings for a word: for case-insensitive matching the case forms of its
/// non-ASCII letters (the automaton folds ASCII itself); each in UTF-8 and, where it can be
/// written so, Latin-1.
fn spellings(word: &str, case_sensitive: bool) -> Vec<Vec<u8>> {
    let mut forms: Vec<String> = vec![word.to_string()];
    if !case_sensitive {
        let chars: Vec<char> = word.chars().collect();
        let foldable: Vec<usize> = chars
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_ascii() && single_upper(**c) != single_lower(**c))
            .map(|(i, _)| i)
            .collect();
        if foldable.len() <= MAX_FOLDED {
            for mask in 0..(1u32 << foldable.len()) {
                let mut form = chars.clone();
                for (bit, &i) in foldable.iter().enumerate() {
                    form[i] = if mask & (1 << bit) != 0 {
                        single_upper(chars[i])
                    } else {
                        single_lower(chars[i])
                    };
                }
                forms.push(form.into_iter().collect());
            }
        } else {
            forms.push(chars.iter().map(|&c| single_lower(c)).collect());
            forms.push(chars.iter().map(|&c| single_upper(c)).collect());
        }
    }
    crate::context::encodings(forms)
}

/// The upper-case form of a letter when it is one character, else the letter.
fn single_upper(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

fn single_lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// Whether the byte at `i` is (part of) a letter or digit: ASCII, or any byte of a UTF-8 or
/// Latin-1 letter (as the built-in detectors read words).
fn letter_at(h: &[u8], i: usize) -> bool {
    h[i].is_ascii_alphanumeric() || h[i] >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the module documentation, taken from this file.
    fn documented_example() -> String {
        let src = include_str!("rules.rs");
        let mut out = String::new();
        let mut inside = false;
        for line in src.lines() {
            let Some(doc) = line.strip_prefix("//!") else {
                continue;
            };
            let doc = doc.strip_prefix(' ').unwrap_or(doc);
            if doc == "```toml" {
                inside = true;
            } else if inside && doc == "```" {
                break;
            } else if inside {
                out.push_str(doc);
                out.push('\n');
            }
        }
        out
    }

    fn parse(text: &str) -> Rules {
        Rules::parse(text, "rules.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> RulesError {
        match Rules::parse(text, "rules.toml") {
            Ok(_) => panic!("parsed:\n{text}"),
            Err(e) => e,
        }
    }

    /// Asserts an error on `line` whose reason contains `needle`.
    fn fails_at(text: &str, line: usize, needle: &str) {
        let e = error(text);
        assert_eq!(e.line, line, "{e}");
        assert!(e.reason.contains(needle), "{e}");
        assert!(
            e.to_string().starts_with(&format!("rules.toml:{line}:")),
            "{e}"
        );
    }

    fn matches(rules: &Rules, text: &str) -> Vec<RuleMatch> {
        let mut out = vec![];
        rules.matches(text.as_bytes(), &mut out);
        out
    }

    const HEAD: &str =
        "[[rule]]\nid = \"r\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n";

    #[test]
    fn parses_the_documented_example() {
        let text = documented_example();
        assert!(text.contains("[[rule]]"), "{text}");
        let r = parse(&text);
        let cpr = r.detector("dk-cpr").unwrap();
        assert!(cpr.enabled);
        assert_eq!(cpr.min_confidence, Some(Confidence::Medium));
        assert_eq!(cpr.context, ["kundenr", "borger-id"]);
        assert_eq!(cpr.exceptions, ["0101901238"]);
        assert!(!r.detector("health").unwrap().enabled);
        assert!(r.detector("fi-hetu").is_none());
        assert_eq!(r.detectors().count(), 2);

        let rules = r.rules();
        assert_eq!(rules.len(), 3);
        let emp = &rules[0];
        assert_eq!(emp.id, "employee-number");
        assert_eq!(emp.kind, "employee-number");
        assert_eq!(emp.category, Category::Identifier);
        assert_eq!(emp.sensitivity, Confidence::Medium);
        assert_eq!(
            emp.matcher,
            Matcher::Regex {
                pattern: r"\bEMP-(\d{7})\b".into(),
                validator: Some(Validator::Luhn)
            }
        );
        assert_eq!(emp.context, ["anställningsnr", "employee no"]);
        assert_eq!(
            (emp.context_window, emp.require_context, emp.mask_keep),
            (60, false, 4)
        );
        assert_eq!(emp.line, 12);
        assert_eq!(emp.mask("1234567"), "1234***");
        assert!(matches!(
            rules[1].matcher,
            Matcher::Words {
                case_sensitive: false,
                ..
            }
        ));
        assert!(rules[2].is_composite());
        assert_eq!(
            rules[2].to_string(),
            "patient-with-employee: kind patient-employee, health, high: all of \
             employee-number, health; none of secret-project; within 200 bytes"
        );
        assert_eq!(
            rules[1].to_string(),
            "secret-project: kind project-name, other, low: 2 words (case-insensitive)"
        );
        assert!(rules[0].to_string().starts_with(
            r"employee-number: kind employee-number, identifier, medium: regex \bEMP-(\d{7})\b with luhn check; 2 context words within 60 bytes before (raises confidence)"
        ));
        assert_eq!(
            cpr.to_string(),
            "on, min confidence medium, 2 context words, 1 exception"
        );
    }

    #[test]
    fn rules_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Rules>();
    }

    #[test]
    fn an_empty_file_has_no_rules() {
        let r = parse("# nothing yet\n");
        assert!(r.is_empty());
        assert!(Rules::empty().rules().is_empty());
        let mut out = vec![];
        r.compose(&[], &[("dk-cpr", 0, 10)], &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let e = error("[[rule]]\nid = \"a\"\nkind = \n");
        assert_eq!((e.origin.as_str(), e.line), ("rules.toml", 3), "{e}");
        assert!(!e.reason.is_empty() && !e.reason.contains('\n'), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_at_the_key() {
        fails_at(
            &format!("{HEAD}regex = 'x'\nrequire = true\n"),
            7,
            "unknown field `require`",
        );
        fails_at(
            "[detector.dk-cpr]\nenable = false\n",
            2,
            "unknown field `enable`",
        );
        fails_at("rule_count = 1\n", 1, "unknown field `rule_count`");
        fails_at(
            "[rule]\nid = 'x'\n",
            1,
            "`[[rule]]` table, with double brackets",
        );
    }

    #[test]
    fn unknown_detectors_are_errors() {
        fails_at(
            "\n[detector.dk-cprr]\nenabled = false\n",
            2,
            "unknown detector 'dk-cprr'",
        );
    }

    #[test]
    fn missing_fields_are_errors() {
        fails_at(
            "[[rule]]\nid = \"a\"\nkind = \"k\"\ncategory = \"other\"\nregex = 'x'\n",
            1,
            "sensitivity",
        );
    }

    #[test]
    fn bad_regexes_are_errors_at_the_pattern() {
        fails_at(
            &format!("{HEAD}regex = '(a'\n"),
            6,
            "invalid regex: unclosed group",
        );
        fails_at(
            &format!("{HEAD}\nregex = '\\w{{1000}}\\w{{1000}}'\n"),
            7,
            "regex too big",
        );
    }

    #[test]
    fn unknown_validators_are_errors() {
        fails_at(
            &format!("{HEAD}regex = 'x'\nvalidator = \"mod10\"\n"),
            7,
            "unknown validator 'mod10'",
        );
    }

    #[test]
    fn keys_of_another_way_of_matching_are_errors() {
        fails_at(
            &format!("{HEAD}words = ['x']\nvalidator = \"luhn\"\n"),
            7,
            "only to regex rules",
        );
        fails_at(
            &format!("{HEAD}regex = 'x'\nwithin = 5\n"),
            7,
            "only to compositions",
        );
        fails_at(
            &format!("{HEAD}any_of = ['email']\nmask_keep = 2\n"),
            7,
            "only to regex and word rules",
        );
        fails_at(
            &format!("{HEAD}regex = 'x'\nrequire_context = true\n"),
            7,
            "no `context` words",
        );
    }

    #[test]
    fn unknown_ids_in_compositions_are_errors() {
        fails_at(
            &format!("{HEAD}all_of = [\n  'email',\n  'employe-number',\n]\n"),
            8,
            "unknown id 'employe-number' in `all_of` of rule 'r'",
        );
    }

    #[test]
    fn cycles_are_errors_at_the_closing_reference() {
        let text = "[[rule]]\nid = \"a\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    all_of = [\"b\"]\n\n\
                    [[rule]]\nid = \"b\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    any_of = [\"email\", \"a\"]\n";
        fails_at(text, 13, "cycle: a -> b -> a");
        fails_at(&format!("{HEAD}all_of = ['r']\n"), 6, "cycle: r -> r");
    }

    #[test]
    fn duplicate_ids_are_errors_at_the_second() {
        let text = format!("{HEAD}regex = 'x'\n{HEAD}regex = 'y'\n");
        fails_at(&text, 8, "duplicate rule id 'r': first defined on line 2");
    }

    #[test]
    fn two_ways_of_matching_are_an_error() {
        fails_at(
            &format!("{HEAD}regex = 'x'\nwords = ['y']\n"),
            7,
            "both `regex` and `words`",
        );
        fails_at(
            &format!("{HEAD}words = ['y']\nall_of = ['email']\n"),
            7,
            "exactly one way",
        );
        fails_at(HEAD, 2, "matches nothing");
    }

    #[test]
    fn none_of_alone_is_an_error() {
        fails_at(
            &format!("{HEAD}all_of = []\nnone_of = ['email']\n"),
            7,
            "`none_of` alone matches nothing",
        );
    }

    #[test]
    fn bad_levels_categories_and_names_are_errors() {
        let text = "[[rule]]\nid = \"r\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"hgh\"\nregex = 'x'\n";
        fails_at(
            text,
            5,
            "bad sensitivity 'hgh': expected low, medium or high",
        );
        fails_at(
            "[detector.email]\nmin_confidence = \"HIGH\"\n",
            2,
            "bad min_confidence 'HIGH'",
        );
        fails_at(
            "[detector.health]\ncontext = [\"journal\"]\n",
            2,
            "context words are read for dk-cpr",
        );
        fails_at(
            &text.replace("\"other\"", "\"misc\""),
            4,
            "unknown category 'misc'",
        );
        fails_at(
            &text.replace("id = \"r\"", "id = \"My Rule\""),
            2,
            "rule id 'My Rule'",
        );
        fails_at(
            &text.replace("id = \"r\"", "id = \"health\""),
            2,
            "built-in kind",
        );
        fails_at(
            &text.replace("kind = \"k\"", "kind = \"dk-cpr\""),
            3,
            "built-in kind",
        );
        fails_at(
            &format!("{HEAD}regex = 'x'\ncontext = ['a']\ncontext_window = 0\n"),
            8,
            "1 to 4096",
        );
        fails_at(&format!("{HEAD}words = ['a', ' ']\n"), 6, "empty word");
    }

    #[test]
    fn too_many_rules_are_an_error() {
        let mut text = String::new();
        for i in 0..=MAX_RULES {
            text.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\nwords = ['w{i}']\n"
            ));
        }
        let e = error(&text);
        assert!(e.reason.contains("more than 1000 rules"), "{e}");
        assert_eq!(e.line, MAX_RULES * 6 + 1);
    }

    #[test]
    fn regex_value_is_capture_group_one_and_luhn_decides() {
        let r = parse(&format!(
            "{HEAD}regex = '\\bKORT:(\\d+)\\b'\nvalidator = \"luhn\"\n"
        ));
        let text = "KORT:79927398713 och KORT:79927398710";
        let found = matches(&r, text);
        assert_eq!(found.len(), 1, "{found:?}");
        let m = &found[0];
        assert_eq!((m.start, m.end), (0, 16));
        assert_eq!(&text[m.value_start..m.value_end], "79927398713");
        assert_eq!(m.confidence, Confidence::Low);
        assert_eq!(m.why, "regex (value: capture group 1), luhn check holds");
        assert!(!format!("{m:?}").contains("79927398713"));

        let (mut out, mut rejected) = (vec![], vec![]);
        r.test(text.as_bytes(), &mut out, &mut rejected);
        assert_eq!(out, found);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].start, 21);
        assert!(
            rejected[0].why.contains("luhn check fails"),
            "{:?}",
            rejected[0]
        );
        assert!(!rejected[0].why.contains("79927398710"));
    }

    #[test]
    fn regex_without_group_takes_the_whole_match() {
        let r = parse(&format!(
            "{HEAD}regex = 'NO\\d{{9}}'\nvalidator = \"mod11\"\n"
        ));
        // 974760673 is a valid Norwegian organisation number; 974760674 is not.
        let found = matches(&r, "NO974760673 NO974760674");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].value_start, found[0].value_end), (0, 11));
        assert_eq!(found[0].why, "regex, mod11 check holds");
    }

    #[test]
    fn validators_check_digits_and_ibans() {
        assert!(Validator::Luhn.check(b"7992 7398 713"));
        assert!(!Validator::Luhn.check(b"79927398710"));
        assert!(!Validator::Luhn.check(b"0"));
        assert!(Validator::Mod11.check(b"974 760 673"));
        assert!(!Validator::Mod11.check(b"974760674"));
        // Check digit 10 is never valid.
        assert!(!Validator::Mod11.check(b"10"));
        // 195 = 2 * 97 + 1; two digits are too few.
        assert!(Validator::Mod97.check(b"1-95"));
        assert!(!Validator::Mod97.check(b"196"));
        assert!(!Validator::Mod97.check(b"98"));
        assert!(Validator::Iban.check(b"DK50 0040 0440 1162 43"));
        assert!(Validator::Iban.check(b"gb82west12345698765432"));
        assert!(!Validator::Iban.check(b"DK51 0040 0440 1162 43"));
        assert!(!Validator::Iban.check(b"DK50"));
    }

    #[test]
    fn the_iban_validator_agrees_with_the_iban_finder() {
        // Per country the finder knows, an account of its length with all check digits (02 to
        // 98, one per remainder; so exactly one is right): the validator (on the value as written, spaced and in lower case) and the
        // finder accept the same one, which a separate computation confirms.
        for &(country, len) in crate::contact::IBAN_LENGTHS {
            let account: Vec<u8> = (0..len - 4).map(|i| b"0123456789AB"[i % 12]).collect();
            let mut valid = 0;
            for check in 2..=98u8 {
                let mut s = country.to_vec();
                s.extend([b'0' + check / 10, b'0' + check % 10]);
                s.extend(&account);
                let written: Vec<u8> = s
                    .chunks(4)
                    .flat_map(|c| c.iter().map(u8::to_ascii_lowercase).chain([b' ']))
                    .collect();
                let finder = crate::contact::iban_valid(&s);
                assert_eq!(Validator::Iban.check(&written), finder, "{s:?}");
                // Mod 97 of the number in decimal, letters as two digits, digit by digit.
                let digits: String = s[4..]
                    .iter()
                    .chain(&s[..4])
                    .map(|&b| char::from(b).to_digit(36).unwrap().to_string())
                    .collect();
                let rem = digits
                    .bytes()
                    .fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97);
                assert_eq!(finder, rem == 1, "{s:?}");
                valid += usize::from(finder);
            }
            assert_eq!(valid, 1, "{country:?}");
        }
        // Where they differ: the validator takes every country's IBAN of 15 to 34 letters and
        // digits (Malta's example), the finder only the lengths it knows.
        assert!(Validator::Iban.check(b"MT84 MALT 0110 0001 2345 MTLC AST0 01S"));
        assert!(!crate::contact::iban_valid(
            b"MT84MALT011000012345MTLCAST001S"
        ));
    }

    #[test]
    fn context_raises_confidence_one_step() {
        let r = parse(&format!(
            "{HEAD}regex = 'EMP-\\d{{4}}'\ncontext = ['Anställningsnr', 'employee no']\n"
        ));
        let text = "Anställningsnr: EMP-1234\n\n\n".to_string() + &" ".repeat(80) + "EMP-5678";
        let found = matches(&r, &text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].confidence, Confidence::Medium);
        assert_eq!(
            found[0].why,
            "regex, context word 'anställningsnr' 2 bytes before, confidence raised to medium"
        );
        assert_eq!(found[1].confidence, Confidence::Low);
        assert_eq!(
            found[1].why,
            "regex, no context word within 60 bytes before"
        );
        // Case-insensitive, also for non-ASCII letters and in Latin-1.
        let found = matches(&r, "ANSTÄLLNINGSNR EMP-1234");
        assert_eq!(found[0].confidence, Confidence::Medium);
        let mut out = vec![];
        r.matches(b"anst\xe4llningsnr EMP-1234", &mut out);
        assert_eq!(out[0].confidence, Confidence::Medium);
    }

    #[test]
    fn the_nearest_context_word_is_reported() {
        let r = parse(&format!(
            "{HEAD}regex = 'EMP-\\d{{4}}'\ncontext = ['employee no', 'emp']\ncontext_window = 30\n"
        ));
        let found = matches(&r, "employee no emp EMP-1234");
        assert!(
            found[0].why.contains("context word 'emp' 1 bytes before"),
            "{}",
            found[0].why
        );
    }

    #[test]
    fn required_context_drops_matches_without_it() {
        let text = format!(
            "{HEAD}regex = 'EMP-\\d{{4}}'\ncontext = ['employee no']\nrequire_context = true\n"
        )
        .replace("\"low\"", "\"high\"");
        let r = parse(&text);
        let sample = format!("Employee no. EMP-1234, {}EMP-5678", " ".repeat(60));
        let (mut out, mut rejected) = (vec![], vec![]);
        r.test(sample.as_bytes(), &mut out, &mut rejected);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].start, 13);
        assert_eq!(out[0].confidence, Confidence::High);
        assert_eq!(
            out[0].why,
            "regex, context word 'employee no' 2 bytes before"
        );
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].start, 83);
        assert!(rejected[0].why.ends_with("(required)"), "{:?}", rejected[0]);
    }

    #[test]
    fn words_match_whole_words_case_insensitively_with_non_ascii_letters() {
        let r = parse(&format!("{HEAD}words = ['Projekt Örn', 'Nordljus']\n"));
        for text in [
            "om projekt örn i dag",
            "PROJEKT ÖRN",
            "Projekt Örn.",
            "(nordljus)",
        ] {
            let found = matches(&r, text);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].why, "word list (case-insensitive)");
        }
        // Latin-1 text.
        let mut out = vec![];
        r.matches(b"PROJEKT \xd6RN och projekt \xf6rn", &mut out);
        assert_eq!(out.len(), 2);
        // Not inside longer words.
        assert!(matches(&r, "Projekt Örnsköld, Nordljusen").is_empty());
        assert!(matches(&r, "xNordljus").is_empty());
    }

    #[test]
    fn case_sensitive_words_match_as_written() {
        let r = parse(&format!("{HEAD}words = ['Örn']\ncase_sensitive = true\n"));
        assert_eq!(matches(&r, "Örn örn ÖRN").len(), 1);
        let r = parse(&format!("{HEAD}words = ['Örn']\n"));
        assert_eq!(matches(&r, "Örn örn ÖRN").len(), 3);
    }

    #[test]
    fn overlapping_words_of_one_rule_give_the_longest() {
        let r = parse(&format!(
            "{HEAD}words = ['Operation', 'Operation Nordljus']\n"
        ));
        let found = matches(&r, "Operation Nordljus");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].end, 18);
    }

    #[test]
    fn matches_never_carry_the_value() {
        let r = parse(&documented_example());
        let text = "anställningsnr EMP-7992739 Projekt Örn";
        let mut out = vec![];
        r.matches(text.as_bytes(), &mut out);
        assert!(!out.is_empty());
        for m in &out {
            let shown = format!("{m:?} {}", m.why);
            assert!(
                !shown.contains("7992739") && !shown.contains("Örn"),
                "{shown}"
            );
        }
    }

    fn composition(body: &str) -> String {
        format!(
            "[[rule]]\nid = \"c\"\nkind = \"combo\"\ncategory = \"health\"\nsensitivity = \"high\"\n{body}\n\
             [[rule]]\nid = \"emp\"\nkind = \"employee\"\ncategory = \"identifier\"\nsensitivity = \"low\"\n\
             regex = 'EMP-\\d{{4}}'\n\
             [[rule]]\nid = \"secret\"\nkind = \"project\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
             words = ['Örn']\n"
        )
    }

    fn compose(r: &Rules, text: &str, builtin: &[(&str, usize, usize)]) -> Vec<RuleMatch> {
        let mut prim = vec![];
        r.matches(text.as_bytes(), &mut prim);
        let mut out = vec![];
        r.compose(&prim, builtin, &mut out);
        out
    }

    #[test]
    fn all_of_anywhere_needs_every_part_once_per_document() {
        let r = parse(&composition("all_of = ['emp', 'health']"));
        let text = "EMP-1234 ... EMP-5678";
        assert!(compose(&r, text, &[]).is_empty());
        let found = compose(&r, text, &[("health", 500, 510), ("health", 700, 710)]);
        assert_eq!(found.len(), 1);
        let m = &found[0];
        assert_eq!((m.rule, m.start, m.end), (0, 0, 510));
        assert_eq!((m.value_start, m.value_end), (0, 8));
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(
            m.why,
            "all of: emp at byte 0, health at byte 500; anywhere in the document"
        );
    }

    #[test]
    fn any_of_needs_one_part() {
        let r = parse(&composition("any_of = ['email', 'phone']"));
        assert!(compose(&r, "", &[("dk-cpr", 0, 10)]).is_empty());
        let found = compose(&r, "", &[("phone", 40, 50), ("email", 20, 30)]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].why,
            "any of: email at byte 20; anywhere in the document"
        );
    }

    #[test]
    fn none_of_vetoes_the_document() {
        let r = parse(&composition("all_of = ['emp']\nnone_of = ['secret']"));
        assert_eq!(compose(&r, "EMP-1234", &[]).len(), 1);
        assert_eq!(
            compose(&r, "EMP-1234", &[])[0].why,
            "all of: emp at byte 0; none of secret in the document; anywhere in the document"
        );
        assert!(compose(&r, "EMP-1234 far away: Örn", &[]).is_empty());
    }

    #[test]
    fn within_groups_parts_that_lie_close() {
        let r = parse(&composition("all_of = ['emp', 'dk-cpr']\nwithin = 30"));
        let text = format!("EMP-1234 {}EMP-5678", " ".repeat(100));
        // The CPR number far from the first, close to the second employee number.
        let found = compose(&r, &text, &[("dk-cpr", 120, 131)]);
        assert_eq!(found.len(), 1, "{found:?}");
        let m = &found[0];
        assert_eq!((m.start, m.end), (109, 131));
        assert_eq!(
            m.why,
            "all of: emp at byte 109, dk-cpr at byte 120; parts within 22 of 30 bytes"
        );
        assert!(compose(&r, &text, &[("dk-cpr", 60, 71)]).is_empty());
        // A CPR number before and after: each group found once.
        let found = compose(
            &r,
            &text,
            &[("dk-cpr", 0, 1), ("dk-cpr", 80, 105), ("dk-cpr", 120, 131)],
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn within_with_none_of_excludes_only_nearby_groups() {
        let r = parse(&composition(
            "all_of = ['emp']\nany_of = ['health', 'email']\nnone_of = ['secret']\nwithin = 20",
        ));
        let text = format!("EMP-1234 Örn {}EMP-5678", " ".repeat(100));
        let found = compose(&r, &text, &[("email", 10, 15), ("health", 125, 130)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].start, 114);
        assert_eq!(
            found[0].why,
            "all of: emp at byte 114; any of: health at byte 125; none of secret within 20 bytes; \
             parts within 16 of 20 bytes"
        );
    }

    #[test]
    fn compositions_build_on_later_compositions() {
        let text = "[[rule]]\nid = \"outer\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"medium\"\n\
                    all_of = [\"inner\", \"email\"]\n\
                    [[rule]]\nid = \"inner\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    all_of = [\"dk-cpr\"]\n";
        let r = parse(text);
        let mut out = vec![];
        r.compose(&[], &[("dk-cpr", 5, 15), ("email", 30, 40)], &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(r.rules()[out[0].rule].id, "inner");
        assert_eq!(r.rules()[out[1].rule].id, "outer");
        assert_eq!((out[1].start, out[1].end), (5, 40));
    }

    #[test]
    fn detector_exceptions_compare_letters_and_digits() {
        let r = parse(
            "[detector.dk-cpr]\nexceptions = ['010190-1238', '0101901238', ' 111111 1118 ']\n\
             [detector.fi-hetu]\nexceptions = ['010190a123b']\n",
        );
        let cpr = r.detector("dk-cpr").unwrap();
        assert_eq!(cpr.exceptions, ["0101901238", "1111111118"]);
        assert!(cpr.enabled && cpr.min_confidence.is_none());
        assert!(cpr.is_exception("010190-1238"));
        assert!(cpr.is_exception("0101901238"));
        assert!(!cpr.is_exception("010190-1239"));
        let hetu = r.detector("fi-hetu").unwrap();
        assert_eq!(hetu.exceptions, ["010190A123B"]);
        assert!(hetu.is_exception("010190A123B"));
        fails_at(
            "[detector.dk-cpr]\nexceptions = ['--']\n",
            2,
            "without letters or digits",
        );
    }
}
