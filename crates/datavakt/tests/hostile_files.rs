//! Hostile inputs through the real binary (issue 17): each test builds its input, runs a scan
//! and checks that the scan says what happened in a bounded, truthful way.

mod common;

use common::{cpr, records, Scratch};

/// The records of one kind (`error`, `warning`, ...).
fn of_kind(out: &std::process::Output, kind: &str) -> Vec<serde_json::Value> {
    records(out)
        .into_iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

#[test]
fn a_symbolic_link_loop_names_the_link_masked() {
    let s = Scratch::new("link-loop");
    let n = cpr("020304");
    std::fs::create_dir_all(s.tree().join("a")).unwrap();
    // A link whose name holds a value, back to the folder it lies in.
    std::os::unix::fs::symlink("..", s.tree().join(format!("a/{n}"))).unwrap();
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--follow",
        "--no-names",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(&n), "value leaked: {stdout}");
    let errors = of_kind(&out, "error");
    assert_eq!(errors.len(), 1, "{stdout}");
    let path = errors[0]["path"].as_str().unwrap();
    // The link's path, its name masked as every path is.
    assert!(path.contains("/a/020304-****#"), "{path}");
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("symbolic link loop"),
        "{stdout}"
    );
}
