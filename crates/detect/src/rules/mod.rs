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

mod compile;
mod compose;
mod scan;
mod schema;
#[cfg(test)]
mod testing;
mod validators;

use std::collections::BTreeMap;
use std::fmt;

use crate::kind::Confidence;
use crate::redact;

pub use validators::Validator;

use compile::{Compiled, WordSet};

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

impl Rules {
    /// No rules, every detector as built in.
    pub fn empty() -> Rules {
        Rules::default()
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

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
}
