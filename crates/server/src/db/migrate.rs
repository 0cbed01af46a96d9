//! Migrations: the files of `crates/server/migrations/sqlite/` and `…/postgres/`, applied in version order, each
//! in its own transaction, and recorded in `_sqlx_migrations` — the table (and checksums) of the sqlx migrator
//! earlier versions of crowdbox used, so a database made by any of them opens and upgrades in place.

use anyhow::Context;
use sha2::{Digest, Sha384};

use super::sql::{Backend, Conn};
use crate::params;

/// One migration file.
pub(super) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

mod files {
    use super::Migration;
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The advisory lock PostgreSQL processes that start together take while one of them migrates.
const MIGRATION_LOCK: i64 = 0x63_62_6d_67;

/// Applies the migrations the database does not have yet. Refuses a database that a newer crowdbox migrated
/// further (it would not know what the unknown migrations changed).
pub(super) fn run(conn: &mut Conn) -> anyhow::Result<()> {
    let (migrations, table) = match conn.backend() {
        Backend::Sqlite => (
            files::SQLITE,
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                 version BIGINT PRIMARY KEY,
                 description TEXT NOT NULL,
                 installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                 success BOOLEAN NOT NULL,
                 checksum BLOB NOT NULL,
                 execution_time BIGINT NOT NULL)",
        ),
        Backend::Postgres => (
            files::POSTGRES,
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                 version BIGINT PRIMARY KEY,
                 description TEXT NOT NULL,
                 installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
                 success BOOLEAN NOT NULL,
                 checksum BYTEA NOT NULL,
                 execution_time BIGINT NOT NULL)",
        ),
    };
    if conn.backend() == Backend::Postgres {
        conn.execute("SELECT pg_advisory_lock(?1)", params![MIGRATION_LOCK])?;
    }
    let outcome = apply(conn, migrations, table);
    if conn.backend() == Backend::Postgres {
        conn.execute("SELECT pg_advisory_unlock(?1)", params![MIGRATION_LOCK])?;
    }
    outcome
}

fn apply(conn: &mut Conn, migrations: &[Migration], table: &str) -> anyhow::Result<()> {
    conn.batch(table)?;
    let applied: Vec<i64> = conn.column(
        "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        &[],
    )?;
    if let Some(unknown) = applied
        .iter()
        .find(|version| !migrations.iter().any(|m| m.version == **version))
    {
        anyhow::bail!(
            "the database has migration {unknown}, which this crowdbox does not know: it was made by a newer \
             crowdbox; run that version"
        );
    }
    for migration in migrations.iter().filter(|m| !applied.contains(&m.version)) {
        let started = std::time::Instant::now();
        conn.batch("BEGIN")?;
        let done = conn.batch(migration.sql).and_then(|()| {
            let checksum = hex::encode(Sha384::digest(migration.sql.as_bytes()));
            let elapsed_ns = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
            // The checksum is a blob (SQLite) or bytea (PostgreSQL): written from hex by each one's function.
            let insert = match conn.backend() {
                Backend::Sqlite => {
                    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                     VALUES (?1, ?2, TRUE, unhex(?3), ?4)"
                }
                Backend::Postgres => {
                    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                     VALUES (?1, ?2, TRUE, decode(?3, 'hex'), ?4)"
                }
            };
            conn.execute(
                insert,
                params![migration.version, migration.description, &checksum, elapsed_ns],
            )
            .map(drop)
        });
        match done {
            Ok(()) => conn.commit()?,
            Err(error) => {
                let _ = conn.rollback();
                return Err(error).with_context(|| {
                    format!(
                        "migration {} ({}) failed",
                        migration.version, migration.description
                    )
                });
            }
        }
    }
    Ok(())
}
