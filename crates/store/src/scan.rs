//! The writer of one scan, and what it remembers from the scans before.
//!
//! At the start of a scan the store loads what it knows of the scanned trees: every item under
//! the roots with its state and, at the same time on a second connection, every finding of
//! those items (handed to the items when the writer first needs them). Workers
//! get the items' states ([`Known`]) to skip what did not change; the writer keeps the
//! findings, so that each one reported again is matched to its row (same person, same place:
//! the row is seen again; same value moved to another line of an edited item: the row moves)
//! and the rows not matched are resolved at the right moment: an item read to its end resolves
//! the findings it no longer holds (`edited`), a deleted item all of its findings (`removed`).
//! Which row is which, and what becomes of it, is decided by the pure reconcile step
//! (`reconcile.rs`); this module applies its actions in SQL (`apply`).

use std::path::Path;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet};

use crate::db::{Db, DbError};
use crate::reconcile::{Action, Reopened, Row, Rows, Words};
use crate::{err, open, Location, StoreError, BATCH, ITEM_BATCH};

/// One finding as the store keeps it: masked and fingerprinted, never the value.
#[derive(Clone, Copy)]
pub struct FindingRow<'a> {
    pub path: &'a str,
    pub location: &'a str,
    pub kind: &'a str,
    pub confidence: &'a str,
    pub masked: &'a str,
    pub fingerprint: Option<&'a str>,
    pub variant: Option<&'a str>,
}

/// A file's state when it was scanned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub dev: u64,
    pub ino: u64,
    pub owner: u32,
}

/// What a scan counted, written when it ends.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub files: u64,
    pub bytes: u64,
    /// Current findings: found now or carried over.
    pub findings: u64,
    pub errors: u64,
    /// The roots not covered and why, as a JSON object; `None` when all were.
    pub incomplete: Option<String>,
}

/// What the store knew of the scanned trees when the scan began: for the workers, to skip
/// items that did not change and copies of items already read.
#[derive(Default)]
pub struct Known {
    /// Each item's state, and whether it was read with this scan's settings.
    items: HashMap<Arc<str>, (Meta, bool)>,
    by_size: HashMap<u64, Vec<(String, Arc<str>)>>,
    /// Items that are no files (folders whose names held values, URLs): met by name only.
    others: HashSet<Arc<str>>,
}

impl Known {
    /// True when `path` was read before, with this scan's detector settings, and its size,
    /// times and file identity are the same now.
    pub fn unchanged(&self, path: &str, now: &Meta) -> bool {
        self.items
            .get(path)
            .is_some_and(|(m, same_settings)| m == now && *same_settings)
    }

    /// True when the store holds an item at `path` that is no file (a folder whose name held
    /// a value): the scan must say when it meets it again.
    pub fn holds_other(&self, path: &str) -> bool {
        self.others.contains(path)
    }

    /// True when some item of this size was read whole before (a copy is possible).
    pub fn may_be_copy(&self, size: u64) -> bool {
        self.by_size.contains_key(&size)
    }

    /// The path of an item of this size and content hash, read before with these settings.
    pub fn copy_of(&self, size: u64, hash: &str) -> Option<&str> {
        self.by_size
            .get(&size)?
            .iter()
            .find(|(h, _)| h == hash)
            .map(|(_, p)| &**p)
    }

    /// The number of items known.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing is known (a first scan).
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// How a finding reported by the scan relates to what the store held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Not seen before.
    New,
    /// Seen before (possibly at another place in the same item).
    Seen,
    /// Seen before and resolved since; open again.
    Reopened,
}

/// What the store says of a finding the scan reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub change: Change,
    /// Unix seconds.
    pub first_seen: i64,
    /// `open`, `accepted` or `false-positive` (not reported as a finding).
    pub status: Arc<str>,
    /// The finding as the store holds it (its exposure not set): its texts are the store's
    /// own, shared, so that holding an item's findings until its end copies no text. `None`
    /// for a finding with a fingerprint that no row held before this scan: not held.
    pub held: Option<Current>,
}

/// What the end of an item's reading changed: findings it no longer holds (resolved as
/// `edited`), and false positives that are open again because the item changed.
#[derive(Default)]
pub struct ItemEnd {
    pub resolved: Vec<Current>,
    pub reopened: Vec<Current>,
}

/// What a copy of an item read before holds: the original's findings, each with whether it
/// is new at this path, and what the copy no longer holds if it had other content before.
#[derive(Default)]
pub struct Copied {
    pub found: Vec<(Current, bool)>,
    pub end: ItemEnd,
}

/// A finding as the store holds it: what a scan carries over without reading the item again,
/// and what it resolves. Its texts are shared with the store's own copy (a re-scan hands
/// out every finding it holds: counting references, not copying text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub path: Arc<str>,
    pub location: Arc<str>,
    pub kind: Arc<str>,
    pub confidence: Arc<str>,
    pub masked: Arc<str>,
    pub fingerprint: Option<Arc<str>>,
    pub variant: Option<Arc<str>>,
    /// `open`, `accepted`, `false-positive` or `resolved`.
    pub status: Arc<str>,
    /// For a resolved finding: `removed`, `edited` or `remediated`.
    pub resolution: Option<Arc<str>>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Who can read its item (a JSON object), as last assessed.
    pub exposure: Option<Arc<str>>,
}

/// What the end of a scan found: findings of items not read again that are still there, and
/// findings of items that are gone.
#[derive(Default)]
pub struct End {
    pub carried: Vec<Current>,
    pub resolved: Vec<Current>,
}

impl Row {
    fn current(&self, path: &Arc<str>, exposure: &Option<Arc<str>>) -> Current {
        Current {
            path: path.clone(),
            location: self.location.clone(),
            kind: self.kind.clone(),
            confidence: self.confidence.clone(),
            masked: self.masked.clone(),
            fingerprint: self.fingerprint.clone(),
            variant: self.variant.clone(),
            status: self.status.clone(),
            resolution: self.resolution.clone(),
            first_seen: self.first_seen,
            exposure: exposure.clone(),
        }
    }
}

/// The findings of the items under `roots`, by item id (read on a connection of their own
/// while the scan's loads the items).
fn load_findings(db: &Db, roots: &[String]) -> Result<Recalled, DbError> {
    let (mut rows, mut words) = (HashMap::<i64, Vec<Row>>::new(), Words::default());
    for root in roots {
        let (r, dir, end) = under(root);
        db.each(
            &format!(
                "SELECT f.id, f.item_id, f.location, f.kind, f.confidence, f.masked,
                        f.fingerprint, f.variant, f.status, f.resolution, f.first_seen
                 FROM findings f WHERE f.item_id IN (SELECT id FROM items WHERE {UNDER})"
            ),
            &[&r, &dir, &end],
            &mut |row| {
                let words = &mut words;
                let found = Row {
                    id: row.get(0)?,
                    location: row.get(2)?,
                    kind: row.with_text(3, |t| words.get(t.unwrap_or_default()))?,
                    confidence: row.with_text(4, |t| words.get(t.unwrap_or_default()))?,
                    masked: row.get(5)?,
                    fingerprint: row.get(6)?,
                    variant: row.with_text(7, |t| t.map(|t| words.get(t)))?,
                    status: row.with_text(8, |t| words.get(t.unwrap_or_default()))?,
                    resolution: row.with_text(9, |t| t.map(|t| words.get(t)))?,
                    first_seen: row.get(10)?,
                    matched: false,
                };
                rows.entry(row.get(1)?).or_default().push(found);
                Ok(true)
            },
        )?;
    }
    Ok((rows, words))
}

/// The findings of item `id` that are current (open or accepted), as held for `path`.
fn reportable(
    db: &Db,
    id: i64,
    path: &Arc<str>,
    words: &mut Words,
) -> Result<Vec<Current>, DbError> {
    db.rows(
        "SELECT location, kind, confidence, masked, fingerprint, variant, status, first_seen
         FROM findings
         WHERE item_id = ?1 AND resolution IS NULL AND status IN ('open', 'accepted')
         ORDER BY id",
        &[&id],
        |r| {
            Ok(Current {
                path: path.clone(),
                location: r.get(0)?,
                kind: r.get(1)?,
                confidence: r.get(2)?,
                masked: r.get(3)?,
                fingerprint: r.get(4)?,
                variant: r.get(5)?,
                status: r.get(6)?,
                resolution: None,
                first_seen: r.get(7)?,
                exposure: None,
            })
        },
    )
    .map(|mut rows| {
        for c in &mut rows {
            c.kind = words.get(&c.kind);
            c.confidence = words.get(&c.confidence);
            c.status = words.get(&c.status);
        }
        rows
    })
}

/// How far this scan got with an item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Met {
    /// Not met (yet): gone, or not reached.
    No,
    /// Findings or errors reported, but not read to its end.
    Touched,
    /// Read to its end (or its copy found): its findings are exactly those reported.
    Read,
    /// Unchanged: its findings carried over.
    Carried,
}

struct Item {
    id: i64,
    /// Its path, shared by the findings handed out.
    path: Arc<str>,
    hash: Option<String>,
    exposure: Option<Arc<str>>,
    /// Severity and score as stored.
    severity: Option<(Arc<str>, i64)>,
    gone: bool,
    met: Met,
    rows: Rows,
    /// Findings this scan wrote for it and does not hold (new, with a fingerprint).
    unheld: u64,
}

/// The findings of the items under a scan's roots, by item id, with the words they share.
type Recalled = (HashMap<i64, Vec<Row>>, Words);

pub(crate) struct ScanState {
    id: i64,
    words: Words,
    /// The paths of the items under the roots by id, until their findings are loaded.
    by_id: HashMap<i64, Arc<str>>,
    /// Whether the items' findings are loaded (see [`Store::recall`]).
    recalled: bool,
    /// The thread loading the findings on a connection of its own, while this one loads the
    /// items (`None` from it: it could not; `None` here: joined).
    loader: Option<std::thread::JoinHandle<Option<Recalled>>>,
    now: i64,
    pub(crate) roots: Vec<String>,
    items: HashMap<Arc<str>, Item>,
    new_findings: u64,
    resolved: u64,
    unchanged: u64,
    copies: u64,
    /// The errors of the last reading of items under the roots, loaded when the first
    /// unchanged item asks (see `unread.rs`).
    pub(crate) unread: Option<HashMap<String, Vec<crate::unread::Unread>>>,
}

/// The writer of one database.
pub struct Store {
    pub(crate) db: Db,
    /// Where the database is, to open a second connection that loads findings.
    at: Location,
    /// Records written since the open transaction began.
    pending: usize,
    pub(crate) scan: Option<ScanState>,
}

/// The SQL condition "the item's path is `?1` or lies under it" (`?2` is `?1` with a slash,
/// `?3` the first string after every such path), which the index on `items.path` serves.
pub(crate) const UNDER: &str = "(path = ?1 OR (path >= ?2 AND path < ?3))";

pub(crate) fn under(root: &str) -> (String, String, String) {
    let dir = if root.ends_with('/') {
        root.to_string()
    } else {
        format!("{root}/")
    };
    // '0' follows '/' in every collation by bytes.
    let end = format!("{}0", &dir[..dir.len() - 1]);
    (root.trim_end_matches('/').to_string(), dir, end)
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::at(&Location::Sqlite(path.to_path_buf()))
    }

    /// Opens (or creates) the database at `at`, a SQLite file or a PostgreSQL database, and
    /// brings its schema up to date.
    pub fn at(at: &Location) -> Result<Store, StoreError> {
        Ok(Store::on(open(at)?, at.clone()))
    }

    fn on(db: Db, at: Location) -> Store {
        Store {
            db,
            at,
            pending: 0,
            scan: None,
        }
    }

    /// Starts a scan of `roots` (absolute paths) at `now` (Unix seconds), its settings
    /// described; returns what the store knows of the items under the roots that were read
    /// with `scanned_with` settings. Their findings are loaded meanwhile on a second
    /// connection, by a thread of their own, and joined by [`Store::recall`]: neither the
    /// items' load nor the walk waits for them.
    pub fn begin_scan(
        &mut self,
        roots: &[String],
        settings: &str,
        scanned_with: &str,
        now: i64,
    ) -> Result<Known, StoreError> {
        // The write lock first (waiting for a scan that holds it), then what the scan reads
        // and writes: nothing read here goes stale before it is written.
        self.db
            .begin_write()
            .map_err(err("cannot start a transaction"))?;
        let id: i64 = self
            .db
            .one(
                "INSERT INTO scans (target, started_at, settings) VALUES (?1, ?2, ?3)
                 RETURNING id",
                &[&roots.join(" "), &now, &settings],
                |r| r.get(0),
            )
            .map_err(err("cannot record the scan"))?;
        // Recorded at once: a scan killed before its first batch is known as interrupted.
        self.db
            .commit_and_begin()
            .map_err(err("cannot start a transaction"))?;
        let mut state = ScanState {
            id,
            words: Words::default(),
            by_id: HashMap::new(),
            recalled: false,
            loader: {
                let (at, roots) = (self.at.clone(), roots.to_vec());
                Some(std::thread::spawn(move || {
                    load_findings(&open(&at).ok()?, &roots).ok()
                }))
            },
            now,
            roots: roots.to_vec(),
            items: HashMap::new(),
            new_findings: 0,
            resolved: 0,
            unchanged: 0,
            copies: 0,
            unread: None,
        };
        let mut known = Known::default();
        for root in roots {
            self.load(root, scanned_with, &mut state, &mut known)
                .map_err(err("cannot read what earlier scans found"))?;
        }
        self.scan = Some(state);
        Ok(known)
    }

    /// Gives the items under the scan's roots their findings, once (from the loader thread
    /// that `begin_scan` started, else read here): the writer calls it as it starts, and every
    /// record of the scan does first, at the latest.
    pub fn recall(&mut self) -> Result<(), StoreError> {
        let Some(mut state) = self.scan.take_if(|s| !s.recalled) else {
            return Ok(());
        };
        // Whatever kept the loader from its findings (no second connection, a failed
        // query), they are read here, and an error here is the scan's.
        let loaded = match state.loader.take().and_then(|l| l.join().ok().flatten()) {
            Some(recalled) => Ok(recalled),
            None => load_findings(&self.db, &state.roots),
        };
        let loaded = loaded.map(|(mut rows, words)| {
            for (id, path) in state.by_id.drain() {
                if let (Some(item), Some(r)) = (state.items.get_mut(&path), rows.remove(&id)) {
                    item.rows = Rows::from(r);
                }
            }
            // Each shared text once, whichever connection read it first.
            for w in words.0 {
                state.words.get(&w);
            }
        });
        state.recalled = true;
        state.by_id = HashMap::new();
        self.scan = Some(state);
        loaded.map_err(err("cannot read what earlier scans found"))
    }

    fn load(
        &self,
        root: &str,
        scanned_with: &str,
        state: &mut ScanState,
        known: &mut Known,
    ) -> Result<(), DbError> {
        let (r, dir, end) = under(root);
        // Sized once: growing maps of 100,000 items rehashes them again and again.
        let n: i64 = self.db.one(
            &format!("SELECT count(*) FROM items WHERE {UNDER}"),
            &[&r, &dir, &end],
            |row| row.get(0),
        )?;
        let n = usize::try_from(n).unwrap_or_default();
        state.items.reserve(n);
        state.by_id.reserve(n);
        known.items.reserve(n);
        let mut last_exposure: Option<Arc<str>> = None;
        self.db.each(
            &format!(
                "SELECT id, path, size, mtime_ns, ctime_ns, dev, ino, owner, hash, gone_at,
                        scanned_with, exposure, severity, score
                 FROM items WHERE {UNDER}"
            ),
            &[&r, &dir, &end],
            &mut |row| {
                let id: i64 = row.get(0)?;
                let path: Arc<str> = row.get(1)?;
                let size: Option<i64> = row.get(2)?;
                let gone = row.get::<Option<i64>>(9)?.is_some();
                let hash: Option<String> = row.get(8)?;
                let same_settings = row.with_text(10, |t| t == Some(scanned_with))?;
                // Items side by side mostly share one exposure: held once.
                let exposure = row.with_text(11, |t| match (t, &last_exposure) {
                    (Some(t), Some(last)) if **last == *t => Some(last.clone()),
                    (t, _) => t.map(Arc::from),
                })?;
                last_exposure.clone_from(&exposure);
                if let (Some(size), false) = (size, gone) {
                    let meta = Meta {
                        size: size as u64,
                        mtime_ns: row.get::<Option<i64>>(3)?.unwrap_or_default(),
                        ctime_ns: row.get::<Option<i64>>(4)?.unwrap_or_default(),
                        dev: row.get::<Option<i64>>(5)?.unwrap_or_default() as u64,
                        ino: row.get::<Option<i64>>(6)?.unwrap_or_default() as u64,
                        owner: row
                            .get::<Option<i64>>(7)?
                            .and_then(|o| u32::try_from(o).ok())
                            .unwrap_or_default(),
                    };
                    if same_settings {
                        if let Some(h) = &hash {
                            known
                                .by_size
                                .entry(meta.size)
                                .or_default()
                                .push((h.clone(), path.clone()));
                        }
                    }
                    known.items.insert(path.clone(), (meta, same_settings));
                } else if size.is_none() {
                    known.others.insert(path.clone());
                }
                state.by_id.insert(id, path.clone());
                state.items.insert(
                    path.clone(),
                    Item {
                        id,
                        path,
                        hash,
                        exposure,
                        severity: match (
                            row.with_text(12, |t| t.map(|t| state.words.get(t)))?,
                            row.get(13)?,
                        ) {
                            (Some(s), Some(n)) => Some((s, n)),
                            _ => None,
                        },
                        gone,
                        met: Met::No,
                        rows: Rows::default(),
                        unheld: 0,
                    },
                );
                Ok(true)
            },
        )
    }

    /// Records a finding reported by the scan and says whether it is new.
    pub fn finding(&mut self, f: &FindingRow) -> Result<Found, StoreError> {
        self.recall()?;
        let found = self.record(f).map_err(err("cannot record a finding"))?;
        self.wrote_finding()?;
        Ok(found)
    }

    fn record(&mut self, f: &FindingRow) -> Result<Found, DbError> {
        let (scan, now) = self.ids();
        let item_id = self.item(f.path)?;
        let Some(state) = self.scan.as_mut() else {
            return Err(DbError::Misuse("no scan begun"));
        };
        let Some(item) = state.items.get_mut(f.path) else {
            return Err(DbError::Misuse("no scan begun"));
        };
        if item.met == Met::No {
            item.met = Met::Touched;
        }
        let Some(action) = item.rows.found(f, now, &mut state.words) else {
            let found = insert_unheld(&self.db, item_id, f, now, scan, &mut state.words)?;
            if found.change == Change::New {
                state.new_findings += 1;
                item.unheld += 1;
            }
            return Ok(found);
        };
        apply(&self.db, item_id, &mut item.rows, action, now, scan)?;
        let row = &item.rows[action.row()];
        let change = match action {
            Action::Insert(_) => {
                state.new_findings += 1;
                Change::New
            }
            Action::Reopen(..) => Change::Reopened,
            _ => Change::Seen,
        };
        Ok(Found {
            change,
            first_seen: row.first_seen,
            status: row.status.clone(),
            held: Some(row.current(&item.path, &None)),
        })
    }

    /// Records an item read to its end (`meta` for a file, `None` for a folder whose name was
    /// read) with the content hash when it was read whole; resolves its findings that this
    /// scan did not report again, and returns them.
    pub fn item_read(
        &mut self,
        path: &str,
        meta: Option<&Meta>,
        hash: Option<&str>,
        scanned_with: &str,
    ) -> Result<ItemEnd, StoreError> {
        self.recall()?;
        let known = self
            .scan
            .as_ref()
            .is_some_and(|s| s.items.contains_key(path));
        if meta.is_none() && !known {
            // A folder without findings is not worth an item.
            return Ok(ItemEnd::default());
        }
        let resolved = self
            .read(path, meta, hash, scanned_with)
            .map_err(err("cannot record an item"))?;
        self.wrote()?;
        Ok(resolved)
    }

    fn read(
        &mut self,
        path: &str,
        meta: Option<&Meta>,
        hash: Option<&str>,
        scanned_with: &str,
    ) -> Result<ItemEnd, DbError> {
        let (scan, now) = self.ids();
        let id = self.item(path)?;
        // SQLite integers are signed 64-bit: larger values (never seen in practice) wrap.
        let u = |v: u64| v as i64;
        match meta {
            Some(m) => {
                self.db.execute(
                    "UPDATE items SET size = ?2, mtime_ns = ?3, ctime_ns = ?4, dev = ?5,
                             ino = ?6, owner = ?7, hash = ?8, scanned_at = ?9, last_seen = ?9,
                             last_scan = ?10, gone_at = NULL, scanned_with = ?11
                         WHERE id = ?1",
                    &[
                        &id,
                        &u(m.size),
                        &m.mtime_ns,
                        &m.ctime_ns,
                        &u(m.dev),
                        &u(m.ino),
                        &i64::from(m.owner),
                        &hash,
                        &now,
                        &scan,
                        &scanned_with,
                    ],
                )?;
            }
            None => {
                self.db.execute(
                    "UPDATE items SET last_seen = ?2, last_scan = ?3, gone_at = NULL
                         WHERE id = ?1",
                    &[&id, &now, &scan],
                )?;
            }
        }
        let Some(state) = self.scan.as_mut() else {
            return Err(DbError::Misuse("no scan begun"));
        };
        let Some(item) = state.items.get_mut(path) else {
            return Err(DbError::Misuse("no scan begun"));
        };
        // A false positive stays one until the item's content changes.
        let changed = matches!((&item.hash, hash), (Some(old), Some(new)) if old != new);
        item.met = Met::Read;
        item.gone = false;
        if hash.is_some() {
            item.hash = hash.map(str::to_string);
        }
        let mut end = ItemEnd::default();
        for action in item.rows.read_to_end(changed, &mut state.words) {
            apply(&self.db, item.id, &mut item.rows, action, now, scan)?;
            let current = item.rows[action.row()].current(&item.path, &item.exposure);
            match action {
                Action::Resolve(..) => end.resolved.push(current),
                _ => end.reopened.push(current),
            }
        }
        state.resolved += end.resolved.len() as u64;
        Ok(end)
    }

    /// Records who can read an item (a JSON object) before its findings are reported; written
    /// only when it differs from what the store holds. Returns it, shared.
    pub fn item_exposure(&mut self, path: &str, exposure: &str) -> Result<Arc<str>, StoreError> {
        self.recall()?;
        let id = self.item(path).map_err(err("cannot record an item"))?;
        let Some(item) = self.scan.as_mut().and_then(|s| s.items.get_mut(path)) else {
            return Ok(Arc::from(exposure));
        };
        if let Some(held) = item.exposure.as_ref().filter(|e| &***e == exposure) {
            return Ok(held.clone());
        }
        let shared: Arc<str> = Arc::from(exposure);
        item.exposure = Some(shared.clone());
        self.db
            .execute(
                "UPDATE items SET exposure = ?2 WHERE id = ?1",
                &[&id, &exposure],
            )
            .map_err(err("cannot record who can read an item"))?;
        self.wrote()?;
        Ok(shared)
    }

    /// Records an item's severity and score as assessed now; written only when they differ
    /// from what the store holds. (The reasons are not kept: they name the item's age, which
    /// changes every day, and a daily scan would rewrite every item for that.)
    pub fn item_severity(
        &mut self,
        path: &str,
        severity: &str,
        score: i64,
    ) -> Result<(), StoreError> {
        self.recall()?;
        let id = self.item(path).map_err(err("cannot record an item"))?;
        let Some(state) = self.scan.as_mut() else {
            return Ok(());
        };
        let Some(item) = state.items.get_mut(path) else {
            return Ok(());
        };
        if item
            .severity
            .as_ref()
            .is_some_and(|(s, n)| **s == *severity && *n == score)
        {
            return Ok(());
        }
        item.severity = Some((state.words.get(severity), score));
        self.db
            .execute(
                "UPDATE items SET severity = ?2, score = ?3 WHERE id = ?1",
                &[&id, &severity, &score],
            )
            .map_err(err("cannot record an item's severity"))?;
        self.wrote()
    }

    /// Records an item that did not change since it was read: its findings are carried over
    /// (seen again) and returned for output.
    pub fn item_unchanged(&mut self, path: &str) -> Result<Vec<Current>, StoreError> {
        self.recall()?;
        let carried = self
            .carry(path, true)
            .map_err(err("cannot record an item"))?;
        if let Some(s) = self.scan.as_mut() {
            s.unchanged += 1;
        }
        Ok(carried)
    }

    /// Marks an item and its unmatched findings seen; returns those to report.
    fn carry(&mut self, path: &str, whole: bool) -> Result<Vec<Current>, DbError> {
        let Some(item) = self.scan.as_mut().and_then(|s| s.items.get_mut(path)) else {
            return Ok(Vec::new());
        };
        if whole {
            item.met = Met::Carried;
        }
        // The rows are marked seen in the database by `end_scan`, in one statement per root.
        let carried = item
            .rows
            .carry()
            .into_iter()
            .map(|action| &item.rows[action.row()])
            .filter(|row| row.reportable())
            .map(|row| row.current(&item.path, &item.exposure))
            .collect();
        Ok(carried)
    }

    /// Records an item whose content is that of `original`, read before: its findings are
    /// those of the original, recorded for this item and returned for output. `None` when
    /// neither the original nor any other item still holds that content (it was edited during
    /// this scan): the item is then left to be read by the next scan.
    pub fn item_copy(
        &mut self,
        path: &str,
        meta: &Meta,
        hash: &str,
        original: &str,
        scanned_with: &str,
    ) -> Result<Option<Copied>, StoreError> {
        self.recall()?;
        let Some(state) = self.scan.as_ref() else {
            return Ok(None);
        };
        let holds = |i: &Item| !i.gone && i.hash.as_deref() == Some(hash);
        let source = state
            .items
            .get(original)
            .filter(|i| holds(i))
            .or_else(|| state.items.values().find(|i| holds(i)));
        let Some(source) = source else {
            return Ok(None);
        };
        let shared: Arc<str> = Arc::from(path);
        let rows: Vec<Current> = if source.unheld == 0 {
            source
                .rows
                .iter()
                .filter(|r| r.reportable())
                .map(|r| r.current(&shared, &None))
                .collect()
        } else {
            // Read by this scan, with findings it does not hold: as the database has them.
            let mut words = Words::default();
            reportable(&self.db, source.id, &shared, &mut words)
                .map_err(err("cannot read what earlier scans found"))?
        };
        let exposure = state.items.get(path).and_then(|i| i.exposure.clone());
        let mut copied = Copied::default();
        for mut r in rows {
            let found = self.finding(&FindingRow {
                path,
                location: &r.location,
                kind: &r.kind,
                confidence: &r.confidence,
                masked: &r.masked,
                fingerprint: r.fingerprint.as_deref(),
                variant: r.variant.as_deref(),
            })?;
            let new = found.change != Change::Seen;
            r.status = found.status;
            r.first_seen = found.first_seen;
            r.exposure = exposure.clone();
            copied.found.push((r, new));
        }
        copied.end = self.item_read(path, Some(meta), Some(hash), scanned_with)?;
        if let Some(s) = self.scan.as_mut() {
            s.copies += 1;
        }
        Ok(Some(copied))
    }

    /// Records an item that could not be read, and why.
    pub fn error(
        &mut self,
        path: &str,
        location: Option<&str>,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.recall()?;
        let (scan, _) = self.ids();
        if let Some(item) = self.scan.as_mut().and_then(|s| s.items.get_mut(path)) {
            if item.met == Met::No {
                item.met = Met::Touched;
            }
        }
        self.db
            .execute(
                "INSERT INTO errors (scan_id, path, location, reason) VALUES (?1, ?2, ?3, ?4)",
                &[&scan, &path, &location, &reason],
            )
            .map_err(err("cannot record an error"))?;
        self.wrote()
    }

    /// The walk is over: items under the roots that the scan did not meet are asked about
    /// with `exists`; the findings of those that are gone are resolved (`removed`), those of
    /// the others carried over, like the findings of items the scan met but could not read to
    /// their end. The scan stays open (for the items' severities) until [`end_scan`].
    ///
    /// [`end_scan`]: Store::end_scan
    pub fn close_items(&mut self, exists: &dyn Fn(&str) -> bool) -> Result<End, StoreError> {
        self.recall()?;
        let mut end = End::default();
        let open: Vec<(Arc<str>, Met, bool)> = self
            .scan
            .as_ref()
            .map(|s| {
                s.items
                    .iter()
                    .filter(|(_, i)| i.met == Met::No || i.met == Met::Touched)
                    .map(|(p, i)| (p.clone(), i.met, i.gone))
                    .collect()
            })
            .unwrap_or_default();
        for (path, met, gone) in open {
            if met == Met::No && gone {
                continue;
            }
            if met == Met::No && !exists(&path) {
                let removed = self
                    .remove(&path)
                    .map_err(err("cannot resolve a finding"))?;
                end.resolved.extend(removed);
            } else {
                end.carried.extend(
                    self.carry(&path, false)
                        .map_err(err("cannot record an item"))?,
                );
            }
            self.wrote()?;
        }
        if let Some(s) = self.scan.as_mut() {
            s.resolved += end.resolved.len() as u64;
        }
        Ok(end)
    }

    /// Ends the scan: marks what was carried over seen, writes the counts (`findings`: the
    /// current findings, found now or carried over) and commits.
    pub fn end_scan(&mut self, counts: Counts, now: i64) -> Result<(), StoreError> {
        let Some(s) = self.scan.take() else {
            return Err(StoreError("no scan begun (a programming error)".into()));
        };
        // Every item under the roots still there and not written by this scan was carried
        // over: seen now, in the narrow `item_seen` (rewriting the wide item rows would cost
        // a page write per few items every day). Its unresolved findings are not rewritten
        // either: an unresolved finding was last seen when its item was. Items read now and
        // their findings were written as they were read.
        for root in &s.roots {
            let (r, dir, end_) = under(root);
            self.db
                .execute(
                    &format!(
                        "INSERT INTO item_seen (item_id, last_seen, last_scan)
                         SELECT id, ?4, ?5 FROM items
                         WHERE {UNDER} AND gone_at IS NULL AND last_scan <> ?5
                         ON CONFLICT (item_id) DO UPDATE SET last_seen = excluded.last_seen,
                             last_scan = excluded.last_scan"
                    ),
                    &[&r, &dir, &end_, &s.now, &s.id],
                )
                .map_err(err("cannot mark the items carried over seen"))?;
        }
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.db
            .execute(
                "UPDATE scans SET ended_at = ?2, files = ?3, bytes = ?4, findings = ?5,
                     errors = ?6, new_findings = ?7, resolved = ?8, unchanged = ?9, copies = ?10,
                     incomplete = ?11
                 WHERE id = ?1",
                &[
                    &s.id,
                    &now,
                    &n(counts.files),
                    &n(counts.bytes),
                    &n(counts.findings),
                    &n(counts.errors),
                    &n(s.new_findings),
                    &n(s.resolved),
                    &n(s.unchanged),
                    &n(s.copies),
                    &counts.incomplete,
                ],
            )
            .map_err(err("cannot record the end of the scan"))?;
        self.db
            .batch("COMMIT")
            .map_err(err("cannot commit the scan"))?;
        // What the scan held (every item and finding under the roots) is freed on a thread of
        // its own: the scan's end need not wait for 100,000 frees. Should no thread start,
        // it is freed here.
        let _ = std::thread::Builder::new()
            .name("free-scan-state".into())
            .spawn(move || drop(s));
        Ok(())
    }

    /// Resolves every open finding of a deleted item as `removed`.
    fn remove(&mut self, path: &str) -> Result<Vec<Current>, DbError> {
        let (scan, now) = self.ids();
        let Some(state) = self.scan.as_mut() else {
            return Ok(Vec::new());
        };
        let Some(item) = state.items.get_mut(path) else {
            return Ok(Vec::new());
        };
        item.gone = true;
        self.db.execute(
            "UPDATE items SET gone_at = ?2 WHERE id = ?1",
            &[&item.id, &now],
        )?;
        let mut removed = Vec::new();
        for action in item.rows.gone(&mut state.words) {
            apply(&self.db, item.id, &mut item.rows, action, now, scan)?;
            removed.push(item.rows[action.row()].current(&item.path, &item.exposure));
        }
        Ok(removed)
    }

    fn ids(&self) -> (i64, i64) {
        self.scan.as_ref().map_or((0, 0), |s| (s.id, s.now))
    }

    /// The item's id, created (or marked seen) on first use in this scan.
    fn item(&mut self, path: &str) -> Result<i64, DbError> {
        let (scan, now) = self.ids();
        let Some(state) = self.scan.as_mut() else {
            return Err(DbError::Misuse("no scan begun"));
        };
        if let Some(item) = state.items.get(path) {
            return Ok(item.id);
        }
        let id = self.db.one(
            "INSERT INTO items (path, first_seen, last_seen, last_scan) VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT (path) DO UPDATE SET last_seen = excluded.last_seen,
                     last_scan = excluded.last_scan
                 RETURNING id",
            &[&path, &now, &scan],
            |r| r.get(0),
        )?;
        let path: Arc<str> = Arc::from(path);
        state.items.insert(
            path.clone(),
            Item {
                id,
                path,
                hash: None,
                exposure: None,
                severity: None,
                gone: false,
                met: Met::Touched,
                rows: Rows::default(),
                unheld: 0,
            },
        );
        Ok(id)
    }

    /// A record that ends an item or stands alone: commits once `BATCH` records are pending,
    /// so a crash loses at most one batch (and the item being read, which the next scan reads
    /// again: its state is written after its findings).
    fn wrote(&mut self) -> Result<(), StoreError> {
        self.pending += 1;
        if self.pending >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    /// A finding: committed with its item's end, not every `BATCH` findings of one item. The
    /// indexes of findings are keyed by fingerprint and place, which an item's findings hit
    /// all over: each commit writes every page its batch touched, so an item of 100,000
    /// findings committed 50 times wrote most of the index 50 times. Committed here only
    /// past `ITEM_BATCH` findings, to bound the open transaction.
    fn wrote_finding(&mut self) -> Result<(), StoreError> {
        self.pending += 1;
        if self.pending >= ITEM_BATCH {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.pending = 0;
        self.db
            .commit_and_begin()
            .map_err(err("cannot commit a batch"))
    }
}

/// Writes what the reconcile step decided for a row of the item `item_id`, as the scan `scan`
/// at `now` (the row as the step left it: moved, reopened, resolved, or new, when its id is
/// set here). Every change of status is a row of the finding's history.
fn apply(
    db: &Db,
    item_id: i64,
    rows: &mut Rows,
    action: Action,
    now: i64,
    scan: i64,
) -> Result<(), DbError> {
    let row = &rows[action.row()];
    match action {
        Action::Seen(_) | Action::Move(_) | Action::Reopen(_, Reopened::FoundAgain) => {
            db.execute(
                "UPDATE findings SET location = ?2, confidence = ?3, last_seen = ?4,
                         last_scan = ?5,
                         status = CASE WHEN resolution IS NULL THEN status ELSE 'open' END,
                         status_at = CASE WHEN resolution IS NULL THEN status_at ELSE ?4 END,
                         resolution = NULL
                     WHERE id = ?1",
                &[&row.id, &&*row.location, &&*row.confidence, &now, &scan],
            )?;
            if let Action::Reopen(_, why) = action {
                history(db, row.id, now, scan, "open", None, why.reason())?;
            }
        }
        Action::Reopen(_, why) => {
            db.execute(
                "UPDATE findings SET status = 'open', status_at = ?2 WHERE id = ?1",
                &[&row.id, &now],
            )?;
            history(db, row.id, now, scan, "open", None, why.reason())?;
        }
        Action::Insert(i) => {
            let id: i64 = db.one(
                "INSERT INTO findings (item_id, location, kind, confidence, masked, fingerprint,
                                       variant, first_seen, last_seen, last_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
                 ON CONFLICT (item_id, location, kind, masked, fingerprint) DO UPDATE SET
                     confidence = excluded.confidence, last_seen = excluded.last_seen,
                     last_scan = excluded.last_scan
                 RETURNING id",
                &[
                    &item_id,
                    &&*row.location,
                    &&*row.kind,
                    &&*row.confidence,
                    &&*row.masked,
                    &row.fingerprint.as_deref(),
                    &row.variant.as_deref(),
                    &now,
                    &scan,
                ],
                |r| r.get(0),
            )?;
            rows.set_id(i, id);
        }
        Action::Resolve(_, how) => {
            db.execute(
                "UPDATE findings SET status = 'resolved', resolution = ?2, status_at = ?3
                 WHERE id = ?1",
                &[&row.id, &how.name(), &now],
            )?;
            history(db, row.id, now, scan, "resolved", Some(how.name()), "")?;
        }
        // Seen with its item: `end_scan` marks the items carried over seen.
        Action::Keep(_) => {}
    }
    Ok(())
}

const INSERT_UNHELD: &str =
    "INSERT INTO findings (item_id, location, kind, confidence, masked, fingerprint, variant,
                           first_seen, last_seen, last_scan)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
     ON CONFLICT (item_id, location, kind, masked, fingerprint) DO NOTHING
     RETURNING id";

/// Writes a new finding with a fingerprint, which the reconcile step does not hold: the
/// database's unique index says whether this scan wrote it at this place before (the same
/// finding reported twice), which is then seen again, as a row held would be. Nothing of it
/// stays in memory, however many findings its item holds.
fn insert_unheld(
    db: &Db,
    item_id: i64,
    f: &FindingRow,
    now: i64,
    scan: i64,
    words: &mut Words,
) -> Result<Found, DbError> {
    let inserted: Option<i64> = db.optional(
        INSERT_UNHELD,
        &[
            &item_id,
            &f.location,
            &f.kind,
            &f.confidence,
            &f.masked,
            &f.fingerprint,
            &f.variant,
            &now,
            &scan,
        ],
        |r| r.get(0),
    )?;
    if inserted.is_some() {
        return Ok(Found {
            change: Change::New,
            first_seen: now,
            status: words.get("open"),
            held: None,
        });
    }
    let (first_seen, status) = db.one(
        "UPDATE findings SET confidence = ?6, last_seen = ?7, last_scan = ?8
         WHERE item_id = ?1 AND location = ?2 AND kind = ?3 AND masked = ?4
             AND fingerprint = ?5
         RETURNING first_seen, status",
        &[
            &item_id,
            &f.location,
            &f.kind,
            &f.masked,
            &f.fingerprint,
            &f.confidence,
            &now,
            &scan,
        ],
        |r| {
            let first_seen: i64 = r.get(0)?;
            let status = r.with_text(1, |t| words.get(t.unwrap_or("open")))?;
            Ok((first_seen, status))
        },
    )?;
    Ok(Found {
        change: Change::Seen,
        first_seen,
        status,
        held: None,
    })
}

fn history(
    db: &Db,
    id: i64,
    now: i64,
    scan: i64,
    status: &str,
    resolution: Option<&str>,
    reason: &str,
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO finding_history (finding_id, at, scan_id, status, resolution, reason, by_whom)
         VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), 'scan')",
        &[&id, &now, &scan, &status, &resolution, &reason],
    )?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::count;

    /// Ends a scan as the writer does: the items not met, then the commit.
    pub(crate) fn finish(s: &mut Store, now: i64, exists: &dyn Fn(&str) -> bool) -> End {
        let end = s.close_items(exists).unwrap();
        s.end_scan(Counts::default(), now).unwrap();
        end
    }

    /// Every scenario: run on SQLite by a test each, on PostgreSQL by the store's
    /// `every_scenario_runs_on_postgres_too`, each on a new empty database.
    pub(crate) const SCENARIOS: &[crate::tests::Scenario] = &[
        ("lifecycle", lifecycle),
        ("false_positive", false_positive),
        ("touched", touched),
        ("crash", crash),
    ];

    #[test]
    fn unchanged_items_are_carried_edited_ones_resolve_what_is_gone_and_keep_what_moved() {
        lifecycle(&crate::tests::sqlite("life"));
    }

    #[test]
    fn a_false_positive_stays_one_until_the_item_changes() {
        false_positive(&crate::tests::sqlite("fp"));
    }

    #[test]
    fn an_item_met_but_not_read_to_its_end_keeps_its_findings() {
        touched(&crate::tests::sqlite("touched"));
    }

    /// The findings carried over are the same whether the loader thread read them or
    /// `recall` had to (no second connection).
    #[test]
    fn findings_read_without_the_loader_are_the_same() {
        let at = crate::tests::sqlite("loader");
        let mut s = Store::at(&at).unwrap();
        s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        s.finding(&row("/srv/b.txt", "line 2", "B")).unwrap();
        for p in ["/srv/a.txt", "/srv/b.txt"] {
            s.item_read(p, Some(&meta(10, 1)), Some(p), WITH).unwrap();
        }
        finish(&mut s, 101, &|_| true);
        let mut carried = |without_loader: bool, now: i64| {
            s.begin_scan(&roots(), "{}", WITH, now).unwrap();
            if let (true, Some(state)) = (without_loader, s.scan.as_mut()) {
                state.loader = None;
            }
            let mut c: Vec<_> = finish(&mut s, now + 1, &|_| true)
                .carried
                .into_iter()
                .map(|c| (c.path, c.location, c.masked, c.first_seen))
                .collect();
            c.sort();
            c
        };
        let with = carried(false, 200);
        assert_eq!(with.len(), 2);
        assert_eq!(carried(true, 300), with);
    }

    /// A second scan of the same database begins only when the first has ended (it waits
    /// for the write lock rather than failing with `database is locked`), and both are kept.
    #[test]
    fn a_second_scan_waits_for_the_first_to_end() {
        let at = crate::tests::sqlite("waits");
        let mut first = Store::at(&at).unwrap();
        first.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        first.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        let begun = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let second = {
            let (at, begun) = (at.clone(), begun.clone());
            std::thread::spawn(move || {
                let mut s = Store::at(&at).unwrap();
                s.begin_scan(&["/other".to_string()], "{}", WITH, 200)
                    .unwrap();
                begun.store(true, std::sync::atomic::Ordering::SeqCst);
                s.finding(&row("/other/b.txt", "line 1", "B")).unwrap();
                s.item_read("/other/b.txt", Some(&meta(5, 1)), Some("h"), WITH)
                    .unwrap();
                finish(&mut s, 201, &|_| true);
            })
        };
        // Whenever the second thread runs meanwhile, it cannot begin while the first writes.
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!begun.load(std::sync::atomic::Ordering::SeqCst));
        first
            .item_read("/srv/a.txt", Some(&meta(10, 1)), Some("h1"), WITH)
            .unwrap();
        finish(&mut first, 101, &|_| true);
        second.join().unwrap();
        assert_eq!(one(&at, "SELECT count(*) FROM findings"), 2);
        assert_eq!(
            one(&at, "SELECT count(*) FROM scans WHERE ended_at IS NOT NULL"),
            2
        );
    }

    /// New findings with fingerprints are written, not held: an item of many holds none of
    /// them (the memory of a scan is not its findings'), each costs the same work in SQL (the
    /// steps of SQLite's machine for the insert, not a time), a second report at the same
    /// place is seen again through the database, and a copy of the item found in the same scan
    /// gets them all from the database.
    #[test]
    fn new_findings_are_not_held() {
        let at = crate::tests::sqlite("unheld");
        let mut s = Store::at(&at).unwrap();
        s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        let n = 5000;
        let places: Vec<String> = (0..n).map(|i| format!("line {i}")).collect();
        let values: Vec<String> = (0..n).map(|i| format!("{i:06}-****")).collect();
        let steps = |s: &Store| match &s.db {
            Db::Sqlite(c) => c
                .prepare_cached(INSERT_UNHELD)
                .unwrap()
                .get_status(rusqlite::StatementStatus::VmStep),
            Db::Postgres(_) => unreachable!(),
        };
        let mut first = 0;
        for (i, (place, value)) in places.iter().zip(&values).enumerate() {
            if i == n / 5 {
                first = steps(&s);
            }
            let found = s.finding(&row("/srv/big.txt", place, value)).unwrap();
            assert_eq!((found.change, found.held), (Change::New, None));
        }
        // The last four fifths cost what the first did four times, give or take a tenth.
        let rest = steps(&s) - first;
        assert!(
            first > 0 && rest <= first * 4 * 11 / 10,
            "{first} then {rest}"
        );
        let again = s
            .finding(&row("/srv/big.txt", "line 7", &values[7]))
            .unwrap();
        assert_eq!(
            (again.change, again.first_seen, &*again.status),
            (Change::Seen, 100, "open")
        );
        let item = &s.scan.as_ref().unwrap().items["/srv/big.txt"];
        assert_eq!((item.rows.iter().count(), item.unheld), (0, n as u64));
        s.item_read("/srv/big.txt", Some(&meta(10, 1)), Some("h"), WITH)
            .unwrap();
        finish(&mut s, 101, &|_| true);
        assert_eq!(one(&at, "SELECT count(*) FROM findings"), n as i64);
        assert_eq!(one(&at, "SELECT new_findings FROM scans"), n as i64);

        // The next scan: the item is edited to hold one more, and a new file with its new
        // content is a copy of it.
        s.begin_scan(&roots(), "{}", WITH, 200).unwrap();
        for (place, value) in places.iter().zip(&values) {
            s.finding(&row("/srv/big.txt", place, value)).unwrap();
        }
        s.finding(&row("/srv/big.txt", "line 9999", "X")).unwrap();
        s.item_read("/srv/big.txt", Some(&meta(11, 2)), Some("h2"), WITH)
            .unwrap();
        let copied = s
            .item_copy("/srv/copy.txt", &meta(11, 3), "h2", "/srv/gone.txt", WITH)
            .unwrap()
            .unwrap();
        assert_eq!(copied.found.len(), n + 1);
        finish(&mut s, 201, &|_| true);
    }

    #[test]
    fn a_crash_keeps_committed_batches_and_a_consistent_database() {
        crash(&crate::tests::sqlite("crash"));
    }

    fn row<'a>(path: &'a str, location: &'a str, masked: &'a str) -> FindingRow<'a> {
        FindingRow {
            path,
            location,
            kind: "dk-cpr",
            confidence: "high",
            masked,
            fingerprint: Some(masked),
            variant: None,
        }
    }

    fn meta(size: u64, mtime_ns: i64) -> Meta {
        Meta {
            size,
            mtime_ns,
            ctime_ns: mtime_ns,
            dev: 2049,
            ino: 77,
            owner: 1000,
        }
    }

    const WITH: &str = "settings-1";

    fn one(at: &Location, sql: &str) -> i64 {
        open(at).unwrap().one(sql, &[], |r| r.get(0)).unwrap()
    }

    fn roots() -> Vec<String> {
        vec!["/srv".to_string()]
    }

    fn lifecycle(at: &Location) {
        let mut s = Store::at(at).unwrap();
        let known = s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        assert!(known.is_empty());
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap().change,
            Change::New
        );
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 2", "B")).unwrap().change,
            Change::New
        );
        // The same finding twice in one scan is one row.
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 2", "B")).unwrap().change,
            Change::Seen
        );
        assert!(s
            .item_read("/srv/a.txt", Some(&meta(10, 1)), Some("h1"), WITH)
            .unwrap()
            .resolved
            .is_empty());
        s.finding(&row("/srv/b.txt", "line 1", "C")).unwrap();
        s.item_read("/srv/b.txt", Some(&meta(20, 1)), Some("h2"), WITH)
            .unwrap();
        s.item_read("/srv/empty.txt", Some(&meta(30, 1)), Some("h3"), WITH)
            .unwrap();
        // Outside the roots: never touched by scans of /srv.
        s.finding(&row("/srv2/x.txt", "line 1", "X")).unwrap();
        let end = finish(&mut s, 101, &|_| true);
        assert!(end.carried.is_empty() && end.resolved.is_empty());
        assert_eq!(count(&open(at).unwrap(), "findings").unwrap(), 4);

        // Second scan: a.txt edited (A moved to line 5, B gone), b.txt unchanged, empty.txt
        // deleted, a folder name not reached (still there: carried).
        let known = s.begin_scan(&roots(), "{}", WITH, 200).unwrap();
        assert_eq!(known.len(), 3);
        assert!(known.unchanged("/srv/b.txt", &meta(20, 1)));
        assert!(!known.unchanged("/srv/a.txt", &meta(11, 2)));
        assert!(known.may_be_copy(20) && !known.may_be_copy(21));
        assert_eq!(known.copy_of(20, "h2"), Some("/srv/b.txt"));
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 5", "A")).unwrap().change,
            Change::Seen
        );
        let resolved = s
            .item_read("/srv/a.txt", Some(&meta(11, 2)), Some("h1b"), WITH)
            .unwrap()
            .resolved;
        assert_eq!(resolved.len(), 1);
        assert_eq!(
            (&*resolved[0].masked, resolved[0].resolution.as_deref()),
            ("B", Some("edited"))
        );
        let carried = s.item_unchanged("/srv/b.txt").unwrap();
        assert_eq!(carried.len(), 1);
        assert_eq!((&*carried[0].masked, carried[0].first_seen), ("C", 100));
        let end = finish(&mut s, 201, &|p| p != "/srv/empty.txt");
        assert!(end.carried.is_empty());
        assert!(end.resolved.is_empty(), "empty.txt had no findings");
        assert_eq!(
            one(
                at,
                "SELECT gone_at FROM items WHERE path = '/srv/empty.txt'"
            ),
            200
        );
        assert_eq!(
            one(
                at,
                "SELECT first_seen FROM findings WHERE masked = 'A' AND location = 'line 5'"
            ),
            100
        );
        assert_eq!(
            one(
                at,
                "SELECT s.last_seen FROM findings f JOIN item_seen s ON s.item_id = f.item_id
                 WHERE masked = 'C'"
            ),
            200,
            "carried findings are seen again with their item"
        );
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM findings WHERE resolution = 'edited'"
            ),
            1
        );
        assert_eq!(one(at, "SELECT resolved FROM scans WHERE id = 2"), 1);
        assert_eq!(one(at, "SELECT unchanged FROM scans WHERE id = 2"), 1);

        // Third scan: b.txt deleted, B written back into a.txt (reopened), a copy of a.txt.
        let known = s.begin_scan(&roots(), "{}", WITH, 300).unwrap();
        assert_eq!(known.len(), 2, "a deleted item is not known as a file");
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 2", "B")).unwrap().change,
            Change::Reopened
        );
        assert_eq!(
            s.finding(&row("/srv/a.txt", "line 5", "A")).unwrap().change,
            Change::Seen
        );
        s.item_read("/srv/a.txt", Some(&meta(12, 3)), Some("h1c"), WITH)
            .unwrap();
        let copy = s
            .item_copy("/srv/copy.txt", &meta(12, 4), "h1c", "/srv/a.txt", WITH)
            .unwrap();
        let copy = copy.unwrap().found;
        assert_eq!(copy.len(), 2);
        assert!(copy
            .iter()
            .all(|(c, new)| &*c.path == "/srv/copy.txt" && c.first_seen == 300 && *new));
        let end = finish(&mut s, 301, &|p| p != "/srv/b.txt");
        assert_eq!(end.resolved.len(), 1);
        assert_eq!(end.resolved[0].resolution.as_deref(), Some("removed"));
        assert_eq!(
            one(at, "SELECT count(*) FROM findings WHERE status = 'open'"),
            5
        );
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM finding_history WHERE status = 'open'"
            ),
            1,
            "the reopening is in the history"
        );
        assert_eq!(one(at, "SELECT copies FROM scans WHERE id = 3"), 1);
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM findings WHERE masked = 'X' AND status = 'open'"
            ),
            1
        );
    }

    fn false_positive(at: &Location) {
        let mut s = Store::at(at).unwrap();
        s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        s.item_read("/srv/a.txt", Some(&meta(10, 1)), Some("h1"), WITH)
            .unwrap();
        finish(&mut s, 101, &|_| true);
        open(at)
            .unwrap()
            .execute("UPDATE findings SET status = 'false-positive'", &[])
            .unwrap();
        // Not reported as current while unchanged, nor when read again with the same content.
        s.begin_scan(&roots(), "{}", WITH, 200).unwrap();
        assert!(s.item_unchanged("/srv/a.txt").unwrap().is_empty());
        finish(&mut s, 201, &|_| true);
        s.begin_scan(&roots(), "{}", WITH, 300).unwrap();
        s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        s.item_read("/srv/a.txt", Some(&meta(10, 2)), Some("h1"), WITH)
            .unwrap();
        finish(&mut s, 301, &|_| true);
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM findings WHERE status = 'false-positive'"
            ),
            1
        );
        // Changed content: open again, with the reason in its history.
        s.begin_scan(&roots(), "{}", WITH, 400).unwrap();
        let found = s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        assert_eq!(&*found.status, "false-positive");
        let end = s
            .item_read("/srv/a.txt", Some(&meta(11, 3)), Some("h2"), WITH)
            .unwrap();
        assert_eq!(end.reopened.len(), 1);
        finish(&mut s, 401, &|_| true);
        assert_eq!(
            one(at, "SELECT count(*) FROM findings WHERE status = 'open'"),
            1
        );
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM finding_history WHERE reason = 'the item changed'"
            ),
            1
        );
    }

    fn touched(at: &Location) {
        let mut s = Store::at(at).unwrap();
        s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        s.finding(&row("/srv/a.txt", "line 9", "B")).unwrap();
        s.item_read("/srv/a.txt", Some(&meta(10, 1)), Some("h1"), WITH)
            .unwrap();
        finish(&mut s, 101, &|_| true);
        s.begin_scan(&roots(), "{}", WITH, 200).unwrap();
        s.finding(&row("/srv/a.txt", "line 1", "A")).unwrap();
        s.error("/srv/a.txt", None, "read failed").unwrap();
        let end = finish(&mut s, 201, &|_| true);
        assert_eq!(end.carried.len(), 1);
        assert_eq!(&*end.carried[0].masked, "B");
        assert_eq!(
            one(at, "SELECT count(*) FROM findings WHERE resolution IS NULL"),
            2
        );
    }

    fn crash(at: &Location) {
        let mut s = Store::at(at).unwrap();
        s.begin_scan(&roots(), "{}", WITH, 100).unwrap();
        // Items of one finding each: a finding and the item's end are two records, so the
        // item's end that makes BATCH records commits them.
        for i in 0..BATCH / 2 + 5 {
            let path = format!("/srv/{i}.txt");
            s.finding(&row(&path, "line 1", "A")).unwrap();
            s.item_read(&path, Some(&meta(10, 1)), Some("h"), WITH)
                .unwrap();
        }
        // An item of many findings, not ended: none of them is committed without its end.
        for line in 0..BATCH + 10 {
            s.finding(&row("/srv/big.txt", &format!("line {line}"), "A"))
                .unwrap();
        }
        // Dropped without end_scan: the open transaction is rolled back.
        drop(s);
        assert_eq!(
            count(&open(at).unwrap(), "findings").unwrap(),
            BATCH as i64 / 2
        );
        assert_eq!(
            one(
                at,
                "SELECT count(*) FROM items WHERE scanned_at IS NOT NULL"
            ),
            BATCH as i64 / 2
        );
        let db = open(at).unwrap();
        if !db.is_postgres() {
            let ok: String = db.one("PRAGMA integrity_check", &[], |r| r.get(0)).unwrap();
            assert_eq!(ok, "ok");
        }
        let ended: Option<i64> = db
            .one("SELECT ended_at FROM scans", &[], |r| r.get(0))
            .unwrap();
        assert_eq!(ended, None);
    }

    #[test]
    fn paths_under_a_root_are_told_apart_from_their_neighbours() {
        assert_eq!(
            under("/srv"),
            ("/srv".to_string(), "/srv/".to_string(), "/srv0".to_string())
        );
        assert_eq!(
            under("/"),
            (String::new(), "/".to_string(), "0".to_string())
        );
    }
}
