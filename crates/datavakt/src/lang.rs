//! The report's language: `--lang`, else the language of `LC_ALL`, `LC_MESSAGES` or `LANG`,
//! else English; its words come from the catalogue (`model::words`).

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

    /// The words for `key` (`model::words::t`).
    pub fn t(self, key: &str) -> String {
        model::words::t(self.code(), key)
    }

    /// The words for `key` with each `{name}` replaced by its value (`model::words::fill`).
    pub fn fill(self, key: &str, values: &[(&str, &str)]) -> String {
        model::words::fill(self.code(), key, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_names_its_language_and_every_language_is_in_the_catalogue() {
        assert_eq!(Lang::of_locale("sv_SE.UTF-8"), Lang::Sv);
        assert_eq!(Lang::of_locale("nn_NO"), Lang::Nb);
        assert_eq!(Lang::of_locale("C"), Lang::En);
        // Every language has a table of its own (not English in its place).
        for l in &Lang::value_variants()[1..] {
            assert_ne!(l.t("title"), Lang::En.t("title"), "{}", l.code());
        }
        assert_eq!(Lang::Da.t("handle_first"), "Håndter først");
    }
}
