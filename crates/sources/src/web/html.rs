//! A tolerant scanner over HTML tags that finds links and recognises directory listings.
//!
//! Hand-written instead of `html5ever`/`scraper`: the crawler only needs the `href` and `src`
//! attributes of a few tags, `<base>`, and the page title, and a full HTML5 tree builder would
//! add a dozen crates and build a DOM for every page. The scanner reads bytes, never
//! allocates more than the links it returns (each bounded), runs in linear time, and treats
//! anything it does not understand as text, so hostile pages (unterminated tags, huge
//! attributes, NUL bytes, invalid UTF-8) cost nothing but their length.

/// Links longer than this are not links a server lists; they are skipped.
const MAX_LINK_BYTES: usize = 8 * 1024;
/// At most this many links are taken from one page.
const MAX_LINKS: usize = 100_000;
/// The title is read up to this many bytes (enough to recognise a listing).
const MAX_TITLE_BYTES: usize = 1024;

/// What a page holds for the crawler.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Page {
    /// Link targets as written (entities decoded, whitespace trimmed), in document order.
    pub links: Vec<String>,
    /// The first `<base href>`, which relative links resolve against.
    pub base: Option<String>,
    /// The page is a server-generated directory listing (Apache, nginx, IIS, lighttpd,
    /// Python's http.server).
    pub listing: bool,
}

/// Scans `html` for links and listing marks.
pub(crate) fn scan(html: &[u8]) -> Page {
    let mut page = Page::default();
    let mut title: Option<String> = None;
    let mut i = 0;
    while let Some(off) = find_byte(html, i, b'<') {
        let lt = off;
        i = lt + 1;
        if html.get(i..i + 3) == Some(b"!--") {
            i = find(html, i + 3, b"-->").map_or(html.len(), |e| e + 3);
            continue;
        }
        let closing = html.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let mut j = name_start;
        while j < html.len() && html[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == name_start {
            // A '<' in text, `<!doctype`, `<?xml`: not a tag that matters.
            continue;
        }
        let name = tag_name(&html[name_start..j]);
        let wanted = if closing { None } else { link_attr(name) };
        let (end, value) = attributes(html, j, wanted);
        i = end;
        if closing {
            continue;
        }
        if let Some(v) = value {
            if name == TagName::Base {
                if page.base.is_none() {
                    page.base = Some(v);
                }
            } else if page.links.len() < MAX_LINKS {
                page.links.push(v);
            }
        }
        match name {
            TagName::Title if title.is_none() => {
                let stop = find_byte(html, i, b'<').unwrap_or(html.len());
                let text = &html[i..stop.min(i + MAX_TITLE_BYTES)];
                title = Some(decode(&String::from_utf8_lossy(text)));
            }
            // Raw text: a `<` inside a script or style is not a tag.
            TagName::Script => i = skip_raw(html, i, b"</script"),
            TagName::Style => i = skip_raw(html, i, b"</style"),
            _ => {}
        }
    }
    page.listing = title.as_deref().is_some_and(is_listing_title)
        // IIS puts the host and path in the title, but always this link text.
        || find(html, 0, b"[To Parent Directory]").is_some();
    page
}

/// The titles that servers give their generated listings.
fn is_listing_title(t: &str) -> bool {
    let t = t.trim().to_ascii_lowercase();
    t.starts_with("index of ") || t.starts_with("directory listing for ")
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum TagName {
    /// Tags whose `href` is a link (`a`, `area`).
    Href,
    /// Tags whose `src` is a resource (media, images, frames).
    Src,
    Base,
    Title,
    Script,
    Style,
    Other,
}

fn tag_name(raw: &[u8]) -> TagName {
    let lower = |s: &[u8]| -> Option<[u8; 8]> {
        let mut buf = [0u8; 8];
        if s.len() > buf.len() {
            return None;
        }
        for (d, c) in buf.iter_mut().zip(s) {
            *d = c.to_ascii_lowercase();
        }
        Some(buf)
    };
    let Some(buf) = lower(raw) else {
        return TagName::Other;
    };
    match &buf[..raw.len()] {
        b"a" | b"area" => TagName::Href,
        b"img" | b"audio" | b"video" | b"source" | b"iframe" | b"frame" | b"embed" | b"track" => {
            TagName::Src
        }
        b"base" => TagName::Base,
        b"title" => TagName::Title,
        b"script" => TagName::Script,
        b"style" => TagName::Style,
        _ => TagName::Other,
    }
}

fn link_attr(t: TagName) -> Option<&'static [u8]> {
    match t {
        TagName::Href | TagName::Base => Some(b"href"),
        TagName::Src => Some(b"src"),
        _ => None,
    }
}

/// Reads the attributes of a tag from `i` (just after its name) to its `>`. Returns the
/// index after the tag and the decoded value of the attribute `wanted`, if present.
fn attributes(b: &[u8], mut i: usize, wanted: Option<&[u8]>) -> (usize, Option<String>) {
    let mut found = None;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        match b.get(i) {
            None => return (b.len(), found),
            Some(b'>') => return (i + 1, found),
            _ => {}
        }
        let name_start = i;
        while i < b.len() && !matches!(b[i], b'=' | b'>' | b'/') && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &b[name_start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            // An attribute without a value; the loop above has consumed at least one byte
            // (or stops at '/', '>' or the end), so the scan moves on.
            if i == name_start {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, next) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = find_byte(b, i + 1, q).unwrap_or(b.len());
                (&b[i + 1..end], (end + 1).min(b.len()))
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b'>' && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                (&b[start..i], i)
            }
        };
        i = next;
        if found.is_none()
            && wanted.is_some_and(|w| name.eq_ignore_ascii_case(w))
            && value.len() <= MAX_LINK_BYTES
        {
            let v = decode(&String::from_utf8_lossy(value));
            let v = v.trim_matches(|c: char| c.is_ascii_whitespace());
            if !v.is_empty() {
                found = Some(v.to_string());
            }
        }
    }
}

/// Skips the raw text of a `<script>` or `<style>` up to its end tag (not consumed, so the
/// main loop reads it as a closing tag).
fn skip_raw(b: &[u8], from: usize, end_tag: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = find_byte(b, i, b'<') {
        if b.get(p..p + end_tag.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(end_tag))
        {
            return p;
        }
        i = p + 1;
    }
    b.len()
}

/// Decodes the character references that appear in URLs and titles (`&amp;` above all,
/// which nginx and Apache write for `&`). Unknown or malformed references stay as written.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.get(1..).and_then(|r| r.find(';')).map(|e| e + 1);
        let decoded = end.filter(|&e| e <= 10).and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let n = if let Some(h) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|p| p + from)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while let Some(p) = find_byte(b, i, first) {
        if b.get(p..p + needle.len()) == Some(needle) {
            return Some(p);
        }
        i = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_of_anchors_and_media() {
        let p = scan(
            br#"<html><head><title>Team</title><base href="/root/"></head><body>
            <a href="one.txt">1</a> <A HREF='two.txt'>2</A> <a href=three.txt>3</a>
            <a class=x href = " spaced.txt ">s</a> <a name="top">no link</a>
            <img src="p.jpg" alt="a > b"> <video src=v.mp4></video>
            <audio><source src="s.wav" type="audio/wav"></audio>
            <iframe src="f.html"></iframe> <a href="q?a=1&amp;b=2">q</a>
            <!-- <a href="commented.txt"> --> <script>if (a<b) { x = '<a href="js.txt">' }</script>
            <a href="after-script.txt">ok</a></body></html>"#,
        );
        assert_eq!(
            p.links,
            [
                "one.txt",
                "two.txt",
                "three.txt",
                "spaced.txt",
                "p.jpg",
                "v.mp4",
                "s.wav",
                "f.html",
                "q?a=1&b=2",
                "after-script.txt"
            ]
        );
        assert_eq!(p.base.as_deref(), Some("/root/"));
        assert!(!p.listing);
    }

    #[test]
    fn recognises_listings_of_apache_nginx_and_iis() {
        let nginx = b"<html>\r\n<head><title>Index of /share/</title></head>\r\n<body>\r\n\
            <h1>Index of /share/</h1><hr><pre><a href=\"../\">../</a>\r\n\
            <a href=\"a%20b.txt\">a b.txt</a>       01-Jan-2024 10:00     12\r\n</pre><hr></body>\r\n</html>";
        let p = scan(nginx);
        assert!(p.listing);
        assert_eq!(p.links, ["../", "a%20b.txt"]);
        let apache = br#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"><html><head>
            <title>Index of /docs</title></head><body><h1>Index of /docs</h1><table>
            <tr><th><a href="?C=N;O=D">Name</a></th></tr>
            <tr><td><a href="/">Parent Directory</a></td></tr>
            <tr><td><a href="x.pdf">x.pdf</a></td></tr></table></body></html>"#;
        assert!(scan(apache).listing);
        let iis = br#"<html><head><title>host - /files/</title></head><body><H1>host - /files/</H1><hr>
            <pre><A HREF="/">[To Parent Directory]</A><br><br> 1/1/2024 10:00 AM 12 <A HREF="/files/a.txt">a.txt</A><br></pre><hr></body></html>"#;
        let p = scan(iis);
        assert!(p.listing);
        assert_eq!(p.links, ["/", "/files/a.txt"]);
        assert!(!scan(b"<title>Indexing policy</title>").listing);
    }

    #[test]
    fn decodes_references() {
        assert_eq!(decode("a&amp;b&#38;c&#x26;d"), "a&b&c&d");
        assert_eq!(decode("&bogus; & &#xZZ; &"), "&bogus; & &#xZZ; &");
        assert_eq!(decode("&#1114112;"), "&#1114112;");
    }

    /// A small deterministic generator, so that the test needs no crate and fails the same
    /// way every time.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn survives_hostile_html() {
        let huge = "x".repeat(MAX_LINK_BYTES * 4);
        let hostile: Vec<Vec<u8>> = vec![
            b"<".to_vec(),
            b"<a".to_vec(),
            b"<a href".to_vec(),
            b"<a href=".to_vec(),
            b"<a href=\"unterminated".to_vec(),
            b"<a href='x' <a href=\"y\"".to_vec(),
            b"<!--".to_vec(),
            b"<script>".to_vec(),
            b"<title>".to_vec(),
            b"&#;&#x;&;&&&".to_vec(),
            b"<a \0href=\"\0\">\0</a>".to_vec(),
            b"<a href=\"\xff\xfe\xc3(\">".to_vec(),
            format!("<a href=\"{huge}\">").into_bytes(),
            format!("<a {huge}=1 href=ok>").into_bytes(),
            b"<<<<<<<<///>>>>=\"'=\"".repeat(1000),
            b"<a href=1 href=2 href=3>".repeat(10),
        ];
        for h in &hostile {
            let p = scan(h);
            assert!(p.links.iter().all(|l| l.len() <= MAX_LINK_BYTES));
        }
        // The huge attribute name does not hide the link after it; the huge link is dropped.
        assert_eq!(scan(&hostile[13]).links, ["ok"]);
        assert!(scan(&hostile[12]).links.is_empty());
        assert_eq!(
            scan(b"<a href=\"\xff.txt\">").links,
            ["\u{fffd}.txt"],
            "invalid UTF-8 is replaced, not a reason to fail"
        );
        // Random soups of the bytes that steer the scanner.
        let alphabet = b"<>/=\"' \t\nahrefsrcimgtitlescript!-&#;x\0\xff";
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let len = (rng.next() % 400) as usize;
            let doc: Vec<u8> = (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect();
            let p = scan(&doc);
            assert!(p.links.len() <= doc.len());
        }
        // Plain random bytes too.
        for _ in 0..500 {
            let len = (rng.next() % 2000) as usize;
            let doc: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = scan(&doc);
        }
    }
}
