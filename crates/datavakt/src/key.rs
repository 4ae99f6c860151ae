//! The fingerprint key: a secret kept in a file of its own, outside any database, so that
//! fingerprints count people without identifying them.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::paths;

const MIN_KEY_BYTES: usize = 16;

/// Reads the key from `explicit`, else `$DATAVAKT_KEY_FILE`, else the default file in the
/// config directory, which is created (mode 0600) on first use.
pub fn load(explicit: Option<&Path>) -> Result<Vec<u8>, String> {
    if let Some(p) = paths::chosen(explicit, "DATAVAKT_KEY_FILE") {
        return read(&p);
    }
    let path = paths::config_file("key").ok_or(
        "cannot find a config directory for the fingerprint key (HOME is not set); \
         give one with --key-file",
    )?;
    if !path.exists() {
        create(&path)?;
    }
    read(&path)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| {
        format!(
            "cannot read the fingerprint key file {}: {e} (create one with \
             `head -c 32 /dev/urandom > FILE && chmod 600 FILE`, or omit --key-file \
             to use the default key)",
            path.display()
        )
    };
    let mut file = fs::File::open(path).map_err(cannot)?;
    // Refused, as ssh refuses an open private key: whoever reads the key can reverse every
    // fingerprint (there are only about 3.65 × 10^8 CPR numbers to try). Judged on the file
    // opened, not on its name, and only for a regular file (a pipe from the shell is not
    // lying on a disk).
    let meta = file.metadata().map_err(cannot)?;
    let mode = meta.permissions().mode();
    if meta.is_file() && mode & 0o077 != 0 {
        return Err(format!(
            "the fingerprint key file {} is readable or writable by others (mode {:04o}); \
             make it private with `chmod 600 {}`",
            path.display(),
            mode & 0o7777,
            path.display()
        ));
    }
    let mut key = Vec::new();
    file.read_to_end(&mut key).map_err(cannot)?;
    if key.len() < MIN_KEY_BYTES {
        return Err(format!(
            "the fingerprint key file {} holds {} bytes; a key needs at least {MIN_KEY_BYTES}",
            path.display(),
            key.len()
        ));
    }
    Ok(key)
}

fn create(path: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| {
        format!(
            "cannot create the fingerprint key file {}: {e}",
            path.display()
        )
    };
    if let Some(dir) = path.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(fail)?;
    }
    let mut key = [0u8; 32];
    getrandom::getrandom(&mut key).map_err(|e| format!("no randomness for a new key: {e}"))?;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(fail)?;
    f.write_all(&key).map_err(fail)?;
    eprintln!(
        "datavakt: created a new fingerprint key in {} (keep it secret and back it up: \
         fingerprints from different keys do not match)",
        path.display()
    );
    Ok(())
}
