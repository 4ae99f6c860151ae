//! The policy file: zones of the organisation's storage and what each may hold.
//!
//! A zone names places by three kinds of location, each optional but at least one present:
//!
//! - `paths`: absolute file paths. A plain path is a prefix at a `/` boundary
//!   (`/srv/shares/hr` covers `/srv/shares/hr/a.xlsx`, not `/srv/shares/hrx`). A path with
//!   wildcards is a glob: `*` is any run of characters within one component, `?` one
//!   character, `**` (a whole component) any number of components, none included. A glob, too,
//!   covers everything below what it matches (`/srv/shares/*/personal` covers
//!   `/srv/shares/anna/personal/cv.docx`). Paths compare case-sensitively, after collapsing
//!   repeated `/`, dropping `.` components and resolving `..` lexically.
//! - `urls`: URL prefixes. Scheme, host and port compare case-insensitively (default ports
//!   dropped, credentials ignored); then the path is a prefix at a `/` boundary, compared
//!   as written (a trailing `/` in the pattern also covers the folder itself).
//! - `shares`: SMB share prefixes, `smb://server/share/folder` or `\\server\share\folder`,
//!   compared case-insensitively at a `/` boundary, as Windows servers compare names.
//!
//! Globs are for paths only: a `*` or `?` in a URL or share pattern is an error rather than
//! a surprise.
//!
//! [`Policy::zone_of`] picks the most specific zone for a location: the pattern with the
//! longest literal prefix (its text up to the first wildcard, in characters) wins; on a tie a
//! pattern without wildcards beats a glob, then the glob with more literal characters in
//! all, then the zone written first in the file.

use std::fmt;
use std::ops::Range;

use detect::toml_error::{self, position};
use serde::Deserialize;
use toml::Spanned;

/// Most `**` components in one glob: each one multiplies the work of a match by the depth of
/// the path, so a handful is plenty for real layouts.
const MAX_DOUBLE_STARS: usize = 4;

/// What a zone is allowed to hold, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holds {
    /// No personal data at all (a common drive, a public web site).
    NoPersonalData,
    /// Ordinary personal data, but no special categories (GDPR art. 9: health and the like).
    PersonalData,
    /// Special categories too (a care system's export folder, HR's health records).
    SpecialCategory,
}

impl Holds {
    /// The name used in the policy file: `no-personal-data`, `personal-data`,
    /// `special-category`.
    pub fn name(self) -> &'static str {
        match self {
            Holds::NoPersonalData => "no-personal-data",
            Holds::PersonalData => "personal-data",
            Holds::SpecialCategory => "special-category",
        }
    }

    /// Parses a name as written in the policy file.
    pub fn parse(s: &str) -> Option<Holds> {
        match s {
            "no-personal-data" => Some(Holds::NoPersonalData),
            "personal-data" => Some(Holds::PersonalData),
            "special-category" => Some(Holds::SpecialCategory),
            _ => None,
        }
    }
}

impl fmt::Display for Holds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One zone of the policy: where it is, what it may hold, who answers for it.
#[derive(Clone, Debug)]
pub struct Zone {
    /// The zone's name, unique in its policy.
    pub name: String,
    /// Path patterns, as written.
    pub paths: Vec<String>,
    /// URL prefixes, as written.
    pub urls: Vec<String>,
    /// Share prefixes, as written.
    pub shares: Vec<String>,
    /// What the zone may hold.
    pub holds: Holds,
    /// Who owns the data kept there (a department), if the policy says.
    pub owner: Option<String>,
    /// Whom to contact about a finding there, if the policy says.
    pub contact: Option<String>,
    /// Findings older than this many days break the zone's retention rule.
    pub retention_days: Option<u32>,
    /// The line of the zone's `[[zone]]` table in the policy file (1-based).
    pub line: usize,
    /// The compiled patterns of `paths`, `urls` and `shares`.
    patterns: Vec<Pattern>,
}

/// A parsed and checked policy file. Cheap to share between threads.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    zones: Vec<Zone>,
}

/// A mistake in the policy file, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// The file's name as the caller gave it.
    pub origin: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for PolicyError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    zone: Vec<Spanned<RawZone>>,
}

type Patterns = Option<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: Spanned<String>,
    paths: Patterns,
    urls: Patterns,
    shares: Patterns,
    holds: Spanned<String>,
    owner: Option<String>,
    contact: Option<String>,
    retention_days: Option<Spanned<i64>>,
}

impl Policy {
    /// Parses and checks a policy file. `origin` names it in errors.
    ///
    /// Errors: TOML syntax, unknown or missing keys, a zone without any location, an unknown
    /// `holds`, a bad pattern, a duplicate zone name, a `retention_days` below 1.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let err = |span: Range<usize>, reason: String| {
            let (line, column) = position(text, span.start);
            PolicyError {
                origin: origin.to_string(),
                line,
                column,
                reason,
            }
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (span, reason) = toml_error::parse_error(
                &e,
                &[
                    ("struct RawZone", "a zone table"),
                    ("struct RawFile", "the policy file"),
                    ("expected i64", "expected a whole number"),
                ],
            );
            err(span, reason)
        })?;

        let mut zones: Vec<Zone> = Vec::with_capacity(raw.zone.len());
        for z in raw.zone {
            let zone_span = z.span();
            let z = z.into_inner();
            let name = z.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(err(z.name.span(), "a zone needs a name".into()));
            }
            if let Some(first) = zones.iter().find(|o| o.name == name) {
                return Err(err(
                    z.name.span(),
                    format!(
                        "duplicate zone name '{name}': first defined on line {}",
                        first.line
                    ),
                ));
            }
            let holds = Holds::parse(z.holds.get_ref()).ok_or_else(|| {
                err(
                    z.holds.span(),
                    format!(
                        "unknown holds '{}': expected no-personal-data, personal-data or \
                         special-category",
                        z.holds.get_ref()
                    ),
                )
            })?;
            let retention_days = match &z.retention_days {
                None => None,
                Some(d) => match u32::try_from(*d.get_ref()) {
                    Ok(n) if n >= 1 => Some(n),
                    _ => {
                        return Err(err(
                            d.span(),
                            "retention_days must be a whole number of days from 1 to \
                             4294967295"
                                .into(),
                        ))
                    }
                },
            };

            let mut patterns = vec![];
            let mut written = [vec![], vec![], vec![]];
            for (i, (list, compile)) in [
                (
                    z.paths,
                    Pattern::path as fn(&str) -> Result<Pattern, String>,
                ),
                (z.urls, Pattern::url),
                (z.shares, Pattern::share),
            ]
            .into_iter()
            .enumerate()
            {
                for p in list.into_iter().flatten() {
                    patterns.push(compile(p.get_ref()).map_err(|m| err(p.span(), m))?);
                    written[i].push(p.into_inner());
                }
            }
            if patterns.is_empty() {
                return Err(err(
                    zone_span,
                    format!("zone '{name}' has no paths, urls or shares: it would cover nothing"),
                ));
            }
            let [paths, urls, shares] = written;
            zones.push(Zone {
                name,
                paths,
                urls,
                shares,
                holds,
                owner: z.owner.filter(|s| !s.trim().is_empty()),
                contact: z.contact.filter(|s| !s.trim().is_empty()),
                retention_days,
                line: position(text, zone_span.start).0,
                patterns,
            });
        }
        Ok(Policy { zones })
    }

    /// The zones, in the order of the file.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The most specific zone that covers `location`: an absolute path, an `http(s)://` URL,
    /// or a share (`smb://…` or `\\server\share\…`). `None` when no zone covers it or the
    /// location is none of these (a relative path).
    pub fn zone_of(&self, location: &str) -> Option<&Zone> {
        let loc = Location::parse(location)?;
        let mut best: Option<(Specificity, &Zone)> = None;
        for zone in &self.zones {
            for p in &zone.patterns {
                if !p.matches(&loc) {
                    continue;
                }
                let s = p.specificity();
                // Strictly greater: on equal specificity the earlier zone stays.
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, zone));
                }
            }
        }
        best.map(|(_, z)| z)
    }
}

/// How specific a pattern is; greater is more specific. Field order is the comparison order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Specificity {
    /// Characters before the first wildcard.
    literal_prefix: usize,
    /// No wildcard at all.
    exact: bool,
    /// Characters that are not wildcards.
    literal_chars: usize,
}

/// A location, split for matching.
enum Location {
    /// Components of a normalised absolute path.
    Path(Vec<String>),
    /// Lower-cased `scheme://host[:port]` and the path (with query, without fragment).
    Url { origin: String, path: String },
    /// Lower-cased components after `smb://`: server, share, folders.
    Share(Vec<String>),
}

impl Location {
    fn parse(s: &str) -> Option<Location> {
        if let Some(parts) = share_components(s) {
            return Some(Location::Share(parts));
        }
        if let Some((origin, path)) = split_url(s) {
            return Some(Location::Url { origin, path });
        }
        if s.starts_with('/') {
            return Some(Location::Path(path_components(s)));
        }
        None
    }
}

/// One part of a path glob.
#[derive(Clone, Debug)]
enum Segment {
    /// A component written without wildcards.
    Literal(String),
    /// A component with `*` or `?`.
    Wild(Vec<Tok>),
    /// `**`: any number of components.
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Char(char),
    /// `?`
    One,
    /// `*`
    Star,
}

#[derive(Clone, Debug)]
enum Matcher {
    Path(Vec<Segment>),
    Url { origin: String, path: String },
    Share(Vec<String>),
}

/// A compiled location pattern and its specificity.
#[derive(Clone, Debug)]
struct Pattern {
    matcher: Matcher,
    specificity: Specificity,
}

impl Pattern {
    fn path(text: &str) -> Result<Pattern, String> {
        if !text.starts_with('/') {
            return Err(format!(
                "path '{text}' is not absolute: paths start with '/'"
            ));
        }
        if let Some(c) = text.chars().find(|c| "[]{}".contains(*c)) {
            return Err(format!(
                "bad glob '{text}': '{c}' is not supported (only *, ? and **); write one \
                 pattern per alternative"
            ));
        }
        let mut segments = vec![];
        for comp in path_components(text) {
            if comp == "**" {
                segments.push(Segment::Any);
            } else if comp.contains("**") {
                return Err(format!(
                    "bad glob '{text}': '**' must be a whole component, as in /a/**/b"
                ));
            } else if comp.contains(['*', '?']) {
                segments.push(Segment::Wild(
                    comp.chars()
                        .map(|c| match c {
                            '*' => Tok::Star,
                            '?' => Tok::One,
                            c => Tok::Char(c),
                        })
                        .collect(),
                ));
            } else {
                segments.push(Segment::Literal(comp));
            }
        }
        if segments
            .iter()
            .filter(|s| matches!(s, Segment::Any))
            .count()
            > MAX_DOUBLE_STARS
        {
            return Err(format!(
                "bad glob '{text}': more than {MAX_DOUBLE_STARS} '**' in one pattern"
            ));
        }
        // Specificity from the normalised form, so `/a//b/` and `/a/b` weigh the same.
        let mut normal = String::new();
        for s in &segments {
            normal.push('/');
            match s {
                Segment::Literal(l) => normal.push_str(l),
                Segment::Wild(toks) => normal.extend(toks.iter().map(|t| match t {
                    Tok::Char(c) => *c,
                    Tok::One => '?',
                    Tok::Star => '*',
                })),
                Segment::Any => normal.push_str("**"),
            }
        }
        if normal.is_empty() {
            normal.push('/');
        }
        Ok(Pattern {
            specificity: specificity(&normal, |c| c == '*' || c == '?'),
            matcher: Matcher::Path(segments),
        })
    }

    fn url(text: &str) -> Result<Pattern, String> {
        no_wildcards(text, "URL")?;
        let (origin, path) = split_url(text)
            .ok_or_else(|| format!("'{text}' is not an http:// or https:// URL with a host"))?;
        let normal = format!("{origin}{path}");
        Ok(Pattern {
            specificity: specificity(&normal, |_| false),
            matcher: Matcher::Url { origin, path },
        })
    }

    fn share(text: &str) -> Result<Pattern, String> {
        no_wildcards(text, "share")?;
        let parts = share_components(text)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                format!("'{text}' is not a share: write smb://server/share or \\\\server\\share")
            })?;
        let normal = format!("smb://{}", parts.join("/"));
        Ok(Pattern {
            specificity: specificity(&normal, |_| false),
            matcher: Matcher::Share(parts),
        })
    }

    fn specificity(&self) -> Specificity {
        self.specificity
    }

    fn matches(&self, loc: &Location) -> bool {
        match (&self.matcher, loc) {
            (Matcher::Path(segs), Location::Path(comps)) => glob_prefix(segs, comps),
            (Matcher::Share(p), Location::Share(comps)) => {
                comps.len() >= p.len() && p.iter().zip(comps).all(|(a, b)| a == b)
            }
            (
                Matcher::Url { origin, path },
                Location::Url {
                    origin: lo,
                    path: lp,
                },
            ) => origin == lo && url_path_prefix(path, lp),
            _ => false,
        }
    }
}

fn no_wildcards(text: &str, what: &str) -> Result<(), String> {
    if text.contains(['*', '?']) {
        return Err(format!(
            "'{text}': a {what} pattern is a prefix; globs (* and ?) are for paths only"
        ));
    }
    Ok(())
}

fn specificity(normal: &str, wild: impl Fn(char) -> bool) -> Specificity {
    let literal_prefix = normal.chars().take_while(|c| !wild(*c)).count();
    let literal_chars = normal.chars().filter(|c| !wild(*c)).count();
    Specificity {
        literal_prefix,
        exact: literal_chars == normal.chars().count(),
        literal_chars,
    }
}

/// Components of an absolute path: repeated `/` collapsed, `.` dropped, `..` resolved
/// lexically (the policy speaks of names, not of where symbolic links lead).
fn path_components(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c.to_string()),
        }
    }
    out
}

/// Whether the glob matches the first components of the path (a glob covers what lies below
/// what it matches, like a prefix).
fn glob_prefix(segs: &[Segment], comps: &[String]) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return true;
    };
    match first {
        Segment::Any => (0..=comps.len()).any(|skip| glob_prefix(rest, &comps[skip..])),
        Segment::Literal(l) => comps
            .split_first()
            .is_some_and(|(c, more)| c == l && glob_prefix(rest, more)),
        Segment::Wild(toks) => comps
            .split_first()
            .is_some_and(|(c, more)| wild_match(toks, c) && glob_prefix(rest, more)),
    }
}

/// `*` and `?` within one component: the classic greedy match that backtracks to the last
/// star, linear in practice.
fn wild_match(toks: &[Tok], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let (mut t, mut c) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while c < chars.len() {
        match toks.get(t) {
            Some(Tok::Star) => {
                star = Some((t, c));
                t += 1;
            }
            Some(Tok::One) => {
                t += 1;
                c += 1;
            }
            Some(Tok::Char(x)) if *x == chars[c] => {
                t += 1;
                c += 1;
            }
            _ => match star {
                // Let the last star swallow one more character and retry after it.
                Some((st, sc)) => {
                    t = st + 1;
                    c = sc + 1;
                    star = Some((st, sc + 1));
                }
                None => return false,
            },
        }
    }
    toks[t.min(toks.len())..].iter().all(|t| *t == Tok::Star)
}

/// `http(s)://host[:port]/path` → (`scheme://host[:port]` lower-cased without default port
/// and credentials, path without fragment, `/` when empty).
fn split_url(s: &str) -> Option<(String, String)> {
    let (scheme, rest) = s.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // A port follows the last ':' unless that ':' is inside an IPv6 literal.
    let (host, port) = match hostport.rfind(':') {
        Some(i) if !hostport[i..].contains(']') => (&hostport[..i], &hostport[i + 1..]),
        _ => (hostport, ""),
    };
    if host.is_empty() {
        return None;
    }
    let mut origin = format!("{scheme}://{}", host.to_ascii_lowercase());
    if !port.is_empty() && port != default_port {
        origin.push(':');
        origin.push_str(port);
    }
    let tail = tail.split('#').next().unwrap_or("");
    let path = if tail.starts_with('/') {
        tail.to_string()
    } else {
        format!("/{tail}")
    };
    Some((origin, path))
}

/// A URL path prefix at a `/` boundary; a pattern ending in `/` also covers the folder
/// without its slash.
fn url_path_prefix(pattern: &str, path: &str) -> bool {
    if pattern == "/" {
        return true;
    }
    if let Some(folder) = pattern.strip_suffix('/') {
        return path.starts_with(pattern) || url_path_prefix(folder, path);
    }
    match path.strip_prefix(pattern) {
        Some(rest) => rest.is_empty() || rest.starts_with(['/', '?']),
        None => false,
    }
}

/// Lower-cased components of `smb://server/share/…` or `\\server\share\…`; `None` for
/// anything else.
fn share_components(s: &str) -> Option<Vec<String>> {
    let rest = if s.len() >= 6 && s[..6].eq_ignore_ascii_case("smb://") {
        &s[6..]
    } else {
        s.strip_prefix("\\\\")?
    };
    Some(
        rest.split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_lowercase)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[[zone]]
name = "HR"
paths = ["/srv/shares/hr", "/srv/shares/*/personal"]
urls = ["https://intra.example.dk/hr/"]
shares = ["smb://fs01/hr"]
holds = "special-category"
owner = "HR department"
contact = "hr-it@example.dk"
retention_days = 365

[[zone]]
name = "Common drive"
paths = ["/srv/shares/gemensam"]
holds = "no-personal-data"
owner = "IT"

[[zone]]
name = "Shares"
paths = ["/srv/shares"]
holds = "personal-data"
"#;

    fn policy() -> Policy {
        match Policy::parse(EXAMPLE, "policy.toml") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn zone(p: &Policy, loc: &str) -> Option<String> {
        p.zone_of(loc).map(|z| z.name.clone())
    }

    fn error(text: &str) -> String {
        match Policy::parse(text, "p.toml") {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_the_example() {
        let p = policy();
        assert_eq!(p.zones().len(), 3);
        let hr = &p.zones()[0];
        assert_eq!(hr.holds, Holds::SpecialCategory);
        assert_eq!(hr.retention_days, Some(365));
        assert_eq!(hr.owner.as_deref(), Some("HR department"));
        assert_eq!(hr.contact.as_deref(), Some("hr-it@example.dk"));
        assert_eq!(hr.line, 2);
        assert_eq!(p.zones()[1].holds, Holds::NoPersonalData);
        assert_eq!(p.zones()[1].retention_days, None);
    }

    #[test]
    fn path_prefixes_at_a_slash_boundary() {
        let p = policy();
        assert_eq!(zone(&p, "/srv/shares/hr").as_deref(), Some("HR"));
        assert_eq!(zone(&p, "/srv/shares/hr/løn.xlsx").as_deref(), Some("HR"));
        assert_eq!(zone(&p, "/srv/shares/hrx/a").as_deref(), Some("Shares"));
        assert_eq!(zone(&p, "/srv/shares//hr/./a").as_deref(), Some("HR"));
        assert_eq!(zone(&p, "/srv/shares/x/../hr/a").as_deref(), Some("HR"));
        assert_eq!(
            zone(&p, "/srv/SHARES/hr/a"),
            None,
            "paths are case-sensitive"
        );
        assert_eq!(zone(&p, "/srv/other"), None);
        assert_eq!(zone(&p, "relative/srv/shares/hr"), None);
    }

    #[test]
    fn globs_within_and_across_components() {
        let p = policy();
        assert_eq!(
            zone(&p, "/srv/shares/anna/personal/cv.docx").as_deref(),
            Some("HR")
        );
        assert_eq!(zone(&p, "/srv/shares/anna/personal").as_deref(), Some("HR"));
        assert_eq!(
            zone(&p, "/srv/shares/anna/personally/x").as_deref(),
            Some("Shares")
        );
        assert_eq!(
            zone(&p, "/srv/shares/a/b/personal/x").as_deref(),
            Some("Shares"),
            "* stays within one component"
        );

        let g = match Policy::parse(
            "[[zone]]\nname = \"x\"\npaths = [\"/data/**/pers?n*/*.xlsx\"]\nholds = \"personal-data\"\n",
            "g",
        ) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(
            g.zone_of("/data/person/a.xlsx").is_some(),
            "** may be empty"
        );
        assert!(g.zone_of("/data/a/b/c/persondata/løn.xlsx").is_some());
        assert!(g.zone_of("/data/a/b/c/persondata/løn.xlsx/inner").is_some());
        assert!(g.zone_of("/data/a/persondata/løn.docx").is_none());
        assert!(g.zone_of("/data/a/prsn/a.xlsx").is_none());
    }

    #[test]
    fn wildcard_matching() {
        let toks = |s: &str| -> Vec<Tok> {
            s.chars()
                .map(|c| match c {
                    '*' => Tok::Star,
                    '?' => Tok::One,
                    c => Tok::Char(c),
                })
                .collect()
        };
        for (pat, text, want) in [
            ("*", "", true),
            ("*", "abc", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("*.csv", "x.csv.bak", false),
            ("*.csv*", "x.csv.bak", true),
            ("??", "åä", true),
            ("??", "å", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("", "", true),
            ("", "a", false),
        ] {
            assert_eq!(wild_match(&toks(pat), text), want, "{pat} ~ {text}");
        }
    }

    #[test]
    fn the_most_specific_zone_wins_and_ties_go_to_the_first() {
        let text = r#"
[[zone]]
name = "first"
paths = ["/a/b*"]
holds = "personal-data"
[[zone]]
name = "literal"
paths = ["/a/b"]
holds = "personal-data"
[[zone]]
name = "glob-later"
paths = ["/a/b?"]
holds = "personal-data"
[[zone]]
name = "deeper"
paths = ["/a/b/c"]
holds = "personal-data"
[[zone]]
name = "same-as-deeper"
paths = ["/a/b/c"]
holds = "personal-data"
"#;
        let p = match Policy::parse(text, "t") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        // "/a/b" (4 literal characters, exact) beats "/a/b*" and "/a/b?" (4 before the
        // wildcard): an exact pattern wins a tie of prefixes.
        assert_eq!(zone(&p, "/a/b/x").as_deref(), Some("literal"));
        // Two globs with the same prefix and literal characters: the first in the file.
        assert_eq!(zone(&p, "/a/bx").as_deref(), Some("first"));
        assert_eq!(zone(&p, "/a/bxy").as_deref(), Some("first"));
        // Longest literal prefix; two identical patterns: the first in the file.
        assert_eq!(zone(&p, "/a/b/c/d").as_deref(), Some("deeper"));
    }

    #[test]
    fn urls_compare_origin_case_insensitively_then_path() {
        let p = policy();
        for (url, want) in [
            ("https://intra.example.dk/hr/", Some("HR")),
            ("https://intra.example.dk/hr", Some("HR")),
            ("HTTPS://Intra.Example.DK:443/hr/löner.pdf", Some("HR")),
            ("https://user:pw@intra.example.dk/hr/a#frag", Some("HR")),
            ("https://intra.example.dk/hrx/", None),
            ("https://intra.example.dk/HR/a", None),
            ("http://intra.example.dk/hr/a", None),
            ("https://intra.example.dk:8443/hr/a", None),
            ("https://other.example.dk/hr/a", None),
        ] {
            assert_eq!(zone(&p, url).as_deref(), want, "{url}");
        }
        let q = match Policy::parse(
            "[[zone]]\nname = \"w\"\nurls = [\"http://[::1]:8080/rec\", \"http://h\"]\nholds = \"personal-data\"\n",
            "q",
        ) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(q.zone_of("http://[::1]:8080/rec/a.wav").is_some());
        assert!(q.zone_of("http://[::1]:8080/rec?page=2").is_some());
        assert!(q.zone_of("http://[::1]/rec/a.wav").is_none());
        assert!(q.zone_of("http://H:80/anything").is_some());
    }

    #[test]
    fn shares_compare_case_insensitively_in_either_spelling() {
        let p = policy();
        assert_eq!(zone(&p, "smb://fs01/hr/a.docx").as_deref(), Some("HR"));
        assert_eq!(zone(&p, "SMB://FS01/HR/a.docx").as_deref(), Some("HR"));
        assert_eq!(zone(&p, r"\\fs01\HR\Løn\a.xlsx").as_deref(), Some("HR"));
        assert_eq!(zone(&p, "smb://fs01/hrx/a"), None);
        assert_eq!(zone(&p, "smb://fs02/hr/a"), None);
    }

    #[test]
    fn errors_name_the_place() {
        let e = error(
            "[[zone]]\nname = \"a\"\npaths = [\"/x\"]\nholds = \"personal-data\"\ncolour = 1\n",
        );
        assert!(e.starts_with("p.toml:5:1: "), "{e}");
        assert!(e.contains("colour"), "{e}");

        let e = error("[[zone]]\nname = \"a\"\npaths = [\"/x\"]\nholds = \"secret\"\n");
        assert!(e.starts_with("p.toml:4:9: unknown holds 'secret'"), "{e}");

        let e = error("[[zone]]\nname = \"a\"\nholds = \"personal-data\"\n");
        assert!(e.starts_with("p.toml:1:1: zone 'a' has no paths"), "{e}");
        let e = error("[[zone]]\nname = \"a\"\npaths = []\nholds = \"personal-data\"\n");
        assert!(e.contains("has no paths, urls or shares"), "{e}");

        let e = error(
            "[[zone]]\nname = \"a\"\npaths = [\"/x\", \"/a**/b\"]\nholds = \"personal-data\"\n",
        );
        assert!(e.starts_with("p.toml:3:16: bad glob '/a**/b'"), "{e}");
        let e = error("[[zone]]\nname = \"a\"\npaths = [\"/x/[ab]\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("bad glob"), "{e}");
        let e = error(
            "[[zone]]\nname = \"a\"\npaths = [\"/**/**/**/**/**\"]\nholds = \"personal-data\"\n",
        );
        assert!(e.contains("more than 4 '**'"), "{e}");
        let e = error("[[zone]]\nname = \"a\"\npaths = [\"srv/x\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("not absolute"), "{e}");
        let e = error(
            "[[zone]]\nname = \"a\"\nurls = [\"https://h/*.wav\"]\nholds = \"personal-data\"\n",
        );
        assert!(e.contains("globs (* and ?) are for paths only"), "{e}");
        let e = error("[[zone]]\nname = \"a\"\nurls = [\"ftp://h/\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("not an http:// or https:// URL"), "{e}");
        let e =
            error("[[zone]]\nname = \"a\"\nshares = [\"fs01/hr\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("is not a share"), "{e}");

        let e = error("[[zone]]\nname = \"a\"\npaths = [\"/x\"]\nholds = \"personal-data\"\n[[zone]]\nname = \"a\"\npaths = [\"/y\"]\nholds = \"personal-data\"\n");
        assert!(
            e.starts_with("p.toml:6:8: duplicate zone name 'a': first defined on line 1"),
            "{e}"
        );

        for bad in ["0", "-3", "1.5", "\"a year\""] {
            let e = error(&format!(
                "[[zone]]\nname = \"a\"\npaths = [\"/x\"]\nholds = \"personal-data\"\nretention_days = {bad}\n"
            ));
            assert!(e.starts_with("p.toml:5:"), "{bad}: {e}");
        }

        let e = error("[[zone]\nname = 1\n");
        assert!(e.starts_with("p.toml:1:"), "{e}");
        let e = error("[zone]\nname = \"a\"\n");
        assert!(e.starts_with("p.toml:"), "{e}");
        let e = error("[[zone]]\npaths = [\"/x\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("name"), "{e}");
        let e = error("[[zone]]\nname = \"  \"\npaths = [\"/x\"]\nholds = \"personal-data\"\n");
        assert!(e.contains("needs a name"), "{e}");
    }

    #[test]
    fn an_empty_policy_has_no_zones() {
        let p = match Policy::parse("# nothing yet\n", "e") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(p.zones().is_empty());
        assert!(p.zone_of("/srv").is_none());
    }
}
