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
/// Largest image handed to the OCR engine, in pixels; larger ones are scaled down to it. OCR
/// time grows with the pixels, and 12 megapixels is an A4 page scanned at 350 dpi.
const MAX_OCR_PIXELS: u64 = 12_000_000;
/// Memory that decoding one image may take.
const MAX_DECODE_BYTES: u64 = 1 << 30;

/// Whether the `tesseract` command can be run.
pub fn available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| runs("tesseract", "--version"))
}

/// Whether `pdftoppm` (poppler-utils), which renders scanned PDF pages, can be run.
pub fn pdf_renderer_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| runs("pdftoppm", "-v"))
}

/// The languages Tesseract has installed (`dan`, `eng`, …), as `tesseract --list-langs`
/// says; empty when it cannot be run.
pub fn languages() -> Vec<String> {
    let Ok(out) = Command::new("tesseract")
        .arg("--list-langs")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    // A heading line (`List of available languages in "…" (5):`), then one per line.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "osd")
        .map(str::to_string)
        .collect()
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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
    // TIFF goes to the engine as it is: it reads every page of a multi-page scan.
    let tiff = data.starts_with(b"II*\x00") || data.starts_with(b"MM\x00*");
    let prepared = if tiff { None } else { Some(grey_png(data)?) };
    let input = prepared.as_deref().unwrap_or(data);
    let out = pipe("tesseract", &["stdin", "stdout", "-l", languages], input)?;
    Ok(Some(String::from_utf8_lossy(&out).into_owned()))
}

/// Decodes an image (within a memory limit), turns it grey, scales it down to
/// `MAX_OCR_PIXELS` and encodes it as PNG: the engine's own image library cannot read every
/// variant (32-bit BMP), and a huge photo costs minutes of OCR for no more text.
fn grey_png(data: &[u8]) -> Result<Vec<u8>, String> {
    use image::{codecs::png, imageops, ImageEncoder, ImageReader};
    let mut reader = ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("not a readable image: {e}"))?;
    let mut grey = img.into_luma8();
    let (w, h) = grey.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > MAX_OCR_PIXELS {
        let f = (MAX_OCR_PIXELS as f64 / pixels as f64).sqrt();
        let (nw, nh) = ((f64::from(w) * f) as u32, (f64::from(h) * f) as u32);
        grey = imageops::resize(&grey, nw.max(1), nh.max(1), imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    png::PngEncoder::new_with_quality(&mut out, png::CompressionType::Fast, png::FilterType::Sub)
        .write_image(
            grey.as_raw(),
            grey.width(),
            grey.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|e| format!("cannot prepare the image for OCR: {e}"))?;
    Ok(out)
}

/// The text of page `page` (1-based) of a PDF, rendered at 200 dpi in greyscale and read.
pub fn pdf_page_text(pdf: &[u8], page: usize, languages: &str) -> Result<String, String> {
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

    fn encoded(img: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn huge_images_are_scaled_down_and_damaged_ones_refused() {
        let img = image::DynamicImage::new_rgba8(5000, 4000);
        let bmp = encoded(&img, image::ImageFormat::Bmp);
        let png = grey_png(&bmp).unwrap();
        let (w, h) = dimensions(&png).unwrap();
        assert!(u64::from(w) * u64::from(h) <= MAX_OCR_PIXELS, "{w}×{h}");
        assert!(w > 3000 && h > 2400, "{w}×{h}: scaled more than needed");
        let small = image::DynamicImage::new_rgb8(300, 200);
        let png = encoded(&small, image::ImageFormat::Png);
        assert_eq!(dimensions(&grey_png(&png).unwrap()), Some((300, 200)));
        let err = grey_png(&png[..png.len() / 2]).unwrap_err();
        assert!(err.starts_with("not a readable image"), "{err}");
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
