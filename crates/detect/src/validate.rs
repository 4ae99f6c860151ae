//! Validators for the five Nordic identity numbers, one function per kind, following
//! `identifiers.md`. Each takes the digits (values 0-9, not ASCII) of a candidate and
//! returns what the number is, or `None` when it cannot be one.

use crate::date::Date;
use crate::kind::{Kind, Strength, Variant};

/// A number that passed its kind's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Valid {
    pub kind: Kind,
    pub variant: Variant,
    pub strength: Strength,
    pub birth: Date,
}

fn num2(a: u8, b: u8) -> u8 {
    a * 10 + b
}

fn weighted(digits: &[u8], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum()
}

/// A birth date that exists and is not in the future.
fn birth(year: u16, month: u8, day: u8, today: Date) -> Option<Date> {
    Date::new(year, month, day).filter(|d| *d <= today)
}

/// Birth years of the 1 January CPR numbers issued without modulus 11 (cpr.dk, list of 2023).
const DK_NO_MOD11_YEARS: &[u16] = &[
    1960, 1962, 1964, 1965, 1966, 1967, 1969, 1970, 1974, 1975, 1978, 1980, 1981, 1982, 1983, 1984,
    1985, 1986, 1987, 1988, 1989, 1990, 1991, 1992, 1994, 1995,
];

/// Danish CPR number, `DDMMYYSSSS`.
pub fn dk_cpr(d: &[u8; 10], today: Date) -> Option<Valid> {
    let mut day = num2(d[0], d[1]);
    let month = num2(d[2], d[3]);
    let yy = u16::from(num2(d[4], d[5]));
    let mut variant = Variant::Ordinary;
    if day > 60 {
        day -= 60;
        variant = Variant::DkSubstitute;
    }
    let century = match (d[6], yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (_, 0..=57) => 2000,
        (_, _) => 1800,
    };
    let date = birth(century + yy, month, day, today)?;
    // The remainder is named (not `is_multiple_of`, Rust 1.87) to keep the MSRV of 1.80.
    let remainder = weighted(d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11;
    let strength = if remainder == 0 {
        Strength::Checksum
    } else if variant == Variant::Ordinary
        && day == 1
        && month == 1
        && DK_NO_MOD11_YEARS.contains(&date.year)
    {
        variant = Variant::DkWithoutModulus11;
        Strength::DateOnly
    } else {
        variant = Variant::DkFailsModulus11;
        Strength::Doubtful
    };
    Some(Valid {
        kind: Kind::DkCpr,
        variant,
        strength,
        birth: date,
    })
}

/// The Luhn check digit over `digits`: weights 2,1,2,1,... from the rightmost digit, so any
/// length works (personnummer, payment cards).
pub fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let v = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// How the century of a Swedish number is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeCentury {
    /// Written in the 12-digit form: the first two digits of the year.
    Explicit(u16),
    /// 10-digit form with `-` or no separator: the person is under 100.
    Recent,
    /// 10-digit form with `+`: the person has turned 100.
    Centenarian,
}

/// Swedish personnummer or samordningsnummer, `YYMMDDNNNC` (the last 10 digits).
pub fn se_personnummer(d: &[u8; 10], century: SeCentury, today: Date) -> Option<Valid> {
    let yy = u16::from(num2(d[0], d[1]));
    let month = num2(d[2], d[3]);
    let mut day = num2(d[4], d[5]);
    // Month 20 or more is an organisationsnummer: not a person, never reported.
    if month > 12 {
        return None;
    }
    let mut variant = Variant::Ordinary;
    if day > 60 {
        day -= 60;
        variant = Variant::SeCoordination;
    }
    if d[6..9] == [0, 0, 0] || luhn_check_digit(&d[..9]) != d[9] {
        return None;
    }
    let date = match century {
        SeCentury::Explicit(c) if (18..=20).contains(&c) => birth(c * 100 + yy, month, day, today)?,
        SeCentury::Explicit(_) => return None,
        SeCentury::Recent => {
            // The latest year ending in YY that puts the birth date not after today.
            let mut year = today.year - (today.year % 100) + yy;
            if (year, month, day) > (today.year, today.month, today.day) {
                year -= 100;
            }
            birth(year, month, day, today)?
        }
        SeCentury::Centenarian => {
            // `+` is written from the year the person turns 100, before the birthday too
            // (folkbokföringslagen 18 §): the latest year ending in YY at least 100 years
            // before this one.
            let last = today.year - 100;
            let year = last - (last % 100 + 100 - yy) % 100;
            birth(year, month, day, today)?
        }
    };
    Some(Valid {
        kind: Kind::SePersonnummer,
        variant,
        strength: Strength::Checksum,
        birth: date,
    })
}

/// Norwegian fødselsnummer, D-nummer or H-nummer, `DDMMYYIIIKK`.
pub fn no_fodselsnummer(d: &[u8; 11], today: Date) -> Option<Valid> {
    let mut day = num2(d[0], d[1]);
    let mut month = num2(d[2], d[3]);
    let yy = u16::from(num2(d[4], d[5]));
    let individual = u16::from(d[6]) * 100 + u16::from(num2(d[7], d[8]));
    let mut variant = Variant::Ordinary;
    let mut strength = Strength::Checksum;
    if day > 40 {
        day -= 40;
        variant = Variant::NoDNumber;
    }
    if month > 80 {
        month -= 80;
        variant = Variant::NoTestNumber;
        strength = Strength::Doubtful;
    } else if month > 40 {
        month -= 40;
        variant = Variant::NoHNumber;
    }
    let century = match (individual, yy) {
        (0..=499, _) => 1900,
        (500..=749, 54..=99) => 1800,
        (500..=999, 0..=39) => 2000,
        (900..=999, 40..=99) => 1900,
        _ => return None,
    };
    let date = birth(century + yy, month, day, today)?;
    let s1 = weighted(&d[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2]);
    match (s1 + u32::from(d[9])) % 11 {
        0 => {}
        // From 2032, K1 may also make the sum 1, 2 or 3 modulo 11; such a number cannot have
        // been issued before then.
        1..=3 if today.year < 2032 => {
            variant = Variant::No2032Rule;
            strength = Strength::Doubtful;
        }
        1..=3 => {}
        _ => return None,
    }
    let s2 = weighted(&d[..10], &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    let k2 = (11 - s2 % 11) % 11;
    if k2 == 10 || k2 != u32::from(d[10]) {
        return None;
    }
    Some(Valid {
        kind: Kind::NoFodselsnummer,
        variant,
        strength,
        birth: date,
    })
}

/// The check characters of the Finnish henkilötunnus, indexed by the remainder modulo 31.
pub const FI_CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// The century of a Finnish century sign, if it is one.
pub fn fi_century(sign: u8) -> Option<u16> {
    match sign {
        b'+' => Some(1800),
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => Some(1900),
        b'A'..=b'F' => Some(2000),
        _ => None,
    }
}

/// Finnish henkilötunnus, `DDMMYY` `C` `ZZZ` `Q`: `d` holds the nine digits DDMMYYZZZ, `sign`
/// and `check` the ASCII characters.
pub fn fi_hetu(d: &[u8; 9], sign: u8, check: u8, today: Date) -> Option<Valid> {
    let day = num2(d[0], d[1]);
    let month = num2(d[2], d[3]);
    let yy = u16::from(num2(d[4], d[5]));
    let individual = u16::from(d[6]) * 100 + u16::from(num2(d[7], d[8]));
    let date = birth(fi_century(sign)? + yy, month, day, today)?;
    let variant = match individual {
        0..=1 => return None,
        2..=899 => Variant::Ordinary,
        _ => Variant::FiTemporary,
    };
    let n = d.iter().fold(0u32, |n, &x| n * 10 + u32::from(x));
    if FI_CHECK_CHARS[(n % 31) as usize] != check {
        return None;
    }
    Some(Valid {
        kind: Kind::FiHetu,
        variant,
        strength: Strength::Checksum,
        birth: date,
    })
}

/// Icelandic kennitala of a person, `DDMMYYRRCM`.
pub fn is_kennitala(d: &[u8; 10], today: Date) -> Option<Valid> {
    let day = num2(d[0], d[1]);
    let month = num2(d[2], d[3]);
    let yy = u16::from(num2(d[4], d[5]));
    // Day + 40 is an organisation, not a person: never reported.
    if day > 31 || num2(d[6], d[7]) < 20 {
        return None;
    }
    let century = match d[9] {
        9 => 1900,
        0 => 2000,
        8 => 1800,
        _ => return None,
    };
    let date = birth(century + yy, month, day, today)?;
    let c = (11 - weighted(&d[..8], &[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
    if c == 10 || c != u32::from(d[8]) {
        return None;
    }
    Some(Valid {
        kind: Kind::IsKennitala,
        variant: Variant::Ordinary,
        strength: Strength::Checksum,
        birth: date,
    })
}
