//! Hostile inputs through the real binary (issue 17): each test builds its input, runs a scan
//! and checks that the scan says what happened in a bounded, truthful way.

mod common;

use common::{cpr, records, zip_of, Scratch};

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

#[test]
fn a_file_that_grows_while_it_is_read_is_read_to_its_size_at_open() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = Scratch::new("growing");
    let n = cpr("030405");
    let mut text = format!("CPR-nr.: {n}\n");
    while text.len() < 1 << 20 {
        text.push_str("en rad utan nummer, bara ord som fyller filen\n");
    }
    let path = s.write("growing.log", &text);
    // A writer that grows the file until the scan ends: sparse growth (set_len), so no disk
    // is used, bounded by a total it never needs to reach with the fix.
    let done = AtomicBool::new(false);
    let out = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            let mut len = f.metadata().unwrap().len();
            while !done.load(Ordering::Relaxed) && len < 256 << 20 {
                len += 64 << 10;
                f.set_len(len).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
        done.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        out
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let warnings = of_kind(&out, "warning");
    assert_eq!(warnings.len(), 1, "{stdout}");
    let reason = warnings[0]["reason"].as_str().unwrap();
    // "changed while read: grew from N to M bytes; read the first N"
    let numbers: Vec<u64> = reason
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        reason.starts_with("changed while read: grew from "),
        "{reason}"
    );
    let [opened, grown, read] = numbers[..] else {
        panic!("{reason}")
    };
    assert!(
        opened >= text.len() as u64 && grown > opened && read == opened,
        "{reason}"
    );
    let summary = common::summary(&out);
    assert_eq!(summary["bytes_read"], opened, "{stdout}");
    assert_eq!(common::findings(&out).len(), 1, "{stdout}");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn compressed_items_over_a_limit_say_which_the_same_way_in_every_format() {
    let s = Scratch::new("over-limit");
    let big = testkit::compressible_text(2 << 20);
    s.write("limit/big.gz", gzip(&big));
    s.write("limit/big.zip", zip_of(&[("m.txt", &big)]));
    // 64 MiB of zeros in 64 KiB: a bomb under the default limits, found before it is expanded.
    s.write("bomb/zeros.gz", gzip(&vec![0; 64 << 20]));
    let limited = ["--max-item-size", "1"];
    let mut errors = errors_in(&s, "limit", &limited);
    errors.extend(errors_in(&s, "bomb", &[]));
    errors.sort();
    assert_eq!(errors.len(), 3, "{errors:?}");
    let limit = "expands to more than the 1048576 bytes allowed";
    assert_eq!(errors[0].0, "big.gz");
    assert_eq!(
        errors[0].1,
        format!("gzip: too-large: {limit}; not followed")
    );
    assert_eq!(errors[1].0, "big.zip");
    assert_eq!(
        errors[1].1,
        format!(
            "zip: too-large: {limit} (it declares {}); not followed",
            2 << 20
        )
    );
    assert_eq!(errors[2].0, "zeros.gz");
    let bomb = &errors[2].1;
    assert!(
        bomb.starts_with("gzip: compression-bomb: expands to more than ")
            && bomb.ends_with("over 250× its compressed size; not followed"),
        "{bomb}"
    );
}

/// The error records of a scan of folder `sub` of the tree: file name and reason.
fn errors_in(s: &Scratch, sub: &str, args: &[&str]) -> Vec<(String, String)> {
    let root = s.tree().join(sub);
    let mut all = vec![root.to_str().unwrap(), "--format", "jsonl"];
    all.extend(args);
    let out = s.scan(&all);
    of_kind(&out, "error")
        .iter()
        .map(|e| {
            let path = e["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, e["reason"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_nested_zip_bomb_is_one_record_with_how_many_members_it_skipped() {
    let s = Scratch::new("nested-bomb");
    // A member of 8 MiB of zeros (1000× its compressed size), in 16 copies on each of three
    // levels: 4,096 members over the ratio, each an error record of its own before.
    let mut level = zip_of(&[("zeros.bin", &vec![0u8; 8 << 20])]);
    for depth in 0..3 {
        let names: Vec<String> = (0..16).map(|i| format!("l{depth}_{i}.zip")).collect();
        let copies: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &level[..])).collect();
        level = zip_of(&copies);
    }
    s.write("bomb.zip", &level);
    s.write("plain.txt", format!("CPR {}\n", cpr("050607")));
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors = of_kind(&out, "error");
    assert_eq!(errors.len(), 1, "{}", &stdout[..stdout.len().min(2000)]);
    let reason = errors[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("zip: compression-bomb: 4096 members not followed; the first, here: ")
            && reason.contains("over 250× its compressed size"),
        "{reason}"
    );
    assert_eq!(
        errors[0]["location"],
        "l2_0.zip: l1_0.zip: l0_0.zip: zeros.bin"
    );
    // The rest of the scan goes on.
    assert_eq!(common::findings(&out).len(), 1, "{stdout}");
}

/// A small `--item-memory` still reads documents (the limit once left no room for the
/// worker's own stack: every document failed with "exit code 2").
#[test]
fn a_small_item_memory_still_reads_documents() {
    let s = Scratch::new("item-memory");
    let n = cpr("020290");
    s.write(
        "a.zip",
        zip_of(&[("in.txt", format!("CPR-nr.: {n}\n").as_bytes())]),
    );
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--no-names",
        "--item-memory",
        "256",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(of_kind(&out, "error").is_empty(), "{:?}", records(&out));
    assert!(records(&out).iter().any(|r| r["kind"] == "dk-cpr"));
}
