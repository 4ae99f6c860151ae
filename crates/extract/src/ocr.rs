//! OCR with Tesseract (Debian's `tesseract-ocr` and its language packages), run as a child
//! process per image: a crash or hang in the engine stays outside the scanner, and nothing is
//! written to disk (images go in through a pipe, text comes out through one). Image-only PDF
//! pages are rendered with `pdftoppm` (poppler-utils) first.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Languages read by default: the five Nordic ones and English.
pub const DEFAULT_LANGUAGES: &str = "dan+swe+nor+fin+isl+eng";

/// Images smaller than this in either dimension hold no readable text (icons, spacers).
const MIN_SIDE: u32 = 40;

/// Whether the `tesseract` command can be run.
pub fn available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        Command::new("tesseract")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs `program` with `input` on stdin and returns its stdout.
fn pipe(program: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        // One thread per engine: the scan already runs one per core, and OpenMP threads
        // fighting over them made OCR four times slower here.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let out = std::thread::scope(|s| {
        // Write on one thread and read on another so that neither side's pipe fills up.
        s.spawn(move || {
            let _ = stdin.write_all(input);
        });
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let status = child.wait().map_err(|e| format!("{program}: {e}"))?;
    let out = out.map_err(|e| format!("{program}: {e}"))?;
    if !status.success() {
        return Err(format!("{program} could not read the image ({status})"));
    }
    Ok(out)
}

/// Width and height from an image header; `None` when the header is not valid (a damaged
/// file, or random bytes behind a signature), so that no OCR engine is started for it.
pub fn dimensions(data: &[u8]) -> Option<(u32, u32)> {
    let be32 = |i: usize| {
        data.get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le32 = |i: usize| {
        data.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if data.starts_with(b"\x89PNG") {
        if data.get(12..16) != Some(&b"IHDR"[..]) {
            return None;
        }
        return Some((be32(16)?, be32(20)?));
    }
    if data.starts_with(b"BM") {
        let (w, h) = (le32(18)?, le32(22)?);
        return (w > 0 && w < 1 << 16 && h > 0).then_some((w, h.min(1 << 16)));
    }
    if data.starts_with(b"II*\x00") || data.starts_with(b"MM\x00*") {
        // TIFF: the first directory must lie inside the file; Tesseract reads the rest.
        let off = if data[0] == b'I' { le32(4)? } else { be32(4)? };
        return ((off as usize) < data.len()).then_some((MIN_SIDE, MIN_SIDE));
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        let w = u16::from_le_bytes([*data.get(6)?, *data.get(7)?]);
        let h = u16::from_le_bytes([*data.get(8)?, *data.get(9)?]);
        return Some((u32::from(w), u32::from(h)));
    }
    if data.starts_with(b"\xff\xd8") {
        // Walk the JPEG markers to the first start-of-frame.
        let mut i = 2;
        while i + 9 < data.len() {
            if data[i] != 0xFF {
                return None;
            }
            let marker = data[i + 1];
            let len = usize::from(u16::from_be_bytes([data[i + 2], data[i + 3]]));
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                let h = u16::from_be_bytes([data[i + 5], data[i + 6]]);
                let w = u16::from_be_bytes([data[i + 7], data[i + 8]]);
                return Some((u32::from(w), u32::from(h)));
            }
            i += 2 + len;
        }
    }
    None
}

/// The text in an image, or `Ok(None)` when the image is too small to hold any.
pub fn image_text(data: &[u8], languages: &str) -> Result<Option<String>, String> {
    let Some((w, h)) = dimensions(data) else {
        return Err("not a valid image: its header is damaged".into());
    };
    if w < MIN_SIDE || h < MIN_SIDE {
        return Ok(None);
    }
    let out = pipe("tesseract", &["stdin", "stdout", "-l", languages], data)?;
    Ok(Some(String::from_utf8_lossy(&out).into_owned()))
}

/// The text of page `page` (1-based) of a PDF, rendered at 200 dpi in greyscale and read.
pub fn pdf_page_text(pdf: &[u8], page: u32, languages: &str) -> Result<String, String> {
    let p = page.to_string();
    let png = pipe(
        "pdftoppm",
        &["-r", "200", "-gray", "-png", "-f", &p, "-l", &p, "-"],
        pdf,
    )?;
    let out = pipe("tesseract", &["stdin", "stdout", "-l", languages], &png)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&20u32.to_be_bytes());
        png.extend_from_slice(&30u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((20, 30)));
        assert_eq!(image_text(&png, "eng"), Ok(None));
    }

    #[test]
    fn reads_corpus_scans() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/files");
        let png = std::path::Path::new(root).join("Arkiv/2016/journal_0337.png");
        let Ok(data) = std::fs::read(&png) else {
            eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
            return;
        };
        if !available() {
            eprintln!("SKIPPED: tesseract is not installed (scripts/test installs it)");
            return;
        }
        let text = image_text(&data, DEFAULT_LANGUAGES).unwrap().unwrap();
        assert!(text.contains("21038195201"), "{text}");
    }
}
