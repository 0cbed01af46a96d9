//! Invite tokens of closed jobs (only their SHA-256 is stored) and the job's `requires_invite` flag.

use super::sql::{Conn, DbError};
use super::write_tx::InviteRow;
use super::Store;
use crate::params;

/// Whether the job called `name` needs an invite, with its id; `None` when there is no such job.
pub async fn job_admission(store: &Store, name: &str) -> Result<Option<(i64, bool)>, DbError> {
    store.connect().await?.row(
        "SELECT id, requires_invite FROM jobs WHERE name = ?1",
        params![name],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

pub fn set_requires_invite(conn: &mut Conn, job_id: i64, closed: bool) -> Result<(), DbError> {
    conn.execute(
        "UPDATE jobs SET requires_invite = ?1 WHERE id = ?2",
        params![closed, job_id],
    )?;
    Ok(())
}

pub fn insert_invite(
    conn: &mut Conn,
    job_id: i64,
    token_sha256: &str,
    now_ms: i64,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO invites (job_id, token_sha256, created_at) VALUES (?1, ?2, ?3)",
        params![job_id, token_sha256, now_ms],
    )?;
    Ok(())
}

/// The job's invite whose token hashes to `token_sha256` (hex).
pub fn invite(
    conn: &mut Conn,
    job_id: i64,
    token_sha256: &str,
) -> Result<Option<InviteRow>, DbError> {
    conn.row(
        "SELECT id, token_sha256, worker_id FROM invites WHERE job_id = ?1 AND token_sha256 = ?2",
        params![job_id, token_sha256],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
}

/// [`invite`] on a pooled connection.
pub async fn find_invite(
    store: &Store,
    job_id: i64,
    token_sha256: &str,
) -> Result<Option<InviteRow>, DbError> {
    invite(&mut *store.connect().await?, job_id, token_sha256)
}

/// Binds a still unbound invite to `worker_id`; returns the worker it is bound to afterwards (another one's
/// when a concurrent request was first).
pub async fn claim_invite(
    store: &Store,
    invite_id: i64,
    worker_id: &str,
    now_ms: i64,
) -> Result<Option<String>, DbError> {
    let mut conn = store.connect().await?;
    conn.execute(
        "UPDATE invites SET worker_id = ?1, used_at = ?2 WHERE id = ?3 AND worker_id IS NULL",
        params![worker_id, now_ms, invite_id],
    )?;
    conn.value(
        "SELECT worker_id FROM invites WHERE id = ?1",
        params![invite_id],
    )
}
