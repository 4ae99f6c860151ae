//! Exposure against the real kernel: modes and ACLs set with `chmod` and `setfacl` on files in
//! a temporary directory, judged by `exposure::Local`.

use datavakt_sources::exposure::{Audience, Exposure, Local};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A unique temporary directory, removed when dropped (also when an assertion fails).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn file(p: &Path, mode: u32) -> PathBuf {
    std::fs::write(p, "data").unwrap();
    chmod(p, mode);
    p.to_path_buf()
}

fn folder(p: &Path, mode: u32) -> PathBuf {
    std::fs::create_dir(p).unwrap();
    chmod(p, mode);
    p.to_path_buf()
}

/// Gives `p` group `gid`; false when this process may not (not root and not a member).
fn chgrp(p: &Path, gid: u32) -> bool {
    std::os::unix::fs::chown(p, None, Some(gid)).is_ok()
}

fn setfacl(args: &[&str], p: &Path) {
    let out = Command::new("setfacl").args(args).arg(p).output().unwrap();
    assert!(
        out.status.success(),
        "setfacl {args:?} {}: {}",
        p.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn judge(local: &mut Local, p: &Path) -> Exposure {
    let meta = std::fs::metadata(p).unwrap();
    let e = local.of(p, &meta);
    assert_eq!(e.transport, datavakt_sources::exposure::Transport::Local);
    e
}

/// A group to use: `users`, else `nogroup`, else any group but root's, as (gid, name).
fn some_group() -> Option<(u32, String)> {
    let text = std::fs::read_to_string("/etc/group").ok()?;
    let groups: Vec<(u32, String)> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            Some((f.get(2)?.parse().ok()?, f.first()?.to_string()))
        })
        .filter(|(gid, _)| *gid != 0)
        .collect();
    ["users", "nogroup"]
        .iter()
        .find_map(|want| groups.iter().find(|(_, n)| n == want).cloned())
        .or_else(|| groups.first().cloned())
}

/// Whether every folder from `/` to `p` lets others search it.
fn searchable_by_all(p: &Path) -> bool {
    p.ancestors().all(|a| {
        std::fs::metadata(a).is_ok_and(|m| m.permissions().mode() & 0o001 != 0)
            && Command::new("getfacl")
                .args(["--absolute-names", "--omit-header", "--skip-base"])
                .arg(a)
                .output()
                .is_ok_and(|o| o.stdout.is_empty())
    })
}

#[test]
fn real_modes_and_acls() {
    if Command::new("setfacl").arg("--version").output().is_err() {
        println!("SKIPPED: setfacl not installed (apt-get install acl)");
        return;
    }
    let base = std::env::temp_dir()
        .canonicalize()
        .unwrap()
        .join(format!("datavakt-exposure-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let d = TempDir(folder(&base, 0o755));
    let d = d.0.clone();
    if !searchable_by_all(&d) {
        println!(
            "SKIPPED: a folder above {} is not searchable by all (or has an ACL), so nothing \
             in it can be readable by all",
            d.display()
        );
        return;
    }
    let (gid, group) = some_group().expect("a group in /etc/group");
    let mut local = Local::new();

    // Readable by all, in a tree searchable by all.
    let world = file(&d.join("world.txt"), 0o644);
    let e = judge(&mut local, &world);
    assert_eq!(e.audience, Audience::Organisation, "{e:?}");
    assert_eq!(e.via, "mode 0644, every folder above searchable by all");
    assert!(e.principals.is_empty());

    // Only the owner.
    let private = file(&d.join("private.txt"), 0o600);
    let e = judge(&mut local, &private);
    assert_eq!(e.audience, Audience::Owner, "{e:?}");
    assert_eq!(e.via, "mode 0600: only the owner may read");
    assert_eq!(e.principals.len(), 1);
    assert!(e.principals[0].starts_with("user:"), "{e:?}");

    // Readable by all, but in a folder only its owner may search.
    let closed = folder(&d.join("closed"), 0o700);
    let inside = file(&closed.join("world.txt"), 0o644);
    let e = judge(&mut local, &inside);
    assert_eq!(e.audience, Audience::Owner, "{e:?}");
    assert_eq!(
        e.via,
        format!(
            "mode 0644; folder {} (0700) limits it to the owner",
            closed.display()
        )
    );

    // The owning group may read.
    let grouped = file(&d.join("group.txt"), 0o640);
    let team = folder(&d.join("team"), 0o750);
    let in_team = file(&team.join("world.txt"), 0o644);
    if chgrp(&grouped, gid) && chgrp(&team, gid) {
        let e = judge(&mut local, &grouped);
        assert_eq!(e.audience, Audience::Group, "{e:?}");
        assert_eq!(e.principals, [format!("group:{group}")]);
        assert!(
            e.via.starts_with(&format!("mode 0640: group {group} (")),
            "{e:?}"
        );
        // A folder of that group limits a file readable by all.
        let e = judge(&mut local, &in_team);
        assert_eq!(e.audience, Audience::Group, "{e:?}");
        assert_eq!(e.principals, [format!("group:{group}")]);
        assert!(
            e.via.contains(&format!(
                "folder {} (0750) limits it to group {group}",
                team.display()
            )),
            "{e:?}"
        );
    } else {
        println!("SKIPPED (group cases): may not give files group {group}");
    }

    // An ACL gives a named group read on a 0600 file; the mask takes it away again.
    let acl = file(&d.join("acl.txt"), 0o600);
    setfacl(&["-m", &format!("g:{gid}:r")], &acl);
    let e = judge(&mut local, &acl);
    assert_eq!(e.audience, Audience::Group, "{e:?}");
    assert_eq!(e.principals, [format!("group:{group}")]);
    assert!(
        e.via.starts_with(&format!("ACL group:{group} r--")),
        "{e:?}"
    );
    setfacl(&["-m", "m::-"], &acl);
    let e = judge(&mut local, &acl);
    assert_eq!(e.audience, Audience::Owner, "{e:?}");
    assert!(
        e.via
            .contains(&format!("group:{group} r-- (mask --- leaves ---)")),
        "{e:?}"
    );
    // ACL `other` is others.
    setfacl(&["-m", "o::r"], &acl);
    assert_eq!(judge(&mut local, &acl).audience, Audience::Organisation);

    // A named user.
    let named = file(&d.join("named.txt"), 0o600);
    setfacl(&["-m", "u:65534:r"], &named);
    let e = judge(&mut local, &named);
    assert_eq!(e.audience, Audience::Group, "{e:?}");
    assert_eq!(e.principals.len(), 1, "{e:?}");
    assert!(e.principals[0].starts_with("user:"), "{e:?}");
    assert_ne!(e.principals[0], judge(&mut local, &private).principals[0]);

    // A 0700 folder whose ACL lets a group search it.
    let gated = folder(&d.join("gated"), 0o700);
    let behind = file(&gated.join("world.txt"), 0o644);
    setfacl(&["-m", &format!("g:{gid}:x")], &gated);
    let mut fresh = Local::new();
    let e = judge(&mut fresh, &behind);
    assert_eq!(e.audience, Audience::Group, "{e:?}");
    assert_eq!(e.principals, [format!("group:{group}")]);
    assert!(
        e.via
            .contains(&format!("folder {} (0710 with an ACL)", gated.display())),
        "{e:?}"
    );
    // Its mask taking search away closes it.
    setfacl(&["-m", "m::r"], &gated);
    let e = judge(&mut Local::new(), &behind);
    assert_eq!(e.audience, Audience::Owner, "{e:?}");

    // Folders are judged once per `Local`: a change after the first look is not seen by it,
    // and is by a new one.
    chmod(&closed, 0o755);
    assert_eq!(judge(&mut local, &inside).audience, Audience::Owner);
    assert_eq!(
        judge(&mut Local::new(), &inside).audience,
        Audience::Organisation
    );

    // A relative path and a link to the file are judged at the file.
    let link = d.join("link.txt");
    std::os::unix::fs::symlink(&private, &link).unwrap();
    assert_eq!(judge(&mut local, &link).audience, Audience::Owner);
    let wide_link = d.join("wide-link.txt");
    std::os::unix::fs::symlink(&world, &wide_link).unwrap();
    assert_eq!(
        judge(&mut local, &wide_link).audience,
        Audience::Organisation
    );

    // A path that no longer names the file of the metadata.
    let meta = std::fs::metadata(&world).unwrap();
    let e = local.of(&d.join("vanished.txt"), &meta);
    assert_eq!(e.audience, Audience::Unknown, "{e:?}");
    assert_eq!(
        e.via,
        "metadata unreadable: vanished before it could be read (no such file)"
    );
    let e = local.of(&private, &meta);
    assert_eq!(e.audience, Audience::Unknown, "{e:?}");
}

#[test]
fn relative_paths() {
    // The working directory is the crate's folder; its own files are judged like any other.
    let p = Path::new("Cargo.toml");
    let meta = std::fs::metadata(p).unwrap();
    let e = Local::new().of(p, &meta);
    let abs = Local::new().of(&p.canonicalize().unwrap(), &meta);
    assert_eq!(e, abs);
    assert_ne!(e.audience, Audience::Unknown, "{e:?}");
}
