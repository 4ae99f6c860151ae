//! What the extraction targets share.

/// libfuzzer-sys aborts on every panic, even one the code under test catches; the extractors
/// contain the panics of some parsers on purpose (PDF, 7z: `catch_unwind`, an error for that
/// document). The default hook back: a contained panic is no crash, and one that escapes is
/// still one (libfuzzer-sys aborts when the target's closure panics).
pub fn contained_panics_are_no_crash() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| drop(std::panic::take_hook()));
}
