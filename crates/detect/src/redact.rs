//! Keeping found values from leaking: a wrapper that never prints them, masking, and keyed
//! fingerprints.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::kind::Kind;

/// A found value. `Debug` masks it and there is no `Display`: reading it takes `expose`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Matched(String);

impl Matched {
    pub fn new(s: String) -> Matched {
        Matched(s)
    }

    /// From bytes in UTF-8 or, failing that, Latin-1 (Windows-1252 separators included).
    pub fn from_bytes(b: &[u8]) -> Matched {
        match std::str::from_utf8(b) {
            Ok(s) => Matched(s.to_string()),
            Err(_) => Matched(b.iter().map(|&c| char::from(c)).collect()),
        }
    }

    /// The value in clear text: only for `--show-values`, masking and fingerprinting.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Matched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Matched({})", mask(&self.0, 6))
    }
}

/// Hides every letter and digit after the first `keep`, leaving separators as written:
/// `010190-1234` becomes `010190-****`.
pub fn mask(written: &str, keep: usize) -> String {
    let mut seen = 0;
    written
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen > keep {
                    return '*';
                }
            }
            c
        })
        .collect()
}

/// Keeps the first letter of each word and hides the rest: `Anna Lindqvist` becomes
/// `A*** L********`.
pub fn mask_words(written: &str) -> String {
    let mut start = true;
    written
        .chars()
        .map(|c| {
            let keep = start || !c.is_alphanumeric();
            start = !c.is_alphanumeric() && c != '\'';
            if keep {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks an e-mail address's mailbox after its first character; the domain stays, as it names
/// an organisation, not a person: `a*****@kommune.example`.
pub fn mask_email(written: &str) -> String {
    match written.split_once('@') {
        Some((local, domain)) => format!("{}@{domain}", mask(local, 1)),
        None => mask(written, 1),
    }
}

/// How many leading characters of a written number the masked form shows: the birth date,
/// and the Finnish century sign, which identify no one.
pub fn visible_prefix(kind: Kind, written: &str) -> usize {
    let alnum = written.chars().filter(|c| c.is_alphanumeric()).count();
    match kind {
        Kind::SePersonnummer if alnum == 12 => 8,
        Kind::FiHetu
            if written
                .chars()
                .nth(6)
                .is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            7
        }
        _ => 6,
    }
}

/// Keyed fingerprints: HMAC-SHA256 of the kind and the normalised value. The same person gets
/// the same fingerprint under the same key; without the key it cannot be reversed by trying
/// every possible number.
#[derive(Clone)]
pub struct Fingerprinter {
    mac: Hmac<Sha256>,
}

impl Fingerprinter {
    pub fn new(key: &[u8]) -> Fingerprinter {
        Fingerprinter {
            // HMAC accepts keys of any length.
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key)
                .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length")),
        }
    }

    /// `hmac-sha256:` and 64 hexadecimal digits.
    pub fn fingerprint(&self, kind: Kind, normalized: &Matched) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind.name().as_bytes());
        mac.update(b":");
        mac.update(normalized.expose().as_bytes());
        let tag = mac.finalize().into_bytes();
        let mut s = String::with_capacity(12 + 64);
        s.push_str("hmac-sha256:");
        // A finding each: written digit by digit, not formatted.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for b in tag {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_date_and_separators() {
        assert_eq!(mask("010190-1234", 6), "010190-****");
        assert_eq!(mask("0101901234", 6), "010190****");
        assert_eq!(mask("19900101-1234", 8), "19900101-****");
        assert_eq!(mask("010190A123B", 7), "010190A****");
        assert_eq!(visible_prefix(Kind::FiHetu, "010190A123B"), 7);
        assert_eq!(visible_prefix(Kind::FiHetu, "010190-123B"), 6);
        assert_eq!(visible_prefix(Kind::SePersonnummer, "19900101-1234"), 8);
    }

    #[test]
    fn debug_never_shows_the_value() {
        let m = Matched::new("010190-1234".into());
        assert_eq!(format!("{m:?}"), "Matched(010190-****)");
    }

    #[test]
    fn fingerprints_depend_on_key_kind_and_value() {
        let a = Fingerprinter::new(b"key one");
        let b = Fingerprinter::new(b"key two");
        let v = Matched::new("0101901234".into());
        let w = Matched::new("0101901235".into());
        let fa = a.fingerprint(Kind::DkCpr, &v);
        assert!(fa.starts_with("hmac-sha256:") && fa.len() == 12 + 64);
        assert_eq!(fa, a.fingerprint(Kind::DkCpr, &v));
        assert_ne!(fa, b.fingerprint(Kind::DkCpr, &v));
        assert_ne!(fa, a.fingerprint(Kind::DkCpr, &w));
        assert_ne!(fa, a.fingerprint(Kind::SePersonnummer, &v));
        assert!(!fa.contains("0101901234"));
        // The form stored by every earlier version: the tag in lowercase hexadecimal.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"key one").unwrap();
        mac.update(b"dk-cpr:0101901234");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fa, format!("hmac-sha256:{hex}"));
    }
}
