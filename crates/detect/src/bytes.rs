//! Finding bytes of two classes sixteen at a time, in one pass: where a word may start with a capital, where a
//! run of digits starts. The finders of names, addresses and payment data read only there.
//!
//! On x86-64 the classes are computed with SSE2 (part of every x86-64 CPU; the intrinsics
//! used are safe functions there), elsewhere byte by byte. Both give the same positions; a
//! test compares them.

/// Which bytes to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// An ASCII capital or a byte ≥ 0xC0 (the first byte of Å, Ø, Þ in UTF-8, or the letter
    /// itself in Latin-1) after a byte below 0x41 (space, digit, punctuation) or in
    /// 0x80..=0xBF (the end of a UTF-8 quotation mark or no-break space, or the Latin-1 one;
    /// the finder rules out letters).
    WordCapital,
    /// An ASCII digit after a byte that is not one.
    DigitRun,
}

/// Calls `f` with every position in `h[from..to]` of a byte of the classes wanted
/// (`capitals`, `digits`), in order, and its class.
pub(crate) fn each(
    h: &[u8],
    from: usize,
    to: usize,
    (capitals, digits): (bool, bool),
    mut f: impl FnMut(usize, Class),
) {
    let to = to.min(h.len());
    let want = |m: (u32, u32)| (if capitals { m.0 } else { 0 }, if digits { m.1 } else { 0 });
    let scalar = |at: usize, f: &mut dyn FnMut(usize, Class)| {
        let prev = if at > 0 { h[at - 1] } else { b' ' };
        let b = h[at];
        if capitals && is(Class::WordCapital, b, prev) {
            f(at, Class::WordCapital);
        } else if digits && is(Class::DigitRun, b, prev) {
            f(at, Class::DigitRun);
        }
    };
    let mut i = from;
    // The blocks read the byte before each byte: the first byte of the text alone.
    if i == 0 && i < to {
        scalar(0, &mut f);
        i = 1;
    }
    while i + 16 <= to {
        let (caps, digs) = want(block(h, i));
        let mut mask = caps | digs;
        while mask != 0 {
            let bit = mask & mask.wrapping_neg();
            let class = if caps & bit != 0 {
                Class::WordCapital
            } else {
                Class::DigitRun
            };
            f(i + mask.trailing_zeros() as usize, class);
            mask &= mask - 1;
        }
        i += 16;
    }
    for at in i..to {
        scalar(at, &mut f);
    }
}

/// Whether byte `b`, after `prev`, is of `class`.
fn is(class: Class, b: u8, prev: u8) -> bool {
    match class {
        Class::WordCapital => {
            (b.is_ascii_uppercase() || b >= 0xC0) && (prev < 0x41 || (0x80..=0xBF).contains(&prev))
        }
        Class::DigitRun => b.is_ascii_digit() && !prev.is_ascii_digit(),
    }
}

/// The capitalised-word starts and the digit-run starts among the 16 bytes `h[i..i + 16]`
/// (bit k for `h[i + k]`), with `i >= 1` and `i + 16 <= h.len()`.
#[cfg(target_arch = "x86_64")]
fn block(h: &[u8], i: usize) -> (u32, u32) {
    assert!(i >= 1 && i + 16 <= h.len());
    // SAFETY: the assertion keeps both 16-byte reads, at `i` and at `i - 1`, inside `h`; SSE2
    // is part of every x86-64 CPU (the target's baseline).
    unsafe { sse2::masks(h.as_ptr().add(i)) }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
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

    /// Both class masks of the 16 bytes at `at`, with the bytes before them.
    ///
    /// # Safety
    /// `at - 1 .. at + 16` must be readable.
    #[target_feature(enable = "sse2")]
    pub(super) unsafe fn masks(at: *const u8) -> (u32, u32) {
        // SAFETY: the caller keeps both unaligned reads in bounds.
        let (x, p) = unsafe {
            (
                _mm_loadu_si128(at.cast()),
                _mm_loadu_si128(at.sub(1).cast()),
            )
        };
        let capitals = _mm_and_si128(
            _mm_or_si128(within(x, b'A', b'Z'), within(x, 0xC0, 0xFF)),
            _mm_or_si128(within(p, 0, 0x40), within(p, 0x80, 0xBF)),
        );
        let digits = _mm_andnot_si128(within(p, b'0', b'9'), within(x, b'0', b'9'));
        (
            _mm_movemask_epi8(capitals) as u32,
            _mm_movemask_epi8(digits) as u32,
        )
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn block(h: &[u8], i: usize) -> (u32, u32) {
    let mut masks = (0, 0);
    for k in 0..16 {
        let (c, p) = (h[i + k], h[i + k - 1]);
        if is(Class::WordCapital, c, p) {
            masks.0 |= 1 << k;
        }
        if is(Class::DigitRun, c, p) {
            masks.1 |= 1 << k;
        }
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(h: &[u8], class: Class) -> Vec<usize> {
        let mut out = vec![];
        each(h, 0, h.len(), (true, true), |at, c| {
            if c == class {
                out.push(at);
            }
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
}
