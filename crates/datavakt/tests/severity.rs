//! Severity end to end: every finding carries its item's severity and the reasons, the human
//! report lists the most severe items first, and a policy file's zones raise what they forbid.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{chmod, cpr, findings, Scratch};

#[test]
fn the_conversion_file_readable_by_all_comes_first_and_says_why() {
    let s = Scratch::new("severity");
    chmod(&s.dir, 0o755);
    chmod(&s.tree(), 0o755);
    // 900 clients with care details (the conversion file of the incident), readable by every
    // local account.
    let mut rows = String::from("Navn;CPR-nr.;Diagnose\n");
    for i in 0..900 {
        let n = cpr(&format!(
            "{:02}{:02}{:02}",
            i % 28 + 1,
            i % 12 + 1,
            40 + i % 50
        ));
        rows.push_str(&format!("Klient {i};{n};diabetes type 2, insulin\n"));
    }
    let big = s.write("gemensam/Export/konvertering.csv", &rows);
    chmod(big.parent().unwrap(), 0o755);
    chmod(big.parent().unwrap().parent().unwrap(), 0o755);
    chmod(&big, 0o644);
    // One number in a file only its owner can read.
    let small = s.write("hr/one.txt", format!("CPR-nr.: {}\n", cpr("010190")));
    chmod(&small, 0o600);
    let db = s.dir.join("scan.db");

    let out = s.scan_db(&db, &[]);
    let all = findings(&out);
    let of = |name: &str| {
        all.iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    let world_readable = std::fs::metadata(std::env::temp_dir())
        .map(|m| m.permissions().mode() & 0o001 != 0)
        .unwrap_or(false);
    let conv = of("konvertering.csv");
    if world_readable {
        assert_eq!(conv["severity"], "critical", "{conv}");
    }
    let why: Vec<&str> = conv["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(why.iter().any(|w| w.contains("900 people")), "{why:?}");
    assert!(why.iter().any(|w| w.contains("health")), "{why:?}");
    let one = of("one.txt");
    assert!(
        ["info", "low"].contains(&one["severity"].as_str().unwrap()),
        "{one}"
    );
    // Every finding of an item carries the same severity.
    assert!(all
        .iter()
        .filter(|f| f["path"] == conv["path"])
        .all(|f| f["severity"] == conv["severity"]));

    // The human report: the most severe item first to handle, with its first reason; with
    // --details, its reasons under its name.
    let human = s.scan(&[
        s.tree().to_str().unwrap(),
        "--no-names",
        "--db",
        db.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&human.stdout);
    let first = text
        .lines()
        .skip_while(|l| !l.starts_with("Handle first:"))
        .nth(1)
        .unwrap_or_default();
    assert!(first.contains("konvertering.csv"), "{text}");
    assert!(first.contains("why: 900 people"), "{text}");
    let detailed = s.scan(&[
        s.tree().to_str().unwrap(),
        "--no-names",
        "--details",
        "--db",
        db.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&detailed.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("konvertering.csv"), "{text}");
    assert!(
        text.lines().nth(1).unwrap_or_default().contains("why:"),
        "{text}"
    );

    // `datavakt report` puts the most severe item first as well.
    let report = s
        .cmd()
        .args(["report", s.tree().to_str().unwrap(), "--format", "json"])
        .args(["--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let top = &r["top_items"][0];
    assert!(
        top["path"].as_str().unwrap().ends_with("konvertering.csv"),
        "{r}"
    );
    assert_eq!(top["severity"], conv["severity"]);

    // A zone that must hold no personal data raises the small file and says so.
    let policy = s.dir.join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[[zone]]\nname = \"HR share\"\npaths = [\"{}\"]\nholds = \"no-personal-data\"\nowner = \"HR\"\n",
            s.tree().join("hr").display()
        ),
    )
    .unwrap();
    let zoned = s.scan_db(&db, &["--policy", policy.to_str().unwrap()]);
    let one_zoned = findings(&zoned)
        .into_iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("one.txt"))
        .unwrap();
    let rank = |s: &str| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
    };
    assert!(
        rank(one_zoned["severity"].as_str().unwrap()) > rank(one["severity"].as_str().unwrap()),
        "{one_zoned}"
    );
    assert!(
        one_zoned["why"].to_string().contains("HR share"),
        "{one_zoned}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT severity FROM items WHERE path LIKE '%/hr/one.txt'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, one_zoned["severity"].as_str().unwrap());

    // A mistake in the policy stops the scan at start, with file, line and column.
    std::fs::write(
        &policy,
        "[[zone]]\nname = \"x\"\npaths = [\"/srv\"]\nholds = \"maybe\"\n",
    )
    .unwrap();
    let bad = s.scan(&[
        s.tree().to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("policy.toml:4:"), "{err}");
}

#[test]
fn a_doubt_shown_on_request_does_not_weigh_in_the_severity() {
    let s = Scratch::new("severity-doubt");
    // Health words about no one: a low-confidence finding, shown with --min-confidence low.
    s.write(
        "budget.txt",
        "Hemtjänstens kostnader för diabetesvården ökade med 4 procent.\n",
    );
    let db = s.dir.join("scan.db");
    let out = s.scan_db(&db, &["--min-confidence", "low"]);
    let all = findings(&out);
    let health = all
        .iter()
        .find(|f| f["kind"] == "health")
        .expect("the health words are shown");
    assert_eq!(health["confidence"], "low", "{health}");
    assert!(
        ["info", "low"].contains(&health["severity"].as_str().unwrap()),
        "{health}"
    );
    let why = health["why"].to_string();
    assert!(!why.contains("GDPR art. 9"), "{why}");
}
