//! The SMB source: reads a Windows or Samba share directly, without mounting it, and judges
//! who can read each item from its security descriptor.
//!
//! This crate links Samba's libsmbclient and is GPL-3.0-or-later for it; everything that
//! needs no SMB client (the target, the parsers of what a server sends and the judgement of a
//! descriptor) is in `sources::smb`, under Datavakt's own licence, tested and fuzzed without
//! linking any GPL code.
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
//! to run), through the few functions declared in `ffi.rs`. It was weighed against the
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
//! The descriptor comes as libsmbclient's text form, parsed by hand in `sources::smb::sd`. Entries
//! that allow reading data (`FILE_READ_DATA`, generic read or all), in DACL order, minus SIDs
//! denied before their allow, decide: Everyone, Authenticated Users, BUILTIN\Users or Domain Users
//! make it `organisation`; the same, or Guests and Anonymous Logon, on a share that admits guests
//! make it `public` (the walk tries an anonymous session on the share once, to know); any other SID
//! makes it `group`, naming the SIDs (by name where the server resolves them); only the owner,
//! administrators and SYSTEM make it `owner`. Folders above an item do not narrow it (Windows lets
//! everyone traverse by default). The share's own permissions do: they are read once per walk
//! (`srvsvc.rs`, with the messages of `sources::smb::srvsvc`: NetrShareGetInfo level 502 over the
//! IPC$ pipe, opened through libsmbclient on the walk's session, so no other client or logon is
//! needed) and judged the same way; whoever reads an item must pass both, so the narrower verdict
//! wins, naming the share ACL in `via` when it is the share's. A server that does not give them
//! (Windows shows them to administrators; Samba 4.17 only to a user who can open its share
//! database) leaves each item's own verdict, its `via` saying so. The transport is `smb3-encrypted`
//! when the session is encrypted: the walk asks for encryption when the server offers it, which it
//! learns from its own SMB2 NEGOTIATE ([`offers_encryption`]), because libsmbclient 4.17 goes on
//! unencrypted, silently, when the server cannot encrypt. libsmbclient reads descriptors (and
//! resolves names) over a second connection, to IPC$, that it always makes to port 445: on another
//! port the content is read but exposures are `unknown`, saying so.

mod ffi;
mod password;
pub mod source;
mod srvsvc;
mod walker;

use std::ffi::CString;
use std::io;
use std::time::{Duration, SystemTime};

use sources::exposure::Exposure;
pub use sources::smb::{offers_encryption, SmbTarget, CREDENTIALS_ENV, DEFAULT_PORT, PASSWORD_ENV};

use ffi::{c_url, Client, Credentials, Encryption, Listed};
pub use password::password;
use walker::Walker;

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
    /// `--exclude` and `--include`, over paths relative to the start folder: an excluded
    /// folder is not listed.
    pub globs: sources::globs::Globs,
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
            globs: sources::globs::Globs::default(),
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
    /// Folders not listed because the connection was lost (the server or the share went
    /// away during the walk): what lies under them was not walked.
    pub connection_lost: usize,
}

/// Whether a failed request means the connection is gone, not that one item is unreadable.
pub(crate) fn connection_lost(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::ECONNRESET
                | libc::ECONNABORTED
                | libc::ECONNREFUSED
                | libc::ENOTCONN
                | libc::EPIPE
                | libc::ETIMEDOUT
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::ENETDOWN
        )
    )
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
    let share = srvsvc::share_acl(&client, target);
    let mut w = Walker::new(target, opts, client, encrypted, guests, share);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_connection_is_told_from_an_unreadable_folder() {
        let os = io::Error::from_raw_os_error;
        for lost in [
            libc::ECONNRESET,
            libc::ETIMEDOUT,
            libc::ENOTCONN,
            libc::EPIPE,
        ] {
            assert!(connection_lost(&os(lost)), "{lost}");
        }
        for one in [libc::EACCES, libc::ENOENT, libc::EBUSY] {
            assert!(!connection_lost(&os(one)), "{one}");
        }
    }
}
