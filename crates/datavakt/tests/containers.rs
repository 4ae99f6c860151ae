//! Archives and the extraction worker: members are found with their locations, bombs and
//! crashes are reported and the scan goes on.

mod common;

use std::io::Write;

use common::{cpr, findings, records, Scratch};
use zip::write::SimpleFileOptions;

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn members_of_nested_archives_are_found_with_their_location() {
    let s = Scratch::new("nested");
    let a = cpr("010203");
    let b = cpr("040506");
    let inner = zip_of(&[("data/besok.csv", format!("navn;cpr\nHans;{a}\n").as_bytes())]);
    s.write(
        "export.zip",
        zip_of(&[("inner.zip", &inner), ("readme.txt", b"nothing")]),
    );
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        Default::default(),
    ));
    let body = format!("CPR-nr: {b}\n");
    let mut h = tar::Header::new_gnu();
    h.set_size(body.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "notes/journal.txt", body.as_bytes())
        .unwrap();
    s.write("backup.tar.gz", tar.into_inner().unwrap().finish().unwrap());
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut got: Vec<(String, String)> = findings(&out)
        .iter()
        .map(|f| {
            (
                f["location"].as_str().unwrap().into(),
                f["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("inner.zip: data/besok.csv: line 2".to_string(), a),
            ("notes/journal.txt: line 1".to_string(), b),
        ]
    );
}

#[test]
fn compression_bombs_are_reported_not_followed() {
    let s = Scratch::new("bomb");
    let zeros = vec![0u8; 64 << 20];
    s.write("bomb.zip", zip_of(&[("zeros.bin", &zeros)]));
    let n = cpr("070809");
    s.write("plain.txt", format!("CPR {n}\n"));
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(findings(&out).len(), 1);
    let errors: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["reason"]
        .as_str()
        .unwrap()
        .contains("compression-bomb"));
    assert_eq!(errors[0]["location"], "zeros.bin");
}

#[test]
fn a_crashing_extractor_is_reported_and_the_scan_goes_on() {
    let s = Scratch::new("crash");
    let n = cpr("101112");
    s.write(
        "doc.zip",
        zip_of(&[("a.txt", format!("CPR {n}").as_bytes())]),
    );
    s.write("plain.txt", format!("CPR {n}\n"));
    // One MiB of address space is too little for the worker process to run at all.
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--item-memory",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let f = findings(&out);
    assert_eq!(f.len(), 1);
    assert!(f[0]["path"].as_str().unwrap().ends_with("plain.txt"));
    let errors: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("doc.zip"));
    assert!(
        errors[0]["reason"].as_str().unwrap().contains("crashed"),
        "{errors:?}"
    );
}

#[test]
fn hostile_archives_from_another_scanner_are_reported() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared is not beside the checkout");
        return;
    };
    let s = Scratch::new("hostile");
    let dir = shared.join("external/osdatascanner/files/zip");
    let out = s.scan(&[dir.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    let by = |name: &str, kind: &str| {
        recs.iter()
            .filter(|r| r["kind"] == kind && r["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .count()
    };
    assert_eq!(by("/r.zip", "error"), 1, "the ZIP that contains itself");
    assert!(by("/encrypted-test-vector.zip", "encrypted-archive") >= 1);
}
