//! Finding bytes of a class sixteen at a time: where a word may start with a capital, where a
//! run of digits starts. The finders of names, addresses and payment data read only there.
//!
//! On x86-64 the classes are computed with SSE2 (part of every x86-64 CPU; the intrinsics
//! used are safe functions there), elsewhere byte by byte. Both give the same positions; a
//! test compares them.

/// Which bytes to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// An ASCII capital or a byte ≥ 0xC0 (the first byte of Å, Ø, Þ in UTF-8, or the letter
    /// itself in Latin-1) after a byte below 0x41 (space, digit, punctuation).
    WordCapital,
    /// An ASCII digit after a byte that is not one.
    DigitRun,
}

/// Calls `f` with every position in `h[from..to]` of a byte of `class`, in order; `f`
/// returns the position before which no more are wanted (to skip what it has read).
pub(crate) fn each(
    h: &[u8],
    from: usize,
    to: usize,
    class: Class,
    mut f: impl FnMut(usize) -> usize,
) {
    let to = to.min(h.len());
    let mut skip = from;
    let mut i = from;
    while i + 16 <= to {
        let prev = if i > 0 { h[i - 1] } else { b' ' };
        let mut mask = block(&h[i..i + 16], prev, class);
        while mask != 0 {
            let at = i + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if at >= skip {
                skip = skip.max(f(at));
            }
        }
        i += 16;
    }
    for at in i.max(skip)..to {
        let prev = if at > 0 { h[at - 1] } else { b' ' };
        if at >= skip && is(class, h[at], prev) {
            skip = skip.max(f(at));
        }
    }
}

/// Whether byte `b`, after `prev`, is of `class`.
fn is(class: Class, b: u8, prev: u8) -> bool {
    match class {
        Class::WordCapital => (b.is_ascii_uppercase() || b >= 0xC0) && prev < 0x41,
        Class::DigitRun => b.is_ascii_digit() && !prev.is_ascii_digit(),
    }
}

/// The class of each of the 16 bytes of `b` (bit k for `b[k]`); `prev` is the byte before.
#[cfg(target_arch = "x86_64")]
fn block(b: &[u8], prev: u8, class: Class) -> u32 {
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    let (lo, hi) = (word(&b[..8]), word(&b[8..16]));
    // The same bytes shifted by one: the byte before each.
    let (plo, phi) = ((lo << 8) | u64::from(prev), (hi << 8) | (lo >> 56));
    // SAFETY: SSE2 is part of every x86-64 CPU (the target's baseline), and `sse2` takes
    // values only, no pointers.
    unsafe { sse2::mask(lo, hi, plo, phi, class) }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::Class;
    use std::arch::x86_64::*;

    /// Unsigned `lo <= v <= hi` per byte (hi - lo < 255): shifted to start at 0, then moved
    /// by -128 to compare signed.
    #[target_feature(enable = "sse2")]
    fn within(v: __m128i, lo: u8, hi: u8) -> __m128i {
        let shifted = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        let flipped = _mm_xor_si128(shifted, _mm_set1_epi8(i8::MIN));
        let limit = (i16::from(hi - lo) + 1 - 128) as i8;
        _mm_cmplt_epi8(flipped, _mm_set1_epi8(limit))
    }

    /// The class mask of the bytes `lo`, `hi` (little-endian) with the bytes before them.
    #[target_feature(enable = "sse2")]
    pub(super) fn mask(lo: u64, hi: u64, plo: u64, phi: u64, class: Class) -> u32 {
        let x = _mm_set_epi64x(hi as i64, lo as i64);
        let p = _mm_set_epi64x(phi as i64, plo as i64);
        let m = match class {
            Class::WordCapital => _mm_and_si128(
                _mm_or_si128(within(x, b'A', b'Z'), within(x, 0xC0, 0xFF)),
                within(p, 0, 0x40),
            ),
            Class::DigitRun => _mm_andnot_si128(within(p, b'0', b'9'), within(x, b'0', b'9')),
        };
        _mm_movemask_epi8(m) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn block(b: &[u8], prev: u8, class: Class) -> u32 {
    let mut mask = 0;
    let mut p = prev;
    for (k, &c) in b.iter().enumerate() {
        if is(class, c, p) {
            mask |= 1 << k;
        }
        p = c;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(h: &[u8], class: Class) -> Vec<usize> {
        let mut out = vec![];
        each(h, 0, h.len(), class, |at| {
            out.push(at);
            at + 1
        });
        out
    }

    fn scalar(h: &[u8], class: Class) -> Vec<usize> {
        (0..h.len())
            .filter(|&i| is(class, h[i], if i > 0 { h[i - 1] } else { b' ' }))
            .collect()
    }

    #[test]
    fn blocks_agree_with_the_byte_by_byte_rule_on_every_byte() {
        let mut h: Vec<u8> = (0u8..=255).collect();
        // Every pair of bytes, so that each byte follows each other one somewhere.
        for a in (0u8..=255).step_by(3) {
            for b in (0u8..=255).step_by(5) {
                h.extend([a, b]);
            }
        }
        for class in [Class::WordCapital, Class::DigitRun] {
            for start in 0..17 {
                assert_eq!(
                    all(&h[start..], class),
                    scalar(&h[start..], class),
                    "{class:?}"
                );
            }
        }
    }

    #[test]
    fn skipping_passes_over_what_the_finder_read() {
        let h = b"12 345 6789 0 11 22 33 44 55 66 77";
        let mut seen = vec![];
        each(h, 0, h.len(), Class::DigitRun, |at| {
            seen.push(at);
            if at == 3 {
                12
            } else {
                at + 1
            }
        });
        assert_eq!(seen, [0, 3, 12, 14, 17, 20, 23, 26, 29, 32]);
    }
}
