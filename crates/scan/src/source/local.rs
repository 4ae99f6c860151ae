//! Local file trees (and mounted shares): the `ignore` crate's parallel walker, scanning in
//! the walker's threads as ripgrep does; each file's exposure from its mode, ACL and every
//! folder above it.

use std::path::{Path, PathBuf};

use sources::exposure;

use super::{Body, End, Item, Locator, Scanners, Source, Walked};

/// Files and folders under local roots.
pub struct LocalTree {
    /// Absolute paths.
    pub roots: Vec<PathBuf>,
    /// Follow symbolic links (else a scan never leaves the trees it was given).
    pub follow_links: bool,
    pub threads: usize,
    /// `--exclude` and `--include`.
    pub globs: sources::globs::Globs,
}

impl Source for LocalTree {
    fn roots(&self) -> Vec<Locator> {
        self.roots.iter().cloned().map(Locator::Path).collect()
    }

    fn count(&self, totals: &crate::progress::Totals) -> bool {
        self.count_into(totals);
        true
    }

    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End> {
        let opts = sources::WalkOptions {
            follow_links: self.follow_links,
            threads: self.threads,
            globs: self.globs.clone(),
        };
        let follow = self.follow_links;
        sources::walk(&self.roots, &opts, || {
            let mut scan = scanner();
            // Who can read what, with what this thread learnt of the folders.
            let mut judge = exposure::Local::new();
            Box::new(move |entry| match entry {
                sources::Entry::File { path } => scan.item(file(path, follow, &mut judge)),
                sources::Entry::Dir { path } => scan.item(Item {
                    folder: true,
                    ..Item::new(Locator::Path(path.to_path_buf()), Body::Nothing)
                }),
                sources::Entry::Skipped { path, reason } => {
                    scan.skipped(&Locator::Path(path.to_path_buf()), reason)
                }
                sources::Entry::Error { path, error } => {
                    let at = path.map(|p| Locator::Path(p.to_path_buf()));
                    scan.error(at.as_ref(), &error)
                }
            })
        });
        // A file system cannot say what a walk missed, but it can be asked for each file. A
        // root that cannot be read at all was not covered.
        self.roots
            .iter()
            .map(|r| End {
                root: Locator::Path(r.clone()),
                walked: match unreadable(r, follow) {
                    Some(reason) => Walked::CutShort { reason },
                    None => Walked::LookEach,
                },
            })
            .collect()
    }
}

impl LocalTree {
    /// Counts the files and bytes under the roots (one thread, metadata only).
    fn count_into(&self, totals: &crate::progress::Totals) {
        let opts = sources::WalkOptions {
            follow_links: self.follow_links,
            threads: 1,
            globs: self.globs.clone(),
        };
        sources::walk(&self.roots, &opts, || {
            Box::new(move |entry| {
                if let sources::Entry::File { path } = entry {
                    totals.add(1, std::fs::symlink_metadata(path).map_or(0, |m| m.len()));
                }
                true
            })
        });
    }
}

/// Why the root `r` could not be read, if it could not: gone, or a folder that cannot be
/// listed (its walk met nothing under it).
fn unreadable(r: &Path, follow: bool) -> Option<String> {
    let m = if follow {
        std::fs::metadata(r)
    } else {
        std::fs::symlink_metadata(r)
    };
    match m {
        Err(e) => Some(format!("cannot read it: {e}")),
        Ok(m) if m.is_dir() => std::fs::read_dir(r)
            .err()
            .map(|e| format!("cannot list it: {e}")),
        Ok(_) => None,
    }
}

/// A file as an item: its state and who can read it, judged every scan (a folder's
/// permissions change without touching the file); its content is read only when needed.
fn file(path: &Path, follow: bool, judge: &mut exposure::Local) -> Item {
    let stat = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let (exposure, meta) = match &stat {
        Ok(m) => {
            let e = if follow {
                judge.of(path, m)
            } else {
                judge.of_lstat(path, m)
            };
            (Some(e), Some(meta(m)))
        }
        Err(_) => (None, None),
    };
    Item {
        exposure,
        meta,
        ..Item::new(Locator::Path(path.to_path_buf()), Body::File)
    }
}

/// The state of an opened file, as the scan database keeps it.
pub(crate) fn meta(m: &std::fs::Metadata) -> store::Meta {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
    store::Meta {
        size: m.len(),
        mtime_ns: ns(m.mtime(), m.mtime_nsec()),
        ctime_ns: ns(m.ctime(), m.ctime_nsec()),
        dev: m.dev(),
        ino: m.ino(),
        owner: m.uid(),
    }
}
