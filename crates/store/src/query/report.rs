//! The report: `datavakt report` (and a future web API's summary). The current findings
//! (open or accepted) under a folder, counted by folder, kind, confidence, status and age,
//! the most severe items, and the trend of the scans that covered the folder.

use std::collections::HashMap;

use model::{Audience, Exposure, Group, IsoTime, Report, ScanPoint, Severity, TopItem};

use super::{normalize, refs, Connection, Filter, CURRENT, IDENTITY_KINDS};
use crate::{err, StoreError};

/// Age buckets of current findings (from `first_seen`): label and upper bound in days.
pub const AGE_BUCKETS: &[(&str, i64)] = &[
    ("<7 d", 7),
    ("<30 d", 30),
    ("<365 d", 365),
    ("older", i64::MAX),
];

/// An item in the report's scope: its findings, distinct identity numbers and health data.
struct InScope {
    path: String,
    findings: u64,
    identity: std::collections::HashSet<String>,
    health: bool,
    severity: Option<Severity>,
    score: Option<i64>,
    audience: Option<Audience>,
    owner: Option<i64>,
}

/// The report on the current findings under `prefix` (everything when `None`) at `now`.
pub fn report(
    db: &Connection,
    prefix: Option<&str>,
    confidences: &[&str],
    now: i64,
) -> Result<Report, StoreError> {
    let read = err("cannot read the findings for the report");
    let filter = Filter {
        path: prefix.map(str::to_string),
        statuses: CURRENT.iter().map(|s| s.to_string()).collect(),
        confidences: confidences.iter().map(|c| c.to_string()).collect(),
        ..Filter::default()
    };
    let (cond, args) = filter.sql();
    let mut items: Vec<InScope> = Vec::new();
    let mut kinds: HashMap<String, (u64, std::collections::HashSet<usize>)> = HashMap::new();
    let mut conf: HashMap<String, (u64, std::collections::HashSet<usize>)> = HashMap::new();
    let mut status: HashMap<String, (u64, std::collections::HashSet<usize>)> = HashMap::new();
    let mut ages = vec![(0u64, std::collections::HashSet::new()); AGE_BUCKETS.len()];
    let mut identity = std::collections::HashSet::new();
    let mut s = Report {
        generated_at: IsoTime(now),
        ..Report::default()
    };
    let sql = format!(
        "SELECT i.path, f.kind, f.confidence, f.status, f.first_seen, f.fingerprint,
                i.severity, i.score, i.exposure, i.owner
         FROM findings f JOIN items i ON i.id = f.item_id WHERE {cond}
         ORDER BY i.path"
    );
    db.each(&sql, &refs(&args), &mut |r| {
        let path: String = r.get(0)?;
        let kind: String = r.get(1)?;
        let confidence: String = r.get(2)?;
        let st: String = r.get(3)?;
        let first_seen: i64 = r.get(4)?;
        let fingerprint: Option<String> = r.get(5)?;
        if items.last().is_none_or(|i| i.path != path) {
            items.push(InScope {
                path,
                findings: 0,
                identity: Default::default(),
                health: false,
                severity: r
                    .get::<Option<String>>(6)?
                    .as_deref()
                    .and_then(Severity::parse),
                score: r.get(7)?,
                audience: r
                    .get::<Option<String>>(8)?
                    .and_then(|e| serde_json::from_str::<Exposure>(&e).ok())
                    .map(|e| e.audience),
                owner: r.get(9)?,
            });
        }
        let ix = items.len() - 1;
        let item = &mut items[ix];
        item.findings += 1;
        item.health |= kind == "health";
        if let Some(fp) = fingerprint.filter(|_| IDENTITY_KINDS.contains(&kind.as_str())) {
            item.identity.insert(fp.clone());
            identity.insert(fp);
        }
        for (map, key) in [
            (&mut kinds, kind),
            (&mut conf, confidence),
            (&mut status, st),
        ] {
            let e = map.entry(key).or_default();
            e.0 += 1;
            e.1.insert(ix);
        }
        let days = now.saturating_sub(first_seen).max(0) / 86_400;
        let b = AGE_BUCKETS
            .iter()
            .position(|&(_, max)| days < max)
            .unwrap_or(AGE_BUCKETS.len() - 1);
        ages[b].0 += 1;
        ages[b].1.insert(ix);
        s.findings += 1;
        Ok(true)
    })
    .map_err(&read)?;
    s.items = items.len() as u64;
    s.identity_numbers = identity.len() as u64;
    let mut with_health = std::collections::HashSet::new();
    let (mut sev, mut aud): (Vec<Group>, Vec<Group>) = (Vec::new(), Vec::new());
    for item in &items {
        if item.health {
            with_health.extend(item.identity.iter());
        }
        let s_name = item.severity.map_or("not assessed", |s| s.name());
        let a_name = item.audience.map_or("not assessed", |a| a.name());
        for (groups, name) in [(&mut sev, s_name), (&mut aud, a_name)] {
            match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => {
                    g.items += 1;
                    g.findings += item.findings;
                }
                None => groups.push(Group {
                    name: name.to_string(),
                    findings: item.findings,
                    items: 1,
                }),
            }
        }
    }
    s.identity_numbers_with_health = with_health.len() as u64;
    let rank_sev = |n: &str| Severity::parse(n).map_or(0, |s| s as usize + 1);
    sev.sort_by_key(|g| std::cmp::Reverse(rank_sev(&g.name)));
    let rank_aud = |n: &str| {
        [
            Audience::Public,
            Audience::Organisation,
            Audience::Group,
            Audience::Owner,
        ]
        .iter()
        .position(|a| a.name() == n)
        .unwrap_or(9)
    };
    aud.sort_by_key(|g| rank_aud(&g.name));
    s.by_severity = sev;
    s.by_audience = aud;
    s.prefix = match prefix {
        Some(p) => normalize(p),
        None => common_folder(items.iter().map(|i| i.path.as_str())),
    };
    let groups = |m: HashMap<String, (u64, std::collections::HashSet<usize>)>| {
        let mut g: Vec<Group> = m
            .into_iter()
            .map(|(name, (findings, its))| Group {
                name,
                findings,
                items: its.len() as u64,
            })
            .collect();
        g.sort_by(|a, b| b.findings.cmp(&a.findings).then(a.name.cmp(&b.name)));
        g
    };
    let mut folders: HashMap<String, (u64, std::collections::HashSet<usize>)> = HashMap::new();
    for (ix, item) in items.iter().enumerate() {
        let e = folders
            .entry(top_folder(&s.prefix, &item.path))
            .or_default();
        e.0 += item.findings;
        e.1.insert(ix);
    }
    s.by_folder = groups(folders);
    s.by_kind = groups(kinds);
    s.by_status = groups(status);
    let rank = |c: &str| match c {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    };
    s.by_confidence = groups(conf);
    s.by_confidence.sort_by_key(|g| rank(&g.name));
    s.by_age = AGE_BUCKETS
        .iter()
        .zip(ages)
        .map(|(&(name, _), (findings, its))| Group {
            name: name.to_string(),
            findings,
            items: its.len() as u64,
        })
        .collect();
    let mut top: Vec<TopItem> = items
        .into_iter()
        .map(|i| TopItem {
            identity_numbers: i.identity.len() as u64,
            path: i.path,
            findings: i.findings,
            health: i.health,
            severity: i.severity,
            score: i.score,
            audience: i.audience,
            owner: i.owner,
            owner_name: None,
            why: Vec::new(),
        })
        .collect();
    top.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then((b.health && b.identity_numbers > 0).cmp(&(a.health && a.identity_numbers > 0)))
            .then(b.identity_numbers.cmp(&a.identity_numbers))
            .then(b.findings.cmp(&a.findings))
            .then(a.path.cmp(&b.path))
    });
    top.truncate(10);
    s.top_items = top;
    s.trend = trend(db, prefix)?;
    // Everything (no prefix): every root; else the roots over or under the prefix.
    let overlaps = |root: &str| {
        let root = normalize(root);
        prefix.is_none() || within(&root, &s.prefix) || within(&s.prefix, &root)
    };
    // The latest scan decides what is not covered now; the last one complete over the
    // prefix, since when.
    if let Some(last) = s.trend.last() {
        s.not_covered = last
            .incomplete
            .iter()
            .filter(|(root, _)| overlaps(root))
            .map(|(r, why)| (r.clone(), why.clone()))
            .collect();
    }
    s.last_complete_scan = s
        .trend
        .iter()
        .rev()
        .find(|p| !p.incomplete.keys().any(|r| overlaps(r)))
        .map(|p| p.ended_at);
    Ok(s)
}

/// The completed scans whose target overlaps `prefix` (all when `None`), oldest first.
pub fn trend(db: &Connection, prefix: Option<&str>) -> Result<Vec<ScanPoint>, StoreError> {
    let read = err("cannot read the scans");
    let all: Vec<ScanPoint> = db
        .rows(
            "SELECT id, target, started_at, ended_at, files, findings, new_findings, resolved,
                    errors, incomplete
             FROM scans WHERE ended_at IS NOT NULL ORDER BY started_at, id",
            &[],
            |r| {
                Ok(ScanPoint {
                    scan: r.get(0)?,
                    target: r.get(1)?,
                    started_at: IsoTime(r.get(2)?),
                    ended_at: IsoTime(r.get(3)?),
                    files: r.get(4)?,
                    findings: r.get(5)?,
                    new_findings: r.get(6)?,
                    resolved: r.get(7)?,
                    errors: r.get(8)?,
                    incomplete: r
                        .get::<Option<String>>(9)?
                        .and_then(|j| serde_json::from_str(&j).ok())
                        .unwrap_or_default(),
                })
            },
        )
        .map_err(&read)?;
    let Some(p) = prefix.map(normalize) else {
        return Ok(all);
    };
    Ok(all.into_iter().filter(|s| covers(&s.target, &p)).collect())
}

/// True when a scan of `target` (roots joined by spaces, as the scan writer records them)
/// read something at or under `prefix`, or under which `prefix` lies.
fn covers(target: &str, prefix: &str) -> bool {
    let overlaps = |root: &str| {
        let root = normalize(root);
        within(&root, prefix) || within(prefix, &root)
    };
    // A root with a space in it is only recognised when it was the scan's one root.
    overlaps(target) || target.split(' ').any(overlaps)
}

/// True when `path` is `folder` or lies under it.
fn within(path: &str, folder: &str) -> bool {
    folder == "/"
        || path == folder
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The first path component of `path` below `prefix`; `.` for the prefix itself or an item
/// directly in it.
fn top_folder(prefix: &str, path: &str) -> String {
    let rest = if prefix == "/" {
        path.strip_prefix('/')
    } else {
        path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/'))
    };
    match rest.and_then(|r| r.split_once('/')) {
        Some((first, _)) if !first.is_empty() => first.to_string(),
        _ => ".".to_string(),
    }
}

/// The deepest folder that holds every one of `paths` (`/` when they share none).
fn common_folder<'a>(mut paths: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = paths.next() else {
        return "/".to_string();
    };
    // Folders only: the item's own name is not a folder of it.
    let mut common = first.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    for p in paths {
        while !within(p, &common) && !common.is_empty() {
            common = common.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        }
    }
    if common.is_empty() {
        "/".to_string()
    } else {
        common
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::query::tests::{id_of, marking, scan, sqlite, DAY, TREE};
    use crate::query::{mark, Selection};
    use crate::{open, Location, Store};

    pub(crate) fn report_counts(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 10 * DAY, &TREE[..3], "");
        scan(&mut s, 40 * DAY, TREE, "");
        let mut db = open(at).unwrap();
        let id = id_of(&db, "/srv/ab/other.txt", "800101-****");
        mark(
            &mut db,
            Selection::Ids(&[id]),
            &marking("false-positive", Some("x"), 41 * DAY),
        )
        .unwrap();

        let r = report(&db, Some("/srv/"), &[], 45 * DAY).unwrap();
        assert_eq!(r.prefix, "/srv");
        assert_eq!((r.findings, r.items, r.identity_numbers), (6, 3, 3));
        let g = |v: &[Group]| -> Vec<(String, u64, u64)> {
            v.iter()
                .map(|g| (g.name.clone(), g.findings, g.items))
                .collect()
        };
        assert_eq!(
            g(&r.by_folder),
            [("a".into(), 5, 2), (".".into(), 1, 1)],
            "the false positive in ab is not current"
        );
        assert_eq!(
            g(&r.by_kind),
            [
                ("dk-cpr".into(), 4, 3),
                ("email".into(), 1, 1),
                ("health".into(), 1, 1)
            ]
        );
        assert_eq!(
            g(&r.by_confidence),
            [("high".into(), 5, 3), ("medium".into(), 1, 1)]
        );
        // journal.txt's three findings since day 10 (35 days), the rest since day 40.
        assert_eq!(
            g(&r.by_age),
            [
                ("<7 d".into(), 3, 2),
                ("<30 d".into(), 0, 0),
                ("<365 d".into(), 3, 1),
                ("older".into(), 0, 0)
            ]
        );
        assert_eq!(r.top_items[0].path, "/srv/a/journal.txt", "health first");
        assert!(r.top_items[0].health);
        assert_eq!(r.top_items[1].identity_numbers, 2);
        assert_eq!(r.trend.len(), 2);
        assert_eq!(r.trend[1].started_at, IsoTime(40 * DAY));

        let sub = report(&db, Some("/srv/a/journal.txt"), &[], 45 * DAY).unwrap();
        assert_eq!((sub.findings, sub.by_folder[0].name.as_str()), (3, "."));
        assert_eq!(sub.trend.len(), 2, "the scans of /srv covered it");
        let elsewhere = report(&db, Some("/home"), &[], 45 * DAY).unwrap();
        assert_eq!((elsewhere.findings, elsewhere.trend.len()), (0, 0));
        let whole = report(&db, None, &[], 45 * DAY).unwrap();
        assert_eq!(
            whole.prefix, "/srv",
            "the deepest folder holding everything"
        );
        assert_eq!(whole.findings, 6);
    }

    #[test]
    fn the_report_counts_current_findings_by_folder_kind_confidence_age_and_scan() {
        report_counts(&sqlite("report"));
    }

    #[test]
    fn folders_and_scan_targets() {
        assert_eq!(top_folder("/srv", "/srv/a/b/c.txt"), "a");
        assert_eq!(top_folder("/srv", "/srv/c.txt"), ".");
        assert_eq!(top_folder("/", "/srv/c.txt"), "srv");
        assert_eq!(common_folder(["/srv/a/x", "/srv/ab/y"].into_iter()), "/srv");
        assert_eq!(common_folder(["/srv/a/x"].into_iter()), "/srv/a");
        assert_eq!(common_folder(["/srv/x", "/home/y"].into_iter()), "/");
        assert!(covers("/srv", "/srv/a") && covers("/srv/a/b", "/srv/a"));
        assert!(covers("/srv/My Docs", "/srv/My Docs/x") && !covers("/srv/ab", "/srv/a"));
    }
}
