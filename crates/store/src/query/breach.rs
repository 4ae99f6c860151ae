//! The breach scope: `datavakt report breach` (and a future web API's breach page). For a
//! notification (GDPR art. 33): under a folder, how many people, which categories, how many
//! records, since when, readable by whom.

use std::collections::BTreeMap;

use super::{normalize, refs, Connection, Filter, CURRENT, IDENTITY_KINDS};
use crate::{err, StoreError};

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
pub(super) mod tests {
    use super::*;
    use crate::query::tests::{id_of, marking, scan, sqlite, TREE, WITH};
    use crate::query::{mark, Selection};
    use crate::scan::tests::finish;
    use crate::{open, Location, Store};

    pub(crate) fn breach_scope(at: &Location) {
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
    fn the_breach_scope_counts_distinct_people_health_records_times_and_exposure() {
        breach_scope(&sqlite("breach"));
    }
}
