//! HTML, XML and JSON are read as the text they show: numbers written with character
//! references, split by inline tags or escaped in JSON strings are found, a table's header
//! labels its column, and findings name the line of the file they are on.

mod common;

use common::{findings, records, zip_of, Scratch};

/// A valid Danish CPR number (modulus 11), the issue's example.
const CPR: &str = "070761-4285";
/// A valid Swedish personnummer (Luhn), the issue's other example.
const PNR: &str = "811218-9876";

/// What the masked form the scanner prints for `value` starts with (the separator is kept as
/// written; nothing in clear text in assertions).
fn masked(value: &str) -> String {
    value[..6].to_string()
}

/// The (kind, confidence, location) of each identity-number finding whose masked value starts
/// with `masked`.
fn located(out: &std::process::Output, name: &str, masked: &str) -> Vec<(String, String, String)> {
    findings(out)
        .iter()
        .filter(|f| f["path"].as_str().unwrap_or_default().ends_with(name))
        .filter(|f| f["masked"].as_str().unwrap_or_default().starts_with(masked))
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or_default().to_string(),
                f["confidence"].as_str().unwrap_or_default().to_string(),
                f["location"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn scan(s: &Scratch) -> std::process::Output {
    let out = s.scan(&[
        s.tree().to_str().unwrap(),
        "--format",
        "jsonl",
        "--min-confidence",
        "low",
        "--quiet",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let errors: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    out
}

/// An HTML page with a table whose header is `CPR-nr` and whose one data cell, on line 8, is
/// `cell`.
fn table_page(cell: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>Sag</title></head>\n<body>\n<h1>Oversigt</h1>\n\
         <table>\n<tr><th>Navn</th><th>CPR-nr</th></tr>\n<tr>\n<td>Jens Hansen</td><td>{cell}</td>\n\
         </tr>\n</table>\n</body></html>\n"
    )
}

#[test]
fn the_issues_cases_are_found_on_their_line() {
    let s = Scratch::new("markup-issue");
    let (a, b) = CPR.split_once('-').unwrap();
    let cases = [
        ("nbsp.html", format!("{a}&nbsp;{b}")),
        ("nbhyphen.html", format!("{a}&#8209;{b}")),
        ("numeric.html", format!("{a}&#45;{b}")),
        ("spans.html", format!("<span>{a}</span>-<span>{b}</span>")),
    ];
    for (name, cell) in &cases {
        s.write(name, table_page(cell));
    }
    let (c, d) = PNR.split_once('-').unwrap();
    s.write(
        "ndash.html",
        format!(
            "<html><body>\n<p>Ärende</p>\n<p>Personnummer: {c}&ndash;{d}</p>\n</body></html>\n"
        ),
    );
    s.write(
        "attribute.html",
        format!(
            "<html><body>\n<form>\n<input name=\"cpr\" value=\"{a}{b}\">\n</form></body></html>\n"
        ),
    );
    let out = scan(&s);
    for (name, _) in &cases {
        assert_eq!(
            located(&out, name, &masked(CPR)),
            [("dk-cpr".into(), "high".into(), "line 8".into())],
            "{name}"
        );
    }
    assert_eq!(
        located(&out, "ndash.html", &masked(PNR)),
        [("se-personnummer".into(), "high".into(), "line 3".into())]
    );
    assert_eq!(
        located(&out, "attribute.html", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), "line 3".into())]
    );
}

#[test]
fn a_column_header_labels_its_column() {
    // 811218-9876 is valid as a Swedish personnummer; under a CPR-nr header, a Danish number
    // valid both ways is read as Danish. Here: the header alone makes the bare number high.
    let s = Scratch::new("markup-header");
    let rows: String = (0..3)
        .map(|i| {
            format!(
                "<tr><td>Navn {i}</td><td>{}</td></tr>\n",
                CPR.replace('-', "")
            )
        })
        .collect();
    s.write(
        "list.html",
        format!("<table>\n<tr><th>Navn</th><th>CPR-nr</th></tr>\n{rows}</table>\n"),
    );
    let out = scan(&s);
    let found = located(&out, "list.html", &masked(CPR));
    let lines: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(lines, ["line 3", "line 4", "line 5"]);
    assert!(
        found.iter().all(|f| f.0 == "dk-cpr" && f.1 == "high"),
        "{found:?}"
    );
}

#[test]
fn xml_and_xhtml_with_entities_and_cdata() {
    let s = Scratch::new("markup-xml");
    let (a, b) = CPR.split_once('-').unwrap();
    s.write(
        "export.xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clients>\n<client>\n<cpr>{a}&#x2D;{b}</cpr>\n\
             <note><![CDATA[Personnummer: {PNR}]]></note>\n</client>\n</clients>\n"
        ),
    );
    s.write(
        "page.xhtml",
        format!(
            "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>\n\
             <p>CPR-nr: {a}&#8211;{b}</p>\n</body></html>\n"
        ),
    );
    let out = scan(&s);
    assert_eq!(
        located(&out, "export.xml", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), "line 4".into())]
    );
    assert_eq!(
        located(&out, "export.xml", &masked(PNR)),
        [("se-personnummer".into(), "high".into(), "line 5".into())]
    );
    assert_eq!(
        located(&out, "page.xhtml", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), "line 3".into())]
    );
}

#[test]
fn json_escapes_are_decoded_and_keys_label_values() {
    let s = Scratch::new("markup-json");
    let (a, b) = CPR.split_once('-').unwrap();
    s.write(
        "clients.json",
        format!("[\n {{\"navn\": \"Jens\",\n  \"cpr\": \"{a}\\u002d{b}\"}},\n {{\"url\": \"a\\/b\"}}\n]\n"),
    );
    // JSON Lines, in an archive: the member's lines.
    let (c, d) = PNR.split_once('-').unwrap();
    let lines = format!("{{\"id\": 1}}\n{{\"personnummer\": \"{c}\\u2010{d}\"}}\n");
    s.write(
        "export.zip",
        zip_of(&[("data/people.jsonl", lines.as_bytes())]),
    );
    let out = scan(&s);
    assert_eq!(
        located(&out, "clients.json", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), "line 3".into())]
    );
    assert_eq!(
        located(&out, "export.zip", &masked(PNR)),
        [(
            "se-personnummer".into(),
            "high".into(),
            "data/people.jsonl: line 2".into()
        )]
    );
}

#[test]
fn html_in_an_archive_keeps_its_tables_and_lines() {
    let s = Scratch::new("markup-member");
    let page = table_page(&CPR.replace('-', "&#45;"));
    s.write("cases.zip", zip_of(&[("web/sag.html", page.as_bytes())]));
    let out = scan(&s);
    assert_eq!(
        located(&out, "cases.zip", &masked(CPR)),
        [(
            "dk-cpr".into(),
            "high".into(),
            "web/sag.html: line 8".into()
        )]
    );
}

#[test]
fn hostile_markup_ends_and_is_read_past() {
    let s = Scratch::new("markup-hostile");
    let mut page = String::from("<html><body>\n");
    // Unclosed tags nested deep.
    page.push_str(&"<div><span><table><tr><td>".repeat(20_000));
    page.push('\n');
    // An attribute of 3 MB, and a comment that never ends.
    page.push_str(&format!("<p title=\"{}\">x</p>\n", "a".repeat(3 << 20)));
    page.push_str(&format!(
        "<p>CPR-nr: {CPR}</p>\n<!-- {}",
        "b".repeat(3 << 20)
    ));
    s.write("deep.html", &page);
    // An entity expansion attack: the DTD is never read, nothing expands.
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str(&format!("]>\n<lolz>&lol9;</lolz>\n<cpr>{CPR}</cpr>\n"));
    s.write("laughs.xml", &laughs);
    // JSON cut in an escape.
    s.write("cut.json", format!("{{\"cpr\": \"{CPR}\", \"x\": \"\\u00"));
    let out = scan(&s);
    assert_eq!(located(&out, "deep.html", &masked(CPR)).len(), 1);
    assert_eq!(
        located(&out, "laughs.xml", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), "line 15".into())]
    );
    assert_eq!(located(&out, "cut.json", &masked(CPR)).len(), 1);
}

#[test]
fn a_real_html_file_reads_as_before_plus_what_is_added() {
    // Documentation an installed Debian package ships, written by nobody for this test.
    let Some(real) = std::fs::read_dir("/usr/share/doc").ok().and_then(|dirs| {
        let mut files: Vec<_> = dirs
            .flatten()
            .filter_map(|d| std::fs::read_dir(d.path()).ok())
            .flat_map(|d| d.flatten().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 20_000))
            .collect();
        files.sort();
        files.into_iter().next()
    }) else {
        eprintln!("SKIPPED: no HTML documentation under /usr/share/doc");
        return;
    };
    let original = std::fs::read_to_string(&real).unwrap();
    let s = Scratch::new("markup-real");
    s.write("original.html", &original);
    // The same page with one paragraph added after its 40th line.
    let mut lines: Vec<&str> = original.lines().collect();
    let at = 40.min(lines.len());
    let added = format!("<p>CPR-nr: {CPR}</p>");
    lines.insert(at, &added);
    s.write("edited.html", lines.join("\n"));
    let out = scan(&s);
    let of = |name: &str| {
        let mut v: Vec<String> = findings(&out)
            .iter()
            .filter(|f| f["path"].as_str().unwrap_or_default().ends_with(name))
            .map(|f| format!("{} {}", f["kind"], f["masked"]))
            .filter(|f| !f.contains(&masked(CPR)))
            .collect();
        v.sort();
        v
    };
    assert_eq!(of("edited.html"), of("original.html"), "{}", real.display());
    assert_eq!(
        located(&out, "edited.html", &masked(CPR)),
        [("dk-cpr".into(), "high".into(), format!("line {}", at + 1))]
    );
}
