//! Archives and compressed files: ZIP, TAR, GZIP, BZIP2, XZ, 7z. Every member goes back
//! through [`Cx::member`], which checks depth, size and compression ratio before recursing.

use std::io::{Cursor, Read};

use crate::item::{Cx, Problem};

/// Reads at most `limit` bytes; `Err` names the limit when there were more.
fn read_limited(r: &mut dyn Read, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("{what}: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("{what}: expands beyond {limit} bytes"));
    }
    Ok(out)
}

/// A ZIP archive. Office Open XML and OpenDocument files are ZIPs too: they go to their own
/// extractors.
pub fn zip(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(data)).map_err(|e| format!("not a readable ZIP: {e}"))?;
    if let Some(kind) = crate::office::package_kind(&mut zip) {
        return crate::office::package(&mut zip, kind, cx);
    }
    for i in 0..zip.len() {
        let (name, size, compressed, encrypted, dir) = match zip.by_index_raw(i) {
            Ok(f) => (
                f.name().to_string(),
                f.size(),
                f.compressed_size(),
                f.encrypted(),
                f.is_dir(),
            ),
            Err(e) => {
                cx.problem(
                    &format!("member {i}"),
                    "zip",
                    Problem::Corrupt,
                    &e.to_string(),
                );
                continue;
            }
        };
        if dir {
            continue;
        }
        if encrypted {
            cx.problem(
                &name,
                "zip",
                Problem::Encrypted,
                "encrypted ZIP member: its content cannot be inspected",
            );
            continue;
        }
        let budget = cx.budget();
        if size > budget {
            let reason =
                format!("declares {size} bytes, more than the {budget} allowed; not followed");
            let problem = if size / compressed.max(1) > cx.limits().max_ratio {
                Problem::Bomb
            } else {
                Problem::TooLarge
            };
            cx.problem(&name, "zip", problem, &reason);
            continue;
        }
        let member = match zip.by_index(i) {
            Ok(mut f) => read_limited(&mut f, budget, &name),
            Err(e) => Err(e.to_string()),
        };
        match member {
            Ok(bytes) => cx.member(&name, &bytes, Some(compressed)),
            Err(reason) => cx.problem(&name, "zip", Problem::Corrupt, &reason),
        }
    }
    Ok(())
}

/// A TAR archive (members of regular files only).
pub fn tar(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let mut archive = tar::Archive::new(Cursor::new(data));
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable TAR: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("damaged TAR entry: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "(unnamed)".into());
        let budget = cx.budget();
        match read_limited(&mut entry, budget, &name) {
            Ok(bytes) => cx.member(&name, &bytes, None),
            Err(reason) => cx.problem(&name, "tar", Problem::TooLarge, &reason),
        }
    }
    Ok(())
}

/// One compressed stream: its content is a single member named after the item.
fn single(data: &[u8], cx: &mut Cx, format: &str, mut r: impl Read) -> Result<(), String> {
    let budget = cx.budget();
    let bytes = read_limited(&mut r, budget, format)?;
    cx.member("", &bytes, Some(data.len() as u64));
    Ok(())
}

pub fn gzip(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    single(data, cx, "gzip", flate2::read::MultiGzDecoder::new(data))
}

pub fn bzip2(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    single(data, cx, "bzip2", bzip2::read::MultiBzDecoder::new(data))
}

pub fn xz(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let budget = cx.budget();
    let mut out = LimitedWriter {
        buf: Vec::new(),
        limit: budget,
    };
    lzma_rs::xz_decompress(&mut Cursor::new(data), &mut out).map_err(|e| format!("xz: {e}"))?;
    cx.member("", &out.buf, Some(data.len() as u64));
    Ok(())
}

/// A writer that refuses to grow beyond its limit (xz decodes into a writer).
struct LimitedWriter {
    buf: Vec<u8>,
    limit: u64,
}

impl std::io::Write for LimitedWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if (self.buf.len() + b.len()) as u64 > self.limit {
            return Err(std::io::Error::other(format!(
                "expands beyond {} bytes",
                self.limit
            )));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn seven_z(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let opened =
        sevenz_rust2::ArchiveReader::new(Cursor::new(data), sevenz_rust2::Password::empty());
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
    let budget = cx.budget();
    reader
        .for_each_entries(|entry, r| {
            if entry.is_directory() || !entry.has_stream() {
                return Ok(true);
            }
            match read_limited(r, budget, entry.name()) {
                Ok(b) => cx.member(entry.name(), &b, None),
                Err(reason) => cx.problem(entry.name(), "7z", Problem::TooLarge, &reason),
            }
            Ok(true)
        })
        .map_err(|e| format!("7z: {e}"))?;
    Ok(())
}
