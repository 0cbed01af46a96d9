//! The one way the storage layer talks to a database: a [`Conn`] runs SQL on SQLite (rusqlite, in process) or on
//! PostgreSQL (the `postgres` client), with the same statements, parameters ([`Param`]) and rows ([`Row`]).
//!
//! Statements are written once, in the SQL both backends understand, with numbered parameters `?1, ?2, …`
//! (PostgreSQL gets them as `$1, $2, …`). The schemas keep the same column types on both (integers are `BIGINT`
//! on PostgreSQL and flags are 0/1 integers on both), so a statement reads the same values from either; where
//! the SQL must differ, the statement asks [`Conn::backend`].
//!
//! Calls block. From the async runtime's worker threads they run in `block_in_place`, so a long read never stalls
//! other requests; on the writer's and the bulk readers' own threads they run directly.

mod blocking;
mod location;
mod param;
mod row;
mod transaction;

use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

pub(crate) use blocking::{off_runtime, off_runtime_send};
pub use location::Location;
pub use param::Param;
pub use row::{Cell, Column, Row};

/// Which database a [`Conn`] speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What a failed statement returns.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A value that does not fit the type it is read as.
    #[error("column {column}: {problem}")]
    Decode { column: usize, problem: String },
    #[error("the statement returned no row: {0}")]
    NoRow(String),
}

/// PostgreSQL's own message (with its detail) rather than the client's generic "db error".
fn postgres_message(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => error.to_string(),
    }
}

/// A connection to the database.
pub struct Conn {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PostgresConn>),
}

struct PostgresConn {
    /// Always there but while dropping (see the `Drop` below).
    client: Option<postgres::Client>,
    /// Prepared statements by their text as written (with `?N`).
    statements: HashMap<String, postgres::Statement>,
}

/// How many prepared statements a SQLite connection keeps.
const SQLITE_STATEMENT_CACHE: usize = 128;

/// How long a statement waits for SQLite's write lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl Conn {
    /// A new connection to an existing database (see [`super::Store::open`] to create and migrate one). SQLite
    /// connections wait for the write lock up to a few seconds, keep foreign keys, and commit with
    /// `synchronous=NORMAL` (see RELIABILITY.md).
    pub fn open(location: &Location) -> Result<Self, DbError> {
        match location {
            Location::Sqlite(path) => {
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                        | rusqlite::OpenFlags::SQLITE_OPEN_CREATE
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn.pragma_update(None, "foreign_keys", true)?;
                Ok(Self::from_sqlite(conn))
            }
            Location::Postgres(url) => Self::connect_postgres(url),
        }
    }

    pub(super) fn from_sqlite(conn: rusqlite::Connection) -> Self {
        conn.set_prepared_statement_cache_capacity(SQLITE_STATEMENT_CACHE);
        Self {
            inner: Inner::Sqlite(conn),
        }
    }

    pub(super) fn connect_postgres(url: &str) -> Result<Self, DbError> {
        let client = off_runtime_send(|| postgres::Client::connect(url, postgres::NoTls))?;
        Ok(Self {
            inner: Inner::Postgres(Box::new(PostgresConn {
                client: Some(client),
                statements: HashMap::new(),
            })),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, checkpoints).
    pub(super) fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(conn) => Some(conn),
            Inner::Postgres(_) => None,
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => off_runtime(|| {
                let changed = conn
                    .prepare_cached(sql)?
                    .execute(params_from_iter(params))?;
                Ok(changed as u64)
            }),
            Inner::Postgres(pg) => off_runtime_send(|| {
                let statement = pg.prepare(sql)?;
                Ok(pg.client().execute(&statement, &pg_params(params))?)
            }),
        }
    }

    /// Calls `each` with every row of the statement's result, in order.
    pub fn for_each(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut each: impl FnMut(&Row<'_>) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => off_runtime(|| {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(params_from_iter(params))?;
                while let Some(row) = rows.next()? {
                    each(&Row::Sqlite(row))?;
                }
                Ok(())
            }),
            Inner::Postgres(pg) => {
                // The client cannot run on the async threads: the rows come back whole, then `each` sees them.
                let rows = off_runtime_send(|| -> Result<Vec<postgres::Row>, DbError> {
                    let statement = pg.prepare(sql)?;
                    let params = pg_params(params);
                    let mut found = Vec::new();
                    let mut iter = pg.client().query_raw(&statement, params)?;
                    while let Some(row) = iter.next()? {
                        found.push(row);
                    }
                    Ok(found)
                })?;
                rows.iter().try_for_each(|row| each(&Row::Postgres(row)))
            }
        }
    }

    /// Every row of the result, each made by `make`.
    pub fn rows<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut make: impl FnMut(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        let mut found = Vec::new();
        self.for_each(sql, params, |row| {
            found.push(make(row)?);
            Ok(())
        })?;
        Ok(found)
    }

    /// The first row of the result, if there is one.
    pub fn row<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        make: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<Option<T>, DbError> {
        let mut make = Some(make);
        let mut found = None;
        self.for_each(sql, params, |row| {
            if let Some(make) = make.take() {
                found = Some(make(row)?);
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// The first row of a result that always has one (an aggregate).
    pub fn one<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        make: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.row(sql, params, make)?
            .ok_or_else(|| DbError::NoRow(first_line(sql)))
    }

    /// The first column of every row.
    pub fn column<T: Column>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<T>, DbError> {
        self.rows(sql, params, |row| row.get(0))
    }

    /// The first column of the first row, which the statement always has.
    pub fn value<T: Column>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<T, DbError> {
        self.one(sql, params, |row| row.get(0))
    }

    /// Whether the statement returns a row.
    pub fn exists(&mut self, sql: &str, params: &[Param<'_>]) -> Result<bool, DbError> {
        Ok(self.row(sql, params, |_| Ok(()))?.is_some())
    }

    /// Runs statements without parameters, separated by semicolons (a migration, `BEGIN`).
    pub fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => off_runtime(|| Ok(conn.execute_batch(sql)?)),
            Inner::Postgres(pg) => off_runtime_send(|| Ok(pg.client().batch_execute(sql)?)),
        }
    }

    /// Inserts `rows` with multi-row INSERTs: `into` is `table (column, …)`, each row has that many values.
    pub fn insert_rows<'p>(
        &mut self,
        into: &str,
        rows: impl IntoIterator<Item = Vec<Param<'p>>>,
    ) -> Result<(), DbError> {
        self.insert_rows_then(into, rows, "")
    }

    /// [`Conn::insert_rows`] with a clause after the values (`ON CONFLICT …`).
    pub fn insert_rows_then<'p>(
        &mut self,
        into: &str,
        rows: impl IntoIterator<Item = Vec<Param<'p>>>,
        then: &str,
    ) -> Result<(), DbError> {
        let mut rows = rows.into_iter().peekable();
        let Some(width) = rows.peek().map(Vec::len) else {
            return Ok(());
        };
        // Well under SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
        let per_statement = (20_000 / width.max(1)).clamp(1, 500);
        let mut chunk: Vec<Param<'p>> = Vec::with_capacity(per_statement * width);
        loop {
            chunk.clear();
            let mut count = 0;
            for row in rows.by_ref().take(per_statement) {
                debug_assert_eq!(row.len(), width, "rows of one insert have the same width");
                chunk.extend(row);
                count += 1;
            }
            if count == 0 {
                return Ok(());
            }
            let mut sql = format!("INSERT INTO {into} VALUES ");
            for row in 0..count {
                sql.push_str(if row == 0 { "(" } else { ", (" });
                for column in 0..width {
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("?{}", row * width + column + 1));
                }
                sql.push(')');
            }
            sql.push_str(then);
            self.execute(&sql, &chunk)?;
        }
    }
}

/// Closing the client blocks on its runtime like every call, so it too must happen off the async threads.
impl Drop for PostgresConn {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            off_runtime_send(move || drop(client));
        }
    }
}

impl PostgresConn {
    fn client(&mut self) -> &mut postgres::Client {
        self.client
            .as_mut()
            .expect("the client until the connection is dropped")
    }

    fn prepare(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client().prepare(&dollar_parameters(sql))?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

fn params_from_iter<'p>(params: &'p [Param<'p>]) -> rusqlite::ParamsFromIter<&'p [Param<'p>]> {
    rusqlite::params_from_iter(params)
}

fn pg_params<'p>(params: &'p [Param<'p>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|param| param as &(dyn ToSql + Sync))
        .collect()
}

/// `?1` → `$1`, outside quoted text.
fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

/// `?1, ?2, …, ?n`: the parameters of an `IN (…)` list.
pub(crate) fn numbered(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_line(sql: &str) -> String {
    sql.trim().lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests;
