//! The detector on arbitrary bytes, with a small name list and rules of every sort: no panic;
//! every finding's value is the input's bytes at its offset (health findings and compositions
//! carry no such value); and a stream fed in chunks finds exactly the (kind, offset) pairs
//! that a whole-document scan finds.
//!
//! The first input byte chooses the chunk sizes (it is also part of the text): its low six
//! bits give the largest chunk (1..=64 bytes, times 64 when the top bit is set, so both
//! byte-by-byte and multi-KiB chunks are tried) and it seeds the sequence of sizes.
#![no_main]

use std::sync::OnceLock;

use datavakt_detect::rules::Rules;
use datavakt_detect::{Date, Detector, Finding, Kind, Matched, Names};
use libfuzzer_sys::fuzz_target;

/// One detector for all inputs: building its automata per input would dominate the run.
static DETECTOR: OnceLock<Option<Detector>> = OnceLock::new();
/// `DATAVAKT_FUZZ_NO_EQUIV=1` skips the stream = whole-scan check, to hunt other failures
/// while a known difference is open.
static EQUIV: OnceLock<bool> = OnceLock::new();

const NAMES: &str = "first\tse\tAnna\nfirst\tis\tJón\nfirst\tdk\tMette\n\
    last\tse\tBerg\nlast\tfi\tVirtanen\nlast\tno\tStrand\n";

const RULES: &str = r#"
[detector.dk-cpr]
exceptions = ["0101901238"]
context = ["kundenr"]

[[rule]]
id = "emp"
kind = "employee-number"
category = "identifier"
sensitivity = "medium"
regex = '\bEMP-(\d{4,8})\b'
validator = "luhn"
context = ["anst"]

[[rule]]
id = "word"
kind = "project"
category = "other"
sensitivity = "low"
words = ["Örn", "nordljus"]

[[rule]]
id = "both"
kind = "employee-health"
category = "health"
sensitivity = "high"
all_of = ["emp", "health"]
none_of = ["word"]
within = 300
"#;

fn detector() -> Option<Detector> {
    let names = Names::parse(NAMES).ok()?;
    let rules = Rules::parse(RULES, "fuzz.toml").ok()?;
    Some(Detector::new(Date::new(2026, 11, 22)?).with_names(names).with_rules(rules))
}

/// Asserts that `f` is the text of `data` at its offset.
fn check_within(data: &[u8], f: &Finding, what: &str) {
    if f.kind == Kind::Health || (f.kind == Kind::Custom && f.value.expose().is_empty()) {
        return;
    }
    let off = usize::try_from(f.offset).unwrap_or(usize::MAX);
    let value = f.value.expose();
    // `Matched::from_bytes` keeps UTF-8 as it is and reads anything else as Latin-1: the
    // written length is the UTF-8 length or the number of characters.
    let fits = [value.len(), value.chars().count()].into_iter().any(|n| {
        off.checked_add(n)
            .is_some_and(|end| end <= data.len() && Matched::from_bytes(&data[off..end]) == f.value)
    });
    assert!(
        fits,
        "{what}: {} at offset {} (length {}) is not the input's text there (input {} bytes)",
        f.kind,
        f.offset,
        value.len(),
        data.len()
    );
}

/// Chunk sizes from the first byte: a tiny LCG, sizes in 1..=max.
fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let b = data.first().copied().unwrap_or(0);
    let mut max = usize::from(b & 0x3f) + 1;
    if b & 0x80 != 0 {
        max *= 64;
    }
    let mut state = u32::from(b) | 0x100;
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = if b & 0x40 != 0 {
            max // fixed size
        } else {
            1 + (state >> 16) as usize % max
        };
        let (head, tail) = rest.split_at(n.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some(det) = DETECTOR.get_or_init(detector) else {
        return;
    };

    let mut whole = Vec::new();
    det.scan(data, &mut whole);
    for f in &whole {
        check_within(data, f, "scan");
    }

    let mut stream = det.stream();
    let mut parts = Vec::new();
    let pieces = chunks(data);
    for chunk in &pieces {
        stream.push(chunk, &mut parts);
    }
    stream.finish(&mut parts);
    for f in &parts {
        check_within(data, f, "stream");
    }

    if !*EQUIV.get_or_init(|| std::env::var_os("DATAVAKT_FUZZ_NO_EQUIV").is_none()) {
        return;
    }
    let key = |v: &[Finding]| {
        let mut k: Vec<(u64, &'static str)> = v.iter().map(|f| (f.offset, f.kind_name())).collect();
        k.sort_unstable();
        k
    };
    let sizes: Vec<usize> = pieces.iter().take(8).map(|c| c.len()).collect();
    assert_eq!(
        key(&whole),
        key(&parts),
        "(offset, kind) of a whole scan (left) and of a stream (right) of {} bytes in {} chunks \
         of sizes {sizes:?}...",
        data.len(),
        pieces.len()
    );
});
