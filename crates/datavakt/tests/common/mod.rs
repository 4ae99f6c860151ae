//! Helpers shared by the command-line tests: a scratch directory, a key, running the binary,
//! and valid identity numbers computed from their rules (no real person's number).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "datavakt-test-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tree")).unwrap();
        write_key(&dir.join("key"), &[7u8; 32]);
        Scratch { dir }
    }

    pub fn tree(&self) -> PathBuf {
        self.dir.join("tree")
    }

    pub fn write(&self, rel: &str, data: impl AsRef<[u8]>) -> PathBuf {
        let p = self.tree().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, data).unwrap();
        p
    }

    /// `datavakt` with the scratch key, isolated from the user's config.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_datavakt"));
        c.env("DATAVAKT_KEY_FILE", self.dir.join("key"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env_remove("DATAVAKT_NAMES")
            .env_remove("DATAVAKT_RULES")
            .env_remove("DATAVAKT_CONFIG")
            // Reports in English, whatever the machine's locale.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    pub fn scan(&self, args: &[&str]) -> Output {
        self.cmd().arg("scan").args(args).output().unwrap()
    }

    /// A JSON Lines scan of the tree into the database `db`, without names, that must succeed.
    pub fn scan_db(&self, db: &Path, extra: &[&str]) -> Output {
        let tree = self.tree();
        let mut args = vec![
            tree.to_str().unwrap(),
            "--format",
            "jsonl",
            "--no-names",
            "--db",
            db.to_str().unwrap(),
        ];
        args.extend(extra);
        let out = self.scan(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes a fingerprint key file readable by its owner only (others' keys are refused).
pub fn write_key(path: &Path, key: &[u8]) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    std::io::Write::write_all(&mut f, key).unwrap();
}

/// A ZIP (deflated) of `(name, content)` members.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Sets a file's or folder's mode bits.
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The first finding whose path ends with `name`.
pub fn finding_in(out: &Output, name: &str) -> serde_json::Value {
    let found = findings(out);
    found
        .iter()
        .find(|f| f["path"].as_str().unwrap_or_default().ends_with(name))
        .unwrap_or_else(|| panic!("nothing in {name}: {found:?}"))
        .clone()
}

/// The summary record of a JSON Lines output.
pub fn summary(out: &Output) -> serde_json::Value {
    records(out)
        .into_iter()
        .find(|r| r["kind"] == "summary")
        .unwrap_or_else(|| panic!("no summary: {}", String::from_utf8_lossy(&out.stdout)))
}

/// JSON objects of a JSON Lines output.
pub fn records(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// The findings among the records: those with a masked value.
pub fn findings(out: &Output) -> Vec<serde_json::Value> {
    records(out)
        .into_iter()
        .filter(|r| r.get("masked").is_some())
        .collect()
}

/// A Danish CPR number (modulus 11) born on `ddmmyy` in the 1900s: `DDMMYY-SSSS`.
pub fn cpr(ddmmyy: &str) -> String {
    let w = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    for serial in 1000..4000 {
        let s = format!("{ddmmyy}{serial}");
        let sum: u32 = s.bytes().zip(w).map(|(b, w)| u32::from(b - b'0') * w).sum();
        if sum.is_multiple_of(11) {
            return format!("{ddmmyy}-{serial}");
        }
    }
    unreachable!("every date has a valid serial")
}

/// `n` distinct Danish CPR numbers (modulus 11, born 1960-1999, serials 0000-3999 so that
/// the century is the 1900s), `DDMMYY-SSSS`: about 360 a day, days 1-28 of each month.
pub fn cprs(n: usize) -> Vec<String> {
    let w = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    let mut out = Vec::with_capacity(n);
    for yy in 60..100 {
        for mm in 1..=12 {
            for dd in 1..=28 {
                for serial in 0..4000 {
                    let s = format!("{dd:02}{mm:02}{yy:02}{serial:04}");
                    let sum: u32 = s.bytes().zip(w).map(|(b, w)| u32::from(b - b'0') * w).sum();
                    if sum.is_multiple_of(11) {
                        out.push(format!("{}-{}", &s[..6], &s[6..]));
                        if out.len() == n {
                            return out;
                        }
                    }
                }
            }
        }
    }
    panic!("more than {} numbers asked for", out.len())
}

/// A Swedish personnummer `YYMMDD-NNNC` (Luhn).
pub fn personnummer(yymmdd: &str, nnn: u32) -> String {
    let nine = format!("{yymmdd}{nnn:03}");
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    format!("{yymmdd}-{nnn:03}{}", (10 - sum % 10) % 10)
}

pub fn shared_corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.join("corpus/truth.json")
        .exists()
        .then(|| p.canonicalize().unwrap())
}

/// Every written form of identity numbers `values` (as the corpus's truth writes them): the
/// digits (and letters) alone, with `-`, ` ` or `+` before the last four, and for ten
/// digits with a century in front (plain and with `-`).
pub fn written_forms(values: &[String]) -> std::collections::BTreeSet<String> {
    let mut forms = std::collections::BTreeSet::new();
    for v in values {
        let digits: String = v.chars().filter(char::is_ascii_alphanumeric).collect();
        for sep in ["", "-", " ", "+"] {
            if digits.len() >= 10 {
                let cut = digits.len() - 4;
                forms.insert(format!("{}{sep}{}", &digits[..cut], &digits[cut..]));
            }
        }
        if digits.len() == 10 {
            for century in ["19", "20"] {
                forms.insert(format!("{century}{digits}"));
                forms.insert(format!("{century}{}-{}", &digits[..6], &digits[6..]));
            }
        }
        forms.insert(digits);
    }
    forms
}

/// The forms found in `bytes`. One pass: every window of a form's length is looked up, not
/// one search of the whole text per form.
pub fn leaked<'a>(
    bytes: &'a [u8],
    forms: &std::collections::BTreeSet<String>,
) -> std::collections::BTreeSet<&'a [u8]> {
    let lengths: std::collections::BTreeSet<usize> = forms.iter().map(String::len).collect();
    lengths
        .iter()
        .flat_map(|&n| bytes.windows(n))
        .filter(|w| w[0].is_ascii_digit() && forms.contains(std::str::from_utf8(w).unwrap_or("")))
        .collect()
}
