//! Marking findings: `datavakt findings mark` (and a future web API's one write). A person
//! gives findings (by id, or every one a filter matches) a status (false positive, accepted,
//! open again) with a reason and a name; each change is a row of the finding's history, all
//! in one transaction.

use super::{listed, refs, Connection, Listed, Selection, LISTED};
use crate::{err, StoreError};

/// The statuses a person may give a finding; `resolved` is given only by scans.
pub const MARKABLE: &[&str] = &["false-positive", "accepted", "open"];

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
    /// Say what would change, and change nothing.
    pub dry_run: bool,
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
            if m.dry_run {
                outcome.changed.push(marked);
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::query::tests::{id_of, marking, meta, scan, sqlite, TREE, WITH};
    use crate::query::{finding, list, Filter};
    use crate::scan::tests::finish;
    use crate::{open, FindingRow, Location, Store};

    pub(crate) fn marks(at: &Location) {
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
        assert!(finding(&db, id, 0).unwrap().unwrap().history.is_empty());

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
            let d = finding(&db, id, 0).unwrap().unwrap();
            assert_eq!(d.stored.finding.status.name(), *to);
            assert_eq!(d.status_reason.as_deref(), *reason);
            assert_eq!(d.status_by.as_deref(), Some("dpo"));
            assert_eq!(d.status_at, Some(model::IsoTime(at)));
            assert_eq!(d.history.len(), n + 1);
            let h = d.history.last().unwrap();
            assert_eq!(
                (h.status.name(), h.reason.as_deref(), h.by.as_deref()),
                (*to, *reason, Some("dpo"))
            );
            assert_eq!(h.scan, None, "a person's mark, not a scan's");
        }
        // The same status again changes nothing and writes no history.
        let out = mark(&mut db, Selection::Ids(&[id]), &marking("open", None, 400)).unwrap();
        assert!(out.changed.is_empty());
        assert_eq!(out.unchanged.len(), 1);
        assert_eq!(finding(&db, id, 0).unwrap().unwrap().history.len(), 6);
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
            finding(&db, id, 0).unwrap().unwrap().status_by,
            Some(default_by().into())
        );
        assert!(finding(&db, 9999, 0).unwrap().is_none());
    }

    /// The status of finding `id`.
    fn status(db: &Connection, id: i64) -> &'static str {
        finding(db, id, 0)
            .unwrap()
            .unwrap()
            .stored
            .finding
            .status
            .name()
    }

    pub(crate) fn mark_folder(at: &Location) {
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
        assert_eq!(status(&db, gone), "resolved");
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
        // A dry run says what would change, and changes nothing.
        let dry = mark(
            &mut db,
            Selection::Matching(&folder),
            &Marking {
                dry_run: true,
                ..marking("accepted", Some("case files, allowed here"), 300)
            },
        )
        .unwrap();
        assert_eq!(dry.changed.len(), 2);
        let accepted = Filter {
            statuses: vec!["accepted".into()],
            ..Filter::default()
        };
        assert!(list(&db, &accepted, 0).unwrap().is_empty());
        // One value everywhere, by its fingerprint: P1 in two files.
        let value = Filter {
            fingerprints: vec!["P1".into()],
            ..Filter::default()
        };
        let p1 = mark(
            &mut db,
            Selection::Matching(&value),
            &Marking {
                dry_run: true,
                ..marking("false-positive", Some("a test number"), 300)
            },
        )
        .unwrap();
        assert_eq!(p1.changed.len(), 2);
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
        assert_eq!(status(&db, gone), "resolved");
        assert_eq!(list(&db, &accepted, 0).unwrap().len(), 2);
    }

    pub(crate) fn false_positive_later(at: &Location) {
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
        assert_eq!(status(&db, id), "false-positive");
        scan(&mut s, 300, TREE, " edited");
        let d = finding(&db, id, 0).unwrap().unwrap();
        assert_eq!(d.stored.finding.status.name(), "open");
        let h: Vec<(&str, Option<&str>, Option<&str>)> = d
            .history
            .iter()
            .map(|h| (h.status.name(), h.reason.as_deref(), h.by.as_deref()))
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
        assert_eq!(status(&db, id), "accepted");
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
}
