//! Archives and compressed files: ZIP, TAR, GZIP, BZIP2, XZ, 7z. Every member goes back
//! through [`Cx::expand`], which bounds what it expands to, and [`Cx::member`], which checks
//! depth, size and compression ratio before recursing.

use std::io::{self, Cursor, Read, Write};

use crate::item::{Cx, Problem, Size};

/// A ZIP archive. Office Open XML and OpenDocument files are ZIPs too: they go to their own
/// extractors.
pub fn zip(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(data)).map_err(|e| format!("not a readable ZIP: {e}"))?;
    if let Some(kind) = crate::office::package_kind(&mut zip) {
        return crate::office::package(&mut zip, kind, cx);
    }
    let total = zip.len() as u64;
    for i in 0..zip.len() {
        cx.unpacking(i as u64, Some(total));
        zip_member(&mut zip, i, "zip", cx);
    }
    Ok(())
}

/// Member `i` of a ZIP (a plain archive's, or an office package's embedded file), within the
/// limits: the size it declares, then what it really expands to.
pub(crate) fn zip_member<R: Read + io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    i: usize,
    format: &str,
    cx: &mut Cx,
) {
    let (name, size, compressed, encrypted, dir) = match zip.by_index_raw(i) {
        Ok(f) => (
            f.name().to_string(),
            f.size(),
            f.compressed_size(),
            f.encrypted(),
            f.is_dir(),
        ),
        Err(e) => {
            let at = format!("member {i}");
            cx.problem(&at, format, Problem::Corrupt, &e.to_string());
            return;
        }
    };
    if dir {
        return;
    }
    if encrypted {
        let reason = format!(
            "encrypted {} member: its content cannot be inspected",
            format.to_uppercase()
        );
        cx.problem(&name, format, Problem::Encrypted, &reason);
        return;
    }
    let mut fill = |w: &mut dyn Write| {
        let mut f = zip.by_index(i).map_err(io::Error::other)?;
        io::copy(&mut f, w).map(drop)
    };
    cx.expand(
        &name,
        format,
        Some(compressed),
        Size::Declared(size),
        true,
        &mut fill,
    );
}

/// A TAR archive (members of regular files only).
pub fn tar(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let mut archive = tar::Archive::new(Cursor::new(data));
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable TAR: {e}"))?;
    // A TAR says how many members it holds only at its end.
    let mut done = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("damaged TAR entry: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        cx.unpacking(done, None);
        done += 1;
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "(unnamed)".into());
        let size = Size::Declared(entry.size());
        let mut fill = |w: &mut dyn Write| io::copy(&mut entry, w).map(drop);
        cx.expand(&name, "tar", None, size, false, &mut fill);
    }
    Ok(())
}

/// One compressed stream: its content is a single member named after the item, decoded from
/// the start by `decode` as often as needed.
fn single(
    data: &[u8],
    cx: &mut Cx,
    format: &str,
    size: Size,
    mut decode: impl FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    cx.expand("", format, Some(data.len() as u64), size, true, &mut decode);
    Ok(())
}

pub fn gzip(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    // The trailer holds the (last member's) size modulo 2³²: a guess to size the buffer by.
    let trailer = data
        .len()
        .checked_sub(4)
        .and_then(|at| data.get(at..))
        .and_then(|b| b.try_into().ok())
        .map_or(Size::Unknown, |b| {
            Size::Hint(u64::from(u32::from_le_bytes(b)))
        });
    single(data, cx, "gzip", trailer, |w| {
        io::copy(&mut flate2::read::MultiGzDecoder::new(data), w).map(drop)
    })
}

pub fn bzip2(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    single(data, cx, "bzip2", Size::Unknown, |w| {
        io::copy(&mut bzip2::read::MultiBzDecoder::new(data), w).map(drop)
    })
}

pub fn xz(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    single(data, cx, "xz", Size::Unknown, |mut w| {
        lzma_rs::xz_decompress(&mut Cursor::new(data), &mut w).map_err(|e| match e {
            lzma_rs::error::Error::IoError(e) => e,
            other => io::Error::other(format!("xz: {other}")),
        })
    })
}

/// What the 32-byte start header of a 7z archive says of the header at its end: an error when
/// it cannot be where it says. The library trusts these numbers and allocates what they claim
/// (the `mail` fuzz target's find: an unfinished archive, its start header zero, read as
/// terabytes); checked here against the file first.
fn seven_z_start(data: &[u8]) -> Result<(), String> {
    let field = |at: usize| {
        data.get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let (Some(offset), Some(size)) = (field(12), field(20)) else {
        return Err("not a readable 7z archive: shorter than its start header".into());
    };
    if size == 0 {
        return Err(
            "not a readable 7z archive: unfinished (its start header was never written)".into(),
        );
    }
    let end = offset.checked_add(size).and_then(|n| n.checked_add(32));
    if end.is_none_or(|end| end > data.len() as u64) {
        return Err(format!(
            "not a readable 7z archive: its header lies past the end of the file \
             ({} bytes; truncated or damaged)",
            data.len()
        ));
    }
    Ok(())
}

pub fn seven_z(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    seven_z_start(data)?;
    // The library sizes its tables from counts in the header before checking them: a damaged
    // header makes it panic (capacity overflow; found by the `mail` fuzz target). Contained
    // here, as the PDF parser is: an error for this archive, not the end of the worker.
    let opened = std::panic::catch_unwind(|| {
        sevenz_rust2::ArchiveReader::new(Cursor::new(data), sevenz_rust2::Password::empty())
    })
    .map_err(|_| "not a readable 7z archive: its header is damaged".to_string())?;
    let mut reader = match opened {
        Ok(r) => r,
        Err(e) if e.to_string().to_lowercase().contains("password") => {
            cx.problem(
                "",
                "7z",
                Problem::Encrypted,
                "encrypted 7z archive: its content cannot be inspected",
            );
            return Ok(());
        }
        Err(e) => return Err(format!("not a readable 7z archive: {e}")),
    };
    let files = |e: &&sevenz_rust2::ArchiveEntry| !e.is_directory() && e.has_stream();
    let total = reader.archive().files.iter().filter(files).count() as u64;
    let mut done = 0;
    reader
        .for_each_entries(|entry, r| {
            if !files(&entry) {
                return Ok(true);
            }
            cx.unpacking(done, Some(total));
            done += 1;
            // Entries come from one solid stream, once each.
            let size = Size::Declared(entry.size());
            let mut fill = |w: &mut dyn Write| io::copy(r, w).map(drop);
            cx.expand(entry.name(), "7z", None, size, false, &mut fill);
            Ok(true)
        })
        .map_err(|e| format!("7z: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crate::item::{extract, Limits, Problem};
    use crate::office::tests::{zip_of, Collect};

    /// A 7z whose start header was never written and whose header then claims more files than
    /// memory can hold (the `mail` fuzz target's find: the library panicked on it) is reported
    /// unfinished before the library reads it.
    #[test]
    fn a_7z_header_that_made_the_library_panic_is_a_damaged_archive() {
        let mut data = b"7z\xbc\xaf\x27\x1c".to_vec();
        data.resize(0x22, 0);
        data.extend_from_slice(b"\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a\x00");
        data.extend_from_slice(b"\x01\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00");
        assert_eq!(data.len(), 64);
        let c = crate::office::tests::run("x.7z", &data);
        assert!(
            c.problems.iter().any(|p| p.3.contains("unfinished")),
            "{:?}",
            c.problems
        );
    }

    /// Behind a well-formed start header, a header whose counts make the library panic
    /// (capacity overflow) is reported damaged: the panic is contained, as the PDF parser's.
    #[test]
    fn a_header_that_makes_the_library_panic_is_a_damaged_archive() {
        let mut header = b"\x01\x05".to_vec();
        header.extend_from_slice(&[0xff; 9]);
        header.extend_from_slice(&[0; 8]);
        let c = crate::office::tests::run("x.7z", &testkit::seven_z(&header));
        assert!(
            c.problems.iter().any(|p| p.3.contains("header is damaged")),
            "{:?}",
            c.problems
        );
    }

    /// A 7z whose header would lie past its end is a damaged archive, said before the library
    /// sizes anything from it.
    #[test]
    fn a_7z_start_header_that_points_past_the_end_is_a_damaged_archive() {
        let mut past_end = b"7z\xbc\xaf\x27\x1c\x00\x04\x00\x00\x00\x00".to_vec();
        past_end.extend_from_slice(&16u64.to_le_bytes());
        past_end.extend_from_slice(&(1u64 << 40).to_le_bytes());
        past_end.resize(64, 0);
        let c = crate::office::tests::run("x.7z", &past_end);
        assert!(
            c.problems.iter().any(|p| p.3.contains("past the end")),
            "{:?}",
            c.problems
        );
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn tar_of(name: &str, data: &[u8]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
        b.into_inner().unwrap()
    }

    /// Every format that expands members, holding `data` (in a TAR, as its member).
    fn every_format(data: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(data).unwrap();
        let mut xz = Vec::new();
        lzma_rs::xz_compress(&mut std::io::Cursor::new(data), &mut xz).unwrap();
        vec![
            ("a.gz", gz(data)),
            ("a.bz2", bz.finish().unwrap()),
            ("a.xz", xz),
            ("a.zip", zip_of(&[("m.txt", data)])),
            ("a.tar", tar_of("m.txt", data)),
        ]
    }

    fn run(name: &str, data: &[u8], limits: &Limits) -> Collect {
        let mut sink = Collect::default();
        extract(name, data, limits, &mut sink);
        sink
    }

    /// The members an extraction says it unpacks: `(location, done, total)`.
    #[derive(Default)]
    struct Phases(Vec<(String, u64, Option<u64>)>);

    impl crate::Sink for Phases {
        fn text(&mut self, _: &str, _: &[u8]) {}
        fn problem(&mut self, _: &str, _: &str, _: Problem, _: &str) {}
        fn phase(&mut self, phase: crate::Phase<'_>) {
            if let crate::Phase::Unpacking {
                location,
                done,
                total,
            } = phase
            {
                self.0.push((location.to_string(), done, total));
            }
        }
    }

    #[test]
    fn an_archive_tells_each_member_as_it_unpacks_it() {
        let limits = Limits {
            ocr_languages: None,
            ..Limits::default()
        };
        let inner = zip_of(&[("a.txt", b"a"), ("b.txt", b"b")]);
        let outer = zip_of(&[("inner.zip", &inner), ("c.txt", b"c")]);
        let mut got = Phases::default();
        extract("outer.zip", &outer, &limits, &mut got);
        assert_eq!(
            got.0,
            [
                (String::new(), 0, Some(2)),
                ("inner.zip".to_string(), 0, Some(2)),
                ("inner.zip".to_string(), 1, Some(2)),
                (String::new(), 1, Some(2)),
            ]
        );
        // A TAR says how many it holds only at its end; a TAR in a GZIP is the item's.
        let mut got = Phases::default();
        extract("a.tar.gz", &gz(&tar_of("m.txt", b"x")), &limits, &mut got);
        assert_eq!(got.0, [(String::new(), 0, None)]);
    }

    #[test]
    fn every_format_over_the_size_limit_says_so_the_same_way() {
        let limits = Limits {
            max_item_bytes: 100_000,
            ocr_languages: None,
            ..Limits::default()
        };
        for (name, data) in every_format(&testkit::compressible_text(100_000)) {
            let got = run(name, &data, &limits);
            assert!(got.problems.is_empty(), "{name}: {:?}", got.problems);
            assert_eq!(got.all().len(), 100_000, "{name}");
        }
        for (name, data) in every_format(&testkit::compressible_text(100_001)) {
            let got = run(name, &data, &limits);
            let [(_, _, problem, reason)] = &got.problems[..] else {
                panic!("{name}: {:?}", got.problems);
            };
            assert_eq!(*problem, Problem::TooLarge, "{name}");
            assert!(
                reason.starts_with("expands to more than the 100000 bytes allowed")
                    && reason.ends_with("; not followed"),
                "{name}: {reason}"
            );
            assert!(got.texts.is_empty(), "{name}");
        }
    }

    #[test]
    fn every_format_over_the_ratio_is_a_bomb_found_before_it_is_expanded() {
        let limits = Limits {
            ocr_languages: None,
            ..Limits::default()
        };
        // Not TAR, which does not compress, nor XZ: lzma-rs writes literals only, so its XZ of
        // zeros is no smaller than they are.
        let compressed = every_format(&vec![0u8; 8 << 20]);
        for (name, data) in compressed
            .iter()
            .filter(|(n, _)| !n.ends_with("tar") && !n.ends_with("xz"))
        {
            let got = run(name, data, &limits);
            let [(_, _, problem, reason)] = &got.problems[..] else {
                panic!("{name}: {:?}", got.problems);
            };
            assert_eq!(*problem, Problem::Bomb, "{name}");
            assert!(
                reason.contains("over 250× its compressed size"),
                "{name}: {reason}"
            );
        }
    }
}
