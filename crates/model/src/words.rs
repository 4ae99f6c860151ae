//! The words of the reports in the reader's language: one catalogue (`catalogue.toml`, a
//! table per language: `en`, `sv`, `da`, `nb`, `fi`) for `datavakt report`'s text and HTML
//! and for the reasons of an item's assessment, whose English is the scan's `why`. A key a
//! language lacks is said in English; one English lacks too, as the key itself. Counts take
//! `KEY.one` for 1 and `KEY.other` else, and digits are grouped as the language writes them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

type Catalogue = BTreeMap<String, BTreeMap<String, String>>;

/// The catalogue, parsed once; a catalogue that does not parse is a build mistake that the
/// tests catch, and gives no words (the keys are shown).
fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| toml::from_str(include_str!("catalogue.toml")).unwrap_or_default())
}

/// The words for `key` in `lang`.
pub fn t(lang: &str, key: &str) -> String {
    let c = catalogue();
    [lang, "en"]
        .iter()
        .find_map(|l| c.get(*l).and_then(|t| t.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// [`t`] with each `{name}` replaced by its value, in one pass: a value that holds braces (a
/// zone's name from a policy file) is not filled in again.
pub fn fill(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    let words = t(lang, key);
    let mut out = String::with_capacity(words.len());
    let mut rest = words.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, v) = values.iter().find(|(n, _)| *n == name)?;
            Some((v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words for `n` of something: `KEY.one` for 1, else `KEY.other`, with `{n}` the number
/// as `lang` writes it and the other `values` filled in.
pub fn count(lang: &str, key: &str, n: u64, values: &[(&str, &str)]) -> String {
    let form = if n == 1 { "one" } else { "other" };
    let n = number(lang, n);
    let mut all = vec![("n", n.as_str())];
    all.extend_from_slice(values);
    fill(lang, &format!("{key}.{form}"), &all)
}

/// `n` with `lang`'s separator between groups of three digits (`12,345`, `12.345`).
pub fn number(lang: &str, n: u64) -> String {
    group_digits(n, &t(lang, "digit_group"))
}

/// `n` with `separator` between groups of three digits: counts a reader takes in at a
/// glance.
pub fn group_digits(n: u64, separator: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of a language's table.
    fn keys(lang: &str) -> Vec<&'static str> {
        catalogue()
            .get(lang)
            .map(|t| t.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn every_language_has_every_word() {
        let en = keys("en");
        assert!(en.len() > 100, "the catalogue parses: {} keys", en.len());
        assert_eq!(catalogue().len(), 5, "en, sv, da, nb, fi");
        for lang in ["sv", "da", "nb", "fi"] {
            let words = keys(lang);
            let missing: Vec<&&str> = en.iter().filter(|k| !words.contains(k)).collect();
            assert!(missing.is_empty(), "{lang}: {missing:?}");
            let extra: Vec<&&str> = words.iter().filter(|k| !en.contains(k)).collect();
            assert!(extra.is_empty(), "{lang}: {extra:?}");
        }
        assert_eq!(
            fill("da", "title", &[("prefix", "/srv")]),
            "Personoplysninger i /srv"
        );
        assert_eq!(
            t("xx", "title"),
            t("en", "title"),
            "English when a language lacks it"
        );
        assert_eq!(t("en", "no such key"), "no such key");
    }

    #[test]
    fn values_counts_and_digits() {
        // A value is not filled in again, and an unknown name stays as written.
        assert_eq!(
            fill("en", "why.zone_no_personal", &[("name", "{name} {x}")]),
            "zone '{name} {x}' must hold no personal data: one step up"
        );
        assert_eq!(
            count("en", "why.people", 1, &[]),
            "1 person identified by identity number"
        );
        assert_eq!(
            count("da", "why.people", 12_000, &[]),
            "12.000 personer identificeret ved identitetsnummer"
        );
        assert_eq!(number("sv", 2_700_000), "2\u{a0}700\u{a0}000");
        assert_eq!(group_digits(0, ","), "0");
        assert_eq!(group_digits(912, ","), "912");
        assert_eq!(group_digits(2_700_000, ","), "2,700,000");
    }
}
