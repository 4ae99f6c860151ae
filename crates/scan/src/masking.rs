//! Found values in the names of items: a scan saved as `<personnummer>.pdf`, a folder per
//! client named after the client, an archive member `in/<cpr>.txt`, a URL ending in a CPR.
//! The scan database and the output must not hold those values either, so every path, URL,
//! location and folder named in an exposure is stored and shown with each value found in it
//! replaced by its masked form and a short keyed tag: `#` and the first 8 hexadecimal digits
//! of the value's fingerprint. The tag keeps two items apart whose names differ only in the
//! hidden digits (two clients born on the same day) and reveals nothing without the key.
//!
//! Names are bytes, and many are not UTF-8 (Latin-1 names from old file servers): a byte
//! that is not UTF-8 is written `\xNN` ([`shown`]), so that names differing only in such
//! bytes stay apart instead of decoding to the same `�`.
//!
//! A path's stored form is its folder's stored form joined with the stored form of its last
//! component, so the stored form of a root is a prefix of the stored forms of everything under
//! it, and the store's path ranges work unchanged. A file that is no longer where its stored
//! form says is looked for by listing the folders on the way ([`Masker::exists`]).

use std::borrow::Cow;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use detect::{Detector, Finding, Fingerprinter};
use foldhash::HashMap;

use crate::source::Locator;

/// A name or path as text, losslessly: each byte that is not UTF-8 as `\xNN`, and a `\`
/// followed by `x` as `\x5c` (so that a name spelling `\xe6` is not taken for the byte);
/// everything else as it is.
pub fn shown(name: &std::ffi::OsStr) -> Cow<'_, str> {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt;
    let bytes = name.as_bytes();
    let escaped = |t: &str| t.contains("\\x");
    match std::str::from_utf8(bytes) {
        Ok(text) if !escaped(text) => return Cow::Borrowed(text),
        _ => {}
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        if escaped(valid) {
            out.push_str(&valid.replace("\\x", "\\x5cx"));
        } else {
            out.push_str(valid);
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

/// Masks found values in names and texts, with the scan's detector and key.
pub struct Masker<'a> {
    det: &'a Detector,
    fp: &'a Fingerprinter,
    /// Folders listed by [`Masker::exists`]: each entry's stored name and real name (`None`:
    /// not listable), so that many gone items of one large folder list it once.
    listed: Mutex<HashMap<PathBuf, Option<Arc<Listing>>>>,
}

/// A folder's entries by stored name.
type Listing = HashMap<String, OsString>;

impl<'a> Masker<'a> {
    pub fn new(det: &'a Detector, fp: &'a Fingerprinter) -> Masker<'a> {
        Masker {
            det,
            fp,
            listed: Mutex::default(),
        }
    }

    /// `text` with every value the name detector finds in it masked and tagged (of every
    /// confidence: a low-confidence number in a name is still a number); the URLs in it
    /// (a reason that names one, an exposure listed by one) masked as [`Masker::url`] does.
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !text.contains("://") {
            return self.plain(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        for word in text.split_inclusive(char::is_whitespace) {
            if word.contains("://") {
                out.push_str(&self.url(word));
            } else {
                out.push_str(&self.plain(word));
            }
        }
        if out == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(out)
        }
    }

    /// `text` masked as a whole.
    fn plain<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_empty() {
            // The location of most findings: no detector to start.
            return Cow::Borrowed(text);
        }
        let mut found = Vec::new();
        self.det.scan_name(text.as_bytes(), &mut found);
        self.with_found(text, &found)
    }

    /// A URL with the values in its path, query and fragment masked and tagged, part by part
    /// between `/`, `?`, `&`, `=` and `#` as a path is masked name by name: found in
    /// `http://host:8080/120380-1005/`, where the whole text reads as one run of digits and
    /// slashes. A part written with `%` escapes is looked at decoded too, and kept decoded
    /// when that shows a value.
    pub fn url<'t>(&self, url: &'t str) -> Cow<'t, str> {
        let path_at = url.find("://").map_or(0, |s| {
            url[s + 3..].find('/').map_or(url.len(), |p| s + 3 + p)
        });
        let (origin, rest) = url.split_at(path_at);
        let mut out = String::with_capacity(url.len() + 16);
        out.push_str(&self.plain(origin));
        let mut changed = out != origin;
        for part in rest.split_inclusive(['/', '?', '&', '=', '#']) {
            let (name, sep) = match part.char_indices().last() {
                Some((i, '/' | '?' | '&' | '=' | '#')) => part.split_at(i),
                _ => (part, ""),
            };
            let mut shown = self.plain(name);
            if matches!(shown, Cow::Borrowed(_)) && name.contains('%') {
                let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                let masked = self.plain(&decoded);
                if let Cow::Owned(m) = masked {
                    shown = Cow::Owned(m);
                }
            }
            changed |= matches!(shown, Cow::Owned(_));
            out.push_str(&shown);
            out.push_str(sep);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(url)
        }
    }

    /// `text` with the values of `found` (the name detector's findings in it) masked and
    /// tagged: for a name whose findings are reported too, detected once for both.
    pub fn with_found<'t>(&self, text: &'t str, found: &[Finding]) -> Cow<'t, str> {
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut spans: Vec<(usize, usize, String)> = found
            .iter()
            .filter_map(|f| {
                let start = usize::try_from(f.offset).ok()?;
                let end = start.checked_add(f.value.expose().len())?;
                if end > text.len() || start == end {
                    return None;
                }
                // The fingerprint of what identifies the person, else of the text itself (a
                // rule's match): the same value gets the same tag wherever it is.
                let source = if f.normalized.expose().is_empty() {
                    &f.value
                } else {
                    &f.normalized
                };
                let print = self.fp.fingerprint(f.kind, source);
                let tag = print.rsplit(':').next().unwrap_or_default();
                // A mask never adds a folder level.
                let masked = f.masked.replace(['/', '\\', '\0'], "_");
                Some((start, end, format!("{masked}#{}", &tag[..tag.len().min(8)])))
            })
            .collect();
        spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = String::with_capacity(text.len() + 16);
        let mut at = 0;
        for (start, end, masked) in spans {
            // Overlapping findings (a number that is also part of a rule's match): the
            // first one covers what it covers.
            if start < at || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(&masked);
            at = end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// The stored form of a path's last component (the component itself when it holds
    /// nothing).
    fn name(&self, name: &std::ffi::OsStr) -> String {
        self.text(&shown(name)).into_owned()
    }

    /// Whether the item whose stored form is `stored` may still exist: false only when it is
    /// surely gone. A stored form with a mask is found by listing each folder on the way and
    /// masking the names there; a folder that cannot be listed leaves the answer "maybe".
    pub fn exists(&self, stored: &str) -> bool {
        match std::fs::symlink_metadata(stored) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            _ => return true,
        }
        let mut at = PathBuf::from("/");
        for part in Path::new(stored).components().skip(1) {
            let next = at.join(part);
            match std::fs::symlink_metadata(&next) {
                Ok(_) => {
                    at = next;
                    continue;
                }
                Err(e) if e.kind() != io::ErrorKind::NotFound => return true,
                Err(_) => {}
            }
            let Some(listing) = self.listing(&at) else {
                return true;
            };
            match listing.get(&*shown(part.as_os_str())) {
                Some(real) => at.push(real),
                None => return false,
            }
        }
        true
    }

    /// `dir`'s entries by stored name, listed once; `None` when it cannot be listed whole.
    fn listing(&self, dir: &Path) -> Option<Arc<Listing>> {
        // A poisoned lock only means another thread panicked while listing: list again.
        let mut listed = self.listed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = listed.get(dir) {
            return known.clone();
        }
        let listing = std::fs::read_dir(dir).ok().and_then(|entries| {
            entries
                .map(|e| e.ok().map(|e| (self.name(&e.file_name()), e.file_name())))
                .collect::<Option<Listing>>()
                .map(Arc::new)
        });
        listed.insert(dir.to_path_buf(), listing.clone());
        listing
    }
}

/// A scanning thread's stored forms of the folders it has met, so that each item costs the
/// detection of its own name only.
#[derive(Default)]
pub struct Folders {
    /// By the folder's path as bytes: hashing a `Path` walks its components.
    known: HashMap<OsString, String>,
}

impl Folders {
    /// Enough for the folders of a large share; beyond it the cache starts again.
    const MAX: usize = 1 << 16;

    /// The stored form of `path`.
    pub fn stored(&mut self, m: &Masker, path: &Path) -> String {
        match path.file_name() {
            Some(name) => self.join(m, path, &m.name(name)),
            // `/`, or a path ending in `..`: as a whole.
            None => m.text(&shown(path.as_os_str())).into_owned(),
        }
    }

    /// The stored form of `path` whose last component's stored form is `name`.
    pub fn join(&mut self, m: &Masker, path: &Path, name: &str) -> String {
        let mut out = path.parent().map(|p| self.folder(m, p)).unwrap_or_default();
        if !out.ends_with('/') && !out.is_empty() {
            out.push('/');
        }
        out.push_str(name);
        out
    }

    /// The stored form of what `at` locates: a path as above, a URL as a text.
    pub(crate) fn locator(&mut self, m: &Masker, at: &Locator) -> String {
        match at {
            Locator::Path(p) => self.stored(m, p),
            Locator::Url { url, .. } => m.url(url).into_owned(),
            Locator::Stdin => "-".into(),
        }
    }

    fn folder(&mut self, m: &Masker, dir: &Path) -> String {
        if let Some(s) = self.known.get(dir.as_os_str()) {
            return s.clone();
        }
        let s = self.stored(m, dir);
        if self.known.len() >= Self::MAX {
            self.known.clear();
        }
        self.known.insert(dir.as_os_str().to_owned(), s.clone());
        s
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn masker_parts() -> (Detector, Fingerprinter) {
        let today = detect::Date::new(2026, 11, 22).unwrap();
        (Detector::new(today), Fingerprinter::new(b"test key"))
    }

    /// Valid Danish CPR numbers of one birth date (mod 11, serials of the 1900s).
    pub(crate) fn cprs(ddmmyy: &str) -> impl Iterator<Item = String> + '_ {
        let w = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        (1000..4000)
            .map(move |serial| format!("{ddmmyy}{serial}"))
            .filter(move |s| {
                let sum: u32 = s.bytes().zip(w).map(|(b, w)| u32::from(b - b'0') * w).sum();
                sum.is_multiple_of(11)
            })
            .map(|s| format!("{}-{}", &s[..6], &s[6..]))
    }

    #[test]
    fn values_in_names_are_masked_and_tagged_and_other_names_left_alone() {
        let (det, fp) = masker_parts();
        let m = Masker::new(&det, &fp);
        let mut two = cprs("030385");
        let (a, b) = (two.next().unwrap(), two.next().unwrap());
        let shown = m.text(&format!("scan {a}.pdf")).into_owned();
        assert!(!shown.contains(&a[7..]), "{shown}");
        assert!(shown.starts_with("scan 030385-****#"), "{shown}");
        assert!(shown.ends_with(".pdf"), "{shown}");
        assert!(matches!(m.text("budget 2024.xlsx"), Cow::Borrowed(_)));
        // Two people born on the same day: two stored forms, each the same every time.
        assert_ne!(m.text(&a), m.text(&b));
        assert_eq!(m.text(&a), m.text(&a));
    }

    #[test]
    fn a_url_is_masked_part_by_part() {
        let (det, fp) = masker_parts();
        let m = Masker::new(&det, &fp);
        let n = cprs("120380").next().unwrap();
        for url in [
            format!("http://127.0.0.1:18081/{n}.txt"),
            format!("https://h/share/{n}/journal.txt"),
            format!("http://h:80/a?cpr={n}&x=1"),
            format!("http://h/{}", n.replace('-', "%2D")),
        ] {
            let shown = m.url(&url);
            assert!(shown.contains("120380-****#"), "{url}: {shown}");
            assert!(!shown.contains(&n[7..]), "{url}: {shown}");
        }
        let plain = "http://127.0.0.1:8080/share/2024/budget.xlsx?v=3";
        assert!(matches!(m.url(plain), Cow::Borrowed(_)));
        assert_eq!(
            m.url(&format!("http://h/{n}/")),
            format!("http://h/{}/", m.text(&n))
        );
        // In a text: a reason or an exposure that names the URL.
        let via = format!("served without credentials; listed by http://h:81/{n}/ now");
        let via = m.text(&via);
        assert!(
            via.contains("http://h:81/120380-****#") && via.ends_with("/ now"),
            "{via}"
        );
    }

    #[test]
    fn names_that_are_not_utf8_are_shown_losslessly() {
        use std::os::unix::ffi::OsStrExt;
        let os = |b: &[u8]| std::ffi::OsStr::from_bytes(b).to_owned();
        assert_eq!(shown(&os(b"n_\xe6\xf8.txt")), "n_\\xe6\\xf8.txt");
        assert_eq!(shown(&os(b"n_\xff\xfe.txt")), "n_\\xff\\xfe.txt");
        assert_eq!(shown(&os("n_æø.txt".as_bytes())), "n_æø.txt");
        assert!(matches!(shown(&os(b"plain.txt")), Cow::Borrowed(_)));
        // A name that spells an escape is not the byte it spells.
        assert_eq!(shown(&os(b"n_\\xe6.txt")), "n_\\x5cxe6.txt");
        assert_ne!(shown(&os(b"n_\\xe6.txt")), shown(&os(b"n_\xe6.txt")));
        assert_eq!(shown(&os(b"a\\b")), "a\\b");
    }

    #[test]
    fn a_path_is_masked_component_by_component_and_prefixes_hold() {
        let (det, fp) = masker_parts();
        let m = Masker::new(&det, &fp);
        let n = cprs("110772").next().unwrap();
        let mut folders = Folders::default();
        let root = folders.stored(&m, Path::new(&format!("/srv/klienter/{n}")));
        let file = folders.stored(&m, Path::new(&format!("/srv/klienter/{n}/plan {n}.docx")));
        assert!(!root.contains(&n[7..]) && !file.contains(&n[7..]), "{file}");
        assert!(
            file.starts_with(&format!("{root}/plan 110772-****#")),
            "{file}"
        );
        assert_eq!(folders.stored(&m, Path::new("/")), "/");
        assert_eq!(
            folders.stored(&m, Path::new("/srv/a b/c.txt")),
            "/srv/a b/c.txt"
        );
    }

    #[test]
    fn a_masked_path_is_found_again_by_listing_and_is_gone_when_deleted() {
        let (det, fp) = masker_parts();
        let m = Masker::new(&det, &fp);
        let dir = std::env::temp_dir().join(format!("datavakt-masking-{}", std::process::id()));
        let n = cprs("240512").next().unwrap();
        let inner = dir.join(&n);
        std::fs::create_dir_all(&inner).unwrap();
        let file = inner.join(format!("{n}.txt"));
        std::fs::write(&file, "x").unwrap();
        let stored = Folders::default().stored(&m, &file);
        assert_ne!(stored, file.to_string_lossy());
        assert!(m.exists(&stored));
        // A masker lists each folder once: the next scan's has a masker of its own.
        std::fs::remove_file(&file).unwrap();
        assert!(m.exists(&stored), "listed before the file went");
        assert!(!Masker::new(&det, &fp).exists(&stored));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!Masker::new(&det, &fp).exists(&stored));
    }
}
