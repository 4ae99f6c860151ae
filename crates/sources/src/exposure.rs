//! Exposure: who can read a local file.
//!
//! A file is as exposed as the narrowest of two things: who may read the file itself (its mode
//! bits, or its POSIX access ACL), and who may search every folder above it (x permission, by
//! mode or ACL), since opening a path needs both. The answer is an [`Audience`] with the
//! principals that make it up and a short explanation (`via`).
//!
//! The judgement is an upper bound, as a reviewer wants it: it asks who *could* read, so the
//! owner always counts (an owner may `chmod` their own file), root is never named (it reads
//! everything), and the exclusions of POSIX (a group class denied while others are allowed) are
//! not subtracted from "everyone".
//!
//! [`Local`] caches, per thread, each folder's own verdict and each parent's chain of folders,
//! so a scan that visits thousands of files in the same folders stats each folder once.

use std::ffi::{CStr, CString, OsString};
use std::fmt::Write as _;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use foldhash::{HashMap, HashMapExt};

/// How wide the circle of possible readers is, widest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Anyone, without an account (a public link or web share; never the answer for a local
    /// file, kept so that every source shares one scale).
    Public,
    /// Everyone with an account on the system: others may read the file and search every
    /// folder above it.
    Organisation,
    /// Named groups or users besides the owner.
    Group,
    /// Only the owner (and root).
    Owner,
    /// Could not tell; `via` says why.
    Unknown,
}

impl Audience {
    /// The name used in output (`"public"`, `"organisation"`, `"group"`, `"owner"`,
    /// `"unknown"`).
    pub fn name(&self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Organisation => "organisation",
            Audience::Group => "group",
            Audience::Owner => "owner",
            Audience::Unknown => "unknown",
        }
    }
}

/// Who can read an item, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// How wide the circle of readers is.
    pub audience: Audience,
    /// A short human explanation, such as `mode 0644, every folder above searchable by all`
    /// or `mode 0644; folder /srv/hr (0750) limits it to group hr (3 members)`.
    pub via: String,
    /// Who the readers are: `group:NAME` and `user:NAME` for `group`, the owner as
    /// `user:NAME` for `owner`, empty for `organisation` (everyone) and `unknown`. An id
    /// without a name is written `gid:N` or `uid:N`.
    pub principals: Vec<String>,
    /// How many people can read it, at most, where that can be known: for `group`, the
    /// members of its groups (local accounts) and the users named; `None` otherwise.
    pub size: Option<u32>,
    /// How the item was reached: always `"local"` here.
    pub transport: &'static str,
}

impl Exposure {
    fn unknown(via: String) -> Exposure {
        Exposure {
            audience: Audience::Unknown,
            via,
            principals: vec![],
            size: None,
            transport: "local",
        }
    }
}

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
    /// Reused buffer for extended attributes.
    buf: Vec<u8>,
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
            names: Names {
                accounts: accounts.clone(),
                nss,
                users: HashMap::new(),
                groups: HashMap::new(),
            },
            accounts,
            dirs: HashMap::new(),
            chains: HashMap::new(),
            open: HashMap::new(),
            buf: vec![0; 256],
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
            Err(e) => return Exposure::unknown(format!("metadata unreadable: {}", io_text(&e))),
            Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
                Err(e) => {
                    return Exposure::unknown(format!(
                        "symbolic link not resolved: {}",
                        io_text(&e)
                    ))
                }
                Ok(p) => match std::fs::symlink_metadata(&p) {
                    Err(e) => {
                        return Exposure::unknown(format!("metadata unreadable: {}", io_text(&e)))
                    }
                    Ok(m) => (p, m),
                },
            },
            Ok(m) => (path.to_path_buf(), m),
        };
        let (real, now) = real;
        if (now.dev(), now.ino()) != (meta.dev(), meta.ino()) {
            return Exposure::unknown("the file was replaced while it was read".into());
        }
        let acl = match read_acl(&real, &mut self.buf) {
            Ok(a) => a,
            Err(why) => return Exposure::unknown(format!("ACL unreadable: {why}")),
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
            None => return Exposure::unknown("a path without a folder".into()),
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
                    Exposure::unknown(why)
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
            Ok(m) => match read_acl(path, &mut self.buf) {
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

fn io_text(e: &std::io::Error) -> String {
    crate::describe_io(e)
}

// ---------------------------------------------------------------------------------------------
// POSIX ACLs

const ACL_USER_OBJ: u16 = 0x01;
const ACL_USER: u16 = 0x02;
const ACL_GROUP_OBJ: u16 = 0x04;
const ACL_GROUP: u16 = 0x08;
const ACL_MASK: u16 = 0x10;
const ACL_OTHER: u16 = 0x20;

const READ: u8 = 4;
const SEARCH: u8 = 1;

/// An access ACL as the kernel stores it in `system.posix_acl_access`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Acl {
    user_obj: u8,
    group_obj: u8,
    other: u8,
    mask: Option<u8>,
    /// Named users and their permissions (before the mask).
    users: Vec<(u32, u8)>,
    /// Named groups and their permissions (before the mask).
    groups: Vec<(u32, u8)>,
}

impl Acl {
    /// Parses the xattr's binary form: a little-endian u32 version (2), then 8-byte entries of
    /// u16 tag, u16 permissions, u32 id. Anything the kernel would not have written is an error,
    /// not a guess: a wrong guess would understate who can read.
    fn parse(b: &[u8]) -> Result<Acl, String> {
        let (head, body) = b
            .split_first_chunk::<4>()
            .ok_or_else(|| format!("{} bytes, too short for a header", b.len()))?;
        let version = u32::from_le_bytes(*head);
        if version != 2 {
            return Err(format!("version {version}, not 2"));
        }
        if body.len() % 8 != 0 {
            return Err(format!(
                "{} bytes of entries, not a multiple of 8",
                body.len()
            ));
        }
        let (mut user_obj, mut group_obj, mut other, mut mask) = (None, None, None, None);
        let (mut users, mut groups) = (vec![], vec![]);
        for e in body.chunks_exact(8) {
            let tag = u16::from_le_bytes([e[0], e[1]]);
            let perm = u16::from_le_bytes([e[2], e[3]]);
            let id = u32::from_le_bytes([e[4], e[5], e[6], e[7]]);
            let perm = u8::try_from(perm)
                .ok()
                .filter(|p| *p <= 7)
                .ok_or_else(|| format!("permissions {perm:#x} out of range"))?;
            let once = |slot: &mut Option<u8>, what: &str| match slot.replace(perm) {
                Some(_) => Err(format!("two {what} entries")),
                None => Ok(()),
            };
            match tag {
                ACL_USER_OBJ => once(&mut user_obj, "owner")?,
                ACL_GROUP_OBJ => once(&mut group_obj, "owning group")?,
                ACL_OTHER => once(&mut other, "other")?,
                ACL_MASK => once(&mut mask, "mask")?,
                ACL_USER => users.push((id, perm)),
                ACL_GROUP => groups.push((id, perm)),
                t => return Err(format!("unknown tag {t:#x}")),
            }
        }
        let (Some(user_obj), Some(group_obj), Some(other)) = (user_obj, group_obj, other) else {
            return Err("owner, owning group or other entry missing".into());
        };
        if mask.is_none() && !(users.is_empty() && groups.is_empty()) {
            return Err("named entries without a mask".into());
        }
        Ok(Acl {
            user_obj,
            group_obj,
            other,
            mask,
            users,
            groups,
        })
    }

    /// The mask applies to named entries and the owning group, not to the owner or others.
    fn masked(&self, perm: u8) -> u8 {
        perm & self.mask.unwrap_or(7)
    }
}

/// Reads the access ACL of `path` without following a symbolic link. `None` when there is
/// none (the mode bits say it all) or the file system has no ACLs.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn read_acl(path: &Path, buf: &mut Vec<u8>) -> Result<Option<Acl>, String> {
    /// The kernel caps an xattr value at 64 KiB; more is not an ACL.
    const MAX: usize = 1 << 16;
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| "NUL byte in path")?;
    let name = c"system.posix_acl_access";
    // A few rounds: the ACL may grow between asking its size and reading it.
    for _ in 0..4 {
        // SAFETY: both strings are NUL-terminated and `buf` is valid for `buf.len()` bytes.
        let n = unsafe {
            libc::lgetxattr(
                c.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if let Ok(n) = usize::try_from(n) {
            return Acl::parse(&buf[..n.min(buf.len())]).map(Some);
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENODATA) => return Ok(None),
            Some(libc::EOPNOTSUPP) => return Ok(None),
            Some(libc::ERANGE) => {
                // SAFETY: a null buffer of size 0 asks only for the size.
                let need =
                    unsafe { libc::lgetxattr(c.as_ptr(), name.as_ptr(), std::ptr::null_mut(), 0) };
                match usize::try_from(need) {
                    Ok(need) if need <= MAX => buf.resize(need.max(buf.len()), 0),
                    Ok(need) => return Err(format!("{need} bytes, too large")),
                    Err(_) => return Err(io_text(&std::io::Error::last_os_error())),
                }
            }
            _ => return Err(io_text(&err)),
        }
    }
    Err("kept changing while read".into())
}

/// Elsewhere there are no POSIX ACLs in this form: the mode bits say it all.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn read_acl(_path: &Path, _buf: &mut Vec<u8>) -> Result<Option<Acl>, String> {
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Who may read or search an object

/// A file or folder as far as permissions go.
#[derive(Clone, Debug)]
struct Object {
    mode: u32,
    uid: u32,
    gid: u32,
    acl: Option<Acl>,
}

/// A folder above a file: its path and who may search it (or why that is unknown).
#[derive(Debug)]
struct Dir {
    path: PathBuf,
    searchers: Result<Object, String>,
    /// The path is a symbolic link (so its chain is that of its target).
    link: bool,
    /// Everyone may search it: it narrows no file's audience.
    open: bool,
}

/// A set of principals: everyone, or some users and groups. Root is never in it (it reads
/// everything anyway). Lists are sorted and without duplicates, so hostile ACLs with many
/// entries stay fast.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Readers {
    everyone: bool,
    users: Vec<u32>,
    groups: Vec<u32>,
}

impl Readers {
    fn new(everyone: bool, mut users: Vec<u32>, mut groups: Vec<u32>) -> Readers {
        if everyone {
            return Readers {
                everyone,
                users: vec![],
                groups: vec![],
            };
        }
        users.retain(|u| *u != 0);
        users.sort_unstable();
        users.dedup();
        groups.sort_unstable();
        groups.dedup();
        Readers {
            everyone,
            users,
            groups,
        }
    }

    /// Whether user `u` is in this set, directly or through a group.
    fn admits(&self, u: u32, acc: &Accounts) -> bool {
        self.everyone
            || self.users.binary_search(&u).is_ok()
            || self.groups.iter().any(|g| acc.member(u, *g))
    }
}

impl Object {
    /// Who holds permission `bit` (READ or SEARCH). The owner always does: an owner may grant
    /// it to themselves.
    fn readers(&self, bit: u8) -> Readers {
        let has = |p: u8| p & bit != 0;
        match &self.acl {
            None => {
                let group = has((self.mode >> 3) as u8 & 7);
                Readers::new(
                    has(self.mode as u8 & 7),
                    vec![self.uid],
                    if group { vec![self.gid] } else { vec![] },
                )
            }
            Some(a) => {
                let mut users = vec![self.uid];
                users.extend(
                    a.users
                        .iter()
                        .filter(|(_, p)| has(a.masked(*p)))
                        .map(|(u, _)| *u),
                );
                let mut groups: Vec<u32> = a
                    .groups
                    .iter()
                    .filter(|(_, p)| has(a.masked(*p)))
                    .map(|(g, _)| *g)
                    .collect();
                if has(a.masked(a.group_obj)) {
                    groups.push(self.gid);
                }
                Readers::new(has(a.other), users, groups)
            }
        }
    }

    /// Its permissions in short: `0750`, or `0750 with an ACL`.
    fn mode_text(&self) -> String {
        let m = format!("{:04o}", self.mode & 0o7777);
        if self.acl.is_some() {
            m + " with an ACL"
        } else {
            m
        }
    }

    /// What the file's own permissions say about reading, for `via`.
    fn describe_read(&self, names: &mut Names) -> String {
        let Some(a) = &self.acl else {
            return format!("mode {:04o}", self.mode & 0o7777);
        };
        let mut parts = vec![];
        let mut note = |who: String, p: u8, masked: bool| {
            if p & READ == 0 {
                return;
            }
            let eff = if masked { a.masked(p) } else { p };
            let mut s = format!("{who} {}", rwx(p));
            if eff != p {
                let _ = write!(
                    s,
                    " (mask {} leaves {})",
                    rwx(a.mask.unwrap_or(7)),
                    rwx(eff)
                );
            }
            parts.push(s);
        };
        note(
            format!("owning group {}", names.group(self.gid)),
            a.group_obj,
            true,
        );
        for (g, p) in &a.groups {
            note(format!("group:{}", names.group(*g)), *p, true);
        }
        for (u, p) in &a.users {
            note(format!("user:{}", names.user(*u)), *p, true);
        }
        note("other".into(), a.other, false);
        if parts.is_empty() {
            return "ACL grants reading to no one but the owner".into();
        }
        let total = parts.len();
        parts.truncate(4);
        let mut s = format!("ACL {}", parts.join(", "));
        if total > 4 {
            let _ = write!(s, " and {} more", total - 4);
        }
        s
    }
}

fn rwx(p: u8) -> String {
    [(4, 'r'), (2, 'w'), (1, 'x')]
        .iter()
        .map(|(b, c)| if p & b != 0 { *c } else { '-' })
        .collect()
}

/// Those in both `a` and `b`. A group in only one of them is narrowed to its known members
/// that the other admits, since membership is what the kernel checks.
fn intersect(a: &Readers, b: &Readers, acc: &Accounts) -> Readers {
    if a.everyone {
        return b.clone();
    }
    if b.everyone {
        return a.clone();
    }
    let groups: Vec<u32> = a
        .groups
        .iter()
        .copied()
        .filter(|g| b.groups.binary_search(g).is_ok())
        .collect();
    let mut users = vec![];
    for (x, y) in [(a, b), (b, a)] {
        users.extend(x.users.iter().copied().filter(|u| y.admits(*u, acc)));
        for g in x
            .groups
            .iter()
            .filter(|g| y.groups.binary_search(g).is_err())
        {
            users.extend(
                acc.members(*g)
                    .iter()
                    .copied()
                    .filter(|u| y.admits(*u, acc)),
            );
        }
    }
    Readers::new(false, users, groups)
}

/// The verdict for `file` under the folders `chain` (from `/` down). Pure but for the name
/// lookups of `names`.
fn judge(file: &Object, chain: &[Arc<Dir>], acc: &Accounts, names: &mut Names) -> Exposure {
    let own = file.readers(READ);
    let mut run = own.clone();
    let mut limiter: Option<(&Dir, &Object)> = None;
    let mut all_searchable = true;
    let mut unknown: Option<String> = None;
    for d in chain {
        match &d.searchers {
            Err(why) => {
                unknown.get_or_insert_with(|| format!("folder {}: {why}", d.path.display()));
            }
            Ok(o) => {
                let s = o.readers(SEARCH);
                all_searchable &= s.everyone;
                let next = intersect(&run, &s, acc);
                if next != run {
                    limiter = Some((d, o));
                    run = next;
                }
            }
        }
    }
    let file_text = file.describe_read(names);
    if run.everyone {
        if let Some(why) = unknown {
            return Exposure::unknown(why);
        }
        return Exposure {
            audience: Audience::Organisation,
            via: format!("{file_text}, every folder above searchable by all"),
            principals: vec![],
            size: None,
            transport: "local",
        };
    }
    let private = acc.private_group(file.uid);
    let groups: Vec<u32> = run
        .groups
        .iter()
        .copied()
        .filter(|g| Some(*g) != private)
        .collect();
    // A user reached through a remaining group needs no mention of their own.
    let users: Vec<u32> = run
        .users
        .iter()
        .copied()
        .filter(|u| *u != file.uid && !groups.iter().any(|g| acc.member(*u, *g)))
        .collect();
    let dropped_private = groups.len() < run.groups.len();
    if groups.is_empty() && users.is_empty() {
        // Narrowing cannot widen: an unknown folder does not change an owner-only verdict.
        let why = match limiter {
            Some((d, o)) => format!(
                "{file_text}; folder {} ({}) limits it to the owner",
                d.path.display(),
                o.mode_text()
            ),
            None if dropped_private => format!(
                "{file_text}, group {} is the owner's own: only the owner may read",
                names.group(private.unwrap_or(file.gid))
            ),
            None => format!("{file_text}: only the owner may read"),
        };
        return Exposure {
            audience: Audience::Owner,
            via: why,
            principals: vec![format!("user:{}", names.user(file.uid))],
            size: Some(1),
            transport: "local",
        };
    }
    if let Some(why) = unknown {
        return Exposure::unknown(why);
    }
    let mut principals = vec![];
    let mut who = vec![];
    // Members of several groups are counted in each: an upper bound, which is what a
    // severity needs.
    let mut size = Some(users.len());
    for g in &groups {
        let name = names.group(*g);
        principals.push(format!("group:{name}"));
        size = size.zip(acc.size(*g)).map(|(a, b)| a + b);
        who.push(match acc.size(*g) {
            Some(1) => format!("group {name} (1 member)"),
            Some(n) => format!("group {name} ({n} members)"),
            None => format!("group {name}"),
        });
    }
    for u in &users {
        let name = names.user(*u);
        principals.push(format!("user:{name}"));
        who.push(format!("user {name}"));
    }
    let total = who.len();
    who.truncate(5);
    let mut who = who.join(", ");
    if total > 5 {
        let _ = write!(who, " and {} more", total - 5);
    }
    let via = match limiter {
        Some((d, o)) => format!(
            "{file_text}; folder {} ({}) limits it to {who}",
            d.path.display(),
            o.mode_text()
        ),
        None if all_searchable => {
            format!("{file_text}: {who} may read, every folder above searchable by all")
        }
        None => format!("{file_text}: {who} may read, every folder above searchable by them"),
    };
    Exposure {
        audience: Audience::Group,
        via,
        principals,
        size: size.and_then(|n| u32::try_from(n).ok()),
        transport: "local",
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// The local users and groups, for membership and group sizes.
///
/// Read from `/etc/passwd` and `/etc/group` rather than through `getpwent`/`getgrent`: those
/// iterate process-wide state (not thread-safe, and scans judge files on many threads), and
/// through NSS they would enumerate a whole directory service (LDAP, AD), which is slow or
/// disabled on the servers that matter. Names of ids missing from these files are still looked
/// up one at a time with the thread-safe `getpwuid_r`/`getgrgid_r` (see [`Names`]); their
/// sizes are then unknown.
#[derive(Debug, Default)]
struct Accounts {
    /// uid -> (name, primary gid).
    users: HashMap<u32, (String, u32)>,
    /// gid -> name, for groups listed in /etc/group.
    group_names: HashMap<u32, String>,
    /// gid -> sorted uids of its known members (listed, or with it as primary group).
    members: HashMap<u32, Vec<u32>>,
}

impl Accounts {
    fn system() -> Accounts {
        // Unreadable files just mean no local accounts: names fall back to NSS, sizes unknown.
        let read = |p: &str| {
            std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        Accounts::parse(&read("/etc/passwd"), &read("/etc/group"))
    }

    /// Parses passwd and group files, skipping lines that do not fit (NIS `+` lines,
    /// comments, damage).
    fn parse(passwd: &str, group: &str) -> Accounts {
        let mut acc = Accounts::default();
        let mut uid_of: HashMap<&str, u32> = HashMap::new();
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            let (Some(name), Some(uid), Some(gid)) = (f.first(), f.get(2), f.get(3)) else {
                continue;
            };
            let (Ok(uid), Ok(gid)) = (uid.trim().parse::<u32>(), gid.trim().parse::<u32>()) else {
                continue;
            };
            if name.is_empty() || name.starts_with(['+', '-', '#']) {
                continue;
            }
            uid_of.entry(name).or_insert(uid);
            acc.users.entry(uid).or_insert((name.to_string(), gid));
            acc.members.entry(gid).or_default().push(uid);
        }
        for line in group.lines() {
            let f: Vec<&str> = line.split(':').collect();
            let (Some(name), Some(gid)) = (f.first(), f.get(2)) else {
                continue;
            };
            let Ok(gid) = gid.trim().parse::<u32>() else {
                continue;
            };
            if name.is_empty() || name.starts_with(['+', '-', '#']) {
                continue;
            }
            acc.group_names.entry(gid).or_insert(name.to_string());
            let listed = f.get(3).copied().unwrap_or("");
            let m = acc.members.entry(gid).or_default();
            m.extend(listed.split(',').filter_map(|n| uid_of.get(n.trim())));
        }
        for m in acc.members.values_mut() {
            m.sort_unstable();
            m.dedup();
        }
        acc
    }

    fn member(&self, uid: u32, gid: u32) -> bool {
        self.members
            .get(&gid)
            .is_some_and(|m| m.binary_search(&uid).is_ok())
    }

    fn members(&self, gid: u32) -> &[u32] {
        self.members.get(&gid).map_or(&[], |m| m.as_slice())
    }

    /// The number of members of a group listed in /etc/group; unknown for other groups.
    fn size(&self, gid: u32) -> Option<usize> {
        self.group_names
            .contains_key(&gid)
            .then(|| self.members(gid).len())
    }

    /// The user's private group (Debian's default: a group of the user's name, their primary
    /// group, with no one else in it); a file readable by it is readable by the owner only.
    fn private_group(&self, uid: u32) -> Option<u32> {
        let (name, gid) = self.users.get(&uid)?;
        (self.group_names.get(gid) == Some(name) && self.members(*gid) == [uid]).then_some(*gid)
    }
}

/// Names of users and groups: local accounts first, then NSS one id at a time, cached.
struct Names {
    accounts: Arc<Accounts>,
    /// Whether to ask NSS for ids the local files lack (off in unit tests).
    nss: bool,
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

impl Names {
    fn user(&mut self, uid: u32) -> String {
        if let Some((n, _)) = self.accounts.users.get(&uid) {
            return n.clone();
        }
        let nss = self.nss;
        self.users
            .entry(uid)
            .or_insert_with(|| {
                nss.then(|| nss_user(uid))
                    .flatten()
                    .unwrap_or_else(|| format!("uid:{uid}"))
            })
            .clone()
    }

    fn group(&mut self, gid: u32) -> String {
        if let Some(n) = self.accounts.group_names.get(&gid) {
            return n.clone();
        }
        let nss = self.nss;
        self.groups
            .entry(gid)
            .or_insert_with(|| {
                nss.then(|| nss_group(gid))
                    .flatten()
                    .unwrap_or_else(|| format!("gid:{gid}"))
            })
            .clone()
    }
}

/// Calls a `get*_r` function with a growing buffer (they report ERANGE when it is too small).
fn with_buffer(mut call: impl FnMut(&mut [u8]) -> libc::c_int) -> Option<()> {
    let mut buf = vec![0u8; 1024];
    while buf.len() <= 1 << 20 {
        match call(&mut buf) {
            0 => return Some(()),
            libc::ERANGE => buf.resize(buf.len() * 2, 0),
            _ => return None,
        }
    }
    None
}

fn nss_user(uid: u32) -> Option<String> {
    let mut name = None;
    with_buffer(|buf| {
        // SAFETY: `pw` and `out` live through the call, `buf` is valid for its length, and the
        // name is copied out before `buf` is reused or dropped.
        unsafe {
            let mut pw: libc::passwd = std::mem::zeroed();
            let mut out = std::ptr::null_mut();
            let r = libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut out);
            if r == 0 && !out.is_null() && !pw.pw_name.is_null() {
                name = Some(CStr::from_ptr(pw.pw_name).to_string_lossy().into_owned());
            }
            r
        }
    })?;
    name
}

fn nss_group(gid: u32) -> Option<String> {
    let mut name = None;
    with_buffer(|buf| {
        // SAFETY: as in `nss_user`.
        unsafe {
            let mut gr: libc::group = std::mem::zeroed();
            let mut out = std::ptr::null_mut();
            let r = libc::getgrgid_r(gid, &mut gr, buf.as_mut_ptr().cast(), buf.len(), &mut out);
            if r == 0 && !out.is_null() && !gr.gr_name.is_null() {
                name = Some(CStr::from_ptr(gr.gr_name).to_string_lossy().into_owned());
            }
            r
        }
    })?;
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\n\
        alice:x:1000:1000::/home/alice:/bin/bash\n\
        bob:x:1001:1001::/home/bob:/bin/bash\n\
        carol:x:1002:50::/home/carol:/bin/bash\n\
        +nis::::::\n\
        broken line\n";
    const GROUP: &str = "root:x:0:\n\
        staff:x:50:alice,bob\n\
        alice:x:1000:\n\
        bob:x:1001:\n\
        hr:x:60:bob\n\
        care-team:x:70:alice,carol,nobody-here\n\
        empty:x:80:\n\
        :x:90:\n";

    fn acc() -> Arc<Accounts> {
        Arc::new(Accounts::parse(PASSWD, GROUP))
    }

    fn names(acc: &Arc<Accounts>) -> Names {
        Local::with(acc.clone(), false).names
    }

    fn obj(mode: u32, uid: u32, gid: u32) -> Object {
        Object {
            mode,
            uid,
            gid,
            acl: None,
        }
    }

    fn dir(path: &str, o: Object) -> Arc<Dir> {
        Arc::new(Dir {
            path: PathBuf::from(path),
            open: o.readers(SEARCH).everyone,
            searchers: Ok(o),
            link: false,
        })
    }

    /// `/`, `/srv` open to all, then the given folders.
    fn chain(extra: Vec<Arc<Dir>>) -> Vec<Arc<Dir>> {
        let mut c = vec![dir("/", obj(0o755, 0, 0)), dir("/srv", obj(0o755, 0, 0))];
        c.extend(extra);
        c
    }

    fn judged(file: &Object, chain: &[Arc<Dir>]) -> Exposure {
        let a = acc();
        judge(file, chain, &a, &mut names(&a))
    }

    /// Encodes an ACL as the kernel does.
    fn acl_bytes(version: u32, entries: &[(u16, u16, u32)]) -> Vec<u8> {
        let mut b = version.to_le_bytes().to_vec();
        for (tag, perm, id) in entries {
            b.extend(tag.to_le_bytes());
            b.extend(perm.to_le_bytes());
            b.extend(id.to_le_bytes());
        }
        b
    }

    const NONE: u32 = u32::MAX;

    fn acl(entries: &[(u16, u16, u32)]) -> Acl {
        Acl::parse(&acl_bytes(2, entries)).unwrap()
    }

    fn with_acl(mode: u32, uid: u32, gid: u32, a: Acl) -> Object {
        Object {
            mode,
            uid,
            gid,
            acl: Some(a),
        }
    }

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

    #[test]
    fn audience_names() {
        let all = [
            Audience::Public,
            Audience::Organisation,
            Audience::Group,
            Audience::Owner,
            Audience::Unknown,
        ];
        let n: Vec<&str> = all.iter().map(|a| a.name()).collect();
        assert_eq!(n, ["public", "organisation", "group", "owner", "unknown"]);
    }

    #[test]
    fn parses_acls() {
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 1001),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 5, 70),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        assert_eq!(a.user_obj, 6);
        assert_eq!(a.users, [(1001, 4)]);
        assert_eq!(a.groups, [(70, 5)]);
        assert_eq!(a.mask, Some(4));
        assert_eq!(a.masked(5), 4);
        // The real bytes of `setfacl -m g:users:r` on a 0600 file.
        let real = [
            0x02, 0, 0, 0, 0x01, 0, 0x06, 0, 0xff, 0xff, 0xff, 0xff, 0x04, 0, 0, 0, 0xff, 0xff,
            0xff, 0xff, 0x08, 0, 0x04, 0, 0x64, 0, 0, 0, 0x10, 0, 0x04, 0, 0xff, 0xff, 0xff, 0xff,
            0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
        ];
        let a = Acl::parse(&real).unwrap();
        assert_eq!(
            (a.groups.clone(), a.mask, a.other),
            (vec![(100, 4)], Some(4), 0)
        );
    }

    #[test]
    fn rejects_garbled_acls_without_panicking() {
        let base = [
            (ACL_USER_OBJ, 6, NONE),
            (ACL_GROUP_OBJ, 4, NONE),
            (ACL_OTHER, 4, NONE),
        ];
        let good = acl_bytes(2, &base);
        assert!(Acl::parse(&good).is_ok());
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![], "too short"),
            (vec![2, 0], "too short"),
            (acl_bytes(1, &base), "version 1"),
            (good[..good.len() - 3].to_vec(), "multiple of 8"),
            (acl_bytes(2, &[(ACL_USER_OBJ, 6, NONE)]), "missing"),
            (
                acl_bytes(2, &[base[0], base[1], base[2], (0x40, 4, 0)]),
                "unknown tag",
            ),
            (
                acl_bytes(2, &[base[0], base[1], base[2], (ACL_USER, 0x104, 5)]),
                "out of range",
            ),
            (
                acl_bytes(2, &[base[0], base[1], base[2], (ACL_GROUP, 4, 5)]),
                "without a mask",
            ),
            (
                acl_bytes(2, &[base[0], base[0], base[1], base[2]]),
                "two owner",
            ),
        ];
        for (bytes, want) in cases {
            let err = Acl::parse(&bytes).unwrap_err();
            assert!(err.contains(want), "{err} lacks {want}");
        }
        // Every truncation and every single-byte change either parses or is an error.
        let long = acl_bytes(
            2,
            &[
                base[0],
                (ACL_USER, 4, 1001),
                base[1],
                (ACL_GROUP, 4, 70),
                (ACL_MASK, 4, NONE),
                base[2],
            ],
        );
        for n in 0..long.len() {
            let _ = Acl::parse(&long[..n]);
            for v in [0u8, 1, 0x7f, 0xff] {
                let mut b = long.clone();
                b[n] = v;
                let _ = Acl::parse(&b);
            }
        }
    }

    #[test]
    fn world_readable_file_in_open_tree_is_organisation() {
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![]));
        assert_eq!(e.audience, Audience::Organisation);
        assert_eq!(e.via, "mode 0644, every folder above searchable by all");
        assert!(e.principals.is_empty());
        assert_eq!(e.size, None, "everyone: no count");
        assert_eq!(e.transport, "local");
    }

    #[test]
    fn group_readable_file_in_open_tree_is_group() {
        let e = judged(&obj(0o640, 1000, 50), &chain(vec![]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:staff"]);
        // alice and bob listed, carol by primary group.
        assert_eq!(
            e.via,
            "mode 0640: group staff (3 members) may read, every folder above searchable by all"
        );
        assert_eq!(e.size, Some(3));
    }

    #[test]
    fn owner_only_modes() {
        for mode in [0o600, 0o400, 0o700, 0o000, 0o4600, 0o611, 0o630] {
            let e = judged(&obj(mode, 1000, 50), &chain(vec![]));
            assert_eq!(e.audience, Audience::Owner, "{mode:o}");
            assert_eq!(e.principals, ["user:alice"]);
            assert_eq!(e.size, Some(1));
        }
    }

    #[test]
    fn readable_by_all_in_a_private_folder_is_owner() {
        let home = dir("/home/alice", obj(0o700, 1000, 1000));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![home]));
        assert_eq!(e.audience, Audience::Owner);
        assert_eq!(
            e.via,
            "mode 0644; folder /home/alice (0700) limits it to the owner"
        );
        // A root-owned 0700 folder leaves only root (and the owner, as an upper bound).
        let e = judged(
            &obj(0o644, 1000, 1000),
            &chain(vec![dir("/srv/x", obj(0o700, 0, 0))]),
        );
        assert_eq!(e.audience, Audience::Owner);
    }

    #[test]
    fn readable_by_all_in_someone_elses_folder_is_that_user() {
        let e = judged(
            &obj(0o644, 1000, 1000),
            &chain(vec![dir("/home/bob", obj(0o700, 1001, 1001))]),
        );
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["user:bob"]);
    }

    #[test]
    fn a_group_folder_limits_a_world_readable_file() {
        let hr = dir("/srv/hr", obj(0o750, 0, 60));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![hr]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:hr"]);
        assert_eq!(
            e.via,
            "mode 0644; folder /srv/hr (0750) limits it to group hr (1 member)"
        );
    }

    #[test]
    fn group_file_under_a_folder_of_the_same_group_stays_that_group() {
        let s = dir("/srv/staff", obj(0o750, 0, 50));
        let e = judged(&obj(0o640, 1000, 50), &chain(vec![s]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:staff"]);
        assert!(
            e.via.ends_with("every folder above searchable by them"),
            "{}",
            e.via
        );
    }

    #[test]
    fn two_groups_narrow_to_their_common_members() {
        // staff = alice, bob, carol; hr = bob.
        let hr = dir("/srv/hr", obj(0o750, 0, 60));
        let e = judged(&obj(0o640, 1000, 50), &chain(vec![hr]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["user:bob"]);
        // empty has no members: nobody but the owner... and alice is not in it.
        let empty = dir("/srv/e", obj(0o750, 0, 80));
        let e = judged(&obj(0o640, 1000, 50), &chain(vec![empty]));
        assert_eq!(e.audience, Audience::Owner);
    }

    #[test]
    fn folder_without_search_for_others_but_readable_is_still_closed() {
        // r without x does not let anyone open files inside.
        let d = dir("/srv/list", obj(0o744, 0, 0));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![d]));
        assert_eq!(e.audience, Audience::Owner);
        // x without r does.
        let d = dir("/srv/drop", obj(0o711, 0, 0));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![d]));
        assert_eq!(e.audience, Audience::Organisation);
    }

    #[test]
    fn the_owners_private_group_is_the_owner() {
        let e = judged(&obj(0o660, 1000, 1000), &chain(vec![]));
        assert_eq!(e.audience, Audience::Owner);
        assert!(
            e.via.contains("group alice is the owner's own"),
            "{}",
            e.via
        );
        // root's group counts the same way for root's files.
        assert_eq!(
            judged(&obj(0o640, 0, 0), &chain(vec![])).audience,
            Audience::Owner
        );
        // But bob's group on alice's file is bob.
        let e = judged(&obj(0o640, 1000, 1001), &chain(vec![]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:bob"]);
    }

    #[test]
    fn acl_named_group_on_a_private_file_is_group() {
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 4, 70),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o640, 1000, 1000, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:care-team"]);
        // alice and carol; "nobody-here" has no account.
        assert_eq!(
            e.via,
            "ACL group:care-team r--: group care-team (2 members) may read, every folder above \
             searchable by all"
        );
    }

    #[test]
    fn acl_mask_removes_named_entries_and_owning_group() {
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 1001),
            (ACL_GROUP_OBJ, 4, NONE),
            (ACL_GROUP, 4, 70),
            (ACL_MASK, 2, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o620, 1000, 50, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Owner);
        assert!(
            e.via.contains("group:care-team r-- (mask -w- leaves ---)"),
            "{}",
            e.via
        );
        // The mask does not apply to others.
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 4, 70),
            (ACL_MASK, 0, NONE),
            (ACL_OTHER, 4, NONE),
        ]);
        let e = judged(&with_acl(0o604, 1000, 50, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Organisation);
    }

    #[test]
    fn acl_named_users_and_owning_group() {
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 1001),
            (ACL_USER, 4, 1002),
            (ACL_GROUP_OBJ, 4, NONE),
            (ACL_MASK, 7, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o670, 1000, 60, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Group);
        // bob is in hr already, so he is not named again.
        assert_eq!(e.principals, ["group:hr", "user:carol"]);
        let hr = acc().size(60).map(|n| n as u32);
        assert_eq!(e.size, hr.map(|n| n + 1), "hr's members and carol");
        // An ACL naming only the owner is the owner.
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 1000),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o640, 1000, 50, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Owner);
        // Root named is no one new.
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 0),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o640, 1000, 50, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Owner);
    }

    #[test]
    fn unnamed_ids_are_written_as_numbers() {
        let a = acl(&[
            (ACL_USER_OBJ, 6, NONE),
            (ACL_USER, 4, 4242),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 4, 4343),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let e = judged(&with_acl(0o640, 1000, 50, a), &chain(vec![]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:gid:4343", "user:uid:4242"]);
        assert_eq!(e.size, None, "a group of unknown size: no count");
        // Unknown group: no size.
        assert!(e.via.contains("group gid:4343 may read") || e.via.contains("group gid:4343,"));
    }

    #[test]
    fn folder_acls_grant_and_deny_search() {
        // A 0700 folder whose ACL lets the care team through.
        let a = acl(&[
            (ACL_USER_OBJ, 7, NONE),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 1, 70),
            (ACL_MASK, 1, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let d = dir("/srv/care", with_acl(0o710, 0, 0, a.clone()));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![d]));
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:care-team"]);
        assert_eq!(
            e.via,
            "mode 0644; folder /srv/care (0710 with an ACL) limits it to group care-team (2 \
             members)"
        );
        // The same with the mask taking search away: owner only.
        let mut masked = a;
        masked.mask = Some(0);
        let d = dir("/srv/care", with_acl(0o700, 0, 0, masked));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![d]));
        assert_eq!(e.audience, Audience::Owner);
        // r on a folder ACL is not search.
        let a = acl(&[
            (ACL_USER_OBJ, 7, NONE),
            (ACL_GROUP_OBJ, 0, NONE),
            (ACL_GROUP, 4, 70),
            (ACL_MASK, 4, NONE),
            (ACL_OTHER, 0, NONE),
        ]);
        let d = dir("/srv/care", with_acl(0o740, 0, 0, a));
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![d]));
        assert_eq!(e.audience, Audience::Owner);
    }

    #[test]
    fn the_deepest_narrowing_folder_is_named() {
        let e = judged(
            &obj(0o644, 1000, 1000),
            &chain(vec![
                dir("/srv/staff", obj(0o750, 0, 50)),
                dir("/srv/staff/open", obj(0o755, 0, 0)),
                dir("/srv/staff/open/hr", obj(0o750, 0, 60)),
            ]),
        );
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["user:bob"]);
        assert!(
            e.via.contains("folder /srv/staff/open/hr (0750)"),
            "{}",
            e.via
        );
    }

    #[test]
    fn unknown_folders() {
        let bad = Arc::new(Dir {
            path: PathBuf::from("/srv/odd"),
            searchers: Err("ACL unreadable: version 7, not 2".into()),
            link: false,
            open: false,
        });
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![bad.clone()]));
        assert_eq!(e.audience, Audience::Unknown);
        assert_eq!(e.via, "folder /srv/odd: ACL unreadable: version 7, not 2");
        assert!(e.principals.is_empty());
        let e = judged(&obj(0o640, 1000, 50), &chain(vec![bad.clone()]));
        assert_eq!(e.audience, Audience::Unknown);
        // An owner-only file stays owner-only whatever the folders.
        let e = judged(&obj(0o600, 1000, 50), &chain(vec![bad]));
        assert_eq!(e.audience, Audience::Owner);
    }

    #[test]
    fn intersections() {
        let a = acc();
        let all = Readers::new(true, vec![], vec![]);
        let staff = Readers::new(false, vec![], vec![50]);
        let hr = Readers::new(false, vec![], vec![60]);
        let bob = Readers::new(false, vec![1001], vec![]);
        let carol = Readers::new(false, vec![1002], vec![]);
        assert_eq!(intersect(&all, &staff, &a), staff);
        assert_eq!(intersect(&staff, &all, &a), staff);
        assert_eq!(intersect(&staff, &staff, &a), staff);
        assert_eq!(intersect(&staff, &hr, &a), bob);
        assert_eq!(intersect(&hr, &staff, &a), bob);
        assert_eq!(intersect(&staff, &carol, &a), carol);
        assert_eq!(
            intersect(&hr, &carol, &a),
            Readers::new(false, vec![], vec![])
        );
        assert_eq!(
            intersect(&bob, &carol, &a),
            Readers::new(false, vec![], vec![])
        );
        // Root never appears.
        assert!(Readers::new(false, vec![0, 5, 5], vec![]).users == [5]);
    }

    #[test]
    fn accounts_parse_tolerates_damage() {
        let a = Accounts::parse(
            "x\n::::\nroot:x:0:0\nu:x:-1:2\nv:x:7:notanumber\n",
            "g:x:\n:x:3:\nh:x:9:root,,root\n",
        );
        assert_eq!(a.users.len(), 1);
        assert_eq!(a.members(9), [0]);
        assert_eq!(a.size(9), Some(1));
        assert_eq!(a.size(3), None);
        assert!(!a.member(0, 3));
        let none = Accounts::parse("", "");
        assert_eq!(none.private_group(0), None);
    }
}
