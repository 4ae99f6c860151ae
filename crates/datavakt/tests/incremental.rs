//! Incremental scans end to end: what a re-scan reads again, carries over, resolves and
//! prints; resume after a killed scan; readers while a scan writes.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{cpr, findings, leaked, personnummer, summary, written_forms, Scratch};

/// (file name, location, masked, status) of each finding printed.
fn seen(out: &Output) -> BTreeSet<(String, String, String, String)> {
    findings(out)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                path.rsplit('/').next().unwrap().to_string(),
                f["location"].as_str().unwrap_or_default().to_string(),
                f["masked"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

fn touch_later(path: &Path) {
    // A new modification time, whatever the file system's time resolution.
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let t = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    f.set_modified(t).unwrap();
}

#[test]
fn rescans_read_only_what_changed_and_resolve_what_is_gone() {
    let s = Scratch::new("incremental");
    let db = s.dir.join("scan.db");
    let (a, b, c, d) = (cpr("010190"), cpr("020290"), cpr("030390"), cpr("040490"));
    s.write("a.txt", format!("Navn: Test\nCPR-nr.: {a}\n"));
    s.write("sub/b.txt", format!("CPR-nr.: {b}\n"));
    s.write("sub/c.txt", format!("CPR-nr.: {c}\n"));
    s.write("sub/nothing.txt", "nothing here\n");

    let first = s.scan_db(&db, &[]);
    let all = set(&[
        ("a.txt", "line 2", "010190-****", "open"),
        ("b.txt", "line 1", "020290-****", "open"),
        ("c.txt", "line 1", "030390-****", "open"),
    ]);
    assert_eq!(seen(&first), all);
    let sum = summary(&first);
    assert_eq!(
        (sum["files_scanned"].as_u64(), sum["new_findings"].as_u64()),
        (Some(4), Some(3))
    );
    let paths: Vec<String> = findings(&first)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        paths.iter().all(|p| p.starts_with('/')),
        "absolute paths: {paths:?}"
    );

    // Nothing changed: nothing is read, every finding is printed as it was first seen.
    let second = s.scan_db(&db, &[]);
    assert_eq!(seen(&second), all);
    let sum = summary(&second);
    assert_eq!(sum["files_scanned"], 0);
    assert_eq!(sum["unchanged_files"], 4);
    assert_eq!(sum["new_findings"], 0);
    assert_eq!(sum["findings"], 3);
    let first_seen = |out: &Output| -> Vec<String> {
        let mut v: Vec<String> = findings(out)
            .iter()
            .map(|f| format!("{} {}", f["masked"], f["first_seen"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(first_seen(&first), first_seen(&second));

    // Edit a.txt (its number moves down a line, a second appears), delete b.txt, copy c.txt.
    s.write(
        "a.txt",
        format!("Navn: Test\n\nCPR-nr.: {a}\nCPR-nr.: {d}\n"),
    );
    std::fs::remove_file(s.tree().join("sub/b.txt")).unwrap();
    std::fs::copy(s.tree().join("sub/c.txt"), s.tree().join("c-copy.txt")).unwrap();
    let third = s.scan_db(&db, &["--changes-only"]);
    assert_eq!(
        seen(&third),
        set(&[
            ("a.txt", "line 4", "040490-****", "open"),
            ("b.txt", "line 1", "020290-****", "resolved"),
            ("c-copy.txt", "line 1", "030390-****", "open"),
        ]),
        "only what changed: the moved number is not news"
    );
    let removed = findings(&third)
        .into_iter()
        .find(|f| f["status"] == "resolved")
        .unwrap();
    assert_eq!(removed["resolution"], "removed");
    let sum = summary(&third);
    assert_eq!(sum["copies"], 1, "{sum}");
    assert_eq!(sum["files_scanned"], 1, "only a.txt is read: {sum}");
    assert_eq!(sum["resolved_findings"], 1);
    assert_eq!(sum["new_findings"], 2);

    // The state of the tree: the moved number keeps the day it was first seen.
    let fourth = s.scan_db(&db, &[]);
    assert_eq!(
        seen(&fourth),
        set(&[
            ("a.txt", "line 3", "010190-****", "open"),
            ("a.txt", "line 4", "040490-****", "open"),
            ("c.txt", "line 1", "030390-****", "open"),
            ("c-copy.txt", "line 1", "030390-****", "open"),
        ])
    );
    let moved = findings(&fourth)
        .into_iter()
        .find(|f| f["masked"] == "010190-****")
        .unwrap();
    let original = findings(&first)
        .into_iter()
        .find(|f| f["masked"] == "010190-****")
        .unwrap();
    assert_eq!(moved["first_seen"], original["first_seen"]);

    // A number taken out of a file resolves it as edited.
    s.write("a.txt", format!("Navn: Test\nCPR-nr.: {d}\n"));
    let fifth = s.scan_db(&db, &["--changes-only"]);
    let gone: Vec<_> = findings(&fifth)
        .into_iter()
        .filter(|f| f["status"] == "resolved")
        .collect();
    assert_eq!(gone.len(), 1, "{:?}", seen(&fifth));
    assert_eq!(gone[0]["masked"], "010190-****");
    assert_eq!(gone[0]["resolution"], "edited");

    // A new modification time with the same content: read again, nothing new.
    touch_later(&s.tree().join("sub/c.txt"));
    let sixth = s.scan_db(&db, &["--changes-only"]);
    assert!(findings(&sixth).is_empty(), "{:?}", seen(&sixth));
    let sum = summary(&sixth);
    // Read and hashed: the same content as its copy, so not detected again.
    assert_eq!(
        (sum["copies"].as_u64(), sum["unchanged_files"].as_u64()),
        (Some(1), Some(3)),
        "{sum}"
    );

    // --rescan-all reads everything and changes nothing.
    let all_again = s.scan_db(&db, &["--rescan-all"]);
    let sum = summary(&all_again);
    assert_eq!(
        (
            sum["files_scanned"].as_u64(),
            sum["unchanged_files"].as_u64()
        ),
        (Some(4), Some(0))
    );
    assert_eq!(sum["new_findings"], 0);
    assert_eq!(seen(&all_again).len(), 3);

    // The database holds the whole story.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) FROM findings"), 5);
    assert_eq!(
        one("SELECT count(*) FROM findings WHERE status = 'resolved'"),
        2
    );
    assert_eq!(
        one("SELECT count(*) FROM finding_history WHERE status = 'resolved'"),
        2
    );
    assert_eq!(
        one("SELECT count(*) FROM items WHERE gone_at IS NOT NULL"),
        1
    );
    assert_eq!(
        one("SELECT count(*) FROM items WHERE hash LIKE 'blake3:%'"),
        5
    );
}

#[test]
fn values_in_names_stay_out_of_output_and_database_and_rescans_still_know_the_items() {
    let s = Scratch::new("masked-names");
    let db = s.dir.join("scan.db");
    let (a, b) = (cpr("050575"), personnummer("750505", 123));
    s.write(
        &format!("klienter/{a}/journal.txt"),
        format!("CPR-nr.: {a}\n"),
    );
    s.write(&format!("klienter/{a}/{a} plan.txt"), "nothing\n");
    s.write(&format!("scans/{b}.txt"), "nothing\n");
    s.write("scans/other.txt", "nothing\n");
    let forms = written_forms(&[a.clone(), b.clone()]);
    let no_value = |out: &Output| {
        let found = leaked(&out.stdout, &forms);
        assert!(found.is_empty(), "{found:?} in the output");
        let mut bytes = std::fs::read(&db).unwrap();
        bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
        let found = leaked(&bytes, &forms);
        assert!(found.is_empty(), "{found:?} in the database");
    };

    let first = s.scan_db(&db, &[]);
    no_value(&first);
    let places: BTreeSet<(String, String)> = findings(&first)
        .iter()
        .map(|f| {
            (
                f["location"].as_str().unwrap().into(),
                f["masked"].as_str().unwrap().into(),
            )
        })
        .collect();
    // The folder's name, the plan's name, the number in the journal, the scan's name: found,
    // and every path masked.
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(findings(&first)
        .iter()
        .all(|f| f["path"].as_str().unwrap().contains("****#")));

    // A folder named after a client, given as it is written on disk: its findings.
    let folder = s.tree().join(format!("klienter/{a}"));
    let listed = s
        .cmd()
        .args([
            "findings",
            "list",
            folder.to_str().unwrap(),
            "--format",
            "jsonl",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0));
    assert!(leaked(&listed.stdout, &forms).is_empty());
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 3);

    // Nothing changed: the masked paths are the items the database knows; nothing is read.
    let second = s.scan_db(&db, &[]);
    no_value(&second);
    let sum = summary(&second);
    assert_eq!(sum["files_scanned"], 0, "{sum}");
    assert_eq!(sum["unchanged_files"], 4, "{sum}");
    assert_eq!(seen(&second), seen(&first));

    // A deleted file and a deleted folder whose names held numbers are found gone: their
    // findings are resolved as removed, not carried over.
    std::fs::remove_file(s.tree().join(format!("scans/{b}.txt"))).unwrap();
    std::fs::remove_dir_all(s.tree().join("klienter")).unwrap();
    let third = s.scan_db(&db, &["--changes-only"]);
    no_value(&third);
    let resolved = findings(&third);
    assert_eq!(resolved.len(), 4, "{resolved:?}");
    assert!(resolved
        .iter()
        .all(|f| f["status"] == "resolved" && f["resolution"] == "removed"));
    let fourth = s.scan_db(&db, &[]);
    assert!(findings(&fourth).is_empty());
}

#[test]
fn other_detector_settings_read_everything_again() {
    let s = Scratch::new("settings");
    let db = s.dir.join("scan.db");
    s.write(
        "a.txt",
        format!("CPR-nr.: {}\nbo@example.se\n", cpr("010190")),
    );
    // A folder named after someone's address, holding nothing.
    s.write("till bo@example.se/b.txt", "hej\n");
    assert_eq!(findings(&s.scan_db(&db, &[])).len(), 3);
    // Without contact data the file is read again, and neither e-mail (in the file, in the
    // folder's name) is reported as current.
    let without = s.scan_db(&db, &["--no-contact"]);
    assert_eq!(summary(&without)["files_scanned"], 2);
    assert_eq!(findings(&without).len(), 1);
}

/// A tree big enough that a single-threaded debug scan takes a few seconds.
fn big_tree(s: &Scratch, files: usize) {
    for i in 0..files {
        let n = cpr(&format!(
            "{:02}{:02}{:02}",
            i % 28 + 1,
            i % 12 + 1,
            i % 90 + 10
        ));
        // Each file its own content: no copies.
        let filler =
            format!("File {i}: ordinary text without anything personal in it. ").repeat(40);
        s.write(
            &format!("d{}/f{i}.txt", i % 50),
            format!("{filler}\nCPR-nr.: {n}\n{filler}\n"),
        );
    }
}

fn finding_keys(out: &Output) -> BTreeSet<String> {
    findings(out)
        .iter()
        .map(|f| format!("{} {} {}", f["path"], f["location"], f["fingerprint"]))
        .collect()
}

#[test]
fn a_killed_scan_resumes_without_losing_or_duplicating_findings_and_readers_never_wait() {
    let s = Scratch::new("resume");
    let files = 6000;
    big_tree(&s, files);
    let db = s.dir.join("scan.db");
    let mut child = s
        .cmd()
        .args([
            "scan",
            s.tree().to_str().unwrap(),
            "--format",
            "jsonl",
            "--no-names",
        ])
        .args(["-j", "1", "--db", db.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Read while it writes: a reader is never blocked, and what it sees only grows.
    let mut reads = Vec::new();
    let mut killed = false;
    for _ in 0..20_000 {
        std::thread::sleep(std::time::Duration::from_millis(2));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let Ok(conn) = rusqlite::Connection::open(&db) else {
            continue;
        };
        let n: Result<i64, _> = conn.query_row(
            "SELECT count(*) FROM items WHERE scanned_at IS NOT NULL",
            [],
            |r| r.get(0),
        );
        match n {
            Ok(n) => reads.push(n),
            // Before the writer has created the schema.
            Err(e) if e.to_string().contains("no such") => continue,
            Err(e) => panic!("a reader failed while the scan wrote: {e}"),
        }
        if n.is_ok_and(|n| n > 0) && reads.len() > 3 {
            child.kill().unwrap();
            killed = true;
            break;
        }
    }
    let _ = child.wait();
    assert!(reads.windows(2).all(|w| w[0] <= w[1]), "{reads:?}");
    let done_before: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM items WHERE scanned_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    eprintln!("killed: {killed}, items committed before the kill: {done_before} of {files}");

    // The resumed scan reads only what the killed one did not finish.
    let resumed = s.scan_db(&db, &[]);
    let sum = summary(&resumed);
    if killed {
        assert!(
            done_before > 0 && (done_before as usize) < files,
            "{done_before}"
        );
        assert_eq!(sum["unchanged_files"].as_i64(), Some(done_before), "{sum}");
        assert_eq!(
            sum["files_scanned"].as_i64(),
            Some(files as i64 - done_before)
        );
    }
    // Same findings as a scan from scratch, each once, in the output and in the database.
    let fresh = s.scan_db(&s.dir.join("fresh.db"), &[]);
    assert_eq!(finding_keys(&resumed), finding_keys(&fresh));
    assert_eq!(findings(&resumed).len(), files);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT count(*) FROM findings"), files as i64);
    assert_eq!(
        one("SELECT count(*) FROM findings WHERE status = 'open'"),
        files as i64
    );
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}
