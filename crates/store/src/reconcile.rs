//! The reconcile step of a scan: how what the scan reports of an item relates to the findings
//! the store holds for it. Pure: no database, no I/O. The writer (`scan.rs`) hands each
//! finding reported to [`Rows::found`] as it arrives (it answers at once whether the finding is
//! new), and the end of the item to [`Rows::read_to_end`], [`Rows::gone`] or [`Rows::carry`];
//! each returns [`Action`]s, which the writer applies in SQL. The rows held here are changed
//! to match (a row matched, moved, reopened or resolved), so that what follows is decided on
//! what the scan has already seen.
//!
//! A finding reported is, by the first that applies:
//! - the row at the same place (location, kind, masked value, fingerprint), whatever its
//!   status: seen again ([`Action::Seen`]), or open again if it was resolved
//!   ([`Action::Reopen`], found again);
//! - else the first row (in the order held) of the same value (kind, masked value,
//!   fingerprint) not yet matched by this scan and not resolved: it moved within the item,
//!   an edit above it ([`Action::Move`]);
//! - else a new row: with a fingerprint not held here at all (`None`; the database's unique
//!   index tells a second report of it at the same place, so an item of a million new findings
//!   holds none of them), without one held ([`Action::Insert`]: the database's unique index
//!   does not compare missing fingerprints).
//!
//! An item read to its end resolves the rows it did not report again (`edited`), and opens
//! again the false positives it reported if its content changed; a deleted item resolves all of
//! its rows (`removed`); an item not read again carries its rows over ([`Action::Keep`]).

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use crate::FindingRow;

/// The few texts many rows share (kinds, confidences, statuses), each held once.
#[derive(Default)]
pub(crate) struct Words(pub(crate) Vec<Arc<str>>);

impl Words {
    pub(crate) fn get(&mut self, word: &str) -> Arc<str> {
        if let Some(w) = self.0.iter().find(|w| ***w == *word) {
            return w.clone();
        }
        let w: Arc<str> = Arc::from(word);
        self.0.push(w.clone());
        w
    }
}

/// A finding's row, held during a scan.
pub(crate) struct Row {
    /// Its id in the database (0 for a row [`Action::Insert`] made, until the writer sets it).
    pub(crate) id: i64,
    pub(crate) location: Arc<str>,
    pub(crate) kind: Arc<str>,
    pub(crate) confidence: Arc<str>,
    pub(crate) masked: Arc<str>,
    pub(crate) fingerprint: Option<Arc<str>>,
    pub(crate) variant: Option<Arc<str>>,
    pub(crate) status: Arc<str>,
    pub(crate) resolution: Option<Arc<str>>,
    pub(crate) first_seen: i64,
    /// Reported again by this scan.
    pub(crate) matched: bool,
}

impl Row {
    /// Still there and not dismissed: printed as part of the tree's state.
    pub(crate) fn reportable(&self) -> bool {
        self.resolution.is_none() && matches!(&*self.status, "open" | "accepted")
    }

    /// Not yet matched by this scan and not resolved: its value may have moved. A row that is
    /// not stays so for the rest of the scan (a row is matched once and stays matched; a
    /// resolved row is opened again only by being matched).
    fn may_move(&self) -> bool {
        !self.matched && self.resolution.is_none()
    }

    fn same_value_as(&self, f: &FindingRow) -> bool {
        *self.kind == *f.kind
            && *self.masked == *f.masked
            && self.fingerprint.as_deref() == f.fingerprint
    }

    fn same_row_value(&self, other: &Row) -> bool {
        self.kind == other.kind
            && self.masked == other.masked
            && self.fingerprint == other.fingerprint
    }
}

/// A finding's value, as the index of moves keys it (rows found under a key are compared
/// again, so texts holding `\0` cannot mix values up).
fn value_key(kind: &str, masked: &str, fingerprint: Option<&str>) -> String {
    match fingerprint {
        Some(fp) => format!("{kind}\0{masked}\0+{fp}"),
        None => format!("{kind}\0{masked}\0-"),
    }
}

/// Why a row is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// Its item was read to its end without it.
    Edited,
    /// Its item is gone.
    Removed,
}

impl Resolution {
    /// As the store writes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Resolution::Edited => "edited",
            Resolution::Removed => "removed",
        }
    }
}

/// Why a row is open again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reopened {
    /// It was resolved, and the scan reported it again at its place.
    FoundAgain,
    /// It was a false positive, and its item's content changed.
    ItemChanged,
}

impl Reopened {
    /// The reason its history gives.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Reopened::FoundAgain => "found again",
            Reopened::ItemChanged => "the item changed",
        }
    }
}

/// What to write for a row, by its index among the item's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Reported again at its place: seen now, its confidence as reported (its status kept:
    /// a false positive stays one).
    Seen(usize),
    /// Its value reported at another place in the item: the row moves there, seen now,
    /// keeping when it was first seen.
    Move(usize),
    /// Open again: seen now at its place when it was found again, only its status when its
    /// item changed.
    Reopen(usize, Reopened),
    /// Reported and not held: a new row, open, first seen now. Its id is the writer's to set.
    Insert(usize),
    /// No longer there.
    Resolve(usize, Resolution),
    /// Not reported, in an item not read again (unchanged, or not read to its end): carried
    /// over as it is, seen with its item.
    Keep(usize),
}

impl Action {
    /// The row it is about.
    pub(crate) fn row(self) -> usize {
        match self {
            Action::Seen(i)
            | Action::Move(i)
            | Action::Reopen(i, _)
            | Action::Insert(i)
            | Action::Resolve(i, _)
            | Action::Keep(i) => i,
        }
    }
}

/// Rows by place and value: their indexes in a table hashed from the rows' own texts, so that
/// an item of 100,000 findings holds no second copy of its texts as keys. Of a place and value
/// held twice (no fingerprint), the last row.
struct Exact {
    table: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

fn place_hash(
    hasher: &foldhash::fast::RandomState,
    location: &str,
    kind: &str,
    masked: &str,
    fingerprint: Option<&str>,
) -> u64 {
    use std::hash::BuildHasher;
    hasher.hash_one((location, kind, masked, fingerprint))
}

fn row_hash(hasher: &foldhash::fast::RandomState, r: &Row) -> u64 {
    place_hash(
        hasher,
        &r.location,
        &r.kind,
        &r.masked,
        r.fingerprint.as_deref(),
    )
}

impl Exact {
    fn of(rows: &[Row]) -> Exact {
        let mut exact = Exact {
            table: hashbrown::HashTable::with_capacity(rows.len()),
            hasher: foldhash::fast::RandomState::default(),
        };
        for i in 0..rows.len() {
            exact.set(rows, i);
        }
        exact
    }

    /// The row at the place and value of `f`.
    fn get(&self, rows: &[Row], f: &FindingRow) -> Option<usize> {
        let h = place_hash(&self.hasher, f.location, f.kind, f.masked, f.fingerprint);
        self.table
            .find(h, |&j| {
                *rows[j].location == *f.location && rows[j].same_value_as(f)
            })
            .copied()
    }

    /// Indexes row `i` at its place, in place of a row held there.
    fn set(&mut self, rows: &[Row], i: usize) {
        let hasher = &self.hasher;
        let r = &rows[i];
        let h = row_hash(hasher, r);
        let same = |&j: &usize| rows[j].location == r.location && rows[j].same_row_value(r);
        match self.table.find_mut(h, same) {
            Some(j) => *j = i,
            None => {
                self.table
                    .insert_unique(h, i, |&j| row_hash(hasher, &rows[j]));
            }
        }
    }

    /// Row `i` is no longer at its place (it moves).
    fn remove(&mut self, rows: &[Row], i: usize) {
        let h = row_hash(&self.hasher, &rows[i]);
        if let Ok(entry) = self.table.find_entry(h, |&j| j == i) {
            entry.remove();
        }
    }
}

/// The rows of one item, with their indexes; made when the scan first reports a finding of
/// the item (never, for the items a re-scan carries over).
#[derive(Default)]
pub(crate) struct Rows {
    rows: Vec<Row>,
    /// Row by place and value (see [`Exact`]).
    exact: Option<Exact>,
    /// Rows by value ([`value_key`]) in the order held, and how many of them at the front
    /// may move no more; made when a finding is first not at a place held.
    values: Option<HashMap<String, (usize, Vec<usize>)>>,
}

impl From<Vec<Row>> for Rows {
    fn from(rows: Vec<Row>) -> Rows {
        Rows {
            rows,
            exact: None,
            values: None,
        }
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = Row;

    fn index(&self, i: usize) -> &Row {
        &self.rows[i]
    }
}

impl Rows {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Row> {
        self.rows.iter()
    }

    /// Gives the row [`Action::Insert`] made its id in the database.
    pub(crate) fn set_id(&mut self, i: usize, id: i64) {
        self.rows[i].id = id;
    }

    /// A finding the scan reported at `now`: which row it is, if any (see the module's
    /// documentation). Returns [`Action::Seen`], [`Action::Move`], [`Action::Reopen`] or
    /// [`Action::Insert`]; `None` for a new finding with a fingerprint, which is not held.
    pub(crate) fn found(&mut self, f: &FindingRow, now: i64, words: &mut Words) -> Option<Action> {
        let rows = &self.rows;
        let exact = self.exact.get_or_insert_with(|| Exact::of(rows));
        let hit = match exact.get(rows, f) {
            Some(i) => Some(i),
            None => {
                let values = self.values.get_or_insert_with(|| {
                    let mut values = HashMap::<String, (usize, Vec<usize>)>::new();
                    for (i, r) in rows.iter().enumerate() {
                        let v = value_key(&r.kind, &r.masked, r.fingerprint.as_deref());
                        values.entry(v).or_default().1.push(i);
                    }
                    values
                });
                values
                    .get_mut(&value_key(f.kind, f.masked, f.fingerprint))
                    .and_then(|(passed, at)| {
                        // Passed once: every row here is matched or resolved for good.
                        while at.get(*passed).is_some_and(|&i| !rows[i].may_move()) {
                            *passed += 1;
                        }
                        at[*passed..]
                            .iter()
                            .copied()
                            .find(|&i| rows[i].may_move() && rows[i].same_value_as(f))
                    })
            }
        };
        let Some(i) = hit else {
            if f.fingerprint.is_some() {
                return None;
            }
            let at = self.rows.len();
            let open = words.get("open");
            self.rows.push(Row {
                id: 0,
                location: f.location.into(),
                kind: words.get(f.kind),
                confidence: words.get(f.confidence),
                masked: f.masked.into(),
                fingerprint: f.fingerprint.map(Into::into),
                variant: f.variant.map(|v| words.get(v)),
                status: open,
                resolution: None,
                first_seen: now,
                matched: true,
            });
            exact.set(&self.rows, at);
            return Some(Action::Insert(at));
        };
        let moved = *self.rows[i].location != *f.location;
        if moved {
            exact.remove(&self.rows, i);
            self.rows[i].location = f.location.into();
            exact.set(&self.rows, i);
        }
        let row = &mut self.rows[i];
        let reopened = row.resolution.is_some();
        row.matched = true;
        row.confidence = words.get(f.confidence);
        Some(if reopened {
            row.status = words.get("open");
            row.resolution = None;
            Action::Reopen(i, Reopened::FoundAgain)
        } else if moved {
            Action::Move(i)
        } else {
            Action::Seen(i)
        })
    }

    /// The item was read to its end, its content `changed` (its hash differs from the one
    /// held): the rows not reported are resolved as `edited`, and the false positives reported
    /// are open again when the content changed.
    pub(crate) fn read_to_end(&mut self, changed: bool, words: &mut Words) -> Vec<Action> {
        let mut actions = Vec::new();
        for (i, row) in self.rows.iter_mut().enumerate() {
            if !row.matched && row.resolution.is_none() {
                row.status = words.get("resolved");
                row.resolution = Some(words.get(Resolution::Edited.name()));
                actions.push(Action::Resolve(i, Resolution::Edited));
            } else if row.matched && changed && &*row.status == "false-positive" {
                row.status = words.get("open");
                actions.push(Action::Reopen(i, Reopened::ItemChanged));
            }
        }
        actions
    }

    /// The item is gone: every row not resolved is resolved as `removed`.
    pub(crate) fn gone(&mut self, words: &mut Words) -> Vec<Action> {
        let mut actions = Vec::new();
        for (i, row) in self.rows.iter_mut().enumerate() {
            if row.resolution.is_none() {
                row.status = words.get("resolved");
                row.resolution = Some(words.get(Resolution::Removed.name()));
                actions.push(Action::Resolve(i, Resolution::Removed));
            }
        }
        actions
    }

    /// The item was not read again (unchanged, or not to its end): the rows not reported and
    /// not resolved are carried over, matched.
    pub(crate) fn carry(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        for (i, row) in self.rows.iter_mut().enumerate() {
            if row.may_move() {
                row.matched = true;
                actions.push(Action::Keep(i));
            }
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Row {
        fn key(&self) -> String {
            key(
                &self.location,
                &self.kind,
                &self.masked,
                self.fingerprint.as_deref(),
            )
        }
    }

    /// A finding's place and value, as the index of exact matches keys it.
    fn key(location: &str, kind: &str, masked: &str, fingerprint: Option<&str>) -> String {
        format!(
            "{location}\0{kind}\0{masked}\0{}",
            fingerprint.unwrap_or_default()
        )
    }

    /// A row held, of kind `dk-cpr` with the masked value as its fingerprint; `status` may be
    /// `resolved`, then resolved as edited.
    fn held(id: i64, location: &str, masked: &str, status: &str) -> Row {
        let resolved = status == "resolved";
        Row {
            id,
            location: location.into(),
            kind: "dk-cpr".into(),
            confidence: "high".into(),
            masked: masked.into(),
            fingerprint: Some(masked.into()),
            variant: None,
            status: status.into(),
            resolution: resolved.then(|| "edited".into()),
            first_seen: 100,
            matched: false,
        }
    }

    fn reported<'a>(location: &'a str, masked: &'a str) -> FindingRow<'a> {
        FindingRow {
            path: "/srv/a.txt",
            location,
            kind: "dk-cpr",
            confidence: "medium",
            masked,
            fingerprint: Some(masked),
            variant: None,
        }
    }

    /// An item read again whole: its rows, each finding reported, then its end.
    fn reconcile(
        held: Vec<Row>,
        found: &[FindingRow],
        changed: bool,
    ) -> (Vec<Option<Action>>, Vec<Action>, Rows) {
        let (mut rows, mut words) = (Rows::from(held), Words::default());
        let actions = found
            .iter()
            .map(|f| rows.found(f, 200, &mut words))
            .collect();
        let end = rows.read_to_end(changed, &mut words);
        (actions, end, rows)
    }

    #[test]
    fn the_same_finding_at_the_same_place_is_seen_again_with_its_status() {
        let (found, end, rows) = reconcile(
            vec![
                held(1, "line 1", "A", "open"),
                held(2, "line 2", "B", "accepted"),
            ],
            &[reported("line 1", "A"), reported("line 2", "B")],
            true,
        );
        assert_eq!(found, [Some(Action::Seen(0)), Some(Action::Seen(1))]);
        assert!(end.is_empty());
        assert_eq!(&*rows[1].status, "accepted");
        assert_eq!((&*rows[0].confidence, rows[0].first_seen), ("medium", 100));
        assert!(rows.iter().all(|r| r.matched));
    }

    #[test]
    fn a_value_at_another_place_moves_its_row() {
        let (found, end, rows) = reconcile(
            vec![held(1, "line 1", "A", "open")],
            &[reported("line 5", "A"), reported("line 1", "A")],
            true,
        );
        // Moved to line 5; line 1 then holds nothing any more: A there again is a new row
        // (not held: it has a fingerprint).
        assert_eq!(found, [Some(Action::Move(0)), None]);
        assert!(end.is_empty());
        assert_eq!((&*rows[0].location, rows[0].first_seen), ("line 5", 100));
        assert_eq!(rows.iter().count(), 1);
    }

    #[test]
    fn a_resolved_finding_found_again_and_a_false_positive_in_a_changed_item_reopen() {
        let held_rows = || {
            vec![
                held(1, "line 2", "B", "resolved"),
                held(2, "line 3", "C", "false-positive"),
            ]
        };
        let (found, end, rows) = reconcile(
            held_rows(),
            &[reported("line 2", "B"), reported("line 3", "C")],
            true,
        );
        assert_eq!(
            found,
            [
                Some(Action::Reopen(0, Reopened::FoundAgain)),
                Some(Action::Seen(1))
            ]
        );
        assert_eq!(end, [Action::Reopen(1, Reopened::ItemChanged)]);
        assert!(rows
            .iter()
            .all(|r| &*r.status == "open" && r.resolution.is_none()));
        // Same content: the false positive stays one.
        let (_, end, rows) = reconcile(held_rows(), &[reported("line 3", "C")], false);
        assert!(end.is_empty());
        assert_eq!(&*rows[1].status, "false-positive");
        // A resolved row does not move: its value elsewhere is a new row.
        let (found, _, rows) = reconcile(held_rows(), &[reported("line 9", "B")], false);
        assert_eq!(found, [None]);
        assert_eq!(rows[0].resolution.as_deref(), Some("edited"));
    }

    /// A new finding with a fingerprint is not held (the database tells it again); one
    /// without is held, and new once.
    #[test]
    fn a_finding_not_held_is_new_once() {
        let (found, _, rows) = reconcile(
            Vec::new(),
            &[reported("line 1", "A"), reported("line 1", "A")],
            false,
        );
        assert_eq!(found, [None, None]);
        assert_eq!(rows.iter().count(), 0);
        let bare = FindingRow {
            fingerprint: None,
            ..reported("line 1", "[encrypted]")
        };
        let (found, end, rows) = reconcile(Vec::new(), &[bare, bare], false);
        assert_eq!(found, [Some(Action::Insert(0)), Some(Action::Seen(0))]);
        assert!(end.is_empty());
        let r = &rows[0];
        assert_eq!(
            (r.id, &*r.status, r.first_seen, &*r.confidence, r.matched),
            (0, "open", 200, "medium", true)
        );
    }

    #[test]
    fn what_is_not_reported_again_is_resolved_edited_or_removed_or_kept() {
        let held_rows = || {
            vec![
                held(1, "line 1", "A", "open"),
                held(2, "line 2", "B", "false-positive"),
                held(3, "line 3", "C", "resolved"),
            ]
        };
        let (_, end, rows) = reconcile(held_rows(), &[reported("line 1", "A")], true);
        assert_eq!(end, [Action::Resolve(1, Resolution::Edited)]);
        assert_eq!(
            (&*rows[1].status, rows[1].resolution.as_deref()),
            ("resolved", Some("edited"))
        );

        let mut words = Words::default();
        let mut rows = Rows::from(held_rows());
        rows.found(&reported("line 1", "A"), 200, &mut words);
        assert_eq!(
            rows.gone(&mut words),
            [
                Action::Resolve(0, Resolution::Removed),
                Action::Resolve(1, Resolution::Removed)
            ],
            "a row found and then gone is removed too; one resolved before stays as it was"
        );
        assert_eq!(rows[2].resolution.as_deref(), Some("edited"));

        let mut rows = Rows::from(held_rows());
        rows.found(&reported("line 1", "A"), 200, &mut words);
        assert_eq!(rows.carry(), [Action::Keep(1)]);
        assert!(rows.carry().is_empty(), "carried once");
    }

    #[test]
    fn duplicates_of_one_value_move_in_the_order_held() {
        let (found, end, rows) = reconcile(
            vec![
                held(1, "line 1", "A", "open"),
                held(2, "line 2", "A", "open"),
                held(3, "line 3", "A", "open"),
                held(4, "line 4", "A", "resolved"),
            ],
            &[
                reported("line 2", "A"),
                reported("line 7", "A"),
                reported("line 8", "A"),
                reported("line 9", "A"),
                reported("line 7", "A"),
            ],
            false,
        );
        assert_eq!(
            found,
            [
                Some(Action::Seen(1)),
                Some(Action::Move(0)),
                Some(Action::Move(2)),
                None,
                Some(Action::Seen(0)),
            ]
        );
        assert!(end.is_empty());
        let at: Vec<&str> = rows.iter().map(|r| &*r.location).collect();
        assert_eq!(at, ["line 7", "line 2", "line 8", "line 4"]);
    }

    /// The reconcile step before it indexed rows by value: the exact index, else the first row
    /// of the same value that may move, found by a walk over every row.
    /// A row it inserts is `None`, as the step answers for a new finding with a fingerprint.
    fn by_walk(held: Vec<Row>, found: &[FindingRow]) -> Vec<(Option<Action>, String)> {
        let mut rows = held;
        let mut exact: HashMap<String, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.key(), i)).collect();
        let mut out = Vec::new();
        for f in found {
            let k = key(f.location, f.kind, f.masked, f.fingerprint);
            let hit = exact
                .get(&k)
                .copied()
                .or_else(|| rows.iter().position(|r| r.may_move() && r.same_value_as(f)));
            let action = match hit {
                None => {
                    let mut r = held_row_of(f);
                    r.matched = true;
                    rows.push(r);
                    exact.insert(k, rows.len() - 1);
                    Action::Insert(rows.len() - 1)
                }
                Some(i) if *rows[i].location != *f.location => {
                    exact.remove(&rows[i].key());
                    exact.insert(k, i);
                    rows[i].location = f.location.into();
                    rows[i].matched = true;
                    Action::Move(i)
                }
                Some(i) if rows[i].resolution.is_some() => {
                    rows[i].resolution = None;
                    rows[i].matched = true;
                    Action::Reopen(i, Reopened::FoundAgain)
                }
                Some(i) => {
                    rows[i].matched = true;
                    Action::Seen(i)
                }
            };
            let at = rows[action.row()].location.to_string();
            out.push(((!matches!(action, Action::Insert(_))).then_some(action), at));
        }
        out
    }

    fn held_row_of(f: &FindingRow) -> Row {
        held(0, f.location, f.masked, "open")
    }

    /// Many findings in one item, most of one value (a number repeated on every line), all
    /// moved by an edit at the top: the same actions as the walk over every row, without it.
    #[test]
    fn many_findings_in_one_item_reconcile_as_the_walk_did() {
        let n = 3000;
        let locations: Vec<String> = (0..=2 * n).map(|i| format!("line {i}")).collect();
        let held_rows = || {
            (0..n)
                .map(|i| {
                    let value = if i % 10 == 0 { "B" } else { "A" };
                    let status = if i % 7 == 0 { "resolved" } else { "open" };
                    held(i as i64, &locations[i], value, status)
                })
                .collect::<Vec<_>>()
        };
        // Lines held and lines not, in a shuffled order, some reported twice, some values new.
        let found: Vec<FindingRow> = (0..n + n / 2)
            .map(|i| {
                let at = (i * 7919) % (2 * n);
                let value = match at % 10 {
                    1 => "B",
                    9 => "C",
                    _ => "A",
                };
                reported(&locations[at], value)
            })
            .collect();
        let expected = by_walk(held_rows(), &found);
        let mut rows = Rows::from(held_rows());
        let mut words = Words::default();
        let got: Vec<(Option<Action>, String)> = found
            .iter()
            .map(|f| {
                let a = rows.found(f, 200, &mut words);
                let at = a.map_or(f.location, |a| &*rows[a.row()].location);
                (a, at.to_string())
            })
            .collect();
        assert_eq!(got, expected);
        let count = |f: fn(&Option<Action>) -> bool| got.iter().filter(|(a, _)| f(a)).count();
        assert!(count(|a| matches!(a, Some(Action::Move(_)))) > n / 2);
        assert!(count(|a| a.is_none()) > 0);
        assert!(count(|a| matches!(a, Some(Action::Reopen(..)))) > 0);
        assert!(count(|a| matches!(a, Some(Action::Seen(_)))) > 0);

        // 100,000 of one value, all moved by 100,000 lines: each found at once, in order (the
        // walk over every row took 5 billion steps for it).
        let n = 100_000;
        let locations: Vec<String> = (0..2 * n).map(|i| format!("line {i}")).collect();
        let mut rows = Rows::from(
            (0..n)
                .map(|i| held(i as i64, &locations[i], "A", "open"))
                .collect::<Vec<_>>(),
        );
        for i in 0..n {
            let f = reported(&locations[n + i], "A");
            assert_eq!(rows.found(&f, 200, &mut words), Some(Action::Move(i)));
        }
        assert_eq!(
            rows.found(&reported(&locations[0], "A"), 200, &mut words),
            None
        );
        assert_eq!(rows.iter().count(), n, "a new finding is not held");
    }
}
