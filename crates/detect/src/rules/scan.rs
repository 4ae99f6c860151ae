//! Regex and word rules over a text: their matches, validated, with the context words
//! before them and the confidence they give; for `rules test` also the matches turned away.

use std::ops::Range;

use super::compile::How;
use super::*;

impl Rules {
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
}

fn raise(c: Confidence) -> Confidence {
    match c {
        Confidence::Low => Confidence::Medium,
        Confidence::Medium | Confidence::High => Confidence::High,
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
    use crate::rules::testing::*;

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
}
