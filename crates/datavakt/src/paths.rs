//! Where datavakt's own files live: the one given on the command line, else the one an
//! environment variable names, else the default in the user's config or data directory.

use std::path::{Path, PathBuf};

/// `explicit`, else the path in the environment variable `var` (when set and not empty).
pub fn chosen(explicit: Option<&Path>, var: &str) -> Option<PathBuf> {
    explicit.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// `$XDG_CONFIG_HOME/datavakt/NAME`, else `~/.config/datavakt/NAME`.
pub fn config_file(name: &str) -> Option<PathBuf> {
    under("XDG_CONFIG_HOME", ".config", name)
}

/// `$XDG_DATA_HOME/datavakt/NAME`, else `~/.local/share/datavakt/NAME`.
pub fn data_file(name: &str) -> Option<PathBuf> {
    under("XDG_DATA_HOME", ".local/share", name)
}

/// `$XDG_CACHE_HOME/datavakt/NAME`, else `~/.cache/datavakt/NAME`: what can be made again.
pub fn cache_file(name: &str) -> Option<PathBuf> {
    under("XDG_CACHE_HOME", ".cache", name)
}

/// `p` made absolute without `.` and `..`, as a user expects to see it: its folder resolved
/// (`/srv/a/../b/c` is `/srv/b/c`), its own name kept (a root that is a symbolic link stays
/// one). A folder that is gone leaves the path absolute as given.
pub fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(p)?;
    let resolved = match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) if name != "." => {
            parent.canonicalize().map(|dir| dir.join(name))
        }
        // `/`, or a path ending in `..` or `.`: the folder itself.
        _ => abs.canonicalize(),
    };
    Ok(resolved.unwrap_or(abs))
}

fn under(var: &str, home_dir: &str, name: &str) -> Option<PathBuf> {
    let base = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(home_dir)))?;
    Some(base.join("datavakt").join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_without_dots_and_a_root_link_stays_a_link() {
        let dir = std::env::temp_dir().join(format!("datavakt-paths-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        let link = dir.join("a/link");
        let _ = std::os::unix::fs::symlink(dir.join("a/b"), &link);
        let real = dir.canonicalize().unwrap();
        assert_eq!(absolute(&dir.join("a/b/../b")).unwrap(), real.join("a/b"));
        assert_eq!(absolute(&dir.join("a/./b/.")).unwrap(), real.join("a/b"));
        assert_eq!(absolute(&dir.join("a/b/..")).unwrap(), real.join("a"));
        assert_eq!(absolute(&link).unwrap(), real.join("a/link"));
        assert_eq!(
            absolute(&dir.join("gone/../x")).unwrap(),
            dir.join("gone/../x")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
