//! The scan database on PostgreSQL, end to end: `datavakt scan DIR --db postgres://…` twice
//! (the second reads nothing and carries every finding), `findings list|mark` and `report
//! breach` against it, the same answers as on SQLite, passwords from the URL or
//! `$PGPASSWORD` and never in a message, errors that say what to do, and no found value in a
//! `pg_dump` of the database. Each test starts a PostgreSQL server of its own (skipped, and
//! says so, when PostgreSQL is not installed).

mod common;

use std::path::Path;
use std::process::Output;

use std::collections::BTreeSet;

use common::{cpr, findings, personnummer, summary, Scratch};

/// `datavakt ARGS --db DB` that must succeed; its standard output.
fn ok(s: &Scratch, db: &str, args: &[&str]) -> String {
    let out = s.cmd().args(args).args(["--db", db]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `datavakt ARGS` that must fail; its standard error.
fn fails(s: &Scratch, args: &[&str]) -> String {
    let out = s.cmd().args(args).output().unwrap();
    assert_ne!(out.status.code(), Some(0), "{args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

/// The findings list without ids (which each database numbers itself) and times (the scans
/// into each database ran at different times).
fn listed(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|l| untimed(serde_json::from_str(l).unwrap()))
        .collect()
}

/// `v` without its id and the times of scans.
fn untimed(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        for k in ["id", "first_seen", "last_seen", "age_days", "generated_at"] {
            o.remove(k);
        }
    }
    v
}

/// A small tree: Danish and Swedish numbers, one person in two files, health data.
fn tree(s: &Scratch) -> Vec<String> {
    let (a, b, c) = (cpr("010190"), cpr("020290"), personnummer("800101", 123));
    s.write("a.txt", format!("Navn: Test\nCPR-nr.: {a}\n"));
    s.write(
        "journal/note.txt",
        format!("Patient CPR-nr.: {b}\nDiagnose: diabetes, insulin dagligt.\nCPR: {a}\n"),
    );
    s.write("se/list.csv", format!("namn;personnummer\nTest;{c}\n"));
    s.write("nothing.txt", "nothing here\n");
    vec![a, b, c]
}

#[test]
fn scans_findings_and_reports_work_on_postgres_as_on_sqlite() {
    let Some(pg) = testkit::start_postgres() else {
        return;
    };
    let url = pg.create_database("scans");
    let s = Scratch::new("postgres-e2e");
    let values = tree(&s);
    let root = s.tree().to_str().unwrap().to_string();

    let first = s.scan_db(Path::new(&url), &["--show-values"]);
    let sum = summary(&first);
    assert_eq!(sum["files_scanned"], 4);
    let found = findings(&first).len();
    assert!(found >= 4, "{}", String::from_utf8_lossy(&first.stdout));
    assert_eq!(sum["new_findings"].as_u64(), Some(found as u64));

    // Nothing changed: nothing is read, every finding is carried with when it was first seen.
    let second = s.scan_db(Path::new(&url), &[]);
    let sum = summary(&second);
    assert_eq!(sum["files_scanned"], 0);
    assert_eq!(sum["unchanged_files"], 4);
    assert_eq!(sum["new_findings"], 0);
    assert_eq!(sum["findings"].as_u64(), Some(found as u64));
    let first_seen = |out: &Output| {
        let mut v: Vec<String> = findings(out)
            .iter()
            .map(|f| format!("{} {} {}", f["path"], f["masked"], f["first_seen"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(first_seen(&first), first_seen(&second));

    // The same tree scanned into SQLite gives the same findings and the same breach scope.
    let file = s.dir.join("scan.db");
    let file = file.to_str().unwrap();
    s.scan_db(Path::new(file), &[]);
    s.scan_db(Path::new(file), &[]);
    let list_args = ["findings", "list", "--status", "all", "--format", "jsonl"];
    let on_pg = listed(&ok(&s, &url, &list_args));
    assert_eq!(on_pg.len(), found);
    assert_eq!(on_pg, listed(&ok(&s, file, &list_args)));
    let breach_args = ["report", "breach", &root, "--format", "json"];
    let breach: serde_json::Value = serde_json::from_str(&ok(&s, &url, &breach_args)).unwrap();
    assert_eq!(breach["distinct_people"], 3, "{breach}");
    assert_eq!(breach["by_kind"]["dk-cpr"], 2);
    assert_eq!(breach["by_kind"]["se-personnummer"], 1);
    assert_eq!(breach["with_health"], 2);
    let on_sqlite: serde_json::Value = serde_json::from_str(&ok(&s, file, &breach_args)).unwrap();
    assert_eq!(untimed(breach), untimed(on_sqlite));
    let report_args = ["report", "--format", "json"];
    let report: serde_json::Value = serde_json::from_str(&ok(&s, &url, &report_args)).unwrap();
    assert_eq!(report["findings"].as_u64(), Some(found as u64));

    // A mark is kept on PostgreSQL: the false positive is no longer current.
    let id = ok(&s, &url, &list_args)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("/a.txt")))
        .map(|f| f["id"].to_string())
        .unwrap();
    ok(
        &s,
        &url,
        &[
            "findings",
            "mark",
            &id,
            "--status",
            "false-positive",
            "--reason",
            "test data",
        ],
    );
    let current = listed(&ok(&s, &url, &["findings", "list", "--format", "jsonl"]));
    assert_eq!(current.len(), found - 1);
    let shown = ok(&s, &url, &["findings", "show", &id, "--format", "json"]);
    assert!(shown.contains("test data"), "{shown}");

    // The password from $PGPASSWORD when the URL has none.
    let out = s
        .cmd()
        .args([
            "findings",
            "list",
            "--db",
            &pg.url_without_password("scans"),
        ])
        .env("PGPASSWORD", &pg.password)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Not a single value in the dump of the database, in any written form, although the
    // first scan printed them.
    assert!(String::from_utf8_lossy(&first.stdout).contains(&values[0]));
    let dump = pg.dump("scans");
    assert!(String::from_utf8_lossy(&dump).contains("COPY public.findings"));
    let forms = common::written_forms(&values);
    assert!(
        !common::leaked(&first.stdout, &forms).is_empty(),
        "the check finds the values where they are"
    );
    let leaked = common::leaked(&dump, &forms);
    assert!(leaked.is_empty(), "{} values in the dump", leaked.len());
}

#[test]
fn postgres_errors_say_what_to_do_and_never_show_the_password() {
    let Some(pg) = testkit::start_postgres() else {
        return;
    };
    let s = Scratch::new("postgres-errors");
    tree(&s);
    let root = s.tree().to_str().unwrap().to_string();

    // No server there.
    let nobody = testkit::free_port();
    let url = format!("postgres://datavakt:Hemligt-42@127.0.0.1:{nobody}/scans");
    for args in [
        vec!["scan", &root, "--db", &url],
        vec!["findings", "list", "--db", &url],
        vec!["report", "--db", &url],
    ] {
        let e = fails(&s, &args);
        assert!(
            e.contains(&format!(
                "cannot connect to PostgreSQL at 127.0.0.1:{nobody}"
            )) && e.contains("check that the server runs and the URL"),
            "{e}"
        );
        assert!(!e.contains("Hemligt-42"), "{e}");
    }

    // The wrong password, from the URL or from $PGPASSWORD.
    let wrong = pg.url("postgres").replace(&pg.password, "Hemligt-42");
    let e = fails(&s, &["scan", &root, "--db", &wrong]);
    assert!(e.contains("password authentication failed"), "{e}");
    assert!(
        !e.contains("Hemligt-42") && !e.contains(&pg.password),
        "{e}"
    );
    let out = s
        .cmd()
        .args(["scan", &root, "--db", &pg.url_without_password("postgres")])
        .env("PGPASSWORD", "Hemligt-42")
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("password authentication failed"), "{e}");
    assert!(!e.contains("Hemligt-42"), "{e}");

    // Reading a database that no scan wrote is an error, and creates nothing.
    let empty = pg.create_database("empty");
    let e = fails(&s, &["findings", "list", "--db", &empty]);
    assert!(
        e.contains("no scan database") && e.contains("datavakt scan"),
        "{e}"
    );
    let dump = String::from_utf8_lossy(&pg.dump("empty")).into_owned();
    assert!(!dump.contains("CREATE TABLE"), "{dump}");

    // A database that does not exist: the server's word for it.
    let e = fails(&s, &["scan", &root, "--db", &pg.url("missing")]);
    assert!(e.contains("\"missing\" does not exist"), "{e}");
}

/// (path, location, fingerprint) of each finding printed.
fn finding_keys(out: &Output) -> BTreeSet<String> {
    findings(out)
        .iter()
        .map(|f| format!("{} {} {}", f["path"], f["location"], f["fingerprint"]))
        .collect()
}

#[test]
fn a_scan_killed_while_writing_to_postgres_resumes_without_losing_or_duplicating() {
    let Some(pg) = testkit::start_postgres() else {
        return;
    };
    let url = pg.create_database("resume");
    let s = Scratch::new("postgres-resume");
    let files = 5000;
    for i in 0..files {
        let n = cpr(&format!(
            "{:02}{:02}{:02}",
            i % 28 + 1,
            i % 12 + 1,
            i % 90 + 10
        ));
        let filler = format!("File {i}: ordinary text, nothing personal. ").repeat(20);
        s.write(
            &format!("d{}/f{i}.txt", i % 50),
            format!("{filler}\nCPR-nr.: {n}\n"),
        );
    }
    let mut child = s
        .cmd()
        .args([
            "scan",
            s.tree().to_str().unwrap(),
            "--format",
            "jsonl",
            "--no-names",
        ])
        .args(["-j", "1", "--db", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = || -> Option<i64> {
        pg.sql(
            "resume",
            "SELECT count(*) FROM items WHERE scanned_at IS NOT NULL",
        )?
        .parse()
        .ok()
    };
    // Killed once a batch is committed (if it has not finished by then).
    let mut killed = false;
    for _ in 0..4000 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if done().is_some_and(|n| n > 0) {
            child.kill().unwrap();
            killed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.wait();
    let done_before = done().unwrap();
    eprintln!("killed: {killed}, items committed before the kill: {done_before} of {files}");
    let interrupted = pg
        .sql(
            "resume",
            "SELECT count(*) FROM scans WHERE ended_at IS NULL",
        )
        .unwrap();

    let resumed = s.scan_db(Path::new(&url), &[]);
    let sum = summary(&resumed);
    if killed && (done_before as usize) < files {
        assert_eq!(interrupted, "1", "the killed scan has no end");
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
    let one = |q: &str| pg.sql("resume", q).unwrap();
    assert_eq!(one("SELECT count(*) FROM findings"), files.to_string());
    assert_eq!(
        one("SELECT count(*) FROM findings WHERE status = 'open'"),
        files.to_string()
    );
    assert_eq!(
        one("SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.item_id = i.id)"),
        "0"
    );
}
