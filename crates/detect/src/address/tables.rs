//! The per-country tables of the address finder, read from `data/address.tab` once, at the
//! first address search: street endings and prefixes, labels, post-office boxes, words that
//! are not towns, Danish districts, country prefixes and postcode shapes.

use std::sync::OnceLock;

use super::{DK, FI, IS, NO, SE, WORD_MAX};

/// The built-in tables.
const DATA: &str = include_str!("../../data/address.tab");

/// A word of the tables as the finder compares it: its characters, lower case.
pub(super) type Chars = Box<[char]>;

/// A street word's ending.
pub(super) struct Ending {
    pub chars: Chars,
    /// The countries whose streets end so.
    pub countries: u8,
    /// Also a word of its own after a name ("Karl Johans gate").
    pub alone: bool,
}

/// A postcode shape for runs of a given number of digits.
pub(super) struct Shape {
    /// Digits after a blank that follow the run ("114 55": 2); 0 for none.
    pub extra: usize,
    /// Lowest and highest value of the run's digits.
    pub low: u32,
    pub high: u32,
    pub countries: u8,
}

/// Every table of the address finder.
pub(super) struct Tables {
    pub endings: Vec<Ending>,
    pub prefixes: Vec<Chars>,
    /// Label endings, ASCII lower case, in the order they are tried.
    pub labels: Vec<(Box<[u8]>, u8)>,
    pub boxes: Vec<Chars>,
    pub not_towns: Vec<Chars>,
    pub districts: Vec<Chars>,
    /// Upper-case letters before the hyphen of a postcode, and their countries.
    pub country_prefixes: Vec<(Box<[u8]>, u8)>,
    /// Per number of digits in the run (index), its shapes in order.
    pub postcodes: [Vec<Shape>; 6],
}

/// A line of the tables that could not be read.
#[derive(Debug)]
pub(super) struct TablesError {
    /// 1-based; 0 for a mistake of the whole file (a missing section).
    pub line: usize,
    pub reason: String,
}

/// The built-in tables, read at the first call.
pub(super) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The built-in tables are tested; failing here is a programming error.
        Tables::parse(DATA)
            .unwrap_or_else(|e| panic!("address tables line {}: {}", e.line, e.reason))
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Endings,
    Prefixes,
    Labels,
    Boxes,
    NotTowns,
    Districts,
    CountryPrefixes,
    Postcodes,
}

const SECTIONS: [(&str, Section); 8] = [
    ("street endings", Section::Endings),
    ("street prefixes", Section::Prefixes),
    ("labels", Section::Labels),
    ("boxes", Section::Boxes),
    ("not towns", Section::NotTowns),
    ("districts", Section::Districts),
    ("country prefixes", Section::CountryPrefixes),
    ("postcodes", Section::Postcodes),
];

/// A country code of the tables as its bit.
fn country(code: &str) -> Option<u8> {
    match code {
        "se" => Some(SE),
        "dk" => Some(DK),
        "no" => Some(NO),
        "fi" => Some(FI),
        "is" => Some(IS),
        _ => None,
    }
}

/// A word as written in the tables: lower-case letters (hyphens between them), at most
/// as many as the finder reads in a word.
fn word(w: &str) -> Result<Chars, String> {
    let chars: Chars = w.chars().collect();
    let letters = chars.iter().all(|&c| c.is_alphabetic() || c == '-');
    if !letters || chars.first() == Some(&'-') || w.to_lowercase() != w {
        return Err(format!("`{w}` is not a word in lower case"));
    }
    if chars.len() > WORD_MAX {
        return Err(format!("`{w}` is longer than {WORD_MAX} letters"));
    }
    Ok(chars)
}

/// The countries named by `codes` (at least one); `alone` is accepted where `alone_ok`.
fn countries<'a>(
    codes: impl Iterator<Item = &'a str>,
    alone_ok: bool,
) -> Result<(u8, bool), String> {
    let (mut set, mut alone) = (0u8, false);
    for c in codes {
        if c == "alone" && alone_ok {
            alone = true;
        } else {
            set |= country(c).ok_or_else(|| format!("unknown country `{c}`"))?;
        }
    }
    if set == 0 {
        return Err("no country given".into());
    }
    Ok((set, alone))
}

/// A number of the `[postcodes]` section.
fn number(s: &str) -> Result<u32, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a number of up to five digits"))
        .and_then(|n| {
            (n <= 99_999)
                .then_some(n)
                .ok_or_else(|| format!("`{s}` has more than five digits"))
        })
}

impl Tables {
    /// Reads tables written as `data/address.tab` is; every section must be there.
    pub(super) fn parse(text: &str) -> Result<Tables, TablesError> {
        let mut t = Tables {
            endings: vec![],
            prefixes: vec![],
            labels: vec![],
            boxes: vec![],
            not_towns: vec![],
            districts: vec![],
            country_prefixes: vec![],
            postcodes: Default::default(),
        };
        let mut seen: Vec<Section> = vec![];
        let mut section: Option<Section> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            let err = |reason: String| TablesError {
                line: n + 1,
                reason,
            };
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let s = SECTIONS
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|&(_, s)| s)
                    .ok_or_else(|| err(format!("unknown section [{name}]")))?;
                if seen.contains(&s) {
                    return Err(err(format!("section [{name}] twice")));
                }
                seen.push(s);
                section = Some(s);
                continue;
            }
            let s = section.ok_or_else(|| err("a line before any [section]".into()))?;
            let mut fields = line.split_whitespace();
            let first = fields.next().unwrap_or_default();
            match s {
                Section::Endings => {
                    let chars = word(first).map_err(err)?;
                    let (countries, alone) = countries(fields, true).map_err(err)?;
                    if t.endings.iter().any(|e| e.chars == chars) {
                        return Err(err(format!("ending `{first}` twice")));
                    }
                    t.endings.push(Ending {
                        chars,
                        countries,
                        alone,
                    });
                }
                Section::Labels => {
                    if !first.bytes().all(|b| b.is_ascii_lowercase()) {
                        return Err(err(format!("label `{first}` is not ASCII lower case")));
                    }
                    let (countries, _) = countries(fields, false).map_err(err)?;
                    t.labels.push((first.as_bytes().into(), countries));
                }
                Section::CountryPrefixes => {
                    // The finder reads up to three capitals before the hyphen.
                    if !(1..=3).contains(&first.len())
                        || !first.bytes().all(|b| b.is_ascii_uppercase())
                    {
                        return Err(err(format!(
                            "country prefix `{first}` is not 1 to 3 capitals A-Z"
                        )));
                    }
                    let (countries, _) = countries(fields, false).map_err(err)?;
                    t.country_prefixes
                        .push((first.as_bytes().into(), countries));
                }
                Section::Postcodes => {
                    let (digits, extra) = first.split_once('+').unwrap_or((first, "0"));
                    let shape_err = || err(format!("bad postcode shape `{first}`"));
                    let digits: usize = digits.parse().map_err(|_| shape_err())?;
                    let extra: usize = extra.parse().map_err(|_| shape_err())?;
                    // Runs of three to five digits are read; five digits at most in all.
                    if !(3..=5).contains(&digits) || digits + extra > 5 || first.ends_with("+0") {
                        return Err(shape_err());
                    }
                    let low = number(fields.next().unwrap_or_default()).map_err(err)?;
                    let high = number(fields.next().unwrap_or_default()).map_err(err)?;
                    if low > high || high >= 10u32.pow(digits as u32) {
                        return Err(err(format!(
                            "{low} to {high} is no range of {digits}-digit values"
                        )));
                    }
                    let (countries, _) = countries(fields, false).map_err(err)?;
                    t.postcodes[digits].push(Shape {
                        extra,
                        low,
                        high,
                        countries,
                    });
                }
                Section::Prefixes | Section::Boxes | Section::NotTowns | Section::Districts => {
                    let list = match s {
                        Section::Prefixes => &mut t.prefixes,
                        Section::Boxes => &mut t.boxes,
                        Section::NotTowns => &mut t.not_towns,
                        _ => &mut t.districts,
                    };
                    for w in std::iter::once(first).chain(fields) {
                        let chars = word(w).map_err(err)?;
                        if list.contains(&chars) {
                            return Err(err(format!("`{w}` twice")));
                        }
                        list.push(chars);
                    }
                }
            }
        }
        if let Some((name, _)) = SECTIONS.iter().find(|(_, s)| !seen.contains(s)) {
            return Err(TablesError {
                line: 0,
                reason: format!("section [{name}] is missing"),
            });
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(text: &str, line: usize, needle: &str) {
        match Tables::parse(text) {
            Ok(_) => panic!("parsed:\n{text}"),
            Err(e) => {
                assert_eq!(e.line, line, "{}", e.reason);
                assert!(e.reason.contains(needle), "{}", e.reason);
            }
        }
    }

    #[test]
    fn the_builtin_tables_parse() {
        let t = Tables::parse(DATA).unwrap_or_else(|e| panic!("line {}: {}", e.line, e.reason));
        assert!(t.endings.len() > 70, "{} endings", t.endings.len());
        let gata = t
            .endings
            .iter()
            .find(|e| e.chars[..] == ['g', 'a', 't', 'a']);
        assert!(gata.is_some_and(|e| e.countries == SE | NO | IS && e.alone));
        assert_eq!(t.labels[0].0[..], b"gateadresse"[..]);
        assert!(t
            .boxes
            .iter()
            .any(|w| w[..] == ['p', 'ó', 's', 't', 'h', 'ó', 'l', 'f']));
        assert!(t.country_prefixes.contains(&(b"FIN"[..].into(), FI)));
        assert_eq!(t.postcodes[3][0].extra, 2);
        assert!(t.postcodes.iter().map(Vec::len).sum::<usize>() >= 6);
        assert!(!t.prefixes.is_empty() && !t.not_towns.is_empty() && !t.districts.is_empty());
        assert!(std::ptr::eq(tables(), tables()));
    }

    #[test]
    fn malformed_tables_fail_at_their_line() {
        // (a line of the built-in tables, what it becomes, the error's words)
        let mistakes = [
            ("gatan       se", "gatan       sv", "unknown country `sv`"),
            ("gatan       se", "gatan", "no country"),
            ("gatan       se", "Gatan       se", "lower case"),
            ("gränden     se", "gatan       se", "twice"),
            (
                "osoite        fi",
                "osoite   fi alone",
                "unknown country `alone`",
            ),
            ("FIN  fi", "FINL fi", "1 to 3 capitals"),
            ("3    101    902    is", "3    101    1902   is", "no range"),
            (
                "3+2  100    999    se",
                "3+3  100    999    se",
                "bad postcode shape",
            ),
            ("[boxes]", "[box]", "unknown section [box]"),
        ];
        for (old, new, needle) in mistakes {
            let line = DATA.lines().position(|l| l == old).map(|i| i + 1);
            let line = line.unwrap_or_else(|| panic!("no line `{old}`"));
            let text = DATA.replacen(&format!("\n{old}\n"), &format!("\n{new}\n"), 1);
            fails(&text, line, needle);
        }
        fails(
            "[street endings]\ngatan se\n",
            0,
            "[street prefixes] is missing",
        );
        fails("gatan se\n", 1, "before any [section]");
    }
}
