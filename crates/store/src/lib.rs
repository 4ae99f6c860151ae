//! The scan database: what every scan found, kept so that later scans and reports remember.
//!
//! One SQLite file (WAL mode, so readers do not block the writer), or one PostgreSQL database
//! that many scanners share (`postgres://` URL). The schema is the same on both: it is
//! created and upgraded by numbered migrations written once ([`MIGRATIONS`], in SQLite's
//! dialect; [`postgres_schema`] translates its types for PostgreSQL), each in one transaction;
//! `PRAGMA user_version` (SQLite) or the table `schema_version` (PostgreSQL) holds the number
//! applied. Nothing here ever holds a found value in clear text: findings arrive masked and
//! fingerprinted, and the store has no column for a value.
//!
//! Writes come from one writer ([`Store`]) and are batched: a transaction is committed at the
//! first item's end past [`BATCH`] records (an item's findings go in one transaction, up to
//! [`ITEM_BATCH`]) and at the end of a scan, so a crash loses at most the last batch and
//! leaves the database consistent. On SQLite a scan holds the write lock from its start to its
//! end; another scan of the same file waits for it (and says so).

mod db;
mod marks;
pub mod query;
mod reconcile;
mod scan;
mod unread;

pub use db::{to_postgres, Cell, Db, DbError, Param, Row};
pub use scan::{
    Change, Copied, Counts, Current, End, FindingRow, Found, ItemEnd, Known, Meta, Store,
};
pub use unread::Unread;

use std::path::{Path, PathBuf};

/// The connection [`connect`] returns, for the queries of [`query`].
pub type Connection = Db;

/// Records written per transaction: committed at the first item's end past this many.
pub const BATCH: usize = 2000;

/// Findings of one item past which they are committed before the item's end.
pub const ITEM_BATCH: usize = 64 * BATCH;

/// The schema, one migration per entry; never edit an applied one, add a new one.
pub const MIGRATIONS: &[&str] = &[
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
    r#"
-- When a scan last saw an item it carried over without reading it. items.last_seen and
-- last_scan say when an item was last read (or met); the later of the two is when it was last
-- seen. Kept apart and narrow so that marking 20,000 unchanged items seen writes a few pages,
-- not every wide item row.
CREATE TABLE item_seen (
    item_id     INTEGER NOT NULL PRIMARY KEY REFERENCES items(id),
    last_seen   INTEGER NOT NULL,
    last_scan   INTEGER NOT NULL REFERENCES scans(id)
);
-- An item's reasons are not kept (they name its age, which changes every day: a daily scan
-- would rewrite every item for that); its severity and score are.
ALTER TABLE items DROP COLUMN why;
"#,
    r#"
-- The roots a scan did not cover, and why (JSON object root -> reason); NULL when it covered
-- them all. A report says a folder is not covered since its last complete scan.
ALTER TABLE scans ADD COLUMN incomplete TEXT;
-- The errors of an item's last reading are reported again by later scans while it is
-- unchanged: looked up by path and the scan that read it.
CREATE INDEX errors_path ON errors(path, scan_id);
"#,
    r#"
-- The unique index on (item_id, location, kind, masked, fingerprint) serves every lookup by
-- item; a second index on item_id alone cost one more B-tree insert per finding.
DROP INDEX findings_item;
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

impl From<DbError> for StoreError {
    fn from(e: DbError) -> StoreError {
        StoreError(format!("the scan database: {e}"))
    }
}

pub(crate) fn err(what: &str) -> impl Fn(DbError) -> StoreError + '_ {
    move |e| StoreError(format!("{what}: {e}"))
}

/// Where the scan database is: a SQLite file, or a PostgreSQL database given by a
/// `postgres://` or `postgresql://` URL (libpq style; the password may be in the URL or in
/// `$PGPASSWORD`).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// What `--db` (or `$DATAVAKT_DB`) names: a URL of PostgreSQL, else a file.
    pub fn of(given: &Path) -> Location {
        match given.to_str() {
            Some(url) if is_postgres_url(url) => Location::Postgres(url.to_string()),
            _ => Location::Sqlite(given.to_path_buf()),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

/// A file's path, or a URL with its password hidden.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&redact(url.clone(), url)),
        }
    }
}

/// True for a `postgres://` or `postgresql://` URL.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// Opens (or creates) the database and brings its schema up to date.
pub fn open(at: &Location) -> Result<Db, StoreError> {
    match at {
        Location::Sqlite(path) => connect(path),
        Location::Postgres(url) => connect_postgres(url, true),
    }
}

/// Opens a database that a scan wrote, for reading and marking: a missing one is an error
/// (reading never creates one).
pub fn open_existing(at: &Location) -> Result<Db, StoreError> {
    match at {
        Location::Sqlite(path) => {
            if !path.is_file() {
                return Err(StoreError(format!(
                    "no scan database at {}: run `datavakt scan PATH` first (or give the \
                     database with --db or $DATAVAKT_DB)",
                    path.display()
                )));
            }
            connect(path)
        }
        Location::Postgres(url) => connect_postgres(url, false),
    }
}

/// Opens (or creates) the SQLite database at `path` and brings its schema up to date.
pub fn connect(path: &Path) -> Result<Db, StoreError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Folders made for it are the owner's alone, like the database.
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| StoreError(format!("cannot create the folder {}: {e}", dir.display())))?;
    }
    let open = format!("cannot open the scan database {}", path.display());
    // The database maps where every person's data lies: a new one is created readable by its
    // owner only (SQLite gives its -wal and -shm files the database file's mode).
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => warn_if_shared(path),
        Err(e) => return Err(StoreError(format!("{open}: {e}"))),
    }
    let sqlite = |e: rusqlite::Error| StoreError(format!("{open}: {e}"));
    let db = rusqlite::Connection::open(path).map_err(sqlite)?;
    // Before anything that locks: scans started together wait for each other's first steps.
    db.busy_timeout(db::BUSY_TIMEOUT).map_err(sqlite)?;
    // Scans started together on a new database race to switch it to WAL, and SQLite answers
    // some of them busy at once, without waiting: tried again for as long as a lock is waited.
    let pragma = |name: &str, value: &dyn rusqlite::ToSql| -> rusqlite::Result<()> {
        let begun = std::time::Instant::now();
        loop {
            match db.pragma_update(None, name, value) {
                Err(e) if db::is_busy(&e) && begun.elapsed() < db::BUSY_TIMEOUT => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    };
    pragma("journal_mode", &"WAL").map_err(sqlite)?;
    pragma("foreign_keys", &true).map_err(sqlite)?;
    // With WAL, NORMAL keeps the file consistent on a crash and does not wait for the disk at
    // every commit (a power cut may lose the last batches, never the file).
    pragma("synchronous", &"NORMAL").map_err(sqlite)?;
    // A re-scan reads every item and finding under its roots: through the page cache's own
    // memory rather than a read call and a copy per page, and kept (64 MiB of pages at most)
    // for the writes that follow.
    pragma("mmap_size", &(1i64 << 30)).map_err(sqlite)?;
    pragma("cache_size", &-65_536).map_err(sqlite)?;
    // A finding's insert checks its foreign keys and may abort, so SQLite keeps a statement
    // journal for it: in memory (a few pages per statement), not a temporary file written
    // with a system call per page.
    pragma("temp_store", &"MEMORY").map_err(sqlite)?;
    // Every statement of the writer stays prepared.
    db.set_prepared_statement_cache_capacity(64);
    let db = Db::Sqlite(db);
    migrate(&db).map_err(|e| StoreError(format!("{open}: {}", e.0)))?;
    Ok(db)
}

/// Says on standard error when a database made before (or by hand) can be read by others,
/// with how to make it private. Its mode is the owner's choice (a group may share it on
/// purpose), so it is not changed behind their back.
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        let p = path.display();
        eprintln!(
            "datavakt: warning: the scan database {p} can be read by others (mode {mode:o}); \
             it maps where personal data lies. Make it private: chmod 600 {p}*"
        );
    }
}

/// Connects to the PostgreSQL database of `url` and, with `create`, brings its schema up to
/// date; without, a database that no scan wrote is an error. The password comes from the URL
/// or `$PGPASSWORD`, the user, host, port and database when the URL has none from `$PGUSER`,
/// `$PGHOST`, `$PGPORT`, `$PGDATABASE` (as libpq does). No message shows the password.
pub fn connect_postgres(url: &str, create: bool) -> Result<Db, StoreError> {
    let hide = |m: String| redact(m, url);
    let mut config: postgres::Config = url.parse().map_err(|e| {
        StoreError(hide(format!(
            "the PostgreSQL URL is not valid ({}); write it as \
             postgres://USER@HOST:PORT/DATABASE, with the password in $PGPASSWORD",
            DbError::Postgres(e)
        )))
    })?;
    let env = |v: &str| std::env::var(v).ok().filter(|s| !s.is_empty());
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        }
    }
    if config.get_user().is_none() {
        if let Some(u) = env("PGUSER") {
            config.user(&u);
        }
    }
    if config.get_hosts().is_empty() {
        config.host(&env("PGHOST").unwrap_or_else(|| "localhost".to_string()));
    }
    if config.get_ports().is_empty() {
        if let Some(p) = env("PGPORT").and_then(|p| p.parse().ok()) {
            config.port(p);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(d) = env("PGDATABASE") {
            config.dbname(&d);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    config.application_name("datavakt");
    let at = server_of(&config);
    let hide = |m: String| {
        let m = redact(m, url);
        match env("PGPASSWORD") {
            Some(p) => m.replace(&p, "***"),
            None => m,
        }
    };
    let client = config.connect(postgres::NoTls).map_err(|e| {
        StoreError(hide(format!(
            "cannot connect to PostgreSQL at {at}: {}, check that the server runs and the URL",
            DbError::Postgres(e)
        )))
    })?;
    let db = Db::Postgres(Box::new(db::Pg::new(client)));
    let name = config.get_dbname().unwrap_or("(the user's)");
    let open = format!("the scan database {name} at {at}");
    if !create {
        let exists: Option<String> = db
            .one("SELECT to_regclass('schema_version')::text", &[], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError(hide(format!("cannot read {open}: {e}"))))?;
        if exists.is_none() {
            return Err(StoreError(format!(
                "no scan database in {open}: run `datavakt scan PATH --db URL` first"
            )));
        }
    }
    migrate(&db).map_err(|e| StoreError(hide(format!("{open}: {}", e.0))))?;
    Ok(db)
}

/// `host:port` (or the socket's folder and port) of the first server the configuration names.
fn server_of(config: &postgres::Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) if h.contains(':') => format!("[{h}]:{port}"),
        Some(postgres::config::Host::Tcp(h)) => format!("{h}:{port}"),
        Some(postgres::config::Host::Unix(dir)) => format!("{} (port {port})", dir.display()),
        None => format!("localhost:{port}"),
    }
}

/// `text` with the password of `url` (as written and percent-decoded) replaced by `***`.
fn redact(text: String, url: &str) -> String {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return text;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return text;
    };
    let Some((_, password)) = userinfo.split_once(':') else {
        return text;
    };
    if password.is_empty() {
        return text;
    }
    let mut out = text.replace(password, "***");
    let decoded = percent_decode(password);
    if !decoded.is_empty() && decoded != password {
        out = out.replace(&decoded, "***");
    }
    out
}

/// `%XX` decoded, the rest kept, invalid UTF-8 replaced. Not the `percent-encoding` crate
/// (in the tree through `tokio-postgres`, which decodes the URL's password with it), because
/// the two differ: `u8::from_str_radix` takes a leading `+`, so `%+a` decodes here to the byte
/// 0x0a, where the crate leaves `%+a` as it is. Switching would change what is hidden for
/// such a password (the crate's way is the one that matches the password sent), so it is a
/// change of its own, not part of a refactor.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A migration as PostgreSQL takes it: `INTEGER PRIMARY KEY` becomes an identity column,
/// every other `INTEGER` a `BIGINT` (SQLite's integers are 64-bit), and `TEXT` compares by
/// bytes (`COLLATE "C"`), as SQLite does, so that path ranges and orderings agree.
pub fn postgres_schema(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() * 2);
    let mut rest = sql;
    while !rest.is_empty() {
        let word_len = rest
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count();
        if word_len == 0 {
            let len = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        let (word, after) = rest.split_at(word_len);
        match word {
            "INTEGER" if after.starts_with(" PRIMARY KEY") => {
                out.push_str("BIGINT GENERATED ALWAYS AS IDENTITY")
            }
            "INTEGER" => out.push_str("BIGINT"),
            "TEXT" => out.push_str("TEXT COLLATE \"C\""),
            _ => out.push_str(word),
        }
        rest = after;
    }
    out
}

/// Applies the migrations not yet applied, each in its own transaction.
fn migrate(db: &Db) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let newer = |applied: i64| {
        StoreError(format!(
            "its schema version {applied} is newer than this datavakt knows ({known}); \
             use a newer datavakt or another --db"
        ))
    };
    let version = |db: &Db| -> Result<i64, StoreError> {
        db.one("PRAGMA user_version", &[], |r| r.get(0))
            .map_err(err("cannot read the schema version"))
    };
    match db {
        Db::Sqlite(_) => {
            // Up to date (the common case): no lock taken, so a scan that writes does not
            // hold up another's start.
            let applied = version(db)?;
            if applied > known {
                return Err(newer(applied));
            }
            if applied == known {
                return Ok(());
            }
            // One migration per transaction, each under the exclusive lock and decided by
            // the version read inside it: scanners that start together on a new database
            // upgrade it once, one after the other.
            loop {
                let done = db.exclusive(|db| -> Result<bool, StoreError> {
                    let applied = version(db)?;
                    if applied > known {
                        return Err(newer(applied));
                    }
                    let Some(sql) = MIGRATIONS.get(applied as usize) else {
                        return Ok(true);
                    };
                    db.batch(sql)
                        .and_then(|()| db.batch(&format!("PRAGMA user_version = {}", applied + 1)))
                        .map_err(err("cannot apply a migration"))?;
                    Ok(false)
                })?;
                if done {
                    return Ok(());
                }
            }
        }
        Db::Postgres(_) => loop {
            // One migration per transaction, under a lock held to its end: scanners that
            // start together upgrade the schema once, one after the other.
            let done = db.transaction(|db| -> Result<bool, StoreError> {
                db.batch(
                    "SELECT pg_advisory_xact_lock(7237116613474460532);
                     CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)",
                )
                .map_err(err("cannot read the schema version"))?;
                let applied: i64 = db
                    .one(
                        "SELECT coalesce(max(version), 0) FROM schema_version",
                        &[],
                        |r| r.get(0),
                    )
                    .map_err(err("cannot read the schema version"))?;
                if applied > known {
                    return Err(newer(applied));
                }
                let Some(sql) = MIGRATIONS.get(applied as usize) else {
                    return Ok(true);
                };
                db.batch(&postgres_schema(sql))
                    .and_then(|()| db.batch("DELETE FROM schema_version"))
                    .and_then(|()| {
                        db.execute(
                            "INSERT INTO schema_version (version) VALUES (?1)",
                            &[&(applied + 1)],
                        )
                    })
                    .map_err(err("cannot apply a migration"))?;
                Ok(false)
            })?;
            if done {
                return Ok(());
            }
        },
    }
}

/// Reads a database for tests and reports: the number of rows of a table.
pub fn count(db: &Db, table: &str) -> Result<i64, StoreError> {
    let known = ["scans", "items", "findings", "errors", "finding_history"];
    if !known.contains(&table) {
        return Err(StoreError(format!("no table {table}")));
    }
    db.one(&format!("SELECT count(*) FROM {table}"), &[], |r| r.get(0))
        .map_err(err("cannot count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test run on a new empty database: its name and the test.
    pub(crate) type Scenario = (&'static str, fn(&Location));

    /// A new SQLite file for the test `name`.
    pub(crate) fn sqlite(name: &str) -> Location {
        let dir =
            std::env::temp_dir().join(format!("datavakt-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Location::Sqlite(dir.join("sub").join("scan.db"))
    }

    /// The tables and their columns (name, type, not null, default), and the indexes with
    /// their columns, as the backend reports them; types in SQLite's names.
    fn shape(at: &Location) -> Vec<String> {
        let db = open(at).unwrap();
        let mut out = Vec::new();
        let tables = ["scans", "items", "findings", "errors", "finding_history"];
        if db.is_postgres() {
            for t in tables {
                let cols: Vec<String> = db
                    .rows(
                        "SELECT column_name::text, data_type::text, is_nullable::text,
                                coalesce(column_default::text, ''),
                                coalesce(collation_name::text, ''), is_identity::text
                         FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = ?1
                         ORDER BY ordinal_position",
                        &[&t],
                        |r| {
                            let ty = match r.get::<String>(1)?.as_str() {
                                "bigint" => "INTEGER",
                                "text" => "TEXT",
                                other => return Ok(format!("unexpected type {other}")),
                            };
                            let collation: String = r.get(4)?;
                            if ty == "TEXT" && collation != "C" {
                                return Ok(format!("collation {collation}"));
                            }
                            let pk = r.get::<String>(5)? == "YES";
                            let not_null = r.get::<String>(2)? == "NO" && !pk;
                            // PostgreSQL writes a default with its type ('open'::text).
                            let default = r.get::<String>(3)?;
                            let default = default.split("::").next().unwrap_or("").to_string();
                            Ok(format!(
                                "{t}.{} {ty}{}{}{}",
                                r.get::<String>(0)?,
                                if pk { " PRIMARY KEY" } else { "" },
                                if not_null { " NOT NULL" } else { "" },
                                if default.is_empty() {
                                    String::new()
                                } else {
                                    format!(" = {default}")
                                },
                            ))
                        },
                    )
                    .unwrap();
                out.extend(cols);
            }
            out.extend(
                db.rows(
                    "SELECT i.relname::text, a.attname::text
                     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                     JOIN pg_class t ON t.oid = x.indrelid
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
                     JOIN pg_namespace n ON n.oid = t.relnamespace
                     WHERE n.nspname = current_schema() AND NOT x.indisprimary
                       AND NOT x.indisunique AND t.relname <> 'schema_version'
                     ORDER BY 1, 2",
                    &[],
                    |r| {
                        Ok(format!(
                            "index {} on {}",
                            r.get::<String>(0)?,
                            r.get::<String>(1)?
                        ))
                    },
                )
                .unwrap(),
            );
        } else {
            for t in tables {
                let cols: Vec<String> = db
                    .rows(
                        "SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk
                         FROM pragma_table_info(?1) ORDER BY cid",
                        &[&t],
                        |r| {
                            let pk = r.get::<i64>(4)? == 1;
                            let default: String = r.get(3)?;
                            Ok(format!(
                                "{t}.{} {}{}{}{}",
                                r.get::<String>(0)?,
                                r.get::<String>(1)?,
                                if pk { " PRIMARY KEY" } else { "" },
                                if r.get::<i64>(2)? == 1 {
                                    " NOT NULL"
                                } else {
                                    ""
                                },
                                if default.is_empty() {
                                    String::new()
                                } else {
                                    format!(" = {default}")
                                },
                            ))
                        },
                    )
                    .unwrap();
                out.extend(cols);
            }
            out.extend(
                db.rows(
                    "SELECT m.name, i.name FROM sqlite_master m, pragma_index_info(m.name) i
                     WHERE m.type = 'index' AND m.sql IS NOT NULL ORDER BY 1, 2",
                    &[],
                    |r| {
                        Ok(format!(
                            "index {} on {}",
                            r.get::<String>(0)?,
                            r.get::<String>(1)?
                        ))
                    },
                )
                .unwrap(),
            );
        }
        out
    }

    /// The schema on PostgreSQL is the one on SQLite: same tables, columns in the same order
    /// with the same types, constraints and defaults, same indexes.
    fn same_schema(at: &Location) {
        let sqlite = shape(&sqlite("schema"));
        assert!(sqlite.len() > 40, "{sqlite:?}");
        assert_eq!(shape(at), sqlite);
    }

    /// Every scenario of the store's tests, on a new database of a PostgreSQL server of the
    /// test's own. Skipped (and says so) when PostgreSQL is not installed.
    #[test]
    fn every_scenario_runs_on_postgres_too() {
        let Some(pg) = testkit::start_postgres() else {
            return;
        };
        let all = [("same_schema", same_schema as fn(&Location))]
            .into_iter()
            .chain(scan::tests::SCENARIOS.iter().copied())
            .chain(query::tests::SCENARIOS.iter().copied());
        for (n, (name, scenario)) in all.enumerate() {
            eprintln!("scenario {name} on PostgreSQL");
            let url = pg.create_database(&format!("t{n}"));
            scenario(&Location::Postgres(url));
        }
        // Migrations are applied once, and a newer schema is refused with what to do.
        let url = pg.url("t0");
        drop(open(&Location::Postgres(url.clone())).unwrap());
        let db = open(&Location::Postgres(url.clone())).unwrap();
        assert_eq!(
            db.one(
                "SELECT count(*), max(version) FROM schema_version",
                &[],
                |r| { Ok((r.get::<i64>(0)?, r.get::<i64>(1)?)) }
            )
            .unwrap(),
            (1, MIGRATIONS.len() as i64)
        );
        db.execute("UPDATE schema_version SET version = 99", &[])
            .unwrap();
        let e = open(&Location::Postgres(url)).err().unwrap().to_string();
        assert!(e.contains("newer than this datavakt knows"), "{e}");
    }

    /// Connections opening a new database at once: each waits for the one migrating it, and
    /// the schema is made once (no `table scans already exists`).
    #[test]
    fn connections_opening_a_new_database_together_migrate_it_once() {
        for round in 0..5 {
            let Location::Sqlite(path) = sqlite(&format!("together-{round}")) else {
                unreachable!()
            };
            let start = std::sync::Arc::new(std::sync::Barrier::new(4));
            let opened: Vec<_> = (0..4)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        connect(&path).map(drop).map_err(|e| e.to_string())
                    })
                })
                .collect();
            for o in opened {
                assert_eq!(o.join().unwrap(), Ok(()));
            }
            let db = connect(&path).unwrap();
            let version: i64 = db.one("PRAGMA user_version", &[], |r| r.get(0)).unwrap();
            assert_eq!(version, MIGRATIONS.len() as i64);
        }
    }

    /// A new database, its folder and the files SQLite makes beside it are the owner's alone.
    #[test]
    fn a_new_database_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let Location::Sqlite(path) = sqlite("private") else {
            unreachable!()
        };
        let db = connect(&path).unwrap();
        db.execute(
            "INSERT INTO scans (target, started_at, settings) VALUES ('/', 1, '')",
            &[],
        )
        .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        for side in ["-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(side);
            assert_eq!(mode(Path::new(&p)), 0o600, "{side}");
        }
    }

    #[test]
    fn a_newer_schema_is_refused_with_what_to_do() {
        let dir = std::env::temp_dir().join(format!("datavakt-store-newer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("scan.db");
        drop(connect(&path).unwrap());
        let db = rusqlite::Connection::open(&path).unwrap();
        db.pragma_update(None, "user_version", 99).unwrap();
        drop(db);
        let e = connect(&path).err().unwrap().to_string();
        assert!(e.contains("newer than this datavakt knows"), "{e}");
    }

    #[test]
    fn the_postgres_schema_is_the_sqlite_one_with_its_types() {
        assert_eq!(
            postgres_schema("id INTEGER PRIMARY KEY,\n n INTEGER NOT NULL, t TEXT, x INTEGERS"),
            "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n n BIGINT NOT NULL, \
             t TEXT COLLATE \"C\", x INTEGERS"
        );
    }

    #[test]
    fn passwords_are_hidden_and_urls_recognised() {
        let url = "postgres://scan:s%40cret@db.example:5433/dv";
        assert_eq!(
            redact(format!("bad {url} and s@cret"), url),
            "bad postgres://scan:***@db.example:5433/dv and ***"
        );
        assert_eq!(
            Location::of(Path::new(url)).to_string(),
            "postgres://scan:***@db.example:5433/dv"
        );
        assert_eq!(
            Location::of(Path::new("postgresql://h/d")),
            Location::Postgres("postgresql://h/d".into())
        );
        assert_eq!(
            Location::of(Path::new("postgres.db")),
            Location::Sqlite("postgres.db".into())
        );
        assert_eq!(redact("x".into(), "postgres://u@h/d"), "x");
    }
}
