//! Invite-only jobs. `crowdbox invite create --job NAME --count N` closes the job and prints N new invite tokens
//! (only their SHA-256 is stored). A worker of a closed job sends its invite as `Authorization: Bearer <invite>`;
//! the first worker id that uses an invite is bound to it.

use crate::auth::{constant_time_eq, generate_token, sha256};
use crate::clock::system_now_ms;
use crate::db::write_tx::{InviteRow, WriteTx};
use crate::db::{self, Store};
use crate::error::ApiError;
use crate::jobs::require_job;
use clap::{Args, Subcommand};

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

pub async fn run(database: &crate::db::Location, args: InviteArgs) -> anyhow::Result<()> {
    let pool = Store::open(database).await?;
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

/// Closes the job to volunteers without an invite and makes `count` new invites; returns their tokens.
pub async fn create_invites(
    store: &Store,
    job: &str,
    count: u32,
    now_ms: i64,
) -> anyhow::Result<Vec<String>> {
    if count == 0 || count > MAX_INVITES_PER_RUN {
        anyhow::bail!("--count must be between 1 and {MAX_INVITES_PER_RUN}, not {count}");
    }
    let job = require_job(store, job).await?;
    let mut tx = store.begin_write().await?;
    db::invites::set_requires_invite(&mut tx, job.id, true)?;
    let mut tokens = Vec::new();
    for _ in 0..count {
        let token = generate_token()?;
        db::invites::insert_invite(&mut tx, job.id, &hex::encode(sha256(&token)), now_ms)?;
        tokens.push(token);
    }
    tx.commit()?;
    Ok(tokens)
}

/// Closes (`true`) or opens the job.
pub async fn set_requires_invite(store: &Store, job: &str, closed: bool) -> anyhow::Result<()> {
    let job = require_job(store, job).await?;
    let mut conn = store.connect().await?;
    db::invites::set_requires_invite(&mut conn, job.id, closed)?;
    Ok(())
}

/// The stored invite row, if it matches the token's digest (compared in constant time).
fn matching(row: Option<InviteRow>, digest: &[u8; 32]) -> Option<InviteRow> {
    row.filter(|(_, stored, _)| {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(stored, &mut bytes).is_ok() && constant_time_eq(&bytes, digest)
    })
}

/// The invite check of a closed job inside the writer's group transaction: binds an unused invite to its first
/// worker.
pub(crate) fn authorize_in(
    tx: &mut WriteTx<'_>,
    job_id: i64,
    job_name: &str,
    invite: Option<&str>,
    worker_id: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    let invite = invite.ok_or_else(|| ApiError::InviteRequired(job_name.to_owned()))?;
    let digest = sha256(invite);
    let row = tx.invite(job_id, &hex::encode(digest))?;
    let Some((invite_id, _, bound)) = matching(row, &digest) else {
        return Err(ApiError::InviteInvalid(job_name.to_owned()));
    };
    match bound {
        Some(bound) if bound != worker_id => Err(ApiError::InviteUsedByAnother),
        Some(_) => Ok(()),
        None => {
            tx.bind_invite(invite_id, worker_id, now_ms)?;
            Ok(())
        }
    }
}

/// The invite check for requests outside the writer (job info, images): an open job lets everyone through; a
/// closed one needs a valid invite, bound to this worker or, unbound, then bound to it.
pub async fn authorize(
    store: &Store,
    job_name: &str,
    invite: Option<&str>,
    worker_id: Option<&str>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let Some((job_id, true)) = db::invites::job_admission(store, job_name).await? else {
        return Ok(());
    };
    let invite = invite.ok_or_else(|| ApiError::InviteRequired(job_name.to_owned()))?;
    let digest = sha256(invite);
    let row = db::invites::find_invite(store, job_id, &hex::encode(digest)).await?;
    let Some((invite_id, _, bound)) = matching(row, &digest) else {
        return Err(ApiError::InviteInvalid(job_name.to_owned()));
    };
    match (bound, worker_id) {
        (Some(bound), Some(worker)) if bound != worker => Err(ApiError::InviteUsedByAnother),
        (None, Some(worker)) => {
            let bound = db::invites::claim_invite(store, invite_id, worker, now_ms).await?;
            if bound.as_deref() == Some(worker) {
                Ok(())
            } else {
                Err(ApiError::InviteUsedByAnother)
            }
        }
        _ => Ok(()),
    }
}
