//! Sources: where items come from. This crate walks local file trees (and mounted shares) in
//! parallel and opens files read-only without touching their access times.
//!
//! The walk uses the `ignore` crate's work-stealing parallel walker, with every filter off: a
//! file share is not a git repository, so hidden files and `.gitignore` rules are scanned like
//! anything else. The caller's visitor runs on the walker's threads, so walking and scanning
//! share them (as in ripgrep).
//!
//! [`web`] crawls a web server instead: what its links and directory listings expose.
//! [`smb`] holds the parts of the SMB source that need no SMB client: the `smb://` target, and
//! parsers and judgements of what a server sends about permissions. The walk of a share, which
//! links Samba's libsmbclient (GPL-3.0-or-later), is the crate `datavakt-smb`.

pub mod exposure;
pub mod globs;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

pub mod smb;
pub mod web;

/// Something the walk met.
pub enum Entry<'a> {
    /// A regular file to read.
    File { path: &'a Path },
    /// A directory below a root (its name may hold personal data too).
    Dir { path: &'a Path },
    /// Something that is not read, and why (symbolic link not followed, socket, FIFO, device).
    Skipped {
        path: &'a Path,
        reason: &'static str,
    },
    /// A directory or file the walk could not read.
    Error {
        path: Option<&'a Path>,
        error: String,
    },
}

/// How to walk.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Follow symbolic links (the walker detects loops). Off by default so that a scan stays
    /// inside the tree it was given.
    pub follow_links: bool,
    /// Worker threads; 0 picks one per core.
    pub threads: usize,
    /// `--exclude` and `--include`, over paths relative to their root: an excluded folder
    /// is not walked.
    pub globs: globs::Globs,
}

/// Walks `roots` in parallel. `make_visitor` is called once per worker thread and the
/// visitor it returns is called for every entry met on that thread; a visitor returning
/// `false` stops the walk.
pub fn walk<'s, F>(roots: &[PathBuf], opts: &WalkOptions, make_visitor: F)
where
    F: Fn() -> Box<dyn FnMut(Entry<'_>) -> bool + Send + 's> + Sync,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut b = ignore::WalkBuilder::new(first);
    for r in rest {
        b.add(r);
    }
    b.standard_filters(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads);
    if !opts.globs.is_empty() {
        let (globs, roots) = (opts.globs.clone(), roots.to_vec());
        b.filter_entry(move |ent| {
            // A root itself is never left out: it was asked for.
            if ent.depth() == 0 {
                return true;
            }
            let is_dir = ent.file_type().is_some_and(|t| t.is_dir());
            match relative(&roots, ent.path()) {
                Some(rel) => globs.allows(&rel, is_dir),
                None => true,
            }
        });
    }
    b.build_parallel().run(|| {
        let mut visit = make_visitor();
        Box::new(move |res| {
            let go_on = match res {
                Ok(ent) => visit_entry(&ent, &mut visit),
                Err(e) => visit(Entry::Error {
                    path: error_path(&e),
                    error: error_text(&e),
                }),
            };
            if go_on {
                ignore::WalkState::Continue
            } else {
                ignore::WalkState::Quit
            }
        })
    });
}

/// `path` relative to the deepest of `roots` above it, `/`-separated.
fn relative(roots: &[PathBuf], path: &Path) -> Option<String> {
    roots
        .iter()
        .filter_map(|r| path.strip_prefix(r).ok())
        .min_by_key(|rel| rel.as_os_str().len())
        .map(|rel| rel.to_string_lossy().into_owned())
}

fn visit_entry(ent: &ignore::DirEntry, visit: &mut dyn FnMut(Entry<'_>) -> bool) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let path = ent.path();
    let Some(ft) = ent.file_type() else {
        // Standard input has no file type; the caller handles "-" itself.
        return true;
    };
    if ft.is_dir() {
        return ent.depth() == 0 || visit(Entry::Dir { path });
    }
    if ft.is_file() {
        return visit(Entry::File { path });
    }
    let reason = if ft.is_symlink() {
        "symbolic link not followed (use --follow)"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_fifo() {
        "named pipe (FIFO)"
    } else if ft.is_block_device() || ft.is_char_device() {
        "device"
    } else {
        "not a regular file"
    };
    visit(Entry::Skipped { path, reason })
}

fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        // The link that leads back up is where the loop is: the record names it.
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// The reason of a walk error, without the path (reported separately).
fn error_text(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_text(err),
        ignore::Error::Io(io) => describe_io(io),
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symbolic link loop: leads back to {}; not followed",
                ancestor.display()
            )
        }
        other => other.to_string(),
    }
}

/// A plain-language reason for an I/O error.
pub fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "vanished before it could be read (no such file)".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Opens a file read-only, with `O_NOATIME` where the kernel allows it (the file's owner or a
/// process with CAP_FOWNER) so that scanning does not change access times.
pub fn open_read_only(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let noatime = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOATIME)
        .open(path);
    match noatime {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => File::open(path),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn tempdir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("datavakt-sources-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn collect(root: &Path, follow: bool) -> Vec<String> {
        let seen = Mutex::new(vec![]);
        let opts = WalkOptions {
            follow_links: follow,
            threads: 2,
            globs: globs::Globs::default(),
        };
        walk(&[root.to_path_buf()], &opts, || {
            let seen = &seen;
            Box::new(move |e| {
                let s = match e {
                    Entry::File { path } => format!("file {}", name(root, path)),
                    Entry::Dir { path } => format!("dir {}", name(root, path)),
                    Entry::Skipped { path, reason } => {
                        format!("skip {} {reason}", name(root, path))
                    }
                    Entry::Error { error, .. } => format!("error {error}"),
                };
                seen.lock().unwrap().push(s);
                true
            })
        });
        let mut v = seen.into_inner().unwrap();
        v.sort();
        v
    }

    fn name(root: &Path, p: &Path) -> String {
        p.strip_prefix(root).unwrap().display().to_string()
    }

    #[test]
    fn walks_hidden_and_ignored_files_and_skips_links_and_fifos() {
        let d = tempdir("walk");
        std::fs::create_dir_all(d.join("sub/.hidden")).unwrap();
        std::fs::write(d.join(".gitignore"), "*.txt\n").unwrap();
        std::fs::write(d.join("sub/a.txt"), "abc").unwrap();
        std::fs::write(d.join("sub/.hidden/b.txt"), "x").unwrap();
        let outside = tempdir("outside");
        std::fs::write(outside.join("secret.txt"), "outside").unwrap();
        std::os::unix::fs::symlink(&outside, d.join("link")).unwrap();
        let fifo =
            std::ffi::CString::new(d.join("pipe").into_os_string().into_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let got = collect(&d, false);
        assert_eq!(
            got,
            vec![
                "dir sub",
                "dir sub/.hidden",
                "file .gitignore",
                "file sub/.hidden/b.txt",
                "file sub/a.txt",
                "skip link symbolic link not followed (use --follow)",
                "skip pipe named pipe (FIFO)",
            ]
        );
        let followed = collect(&d, true);
        assert!(
            followed.contains(&"file link/secret.txt".to_string()),
            "{followed:?}"
        );
    }

    #[test]
    fn opens_without_changing_access_time() {
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        let d = tempdir("atime");
        let f = d.join("f.txt");
        std::fs::write(&f, "data").unwrap();
        // Put the access time in the past so that any read would move it forward.
        let past = libc::timespec {
            tv_sec: 1_000_000_000,
            tv_nsec: 0,
        };
        let c = std::ffi::CString::new(f.clone().into_os_string().into_encoded_bytes()).unwrap();
        let times = [
            past,
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            },
        ];
        assert_eq!(
            unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), times.as_ptr(), 0) },
            0
        );
        let mut s = String::new();
        open_read_only(&f).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "data");
        assert_eq!(std::fs::metadata(&f).unwrap().atime(), 1_000_000_000);
    }
}
