//! Hostile conditions for the scan database: a file with a hundred thousand findings, two
//! scans writing to one database at once, and the secrets at rest (the database's and the
//! key file's permissions).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use common::{chmod, cprs, findings, summary, Scratch};

/// `datavakt ARGS --db DB` that must succeed; its output.
fn ok(s: &Scratch, db: &Path, args: &[&str]) -> Output {
    let out = s.cmd().args(args).arg("--db").arg(db).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every finding the database holds, whatever its status: (path, location, masked).
fn listed(s: &Scratch, db: &Path) -> Vec<(String, String, String)> {
    let out = ok(
        s,
        db,
        &["findings", "list", "--status", "all", "--format", "jsonl"],
    );
    let mut all: Vec<_> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let f: serde_json::Value = serde_json::from_str(l).unwrap();
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("path"), text("location"), text("masked"))
        })
        .collect();
    all.sort();
    all
}

/// A file of many distinct numbers, one a line, and the same file with one line more at its
/// top (every finding moves): each finding is stored and matched once, whatever their number.
#[test]
fn a_file_with_many_findings_is_stored_and_matched_again() {
    let s = Scratch::new("many-findings");
    let db = s.dir.join("scan.db");
    let n = 30_000;
    let numbers = cprs(n);
    let lines = numbers.join("\n") + "\n";
    let file = s.write("list.txt", &lines);
    let first = s.scan_db(&db, &[]);
    assert_eq!(findings(&first).len(), n);
    assert_eq!(summary(&first)["new_findings"].as_u64(), Some(n as u64));
    assert_eq!(summary(&first)["distinct_numbers"].as_u64(), Some(n as u64));

    std::fs::write(&file, format!("Liste\n{lines}")).unwrap();
    let second = s.scan_db(&db, &[]);
    let sum = summary(&second);
    assert_eq!(sum["findings"].as_u64(), Some(n as u64));
    assert_eq!(sum["new_findings"].as_u64(), Some(0), "every finding moved");
    assert_eq!(sum["resolved_findings"].as_u64(), Some(0));
    let all = listed(&s, &db);
    assert_eq!(all.len(), n);
    assert!(all.iter().any(|(_, l, _)| l == &format!("line {}", n + 1)));
}

/// Two trees of their own, each with `files` files of a few numbers; the numbers of each.
fn two_trees(s: &Scratch, files: usize) -> [Vec<String>; 2] {
    let numbers = cprs(2 * files * 3);
    let mut out = [Vec::new(), Vec::new()];
    for (t, tree) in ["one", "two"].into_iter().enumerate() {
        for f in 0..files {
            let at = (t * files + f) * 3;
            let mine = &numbers[at..at + 3];
            s.write(
                &format!("{tree}/f{f}.txt"),
                format!("CPR-nr.: {}\n", mine.join("\nCPR-nr.: ")),
            );
            out[t].extend(mine.iter().cloned());
        }
    }
    out
}

/// Two `datavakt scan` processes started at once on one database, one tree each: both end as
/// a scan does (0), and the database holds the findings of both.
fn scan_both_at_once(s: &Scratch, db: &Path, expected: usize) {
    let start = |tree: &str| {
        s.cmd()
            .args(["scan", "--format", "jsonl", "--no-names", "--db"])
            .arg(db)
            .arg(s.tree().join(tree))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Each read on a thread of its own: a scan that waits for the other must not be the one
    // whose output is not read (the other would block on a full pipe, holding the lock).
    let running = [("one", start("one")), ("two", start("two"))]
        .map(|(name, child)| (name, std::thread::spawn(move || child.wait_with_output())));
    for (name, reading) in running {
        let out = reading.join().unwrap().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "scan of {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(findings(&out).len(), expected / 2, "scan of {name}");
    }
    let all = listed(s, db);
    assert_eq!(all.len(), expected);
    for tree in ["one", "two"] {
        let under = s.tree().join(tree);
        let under = under.to_str().unwrap();
        assert_eq!(
            all.iter().filter(|(p, ..)| p.starts_with(under)).count(),
            expected / 2
        );
    }
}

#[test]
fn two_scans_at_once_on_a_new_database_both_finish() {
    let s = Scratch::new("two-new");
    let numbers = two_trees(&s, 200);
    let expected = numbers.iter().map(Vec::len).sum();
    // Several new databases: the race of the first steps is not won by chance.
    for round in 0..3 {
        let db = s.dir.join(format!("new-{round}.db"));
        scan_both_at_once(&s, &db, expected);
    }
}

#[test]
fn two_scans_at_once_on_a_migrated_database_both_finish() {
    let s = Scratch::new("two-migrated");
    let numbers = two_trees(&s, 200);
    let expected: usize = numbers.iter().map(Vec::len).sum();
    let db = s.dir.join("scan.db");
    let empty = s.dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    ok(&s, &db, &["scan", empty.to_str().unwrap(), "-q"]);
    scan_both_at_once(&s, &db, expected);
    // Once more, each tree now known: both re-scans carry their findings over.
    scan_both_at_once(&s, &db, expected);
}

/// A new database and the files SQLite makes beside it are readable by their owner only.
#[test]
fn a_new_database_is_private() {
    let s = Scratch::new("private-db");
    s.write("a.txt", format!("CPR-nr.: {}\n", cprs(1)[0]));
    let db = s.dir.join("new/scan.db");
    s.scan_db(&db, &[]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&s.dir.join("new")), 0o700, "the folder made for it");
    // SQLite removes -wal and -shm when the last connection closes: held open by a reader.
    let reader = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    for side in ["scan.db-wal", "scan.db-shm"] {
        assert_eq!(mode(&s.dir.join("new").join(side)), 0o600, "{side}");
    }
}

/// A database made before with a mode others may read is used, with a warning that says how
/// to make it private.
#[test]
fn a_database_others_may_read_is_named_with_how_to_fix_it() {
    let s = Scratch::new("shared-db");
    s.write("a.txt", format!("CPR-nr.: {}\n", cprs(1)[0]));
    let db = s.dir.join("scan.db");
    s.scan_db(&db, &[]);
    chmod(&db, 0o644);
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "-q",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("chmod 600 {}*", db.display())),
        "{err}"
    );
    chmod(&db, 0o600);
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "-q",
    ]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("chmod"));
}

/// A key file others may read is refused, with how to fix it; a private one is used.
#[test]
fn a_key_file_others_may_read_is_refused() {
    let s = Scratch::new("open-key");
    s.write("a.txt", format!("CPR-nr.: {}\n", cprs(1)[0]));
    let key = s.dir.join("key");
    for open in [0o644, 0o640, 0o604, 0o620] {
        chmod(&key, open);
        let out = s.scan(&[s.tree().to_str().unwrap(), "-q"]);
        assert_eq!(out.status.code(), Some(2), "mode {open:o}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("chmod 600 {}", key.display())),
            "{err}"
        );
        assert!(findings(&out).is_empty());
    }
    chmod(&key, 0o400);
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(findings(&out).len(), 1);
}
