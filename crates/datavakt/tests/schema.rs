//! `datavakt schema` is the output contract: every JSON Lines record a scan prints is valid
//! against it. Checked on fixtures made here (findings with values shown, errors, skipped
//! items, warnings, the summary) and on the corpora in `../shared` (skipped, and said so,
//! when `../shared` is not beside the checkout).

mod common;

use common::{cpr, records, shared_corpus, Scratch};

fn validator(s: &Scratch) -> jsonschema::Validator {
    validator_of(s, "scan")
}

/// The validator of `datavakt schema OUTPUT`.
fn validator_of(s: &Scratch, output: &str) -> jsonschema::Validator {
    let out = s.cmd().args(["schema", output]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).unwrap()
}

/// Every record of a scan of `args` is valid; returns how many there were.
fn all_valid(s: &Scratch, v: &jsonschema::Validator, args: &[&str]) -> usize {
    let mut all = vec!["--format", "jsonl", "--quiet"];
    all.extend_from_slice(args);
    let out = s.scan(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    for r in &recs {
        let errors: Vec<String> = v.iter_errors(r).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{r}: {errors:?}");
    }
    recs.len()
}

#[test]
fn every_record_of_a_scan_is_valid_against_the_schema() {
    let s = Scratch::new("schema");
    let v = validator(&s);
    s.write(
        "a/besok.csv",
        format!("Namn;CPR-nr\nJens;{}\n", cpr("010190")),
    );
    s.write(&format!("a/{}.txt", cpr("020290")), "named after a person");
    s.write("a/trasig.pdf", "%PDF-1.7\nnot really");
    s.write("a/bin.dat", b"\x00\x01\x02\x03binary");
    let tree = s.tree();
    let n = all_valid(&s, &v, &[tree.to_str().unwrap(), "--show-values"]);
    assert!(n >= 4, "{n} records");
    // And something the schema refuses, so that the check can fail.
    let bad = serde_json::json!({"path": "/x", "kind": "dk-cpr", "confidence": "sure"});
    assert!(!v.is_valid(&bad));
}

/// The errors of `doc` against `v`.
fn invalid(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| e.to_string()).collect()
}

#[test]
fn what_findings_and_report_print_is_valid_against_their_schemas() {
    let s = Scratch::new("schema-stored");
    s.write(
        "hr/liste.csv",
        format!(
            "Navn;CPR-nr\nJens;{}\nPatient, diagnose: diabetes\n",
            cpr("010190")
        ),
    );
    s.write("hr/b.txt", format!("CPR: {}\n", cpr("020290")));
    let db = s.dir.join("scan.db");
    s.scan_db(&db, &[]);
    let run = |args: &[&str]| {
        let out = s
            .cmd()
            .args(args)
            .args(["--db", db.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let findings = validator_of(&s, "findings");
    let listed = run(&["findings", "list", "--format", "jsonl"]);
    let mut n = 0;
    for line in listed.lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(invalid(&findings, &f).is_empty(), "{f}");
        // The item's judgement travels with each finding, as in the scan's output.
        assert!(f["exposure"]["audience"].is_string(), "{f}");
        assert!(f["severity"].is_string(), "{f}");
        n += 1;
    }
    assert!(n >= 2, "{listed}");
    let one = validator_of(&s, "finding");
    let shown: serde_json::Value =
        serde_json::from_str(&run(&["findings", "show", "1", "--format", "json"])).unwrap();
    assert!(invalid(&one, &shown).is_empty(), "{shown}");
    assert!(!findings.is_valid(&serde_json::json!({"id": "one"})));
    let tree = s.tree();
    for (schema, args) in [
        ("report", vec!["report", "--format", "json"]),
        (
            "breach",
            vec![
                "report",
                "breach",
                tree.to_str().unwrap(),
                "--format",
                "json",
            ],
        ),
    ] {
        let v = validator_of(&s, schema);
        let doc: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
        assert!(invalid(&v, &doc).is_empty(), "{schema}: {doc}");
        assert!(doc["generated_at"].as_str().unwrap().ends_with('Z'));
    }
}

#[test]
fn the_corpora_scans_are_valid_against_the_schema() {
    let Some(shared) = shared_corpus() else {
        eprintln!("SKIPPED: ../shared is not beside the checkout");
        return;
    };
    let s = Scratch::new("schema-corpus");
    let v = validator(&s);
    // Enough records that every sort of record is checked: thousands from the corpus, about
    // a hundred from the other scanner's files (most of its health words are about no one).
    for (set, least) in [("corpus/files", 1000), ("external/osdatascanner/files", 50)] {
        let n = all_valid(&s, &v, &[shared.join(set).to_str().unwrap()]);
        assert!(n > least, "{set}: {n} records");
    }
}
