//! POSIX access ACLs: read from a file's `system.posix_acl_access` extended attribute
//! without following a symbolic link, and parsed from the kernel's binary form. A parse
//! refuses what the kernel would not have written, rather than guess.

use std::path::Path;

use super::io_text;

pub(super) const ACL_USER_OBJ: u16 = 0x01;
pub(super) const ACL_USER: u16 = 0x02;
pub(super) const ACL_GROUP_OBJ: u16 = 0x04;
pub(super) const ACL_GROUP: u16 = 0x08;
pub(super) const ACL_MASK: u16 = 0x10;
pub(super) const ACL_OTHER: u16 = 0x20;

/// An access ACL as the kernel stores it in `system.posix_acl_access`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Acl {
    pub(super) user_obj: u8,
    pub(super) group_obj: u8,
    pub(super) other: u8,
    pub(super) mask: Option<u8>,
    /// Named users and their permissions (before the mask).
    pub(super) users: Vec<(u32, u8)>,
    /// Named groups and their permissions (before the mask).
    pub(super) groups: Vec<(u32, u8)>,
}

impl Acl {
    /// Parses the xattr's binary form: a little-endian u32 version (2), then 8-byte entries of
    /// u16 tag, u16 permissions, u32 id. Anything the kernel would not have written is an error,
    /// not a guess: a wrong guess would understate who can read.
    pub(super) fn parse(b: &[u8]) -> Result<Acl, String> {
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
    pub(super) fn masked(&self, perm: u8) -> u8 {
        perm & self.mask.unwrap_or(7)
    }
}

/// Reads the access ACL of `path` without following a symbolic link: `xattr::get` is
/// `lgetxattr` (`xattr::get_deref` would follow), and it grows its buffer until the value fits
/// (the kernel caps a value at 64 KiB). `None` when there is none (the mode bits say it all)
/// or the file system has no ACLs.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(super) fn read_acl(path: &Path) -> Result<Option<Acl>, String> {
    match xattr::get(path, "system.posix_acl_access") {
        Ok(Some(value)) => Acl::parse(&value).map(Some),
        Ok(None) => Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => Ok(None),
        Err(e) => Err(io_text(&e)),
    }
}

/// Elsewhere there are no POSIX ACLs in this form: the mode bits say it all.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(super) fn read_acl(_path: &Path) -> Result<Option<Acl>, String> {
    Ok(None)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Encodes an ACL as the kernel does.
    pub(in crate::exposure) fn acl_bytes(version: u32, entries: &[(u16, u16, u32)]) -> Vec<u8> {
        let mut b = version.to_le_bytes().to_vec();
        for (tag, perm, id) in entries {
            b.extend(tag.to_le_bytes());
            b.extend(perm.to_le_bytes());
            b.extend(id.to_le_bytes());
        }
        b
    }

    pub(in crate::exposure) const NONE: u32 = u32::MAX;

    pub(in crate::exposure) fn acl(entries: &[(u16, u16, u32)]) -> Acl {
        Acl::parse(&acl_bytes(2, entries)).unwrap()
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
}
