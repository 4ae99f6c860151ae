//! The web source against a real nginx: a child process of the test (never a system service)
//! with its own configuration, logs and files in a temporary directory, on a free port of
//! 127.0.0.1.

use std::net::TcpListener;
use std::path::Path;

use datavakt_sources::exposure::Transport;
use datavakt_sources::web::{crawl, CrawlSummary, WebItem, WebOptions};
use testkit::{free_port, start_nginx, unique_dir, wav, write, Nginx, NGINX};

/// Bytes of samples in the recording: more than the head the crawler fetches.
const WAV_SAMPLES: usize = 200_000;

const PAGE: &str = r#"<!doctype html><html><head><title>Team page</title></head><body>
<a href="nolist/secret.txt">not in any listing</a>
<a href="dead.txt">a dead link</a>
<a href="/outside/o.txt">outside the start path</a>
<a href="http://other.invalid/x">another host</a>
<a href="a.txt#part">a fragment</a>
<a href="name with space.txt">the same file as the listing's</a>
<a href="private/p.txt">protected</a>
<a href="away">a redirect out of the crawl</a>
<a href="mailto:someone@example.org">mail</a>
<audio src="hello.wav"></audio>
<a href="sub/">a folder that robots.txt disallows, met again</a>
</body></html>"#;

/// Starts nginx over a generated tree, or `None` (after saying SKIPPED) without nginx.
fn start() -> Option<Nginx> {
    if !Path::new(NGINX).exists() {
        println!("SKIPPED: nginx not installed (apt-get install nginx)");
        return None;
    }
    let dir = unique_dir("web");
    let www = dir.join("www");
    write(
        &www,
        "robots.txt",
        b"User-agent: *\nDisallow: /share/sub/\n",
    );
    write(&www, "outside/o.txt", b"outside the start path");
    write(&www, "share/a.txt", b"Alpha: the first text file.\n");
    write(&www, "share/b.csv", b"name;town\nKari;Oslo\n");
    write(&www, "share/name with space.txt", b"spaced");
    write(&www, "share/\u{c6}r\u{f8}.txt", b"an island");
    write(&www, "share/sub/c.txt", b"Charlie in a subfolder");
    write(&www, "share/sub/deeper/d.txt", b"Delta, deeper down");
    write(&www, "share/hello.wav", &wav(WAV_SAMPLES));
    write(&www, "share/empty.wav", b"");
    write(&www, "share/page.html", PAGE.as_bytes());
    write(&www, "share/nolist/secret.txt", b"only a link leads here");
    write(&www, "share/private/p.txt", b"private content");
    // nginx reads `{PLAIN}` passwords itself, so no htpasswd tool is needed.
    write(&dir, "htpasswd", b"auditor:{PLAIN}s3cret\n");
    start_nginx(
        dir,
        "location /share/ { autoindex on; }
         location /share/nolist/ { autoindex off; }
         location /share/private/ {
           autoindex on;
           auth_basic \"Private\";
           auth_basic_user_file {dir}/htpasswd;
         }
         location = /share/away { return 302 /outside/o.txt; }",
        Some("location /share/ { autoindex on; }"),
    )
}

fn fast() -> WebOptions {
    WebOptions {
        rate_per_second: 0.0,
        ..WebOptions::default()
    }
}

fn run(start: &str, opts: &WebOptions) -> (Vec<WebItem>, CrawlSummary) {
    let mut items = vec![];
    let summary = crawl(start, opts, &mut |i| {
        items.push(i);
        true
    })
    .unwrap();
    (items, summary)
}

fn item<'a>(items: &'a [WebItem], url: &str) -> &'a WebItem {
    items
        .iter()
        .find(|i| i.url == url)
        .unwrap_or_else(|| panic!("{url} not found in {:#?}", urls(items)))
}

fn urls(items: &[WebItem]) -> Vec<&str> {
    items.iter().map(|i| i.url.as_str()).collect()
}

#[test]
fn crawls_listings_and_links_like_a_visitor() {
    let Some(ng) = start() else { return };
    let share = ng.url("/share/");
    let (items, summary) = run(&share, &fast());
    let u = |p: &str| ng.url(&format!("/share/{p}"));

    // Every file of the open part, with its content; the listing says who exposed it.
    let files: [(&str, &[u8], &str); 7] = [
        ("a.txt", b"Alpha: the first text file.\n", ""),
        ("b.csv", b"name;town\nKari;Oslo\n", ""),
        ("name%20with%20space.txt", b"spaced", ""),
        ("%C3%86r%C3%B8.txt", b"an island", ""),
        ("sub/c.txt", b"Charlie in a subfolder", "sub/"),
        ("sub/deeper/d.txt", b"Delta, deeper down", "sub/deeper/"),
        ("page.html", PAGE.as_bytes(), ""),
    ];
    for (path, body, listing) in files {
        let i = item(&items, &u(path));
        assert_eq!(i.status, Some(200), "{path}: {i:?}");
        assert_eq!(i.body, body, "{path}");
        assert_eq!(i.size, Some(body.len() as u64), "{path}");
        assert_eq!(i.listed_by.as_deref(), Some(u(listing).as_str()), "{path}");
        assert!(i.error.is_none() && !i.protected && !i.truncated && !i.recording);
        assert!(i.last_modified.is_some(), "{path}");
        assert_eq!(i.transport, Transport::Http);
    }
    assert_eq!(
        item(&items, &u("a.txt")).content_type.as_deref(),
        Some("text/plain")
    );
    assert_eq!(item(&items, &u("sub/deeper/d.txt")).depth, 3);
    for listing in ["", "sub/", "sub/deeper/"] {
        let i = item(&items, &u(listing));
        assert_eq!(i.status, Some(200));
        assert!(String::from_utf8_lossy(&i.body).contains("Index of /share/"));
    }

    // Only a link leads to this one: no listing exposed it.
    let secret = item(&items, &u("nolist/secret.txt"));
    assert_eq!(secret.status, Some(200));
    assert_eq!(secret.body, b"only a link leads here");
    assert_eq!(secret.listed_by, None);
    assert_eq!(secret.found_on.as_deref(), Some(u("page.html").as_str()));
    // The folder itself has no listing: forbidden, but it asked for no credentials.
    let nolist = item(&items, &u("nolist/"));
    assert_eq!(nolist.status, Some(403));
    assert!(!nolist.protected);
    assert!(
        nolist.error.as_deref().unwrap().contains("403"),
        "{nolist:?}"
    );

    // The recording: flagged, only its head fetched.
    let wav = item(&items, &u("hello.wav"));
    assert!(wav.recording);
    assert!(wav.truncated);
    assert_eq!(wav.status, Some(206), "asked with a Range for the head");
    assert_eq!(wav.body.len(), 64 * 1024);
    assert_eq!(&wav.body[..4], b"RIFF");
    assert_eq!(&wav.body[8..12], b"WAVE");
    assert_eq!(wav.size, Some(44 + WAV_SAMPLES as u64));
    assert_eq!(wav.content_type.as_deref(), Some("audio/wav"));
    // An empty one has no head to ask for (416), so it is fetched whole.
    let empty = item(&items, &u("empty.wav"));
    assert_eq!(
        (empty.status, empty.size),
        (Some(200), Some(0)),
        "{empty:?}"
    );
    assert!(empty.recording && !empty.truncated && empty.error.is_none());

    // The protected part: reported, nothing read.
    for p in ["private/", "private/p.txt"] {
        let i = item(&items, &u(p));
        assert_eq!(i.status, Some(401), "{p}");
        assert!(i.protected, "{p}");
        assert!(i.body.is_empty(), "{p}");
        assert!(i.error.is_none(), "{p}");
    }
    assert_eq!(summary.protected, 2);

    // The dead link is an error item, and the crawl went on past it.
    let dead = item(&items, &u("dead.txt"));
    assert_eq!(dead.status, Some(404));
    assert_eq!(dead.error.as_deref(), Some("HTTP 404 Not Found"));
    assert_eq!(dead.found_on.as_deref(), Some(u("page.html").as_str()));
    let dead_at = items.iter().position(|i| i.url == dead.url).unwrap();
    assert!(dead_at + 1 < items.len(), "items follow the dead link");

    // A redirect out of the crawl is reported, not followed.
    let away = item(&items, &u("away"));
    assert_eq!(away.status, Some(302));
    assert!(away.error.as_deref().unwrap().contains("outside the crawl"));

    // Nothing outside the start path, no other host, each URL once, robots.txt unread.
    assert!(
        items.iter().all(|i| i.url.starts_with(&share)),
        "{:#?}",
        urls(&items)
    );
    let mut seen = urls(&items);
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!(seen.len(), before, "a URL reported twice");
    let log = ng.access_log();
    assert!(!log.contains("/outside/"), "{log}");
    assert!(!log.contains("/robots.txt"), "{log}");
    assert!(summary.out_of_scope >= 2, "{summary:?}");
    // The 7 files, 3 listings, the unlisted file and its folder, 2 recordings, 2 protected,
    // the dead link and the redirect.
    assert_eq!(items.len(), 18, "{:#?}", urls(&items));
    assert_eq!(summary.items, 18);
    assert_eq!(summary.errors, 3, "403, 404 and the redirect out");
    assert!(!summary.limit_reached && !summary.stopped);
}

#[test]
fn robots_txt_is_honoured_only_when_asked() {
    let Some(ng) = start() else { return };
    let share = ng.url("/share/");
    let (items, summary) = run(
        &share,
        &WebOptions {
            respect_robots: true,
            ..fast()
        },
    );
    assert!(ng.access_log().contains("GET /robots.txt"));
    assert!(
        !items.iter().any(|i| i.url.contains("/share/sub/")),
        "{:#?}",
        urls(&items)
    );
    assert_eq!(summary.robots_excluded, 1, "the sub/ link of the listing");
    assert_eq!(item(&items, &ng.url("/share/a.txt")).status, Some(200));
}

#[test]
fn credentials_open_the_protected_part() {
    let Some(ng) = start() else { return };
    let opts = WebOptions {
        credentials: Some(("auditor".into(), "s3cret".into())),
        ..fast()
    };
    let (items, _) = run(&ng.url("/share/"), &opts);
    let p = item(&items, &ng.url("/share/private/p.txt"));
    assert_eq!(p.status, Some(200));
    assert!(p.protected, "it still needed credentials");
    assert_eq!(p.body, b"private content");
    assert_eq!(
        item(&items, &ng.url("/share/private/p.txt"))
            .listed_by
            .as_deref(),
        Some(ng.url("/share/private/").as_str()),
        "the private listing, once open, exposes it"
    );
    assert!(!item(&items, &ng.url("/share/a.txt")).protected);

    // Wrong credentials: the content stays closed and the item says why.
    let opts = WebOptions {
        credentials: Some(("auditor".into(), "wrong".into())),
        ..fast()
    };
    let (items, _) = run(&ng.url("/share/private/p.txt"), &opts);
    assert_eq!(items.len(), 1);
    assert!(items[0].protected && items[0].body.is_empty());
    assert!(items[0].error.as_deref().unwrap().contains("refused"));

    // Credentials in the start URL work too, and never appear in a reported URL.
    let start = format!("http://auditor:s3cret@127.0.0.1:{}/share/private/", ng.port);
    let (items, _) = run(&start, &fast());
    assert_eq!(
        item(&items, &ng.url("/share/private/p.txt")).status,
        Some(200)
    );
    assert!(items.iter().all(|i| !i.url.contains("s3cret")));
}

#[test]
fn limits_bound_the_crawl() {
    let Some(ng) = start() else { return };
    let share = ng.url("/share/");

    let (items, summary) = run(
        &share,
        &WebOptions {
            max_urls: 3,
            ..fast()
        },
    );
    assert_eq!(items.len(), 3);
    assert!(summary.limit_reached);

    let (items, summary) = run(
        &share,
        &WebOptions {
            max_depth: 1,
            ..fast()
        },
    );
    item(&items, &ng.url("/share/sub/"));
    assert!(!items.iter().any(|i| i.url.ends_with("c.txt")));
    assert!(!items.iter().any(|i| i.url.ends_with("secret.txt")));
    assert!(summary.too_deep > 0);

    let (items, _) = run(
        &ng.url("/share/a.txt"),
        &WebOptions {
            max_body_bytes: 5,
            ..fast()
        },
    );
    assert_eq!(items[0].body, b"Alpha");
    assert!(items[0].truncated);
    assert_eq!(
        items[0].size,
        Some(28),
        "the whole size, from Content-Length"
    );

    let mut n = 0;
    let summary = crawl(&share, &fast(), &mut |_| {
        n += 1;
        n < 2
    })
    .unwrap();
    assert_eq!(n, 2);
    assert!(summary.stopped);
}

#[test]
fn a_folder_without_its_slash_is_redirected_into() {
    let Some(ng) = start() else { return };
    let (items, _) = run(&ng.url("/share"), &fast());
    assert_eq!(items[0].url, ng.url("/share/"));
    assert_eq!(items[0].status, Some(200));
    item(&items, &ng.url("/share/sub/c.txt"));
}

#[test]
fn unreachable_servers_and_bad_start_urls_are_reported() {
    let port = free_port(); // closed again: nothing listens there
    let (items, summary) = run(&format!("http://127.0.0.1:{port}/x/"), &fast());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].status, None);
    let e = items[0].error.as_deref().unwrap();
    assert!(e.contains("refused"), "{e}");
    assert_eq!(summary.errors, 1);

    for bad in ["ftp://example.org/", "no url at all", "file:///etc/"] {
        let e = crawl(bad, &fast(), &mut |_| true).unwrap_err();
        assert!(e.contains("http"), "{bad}: {e}");
    }
}

#[test]
fn https_with_a_self_signed_certificate() {
    let Some(ng) = start() else { return };
    let Some(port) = ng.tls_port else {
        println!("SKIPPED: openssl not installed (apt-get install openssl)");
        return;
    };
    let share = format!("https://127.0.0.1:{port}/share/");
    let (items, _) = run(&share, &fast());
    assert_eq!(items.len(), 1);
    let e = items[0].error.as_deref().unwrap();
    assert!(
        e.contains("TLS") && e.contains("accept_invalid_certs"),
        "{e}"
    );
    assert_eq!(items[0].transport, Transport::Https);

    let opts = WebOptions {
        accept_invalid_certs: true,
        ..fast()
    };
    let (items, _) = run(&share, &opts);
    let a = item(&items, &format!("{share}a.txt"));
    assert_eq!(a.status, Some(200));
    assert_eq!(a.transport, Transport::Https);
    assert_eq!(a.body, b"Alpha: the first text file.\n");
}

/// A server on a thread that answers every request with `answer(path)` and closes the
/// connection: for responses nginx would never send.
fn misbehaving_server(answer: fn(&str) -> Vec<u8>) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in l.incoming().flatten() {
            let mut r = BufReader::new(conn);
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            let path = line.split(' ').nth(1).unwrap_or("/").to_string();
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let _ = r.get_mut().write_all(&answer(&path));
        }
    });
    port
}

#[test]
fn misbehaving_servers_become_error_items() {
    // Not HTTP at all.
    let port = misbehaving_server(|_| b"SSH-2.0-OpenSSH\r\n\r\n".to_vec());
    let (items, _) = run(&format!("http://127.0.0.1:{port}/"), &fast());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].status, None);
    assert!(items[0].error.is_some());

    // An endless redirect chain stops at the limit.
    let port = misbehaving_server(|path| {
        let n: u32 = path.trim_start_matches("/r/").parse().unwrap_or(0);
        format!(
            // It closes every connection, and says so: a client may not reuse it.
            "HTTP/1.1 302 Found\r\nLocation: /r/{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            n + 1
        )
        .into_bytes()
    });
    let (items, summary) = run(&format!("http://127.0.0.1:{port}/r/"), &fast());
    assert_eq!(items.len(), 1, "{:#?}", urls(&items));
    let e = items[0].error.as_deref().unwrap();
    assert!(e.contains("more than 5 redirects"), "{e}");
    assert_eq!(summary.requests, 6);

    // A huge page of unterminated links, without a length: read to the limit, links from its
    // start only, no panic.
    let port = misbehaving_server(|path| {
        if path != "/" {
            return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".to_vec();
        }
        let mut r =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n".to_vec();
        for i in 0..200_000 {
            r.extend_from_slice(format!("<a href=\"p{i}\"><a href='\0").as_bytes());
            r.push(0xff);
        }
        r
    });
    let opts = WebOptions {
        max_body_bytes: 1 << 20,
        max_html_bytes: 4096,
        max_depth: 1,
        ..fast()
    };
    let (items, _) = run(&format!("http://127.0.0.1:{port}/"), &opts);
    assert!(items[0].truncated);
    assert_eq!(items[0].body.len(), 1 << 20);
    assert_eq!(items[0].size, None, "the server did not say");
    assert!(items.len() > 1 && items.len() < 300, "{}", items.len());
    assert!(items[1..].iter().all(|i| i.body == b"ok"));
}
