//! Who can read each finding's file: the `exposure` object of the output contract, judged
//! from real modes and folders, kept in the scan database and brought up to date by re-scans
//! that do not read the file again.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{chmod, cpr, findings, Scratch};

#[test]
fn every_finding_says_who_can_read_its_file_and_rescans_follow_folder_changes() {
    let s = Scratch::new("exposure");
    // The scratch folder's own parents must let everyone through for "organisation".
    chmod(&s.dir, 0o755);
    chmod(&s.tree(), 0o755);
    let n = cpr("010190");
    let open = s.write("open/a.txt", format!("CPR-nr.: {n}\n"));
    let private = s.write("private/b.txt", format!("CPR-nr.: {n}\n"));
    chmod(open.parent().unwrap(), 0o755);
    chmod(&open, 0o644);
    chmod(&private, 0o600);
    let db = s.dir.join("scan.db");
    let scan = || s.scan_db(&db, &[]);
    let audience = |out: &std::process::Output, name: &str| -> (String, String) {
        let f = findings(out)
            .into_iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no finding in {name}"));
        let e = &f["exposure"];
        assert_eq!(e["transport"], "local", "{f}");
        (
            e["audience"].as_str().unwrap().to_string(),
            e["via"].as_str().unwrap().to_string(),
        )
    };
    let first = scan();
    let tmp_open = std::fs::metadata(std::env::temp_dir())
        .map(|m| m.permissions().mode() & 0o001 != 0)
        .unwrap_or(false);
    if tmp_open {
        assert_eq!(audience(&first, "a.txt").0, "organisation");
    }
    assert_eq!(audience(&first, "b.txt").0, "owner");
    // How many can read it, where known: the owner alone.
    let b = findings(&first)
        .into_iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("b.txt"))
        .unwrap();
    assert_eq!(b["exposure"]["size"], 1, "{b}");

    // The folder is closed: the file is unchanged (not read again) but no longer open to all.
    chmod(open.parent().unwrap(), 0o700);
    let second = scan();
    let (who, via) = audience(&second, "a.txt");
    assert_eq!(who, "owner", "{via}");
    assert!(via.contains("0700"), "{via}");
    let sum = common::records(&second).pop().unwrap();
    assert_eq!(sum["unchanged_files"], 2, "{sum}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kept: String = conn
        .query_row(
            "SELECT exposure FROM items WHERE path LIKE '%/open/a.txt'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept.contains("\"audience\":\"owner\""), "{kept}");
}
