//! Hostile names (issue "Reliability"): file names that are not UTF-8, and identity numbers in
//! the folder names and start URLs of a crawled web server. Each test reproduces what went
//! wrong: two items collapsed into one whose finding flipped on every re-scan, and numbers
//! printed and stored in clear.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::{cpr, leaked, records, summary, written_forms, Scratch};
use testkit::{start_nginx, unique_dir, write, NGINX};

/// Every byte of the SQLite database `db` and its journals.
fn database_bytes(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    all
}

#[test]
fn names_that_differ_only_in_bytes_that_are_not_utf8_stay_two_items() {
    let s = Scratch::new("non-utf8");
    let (a, b) = (cpr("010190"), cpr("020290"));
    let tree = s.tree();
    // Latin-1 `n_æø.txt` and `n_\xff\xfe.txt`: both decode lossily to `n_��.txt`.
    let one = tree.join(OsStr::from_bytes(b"n_\xe6\xf8.txt"));
    let two = tree.join(OsStr::from_bytes(b"n_\xff\xfe.txt"));
    std::fs::write(&one, format!("CPR-nr.: {a}\n")).unwrap();
    std::fs::write(&two, format!("CPR-nr.: {b}\n")).unwrap();
    let db = s.dir.join("scan.db");
    let first = s.scan_db(&db, &[]);
    let paths: std::collections::BTreeSet<String> = records(&first)
        .iter()
        .filter(|r| r.get("masked").is_some())
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths.len(), 2, "two files, two paths: {paths:?}");
    for p in &paths {
        assert!(!p.contains('\u{fffd}'), "decoded lossily: {p}");
    }
    let listed = s
        .cmd()
        .args(["findings", "list", "--format", "jsonl", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 2);
    // Nothing changed: a re-scan finds nothing new and resolves nothing, every time.
    for _ in 0..2 {
        let again = summary(&s.scan_db(&db, &[]));
        assert_eq!(again["new_findings"], 0, "{again}");
        assert_eq!(again["resolved_findings"], 0, "{again}");
        assert_eq!(again["findings"], 2, "{again}");
    }
    // And each is still told apart from the other when one of them goes.
    std::fs::remove_file(&two).unwrap();
    let after = summary(&s.scan_db(&db, &[]));
    assert_eq!(
        (
            after["resolved_findings"].as_u64(),
            after["findings"].as_u64()
        ),
        (Some(1), Some(1)),
        "{after}"
    );
}

#[test]
fn numbers_in_crawled_folder_names_and_start_urls_are_masked_everywhere() {
    if !Path::new(NGINX).exists() {
        println!("SKIPPED: nginx not installed (apt-get install nginx)");
        return;
    }
    let dir = unique_dir("hostile-url");
    let www = dir.join("www");
    let (folder, inside, start) = (cpr("070761"), cpr("010190"), cpr("120380"));
    write(
        &www,
        &format!("share/{folder}/journal.txt"),
        format!("CPR-nr.: {inside}\n").as_bytes(),
    );
    // A start URL that names a person and is not there: an error about it.
    let Some(ng) = start_nginx(dir, "location /share/ { autoindex on; }", None) else {
        return;
    };
    let s = Scratch::new("hostile-url");
    let db = s.dir.join("scan.db");
    let forms = written_forms(&[folder.clone(), inside.clone(), start.clone()]);
    let mut seen = Vec::new();
    for format in ["jsonl", "human"] {
        let out = s
            .cmd()
            .args([
                "scan",
                &ng.url("/share/"),
                &ng.url(&format!("/{start}.txt")),
            ])
            .args([
                "--format",
                format,
                "--no-names",
                "--crawl-rate",
                "0",
                "--db",
            ])
            .arg(&db)
            .output()
            .unwrap();
        if format == "jsonl" {
            let found = records(&out);
            let journal = found
                .iter()
                .find(|r| {
                    r["kind"] == "dk-cpr"
                        && r["path"]
                            .as_str()
                            .is_some_and(|p| p.ends_with("/journal.txt"))
                })
                .unwrap_or_else(|| panic!("the journal's number not found: {found:?}"));
            let path = journal["path"].as_str().unwrap();
            assert!(path.contains("070761-****#"), "{path}");
        }
        seen.extend(out.stdout);
        seen.extend(out.stderr);
    }
    for args in [
        vec!["findings", "list", "--status", "all"],
        vec!["findings", "list", "--format", "jsonl"],
        vec!["report"],
        vec!["findings", "show", "1"],
    ] {
        let out = s.cmd().args(&args).arg("--db").arg(&db).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        seen.extend(out.stdout);
    }
    let in_output = leaked(&seen, &forms);
    assert!(
        in_output.is_empty(),
        "in the output: {:?}",
        in_output
            .iter()
            .map(|l| String::from_utf8_lossy(l))
            .collect::<Vec<_>>()
    );
    let stored = database_bytes(&db);
    let in_db = leaked(&stored, &forms);
    assert!(
        in_db.is_empty(),
        "in the database: {:?}",
        in_db
            .iter()
            .map(|l| String::from_utf8_lossy(l))
            .collect::<Vec<_>>()
    );
}
