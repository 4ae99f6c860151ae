//! Contact and payment data: e-mail addresses, phone numbers, IBANs, payment card numbers and
//! passport machine-readable zones, each checked the way its issuer defines it.
//!
//! The triggers are cheap: `@` and `+` and `<<` are found with `memchr`; digit groups from
//! the starts of runs of digits, found 16 bytes at a time ([`crate::bytes`]) in one pass
//! shared with postal addresses. National phone
//! numbers without a country code are read only after a phone label, where a run of digits
//! is a phone number and not an order number.

use crate::context::{self, Labels};
use crate::kind::Kind;

/// One contact or payment value found in a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Canonical form: lower-case e-mail, E.164 phone, IBAN and card digits without spaces.
    pub normalized: String,
    /// How many leading characters the masked form may show.
    pub keep: usize,
    /// Whether the value alone is strong evidence (a check digit, a country code).
    pub strong: bool,
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// E-mail addresses around each `@` in `h[from..to]`.
pub(crate) fn emails(h: &[u8], from: usize, to: usize, out: &mut Vec<Found>) {
    let mut last_end = from;
    for at in memchr::memchr_iter(b'@', &h[from..to]).map(|i| from + i) {
        if at < last_end {
            continue;
        }
        let mut s = at;
        while s > last_end && at - s < 64 && is_local(h[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(h[s], b'.' | b'-' | b'+') {
            s += 1;
        }
        let mut e = at + 1;
        while e < h.len() && e - at < 254 && is_domain(h[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(h[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if s == at || e <= at + 1 || (s > 0 && h[s - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let domain = &h[at + 1..e];
        let labels: Vec<&[u8]> = domain.split(|&b| b == b'.').collect();
        let tld = labels.last().copied().unwrap_or_default();
        let ok = labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && l[0] != b'-' && l[l.len() - 1] != b'-')
            && tld.len() >= 2
            && tld.iter().all(u8::is_ascii_alphabetic)
            && !h[s..at].windows(2).any(|w| w == b"..");
        if !ok {
            continue;
        }
        let text = String::from_utf8_lossy(&h[s..e]).to_ascii_lowercase();
        out.push(Found {
            kind: Kind::Email,
            start: s,
            end: e,
            normalized: text,
            keep: 1,
            strong: !role_address(&h[s..at]),
        });
        last_end = e;
    }
}

/// Mailboxes of an office, not of a person.
fn role_address(local: &[u8]) -> bool {
    const ROLES: &[&str] = &[
        "info",
        "post",
        "postmaster",
        "kontakt",
        "contact",
        "noreply",
        "no-reply",
        "support",
        "kundservice",
        "registrator",
        "registratur",
        "kirjaamo",
        "kommune",
        "kommun",
        "admin",
        "webmaster",
        "office",
        "mail",
        "abuse",
        "hostmaster",
        "helpdesk",
        "servicedesk",
    ];
    let l = local.to_ascii_lowercase();
    ROLES.iter().any(|r| r.as_bytes() == &l[..])
}

/// Country calling codes of the Nordic countries, with the lengths of their national
/// significant numbers (ITU-T E.164 national numbering plans).
const COUNTRIES: &[(&str, usize, usize)] = &[
    ("45", 8, 8),   // Denmark
    ("46", 7, 9),   // Sweden
    ("47", 8, 8),   // Norway
    ("358", 5, 10), // Finland
    ("354", 7, 7),  // Iceland
];

/// Digits of a phone number written from `i` on, with single spaces, hyphens, dots or a
/// bracketed area code between groups: (end, digits).
fn phone_digits(h: &[u8], mut i: usize, max: usize) -> (usize, Vec<u8>) {
    let mut digits = Vec::new();
    let mut end = i;
    while i < h.len() && digits.len() < max {
        match h[i] {
            b'0'..=b'9' => {
                digits.push(h[i] - b'0');
                i += 1;
                end = i;
            }
            b' ' | b'-' | b'.' | b'(' | b')' | 0xA0
                if h.get(i + 1)
                    .is_some_and(|b| b.is_ascii_digit() || *b == b'(') =>
            {
                i += 1
            }
            _ => break,
        }
    }
    (end, digits)
}

/// Phone numbers written with a country code (`+46 70 123 45 67`, `0045 12345678`).
pub(crate) fn international_phones(h: &[u8], from: usize, to: usize, out: &mut Vec<Found>) {
    let mut last_end = from;
    for plus in memchr::memchr_iter(b'+', &h[from..to]).map(|i| from + i) {
        if plus < last_end || (plus > 0 && h[plus - 1].is_ascii_alphanumeric()) {
            continue;
        }
        if let Some(f) = international(h, plus, plus + 1) {
            last_end = f.end;
            out.push(f);
        }
    }
}

fn international(h: &[u8], start: usize, digits_from: usize) -> Option<Found> {
    let (end, d) = phone_digits(h, digits_from, 15);
    if end < h.len() && h[end].is_ascii_alphanumeric() {
        return None;
    }
    for &(cc, min, max) in COUNTRIES {
        let code: Vec<u8> = cc.bytes().map(|b| b - b'0').collect();
        if !d.starts_with(&code) {
            continue;
        }
        let mut national = &d[code.len()..];
        // A trunk zero written in brackets after the country code: +46 (0)70 ...
        if national.first() == Some(&0) {
            national = &national[1..];
        }
        if national.len() < min || national.len() > max || national[0] == 0 {
            return None;
        }
        let normalized = format!(
            "+{cc}{}",
            national
                .iter()
                .map(|x| char::from(b'0' + x))
                .collect::<String>()
        );
        return Some(Found {
            kind: Kind::Phone,
            start,
            end,
            normalized,
            keep: 1 + cc.len() + 2,
            strong: true,
        });
    }
    None
}

/// A national phone number after a phone label ending at `label_end`, on the same line.
fn labelled_phone(h: &[u8], label_end: usize) -> Option<Found> {
    let mut i = label_end;
    let limit = (label_end + 24).min(h.len());
    while i < limit && !h[i].is_ascii_digit() && h[i] != b'+' && h[i] != b'\n' {
        i += 1;
    }
    if i >= limit || h[i] == b'\n' {
        return None;
    }
    if h[i] == b'+' {
        return international(h, i, i + 1);
    }
    if h[i..].starts_with(b"00") {
        if let Some(f) = international(h, i, i + 2) {
            return Some(f);
        }
    }
    let (end, d) = phone_digits(h, i, 12);
    if (end < h.len() && h[end].is_ascii_alphanumeric()) || (i > 0 && h[i - 1].is_ascii_digit()) {
        return None;
    }
    // Numbers with a trunk zero (Sweden, Finland: 0 and 6 to 9 digits) keep their national
    // form, as the country cannot be told; eight digits without one are Danish or Norwegian
    // (a country code cannot be told either), seven Icelandic.
    let ok = match (d.first(), d.len()) {
        (Some(0), 7..=10) => d[1] != 0,
        (Some(2..=9), 8) => true,
        (Some(4..=8), 7) => true,
        _ => false,
    };
    if !ok {
        return None;
    }
    Some(Found {
        kind: Kind::Phone,
        start: i,
        end,
        normalized: d.iter().map(|x| char::from(b'0' + x)).collect(),
        keep: 3,
        strong: false,
    })
}

/// IBAN lengths per country (ISO 13616 registry), for the countries users here meet most.
pub(crate) const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"DK", 18),
    (b"FO", 18),
    (b"GL", 18),
    (b"SE", 24),
    (b"NO", 15),
    (b"FI", 18),
    (b"AX", 18),
    (b"IS", 26),
    (b"DE", 22),
    (b"GB", 22),
    (b"NL", 18),
    (b"BE", 16),
    (b"FR", 27),
    (b"ES", 24),
    (b"IT", 27),
    (b"PL", 28),
    (b"EE", 20),
    (b"LV", 21),
    (b"LT", 20),
    (b"AT", 20),
    (b"CH", 21),
    (b"IE", 22),
    (b"PT", 25),
    (b"LU", 20),
];

/// Whether `s` (letters and digits) is an IBAN of a country in [`IBAN_LENGTHS`]: that
/// country's length, and the mod 97 check of [`iban_check_digits`].
pub fn iban_valid(s: &[u8]) -> bool {
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| s.starts_with(&c[..])) else {
        return false;
    };
    s.len() == len && iban_check_digits(s)
}

/// Whether `s` (upper-case letters and digits) has an IBAN's form, two letters and two
/// digits first, and passes its ISO 7064 mod 97-10 check: those four moved to the end,
/// letters read as 10 to 35, the number is 1 modulo 97. Its length is the caller's to check:
/// the country's here, 15 to 34 for the `iban` validator of the rules file.
pub(crate) fn iban_check_digits(s: &[u8]) -> bool {
    if s.len() < 4
        || !s[..2].iter().all(u8::is_ascii_uppercase)
        || !s[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in s[4..].iter().chain(&s[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Whether `d` passes the Luhn check (its last digit is the check digit).
pub fn luhn(d: &[u8]) -> bool {
    match d.split_last() {
        Some((&check, payload)) => crate::validate::luhn_check_digit(payload) == check,
        None => false,
    }
}

/// Whether the digits of a card number lie in an issuer's range with that issuer's length
/// (Visa, Mastercard, American Express, Dankort, Maestro, Discover, JCB, Diners).
pub fn card_issuer(d: &[u8]) -> Option<&'static str> {
    let n = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + u32::from(x));
    let len = d.len();
    if len < 12 {
        return None;
    }
    match () {
        _ if d[0] == 4 && matches!(len, 13 | 16 | 19) => Some("visa"),
        _ if (51..=55).contains(&n(2)) || (2221..=2720).contains(&n(4)) => {
            (len == 16).then_some("mastercard")
        }
        _ if matches!(n(2), 34 | 37) => (len == 15).then_some("amex"),
        _ if n(4) == 5019 => (len == 16).then_some("dankort"),
        _ if n(4) == 6011 || n(2) == 65 || (644..=649).contains(&n(3)) => {
            (16..=19).contains(&len).then_some("discover")
        }
        _ if (3528..=3589).contains(&n(4)) => (16..=19).contains(&len).then_some("jcb"),
        _ if matches!(n(2), 36 | 38) || (300..=305).contains(&n(3)) => {
            (14..=19).contains(&len).then_some("diners")
        }
        _ if matches!(n(2), 50 | 56..=69) => (12..=19).contains(&len).then_some("maestro"),
        _ => None,
    }
}

/// Words that say a number nearby is a payment card: labels in the six languages, brands,
/// and the security code and expiry that are written beside a card number. Each must start
/// a word; the short ones must also end one.
const CARD_WORDS: &[(&str, bool)] = &[
    ("card", true),
    ("cards", true),
    ("cardnumber", true),
    ("cardno", true),
    ("card no", false),
    ("card number", false),
    ("credit card", false),
    ("creditcard", false),
    ("debit card", false),
    ("kort", true),
    ("kortet", true),
    ("kortnr", false),
    ("kortnummer", false),
    ("kortets", false),
    ("kreditkort", false),
    ("betalkort", false),
    ("betalingskort", false),
    ("bankkort", false),
    ("debetkort", false),
    ("debitkort", false),
    ("visakort", false),
    ("kortti", false),
    ("korttinumero", false),
    ("kortin numero", false),
    ("luottokort", false),
    ("pankkikort", false),
    ("maksukort", false),
    ("kortnúmer", false),
    ("greiðslukort", false),
    ("visa", true),
    ("mastercard", false),
    ("maestro", true),
    ("dankort", false),
    ("amex", true),
    ("american express", false),
    ("diners", true),
    ("discover", true),
    ("jcb", true),
    ("pan", true),
    ("cvc", false),
    ("cvv", false),
    ("cvc2", true),
    ("cvv2", true),
    ("expiry", false),
    ("expires", true),
    ("exp", true),
    ("valid thru", false),
    ("giltig", false),
    ("gyldig", false),
    ("udløb", false),
    ("utløp", false),
    ("voimassa", false),
    ("gildistím", false),
];

fn card_words() -> &'static (aho_corasick::AhoCorasick, Vec<bool>) {
    static WORDS: std::sync::OnceLock<(aho_corasick::AhoCorasick, Vec<bool>)> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut patterns = vec![];
        let mut whole = vec![];
        for &(w, must_end) in CARD_WORDS {
            for form in context::encodings([w.to_string()]) {
                patterns.push(form);
                whole.push(must_end);
            }
        }
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            // The words are constants: building fails only on a programming error.
            .unwrap_or_else(|e| panic!("card words: {e}"));
        (ac, whole)
    })
}

/// Whether `t` holds a word of [`CARD_WORDS`].
pub(crate) fn names_a_card(t: &[u8]) -> bool {
    let (ac, whole) = card_words();
    ac.find_iter(t).any(|m| {
        let starts = m.start() == 0 || !context::is_letter(t[m.start() - 1]);
        let ends = !whole[m.pattern().as_usize()]
            || t.get(m.end()).is_none_or(|&b| !context::is_letter(b));
        starts && ends
    })
}

/// An expiry date written as on a card: `MM/YY` or `MM/YYYY`.
fn expiry(t: &[u8]) -> bool {
    let d = |i: usize| t.get(i).is_some_and(u8::is_ascii_digit);
    (0..t.len()).any(|i| {
        let starts = i == 0 || !t[i - 1].is_ascii_alphanumeric();
        let month = d(i)
            && d(i + 1)
            && matches!((t[i], t[i + 1]), (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2'));
        if !(starts && month && t.get(i + 2) == Some(&b'/') && d(i + 3) && d(i + 4)) {
            return false;
        }
        let end = if d(i + 5) && d(i + 6) { i + 7 } else { i + 5 };
        !d(end) && t.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// What says that the card-shaped number at `h[start..end]` is a card: a card word or an
/// expiry date on its line or alone on the line above, within a short distance.
pub(crate) fn card_context(h: &[u8], start: usize, end: usize) -> Option<&'static str> {
    const BEFORE: usize = 80;
    const AFTER: usize = 60;
    // Its line and the line above, before it; the rest of its line after it.
    let from = start.saturating_sub(BEFORE);
    let line_start = memchr::memrchr(b'\n', &h[from..start]).map(|i| from + i);
    let above = line_start
        .and_then(|l| memchr::memrchr(b'\n', &h[from..l]).map(|i| from + i + 1))
        .unwrap_or(from);
    let before = &h[above..start];
    let to = (end + AFTER).min(h.len());
    let after = &h[end..memchr::memchr(b'\n', &h[end..to]).map_or(to, |i| end + i)];
    if names_a_card(before) || names_a_card(after) {
        Some("Luhn check in an issuer's range, a card word beside it")
    } else if expiry(before) || expiry(after) {
        Some("Luhn check in an issuer's range, an expiry date beside it")
    } else {
        None
    }
}

/// The delimiter and index of the column of a table's header `line` that names a card.
pub(crate) fn card_column(line: &[u8]) -> Option<(u8, usize)> {
    let delimiter = context::delimiter_of(line)?;
    line.split(|b| *b == delimiter)
        .position(names_a_card)
        .map(|col| (delimiter, col))
}

/// IBANs, card numbers and labelled national phone numbers, from the runs of digits of a
/// text in order ([`Groups::run`]).
pub(crate) struct Groups {
    /// The region: a token is read with the region it starts in (its runs of digits may lie
    /// after it).
    from: usize,
    to: usize,
    /// Where the last token read ends: runs inside it are part of it.
    done: usize,
    /// Tokens shaped as a card number in an issuer's range, and how many of them pass the
    /// Luhn check: where most fail, the few that pass do so by chance.
    pub cards_tried: u32,
    pub cards_valid: u32,
}

impl Groups {
    pub(crate) fn new(from: usize, to: usize) -> Groups {
        Groups {
            from,
            to,
            done: 0,
            cards_tried: 0,
            cards_valid: 0,
        }
    }

    /// Reads the token around the run of digits at `i`, unless an earlier token covered it.
    /// Inlined into the pass over the text: most runs of digits lie inside a token read before.
    #[inline]
    pub(crate) fn run(&mut self, h: &[u8], i: usize, labels: &Labels, out: &mut Vec<Found>) {
        if i >= self.done {
            self.token(h, i, labels, out);
        }
    }

    fn token(&mut self, h: &[u8], i: usize, labels: &Labels, out: &mut Vec<Found>) {
        // Back to the start of the token: digits, single spaces or hyphens between groups,
        // and an IBAN's country letters.
        let mut s = i;
        while s > self.done {
            let b = h[s - 1];
            let part = b.is_ascii_digit() || b.is_ascii_uppercase();
            let between = matches!(b, b' ' | b'-') && s >= 2 && h[s - 2].is_ascii_alphanumeric();
            if !(part || between) {
                break;
            }
            s -= 1;
            if i - s > 40 {
                break;
            }
        }
        while s < i && !h[s].is_ascii_alphanumeric() {
            s += 1;
        }
        if s < self.from || s >= self.to {
            return;
        }
        let (end, found) = group(h, s, labels, self);
        out.extend(found);
        self.done = end.max(i + 1);
    }
}

/// [`Groups`] over every run of digits in `h[from..to]`.
#[cfg(test)]
pub(crate) fn digit_groups(
    h: &[u8],
    from: usize,
    to: usize,
    labels: &Labels,
    out: &mut Vec<Found>,
) {
    let mut groups = Groups::new(from, to);
    crate::bytes::each(h, from, to, (false, true), |i, class| {
        if class == crate::bytes::Class::DigitRun {
            groups.run(h, i, labels, out);
        }
    });
}

/// Characters of a token read, at most: an IBAN's 34 and one more.
const TOKEN_MAX: usize = 35;

/// Reads the token at `s` as an IBAN or a card number; returns where it ends.
fn group(h: &[u8], s: usize, labels: &Labels, tally: &mut Groups) -> (usize, Option<Found>) {
    let part = |b: &u8| b.is_ascii_digit() || b.is_ascii_uppercase();
    let (n, e, letters, groups) = read_token(h, s);
    let glued = (s > 0 && h[s - 1].is_ascii_alphanumeric())
        || h.get(e).is_some_and(u8::is_ascii_alphanumeric);
    if glued || n < 7 {
        return (e, None);
    }
    if n < 12 && letters {
        return (e, None);
    }
    // The token's characters without its separators, copied only for the few tokens that
    // may be an IBAN or a card number.
    let chars = |buf: &mut [u8; TOKEN_MAX]| {
        for (x, &b) in buf.iter_mut().zip(h[s..e].iter().filter(|b| part(b))) {
            *x = b;
        }
    };
    if h[s].is_ascii_uppercase() {
        // The longest prefix that is a valid IBAN: text may follow the number.
        // Country letters and check digits first: most capitalised words stop here.
        let mut buf = [0u8; TOKEN_MAX];
        chars(&mut buf);
        let chars = &buf[..n];
        if !chars[2..4].iter().all(u8::is_ascii_digit) {
            return (e, None);
        }
        let valid = (15..=chars.len().min(34))
            .rev()
            .find(|&n| iban_valid(&chars[..n]) && (n == chars.len() || ends_group(h, s, n)));
        return match valid {
            Some(n) => {
                let end = end_of(h, s, n);
                let f = Found {
                    kind: Kind::Iban,
                    start: s,
                    end,
                    normalized: String::from_utf8_lossy(&chars[..n]).into_owned(),
                    keep: 4,
                    strong: true,
                };
                (end, Some(f))
            }
            None => (e, None),
        };
    }
    if letters {
        return (e, None);
    }
    // The phone number first, the label (a search of the text before) only for one.
    if (7..=12).contains(&n) {
        let phone = labelled_phone(h, s).filter(|f| f.end == e);
        let labelled = || context::local_label(labels, h, s).is_some_and(|l| l.phone);
        return (e, phone.filter(|_| labelled()));
    }
    // The cheap checks first: most long groups of digits are dates and amounts.
    if (13..=19).contains(&n) && groups.card(n) {
        let mut digits = [0u8; TOKEN_MAX];
        chars(&mut digits);
        let d = &mut digits[..n];
        for x in d.iter_mut() {
            *x -= b'0';
        }
        if card_issuer(d).is_none() {
            return (e, None);
        }
        tally.cards_tried += 1;
        if luhn(d) {
            tally.cards_valid += 1;
            let f = Found {
                kind: Kind::PaymentCard,
                start: s,
                end: e,
                normalized: d.iter().map(|x| char::from(b'0' + x)).collect(),
                keep: 6,
                // Written the way cards are printed: 4-4-4-4, or American Express's 4-6-5.
                strong: groups.splits >= 2,
            };
            return (e, Some(f));
        }
    }
    (e, None)
}

/// Reads the token at `s` once, copying nothing: this runs for every group of digits in the
/// text. Returns how many characters it has, where it ends, whether it has letters and how
/// its parts are grouped, so that most tokens (dates, amounts) are ruled out without reading
/// them again.
fn read_token(h: &[u8], s: usize) -> (usize, usize, bool, Grouping) {
    // Most tokens fit in 32 bytes: read from their bytes' classes, without a branch a byte.
    if let Some((digits, capitals, separators)) = crate::bytes::token_classes(h, s) {
        let part = digits | capitals;
        // A separator goes on only before a character; the last byte's successor is unknown.
        let goes_on = (part | (separators & (part >> 1))) & !(1 << 31);
        let len = goes_on.trailing_ones();
        if part & 1 == 1 && len < 31 {
            let mut groups = Grouping::default();
            let inside = (1u32 << len) - 1;
            let mut splits = separators & inside;
            while splits != 0 {
                let before = (1u32 << splits.trailing_zeros()) - 1;
                groups.split((part & before).count_ones() as usize);
                splits &= splits - 1;
            }
            let n = (part & inside).count_ones() as usize;
            return (n, s + len as usize, capitals & inside != 0, groups);
        }
    }
    read_bytewise(h, s)
}

/// [`read_token`] a byte at a time.
fn read_bytewise(h: &[u8], s: usize) -> (usize, usize, bool, Grouping) {
    let part = |b: &u8| b.is_ascii_digit() || b.is_ascii_uppercase();
    let mut groups = Grouping::default();
    let mut n = 0;
    let mut i = s;
    let mut letters = false;
    while n < TOKEN_MAX {
        let Some(&b) = h.get(i) else {
            break;
        };
        if b.is_ascii_digit() {
            n += 1;
            i += 1;
        } else if b.is_ascii_uppercase() {
            letters = true;
            n += 1;
            i += 1;
        } else if matches!(b, b' ' | b'-') && h.get(i + 1).is_some_and(part) {
            groups.split(n);
            i += 1;
        } else {
            break;
        }
    }
    // A separator is taken only before a character, which the loop then takes: the token
    // ends after a character.
    (n, i, letters, groups)
}

/// How the characters of a token are split into groups by single spaces or hyphens.
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Grouping {
    /// Characters before the last split; the lengths of the first two groups.
    split_at: usize,
    first: [usize; 2],
    splits: usize,
    /// Whether every group before the last split has four characters.
    fours: bool,
}

impl Default for Grouping {
    fn default() -> Grouping {
        Grouping {
            split_at: 0,
            first: [0; 2],
            splits: 0,
            fours: true,
        }
    }
}

impl Grouping {
    /// A split after the `n`th character.
    fn split(&mut self, n: usize) {
        let len = n - self.split_at;
        self.fours &= len == 4;
        if let Some(x) = self.first.get_mut(self.splits) {
            *x = len;
        }
        self.splits += 1;
        self.split_at = n;
    }

    /// Whether a token of `n` characters is grouped as a card number: one group, groups of
    /// four (the last one of any length), or American Express's 4-6-5.
    fn card(&self, n: usize) -> bool {
        self.fours || (self.splits == 2 && self.first == [4, 6] && n - self.split_at == 5)
    }
}

/// Whether the `n`th alphanumeric character of the token at `s` ends a group.
fn ends_group(h: &[u8], s: usize, n: usize) -> bool {
    let end = end_of(h, s, n);
    h.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// The byte offset after the `n`th alphanumeric character from `s`.
fn end_of(h: &[u8], s: usize, n: usize) -> usize {
    let mut seen = 0;
    let mut i = s;
    while i < h.len() && seen < n {
        if h[i].is_ascii_alphanumeric() {
            seen += 1;
        }
        i += 1;
    }
    i
}

/// The check digit of ICAO 9303 over `s`: weights 7, 3, 1; `<` is 0, letters 10-35.
fn mrz_check(s: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, &b) in s.iter().enumerate() {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += v * [7, 3, 1][i % 3];
    }
    Some((sum % 10) as u8)
}

fn check_digit_ok(field: &[u8], check: u8) -> bool {
    let expected = mrz_check(field);
    match check {
        b'0'..=b'9' => expected == Some(check - b'0'),
        // An optional field left empty has a filler check digit.
        b'<' => field.iter().all(|&b| b == b'<'),
        _ => false,
    }
}

fn mrz_line(h: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    let line = h.get(start..start + len)?;
    let ok = line
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'<');
    let ends = h
        .get(start + len)
        .is_none_or(|b| matches!(b, b'\r' | b'\n' | b' '));
    (ok && ends).then_some(line)
}

/// Passport machine-readable zones (ICAO 9303 TD3: two lines of 44), found from their `<<`
/// filler; every check digit of the second line must hold.
pub(crate) fn passports(h: &[u8], from: usize, to: usize, out: &mut Vec<Found>) {
    let mut last = from;
    for at in memchr::memmem::find_iter(&h[from..to], b"P<").map(|i| from + i) {
        if at < last || (at > 0 && !matches!(h[at - 1], b'\n' | b' ' | b'\r' | b'\t')) {
            continue;
        }
        let Some(first) = mrz_line(h, at, 44) else {
            continue;
        };
        let mut next = at + 44;
        while next < h.len() && matches!(h[next], b'\r' | b'\n' | b' ') && next < at + 47 {
            next += 1;
        }
        let Some(second) = mrz_line(h, next, 44) else {
            continue;
        };
        let composite: Vec<u8> = [&second[0..10], &second[13..20], &second[21..43]].concat();
        let valid = check_digit_ok(&second[0..9], second[9])
            && check_digit_ok(&second[13..19], second[19])
            && check_digit_ok(&second[21..27], second[27])
            && check_digit_ok(&second[28..42], second[42])
            && check_digit_ok(&composite, second[43]);
        if !valid || !first[2..5].iter().all(u8::is_ascii_uppercase) {
            continue;
        }
        let mut normalized = String::from_utf8_lossy(&first[2..5]).into_owned();
        normalized.push_str(&String::from_utf8_lossy(&second[0..9]));
        out.push(Found {
            kind: Kind::PassportMrz,
            start: at,
            end: next + 44,
            normalized,
            keep: 5,
            strong: true,
        });
        last = next + 44;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(Kind, String)> {
        let h = text.as_bytes();
        let mut out = vec![];
        emails(h, 0, h.len(), &mut out);
        international_phones(h, 0, h.len(), &mut out);
        digit_groups(h, 0, h.len(), &Labels::new(), &mut out);
        passports(h, 0, h.len(), &mut out);
        out.into_iter()
            .map(|f| (f.kind, text[f.start..f.end].to_string()))
            .collect()
    }

    #[test]
    fn emails_have_a_domain_with_a_top_level_name() {
        assert_eq!(
            all("Skriv til anna.k@kommune.example, ikke til cid:image001.png@01D2A3B4."),
            vec![(Kind::Email, "anna.k@kommune.example".into())]
        );
        assert!(all("user@localhost and @handle and a@b.c").is_empty());
    }

    #[test]
    fn phones_with_a_country_code_have_a_national_length() {
        assert_eq!(
            all("Ring +46 70 123 45 67 eller +45 12 34 56 78."),
            vec![
                (Kind::Phone, "+46 70 123 45 67".into()),
                (Kind::Phone, "+45 12 34 56 78".into())
            ]
        );
        // Too short for Denmark; not a Nordic country code.
        assert!(all("+45 1234 567 and +49 30 1234567").is_empty());
        // National numbers only after a phone label.
        assert_eq!(
            all("Tlf.: 070-792 41 72; ordre 070-792 41 72"),
            vec![(Kind::Phone, "070-792 41 72".into())]
        );
        assert_eq!(all("Telefon 22 34 56 78")[0].0, Kind::Phone);
    }

    #[test]
    fn ibans_pass_mod_97_with_their_country_length() {
        // The example IBANs of the national banks' published formats.
        assert!(iban_valid(b"DK5000400440116243"));
        assert!(iban_valid(b"GB82WEST12345698765432"));
        assert!(!iban_valid(b"DK5000400440116244"));
        assert!(!iban_valid(b"DK50004004401162"));
        assert_eq!(
            all("IBAN: DK50 0040 0440 1162 43 kr."),
            vec![(Kind::Iban, "DK50 0040 0440 1162 43".into())]
        );
    }

    #[test]
    fn cards_pass_luhn_in_an_issuer_range() {
        assert_eq!(
            all("Kort 4111 1111 1111 1111 og 5500005555555559"),
            vec![
                (Kind::PaymentCard, "4111 1111 1111 1111".into()),
                (Kind::PaymentCard, "5500005555555559".into())
            ]
        );
        // Luhn-valid but in no issuer's range; Luhn-invalid Visa.
        assert!(all("9111111111111116 4111111111111112").is_empty());
    }

    #[test]
    fn card_numbers_are_grouped_by_four_or_as_amex() {
        for (text, cards) in [
            ("4111111111111111", 1),
            ("4111 1111 1111 1111", 1),
            ("4111-1111-1111-1111", 1),
            ("3782 822463 10005", 1),
            ("41 1111 1111 1111 11", 0),
            ("4111 1111 111 11111", 0),
            ("3782 822463 1000 5", 0),
        ] {
            assert_eq!(all(text).len(), cards, "{text}");
        }
    }

    #[test]
    fn tokens_read_from_byte_classes_are_read_as_byte_by_byte() {
        let text = "Konto DK50 0040 0440 1162 43, kort 4111-1111-1111-1111 och 3782 822463 10005 \
                    2024-01-31 12:00, 31.01.2024; 0101901238 -12 - 34  56 AB-12 9- 12--34 \
                    123456789012345678901234567890123456789 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 ";
        let h = text.as_bytes();
        for s in 0..h.len() {
            if h[s].is_ascii_alphanumeric() {
                assert_eq!(read_token(h, s), read_bytewise(h, s), "at {s}");
            }
        }
    }

    #[test]
    fn passport_zones_need_every_check_digit() {
        // The specimen of ICAO Doc 9303 part 4.
        let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n";
        assert_eq!(all(mrz).len(), 1);
        assert_eq!(all(mrz)[0].0, Kind::PassportMrz);
        let bad = mrz.replace("7408122", "7408123");
        assert!(all(&bad).is_empty());
    }
}
