//! The read side of the scan database, and the one change a person makes to it: marking
//! findings as false positives, accepted, or open again. One module per use case, each what
//! one command serves today and what one endpoint of a future web API would serve (their
//! items are re-exported here, so every path stays `query::…`):
//!
//! - `list.rs`: `datavakt findings list`, the findings a [`Filter`] matches;
//! - `detail.rs`: `datavakt findings show ID`, one finding with its item and history;
//! - `mark.rs`: `datavakt findings mark`, a person's decision about findings;
//! - `report.rs`: `datavakt report`, the summary of the current findings under a folder;
//! - `breach.rs`: `datavakt report breach`, the scope of a breach under a folder.
//!
//! This module holds what they share: the [`Filter`], the [`Selection`] of findings a mark
//! applies to, a finding as a row (`Listed`) and its model, and the SQL fragments and path bounds they
//! build on. Everything here works on a [`Connection`] from [`crate::connect`]. Every value a
//! query takes from outside (paths, kinds, reasons, names) is a bound parameter; the SQL text
//! is built only from fixed fragments. Like the rest of the store, nothing here can return a
//! found value: the store has only masked values and keyed fingerprints.

use std::borrow::Cow;

use model::{
    Audience, Confidence, Exposure, Finding, IsoTime, Media, Resolution, Severity, Status,
    StoredFinding,
};

use crate::db::{Db, DbError, Param, Row};

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

/// The statuses of current findings: still there and not dismissed.
pub const CURRENT: &[&str] = &["open", "accepted"];

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
    /// Only findings in items the last scan judged this severe or more.
    pub min_severity: Option<Severity>,
    /// Only findings in items readable by one of these audiences, as the last scan judged.
    pub audiences: Vec<Audience>,
    /// Only findings of these values (their keyed fingerprints): one value everywhere.
    pub fingerprints: Vec<String>,
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
            ("f.fingerprint", &self.fingerprints),
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
        if let Some(min) = self.min_severity {
            let names: Vec<&str> = Severity::ALL
                .iter()
                .filter(|s| **s >= min)
                .map(|s| s.name())
                .collect();
            cond.push(format!("i.severity IN ({})", marks(names.len())));
            args.extend(
                names
                    .iter()
                    .map(|v| Box::new(v.to_string()) as Box<dyn Param>),
            );
        }
        if !self.audiences.is_empty() {
            // The stored exposure is the model's JSON, whose first member is the audience.
            let likes = vec!["i.exposure LIKE ?"; self.audiences.len()].join(" OR ");
            cond.push(format!("({likes})"));
            args.extend(
                self.audiences.iter().map(|a| {
                    Box::new(format!("{{\"audience\":\"{}\"%", a.name())) as Box<dyn Param>
                }),
            );
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

/// One finding with its item's path, modification time and judgement, as a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Listed {
    pub id: i64,
    pub path: String,
    /// Empty when not applicable.
    pub location: String,
    pub kind: String,
    pub confidence: String,
    pub masked: String,
    pub fingerprint: Option<String>,
    pub variant: Option<String>,
    pub status: String,
    pub resolution: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds.
    pub last_seen: i64,
    /// Nanoseconds, when the item is a file.
    pub item_mtime_ns: Option<i64>,
    /// The item's exposure (JSON) and severity as its last scan judged them.
    pub exposure: Option<String>,
    pub severity: Option<String>,
    pub score: Option<i64>,
}

impl Listed {
    /// The finding in the model's terms, with its age at `now` (Unix seconds).
    fn into_model(self, now: i64) -> Result<StoredFinding<'static>, DbError> {
        let bad = |what: &str, v: &str| {
            DbError::Corrupt(format!(
                "a finding's {what} is {v:?}, which no datavakt writes"
            ))
        };
        let confidence = Confidence::parse(&self.confidence)
            .ok_or_else(|| bad("confidence", &self.confidence))?;
        let status = Status::parse(&self.status).ok_or_else(|| bad("status", &self.status))?;
        let resolution = match &self.resolution {
            Some(r) => Some(Resolution::parse(r).ok_or_else(|| bad("resolution", r))?),
            None => None,
        };
        // A severity or exposure this version cannot read is left out rather than failing
        // the whole list: both are the last scan's judgement, made again by the next.
        let severity = self.severity.as_deref().and_then(Severity::parse);
        let exposure = self
            .exposure
            .as_deref()
            .and_then(|e| serde_json::from_str::<Exposure>(e).ok());
        Ok(StoredFinding {
            id: self.id,
            finding: Finding {
                path: self.path.into(),
                location: Some(self.location)
                    .filter(|l| !l.is_empty())
                    .map(Into::into),
                kind: self.kind.into(),
                confidence,
                masked: self.masked.into(),
                fingerprint: self.fingerprint.map(Into::into),
                value: None,
                variant: self.variant.map(Into::into),
                media: Media::default(),
                status,
                resolution,
                first_seen: IsoTime(self.first_seen),
                exposure: exposure.map(Cow::Owned),
                severity,
                score: self.score.and_then(|s| u32::try_from(s).ok()),
                why: None,
            },
            last_seen: IsoTime(self.last_seen),
            age_days: (now - self.first_seen).max(0) / 86_400,
            modified: self
                .item_mtime_ns
                .map(|ns| IsoTime(ns.div_euclid(1_000_000_000))),
        })
    }
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
    ", i.mtime_ns, i.exposure, i.severity, i.score"
);

/// The columns of [`LISTED`] read.
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
        exposure: r.get(13)?,
        severity: r.get(14)?,
        score: r.get(15)?,
    })
}

/// Which findings a mark applies to.
#[derive(Clone, Copy, Debug)]
pub enum Selection<'a> {
    /// These findings; every one must exist and not be resolved.
    Ids(&'a [i64]),
    /// Every finding the filter matches that is not resolved.
    Matching(&'a Filter),
}

// After the macros above, which they use.
mod breach;
mod detail;
mod list;
mod mark;
mod report;

pub use breach::{breach, UNKNOWN_EXPOSURE};
pub use detail::finding;
pub use list::{each_finding, list};
pub use mark::{default_by, mark, MarkOutcome, Marked, Marking, MARKABLE};
pub use report::{report, trend, AGE_BUCKETS};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scan::tests::finish;
    use crate::{FindingRow, Location, Meta, Store};

    /// Every scenario: run on SQLite by a test each, on PostgreSQL by the store's
    /// `every_scenario_runs_on_postgres_too`, each on a new empty database.
    pub(crate) const SCENARIOS: &[crate::tests::Scenario] = &[
        ("filters", list::tests::filters),
        ("marks", mark::tests::marks),
        ("mark_folder", mark::tests::mark_folder),
        ("false_positive_later", mark::tests::false_positive_later),
        ("report", report::tests::report_counts),
        ("breach", breach::tests::breach_scope),
    ];

    pub(crate) fn sqlite(name: &str) -> Location {
        crate::tests::sqlite(&format!("query-{name}"))
    }

    pub(crate) fn meta(size: u64, mtime_ns: i64) -> Meta {
        Meta {
            size,
            mtime_ns,
            ctime_ns: mtime_ns,
            dev: 1,
            ino: size,
            owner: 1000,
        }
    }

    pub(crate) const WITH: &str = "settings";
    pub(crate) const DAY: i64 = 86_400;

    /// One scan of /srv at `now`: every (path, kind, masked, fingerprint) found, each item
    /// read whole with `hash` of its path and `edit`.
    pub(crate) fn scan(
        s: &mut Store,
        now: i64,
        found: &[(&str, &str, &str, Option<&str>)],
        edit: &str,
    ) {
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

    pub(crate) const TREE: &[(&str, &str, &str, Option<&str>)] = &[
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

    pub(crate) fn id_of(db: &Connection, path: &str, masked: &str) -> i64 {
        db.one(
            "SELECT f.id FROM findings f JOIN items i ON i.id = f.item_id
             WHERE i.path = ?1 AND f.masked = ?2",
            &[&path, &masked],
            |r| r.get(0),
        )
        .unwrap()
    }

    pub(crate) fn marking<'a>(status: &'a str, reason: Option<&'a str>, now: i64) -> Marking<'a> {
        Marking {
            status,
            reason,
            by: Some("dpo"),
            now,
            dry_run: false,
        }
    }

    #[test]
    fn path_bounds() {
        assert_eq!(
            under("/srv/"),
            ("/srv".into(), "/srv/".into(), "/srv0".into())
        );
        assert_eq!(under("/"), ("/".into(), "/".into(), "0".into()));
    }
}
