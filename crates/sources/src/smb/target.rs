//! What to scan on an SMB server: `smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]` parsed and
//! checked ([`SmbTarget::parse`]), and the URLs of the items below it.
//!
//! Names are percent-encoded with `percent-encoding`, keeping only unreserved ASCII. The
//! decoding stays by hand: it is strict (a bad escape or a name that is not UTF-8 is an error
//! that names the part, not a guess), where `percent-encoding`'s passes a bad escape through.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{CREDENTIALS_ENV, PASSWORD_ENV};

/// The default port of SMB over TCP.
pub const DEFAULT_PORT: u16 = 445;

/// What to scan: a share, or a folder in it, and who to log on as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmbTarget {
    /// The domain or workgroup to log on to (`DOMAIN;` in the URL); `None` lets the server
    /// pick (a standalone server's own accounts).
    pub domain: Option<String>,
    /// The user name.
    pub user: String,
    /// The server: a name, an IPv4 address, or an IPv6 address without brackets.
    pub host: String,
    /// The TCP port ([`DEFAULT_PORT`] unless the URL says otherwise).
    pub port: u16,
    /// The share's name.
    pub share: String,
    /// The folder (or file) inside the share, `/`-separated without leading or trailing `/`;
    /// empty for the whole share.
    pub path: String,
}

impl SmbTarget {
    /// Parses `smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]` (percent-escapes decoded). A
    /// password in the URL is refused: it would show in the process list and shell history.
    pub fn parse(url: &str) -> Result<SmbTarget, String> {
        const FORM: &str = "expected smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]";
        let rest = url
            .get(..6)
            .filter(|s| s.eq_ignore_ascii_case("smb://"))
            .map(|_| &url[6..])
            .ok_or_else(|| format!("{url:?} is not an smb:// URL ({FORM})"))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = authority
            .rsplit_once('@')
            .ok_or_else(|| format!("no user name in {url:?} ({FORM})"))?;
        if userinfo.contains(':') {
            return Err(format!(
                "a password in the URL is not accepted (it would be visible to other users); \
                 set {PASSWORD_ENV} or {CREDENTIALS_ENV} instead"
            ));
        }
        let (domain, user) = match userinfo.split_once(';') {
            Some((d, u)) => (Some(decode(d, "domain")?), decode(u, "user name")?),
            None => (None, decode(userinfo, "user name")?),
        };
        if user.is_empty() || domain.as_deref() == Some("") {
            return Err(format!("empty user name or domain in {url:?} ({FORM})"));
        }
        let (host, port) = split_host_port(hostport).map_err(|e| format!("{e} in {url:?}"))?;
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let share = match segments.next() {
            Some(s) => decode(s, "share name")?,
            None => return Err(format!("no share in {url:?} ({FORM})")),
        };
        if share.is_empty() || share.contains(['\\', ':', '*', '?', '"', '<', '>', '|']) {
            return Err(format!("{share:?} is not a share name"));
        }
        let mut parts = Vec::new();
        for s in segments {
            let s = decode(s, "path")?;
            if s == "." || s == ".." || s.contains('\\') {
                return Err(format!("path component {s:?} is not allowed in {url:?}"));
            }
            parts.push(s);
        }
        Ok(SmbTarget {
            domain,
            user,
            host,
            port,
            share,
            path: parts.join("/"),
        })
    }

    /// The URL of `rel` (a path inside the share, `/`-separated) as items carry it:
    /// `smb://HOST[:PORT]/SHARE/PATH`, percent-encoded, without the user.
    pub fn url_of(&self, rel: &str) -> String {
        let mut u = String::from("smb://");
        if self.host.contains(':') {
            u.push('[');
            u.push_str(&self.host);
            u.push(']');
        } else {
            u.push_str(&self.host);
        }
        if self.port != DEFAULT_PORT {
            u.push_str(&format!(":{}", self.port));
        }
        for seg in std::iter::once(self.share.as_str()).chain(rel.split('/')) {
            if seg.is_empty() {
                continue;
            }
            u.push('/');
            u.extend(utf8_percent_encode(seg, UNRESERVED_KEPT));
        }
        u
    }

    /// The URL libsmbclient is given: always with the port.
    pub fn lib_url(&self, rel: &str) -> String {
        let u = self.url_of(rel);
        if self.port == DEFAULT_PORT {
            // `url_of` leaves the default port out; the library gets it explicitly anyway
            // (its own default tries 139 too).
            let host_end = 6 + u[6..].find('/').unwrap_or(u.len() - 6);
            format!("{}:{}{}", &u[..host_end], self.port, &u[host_end..])
        } else {
            u
        }
    }
}

fn split_host_port(s: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(v6) = s.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("unclosed [ in the host")?;
        match after {
            "" => (h, None),
            p => (h, Some(p.strip_prefix(':').ok_or("junk after ]")?)),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() || host.contains(['/', '\\', '@', ' ', '%']) {
        return Err(format!("{host:?} is not a host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("{p:?} is not a port"))?,
    };
    Ok((host.to_string(), port))
}

/// Percent-decodes one URL component into UTF-8.
fn decode(s: &str, what: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-escape in the {what}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).map_err(|_| format!("the {what} is not UTF-8"))?;
    if s.contains('\0') || s.contains('/') && what != "path" {
        return Err(format!("the {what} holds a character it cannot hold"));
    }
    Ok(s)
}

/// What a name in a URL escapes: everything but unreserved ASCII (letters, digits, `-._~`).
const UNRESERVED_KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let t = SmbTarget::parse("smb://HR;kari@files.example.org/Staff/Team%20A/2024").unwrap();
        assert_eq!(
            t,
            SmbTarget {
                domain: Some("HR".into()),
                user: "kari".into(),
                host: "files.example.org".into(),
                port: 445,
                share: "Staff".into(),
                path: "Team A/2024".into(),
            }
        );
        assert_eq!(
            t.url_of("Team A/x.txt"),
            "smb://files.example.org/Staff/Team%20A/x.txt"
        );
        assert_eq!(t.lib_url(""), "smb://files.example.org:445/Staff");
        let t = SmbTarget::parse("SMB://u@[::1]:4445/s/").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 4445, "")
        );
        assert_eq!(
            t.url_of("\u{c6}r\u{f8}.txt"),
            "smb://[::1]:4445/s/%C3%86r%C3%B8.txt"
        );
        let t = SmbTarget::parse("smb://u@h:139/s").unwrap();
        assert_eq!(t.port, 139);
    }

    #[test]
    fn names_keep_only_unreserved_ascii() {
        let t = SmbTarget::parse("smb://u@h/s").unwrap();
        // `/` separates the path's names.
        for c in (1u8..128).map(char::from).filter(|c| *c != '/') {
            let want = if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u8)
            };
            assert_eq!(
                t.url_of(&c.to_string()),
                format!("smb://h/s/{want}"),
                "{c:?}"
            );
        }
    }

    #[test]
    fn refuses_bad_targets_with_a_reason() {
        for (url, why) in [
            ("http://u@h/s", "not an smb:// URL"),
            ("smb://h/s", "no user name"),
            ("smb://u:secret@h/s", "password in the URL"),
            ("smb://u@h", "no share"),
            ("smb://u@h/", "no share"),
            ("smb://u@h:0/s", "not a port"),
            ("smb://u@h:99999/s", "not a port"),
            ("smb://u@/s", "not a host"),
            ("smb://;u@h/s", "empty user name or domain"),
            ("smb://u@h/s/../x", "not allowed"),
            ("smb://u@h/s%ZZ", "percent-escape"),
            ("smb://u@h/s%00", "cannot hold"),
            ("smb://u@[::1/s", "unclosed"),
            ("smb://u@h/a:b", "not a share name"),
        ] {
            let e = SmbTarget::parse(url).unwrap_err();
            assert!(e.contains(why), "{url}: {e}");
            assert!(!e.contains("secret"), "{url}: {e}");
        }
    }
}
