//! The checks a regex rule may ask of its value: Luhn, modulus 11, ISO 7064 MOD 97-10 and
//! the IBAN check.

use std::fmt;

/// A check on a regex rule's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validator {
    /// Luhn over the ASCII digits.
    Luhn,
    /// Modulus 11 over the ASCII digits, weights 2..7 from the right, last digit the check.
    Mod11,
    /// ISO 7064 MOD 97-10 over the ASCII digits: the number is 1 modulo 97.
    Mod97,
    /// IBAN: letters and digits, country and check digits moved to the end, mod 97 is 1.
    Iban,
}

impl Validator {
    pub const ALL: [Validator; 4] = [
        Validator::Luhn,
        Validator::Mod11,
        Validator::Mod97,
        Validator::Iban,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::Mod11 => "mod11",
            Validator::Mod97 => "mod97",
            Validator::Iban => "iban",
        }
    }

    pub fn parse(s: &str) -> Option<Validator> {
        Validator::ALL.into_iter().find(|v| v.name() == s)
    }

    /// Whether a value (as written, separators allowed) passes the check.
    pub fn check(self, value: &[u8]) -> bool {
        let digits: Vec<u8> = value
            .iter()
            .filter(|b| b.is_ascii_digit())
            .map(|b| b - b'0')
            .collect();
        match self {
            Validator::Luhn => digits.len() >= 2 && crate::contact::luhn(&digits),
            Validator::Mod11 => digits.len() >= 2 && mod11(&digits),
            Validator::Mod97 => {
                digits.len() >= 3
                    && digits
                        .iter()
                        .fold(0u32, |r, &d| (r * 10 + u32::from(d)) % 97)
                        == 1
            }
            Validator::Iban => iban(value),
        }
    }
}

impl fmt::Display for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn mod11(d: &[u8]) -> bool {
    let (check, body) = match d.split_last() {
        Some((c, b)) => (u32::from(*c), b),
        None => return false,
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (2 + (i as u32) % 6))
        .sum();
    match 11 - sum % 11 {
        11 => check == 0,
        10 => false,
        r => check == r,
    }
}

/// The IBAN check on a value's letters and digits, upper-cased: any country, 15 to 34 of
/// them (the finder of `contact.rs` knows the lengths of fewer countries).
fn iban(value: &[u8]) -> bool {
    let s: Vec<u8> = value
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    (15..=34).contains(&s.len()) && crate::contact::iban_check_digits(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_check_digits_and_ibans() {
        assert!(Validator::Luhn.check(b"7992 7398 713"));
        assert!(!Validator::Luhn.check(b"79927398710"));
        assert!(!Validator::Luhn.check(b"0"));
        assert!(Validator::Mod11.check(b"974 760 673"));
        assert!(!Validator::Mod11.check(b"974760674"));
        // Check digit 10 is never valid.
        assert!(!Validator::Mod11.check(b"10"));
        // 195 = 2 * 97 + 1; two digits are too few.
        assert!(Validator::Mod97.check(b"1-95"));
        assert!(!Validator::Mod97.check(b"196"));
        assert!(!Validator::Mod97.check(b"98"));
        assert!(Validator::Iban.check(b"DK50 0040 0440 1162 43"));
        assert!(Validator::Iban.check(b"gb82west12345698765432"));
        assert!(!Validator::Iban.check(b"DK51 0040 0440 1162 43"));
        assert!(!Validator::Iban.check(b"DK50"));
    }

    #[test]
    fn the_iban_validator_agrees_with_the_iban_finder() {
        // Per country the finder knows, an account of its length with all check digits (02 to
        // 98, one per remainder; so exactly one is right): the validator (on the value as written, spaced and in lower case) and the
        // finder accept the same one, which a separate computation confirms.
        for &(country, len) in crate::contact::IBAN_LENGTHS {
            let account: Vec<u8> = (0..len - 4).map(|i| b"0123456789AB"[i % 12]).collect();
            let mut valid = 0;
            for check in 2..=98u8 {
                let mut s = country.to_vec();
                s.extend([b'0' + check / 10, b'0' + check % 10]);
                s.extend(&account);
                let written: Vec<u8> = s
                    .chunks(4)
                    .flat_map(|c| c.iter().map(u8::to_ascii_lowercase).chain([b' ']))
                    .collect();
                let finder = crate::contact::iban_valid(&s);
                assert_eq!(Validator::Iban.check(&written), finder, "{s:?}");
                // Mod 97 of the number in decimal, letters as two digits, digit by digit.
                let digits: String = s[4..]
                    .iter()
                    .chain(&s[..4])
                    .map(|&b| char::from(b).to_digit(36).unwrap().to_string())
                    .collect();
                let rem = digits
                    .bytes()
                    .fold(0u32, |r, d| (r * 10 + u32::from(d - b'0')) % 97);
                assert_eq!(finder, rem == 1, "{s:?}");
                valid += usize::from(finder);
            }
            assert_eq!(valid, 1, "{country:?}");
        }
        // Where they differ: the validator takes every country's IBAN of 15 to 34 letters and
        // digits (Malta's example), the finder only the lengths it knows.
        assert!(Validator::Iban.check(b"MT84 MALT 0110 0001 2345 MTLC AST0 01S"));
        assert!(!crate::contact::iban_valid(
            b"MT84MALT011000012345MTLCAST001S"
        ));
    }
}
