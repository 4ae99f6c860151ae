//! Compound files (OLE2, Compound File Binary, magic `D0 CF 11 E0`): Word, Excel and
//! PowerPoint 97–2003 documents, Outlook messages (read by [`crate::mail::msg`]), Office
//! documents encrypted with a password (an OOXML package kept in an `EncryptedPackage`
//! stream), and embedded OLE objects (`ObjectPool`, `MBD…` storages, `Ole10Native`,
//! `Package`), read recursively.

use std::io::{Cursor, Read};

use crate::item::{Cx, Problem};
use crate::office::{doc, ppt, report, xls};

type Cfb<'d> = cfb::CompoundFile<Cursor<&'d [u8]>>;

/// How deep storages inside storages are followed.
const MAX_NESTING: usize = 8;

/// The format a compound file probably is, from its name (only used to name problems before
/// its streams tell).
pub(crate) fn hint(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "doc" | "dot" => "doc",
        "xls" | "xlt" => "xls",
        "ppt" | "pps" | "pot" => "ppt",
        _ => "ole2",
    }
}

/// A compound file.
pub fn compound(data: &[u8], _hint: &'static str, cx: &mut Cx) -> Result<(), String> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(data))
        .map_err(|e| format!("not a readable compound file: {e}"))?;
    if cf.is_stream("/__properties_version1.0") {
        return crate::mail::msg(data, cx);
    }
    storage(&mut cf, "", cx, 0);
    Ok(())
}

/// The stream or storage `name` in storage `dir` (`""` for the root).
fn path(dir: &str, name: &str) -> String {
    format!("{dir}/{name}")
}

/// A location inside storage `at`.
fn join(at: &str, sub: &str) -> String {
    match (at.is_empty(), sub.is_empty()) {
        (true, _) => sub.to_string(),
        (false, true) => at.to_string(),
        (false, false) => format!("{at}: {sub}"),
    }
}

/// Reads a stream within `limit` bytes.
fn read(cf: &mut Cfb, path: &str, limit: u64) -> Result<Vec<u8>, (Problem, String)> {
    let name = path.trim_start_matches('/');
    let stream = cf
        .open_stream(path)
        .map_err(|e| (Problem::Corrupt, format!("{name}: {e}")))?;
    let len = stream.len();
    if len > limit {
        return Err((
            Problem::TooLarge,
            format!("{name}: {len} bytes, more than the {limit} allowed; not read"),
        ));
    }
    let mut out = Vec::new();
    stream
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| (Problem::Corrupt, format!("{name}: {e}")))?;
    Ok(out)
}

/// Reads what storage `dir` holds; `dir` is also its location (`ObjectPool/_1410`).
fn storage(cf: &mut Cfb, dir: &str, cx: &mut Cx, depth: usize) {
    let at = dir.trim_start_matches('/');
    let has = |cf: &Cfb, name: &str| cf.is_stream(path(dir, name));
    if has(cf, "EncryptedPackage") {
        let reason = "password-protected Office document: its content is an encrypted package \
                      that cannot be inspected";
        cx.problem(at, "office", Problem::Encrypted, reason);
        return;
    }
    if has(cf, "WordDocument") {
        word(cf, dir, cx);
    } else if has(cf, "Workbook") || has(cf, "Book") {
        excel(cf, dir, cx);
    } else if has(cf, "PowerPoint Document") {
        powerpoint(cf, dir, cx);
    } else if depth > 0 && has(cf, "__properties_version1.0") {
        // An Outlook message inside another compound file: read by the mail extractor as a
        // compound file of its own is not possible from here; its storages still are.
    }
    if has(cf, "\u{1}Ole10Native") {
        match read(cf, &path(dir, "\u{1}Ole10Native"), cx.budget()) {
            Ok(native) => {
                let (name, content) = ole10_native(&native);
                cx.member(&join(at, &name), content, None);
            }
            Err((problem, reason)) => cx.problem(at, "ole2", problem, &reason),
        }
    }
    for stream in ["Package", "CONTENTS"] {
        if has(cf, stream) {
            match read(cf, &path(dir, stream), cx.budget()) {
                Ok(content) => cx.member(&join(at, stream), &content, None),
                Err((problem, reason)) => cx.problem(at, "ole2", problem, &reason),
            }
        }
    }
    if depth >= MAX_NESTING {
        return;
    }
    let storages: Vec<String> = match cf.read_storage(if dir.is_empty() { "/" } else { dir }) {
        Ok(entries) => entries
            .filter(|e| e.is_storage())
            .map(|e| e.name().to_string())
            .filter(|n| !matches!(n.as_str(), "_VBA_PROJECT_CUR" | "VBA" | "Macros"))
            .collect(),
        Err(_) => Vec::new(),
    };
    for name in storages {
        storage(cf, &path(dir, &name), cx, depth + 1);
    }
}

fn word(cf: &mut Cfb, dir: &str, cx: &mut Cx) {
    let at = dir.trim_start_matches('/');
    let data = match read(cf, &path(dir, "WordDocument"), cx.budget()) {
        Ok(d) => d,
        Err((problem, reason)) => return cx.problem(at, "doc", problem, &reason),
    };
    let fib = match doc::fib(&data) {
        Ok(f) => f,
        Err(reason) => return cx.problem(at, "doc", Problem::Corrupt, &reason),
    };
    if fib.encrypted {
        let reason = "password-protected Word document: its text cannot be inspected";
        return cx.problem(at, "doc", Problem::Encrypted, reason);
    }
    let text = if fib.n_fib < 0x00C1 {
        doc::text_word6(&data, &fib).unwrap_or_else(|| doc::text_runs(&data, 6))
    } else {
        let table = if fib.table1 { "1Table" } else { "0Table" };
        let parsed = read(cf, &path(dir, table), cx.budget())
            .map_err(|(_, reason)| reason)
            .and_then(|t| doc::text(&data, &fib, &t));
        match parsed {
            Ok(text) => text,
            Err(reason) => {
                let reason = format!("{reason}; text recovered from the raw stream instead");
                cx.problem(at, "doc", Problem::Corrupt, &reason);
                doc::text_runs(data.get(0x200..).unwrap_or(&[]), 6)
            }
        }
    };
    if !text.trim().is_empty() {
        cx.text(at, text.as_bytes());
    }
    pictures(cf, dir, "Data", cx);
}

/// The PNG and JPEG pictures in stream `name` (Word's `Data`, PowerPoint's `Pictures`), as
/// nested items: a scan pasted into a document is read with OCR like any image.
fn pictures(cf: &mut Cfb, dir: &str, name: &str, cx: &mut Cx) {
    let at = dir.trim_start_matches('/');
    let stream = path(dir, name);
    if !cf.is_stream(&stream) {
        return;
    }
    let Ok(data) = read(cf, &stream, cx.budget()) else {
        return;
    };
    for (n, (ext, image)) in images(&data).into_iter().enumerate() {
        cx.member(&join(at, &format!("picture {}.{ext}", n + 1)), image, None);
    }
}

/// PNG and JPEG images found in `data` by their signatures, each cut at its own end.
fn images(data: &[u8]) -> Vec<(&'static str, &[u8])> {
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let rest = &data[pos..];
        let png = memchr::memmem::find(rest, b"\x89PNG\r\n\x1a\n");
        let jpeg = memchr::memmem::find(rest, b"\xff\xd8\xff");
        let (start, kind) = match (png, jpeg) {
            (Some(p), Some(j)) if j < p => (j, "jpg"),
            (Some(p), _) => (p, "png"),
            (None, Some(j)) => (j, "jpg"),
            (None, None) => break,
        };
        let image = &rest[start..];
        let len = if kind == "png" {
            png_len(image)
        } else {
            jpeg_len(image)
        };
        match len {
            Some(len) => {
                found.push((kind, &image[..len]));
                pos += start + len;
            }
            None => pos += start + 3,
        }
    }
    found
}

/// The length of the PNG at the start of `b`: its chunks up to `IEND`.
fn png_len(b: &[u8]) -> Option<usize> {
    let mut p = 8usize;
    loop {
        let len = u32::from_be_bytes(b.get(p..p + 4)?.try_into().ok()?) as usize;
        let kind = b.get(p + 4..p + 8)?;
        p = p.checked_add(12)?.checked_add(len)?;
        if p > b.len() {
            return None;
        }
        if kind == b"IEND" {
            return Some(p);
        }
    }
}

/// The length of the JPEG at the start of `b`: its segments, then the entropy-coded data up
/// to the end-of-image marker.
fn jpeg_len(b: &[u8]) -> Option<usize> {
    let mut p = 2usize;
    loop {
        if *b.get(p)? != 0xFF {
            return None;
        }
        let marker = *b.get(p + 1)?;
        match marker {
            0xFF => p += 1,
            0xD9 => return Some(p + 2),
            0x01 | 0xD0..=0xD7 => p += 2,
            _ => {
                let len = u16::from_be_bytes([*b.get(p + 2)?, *b.get(p + 3)?]) as usize;
                p += 2 + len;
                if marker == 0xDA {
                    // Entropy-coded data: ends at the first marker that is not a stuffed byte
                    // or a restart.
                    loop {
                        let i = p + memchr::memchr(0xFF, b.get(p..)?)?;
                        match *b.get(i + 1)? {
                            0x00 | 0xD0..=0xD7 | 0xFF => p = i + 1,
                            _ => {
                                p = i;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

fn excel(cf: &mut Cfb, dir: &str, cx: &mut Cx) {
    let at = dir.trim_start_matches('/');
    let name = if cf.is_stream(path(dir, "Workbook")) {
        "Workbook"
    } else {
        "Book"
    };
    let data = match read(cf, &path(dir, name), cx.budget()) {
        Ok(d) => d,
        Err((problem, reason)) => return cx.problem(at, "xls", problem, &reason),
    };
    let cap = usize::try_from(cx.budget().min(crate::office::MAX_TEXT)).unwrap_or(usize::MAX);
    match xls::workbook(&data, cap) {
        Ok(xls::Book::Encrypted) => {
            let reason = "password-protected Excel workbook: its cells cannot be inspected";
            cx.problem(at, "xls", Problem::Encrypted, reason);
        }
        Ok(xls::Book::Sheets(sheets, note)) => {
            for (sheet, out) in &sheets {
                report(cx, &join(at, sheet), "xls", out);
            }
            if let Some(reason) = note {
                cx.problem(at, "xls", Problem::Corrupt, &reason);
            }
        }
        Err(reason) => cx.problem(at, "xls", Problem::Corrupt, &reason),
    }
}

fn powerpoint(cf: &mut Cfb, dir: &str, cx: &mut Cx) {
    let at = dir.trim_start_matches('/');
    if cf.is_stream(path(dir, "EncryptedSummary")) {
        let reason = "password-protected PowerPoint presentation: its text cannot be inspected";
        return cx.problem(at, "ppt", Problem::Encrypted, reason);
    }
    let data = match read(cf, &path(dir, "PowerPoint Document"), cx.budget()) {
        Ok(d) => d,
        Err((problem, reason)) => return cx.problem(at, "ppt", problem, &reason),
    };
    match ppt::text(&data) {
        ppt::Presentation::Encrypted => {
            let reason = "password-protected PowerPoint presentation: its text cannot be inspected";
            cx.problem(at, "ppt", Problem::Encrypted, reason);
        }
        ppt::Presentation::Text(texts) => {
            for (location, text) in texts {
                cx.text(&join(at, &location), text.as_bytes());
            }
        }
    }
    pictures(cf, dir, "Pictures", cx);
}

/// An embedded file in OLE 1 packaging: its name (label or file name) and content.
fn ole10_native(data: &[u8]) -> (String, &[u8]) {
    fn cstr(b: &[u8], p: &mut usize) -> Option<String> {
        let rest = b.get(*p..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&rest[..end]);
        *p += end + 1;
        Some(s.into_owned())
    }
    fn u32_at(b: &[u8], p: usize) -> Option<usize> {
        Some(u32::from_le_bytes(b.get(p..p + 4)?.try_into().ok()?) as usize)
    }
    let parsed = (|| {
        let mut p = 6;
        let label = cstr(data, &mut p)?;
        let file = cstr(data, &mut p)?;
        p += 4;
        let tmp = u32_at(data, p)?;
        p = p.checked_add(4 + tmp)?;
        let len = u32_at(data, p)?;
        let content = data.get(p + 4..(p + 4).checked_add(len)?)?;
        let file_name = file.rsplit(['\\', '/']).next().unwrap_or("").to_string();
        let name = if !file_name.is_empty() {
            file_name
        } else {
            label
        };
        Some((name, content))
    })();
    match parsed {
        Some((name, content)) if !name.is_empty() => (name, content),
        Some((_, content)) => ("Ole10Native".into(), content),
        None => ("Ole10Native".into(), data.get(4..).unwrap_or(&[])),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crate::item::Problem;
    use crate::office::tests::run;

    fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        for (path, data) in streams {
            if let Some((dir, _)) = path.rsplit_once('/') {
                if !dir.is_empty() {
                    cf.create_storage_all(dir).unwrap();
                }
            }
            cf.create_stream(path).unwrap().write_all(data).unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn word_document() {
        let (word, table) =
            crate::office::doc::tests::word97("Journal 010190-1234\r", "Söder\r", 0);
        let data = compound(&[("/WordDocument", &word), ("/1Table", &table)]);
        let got = run("a.doc", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.text_at(""), Some("Journal 010190-1234\nSöder\n"));
    }

    #[test]
    fn word_document_without_table_falls_back_to_runs() {
        let (word, _) =
            crate::office::doc::tests::word97("Journal 010190-1234\r", "Söder Nilsson\r", 0);
        let data = compound(&[("/WordDocument", &word)]);
        let got = run("a.doc", &data);
        assert!(got.all().contains("Journal 010190-1234"), "{}", got.all());
        assert!(got.all().contains("Söder Nilsson"), "{}", got.all());
        assert_eq!(got.problems.len(), 1);
        assert_eq!(got.problems[0].2, Problem::Corrupt);
    }

    #[test]
    fn encrypted_documents() {
        let (word, table) = crate::office::doc::tests::word97("x", "y", 0x0100);
        let doc = compound(&[("/WordDocument", &word), ("/1Table", &table)]);
        let got = run("a.doc", &doc);
        assert_eq!(got.problems[0].2, Problem::Encrypted);
        assert!(got.texts.is_empty());

        let ooxml = compound(&[
            ("/EncryptionInfo", b"\x04\x00\x04\x00"),
            ("/EncryptedPackage", &[0; 64]),
        ]);
        let got = run("a.docx", &ooxml);
        assert_eq!(got.problems.len(), 1);
        assert_eq!(got.problems[0].2, Problem::Encrypted);
        assert!(got.problems[0].3.contains("password"));

        let mut xls = crate::office::xls::tests::rec(0x0809, &[0x00, 0x06, 0x05, 0x00]);
        xls.extend(crate::office::xls::tests::rec(0x002F, &[1, 0]));
        let got = run("a.xls", &compound(&[("/Workbook", &xls)]));
        assert_eq!(got.problems[0].2, Problem::Encrypted);
    }

    #[test]
    fn excel_and_powerpoint() {
        let data = compound(&[("/Workbook", &crate::office::xls::tests::biff8())]);
        let got = run("a.xls", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert!(got.text_at("Klienter").unwrap().contains("010190-1234"));

        let data = compound(&[(
            "/PowerPoint Document",
            &crate::office::ppt::tests::presentation(),
        )]);
        let got = run("a.ppt", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.text_at("notes 1"), Some("anteckning 311299-1234\n"));
    }

    #[test]
    fn embedded_objects() {
        let (word, table) = crate::office::doc::tests::word97("outer\r", "", 0);
        let mut native = Vec::new();
        let content = b"embedded text 0101901234";
        native.extend(0u32.to_le_bytes());
        native.extend(2u16.to_le_bytes());
        native.extend(b"label.txt\0C:\\tmp\\inner.txt\0");
        native.extend([0, 0, 3, 0]);
        native.extend(5u32.to_le_bytes());
        native.extend(b"C:\\x\0");
        native.extend((content.len() as u32).to_le_bytes());
        native.extend(content);
        let data = compound(&[
            ("/WordDocument", &word),
            ("/1Table", &table),
            ("/ObjectPool/_1410/\u{1}Ole10Native", &native),
            (
                "/ObjectPool/_1411/Workbook",
                &crate::office::xls::tests::biff8(),
            ),
        ]);
        let got = run("a.doc", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            got.text_at("ObjectPool/_1410: inner.txt"),
            Some("embedded text 0101901234")
        );
        assert!(got
            .text_at("ObjectPool/_1411: Klienter")
            .unwrap()
            .contains("Personnummer"));
    }

    #[test]
    fn pictures_are_cut_from_streams() {
        let png = [
            &b"\x89PNG\r\n\x1a\n"[..],
            &[0, 0, 0, 1],
            b"IHDR",
            &[7, 0, 0, 0, 0],
            &[0, 0, 0, 0],
            b"IEND",
            &[1, 2, 3, 4],
        ]
        .concat();
        let jpeg = [
            &b"\xff\xd8\xff\xe0\x00\x04ab"[..],
            b"\xff\xda\x00\x02",
            b"x\xff\x00y\xff\xd3z",
            b"\xff\xd9",
        ]
        .concat();
        let data = [&b"junk"[..], &png, b"more", &jpeg, b"\xff\xd8\xff trailing"].concat();
        let found = super::images(&data);
        assert_eq!(found, vec![("png", &png[..]), ("jpg", &jpeg[..])]);
        for cut in 0..data.len() {
            let _ = super::images(&data[..cut]);
        }
    }

    #[test]
    fn damaged_compound_files_do_not_panic() {
        let (word, table) = crate::office::doc::tests::word97("Journal 010190-1234\r", "x\r", 0);
        let data = compound(&[("/WordDocument", &word), ("/1Table", &table)]);
        for cut in (0..data.len()).step_by(97) {
            let _ = run("a.doc", &data[..cut]);
        }
        let mut flipped = data.clone();
        for i in (0..flipped.len()).step_by(13) {
            flipped[i] ^= 0x5A;
            let _ = run("a.doc", &flipped);
        }
    }
}
