//! Accuracy on the labelled corpus in `../shared/corpus` and on the external test files in
//! `../shared/external/osdatascanner`, scored by the corpus's own scorer. Skips (and says so)
//! when `../shared` is not beside the checkout.

mod common;

use std::path::Path;
use std::process::Command;

use common::{records, Scratch};

/// Scans `set/files` with values shown and scores it with `score-corpus` and `thresholds`;
/// returns the scan's records and the scorer's report.
fn scan_and_score(
    shared: &Path,
    set: &str,
    thresholds: &[&str],
) -> (Vec<serde_json::Value>, String) {
    let s = Scratch::new(&set.replace('/', "-"));
    let out = s.scan(&[
        shared.join(set).join("files").to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
        "--quiet",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = s.dir.join("findings.jsonl");
    std::fs::write(&findings, &out.stdout).unwrap();
    let score = Command::new(shared.join("tools/score-corpus"))
        .arg(shared.join(set))
        .arg(&findings)
        .args(thresholds)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&score.stdout);
    eprintln!("{report}");
    assert!(score.status.success(), "below the floor:\n{report}");
    no_value_in_the_database(&shared.join(set), &s.dir.join("data/datavakt/datavakt.db"));
    (records(&out), report.into_owned())
}

/// Every identity number of the set's `truth.json`, in every written form, is absent from the
/// scan database (and its write-ahead log), although the scan printed the values.
fn no_value_in_the_database(set: &Path, db: &Path) {
    let mut bytes = std::fs::read(db).expect("the scan wrote its database");
    if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    let leaked = common::leaked(&bytes, &truth_forms(set));
    assert!(
        leaked.is_empty(),
        "{} values in clear text in the database",
        leaked.len()
    );
}

/// Every written form of every identity number of the set's `truth.json`.
fn truth_forms(set: &Path) -> std::collections::BTreeSet<String> {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(set.join("truth.json")).unwrap()).unwrap();
    let values: Vec<String> = truth["files"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|file| file["ids"].as_array().into_iter().flatten())
        .map(|id| id[1].as_str().unwrap().to_string())
        .collect();
    let forms = common::written_forms(&values);
    assert!(!forms.is_empty());
    forms
}

/// The corpus scanned into a PostgreSQL database of the test's own server (values printed):
/// `pg_dump` of that database holds no identity number of `truth.json` in any written form,
/// and the database holds what the scan printed.
#[test]
fn the_corpus_scanned_into_postgres_leaves_no_value_in_its_dump() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
        return;
    };
    let Some(pg) = testkit::start_postgres() else {
        return;
    };
    let url = pg.create_database("corpus");
    let s = Scratch::new("corpus-postgres");
    let started = std::time::Instant::now();
    let out = s.scan(&[
        shared.join("corpus/files").to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
        "--quiet",
        "--db",
        &url,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("corpus scan into PostgreSQL: {:?}", started.elapsed());
    let printed = records(&out)
        .iter()
        .filter(|r| r.get("masked").is_some())
        .count();
    assert!(printed > 100, "{printed} findings");
    let dump = pg.dump("corpus");
    let text = String::from_utf8_lossy(&dump);
    assert!(
        text.contains("COPY public.findings"),
        "the dump has the findings"
    );
    // The findings' rows are in the dump: one line each between COPY and its end.
    let rows = text
        .split("COPY public.findings ")
        .nth(1)
        .and_then(|t| t.split("\\.\n").next())
        .map_or(0, |t| t.lines().count().saturating_sub(1));
    assert!(
        rows >= printed,
        "{rows} rows for {printed} findings printed"
    );
    let leaked = common::leaked(&dump, &truth_forms(&shared.join("corpus")));
    assert!(
        leaked.is_empty(),
        "{} values in clear text in the dump of the PostgreSQL database",
        leaked.len()
    );
}

/// File-level health precision and recall from the scorer's report line
/// `health files: ... precision P recall R`.
fn health_scores(report: &str) -> (f64, f64) {
    let line = report
        .lines()
        .find(|l| l.starts_with("health files:"))
        .expect("the scorer reports health files");
    let after = |word: &str| -> f64 {
        let rest = &line[line.find(word).expect(word) + word.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    (after("precision "), after("recall "))
}

#[test]
fn every_format_of_the_corpus_scores_above_the_floor() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
        return;
    };
    let floor = [
        "--min-recall",
        "0.99",
        "--min-precision",
        "0.99",
        "--min-hard-recall",
        "0.95",
    ];
    let (recs, report) = scan_and_score(&shared, "corpus", &floor);
    // Health data about a person, decided per file.
    let (precision, recall) = health_scores(&report);
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "health precision {precision} recall {recall}"
    );
    // Health findings show categories, never the words.
    for r in recs.iter().filter(|r| r["kind"] == "health") {
        let masked = r["masked"].as_str().unwrap();
        assert!(masked.starts_with('[') && masked.ends_with(']'), "{masked}");
        assert!(r["fingerprint"].is_null());
    }
    // Every recording and camera photo is reported with its kind.
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shared.join("corpus/truth.json")).unwrap()).unwrap();
    for (path, label) in truth["files"].as_object().unwrap() {
        let hard = label["hard"].as_array().unwrap();
        let want = if hard.iter().any(|h| h == "audio") {
            "audio-recording"
        } else if hard.iter().any(|h| h == "photo") {
            "camera-photo"
        } else {
            continue;
        };
        let suffix = format!("/files/{path}");
        assert!(
            recs.iter()
                .any(|r| r["kind"] == want && r["path"].as_str().unwrap().ends_with(&suffix)),
            "{path} not reported as {want}"
        );
    }
}

#[test]
fn external_test_files_score_above_the_floor_and_damage_is_reported() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared is not beside the checkout");
        return;
    };
    let floor = ["--min-recall", "0.9", "--min-precision", "0.9"];
    let (recs, _) = scan_and_score(&shared, "external/osdatascanner", &floor);
    let of = |name: &str| {
        recs.iter()
            .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .map(|r| r["kind"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    // Production-unit numbers that pass the CPR rules by chance: no identity number at
    // default confidence (the companies' postal addresses are found, rightly).
    let numbers: Vec<String> = of("pdf/p-numre.pdf")
        .into_iter()
        .filter(|k| k != "address")
        .collect();
    assert!(numbers.is_empty(), "{numbers:?}");
    for damaged in [
        "pdf/corrupted/embedded-cpr.8192.pdf",
        "ocr/corrupted/cpr.trunc.png",
        "ocr/corrupted/cpr.rgb16.trunc.bmp",
        "msoffice/corrupted/test.trunc.doc",
        "zip/r.zip",
    ] {
        assert_eq!(of(damaged), ["error"], "{damaged}");
    }
    assert!(of("zip/encrypted-test-vector.zip").contains(&"encrypted-archive".to_string()));
    // Spreadsheet findings name their cell (as LibreOffice's own CSV export of it shows).
    let cells: Vec<&str> = recs
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("libreoffice/non-uniform-column.ods"))
        })
        .filter_map(|r| r["location"].as_str())
        .collect();
    assert_eq!(
        cells,
        ["Sheet1: C2", "Sheet1: C3", "Sheet1: C4", "Sheet1: C6"]
    );
    // Good images are read, whatever their pixel format.
    for good in [
        "cpr.gif",
        "cpr.jpg",
        "cpr.png",
        "cpr.rgb16.bmp",
        "cpr.rgba32.bmp",
    ] {
        assert!(
            !of(&format!("ocr/good/{good}")).contains(&"error".to_string()),
            "{good}"
        );
    }
}
