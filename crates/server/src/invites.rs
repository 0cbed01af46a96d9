//! Invite-only jobs. `crowdbox invite create --job NAME --count N` closes the job and prints N new invite tokens
//! (only their SHA-256 is stored). A worker of a closed job sends its invite as `Authorization: Bearer <invite>`;
//! the first worker id that uses an invite is bound to it.

use clap::{Args, Subcommand};
use sqlx::SqlitePool;

use crate::auth::{constant_time_eq, generate_token, sha256};
use crate::clock::system_now_ms;
use crate::error::ApiError;
use crate::open_database;

/// The most invites one `invite create` makes.
pub const MAX_INVITES_PER_RUN: u32 = 10_000;

#[derive(Debug, Args)]
pub struct InviteArgs {
    #[command(subcommand)]
    pub command: InviteCommand,
}

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Make the job invite-only and print new invite tokens, one per line (give one to each volunteer; the app
    /// sends it as `Authorization: Bearer <invite>`). Only hashes are stored: keep the printed tokens.
    Create {
        /// The job to close.
        #[arg(long, value_name = "NAME")]
        job: String,
        /// How many invites to make.
        #[arg(long, value_name = "N", default_value_t = 1)]
        count: u32,
    },
    /// Open the job to everyone again (its invites are kept and work again if the job is closed again).
    Open {
        #[arg(long, value_name = "NAME")]
        job: String,
    },
}

pub async fn run(database: &std::path::Path, args: InviteArgs) -> anyhow::Result<()> {
    let pool = open_database(database).await?;
    match args.command {
        InviteCommand::Create { job, count } => {
            for token in create_invites(&pool, &job, count, system_now_ms()).await? {
                println!("{token}");
            }
            eprintln!("job {job} is invite-only; {count} new invite(s) printed above");
        }
        InviteCommand::Open { job } => {
            set_requires_invite(&pool, &job, false).await?;
            eprintln!("job {job} is open to every volunteer again");
        }
    }
    Ok(())
}

async fn job_id(pool: &SqlitePool, job: &str) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT id FROM jobs WHERE name = ?")
        .bind(job)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no job called {job:?}"))
}

/// Closes `job` and stores `count` new invites, returning the tokens. All or nothing.
pub async fn create_invites(
    pool: &SqlitePool,
    job: &str,
    count: u32,
    now_ms: i64,
) -> anyhow::Result<Vec<String>> {
    if count == 0 || count > MAX_INVITES_PER_RUN {
        anyhow::bail!("--count must be between 1 and {MAX_INVITES_PER_RUN}, not {count}");
    }
    let job_id = job_id(pool, job).await?;
    let mut tx = crate::begin_write(pool).await?;
    sqlx::query("UPDATE jobs SET requires_invite = 1 WHERE id = ?")
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
    let mut tokens = Vec::new();
    for _ in 0..count {
        let token = generate_token()?;
        sqlx::query("INSERT INTO invites (job_id, token_sha256, created_at) VALUES (?, ?, ?)")
            .bind(job_id)
            .bind(hex::encode(sha256(&token)))
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tokens.push(token);
    }
    tx.commit().await?;
    Ok(tokens)
}

pub async fn set_requires_invite(pool: &SqlitePool, job: &str, closed: bool) -> anyhow::Result<()> {
    let job_id = job_id(pool, job).await?;
    sqlx::query("UPDATE jobs SET requires_invite = ? WHERE id = ?")
        .bind(closed)
        .bind(job_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// [`authorize`] for the writer thread: a request for job `job_id` (which requires invites) from `worker_id`,
/// inside the writer's transaction, where nothing else writes meanwhile.
pub(crate) fn authorize_in(
    conn: &rusqlite::Connection,
    job_id: i64,
    job_name: &str,
    invite: Option<&str>,
    worker_id: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    use rusqlite::OptionalExtension;
    let invite = invite.ok_or_else(|| ApiError::InviteRequired(job_name.to_owned()))?;
    let digest = sha256(invite);
    let row: Option<(i64, String, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, token_sha256, worker_id FROM invites WHERE job_id = ?1 AND token_sha256 = ?2",
        )?
        .query_row(rusqlite::params![job_id, hex::encode(digest)], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((invite_id, _, bound)) = row.filter(|(_, stored, _)| {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(stored, &mut bytes).is_ok() && constant_time_eq(&bytes, &digest)
    }) else {
        return Err(ApiError::InviteInvalid(job_name.to_owned()));
    };
    match bound {
        Some(bound) if bound != worker_id => Err(ApiError::InviteUsedByAnother),
        Some(_) => Ok(()),
        None => {
            conn.prepare_cached("UPDATE invites SET worker_id = ?1, used_at = ?2 WHERE id = ?3")?
                .execute(rusqlite::params![worker_id, now_ms, invite_id])?;
            Ok(())
        }
    }
}

/// Lets a request for `job_name` through if the job is open, or if `invite` is one of its invites not bound to
/// another worker. With a `worker_id`, an unbound invite is bound to it. An unknown job passes (the handler
/// answers 404).
pub async fn authorize(
    pool: &SqlitePool,
    job_name: &str,
    invite: Option<&str>,
    worker_id: Option<&str>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let job: Option<(i64, bool)> =
        sqlx::query_as("SELECT id, requires_invite FROM jobs WHERE name = ?")
            .bind(job_name)
            .fetch_optional(pool)
            .await?;
    let Some((job_id, true)) = job else {
        return Ok(());
    };
    let invite = invite.ok_or_else(|| ApiError::InviteRequired(job_name.to_owned()))?;
    let digest = sha256(invite);
    // The lookup is by hash, so the token itself is never compared; the final check is constant-time anyway.
    let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, token_sha256, worker_id FROM invites WHERE job_id = ? AND token_sha256 = ?",
    )
    .bind(job_id)
    .bind(hex::encode(digest))
    .fetch_optional(pool)
    .await?;
    let Some((invite_id, _, bound)) = row.filter(|(_, stored, _)| {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(stored, &mut bytes).is_ok() && constant_time_eq(&bytes, &digest)
    }) else {
        return Err(ApiError::InviteInvalid(job_name.to_owned()));
    };
    match (bound, worker_id) {
        (Some(bound), Some(worker)) if bound != worker => Err(ApiError::InviteUsedByAnother),
        (None, Some(worker)) => {
            let claimed = sqlx::query(
                "UPDATE invites SET worker_id = ?, used_at = ? WHERE id = ? AND worker_id IS NULL",
            )
            .bind(worker)
            .bind(now_ms)
            .bind(invite_id)
            .execute(pool)
            .await?
            .rows_affected();
            if claimed == 1 {
                return Ok(());
            }
            // Another request bound it first: fine only if it was for the same worker.
            let bound: Option<String> =
                sqlx::query_scalar("SELECT worker_id FROM invites WHERE id = ?")
                    .bind(invite_id)
                    .fetch_one(pool)
                    .await?;
            if bound.as_deref() == Some(worker) {
                Ok(())
            } else {
                Err(ApiError::InviteUsedByAnother)
            }
        }
        _ => Ok(()),
    }
}
