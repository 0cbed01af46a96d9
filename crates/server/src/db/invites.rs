//! Invite tokens of closed jobs (only their SHA-256 is stored) and the job's `requires_invite` flag.

use super::write_tx::InviteRow;
use super::{Store, WriteTransaction};

/// Whether the job called `name` needs an invite, with its id; `None` when there is no such job.
pub async fn job_admission(store: &Store, name: &str) -> Result<Option<(i64, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT id, requires_invite FROM jobs WHERE name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await
}

pub async fn set_requires_invite(
    conn: &mut sqlx::SqliteConnection,
    job_id: i64,
    closed: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE jobs SET requires_invite = $1 WHERE id = $2")
        .bind(closed)
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_invite(
    tx: &mut WriteTransaction,
    job_id: i64,
    token_sha256: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO invites (job_id, token_sha256, created_at) VALUES ($1, $2, $3)")
        .bind(job_id)
        .bind(token_sha256)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The job's invite whose token hashes to `token_sha256` (hex).
pub async fn find_invite(
    store: &Store,
    job_id: i64,
    token_sha256: &str,
) -> Result<Option<InviteRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, token_sha256, worker_id FROM invites WHERE job_id = $1 AND token_sha256 = $2",
    )
    .bind(job_id)
    .bind(token_sha256)
    .fetch_optional(store.pool())
    .await
}

/// Binds a still unbound invite to `worker_id`; returns the worker it is bound to afterwards (another one's
/// when a concurrent request was first).
pub async fn claim_invite(
    store: &Store,
    invite_id: i64,
    worker_id: &str,
    now_ms: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query(
        "UPDATE invites SET worker_id = $1, used_at = $2 WHERE id = $3 AND worker_id IS NULL",
    )
    .bind(worker_id)
    .bind(now_ms)
    .bind(invite_id)
    .execute(store.pool())
    .await?;
    sqlx::query_scalar("SELECT worker_id FROM invites WHERE id = $1")
        .bind(invite_id)
        .fetch_one(store.pool())
        .await
}
