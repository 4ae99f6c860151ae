//! The read side of the scan database, and the one change a person makes to it: marking
//! findings as false positives, accepted, or open again.
//!
//! Everything here works on a [`Connection`] from [`crate::connect`]. Every value a query
//! takes from outside (paths, kinds, reasons, names) is a bound parameter; the SQL text is
//! built only from fixed fragments. Like the rest of the store, nothing here can return a
//! found value: the store has only masked values and keyed fingerprints.

use std::collections::{BTreeMap, HashMap};

use crate::db::{Db, DbError, Param, Row};
use crate::{err, StoreError};

/// The connection the queries run on.
pub type Connection = Db;

/// Parameters of a statement built at run time.
type Args = Vec<Box<dyn Param>>;

fn refs(args: &Args) -> Vec<&dyn Param> {
    args.iter().map(|a| a.as_ref()).collect()
}

/// The kinds that are national identity numbers: one number, one person.
pub const IDENTITY_KINDS: &[&str] = &[
    "dk-cpr",
    "se-personnummer",
    "no-fodselsnummer",
    "fi-hetu",
    "is-kennitala",
];

/// The statuses a person may give a finding; `resolved` is given only by scans.
pub const MARKABLE: &[&str] = &["false-positive", "accepted", "open"];

/// The statuses of current findings: still there and not dismissed.
pub const CURRENT: &[&str] = &["open", "accepted"];

/// Age buckets of current findings (from `first_seen`): label and upper bound in days.
pub const AGE_BUCKETS: &[(&str, i64)] = &[
    ("<7 d", 7),
    ("<30 d", 30),
    ("<365 d", 365),
    ("older", i64::MAX),
];

/// Which findings a query is about. Empty lists match everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// An absolute path: the item itself or anything under it (at a `/` boundary, so
    /// `/srv/a` does not match `/srv/ab`).
    pub path: Option<String>,
    /// Kinds such as `dk-cpr` or `health`.
    pub kinds: Vec<String>,
    /// `open`, `accepted`, `false-positive`, `resolved`.
    pub statuses: Vec<String>,
    /// `high`, `medium`, `low`.
    pub confidences: Vec<String>,
    /// Only findings first seen at or before this time (Unix seconds).
    pub seen_before: Option<i64>,
}

impl Filter {
    /// Only findings that have been there at least `seconds` at `now` (Unix seconds).
    pub fn min_age(mut self, now: i64, seconds: i64) -> Filter {
        self.seen_before = Some(now.saturating_sub(seconds));
        self
    }

    /// The condition over findings `f` joined with items `i`, and its parameters in order.
    fn sql(&self) -> (String, Args) {
        let mut cond = vec!["TRUE".to_string()];
        let mut args: Args = Vec::new();
        if let Some(p) = &self.path {
            let (exact, dir, end) = under(p);
            cond.push("(i.path = ? OR (i.path >= ? AND i.path < ?))".into());
            args.extend([exact, dir, end].map(|v| Box::new(v) as Box<dyn Param>));
        }
        for (column, values) in [
            ("f.kind", &self.kinds),
            ("f.status", &self.statuses),
            ("f.confidence", &self.confidences),
        ] {
            if !values.is_empty() {
                cond.push(format!("{column} IN ({})", marks(values.len())));
                args.extend(values.iter().map(|v| Box::new(v.clone()) as Box<dyn Param>));
            }
        }
        if let Some(t) = self.seen_before {
            cond.push("f.first_seen <= ?".into());
            args.push(Box::new(t));
        }
        (cond.join(" AND "), args)
    }
}

/// `?, ?, ?` for `n` parameters.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The bounds of "`root` or under it": the path itself, the path with a slash, and the
/// first string after every path under it ('0' follows '/' in byte order).
fn under(root: &str) -> (String, String, String) {
    let exact = normalize(root);
    let dir = if exact.ends_with('/') {
        exact.clone()
    } else {
        format!("{exact}/")
    };
    let end = format!("{}0", &dir[..dir.len() - 1]);
    (exact, dir, end)
}

/// A path prefix without trailing slashes (except the root itself).
fn normalize(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() && p.starts_with('/') {
        "/".to_string()
    } else {
        t.to_string()
    }
}

/// One finding with its item's path and modification time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The row id (what `findings show` and `findings mark` take).
    pub id: i64,
    /// The item's absolute path.
    pub path: String,
    /// Where in the item (`line 3`, an archive member); empty when not applicable.
    pub location: String,
    /// `dk-cpr`, `health`, `email`, or a rule's kind.
    pub kind: String,
    /// `high`, `medium` or `low`.
    pub confidence: String,
    /// The value with its identifying part hidden.
    pub masked: String,
    /// Keyed hash of the normalised value; none for `health`.
    pub fingerprint: Option<String>,
    /// A variant of the kind (`samordningsnummer`, `d-nummer`, ...).
    pub variant: Option<String>,
    /// `open`, `accepted`, `false-positive` or `resolved`.
    pub status: String,
    /// For a resolved finding: `removed`, `edited` or `remediated`.
    pub resolution: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds.
    pub last_seen: i64,
    /// The item's modification time in nanoseconds, when it is a file.
    pub item_mtime_ns: Option<i64>,
}

/// When the item `i` was last seen: read (or met) by a scan (`items`), or carried over
/// unchanged (`item_seen`), whichever came later; `$col` is `last_seen` or `last_scan`.
macro_rules! item_seen {
    ($col:literal) => {
        concat!(
            "max(i.",
            $col,
            ", coalesce((SELECT s.",
            $col,
            " FROM item_seen s WHERE s.item_id = i.id), 0))"
        )
    };
}

/// When a finding was last seen: a scan that carries an unchanged item over marks only the
/// item seen (one statement per scan, not one per finding), so an unresolved finding was seen
/// when its item was.
macro_rules! seen {
    () => {
        concat!(
            "(CASE WHEN f.resolution IS NULL THEN max(f.last_seen, ",
            item_seen!("last_seen"),
            ") ELSE f.last_seen END)"
        )
    };
}

const LISTED: &str = concat!(
    "f.id, i.path, f.location, f.kind, f.confidence, f.masked, f.fingerprint,
     f.variant, f.status, f.resolution, f.first_seen, ",
    seen!(),
    ", i.mtime_ns"
);

fn listed(r: &Row) -> Result<Listed, DbError> {
    Ok(Listed {
        id: r.get(0)?,
        path: r.get(1)?,
        location: r.get(2)?,
        kind: r.get(3)?,
        confidence: r.get(4)?,
        masked: r.get(5)?,
        fingerprint: r.get(6)?,
        variant: r.get(7)?,
        status: r.get(8)?,
        resolution: r.get(9)?,
        first_seen: r.get(10)?,
        last_seen: r.get(11)?,
        item_mtime_ns: r.get(12)?,
    })
}

/// Calls `each` with every finding the filter matches, by path and location, until it
/// returns false (a reader that went away); returns how many were passed.
pub fn each_finding(
    db: &Connection,
    filter: &Filter,
    each: &mut dyn FnMut(Listed) -> bool,
) -> Result<u64, StoreError> {
    let (cond, args) = filter.sql();
    let mut n = 0;
    db.each(
        &format!(
            "SELECT {LISTED} FROM findings f JOIN items i ON i.id = f.item_id
             WHERE {cond} ORDER BY i.path, f.location, f.id"
        ),
        &refs(&args),
        &mut |r| {
            n += 1;
            Ok(each(listed(r)?))
        },
    )
    .map_err(err("cannot read the findings"))?;
    Ok(n)
}

/// Every finding the filter matches, by path and location.
pub fn list(db: &Connection, filter: &Filter) -> Result<Vec<Listed>, StoreError> {
    let mut all = Vec::new();
    each_finding(db, filter, &mut |l| {
        all.push(l);
        true
    })?;
    Ok(all)
}

/// What the store knows of the item a finding is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemInfo {
    /// In bytes, when it is a file.
    pub size: Option<i64>,
    /// The owner's user id.
    pub owner: Option<i64>,
    /// `blake3:<hex>` of its bytes, when read whole.
    pub hash: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds.
    pub last_seen: i64,
    /// When a scan found it deleted.
    pub gone_at: Option<i64>,
    /// Who can read it (JSON), when assessed.
    pub exposure: Option<String>,
}

/// One change of a finding's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Unix seconds.
    pub at: i64,
    /// The scan that made the change; none for a person's mark.
    pub scan_id: Option<i64>,
    /// `open`, `accepted`, `false-positive` or `resolved`.
    pub status: String,
    /// How it was resolved: `removed`, `edited` or `remediated`.
    pub resolution: Option<String>,
    /// Why, when anyone said.
    pub reason: Option<String>,
    /// Who made the change (`scan` for a scan).
    pub by: Option<String>,
}

/// Everything known about one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The finding with its item's path.
    pub finding: Listed,
    /// Why it has its status, as the person who set it wrote.
    pub status_reason: Option<String>,
    /// Who set the status (`scan` for a scan).
    pub status_by: Option<String>,
    /// Unix seconds.
    pub status_at: Option<i64>,
    /// The last scan that saw it.
    pub last_scan: i64,
    /// Its item.
    pub item: ItemInfo,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
}

/// The finding with this id, with its item and history; `None` when there is none.
pub fn finding(db: &Connection, id: i64) -> Result<Option<Detail>, StoreError> {
    let read = err("cannot read the finding");
    let found = db
        .optional(
            &format!(
                "SELECT {LISTED}, f.status_reason, f.status_by, f.status_at,
                        CASE WHEN f.resolution IS NULL THEN max(f.last_scan, {last_scan})
                             ELSE f.last_scan END,
                        i.size, i.owner, i.hash, i.first_seen, {last_seen}, i.gone_at, i.exposure
                 FROM findings f JOIN items i ON i.id = f.item_id WHERE f.id = ?1",
                last_scan = item_seen!("last_scan"),
                last_seen = item_seen!("last_seen"),
            ),
            &[&id],
            |r| {
                Ok(Detail {
                    finding: listed(r)?,
                    status_reason: r.get(13)?,
                    status_by: r.get(14)?,
                    status_at: r.get(15)?,
                    last_scan: r.get(16)?,
                    item: ItemInfo {
                        size: r.get(17)?,
                        owner: r.get(18)?,
                        hash: r.get(19)?,
                        first_seen: r.get(20)?,
                        last_seen: r.get(21)?,
                        gone_at: r.get(22)?,
                        exposure: r.get(23)?,
                    },
                    history: Vec::new(),
                })
            },
        )
        .map_err(&read)?;
    let Some(mut detail) = found else {
        return Ok(None);
    };
    detail.history = db
        .rows(
            "SELECT at, scan_id, status, resolution, reason, by_whom FROM finding_history
             WHERE finding_id = ?1 ORDER BY at, id",
            &[&id],
            |r| {
                Ok(HistoryEntry {
                    at: r.get(0)?,
                    scan_id: r.get(1)?,
                    status: r.get(2)?,
                    resolution: r.get(3)?,
                    reason: r.get(4)?,
                    by: r.get(5)?,
                })
            },
        )
        .map_err(&read)?;
    Ok(Some(detail))
}

/// Which findings a mark applies to.
#[derive(Clone, Copy, Debug)]
pub enum Selection<'a> {
    /// These findings; every one must exist and not be resolved.
    Ids(&'a [i64]),
    /// Every finding the filter matches that is not resolved.
    Matching(&'a Filter),
}

/// A person's decision about findings.
#[derive(Clone, Copy, Debug)]
pub struct Marking<'a> {
    /// One of [`MARKABLE`].
    pub status: &'a str,
    /// Why: required for `false-positive` and `accepted`.
    pub reason: Option<&'a str>,
    /// Who decided; [`default_by`] when not given.
    pub by: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
}

/// A finding a mark applied to, with its status before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    /// The row id (what `findings show` and `findings mark` take).
    pub id: i64,
    /// The item's absolute path.
    pub path: String,
    /// Where in the item (`line 3`, an archive member); empty when not applicable.
    pub location: String,
    /// `dk-cpr`, `health`, `email`, or a rule's kind.
    pub kind: String,
    /// The value with its identifying part hidden.
    pub masked: String,
    /// The status before.
    pub from: String,
    /// The status after.
    pub to: String,
}

/// What a mark did: findings changed, and findings that already had that status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarkOutcome {
    /// Findings whose status changed.
    pub changed: Vec<Marked>,
    /// Findings that already had the status.
    pub unchanged: Vec<Marked>,
}

/// Who is marking when no name is given: `$USER`, else `$LOGNAME`, else `unknown`.
pub fn default_by() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Gives the selected findings a status, with a reason and who decided, and records each
/// change in their history; all or nothing (one transaction). A false positive stays one
/// on later scans until its item's content changes (the scan writer reopens it then).
pub fn mark(
    db: &mut Connection,
    selection: Selection,
    m: &Marking,
) -> Result<MarkOutcome, StoreError> {
    if !MARKABLE.contains(&m.status) {
        return Err(StoreError(format!(
            "a finding can be marked {}, not {:?} (resolved is for scans: a finding resolves \
             when its file is edited or deleted)",
            MARKABLE.join(", "),
            m.status
        )));
    }
    let reason = m.reason.map(str::trim).filter(|r| !r.is_empty());
    if m.status != "open" && reason.is_none() {
        return Err(StoreError(format!(
            "marking a finding {} needs a reason (--reason \"why\"), for whoever reads its \
             history later",
            m.status
        )));
    }
    let by =
        m.by.map(str::trim)
            .filter(|b| !b.is_empty())
            .map_or_else(default_by, str::to_string);
    db.transaction(|tx| {
        let read = err("cannot read the findings to mark");
        let targets: Vec<Listed> = match selection {
            Selection::Ids(ids) => {
                let mut out = Vec::with_capacity(ids.len());
                let one = format!(
                    "SELECT {LISTED} FROM findings f JOIN items i ON i.id = f.item_id
                     WHERE f.id = ?1"
                );
                let mut seen = std::collections::HashSet::new();
                for &id in ids {
                    if !seen.insert(id) {
                        continue;
                    }
                    let Some(l) = tx.optional(&one, &[&id], listed).map_err(&read)? else {
                        return Err(StoreError(format!(
                            "there is no finding {id} (see the ids with `datavakt findings \
                             list`); nothing was changed"
                        )));
                    };
                    if l.resolution.is_some() || l.status == "resolved" {
                        return Err(StoreError(format!(
                            "finding {id} is resolved ({}): its file was edited or deleted, \
                             so there is nothing to mark; nothing was changed",
                            l.resolution.as_deref().unwrap_or("resolved")
                        )));
                    }
                    out.push(l);
                }
                out
            }
            Selection::Matching(filter) => {
                let (cond, args) = filter.sql();
                tx.rows(
                    &format!(
                        "SELECT {LISTED} FROM findings f JOIN items i ON i.id = f.item_id
                         WHERE {cond} AND f.resolution IS NULL AND f.status <> 'resolved'
                         ORDER BY i.path, f.location, f.id"
                    ),
                    &refs(&args),
                    listed,
                )
                .map_err(&read)?
            }
        };
        let mut outcome = MarkOutcome::default();
        let write = err("cannot mark a finding");
        for l in targets {
            let marked = Marked {
                id: l.id,
                path: l.path,
                location: l.location,
                kind: l.kind,
                masked: l.masked,
                from: l.status,
                to: m.status.to_string(),
            };
            if marked.from == m.status {
                outcome.unchanged.push(marked);
                continue;
            }
            tx.execute(
                "UPDATE findings SET status = ?2, status_reason = ?3, status_by = ?4,
                     status_at = ?5
                 WHERE id = ?1",
                &[&l.id, &m.status, &reason, &by, &m.now],
            )
            .map_err(&write)?;
            tx.execute(
                "INSERT INTO finding_history (finding_id, at, scan_id, status, resolution,
                                              reason, by_whom)
                 VALUES (?1, ?2, NULL, ?3, NULL, ?4, ?5)",
                &[&l.id, &m.now, &m.status, &reason, &by],
            )
            .map_err(&write)?;
            outcome.changed.push(marked);
        }
        Ok(outcome)
    })
}

/// The findings and items of one part of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// What is counted: a folder, kind, confidence, status or age bucket.
    pub name: String,
    /// Findings.
    pub findings: u64,
    /// Items holding them.
    pub items: u64,
}

/// One item among the report's worst: the most findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemCount {
    /// The item's absolute path.
    pub path: String,
    /// Findings.
    pub findings: u64,
    /// Distinct identity-number fingerprints.
    pub identity_numbers: u64,
    /// It also holds health data.
    pub health: bool,
    /// Its severity and score as the last scan assessed them.
    pub severity: Option<String>,
    pub score: Option<i64>,
}

/// One completed scan, for the trend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanPoint {
    /// The scan's id.
    pub id: i64,
    /// The roots it scanned, joined by spaces.
    pub target: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds.
    pub ended_at: i64,
    /// Files it read or found unchanged.
    pub files: i64,
    /// Findings.
    pub findings: i64,
    /// Findings it saw for the first time (or again after they were resolved).
    pub new_findings: i64,
    /// Findings it resolved (their item edited or deleted).
    pub resolved: i64,
    /// Items it could not read.
    pub errors: i64,
}

/// The summary of the current findings (open or accepted) under a folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The folder reported on: the one asked for, else the deepest folder holding every
    /// current finding.
    pub prefix: String,
    /// Findings.
    pub findings: u64,
    /// Items holding them.
    pub items: u64,
    /// Distinct identity-number fingerprints.
    pub identity_numbers: u64,
    /// By the first path component below the prefix (`.` for items directly in it), most
    /// findings first.
    pub by_folder: Vec<Group>,
    /// Most findings first.
    pub by_kind: Vec<Group>,
    /// high, medium, low.
    pub by_confidence: Vec<Group>,
    /// Open and accepted.
    pub by_status: Vec<Group>,
    /// In the order of [`AGE_BUCKETS`].
    pub by_age: Vec<Group>,
    /// The ten most severe items (by the last scan's severity and score; then health data
    /// with identity numbers, then the most findings).
    pub top_items: Vec<ItemCount>,
    /// Completed scans whose target overlaps the prefix, oldest first.
    pub trend: Vec<ScanPoint>,
}

/// An item in the report's scope: its findings, distinct identity numbers and health data.
struct InScope {
    path: String,
    findings: u64,
    identity: std::collections::HashSet<String>,
    health: bool,
    severity: Option<String>,
    score: Option<i64>,
}

/// The report on the current findings under `prefix` (everything when `None`) at `now`.
pub fn report(
    db: &Connection,
    prefix: Option<&str>,
    confidences: &[&str],
    now: i64,
) -> Result<Summary, StoreError> {
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
    let mut s = Summary::default();
    let sql = format!(
        "SELECT i.path, f.kind, f.confidence, f.status, f.first_seen, f.fingerprint,
                i.severity, i.score
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
                severity: r.get(6)?,
                score: r.get(7)?,
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
    let mut top: Vec<ItemCount> = items
        .into_iter()
        .map(|i| ItemCount {
            identity_numbers: i.identity.len() as u64,
            path: i.path,
            findings: i.findings,
            health: i.health,
            severity: i.severity,
            score: i.score,
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
    Ok(s)
}

/// The completed scans whose target overlaps `prefix` (all when `None`), oldest first.
pub fn trend(db: &Connection, prefix: Option<&str>) -> Result<Vec<ScanPoint>, StoreError> {
    let read = err("cannot read the scans");
    let all: Vec<ScanPoint> = db
        .rows(
            "SELECT id, target, started_at, ended_at, files, findings, new_findings, resolved,
                    errors
             FROM scans WHERE ended_at IS NOT NULL ORDER BY started_at, id",
            &[],
            |r| {
                Ok(ScanPoint {
                    id: r.get(0)?,
                    target: r.get(1)?,
                    started_at: r.get(2)?,
                    ended_at: r.get(3)?,
                    files: r.get(4)?,
                    findings: r.get(5)?,
                    new_findings: r.get(6)?,
                    resolved: r.get(7)?,
                    errors: r.get(8)?,
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

/// The scope of a personal-data breach under a folder, for a notification (GDPR art. 33):
/// how many people, which categories, how many records, since when, readable by whom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Breach {
    /// The folder (or file) the breach concerns.
    pub prefix: String,
    /// Resolved findings counted too (a breach of files since edited or deleted).
    pub include_resolved: bool,
    /// Distinct identity-number fingerprints over all identity kinds.
    pub distinct_people: u64,
    /// Distinct fingerprints per kind (every kind with fingerprints).
    pub by_kind: BTreeMap<String, u64>,
    /// The per-kind distinct identity numbers summed (the same person under two kinds
    /// counts twice, which only happens with two different numbers).
    pub identity_numbers_summed: u64,
    /// Findings per kind (health included).
    pub records_by_kind: BTreeMap<String, u64>,
    /// Distinct identity numbers in items that also hold health data.
    pub with_health: u64,
    /// Items with health data.
    pub health_items: u64,
    /// Items with a finding.
    pub items: u64,
    /// Findings.
    pub records: u64,
    /// The earliest modification time of the items (nanoseconds since the epoch).
    pub modified_earliest_ns: Option<i64>,
    /// The latest modification time (nanoseconds since the epoch).
    pub modified_latest_ns: Option<i64>,
    /// The earliest first sighting of a finding (Unix seconds).
    pub first_seen: Option<i64>,
    /// The latest sighting of a finding (Unix seconds).
    pub last_seen: Option<i64>,
    /// Items by who can read them: the item's exposure JSON as stored (`None`: not
    /// assessed), most items first.
    pub exposure: Vec<(Option<String>, u64)>,
}

/// An integer that is not there (a plain `NULL` is text on PostgreSQL).
const NO_INT: &str = "CAST(NULL AS INTEGER)";

/// The breach scope under `prefix`: current findings (open, accepted), and with
/// `include_resolved` also those resolved since. False positives are never counted: a person
/// decided they are not personal data.
pub fn breach(
    db: &Connection,
    prefix: &str,
    confidences: &[&str],
    include_resolved: bool,
) -> Result<Breach, StoreError> {
    let read = err("cannot read the findings for the breach report");
    let mut statuses: Vec<String> = CURRENT.iter().map(|s| s.to_string()).collect();
    if include_resolved {
        statuses.push("resolved".into());
    }
    let filter = Filter {
        path: Some(prefix.to_string()),
        statuses,
        confidences: confidences.iter().map(|c| c.to_string()).collect(),
        ..Filter::default()
    };
    let (cond, args) = filter.sql();
    let from = format!("FROM findings f JOIN items i ON i.id = f.item_id WHERE {cond}");
    let identity = IDENTITY_KINDS
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b = Breach {
        prefix: normalize(prefix),
        include_resolved,
        ..Breach::default()
    };
    let args = refs(&args);
    let by_kind: Vec<(String, i64, i64)> = db
        .rows(
            &format!(
                "SELECT f.kind, count(*), count(DISTINCT f.fingerprint) {from} GROUP BY f.kind"
            ),
            &args,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(&read)?;
    for (kind, records, distinct) in by_kind {
        if IDENTITY_KINDS.contains(&kind.as_str()) {
            b.identity_numbers_summed += distinct as u64;
        }
        if distinct > 0 {
            b.by_kind.insert(kind.clone(), distinct as u64);
        }
        b.records += records as u64;
        b.records_by_kind.insert(kind, records as u64);
    }
    let one = |sql: String| -> Result<(i64, Option<i64>, Option<i64>), StoreError> {
        db.one(&sql, &args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(&read)
    };
    b.distinct_people = one(format!(
        "SELECT count(DISTINCT f.fingerprint), {NO_INT}, {NO_INT} {from} AND f.kind IN ({identity})"
    ))?
    .0 as u64;
    // The health finding must be in scope as well: a dismissed one says nothing.
    let health_status = if include_resolved {
        "h.status IN ('open', 'accepted', 'resolved')"
    } else {
        "h.status IN ('open', 'accepted')"
    };
    b.with_health = one(format!(
        "SELECT count(DISTINCT f.fingerprint), {NO_INT}, {NO_INT} {from} AND f.kind IN ({identity})
           AND EXISTS (SELECT 1 FROM findings h WHERE h.item_id = f.item_id
                       AND h.kind = 'health' AND {health_status})"
    ))?
    .0 as u64;
    b.health_items = one(format!(
        "SELECT count(DISTINCT f.item_id), {NO_INT}, {NO_INT} {from} AND f.kind = 'health'"
    ))?
    .0 as u64;
    let (n, lo, hi) = one(format!(
        "SELECT count(*), min(mtime_ns), max(mtime_ns) FROM items
         WHERE id IN (SELECT f.item_id {from})"
    ))?;
    b.items = n as u64;
    b.modified_earliest_ns = lo;
    b.modified_latest_ns = hi;
    let (_, lo, hi) = one(format!(
        "SELECT 0, min(f.first_seen), max({}) {from}",
        seen!()
    ))?;
    b.first_seen = lo;
    b.last_seen = hi;
    // NULLS FIRST: PostgreSQL sorts them last by default, SQLite first.
    b.exposure = db
        .rows(
            &format!(
                "SELECT exposure, count(*) FROM items WHERE id IN (SELECT f.item_id {from})
                 GROUP BY exposure ORDER BY count(*) DESC, exposure NULLS FIRST"
            ),
            &args,
            |r| Ok((r.get::<Option<String>>(0)?, r.get::<i64>(1)? as u64)),
        )
        .map_err(&read)?;
    Ok(b)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scan::tests::finish;
    use crate::{open, FindingRow, Location, Meta, Store};

    /// Every scenario: run on SQLite by a test each, on PostgreSQL by the store's
    /// `every_scenario_runs_on_postgres_too`, each on a new empty database.
    pub(crate) const SCENARIOS: &[crate::tests::Scenario] = &[
        ("filters", filters),
        ("marks", marks),
        ("mark_folder", mark_folder),
        ("false_positive_later", false_positive_later),
        ("report", report_counts),
        ("breach", breach_scope),
    ];

    fn sqlite(name: &str) -> Location {
        crate::tests::sqlite(&format!("query-{name}"))
    }

    fn meta(size: u64, mtime_ns: i64) -> Meta {
        Meta {
            size,
            mtime_ns,
            ctime_ns: mtime_ns,
            dev: 1,
            ino: size,
            owner: 1000,
        }
    }

    const WITH: &str = "settings";
    const DAY: i64 = 86_400;

    /// One scan of /srv at `now`: every (path, kind, masked, fingerprint) found, each item
    /// read whole with `hash` of its path and `edit`.
    fn scan(s: &mut Store, now: i64, found: &[(&str, &str, &str, Option<&str>)], edit: &str) {
        s.begin_scan(&["/srv".to_string()], "{}", WITH, now)
            .unwrap();
        let mut paths: Vec<&str> = found.iter().map(|f| f.0).collect();
        paths.dedup();
        for (n, (path, kind, masked, fp)) in found.iter().enumerate() {
            s.finding(&FindingRow {
                path,
                location: &format!("line {n}"),
                kind,
                confidence: if *kind == "health" { "medium" } else { "high" },
                masked,
                fingerprint: *fp,
                variant: None,
            })
            .unwrap();
        }
        for (i, p) in paths.iter().enumerate() {
            let hash = format!("{p}{edit}");
            s.item_read(
                p,
                Some(&meta(i as u64 + 1, (i as i64 + 1) * 1_000_000_000)),
                Some(&hash),
                WITH,
            )
            .unwrap();
        }
        finish(s, now + 1, &|_| true);
    }

    const TREE: &[(&str, &str, &str, Option<&str>)] = &[
        ("/srv/a/journal.txt", "dk-cpr", "010190-****", Some("P1")),
        ("/srv/a/journal.txt", "health", "[diagnosis]", None),
        (
            "/srv/a/journal.txt",
            "email",
            "x***@example.org",
            Some("E1"),
        ),
        ("/srv/a/list.csv", "dk-cpr", "010190-****", Some("P1")),
        ("/srv/a/list.csv", "dk-cpr", "020290-****", Some("P2")),
        (
            "/srv/ab/other.txt",
            "se-personnummer",
            "800101-****",
            Some("S1"),
        ),
        ("/srv/top.txt", "dk-cpr", "030390-****", Some("P3")),
    ];

    fn id_of(db: &Connection, path: &str, masked: &str) -> i64 {
        db.one(
            "SELECT f.id FROM findings f JOIN items i ON i.id = f.item_id
             WHERE i.path = ?1 AND f.masked = ?2",
            &[&path, &masked],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn marking<'a>(status: &'a str, reason: Option<&'a str>, now: i64) -> Marking<'a> {
        Marking {
            status,
            reason,
            by: Some("dpo"),
            now,
        }
    }

    fn filters(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100 * DAY, TREE, "");
        let db = open(at).unwrap();
        let all = list(&db, &Filter::default()).unwrap();
        assert_eq!(all.len(), 7);
        assert!(all.windows(2).all(|w| w[0].path <= w[1].path));
        assert_eq!(all[0].item_mtime_ns, Some(1_000_000_000));
        let under_a = Filter {
            path: Some("/srv/a/".into()),
            ..Filter::default()
        };
        let got = list(&db, &under_a).unwrap();
        assert_eq!(got.len(), 5, "/srv/ab is not under /srv/a");
        assert!(got.iter().all(|l| l.path.starts_with("/srv/a/")));
        let one_file = Filter {
            path: Some("/srv/a/list.csv".into()),
            ..Filter::default()
        };
        assert_eq!(list(&db, &one_file).unwrap().len(), 2);
        let cpr = Filter {
            kinds: vec!["dk-cpr".into()],
            confidences: vec!["high".into()],
            statuses: vec!["open".into()],
            ..Filter::default()
        };
        assert_eq!(list(&db, &cpr).unwrap().len(), 4);
        let medium = Filter {
            confidences: vec!["medium".into()],
            ..Filter::default()
        };
        assert_eq!(list(&db, &medium).unwrap()[0].kind, "health");
        let root = Filter {
            path: Some("/".into()),
            ..Filter::default()
        };
        assert_eq!(list(&db, &root).unwrap().len(), 7);
        assert_eq!(
            list(&db, &Filter::default().min_age(107 * DAY, 7 * DAY))
                .unwrap()
                .len(),
            7
        );
        assert!(list(&db, &Filter::default().min_age(106 * DAY, 7 * DAY))
            .unwrap()
            .is_empty());
        // A reader that goes away stops the query.
        let mut seen = 0;
        let n = each_finding(&db, &Filter::default(), &mut |_| {
            seen += 1;
            seen < 2
        })
        .unwrap();
        assert_eq!((seen, n), (2, 2));
    }

    fn marks(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100, TREE, "");
        let mut db = open(at).unwrap();
        let id = id_of(&db, "/srv/top.txt", "030390-****");

        // A reason is required to dismiss or accept; nothing changes without one.
        for status in ["false-positive", "accepted"] {
            for reason in [None, Some("  ")] {
                let e = mark(
                    &mut db,
                    Selection::Ids(&[id]),
                    &marking(status, reason, 200),
                )
                .unwrap_err();
                assert!(e.0.contains("needs a reason"), "{e}");
            }
        }
        let e = mark(
            &mut db,
            Selection::Ids(&[id]),
            &marking("resolved", Some("x"), 200),
        )
        .unwrap_err();
        assert!(e.0.contains("not \"resolved\""), "{e}");
        let e = mark(
            &mut db,
            Selection::Ids(&[id, 9999]),
            &marking("open", None, 200),
        )
        .unwrap_err();
        assert!(e.0.contains("no finding 9999"), "{e}");
        assert!(finding(&db, id).unwrap().unwrap().history.is_empty());

        // open -> false-positive -> open -> accepted -> false-positive -> accepted -> open
        let steps = [
            ("false-positive", Some("a test number in a manual"), "open"),
            ("open", None, "false-positive"),
            ("accepted", Some("HR archive, allowed here"), "open"),
            ("false-positive", Some("on second thought"), "accepted"),
            ("accepted", Some("no, it is real"), "false-positive"),
            ("open", Some("archive moved"), "accepted"),
        ];
        for (n, (to, reason, from)) in steps.iter().enumerate() {
            let at = 300 + n as i64;
            let out = mark(
                &mut db,
                Selection::Ids(&[id, id]),
                &marking(to, *reason, at),
            )
            .unwrap();
            assert_eq!(out.changed.len(), 1, "duplicate ids are one finding");
            assert_eq!(
                (out.changed[0].from.as_str(), out.changed[0].to.as_str()),
                (*from, *to)
            );
            let d = finding(&db, id).unwrap().unwrap();
            assert_eq!(d.finding.status, *to);
            assert_eq!(d.status_reason.as_deref(), *reason);
            assert_eq!(d.status_by.as_deref(), Some("dpo"));
            assert_eq!(d.status_at, Some(at));
            assert_eq!(d.history.len(), n + 1);
            let h = d.history.last().unwrap();
            assert_eq!(
                (h.status.as_str(), h.reason.as_deref(), h.by.as_deref()),
                (*to, *reason, Some("dpo"))
            );
            assert_eq!(h.scan_id, None, "a person's mark, not a scan's");
        }
        // The same status again changes nothing and writes no history.
        let out = mark(&mut db, Selection::Ids(&[id]), &marking("open", None, 400)).unwrap();
        assert!(out.changed.is_empty());
        assert_eq!(out.unchanged.len(), 1);
        assert_eq!(finding(&db, id).unwrap().unwrap().history.len(), 6);
        // Without a name, the login name.
        let out = mark(
            &mut db,
            Selection::Ids(&[id]),
            &Marking {
                by: None,
                ..marking("accepted", Some("ok"), 500)
            },
        )
        .unwrap();
        assert_eq!(out.changed.len(), 1);
        assert_eq!(
            finding(&db, id).unwrap().unwrap().status_by,
            Some(default_by())
        );
        assert!(finding(&db, 9999).unwrap().is_none());
    }

    fn mark_folder(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100, TREE, "");
        // list.csv edited: 020290 gone (resolved), 010190 still there.
        let edited: Vec<_> = TREE
            .iter()
            .copied()
            .filter(|f| f.2 != "020290-****")
            .collect();
        s.begin_scan(&["/srv".to_string()], "{}", WITH, 200)
            .unwrap();
        for (n, (p, kind, masked, fp)) in edited.iter().enumerate() {
            s.finding(&FindingRow {
                path: p,
                location: &format!("line {n}"),
                kind,
                confidence: "high",
                masked,
                fingerprint: *fp,
                variant: None,
            })
            .unwrap();
        }
        s.item_read("/srv/a/list.csv", Some(&meta(9, 9)), Some("changed"), WITH)
            .unwrap();
        finish(&mut s, 201, &|_| true);
        let mut db = open(at).unwrap();
        let gone = id_of(&db, "/srv/a/list.csv", "020290-****");
        assert_eq!(
            finding(&db, gone).unwrap().unwrap().finding.status,
            "resolved"
        );
        let e = mark(
            &mut db,
            Selection::Ids(&[gone]),
            &marking("open", None, 300),
        )
        .unwrap_err();
        assert!(e.0.contains("is resolved (edited)"), "{e}");

        let folder = Filter {
            path: Some("/srv/a".into()),
            kinds: vec!["dk-cpr".into()],
            ..Filter::default()
        };
        let out = mark(
            &mut db,
            Selection::Matching(&folder),
            &marking("accepted", Some("case files, allowed here"), 300),
        )
        .unwrap();
        let mut marked: Vec<(&str, &str)> = out
            .changed
            .iter()
            .map(|m| (m.path.as_str(), m.masked.as_str()))
            .collect();
        marked.sort();
        assert_eq!(
            marked,
            [
                ("/srv/a/journal.txt", "010190-****"),
                ("/srv/a/list.csv", "010190-****")
            ]
        );
        assert_eq!(
            finding(&db, gone).unwrap().unwrap().finding.status,
            "resolved"
        );
        let accepted = Filter {
            statuses: vec!["accepted".into()],
            ..Filter::default()
        };
        assert_eq!(list(&db, &accepted).unwrap().len(), 2);
    }

    fn false_positive_later(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100, TREE, "");
        let mut db = open(at).unwrap();
        let id = id_of(&db, "/srv/top.txt", "030390-****");
        mark(
            &mut db,
            Selection::Ids(&[id]),
            &marking("false-positive", Some("test data"), 150),
        )
        .unwrap();
        scan(&mut s, 200, TREE, "");
        assert_eq!(
            finding(&db, id).unwrap().unwrap().finding.status,
            "false-positive"
        );
        scan(&mut s, 300, TREE, " edited");
        let d = finding(&db, id).unwrap().unwrap();
        assert_eq!(d.finding.status, "open");
        let h: Vec<(&str, Option<&str>, Option<&str>)> = d
            .history
            .iter()
            .map(|h| (h.status.as_str(), h.reason.as_deref(), h.by.as_deref()))
            .collect();
        assert_eq!(
            h,
            [
                ("false-positive", Some("test data"), Some("dpo")),
                ("open", Some("the item changed"), Some("scan"))
            ]
        );
        // An accepted finding stays accepted when its item changes.
        mark(
            &mut db,
            Selection::Ids(&[id]),
            &marking("accepted", Some("ok"), 350),
        )
        .unwrap();
        scan(&mut s, 400, TREE, " edited again");
        assert_eq!(
            finding(&db, id).unwrap().unwrap().finding.status,
            "accepted"
        );
    }

    fn report_counts(at: &Location) {
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
        assert_eq!(r.trend[1].started_at, 40 * DAY);

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

    fn breach_scope(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100, TREE, "");
        let mut db = open(at).unwrap();
        db.execute(
            "UPDATE items SET exposure = ?1 WHERE path = '/srv/a/list.csv'",
            &[&r#"{"readers":"everyone"}"#],
        )
        .unwrap();
        let b = breach(&db, "/srv/a", &[], false).unwrap();
        assert_eq!(b.prefix, "/srv/a");
        assert_eq!(b.distinct_people, 2, "P1 in two files is one person");
        assert_eq!(
            b.by_kind,
            BTreeMap::from([("dk-cpr".into(), 2), ("email".into(), 1)])
        );
        assert_eq!(b.identity_numbers_summed, 2);
        assert_eq!(b.with_health, 1, "only P1 is beside health data");
        assert_eq!((b.health_items, b.items, b.records), (1, 2, 5));
        assert_eq!(b.records_by_kind["dk-cpr"], 3);
        assert_eq!(b.modified_earliest_ns, Some(1_000_000_000));
        assert_eq!(b.modified_latest_ns, Some(2_000_000_000));
        assert_eq!(b.first_seen, Some(100));
        assert_eq!(
            b.exposure,
            [
                (None, 1),
                (Some(r#"{"readers":"everyone"}"#.to_string()), 1)
            ]
        );
        let all = breach(&db, "/", &[], false).unwrap();
        assert_eq!(all.distinct_people, 4);
        assert_eq!(all.identity_numbers_summed, 4);

        // Dismissed health data and false positives do not count; resolved ones only when
        // asked for.
        let health = id_of(&db, "/srv/a/journal.txt", "[diagnosis]");
        mark(
            &mut db,
            Selection::Ids(&[health]),
            &marking("false-positive", Some("a leaflet"), 150),
        )
        .unwrap();
        assert_eq!(breach(&db, "/srv/a", &[], false).unwrap().with_health, 0);
        mark(
            &mut db,
            Selection::Ids(&[health]),
            &marking("open", None, 160),
        )
        .unwrap();
        s.begin_scan(&["/srv".to_string()], "{}", WITH, 200)
            .unwrap();
        finish(&mut s, 201, &|p| !p.starts_with("/srv/a/"));
        let now = breach(&db, "/srv/a", &[], false).unwrap();
        assert_eq!((now.distinct_people, now.records, now.items), (0, 0, 0));
        assert_eq!(now.first_seen, None);
        let then = breach(&db, "/srv/a", &[], true).unwrap();
        assert_eq!(
            (then.distinct_people, then.with_health, then.records),
            (2, 1, 5)
        );
    }

    #[test]
    fn filters_by_path_at_a_folder_boundary_kind_status_confidence_and_age() {
        filters(&sqlite("filters"));
    }

    #[test]
    fn every_mark_is_a_status_a_reason_a_name_and_a_history_row() {
        marks(&sqlite("mark"));
    }

    #[test]
    fn a_folder_is_marked_at_once_and_resolved_findings_are_left_alone() {
        mark_folder(&sqlite("mark-folder"));
    }

    #[test]
    fn a_false_positive_stays_one_on_later_scans_until_its_item_changes() {
        false_positive_later(&sqlite("fp"));
    }

    #[test]
    fn the_report_counts_current_findings_by_folder_kind_confidence_age_and_scan() {
        report_counts(&sqlite("report"));
    }

    #[test]
    fn the_breach_scope_counts_distinct_people_health_records_times_and_exposure() {
        breach_scope(&sqlite("breach"));
    }

    #[test]
    fn path_bounds_and_folders() {
        assert_eq!(
            under("/srv/"),
            ("/srv".into(), "/srv/".into(), "/srv0".into())
        );
        assert_eq!(under("/"), ("/".into(), "/".into(), "0".into()));
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
