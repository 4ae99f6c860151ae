//! [`Local`]: the per-thread caches of folders, and the verdict of one file from what the
//! file system says of it and of every folder above it (metadata, ACLs), judged by `verdict`.

use std::ffi::OsString;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path};
use std::sync::{Arc, OnceLock};

use foldhash::{HashMap, HashMapExt};

use super::accounts::{Accounts, Names};
use super::acl::read_acl;
use super::verdict::{judge, Dir, Object, SEARCH};
use super::{io_text, Audience, Exposure};

/// Works out exposures, caching what it learns about folders. Meant to be owned by one scanning
/// thread (it is `Send`, not shared): the cache needs no lock and each thread re-reads a
/// folder at most once.
pub struct Local {
    accounts: Arc<Accounts>,
    names: Names,
    /// Each folder's own verdict, by canonical path (keyed by its bytes: hashing a `Path`
    /// parses its components, at every lookup).
    dirs: HashMap<OsString, Arc<Dir>>,
    /// The folders above a file, from `/` down, by the parent path as the caller gave it.
    chains: HashMap<OsString, Result<Chain, String>>,
    /// What files without an ACL under folders that everyone may search come to, by mode,
    /// owner and group: the common case needs no judging (and no new texts) per file.
    open: HashMap<(u32, u32, u32), Exposure>,
}

/// The folders above a file, from `/` down; shared by every file of a folder.
type Chain = Arc<[Arc<Dir>]>;

/// Past this many cached folders the cache starts over, so that a walk of millions of folders
/// keeps bounded memory (the walker visits a folder's files together, so little is lost).
const CACHE_LIMIT: usize = 50_000;

impl Default for Local {
    fn default() -> Self {
        Local::new()
    }
}

impl Local {
    /// A cache using this system's local accounts (`/etc/passwd`, `/etc/group`, read once per
    /// process).
    pub fn new() -> Local {
        static SYSTEM: OnceLock<Arc<Accounts>> = OnceLock::new();
        let accounts = SYSTEM.get_or_init(|| Arc::new(Accounts::system())).clone();
        Local::with(accounts, true)
    }

    fn with(accounts: Arc<Accounts>, nss: bool) -> Local {
        Local {
            names: Names::new(accounts.clone(), nss),
            accounts,
            dirs: HashMap::new(),
            chains: HashMap::new(),
            open: HashMap::new(),
        }
    }

    /// Who can read the regular file at `path`, whose metadata (from `stat` or `fstat`) is
    /// `meta`. A path whose last component is a symbolic link (a walk that follows links) is
    /// judged at its target; a path that no longer names the file `meta` describes is
    /// `unknown`.
    pub fn of(&mut self, path: &Path, meta: &Metadata) -> Exposure {
        self.judged(path, meta, None)
    }

    /// Like [`of`](Self::of), for a caller that has just `lstat`ed `path` (a walk that does
    /// not follow links): `lstat` is that metadata, and the file is not looked up again unless
    /// it is a symbolic link.
    pub fn of_lstat(&mut self, path: &Path, lstat: &Metadata) -> Exposure {
        if lstat.file_type().is_symlink() {
            return self.judged(path, lstat, None);
        }
        self.judged(path, lstat, Some(lstat))
    }

    fn judged(&mut self, path: &Path, meta: &Metadata, lstat: Option<&Metadata>) -> Exposure {
        let looked_up = match lstat {
            Some(m) => Ok(m.clone()),
            None => std::fs::symlink_metadata(path),
        };
        let real = match looked_up {
            Err(e) => return super::unknown(format!("metadata unreadable: {}", io_text(&e))),
            Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
                Err(e) => {
                    return super::unknown(format!("symbolic link not resolved: {}", io_text(&e)))
                }
                Ok(p) => match std::fs::symlink_metadata(&p) {
                    Err(e) => {
                        return super::unknown(format!("metadata unreadable: {}", io_text(&e)))
                    }
                    Ok(m) => (p, m),
                },
            },
            Ok(m) => (path.to_path_buf(), m),
        };
        let (real, now) = real;
        if (now.dev(), now.ino()) != (meta.dev(), meta.ino()) {
            return super::unknown("the file was replaced while it was read".into());
        }
        let acl = match read_acl(&real) {
            Ok(a) => a,
            Err(why) => return super::unknown(format!("ACL unreadable: {why}")),
        };
        let file = Object {
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
            acl,
        };
        let parent = match real.parent() {
            Some(p) if p.as_os_str().is_empty() => Path::new("."),
            Some(p) => p,
            None => return super::unknown("a path without a folder".into()),
        };
        match self.chain(parent) {
            Ok(chain) if file.acl.is_none() && chain.iter().all(|d| d.open) => {
                let key = (file.mode, file.uid, file.gid);
                if let Some(e) = self.open.get(&key) {
                    return e.clone();
                }
                let e = judge(&file, &chain, &self.accounts, &mut self.names);
                self.open.insert(key, e.clone());
                e
            }
            Ok(chain) => judge(&file, &chain, &self.accounts, &mut self.names),
            Err(why) => {
                // A folder we cannot judge only matters if the file alone is wider than its
                // owner: the folders can only narrow it.
                let alone = judge(&file, &[], &self.accounts, &mut self.names);
                if alone.audience == Audience::Owner {
                    alone
                } else {
                    super::unknown(why)
                }
            }
        }
    }

    /// The folders from `/` down to `dir`, each judged once.
    fn chain(&mut self, dir: &Path) -> Result<Chain, String> {
        if let Some(c) = self.chains.get(dir.as_os_str()) {
            return c.clone();
        }
        if self.dirs.len() >= CACHE_LIMIT || self.chains.len() >= CACHE_LIMIT {
            self.dirs.clear();
            self.chains.clear();
            self.open.clear();
        }
        // A clean absolute path of a folder that is no link: its parent's chain (cached, so
        // each folder is looked at once) and itself, without resolving the whole path again
        // (which reads every component's link).
        let clean = dir.is_absolute()
            && dir
                .components()
                .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
        let this = clean.then(|| self.dir(dir)).filter(|d| !d.link);
        if let Some(this) = this {
            let chain = match dir.parent() {
                None => Ok(Arc::from(vec![this])),
                Some(parent) => match self.chain(parent) {
                    Ok(above) => {
                        let mut chain: Vec<Arc<Dir>> = above.to_vec();
                        chain.push(this);
                        Ok(Arc::from(chain))
                    }
                    Err(e) => Err(e),
                },
            };
            self.chains
                .insert(dir.as_os_str().to_owned(), chain.clone());
            return chain;
        }
        // Canonical: others reach the file by its real path, whatever link the walk came
        // through, and `..` or links in the given path say nothing about permissions.
        let chain = match std::fs::canonicalize(dir) {
            Err(e) => Err(format!(
                "folder {} not resolved: {}",
                dir.display(),
                io_text(&e)
            )),
            Ok(canon) => {
                let mut above: Vec<&Path> = canon.ancestors().collect();
                above.reverse();
                let chain: Vec<Arc<Dir>> = above.into_iter().map(|p| self.dir(p)).collect();
                Ok(Arc::from(chain))
            }
        };
        self.chains
            .insert(dir.as_os_str().to_owned(), chain.clone());
        chain
    }

    /// One folder's own verdict: who may search it.
    fn dir(&mut self, path: &Path) -> Arc<Dir> {
        if let Some(d) = self.dirs.get(path.as_os_str()) {
            return d.clone();
        }
        let lstat = std::fs::symlink_metadata(path);
        let link = lstat.as_ref().is_ok_and(|m| m.file_type().is_symlink());
        let searchers = match lstat {
            Err(e) => Err(format!("metadata unreadable: {}", io_text(&e))),
            Ok(m) => match read_acl(path) {
                Err(why) => Err(format!("ACL unreadable: {why}")),
                Ok(acl) => Ok(Object {
                    mode: m.mode(),
                    uid: m.uid(),
                    gid: m.gid(),
                    acl,
                }),
            },
        };
        let open = searchers.as_ref().is_ok_and(|o| o.readers(SEARCH).everyone);
        let d = Arc::new(Dir {
            path: path.to_path_buf(),
            searchers,
            link,
            open,
        });
        self.dirs.insert(path.as_os_str().to_owned(), d.clone());
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_can_move_to_a_walker_thread() {
        fn send<T: Send>() {}
        send::<Local>();
    }

    /// Files of one mode and owner under open folders share one judgement; a mode that
    /// differs, or a folder that narrows, is judged on its own.
    #[test]
    fn files_under_open_folders_are_judged_once_per_mode_and_owner() {
        use std::os::unix::fs::PermissionsExt;
        let root = testkit::unique_dir("exposure-open");
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        let mut local = Local::new();
        let mut judge = |rel: &str| {
            let p = root.join(rel);
            local.of_lstat(&p, &std::fs::symlink_metadata(&p).unwrap())
        };
        for (rel, m) in [("a.txt", 0o644), ("b/c.txt", 0o644), ("d.txt", 0o600)] {
            testkit::write(&root, rel, b"x");
            mode(&root.join(rel), m);
        }
        mode(&root.join("b"), 0o755);
        testkit::write(&root, "private/e.txt", b"x");
        mode(&root.join("private/e.txt"), 0o644);
        mode(&root.join("private"), 0o700);
        let open = std::env::temp_dir()
            .ancestors()
            .all(|d| std::fs::metadata(d).is_ok_and(|m| m.mode() & 0o001 != 0));
        let (a, c) = (judge("a.txt"), judge("b/c.txt"));
        assert_eq!(a, c);
        if open {
            assert_eq!(a.audience, Audience::Organisation, "{a:?}");
        }
        assert_eq!(judge("d.txt").audience, Audience::Owner);
        let e = judge("private/e.txt");
        assert_eq!(e.audience, Audience::Owner, "{e:?}");
        assert!(e.via.contains("private"), "{}", e.via);
        let _ = std::fs::remove_dir_all(&root);
    }
}
