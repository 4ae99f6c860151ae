//! The findings list: `datavakt findings list` (and a future web API's list of findings).
//! Every finding a [`Filter`] matches, with its item's path, by path and location; streamed
//! to a reader that may go away, or collected.

use model::StoredFinding;

use super::{listed, refs, Connection, Filter, LISTED};
use crate::{err, StoreError};

/// Calls `each` with every finding the filter matches, by path and location, until it
/// returns false (a reader that went away); returns how many were passed. Ages are counted
/// at `now` (Unix seconds).
pub fn each_finding(
    db: &Connection,
    filter: &Filter,
    now: i64,
    each: &mut dyn FnMut(StoredFinding<'static>) -> bool,
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
            Ok(each(listed(r)?.into_model(now)?))
        },
    )
    .map_err(err("cannot read the findings"))?;
    Ok(n)
}

/// Every finding the filter matches, by path and location.
pub fn list(
    db: &Connection,
    filter: &Filter,
    now: i64,
) -> Result<Vec<StoredFinding<'static>>, StoreError> {
    let mut all = Vec::new();
    each_finding(db, filter, now, &mut |l| {
        all.push(l);
        true
    })?;
    Ok(all)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::query::tests::{scan, sqlite, DAY, TREE};
    use crate::{open, Location, Store};

    /// Two days after the scan of the scenario.
    const NOW: i64 = 102 * DAY;

    pub(crate) fn filters(at: &Location) {
        let mut s = Store::at(at).unwrap();
        scan(&mut s, 100 * DAY, TREE, "");
        let db = open(at).unwrap();
        let all = list(&db, &Filter::default(), NOW).unwrap();
        assert_eq!(all.len(), 7);
        assert!(all
            .windows(2)
            .all(|w| w[0].finding.path <= w[1].finding.path));
        assert_eq!(all[0].modified, Some(model::IsoTime(1)));
        assert_eq!(all[0].age_days, 2);
        let under_a = Filter {
            path: Some("/srv/a/".into()),
            ..Filter::default()
        };
        let got = list(&db, &under_a, NOW).unwrap();
        assert_eq!(got.len(), 5, "/srv/ab is not under /srv/a");
        assert!(got.iter().all(|l| l.finding.path.starts_with("/srv/a/")));
        let one_file = Filter {
            path: Some("/srv/a/list.csv".into()),
            ..Filter::default()
        };
        assert_eq!(list(&db, &one_file, NOW).unwrap().len(), 2);
        let cpr = Filter {
            kinds: vec!["dk-cpr".into()],
            confidences: vec!["high".into()],
            statuses: vec!["open".into()],
            ..Filter::default()
        };
        assert_eq!(list(&db, &cpr, NOW).unwrap().len(), 4);
        let medium = Filter {
            confidences: vec!["medium".into()],
            ..Filter::default()
        };
        assert_eq!(list(&db, &medium, NOW).unwrap()[0].finding.kind, "health");
        let root = Filter {
            path: Some("/".into()),
            ..Filter::default()
        };
        assert_eq!(list(&db, &root, NOW).unwrap().len(), 7);
        // By the item's severity and audience, as the last scan judged them.
        db.execute(
            "UPDATE items SET severity = 'high', exposure = ?1 WHERE path = '/srv/a/list.csv'",
            &[&r#"{"audience":"public","principals":[],"transport":"http","via":"x"}"#],
        )
        .unwrap();
        let high = Filter {
            min_severity: Some(model::Severity::Medium),
            ..Filter::default()
        };
        assert_eq!(list(&db, &high, NOW).unwrap().len(), 2);
        let critical = Filter {
            min_severity: Some(model::Severity::Critical),
            ..Filter::default()
        };
        assert!(list(&db, &critical, NOW).unwrap().is_empty());
        let public = Filter {
            audiences: vec![model::Audience::Public, model::Audience::Owner],
            ..Filter::default()
        };
        let got = list(&db, &public, NOW).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].finding.exposure.as_ref().unwrap().audience,
            model::Audience::Public
        );
        assert_eq!(
            list(&db, &Filter::default().min_age(107 * DAY, 7 * DAY), NOW)
                .unwrap()
                .len(),
            7
        );
        assert!(
            list(&db, &Filter::default().min_age(106 * DAY, 7 * DAY), NOW)
                .unwrap()
                .is_empty()
        );
        // A reader that goes away stops the query.
        let mut seen = 0;
        let n = each_finding(&db, &Filter::default(), NOW, &mut |_| {
            seen += 1;
            seen < 2
        })
        .unwrap();
        assert_eq!((seen, n), (2, 2));
    }

    #[test]
    fn filters_by_path_at_a_folder_boundary_kind_status_confidence_and_age() {
        filters(&sqlite("filters"));
    }
}
