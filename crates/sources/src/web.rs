//! The web-server source: a polite crawler of a web server the user is responsible for.
//!
//! It sees what an anonymous visitor sees: it follows links (`<a href>`, and the `src` of
//! media, images and frames) and directory listings from a start URL, staying on the same
//! scheme, host and port and under the start path, and reports every URL it fetched as a
//! [`WebItem`]. robots.txt is not read unless asked: an audit must see what an attacker
//! sees. Everything that comes from the network is bounded (requests per second, depth,
//! number of URLs, redirects, body bytes, bytes read for links) and every failure becomes an
//! item with a reason; the crawl goes on.
//!
//! HTTP is `ureq` (blocking, no async runtime, rustls for https); links are resolved with
//! `url` and found by the small tag scanner in `web/html.rs`.
//!
//! robots.txt (only with [`WebOptions::respect_robots`]) is read by hand, in
//! `robots_disallowed`: every `Disallow` of the `User-agent: *` groups is a path prefix, cut at
//! a wildcard (which disallows more, never less), and `Allow` is not read. The two parsers on
//! crates.io were weighed. `robotstxt` (a port of Google's matcher, no dependencies) and
//! `texting_robots` (which pulls nom, regex, bstr 0.2, anyhow, thiserror 1 and lazy_static)
//! both implement the whole standard: `Allow` lines, wildcard matching and the group of our
//! own user agent, so either would crawl more than this reading does, which for an opt-in
//! courtesy is a change of behaviour, not a gain; `robotstxt` also parses the whole file again
//! for every URL asked about. Forty lines that only ever skip more were kept.

mod html;

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::time::{Duration, Instant};

use url::Url;

use crate::exposure::Transport;

/// How to crawl.
#[derive(Clone, Debug)]
pub struct WebOptions {
    /// At most this many requests per second (polite to a production server); `0` means no
    /// pause at all (tests, a server on the same machine).
    pub rate_per_second: f64,
    /// Links are followed this many steps from the start URL (the start is depth 0).
    pub max_depth: u32,
    /// At most this many URLs are fetched and reported; the crawl then stops with
    /// [`CrawlSummary::limit_reached`].
    pub max_urls: usize,
    /// A body is read up to this many bytes; the item of a longer one is `truncated`.
    pub max_body_bytes: u64,
    /// Of a recording (audio, video) only this many first bytes are fetched: enough for its
    /// header, which says what it is and how long.
    pub recording_head_bytes: u64,
    /// Links are read from at most this many first bytes of an HTML page.
    pub max_html_bytes: usize,
    /// Redirects followed per URL (only to URLs inside the crawl).
    pub max_redirects: u32,
    /// Time allowed to connect, to receive the response headers, and for each read.
    pub timeout: Duration,
    /// Time allowed to read one whole body (a server trickling bytes is cut off).
    pub body_timeout: Duration,
    /// Read `/robots.txt` and skip what its `User-agent: *` group disallows. Off by default.
    pub respect_robots: bool,
    /// Accept certificates that do not verify (self-signed, expired, wrong name), for
    /// servers on an intranet. Off by default; a failure is then reported with its reason.
    pub accept_invalid_certs: bool,
    /// The `User-Agent` sent, so that the server's owner can recognise the audit in logs.
    pub user_agent: String,
    /// User name and password sent (HTTP Basic) when the server asks for credentials.
    /// Credentials in the start URL (`https://user:pass@host/`) are used when this is `None`.
    pub credentials: Option<(String, String)>,
    /// `--exclude` and `--include`, over URL paths relative to the start folder (decoded).
    pub globs: crate::globs::Globs,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            rate_per_second: 5.0,
            max_depth: 10,
            max_urls: 100_000,
            max_body_bytes: 64 * 1024 * 1024,
            recording_head_bytes: 64 * 1024,
            max_html_bytes: 4 * 1024 * 1024,
            max_redirects: 5,
            timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(600),
            respect_robots: false,
            accept_invalid_certs: false,
            user_agent: format!(
                "datavakt/{} (personal data audit)",
                env!("CARGO_PKG_VERSION")
            ),
            credentials: None,
            globs: crate::globs::Globs::default(),
        }
    }
}

/// One URL the crawl fetched (or tried to).
#[derive(Clone, Debug, Default)]
pub struct WebItem {
    /// The URL, normalised, after redirects, without credentials.
    pub url: String,
    /// The HTTP status; `None` when no response came (connection refused, timeout, TLS).
    pub status: Option<u16>,
    /// The server asked for credentials (401, or 403 with `WWW-Authenticate`). Without
    /// [`WebOptions::credentials`] no content is read; with them this stays `true` and the
    /// body is the content the credentials opened.
    pub protected: bool,
    /// `"http"` (plain, readable on the wire) or `"https"`.
    pub transport: Transport,
    /// The directory listing that exposed this URL, if it was found in one.
    pub listed_by: Option<String>,
    /// The page whose link or listing led here (`None` for the start URL).
    pub found_on: Option<String>,
    /// Links followed from the start URL to reach this one.
    pub depth: u32,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The size in bytes: the whole resource's (from `Content-Length` or `Content-Range`)
    /// when the server said it, else what was read when the body was read to its end.
    pub size: Option<u64>,
    /// The `Last-Modified` header, as sent.
    pub last_modified: Option<String>,
    /// The body, or its first bytes when `truncated`; empty for protected and error items.
    pub body: Vec<u8>,
    /// The body is longer than what was read ([`WebOptions::max_body_bytes`], or the head
    /// of a recording).
    pub truncated: bool,
    /// Audio or video (by content type or file extension): only its head was fetched.
    pub recording: bool,
    /// Why this URL could not be read (network failure, an error status, a redirect out of
    /// the crawl, a body cut short); `None` for a successful fetch and for protected items.
    pub error: Option<String>,
}

/// What a crawl did, for the scan's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrawlSummary {
    /// Items reported.
    pub items: usize,
    /// HTTP requests sent (redirects, credential retries and robots.txt included).
    pub requests: usize,
    /// Items with an error.
    pub errors: usize,
    /// Items that asked for credentials.
    pub protected: usize,
    /// URLs skipped because robots.txt disallows them (only with `respect_robots`).
    pub robots_excluded: usize,
    /// Links not followed because they lead outside the crawl (another host, scheme or port,
    /// or outside the start path).
    pub out_of_scope: usize,
    /// Links not followed because `--exclude` or `--include` leaves them out.
    pub excluded: usize,
    /// Links not followed because they are deeper than [`WebOptions::max_depth`].
    pub too_deep: usize,
    /// URLs were left unvisited because of [`WebOptions::max_urls`].
    pub limit_reached: bool,
    /// The visitor stopped the crawl.
    pub stopped: bool,
}

/// Crawls from `start` and calls `visit` with every item, in breadth-first order; `visit`
/// returning `false` stops the crawl. An `Err` (with what to do) only for a start URL that
/// cannot be crawled; everything after that is reported as items.
pub fn crawl(
    start: &str,
    opts: &WebOptions,
    visit: &mut dyn FnMut(WebItem) -> bool,
) -> Result<CrawlSummary, String> {
    let (start, scope, url_credentials) = parse_start(start)?;
    let mut c = Crawler {
        agent: agent(opts),
        opts,
        credentials: opts.credentials.clone().or(url_credentials),
        scope,
        pacer: Pacer::new(opts.rate_per_second),
        robots: Vec::new(),
        summary: CrawlSummary::default(),
    };
    if opts.respect_robots {
        c.robots = c.fetch_robots();
    }
    let mut known: HashMap<String, usize> = HashMap::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    let first = Node {
        url: start,
        depth: 0,
        listed_by: None,
        found_on: None,
        done: false,
    };
    if c.allowed_by_robots(&first.url) {
        known.insert(first.url.to_string(), 0);
        nodes.push(first);
        queue.push_back(0);
    } else {
        c.summary.robots_excluded += 1;
    }
    while let Some(n) = queue.pop_front() {
        if c.summary.items >= opts.max_urls {
            c.summary.limit_reached = true;
            break;
        }
        nodes[n].done = true;
        let node = nodes[n].clone();
        let Some(fetched) = c.fetch(&node, &mut known, n) else {
            continue; // a redirect to a URL that is reported on its own
        };
        let Fetched { mut item, page } = fetched;
        item.listed_by = node.listed_by.clone();
        item.found_on = node.found_on.clone();
        item.depth = node.depth;
        let page_url = Url::parse(&item.url).ok();
        let ok = item.error.is_none();
        c.summary.items += 1;
        c.summary.errors += usize::from(!ok);
        c.summary.protected += usize::from(item.protected);
        if !visit(item) {
            c.summary.stopped = true;
            break;
        }
        let (Some(page), Some(page_url)) = (page, page_url) else {
            continue;
        };
        let base = page
            .base
            .as_deref()
            .and_then(|b| page_url.join(b).ok())
            .unwrap_or_else(|| page_url.clone());
        for link in &page.links {
            // Apache's sort links (`?C=N;O=D`) are the listing again in another order.
            if page.listing && link.starts_with('?') {
                continue;
            }
            let Ok(target) = base.join(link) else {
                continue;
            };
            let target = normalise(target);
            if target == page_url {
                continue;
            }
            if !c.scope.contains(&target) {
                c.summary.out_of_scope += 1;
                continue;
            }
            if !opts.globs.is_empty() {
                let rel = c.scope.relative(&target);
                if !opts.globs.allows(&rel, target.path().ends_with('/')) {
                    c.summary.excluded += 1;
                    continue;
                }
            }
            let key = target.to_string();
            if let Some(&k) = known.get(&key) {
                // Found again: a listing that shows it is worth recording even when a link
                // came first, as long as it is not reported yet.
                // (URLs that robots.txt excludes are known without a node.)
                if let Some(other) = nodes.get_mut(k) {
                    if page.listing && other.listed_by.is_none() && !other.done {
                        other.listed_by = Some(page_url.to_string());
                    }
                }
                continue;
            }
            if node.depth >= opts.max_depth {
                c.summary.too_deep += 1;
                continue;
            }
            if !c.allowed_by_robots(&target) {
                c.summary.robots_excluded += 1;
                known.insert(key, NO_NODE);
                continue;
            }
            if known.len() >= opts.max_urls {
                // Never more URLs in memory than will be fetched.
                c.summary.limit_reached = true;
                continue;
            }
            let id = nodes.len();
            known.insert(key, id);
            nodes.push(Node {
                url: target,
                depth: node.depth + 1,
                listed_by: page.listing.then(|| page_url.to_string()),
                found_on: Some(page_url.to_string()),
                done: false,
            });
            queue.push_back(id);
        }
    }
    Ok(c.summary)
}

/// The node index of a URL that is known but not visited (excluded by robots.txt).
const NO_NODE: usize = usize::MAX;

/// A URL waiting in the crawl.
#[derive(Clone)]
struct Node {
    url: Url,
    depth: u32,
    listed_by: Option<String>,
    found_on: Option<String>,
    done: bool,
}

struct Fetched {
    item: WebItem,
    /// The scanned page, for an HTML item that was read.
    page: Option<html::Page>,
}

struct Crawler<'o> {
    agent: ureq::Agent,
    opts: &'o WebOptions,
    /// Sent only after a challenge, never up front: an audit must tell what is open to
    /// anyone from what needs credentials.
    credentials: Option<(String, String)>,
    scope: Scope,
    pacer: Pacer,
    /// Disallowed path prefixes from robots.txt.
    robots: Vec<String>,
    summary: CrawlSummary,
}

/// A response's headers that the crawler uses.
struct Head {
    status: u16,
    content_type: Option<String>,
    last_modified: Option<String>,
    content_length: Option<u64>,
    /// The total size from a `Content-Range` of a 206 response.
    range_total: Option<u64>,
    location: Option<String>,
    authenticate: Option<String>,
    /// The server asked for credentials and the request was repeated with them.
    challenged: bool,
}

impl Crawler<'_> {
    /// Fetches `node` and follows redirects inside the crawl. `None` when a redirect leads to
    /// a URL already known (it has or will have its own item).
    fn fetch(
        &mut self,
        node: &Node,
        known: &mut HashMap<String, usize>,
        id: usize,
    ) -> Option<Fetched> {
        let mut url = node.url.clone();
        let mut redirects = 0;
        loop {
            let recording_by_name = is_recording_name(url.path());
            let (head, body) = match self.request(&url, recording_by_name) {
                Ok(r) => r,
                Err(e) => return Some(error_item(&url, None, e)),
            };
            if (300..400).contains(&head.status) && head.status != 304 {
                let Some(loc) = &head.location else {
                    return Some(error_item(
                        &url,
                        Some(head.status),
                        format!("HTTP {} without a Location to go to", head.status),
                    ));
                };
                let Ok(target) = url.join(loc).map(normalise) else {
                    return Some(error_item(
                        &url,
                        Some(head.status),
                        format!("redirect to an unreadable location: {loc:.200}"),
                    ));
                };
                if !self.scope.contains(&target) {
                    let mut shown = target;
                    let _ = shown.set_username("");
                    let _ = shown.set_password(None);
                    return Some(error_item(
                        &url,
                        Some(head.status),
                        format!("redirects outside the crawl, to {shown}: not followed"),
                    ));
                }
                if redirects >= self.opts.max_redirects {
                    return Some(error_item(
                        &url,
                        Some(head.status),
                        format!("more than {} redirects", self.opts.max_redirects),
                    ));
                }
                if !self.allowed_by_robots(&target) {
                    self.summary.robots_excluded += 1;
                    return None;
                }
                let key = target.to_string();
                if known.get(&key).is_some_and(|&k| k != id) {
                    return None;
                }
                known.insert(key, id);
                redirects += 1;
                url = target;
                continue;
            }
            return Some(self.read(url, head, body, recording_by_name));
        }
    }

    /// Turns a final (non-redirect) response into an item, reading its body within bounds.
    fn read(&self, url: Url, head: Head, body: ureq::Body, by_name: bool) -> Fetched {
        let mut item = WebItem {
            transport: transport(&url),
            status: Some(head.status),
            content_type: head.content_type.clone(),
            last_modified: head.last_modified.clone(),
            size: head.range_total.or(head.content_length),
            ..WebItem::default()
        };
        item.url = url.to_string();
        let refused = head.status == 401 || (head.status == 403 && head.authenticate.is_some());
        item.protected = refused || head.challenged;
        if refused {
            item.size = None;
            if head.challenged {
                item.error = Some(format!(
                    "{}: the credentials given were refused",
                    status_reason(head.status)
                ));
            }
            return Fetched { item, page: None };
        }
        if !(200..300).contains(&head.status) {
            item.size = None;
            item.error = Some(status_reason(head.status));
            return Fetched { item, page: None };
        }
        let mime = head.content_type.as_deref().map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
        item.recording = by_name
            || mime
                .as_deref()
                .is_some_and(|m| m.starts_with("audio/") || m.starts_with("video/"));
        let limit = if item.recording {
            self.opts.recording_head_bytes.min(self.opts.max_body_bytes)
        } else {
            self.opts.max_body_bytes
        };
        let mut buf =
            Vec::with_capacity(head.content_length.unwrap_or(0).min(limit).min(1 << 20) as usize);
        let read = body
            .into_with_config()
            .limit(u64::MAX)
            .reader()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf);
        if let Err(e) = read {
            item.error = Some(format!("the body was cut short: {}", describe_io(&e)));
            item.truncated = true;
        }
        if buf.len() as u64 > limit {
            buf.truncate(limit as usize);
            item.truncated = true;
        }
        if let Some(total) = head.range_total {
            item.truncated |= total > buf.len() as u64;
        }
        if item.size.is_none() && !item.truncated {
            item.size = Some(buf.len() as u64);
        }
        let is_html = match mime.as_deref() {
            Some(m) => m == "text/html" || m == "application/xhtml+xml",
            None => looks_like_html(&buf),
        };
        let page = (is_html && !item.recording)
            .then(|| html::scan(&buf[..buf.len().min(self.opts.max_html_bytes)]));
        item.body = buf;
        Fetched { item, page }
    }

    /// Sends one GET (paced), retrying once with credentials when the server asks for them.
    fn request(&mut self, url: &Url, head_only: bool) -> Result<(Head, ureq::Body), String> {
        let mut with_credentials = false;
        let mut ranged = head_only;
        loop {
            self.pacer.wait();
            self.summary.requests += 1;
            let mut req = self.agent.get(url.as_str());
            if ranged {
                // A recording: ask for its head only. A server that ignores ranges sends it
                // whole and the read stops at the limit.
                let last = self.opts.recording_head_bytes.min(self.opts.max_body_bytes);
                req = req.header("Range", format!("bytes=0-{}", last.saturating_sub(1)));
            }
            if with_credentials {
                if let Some((user, pass)) = &self.credentials {
                    req = req.header("Authorization", basic_auth(user, pass));
                }
            }
            let resp = req.call().map_err(|e| describe_error(&e))?;
            let (parts, body) = resp.into_parts();
            let h = |name: &str| {
                parts
                    .headers
                    .get(name)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
            };
            let head = Head {
                status: parts.status.as_u16(),
                content_type: h("content-type"),
                last_modified: h("last-modified"),
                content_length: h("content-length").and_then(|v| v.parse().ok()),
                range_total: (parts.status.as_u16() == 206)
                    .then(|| h("content-range"))
                    .flatten()
                    .and_then(|v| v.rsplit('/').next().and_then(|t| t.trim().parse().ok())),
                location: h("location"),
                authenticate: h("www-authenticate"),
                challenged: with_credentials,
            };
            let basic = head
                .authenticate
                .as_deref()
                .is_some_and(|a| a.trim_start().to_ascii_lowercase().starts_with("basic"));
            if head.status == 416 && ranged {
                // An empty recording has no first bytes to send: ask for it whole.
                drop(body);
                ranged = false;
                continue;
            }
            if head.status == 401 && basic && !with_credentials && self.credentials.is_some() {
                drop(body);
                with_credentials = true;
                continue;
            }
            return Ok((head, body));
        }
    }

    /// The `Disallow` prefixes of robots.txt's `User-agent: *` group; none when it cannot be
    /// read.
    fn fetch_robots(&mut self) -> Vec<String> {
        let Ok(url) = self.scope.origin.join("/robots.txt") else {
            return Vec::new();
        };
        self.pacer.wait();
        self.summary.requests += 1;
        let Ok(resp) = self.agent.get(url.as_str()).call() else {
            return Vec::new();
        };
        if resp.status().as_u16() != 200 {
            return Vec::new();
        }
        let mut text = Vec::new();
        let read = resp
            .into_body()
            .into_with_config()
            .limit(u64::MAX)
            .reader()
            .take(512 * 1024)
            .read_to_end(&mut text);
        if read.is_err() {
            return Vec::new();
        }
        robots_disallowed(&String::from_utf8_lossy(&text))
    }

    fn allowed_by_robots(&self, url: &Url) -> bool {
        let path = url.path();
        !self.robots.iter().any(|p| path.starts_with(p.as_str()))
    }
}

/// The `Disallow` prefixes of the groups that apply to every crawler (`User-agent: *`).
/// Wildcards inside a rule are not interpreted (a rule is cut at its first `*` or `$`, which
/// disallows more, never less).
fn robots_disallowed(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_star = false;
    let mut agents_line = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let field = field.trim().to_ascii_lowercase();
        let value = value.trim();
        match field.as_str() {
            "user-agent" => {
                // Consecutive User-agent lines open one group together.
                if !agents_line {
                    in_star = false;
                }
                in_star |= value == "*";
                agents_line = true;
            }
            "disallow" => {
                agents_line = false;
                let rule = value.split(['*', '$']).next().unwrap_or("");
                if in_star && !rule.is_empty() {
                    out.push(rule.to_string());
                }
            }
            _ => agents_line = false,
        }
    }
    out
}

/// The URLs a crawl may visit.
struct Scope {
    origin: Url,
    /// Every URL's path starts with this (it ends with `/`).
    prefix: String,
}

impl Scope {
    /// `u`'s path below the start folder, percent-decoded (for `--exclude`/`--include`).
    fn relative(&self, u: &Url) -> String {
        let rest = u.path().strip_prefix(&self.prefix).unwrap_or_default();
        percent_encoding::percent_decode_str(rest)
            .decode_utf8_lossy()
            .into_owned()
    }

    fn contains(&self, u: &Url) -> bool {
        u.scheme() == self.origin.scheme()
            && u.host_str() == self.origin.host_str()
            && u.port_or_known_default() == self.origin.port_or_known_default()
            && (u.path().starts_with(&self.prefix)
                // The folder without its slash, which servers redirect to the folder.
                || self.prefix.strip_suffix('/') == Some(u.path()))
    }
}

type UrlCredentials = Option<(String, String)>;

/// Parses and checks the start URL; its path gives the prefix the crawl stays under: the
/// path itself when it ends with `/` or its last segment has no dot (a folder, which the
/// server may redirect to with a `/`), else the folder of the file.
fn parse_start(start: &str) -> Result<(Url, Scope, UrlCredentials), String> {
    let mut url = Url::parse(start.trim()).map_err(|e| {
        format!("{start:?} is not a URL ({e}); give one like https://www.example.org/files/")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{start:?} is not a web address: only http:// and https:// URLs can be crawled"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "{start:?} has no host; give one like https://www.example.org/"
        ));
    }
    let credentials = (!url.username().is_empty()).then(|| {
        let dec = |s: &str| percent_decode(s);
        (dec(url.username()), dec(url.password().unwrap_or("")))
    });
    // Credentials never appear in a reported URL.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let url = normalise(url);
    let path = url.path();
    let last = path.rsplit('/').next().unwrap_or("");
    let prefix = if path.ends_with('/') {
        path.to_string()
    } else if last.contains('.') {
        path[..path.len() - last.len()].to_string()
    } else {
        format!("{path}/")
    };
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    Ok((url, Scope { origin, prefix }, credentials))
}

/// One spelling per URL, so that a URL is fetched once: no fragment, and percent-encoding
/// with upper-case hex digits and unreserved characters decoded (`%7e` and `~` are the same
/// URL). `url` has already resolved dot segments, lower-cased the host and dropped a default
/// port.
fn normalise(mut u: Url) -> Url {
    u.set_fragment(None);
    let path = normalise_percent(u.path());
    if path != u.path() {
        u.set_path(&path);
    }
    if let Some(q) = u.query() {
        let q2 = normalise_percent(q);
        if q2 != q {
            u.set_query(Some(&q2));
        }
    }
    u
}

fn normalise_percent(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            ) {
                let c = h * 16 + l;
                if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
                    out.push(c as char);
                } else {
                    out.push_str(&format!("%{c:02X}"));
                }
                i += 3;
                continue;
            }
        }
        // `s` is a serialised URL part: ASCII, so bytes are characters.
        out.push(b[i] as char);
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` escapes (an escape that is not one stays as it is), as UTF-8 with
/// replacement characters.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// File extensions of audio and video, for servers that send them as
/// `application/octet-stream`.
const RECORDING_EXTENSIONS: &[&str] = &[
    "wav", "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac", "wma", "amr", "aiff", "aif", "mp4",
    "m4v", "mov", "avi", "mkv", "webm", "wmv", "3gp", "mpg", "mpeg",
];

fn is_recording_name(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.').is_some_and(|(_, ext)| {
        RECORDING_EXTENSIONS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// A page without a content type is read for links when it starts like HTML.
fn looks_like_html(b: &[u8]) -> bool {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .map_or(&[][..], |p| &b[p..b.len().min(p + 15)]);
    let lower = start.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

fn transport(u: &Url) -> Transport {
    if u.scheme() == "https" {
        Transport::Https
    } else {
        Transport::Http
    }
}

fn error_item(url: &Url, status: Option<u16>, error: String) -> Fetched {
    Fetched {
        item: WebItem {
            url: url.to_string(),
            status,
            transport: transport(url),
            error: Some(error),
            ..WebItem::default()
        },
        page: None,
    }
}

fn status_reason(status: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(r) => format!("HTTP {status} {r}"),
        None => format!("HTTP {status}"),
    }
}

/// A plain-language reason for a failed request.
fn describe_error(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => describe_io(io),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::HostNotFound => "host not found (no DNS record)".into(),
        ureq::Error::ConnectionFailed => "could not connect".into(),
        ureq::Error::Tls(s) => format!("TLS failure: {s}"),
        ureq::Error::Rustls(r) => tls_failure(&r.to_string()),
        ureq::Error::LargeResponseHeader(..) => "the response headers are too large".into(),
        ureq::Error::Protocol(p) => format!("not a valid HTTP response: {p}"),
        other => other.to_string(),
    }
}

fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused (is the server running on that port?)".into(),
        K::ConnectionReset => "connection reset by the server".into(),
        K::TimedOut | K::WouldBlock => "timed out".into(),
        K::UnexpectedEof => "the server closed the connection early".into(),
        // rustls reports a handshake failure through the stream, as an I/O error.
        _ if e
            .get_ref()
            .is_some_and(|inner| inner.to_string().contains("certificate")) =>
        {
            tls_failure(&e.to_string())
        }
        _ => format!("network error: {e}"),
    }
}

fn tls_failure(reason: &str) -> String {
    let hint = if reason.contains("certificate") {
        " (a self-signed or intranet certificate? see accept_invalid_certs)"
    } else {
        ""
    };
    format!("TLS failure: {reason}{hint}")
}

/// The `Authorization` value of HTTP Basic (`user:password` in base64).
fn basic_auth(user: &str, pass: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    format!("Basic {encoded}")
}

/// Spaces requests evenly: at most `rate` per second.
struct Pacer {
    interval: Option<Duration>,
    next: Instant,
}

impl Pacer {
    fn new(rate: f64) -> Self {
        let interval =
            (rate.is_finite() && rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate.max(1e-6)));
        Pacer {
            interval,
            next: Instant::now(),
        }
    }

    fn wait(&mut self) {
        let Some(interval) = self.interval else {
            return;
        };
        let now = Instant::now();
        if self.next > now {
            std::thread::sleep(self.next - now);
        }
        self.next = self.next.max(now) + interval;
    }
}

fn agent(opts: &WebOptions) -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(opts.accept_invalid_certs)
        .build();
    ureq::Agent::config_builder()
        // Statuses and redirects are the crawler's to judge.
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(opts.user_agent.as_str())
        .tls_config(tls)
        .timeout_connect(Some(opts.timeout))
        .timeout_recv_response(Some(opts.timeout))
        .timeout_per_read(Some(opts.timeout))
        .timeout_recv_body(Some(opts.body_timeout))
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn normalises_urls() {
        assert_eq!(n("http://Host:80/a/./b/../c#frag"), "http://host/a/c");
        assert_eq!(
            n("http://h/%7euser/%2f%41%e2%82%ac"),
            "http://h/~user/%2FA%E2%82%AC"
        );
        assert_eq!(n("http://h/x?q=%61%26"), "http://h/x?q=a%26");
        assert_eq!(n("https://h:443/"), "https://h/");
        assert_eq!(n("http://h/a b"), "http://h/a%20b");
    }

    #[test]
    fn start_url_gives_the_scope() {
        let (u, s, c) = parse_start("http://u:p%40ss@h:8080/share").unwrap();
        assert_eq!(u.as_str(), "http://h:8080/share");
        assert_eq!(s.prefix, "/share/");
        assert_eq!(c, Some(("u".into(), "p@ss".into())));
        let inside = |x: &str| s.contains(&Url::parse(x).unwrap());
        assert!(inside("http://h:8080/share"));
        assert!(inside("http://h:8080/share/a/b.txt"));
        assert!(!inside("http://h:8080/shared/x"));
        assert!(!inside("https://h:8080/share/x"));
        assert!(!inside("http://h:8081/share/x"));
        assert!(!inside("http://other:8080/share/x"));
        let (_, s, _) = parse_start("https://h/docs/index.html").unwrap();
        assert_eq!(s.prefix, "/docs/");
        let (_, s, _) = parse_start("https://h").unwrap();
        assert_eq!(s.prefix, "/");
        for bad in ["ftp://h/x", "not a url", "file:///etc/passwd", "http://"] {
            let e = parse_start(bad).err().unwrap();
            assert!(e.contains("http"), "{bad}: {e}");
        }
    }

    #[test]
    fn reads_robots_groups() {
        let t = "User-agent: Googlebot\nDisallow: /g/\n\nUser-agent: other\nUser-agent: *\n\
                 Disallow: /private/ # why\nDisallow:\nDisallow: /tmp*.x\nAllow: /x\n\n\
                 User-agent: bad\nDisallow: /\n";
        assert_eq!(robots_disallowed(t), ["/private/", "/tmp"]);
        assert!(robots_disallowed("garbage\0\u{fffd}:::\n").is_empty());
    }

    #[test]
    fn recognises_recordings_by_name_and_encodes_credentials() {
        assert!(is_recording_name("/a/call.WAV"));
        assert!(is_recording_name("/a/b.mp4"));
        assert!(!is_recording_name("/a.wav/notes.txt"));
        assert!(!is_recording_name("/a/wav"));
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("a", "b"), "Basic YTpi");
        assert_eq!(basic_auth("ab", ""), "Basic YWI6");
    }
}
