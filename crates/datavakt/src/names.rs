//! The name lists of the `name` detector: a data file fetched once by `scripts/fetch-names`
//! (Faker's person providers, MIT licence, and Debian's word lists), not compiled into the
//! binary.
//!
//! Reading the list's 1.7 million common words cost every scan a fifth of a second of CPU, more
//! than a small scan itself; so the lexicon read from a list is kept in the user's cache
//! directory ([`Kept`]) and read back, with the list's other lines, while the list's size,
//! times and inode are the same.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use detect::Names;

use crate::paths;

/// Loads the lists from `explicit`, else `$DATAVAKT_NAMES`, else the default file. A list that
/// was asked for and cannot be read is an error; a missing default file only turns the name
/// detector off, with a note saying how to install it. The hash of the text tells scans apart.
pub fn load(explicit: Option<&Path>) -> Result<Option<(Names, blake3::Hash)>, String> {
    let path = match paths::chosen(explicit, "DATAVAKT_NAMES") {
        Some(p) => p,
        None => match paths::data_file("names.tsv") {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    load_from(&path, kept_path(&path).as_deref()).map(Some)
}

/// Loads the list at `path`, through the kept lexicon at `kept` when it matches the list.
fn load_from(path: &Path, kept: Option<&Path>) -> Result<(Names, blake3::Hash), String> {
    let cannot = |e: std::io::Error| {
        format!(
            "cannot read the name lists {}: {e} (fetch them with scripts/fetch-names FILE)",
            path.display()
        )
    };
    let meta = fs::metadata(path).map_err(cannot)?;
    let stamp = Stamp::of(&meta);
    if let Some(k) = kept.and_then(|k| Kept::read(k, &stamp)) {
        // Lines that were read once before: an error here would have been one then.
        if let Ok(names) = Names::with_lexicon(&k.lines, k.lexicon) {
            return Ok((names, k.hash));
        }
    }
    let text = fs::read_to_string(path).map_err(cannot)?;
    let names =
        Names::parse(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.reason))?;
    let hash = blake3::hash(text.as_bytes());
    if let Some(k) = kept {
        // A cache that cannot be written only costs the next scan the reading again.
        let lines = other_lines(&text);
        let _ = Kept::write(k, &stamp, &hash, &lines, names.lexicon());
    }
    Ok((names, hash))
}

/// Where the lexicon read from the list at `path` is kept: one file per list, in
/// `$XDG_CACHE_HOME/datavakt` (else `~/.cache/datavakt`).
fn kept_path(path: &Path) -> Option<PathBuf> {
    let full = fs::canonicalize(path).ok()?;
    let id = blake3::hash(full.as_os_str().as_encoded_bytes()).to_hex();
    paths::cache_file(&format!("names-{}.lexicon", &id[..16]))
}

/// The list's lines other than its common words: the names, read at every start (a few
/// thousand lines).
fn other_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with("word\t")) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// What tells that a list is the one a kept lexicon was read from.
#[derive(PartialEq, Eq, Debug)]
struct Stamp([u64; 5]);

impl Stamp {
    fn of(m: &fs::Metadata) -> Stamp {
        let ns = |s: i64, n: i64| {
            (s as u64)
                .wrapping_mul(1_000_000_000)
                .wrapping_add(n as u64)
        };
        Stamp([
            m.size(),
            ns(m.mtime(), m.mtime_nsec()),
            ns(m.ctime(), m.ctime_nsec()),
            m.ino(),
            m.dev(),
        ])
    }
}

/// A kept lexicon: the magic and version, the list's stamp and text hash, its other lines and
/// the lexicon's hashes, all little-endian.
struct Kept {
    hash: blake3::Hash,
    lines: String,
    lexicon: Vec<u64>,
}

const MAGIC: &[u8; 8] = b"DVNAMES\0";

impl Kept {
    /// The kept lexicon at `path` if it is whole, of this version and of the list `stamp`
    /// describes; anything else is read again from the list.
    fn read(path: &Path, stamp: &Stamp) -> Option<Kept> {
        let mut bytes = Vec::new();
        File::open(path).ok()?.read_to_end(&mut bytes).ok()?;
        let mut r = Reader(&bytes);
        if r.take(8)? != MAGIC || r.u64()? != u64::from(detect::LEXICON_VERSION) {
            return None;
        }
        let mut kept_stamp = [0; 5];
        for v in &mut kept_stamp {
            *v = r.u64()?;
        }
        if Stamp(kept_stamp) != *stamp {
            return None;
        }
        let hash = blake3::Hash::from_bytes(r.take(32)?.try_into().ok()?);
        let len = usize::try_from(r.u64()?).ok()?;
        let lines = String::from_utf8(r.take(len)?.to_vec()).ok()?;
        let count = usize::try_from(r.u64()?).ok()?;
        let words = r.take(count.checked_mul(8)?)?;
        if !r.0.is_empty() {
            return None;
        }
        let lexicon = words
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        Some(Kept {
            hash,
            lines,
            lexicon,
        })
    }

    /// Writes a kept lexicon whole or not at all: to a temporary file renamed into place.
    fn write(
        path: &Path,
        stamp: &Stamp,
        hash: &blake3::Hash,
        lines: &str,
        lexicon: &[u64],
    ) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let mut out = Vec::with_capacity(lines.len() + lexicon.len() * 8 + 128);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&u64::from(detect::LEXICON_VERSION).to_le_bytes());
        for v in stamp.0 {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(hash.as_bytes());
        out.extend_from_slice(&(lines.len() as u64).to_le_bytes());
        out.extend_from_slice(lines.as_bytes());
        out.extend_from_slice(&(lexicon.len() as u64).to_le_bytes());
        for w in lexicon {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&out)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Reads a kept lexicon's fields in order; `None` past its end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "first\tdk\tMette\nlast\tdk\tHansen\n# a comment\n\
                        word\tda\thus\nword\tda\tHave\nword\ten\thouse\n";

    fn lexicon_of(text: &str) -> Vec<u64> {
        Names::parse(text).unwrap().lexicon().to_vec()
    }

    #[test]
    fn a_kept_lexicon_is_read_back_while_the_list_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("names.tsv");
        let kept = dir.path().join("cache/names.lexicon");
        fs::write(&list, LIST).unwrap();

        let (first, hash) = load_from(&list, Some(&kept)).unwrap();
        assert!(kept.exists(), "the first load keeps the lexicon");
        assert_eq!(hash, blake3::hash(LIST.as_bytes()));
        assert_eq!(first.lexicon(), &lexicon_of(LIST)[..]);
        assert_eq!(first.lexicon().len(), 3);

        // Read back: the same lexicon and names, and the kept file was what was read (a
        // lexicon changed in it shows).
        let stamp = Stamp::of(&fs::metadata(&list).unwrap());
        let k = Kept::read(&kept, &stamp).unwrap();
        assert_eq!(k.lines, "first\tdk\tMette\nlast\tdk\tHansen\n# a comment\n");
        Kept::write(&kept, &stamp, &hash, &k.lines, &[1, 2]).unwrap();
        let (again, hash_again) = load_from(&list, Some(&kept)).unwrap();
        assert_eq!(hash_again, hash);
        assert_eq!(again.lexicon(), &[1, 2]);
        assert_eq!(again.len(), first.len());
    }

    #[test]
    fn a_changed_list_or_a_damaged_kept_file_is_read_from_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("names.tsv");
        let kept = dir.path().join("names.lexicon");
        fs::write(&list, LIST).unwrap();
        load_from(&list, Some(&kept)).unwrap();

        let changed = format!("{LIST}word\tsv\tväg\n");
        fs::write(&list, &changed).unwrap();
        let (names, hash) = load_from(&list, Some(&kept)).unwrap();
        assert_eq!(hash, blake3::hash(changed.as_bytes()));
        assert_eq!(names.lexicon(), &lexicon_of(&changed)[..]);

        // Cut short, or garbage: never a panic, always the list's own lexicon.
        let whole = fs::read(&kept).unwrap();
        for damaged in [&whole[..whole.len() - 3], &whole[..20], b"DVNAMES\0junk"] {
            fs::write(&kept, damaged).unwrap();
            let (names, _) = load_from(&list, Some(&kept)).unwrap();
            assert_eq!(names.lexicon(), &lexicon_of(&changed)[..]);
            assert_eq!(fs::read(&kept).unwrap(), whole, "written again whole");
        }
    }

    #[test]
    fn a_bad_list_is_an_error_that_names_its_line_and_a_kept_file_is_optional() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("names.tsv");
        fs::write(&list, "first\tdk\tMette\nsurname\tdk\tHansen\n").unwrap();
        let err = load_from(&list, None).err().unwrap();
        assert!(err.ends_with("names.tsv:2: the role must be `first`, `last` or `word`"));
        let err = load_from(&dir.path().join("gone.tsv"), None).err().unwrap();
        assert!(err.contains("fetch them with scripts/fetch-names"), "{err}");
        fs::write(&list, LIST).unwrap();
        assert_eq!(load_from(&list, None).unwrap().0.lexicon().len(), 3);
    }
}
