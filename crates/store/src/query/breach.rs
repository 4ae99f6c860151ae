//! The breach scope: `datavakt report breach` (and a future web API's breach page). For a
//! notification (GDPR art. 33): under a folder, how many people, which categories, how many
//! records, since when, readable by whom.

use model::{Breach, Exposure, IsoTime, Span};

use super::{normalize, refs, Connection, Filter, CURRENT, IDENTITY_KINDS};
use crate::{err, StoreError};

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
    now: i64,
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
        generated_at: IsoTime(now),
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
    let seconds = |ns: Option<i64>| ns.map(|ns| IsoTime(ns.div_euclid(1_000_000_000)));
    b.modified = Span {
        earliest: seconds(lo),
        latest: seconds(hi),
    };
    let (_, lo, hi) = one(format!(
        "SELECT 0, min(f.first_seen), max({}) {from}",
        seen!()
    ))?;
    b.first_seen = lo.map(IsoTime);
    b.last_seen = hi.map(IsoTime);
    // NULLS FIRST: PostgreSQL sorts them last by default, SQLite first.
    let exposures = db
        .rows(
            &format!(
                "SELECT exposure, count(*) FROM items WHERE id IN (SELECT f.item_id {from})
                 GROUP BY exposure ORDER BY count(*) DESC, exposure NULLS FIRST"
            ),
            &args,
            |r| Ok((r.get::<Option<String>>(0)?, r.get::<i64>(1)? as u64)),
        )
        .map_err(&read)?;
    for (e, n) in exposures {
        *b.exposure.entry(audience(e.as_deref())).or_insert(0) += n;
    }
    Ok(b)
}

/// What a breach report groups items by: who can read them, with the principals
/// (`group (group:hr)`); how each item got there (`via`) is left out, so that items open to
/// the same people are one group.
fn audience(stored: Option<&str>) -> String {
    let Some(text) = stored else {
        return UNKNOWN_EXPOSURE.to_string();
    };
    match serde_json::from_str::<Exposure>(text) {
        Ok(e) if e.principals.is_empty() => e.audience.name().to_string(),
        Ok(e) => format!("{} ({})", e.audience.name(), e.principals.join(", ")),
        // Not this version's: shown as it is rather than hidden.
        Err(_) => text.to_string(),
    }
}

/// The group of items never assessed.
pub const UNKNOWN_EXPOSURE: &str = "unknown (exposure not assessed)";

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;

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
            &[&r#"{"audience":"group","principals":["group:hr"],"transport":"local","via":"acl"}"#],
        )
        .unwrap();
        let b = breach(&db, "/srv/a", &[], false, 300).unwrap();
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
        assert_eq!(b.modified.earliest, Some(IsoTime(1)));
        assert_eq!(b.modified.latest, Some(IsoTime(2)));
        assert_eq!(b.first_seen, Some(IsoTime(100)));
        assert_eq!(
            b.exposure,
            BTreeMap::from([
                (UNKNOWN_EXPOSURE.to_string(), 1),
                ("group (group:hr)".to_string(), 1)
            ])
        );
        let all = breach(&db, "/", &[], false, 300).unwrap();
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
        assert_eq!(
            breach(&db, "/srv/a", &[], false, 300).unwrap().with_health,
            0
        );
        mark(
            &mut db,
            Selection::Ids(&[health]),
            &marking("open", None, 160),
        )
        .unwrap();
        s.begin_scan(&["/srv".to_string()], "{}", WITH, 200)
            .unwrap();
        finish(&mut s, 201, &|p| !p.starts_with("/srv/a/"));
        let now = breach(&db, "/srv/a", &[], false, 300).unwrap();
        assert_eq!((now.distinct_people, now.records, now.items), (0, 0, 0));
        assert_eq!(now.first_seen, None);
        let then = breach(&db, "/srv/a", &[], true, 300).unwrap();
        assert_eq!(
            (then.distinct_people, then.with_health, then.records),
            (2, 1, 5)
        );
    }

    #[test]
    fn items_open_to_the_same_readers_are_one_group_however_they_got_there() {
        let org =
            r#"{"audience":"organisation","via":"mode 0644","principals":[],"transport":"local"}"#;
        let org2 =
            r#"{"via":"mode 0666","audience":"organisation","principals":[],"transport":"smb"}"#;
        let hr = r#"{"audience":"group","via":"x","principals":["group:hr"],"transport":"local"}"#;
        assert_eq!(audience(None), UNKNOWN_EXPOSURE);
        assert_eq!(audience(Some(org)), "organisation");
        assert_eq!(audience(Some(org2)), "organisation");
        assert_eq!(audience(Some(hr)), "group (group:hr)");
        assert_eq!(audience(Some("not json")), "not json");
    }

    #[test]
    fn the_breach_scope_counts_distinct_people_health_records_times_and_exposure() {
        breach_scope(&sqlite("breach"));
    }
}
