//! `datavakt scan smb://…` against a real Samba (smbd as a child of the test, throwaway
//! accounts removed at the end): files of a share are found with the exposure their security
//! descriptors give, the password comes from the environment, and a wrong one is a clear error.
#![cfg(feature = "smb")]

mod common;

use common::{cpr, Scratch};
use testkit::{run, start_samba, unique_dir, write, Accounts};

#[test]
fn a_share_is_scanned_without_mounting_it_and_says_who_can_read_each_file() {
    let Some(mut acc) = Accounts::new() else {
        return;
    };
    let hr = acc.group("hr");
    let alice = acc.user("alice", "Alice-pw-1", &[&hr]);
    let dir = unique_dir("cli-smb");
    let share = dir.join("shares/open");
    let (a, b) = (cpr("010190"), cpr("020290"));
    let files = [
        ("all/list.csv", format!("Navn;CPR-nr.\nTest;{a}\n")),
        ("hr/salary.txt", format!("CPR-nr.: {b}\n")),
    ];
    for (rel, text) in &files {
        write(&share, rel, text.as_bytes());
    }
    let p = |rel: &str| share.join(rel).display().to_string();
    for d in ["..", "", "all", "hr"] {
        run("chmod", &["0755", &p(d)]);
    }
    run("chmod", &["0755", &dir.display().to_string()]);
    run("chmod", &["0644", &p("all/list.csv")]);
    run("chmod", &["0600", &p("hr/salary.txt")]);
    run(
        "setfacl",
        &["-m", &format!("g:{hr}:r"), &p("hr/salary.txt")],
    );
    let shares = "[open]\npath = {dir}/shares/open\nread only = yes\n";
    let Some(samba) = start_samba(dir, acc, "", shares) else {
        return;
    };
    let s = Scratch::new("smb");
    let db = s.dir.join("scan.db");
    let url = format!("smb://{alice}@{}/open", samba.host);
    let scan = |password: &str| {
        s.cmd()
            .args(["scan", &url, "--format", "jsonl", "--no-names"])
            .args(["--db", db.to_str().unwrap()])
            .env("DATAVAKT_SMB_PASSWORD", password)
            .output()
            .unwrap()
    };
    let out = scan("Alice-pw-1");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(&a) && !stdout.contains(&b), "value leaked");
    let of = |name: &str| common::finding_in(&out, name);
    let list = of("all/list.csv");
    assert_eq!(list["kind"], "dk-cpr");
    assert!(list["path"].as_str().unwrap().starts_with("smb://"));
    assert!(
        !list["path"].as_str().unwrap().contains(&alice),
        "no user in the path"
    );
    assert_eq!(list["exposure"]["audience"], "organisation", "{list}");
    assert!(list["exposure"]["transport"]
        .as_str()
        .unwrap()
        .starts_with("smb"));
    let salary = of("hr/salary.txt");
    assert_eq!(salary["exposure"]["audience"], "group", "{salary}");
    assert!(
        salary["exposure"]["principals"].to_string().contains(&hr),
        "{salary}"
    );

    // A wrong password: a clear error, exit 3 (the scan is incomplete: no all-clear), the
    // share named in the summary. Nothing is resolved: the share was not reached, so nothing
    // is known to be gone.
    let bad = scan("wrong");
    assert_eq!(bad.status.code(), Some(3), "{bad:?}");
    let records = common::records(&bad);
    let error = records
        .iter()
        .find(|r| r["kind"] == "error")
        .unwrap_or_else(|| panic!("no error: {records:?}"));
    let reason = error["reason"].as_str().unwrap().to_lowercase();
    assert!(reason.contains("password"), "{reason}");
    assert!(
        records.iter().all(|r| r["status"] != "resolved"),
        "{records:?}"
    );
    let summary = records.last().unwrap();
    assert_eq!(summary["resolved_findings"], 0);
    let incomplete = summary["incomplete_roots"].as_object().unwrap();
    assert!(incomplete.keys().any(|r| r.ends_with("/open")), "{summary}");
    drop(samba);
}

#[test]
fn a_share_that_refuses_the_connection_makes_the_scan_incomplete() {
    let s = Scratch::new("smb-refused");
    // Nothing listens on a port just found free.
    let url = format!("smb://someone@127.0.0.1:{}/share", testkit::free_port());
    let out = s
        .cmd()
        .args(["scan", &url, "--no-names", "--db"])
        .arg(s.dir.join("scan.db"))
        .env("DATAVAKT_SMB_PASSWORD", "x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("INCOMPLETE: 1 of the roots"), "{text}");
    assert!(!text.contains("No identity numbers found."), "{text}");
}
