//! The scan database: what every scan found, kept so that later scans and reports remember.
//!
//! One SQLite file (WAL mode, so readers do not block the writer). The schema is created and
//! upgraded by numbered migrations in one transaction each (`PRAGMA user_version` holds the
//! number applied). Nothing here ever holds a found value in clear text: findings arrive
//! masked and fingerprinted, and the store has no column for a value.
//!
//! Writes come from one writer ([`Store`]) and are batched: a transaction is committed every
//! [`BATCH`] records and at the end of a scan, so a crash loses at most the last batch and
//! leaves the database consistent.

use std::path::Path;

use rusqlite::{params, Connection};

/// Records written per transaction.
pub const BATCH: usize = 2000;

/// The schema, one migration per entry; never edit an applied one, add a new one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE scans (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL,
    started_at  INTEGER NOT NULL,   -- Unix seconds
    ended_at    INTEGER,            -- NULL while running or after a crash
    files       INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    findings    INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    settings    TEXT NOT NULL
);
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    last_scan   INTEGER NOT NULL REFERENCES scans(id)
);
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    location    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    confidence  TEXT NOT NULL,
    masked      TEXT NOT NULL,
    fingerprint TEXT,
    variant     TEXT,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    last_scan   INTEGER NOT NULL REFERENCES scans(id),
    status      TEXT NOT NULL DEFAULT 'open',
    UNIQUE (item_id, location, kind, masked, fingerprint)
);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE TABLE errors (
    id          INTEGER PRIMARY KEY,
    scan_id     INTEGER NOT NULL REFERENCES scans(id),
    path        TEXT NOT NULL,
    location    TEXT,
    reason      TEXT NOT NULL
);
"#,
    r#"
-- What identifies a file's state, for incremental scans: size, times, device and inode, owner.
ALTER TABLE items ADD COLUMN size     INTEGER;
ALTER TABLE items ADD COLUMN mtime_ns INTEGER;
ALTER TABLE items ADD COLUMN ctime_ns INTEGER;
ALTER TABLE items ADD COLUMN dev      INTEGER;
ALTER TABLE items ADD COLUMN ino      INTEGER;
ALTER TABLE items ADD COLUMN owner    INTEGER;
"#,
];

/// A store that cannot be opened, upgraded or written, with what to do.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

fn err(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

/// One finding as the store keeps it: masked and fingerprinted, never the value.
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
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
    pub errors: u64,
}

/// The writer of one database.
pub struct Store {
    db: Connection,
    /// Records written since the open transaction began.
    pending: usize,
    scan: Option<i64>,
    now: i64,
    /// Items recorded in this scan, by path: an item with many findings is written once.
    items: std::collections::HashMap<String, i64>,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError(format!("cannot create the folder {}: {e}", dir.display()))
            })?;
        }
        let open = format!("cannot open the scan database {}", path.display());
        let mut db = Connection::open(path).map_err(err(&open))?;
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(err(&open))?;
        db.pragma_update(None, "foreign_keys", true)
            .map_err(err(&open))?;
        // With WAL, NORMAL keeps the file consistent on a crash and does not wait for the
        // disk at every commit (a power cut may lose the last batches, never the file).
        db.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err(&open))?;
        db.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(err(&open))?;
        migrate(&mut db).map_err(|e| StoreError(format!("{open}: {}", e.0)))?;
        Ok(Store {
            db,
            pending: 0,
            scan: None,
            now: 0,
            items: std::collections::HashMap::new(),
        })
    }

    /// Starts a scan of `target` at `now` (Unix seconds) with its settings described.
    pub fn begin_scan(
        &mut self,
        target: &str,
        settings: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        self.db
            .execute(
                "INSERT INTO scans (target, started_at, settings) VALUES (?1, ?2, ?3)",
                params![target, now, settings],
            )
            .map_err(err("cannot record the scan"))?;
        let id = self.db.last_insert_rowid();
        self.scan = Some(id);
        self.now = now;
        self.items.clear();
        self.db
            .execute_batch("BEGIN")
            .map_err(err("cannot start a transaction"))?;
        Ok(id)
    }

    /// Records a finding: its item and the finding are created, or marked seen again.
    pub fn finding(&mut self, f: &FindingRow) -> Result<(), StoreError> {
        let scan = self.scan_id()?;
        let item = self.item(f.path, scan)?;
        self.db
            .prepare_cached(
                "INSERT INTO findings (item_id, location, kind, confidence, masked, fingerprint,
                                       variant, first_seen, last_seen, last_scan)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
                 ON CONFLICT (item_id, location, kind, masked, fingerprint) DO UPDATE SET
                     confidence = excluded.confidence, last_seen = excluded.last_seen,
                     last_scan = excluded.last_scan",
            )
            .and_then(|mut s| {
                s.execute(params![
                    item,
                    f.location,
                    f.kind,
                    f.confidence,
                    f.masked,
                    f.fingerprint,
                    f.variant,
                    self.now,
                    scan
                ])
            })
            .map_err(err("cannot record a finding"))?;
        self.wrote()
    }

    /// Records an item scanned and its state (whether or not it holds findings).
    pub fn item_meta(&mut self, path: &str, m: &Meta) -> Result<(), StoreError> {
        let scan = self.scan_id()?;
        let id = self.item(path, scan)?;
        // SQLite integers are signed 64-bit: larger values (never seen in practice) wrap.
        let u = |v: u64| v as i64;
        self.db
            .prepare_cached(
                "UPDATE items SET size = ?2, mtime_ns = ?3, ctime_ns = ?4, dev = ?5, ino = ?6,
                                  owner = ?7 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    u(m.size),
                    m.mtime_ns,
                    m.ctime_ns,
                    u(m.dev),
                    u(m.ino),
                    m.owner
                ])
            })
            .map_err(err("cannot record an item"))?;
        self.wrote()
    }

    /// Records an item that could not be read, and why.
    pub fn error(
        &mut self,
        path: &str,
        location: Option<&str>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let scan = self.scan_id()?;
        self.db
            .prepare_cached(
                "INSERT INTO errors (scan_id, path, location, reason) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![scan, path, location, reason]))
            .map_err(err("cannot record an error"))?;
        self.wrote()
    }

    /// Ends the scan: its counts and end time, and the last transaction.
    pub fn end_scan(&mut self, counts: Counts, now: i64) -> Result<(), StoreError> {
        let scan = self.scan_id()?;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.db
            .execute(
                "UPDATE scans SET ended_at = ?2, files = ?3, bytes = ?4, findings = ?5, errors = ?6
                 WHERE id = ?1",
                params![
                    scan,
                    now,
                    n(counts.files),
                    n(counts.bytes),
                    n(counts.findings),
                    n(counts.errors)
                ],
            )
            .map_err(err("cannot record the end of the scan"))?;
        self.db
            .execute_batch("COMMIT")
            .map_err(err("cannot commit the scan"))?;
        self.scan = None;
        Ok(())
    }

    fn scan_id(&self) -> Result<i64, StoreError> {
        self.scan
            .ok_or_else(|| StoreError("no scan begun (a programming error)".into()))
    }

    fn item(&mut self, path: &str, scan: i64) -> Result<i64, StoreError> {
        if let Some(&id) = self.items.get(path) {
            return Ok(id);
        }
        let id = self
            .db
            .prepare_cached(
                "INSERT INTO items (path, first_seen, last_seen, last_scan) VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT (path) DO UPDATE SET last_seen = excluded.last_seen,
                     last_scan = excluded.last_scan
                 RETURNING id",
            )
            .and_then(|mut s| s.query_row(params![path, self.now, scan], |r| r.get(0)))
            .map_err(err("cannot record an item"))?;
        self.items.insert(path.to_string(), id);
        Ok(id)
    }

    /// Commits every `BATCH` records, so a crash loses at most one batch.
    fn wrote(&mut self) -> Result<(), StoreError> {
        self.pending += 1;
        if self.pending >= BATCH {
            self.pending = 0;
            self.db
                .execute_batch("COMMIT; BEGIN")
                .map_err(err("cannot commit a batch"))?;
        }
        Ok(())
    }
}

/// Applies the migrations not yet applied, each in its own transaction.
fn migrate(db: &mut Connection) -> Result<(), StoreError> {
    let applied: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(err("cannot read the schema version"))?;
    let known = MIGRATIONS.len() as i64;
    if applied > known {
        return Err(StoreError(format!(
            "its schema version {applied} is newer than this datavakt knows ({known}); \
             use a newer datavakt or another --db"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        let tx = db.transaction().map_err(err("cannot start a migration"))?;
        tx.execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", i as i64 + 1))
            .map_err(err("cannot apply a migration"))?;
        tx.commit().map_err(err("cannot commit a migration"))?;
    }
    Ok(())
}

/// Reads a database for tests and reports: the number of rows of a table.
pub fn count(path: &Path, table: &str) -> Result<i64, StoreError> {
    let db = Connection::open(path).map_err(err("cannot open the scan database"))?;
    let known = ["scans", "items", "findings", "errors"];
    if !known.contains(&table) {
        return Err(StoreError(format!("no table {table}")));
    }
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .map_err(err("cannot count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("datavakt-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join("scan.db")
    }

    fn row<'a>(path: &'a str, masked: &'a str) -> FindingRow<'a> {
        FindingRow {
            path,
            location: "line 1",
            kind: "dk-cpr",
            confidence: "high",
            masked,
            fingerprint: Some("hmac-sha256:00"),
            variant: None,
        }
    }

    #[test]
    fn a_scan_creates_the_schema_and_keeps_findings_once_with_first_and_last_seen() {
        let path = scratch("seen");
        let mut s = Store::open(&path).unwrap();
        s.begin_scan("/srv", "{}", 100).unwrap();
        s.finding(&row("/srv/a.txt", "010190-****")).unwrap();
        s.error("/srv/b.txt", None, "permission denied").unwrap();
        s.end_scan(
            Counts {
                files: 2,
                ..Counts::default()
            },
            101,
        )
        .unwrap();
        drop(s);
        let mut s = Store::open(&path).unwrap();
        s.begin_scan("/srv", "{}", 200).unwrap();
        s.finding(&row("/srv/a.txt", "010190-****")).unwrap();
        s.finding(&row("/srv/a.txt", "020285-****")).unwrap();
        s.end_scan(Counts::default(), 201).unwrap();
        assert_eq!(count(&path, "scans").unwrap(), 2);
        assert_eq!(count(&path, "items").unwrap(), 1);
        assert_eq!(count(&path, "findings").unwrap(), 2);
        assert_eq!(count(&path, "errors").unwrap(), 1);
        let mut s = Store::open(&path).unwrap();
        s.begin_scan("/srv", "{}", 300).unwrap();
        let meta = Meta {
            size: 12,
            mtime_ns: 1_700_000_000_000_000_001,
            ctime_ns: 5,
            dev: 2049,
            ino: 77,
            owner: 1000,
        };
        s.item_meta("/srv/c.txt", &meta).unwrap();
        s.end_scan(Counts::default(), 301).unwrap();
        assert_eq!(count(&path, "items").unwrap(), 2);
        let db = Connection::open(&path).unwrap();
        let (first, last): (i64, i64) = db
            .query_row(
                "SELECT first_seen, last_seen FROM findings WHERE masked = '010190-****'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((first, last), (100, 200));
        let (size, mtime, ino): (i64, i64, i64) = db
            .query_row(
                "SELECT size, mtime_ns, ino FROM items WHERE path = '/srv/c.txt'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((size, mtime, ino), (12, 1_700_000_000_000_000_001, 77));
        let version: i64 = db
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_crash_keeps_committed_batches_and_a_consistent_database() {
        let path = scratch("crash");
        let mut s = Store::open(&path).unwrap();
        s.begin_scan("/srv", "{}", 100).unwrap();
        for i in 0..BATCH + 10 {
            s.finding(&row(&format!("/srv/{i}.txt"), "010190-****"))
                .unwrap();
        }
        // Dropped without end_scan: the open transaction is rolled back.
        drop(s);
        assert_eq!(count(&path, "findings").unwrap(), BATCH as i64);
        let db = Connection::open(&path).unwrap();
        let ok: String = db
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let ended: Option<i64> = db
            .query_row("SELECT ended_at FROM scans", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ended, None);
    }

    #[test]
    fn a_newer_schema_is_refused_with_what_to_do() {
        let path = scratch("newer");
        drop(Store::open(&path).unwrap());
        let db = Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", 99).unwrap();
        drop(db);
        let e = Store::open(&path).err().unwrap().to_string();
        assert!(e.contains("newer than this datavakt knows"), "{e}");
    }
}
