//! The job facts a group transaction reads once per job.

use std::collections::HashMap;
use std::sync::Arc;

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::ExampleImage;
use rusqlite::{Connection, OptionalExtension};

use super::jobs::{job_from_parts, Job, JOB_COLUMNS};
use super::to_u64;
use crate::error::ApiError;

/// What a group transaction knows about a job: the job and what batches show of it. Read once per group:
/// nothing else writes while the group holds the write lock, and the next group reads it afresh (`crowdbox job
/// update` may change it in between).
#[derive(Debug)]
pub struct JobFacts {
    pub job: Job,
    /// The example images as batches show them ([`Job::example_images`]).
    pub examples: Vec<ExampleImage>,
    pub categories: Vec<CocoCategory>,
    /// Whether the job has gold images (leasing mixes them in only then).
    pub has_gold: bool,
}

/// The jobs a group transaction has looked up, by name (`None`: no such job).
#[derive(Default)]
pub(crate) struct JobsSeen(HashMap<String, Option<Arc<JobFacts>>>);

impl JobsSeen {
    /// The job called `name`, read once per group; `JobNotFound` if there is none.
    pub fn find(&mut self, conn: &Connection, name: &str) -> Result<Arc<JobFacts>, ApiError> {
        if !self.0.contains_key(name) {
            let facts = job_facts(conn, name)?.map(Arc::new);
            self.0.insert(name.to_owned(), facts);
        }
        self.0[name]
            .clone()
            .ok_or_else(|| ApiError::JobNotFound(name.to_owned()))
    }
}

fn job_facts(conn: &Connection, job_name: &str) -> rusqlite::Result<Option<JobFacts>> {
    let job = conn
        .prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = ?1"))?
        .query_row([job_name], |row| {
            Ok(job_from_parts(
                (row.get(0)?, row.get(1)?, row.get(2)?),
                (row.get(3)?, row.get(4)?, row.get(5)?),
                (&row.get::<_, String>(6)?, &row.get::<_, String>(12)?),
                (row.get(7)?, row.get(8)?),
                (
                    &row.get::<_, String>(9)?,
                    &row.get::<_, String>(10)?,
                    &row.get::<_, String>(11)?,
                ),
            ))
        })
        .optional()?;
    let Some(job) = job else {
        return Ok(None);
    };
    // The supercategory is the job's name, as `db::jobs::categories` gives it.
    let categories = conn
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
    let has_gold = conn
        .prepare_cached("SELECT 1 FROM images WHERE job_id = ?1 AND is_gold = 1 LIMIT 1")?
        .exists([job.id])?;
    Ok(Some(JobFacts {
        examples: job.example_images(),
        categories,
        has_gold,
        job,
    }))
}
