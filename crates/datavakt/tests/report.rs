//! `datavakt findings list|show|mark` and `datavakt report` / `report breach` against a
//! scan database written by real scans of trees built here, and of the labelled corpus in
//! `../shared/corpus` (skipped when it is absent).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::{Command, Output, Stdio};

use common::{cpr, findings, personnummer, records, summary, Scratch};
use serde_json::Value;

/// The tree: one person (`a`) in two files, one of them with health data beside the number;
/// a Swedish number; a file directly in the tree; test data to dismiss; a folder whose name
/// must be escaped in HTML.
struct Tree {
    s: Scratch,
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
    f: String,
}

const ODD: &str = "<b>&x'";

impl Tree {
    fn new(name: &str) -> Tree {
        let s = Scratch::new(name);
        let (a, b, d, e, f) = (
            cpr("010190"),
            cpr("020291"),
            cpr("030392"),
            cpr("040493"),
            cpr("050594"),
        );
        let c = personnummer("800101", 123);
        s.write(
            "Hjemmepleje/journal.txt",
            format!(
                "Journalnotat\nBorger CPR-nr.: {a}. Diagnose: diabetes type 2, insulin 10 IE \
                 morgen og aften.\n"
            ),
        );
        s.write(
            "Hjemmepleje/besog.txt",
            format!("Besøgsliste\nCPR-nr.: {a}\nCPR-nr.: {b}\n"),
        );
        s.write(
            "Export/liste.txt",
            format!("Personnummer: {c}\nCPR-nr.: {d}\n"),
        );
        s.write("top.txt", format!("CPR-nr.: {e}\n"));
        s.write("Test/manual.txt", format!("Eksempel, CPR-nr.: {f}\n"));
        s.write(&format!("{ODD}/note.txt"), format!("CPR-nr.: {e}\n"));
        Tree {
            s,
            a,
            b,
            c,
            d,
            e,
            f,
        }
    }

    fn db(&self) -> String {
        self.s.dir.join("db").join("scan.db").display().to_string()
    }

    fn root(&self) -> String {
        self.s.tree().display().to_string()
    }

    fn scan(&self) -> Output {
        let out = self.s.scan(&[
            &self.root(),
            "--db",
            &self.db(),
            "--format",
            "jsonl",
            "--quiet",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        self.clean(&out);
        out
    }

    /// `datavakt ARGS --db DB`.
    fn run(&self, args: &[&str]) -> Output {
        let out = self
            .s
            .cmd()
            .args(args)
            .args(["--db", &self.db()])
            .output()
            .unwrap();
        self.clean(&out);
        out
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// No number of the tree, in any written form, in the output.
    fn clean(&self, out: &Output) {
        let all = format!("{}{}", stdout(out), stderr(out));
        for n in [&self.a, &self.b, &self.c, &self.d, &self.e, &self.f] {
            assert!(
                !all.contains(n.as_str()) && !all.contains(&n.replace('-', "")),
                "a value leaked"
            );
        }
    }

    fn id_of(&self, file: &str, kind: &str) -> String {
        let list = self.ok(&["findings", "list", "--status", "all", "--format", "jsonl"]);
        lines(&list)
            .into_iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(file) && f["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {file}: {list}"))["id"]
            .to_string()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// The lines of the text report about the item at `path` to handle first: its line, and the
/// indented lines after it.
fn text_block(text: &str, path: &str) -> String {
    let mut lines = text
        .lines()
        .skip_while(|l| !(l.starts_with("  ") && l.ends_with(&format!(" {path}"))));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no block for {path}: {text}"));
    let rest = lines.take_while(|l| l.starts_with(&" ".repeat(13)));
    std::iter::once(first)
        .chain(rest)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `s` as the HTML page writes text.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON: {s}: {e}"))
}

#[test]
fn findings_are_listed_shown_and_marked_and_false_positives_stay_dismissed() {
    let t = Tree::new("findings");
    let scanned = findings(&t.scan());
    // 8 numbers (a twice, e twice) and one health finding.
    assert_eq!(scanned.len(), 9, "{scanned:?}");
    assert_eq!(scanned.iter().filter(|f| f["kind"] == "health").count(), 1);

    let list = lines(&t.ok(&["findings", "list", "--format", "jsonl"]));
    assert_eq!(list.len(), 9);
    for f in &list {
        for field in [
            "id",
            "path",
            "location",
            "kind",
            "confidence",
            "masked",
            "status",
            "first_seen",
            "age_days",
        ] {
            assert!(f.get(field).is_some(), "{field} missing: {f}");
        }
        assert_eq!(f["status"], "open");
        assert_eq!(f["age_days"], 0);
        assert!(f["path"].as_str().unwrap().starts_with('/'));
        assert!(f["modified"].as_str().unwrap().ends_with('Z'));
    }
    let under = t.s.tree().join("Hjemmepleje");
    let here = lines(&t.ok(&[
        "findings",
        "list",
        under.to_str().unwrap(),
        "--format",
        "jsonl",
    ]));
    assert_eq!(here.len(), 4, "a twice, b, health");
    let cpr_only = lines(&t.ok(&["findings", "list", "--kind", "dk-cpr", "--format", "jsonl"]));
    assert_eq!(cpr_only.len(), 7);
    let csv = t.ok(&["findings", "list", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "id,path,location,kind,confidence,masked,status,first_seen,age_days,fingerprint,\
         variant,resolution,modified"
    );
    assert_eq!(csv.lines().count(), 10);
    let human = t.ok(&["findings", "list"]);
    assert!(human.starts_with("    ID  FIRST SEEN"), "{human}");
    assert!(
        human.trim_end().ends_with("\n9 findings"),
        "a total line: {human}"
    );
    assert!(human.contains("SEVERITY  READABLE BY"), "{human}");
    // By who can read the items and how severe they are, as the scan judged them.
    let everyone = lines(&t.ok(&[
        "findings",
        "list",
        "--audience",
        "organisation",
        "--format",
        "jsonl",
    ]));
    assert_eq!(everyone.len(), 9, "the test files are readable by all");
    let owner_only = t.ok(&[
        "findings",
        "list",
        "--audience",
        "owner",
        "--format",
        "jsonl",
    ]);
    assert!(owner_only.is_empty(), "{owner_only}");
    let all_severe = lines(&t.ok(&[
        "findings",
        "list",
        "--min-severity",
        "info",
        "--format",
        "jsonl",
    ]));
    assert_eq!(all_severe.len(), 9);
    let top = scanned
        .iter()
        .filter_map(|f| f["severity"].as_str())
        .max_by_key(|s| {
            ["info", "low", "medium", "high", "critical"]
                .iter()
                .position(|x| x == s)
        })
        .unwrap();
    let at_top = lines(&t.ok(&[
        "findings",
        "list",
        "--min-severity",
        top,
        "--format",
        "jsonl",
    ]));
    assert!(!at_top.is_empty() && at_top.len() < 9, "{at_top:?}");
    assert!(at_top.iter().all(|f| f["severity"] == top));
    assert!(
        human.contains("010190-****") && human.contains("0 d"),
        "{human}"
    );

    // Show: everything about one finding, and its history.
    let id = t.id_of("manual.txt", "dk-cpr");
    let shown = t.ok(&["findings", "show", &id]);
    for part in [
        "050594-****",
        "status       open",
        "fingerprint  hmac-sha256:",
        "History",
        "History      no change since it was first seen",
        "readable by  ",
    ] {
        assert!(shown.contains(part), "{part} not in {shown}");
    }
    // Who can read it in words, not the stored JSON.
    assert!(!shown.contains("{\""), "{shown}");
    let shown = json(&t.ok(&["findings", "show", &id, "--format", "json"]));
    assert_eq!(shown["kind"], "dk-cpr");
    // The owner by account name, as this machine names the owner's id.
    let me = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let me = String::from_utf8_lossy(&me.stdout).trim().to_string();
    assert_eq!(shown["item"]["owner_name"], me.as_str(), "{shown}");
    assert_eq!(shown["history"].as_array().unwrap().len(), 0);
    assert!(shown["item"]["hash"]
        .as_str()
        .unwrap()
        .starts_with("blake3:"));

    // Mark: a reason is required; the change is printed and kept with who and why.
    let refused = t.run(&["findings", "mark", &id, "--status", "false-positive"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("needs a reason"),
        "{}",
        stderr(&refused)
    );
    let marked = t.ok(&[
        "findings",
        "mark",
        &id,
        "--status",
        "false-positive",
        "--reason",
        "example in a manual",
        "--by",
        "dpo",
    ]);
    assert!(
        marked.contains("Marked 1 finding false-positive")
            && marked.contains("open")
            && marked.contains("050594-****"),
        "{marked}"
    );
    let shown = json(&t.ok(&["findings", "show", &id, "--format", "json"]));
    assert_eq!(shown["status"], "false-positive");
    assert_eq!(shown["status_reason"], "example in a manual");
    assert_eq!(shown["status_by"], "dpo");
    assert_eq!(shown["history"][0]["status"], "false-positive");
    assert_eq!(shown["history"][0]["by"], "dpo");
    let current = lines(&t.ok(&["findings", "list", "--format", "jsonl"]));
    assert_eq!(current.len(), 8, "a false positive is not current");
    let dismissed = lines(&t.ok(&[
        "findings",
        "list",
        "--status",
        "false-positive",
        "--format",
        "jsonl",
    ]));
    assert_eq!(dismissed.len(), 1);
    assert_eq!(dismissed[0]["id"].to_string(), id);

    // A later scan of the unchanged tree does not report it, and says a mark hides one; an
    // edit of its file does.
    let out = t.scan();
    assert_eq!(summary(&out)["false_positives"], 1);
    let again = findings(&out);
    assert_eq!(again.len(), 8);
    assert!(!again
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("manual.txt")));
    let manual = t.s.tree().join("Test/manual.txt");
    let text = std::fs::read_to_string(&manual).unwrap();
    std::fs::write(&manual, format!("{text}Rettet.\n")).unwrap();
    let edited = findings(&t.scan());
    assert_eq!(edited.len(), 9);
    assert!(edited
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("manual.txt") && f["status"] == "open"));
    let shown = json(&t.ok(&["findings", "show", &id, "--format", "json"]));
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["history"][1]["reason"], "the item changed");
    assert!(t
        .ok(&["findings", "show", &id])
        .contains("by scan 3: the item changed"));

    // One value everywhere, by its fingerprint: a dry run first, which changes nothing.
    let twice = scanned
        .iter()
        .filter_map(|f| f["fingerprint"].as_str())
        .find(|fp| scanned.iter().filter(|f| f["fingerprint"] == *fp).count() == 2)
        .unwrap();
    let dry = t.ok(&[
        "findings",
        "mark",
        "--fingerprint",
        twice,
        "--status",
        "accepted",
        "--reason",
        "known",
        "--dry-run",
    ]);
    assert!(
        dry.contains("Would mark (--dry-run: nothing changed) 2 findings"),
        "{dry}"
    );
    let accepted = t.ok(&[
        "findings", "list", "--status", "accepted", "--format", "jsonl",
    ]);
    assert!(accepted.is_empty(), "{accepted}");

    // A folder at once, one kind; accepted findings are still current.
    let export = t.s.tree().join("Export");
    let marked = t.ok(&[
        "findings",
        "mark",
        "--path",
        export.to_str().unwrap(),
        "--kind",
        "se-personnummer",
        "--status",
        "accepted",
        "--reason",
        "payroll export, allowed",
    ]);
    assert!(marked.contains("Marked 1 finding accepted"), "{marked}");
    let accepted = lines(&t.ok(&[
        "findings", "list", "--status", "accepted", "--format", "jsonl",
    ]));
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["kind"], "se-personnummer");
    assert_eq!(
        lines(&t.ok(&["findings", "list", "--format", "jsonl"])).len(),
        9
    );
    // And back to open.
    let id2 = accepted[0]["id"].to_string();
    assert!(t
        .ok(&["findings", "mark", &id2, "--status", "open"])
        .contains("accepted       -> open"));

    // Mistakes change nothing and say what to do.
    let unknown = t.run(&[
        "findings", "mark", &id, "99999", "--status", "accepted", "--reason", "x",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no finding 99999"));
    assert_eq!(
        json(&t.ok(&["findings", "show", &id, "--format", "json"]))["status"],
        "open"
    );
    std::fs::remove_file(&manual).unwrap();
    t.scan();
    let gone = t.run(&[
        "findings", "mark", &id, "--status", "accepted", "--reason", "x",
    ]);
    assert_eq!(gone.status.code(), Some(2));
    assert!(
        stderr(&gone).contains("is resolved (removed)"),
        "{}",
        stderr(&gone)
    );
    let resolved = lines(&t.ok(&[
        "findings", "list", "--status", "resolved", "--format", "jsonl",
    ]));
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0]["resolution"], "removed");
    let missing = t.run(&["findings", "show", "99999"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no finding 99999"));
}

#[test]
fn reading_never_creates_a_database_and_a_closed_pipe_is_not_an_error() {
    let t = Tree::new("no-db");
    for args in [
        &["findings", "list"][..],
        &["report"],
        &["report", "breach", "/srv"],
    ] {
        let out = t.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("run `datavakt scan PATH` first"),
            "{}",
            stderr(&out)
        );
        assert!(!std::path::Path::new(&t.db()).exists());
        assert!(!t.s.dir.join("db").exists(), "no folder made either");
    }
    t.scan();
    let mut child =
        t.s.cmd()
            .args(["findings", "list", "--status", "all", "--db", &t.db()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
    // Close the reading end at once: the writer meets a closed pipe.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{err}");
    assert!(err.is_empty(), "{err}");
    // Help teaches with examples.
    for cmd in [
        &["findings", "--help"][..],
        &["findings", "mark", "--help"],
        &["report", "--help"],
        &["report", "breach", "--help"],
    ] {
        let help = stdout(&t.s.cmd().args(cmd).output().unwrap());
        assert!(help.contains("Examples:"), "{cmd:?}: {help}");
    }
}

#[test]
fn the_report_summarises_and_the_breach_scope_counts_people_health_records_and_times() {
    let t = Tree::new("report");
    t.scan();
    let id = t.id_of("manual.txt", "dk-cpr");
    t.ok(&[
        "findings",
        "mark",
        &id,
        "--status",
        "false-positive",
        "--reason",
        "example",
    ]);
    let scanned = findings(&t.scan());
    let root = t.root();

    let r = json(&t.ok(&["report", &root, "--format", "json"]));
    assert_eq!(r["prefix"], root.as_str());
    assert_eq!(r["findings"], 8);
    assert_eq!(r["items"], 5);
    assert_eq!(r["identity_numbers"], 5, "a, b, c, d, e");
    let named = |section: &str| -> BTreeMap<String, (u64, u64)> {
        r[section]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["name"].as_str().unwrap().to_string(),
                    (
                        g["findings"].as_u64().unwrap(),
                        g["items"].as_u64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    assert_eq!(
        named("by_folder"),
        BTreeMap::from([
            ("Hjemmepleje".to_string(), (4, 2)),
            ("Export".to_string(), (2, 1)),
            (ODD.to_string(), (1, 1)),
            (".".to_string(), (1, 1)),
        ]),
        "Test holds only the false positive"
    );
    let kinds = named("by_kind");
    assert_eq!(kinds["dk-cpr"], (6, 5));
    assert_eq!(kinds["se-personnummer"], (1, 1));
    assert_eq!(kinds["health"], (1, 1));
    assert_eq!(named("by_age")["<7 d"], (8, 5));
    assert_eq!(named("by_age")["older"], (0, 0));
    assert_eq!(r["trend"].as_array().unwrap().len(), 2);
    assert_eq!(r["trend"][0]["new_findings"], 9);
    assert_eq!(r["top_items"][0]["health"], true);
    assert!(r["top_items"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("journal.txt"));

    // Each item to handle first with its reasons, judged again from the database: the first
    // is the scan's first for the item, and says what the item's findings hold.
    let scan_first: BTreeMap<&str, &str> = scanned
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["why"][0].as_str().unwrap()))
        .collect();
    let current = lines(&t.ok(&["findings", "list", "--format", "jsonl"]));
    let top = r["top_items"].as_array().unwrap();
    assert_eq!(top.len(), 5);
    let html = t.ok(&["report", &root, "--format", "html"]);
    let text = t.ok(&["report", &root]);
    for item in top {
        let path = item["path"].as_str().unwrap();
        let why: Vec<&str> = item["why"]
            .as_array()
            .unwrap_or_else(|| panic!("no reasons for {path}: {item}"))
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert!(why.len() >= 3, "data, exposure and result: {why:?}");
        assert_eq!(why[0], scan_first[path], "{path}");
        let of_item = || current.iter().filter(|f| f["path"] == path);
        let people: BTreeSet<&str> = of_item()
            .filter(|f| IDENTITY.contains(&f["kind"].as_str().unwrap()))
            .map(|f| f["fingerprint"].as_str().unwrap())
            .collect();
        let person = if people.len() == 1 {
            "person"
        } else {
            "people"
        };
        assert_eq!(
            why[0],
            format!("{} {person} identified by identity number", people.len()),
            "{path}"
        );
        let health = of_item().any(|f| f["kind"] == "health");
        assert_eq!(
            why.contains(&"health data together with identity numbers (GDPR art. 9)"),
            health,
            "{path}: {why:?}"
        );
        // On the page and in the text, every reason, in the item's row and block.
        let row = html
            .split("<tr>")
            .find(|r| {
                r.contains(&format!(
                    "<td class=\"p\">{}</td>",
                    html_text(&path[root.len() + 1..])
                ))
            })
            .unwrap_or_else(|| panic!("no row for {path}"));
        let block = text_block(&text, path);
        for w in &why {
            assert!(row.contains(&html_text(w)), "{w} not in {row}");
            assert!(block.contains(w), "{w} not in {block}");
        }
        assert!(block.contains(&format!("why: {}", why[0])), "{block}");
        // Health data changes what to do, unless who can read it is not known.
        let acted = block.lines().last().unwrap();
        assert!(acted.contains("what to do: "), "{block}");
        if health && item["audience"] != "unknown" {
            assert!(
                acted.contains("health data") || acted.contains("journal system"),
                "{acted}"
            );
        }
    }
    assert_eq!(html.matches("<ul class=\"why\">").count(), top.len());

    // A policy names the zone and its broken rule among the reasons.
    let policy = t.s.dir.join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[[zone]]\nname = \"Case files\"\npaths = [\"{}\"]\nholds = \"personal-data\"\n\
             owner = \"Home care\"\n",
            t.s.tree().join("Hjemmepleje").display()
        ),
    )
    .unwrap();
    let zoned = json(&t.ok(&[
        "report",
        &root,
        "--format",
        "json",
        "--policy",
        policy.to_str().unwrap(),
    ]));
    let journal = zoned["top_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("journal.txt"))
        .unwrap();
    let why = journal["why"].to_string();
    for part in [
        "in zone 'Case files' (personal-data; owner Home care)",
        "zone 'Case files' may hold personal data but no health or other special categories: \
         one step up",
    ] {
        assert!(why.contains(part), "{part} not in {why}");
    }
    let sv = t.ok(&[
        "report",
        &root,
        "--lang",
        "sv",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert!(
        sv.contains("zonen 'Case files' får innehålla personuppgifter men inte hälsouppgifter"),
        "{sv}"
    );

    assert!(text.contains("8 current findings in 5 items, 5 distinct identity numbers"));
    assert!(
        text.contains("By folder") && text.contains("Hjemmepleje"),
        "{text}"
    );
    let csv = t.ok(&["report", &root, "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "section,name,count,items,new,resolved"
    );
    assert!(csv.lines().any(|l| l == "kind,dk-cpr,6,5,,"), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.starts_with("scan,")).count(), 2);

    // The overview a DPO hands on: items by severity and by who can read them, people.
    let sev: u64 = r["by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["items"].as_u64().unwrap())
        .sum();
    assert_eq!(sev, 5, "every item once: {r}");
    assert_eq!(r["by_audience"][0]["name"], "organisation", "{r}");
    assert!(
        r["identity_numbers_with_health"].as_u64().unwrap() >= 1,
        "{r}"
    );
    // In the reader's language, from one catalogue.
    let sv = t.ok(&["report", &root, "--lang", "sv"]);
    assert!(
        sv.contains("Hantera först") && sv.contains("aktuella fynd"),
        "{sv}"
    );
    let html_da = t.ok(&["report", &root, "--format", "html", "--lang", "da"]);
    assert!(html_da.contains("<html lang=\"da\">") && html_da.contains("Håndter først"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("Handle first") && html.contains("what to do"),
        "{html}"
    );
    assert_eq!(html.matches("<svg").count(), 3, "trend, folders, kinds");
    assert!(html.contains("<polyline"));
    assert!(!html.contains(ODD), "unescaped path in the HTML");
    assert!(html.contains("&lt;b&gt;&amp;x&#39;"));
    for external in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(external), "{external} in the HTML");
    }

    // The breach scope of the whole tree and of one folder.
    let b = json(&t.ok(&["report", "breach", &root, "--format", "json"]));
    assert_eq!(b["distinct_people"], 5, "a in two files is one person");
    assert_eq!(b["by_kind"]["dk-cpr"], 4);
    assert_eq!(b["by_kind"]["se-personnummer"], 1);
    assert!(
        b["by_kind"].get("health").is_none(),
        "health has no fingerprints"
    );
    assert_eq!(b["identity_numbers_summed"], 5);
    assert_eq!(b["with_health"], 1);
    assert_eq!(b["health_items"], 1);
    assert_eq!(b["items"], 5);
    assert_eq!(b["records"], 8);
    assert_eq!(b["records_by_kind"]["health"], 1);
    for t in ["earliest", "latest"] {
        assert!(b["modified"][t].as_str().unwrap().ends_with('Z'), "{b}");
    }
    assert!(b["first_seen"].as_str().unwrap().ends_with('Z'));
    // Every item's readers were assessed (which audience depends on this machine's folders).
    let groups = b["exposure"].as_object().unwrap();
    assert_eq!(
        groups.values().filter_map(|n| n.as_u64()).sum::<u64>(),
        5,
        "{b}"
    );
    assert!(
        groups.keys().all(|k| ["organisation", "group", "owner"]
            .iter()
            .any(|a| k.starts_with(a))),
        "{b}"
    );
    let care = t.s.tree().join("Hjemmepleje");
    let b = json(&t.ok(&[
        "report",
        "breach",
        care.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(
        (
            &b["distinct_people"],
            &b["with_health"],
            &b["items"],
            &b["records"]
        ),
        (&2.into(), &1.into(), &2.into(), &4.into())
    );
    let text = t.ok(&["report", "breach", care.to_str().unwrap()]);
    assert!(
        text.contains("People identified by number: 2")
            && text.contains("Of them in files that also hold health data: 1")
            && text.contains("Records: 4 findings in 2 files"),
        "{text}"
    );

    // The files deleted since: the breach of last month is still counted when asked.
    std::fs::remove_dir_all(&care).unwrap();
    t.scan();
    let now = json(&t.ok(&[
        "report",
        "breach",
        care.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(
        (&now["distinct_people"], &now["records"]),
        (&0.into(), &0.into())
    );
    let then = json(&t.ok(&[
        "report",
        "breach",
        care.to_str().unwrap(),
        "--format",
        "json",
        "--include-resolved",
    ]));
    assert_eq!(
        (
            &then["distinct_people"],
            &then["with_health"],
            &then["records"]
        ),
        (&2.into(), &1.into(), &4.into())
    );
    let r = json(&t.ok(&["report", &root, "--format", "json"]));
    assert_eq!(r["findings"], 4);
    assert_eq!(r["trend"].as_array().unwrap().len(), 3);
    assert_eq!(r["trend"][2]["resolved"], 4);
}

/// Letters and digits; Swedish numbers as their last 10 digits (as the corpus's scorer).
fn canon(kind: &str, value: &str) -> String {
    let v: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_uppercase();
    if kind == "se-personnummer" && v.len() > 10 {
        v[v.len() - 10..].to_string()
    } else {
        v
    }
}

const IDENTITY: [&str; 5] = [
    "dk-cpr",
    "se-personnummer",
    "no-fodselsnummer",
    "fi-hetu",
    "is-kennitala",
];

#[test]
fn the_breach_scope_of_the_corpus_counts_what_the_scan_found_and_what_is_there() {
    let Some(shared) = common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
        return;
    };
    let s = Scratch::new("report-corpus");
    let files = shared.join("corpus/files");
    let db = s.dir.join("scan.db");
    let out = s.scan(&[
        files.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--show-values",
        "--format",
        "jsonl",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scanned = records(&out);
    let mut fingerprints: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in scanned.iter().filter(|r| r.get("masked").is_some()) {
        let kind = f["kind"].as_str().unwrap().to_string();
        if let Some(fp) = f["fingerprint"].as_str() {
            fingerprints
                .entry(kind.clone())
                .or_default()
                .insert(fp.to_string());
        }
        if IDENTITY.contains(&kind.as_str()) {
            let v = canon(&kind, f["value"].as_str().unwrap());
            values.entry(kind).or_default().insert(v);
        }
    }
    let breach = s
        .cmd()
        .args([
            "report",
            "breach",
            files.to_str().unwrap(),
            "--format",
            "json",
        ])
        .args(["--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(breach.status.code(), Some(0), "{}", stderr(&breach));
    let b = json(&stdout(&breach));
    let by_kind: BTreeMap<String, u64> = b["by_kind"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    let expected: BTreeMap<String, u64> = fingerprints
        .iter()
        .map(|(k, v)| (k.clone(), v.len() as u64))
        .collect();
    assert_eq!(by_kind, expected, "the store counts what the scan printed");
    let people: u64 = IDENTITY.iter().filter_map(|k| by_kind.get(*k)).sum();
    assert_eq!(b["distinct_people"], people);
    assert_eq!(b["identity_numbers_summed"], people);
    assert!(b["with_health"].as_u64().unwrap() <= people);
    let records_n = scanned.iter().filter(|r| r.get("masked").is_some()).count();
    assert_eq!(b["records"], records_n as u64);

    // Against the truth: distinct canonical values per kind over the whole corpus.
    let truth: Value =
        serde_json::from_slice(&std::fs::read(shared.join("corpus/truth.json")).unwrap()).unwrap();
    let mut truth_values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut truth_health: BTreeSet<(String, String)> = BTreeSet::new();
    for file in truth["files"].as_object().unwrap().values() {
        for id in file["ids"].as_array().into_iter().flatten() {
            let kind = id[0].as_str().unwrap();
            let v = canon(kind, id[1].as_str().unwrap());
            if file["health"] == true {
                truth_health.insert((kind.to_string(), v.clone()));
            }
            truth_values.entry(kind.to_string()).or_default().insert(v);
        }
    }
    // Recall and precision of the detector are 0.9986 on this corpus; per kind the distinct
    // counts may differ by a few numbers (missed or extra ones). Measured: dk-cpr -2 of 1008,
    // is-kennitala +1 of 184, the others exact (4041 of 4042 in all); with health 3053 of
    // 3055. Tolerance: 1 % of the truth, at least 2.
    eprintln!(
        "{:<18} {:>8} {:>8} {:>8} {:>8}",
        "kind", "truth", "breach", "values", "diff"
    );
    let mut total = (0u64, 0u64);
    for kind in IDENTITY {
        let want = truth_values.get(kind).map_or(0, BTreeSet::len) as u64;
        let got = by_kind.get(kind).copied().unwrap_or(0);
        let distinct_values = values.get(kind).map_or(0, BTreeSet::len) as u64;
        let diff = got as i64 - want as i64;
        eprintln!("{kind:<18} {want:>8} {got:>8} {distinct_values:>8} {diff:>+8}");
        let tolerance = (want as f64 * 0.01).ceil().max(2.0) as i64;
        assert!(
            diff.abs() <= tolerance,
            "{kind}: breach counts {got} people, the truth has {want} (tolerance {tolerance})"
        );
        total.0 += want;
        total.1 += got;
    }
    eprintln!("{:<18} {:>8} {:>8}", "all", total.0, total.1);
    // People beside health data: as good as the health detector's file-level precision
    // and recall; the same tolerance.
    let want = truth_health.len() as i64;
    let got = b["with_health"].as_i64().unwrap();
    eprintln!(
        "{:<18} {want:>8} {got:>8} {:>8} {:>+8}",
        "with health",
        "",
        got - want
    );
    let tolerance = (want as f64 * 0.01).ceil() as i64;
    assert!(
        (got - want).abs() <= tolerance,
        "with health: {got}, the truth has {want} (tolerance {tolerance})"
    );
}

/// Renders `html` in headless Chromium (Debian's `chromium`) into `png`; false when there is
/// no Chromium.
fn screenshot(html: &std::path::Path, png: &std::path::Path) -> bool {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        return false;
    };
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1280,2000",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    true
}

#[test]
fn the_html_report_renders_in_a_browser_in_every_language() {
    let t = Tree::new("screenshots");
    t.scan();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for (lang, one_person) in [
        ("en", "1 person identified by identity number"),
        ("sv", "1 person identifierad med identitetsnummer"),
        ("da", "1 person identificeret ved identitetsnummer"),
        ("nb", "1 person identifisert med identitetsnummer"),
        ("fi", "1 henkilö tunnistettu henkilötunnuksella"),
    ] {
        let html = t.ok(&["report", &t.root(), "--format", "html", "--lang", lang]);
        // The reasons in the reader's language, one list per item to handle first.
        assert!(
            html.contains(&format!("<li>{one_person}</li>")),
            "{lang}: {html}"
        );
        assert_eq!(html.matches("<ul class=\"why\">").count(), 6, "{lang}");
        let page = dir.join(format!("report-{lang}.html"));
        std::fs::write(&page, &html).unwrap();
        let png = dir.join(format!("report-{lang}.png"));
        if !screenshot(&page, &png) {
            println!("SKIPPED: no chromium (apt-get install chromium); the pages are in {dir:?}");
            return;
        }
        // A PNG of the window's size, with something drawn on it.
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let (w, h) = (
            u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
            u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
        );
        assert_eq!((w, h), (1280, 2000));
        assert!(
            bytes.len() > 20_000,
            "{lang}: a blank page? {} bytes",
            bytes.len()
        );
        println!("screenshot: {}", png.display());
    }
}
