//! Postal addresses of the five Nordic countries: a street name and house number, then, after
//! a comma, on the next line, in the next field of a delimited file or after an HTML `<br>`, a
//! postcode and a town ("Storgatan 12 B, 114 55 Stockholm", "Nørregade 12, 3. tv\n1165
//! København K", "Storgata 5;0155;OSLO").
//!
//! The trigger is the postcode, the rarest part: the starts of runs of digits are found 16
//! bytes at a time ([`crate::bytes`], shared with the payment finders), and only a run of three to five digits
//! that is followed by a capitalised town is read further. Then the line before it, at most
//! 80 bytes, must end in a street word and a house number. The street word's ending says
//! which languages it can be (-gatan, -vej, -veien, -katu, -vegur); the postcode's shape says
//! which countries (`NNN NN`, four digits, five, three). An address is reported only where the
//! two agree on one country. A street without a known ending counts only after an address
//! label ("Adress:", "Osoite:"), and then the label's language stands in for the ending.
//! These words and shapes per country are data, `data/address.tab`, read once at the first
//! search (`address/tables.rs`).
//!
//! Precision comes first: a postcode and town alone, a street without a postcode, a number
//! and a capitalised word in prose, and tables of numbers are not addresses here. Nothing is
//! allocated until an address is found; every byte is read through bounds-checked helpers.

mod tables;

use tables::{tables, Chars};

/// One postal address found in a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Address {
    /// Byte offset of the street name's first byte.
    pub start: usize,
    /// Byte offset after the town name.
    pub end: usize,
    /// "se", "dk", "no", "fi" or "is"; "dk/no" where nothing tells Denmark and Norway apart.
    pub country: &'static str,
    /// Input of a keyed fingerprint, the same for UTF-8 and Windows-1252 text: street, house
    /// number, postcode and town, lower case, single spaces, the country prefix dropped. The
    /// house part is its letters and digits split into runs (`12B`, `12 B` → `12 b`; `12, 3.
    /// tv` → `12 3 tv`); a Swedish postcode is written `NNN NN`, others as digits:
    /// `storgatan 12 b 114 55 stockholm`, `nørregade 12 3 tv 1165 københavn k`.
    pub normalized: String,
    /// The form that may be shown: the postcode's first two digits and the country, nothing
    /// of the street, number or town: `[address] 11* ** (se)`, `[address] 11** (dk)`.
    pub masked: String,
}

// Countries, as bits of a set; `data/address.tab` names them se, dk, no, fi, is.
const SE: u8 = 1;
const DK: u8 = 2;
const NO: u8 = 4;
const FI: u8 = 8;
const IS: u8 = 16;

/// How far before its postcode a street line may begin.
const LINE_MAX: usize = 80;
/// Blanks on each side of the comma or line break between street line and postcode.
const GAP_MAX: usize = 12;
/// How far before the postcode's digits a street may begin: the line, the gaps, quotes, the
/// separator (`\r\n`, `<br />`) and a country prefix ("FIN-").
const REACH: usize = LINE_MAX + 2 * GAP_MAX + 16;
/// Bytes of a house part: "100, st. th.", "5 lgh 1102", "12 A 5".
const HOUSE_MAX: usize = 40;
/// Characters in a word that is read as a street, label or town word.
const WORD_MAX: usize = 32;

fn country_code(c: u8) -> &'static str {
    match c {
        SE => "se",
        DK => "dk",
        NO => "no",
        FI => "fi",
        IS => "is",
        _ => "dk/no",
    }
}

/// The byte at `i`, or 0 past the end.
fn at(h: &[u8], i: usize) -> u8 {
    h.get(i).copied().unwrap_or(0)
}

/// The byte before `i`, or 0 at the start.
fn before(h: &[u8], i: usize) -> u8 {
    i.checked_sub(1).map_or(0, |j| at(h, j))
}

/// Bytes that end a word around an address: blanks, line ends, punctuation of lists.
fn delimiter(b: u8) -> bool {
    matches!(
        b,
        0 | b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b':' | b'(' | b')' | b'"' | b'\'' | b'>'
    )
}

/// Separators of fields in a delimited file: "Storgatan 12;114 55;Stockholm".
fn field_separator(b: u8) -> bool {
    matches!(b, b',' | b';' | b'|' | b'\t')
}

/// Bytes a postcode may follow: a blank, a line end, a field separator, a quote, a tag.
fn field_start(b: u8) -> bool {
    matches!(b, 0 | b' ' | b'\n' | b'\r' | 0xA0 | b'"' | b'>') || field_separator(b)
}

/// The length of a blank at `i`: space, tab, no-break space in Latin-1 or UTF-8.
fn blank(h: &[u8], i: usize) -> usize {
    match at(h, i) {
        b' ' | b'\t' | 0xA0 => 1,
        0xC2 if at(h, i + 1) == 0xA0 => 2,
        _ => 0,
    }
}

/// The length of a blank ending at `i`; 0xA0 after a UTF-8 lead byte is a letter ("à").
fn blank_before(h: &[u8], i: usize) -> usize {
    match before(h, i) {
        b' ' | b'\t' => 1,
        0xA0 if i >= 2 && before(h, i - 1) == 0xC2 => 2,
        0xA0 if i >= 2 && (0xC3..=0xDF).contains(&before(h, i - 1)) => 0,
        0xA0 => 1,
        _ => 0,
    }
}

/// The character at `i` and its length: UTF-8 where the bytes form a sequence, Windows-1252
/// otherwise (so `ä` is read from 0xC3 0xA4 and from 0xE4 alike). Past the end: NUL.
fn decode(h: &[u8], i: usize) -> (char, usize) {
    let b0 = at(h, i);
    if b0 < 0x80 {
        return (char::from(b0), 1);
    }
    let cont = |k: usize| at(h, i + k) & 0xC0 == 0x80;
    let low = |k: usize| u32::from(at(h, i + k) & 0x3F);
    if (0xC2..=0xDF).contains(&b0) && cont(1) {
        if let Some(c) = char::from_u32((u32::from(b0 & 0x1F) << 6) | low(1)) {
            return (c, 2);
        }
    }
    if (0xE0..=0xEF).contains(&b0) && cont(1) && cont(2) {
        let v = (u32::from(b0 & 0x0F) << 12) | (low(1) << 6) | low(2);
        if let Some(c) = char::from_u32(v).filter(|_| v >= 0x800) {
            return (c, 3);
        }
    }
    let c = match b0 {
        0x8A => 'Š',
        0x8C => 'Œ',
        0x8E => 'Ž',
        0x9A => 'š',
        0x9C => 'œ',
        0x9E => 'ž',
        0x9F => 'Ÿ',
        0x80..=0x9F => '\u{FFFD}',
        _ => char::from(b0),
    };
    (c, 1)
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// A word read from the text, its letters in lower case on the stack.
struct Word {
    end: usize,
    len: usize,
    upper_first: bool,
    all_upper: bool,
    lower: [char; WORD_MAX],
}

impl Word {
    fn chars(&self) -> &[char] {
        &self.lower[..self.len]
    }

    fn is_any(&self, list: &[Chars]) -> bool {
        list.iter().any(|s| self.chars() == &s[..])
    }

    /// How many characters come before `suffix`, if the word ends with it.
    fn before_suffix(&self, suffix: &[char]) -> Option<usize> {
        let n = self.len.checked_sub(suffix.len())?;
        (self.lower[n..self.len] == *suffix).then_some(n)
    }
}

/// The word at `i` before `lim`: letters, with single hyphens between them.
fn word(h: &[u8], i: usize, lim: usize) -> Option<Word> {
    let lim = lim.min(h.len());
    let mut w = Word {
        end: i,
        len: 0,
        upper_first: false,
        all_upper: true,
        lower: ['\0'; WORD_MAX],
    };
    let mut j = i;
    while j < lim {
        let (c, n) = decode(h, j);
        let letter = c.is_alphabetic();
        let hyphen = c == '-' && w.len > 0 && j + 1 < lim && decode(h, j + 1).0.is_alphabetic();
        if !(letter || hyphen) || j + n > lim {
            break;
        }
        if w.len == WORD_MAX {
            return None;
        }
        if w.len == 0 {
            w.upper_first = c.is_uppercase();
        }
        w.all_upper &= !c.is_lowercase();
        w.lower[w.len] = lower(c);
        w.len += 1;
        j += n;
        w.end = j;
    }
    (w.len > 0).then_some(w)
}

/// A postcode: where it starts (country prefix included), its digits, the countries whose
/// postcodes look so.
struct Postcode {
    start: usize,
    end: usize,
    digits: [u8; 5],
    n: usize,
    countries: u8,
}

/// The postcode whose digits are `h[s..e]`, with the country prefix before it, if any.
fn postcode(h: &[u8], s: usize, e: usize) -> Option<Postcode> {
    let n = e - s;
    let mut digits = [0u8; 5];
    for (k, d) in digits.iter_mut().enumerate().take(n.min(5)) {
        *d = at(h, s + k);
    }
    let mut pc = Postcode {
        start: s,
        end: e,
        digits,
        n,
        countries: 0,
    };
    let value = digits[..n.min(5)]
        .iter()
        .fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    // The first shape of this many digits that fits: "114 55" is Swedish, "114" Icelandic.
    for shape in tables().postcodes.get(n).map_or(&[][..], Vec::as_slice) {
        if !(shape.low..=shape.high).contains(&value) {
            continue;
        }
        if shape.extra > 0 {
            // More digits after a blank: exactly `extra` of them.
            let gap = blank(h, e);
            let more = gap > 0
                && (0..shape.extra).all(|k| at(h, e + gap + k).is_ascii_digit())
                && !at(h, e + gap + shape.extra).is_ascii_digit();
            if !more {
                continue;
            }
            for k in 0..shape.extra {
                pc.digits[n + k] = at(h, e + gap + k);
            }
            pc.n = n + shape.extra;
            pc.end = e + gap + shape.extra;
        }
        pc.countries = shape.countries;
        break;
    }
    let b = before(h, s);
    if b == b'-' {
        // A country prefix: "SE-114 55", "DK-2100", "FIN-00100".
        let mut t = s - 1;
        while t > 0 && h[t - 1].is_ascii_uppercase() && s - 1 - t < 3 {
            t -= 1;
        }
        let letters = h.get(t..s - 1)?;
        let &(_, only) = tables()
            .country_prefixes
            .iter()
            .find(|(p, _)| **p == *letters)?;
        if !field_start(before(h, t)) {
            return None;
        }
        pc.countries &= only;
        pc.start = t;
    } else if !field_start(b) {
        return None;
    }
    (pc.countries != 0).then_some(pc)
}

/// Whether the byte after a postcode's digits lets a town follow ([`town`]): a blank (a
/// Swedish postcode's gap is one too) or a field separator, quoted or not.
fn town_may_follow(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0xA0 | 0xC2 | b'"' | b',' | b';' | b'|')
}

/// A town after a postcode.
struct Town {
    start: usize,
    end: usize,
    /// Ends in a Danish postal district letter: "København K".
    compass: bool,
}

/// The town after the blanks at `i`: a capitalised word, and up to two more capitalised words
/// when they end the line or the field ("Kongens Lyngby", "København Ø").
fn town(h: &[u8], i: usize) -> Option<Town> {
    let mut j = i;
    let blanks = |j: &mut usize| {
        for _ in 0..4 {
            match blank(h, *j) {
                0 => break,
                k => *j += k,
            }
        }
    };
    // Blanks, or a field separator, quoted or not: `114 55";"Stockholm`.
    let quoted = at(h, j) == b'"';
    j += usize::from(quoted);
    if matches!(at(h, j), b',' | b';' | b'|') {
        j += 1;
    } else if quoted && at(h, j) != b'\t' {
        return None;
    }
    blanks(&mut j);
    j += usize::from(at(h, j) == b'"');
    if j == i {
        return None;
    }
    let start = j;
    let lim = h.len().min(start + 48);
    let first = word(h, start, lim)?;
    if !first.upper_first
        || first.len < 2
        || first.is_any(&tables().not_towns)
        || at(h, first.end).is_ascii_digit()
    {
        return None;
    }
    let mut end = first.end;
    let mut compass = false;
    let mut k = 0;
    while k < 2 && at(h, end) == b' ' {
        let Some(next) = word(h, end + 1, lim) else {
            break;
        };
        if !next.upper_first {
            break;
        }
        compass |= next.all_upper && next.is_any(&tables().districts);
        end = next.end;
        k += 1;
    }
    let closed = matches!(
        at(h, end),
        0 | b'\r' | b'\n' | b',' | b';' | b'.' | b')' | b'\t' | b'"' | b'/' | b'|' | b'<'
    );
    if k > 0 && !closed {
        return Some(Town {
            start,
            end: first.end,
            compass: false,
        });
    }
    Some(Town {
        start,
        end,
        compass,
    })
}

/// The end of the street line before a postcode at `p`: the postcode must follow a comma or
/// a field separator on the same line (quoted or not), or begin the next line.
fn street_line_end(h: &[u8], p: usize) -> Option<usize> {
    let mut j = p;
    let mut tab = false;
    let skip = |j: &mut usize, tab: &mut bool| loop {
        let k = blank_before(h, *j);
        if k == 0 || p - (*j - k) > GAP_MAX * 2 {
            break;
        }
        *tab |= before(h, *j) == b'\t';
        *j -= k;
    };
    skip(&mut j, &mut tab);
    j -= usize::from(before(h, j) == b'"');
    skip(&mut j, &mut tab);
    let br = line_break_tag(h, j);
    if br > 0 {
        // HTML: `Strandvej 1<br>9999 Vejstrand`.
        return Some(j - br);
    }
    match before(h, j) {
        b',' | b';' | b'|' => j -= 1,
        b'\n' => {
            j -= 1;
            if before(h, j) == b'\r' {
                j -= 1;
            }
        }
        b'\r' => j -= 1,
        _ if tab => {}
        _ => return None,
    }
    skip(&mut j, &mut tab);
    j -= usize::from(before(h, j) == b'"');
    j -= line_break_tag(h, j);
    Some(j)
}

/// The length of an HTML line break (`<br>`, `<br/>`, `<br />`) ending at `j`.
fn line_break_tag(h: &[u8], j: usize) -> usize {
    [&b"<br>"[..], b"<br/>", b"<br />"]
        .iter()
        .find(|t| {
            j.checked_sub(t.len())
                .and_then(|s| h.get(s..j))
                .is_some_and(|b| b.eq_ignore_ascii_case(t))
        })
        .map_or(0, |t| t.len())
}

/// Where the line that ends at `le` begins, at most `LINE_MAX` bytes back and not before
/// `floor`.
fn line_start(h: &[u8], le: usize, floor: usize) -> usize {
    let lo = le.saturating_sub(LINE_MAX).max(floor);
    let mut j = le;
    while j > lo && !matches!(h.get(j - 1), Some(b'\n' | b'\r')) {
        j -= 1;
    }
    j
}

/// Hints the house part gives on the country.
#[derive(Default, Clone, Copy)]
struct Hints {
    /// A Danish floor or side: "3. tv", "st. th".
    dk: bool,
    /// A Norwegian flat number: "H0101".
    no: bool,
}

/// Whether the house number written from `p` ends exactly at `le`: 1-4 digits, a range
/// ("12-14"), a letter ("12B", "12 B"), a flat ("A 5", "as 5", "lgh 1102", "H0101"), a
/// Danish floor and side ("3. tv", "st. th", "3 mf").
fn house(h: &[u8], p: usize, le: usize) -> Option<Hints> {
    let digits = |i: usize| {
        let mut j = i;
        while j < le && at(h, j).is_ascii_digit() {
            j += 1;
        }
        j - i
    };
    let n = digits(p);
    if !(1..=4).contains(&n) || at(h, p) == b'0' {
        return None;
    }
    let mut q = p + n;
    let mut hints = Hints::default();
    if at(h, q) == b'-' && q + 1 < le {
        let m = digits(q + 1);
        if (1..=4).contains(&m) {
            q += 1 + m;
        }
    }
    #[derive(PartialEq)]
    enum Last {
        Number,
        Letter,
        Other,
    }
    let mut last = Last::Number;
    if q < le && at(h, q).is_ascii_alphabetic() && !at(h, q + 1).is_ascii_alphabetic() {
        last = Last::Letter;
        q += 1;
    }
    // What the next token must be: anything, digits (after "lgh"), a side (after "3").
    let mut want_digits = false;
    let mut want_side = false;
    let mut dot = false;
    let mut tokens = 0;
    while q < le {
        let (mut gap, mut commas) = (0, 0);
        while q < le && matches!(at(h, q), b' ' | b',') {
            commas += usize::from(at(h, q) == b',');
            gap += 1;
            q += 1;
        }
        if (gap == 0 && !dot) || commas > 1 || q >= le {
            return None;
        }
        tokens += 1;
        if tokens > 4 {
            return None;
        }
        let t = q;
        while q < le && at(h, q).is_ascii_alphanumeric() {
            q += 1;
        }
        let tok = h.get(t..q).filter(|t| !t.is_empty())?;
        dot = q < le && at(h, q) == b'.';
        if dot {
            q += 1;
        }
        let numeric = tok.iter().all(u8::is_ascii_digit);
        let is = |s: &[u8]| tok.eq_ignore_ascii_case(s);
        let side = is(b"tv") || is(b"th") || is(b"mf");
        if want_digits {
            if !numeric || tok.len() > 4 {
                return None;
            }
            want_digits = false;
            last = Last::Other;
            continue;
        }
        if want_side {
            if !side {
                return None;
            }
            want_side = false;
            hints.dk = true;
            last = Last::Other;
            continue;
        }
        last = match () {
            _ if numeric && dot && tok.len() <= 2 => {
                hints.dk = true;
                Last::Other
            }
            _ if numeric && last == Last::Letter && tok.len() <= 3 => Last::Other,
            _ if numeric && tok.len() <= 2 => {
                want_side = true;
                Last::Other
            }
            _ if tok.len() == 1 && !numeric && last == Last::Number => Last::Letter,
            _ if side || is(b"st") || is(b"kl") || is(b"sal") => {
                hints.dk = true;
                Last::Other
            }
            _ if is(b"as") || is(b"bst") || is(b"lgh") => {
                want_digits = true;
                Last::Other
            }
            _ if tok.len() == 5
                && matches!(tok[0].to_ascii_uppercase(), b'H' | b'U' | b'L' | b'K')
                && tok[1..].iter().all(u8::is_ascii_digit) =>
            {
                hints.no = true;
                Last::Other
            }
            _ => return None,
        };
    }
    (q == le && !want_digits && !want_side).then_some(hints)
}

/// A token of a street name before its last word, after a single space, not before the line.
struct Token {
    start: usize,
    capitalised: bool,
    /// Ends in -s, as a name before "gate" or "väg" does: "Karl Johans gate".
    genitive: bool,
    /// One of the street prefixes of `data/address.tab`.
    prefix: bool,
}

/// The word or initials ("H.C.", "St.") before the street word at `p`.
fn token_before(h: &[u8], p: usize, ls: usize) -> Option<Token> {
    if before(h, p) != b' ' || p < ls + 2 {
        return None;
    }
    let te = p - 1;
    let mut t = te;
    while t > ls && !delimiter(h[t - 1]) && te - t < 40 {
        t -= 1;
    }
    if t == te || !delimiter(before(h, t)) {
        return None;
    }
    let mut buf = ['\0'; WORD_MAX];
    let mut n = 0;
    let mut j = t;
    while j < te {
        let (c, k) = decode(h, j);
        if !(c.is_alphabetic() || c == '.' || c == '-') || n == WORD_MAX {
            return None;
        }
        buf[n] = c;
        n += 1;
        j += k;
    }
    let chars = &buf[..n];
    let first = chars.first()?;
    let bare = chars.strip_suffix(&['.']).unwrap_or(chars);
    let is_prefix = tables()
        .prefixes
        .iter()
        .any(|pre| bare.iter().map(|&c| lower(c)).eq(pre.iter().copied()));
    Some(Token {
        start: t,
        capitalised: first.is_uppercase(),
        genitive: chars.last().is_some_and(|&c| lower(c) == 's'),
        prefix: is_prefix && first.is_uppercase(),
    })
}

/// A street found in a line.
struct Street {
    start: usize,
    house: usize,
    countries: u8,
    hints: Hints,
}

/// Whether a word may begin at `i`.
fn word_start(h: &[u8], i: usize) -> bool {
    delimiter(before(h, i)) && !at(h, i).is_ascii_digit()
}

/// Where a house number may begin so that it ends the line at `le`: after a single space
/// that follows a word, at most `HOUSE_MAX` bytes before `le`, and reaching `le`.
fn houses(h: &[u8], ls: usize, le: usize) -> impl Iterator<Item = (usize, Hints)> + '_ {
    (le.saturating_sub(HOUSE_MAX).max(ls + 2)..le).filter_map(move |p| {
        let starts = at(h, p).is_ascii_digit()
            && before(h, p) == b' '
            && !delimiter(before(h, p - 1))
            && !before(h, p - 1).is_ascii_digit();
        starts
            .then(|| house(h, p, le))
            .flatten()
            .map(|hints| (p, hints))
    })
}

/// Where the token that ends at `e` begins, not before `ls`.
fn token_start(h: &[u8], ls: usize, e: usize) -> usize {
    let mut t = e;
    while t > ls && !delimiter(h[t - 1]) && e - t < 4 * WORD_MAX {
        t -= 1;
    }
    t
}

/// A street word with a known ending, then a house number reaching `le`, in `h[ls..le]`.
fn suffix_street(h: &[u8], ls: usize, le: usize) -> Option<Street> {
    houses(h, ls, le).find_map(|(p, hints)| {
        let ws = token_start(h, ls, p - 1);
        let w = word(h, ws, p - 1).filter(|w| w.end == p - 1 && word_start(h, ws))?;
        let (mut compound, mut alone) = (0u8, 0u8);
        for ending in &tables().endings {
            match w.before_suffix(&ending.chars) {
                Some(0) if ending.alone => alone |= ending.countries,
                Some(k) if k >= 2 => compound |= ending.countries,
                _ => {}
            }
        }
        if compound | alone == 0 {
            return None;
        }
        let start = street_start(h, ws, ls, &w, compound == 0)?;
        let mut countries = if compound != 0 { compound } else { alone };
        // Streets of Swedish-speaking Finland have Swedish names.
        if countries & SE != 0 {
            countries |= FI;
        }
        Some(Street {
            start,
            house: p,
            countries,
            hints,
        })
    })
}

/// Where a street whose last word begins at `ws` begins: a one-word name takes the prefix
/// words before it ("Västra"), and needs one when it is in lower case ("Norra esplanaden");
/// a separate ending ("gate") needs a capitalised name before it,
/// up to two words ("Karl Johans", "H.C. Andersens"), ending in -s or a prefix word when the
/// ending is lower case.
fn street_start(h: &[u8], ws: usize, ls: usize, w: &Word, standalone: bool) -> Option<usize> {
    let mut start = ws;
    let mut taken = 0;
    while taken < 2 {
        let Some(tok) = token_before(h, start, ls) else {
            break;
        };
        let ok = if standalone {
            tok.capitalised && (taken > 0 || w.upper_first || tok.genitive || tok.prefix)
        } else {
            tok.prefix
        };
        if !ok {
            break;
        }
        start = tok.start;
        taken += 1;
    }
    ((!standalone && w.upper_first) || taken > 0).then_some(start)
}

/// The countries of an address label ending just before the street at `ws`, on its line or
/// alone on the line above: "Adress: Kungsholmsstrand 5", "Osoite:\nKotikuja 5".
fn label_before(h: &[u8], ws: usize) -> Option<u8> {
    let mut j = ws;
    let mut tab = false;
    let skip = |j: &mut usize, tab: &mut bool| {
        for _ in 0..GAP_MAX {
            match before(h, *j) {
                b @ (b' ' | b'\t') => {
                    *tab |= b == b'\t';
                    *j -= 1;
                }
                _ => break,
            }
        }
    };
    skip(&mut j, &mut tab);
    if before(h, j) == b'\n' {
        j -= 1;
        if before(h, j) == b'\r' {
            j -= 1;
        }
        skip(&mut j, &mut tab);
    }
    if before(h, j) == b':' {
        j -= 1;
        skip(&mut j, &mut tab);
    } else if !tab {
        return None;
    }
    tables().labels.iter().find_map(|(label, countries)| {
        let s = j.checked_sub(label.len())?;
        h.get(s..j)
            .is_some_and(|b| b.eq_ignore_ascii_case(label))
            .then_some(*countries)
    })
}

/// A labelled street of up to four words without a known ending, then a house number
/// reaching `le`.
fn labelled_street(h: &[u8], ls: usize, le: usize) -> Option<Street> {
    // A label ends in a colon or a tab, on this line or the one above.
    let lo = ls.saturating_sub(2 * GAP_MAX + 2);
    if !h.get(lo..le)?.iter().any(|&b| b == b':' || b == b'\t') {
        return None;
    }
    houses(h, ls, le).find_map(|(p, _)| {
        let mut t = p - 1;
        for _ in 0..4 {
            t = token_start(h, ls, t);
            if let Some(countries) = label_before(h, t) {
                let (house_at, hints) = labelled_words(h, t, le)?;
                return (house_at == p).then_some(Street {
                    start: t,
                    house: p,
                    countries,
                    hints,
                });
            }
            if before(h, t) != b' ' || t < ls + 2 {
                return None;
            }
            t -= 1;
        }
        None
    })
}

/// The street words of a labelled address from `ws`, the first capitalised and not a
/// post-office box: where the house number begins, and its hints.
fn labelled_words(h: &[u8], ws: usize, le: usize) -> Option<(usize, Hints)> {
    let mut p = ws;
    for k in 0..4 {
        let w = word(h, p, le)?;
        if k == 0 && (!w.upper_first || w.len < 2 || w.is_any(&tables().boxes)) {
            return None;
        }
        let mut q = w.end;
        if at(h, q) == b'.' {
            q += 1;
        }
        if at(h, q) != b' ' {
            return None;
        }
        q += 1;
        if at(h, q).is_ascii_digit() {
            return house(h, q, le).map(|hints| (q, hints));
        }
        p = q;
    }
    None
}

/// The one country left, or a tie broken: a Swedish name with a five-digit postcode is
/// Swedish; Danish or Norwegian by a Danish floor or district, or a Norwegian flat. Street and
/// postcode that agree on both Denmark and Norway ("Solbakken 3, 4000 Roskilde": both write
/// streets and postcodes so) are still an address, of either: `DK | NO`.
fn resolve(countries: u8, dk: bool, no: bool) -> Option<u8> {
    match countries {
        c if c.count_ones() == 1 => Some(c),
        c if c == SE | FI => Some(SE),
        c if c == DK | NO && dk != no => Some(if dk { DK } else { NO }),
        c if c == DK | NO => Some(c),
        _ => None,
    }
}

/// Lower-case text of `h[s..e]` with blanks collapsed to single spaces.
fn push_text(h: &[u8], s: usize, e: usize, out: &mut String) {
    let mut j = s;
    let mut space = false;
    while j < e {
        let (c, n) = decode(h, j);
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            space = false;
            out.push(lower(c));
        }
        j += n;
    }
}

/// The house part as its runs of digits and of letters, lower case, single spaces.
fn push_house(h: &[u8], s: usize, e: usize, out: &mut String) {
    let mut prev: Option<bool> = None;
    for &b in h.get(s..e).unwrap_or_default() {
        if !b.is_ascii_alphanumeric() {
            prev = None;
            continue;
        }
        let digit = b.is_ascii_digit();
        if prev != Some(digit) && !out.ends_with(' ') {
            out.push(' ');
        }
        prev = Some(digit);
        out.push(char::from(b.to_ascii_lowercase()));
    }
}

/// The address whose postcode digits are `h[s..e]`, if a street stands before it.
fn at_postcode(h: &[u8], s: usize, e: usize, floor: usize) -> Option<Address> {
    let pc = postcode(h, s, e)?;
    let town = town(h, pc.end)?;
    let le = street_line_end(h, pc.start)?;
    let ls = line_start(h, le, floor);
    let street = match suffix_street(h, ls, le) {
        Some(street) => street,
        None => labelled_street(h, ls, le)?,
    };
    let country = resolve(
        street.countries & pc.countries,
        street.hints.dk || town.compass,
        street.hints.no,
    )?;
    let digits = &pc.digits[..pc.n];
    let mut normalized = String::new();
    push_text(h, street.start, street.house, &mut normalized);
    push_house(h, street.house, le, &mut normalized);
    normalized.push(' ');
    let mut masked = String::from("[address] ");
    for (k, &d) in digits.iter().enumerate() {
        if k == 3 && country == SE {
            normalized.push(' ');
            masked.push(' ');
        }
        normalized.push(char::from(d));
        masked.push(if k < 2 { char::from(d) } else { '*' });
    }
    normalized.push(' ');
    push_text(h, town.start, town.end, &mut normalized);
    masked.push_str(" (");
    masked.push_str(country_code(country));
    masked.push(')');
    Some(Address {
        start: street.start,
        end: town.end,
        country: country_code(country),
        normalized,
        masked,
    })
}

/// Bytes after a range in which a postcode may still belong to a street inside it.
pub(crate) const AFTER: usize = REACH + 3;

/// Every postal address that starts in `h[from..to]` (it may end after `to`).
#[cfg(test)]
pub(crate) fn addresses(h: &[u8], from: usize, to: usize, out: &mut Vec<Address>) {
    let mut found = Postcodes::new(from, to);
    let end = to.saturating_add(AFTER).min(h.len());
    crate::bytes::each(h, from, end, (false, true), |s, class| {
        if class == crate::bytes::Class::DigitRun {
            found.run(h, s, out);
        }
    });
}

/// Reads the runs of digits of a range as postcodes, in order, for [`Postcodes::run`].
pub(crate) struct Postcodes {
    from: usize,
    to: usize,
    /// End of the last address: the next street line starts after it.
    last: usize,
}

impl Postcodes {
    /// For addresses that start in `from..to`; runs up to [`AFTER`] bytes after `to` are
    /// read for them too.
    pub(crate) fn new(from: usize, to: usize) -> Postcodes {
        Postcodes { from, to, last: 0 }
    }

    /// Reads the run of digits starting at `s` as a postcode. Inlined into the pass over the
    /// text: most runs of digits (dates, amounts) have another length or are followed by
    /// neither, and are ruled out here, reading at most six digits.
    #[inline]
    pub(crate) fn run(&mut self, h: &[u8], s: usize, out: &mut Vec<Address>) {
        if s < self.last {
            return;
        }
        let digit = |k: usize| at(h, k).is_ascii_digit();
        if !(digit(s + 1) && digit(s + 2)) {
            return;
        }
        let mut e = s + 3;
        while e < s + 6 && digit(e) {
            e += 1;
        }
        if e < s + 6 && town_may_follow(at(h, e)) {
            self.postcode(h, s, e, out);
        }
    }

    fn postcode(&mut self, h: &[u8], s: usize, e: usize, out: &mut Vec<Address>) {
        if let Some(a) = at_postcode(h, s, e, self.last) {
            if a.start >= self.from && a.start < self.to {
                self.last = a.end;
                out.push(a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text as found, country, normalized, masked) of every address in `h`.
    fn found(h: &[u8]) -> Vec<(String, &'static str, String, String)> {
        let mut out = vec![];
        addresses(h, 0, h.len(), &mut out);
        out.into_iter()
            .map(|a| {
                let text = String::from_utf8_lossy(&h[a.start..a.end]).into_owned();
                (text, a.country, a.normalized, a.masked)
            })
            .collect()
    }

    /// (country, normalized) of the one address in `text`.
    fn one(text: &str) -> (&'static str, String) {
        let f = found(text.as_bytes());
        assert_eq!(f.len(), 1, "{text:?}: {f:?}");
        (f[0].1, f[0].2.clone())
    }

    fn none(text: &str) {
        let f = found(text.as_bytes());
        assert!(f.is_empty(), "{text:?}: {f:?}");
    }

    #[test]
    fn swedish_address_on_one_line_spans_street_to_town() {
        let f = found("Hon bor på Storgatan 12 B, 114 55 Stockholm sedan 2019.".as_bytes());
        assert_eq!(
            f,
            vec![(
                "Storgatan 12 B, 114 55 Stockholm".to_string(),
                "se",
                "storgatan 12 b 114 55 stockholm".to_string(),
                "[address] 11* ** (se)".to_string()
            )]
        );
    }

    #[test]
    fn swedish_address_in_a_letter_head_spans_two_lines() {
        let text = "Anna Svensson\r\nDrottninggatan 5 lgh 1102\r\nSE-111 51 Stockholm\r\n";
        assert_eq!(
            one(text),
            ("se", "drottninggatan 5 lgh 1102 111 51 stockholm".into())
        );
        assert_eq!(
            one("Västra Hamngatan 5\n41117 Göteborg"),
            ("se", "västra hamngatan 5 411 17 göteborg".into())
        );
    }

    #[test]
    fn danish_address_keeps_floor_and_side() {
        let f = found("Nørregade 12, 3. tv, 1165 København K".as_bytes());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "Nørregade 12, 3. tv, 1165 København K");
        assert_eq!(f[0].1, "dk");
        assert_eq!(f[0].2, "nørregade 12 3 tv 1165 københavn k");
        assert_eq!(f[0].3, "[address] 11** (dk)");
        assert_eq!(
            one("H.C. Andersens Boulevard 27\n1553 København V\n"),
            ("dk", "h.c. andersens boulevard 27 1553 københavn v".into())
        );
        assert_eq!(
            one("Strandvejen 100, st. th.\nDK-2900 Hellerup"),
            ("dk", "strandvejen 100 st th 2900 hellerup".into())
        );
    }

    #[test]
    fn danish_or_norwegian_ending_is_told_apart_by_a_danish_district_or_floor() {
        assert_eq!(one("Frederiksberg Allé 5, 1820 Frederiksberg C").0, "dk");
        assert_eq!(one("Solbakken 3, 2. th, 4000 Roskilde").0, "dk");
        // "-bakken" and four digits: Denmark or Norway, nothing to tell them apart.
        assert_eq!(
            one("Solbakken 3, 4000 Roskilde"),
            ("dk/no", "solbakken 3 4000 roskilde".into())
        );
        assert_eq!(
            found(b"Solbakken 3, 4000 Roskilde")[0].3,
            "[address] 40** (dk/no)"
        );
    }

    #[test]
    fn norwegian_address_in_capitals_and_with_a_separate_gate() {
        assert_eq!(
            one("Karl Johans gate 22, 0159 Oslo"),
            ("no", "karl johans gate 22 0159 oslo".into())
        );
        assert_eq!(
            one("Ola Nordmann\nStorgata 5 B\n0155 OSLO\n"),
            ("no", "storgata 5 b 0155 oslo".into())
        );
        assert_eq!(
            one("Besøk oss i Kongens gate 5 H0101, 7011 Trondheim."),
            ("no", "kongens gate 5 h 0101 7011 trondheim".into())
        );
        assert_eq!(one("Parkveien 3\nNO-5003 Bergen").0, "no");
    }

    #[test]
    fn finnish_address_with_stair_and_flat() {
        assert_eq!(
            one("Mannerheimintie 12 A 5, 00100 Helsinki"),
            ("fi", "mannerheimintie 12 a 5 00100 helsinki".into())
        );
        assert_eq!(
            one("Matti Meikäläinen\nAleksanterinkatu 52 as 3\n00100 HELSINKI"),
            ("fi", "aleksanterinkatu 52 as 3 00100 helsinki".into())
        );
        assert_eq!(one("Hämeenkatu 10\nFI-33100 Tampere").0, "fi");
        // A Swedish name with a postcode beginning with 0 is in Finland.
        assert_eq!(one("Norra esplanaden 1, 00130 Helsingfors").0, "fi");
    }

    #[test]
    fn icelandic_address_with_three_digit_postcode() {
        assert_eq!(
            one("Laugavegur 12, 101 Reykjavík"),
            ("is", "laugavegur 12 101 reykjavík".into())
        );
        assert_eq!(
            one("Jón Jónsson\nSkólavörðustígur 8\n101 Reykjavík\n"),
            ("is", "skólavörðustígur 8 101 reykjavík".into())
        );
    }

    #[test]
    fn windows_1252_text_gives_the_utf8_normal_form() {
        let latin1 = b"V\xe4stra Hamngatan 5, 411 17 G\xf6teborg";
        let f = found(latin1);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].2, one("Västra Hamngatan 5, 411 17 Göteborg").1);
        let dk = found(b"N\xf8rregade 12\r\n1165 K\xf8benhavn K\r\n");
        assert_eq!(dk[0].1, "dk");
        assert_eq!(dk[0].2, "nørregade 12 1165 københavn k");
        let is = found(b"Sk\xf3lav\xf6r\xf0ust\xedgur 8, 101 Reykjav\xedk");
        assert_eq!(is[0].2, "skólavörðustígur 8 101 reykjavík");
        // Windows-1252 no-break space inside a Swedish postcode.
        assert_eq!(found(b"Storgatan 1, 114\xa055 Stockholm")[0].1, "se");
    }

    #[test]
    fn labelled_street_without_known_ending_takes_the_labels_country() {
        assert_eq!(
            one("Adress: Kungsholms strand 5, 112 48 Stockholm"),
            ("se", "kungsholms strand 5 112 48 stockholm".into())
        );
        assert_eq!(one("Osoite: Hämeenpuisto 20 B 7, 33210 Tampere").0, "fi");
        assert_eq!(one("Gateadresse:\nBryggen 5\n5003 Bergen").0, "no");
        assert_eq!(one("Heimilisfang: Hamraborg 1, 200 Kópavogur").0, "is");
        assert_eq!(
            one("Bostadsadress:\tSveavägen 44, 111 34 Stockholm").0,
            "se"
        );
        // Without the label the same street is not read.
        none("Kungsholms strand 5, 112 48 Stockholm");
        // Danish and Norwegian labels are the same word.
        assert_eq!(one("Adresse: Bryggen 5, 5003 Bergen").0, "dk/no");
        // A post-office box is not where someone lives.
        none("Adress: Box 123, 114 55 Stockholm");
    }

    #[test]
    fn ending_and_postcode_of_different_countries_are_not_reported() {
        none("Storgatan 12, 2100 København Ø");
        none("Nørregade 12, 114 55 Stockholm");
        none("Laugavegur 12, 0150 Oslo");
        none("Mannerheimintie 12, 101 Reykjavík");
        none("Adresse: Storgatan 12, 0150 Oslo");
    }

    #[test]
    fn prose_dates_amounts_and_chapters_are_not_addresses() {
        none("Mötet den 12 maj 2023 samlade 1 250 deltagare i 114 rum.");
        none("Beloppet är 1 250 kr, betalas senast 2023-05-12. Totalt 12 500 SEK.");
        none("Se Kapitel 12, 114 55 Stockholm och Paragraf 3, 2100 København.");
        none("version 2024 Stockholm\nrelease 2025 Oslo");
        none("Ring 08-123 45 67 eller 0150 Oslo 22 33 44 55.");
        none("Drottninggatan 12 ligger nära 114 55 Stockholm.");
        none("Storgatan 12 114 55 Stockholm");
        none("på vägen 12, 114 55 Stockholm");
    }

    #[test]
    fn street_without_postcode_and_postcode_without_street_are_not_addresses() {
        none("Storgatan ligger i centrum.");
        none("Vi träffas på Storgatan 12 i morgon.");
        none("Storgatan 12\n\n114 55 Stockholm");
        none("Stockholms stad\n114 55 Stockholm\nTel 08-508 290 00");
        none("Storgatan 12, 114 55 stockholm");
        none("Karl Johans gate, 0159 Oslo");
        none("gate 22, 0159 Oslo");
    }

    #[test]
    fn tables_of_numbers_are_not_addresses() {
        none("2019 2020 2021\n12 345 678\n1234 5678 9012\n11455 22 333 Stockholm\n");
        none("id;postnr;ort\n1;11455;Stockholm\n2;41117;Göteborg\n");
        none("Rad 12\t114 55\tStockholm\nRad 13\t2100\tKøbenhavn\n");
    }

    #[test]
    fn fields_of_a_delimited_file_form_an_address() {
        assert_eq!(
            one("1;Anna;Storgatan 12;114 55;Stockholm\n"),
            ("se", "storgatan 12 114 55 stockholm".into())
        );
        assert_eq!(
            one("\"Nørregade 12, 3. tv\",\"1165\",\"København K\"\r\n"),
            ("dk", "nørregade 12 3 tv 1165 københavn k".into())
        );
        assert_eq!(one("Laugavegur 12\t101\tReykjavík\n").0, "is");
        assert_eq!(one("Storgata 5|0155|OSLO").0, "no");
    }

    #[test]
    fn html_line_breaks_separate_street_and_postcode() {
        let page = "<p>\n  Rådhuset<br>\n  Strandvej 1<br>\n  9999 Vejstrand\n</p>";
        assert_eq!(one(page), ("dk", "strandvej 1 9999 vejstrand".into()));
        assert_eq!(
            one("<td>Rådhuset<BR/>Strandvej 1<br />9999 Vejstrand</td>").1,
            "strandvej 1 9999 vejstrand"
        );
    }

    #[test]
    fn several_addresses_are_found_in_order() {
        let text = "Från: Storgatan 1, 114 55 Stockholm\nTill: Nørregade 2, 1165 København K\n";
        let f = found(text.as_bytes());
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].1, f[1].1), ("se", "dk"));
    }

    #[test]
    fn an_address_belongs_to_the_range_it_starts_in() {
        let text = "xxxx Storgatan 12, 114 55 Stockholm yyyy";
        let h = text.as_bytes();
        let street = text.find("Storgatan").unwrap();
        let mut out = vec![];
        // Starts in the range, ends after it.
        addresses(h, 0, street + 1, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].end, text.find(" yyyy").unwrap());
        // Starts before the range.
        out.clear();
        addresses(h, street + 1, h.len(), &mut out);
        assert!(out.is_empty());
        // Every split of the text reports it once.
        for cut in 0..=h.len() {
            out.clear();
            addresses(h, 0, cut, &mut out);
            addresses(h, cut, h.len(), &mut out);
            assert_eq!(out.len(), 1, "cut at {cut}");
            assert_eq!(out[0].start, street);
        }
    }

    #[test]
    fn never_panics_on_cut_or_random_input() {
        let tricky = "Adress:\r\nÅ Storgatan 12 B, 114 55 Stockholm\nNørregade 12, 3. tv\n\
                      1165 København K\tH.C. Andersens Boulevard 1 - FIN-00100 H\nSE- 1 \
                      Laugavegur 1, 101 Reykjavík 9999 Æ 12,, 00 - st.tv. H0101 lgh";
        let mut bytes = tricky.as_bytes().to_vec();
        bytes.extend_from_slice(b"V\xe4gen 5\r\n\xc2\xa0114\xc2\xa055 \xc3 \xe2\x82 Oslo 1234");
        let mut out = vec![];
        for k in 0..=bytes.len() {
            addresses(&bytes[..k], 0, k, &mut out);
            addresses(&bytes[k..], 0, bytes.len() - k, &mut out);
            addresses(&bytes, k, bytes.len(), &mut out);
            addresses(&bytes, k, k + 7, &mut out);
            addresses(&bytes, bytes.len() + 5, k, &mut out);
        }
        let alphabet = b"0123456789 ,\n\r\t.-:ABSTagtv\xe4\xc3\xa4\xa0\xc2\xff\x80Ee";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut buf = vec![];
        for _ in 0..2000 {
            buf.clear();
            for _ in 0..300 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                buf.push(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            out.clear();
            addresses(&buf, 0, buf.len(), &mut out);
            for a in &out {
                assert!(a.start < a.end && a.end <= buf.len());
            }
        }
    }
}
