//! The SMB source: reads a Windows or Samba share directly, without mounting it, and judges
//! who can read each item from its security descriptor.
//!
//! `smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]` names what to scan ([`SmbTarget::parse`]);
//! the password comes from the environment or a credentials file ([`password`]), never from the
//! URL. [`walk`] lists every folder below the start (one listing per folder, with the
//! attributes the listing carries), reads each file's first [`SmbOptions::max_file_bytes`] with
//! large reads, and queries each item's security descriptor (owner, group and DACL) to set its
//! [`Exposure`]. Everything the server sends is bounded (entries, depth, bytes, the size of a
//! descriptor) and every failure is an item with a reason: the walk goes on.
//!
//! ## Why libsmbclient
//!
//! The client is Samba's own libsmbclient (Debian `libsmbclient-dev` to build, `libsmbclient`
//! to run), through the few functions declared in `smb/ffi.rs`. It was weighed against the
//! pure-Rust `smb` crate (smb-rs, MIT), which speaks SMB2/3 with encryption, has a blocking
//! mode and can query security descriptors. libsmbclient won because it is the reference
//! client, maintained with the server, and because it resolves SIDs to names through the
//! server's LSA service (`system.nt_sec_desc.*+`), which `smb` cannot (a group would be shown
//! only as a SID); `smb` also needs a newer compiler than this workspace's minimum (1.89 against
//! 1.88), is async-first and pulls release-candidate crypto crates and the large `sspi` crate.
//! The price: a C library parses what the server sends, and libsmbclient is GPL-3.0-or-later,
//! which a distributed binary that links it must respect (the EUPL names the GPL among its
//! compatible licences).
//!
//! ## Exposure
//!
//! The descriptor comes as libsmbclient's text form, parsed by hand in `smb/sd.rs`. Entries that
//! allow reading data (`FILE_READ_DATA`, generic read or all), in DACL order, minus SIDs denied
//! before their allow, decide: Everyone, Authenticated Users, BUILTIN\Users or Domain Users
//! make it `organisation`; the same, or Guests and Anonymous Logon, on a share that admits
//! guests make it `public` (the walk tries an anonymous session on the share once, to know);
//! any other SID makes it `group`, naming the SIDs (by name where the server resolves them);
//! only the owner, administrators and SYSTEM make it `owner`. Folders above an item do not
//! narrow it (Windows lets everyone traverse by default). The share's own permissions do: they
//! are read once per walk (`smb/srvsvc.rs`: NetrShareGetInfo level 502 over the IPC$ pipe,
//! opened through libsmbclient on the walk's session, so no other client or logon is needed)
//! and judged the same way; whoever reads an item must pass both, so the narrower verdict
//! wins, naming the share ACL in `via` when it is the share's. A server that does not give them
//! (Windows shows them to administrators; Samba 4.17 only to a user who can open its share
//! database) leaves each item's own verdict, its `via` saying so.
//! The transport is `smb3-encrypted` when the session is encrypted: the walk asks for
//! encryption when the server offers it, which it learns from its own SMB2 NEGOTIATE
//! ([`offers_encryption`]), because libsmbclient 4.17 goes on unencrypted, silently, when the
//! server cannot encrypt. libsmbclient reads descriptors (and resolves names) over a second
//! connection, to IPC$, that it always makes to port 445: on another port the content is read
//! but exposures are `unknown`, saying so.

mod ffi;
mod sd;
mod srvsvc;

/// Every parser of what an SMB server sends, on arbitrary bytes, results discarded: for the
/// fuzz target `smb` (`fuzz/`), not for use.
#[doc(hidden)]
pub fn parse_untrusted(data: &[u8]) {
    let _ = sd::parse(data);
    let _ = sd::parse_binary(data);
    let _ = srvsvc::share_info_502(data);
}

use std::collections::HashMap;
use std::ffi::CString;
use std::io;
use std::time::{Duration, SystemTime};

use crate::exposure::{Audience, Exposure};
use ffi::{c_url, Client, Credentials, Encryption, Listed};

/// The default port of SMB over TCP.
pub const DEFAULT_PORT: u16 = 445;

/// The environment variable holding the password.
pub const PASSWORD_ENV: &str = "DATAVAKT_SMB_PASSWORD";
/// The environment variable naming a credentials file (smbclient's format).
pub const CREDENTIALS_ENV: &str = "DATAVAKT_SMB_CREDENTIALS";

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
            encode_into(&mut u, seg.as_bytes());
        }
        u
    }

    /// The URL libsmbclient is given: always with the port.
    fn lib_url(&self, rel: &str) -> String {
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

/// Percent-encodes a name for a URL: only unreserved ASCII stays as it is.
fn encode_into(out: &mut String, name: &[u8]) {
    for &b in name {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

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
            .map_err(|e| format!("credentials file {shown}: {}", crate::describe_io(&e)))?;
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
        .map_err(|e| format!("credentials file {shown}: {}", crate::describe_io(&e)))?;
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

/// The fields of a credentials file.
#[derive(Debug, Default, PartialEq, Eq)]
struct FileCredentials {
    user: Option<String>,
    password: Option<String>,
    domain: Option<String>,
}

/// `key = value` lines; blank lines and `#` comments skipped. A value keeps everything after
/// the spaces that follow `=` (trailing spaces may be part of a password).
fn parse_credentials(text: &str) -> Result<FileCredentials, String> {
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

/// How to walk a share.
#[derive(Clone, Debug)]
pub struct SmbOptions {
    /// A file is read up to this many bytes; the item of a longer one is `truncated`.
    pub max_file_bytes: u64,
    /// At most this many entries (files and folders) are reported; the walk then stops with
    /// [`SmbSummary::limit_reached`].
    pub max_entries: usize,
    /// Folders deeper than this below the start are not listed (the start is depth 0).
    pub max_depth: u32,
    /// Time allowed for each request to the server.
    pub timeout: Duration,
    /// Refuse a session that cannot be encrypted. Off by default: encryption is asked for and
    /// a plain session used only when the server cannot encrypt.
    pub require_encryption: bool,
    /// Ask the server for the names of the SIDs in `group` and `owner` exposures.
    pub resolve_names: bool,
    /// Try an anonymous session on the share once, to tell whether guests get in (which makes
    /// what Everyone may read `public`).
    pub probe_guest: bool,
}

impl Default for SmbOptions {
    fn default() -> Self {
        SmbOptions {
            max_file_bytes: 64 * 1024 * 1024,
            max_entries: 10_000_000,
            max_depth: 64,
            timeout: Duration::from_secs(30),
            require_encryption: false,
            resolve_names: true,
            probe_guest: true,
        }
    }
}

/// One file or folder the walk met.
#[derive(Clone, Debug)]
pub struct SmbItem {
    /// `smb://HOST[:PORT]/SHARE/PATH`, percent-encoded, without the user.
    pub url: String,
    /// The path inside the share, `/`-separated, as the server names it.
    pub path: String,
    /// A folder (reported for its name; its body is empty).
    pub is_dir: bool,
    /// The size the listing gave, in bytes.
    pub size: u64,
    /// The modification time the listing gave.
    pub modified: Option<SystemTime>,
    /// Who can read it, from its security descriptor; `transport` is `"smb"` or
    /// `"smb3-encrypted"`. Principals are `group:NAME`, `user:NAME`, or `account:NAME` when the
    /// SID does not say which; NAME is the server's name for the SID, or the SID.
    pub exposure: Exposure,
    /// The file's content, or its first [`SmbOptions::max_file_bytes`] when `truncated`;
    /// empty for folders and error items.
    pub body: Vec<u8>,
    /// The file is longer than what was read.
    pub truncated: bool,
    /// Why the item could not be read (access denied, vanished, a read cut short); the walk
    /// goes on.
    pub error: Option<String>,
}

/// What a walk did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmbSummary {
    /// Items reported.
    pub items: usize,
    /// Of which folders.
    pub dirs: usize,
    /// Items with an error.
    pub errors: usize,
    /// Bytes of file content read.
    pub bytes_read: u64,
    /// The session was encrypted.
    pub encrypted: bool,
    /// An anonymous session could list the start folder: guests get in.
    pub guest_access: bool,
    /// Entries were left out because of [`SmbOptions::max_entries`].
    pub limit_reached: bool,
    /// Folders were not listed because of [`SmbOptions::max_depth`].
    pub too_deep: usize,
    /// The visitor stopped the walk.
    pub stopped: bool,
}

/// Walks `target` logged on with `password` and calls `visit` with every file and folder below
/// the start (depth first, names in order); `visit` returning `false` stops the walk. An `Err`
/// only when the share cannot be reached or logged on to (wrong password, no such share,
/// refused); everything after that is reported as items.
pub fn walk(
    target: &SmbTarget,
    password: &str,
    opts: &SmbOptions,
    visit: &mut dyn FnMut(SmbItem) -> bool,
) -> Result<SmbSummary, String> {
    let creds = Credentials {
        workgroup: target.domain.clone().unwrap_or_default(),
        user: target.user.clone(),
        password: password.to_string(),
    };
    let start = c_url(&target.lib_url(&target.path)).map_err(|e| e.to_string())?;
    let (client, encrypted, first) = connect(target, &creds, opts, &start)?;
    let guests = opts.probe_guest && guest_gets_in(target, opts, &start);
    let share = share_acl(&client, target);
    let mut w = Walker {
        target,
        opts,
        share,
        client,
        transport: if encrypted { "smb3-encrypted" } else { "smb" },
        guests,
        names: HashMap::new(),
        buf: vec![0; 64 * 1024],
        summary: SmbSummary {
            encrypted,
            guest_access: guests,
            ..SmbSummary::default()
        },
    };
    match first {
        Start::Dir(listing) => w.walk_from(listing, visit),
        Start::File => {
            let item = w.file(&target.path, 0, None);
            w.report(item, visit);
        }
    }
    Ok(w.summary)
}

/// What the start URL turned out to be.
enum Start {
    /// A folder, with its listing.
    Dir(Vec<Listed>),
    /// Not a folder: a single file to read.
    File,
}

/// Logs on and lists the start, asking for encryption; the session counts as encrypted only
/// when the server's own negotiate answer offers it ([`offers_encryption`]): libsmbclient
/// 4.17 goes on without encryption, silently, when the server cannot encrypt. A logon the
/// server refused is not tried again (a second wrong attempt would count twice towards an
/// account lockout).
fn connect(
    target: &SmbTarget,
    creds: &Credentials,
    opts: &SmbOptions,
    start: &CString,
) -> Result<(Client, bool, Start), String> {
    let offered = offers_encryption(&target.host, target.port, opts.timeout);
    if opts.require_encryption && !offered {
        return Err("the server does not offer SMB3 encryption, which was required".into());
    }
    let timeout = i32::try_from(opts.timeout.as_millis()).unwrap_or(i32::MAX);
    let attempt = |enc| -> Result<(Client, Start), io::Error> {
        let c = Client::new(creds, enc, false, target.port, timeout).map_err(io::Error::other)?;
        let first = match c.list(start, opts.max_entries) {
            Ok(l) => Start::Dir(l),
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => Start::File,
            Err(e) => return Err(e),
        };
        Ok((c, first))
    };
    if !offered {
        return match attempt(Encryption::Off) {
            Ok((c, s)) => Ok((c, false, s)),
            Err(e) => Err(connect_error(&e, creds)),
        };
    }
    match attempt(Encryption::Required) {
        Ok((c, s)) => Ok((c, true, s)),
        Err(e) if opts.require_encryption || is_final(&e) => Err(connect_error(&e, creds)),
        Err(_) => match attempt(Encryption::Off) {
            Ok((c, s)) => Ok((c, false, s)),
            Err(e) => Err(connect_error(&e, creds)),
        },
    }
}

/// Whether the server offers SMB3 encryption: one SMB2 NEGOTIATE (dialects 2.0.2 to 3.0.2,
/// the encryption capability asked for) on a connection of its own, closed before any logon.
/// A server that answers with dialect 3.0 or later and the encryption capability can encrypt;
/// anything else (no answer, an older dialect, a server that speaks only 3.1.1) counts as no,
/// which can only overstate the exposure.
pub fn offers_encryption(host: &str, port: u16, timeout: Duration) -> bool {
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    let Some(mut conn) = addrs
        .into_iter()
        .find_map(|a| TcpStream::connect_timeout(&a, timeout).ok())
    else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(timeout));
    let _ = conn.set_write_timeout(Some(timeout));
    if conn.write_all(&negotiate_request()).is_err() {
        return false;
    }
    // The answer: a 4-byte length (its first byte 0), then the SMB2 message.
    let mut head = [0u8; 4];
    if conn.read_exact(&mut head).is_err() || head[0] != 0 {
        return false;
    }
    let len = usize::from(head[1]) << 16 | usize::from(head[2]) << 8 | usize::from(head[3]);
    // Header and the fixed part of the answer are enough; a longer message is read only up to
    // that (the security blob after it does not matter).
    const NEED: usize = 64 + 28;
    if len < NEED {
        return false;
    }
    let mut msg = [0u8; NEED];
    if conn.read_exact(&mut msg).is_err() {
        return false;
    }
    negotiate_offers_encryption(&msg)
}

/// An SMB2 NEGOTIATE request with its 4-byte length prefix.
fn negotiate_request() -> Vec<u8> {
    const DIALECTS: [u16; 4] = [0x0202, 0x0210, 0x0300, 0x0302];
    let mut m = Vec::with_capacity(4 + 64 + 36 + 8);
    m.extend_from_slice(&[0; 4]);
    // Header: protocol id, structure size 64, credit charge, status, command 0 (negotiate),
    // one credit, flags, next command, message id 0, process id, tree id, session id,
    // signature.
    m.extend_from_slice(b"\xfeSMB");
    m.extend_from_slice(&64u16.to_le_bytes());
    m.extend_from_slice(&[0; 2 + 4]);
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes());
    m.extend_from_slice(&[0; 4 + 4 + 8 + 4 + 4 + 8 + 16]);
    // Body: structure size 36, dialect count, signing enabled, reserved, capabilities
    // (encryption), client GUID, client start time, dialects.
    m.extend_from_slice(&36u16.to_le_bytes());
    m.extend_from_slice(&(DIALECTS.len() as u16).to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes());
    m.extend_from_slice(&[0; 2]);
    m.extend_from_slice(&SMB2_CAP_ENCRYPTION.to_le_bytes());
    m.extend_from_slice(b"datavakt-probe!!");
    m.extend_from_slice(&[0; 8]);
    for d in DIALECTS {
        m.extend_from_slice(&d.to_le_bytes());
    }
    let len = (m.len() - 4) as u32;
    m[1..4].copy_from_slice(&len.to_be_bytes()[1..]);
    m
}

const SMB2_CAP_ENCRYPTION: u32 = 0x40;

/// Reads a NEGOTIATE answer (header and fixed body): a success for the negotiate command, with
/// dialect 3.0 or 3.0.2 and the encryption capability.
fn negotiate_offers_encryption(msg: &[u8]) -> bool {
    let u16_at = |i: usize| msg.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |i: usize| {
        msg.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let ok = msg.starts_with(b"\xfeSMB")
        && u16_at(4) == Some(64)
        && u32_at(8) == Some(0)
        && u16_at(12) == Some(0)
        && u16_at(64) == Some(65);
    let dialect = u16_at(64 + 4).unwrap_or(0);
    let caps = u32_at(64 + 24).unwrap_or(0);
    ok && (0x0300..0x0311).contains(&dialect) && caps & SMB2_CAP_ENCRYPTION != 0
}

/// Failures that a plain session would not cure.
fn is_final(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::EPERM
                | libc::EACCES
                | libc::ENOENT
                | libc::ECONNREFUSED
                | libc::ETIMEDOUT
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::ENODEV
        )
    )
}

fn connect_error(e: &io::Error, creds: &Credentials) -> String {
    match e.raw_os_error() {
        // libsmbclient reports a failed logon and a share that turns the user away alike.
        Some(libc::EPERM | libc::EACCES) => format!(
            "the server refused {}: wrong user name or password, a locked or disabled \
             account, or a share this user may not use",
            creds.user
        ),
        Some(libc::ENOENT) => "no such share or folder".into(),
        Some(libc::ENODEV) => "no such share".into(),
        Some(libc::ECONNREFUSED) => "connection refused (is it an SMB server? port?)".into(),
        Some(libc::ETIMEDOUT) => "timed out".into(),
        _ => format!("cannot reach the share: {e}"),
    }
}

/// Whether an anonymous session may list the start folder: then guests get in, and what
/// Everyone may read is public.
fn guest_gets_in(target: &SmbTarget, opts: &SmbOptions, start: &CString) -> bool {
    let anonymous = Credentials {
        workgroup: target.domain.clone().unwrap_or_default(),
        user: String::new(),
        password: String::new(),
    };
    let timeout = i32::try_from(opts.timeout.as_millis()).unwrap_or(i32::MAX);
    // An anonymous session has no key to encrypt with.
    match Client::new(&anonymous, Encryption::Off, true, target.port, timeout) {
        Ok(c) => c.list(start, 1).is_ok(),
        Err(_) => false,
    }
}

/// The share's own permissions, read once per walk through srvsvc on the walk's session.
fn share_acl(client: &Client, target: &SmbTarget) -> sd::ShareAcl {
    let ipc = SmbTarget {
        share: "IPC$".into(),
        path: String::new(),
        ..target.clone()
    };
    let read = c_url(&ipc.lib_url("srvsvc"))
        .map_err(|e| e.to_string())
        .and_then(|pipe| srvsvc::share_descriptor(client, &pipe, &target.share))
        .and_then(|b| sd::parse_binary(&b));
    match read {
        Ok(None) => sd::ShareAcl::Open,
        Ok(Some(acl)) => sd::ShareAcl::Limited(acl),
        Err(e) => sd::ShareAcl::Unknown(e),
    }
}

/// Past this many names remembered, the cache starts over (bounded memory on huge domains).
const NAME_CACHE_LIMIT: usize = 10_000;

struct Walker<'a> {
    target: &'a SmbTarget,
    opts: &'a SmbOptions,
    client: Client,
    transport: &'static str,
    guests: bool,
    /// The share's permissions, which narrow every item's.
    share: sd::ShareAcl,
    /// SIDs the server has named.
    names: HashMap<sd::Sid, String>,
    /// Reused for security descriptors.
    buf: Vec<u8>,
    summary: SmbSummary,
}

/// A folder being walked: its path and the entries not yet visited.
struct Frame {
    rel: String,
    depth: u32,
    entries: std::vec::IntoIter<Listed>,
}

fn sorted(mut l: Vec<Listed>) -> std::vec::IntoIter<Listed> {
    l.sort_by(|a, b| a.name.cmp(&b.name));
    l.into_iter()
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn time_of((secs, nanos): (i64, i64)) -> Option<SystemTime> {
    let secs = u64::try_from(secs).ok()?;
    let nanos = u32::try_from(nanos).ok().filter(|n| *n < 1_000_000_000)?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// A plain-language reason for a failed request.
fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EACCES | libc::EPERM) => "access denied".into(),
        Some(libc::ENOENT) => "vanished before it could be read (no such file)".into(),
        Some(libc::ETIMEDOUT) => "timed out".into(),
        Some(libc::EBUSY | libc::ETXTBSY) => "in use (locked by another client)".into(),
        _ => e.to_string(),
    }
}

impl Walker<'_> {
    fn walk_from(&mut self, listing: Vec<Listed>, visit: &mut dyn FnMut(SmbItem) -> bool) {
        self.summary.limit_reached |= listing.len() >= self.opts.max_entries;
        let mut stack = vec![Frame {
            rel: self.target.path.clone(),
            depth: 0,
            entries: sorted(listing),
        }];
        while let Some(top) = stack.last_mut() {
            let Some(entry) = top.entries.next() else {
                stack.pop();
                continue;
            };
            let (dir, depth) = (top.rel.clone(), top.depth);
            if self.summary.items >= self.opts.max_entries {
                self.summary.limit_reached = true;
                return;
            }
            let Ok(name) = String::from_utf8(entry.name.clone()) else {
                // libsmbclient hands out UTF-8; anything else cannot be named in a URL.
                let item = self.error_item(&dir, entry.is_dir, "a name that is not UTF-8");
                if !self.report(item, visit) {
                    return;
                }
                continue;
            };
            let rel = join(&dir, &name);
            if entry.is_dir {
                let (item, children) = self.dir(&rel, depth + 1, &entry);
                if !self.report(item, visit) {
                    return;
                }
                if let Some(children) = children {
                    stack.push(Frame {
                        rel,
                        depth: depth + 1,
                        entries: sorted(children),
                    });
                }
            } else {
                let item = self.file(&rel, entry.size, Some(entry.mtime));
                if !self.report(item, visit) {
                    return;
                }
            }
        }
    }

    /// Counts and hands over an item; `false` when the visitor stops the walk.
    fn report(&mut self, item: SmbItem, visit: &mut dyn FnMut(SmbItem) -> bool) -> bool {
        self.summary.items += 1;
        self.summary.dirs += usize::from(item.is_dir);
        self.summary.errors += usize::from(item.error.is_some());
        self.summary.bytes_read += item.body.len() as u64;
        let go_on = visit(item);
        self.summary.stopped |= !go_on;
        go_on
    }

    fn blank(&self, rel: &str, is_dir: bool) -> SmbItem {
        SmbItem {
            url: self.target.url_of(rel),
            path: rel.to_string(),
            is_dir,
            size: 0,
            modified: None,
            exposure: Exposure {
                audience: Audience::Unknown,
                via: String::new(),
                principals: vec![],
                size: None,
                transport: self.transport,
            },
            body: vec![],
            truncated: false,
            error: None,
        }
    }

    fn error_item(&self, rel: &str, is_dir: bool, why: &str) -> SmbItem {
        let mut item = self.blank(rel, is_dir);
        item.exposure.via = why.to_string();
        item.error = Some(why.to_string());
        item
    }

    /// A folder's item and, unless too deep or unreadable, its listing.
    fn dir(&mut self, rel: &str, depth: u32, entry: &Listed) -> (SmbItem, Option<Vec<Listed>>) {
        let mut item = self.blank(rel, true);
        item.modified = time_of(entry.mtime);
        let url = match c_url(&self.target.lib_url(rel)) {
            Ok(u) => u,
            Err(e) => return (self.error_item(rel, true, &e.to_string()), None),
        };
        item.exposure = self.exposure(&url);
        if depth > self.opts.max_depth {
            self.summary.too_deep += 1;
            return (item, None);
        }
        let room = self.opts.max_entries.saturating_sub(self.summary.items);
        match self.client.list(&url, room.max(1)) {
            Ok(l) => {
                self.summary.limit_reached |= l.len() >= room.max(1);
                (item, Some(l))
            }
            Err(e) => {
                item.error = Some(format!("folder not listed: {}", describe(&e)));
                (item, None)
            }
        }
    }

    /// A file's item: its exposure and its content.
    fn file(&mut self, rel: &str, size: u64, mtime: Option<(i64, i64)>) -> SmbItem {
        let mut item = self.blank(rel, false);
        item.size = size;
        item.modified = mtime.and_then(time_of);
        let url = match c_url(&self.target.lib_url(rel)) {
            Ok(u) => u,
            Err(e) => return self.error_item(rel, false, &e.to_string()),
        };
        item.exposure = self.exposure(&url);
        match self.read(&url, size) {
            Ok((body, truncated)) => {
                item.body = body;
                item.truncated = truncated;
            }
            Err(e) => item.error = Some(e),
        }
        item
    }

    /// Reads up to [`SmbOptions::max_file_bytes`]: large reads (libsmbclient splits them into
    /// the largest the server negotiated), into a buffer sized from the listing.
    fn read(&self, url: &CString, size: u64) -> Result<(Vec<u8>, bool), String> {
        /// One read call asks for this much.
        const CHUNK: usize = 4 * 1024 * 1024;
        let limit = self.opts.max_file_bytes;
        let mut f = self.client.open(url).map_err(|e| describe(&e))?;
        let cap = usize::try_from(size.min(limit))
            .unwrap_or(CHUNK)
            .min(CHUNK * 16);
        let mut body: Vec<u8> = Vec::with_capacity(cap);
        let mut chunk = vec![0u8; CHUNK.min(usize::try_from(limit).unwrap_or(CHUNK)).max(1)];
        loop {
            let left = limit.saturating_sub(body.len() as u64);
            if left == 0 {
                // One more byte tells a file of exactly the limit from a longer one.
                let mut probe = [0u8; 1];
                let more = f.read(&mut probe).map_err(|e| describe(&e))?;
                return Ok((body, more > 0));
            }
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
            let n = f
                .read(&mut chunk[..want])
                .map_err(|e| format!("read cut short: {}", describe(&e)))?;
            if n == 0 {
                return Ok((body, false));
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }

    /// Who may read the item at `url`, from its security descriptor.
    fn exposure(&mut self, url: &CString) -> Exposure {
        let unknown = |via: String, transport| Exposure {
            audience: Audience::Unknown,
            via,
            principals: vec![],
            size: None,
            transport,
        };
        let text = match self.descriptor(url, c"system.nt_sec_desc.*") {
            Ok(t) => t,
            Err(e) if self.target.port != DEFAULT_PORT => {
                return unknown(
                    format!(
                        "security descriptor unreadable ({e}): libsmbclient reads descriptors \
                         only through port {DEFAULT_PORT}"
                    ),
                    self.transport,
                )
            }
            Err(e) => {
                return unknown(
                    format!("security descriptor unreadable: {e}"),
                    self.transport,
                )
            }
        };
        let parsed = match sd::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                return unknown(
                    format!("security descriptor not understood: {e}"),
                    self.transport,
                )
            }
        };
        if self.opts.resolve_names && sd::wants_names(&parsed, &self.names) {
            if let Ok(named) = self.descriptor(url, c"system.nt_sec_desc.*+") {
                if self.names.len() > NAME_CACHE_LIMIT {
                    self.names.clear();
                }
                self.names.extend(sd::names(&parsed, &named));
            }
        }
        let item = sd::judge(&parsed, self.guests, &self.names, self.transport);
        sd::within_share(item, &self.share, self.guests, &self.names)
    }

    /// One form of the security descriptor, grown once if it does not fit.
    fn descriptor(&mut self, url: &CString, name: &std::ffi::CStr) -> Result<Vec<u8>, String> {
        let small = self.buf.len() < sd::MAX_TEXT;
        match self.client.getxattr(url, name, &mut self.buf) {
            Ok(t) => Ok(t.to_vec()),
            Err(e) if e.raw_os_error() == Some(libc::ERANGE) && small => {
                self.buf.resize(sd::MAX_TEXT, 0);
                self.client
                    .getxattr(url, name, &mut self.buf)
                    .map(<[u8]>::to_vec)
                    .map_err(|e| describe(&e))
            }
            Err(e) => Err(describe(&e)),
        }
    }
}

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

    #[test]
    fn negotiate_answers() {
        let req = negotiate_request();
        assert_eq!(usize::from(req[3]) + 4, req.len());
        assert_eq!(&req[4..8], b"\xfeSMB");
        let answer = |dialect: u16, caps: u32| {
            let mut m = vec![0u8; 64 + 28];
            m[..4].copy_from_slice(b"\xfeSMB");
            m[4..6].copy_from_slice(&64u16.to_le_bytes());
            m[64..66].copy_from_slice(&65u16.to_le_bytes());
            m[68..70].copy_from_slice(&dialect.to_le_bytes());
            m[88..92].copy_from_slice(&caps.to_le_bytes());
            m
        };
        assert!(negotiate_offers_encryption(&answer(0x0302, 0x40)));
        assert!(negotiate_offers_encryption(&answer(0x0300, 0x47)));
        assert!(!negotiate_offers_encryption(&answer(0x0302, 0x07)));
        assert!(!negotiate_offers_encryption(&answer(0x0210, 0x40)));
        let mut failed = answer(0x0302, 0x40);
        failed[8] = 0x22; // a status other than success
        assert!(!negotiate_offers_encryption(&failed));
        for n in 0..answer(0x0302, 0x40).len() {
            assert!(!negotiate_offers_encryption(&answer(0x0302, 0x40)[..n]));
        }
        assert!(!negotiate_offers_encryption(&[0xff; 92]));
    }

    #[test]
    fn times() {
        assert_eq!(time_of((0, 0)), Some(SystemTime::UNIX_EPOCH));
        assert_eq!(time_of((-1, 0)), None);
        assert_eq!(time_of((1, 1_000_000_000)), None);
    }
}
