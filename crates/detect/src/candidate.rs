//! The hot loop: finds digit groups shaped like an identity number in ASCII-compatible bytes
//! (UTF-8, Windows-1252, ISO-8859-1) without decoding them.
//!
//! Every form starts with six consecutive digits, so the search looks at every sixth byte
//! and only walks back when it lands on a digit; most text is skipped five bytes at a time.

/// The separator written between the date part and the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sep {
    None,
    Hyphen,
    Plus,
    Space,
}

/// The digits of a candidate in one of the written forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// `DDMMYY?NNNN`: Danish, Swedish, Icelandic, or Finnish with the `-` or `+` sign.
    Ten { d: [u8; 10], sep: Sep },
    /// `DDMMYY?IIIKK`: Norwegian.
    Eleven { d: [u8; 11] },
    /// `YYYYMMDD?NNNC`: Swedish with the century.
    Twelve { d: [u8; 12] },
    /// `DDMMYY` sign `ZZZ` check, where the sign or the check is a letter: Finnish.
    Fi { d: [u8; 9], sign: u8, check: u8 },
}

/// A digit group at `start..end` (byte offsets) with the form it was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub form: Form,
}

/// The longest candidate in bytes, with the bytes that decide its boundary: a chunked search
/// must see this many bytes past a candidate's start before it may decide on it.
pub(crate) const MAX_SPAN: usize = 24;

#[inline(always)]
fn dig(b: u8) -> bool {
    b.is_ascii_digit()
}

/// End (exclusive) of the run of digits that starts at `i`.
#[inline]
fn run_end(h: &[u8], mut i: usize) -> usize {
    while i < h.len() && dig(h[i]) {
        i += 1;
    }
    i
}

/// What stopped a search.
pub(crate) enum Next {
    Found(Candidate),
    /// No candidate starts before `limit`; resume at the returned position.
    Done(usize),
}

/// Finds the next candidate that starts at or after `from` and before `limit`. `from` must not
/// be inside a run of digits (it is 0, or the byte before it is not a digit). Digit runs that
/// reach within `MAX_SPAN` of the end of `h` are only decided when `complete` says no more
/// bytes follow; otherwise the search stops before them.
pub(crate) fn next(h: &[u8], from: usize, limit: usize, complete: bool) -> Next {
    let n = h.len();
    let mut i = from;
    while i < limit && i + 6 <= n {
        if !dig(h[i + 5]) {
            i += 6;
            continue;
        }
        let mut s = i + 5;
        while s > i && dig(h[s - 1]) {
            s -= 1;
        }
        if s >= limit {
            return Next::Done(s);
        }
        let e = run_end(h, s);
        if !complete && e + MAX_SPAN > n {
            // A run longer than any number's first group cannot start one, whatever follows:
            // resume at its last digit (which the boundary check rejects) so that memory stays
            // bounded on endless digits.
            return Next::Done(if e - s > 12 { e - 1 } else { s });
        }
        if e - s >= 6 {
            if let Some(c) = parse(h, s, e) {
                return Next::Found(c);
            }
        }
        i = e + 1;
    }
    Next::Done(i)
}

fn digits<const N: usize>(src: impl Iterator<Item = u8>) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(src) {
        *o = b - b'0';
    }
    out
}

/// Reads the separator at `i`: its kind and width in bytes. Hyphen-like dashes and no-break
/// spaces count, in UTF-8 and in Windows-1252.
fn separator(h: &[u8], i: usize) -> Option<(Sep, usize)> {
    match *h.get(i)? {
        b'-' => Some((Sep::Hyphen, 1)),
        b'+' => Some((Sep::Plus, 1)),
        b' ' => Some((Sep::Space, 1)),
        0x96 => Some((Sep::Hyphen, 1)), // en dash in Windows-1252
        0xA0 => Some((Sep::Space, 1)),  // no-break space in ISO-8859-1 / Windows-1252
        0xC2 if h.get(i + 1) == Some(&0xA0) => Some((Sep::Space, 2)),
        0xE2 => match (h.get(i + 1), h.get(i + 2)) {
            // U+2010 hyphen, U+2011 non-breaking hyphen, U+2013 en dash
            (Some(0x80), Some(0x90 | 0x91 | 0x93)) => Some((Sep::Hyphen, 3)),
            // U+2212 minus sign
            (Some(0x88), Some(0x92)) => Some((Sep::Hyphen, 3)),
            _ => None,
        },
        _ => None,
    }
}

fn is_fi_letter_sign(b: u8) -> bool {
    matches!(b, b'A'..=b'F' | b'U'..=b'Y')
}

fn is_fi_check(b: u8) -> bool {
    crate::validate::FI_CHECK_CHARS.contains(&b)
}

fn parse(h: &[u8], s: usize, e: usize) -> Option<Candidate> {
    if !boundary_before(h, s) {
        return None;
    }
    let run = &h[s..e];
    let (form, end) = match run.len() {
        10 => (
            Form::Ten {
                d: digits(run.iter().copied()),
                sep: Sep::None,
            },
            e,
        ),
        11 => (
            Form::Eleven {
                d: digits(run.iter().copied()),
            },
            e,
        ),
        12 => (
            Form::Twelve {
                d: digits(run.iter().copied()),
            },
            e,
        ),
        6 => after_six(h, s, e)?,
        8 => {
            // YYYYMMDD-NNNC
            let (sep, w) = separator(h, e)?;
            if sep != Sep::Hyphen && sep != Sep::Plus {
                return None;
            }
            let r = run_end(h, e + w);
            if r - (e + w) != 4 {
                return None;
            }
            (
                Form::Twelve {
                    d: digits(run.iter().chain(&h[e + w..r]).copied()),
                },
                r,
            )
        }
        _ => return None,
    };
    if !boundary_after(h, end) {
        return None;
    }
    Some(Candidate {
        start: s,
        end,
        form,
    })
}

/// The forms that continue after six digits: a separator or a Finnish century sign.
fn after_six(h: &[u8], s: usize, e: usize) -> Option<(Form, usize)> {
    let b = *h.get(e)?;
    if is_fi_letter_sign(b) {
        let r = run_end(h, e + 1);
        return match r - (e + 1) {
            // DDMMYY A ZZZ Q
            3 => {
                let check = *h.get(r)?;
                is_fi_check(check).then(|| (fi(h, s, e + 1, b, check), r + 1))
            }
            4 => Some((fi(h, s, e + 1, b, h[r - 1]), r)),
            _ => None,
        };
    }
    let (sep, w) = separator(h, e)?;
    let g = e + w;
    let r = run_end(h, g);
    let six = &h[s..e];
    match r - g {
        4 => Some((
            Form::Ten {
                d: digits(six.iter().chain(&h[g..r]).copied()),
                sep,
            },
            r,
        )),
        5 if sep == Sep::Space || sep == Sep::Hyphen => Some((
            Form::Eleven {
                d: digits(six.iter().chain(&h[g..r]).copied()),
            },
            r,
        )),
        3 if (sep == Sep::Hyphen || sep == Sep::Plus)
            && h.get(r)
                .is_some_and(|&c| c.is_ascii_uppercase() && is_fi_check(c)) =>
        {
            let sign = if sep == Sep::Plus { b'+' } else { b'-' };
            Some((fi(h, s, g, sign, h[r]), r + 1))
        }
        _ => None,
    }
}

fn fi(h: &[u8], s: usize, z: usize, sign: u8, check: u8) -> Form {
    Form::Fi {
        d: digits(h[s..s + 6].iter().chain(&h[z..z + 3]).copied()),
        sign,
        check,
    }
}

/// The character that ends just before byte `i`, decoded as UTF-8 or else as Latin-1.
fn char_before(h: &[u8], i: usize) -> char {
    let b = h[i - 1];
    if b < 0x80 {
        return b as char;
    }
    let lo = i.saturating_sub(4);
    for st in (lo..i).rev() {
        if h[st] & 0xC0 != 0x80 {
            if let Ok(s) = std::str::from_utf8(&h[st..i]) {
                if let Some(c) = s.chars().next() {
                    return c;
                }
            }
            break;
        }
    }
    char::from(b)
}

/// The character that starts at byte `i`, decoded as UTF-8 or else as Latin-1.
fn char_at(h: &[u8], i: usize) -> char {
    let b = h[i];
    if b < 0x80 {
        return b as char;
    }
    let hi = (i + 4).min(h.len());
    for end in i + 2..=hi {
        if let Ok(s) = std::str::from_utf8(&h[i..end]) {
            if let Some(c) = s.chars().next() {
                return c;
            }
        }
    }
    char::from(b)
}

/// A number cannot be glued to a word or be part of a longer number (`12-010190-1234`,
/// `+4510101234`, `3.0101901234`).
fn boundary_before(h: &[u8], s: usize) -> bool {
    if s == 0 {
        return true;
    }
    let c = char_before(h, s);
    if c.is_alphanumeric() || c == '+' {
        return false;
    }
    !(matches!(c, '-' | '.' | '/') && s >= 2 && dig(h[s - 2]))
}

fn boundary_after(h: &[u8], e: usize) -> bool {
    if e >= h.len() {
        return true;
    }
    let c = char_at(h, e);
    if c.is_alphanumeric() {
        return false;
    }
    !(matches!(c, '-' | '.' | '/' | '+') && h.get(e + 1).copied().is_some_and(dig))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(h: &[u8]) -> Vec<(usize, usize)> {
        let mut out = vec![];
        let mut i = 0;
        while let Next::Found(c) = next(h, i, h.len(), true) {
            out.push((c.start, c.end));
            i = c.end;
        }
        out
    }

    #[test]
    fn finds_the_written_forms() {
        for t in [
            "010190-1234",
            "0101901234",
            "010190 1234",
            "010190+1234",
            "19900101-1234",
            "199001011234",
            "01019012345",
            "010190 12345",
            "010190A123B",
            "010190-123B",
            "010190A1234",
            "010190\u{2013}1234",
            "010190\u{a0}1234",
        ] {
            assert_eq!(all(t.as_bytes()), vec![(0, t.len())], "{t}");
            let framed = format!("nr: {t}.");
            assert_eq!(all(framed.as_bytes()), vec![(4, 4 + t.len())], "{framed}");
        }
    }

    #[test]
    fn rejects_parts_of_longer_tokens() {
        for t in [
            "x0101901234",
            "0101901234x",
            "12-0101901234",
            "+4510101234",
            "3.0101901234",
            "0101901234.5",
            "010190123",
            "0101901234567",
            "010190-12345678",
            "ø0101901234",
        ] {
            assert_eq!(all(t.as_bytes()), vec![], "{t}");
        }
        // Windows-1252 ø before the number is a letter too.
        assert_eq!(all(b"\xf80101901234"), vec![]);
    }

    #[test]
    fn stops_before_undecidable_runs_at_the_end_of_a_chunk() {
        let h = b"text 0101901234";
        assert!(matches!(next(h, 0, h.len(), false), Next::Done(5)));
        assert!(matches!(next(h, 0, h.len(), true), Next::Found(_)));
    }
}
