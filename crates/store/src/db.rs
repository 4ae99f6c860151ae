//! One connection to the scan database, SQLite or PostgreSQL, behind the few operations the
//! writer and the read side need: run a statement, read rows into typed values, run a batch.
//!
//! The SQL is written once, in SQLite's dialect with `?N` or `?` placeholders. On SQLite it
//! is used as it is (prepared and cached by rusqlite, so the SQLite path does no more work
//! than before). On PostgreSQL each distinct statement is translated once ([`to_postgres`]:
//! placeholders to `$N`, the two-argument scalar `max`/`min` to `GREATEST`/`LEAST`) and kept
//! prepared.

use std::cell::RefCell;
use std::collections::HashMap;

/// A value bound to a statement on either backend.
pub trait Param: rusqlite::ToSql + postgres::types::ToSql + Sync {}

impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {}

/// What went wrong in the database.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// The store was used out of order (a programming error).
    Misuse(&'static str),
    /// A value read back that no datavakt writes.
    Corrupt(String),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "{e}"),
            DbError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.severity(), db.message()),
                None => match std::error::Error::source(e) {
                    Some(cause) => write!(f, "{e}: {cause}"),
                    None => write!(f, "{e}"),
                },
            },
            DbError::Misuse(what) => f.write_str(what),
            DbError::Corrupt(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> DbError {
        DbError::Sqlite(e)
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> DbError {
        DbError::Postgres(e)
    }
}

/// A connection to the scan database.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<Pg>),
}

/// A PostgreSQL connection with its prepared statements, by their SQLite text.
pub struct Pg {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
}

impl Pg {
    pub(crate) fn new(client: postgres::Client) -> Pg {
        Pg {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
        }
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.borrow_mut().prepare(&to_postgres(sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// One row of a result, on either backend.
pub enum Row<'a, 'b> {
    Sqlite(&'a rusqlite::Row<'b>),
    Postgres(&'a postgres::Row),
}

impl Row<'_, '_> {
    /// The value of column `i` (from 0).
    pub fn get<T: Cell>(&self, i: usize) -> Result<T, DbError> {
        match self {
            Row::Sqlite(r) => Ok(T::sqlite(r, i)?),
            Row::Postgres(r) => Ok(T::postgres(r, i)?),
        }
    }

    /// Calls `f` with the text of column `i` (`None` for NULL), borrowed from the row.
    pub fn with_text<T>(&self, i: usize, f: impl FnOnce(Option<&str>) -> T) -> Result<T, DbError> {
        match self {
            Row::Sqlite(r) => Ok(f(sqlite_text(r, i)?)),
            Row::Postgres(r) => Ok(f(r.try_get::<_, Option<&str>>(i)?)),
        }
    }
}

/// The text of SQLite column `i` (`None` for NULL), borrowed from the row.
fn sqlite_text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<Option<&'r str>> {
    let v = r.get_ref(i)?;
    v.as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), e.into()))
}

/// A type a column is read into.
pub trait Cell: Sized {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Self>;
    fn postgres(r: &postgres::Row, i: usize) -> Result<Self, postgres::Error>;
}

/// Any PostgreSQL integer (counts are `bigint`, literals `integer`), as `i64`.
struct Int(i64);

impl<'a> postgres::types::FromSql<'a> for Int {
    fn from_sql(
        ty: &postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Int, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        Ok(Int(match *ty {
            Type::INT2 => i64::from(i16::from_sql(ty, raw)?),
            Type::INT4 => i64::from(i32::from_sql(ty, raw)?),
            _ => i64::from_sql(ty, raw)?,
        }))
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        use postgres::types::Type;
        matches!(*ty, Type::INT2 | Type::INT4 | Type::INT8)
    }
}

impl Cell for i64 {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
        r.get(i)
    }
    fn postgres(r: &postgres::Row, i: usize) -> Result<i64, postgres::Error> {
        r.try_get::<_, Int>(i).map(|v| v.0)
    }
}

impl Cell for Option<i64> {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<i64>> {
        r.get(i)
    }
    fn postgres(r: &postgres::Row, i: usize) -> Result<Option<i64>, postgres::Error> {
        r.try_get::<_, Option<Int>>(i).map(|v| v.map(|v| v.0))
    }
}

impl Cell for String {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
        r.get(i)
    }
    fn postgres(r: &postgres::Row, i: usize) -> Result<String, postgres::Error> {
        r.try_get(i)
    }
}

impl Cell for Option<String> {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<String>> {
        r.get(i)
    }
    fn postgres(r: &postgres::Row, i: usize) -> Result<Option<String>, postgres::Error> {
        r.try_get(i)
    }
}

/// Text read straight into the shared form the writer keeps (one allocation, no `String` on
/// the way).
impl Cell for std::sync::Arc<str> {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<std::sync::Arc<str>> {
        sqlite_text(r, i)?
            .map(Into::into)
            .ok_or(rusqlite::Error::InvalidColumnType(
                i,
                String::new(),
                rusqlite::types::Type::Null,
            ))
    }
    fn postgres(r: &postgres::Row, i: usize) -> Result<std::sync::Arc<str>, postgres::Error> {
        r.try_get::<_, &str>(i).map(Into::into)
    }
}

impl Cell for Option<std::sync::Arc<str>> {
    fn sqlite(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<std::sync::Arc<str>>> {
        Ok(sqlite_text(r, i)?.map(Into::into))
    }
    fn postgres(
        r: &postgres::Row,
        i: usize,
    ) -> Result<Option<std::sync::Arc<str>>, postgres::Error> {
        r.try_get::<_, Option<&str>>(i).map(|t| t.map(Into::into))
    }
}

fn sqlite_params<'p>(
    params: &'p [&'p dyn Param],
) -> rusqlite::ParamsFromIter<impl Iterator<Item = &'p dyn rusqlite::ToSql>> {
    rusqlite::params_from_iter(params.iter().map(|p| *p as &dyn rusqlite::ToSql))
}

fn postgres_params<'p>(
    params: &'p [&'p dyn Param],
) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| *p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// How long a SQLite statement waits for a lock another connection holds.
pub(crate) const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// True when SQLite could not take a lock another connection holds.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy)
}

impl Db {
    /// True on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Runs statements without parameters (`BEGIN`, `COMMIT; BEGIN`, a migration).
    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        match self {
            Db::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Db::Postgres(pg) => Ok(pg.client.borrow_mut().batch_execute(sql)?),
        }
    }

    /// Runs one statement (prepared once per connection); returns the rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, DbError> {
        match self {
            Db::Sqlite(c) => Ok(c.prepare_cached(sql)?.execute(sqlite_params(params))? as u64),
            Db::Postgres(pg) => {
                let st = pg.statement(sql)?;
                Ok(pg
                    .client
                    .borrow_mut()
                    .execute(&st, &postgres_params(params))?)
            }
        }
    }

    /// Calls `each` with every row of the query, in order, until it returns false.
    pub fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        each: &mut dyn FnMut(&Row) -> Result<bool, DbError>,
    ) -> Result<(), DbError> {
        match self {
            Db::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(sqlite_params(params))?;
                while let Some(r) = rows.next()? {
                    if !each(&Row::Sqlite(r))? {
                        break;
                    }
                }
                Ok(())
            }
            Db::Postgres(pg) => {
                use postgres::fallible_iterator::FallibleIterator;
                let st = pg.statement(sql)?;
                let mut client = pg.client.borrow_mut();
                let mut rows = client.query_raw(&st, postgres_params(params))?;
                while let Some(r) = rows.next()? {
                    if !each(&Row::Postgres(&r))? {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    /// The rows of the query, each read by `read`.
    pub fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl Fn(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        let mut out = Vec::new();
        self.each(sql, params, &mut |r| {
            out.push(read(r)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The first row of the query read by `read`, if there is one.
    pub fn optional<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnOnce(&Row) -> Result<T, DbError>,
    ) -> Result<Option<T>, DbError> {
        let mut read = Some(read);
        let mut out = None;
        self.each(sql, params, &mut |r| {
            if let Some(f) = read.take() {
                out = Some(f(r)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// The first row of the query read by `read`; an error when there is none.
    pub fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnOnce(&Row) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.optional(sql, params, read)?
            .ok_or(DbError::Misuse("the query returned no row"))
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock now (`BEGIN
    /// IMMEDIATE`): a deferred `BEGIN` that reads first and writes later cannot wait for the
    /// lock once another connection committed after its read, and fails at once with
    /// `database is locked`. When another connection holds the lock (a scan writes), it says
    /// so on standard error and waits as long as that one holds it (the operating system
    /// releases the lock of a process that dies).
    pub fn begin_write(&self) -> Result<(), DbError> {
        self.begin("BEGIN IMMEDIATE")
    }

    /// Begins a transaction on SQLite with `sql` (`BEGIN IMMEDIATE` or `BEGIN EXCLUSIVE`),
    /// waiting for the lock as [`Db::begin_write`] does; `BEGIN` on PostgreSQL.
    fn begin(&self, sql: &str) -> Result<(), DbError> {
        let Db::Sqlite(c) = self else {
            return self.batch("BEGIN");
        };
        // Tried once without waiting, so that a wait is announced when it starts.
        c.busy_timeout(std::time::Duration::ZERO)?;
        let first = c.execute_batch(sql);
        c.busy_timeout(BUSY_TIMEOUT)?;
        match first {
            Err(e) if is_busy(&e) => {}
            other => return Ok(other?),
        }
        eprintln!("datavakt: waiting for another scan to finish writing to the scan database...");
        loop {
            match c.execute_batch(sql) {
                // Busy after the timeout's wait; a pause in case SQLite said so without one.
                Err(e) if is_busy(&e) => std::thread::sleep(std::time::Duration::from_millis(50)),
                other => return Ok(other?),
            }
        }
    }

    /// Commits the open transaction and begins the next, which will write (see
    /// [`Db::begin_write`]).
    pub fn commit_and_begin(&self) -> Result<(), DbError> {
        self.batch("COMMIT")?;
        self.begin_write()
    }

    /// Runs `work` in one transaction that may write: committed when it succeeds, rolled back
    /// otherwise.
    pub fn transaction<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        self.begin_write()?;
        self.run(work)
    }

    /// Runs `work` in one transaction that no other connection may read or write meanwhile
    /// (`BEGIN EXCLUSIVE` on SQLite: a migration).
    pub fn exclusive<T, E: From<DbError>>(
        &self,
        work: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        self.begin("BEGIN EXCLUSIVE")?;
        self.run(work)
    }

    /// Runs `work` in the transaction just begun: committed when it succeeds, rolled back
    /// otherwise.
    fn run<T, E: From<DbError>>(&self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        match work(self) {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// A statement in SQLite's dialect, as PostgreSQL takes it: `?N` becomes `$N`, each bare `?`
/// the next number, and the two-argument scalar `max(a, b)` / `min(a, b)` become `GREATEST` /
/// `LEAST` (one argument: the aggregate, left alone). String literals are left alone.
pub fn to_postgres(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0u32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // Copy the literal through its closing quote ('' is an escaped quote).
            let start = i;
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            out.push_str(&sql[start..i]);
            continue;
        }
        if c == b'?' {
            let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
            if digits > 0 {
                let n = &sql[i + 1..i + 1 + digits];
                next = next.max(n.parse().unwrap_or(0));
                out.push('$');
                out.push_str(n);
            } else {
                next += 1;
                out.push('$');
                out.push_str(&next.to_string());
            }
            i += 1 + digits;
            continue;
        }
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if word_start {
            if let Some(scalar) = scalar_at(&b[i..]) {
                out.push_str(scalar);
                i += 4;
                continue;
            }
        }
        let len = utf8_len(c);
        out.push_str(&sql[i..i + len]);
        i += len;
    }
    out
}

/// `GREATEST(` or `LEAST(` when `at` starts a two-argument `max(` or `min(`.
fn scalar_at(at: &[u8]) -> Option<&'static str> {
    let name = at.get(..4)?;
    let scalar = if name.eq_ignore_ascii_case(b"max(") {
        "GREATEST("
    } else if name.eq_ignore_ascii_case(b"min(") {
        "LEAST("
    } else {
        return None;
    };
    top_level_comma(&at[4..]).then_some(scalar)
}

/// True when the parenthesised list that `rest` continues has a comma at its own level.
fn top_level_comma(rest: &[u8]) -> bool {
    let mut depth = 0usize;
    for &c in rest {
        match c {
            b'(' => depth += 1,
            b')' if depth == 0 => return false,
            b')' => depth -= 1,
            b',' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::to_postgres;

    #[test]
    fn statements_are_translated_to_postgres_once_and_exactly() {
        assert_eq!(
            to_postgres("UPDATE t SET a = ?2, b = ?1 WHERE c = ?2"),
            "UPDATE t SET a = $2, b = $1 WHERE c = $2"
        );
        assert_eq!(
            to_postgres("SELECT ? , x IN (?, ?) AND y = '?' AND z = 'it''s ?'"),
            "SELECT $1 , x IN ($2, $3) AND y = '?' AND z = 'it''s ?'"
        );
        assert_eq!(
            to_postgres("SELECT max(a, b), max(c), min(f(d, e)), min(g, h(i)), xmax(j, k)"),
            "SELECT GREATEST(a, b), max(c), min(f(d, e)), LEAST(g, h(i)), xmax(j, k)"
        );
        assert_eq!(to_postgres("SELECT 'ø', ?1 -- å"), "SELECT 'ø', $1 -- å");
    }
}
