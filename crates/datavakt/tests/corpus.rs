//! Accuracy on the labelled corpus in `../shared/corpus`, scored by its own scorer. Skips
//! (and says so) when `../shared` is not beside the checkout.

mod common;

use std::process::Command;

#[test]
fn plain_text_formats_score_above_the_floor() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
        return;
    };
    let s = common::Scratch::new("corpus");
    let out = s.scan(&[
        shared.join("corpus/files").to_str().unwrap(),
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
        .arg(shared.join("corpus"))
        .arg(&findings)
        .args([
            "--formats",
            "txt,txt-cp1252,txt-utf16,csv,csv-cp1252,html,json,xml",
            "--min-recall",
            "0.995",
            "--min-precision",
            "0.99",
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&score.stdout);
    eprintln!("{report}");
    assert!(score.status.success(), "below the floor:\n{report}");
}
