//! `datavakt schema` is the output contract: every JSON Lines record a scan prints is valid
//! against it. Checked on fixtures made here (findings with values shown, errors, skipped
//! items, warnings, the summary) and on the corpora in `../shared` (skipped, and said so,
//! when `../shared` is not beside the checkout).

mod common;

use common::{cpr, records, shared_corpus, Scratch};

fn validator(s: &Scratch) -> jsonschema::Validator {
    let out = s.cmd().arg("schema").output().unwrap();
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

#[test]
fn the_corpora_scans_are_valid_against_the_schema() {
    let Some(shared) = shared_corpus() else {
        eprintln!("SKIPPED: ../shared is not beside the checkout");
        return;
    };
    let s = Scratch::new("schema-corpus");
    let v = validator(&s);
    for set in ["corpus/files", "external/osdatascanner/files"] {
        let n = all_valid(&s, &v, &[shared.join(set).to_str().unwrap()]);
        assert!(n > 100, "{set}: {n} records");
    }
}
