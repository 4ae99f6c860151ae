//! Who may read or search an object (its mode bits or ACL), and the verdict for a file under
//! the folders above it: the set of readers narrowed folder by folder, then put in words.
//! Pure, but for looking up the names of ids.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use super::accounts::{Accounts, Names};
use super::acl::Acl;
use super::{Audience, Exposure, Transport};

/// Permission bits, as in a mode's triplets and an ACL entry.
pub(super) const READ: u8 = 4;
pub(super) const SEARCH: u8 = 1;

/// A file or folder as far as permissions go.
#[derive(Clone, Debug)]
pub(super) struct Object {
    pub(super) mode: u32,
    pub(super) uid: u32,
    pub(super) gid: u32,
    pub(super) acl: Option<Acl>,
}

/// A folder above a file: its path and who may search it (or why that is unknown).
#[derive(Debug)]
pub(super) struct Dir {
    pub(super) path: PathBuf,
    pub(super) searchers: Result<Object, String>,
    /// The path is a symbolic link (so its chain is that of its target).
    pub(super) link: bool,
    /// Everyone may search it: it narrows no file's audience.
    pub(super) open: bool,
}

/// A set of principals: everyone, or some users and groups. Root is never in it (it reads
/// everything anyway). Lists are sorted and without duplicates, so hostile ACLs with many
/// entries stay fast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Readers {
    pub(super) everyone: bool,
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
    pub(super) fn readers(&self, bit: u8) -> Readers {
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
pub(super) fn judge(
    file: &Object,
    chain: &[Arc<Dir>],
    acc: &Accounts,
    names: &mut Names,
) -> Exposure {
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
            return super::unknown(why);
        }
        return Exposure {
            audience: Audience::Organisation,
            via: format!("{file_text}, every folder above searchable by all"),
            principals: vec![],
            size: None,
            transport: Transport::Local,
            listed_by: None,
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
            transport: Transport::Local,
            listed_by: None,
        };
    }
    if let Some(why) = unknown {
        return super::unknown(why);
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
        transport: Transport::Local,
        listed_by: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::acl::tests::{acl, NONE};
    use super::super::acl::*;
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
        Names::new(acc.clone(), false)
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

    fn with_acl(mode: u32, uid: u32, gid: u32, a: Acl) -> Object {
        Object {
            mode,
            uid,
            gid,
            acl: Some(a),
        }
    }

    #[test]
    fn world_readable_file_in_open_tree_is_organisation() {
        let e = judged(&obj(0o644, 1000, 1000), &chain(vec![]));
        assert_eq!(e.audience, Audience::Organisation);
        assert_eq!(e.via, "mode 0644, every folder above searchable by all");
        assert!(e.principals.is_empty());
        assert_eq!(e.size, None, "everyone: no count");
        assert_eq!(e.transport, Transport::Local);
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
}
