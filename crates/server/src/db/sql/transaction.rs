//! Transactions and savepoints, and the write lock that makes the writers of several processes take turns.

use super::{Backend, Conn, DbError};
use crate::params;

/// The advisory lock every crowdbox write transaction on PostgreSQL holds (any number unlikely to be another
/// program's: "cbox" in ASCII).
const WRITE_LOCK: i64 = 0x63_62_6f_78;

impl Conn {
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
