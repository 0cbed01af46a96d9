//! `crowdbox job update`: changing a job's settings after it was created.
//!
//! Labels stay as they are (stored boxes refer to them by category id). Every change is checked before
//! anything is written, and all of them are written in one transaction. When `workers_per_image` changes, the
//! triggers of migration `image_progress` recompute every image's `done` flag and the job's done count in the
//! same transaction, so leasing and progress follow the new number at once.

use anyhow::{ensure, Context};
use sqlx::SqlitePool;

use crate::formats_io::job_file::JobMode;
use crate::jobs::{self, Job};

/// The settings to change; `None` keeps the current value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobChanges {
    pub instructions: Option<String>,
    pub workers_per_image: Option<u32>,
    pub batch_size: Option<u32>,
    pub lease_seconds: Option<u32>,
    pub mode: Option<JobMode>,
    pub allow_carry_forward: Option<bool>,
}

impl JobChanges {
    fn check(&self) -> anyhow::Result<()> {
        let counts = [
            ("--workers-per-image", self.workers_per_image),
            ("--batch-size", self.batch_size),
            ("--lease-seconds", self.lease_seconds),
        ];
        for (flag, value) in counts {
            if let Some(value) = value {
                ensure!(value >= 1, "{flag} must be at least 1, not {value}");
            }
        }
        ensure!(
            *self != Self::default(),
            "nothing to change: give at least one of --instructions, --instructions-file, \
             --workers-per-image, --batch-size, --lease-seconds, --mode, --allow-carry-forward"
        );
        Ok(())
    }
}

/// What an update did: the job as it is now and the names of the settings whose value changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobUpdated {
    pub job: Job,
    pub changed: Vec<&'static str>,
}

/// Applies `changes` to the job called `name`, all or nothing. Refuses an unknown job and invalid values
/// without writing anything.
pub async fn update_job(
    pool: &SqlitePool,
    name: &str,
    changes: &JobChanges,
) -> anyhow::Result<JobUpdated> {
    changes.check()?;
    let mut tx = crate::begin_write(pool).await?;
    let job = match jobs::find_job(&mut tx, name).await? {
        Some(job) => job,
        None => {
            let known = jobs::job_names(pool).await.unwrap_or_default();
            anyhow::bail!(
                "there is no job called {name:?} (jobs: {})",
                if known.is_empty() {
                    "none yet".to_owned()
                } else {
                    known.join(", ")
                }
            );
        }
    };
    let mut changed = Vec::new();
    let texts = [
        (
            "instructions",
            changes.instructions.clone(),
            &job.instructions,
        ),
        (
            "mode",
            changes.mode.map(|mode| mode.as_str().to_owned()),
            &job.mode,
        ),
    ];
    for (column, wanted, current) in texts {
        if let Some(wanted) = wanted.filter(|wanted| wanted != current) {
            // `column` is one of the fixed names above, never user input.
            sqlx::query(&format!("UPDATE jobs SET {column} = ? WHERE id = ?"))
                .bind(wanted)
                .bind(job.id)
                .execute(&mut *tx)
                .await?;
            changed.push(column);
        }
    }
    let numbers = [
        (
            "workers_per_image",
            changes.workers_per_image,
            job.workers_per_image,
        ),
        ("batch_size", changes.batch_size, job.batch_size),
        ("lease_seconds", changes.lease_seconds, job.lease_seconds),
        (
            "allow_carry_forward",
            changes.allow_carry_forward.map(u32::from),
            i64::from(job.allow_carry_forward),
        ),
    ];
    for (column, wanted, current) in numbers {
        if let Some(wanted) = wanted.filter(|wanted| i64::from(*wanted) != current) {
            sqlx::query(&format!("UPDATE jobs SET {column} = ? WHERE id = ?"))
                .bind(wanted)
                .bind(job.id)
                .execute(&mut *tx)
                .await?;
            changed.push(column);
        }
    }
    let job = jobs::find_job(&mut tx, name)
        .await?
        .context("the job vanished during its update")?;
    tx.commit().await?;
    Ok(JobUpdated { job, changed })
}
