//! Unit tests for the validators, one group per kind, following every rule of
//! `docs/identifiers.md`. Numbers are built by the small generators below (check digits
//! computed here, independently of the crate), except the examples the issuing authorities
//! publish, which are quoted with their source.
//!
//! "Today" is fixed at 22 November 2026 unless a test says otherwise.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::{Mutex, OnceLock};

use datavakt_detect::validate::{self, SeCentury, Valid};
use datavakt_detect::{Date, Detector, Kind, Strength, Variant};

// ---------------------------------------------------------------------------------------------
// Helpers

fn date(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is no date"))
}

fn today() -> Date {
    date(2026, 11, 22)
}

/// One detector per `today`, built once (building the label automaton is not free).
fn detector(t: Date) -> &'static Detector {
    static DETECTORS: OnceLock<Mutex<HashMap<Date, &'static Detector>>> = OnceLock::new();
    let mut map = DETECTORS.get_or_init(Default::default).lock().unwrap();
    map.entry(t)
        .or_insert_with(|| Box::leak(Box::new(Detector::new(t))))
}

/// The digit values of the ASCII digits in `s`.
fn ds(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

fn arr<const N: usize>(s: &str) -> [u8; N] {
    ds(s)
        .try_into()
        .unwrap_or_else(|v: Vec<u8>| panic!("{s}: {} digits, not {N}", v.len()))
}

fn text(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

/// The interpretation of `written` as `kind` with `t` as today, if there is one.
#[track_caller]
fn get_at(t: Date, written: &str, kind: Kind) -> Option<Valid> {
    get_bytes_at(t, written.as_bytes(), kind)
}

#[track_caller]
fn get_bytes_at(t: Date, written: &[u8], kind: Kind) -> Option<Valid> {
    let found: Vec<Valid> = detector(t)
        .interpretations(written)
        .into_iter()
        .filter(|v| v.kind == kind)
        .collect();
    assert!(
        found.len() <= 1,
        "{}: {kind} more than once: {found:?}",
        String::from_utf8_lossy(written)
    );
    found.first().copied()
}

#[track_caller]
fn get(written: &str, kind: Kind) -> Option<Valid> {
    get_at(today(), written, kind)
}

/// `written` is valid as `kind` with this variant, strength and birth date, `t` being today.
#[track_caller]
fn valid_at(
    t: Date,
    written: &str,
    kind: Kind,
    variant: Variant,
    strength: Strength,
    birth: (u16, u8, u8),
) {
    let v = get_at(t, written, kind)
        .unwrap_or_else(|| panic!("{written} should be a valid {kind} (today {t:?})"));
    assert_eq!(
        (v.variant, v.strength, v.birth),
        (variant, strength, date(birth.0, birth.1, birth.2)),
        "{written} as {kind} (today {t:?})"
    );
}

/// `written` is valid as `kind`, checksum-strong, today.
#[track_caller]
fn valid(written: &str, kind: Kind, variant: Variant, birth: (u16, u8, u8)) {
    valid_at(today(), written, kind, variant, Strength::Checksum, birth);
}

#[track_caller]
fn invalid_at(t: Date, written: &str, kind: Kind) {
    if let Some(v) = get_at(t, written, kind) {
        panic!("{written} should not be a {kind} (today {t:?}), got {v:?}");
    }
}

#[track_caller]
fn invalid(written: &str, kind: Kind) {
    invalid_at(today(), written, kind);
}

/// `written` with the digit at byte `i` replaced by `f(old digit)`.
fn with_digit(written: &str, i: usize, f: impl Fn(u8) -> u8) -> String {
    let mut b = written.as_bytes().to_vec();
    assert!(b[i].is_ascii_digit(), "{written}[{i}] is not a digit");
    b[i] = b'0' + f(b[i] - b'0');
    String::from_utf8(b).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Generators: valid numbers computed from the rules, not taken from the crate.

/// CPR modulus-11 check digit over digits 1-9 (weights 4,3,2,7,6,5,4,3,2); `None` when the
/// weighted sum leaves no digit that makes the total divisible by 11.
fn cpr_check(first9: &[u8]) -> Option<u8> {
    let s: u32 = first9
        .iter()
        .zip([4, 3, 2, 7, 6, 5, 4, 3, 2])
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match (11 - s % 11) % 11 {
        10 => None,
        c => Some(c as u8),
    }
}

/// A CPR number `DDMMYY-SSSS` that passes modulus 11, with `s7` as digit 7.
fn cpr(ddmmyy: &str, s7: u8) -> String {
    for s in 0..100u8 {
        let mut d = ds(ddmmyy);
        d.extend([s7, s / 10, s % 10]);
        if let Some(c) = cpr_check(&d) {
            d.push(c);
            return format!("{}-{}", text(&d[..6]), text(&d[6..]));
        }
    }
    unreachable!("no serial for {ddmmyy}")
}

/// A CPR number like [`cpr`] but failing modulus 11 (last digit moved by one).
fn cpr_failing(ddmmyy: &str, s7: u8) -> String {
    with_digit(&cpr(ddmmyy, s7), 10, |c| (c + 1) % 10)
}

/// Luhn check digit over the nine digits YYMMDDNNN (weights 2,1,2,1,...; digit sums).
fn luhn(d: &[u8]) -> u8 {
    let s: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let p = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    ((10 - s % 10) % 10) as u8
}

/// A Swedish number `YYMMDD{sep}NNNC` with a correct check digit.
fn pnr(yymmdd: &str, nnn: u16, sep: &str) -> String {
    let mut d = ds(yymmdd);
    d.extend(ds(&format!("{nnn:03}")));
    format!("{yymmdd}{sep}{nnn:03}{}", luhn(&d))
}

/// Norwegian K1 over digits 1-9 and K2 over digits 1-10; `None` for a result of 10.
fn fnr_k1(d9: &[u8]) -> Option<u8> {
    mod11_check(d9, &[3, 7, 6, 1, 8, 9, 4, 5, 2])
}

fn fnr_k2(d10: &[u8]) -> Option<u8> {
    mod11_check(d10, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
}

fn mod11_check(d: &[u8], w: &[u32]) -> Option<u8> {
    let s: u32 = d.iter().zip(w).map(|(&x, &w)| u32::from(x) * w).sum();
    match 11 - s % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c as u8),
    }
}

/// The Norwegian weighted sum of digits 1-9 for K1, modulo 11.
fn fnr_s1(d9: &[u8]) -> u32 {
    d9.iter()
        .zip([3, 7, 6, 1, 8, 9, 4, 5, 2])
        .map(|(&x, w)| u32::from(x) * w)
        .sum::<u32>()
        % 11
}

/// A fødselsnummer `DDMMYYIIIKK` (classic checks) with the first individual number in `iii`
/// that admits both check digits.
fn fnr(ddmmyy: &str, iii: RangeInclusive<u16>) -> String {
    for i in iii {
        let mut d = ds(ddmmyy);
        d.extend(ds(&format!("{i:03}")));
        let Some(k1) = fnr_k1(&d) else { continue };
        d.push(k1);
        let Some(k2) = fnr_k2(&d) else { continue };
        d.push(k2);
        return text(&d);
    }
    panic!("no individual number for {ddmmyy}")
}

/// A fødselsnummer with exactly individual number `iii` and year `yy`: the date (day 1-28)
/// is searched so that both check digits exist.
fn fnr_with_iii(yy: u16, iii: u16) -> String {
    for month in 1..=12u8 {
        for day in 1..=28u8 {
            let prefix = format!("{day:02}{month:02}{yy:02}");
            let mut d = ds(&prefix);
            d.extend(ds(&format!("{iii:03}")));
            let Some(k1) = fnr_k1(&d) else { continue };
            d.push(k1);
            let Some(k2) = fnr_k2(&d) else { continue };
            d.push(k2);
            return text(&d);
        }
    }
    unreachable!()
}

/// A number valid only under the check-digit rule of 2032: K1 makes the weighted sum plus K1
/// leave `rem` (1, 2 or 3) modulo 11; K2 as always.
fn fnr_2032(ddmmyy: &str, iii: RangeInclusive<u16>, rem: u32) -> String {
    for i in iii {
        let mut d = ds(ddmmyy);
        d.extend(ds(&format!("{i:03}")));
        let k1 = (rem + 11 - fnr_s1(&d)) % 11;
        if k1 > 9 {
            continue;
        }
        d.push(k1 as u8);
        let Some(k2) = fnr_k2(&d) else { continue };
        d.push(k2);
        return text(&d);
    }
    panic!("no 2032-rule number for {ddmmyy}")
}

/// The DVV table of check characters, indexed by the remainder modulo 31.
const HETU_TABLE: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// A henkilötunnus `DDMMYY{sign}ZZZQ`.
fn hetu(ddmmyy: &str, sign: char, zzz: u16) -> String {
    let n: u64 = format!("{ddmmyy}{zzz:03}").parse().unwrap();
    let q = char::from(HETU_TABLE[(n % 31) as usize]);
    format!("{ddmmyy}{sign}{zzz:03}{q}")
}

/// Kennitala check digit over the first eight digits; `None` when it would be 10.
fn kt_check(d8: &[u8]) -> Option<u8> {
    mod11_check(d8, &[3, 2, 7, 6, 5, 4, 3, 2])
}

/// A kennitala `DDMMYY-RRCM`, if RR admits a check digit.
fn kt(ddmmyy: &str, rr: u8, m: u8) -> Option<String> {
    let mut d = ds(ddmmyy);
    d.extend([rr / 10, rr % 10]);
    let c = kt_check(&d)?;
    Some(format!("{ddmmyy}-{rr:02}{c}{m}"))
}

/// A kennitala with the first RR from 20 that admits a check digit.
fn kt_any(ddmmyy: &str, m: u8) -> String {
    (20..=99)
        .find_map(|rr| kt(ddmmyy, rr, m))
        .expect("some RR works")
}

/// The interpretation of a written number as seen through `scan` with a label, to read the
/// normalised value the fingerprint is made of.
fn normalized(label: &str, written: &str, kind: Kind) -> String {
    let mut found = vec![];
    detector(today()).scan(format!("{label} {written}\n").as_bytes(), &mut found);
    let f = found
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("{label} {written}: no {kind} finding"));
    f.normalized.expose().to_string()
}

// ---------------------------------------------------------------------------------------------
// The generators agree with the crate's helpers and with the authorities' worked examples.

#[test]
fn generators_agree_with_worked_examples() {
    // Skatteverket, SKV 704: 640823-323 gets check digit 4.
    assert_eq!(luhn(&ds("640823323")), 4);
    assert_eq!(validate::luhn_check_digit(&ds("640823323")), 4);
    // Þjóðskrá (skra.is, "Útreikningur vartölu"): 120160-33 gets check digit 8.
    assert_eq!(kt_check(&ds("12016033")), Some(8));
    // DVV: 131052-308 gets T.
    assert_eq!(hetu("131052", '-', 308), "131052-308T");
    for i in 0..1000u32 {
        let d = ds(&format!("{:09}", i * 1_000_003));
        assert_eq!(luhn(&d), validate::luhn_check_digit(&d));
    }
}

// ---------------------------------------------------------------------------------------------
// Denmark: CPR

/// cpr.dk's century table: digit 7 against the columns YY 00-36, 37-57, 58-99.
const CPR_CENTURY: [[u16; 3]; 10] = [
    [1900, 1900, 1900], // 0
    [1900, 1900, 1900], // 1
    [1900, 1900, 1900], // 2
    [1900, 1900, 1900], // 3
    [2000, 1900, 1900], // 4
    [2000, 2000, 1800], // 5
    [2000, 2000, 1800], // 6
    [2000, 2000, 1800], // 7
    [2000, 2000, 1800], // 8
    [2000, 1900, 1900], // 9
];

#[test]
fn dk_century_from_digit_7_and_year() {
    // A far "today" so that every century of the table is in the past.
    let far = date(2099, 12, 31);
    for (s7, row) in CPR_CENTURY.iter().enumerate() {
        for yy in [0u16, 1, 18, 36, 37, 45, 57, 58, 76, 99] {
            let col = match yy {
                0..=36 => 0,
                37..=57 => 1,
                _ => 2,
            };
            let born = date(row[col] + yy, 6, 15);
            let n = cpr(&format!("1506{yy:02}"), s7 as u8);
            valid_at(
                far,
                &n,
                Kind::DkCpr,
                Variant::Ordinary,
                Strength::Checksum,
                (born.year, 6, 15),
            );
            // With the real today, a birth date after it is no CPR number at all.
            assert_eq!(get(&n, Kind::DkCpr).is_some(), born <= today(), "{n}");
        }
    }
}

#[test]
fn dk_century_edges_named() {
    let far = date(2099, 12, 31);
    let at = |n: &str| get_at(far, n, Kind::DkCpr).map(|v| v.birth.year);
    // Digit 7 = 4 or 9: 2000s up to YY 36, 1900s from 37.
    assert_eq!(at(&cpr("150636", 4)), Some(2036));
    assert_eq!(at(&cpr("150637", 4)), Some(1937));
    assert_eq!(at(&cpr("150600", 9)), Some(2000));
    assert_eq!(at(&cpr("150699", 9)), Some(1999));
    // Digit 7 = 5-8: 2000s up to YY 57, 1800s from 58.
    assert_eq!(at(&cpr("150657", 5)), Some(2057));
    assert_eq!(at(&cpr("150658", 8)), Some(1858));
    assert_eq!(at(&cpr("150699", 7)), Some(1899));
    // Today, 5-8 with YY 37-57 is a birth in 2037-2057: in the future, so invalid.
    invalid(&cpr("150640", 6), Kind::DkCpr);
    // ... while 4 or 9 with the same years is a 1900s birth.
    valid(
        &cpr("150640", 9),
        Kind::DkCpr,
        Variant::Ordinary,
        (1940, 6, 15),
    );
}

#[test]
fn dk_leap_days() {
    let ok = |n: &str, y: u16| valid(n, Kind::DkCpr, Variant::Ordinary, (y, 2, 29));
    ok(&cpr("290200", 4), 2000); // 2000 is a leap year
    ok(&cpr("290200", 5), 2000);
    invalid(&cpr("290200", 0), Kind::DkCpr); // 1900 is not
    ok(&cpr("290296", 1), 1996);
    invalid(&cpr("290297", 1), Kind::DkCpr);
    ok(&cpr("290224", 4), 2024);
    invalid(&cpr("290223", 4), Kind::DkCpr);
    ok(&cpr("290260", 5), 1860);
    invalid(&cpr("290258", 5), Kind::DkCpr); // 1858 is not a leap year
                                             // Dates that exist in no year.
    for d in ["300296", "310496", "000196", "011396", "010096", "320196"] {
        invalid(&cpr(d, 1), Kind::DkCpr);
    }
}

#[test]
fn dk_future_dates() {
    valid(
        &cpr("221126", 4),
        Kind::DkCpr,
        Variant::Ordinary,
        (2026, 11, 22),
    );
    invalid(&cpr("231126", 4), Kind::DkCpr);
    invalid(&cpr("010127", 4), Kind::DkCpr);
    // The same digits with a 1900s serial are in the past.
    valid(
        &cpr("010127", 2),
        Kind::DkCpr,
        Variant::Ordinary,
        (1927, 1, 1),
    );
    // A failing modulus 11 does not rescue a future date either.
    invalid(&cpr_failing("231126", 4), Kind::DkCpr);
}

#[test]
fn dk_modulus_11() {
    let n = cpr("150690", 1);
    valid(&n, Kind::DkCpr, Variant::Ordinary, (1990, 6, 15));
    // Every other last digit fails the check: a number that does not exist today.
    for c in 1..10 {
        let bad = with_digit(&n, 10, |x| (x + c) % 10);
        valid_at(
            today(),
            &bad,
            Kind::DkCpr,
            Variant::DkFailsModulus11,
            Strength::Doubtful,
            (1990, 6, 15),
        );
    }
    // A nine-digit prefix whose check digit would be 10 has no classic number at all.
    let prefix = (0..100u8)
        .map(|s| format!("150690{}{:02}", 1, s))
        .find(|p| cpr_check(&ds(p)).is_none())
        .unwrap();
    for c in 0..10 {
        let n = format!("{}-{}{c}", &prefix[..6], &prefix[6..]);
        let v = get(&n, Kind::DkCpr).unwrap();
        assert_eq!(
            (v.variant, v.strength),
            (Variant::DkFailsModulus11, Strength::Doubtful)
        );
    }
}

/// cpr.dk, "Personnumre uden kontrolciffer (modulus 11 kontrol)", updated 10-05-2023.
const CPR_WITHOUT_MOD11: [u16; 26] = [
    1960, 1962, 1964, 1965, 1966, 1967, 1969, // 1960s
    1970, 1974, 1975, 1978, // 1970s
    1980, 1981, 1982, 1983, 1984, 1985, 1986, 1987, 1988, 1989, // 1980s
    1990, 1991, 1992, 1994, 1995, // 1990s
];

#[test]
fn dk_without_modulus_11_only_on_listed_1_january_dates() {
    for year in 1937..=2026u16 {
        let yy = year % 100;
        // Digits 7 giving this century: 0-3 for the 1900s, 4 for 2000-2036.
        let s7s: &[u8] = if year < 2000 { &[0, 3, 4, 9] } else { &[4, 9] };
        for &s7 in s7s {
            if year < 2000 && year % 100 <= 36 && s7 >= 4 {
                continue; // 4/9 with YY 00-36 is the 2000s
            }
            let n = cpr_failing(&format!("0101{yy:02}"), s7);
            let v = get(&n, Kind::DkCpr).unwrap_or_else(|| panic!("{n}"));
            assert_eq!(v.birth, date(year, 1, 1), "{n}");
            if CPR_WITHOUT_MOD11.contains(&year) {
                assert_eq!(
                    (v.variant, v.strength),
                    (Variant::DkWithoutModulus11, Strength::DateOnly),
                    "{n}"
                );
            } else {
                assert_eq!(
                    (v.variant, v.strength),
                    (Variant::DkFailsModulus11, Strength::Doubtful),
                    "{n}"
                );
            }
            // A number passing modulus 11 on such a date is an ordinary number.
            valid(
                &cpr(&format!("0101{yy:02}"), s7),
                Kind::DkCpr,
                Variant::Ordinary,
                (year, 1, 1),
            );
        }
    }
}

#[test]
fn dk_without_modulus_11_needs_exactly_1_january_of_that_century() {
    let doubtful = |n: &str| {
        let v = get(n, Kind::DkCpr).unwrap_or_else(|| panic!("{n}"));
        assert_eq!(
            (v.variant, v.strength),
            (Variant::DkFailsModulus11, Strength::Doubtful),
            "{n}"
        );
    };
    doubtful(&cpr_failing("020190", 1)); // 2 January 1990
    doubtful(&cpr_failing("010290", 1)); // 1 February 1990
    doubtful(&cpr_failing("311289", 1)); // 31 December 1989
    doubtful(&cpr_failing("010160", 5)); // 1 January 1860, not 1960
                                         // The same listed date with a 1900s digit 7 of 4 or 9 (YY 37-99) is listed.
    let v = get(&cpr_failing("010160", 9), Kind::DkCpr).unwrap();
    assert_eq!(v.variant, Variant::DkWithoutModulus11);
}

#[test]
fn dk_substitute_numbers_add_60_to_the_day() {
    // cpr.dk: the first digit of the day is raised by 6 (the 7th becomes 67).
    valid(
        &cpr("670790", 1),
        Kind::DkCpr,
        Variant::DkSubstitute,
        (1990, 7, 7),
    );
    valid(
        &cpr("610190", 2),
        Kind::DkCpr,
        Variant::DkSubstitute,
        (1990, 1, 1),
    );
    valid(
        &cpr("910190", 2),
        Kind::DkCpr,
        Variant::DkSubstitute,
        (1990, 1, 31),
    );
    valid(
        &cpr("890296", 2),
        Kind::DkCpr,
        Variant::DkSubstitute,
        (1996, 2, 29),
    );
    invalid(&cpr("890297", 2), Kind::DkCpr); // 29 February 1997
    invalid(&cpr("920190", 2), Kind::DkCpr); // day 32
    invalid(&cpr("600190", 2), Kind::DkCpr); // day 0
    invalid(&cpr("910490", 2), Kind::DkCpr); // 31 April
    invalid(&cpr("831126", 4), Kind::DkCpr); // 23 November 2026: future
                                             // A substitute number failing modulus 11 is not a number in use: doubtful, and the list
                                             // of 1 January dates without modulus 11 is for personnumre, not substitutes.
    valid_at(
        today(),
        &cpr_failing("610190", 2),
        Kind::DkCpr,
        Variant::DkFailsModulus11,
        Strength::Doubtful,
        (1990, 1, 1),
    );
}

#[test]
fn dk_written_forms() {
    let n = cpr("150690", 1);
    let (date_part, serial) = (&n[..6], &n[7..]);
    for sep in [
        "-", "", " ", "\u{2013}", "\u{a0}", "\u{2010}", "\u{2011}", "\u{2212}",
    ] {
        let w = format!("{date_part}{sep}{serial}");
        valid(&w, Kind::DkCpr, Variant::Ordinary, (1990, 6, 15));
    }
    // Windows-1252 en dash and no-break space.
    for sep in [0x96u8, 0xa0] {
        let mut w = date_part.as_bytes().to_vec();
        w.push(sep);
        w.extend(serial.as_bytes());
        let v = get_bytes_at(today(), &w, Kind::DkCpr).expect("Windows-1252 separator");
        assert_eq!(v.birth, date(1990, 6, 15));
    }
    // '+' is Swedish (and Finnish), never Danish.
    invalid(&format!("{date_part}+{serial}"), Kind::DkCpr);
    assert_eq!(
        normalized("CPR-nr.:", &n, Kind::DkCpr),
        format!("{date_part}{serial}")
    );
}

// ---------------------------------------------------------------------------------------------
// Sweden: personnummer, samordningsnummer

#[test]
fn se_skatteverket_examples() {
    // Skatteverket, "Personnummer" (SKV 704): the worked example 640823-3234.
    for w in ["640823-3234", "6408233234", "19640823-3234", "196408233234"] {
        valid(w, Kind::SePersonnummer, Variant::Ordinary, (1964, 8, 23));
    }
    // Skatteverket's web example 811218-9876.
    valid(
        "811218-9876",
        Kind::SePersonnummer,
        Variant::Ordinary,
        (1981, 12, 18),
    );
    // SKV 707: samordningsnummer of a man born 3 October 1970 with individual number 239.
    for w in ["701063-2391", "7010632391", "19701063-2391", "197010632391"] {
        valid(
            w,
            Kind::SePersonnummer,
            Variant::SeCoordination,
            (1970, 10, 3),
        );
    }
    assert_eq!(
        normalized("pnr", "640823-3234", Kind::SePersonnummer),
        "196408233234"
    );
    assert_eq!(
        normalized("samordningsnummer", "701063-2391", Kind::SePersonnummer),
        "197010632391"
    );
}

#[test]
fn se_luhn_check_digit() {
    for w in ["640823-3234", "19640823-3234"] {
        let last = w.len() - 1;
        for c in 1..10 {
            invalid(&with_digit(w, last, |x| (x + c) % 10), Kind::SePersonnummer);
        }
    }
    // The 12-digit form checks the same nine digits, not the century.
    let ten = pnr("640823", 323, "-");
    assert_eq!(ten, "640823-3234");
    valid(
        &format!("19{ten}"),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (1964, 8, 23),
    );
    valid(
        &format!("18{ten}"),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (1864, 8, 23),
    );
}

#[test]
fn se_birth_number_001_to_999() {
    invalid(&pnr("640823", 0, "-"), Kind::SePersonnummer);
    invalid(
        &format!("19{}", pnr("640823", 0, "-")),
        Kind::SePersonnummer,
    );
    for nnn in [1, 2, 500, 998, 999] {
        valid(
            &pnr("640823", nnn, "-"),
            Kind::SePersonnummer,
            Variant::Ordinary,
            (1964, 8, 23),
        );
    }
}

#[test]
fn se_organisationsnummer_is_never_a_person() {
    // Skatteverket's own organisationsnummer 202100-5448 and Bolagsverket's example
    // 556016-0680: both pass Luhn.
    for org in ["202100-5448", "556016-0680"] {
        assert_eq!(luhn(&ds(&org[..10])[..9]), ds(org)[9], "{org} passes Luhn");
        invalid(org, Kind::SePersonnummer);
        invalid(&org.replace('-', ""), Kind::SePersonnummer);
        invalid(&format!("16{org}"), Kind::SePersonnummer);
    }
    // Any "month" of 20 or more, whatever the rest.
    for mm in [20, 21, 33, 45, 59, 60, 71, 99] {
        let w = pnr(&format!("55{mm:02}10"), 123, "-");
        invalid(&w, Kind::SePersonnummer);
    }
}

#[test]
fn se_samordningsnummer_adds_60_to_the_day() {
    let coord = |yymmdd: &str, birth: (u16, u8, u8)| {
        valid(
            &pnr(yymmdd, 239, "-"),
            Kind::SePersonnummer,
            Variant::SeCoordination,
            birth,
        )
    };
    coord("900161", (1990, 1, 1));
    coord("900191", (1990, 1, 31));
    coord("000289", (2000, 2, 29));
    invalid(&pnr("010289", 239, "-"), Kind::SePersonnummer); // 29 Feb 2001
    invalid(&pnr("900192", 239, "-"), Kind::SePersonnummer); // day 32
    invalid(&pnr("900160", 239, "-"), Kind::SePersonnummer); // day 0
    invalid(&pnr("900491", 239, "-"), Kind::SePersonnummer); // 31 April
    invalid(
        &format!("20{}", pnr("261183", 239, "-")),
        Kind::SePersonnummer,
    ); // future
    valid(
        &format!("20{}", pnr("261182", 239, "-")),
        Kind::SePersonnummer,
        Variant::SeCoordination,
        (2026, 11, 22),
    );
}

#[test]
fn se_plus_from_the_year_the_person_turns_100() {
    // Skatteverket (folkbokföringslagen 18 §): the year a person turns 100, the hyphen becomes
    // a plus sign. With today 22 November 2026, everyone born in 1926 writes '+', also those
    // whose birthday is still to come this year.
    let plus = |yymmdd: &str, birth: (u16, u8, u8)| {
        let w = pnr(yymmdd, 123, "+");
        valid(&w, Kind::SePersonnummer, Variant::Ordinary, birth);
        let twelve = format!("{}{}", birth.0 / 100, pnr(yymmdd, 123, ""));
        assert_eq!(normalized("pnr", &w, Kind::SePersonnummer), twelve, "{w}");
    };
    plus("261201", (1926, 12, 1)); // turns 100 on 1 December 2026
    plus("261231", (1926, 12, 31));
    plus("261122", (1926, 11, 22)); // 100 today
    plus("260101", (1926, 1, 1));
    plus("250601", (1925, 6, 1));
    plus("270101", (1827, 1, 1)); // born 1927 turns 100 only in 2027: '+' means 1827
    plus("640823", (1864, 8, 23));
    plus("000101", (1900, 1, 1));
    invalid(&pnr("000229", 123, "+"), Kind::SePersonnummer); // 1900 is no leap year
    valid(
        &pnr("040229", 123, "+"),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (1904, 2, 29),
    );
    // Samordningsnummer take '+' the same way.
    valid(
        &pnr("261261", 123, "+"),
        Kind::SePersonnummer,
        Variant::SeCoordination,
        (1926, 12, 1),
    );
}

#[test]
fn se_hyphen_means_under_100() {
    let minus = |yymmdd: &str, birth: (u16, u8, u8)| {
        for sep in ["-", "", "\u{2013}"] {
            let w = pnr(yymmdd, 123, sep);
            valid(&w, Kind::SePersonnummer, Variant::Ordinary, birth);
        }
    };
    minus("270101", (1927, 1, 1));
    minus("261122", (2026, 11, 22));
    minus("260101", (2026, 1, 1));
    minus("000229", (2000, 2, 29));
    minus("640823", (1964, 8, 23));
    // A '-' date after today in this century: the person was born in the previous one (a
    // number written before the year they turned 100).
    minus("261123", (1926, 11, 23));
    minus("991231", (1999, 12, 31));
}

#[test]
fn se_twelve_digit_form_gives_the_century() {
    let w = |s: &str| pnr(s, 123, "-");
    valid(
        &format!("20{}", w("261122")),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (2026, 11, 22),
    );
    invalid(&format!("20{}", w("261123")), Kind::SePersonnummer); // future
    invalid(&format!("20{}", w("270101")), Kind::SePersonnummer); // future
    valid(
        &format!("19{}", w("261123")),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (1926, 11, 23),
    );
    valid(
        &format!("20{}", w("000229")),
        Kind::SePersonnummer,
        Variant::Ordinary,
        (2000, 2, 29),
    );
    invalid(&format!("19{}", w("000229")), Kind::SePersonnummer); // 1900
    invalid(&format!("17{}", w("640823")), Kind::SePersonnummer);
    invalid(&format!("21{}", w("640823")), Kind::SePersonnummer);
    invalid(&format!("00{}", w("640823")), Kind::SePersonnummer);
    // Without the hyphen and with an en dash.
    for sep in ["", "\u{2013}"] {
        valid(
            &format!("19640823{sep}3234"),
            Kind::SePersonnummer,
            Variant::Ordinary,
            (1964, 8, 23),
        );
    }
    // The validator itself, for the century argument.
    let d = arr::<10>("6408233234");
    let at = |c| validate::se_personnummer(&d, c, today()).map(|v| v.birth.year);
    assert_eq!(at(SeCentury::Explicit(18)), Some(1864));
    assert_eq!(at(SeCentury::Explicit(19)), Some(1964));
    assert_eq!(at(SeCentury::Explicit(20)), None); // 2064: future
    assert_eq!(at(SeCentury::Recent), Some(1964));
    assert_eq!(at(SeCentury::Centenarian), Some(1864));
}

// ---------------------------------------------------------------------------------------------
// Norway: fødselsnummer, D-nummer, H-nummer

#[test]
fn no_individual_number_gives_the_century() {
    // ehelse.no / folkeregisterforskriften: 000-499 1900-1999; 500-749 with YY 54-99
    // 1854-1899; 500-999 with YY 00-39 2000-2039; 900-999 with YY 40-99 1940-1999.
    let far = date(2040, 12, 31);
    let year_of = |yy: u16, iii: u16| {
        let n = fnr_with_iii(yy, iii);
        validate::no_fodselsnummer(&arr::<11>(&n), far).map(|v| v.birth.year)
    };
    for iii in [0, 1, 250, 498, 499] {
        for yy in [0, 39, 40, 53, 54, 99] {
            assert_eq!(year_of(yy, iii), Some(1900 + yy), "{iii} {yy}");
        }
    }
    for iii in [500, 501, 600, 748, 749] {
        for yy in [54, 55, 80, 99] {
            assert_eq!(year_of(yy, iii), Some(1800 + yy), "{iii} {yy}");
        }
        for yy in [0, 1, 26, 39] {
            assert_eq!(year_of(yy, iii), Some(2000 + yy), "{iii} {yy}");
        }
        for yy in [40, 45, 53] {
            assert_eq!(year_of(yy, iii), None, "{iii} {yy}");
        }
    }
    for iii in [750, 751, 800, 898, 899] {
        for yy in [0, 20, 39] {
            assert_eq!(year_of(yy, iii), Some(2000 + yy), "{iii} {yy}");
        }
        for yy in [40, 54, 99] {
            assert_eq!(year_of(yy, iii), None, "{iii} {yy}");
        }
    }
    for iii in [900, 901, 950, 998, 999] {
        for yy in [0, 39] {
            assert_eq!(year_of(yy, iii), Some(2000 + yy), "{iii} {yy}");
        }
        for yy in [40, 41, 70, 99] {
            assert_eq!(year_of(yy, iii), Some(1900 + yy), "{iii} {yy}");
        }
    }
    // Through the detector, with the real today: a 2000s birth after today is invalid.
    let n = fnr("150630", 500..=999);
    invalid(&n, Kind::NoFodselsnummer);
    valid_at(
        date(2030, 6, 15),
        &n,
        Kind::NoFodselsnummer,
        Variant::Ordinary,
        Strength::Checksum,
        (2030, 6, 15),
    );
}

#[test]
fn no_check_digits() {
    let n = fnr("150690", 0..=499);
    valid(&n, Kind::NoFodselsnummer, Variant::Ordinary, (1990, 6, 15));
    // Any other K2 is invalid.
    for c in 1..10 {
        invalid(&with_digit(&n, 10, |x| (x + c) % 10), Kind::NoFodselsnummer);
    }
    // Any other K1, with K2 recomputed to match, is valid only under the 2032 rule.
    let d = ds(&n);
    let s1 = fnr_s1(&d[..9]);
    for k1 in (0..10u8).filter(|&k| k != d[9]) {
        let mut e = d[..9].to_vec();
        e.push(k1);
        let Some(k2) = fnr_k2(&e) else { continue };
        e.push(k2);
        let w = text(&e);
        let rem = (s1 + u32::from(k1)) % 11;
        match get(&w, Kind::NoFodselsnummer) {
            Some(v) => {
                assert!((1..=3).contains(&rem), "{w}: remainder {rem}");
                assert_eq!(v.variant, Variant::No2032Rule, "{w}");
            }
            None => assert!(rem > 3, "{w}: remainder {rem}"),
        }
    }
}

#[test]
fn no_check_digit_10_is_never_valid() {
    // A prefix whose K1 would be 10: no classic number exists with it.
    let (prefix, _) = (0..=499u16)
        .map(|i| format!("150690{i:03}"))
        .map(|p| {
            let s = fnr_s1(&ds(&p));
            (p, s)
        })
        .find(|(_, s)| *s == 1)
        .unwrap();
    for k1 in 0..10u8 {
        let mut d = ds(&prefix);
        d.push(k1);
        for k2 in 0..10u8 {
            let mut e = d.clone();
            e.push(k2);
            let w = text(&e);
            if let Some(v) = get(&w, Kind::NoFodselsnummer) {
                assert_eq!(v.variant, Variant::No2032Rule, "{w}");
            }
        }
    }
    // A prefix whose K2 would be 10: nothing is valid, under any rule.
    let mut found = 0;
    for i in 0..=499u16 {
        let mut d = ds(&format!("150690{i:03}"));
        let Some(k1) = fnr_k1(&d) else { continue };
        d.push(k1);
        if fnr_k2(&d).is_some() {
            continue;
        }
        found += 1;
        for k2 in 0..10u8 {
            let mut e = d.clone();
            e.push(k2);
            invalid(&text(&e), Kind::NoFodselsnummer);
        }
    }
    assert!(found > 0);
}

#[test]
fn no_d_h_and_test_numbers() {
    // D-nummer: day + 40.
    valid(
        &fnr("550690", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoDNumber,
        (1990, 6, 15),
    );
    valid(
        &fnr("710190", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoDNumber,
        (1990, 1, 31),
    );
    invalid(&fnr("720190", 0..=499), Kind::NoFodselsnummer); // day 32
    invalid(&fnr("400190", 0..=499), Kind::NoFodselsnummer); // day 40 is no day
    invalid(&fnr("690297", 0..=499), Kind::NoFodselsnummer); // 29 Feb 1997
                                                             // H-nummer: month + 40.
    valid(
        &fnr("154690", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoHNumber,
        (1990, 6, 15),
    );
    valid(
        &fnr("155290", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoHNumber,
        (1990, 12, 15),
    );
    invalid(&fnr("155390", 0..=499), Kind::NoFodselsnummer); // month 13
                                                             // Synthetic test numbers: month + 80, test data, never a person.
    valid_at(
        today(),
        &fnr("158690", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoTestNumber,
        Strength::Doubtful,
        (1990, 6, 15),
    );
    valid_at(
        today(),
        &fnr("559290", 0..=499),
        Kind::NoFodselsnummer,
        Variant::NoTestNumber,
        Strength::Doubtful,
        (1990, 12, 15),
    );
    invalid(&fnr("159390", 0..=499), Kind::NoFodselsnummer); // month 13
    for mm in [0, 13, 40, 53, 60, 80] {
        invalid(
            &fnr(&format!("15{mm:02}90"), 0..=499),
            Kind::NoFodselsnummer,
        );
    }
    // Future dates stay invalid in every variant.
    invalid(&fnr("631126", 500..=999), Kind::NoFodselsnummer); // D: 23 Nov 2026
    invalid(&fnr("235126", 500..=999), Kind::NoFodselsnummer); // H: 23 Nov 2026
    invalid(&fnr("239126", 500..=999), Kind::NoFodselsnummer); // test: 23 Nov 2026
}

#[test]
fn no_2032_rule() {
    let t2033 = date(2033, 3, 1);
    for rem in 1..=3 {
        let n = fnr_2032("150690", 0..=499, rem);
        // Before 2032 such a number cannot have been issued: doubtful.
        valid_at(
            today(),
            &n,
            Kind::NoFodselsnummer,
            Variant::No2032Rule,
            Strength::Doubtful,
            (1990, 6, 15),
        );
        valid_at(
            date(2031, 12, 31),
            &n,
            Kind::NoFodselsnummer,
            Variant::No2032Rule,
            Strength::Doubtful,
            (1990, 6, 15),
        );
        // From 2032 it is an ordinary number.
        valid_at(
            date(2032, 1, 1),
            &n,
            Kind::NoFodselsnummer,
            Variant::Ordinary,
            Strength::Checksum,
            (1990, 6, 15),
        );
        valid_at(
            t2033,
            &n,
            Kind::NoFodselsnummer,
            Variant::Ordinary,
            Strength::Checksum,
            (1990, 6, 15),
        );
        // The 2032 rule keeps K2: any other K2 is invalid.
        for c in 1..10 {
            let bad = with_digit(&n, 10, |x| (x + c) % 10);
            invalid_at(t2033, &bad, Kind::NoFodselsnummer);
        }
        // D-numbers too.
        let d = fnr_2032("550690", 0..=499, rem);
        valid_at(
            t2033,
            &d,
            Kind::NoFodselsnummer,
            Variant::NoDNumber,
            Strength::Checksum,
            (1990, 6, 15),
        );
        // Births in 2033 are valid in 2033, not before.
        let born = fnr_2032("010133", 500..=999, rem);
        valid_at(
            t2033,
            &born,
            Kind::NoFodselsnummer,
            Variant::Ordinary,
            Strength::Checksum,
            (2033, 1, 1),
        );
        invalid(&born, Kind::NoFodselsnummer);
    }
    // A remainder of 4 or more is invalid under both rules.
    for rem in 4..=10 {
        let n = fnr_2032("150690", 0..=499, rem);
        invalid(&n, Kind::NoFodselsnummer);
        invalid_at(t2033, &n, Kind::NoFodselsnummer);
    }
}

#[test]
fn no_leap_days_and_future() {
    valid(
        &fnr("290200", 500..=999),
        Kind::NoFodselsnummer,
        Variant::Ordinary,
        (2000, 2, 29),
    );
    invalid(&fnr("290200", 0..=499), Kind::NoFodselsnummer); // 1900
    valid(
        &fnr("290296", 0..=499),
        Kind::NoFodselsnummer,
        Variant::Ordinary,
        (1996, 2, 29),
    );
    invalid(&fnr("290297", 0..=499), Kind::NoFodselsnummer);
    invalid(&fnr("290297", 900..=999), Kind::NoFodselsnummer);
    valid(
        &fnr("221126", 500..=999),
        Kind::NoFodselsnummer,
        Variant::Ordinary,
        (2026, 11, 22),
    );
    invalid(&fnr("231126", 500..=999), Kind::NoFodselsnummer);
}

#[test]
fn no_written_forms() {
    let n = fnr("150690", 0..=499);
    for sep in ["", " ", "\u{a0}"] {
        let w = format!("{}{sep}{}", &n[..6], &n[6..]);
        valid(&w, Kind::NoFodselsnummer, Variant::Ordinary, (1990, 6, 15));
    }
    assert_eq!(
        normalized(
            "fødselsnummer:",
            &format!("{} {}", &n[..6], &n[6..]),
            Kind::NoFodselsnummer
        ),
        n
    );
}

// ---------------------------------------------------------------------------------------------
// Finland: henkilötunnus

#[test]
fn fi_dvv_example() {
    // DVV (formerly VRK), "Mitä henkilötunnus kertoo?": 131052-308T.
    valid(
        "131052-308T",
        Kind::FiHetu,
        Variant::Ordinary,
        (1952, 10, 13),
    );
    assert_eq!(
        normalized("hetu", "131052-308T", Kind::FiHetu),
        "131052-308T"
    );
    for q in HETU_TABLE.iter().chain(b"GIOQZ").filter(|&&c| c != b'T') {
        let w = format!("131052-308{}", char::from(*q));
        invalid(&w, Kind::FiHetu);
    }
}

#[test]
fn fi_dvv_test_persons_with_the_2023_signs() {
    // DVV's fictitious test persons for the century signs of decree 690/2022 (DVV's
    // spreadsheet of test identities), and the DVV press release of 11 December 2023
    // (100190-999P and 100190Y999P are different persons).
    let cases: &[(&str, (u16, u8, u8))] = &[
        ("010594Y9032", (1994, 5, 1)),
        ("010594Y9021", (1994, 5, 1)),
        ("020594X903P", (1994, 5, 2)),
        ("020594X902N", (1994, 5, 2)),
        ("030594W903B", (1994, 5, 3)),
        ("030694W9024", (1994, 6, 3)),
        ("040594V9030", (1994, 5, 4)),
        ("040594V902Y", (1994, 5, 4)),
        ("050594U903M", (1994, 5, 5)),
        ("050594U902L", (1994, 5, 5)),
        ("010516B903X", (2016, 5, 1)),
        ("010516B902W", (2016, 5, 1)),
        ("020516C903K", (2016, 5, 2)),
        ("020516C902J", (2016, 5, 2)),
        ("030516D9037", (2016, 5, 3)),
        ("030516D9026", (2016, 5, 3)),
        ("010501E9032", (2001, 5, 1)),
        ("020502E902X", (2002, 5, 2)),
        ("020503F9037", (2003, 5, 2)),
        ("020504A902E", (2004, 5, 2)),
        ("020504B904H", (2004, 5, 2)),
        ("100190-999P", (1990, 1, 10)),
        ("100190Y999P", (1990, 1, 10)),
    ];
    for &(w, birth) in cases {
        // Individual numbers 900-999: temporary numbers.
        valid(w, Kind::FiHetu, Variant::FiTemporary, birth);
        assert_eq!(normalized("hetu", w, Kind::FiHetu), w);
    }
}

#[test]
fn fi_every_century_sign() {
    for (sign, century) in [
        ('+', 1800),
        ('-', 1900),
        ('Y', 1900),
        ('X', 1900),
        ('W', 1900),
        ('V', 1900),
        ('U', 1900),
        ('A', 2000),
        ('B', 2000),
        ('C', 2000),
        ('D', 2000),
        ('E', 2000),
        ('F', 2000),
    ] {
        assert_eq!(validate::fi_century(sign as u8), Some(century), "{sign}");
        // The sign is not part of the check: the same check character under every sign.
        let w = hetu("150605", sign, 123);
        assert_eq!(&w[7..], &hetu("150605", '-', 123)[7..]);
        valid(&w, Kind::FiHetu, Variant::Ordinary, (century + 5, 6, 15));
        // And with a check that is a digit.
        let zzz = (2..900)
            .find(|&z| hetu("150605", sign, z).as_bytes()[10].is_ascii_digit())
            .unwrap();
        valid(
            &hetu("150605", sign, zzz),
            Kind::FiHetu,
            Variant::Ordinary,
            (century + 5, 6, 15),
        );
    }
    for sign in [b'G', b'T', b'Z', b'a', b'y', b'*', b'/', b'0'] {
        assert_eq!(validate::fi_century(sign), None, "{}", char::from(sign));
        let w = hetu("150605", char::from(sign), 123);
        invalid(&w, Kind::FiHetu);
    }
}

#[test]
fn fi_individual_numbers() {
    for zzz in [0, 1] {
        invalid(&hetu("150690", '-', zzz), Kind::FiHetu);
        invalid(&hetu("150690", 'Y', zzz), Kind::FiHetu);
        invalid(&hetu("150605", 'A', zzz), Kind::FiHetu);
    }
    for zzz in [2, 3, 450, 898, 899] {
        valid(
            &hetu("150690", '-', zzz),
            Kind::FiHetu,
            Variant::Ordinary,
            (1990, 6, 15),
        );
    }
    for zzz in [900, 901, 950, 998, 999] {
        valid(
            &hetu("150690", '-', zzz),
            Kind::FiHetu,
            Variant::FiTemporary,
            (1990, 6, 15),
        );
    }
}

#[test]
fn fi_check_character_table() {
    assert_eq!(validate::FI_CHECK_CHARS, HETU_TABLE);
    // Every remainder 0-30 is reached, and only the right character is accepted.
    let mut seen = [false; 31];
    for zzz in 2..=200u16 {
        let w = hetu("150690", '-', zzz);
        let n: u64 = format!("150690{zzz:03}").parse().unwrap();
        seen[(n % 31) as usize] = true;
        let right = w.as_bytes()[10];
        for &q in HETU_TABLE.iter().filter(|&&q| q != right) {
            let mut bad = w.clone().into_bytes();
            bad[10] = q;
            invalid(std::str::from_utf8(&bad).unwrap(), Kind::FiHetu);
        }
    }
    assert!(seen.iter().all(|&s| s));
}

#[test]
fn fi_leap_days_and_future() {
    valid(
        &hetu("290200", 'A', 123),
        Kind::FiHetu,
        Variant::Ordinary,
        (2000, 2, 29),
    );
    invalid(&hetu("290200", '-', 123), Kind::FiHetu); // 1900
    invalid(&hetu("290200", '+', 123), Kind::FiHetu); // 1800
    valid(
        &hetu("290204", '+', 123),
        Kind::FiHetu,
        Variant::Ordinary,
        (1804, 2, 29),
    );
    valid(
        &hetu("290296", 'X', 123),
        Kind::FiHetu,
        Variant::Ordinary,
        (1996, 2, 29),
    );
    invalid(&hetu("290297", '-', 123), Kind::FiHetu);
    invalid(&hetu("310496", '-', 123), Kind::FiHetu);
    valid(
        &hetu("221126", 'A', 123),
        Kind::FiHetu,
        Variant::Ordinary,
        (2026, 11, 22),
    );
    invalid(&hetu("231126", 'A', 123), Kind::FiHetu);
    invalid(&hetu("010127", 'F', 123), Kind::FiHetu);
}

#[test]
fn fi_written_forms() {
    // Hyphen-like dashes count as '-'; the normalised form has the plain hyphen.
    for dash in ["\u{2013}", "\u{2010}", "\u{2011}", "\u{2212}"] {
        let w = format!("131052{dash}308T");
        valid(&w, Kind::FiHetu, Variant::Ordinary, (1952, 10, 13));
        assert_eq!(normalized("hetu", &w, Kind::FiHetu), "131052-308T");
    }
    // A lower-case check character or sign is not the written form.
    invalid("131052-308t", Kind::FiHetu);
    invalid(&hetu("150605", 'a', 123), Kind::FiHetu);
}

// ---------------------------------------------------------------------------------------------
// Iceland: kennitala

#[test]
fn is_thjodskra_example() {
    // Þjóðskrá (skra.is, "Um kennitölur"): born 12 January 1960, RR 33, check digit 8.
    for w in ["120160-3389", "1201603389"] {
        valid(w, Kind::IsKennitala, Variant::Ordinary, (1960, 1, 12));
    }
    assert_eq!(
        normalized("kennitala", "120160-3389", Kind::IsKennitala),
        "1201603389"
    );
    for c in 1..10 {
        invalid(
            &with_digit("120160-3389", 9, |x| (x + c) % 10),
            Kind::IsKennitala,
        );
    }
}

#[test]
fn is_century_digit() {
    let w = |m| kt_any("150605", m);
    valid(&w(9), Kind::IsKennitala, Variant::Ordinary, (1905, 6, 15));
    valid(&w(0), Kind::IsKennitala, Variant::Ordinary, (2005, 6, 15));
    valid(&w(8), Kind::IsKennitala, Variant::Ordinary, (1805, 6, 15));
    for m in 1..=7 {
        invalid(&w(m), Kind::IsKennitala);
    }
    valid(
        &kt_any("290200", 0),
        Kind::IsKennitala,
        Variant::Ordinary,
        (2000, 2, 29),
    );
    invalid(&kt_any("290200", 9), Kind::IsKennitala); // 1900
    invalid(&kt_any("290200", 8), Kind::IsKennitala); // 1800
    valid(
        &kt_any("290296", 9),
        Kind::IsKennitala,
        Variant::Ordinary,
        (1996, 2, 29),
    );
    invalid(&kt_any("290297", 9), Kind::IsKennitala);
    valid(
        &kt_any("221126", 0),
        Kind::IsKennitala,
        Variant::Ordinary,
        (2026, 11, 22),
    );
    invalid(&kt_any("231126", 0), Kind::IsKennitala);
}

#[test]
fn is_rr_starts_at_20() {
    let mut tested = 0;
    for rr in 0..=99u8 {
        let Some(w) = kt("150690", rr, 9) else {
            continue;
        };
        if rr < 20 {
            invalid(&w, Kind::IsKennitala);
        } else {
            valid(&w, Kind::IsKennitala, Variant::Ordinary, (1990, 6, 15));
        }
        tested += 1;
    }
    assert!(tested > 80);
}

#[test]
fn is_organisations_are_not_persons() {
    // Day + 40 marks an organisation (e.g. one founded 17 June 2007 starts 570607).
    for ddmmyy in ["570607", "410190", "710190", "520160"] {
        let w = kt_any(ddmmyy, 0);
        invalid(&w, Kind::IsKennitala);
        invalid(&kt_any(ddmmyy, 9), Kind::IsKennitala);
    }
}

#[test]
fn is_check_digit_10_never_occurs() {
    let mut tested = 0;
    for rr in 20..=99u8 {
        if kt("150690", rr, 9).is_some() {
            continue;
        }
        // The check would be 10: no digit in its place is valid.
        for c in 0..10 {
            let w = format!("150690-{rr:02}{c}9");
            invalid(&w, Kind::IsKennitala);
            assert_eq!(validate::is_kennitala(&arr::<10>(&w), today()), None, "{w}");
        }
        tested += 1;
    }
    assert!(tested > 0);
}

#[test]
fn is_never_with_plus() {
    invalid("120160+3389", Kind::IsKennitala);
}

// ---------------------------------------------------------------------------------------------
// Ambiguity: one string, several kinds.

#[test]
fn one_string_can_be_several_kinds() {
    // A hyphenated ten-digit number ending in a digit is read as Danish, Swedish, Icelandic
    // and Finnish ('-' sign) alike; each kind keeps its own rules.
    let w = "120160-3389";
    let kinds: Vec<Kind> = detector(today())
        .interpretations(w.as_bytes())
        .iter()
        .map(|v| v.kind)
        .collect();
    assert!(kinds.contains(&Kind::IsKennitala));
    assert!(kinds.contains(&Kind::DkCpr)); // 12 January 1960, fails modulus 11: doubtful
    assert!(!kinds.contains(&Kind::NoFodselsnummer));
    // Eleven digits are only Norwegian; twelve only Swedish; a letter only Finnish.
    for (w, only) in [
        (fnr("150690", 0..=499), Kind::NoFodselsnummer),
        ("196408233234".to_string(), Kind::SePersonnummer),
        ("131052-308T".to_string(), Kind::FiHetu),
    ] {
        let kinds: Vec<Kind> = detector(today())
            .interpretations(w.as_bytes())
            .iter()
            .map(|v| v.kind)
            .collect();
        assert_eq!(kinds, vec![only], "{w}");
    }
}
