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

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};

/// Which database a [`Conn`] speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the database is: a SQLite file, or a PostgreSQL connection URL (`postgres://user@host/db`).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a PostgreSQL database; anything else is a SQLite file's path (a
    /// `sqlite://` prefix is allowed).
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Self::Postgres(text.to_owned())
        } else {
            Self::Sqlite(PathBuf::from(
                text.strip_prefix("sqlite://").unwrap_or(text),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// As `--database` takes it (with a URL's password).
    pub fn to_arg(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => url.clone(),
        }
    }

    /// The SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(path) => Some(path),
            Self::Postgres(_) => None,
        }
    }
}

/// Shown in messages and logs: a PostgreSQL URL without its password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
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

/// A statement's parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Param<'a> {
    Int(i64),
    Real(f64),
    Text(&'a str),
    Null,
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<u32> for Param<'_> {
    fn from(value: u32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u64> for Param<'_> {
    fn from(value: u64) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Param<'_> {
    fn from(value: usize) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// Flags are 0/1 integers on both backends.
impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<f64> for Param<'_> {
    fn from(value: f64) -> Self {
        Self::Real(value)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(value)
    }
}

impl<'a, T: Into<Param<'a>> + Copy> From<&'a T> for Param<'a>
where
    T: NotText,
{
    fn from(value: &'a T) -> Self {
        (*value).into()
    }
}

/// Values a reference of which is a parameter through the value (text borrows instead).
pub trait NotText {}
impl NotText for i64 {}
impl NotText for u32 {}
impl NotText for u64 {}
impl NotText for f64 {}
impl NotText for bool {}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(value: &'a Option<String>) -> Self {
        value.as_deref().map_or(Self::Null, Self::Text)
    }
}

/// The parameters of a statement: `params![job_id, worker_id, now_ms]`.
#[macro_export]
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::sql::Param::from($value)),*][..]
    };
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Self::Int(value) => ValueRef::Integer(value),
            Self::Real(value) => ValueRef::Real(value),
            Self::Text(text) => ValueRef::Text(text.as_bytes()),
            Self::Null => ValueRef::Null,
        }))
    }
}

/// PostgreSQL infers each parameter's type from the statement (`?6 = 0` makes it an `integer`): an integer goes
/// in whichever integer width was inferred, checked.
impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Self::Null => Ok(IsNull::Yes),
            Self::Int(value) => match *ty {
                Type::INT2 => i16::try_from(value)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(value)?.to_sql(ty, out),
                Type::BOOL => (value != 0).to_sql(ty, out),
                Type::FLOAT8 => (value as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => value.to_string().to_sql(ty, out),
                _ => value.to_sql(ty, out),
            },
            Self::Real(value) => match *ty {
                Type::FLOAT4 => (value as f32).to_sql(ty, out),
                _ => value.to_sql(ty, out),
            },
            Self::Text(text) => text.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// One value of a row, as both backends have it.
#[derive(Debug)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

/// A type a column is read as.
pub trait Column: Sized {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String>;
}

impl Column for i64 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(value) => Ok(value),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}

impl Column for u32 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        let value = i64::from_cell(cell)?;
        u32::try_from(value).map_err(|_| format!("{value} does not fit a u32"))
    }
}

impl Column for bool {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        i64::from_cell(cell).map(|value| value != 0)
    }
}

impl Column for f64 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Real(value) => Ok(value),
            // SQLite keeps a REAL that is a whole number as written; sums of no rows are integers.
            Cell::Int(value) => Ok(value as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl Column for String {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Text(text) => Ok(text.into_owned()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl<T: Column> Column for Option<T> {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A row of a result.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `index` (from 0) as a `T`.
    pub fn get<T: Column>(&self, index: usize) -> Result<T, DbError> {
        let cell = self.cell(index).map_err(|problem| DbError::Decode {
            column: index,
            problem,
        })?;
        T::from_cell(cell).map_err(|problem| DbError::Decode {
            column: index,
            problem,
        })
    }

    fn cell(&self, index: usize) -> Result<Cell<'_>, String> {
        match self {
            Self::Sqlite(row) => {
                use rusqlite::types::ValueRef;
                Ok(
                    match row.get_ref(index).map_err(|error| error.to_string())? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(value) => Cell::Int(value),
                        ValueRef::Real(value) => Cell::Real(value),
                        ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text)),
                        ValueRef::Blob(_) => return Err("a blob".to_owned()),
                    },
                )
            }
            Self::Postgres(row) => postgres_cell(row, index),
        }
    }
}

fn postgres_cell(row: &postgres::Row, index: usize) -> Result<Cell<'_>, String> {
    let ty = row
        .columns()
        .get(index)
        .ok_or_else(|| format!("the row has no column {index}"))?
        .type_()
        .clone();
    let problem = |error: postgres::Error| error.to_string();
    let cell = match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(index)
            .map_err(problem)?
            .map(Cell::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)
            .map_err(problem)?
            .map(|value| Cell::Int(value.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(index)
            .map_err(problem)?
            .map(Cell::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)
            .map_err(problem)?
            .map(|value| Cell::Real(value.into())),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => row
            .try_get::<_, Option<&str>>(index)
            .map_err(problem)?
            .map(|text| Cell::Text(Cow::Borrowed(text))),
        other => {
            return Err(format!(
                "PostgreSQL type {other} is not read by crowdbox (cast it in the statement)"
            ))
        }
    };
    Ok(cell.unwrap_or(Cell::Null))
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

    /// Starts a transaction that holds the database's write lock until it ends: SQLite's `IMMEDIATE` (a
    /// deferred one that reads first could fail on its first write when another writer came in between), on
    /// PostgreSQL a transaction-level advisory lock that every crowdbox writer takes, so the processes on one
    /// database write one at a time like SQLite's writers do, and each sees what the previous one committed.
    pub fn begin_write(&mut self) -> Result<(), DbError> {
        match self.backend() {
            Backend::Sqlite => self.batch("BEGIN IMMEDIATE"),
            Backend::Postgres => {
                self.batch("BEGIN")?;
                self.execute("SELECT pg_advisory_xact_lock(?1)", params![WRITE_LOCK])
                    .map(drop)
            }
        }
    }

    /// Starts a transaction that only reads and sees one snapshot of the database.
    pub fn begin_read(&mut self) -> Result<(), DbError> {
        match self.backend() {
            Backend::Sqlite => self.batch("BEGIN"),
            Backend::Postgres => self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
        }
    }

    pub fn commit(&mut self) -> Result<(), DbError> {
        self.batch("COMMIT")
    }

    pub fn rollback(&mut self) -> Result<(), DbError> {
        self.batch("ROLLBACK")
    }

    /// Opens the savepoint `name` inside the running transaction.
    pub fn savepoint(&mut self, name: &str) -> Result<(), DbError> {
        self.batch(&format!("SAVEPOINT {name}"))
    }

    /// Keeps what happened since the savepoint.
    pub fn release(&mut self, name: &str) -> Result<(), DbError> {
        self.batch(&format!("RELEASE SAVEPOINT {name}"))
    }

    /// Undoes what happened since the savepoint (also after a failed statement, which on PostgreSQL leaves
    /// the transaction refusing everything until then).
    pub fn rollback_to(&mut self, name: &str) -> Result<(), DbError> {
        self.batch(&format!(
            "ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"
        ))
    }

    /// After rows were inserted with ids chosen by crowdbox (imports number their rows), PostgreSQL's identity
    /// sequence of `table` must continue after them; SQLite always takes the largest id plus one.
    pub fn ids_chosen(&mut self, table: &'static str) -> Result<(), DbError> {
        if self.backend() == Backend::Postgres {
            self.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST((SELECT MAX(id) FROM {table}), 1))"
                ),
                &[],
            )?;
        }
        Ok(())
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

/// The advisory lock every crowdbox write transaction on PostgreSQL holds (any number unlikely to be another
/// program's: "cbox" in ASCII).
const WRITE_LOCK: i64 = 0x63_62_6f_78;

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

/// Runs a blocking SQLite call: in `block_in_place` on the multi-threaded runtime's threads (so that other
/// requests go on meanwhile), directly elsewhere.
pub(crate) fn off_runtime<T>(call: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(call),
        _ => call(),
    }
}

/// Runs a call of the PostgreSQL client, which blocks on a runtime of its own and so cannot run on a runtime's
/// thread: in `block_in_place` on the multi-threaded runtime, on a thread of its own from a single-threaded one
/// (tests), directly elsewhere.
pub(crate) fn off_runtime_send<T: Send>(call: impl FnOnce() -> T + Send) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(call),
        Ok(_) => std::thread::scope(|scope| {
            scope
                .spawn(call)
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }),
        Err(_) => call(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollar_parameters_outside_quoted_text() {
        assert_eq!(
            dollar_parameters("SELECT '?1', x FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1', x FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn a_postgres_url_is_told_from_a_sqlite_path_and_shown_without_its_password() {
        assert_eq!(
            Location::parse("postgres://crowd:secret@db.example/campaign").to_string(),
            "postgres://crowd:***@db.example/campaign"
        );
        assert_eq!(
            Location::parse("postgresql://crowd@db/campaign").backend(),
            Backend::Postgres
        );
        assert_eq!(
            Location::parse("data/crowdbox.sqlite3"),
            Location::Sqlite(PathBuf::from("data/crowdbox.sqlite3"))
        );
        assert_eq!(
            Location::parse("sqlite://data/x.sqlite3"),
            Location::Sqlite(PathBuf::from("data/x.sqlite3"))
        );
    }

    #[test]
    fn rows_read_the_same_types_from_sqlite_as_the_statements_wrote() {
        let mut conn = Conn::from_sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.batch("CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER, x REAL, name TEXT)")
            .unwrap();
        conn.insert_rows(
            "t (id, flag, x, name)",
            (1..=3_i64).map(|id| {
                vec![
                    Param::from(id),
                    Param::from(id == 2),
                    Param::from(id as f64 / 3.0),
                    Param::from(if id == 3 { None } else { Some("a") }),
                ]
            }),
        )
        .unwrap();
        let rows: Vec<(i64, bool, f64, Option<String>)> = conn
            .rows("SELECT id, flag, x, name FROM t ORDER BY id", &[], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap();
        assert_eq!(rows[1], (2, true, 2.0 / 3.0, Some("a".to_owned())));
        assert_eq!(rows[2].3, None);
        let error = conn
            .value::<i64>("SELECT name FROM t WHERE id = ?1", params![1_i64])
            .unwrap_err();
        assert!(error.to_string().contains("expected an integer"), "{error}");
    }
}
