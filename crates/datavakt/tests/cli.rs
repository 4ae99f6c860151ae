//! The command line against fixtures it builds itself: output contract, encodings, chunk
//! boundaries, special files, errors, exit codes, and that values stay masked.

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use common::{cpr, findings, personnummer, records, Scratch};

#[test]
fn jsonl_follows_the_contract_and_masks_values() {
    let s = Scratch::new("contract");
    let n = cpr("010190");
    s.write(
        "a/notes.txt",
        format!("Navn: Test Testesen\nCPR-nr.: {n}\n"),
    );
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(&n) && !stdout.contains(&n.replace('-', "")),
        "value leaked"
    );
    let f = findings(&out);
    assert_eq!(f.len(), 1, "{stdout}");
    let f = &f[0];
    assert_eq!(f["kind"], "dk-cpr");
    assert_eq!(f["confidence"], "high");
    assert_eq!(f["masked"], "010190-****");
    assert_eq!(f["location"], "line 2");
    assert!(f["path"].as_str().unwrap().ends_with("a/notes.txt"));
    assert!(f["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("hmac-sha256:"));
    assert!(f.get("value").is_none());
    let summary = records(&out).pop().unwrap();
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["distinct_numbers"], 1);

    let shown = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
    ]);
    assert_eq!(findings(&shown)[0]["value"], n.as_str());
}

#[test]
fn fingerprints_are_keyed_and_stable() {
    let s = Scratch::new("keyed");
    let n = cpr("020285");
    s.write("one.txt", format!("CPR {n}\n"));
    s.write("two.txt", format!("cpr: {}\n", n.replace('-', "")));
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    let f = findings(&out);
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0]["fingerprint"], f[1]["fingerprint"],
        "same person, same fingerprint"
    );
    common::write_key(&s.dir.join("key"), &[9u8; 32]);
    let other = findings(&s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]));
    assert_ne!(
        f[0]["fingerprint"], other[0]["fingerprint"],
        "another key, another fingerprint"
    );
}

#[test]
fn reads_every_text_encoding() {
    let s = Scratch::new("encodings");
    let a = cpr("030370");
    let b = personnummer("800101", 123);
    let text = format!("Fødselsdato og CPR-nummer: {a}\nPersonnummer: {b}\n");
    s.write("utf8.txt", &text);
    s.write(
        "utf8bom.txt",
        [&b"\xef\xbb\xbf"[..], text.as_bytes()].concat(),
    );
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    s.write("utf16le.txt", [&b"\xff\xfe"[..], &le].concat());
    s.write("utf16be.txt", [&b"\xfe\xff"[..], &be].concat());
    let latin1: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    s.write("cp1252.txt", latin1);
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
    ]);
    let f = findings(&out);
    for file in [
        "utf8.txt",
        "utf8bom.txt",
        "utf16le.txt",
        "utf16be.txt",
        "cp1252.txt",
    ] {
        let mut got: Vec<(String, String)> = f
            .iter()
            .filter(|r| r["path"].as_str().unwrap().ends_with(file))
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().into(),
                    r["value"].as_str().unwrap().into(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("dk-cpr".into(), a.clone()),
                ("se-personnummer".into(), b.clone())
            ],
            "{file}"
        );
    }
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let s = Scratch::new("binary");
    let n = cpr("040404");
    s.write(
        "program",
        [&b"\x7fELF"[..], format!("CPR {n}").as_bytes()].concat(),
    );
    s.write(
        "blob.bin",
        [&b"\x00\x01\x02\x03"[..], format!("CPR {n}").as_bytes()].concat(),
    );
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert!(findings(&out).is_empty());
    let skipped: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 2);
    assert_eq!(records(&out).last().unwrap()["binary_skipped"], 2);
}

#[test]
fn numbers_across_chunk_boundaries_in_large_files_are_found() {
    let s = Scratch::new("large");
    let mut data = Vec::new();
    let mut expected = Vec::new();
    // Place numbers so that each straddles a read boundary.
    let block = extract::BLOCK;
    for i in 0..5u32 {
        let n = cpr(&format!("{:02}0675", i + 10));
        let target = (i as usize + 1) * block - 4;
        while data.len() < target - 6 {
            data.extend_from_slice(b"text and more text without numbers\n");
        }
        data.truncate(target - 6);
        data.extend_from_slice(b"\nCPR ");
        data.push(b' ');
        data.extend_from_slice(n.as_bytes());
        data.push(b'\n');
        expected.push(n);
    }
    s.write("big.txt", &data);
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
    ]);
    let mut got: Vec<String> = findings(&out)
        .iter()
        .map(|f| f["value"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn reads_standard_input() {
    let s = Scratch::new("stdin");
    let n = personnummer("121212", 121);
    let mut child = s
        .cmd()
        .args(["scan", "-", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("personnummer {n}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let f = findings(&out);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "-");
    assert_eq!(f[0]["kind"], "se-personnummer");
}

#[test]
fn symlinks_are_not_followed_unless_asked_and_fifos_do_not_block() {
    let s = Scratch::new("links");
    let outside = s.dir.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("secret.txt"),
        format!("CPR {}\n", cpr("050505")),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, s.tree().join("link")).unwrap();
    let fifo = std::ffi::CString::new(s.tree().join("pipe").to_str().unwrap()).unwrap();
    // SAFETY: a plain libc call on a valid C string.
    assert_eq!(unsafe { libc_mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert!(findings(&out).is_empty());
    let reasons: Vec<String> = records(&out)
        .iter()
        .filter(|r| r["kind"] == "skipped")
        .map(|r| r["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    let followed = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl", "--follow"]);
    assert_eq!(findings(&followed).len(), 1);
}

extern "C" {
    #[link_name = "mkfifo"]
    fn libc_mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
}

#[test]
fn invalid_utf8_names_are_reported_and_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::new("names");
    let name = std::ffi::OsStr::from_bytes(b"r\xe4kning.txt");
    std::fs::write(s.tree().join(name), format!("CPR-nr {}\n", cpr("060606"))).unwrap();
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(findings(&out).len(), 1);
    assert!(records(&out).iter().any(
        |r| r["kind"] == "warning" && r["reason"].as_str().unwrap().contains("not valid UTF-8")
    ));
}

#[test]
fn unreadable_files_are_reported_and_the_scan_goes_on() {
    let s = Scratch::new("unreadable");
    s.write("ok.txt", format!("CPR {}\n", cpr("070707")));
    let locked = s.write("locked.txt", format!("CPR {}\n", cpr("080808")));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&s.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Root reads everything: run as an unprivileged user when the tests run as root.
    let mut cmd = if is_root() {
        // The key is that user's own (a key others may read is refused).
        std::os::unix::fs::chown(s.dir.join("key"), Some(65534), Some(65534)).unwrap();
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_datavakt"));
        // The unprivileged user writes its scan database where it may.
        let db = s.dir.join("nobody-db");
        std::fs::create_dir_all(&db).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o777)).unwrap();
        c.env("DATAVAKT_KEY_FILE", s.dir.join("key"))
            .env("XDG_DATA_HOME", s.dir.join("data"))
            .env("XDG_CACHE_HOME", s.dir.join("nobody-db"))
            .env("DATAVAKT_DB", db.join("scan.db"));
        c
    } else {
        s.cmd()
    };
    let out = cmd
        .args(["scan", s.tree().to_str().unwrap(), "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(findings(&out).len(), 1);
    let errors: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "error")
        .collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["path"].as_str().unwrap().ends_with("locked.txt"));
    assert_eq!(errors[0]["reason"], "permission denied");
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn exit_codes_are_as_documented() {
    let s = Scratch::new("exit");
    s.write("clean.txt", "nothing here\n");
    let tree = s.tree();
    let t = tree.to_str().unwrap();
    assert_eq!(
        s.scan(&[t, "--fail-on-findings", "-q"]).status.code(),
        Some(0)
    );
    s.write("found.txt", format!("CPR {}\n", cpr("090909")));
    assert_eq!(s.scan(&[t, "-q"]).status.code(), Some(0));
    assert_eq!(
        s.scan(&[t, "--fail-on-findings", "-q"]).status.code(),
        Some(1)
    );
    let missing = s.scan(&["/nonexistent/share"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such file or directory"));
    assert_eq!(s.scan(&[t, "--format", "yaml"]).status.code(), Some(2));
    let help = s.cmd().args(["scan", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit codes"));
}

#[test]
fn confidence_threshold_hides_low_findings() {
    let s = Scratch::new("confidence");
    let n = cpr("101070");
    s.write("invoice.txt", format!("Fakturanummer: {n}\n"));
    let t = s.tree();
    let default = s.scan(&[t.to_str().unwrap(), "--format", "jsonl"]);
    assert!(findings(&default).is_empty());
    assert_eq!(records(&default).last().unwrap()["below_min_confidence"], 1);
    let low = s.scan(&[
        t.to_str().unwrap(),
        "--format",
        "jsonl",
        "--min-confidence",
        "low",
    ]);
    assert_eq!(findings(&low)[0]["confidence"], "low");
}

#[test]
fn human_csv_and_json_formats() {
    let s = Scratch::new("formats");
    let n = cpr("111160");
    s.write("list.txt", format!("CPR: {n}\n"));
    let t = s.tree();
    // By default: the overview, then a line per item with its counts by kind.
    let human = s.scan(&[t.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.starts_with("Overview: 1 items with findings, 1 distinct people"),
        "{text}"
    );
    assert!(text.contains("list.txt  1 dk-cpr"), "{text}");
    assert!(
        !text.contains("line 1"),
        "no finding lines without --details: {text}"
    );
    assert!(
        text.contains("Scanned 1 files") && text.contains("--details lists each of the 1"),
        "{text}"
    );
    // With --details, every finding and where it is.
    let detailed = s.scan(&[t.to_str().unwrap(), "--details"]);
    let text = String::from_utf8_lossy(&detailed.stdout);
    assert!(text.contains("list.txt") && text.contains("111160-****") && text.contains("line 1"));
    assert!(
        !text.contains(&n) && !text.contains("--details lists"),
        "{text}"
    );
    // --min-severity leaves out what is below it, and says so.
    let high = s.scan(&[
        t.to_str().unwrap(),
        "--min-severity",
        "critical",
        "--format",
        "jsonl",
    ]);
    let sum = common::summary(&high);
    assert_eq!(sum["below_min_severity"], 1, "{sum}");
    assert!(findings(&high).is_empty());
    let csv = s.scan(&[t.to_str().unwrap(), "--format", "csv", "-q"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("kind,path,location,confidence,masked"));
    assert!(lines.next().unwrap().starts_with("dk-cpr,"));
    let json = s.scan(&[t.to_str().unwrap(), "--format", "json", "-q"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    assert_eq!(doc["summary"]["findings"], 1);
}

#[test]
fn the_default_key_is_created_private_on_first_use() {
    let s = Scratch::new("newkey");
    s.write("x.txt", "nothing\n");
    let out = s
        .cmd()
        .env_remove("DATAVAKT_KEY_FILE")
        .args(["scan", s.tree().to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let key = s.dir.join("config/datavakt/key");
    let meta = std::fs::metadata(&key).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(meta.len(), 32);
    let short = s.dir.join("short");
    common::write_key(&short, b"abc");
    let bad = s.scan(&[
        s.tree().to_str().unwrap(),
        "--key-file",
        short.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("at least 16"));
}

#[test]
fn health_contact_and_payment_data_are_found_masked_and_can_be_turned_off() {
    let s = Scratch::new("kinds");
    let n = cpr("010190");
    let email = "kari.nordmann@kommune.example";
    let phone = "+47 912 34 567";
    let iban = "DK5000400440116243";
    let card = "4111 1111 1111 1111";
    let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    s.write(
        "journal.txt",
        format!(
            "Navn: Kari Nordmann\nCPR-nr.: {n}\nHun har diabetes og får hjemmesykepleie.\n\
             E-post: {email}\nMobil: {phone}\nKonto: {iban}\nKort: {card}\n{mrz}\n\
             Adresse: Storgata 5 B, 0155 Oslo\n"
        ),
    );
    s.write("budget.txt", "Hjemmesykepleiens budsjett økte med 4 %.\n");
    let out = s.scan(&[s.tree().to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for clear in [
        email,
        phone,
        iban,
        card,
        "L898902C3",
        "diabetes",
        "hjemmesykepleie",
        "Storgata",
    ] {
        assert!(!stdout.contains(clear), "{clear} leaked: {stdout}");
    }
    let recs = records(&out);
    let kind = |k: &str| {
        recs.iter()
            .filter(|r| r["kind"] == k)
            .cloned()
            .collect::<Vec<_>>()
    };
    let health = kind("health");
    assert_eq!(health.len(), 1, "{stdout}");
    assert!(health[0]["path"].as_str().unwrap().ends_with("journal.txt"));
    assert_eq!(health[0]["confidence"], "high");
    assert_eq!(health[0]["masked"], "[diagnosis, care service]");
    assert_eq!(health[0]["location"], "line 3");
    assert!(health[0]["fingerprint"].is_null());
    for (k, masked) in [
        ("email", "k***.********@kommune.example"),
        ("phone", "+47 912 ** ***"),
        ("iban", "DK50**************"),
        ("payment-card", "4111 11** **** ****"),
        ("address", "[address] 01** (no)"),
    ] {
        let f = kind(k);
        assert_eq!(f.len(), 1, "{k}: {stdout}");
        assert_eq!(f[0]["masked"], masked);
        assert!(f[0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("hmac-sha256:"));
    }
    assert_eq!(kind("passport-mrz")[0]["confidence"], "high");
    // The administrative file's health words are low: hidden by default, shown when asked.
    let all = s.scan(&[
        s.tree().join("budget.txt").to_str().unwrap(),
        "--format",
        "jsonl",
        "--min-confidence",
        "low",
    ]);
    let low: Vec<_> = records(&all)
        .into_iter()
        .filter(|r| r["kind"] == "health")
        .collect();
    assert_eq!(low.len(), 1);
    assert_eq!(low[0]["confidence"], "low");
    // Turned off, the identity number is still found and nothing else.
    let off = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--no-health",
        "--no-contact",
    ]);
    let kinds: Vec<String> = records(&off)
        .iter()
        .filter(|r| r["kind"] != "summary")
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, vec!["dk-cpr"]);
}

#[test]
fn full_names_from_the_lists_are_found_masked_and_the_lists_are_checked() {
    let s = Scratch::new("names");
    let list = s.write(
        "lists/names.tsv",
        "# test\nfirst\tse\tAstrid\nfirst\tdk\tMette\nlast\tse\tLindqvist\nlast\tdk\tHolm\n",
    );
    s.write(
        "notes.txt",
        format!(
            "Samtal med Astrid Lindqvist om boendet.\nNavn: Holm, Mette\nCPR {}\nLindqvist ringde.\n",
            cpr("010190")
        ),
    );
    let tree = s.tree().join("notes.txt");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            tree.to_str().unwrap().to_string(),
            "--format".into(),
            "jsonl".into(),
        ];
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        s.scan(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&["--names", list.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for clear in ["Astrid", "Lindqvist", "Mette", "Holm"] {
        assert!(!stdout.contains(clear), "{clear} leaked: {stdout}");
    }
    let names: Vec<_> = findings(&out)
        .into_iter()
        .filter(|f| f["kind"] == "name")
        .collect();
    assert_eq!(names.len(), 2, "{stdout}");
    assert_eq!(names[0]["masked"], "A***** L********");
    assert_eq!(names[0]["confidence"], "medium");
    assert_eq!(names[0]["location"], "line 1");
    assert_eq!(names[1]["masked"], "H***, M****");
    assert_eq!(names[1]["confidence"], "high");
    assert!(names[1]["fingerprint"]
        .as_str()
        .is_some_and(|f| f.starts_with("hmac-sha256:")));

    // The same lists from the environment; none at all gives a note, not an error.
    let from_env = s
        .cmd()
        .arg("scan")
        .args(args(&[]))
        .env("DATAVAKT_NAMES", &list)
        .output()
        .unwrap();
    assert_eq!(
        findings(&from_env).len(),
        findings(&out).len(),
        "{}",
        String::from_utf8_lossy(&from_env.stderr)
    );
    let none = run(&[]);
    assert_eq!(none.status.code(), Some(0));
    assert!(findings(&none).iter().all(|f| f["kind"] != "name"));
    assert!(String::from_utf8_lossy(&none.stderr).contains("scripts/fetch-names"));
    let off = run(&["--names", list.to_str().unwrap(), "--no-names"]);
    assert!(findings(&off).iter().all(|f| f["kind"] != "name"));

    // A broken list stops the scan before it starts, naming the line.
    let bad = s.write("lists/bad.tsv", "first\tse\tAstrid\nmiddle\tse\tKarin\n");
    let out = run(&["--names", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.tsv:2:"), "{err}");
}

#[test]
fn a_rules_file_adds_rules_tunes_the_built_in_detectors_and_names_its_mistakes() {
    let s = Scratch::new("rules");
    let test_number = cpr("010190");
    let real = cpr("020285");
    let rules = s.write(
        "rules.toml",
        format!(
            "[detector.dk-cpr]\nexceptions = [\"{test_number}\"]\n\n[detector.email]\nenabled = false\n\n\
             [[rule]]\nid = \"employee-number\"\nkind = \"employee-number\"\ncategory = \"identifier\"\n\
             sensitivity = \"medium\"\nregex = '\\bEMP-(\\d{{7}})\\b'\nvalidator = \"luhn\"\n\
             context = [\"anställningsnr\"]\nmask_keep = 2\n\n\
             [[rule]]\nid = \"employee-health\"\nkind = \"employee-health\"\ncategory = \"health\"\n\
             sensitivity = \"high\"\nall_of = [\"employee-number\", \"health\"]\n"
        ),
    );
    let sample = s.write(
        "sample.txt",
        format!(
            "Anställningsnr EMP-1234566, felskrivet EMP-1234567\nCPR {test_number}\nCPR {real}\n\
             mail anna.berg@firma.se\nHon har diabetes och trycksår.\n"
        ),
    );
    let out = s.scan(&[
        sample.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("1234566"), "value leaked: {stdout}");
    let f = findings(&out);
    let kinds: Vec<&str> = f.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    // The Luhn-valid employee number with its context word is high; the other fails Luhn;
    // the test number is an exception; e-mail is off; the composition holds.
    assert_eq!(
        kinds,
        ["employee-number", "dk-cpr", "health", "employee-health"],
        "{stdout}"
    );
    assert_eq!(f[0]["confidence"], "high");
    assert_eq!(f[0]["masked"], "12*****");
    assert!(f[0]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("hmac-sha256:"));
    assert_eq!(f[1]["masked"], format!("{}-****", &real[..6]));
    assert_eq!(f[3]["fingerprint"], serde_json::Value::Null);

    // `rules test` explains matches and rejections without showing values.
    let tested = s
        .cmd()
        .args(["rules", "test", "--rules", rules.to_str().unwrap()])
        .arg(&sample)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&tested.stdout);
    assert!(report.contains("luhn check holds"), "{report}");
    assert!(report.contains("context word 'anställningsnr'"), "{report}");
    assert!(report.contains("rule employee-number rejected"), "{report}");
    assert!(report.contains("luhn check fails"), "{report}");
    assert!(!report.contains("1234566"), "{report}");
    let listed = s
        .cmd()
        .args(["rules", "list", "--rules", rules.to_str().unwrap()])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&listed.stdout);
    assert!(list.contains("email              off"), "{list}");
    assert!(
        list.contains("employee-health: kind employee-health"),
        "{list}"
    );

    // A mistake stops the scan at start, naming file, line and column.
    let bad = s.write(
        "bad.toml",
        "[[rule]]\nid = \"x\"\nkind = \"y\"\ncategory = \"other\"\nsensitivity = \"low\"\nregex = \"(\"\n",
    );
    let out = s.scan(&[sample.to_str().unwrap(), "--rules", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:6:"), "{err}");
    assert!(err.contains("invalid regex"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
}

#[test]
fn every_scan_is_kept_in_the_scan_database_masked_and_seen_again_on_the_next() {
    let s = Scratch::new("store");
    let n = cpr("010190");
    s.write("a/notes.txt", format!("Navn: Test\nCPR-nr.: {n}\n"));
    let locked = s.write("a/locked.txt", "nothing to find\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let db = s.dir.join("db").join("scan.db");
    let scan = || {
        s.scan(&[
            s.tree().to_str().unwrap(),
            "--format",
            "jsonl",
            "--db",
            db.to_str().unwrap(),
        ])
    };
    let out = scan();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(scan().status.code(), Some(0));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        one("SELECT count(*) FROM scans WHERE ended_at IS NOT NULL"),
        2
    );
    assert_eq!(one("SELECT count(*) FROM findings"), 1);
    assert_eq!(
        one("SELECT count(*) FROM findings WHERE masked = '010190-****' AND kind = 'dk-cpr'"),
        1
    );
    // Every file opened is an item with its state, findings or not.
    assert_eq!(
        one("SELECT count(*) FROM items"),
        if is_root() { 2 } else { 1 }
    );
    let notes = std::fs::metadata(s.tree().join("a/notes.txt")).unwrap();
    assert_eq!(
        one("SELECT size FROM items WHERE path LIKE '%notes.txt'"),
        notes.len() as i64
    );
    assert_eq!(
        one("SELECT ino FROM items WHERE path LIKE '%notes.txt'"),
        std::os::unix::fs::MetadataExt::ino(&notes) as i64
    );
    // The unchanged file was carried over by the second scan: seen then.
    assert_eq!(one("SELECT max(last_scan) FROM item_seen"), 2);
    // Root reads the locked file; anyone else records an error in each scan.
    let errors = if is_root() { 0 } else { 2 };
    assert_eq!(one("SELECT count(*) FROM errors"), errors);
    assert_eq!(one("SELECT files + errors FROM scans WHERE id = 2"), 2);
    let fp: String = conn
        .query_row("SELECT fingerprint FROM findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        serde_json::Value::from(fp),
        findings(&out)[0]["fingerprint"]
    );
    drop(conn);
    // The database never holds the number in clear text, in any written form.
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    for form in [n.clone(), n.replace('-', "")] {
        assert!(
            !bytes.windows(form.len()).any(|w| w == form.as_bytes()),
            "the database holds {form}"
        );
    }

    // A database that cannot be opened stops the scan before it starts.
    s.write("not-a-db/x", "");
    let bad = s.scan(&[
        s.tree().to_str().unwrap(),
        "--db",
        s.tree().join("not-a-db").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("scan database"));
}

#[test]
fn exclude_and_include_globs_choose_what_is_scanned() {
    let s = Scratch::new("globs");
    let line = |d: &str| format!("CPR-nr.: {}\n", cpr(d));
    s.write("a.txt", line("010190"));
    s.write("debug.log", line("020290"));
    s.write("deep/down/trace.log", line("030390"));
    s.write("HR/archive/old.txt", line("040490"));
    s.write("other/HR/archive/kept.txt", line("050590"));
    s.write("b.csv", line("060690"));
    let t = s.tree();
    let paths = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![t.to_str().unwrap(), "--format", "jsonl", "--no-names"];
        args.extend(extra);
        let out = s.scan(&args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let mut p: Vec<String> = findings(&out)
            .iter()
            .map(|f| {
                let p = f["path"].as_str().unwrap();
                p[p.find("/tree/").unwrap() + 6..].to_string()
            })
            .collect();
        p.sort();
        p
    };
    assert_eq!(paths(&[]).len(), 6);
    assert_eq!(
        paths(&["--exclude", "*.log", "--exclude", "HR/archive"]),
        ["a.txt", "b.csv", "other/HR/archive/kept.txt"]
    );
    assert_eq!(
        paths(&["--include", "*.txt", "--exclude", "other/"]),
        ["HR/archive/old.txt", "a.txt"]
    );
    // An option people reach for that does not exist points to what does.
    let since = s.scan(&[t.to_str().unwrap(), "--since", "2026-01-01"]);
    assert_eq!(since.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&since.stderr).contains("--changes-only"));
    let bad = s.scan(&[t.to_str().unwrap(), "--exclude", "[oops"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--exclude \"[oops\""));
}

#[test]
fn completions_man_page_and_version_say_what_is_there() {
    let s = Scratch::new("completions");
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef datavakt"),
        ("fish", "complete -c datavakt"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = s.cmd().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(marker) && text.contains("min-severity"),
            "{shell}"
        );
        assert!(
            !text.contains("__extract-worker"),
            "{shell}: the internal command"
        );
    }
    let man = s.cmd().arg("man").output().unwrap();
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        text.contains(".TH datavakt 1") && text.contains("completions"),
        "{text}"
    );
    let version = s.cmd().arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(text.starts_with("datavakt "), "{text}");
    let smb = if cfg!(feature = "smb") {
        "  smb://"
    } else {
        "  no smb://"
    };
    assert!(text.contains(smb) && text.contains("OCR"), "{text}");
}

#[test]
fn the_configuration_file_sets_what_the_command_line_does_not() {
    let s = Scratch::new("config");
    s.write("a.txt", format!("CPR-nr.: {}\n", cpr("010190")));
    s.write("b.log", format!("CPR-nr.: {}\n", cpr("020290")));
    // The default place: $XDG_CONFIG_HOME/datavakt/config.toml.
    let dir = s.dir.join("config/datavakt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "# for every subcommand\nno-names = true\n[scan]\nformat = \"jsonl\"\nexclude = [\"*.log\"]\n",
    )
    .unwrap();
    let t = s.tree();
    let out = s.scan(&[t.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let found = findings(&out);
    assert_eq!(found.len(), 1, "jsonl, and b.log excluded: {found:?}");
    // The command line wins.
    let out = s.scan(&[t.to_str().unwrap(), "--format", "csv", "--quiet"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("kind,path"));
    // `config show` says what is in effect and where it comes from.
    let shown = s.cmd().args(["config", "show", "scan"]).output().unwrap();
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("format = \"jsonl\"  # ") && text.contains("config.toml:4"),
        "{text}"
    );
    assert!(
        text.contains("no-names = true  # ") && text.contains("config.toml:2"),
        "{text}"
    );
    assert!(
        text.contains("min-confidence = \"medium\"  # default"),
        "{text}"
    );
    // A mistake names the file and line, and nothing runs.
    let bad = s.dir.join("bad.toml");
    // The stderr of a scan with the configuration `text`, which must refuse to start.
    let refused = |text: &str| {
        std::fs::write(&bad, text).unwrap();
        let out = s
            .cmd()
            .arg("--config")
            .arg(&bad)
            .args(["scan", t.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused("[scan]\nmin-confidense = \"low\"\n");
    assert!(
        err.contains("bad.toml:2") && err.contains("min-confidense"),
        "{err}"
    );
    let err = refused("[scan\n");
    assert!(err.contains("bad.toml:1:"), "{err}");
}

/// Every long option of every subcommand, as `--help` lists it.
fn help_options(s: &Scratch, path: &[&str], out: &mut std::collections::BTreeSet<String>) {
    let help = s.cmd().args(path).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout).to_string();
    // Option lines: `  -q, --quiet` or `      --format <FORMAT>`.
    for line in text.lines() {
        let t = line.trim_start();
        let t = match t.split_once(", ") {
            Some((short, rest)) if short.len() == 2 && short.starts_with('-') => rest,
            _ => t,
        };
        if let Some(name) = t.strip_prefix("--") {
            let name: String = name
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if name.len() > 1 {
                out.insert(name);
            }
        }
    }
    // The subcommands, from the "Commands:" section.
    let subs: Vec<String> = text
        .split("Commands:")
        .nth(1)
        .map(|rest| {
            rest.lines()
                .skip(1)
                .take_while(|l| !l.trim().is_empty())
                // A name starts its line; a description's next lines are indented further.
                .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .filter(|c| c != "help")
                .collect()
        })
        .unwrap_or_default();
    for sub in subs {
        let mut p: Vec<&str> = path.to_vec();
        p.push(&sub);
        help_options(s, &p, out);
    }
}

#[test]
fn every_option_in_help_is_in_the_readme_and_the_other_way_round() {
    let s = Scratch::new("help-readme");
    let mut in_help = std::collections::BTreeSet::new();
    help_options(&s, &[], &mut in_help);
    for common in ["help", "version"] {
        in_help.remove(common);
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let missing: Vec<&String> = in_help
        .iter()
        .filter(|o| !readme.contains(&format!("--{o}")))
        .collect();
    assert!(
        missing.is_empty(),
        "in --help, not in the README: {missing:?}"
    );
    let mut in_readme = std::collections::BTreeSet::new();
    for (i, _) in readme.match_indices("--") {
        let name: String = readme[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let before = readme[..i].chars().last().unwrap_or(' ');
        if name.len() > 1 && name.starts_with(|c: char| c.is_ascii_lowercase()) && before != '-' {
            in_readme.insert(name);
        }
    }
    // Options of other programs the README shows (cargo, apt-get, …).
    let others = [
        "release",
        "features",
        "format-version",
        "locked",
        "workspace",
        "all-targets",
        "help",
        "version",
    ];
    let unknown: Vec<&String> = in_readme
        .iter()
        .filter(|o| !in_help.contains(*o) && !others.contains(&o.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "in the README, in no --help: {unknown:?}"
    );
}
