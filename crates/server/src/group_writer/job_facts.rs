//! The job facts a group transaction reads once per job.

use std::collections::HashMap;

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::{ExampleImage, TaskMode};
use rusqlite::{Connection, OptionalExtension};

use crate::error::ApiError;
use crate::jobs::Job;
use crate::to_u64;

/// What a group transaction knows about a job. Read once per group: nothing else writes while the group holds
/// the write lock, and the next group reads it afresh (`crowdbox job update` may change it in between).
pub(crate) struct JobFacts {
    pub id: i64,
    pub name: String,
    pub instructions: String,
    pub workers_per_image: i64,
    pub batch_size: i64,
    pub lease_seconds: i64,
    pub requires_invite: bool,
    pub mode: TaskMode,
    pub allow_carry_forward: bool,
    /// The example images as batches show them ([`Job::example_images`]).
    pub examples: Vec<ExampleImage>,
    pub categories: Vec<CocoCategory>,
}

/// The jobs a group transaction has looked up, by name (`None`: no such job).
#[derive(Default)]
pub(crate) struct JobsSeen(HashMap<String, Option<JobFacts>>);

impl JobsSeen {
    /// The job called `name`, read once per group; `JobNotFound` if there is none.
    pub fn find(&mut self, conn: &Connection, name: &str) -> Result<&JobFacts, ApiError> {
        if !self.0.contains_key(name) {
            let facts = job_facts(conn, name)?;
            self.0.insert(name.to_owned(), facts);
        }
        self.0[name]
            .as_ref()
            .ok_or_else(|| ApiError::JobNotFound(name.to_owned()))
    }
}

fn job_facts(conn: &Connection, job_name: &str) -> rusqlite::Result<Option<JobFacts>> {
    let job = conn
        .prepare_cached(
            "SELECT id, instructions, workers_per_image, batch_size, lease_seconds, mode, allow_carry_forward,
                    examples, requires_invite
             FROM jobs WHERE name = ?1",
        )?
        .query_row([job_name], |row| {
            let job = Job {
                id: row.get(0)?,
                name: job_name.to_owned(),
                instructions: row.get(1)?,
                workers_per_image: row.get(2)?,
                batch_size: row.get(3)?,
                lease_seconds: row.get(4)?,
                mode: row.get(5)?,
                allow_carry_forward: row.get(6)?,
                examples: row.get(7)?,
            };
            Ok(JobFacts {
                mode: job.task_mode(),
                examples: job.example_images(),
                id: job.id,
                name: job.name,
                instructions: job.instructions,
                workers_per_image: job.workers_per_image,
                batch_size: job.batch_size,
                lease_seconds: job.lease_seconds,
                allow_carry_forward: job.allow_carry_forward,
                requires_invite: row.get(8)?,
                categories: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut job) = job else {
        return Ok(None);
    };
    // The supercategory is the job's name, as `jobs::categories` gives it.
    job.categories = conn
        .prepare_cached(
            "SELECT category_id, name FROM labels WHERE job_id = ?1 ORDER BY category_id",
        )?
        .query_map([job.id], |row| {
            Ok(CocoCategory {
                id: to_u64(row.get(0)?),
                name: row.get(1)?,
                supercategory: job_name.to_owned(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(job))
}
