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

pub mod query;
mod scan;

pub use scan::{
    Change, Copied, Counts, Current, End, FindingRow, Found, ItemEnd, Known, Meta, Store,
};

use std::path::Path;

/// The connection [`connect`] returns, for the queries of [`query`].
pub use rusqlite::Connection;

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
    r#"
-- Incremental scans and the findings' lifecycle.
ALTER TABLE items ADD COLUMN hash       TEXT;     -- 'blake3:<hex>' of the bytes, when read whole
ALTER TABLE items ADD COLUMN scanned_at INTEGER;  -- when its content was last read
ALTER TABLE items ADD COLUMN gone_at    INTEGER;  -- when a scan found it deleted
ALTER TABLE items ADD COLUMN exposure   TEXT;     -- who can read it (JSON), as last seen
ALTER TABLE items ADD COLUMN scanned_with TEXT;   -- digest of the detectors' settings it was read with
CREATE INDEX items_hash ON items(hash);
-- status: open | false-positive | accepted | resolved; resolution: removed | edited | remediated
ALTER TABLE findings ADD COLUMN resolution    TEXT;
ALTER TABLE findings ADD COLUMN status_reason TEXT;
ALTER TABLE findings ADD COLUMN status_by     TEXT;
ALTER TABLE findings ADD COLUMN status_at     INTEGER;
CREATE INDEX findings_item ON findings(item_id);
-- Every change of a finding's status after it was first seen (first_seen records the start).
CREATE TABLE finding_history (
    id          INTEGER PRIMARY KEY,
    finding_id  INTEGER NOT NULL REFERENCES findings(id),
    at          INTEGER NOT NULL,
    scan_id     INTEGER REFERENCES scans(id),
    status      TEXT NOT NULL,
    resolution  TEXT,
    reason      TEXT,
    by_whom     TEXT
);
CREATE INDEX finding_history_finding ON finding_history(finding_id);
ALTER TABLE scans ADD COLUMN new_findings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN resolved     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN unchanged    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN copies       INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- Severity of an item as its last scan assessed it, with the reasons (JSON array).
ALTER TABLE items ADD COLUMN severity TEXT;
ALTER TABLE items ADD COLUMN score    INTEGER;
ALTER TABLE items ADD COLUMN why      TEXT;
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

pub(crate) fn err(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

/// Opens (or creates) the database at `path` and brings its schema up to date.
pub fn connect(path: &Path) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError(format!("cannot create the folder {}: {e}", dir.display())))?;
    }
    let open = format!("cannot open the scan database {}", path.display());
    let mut db = Connection::open(path).map_err(err(&open))?;
    db.pragma_update(None, "journal_mode", "WAL")
        .map_err(err(&open))?;
    db.pragma_update(None, "foreign_keys", true)
        .map_err(err(&open))?;
    // With WAL, NORMAL keeps the file consistent on a crash and does not wait for the disk at
    // every commit (a power cut may lose the last batches, never the file).
    db.pragma_update(None, "synchronous", "NORMAL")
        .map_err(err(&open))?;
    db.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(err(&open))?;
    migrate(&mut db).map_err(|e| StoreError(format!("{open}: {}", e.0)))?;
    Ok(db)
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
    let known = ["scans", "items", "findings", "errors", "finding_history"];
    if !known.contains(&table) {
        return Err(StoreError(format!("no table {table}")));
    }
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .map_err(err("cannot count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_schema_is_refused_with_what_to_do() {
        let dir = std::env::temp_dir().join(format!("datavakt-store-newer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("scan.db");
        drop(connect(&path).unwrap());
        let db = Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", 99).unwrap();
        drop(db);
        let e = connect(&path).err().unwrap().to_string();
        assert!(e.contains("newer than this datavakt knows"), "{e}");
    }
}
