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

fn under(var: &str, home_dir: &str, name: &str) -> Option<PathBuf> {
    let base = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(home_dir)))?;
    Some(base.join("datavakt").join(name))
}
