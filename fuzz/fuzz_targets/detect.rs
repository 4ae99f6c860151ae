//! The detector on arbitrary bytes: no panic, and a stream in chunks finds exactly what a
//! whole-document scan finds.
#![no_main]

use datavakt_detect::{Date, Detector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(today) = Date::new(2026, 11, 22) else { return };
    let det = Detector::new(today);
    let mut whole = Vec::new();
    det.scan(data, &mut whole);
    for f in &whole {
        assert!((f.offset as usize) < data.len().max(1));
    }
    let step = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut stream = det.stream();
    let mut parts = Vec::new();
    for chunk in data.chunks(step) {
        stream.push(chunk, &mut parts);
    }
    stream.finish(&mut parts);
    let key = |v: &Vec<datavakt_detect::Finding>| -> Vec<(u64, &'static str)> {
        v.iter().map(|f| (f.offset, f.kind.name())).collect()
    };
    assert_eq!(key(&whole), key(&parts));
});
