//! Where an SMB password comes from: the environment, or a credentials file in smbclient's
//! format, parsed here (the lookup itself is `datavakt-smb`'s `password`).

/// The environment variable holding the password.
pub const PASSWORD_ENV: &str = "DATAVAKT_SMB_PASSWORD";
/// The environment variable naming a credentials file (smbclient's format).
pub const CREDENTIALS_ENV: &str = "DATAVAKT_SMB_CREDENTIALS";

/// The fields of a credentials file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FileCredentials {
    /// `username` (or `user`).
    pub user: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `domain` (or `workgroup`).
    pub domain: Option<String>,
}

/// `key = value` lines; blank lines and `#` comments skipped. A value keeps everything after
/// the spaces that follow `=` (trailing spaces may be part of a password).
pub fn parse_credentials(text: &str) -> Result<FileCredentials, String> {
    let mut c = FileCredentials::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected key = value", n + 1))?;
        let value = value.trim_start().to_string();
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "username" | "user" => &mut c.user,
            "password" => &mut c.password,
            "domain" | "workgroup" => &mut c.domain,
            // Other keys (smbclient knows none that matter here) are ignored.
            _ => continue,
        };
        *slot = Some(value);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_files() {
        let c = parse_credentials(
            "# for the audit\r\nusername = kari\r\npassword =  p=ss word \r\n\ndomain=HR\n",
        )
        .unwrap();
        assert_eq!(
            c,
            FileCredentials {
                user: Some("kari".into()),
                password: Some("p=ss word ".into()),
                domain: Some("HR".into()),
            }
        );
        assert!(parse_credentials("password\n").is_err());
        assert_eq!(parse_credentials("").unwrap(), FileCredentials::default());
    }
}
