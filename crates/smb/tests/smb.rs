//! The SMB source against a real Samba: smbd started as a child of the test (never a system
//! service) with its configuration, passdb, state and logs in a temporary directory, and
//! throwaway system accounts that are removed at the end.
use std::collections::BTreeMap;
use std::path::Path;

use datavakt_smb::{walk, SmbItem, SmbOptions, SmbSummary, SmbTarget};
use sources::exposure::{Audience, Transport};
use testkit::{run, start_samba, unique_dir, write, Accounts, Samba};

const CPR_LINE: &[u8] = b"Navn: Kari Nordmann\r\nCPR-nr.: 010203-1234 \xe6\xf8\xe5\n";
const ALICE_PW: &str = "Alice-pw-1";
const BOB_PW: &str = "Bob-pw-2";

const SHARES: &str = "
[open]
path = {dir}/shares/open
read only = yes
[hr]
path = {dir}/shares/hr
read only = yes
valid users = @HRGROUP
[public]
path = {dir}/shares/public
read only = yes
guest ok = yes
[staff]
path = {dir}/shares/staff
read only = yes
";

struct Setup {
    samba: Samba,
    alice: String,
    bob: String,
    hr: String,
}

/// Builds the shares' folders with their owners and ACLs, then starts smbd over them.
fn start(global: &str) -> Option<Setup> {
    let mut acc = Accounts::new()?;
    let hr = acc.group("hr");
    let alice = acc.user("alice", ALICE_PW, &[&hr]);
    let bob = acc.user("bob", BOB_PW, &[]);
    let dir = unique_dir("smb");
    let shares = dir.join("shares");
    let open = shares.join("open");
    write(&open, "cpr.txt", CPR_LINE);
    write(&open, "team/notes.txt", b"minutes\n");
    write(&open, "hr-only.txt", b"salaries\n");
    write(&open, "alice-only.txt", b"diary\n");
    write(&open, "root-only.txt", b"secret\n");
    write(&open, "zz-last.txt", b"after the denied one\n");
    write(&shares, "hr/h.txt", b"hr file\n");
    write(&shares, "public/p.txt", b"for anyone\n");
    write(&shares, "staff/pay.txt", b"salaries\n");
    let p = |rel: &str| shares.join(rel).display().to_string();
    for d in ["", "open", "open/team", "public", "staff"] {
        run("chmod", &["0755", &p(d)]);
    }
    run("chmod", &["0755", &dir.display().to_string()]);
    for f in [
        "open/cpr.txt",
        "open/team/notes.txt",
        "open/zz-last.txt",
        "public/p.txt",
        "staff/pay.txt",
    ] {
        run("chmod", &["0644", &p(f)]);
    }
    // Only the owner by mode; an ACL lets the group read.
    run("chmod", &["0600", &p("open/hr-only.txt")]);
    run(
        "setfacl",
        &["-m", &format!("g:{hr}:r"), &p("open/hr-only.txt")],
    );
    run("chown", &[&alice, &p("open/alice-only.txt")]);
    run("chmod", &["0600", &p("open/alice-only.txt")]);
    run("chmod", &["0600", &p("open/root-only.txt")]);
    run("chown", &["-R", &format!("root:{hr}"), &p("hr")]);
    run("chmod", &["2750", &p("hr")]);
    run("chmod", &["0640", &p("hr/h.txt")]);
    let samba = start_samba(dir, acc, global, &SHARES.replace("HRGROUP", &hr))?;
    // Share permissions (kept in the server's share_info.tdb, which its own configuration
    // locates): only the group reaches anything in `staff`.
    run(
        "sharesec",
        &[
            "-s",
            &samba.conf().display().to_string(),
            "staff",
            "--replace",
            &format!("{}:ALLOWED/0/READ", group_sid(&hr)),
        ],
    );
    Some(Setup {
        samba,
        alice,
        bob,
        hr,
    })
}

/// Samba's SID for a Unix group: `S-1-22-2-GID`.
fn group_sid(name: &str) -> String {
    let out = std::process::Command::new("getent")
        .args(["group", name])
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    format!("S-1-22-2-{}", line.split(':').nth(2).unwrap())
}

fn target(s: &Setup, user: &str, share: &str) -> SmbTarget {
    SmbTarget::parse(&format!("smb://{user}@{}/{share}", s.samba.host)).unwrap()
}

fn opts() -> SmbOptions {
    SmbOptions {
        timeout: std::time::Duration::from_secs(20),
        ..SmbOptions::default()
    }
}

/// Walks and returns the items by path.
fn collect(t: &SmbTarget, pw: &str) -> (BTreeMap<String, SmbItem>, SmbSummary) {
    let mut items = BTreeMap::new();
    let summary = walk(t, pw, &opts(), &mut |i| {
        items.insert(i.path.clone(), i);
        true
    })
    .unwrap_or_else(|e| panic!("walk of {t:?}: {e}"));
    (items, summary)
}

fn get<'a>(items: &'a BTreeMap<String, SmbItem>, path: &str) -> &'a SmbItem {
    items
        .get(path)
        .unwrap_or_else(|| panic!("{path} not reported: {:?}", items.keys()))
}

#[test]
fn walks_a_samba_share_with_exposures() {
    if !Path::new(testkit::SMBD).exists() {
        println!("SKIPPED: smbd not installed (apt-get install samba smbclient)");
        return;
    }
    let Some(s) = start("") else { return };
    let (items, summary) = {
        // The session's encryption as the server sees it, while it is open.
        let mut status = String::new();
        let mut items = BTreeMap::new();
        let summary = walk(&target(&s, &s.alice, "open"), ALICE_PW, &opts(), &mut |i| {
            if status.is_empty() {
                status = s.samba.status();
            }
            items.insert(i.path.clone(), i);
            true
        })
        .unwrap_or_else(|e| panic!("walk: {e}"));
        assert!(
            status.contains("AES-"),
            "smbstatus shows no encrypted session: {status}"
        );
        (items, summary)
    };
    let paths: Vec<&str> = items.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "alice-only.txt",
            "cpr.txt",
            "hr-only.txt",
            "root-only.txt",
            "team",
            "team/notes.txt",
            "zz-last.txt"
        ]
    );
    assert!(summary.encrypted, "{summary:?}");
    assert!(!summary.guest_access, "{summary:?}");
    assert_eq!(summary.items, 7);
    assert_eq!(summary.dirs, 1);
    assert_eq!(summary.errors, 1);

    // Everyone may read: the organisation; the content comes back byte for byte.
    let cpr = get(&items, "cpr.txt");
    assert_eq!(cpr.body, CPR_LINE);
    assert_eq!(cpr.size, CPR_LINE.len() as u64);
    assert!(cpr.modified.is_some());
    assert!(cpr.error.is_none());
    assert_eq!(
        cpr.exposure.audience,
        Audience::Organisation,
        "{:?}",
        cpr.exposure
    );
    assert!(cpr.exposure.via.contains("Everyone"), "{:?}", cpr.exposure);
    assert_eq!(cpr.exposure.transport, Transport::Smb3Encrypted);
    assert_eq!(
        cpr.url,
        format!("smb://{}/open/cpr.txt", s.samba.host),
        "the URL carries neither user nor default port"
    );
    let team = get(&items, "team");
    assert!(team.is_dir && team.body.is_empty());
    assert_eq!(team.exposure.audience, Audience::Organisation);
    assert_eq!(get(&items, "team/notes.txt").body, b"minutes\n");

    // An ACL for a group: the group, by the name the server gives it.
    let hr = get(&items, "hr-only.txt");
    assert_eq!(hr.exposure.audience, Audience::Group, "{:?}", hr.exposure);
    assert_eq!(
        hr.exposure.principals,
        [format!("group:Unix Group\\{}", s.hr)],
        "{:?}",
        hr.exposure
    );
    // alice is in the group: she reads it.
    assert_eq!(hr.body, b"salaries\n");

    // Only its owner.
    let mine = get(&items, "alice-only.txt");
    assert_eq!(
        mine.exposure.audience,
        Audience::Owner,
        "{:?}",
        mine.exposure
    );
    assert_eq!(mine.exposure.principals.len(), 1);
    assert!(
        mine.exposure.principals[0].ends_with(&format!("\\{}", s.alice)),
        "{:?}",
        mine.exposure
    );
    assert_eq!(mine.body, b"diary\n");

    // Root's file: access denied is an error item, and the walk goes on past it.
    let denied = get(&items, "root-only.txt");
    assert_eq!(denied.error.as_deref(), Some("access denied"), "{denied:?}");
    assert!(denied.body.is_empty());
    assert_eq!(get(&items, "zz-last.txt").body, b"after the denied one\n");

    // The share limited to a group: its members read, with the group named ...
    let (hr_items, _) = collect(&target(&s, &s.alice, "hr"), ALICE_PW);
    let h = get(&hr_items, "h.txt");
    assert_eq!(h.body, b"hr file\n");
    assert_eq!(h.exposure.audience, Audience::Group, "{:?}", h.exposure);
    assert_eq!(
        h.exposure.principals,
        [format!("group:Unix Group\\{}", s.hr)]
    );
    // ... and others are turned away with a clear error.
    let e = walk(&target(&s, &s.bob, "hr"), BOB_PW, &opts(), &mut |_| true).unwrap_err();
    assert!(e.contains("refused"), "{e}");

    // A share guests may use: what everyone may read there is public.
    let (pub_items, pub_summary) = collect(&target(&s, &s.bob, "public"), BOB_PW);
    assert!(pub_summary.guest_access);
    let p = get(&pub_items, "p.txt");
    assert_eq!(p.exposure.audience, Audience::Public, "{:?}", p.exposure);
    assert!(p.exposure.via.contains("guests"), "{:?}", p.exposure);
    assert_eq!(p.body, b"for anyone\n");

    // Share permissions for the group only. Samba 4.17's srvsvc reads its share database
    // (share_info.tdb, root's alone) as the calling user, so it sends a plain user no
    // descriptor: the file's own verdict stands, saying so.
    let staff_walk = || collect(&target(&s, &s.alice, "staff"), ALICE_PW).0;
    let pay = staff_walk().remove("pay.txt").unwrap();
    assert_eq!(pay.body, b"salaries\n");
    assert_eq!(
        pay.exposure.audience,
        Audience::Organisation,
        "{:?}",
        pay.exposure
    );
    assert!(
        pay.exposure
            .via
            .contains("share permissions could not be read"),
        "{:?}",
        pay.exposure
    );
    // A server that shows them (Windows shows administrators; here the test server's database
    // opened to all): a file that Everyone may read is the group's.
    let tdb = s.samba.dir.join("state/share_info.tdb");
    run("chmod", &["0666", &tdb.display().to_string()]);
    let pay = staff_walk().remove("pay.txt").unwrap();
    assert_eq!(pay.exposure.audience, Audience::Group, "{:?}", pay.exposure);
    assert_eq!(
        pay.exposure.principals,
        [format!("group:{}", group_sid(&s.hr))],
        "{:?}",
        pay.exposure
    );
    assert!(pay.exposure.via.contains("share ACL"), "{:?}", pay.exposure);
    assert!(pay.exposure.via.contains("Everyone"), "{:?}", pay.exposure);
    // The server applies them too: others do not get in.
    let e = walk(&target(&s, &s.bob, "staff"), BOB_PW, &opts(), &mut |_| true).unwrap_err();
    assert!(e.contains("refused"), "{e}");
    // Share permissions that let everyone in (Samba's default) narrow nothing.
    let (open, _) = collect(&target(&s, &s.alice, "open"), ALICE_PW);
    let cpr = get(&open, "cpr.txt");
    assert_eq!(cpr.exposure.audience, Audience::Organisation);
    assert_eq!(
        cpr.exposure.via, "DACL lets Everyone read",
        "{:?}",
        cpr.exposure
    );

    // A wrong password: a clear error, no items, and no guest session instead.
    let mut seen = 0;
    let e = walk(&target(&s, &s.alice, "open"), "wrong", &opts(), &mut |_| {
        seen += 1;
        true
    })
    .unwrap_err();
    assert!(e.contains("wrong user name or password"), "{e}");
    assert!(!e.contains("wrong\""), "the password is not echoed: {e}");
    assert_eq!(seen, 0);

    // No such share.
    let e = walk(
        &target(&s, &s.alice, "nosuch"),
        ALICE_PW,
        &opts(),
        &mut |_| true,
    )
    .unwrap_err();
    assert!(e.contains("no such share"), "{e}");
}

#[test]
fn bounds_and_stopping() {
    let Some(s) = start("") else { return };
    let t = target(&s, &s.alice, "open");
    // A file read only up to the limit is truncated.
    let o = SmbOptions {
        max_file_bytes: 5,
        ..opts()
    };
    let mut cpr = None;
    walk(&t, ALICE_PW, &o, &mut |i| {
        if i.path == "cpr.txt" {
            cpr = Some(i);
        }
        true
    })
    .unwrap();
    let cpr = cpr.unwrap();
    assert_eq!(cpr.body, &CPR_LINE[..5]);
    assert!(cpr.truncated);
    // At most so many entries.
    let o = SmbOptions {
        max_entries: 2,
        ..opts()
    };
    let summary = walk(&t, ALICE_PW, &o, &mut |_| true).unwrap();
    assert_eq!(summary.items, 2);
    assert!(summary.limit_reached);
    // The visitor stops the walk.
    let summary = walk(&t, ALICE_PW, &opts(), &mut |_| false).unwrap();
    assert_eq!(summary.items, 1);
    assert!(summary.stopped);
    // Not below the depth limit: the folder is reported, not listed.
    let o = SmbOptions {
        max_depth: 0,
        ..opts()
    };
    let mut paths = vec![];
    let summary = walk(&t, ALICE_PW, &o, &mut |i| {
        paths.push(i.path);
        true
    })
    .unwrap();
    assert!(paths.contains(&"team".to_string()));
    assert!(!paths.contains(&"team/notes.txt".to_string()));
    assert_eq!(summary.too_deep, 1);
    // A start inside the share, and a start that is a file.
    let sub = SmbTarget::parse(&format!("smb://{}@{}/open/team", s.alice, s.samba.host)).unwrap();
    let mut paths = vec![];
    walk(&sub, ALICE_PW, &opts(), &mut |i| {
        paths.push(i.path);
        true
    })
    .unwrap();
    assert_eq!(paths, ["team/notes.txt"]);
    let file =
        SmbTarget::parse(&format!("smb://{}@{}/open/cpr.txt", s.alice, s.samba.host)).unwrap();
    let mut got = vec![];
    walk(&file, ALICE_PW, &opts(), &mut |i| {
        got.push(i);
        true
    })
    .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, CPR_LINE);
}

#[test]
fn a_server_without_encryption_is_plain_smb() {
    let Some(s) = start("server smb encrypt = off") else {
        return;
    };
    let (items, summary) = collect(&target(&s, &s.alice, "open"), ALICE_PW);
    assert!(!summary.encrypted);
    let cpr = get(&items, "cpr.txt");
    assert_eq!(cpr.exposure.transport, Transport::Smb);
    assert_eq!(cpr.exposure.audience, Audience::Organisation);
    assert_eq!(cpr.body, CPR_LINE);
    // Encryption demanded: refused before logging on.
    let o = SmbOptions {
        require_encryption: true,
        ..opts()
    };
    let e = walk(&target(&s, &s.alice, "open"), ALICE_PW, &o, &mut |_| true).unwrap_err();
    assert!(e.contains("encryption"), "{e}");
}
