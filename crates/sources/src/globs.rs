//! `--exclude` and `--include`: gitignore-style globs over an item's path relative to the
//! root it was found under, the same for every source (a local tree, a web crawl, a share).
//!
//! A pattern without `/` matches a name at any depth (`*.log`, `node_modules`); one with a `/`
//! matches from the root (`HR/archive`, `/old`); `**` spans folders; a trailing `/` matches
//! folders only. An excluded folder is not walked. With includes, only files matching one of
//! them are read (folders are still walked, to find them).

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// The compiled `--exclude` and `--include` patterns.
#[derive(Clone, Debug, Default)]
pub struct Globs {
    exclude: Option<Sets>,
    include: Option<Sets>,
}

/// Patterns for anything, and patterns for folders only (those given with a trailing `/`).
#[derive(Clone, Debug)]
struct Sets {
    any: GlobSet,
    dirs: GlobSet,
}

impl Globs {
    /// Compiles the patterns; an invalid one is an error naming it.
    pub fn new(exclude: &[String], include: &[String]) -> Result<Globs, String> {
        Ok(Globs {
            exclude: sets(exclude, "--exclude")?,
            include: sets(include, "--include")?,
        })
    }

    /// True when nothing is excluded or required.
    pub fn is_empty(&self) -> bool {
        self.exclude.is_none() && self.include.is_none()
    }

    /// Whether the item at `rel` (relative to its root, `/`-separated, no leading `/`) is
    /// left out by an exclude, here or in a folder above it.
    pub fn excluded(&self, rel: &str, is_dir: bool) -> bool {
        let Some(ex) = &self.exclude else {
            return false;
        };
        let rel = rel.trim_matches('/');
        if ex.matches(rel, is_dir) {
            return true;
        }
        // The folders above (a crawl or a share may name an item without walking them).
        let mut at = rel;
        while let Some((parent, _)) = at.rsplit_once('/') {
            if ex.matches(parent, true) {
                return true;
            }
            at = parent;
        }
        false
    }

    /// Whether the item at `rel` is scanned: not excluded, and for a file, matching an
    /// include when there are any.
    pub fn allows(&self, rel: &str, is_dir: bool) -> bool {
        if self.excluded(rel, is_dir) {
            return false;
        }
        match &self.include {
            Some(inc) if !is_dir => inc.matches(rel.trim_matches('/'), false),
            _ => true,
        }
    }
}

impl Sets {
    fn matches(&self, rel: &str, is_dir: bool) -> bool {
        self.any.is_match(rel) || (is_dir && self.dirs.is_match(rel))
    }
}

fn sets(patterns: &[String], option: &str) -> Result<Option<Sets>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let (mut any, mut dirs) = (GlobSetBuilder::new(), GlobSetBuilder::new());
    for p in patterns {
        let dir_only = p.ends_with('/') && p.len() > 1;
        let body = p.trim_end_matches('/');
        let anchored = body.contains('/');
        let body = body.trim_start_matches('/');
        if body.is_empty() {
            return Err(format!("{option} {p:?}: an empty pattern"));
        }
        let full = if anchored {
            body.to_string()
        } else {
            format!("**/{body}")
        };
        let glob = glob(&full).map_err(|e| format!("{option} {p:?}: {e}"))?;
        if dir_only {
            dirs.add(glob);
        } else {
            any.add(glob);
        }
    }
    let build = |b: GlobSetBuilder| b.build().map_err(|e| format!("{option}: {e}"));
    Ok(Some(Sets {
        any: build(any)?,
        dirs: build(dirs)?,
    }))
}

/// A glob whose `*` stays within one folder, as in `.gitignore`.
fn glob(p: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(p).literal_separator(true).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(ex: &[&str], inc: &[&str]) -> Globs {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Globs::new(&v(ex), &v(inc)).unwrap()
    }

    #[test]
    fn patterns_work_as_in_gitignore() {
        let x = g(&["*.log", "HR/archive", "tmp/", "/old"], &[]);
        assert!(x.excluded("a.log", false) && x.excluded("deep/down/a.log", false));
        assert!(!x.excluded("a.logx", false));
        assert!(x.excluded("HR/archive", true) && x.excluded("HR/archive/2019/a.pdf", false));
        assert!(
            !x.excluded("other/HR/archive", true),
            "anchored at the root"
        );
        assert!(
            x.excluded("x/tmp", true) && !x.excluded("x/tmp", false),
            "folders only"
        );
        assert!(x.excluded("x/tmp/a.txt", false), "under an excluded folder");
        assert!(x.excluded("old", true) && !x.excluded("a/old", true));
        assert!(g(&[], &[]).is_empty() && !x.is_empty());
    }

    #[test]
    fn includes_choose_files_and_leave_folders_walkable() {
        let x = g(&["Private/"], &["*.docx", "*.xlsx"]);
        assert!(x.allows("a/b.docx", false) && x.allows("b.xlsx", false));
        assert!(!x.allows("a/b.txt", false));
        assert!(x.allows("a", true), "folders are walked to find files");
        assert!(!x.allows("Private/b.docx", false), "an exclude wins");
        assert!(Globs::new(&["[".into()], &[])
            .unwrap_err()
            .contains("--exclude"));
    }
}
