//! From the file as written to [`Rules`]: detector settings checked, each rule checked
//! alone, its regex compiled (size-limited), the compositions resolved, and the context words
//! and word lists built into Aho-Corasick automata.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use toml::Spanned;

use super::compose::{self, Parts, WrittenParts};
use super::schema::{self, context_words, level, name_form, word};
use super::*;
use crate::toml_error::position;

#[derive(Debug)]
pub(super) enum How {
    Regex(Regex),
    Words,
    Composite(Parts),
}

/// Context words of a rule: an automaton and, per pattern, the word's index.
#[derive(Debug)]
pub(super) struct ContextSet {
    pub(super) ac: AhoCorasick,
    pub(super) word_of: Vec<usize>,
}

#[derive(Debug)]
pub(super) struct Compiled {
    pub(super) how: How,
    pub(super) context: Option<ContextSet>,
}

/// All word lists of one case mode: one automaton, per pattern the rule's index.
#[derive(Debug)]
pub(super) struct WordSet {
    pub(super) ac: AhoCorasick,
    pub(super) rule_of: Vec<usize>,
    pub(super) case_sensitive: bool,
}

impl Rules {
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
        let raw = schema::read(text, &err)?;

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
            let mut r = r.into_inner();
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

            let context = context_words(r.context.take(), &err)?;
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
                let (matcher, parts) = compose::written(&r, &id, &err)?;
                (matcher, None, Some(parts))
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
        let (resolved, order) = compose::resolve(&rules, &ids, &written_parts, &err)?;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn unknown_detectors_are_errors() {
        fails_at(
            "\n[detector.dk-cprr]\nenabled = false\n",
            2,
            "unknown detector 'dk-cprr'",
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
