//! A scan must never read as "all clear" when it was not (issue "Reliability"): a root that
//! cannot be reached or read makes the scan incomplete (exit 3, said in the summary), and
//! `--changes-only --fail-on-findings` fails only on what is new.

mod common;

use common::{cpr, records, summary, Scratch};

#[test]
fn a_web_server_that_is_not_there_makes_the_scan_incomplete() {
    let s = Scratch::new("unreachable");
    s.write("a.txt", "nothing here\n");
    // Nothing listens on a port just found free.
    let gone = format!("http://127.0.0.1:{}/share/", testkit::free_port());
    let tree = s.tree();
    for format in ["jsonl", "human"] {
        let out = s
            .cmd()
            .args(["scan", tree.to_str().unwrap(), &gone, "--no-names"])
            .args(["--format", format, "--fail-on-findings", "--db"])
            .arg(s.dir.join("scan.db"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        if format == "jsonl" {
            let sum = summary(&out);
            let incomplete = sum["incomplete_roots"].as_object().unwrap();
            assert_eq!(incomplete.len(), 1, "{sum}");
            assert!(incomplete.contains_key(&gone), "{sum}");
            // The folder that could be read is not among them.
            assert!(records(&out).iter().any(|r| r["kind"] == "error"));
        } else {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("INCOMPLETE: 1 of the roots"), "{text}");
            assert!(text.contains(&gone), "{text}");
            assert!(!text.contains("No identity numbers found."), "{text}");
        }
    }
    // The database keeps it: the report says what the latest scan did not cover.
    let report = |format: &str| {
        let out = s
            .cmd()
            .args(["report", "--format", format, "--db"])
            .arg(s.dir.join("scan.db"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&report("json")).unwrap();
    assert!(json["not_covered"].get(&gone).is_some(), "{json}");
    assert!(json["last_complete_scan"].is_null(), "{json}");
    assert!(
        json["trend"][0]["incomplete"].get(&gone).is_some(),
        "{json}"
    );
    let text = report("text");
    assert!(
        text.contains("Incomplete: the latest scan did not cover http://"),
        "{text}"
    );
    assert!(text.contains("Last complete scan: never"), "{text}");
    // A complete scan of the same folder is no incomplete one.
    let out = s
        .cmd()
        .args([
            "scan",
            tree.to_str().unwrap(),
            "--no-names",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(summary(&out).get("incomplete_roots").is_none());
}

#[test]
fn changes_only_fails_on_findings_only_when_something_is_new() {
    let s = Scratch::new("changes-only");
    s.write("a.txt", format!("CPR-nr.: {}\n", cpr("010190")));
    let db = s.dir.join("scan.db");
    let run = |s: &Scratch| {
        let tree = s.tree();
        s.cmd()
            .args(["scan", tree.to_str().unwrap(), "--no-names", "--quiet"])
            .args(["--changes-only", "--fail-on-findings", "--db"])
            .arg(&db)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&s), Some(1), "the first scan: all is new");
    assert_eq!(run(&s), Some(0), "nothing new");
    s.write("b.txt", format!("CPR-nr.: {}\n", cpr("020290")));
    assert_eq!(run(&s), Some(1), "b.txt is new");
    assert_eq!(run(&s), Some(0), "nothing new again");
}

#[test]
fn an_unreadable_file_not_read_again_is_still_counted_until_it_can_be_read() {
    let s = Scratch::new("unread-unchanged");
    let bad = s.write("trasig.pdf", "%PDF-1.7\nnot really a PDF");
    s.write("ok.txt", "nothing here\n");
    let db = s.dir.join("scan.db");
    let errors = |out: &std::process::Output| -> Vec<String> {
        records(out)
            .iter()
            .filter(|r| r["kind"] == "error")
            .map(|r| r["path"].as_str().unwrap().to_string())
            .collect()
    };
    let first = s.scan_db(&db, &[]);
    assert_eq!(errors(&first).len(), 1);
    for _ in 0..2 {
        let again = s.scan_db(&db, &[]);
        let sum = summary(&again);
        assert_eq!(sum["unchanged_files"], 2, "not read again: {sum}");
        assert_eq!(sum["errors"], 1, "but still not read: {sum}");
        assert_eq!(sum["unread_unchanged"], 1, "{sum}");
        assert_eq!(errors(&again), [bad.to_str().unwrap()]);
    }
    // Reported again, not copied again: the database keeps the one error of the reading.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM errors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    // Replaced by a readable file: read again, and the error is over.
    std::fs::write(&bad, "now plain text\n").unwrap();
    let fixed = s.scan_db(&db, &[]);
    assert!(errors(&fixed).is_empty(), "{:?}", records(&fixed));
    assert_eq!(summary(&fixed)["errors"], 0);
    let later = summary(&s.scan_db(&db, &[]));
    assert_eq!(later["errors"], 0, "{later}");
}
