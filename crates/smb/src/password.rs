//! The password for a share: from the environment, or from a credentials file that only its
//! owner may read (its lines parsed by `sources::smb::parse_credentials`).

use sources::smb::{parse_credentials, SmbTarget, CREDENTIALS_ENV, PASSWORD_ENV};

/// The password for `target`: [`PASSWORD_ENV`] if set, else the `password=` line of the
/// credentials file that [`CREDENTIALS_ENV`] names (smbclient's `username=`, `password=`,
/// `domain=` format; a `username` there must match the URL's). An error says how to give one.
pub fn password(target: &SmbTarget) -> Result<String, String> {
    if let Some(p) = std::env::var_os(PASSWORD_ENV) {
        return p
            .into_string()
            .map_err(|_| format!("{PASSWORD_ENV} is not valid UTF-8"));
    }
    let Some(file) = std::env::var_os(CREDENTIALS_ENV) else {
        return Err(format!(
            "no password for {}: set {PASSWORD_ENV}, or {CREDENTIALS_ENV} to a file with \
             username=, password= (and domain=) lines, readable only by you",
            target.user
        ));
    };
    let path = std::path::Path::new(&file);
    let shown = path.display();
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("credentials file {shown}: {}", sources::describe_io(&e)))?;
        if meta.mode() & 0o007 != 0 {
            return Err(format!(
                "credentials file {shown} can be read by other users; chmod 600 it"
            ));
        }
        if meta.len() > 64 * 1024 {
            return Err(format!("credentials file {shown} is too large to be one"));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("credentials file {shown}: {}", sources::describe_io(&e)))?;
    let creds = parse_credentials(&text).map_err(|e| format!("credentials file {shown}: {e}"))?;
    if let Some(u) = &creds.user {
        if !u.eq_ignore_ascii_case(&target.user) {
            return Err(format!(
                "credentials file {shown} is for user {u}, the URL names {}",
                target.user
            ));
        }
    }
    if let (Some(d), Some(t)) = (&creds.domain, &target.domain) {
        if !d.eq_ignore_ascii_case(t) {
            return Err(format!(
                "credentials file {shown} is for domain {d}, the URL names {t}"
            ));
        }
    }
    creds
        .password
        .ok_or_else(|| format!("credentials file {shown} has no password= line"))
}
