//! Archives and the extraction worker: members are found with their locations, bombs and
//! crashes are reported and the scan goes on.

mod common;

use common::{cpr, findings, records, zip_of, Scratch};

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

/// A 7z whose header claims billions of files (the `mail` fuzz target's find): the library
/// sizes its file table from that count before checking it, and the extraction worker's
/// memory limit ends the worker. The item is reported; the scan goes on with the others.
#[test]
fn a_crashing_extractor_is_reported_and_the_scan_goes_on() {
    let s = Scratch::new("crash");
    let n = cpr("101112");
    let mut header = b"\x01\x05".to_vec();
    header.extend_from_slice(&[0xe2; 40]);
    header.extend_from_slice(&[0; 4]);
    s.write("doc.7z", testkit::seven_z(&header));
    s.write("plain.txt", format!("CPR {n}\n"));
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let f = findings(&out);
    assert_eq!(f.len(), 1);
    assert!(f[0]["path"].as_str().unwrap().ends_with("plain.txt"));
    let errors: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0]["path"].as_str().unwrap().ends_with("doc.7z"));
    let reason = errors[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("crashed") && reason.contains("memory"),
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

/// A minimal JPEG whose EXIF names the camera's make.
fn jpeg_with_exif(make: &str) -> Vec<u8> {
    let mut tiff = b"II*\x00\x08\x00\x00\x00".to_vec();
    let value = format!("{make}\0");
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one IFD entry
    tiff.extend_from_slice(&0x010fu16.to_le_bytes()); // Make
    tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
    tiff.extend_from_slice(&(value.len() as u32).to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // value offset
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(value.as_bytes());
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut jpeg = b"\xff\xd8\xff\xe1".to_vec();
    jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(b"\xff\xd9");
    jpeg
}

fn wav(seconds: u32) -> Vec<u8> {
    let rate = 8000u32;
    let data = rate * 2 * seconds;
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(36 + data).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    for (n, width) in [
        (16u32, 4),
        (1, 2),
        (1, 2),
        (rate, 4),
        (rate * 2, 4),
        (2, 2),
        (16, 2),
    ] {
        v.extend_from_slice(&n.to_le_bytes()[..width]);
    }
    v.extend_from_slice(b"data");
    v.extend_from_slice(&data.to_le_bytes());
    v.resize(v.len() + data as usize, 0);
    v
}

#[test]
fn recordings_and_camera_photos_are_findings_in_and_out_of_archives() {
    let s = Scratch::new("media");
    s.write("calls/call1.wav", wav(3));
    s.write("photos/wound.jpg", jpeg_with_exif("Phonemaker"));
    s.write("photos/not-a-photo.jpg", b"\xff\xd8\xff\xe0 no exif here");
    s.write("upload.zip", zip_of(&[("call2.wav", &wav(2))]));
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let mut got: Vec<(String, String, Option<f64>)> = findings(&out)
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            let name = p.rsplit('/').next().unwrap().to_string();
            let loc = f["location"].as_str().unwrap_or("").to_string();
            (
                format!("{name} {loc}").trim().to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["duration_seconds"].as_f64(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("call1.wav".into(), "audio-recording".into(), Some(3.0)),
            (
                "upload.zip call2.wav".into(),
                "audio-recording".into(),
                Some(2.0)
            ),
            ("wound.jpg".into(), "camera-photo".into(), None),
        ]
    );
}

#[test]
fn numbers_in_file_folder_and_member_names_are_findings() {
    let s = Scratch::new("names");
    let n = cpr("030385");
    let bare = n.replace('-', "");
    s.write(&format!("Scanning/{n}/{bare}.pdf"), "not a pdf");
    s.write(
        "Scanning/batch.zip",
        zip_of(&[(&format!("in/{n}.txt"), b"nothing")]),
    );
    s.write("Scanning/plain 20241011.txt", "nothing");
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    // Paths and member names keep everything but the value: masked, with a keyed tag (the
    // user finds the item by what is left; the output and the database never hold the number).
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(&bare[6..]), "{text}");
    for f in findings(&out) {
        assert!(!f["masked"].as_str().unwrap().contains(&bare[6..]), "{f}");
    }
    let tag = |s: &str| -> String {
        // `030385-****#1a2b3c4d` → `030385-****#…`: the tag depends on the key.
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("****#") {
            out.push_str(&rest[..i + 5]);
            out.push('…');
            rest = &rest[i + 5..];
            let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
            assert_eq!(hex, 8, "{s}");
            rest = &rest[hex..];
        }
        out.push_str(rest);
        out
    };
    let mut got: Vec<(String, String)> = findings(&out)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let rel = path.rsplit_once("Scanning/").unwrap().1;
            (tag(rel), tag(f["location"].as_str().unwrap()))
        })
        .collect();
    got.sort();
    let masked = format!("{}****#…", &n[..7]);
    let bare_masked = format!("{}****#…", &bare[..6]);
    let mut want = vec![
        ("batch.zip".into(), format!("in/{masked}.txt: file name")),
        (masked.clone(), "folder name".into()),
        (format!("{masked}/{bare_masked}.pdf"), "file name".into()),
    ];
    want.sort();
    assert_eq!(got, want);
}
