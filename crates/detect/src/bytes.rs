//! Finding bytes of two classes many at a time, in one pass: where a capitalised word may
//! start, where a run of digits starts. The finders of names, addresses and payment data read
//! only there.
//!
//! On x86-64 the classes are computed 32 bytes at a time with AVX2 where the CPU has it, else
//! 16 at a time with SSE2 (part of every x86-64 CPU); elsewhere byte by byte. All give the
//! same positions; a test compares them. The classes of the bytes of one token of payment
//! data are read 32 at a time as well ([`token_classes`]).

/// Which bytes to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// An ASCII capital or a byte in 0xC0..=0xDE (the first byte of Å, Ø, Þ in UTF-8, or the
    /// capital itself in Latin-1), but not 0xC3 before 0x9F..=0xBF other than 0xB7 (å, ä, ö
    /// in UTF-8), after a byte below 0x41 (space, digit, punctuation) or in 0x80..=0xBF (the
    /// end of a UTF-8 quotation mark or no-break space, or the Latin-1 one; the finder rules
    /// out letters). Lower-case letters cannot start a name: in Nordic text most words
    /// starting with a byte ≥ 0xC0 are lower-case ("är", "över").
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
    want: (bool, bool),
    mut f: impl FnMut(usize, Class),
) {
    let to = to.min(h.len());
    let mut i = from;
    // The blocks read the byte before each byte: the first byte of the text alone.
    if i == 0 {
        if to == 0 {
            return;
        }
        scalar(h, 0, want, &mut f);
        i = 1;
    }
    // Elsewhere every byte is read on its own.
    #[cfg(target_arch = "x86_64")]
    {
        i = blocks(h, i, to, want, &mut f);
    }
    for at in i..to {
        scalar(h, at, want, &mut f);
    }
}

fn scalar(h: &[u8], at: usize, (capitals, digits): (bool, bool), f: &mut impl FnMut(usize, Class)) {
    if capitals && is(Class::WordCapital, h, at) {
        f(at, Class::WordCapital);
    } else if digits && is(Class::DigitRun, h, at) {
        f(at, Class::DigitRun);
    }
}

/// Whether `h[at]` is of `class`.
fn is(class: Class, h: &[u8], at: usize) -> bool {
    let b = h[at];
    let prev = if at > 0 { h[at - 1] } else { b' ' };
    match class {
        Class::WordCapital => {
            (b.is_ascii_uppercase() || (0xC0..=0xDE).contains(&b))
                && (prev < 0x41 || (0x80..=0xBF).contains(&prev))
                && !utf8_lower(h, at)
        }
        Class::DigitRun => b.is_ascii_digit() && !prev.is_ascii_digit(),
    }
}

/// Whether `h[at..]` starts with one of the lower-case letters à..ÿ in UTF-8 (not ÷).
fn utf8_lower(h: &[u8], at: usize) -> bool {
    h[at] == 0xC3
        && h.get(at + 1)
            .is_some_and(|&n| (0x9F..=0xBF).contains(&n) && n != 0xB7)
}

/// Reports the classes wanted of whole blocks of `W` bytes from `i` (at least 1) while they
/// fit before `to`, from `masks(i)`: the capitals' and the digit runs' bit masks of the block
/// (bit k for `h[i + k]`), before the test for lower-case UTF-8 letters. Returns where it
/// stopped.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn each_block<const W: usize>(
    h: &[u8],
    mut i: usize,
    to: usize,
    (capitals, digits): (bool, bool),
    f: &mut impl FnMut(usize, Class),
    masks: impl Fn(usize) -> (u32, u32),
) -> usize {
    while i + W <= to {
        let (mut caps, mut digs) = masks(i);
        if !capitals {
            caps = 0;
        }
        if !digits {
            digs = 0;
        }
        let mut mask = caps | digs;
        while mask != 0 {
            let bit = mask & mask.wrapping_neg();
            let at = i + mask.trailing_zeros() as usize;
            if caps & bit == 0 {
                f(at, Class::DigitRun);
            } else if !utf8_lower(h, at) {
                f(at, Class::WordCapital);
            }
            mask &= mask - 1;
        }
        i += W;
    }
    i
}

#[cfg(target_arch = "x86_64")]
fn blocks(
    h: &[u8],
    i: usize,
    to: usize,
    want: (bool, bool),
    f: &mut impl FnMut(usize, Class),
) -> usize {
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        unsafe { avx2::blocks(h, i, to, want, f) }
    } else {
        // SAFETY: SSE2 is part of every x86-64 CPU (the target's baseline).
        unsafe { sse2::blocks(h, i, to, want, f) }
    }
}

/// The block loop over the masks of one instruction set's vectors: `$bits` bytes at a time,
/// each class from the block and the block one byte before it.
#[cfg(target_arch = "x86_64")]
macro_rules! vector_blocks {
    ($feature:literal, $bits:literal, $v:ty, $load:ident, $set1:ident, $add:ident, $cmpgt:ident,
     $or:ident, $and:ident, $andnot:ident, $movemask:ident) => {
        use std::arch::x86_64::*;

        /// Unsigned `lo <= v <= hi` per byte (hi - lo < 255): moved so that `lo` is -128,
        /// then compared signed.
        #[target_feature(enable = $feature)]
        fn within(v: $v, lo: u8, hi: u8) -> $v {
            let moved = $add(v, $set1(0x80u8.wrapping_sub(lo) as i8));
            let limit = (i16::from(hi - lo) + 1 - 128) as i8;
            $cmpgt($set1(limit), moved)
        }

        #[target_feature(enable = $feature)]
        pub(super) fn blocks(
            h: &[u8],
            i: usize,
            to: usize,
            want: (bool, bool),
            f: &mut impl FnMut(usize, super::Class),
        ) -> usize {
            const W: usize = $bits / 8;
            assert!(i >= 1 && to <= h.len());
            super::each_block::<W>(h, i, to, want, f, |at| {
                // SAFETY: `each_block` asks for blocks with `1 <= at` and `at + W <= to`, so
                // both unaligned reads, at `at` and at `at - 1`, stay inside `h`.
                let (x, p) = unsafe {
                    let x = h.as_ptr().add(at);
                    ($load(x.cast()), $load(x.sub(1).cast()))
                };
                let capitals = $and(
                    $or(within(x, b'A', b'Z'), within(x, 0xC0, 0xDE)),
                    $or(within(p, 0, 0x40), within(p, 0x80, 0xBF)),
                );
                let digits = $andnot(within(p, b'0', b'9'), within(x, b'0', b'9'));
                ($movemask(capitals) as u32, $movemask(digits) as u32)
            })
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    vector_blocks!(
        "sse2",
        128,
        __m128i,
        _mm_loadu_si128,
        _mm_set1_epi8,
        _mm_add_epi8,
        _mm_cmpgt_epi8,
        _mm_or_si128,
        _mm_and_si128,
        _mm_andnot_si128,
        _mm_movemask_epi8
    );

    /// [`super::token_classes`] of `h[at..at + 32]`, 16 bytes at a time.
    #[target_feature(enable = "sse2")]
    pub(super) fn token_classes(h: &[u8], at: usize) -> (u32, u32, u32) {
        assert!(at + 32 <= h.len());
        let half = |k: usize| {
            // SAFETY: `at + k + 16 <= at + 32 <= h.len()`: the unaligned read stays inside `h`.
            let x = unsafe { _mm_loadu_si128(h.as_ptr().add(at + k).cast()) };
            let separators = _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b' ' as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(b'-' as i8)),
            );
            (
                _mm_movemask_epi8(within(x, b'0', b'9')) as u32,
                _mm_movemask_epi8(within(x, b'A', b'Z')) as u32,
                _mm_movemask_epi8(separators) as u32,
            )
        };
        let (d0, c0, s0) = half(0);
        let (d1, c1, s1) = half(16);
        (d0 | d1 << 16, c0 | c1 << 16, s0 | s1 << 16)
    }
}

/// The ASCII digits, ASCII capitals and separators (space, hyphen) among the 32 bytes from
/// `at` as bit masks (bit k for `h[at + k]`), for reading a token of payment data without a
/// branch a byte; `None` where the bytes do not fit or there are no vectors to read them.
pub(crate) fn token_classes(h: &[u8], at: usize) -> Option<(u32, u32, u32)> {
    if at.checked_add(32).is_none_or(|end| end > h.len()) {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of every x86-64 CPU (the target's baseline).
        Some(unsafe { sse2::token_classes(h, at) })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    vector_blocks!(
        "avx2",
        256,
        __m256i,
        _mm256_loadu_si256,
        _mm256_set1_epi8,
        _mm256_add_epi8,
        _mm256_cmpgt_epi8,
        _mm256_or_si256,
        _mm256_and_si256,
        _mm256_andnot_si256,
        _mm256_movemask_epi8
    );
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
        (0..h.len()).filter(|&i| is(class, h, i)).collect()
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
        // A word start before every byte after 0xC3.
        for b in 0u8..=255 {
            h.extend([b' ', 0xC3, b]);
        }
        for class in [Class::WordCapital, Class::DigitRun] {
            for start in 0..33 {
                assert_eq!(
                    all(&h[start..], class),
                    scalar(&h[start..], class),
                    "{class:?}"
                );
            }
        }
    }

    #[test]
    fn token_classes_are_the_bytes_classes() {
        let h: Vec<u8> = (0..600u32).map(|i| (i * 7919 % 251) as u8).collect();
        for at in 0..h.len() {
            let Some((digits, capitals, separators)) = token_classes(&h, at) else {
                #[cfg(target_arch = "x86_64")]
                assert!(at + 32 > h.len());
                continue;
            };
            for (k, &b) in h[at..at + 32].iter().enumerate() {
                let bit = |m: u32| m >> k & 1 == 1;
                assert_eq!(bit(digits), b.is_ascii_digit());
                assert_eq!(bit(capitals), b.is_ascii_uppercase());
                assert_eq!(bit(separators), b == b' ' || b == b'-');
            }
        }
    }

    /// Both instruction sets, whichever `each` picks on this CPU.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_and_avx2_blocks_agree_with_the_rule() {
        let h: &[u8] = &(0..4000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>();
        let expected: Vec<(usize, Class)> = (1..h.len())
            .flat_map(|i| {
                [Class::WordCapital, Class::DigitRun]
                    .into_iter()
                    .filter(move |&c| is(c, h, i))
                    .map(move |c| (i, c))
            })
            .collect();
        let check = |found: Vec<(usize, Class)>, end: usize| {
            let upto = expected.iter().filter(|x| x.0 < end).count();
            assert_eq!(found, expected[..upto]);
        };
        let mut found = vec![];
        // SAFETY: SSE2 is part of every x86-64 CPU.
        let end =
            unsafe { sse2::blocks(h, 1, h.len(), (true, true), &mut |a, c| found.push((a, c))) };
        check(found, end);
        if std::is_x86_feature_detected!("avx2") {
            let mut found = vec![];
            // SAFETY: the CPU has AVX2.
            let end = unsafe {
                avx2::blocks(h, 1, h.len(), (true, true), &mut |a, c| found.push((a, c)))
            };
            check(found, end);
        }
    }
}
