//! Local accounts: users, groups and group members from `/etc/passwd` and `/etc/group` when
//! they are there (for group sizes and membership), and the names of ids, looked up in those
//! files first and then through NSS one id at a time.

use std::ffi::CStr;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

/// The local users and groups, for membership and group sizes.
///
/// Read from `/etc/passwd` and `/etc/group` rather than through `getpwent`/`getgrent`: those
/// iterate process-wide state (not thread-safe, and scans judge files on many threads), and
/// through NSS they would enumerate a whole directory service (LDAP, AD), which is slow or
/// disabled on the servers that matter. Names of ids missing from these files are still looked
/// up one at a time with the thread-safe `getpwuid_r`/`getgrgid_r` (see [`Names`]); their
/// sizes are then unknown.
#[derive(Debug, Default)]
pub(super) struct Accounts {
    /// uid -> (name, primary gid).
    users: HashMap<u32, (String, u32)>,
    /// gid -> name, for groups listed in /etc/group.
    group_names: HashMap<u32, String>,
    /// gid -> sorted uids of its known members (listed, or with it as primary group).
    members: HashMap<u32, Vec<u32>>,
}

impl Accounts {
    pub(super) fn system() -> Accounts {
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
    pub(super) fn parse(passwd: &str, group: &str) -> Accounts {
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

    pub(super) fn member(&self, uid: u32, gid: u32) -> bool {
        self.members
            .get(&gid)
            .is_some_and(|m| m.binary_search(&uid).is_ok())
    }

    pub(super) fn members(&self, gid: u32) -> &[u32] {
        self.members.get(&gid).map_or(&[], |m| m.as_slice())
    }

    /// The number of members of a group listed in /etc/group; unknown for other groups.
    pub(super) fn size(&self, gid: u32) -> Option<usize> {
        self.group_names
            .contains_key(&gid)
            .then(|| self.members(gid).len())
    }

    /// The user's private group (Debian's default: a group of the user's name, their primary
    /// group, with no one else in it); a file readable by it is readable by the owner only.
    pub(super) fn private_group(&self, uid: u32) -> Option<u32> {
        let (name, gid) = self.users.get(&uid)?;
        (self.group_names.get(gid) == Some(name) && self.members(*gid) == [uid]).then_some(*gid)
    }
}

/// Names of users and groups: local accounts first, then NSS one id at a time, cached.
pub(super) struct Names {
    accounts: Arc<Accounts>,
    /// Whether to ask NSS for ids the local files lack (off in unit tests).
    nss: bool,
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

impl Names {
    /// Names from `accounts`, and from NSS when `nss`.
    pub(super) fn new(accounts: Arc<Accounts>, nss: bool) -> Names {
        Names {
            accounts,
            nss,
            users: HashMap::new(),
            groups: HashMap::new(),
        }
    }

    pub(super) fn user(&mut self, uid: u32) -> String {
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

    pub(super) fn group(&mut self, gid: u32) -> String {
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

/// The name of the account `uid` on this machine (its passwd file or directory service).
pub fn user_name(uid: u32) -> Option<String> {
    nss_user(uid)
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
