//! Property tests: valid numbers of every kind, generated from a random birth date and serial
//! with the check digit computed here, are found in every written form their kind allows; and
//! after any single-digit change, what the detector accepts equals what an independent
//! reference reading of `docs/identifiers.md` (below) accepts.

use std::sync::OnceLock;

use datavakt_detect::{Date, Detector, Kind, Strength, Variant};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 22,
};
const IN_2033: Date = Date {
    year: 2033,
    month: 3,
    day: 1,
};

fn detector(t: Date) -> &'static Detector {
    static NOW: OnceLock<Detector> = OnceLock::new();
    static LATER: OnceLock<Detector> = OnceLock::new();
    match t {
        TODAY => NOW.get_or_init(|| Detector::new(TODAY)),
        IN_2033 => LATER.get_or_init(|| Detector::new(IN_2033)),
        _ => unreachable!(),
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Reference model, written from the spec without looking at the crate's code paths.

/// What a valid number is: variant, strength, birth date.
type Reading = (Variant, Strength, Date);

fn is_leap(y: u16) -> bool {
    // Remainders named: `is_multiple_of` needs Rust 1.87, the workspace says 1.80.
    let (r4, r100, r400) = (y % 4, y % 100, y % 400);
    r400 == 0 || (r4 == 0 && r100 != 0)
}

fn month_len(y: u16, m: u8) -> u8 {
    let feb = if is_leap(y) { 29 } else { 28 };
    [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][usize::from(m) - 1]
}

/// A birth date: exists, and not after today.
fn ref_birth(y: u16, m: u8, d: u8, today: Date) -> Option<Date> {
    if !(1..=12).contains(&m) || d == 0 || d > month_len(y, m) {
        return None;
    }
    if (y, m, d) > (today.year, today.month, today.day) {
        return None;
    }
    Some(Date {
        year: y,
        month: m,
        day: d,
    })
}

fn two(a: u8, b: u8) -> u8 {
    10 * a + b
}

/// Σ digit × weight.
fn dot(d: &[u8], w: &[u32]) -> u32 {
    assert_eq!(d.len(), w.len());
    d.iter().zip(w).map(|(&x, &w)| u32::from(x) * w).sum()
}

/// cpr.dk: the century from digit 7 and YY.
fn dk_century(s7: u8, yy: u8) -> u16 {
    let col = if yy <= 36 {
        0
    } else if yy <= 57 {
        1
    } else {
        2
    };
    let row = match s7 {
        0..=3 => [1900, 1900, 1900],
        4 | 9 => [2000, 1900, 1900],
        _ => [2000, 2000, 1800],
    };
    row[col]
}

const CPR_WITHOUT_MOD11: [u16; 26] = [
    1960, 1962, 1964, 1965, 1966, 1967, 1969, 1970, 1974, 1975, 1978, 1980, 1981, 1982, 1983, 1984,
    1985, 1986, 1987, 1988, 1989, 1990, 1991, 1992, 1994, 1995,
];

fn ref_dk(d: &[u8], today: Date) -> Option<Reading> {
    let (dd, mm, yy) = (two(d[0], d[1]), two(d[2], d[3]), two(d[4], d[5]));
    let substitute = (61..=91).contains(&dd);
    let day = if substitute { dd - 60 } else { dd };
    let birth = ref_birth(dk_century(d[6], yy) + u16::from(yy), mm, day, today)?;
    let remainder = dot(d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11;
    let mod11 = remainder == 0;
    Some(match (mod11, substitute) {
        (true, true) => (Variant::DkSubstitute, Strength::Checksum, birth),
        (true, false) => (Variant::Ordinary, Strength::Checksum, birth),
        (false, false)
            if (birth.month, birth.day) == (1, 1) && CPR_WITHOUT_MOD11.contains(&birth.year) =>
        {
            (Variant::DkWithoutModulus11, Strength::DateOnly, birth)
        }
        (false, _) => (Variant::DkFailsModulus11, Strength::Doubtful, birth),
    })
}

/// How a Swedish number gives its century.
#[derive(Clone, Copy)]
enum SeCentury {
    Explicit(u16),
    /// 10 digits with '-' or nothing: the latest year that is not in the future.
    Recent,
    /// 10 digits with '+': written from the year the person turns 100.
    Centenarian,
}

/// Luhn verification of all ten digits YYMMDDNNNC (doubling every second digit from the
/// right, starting with the one before the check digit).
fn luhn_ok(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let p = 2 * x;
                if p > 9 {
                    p - 9
                } else {
                    p
                }
            } else {
                x
            }
        })
        .sum();
    let last = sum % 10;
    last == 0
}

fn ref_se(d: &[u8], century: SeCentury, today: Date) -> Option<Reading> {
    let (yy, mm, dd) = (two(d[0], d[1]), two(d[2], d[3]), two(d[4], d[5]));
    if mm >= 20 {
        return None; // organisationsnummer
    }
    let coordination = dd > 60;
    let day = if coordination { dd - 60 } else { dd };
    if d[6..9] == [0, 0, 0] || !luhn_ok(d) {
        return None;
    }
    let ends_in_yy = |y: &u16| *y % 100 == u16::from(yy);
    let year = match century {
        SeCentury::Explicit(c) if (18..=20).contains(&c) => c * 100 + u16::from(yy),
        SeCentury::Explicit(_) => return None,
        SeCentury::Recent => (0..200)
            .map(|k| today.year - k)
            .filter(ends_in_yy)
            .find(|&y| (y, mm, day) <= (today.year, today.month, today.day))?,
        SeCentury::Centenarian => (100..300).map(|k| today.year - k).find(ends_in_yy)?,
    };
    let birth = ref_birth(year, mm, day, today)?;
    let variant = if coordination {
        Variant::SeCoordination
    } else {
        Variant::Ordinary
    };
    Some((variant, Strength::Checksum, birth))
}

/// ehelse.no: the century from the individual number and YY.
fn no_century(iii: u16, yy: u8) -> Option<u16> {
    if iii <= 499 {
        Some(1900)
    } else if iii <= 749 && yy >= 54 {
        Some(1800)
    } else if yy <= 39 {
        Some(2000)
    } else if iii >= 900 {
        Some(1900)
    } else {
        None
    }
}

fn ref_no(d: &[u8], today: Date) -> Option<Reading> {
    let (dd, mm, yy) = (two(d[0], d[1]), two(d[2], d[3]), two(d[4], d[5]));
    let iii = u16::from(d[6]) * 100 + u16::from(two(d[7], d[8]));
    let (mut variant, mut strength) = (Variant::Ordinary, Strength::Checksum);
    let mut day = dd;
    if (41..=71).contains(&dd) {
        day -= 40;
        variant = Variant::NoDNumber;
    }
    let mut month = mm;
    if (41..=52).contains(&mm) {
        month -= 40;
        variant = Variant::NoHNumber;
    } else if (81..=92).contains(&mm) {
        month -= 80;
        (variant, strength) = (Variant::NoTestNumber, Strength::Doubtful);
    }
    let birth = ref_birth(no_century(iii, yy)? + u16::from(yy), month, day, today)?;
    // Verification form: the weighted sums including the check digit (weight 1).
    let r1 = dot(&d[..10], &[3, 7, 6, 1, 8, 9, 4, 5, 2, 1]) % 11;
    let r2 = dot(d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11;
    if r2 != 0 {
        return None;
    }
    match r1 {
        0 => {}
        1..=3 if today.year >= 2032 => {}
        1..=3 => (variant, strength) = (Variant::No2032Rule, Strength::Doubtful),
        _ => return None,
    }
    Some((variant, strength, birth))
}

fn ref_fi(d9: &[u8], sign: u8, check: u8, today: Date) -> Option<Reading> {
    let century = match sign {
        b'+' => 1800,
        b'-' | b'U' | b'V' | b'W' | b'X' | b'Y' => 1900,
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
        _ => return None,
    };
    let zzz = u16::from(d9[6]) * 100 + u16::from(two(d9[7], d9[8]));
    let variant = match zzz {
        0 | 1 => return None,
        900.. => Variant::FiTemporary,
        _ => Variant::Ordinary,
    };
    let n: u64 = d9.iter().fold(0, |n, &x| n * 10 + u64::from(x));
    if "0123456789ABCDEFHJKLMNPRSTUVWXY".as_bytes()[(n % 31) as usize] != check {
        return None;
    }
    let (dd, mm, yy) = (two(d9[0], d9[1]), two(d9[2], d9[3]), two(d9[4], d9[5]));
    let birth = ref_birth(century + u16::from(yy), mm, dd, today)?;
    Some((variant, Strength::Checksum, birth))
}

fn ref_is(d: &[u8], today: Date) -> Option<Reading> {
    // Organisations (day + 40) have no valid day here, so need no rule of their own.
    let (dd, mm, yy) = (two(d[0], d[1]), two(d[2], d[3]), two(d[4], d[5]));
    if two(d[6], d[7]) < 20 {
        return None;
    }
    let century = match d[9] {
        8 => 1800,
        9 => 1900,
        0 => 2000,
        _ => return None,
    };
    let remainder = dot(&d[..9], &[3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11;
    if remainder != 0 {
        return None;
    }
    let birth = ref_birth(century + u16::from(yy), mm, dd, today)?;
    Some((Variant::Ordinary, Strength::Checksum, birth))
}

// ---------------------------------------------------------------------------------------------
// Written forms

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    None,
    Hyphen,
    Plus,
    Space,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `DDMMYY?NNNN`.
    Ten(Sep),
    /// `DDMMYY?IIIKK`.
    Eleven,
    /// `YYYYMMDD?NNNC`.
    Twelve,
    /// Finnish with a letter as sign or check; `sign` as it counts ('-' for any dash).
    Fi { sign: u8 },
}

/// One written number: its bytes and how it is to be read.
#[derive(Clone, Debug)]
struct Written {
    bytes: Vec<u8>,
    shape: Shape,
}

impl Written {
    fn new(s: &str, shape: Shape) -> Written {
        Written {
            bytes: s.as_bytes().to_vec(),
            shape,
        }
    }

    fn digits(&self) -> Vec<u8> {
        self.bytes
            .iter()
            .filter(|b| b.is_ascii_digit())
            .map(|b| b - b'0')
            .collect()
    }

    fn show(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// The separators written between the date and the rest, with how each counts.
const SEPARATORS: &[(&str, Sep)] = &[
    ("-", Sep::Hyphen),
    ("", Sep::None),
    (" ", Sep::Space),
    ("\u{2013}", Sep::Hyphen),
    ("\u{2010}", Sep::Hyphen),
    ("\u{2011}", Sep::Hyphen),
    ("\u{2212}", Sep::Hyphen),
    ("\u{a0}", Sep::Space),
];

/// What the reference says `w` is as `kind`: `None` when the spec says nothing about that
/// kind in that form (a Swedish number written with a space), else the reading or its absence.
fn expect(w: &Written, kind: Kind, today: Date) -> Option<Option<Reading>> {
    let d = w.digits();
    Some(match (w.shape, kind) {
        (Shape::Ten(Sep::Plus), Kind::DkCpr | Kind::IsKennitala) => None,
        (Shape::Ten(_), Kind::DkCpr) => ref_dk(&d, today),
        (Shape::Ten(_), Kind::IsKennitala) => ref_is(&d, today),
        (Shape::Ten(Sep::Space), Kind::SePersonnummer) => return None,
        (Shape::Ten(Sep::Plus), Kind::SePersonnummer) => ref_se(&d, SeCentury::Centenarian, today),
        (Shape::Ten(_), Kind::SePersonnummer) => ref_se(&d, SeCentury::Recent, today),
        (Shape::Ten(Sep::Hyphen), Kind::FiHetu) => ref_fi(&d[..9], b'-', b'0' + d[9], today),
        (Shape::Ten(Sep::Plus), Kind::FiHetu) => ref_fi(&d[..9], b'+', b'0' + d[9], today),
        (Shape::Eleven, Kind::NoFodselsnummer) => ref_no(&d, today),
        (Shape::Twelve, Kind::SePersonnummer) => ref_se(
            &d[2..],
            SeCentury::Explicit(u16::from(two(d[0], d[1]))),
            today,
        ),
        (Shape::Fi { sign }, Kind::FiHetu) => {
            let check = if d.len() == 10 {
                b'0' + d[9]
            } else {
                *w.bytes.last().unwrap()
            };
            ref_fi(&d[..9], sign, check, today)
        }
        // A kind this form cannot be.
        _ => None,
    })
}

/// The detector's interpretations of `w` agree, kind by kind, with the reference.
fn agrees_with_reference(w: &Written, today: Date) -> Result<(), TestCaseError> {
    let got = detector(today).interpretations(&w.bytes);
    for kind in Kind::IDENTITY {
        let Some(want) = expect(w, kind, today) else {
            continue;
        };
        let have: Vec<Reading> = got
            .iter()
            .filter(|v| v.kind == kind)
            .map(|v| (v.variant, v.strength, v.birth))
            .collect();
        prop_assert_eq!(
            have,
            want.into_iter().collect::<Vec<_>>(),
            "{} as {} ({:?}, today {:?})",
            w.show(),
            kind,
            w.shape,
            today
        );
    }
    Ok(())
}

/// `w` with the `pick`-th digit (modulo their number) moved by `delta` (1-9).
fn mutate(w: &Written, pick: usize, delta: u8) -> Written {
    let positions: Vec<usize> = (0..w.bytes.len())
        .filter(|&i| w.bytes[i].is_ascii_digit())
        .collect();
    let i = positions[pick % positions.len()];
    let mut out = w.clone();
    out.bytes[i] = b'0' + (w.bytes[i] - b'0' + delta) % 10;
    out
}

// ---------------------------------------------------------------------------------------------
// Generators

/// A valid number with what it must be read as, in every form its kind allows.
#[derive(Clone, Debug)]
struct Case {
    kind: Kind,
    reading: Reading,
    forms: Vec<Written>,
    /// The canonical form the fingerprint is made of.
    normalized: String,
    /// A label naming this kind alone.
    label: &'static str,
}

fn digits_of(n: u32, width: usize) -> Vec<u8> {
    format!("{n:0width$}").bytes().map(|b| b - b'0').collect()
}

fn text(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

/// A birth date between 1 January `from` and 31 December `to`, not after `today`.
fn birth_date(from: u16, to: u16, today: Date) -> impl Strategy<Value = Date> {
    (from..=to, 1u8..=12, 0u8..31).prop_filter_map("not after today", move |(y, m, r)| {
        let d = Date {
            year: y,
            month: m,
            day: r % month_len(y, m) + 1,
        };
        (d <= today).then_some(d)
    })
}

/// `DDMMYY` of a date, with `day_add` added to the day and `month_add` to the month.
fn ddmmyy(b: Date, day_add: u8, month_add: u8) -> Vec<u8> {
    let mut v = digits_of(u32::from(b.day + day_add), 2);
    v.extend(digits_of(u32::from(b.month + month_add), 2));
    v.extend(digits_of(u32::from(b.year % 100), 2));
    v
}

fn dk_case() -> impl Strategy<Value = Case> {
    (
        birth_date(1858, 2026, TODAY),
        0usize..10,
        0u32..100,
        any::<bool>(),
    )
        .prop_map(|(b, pick, serial, substitute)| {
            let yy = (b.year % 100) as u8;
            let s7s: Vec<u8> = (0..=9)
                .filter(|&s7| dk_century(s7, yy) + u16::from(yy) == b.year)
                .collect();
            let s7 = s7s[pick % s7s.len()];
            let mut d = ddmmyy(b, if substitute { 60 } else { 0 }, 0);
            d.push(s7);
            // The first serial from `serial` on that admits a modulus-11 check digit.
            let d = (0..100)
                .find_map(|k| {
                    let mut e = d.clone();
                    e.extend(digits_of((serial + k) % 100, 2));
                    let c = (11 - dot(&e, &[4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
                    (c < 10).then(|| {
                        e.push(c as u8);
                        e
                    })
                })
                .unwrap();
            let (head, tail) = (text(&d[..6]), text(&d[6..]));
            let forms = SEPARATORS
                .iter()
                .map(|&(sep, s)| Written::new(&format!("{head}{sep}{tail}"), Shape::Ten(s)))
                .chain([0x96u8, 0xa0].map(|sep| {
                    // Windows-1252 en dash and no-break space.
                    let mut bytes = head.as_bytes().to_vec();
                    bytes.push(sep);
                    bytes.extend(tail.as_bytes());
                    let s = if sep == 0x96 { Sep::Hyphen } else { Sep::Space };
                    Written {
                        bytes,
                        shape: Shape::Ten(s),
                    }
                }))
                .collect();
            let variant = if substitute {
                Variant::DkSubstitute
            } else {
                Variant::Ordinary
            };
            Case {
                kind: Kind::DkCpr,
                reading: (variant, Strength::Checksum, b),
                forms,
                normalized: text(&d),
                label: "CPR-nr.:",
            }
        })
}

/// CPR numbers without modulus 11: 1 January of a listed year, any failing check digit.
fn dk_without_mod11_case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(CPR_WITHOUT_MOD11.to_vec()),
        0u8..4,
        0u32..100,
        1u32..10,
    )
        .prop_map(|(year, s7, serial, off)| {
            let b = Date {
                year,
                month: 1,
                day: 1,
            };
            let mut d = ddmmyy(b, 0, 0);
            d.push(s7);
            d.extend(digits_of(serial, 2));
            let right = (11 - dot(&d, &[4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
            // Any last digit but the one modulus 11 wants (if it wants one at all).
            // (When modulus 11 wants 10, every digit fails it.)
            d.push(((right + off) % 10) as u8);
            let (head, tail) = (text(&d[..6]), text(&d[6..]));
            let forms = SEPARATORS
                .iter()
                .map(|&(sep, s)| Written::new(&format!("{head}{sep}{tail}"), Shape::Ten(s)))
                .collect();
            Case {
                kind: Kind::DkCpr,
                reading: (Variant::DkWithoutModulus11, Strength::DateOnly, b),
                forms,
                normalized: text(&d),
                label: "CPR-nr.:",
            }
        })
}

/// Luhn check digit for the nine digits YYMMDDNNN.
fn luhn_digit(d: &[u8]) -> u8 {
    (0..10)
        .find(|&c| {
            let mut e = d.to_vec();
            e.push(c);
            luhn_ok(&e)
        })
        .unwrap()
}

fn se_case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            birth_date(1850, 2026, TODAY),
            // Around the year people turn 100, where '-' becomes '+'.
            birth_date(TODAY.year - 101, TODAY.year - 99, TODAY),
        ],
        1u32..=999,
        any::<bool>(),
    )
        .prop_map(|(b, nnn, coordination)| {
            let mut d = digits_of(u32::from(b.year % 100), 2);
            d.extend(digits_of(u32::from(b.month), 2));
            d.extend(digits_of(
                u32::from(b.day + if coordination { 60 } else { 0 }),
                2,
            ));
            d.extend(digits_of(nnn, 3));
            d.push(luhn_digit(&d));
            let (head, tail) = (text(&d[..6]), text(&d[6..]));
            let cc = b.year / 100;
            let mut forms = vec![];
            for sep in ["-", "", "\u{2013}"] {
                forms.push(Written::new(
                    &format!("{cc}{head}{sep}{tail}"),
                    Shape::Twelve,
                ));
            }
            if b.year > TODAY.year - 100 {
                for (sep, s) in [
                    ("-", Sep::Hyphen),
                    ("", Sep::None),
                    ("\u{2013}", Sep::Hyphen),
                ] {
                    forms.push(Written::new(&format!("{head}{sep}{tail}"), Shape::Ten(s)));
                }
            } else {
                // From the year they turn 100.
                forms.push(Written::new(
                    &format!("{head}+{tail}"),
                    Shape::Ten(Sep::Plus),
                ));
            }
            let variant = if coordination {
                Variant::SeCoordination
            } else {
                Variant::Ordinary
            };
            Case {
                kind: Kind::SePersonnummer,
                reading: (variant, Strength::Checksum, b),
                forms,
                normalized: format!("{cc}{}", text(&d)),
                label: "pnr",
            }
        })
}

/// The ehelse.no series: (first and last birth year, individual numbers).
const NO_SERIES: [(u16, u16, u32, u32); 4] = [
    (1900, 1999, 0, 499),
    (1854, 1899, 500, 749),
    (2000, 2026, 500, 999),
    (1940, 1999, 900, 999),
];

/// Norwegian digits for a birth date, variant and individual number, with K1 making the
/// K1 sum leave `rem` modulo 11 (0 for the classic rule); `None` if no such K1 and K2.
fn no_digits(b: Date, variant: usize, iii: u32, rem: u32) -> Option<Vec<u8>> {
    let (day_add, month_add) = [(0, 0), (40, 0), (0, 40), (0, 80)][variant];
    let mut d = ddmmyy(b, day_add, month_add);
    d.extend(digits_of(iii, 3));
    let k1 = (rem + 11 - dot(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11) % 11;
    if k1 > 9 {
        return None;
    }
    d.push(k1 as u8);
    let k2 = (11 - dot(&d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
    if k2 > 9 {
        return None;
    }
    d.push(k2 as u8);
    Some(d)
}

const NO_VARIANTS: [(Variant, Strength); 4] = [
    (Variant::Ordinary, Strength::Checksum),
    (Variant::NoDNumber, Strength::Checksum),
    (Variant::NoHNumber, Strength::Checksum),
    (Variant::NoTestNumber, Strength::Doubtful),
];

fn no_forms(d: &[u8]) -> Vec<Written> {
    let (head, tail) = (text(&d[..6]), text(&d[6..]));
    ["", " ", "\u{a0}"]
        .iter()
        .map(|sep| Written::new(&format!("{head}{sep}{tail}"), Shape::Eleven))
        .collect()
}

/// A Norwegian number; `rem` 0 for the classic check, 1-3 for the 2032 rule.
fn no_case_with(rem: impl Strategy<Value = u32>) -> impl Strategy<Value = Case> {
    (0usize..4, 0usize..4, 0u32..1000, rem)
        .prop_flat_map(|(series, variant, start, rem)| {
            let (from, to, lo, hi) = NO_SERIES[series];
            (
                birth_date(from, to, TODAY),
                Just((lo, hi, variant, start, rem)),
            )
        })
        .prop_filter_map("individual number", |(b, (lo, hi, variant, start, rem))| {
            let span = hi - lo + 1;
            let d = (0..span).find_map(|k| no_digits(b, variant, lo + (start + k) % span, rem))?;
            let (v, s) = NO_VARIANTS[variant];
            Some(Case {
                kind: Kind::NoFodselsnummer,
                reading: (v, s, b),
                forms: no_forms(&d),
                normalized: text(&d),
                label: "fødselsnummer:",
            })
        })
}

fn fi_case() -> impl Strategy<Value = Case> {
    (birth_date(1800, 2026, TODAY), 0usize..6, 2u32..=999).prop_map(|(b, pick, zzz)| {
        let signs: &[u8] = match b.year / 100 {
            18 => b"+",
            19 => b"-YXWVU",
            _ => b"ABCDEF",
        };
        let sign = signs[pick % signs.len()];
        let mut d = ddmmyy(b, 0, 0);
        d.extend(digits_of(zzz, 3));
        let n: u64 = d.iter().fold(0, |n, &x| n * 10 + u64::from(x));
        let q = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(n % 31) as usize];
        let (head, tail) = (text(&d[..6]), text(&d[6..]));
        let q_char = char::from(q);
        let shape = |written_sign: u8| match (written_sign, q.is_ascii_digit()) {
            (b'-', true) => Shape::Ten(Sep::Hyphen),
            (b'+', true) => Shape::Ten(Sep::Plus),
            _ => Shape::Fi { sign },
        };
        let mut forms = vec![Written::new(
            &format!("{head}{}{tail}{q_char}", char::from(sign)),
            shape(sign),
        )];
        if sign == b'-' {
            for dash in ["\u{2013}", "\u{2010}", "\u{2011}", "\u{2212}"] {
                forms.push(Written::new(
                    &format!("{head}{dash}{tail}{q_char}"),
                    shape(b'-'),
                ));
            }
        }
        let variant = if zzz >= 900 {
            Variant::FiTemporary
        } else {
            Variant::Ordinary
        };
        Case {
            kind: Kind::FiHetu,
            reading: (variant, Strength::Checksum, b),
            forms,
            normalized: format!("{head}{}{tail}{q_char}", char::from(sign)),
            label: "hetu",
        }
    })
}

fn is_case() -> impl Strategy<Value = Case> {
    (birth_date(1800, 2026, TODAY), 20u32..=99).prop_map(|(b, start)| {
        let m = match b.year / 100 {
            18 => 8,
            19 => 9,
            _ => 0,
        };
        let d = (0..80)
            .find_map(|k| {
                let mut d = ddmmyy(b, 0, 0);
                d.extend(digits_of(20 + (start - 20 + k) % 80, 2));
                let c = (11 - dot(&d, &[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
                (c < 10).then(|| {
                    d.extend([c as u8, m]);
                    d
                })
            })
            .unwrap();
        let (head, tail) = (text(&d[..6]), text(&d[6..]));
        let forms = [
            ("-", Sep::Hyphen),
            ("", Sep::None),
            ("\u{2013}", Sep::Hyphen),
        ]
        .iter()
        .map(|&(sep, s)| Written::new(&format!("{head}{sep}{tail}"), Shape::Ten(s)))
        .collect();
        Case {
            kind: Kind::IsKennitala,
            reading: (Variant::Ordinary, Strength::Checksum, b),
            forms,
            normalized: text(&d),
            label: "kennitala",
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The properties

/// Every form of a valid number is read as its kind with the expected variant; the whole
/// interpretation set agrees with the reference; and with a label naming the kind, `scan`
/// reports it with the expected normalised value.
fn found_in_every_form(case: &Case, today: Date) -> Result<(), TestCaseError> {
    for w in &case.forms {
        let got = detector(today).interpretations(&w.bytes);
        let mine: Vec<Reading> = got
            .iter()
            .filter(|v| v.kind == case.kind)
            .map(|v| (v.variant, v.strength, v.birth))
            .collect();
        prop_assert_eq!(mine, vec![case.reading], "{} as {}", w.show(), case.kind);
        agrees_with_reference(w, today)?;
        let mut text = format!("{} ", case.label).into_bytes();
        text.extend(&w.bytes);
        text.push(b'\n');
        let mut found = vec![];
        detector(today).scan(&text, &mut found);
        prop_assert_eq!(found.len(), 1, "{}", w.show());
        prop_assert_eq!(found[0].kind, case.kind, "{}", w.show());
        prop_assert_eq!(found[0].variant, case.reading.0, "{}", w.show());
        prop_assert_eq!(
            found[0].normalized.expose(),
            case.normalized.as_str(),
            "{}",
            w.show()
        );
    }
    Ok(())
}

/// A single changed digit leaves a number the detector accepts exactly when the reference
/// does.
fn single_digit_change(
    case: &Case,
    form: usize,
    pick: usize,
    delta: u8,
    today: Date,
) -> Result<(), TestCaseError> {
    let w = mutate(&case.forms[form % case.forms.len()], pick, delta);
    agrees_with_reference(&w, today)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dk_found_in_every_form(case in dk_case()) {
        found_in_every_form(&case, TODAY)?;
    }

    #[test]
    fn dk_single_digit_change(case in dk_case(), form: usize, pick: usize, delta in 1u8..10) {
        single_digit_change(&case, form, pick, delta, TODAY)?;
    }

    #[test]
    fn dk_without_modulus_11(case in dk_without_mod11_case(), form: usize, pick: usize, delta in 1u8..10) {
        found_in_every_form(&case, TODAY)?;
        single_digit_change(&case, form, pick, delta, TODAY)?;
    }

    #[test]
    fn se_found_in_every_form(case in se_case()) {
        found_in_every_form(&case, TODAY)?;
    }

    #[test]
    fn se_single_digit_change(case in se_case(), form: usize, pick: usize, delta in 1u8..10) {
        single_digit_change(&case, form, pick, delta, TODAY)?;
    }

    #[test]
    fn no_found_in_every_form(case in no_case_with(Just(0))) {
        found_in_every_form(&case, TODAY)?;
        // The classic numbers stay as they are after 2032.
        found_in_every_form(&case, IN_2033)?;
    }

    #[test]
    fn no_single_digit_change(case in no_case_with(Just(0)), form: usize, pick: usize, delta in 1u8..10) {
        single_digit_change(&case, form, pick, delta, TODAY)?;
        single_digit_change(&case, form, pick, delta, IN_2033)?;
    }

    #[test]
    fn no_2032_rule(case in no_case_with(1u32..=3), form: usize, pick: usize, delta in 1u8..10) {
        // In 2033 the number is what its digits say...
        found_in_every_form(&case, IN_2033)?;
        // ... before 2032 it cannot have been issued.
        let before = Case {
            reading: (Variant::No2032Rule, Strength::Doubtful, case.reading.2),
            ..case.clone()
        };
        found_in_every_form(&before, TODAY)?;
        single_digit_change(&case, form, pick, delta, TODAY)?;
        single_digit_change(&case, form, pick, delta, IN_2033)?;
    }

    #[test]
    fn fi_found_in_every_form(case in fi_case()) {
        found_in_every_form(&case, TODAY)?;
    }

    #[test]
    fn fi_single_digit_change(case in fi_case(), form: usize, pick: usize, delta in 1u8..10) {
        single_digit_change(&case, form, pick, delta, TODAY)?;
    }

    #[test]
    fn is_found_in_every_form(case in is_case()) {
        found_in_every_form(&case, TODAY)?;
    }

    #[test]
    fn is_single_digit_change(case in is_case(), form: usize, pick: usize, delta in 1u8..10) {
        single_digit_change(&case, form, pick, delta, TODAY)?;
    }
}
