//! `datavakt scan http://…` against a real nginx (a child of the test, on a free loopback
//! port): what an open web server exposes is found and reported `public`, what is behind a
//! password is reported protected and not read without credentials.

mod common;

use common::{cpr, findings, personnummer, records, Scratch};
use testkit::{start_nginx, unique_dir, wav, write, NGINX};

#[test]
fn an_open_web_server_is_crawled_and_its_findings_are_public() {
    if !std::path::Path::new(NGINX).exists() {
        println!("SKIPPED: nginx not installed (apt-get install nginx)");
        return;
    }
    let dir = unique_dir("cli-web");
    let www = dir.join("www");
    let (a, b, c) = (cpr("010190"), personnummer("121212", 121), cpr("020290"));
    write(
        &www,
        "share/patients.csv",
        format!("Navn;CPR-nr.\nTest;{a}\n").as_bytes(),
    );
    write(
        &www,
        "share/sub/notes.txt",
        format!("Personnummer: {b}\n").as_bytes(),
    );
    write(&www, "share/calls/call-0001.wav", &wav(200_000));
    write(
        &www,
        "share/private/p.txt",
        format!("CPR-nr.: {c}\n").as_bytes(),
    );
    write(&dir, "htpasswd", b"auditor:{PLAIN}s3cret\n");
    // The corpus's web folder (call recordings and journals), copied as it is, when it is there.
    let corpus = common::shared_corpus();
    match &corpus {
        Some(shared) => copy_tree(&shared.join("corpus/files/Web"), &www.join("share/Web")),
        None => println!("note: ../shared is absent; the corpus part of this test is skipped"),
    }
    let Some(ng) = start_nginx(
        dir,
        "location /share/ { autoindex on; }
         location /share/private/ {
           autoindex on; auth_basic \"Private\"; auth_basic_user_file {dir}/htpasswd;
         }",
        None,
    ) else {
        return;
    };
    let s = Scratch::new("web");
    let db = s.dir.join("scan.db");
    let start = ng.url("/share/");
    let scan = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = s.cmd();
        cmd.args([
            "scan",
            &start,
            "--format",
            "jsonl",
            "--no-names",
            "--crawl-rate",
            "0",
        ])
        .args(["--db", db.to_str().unwrap()])
        .args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        for n in [&a, &b, &c] {
            assert!(!stdout.contains(n.as_str()), "value leaked");
        }
        out
    };
    let out = scan(&[], &[]);
    let found = findings(&out);
    let by_path = |name: &str| common::finding_in(&out, name);
    let csv = by_path("patients.csv");
    assert_eq!(csv["kind"], "dk-cpr");
    assert_eq!(csv["exposure"]["audience"], "public");
    assert_eq!(csv["exposure"]["transport"], "http");
    assert!(csv["exposure"]["via"]
        .as_str()
        .unwrap()
        .contains("listed by"));
    assert_eq!(by_path("notes.txt")["kind"], "se-personnummer");
    let call = by_path("call-0001.wav");
    assert_eq!(call["kind"], "audio-recording");
    assert_eq!(call["exposure"]["audience"], "public");
    assert!(found
        .iter()
        .all(|f| !f["path"].as_str().unwrap().contains("/private/")));
    // Every URL is a record of what the server answered.
    let urls: Vec<_> = records(&out)
        .into_iter()
        .filter(|r| r["kind"] == "url")
        .collect();
    let private = urls
        .iter()
        .find(|u| u["path"].as_str().unwrap().ends_with("/private/"))
        .unwrap();
    assert_eq!(
        (private["status"].as_u64(), private["protected"].as_bool()),
        (Some(401), Some(true))
    );
    let summary = records(&out).pop().unwrap();
    assert_eq!(summary["urls_protected"], 1, "{summary}");

    // --exclude works on URL paths below the start: the calls folder is not crawled, and
    // what the database holds of it is not reported.
    let out = scan(&["--exclude", "calls/", "--exclude", "*.csv"], &[]);
    let paths: Vec<String> = records(&out)
        .iter()
        .filter_map(|r| r["path"].as_str().map(str::to_string))
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("/sub/notes.txt")),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("/calls/") && !p.ends_with(".csv")),
        "{paths:?}"
    );
    let summary = records(&out).pop().unwrap();
    assert_eq!(
        summary["resolved_findings"], 0,
        "left out is not gone: {summary}"
    );

    // With credentials (from the environment, never the command line) the private part is
    // read, and its findings are for whoever holds them.
    let out = scan(
        &[],
        &[
            ("DATAVAKT_HTTP_USER", "auditor"),
            ("DATAVAKT_HTTP_PASSWORD", "s3cret"),
        ],
    );
    let p = findings(&out)
        .into_iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("/private/p.txt"))
        .expect("the private file is read with credentials");
    assert_eq!(p["exposure"]["audience"], "group");

    // A file taken off the server is resolved by the next complete crawl.
    std::fs::remove_file(ng.dir.join("www/share/sub/notes.txt")).unwrap();
    let out = scan(&["--changes-only"], &[]);
    let gone: Vec<_> = findings(&out)
        .into_iter()
        .filter(|f| f["status"] == "resolved")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["resolution"].clone(),
            )
        })
        .collect();
    assert!(
        gone.iter()
            .any(|(p, r)| p.ends_with("notes.txt") && r == "removed"),
        "{gone:?}"
    );
    // Behind the password without credentials: unseen, not gone.
    assert!(
        gone.iter().all(|(p, _)| !p.contains("/private/")),
        "{gone:?}"
    );
    if let Some(shared) = corpus {
        corpus_part(&shared, &start, &found);
    }
}

/// Copies a folder tree (files and folders only).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every recording of the corpus's web folder is a public audio finding, and every file of it
/// that holds identity numbers has one found, reported public.
fn corpus_part(shared: &std::path::Path, start: &str, found: &[serde_json::Value]) {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shared.join("corpus/truth.json")).unwrap()).unwrap();
    let files = truth["files"].as_object().unwrap();
    let in_web: Vec<(&String, &serde_json::Value)> = files
        .iter()
        .filter(|(k, _)| k.starts_with("Web/"))
        .collect();
    assert!(!in_web.is_empty());
    let at = |rel: &str| format!("{start}{rel}");
    let of = |url: &str| -> Vec<&serde_json::Value> {
        found.iter().filter(|f| f["path"] == url).collect()
    };
    for (rel, t) in in_web {
        let here = of(&at(rel));
        if t["family"] == "recording" {
            assert!(
                here.iter().any(
                    |f| f["kind"] == "audio-recording" && f["exposure"]["audience"] == "public"
                ),
                "{rel}: {here:?}"
            );
        }
        let ids = t["ids"].as_array().map_or(0, |a| a.len());
        if ids > 0 {
            assert!(
                here.iter()
                    .any(|f| f["fingerprint"].is_string() && f["exposure"]["audience"] == "public"),
                "{rel} holds {ids} identity numbers: {here:?}"
            );
        }
    }
}
