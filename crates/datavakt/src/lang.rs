//! The report's words in the user's language: one catalogue (`catalogue.toml`, a table per
//! language) for the text and HTML reports. `--lang`, else the language of `LC_ALL`,
//! `LC_MESSAGES` or `LANG`, else English.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use clap::ValueEnum;

/// A language of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Svenska.
    Sv,
    /// Dansk.
    Da,
    /// Norsk bokmål (also for `no` and `nn` locales).
    Nb,
    /// Suomi.
    Fi,
}

type Catalogue = BTreeMap<String, BTreeMap<String, String>>;

/// The catalogue, parsed once; a catalogue that does not parse is a build mistake that the
/// tests catch, and gives no words (the keys are shown).
fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| toml::from_str(include_str!("catalogue.toml")).unwrap_or_default())
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
            Lang::Da => "da",
            Lang::Nb => "nb",
            Lang::Fi => "fi",
        }
    }

    /// `explicit`, else the locale's language, else English.
    pub fn chosen(explicit: Option<Lang>) -> Lang {
        explicit.unwrap_or_else(|| {
            let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            Lang::of_locale(&locale)
        })
    }

    /// The language of a locale name (`sv_SE.UTF-8`, `nn_NO`, `C`).
    fn of_locale(locale: &str) -> Lang {
        match locale.get(..2).unwrap_or_default() {
            "sv" => Lang::Sv,
            "da" => Lang::Da,
            "nb" | "no" | "nn" => Lang::Nb,
            "fi" => Lang::Fi,
            _ => Lang::En,
        }
    }

    /// The words for `key`, in English when this language lacks them, the key when both do.
    pub fn t(self, key: &str) -> String {
        let c = catalogue();
        [self.code(), "en"]
            .iter()
            .find_map(|l| c.get(*l).and_then(|t| t.get(key)))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// [`Lang::t`] with each `{name}` replaced by its value.
    pub fn fill(self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.t(key);
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word() {
        let c = catalogue();
        let en = c.get("en").expect("the catalogue parses and has English");
        for lang in [Lang::Sv, Lang::Da, Lang::Nb, Lang::Fi] {
            let words = c.get(lang.code()).expect("a table per language");
            let missing: Vec<&String> = en.keys().filter(|k| !words.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{}: {missing:?}", lang.code());
            let extra: Vec<&String> = words.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{}: {extra:?}", lang.code());
        }
        assert_eq!(Lang::of_locale("sv_SE.UTF-8"), Lang::Sv);
        assert_eq!(Lang::of_locale("nn_NO"), Lang::Nb);
        assert_eq!(Lang::of_locale("C"), Lang::En);
        assert_eq!(
            Lang::Da.fill("title", &[("prefix", "/srv")]),
            "Personoplysninger i /srv"
        );
    }
}
