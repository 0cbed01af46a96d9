//! The job facts a group transaction reads once per job.

use std::collections::HashMap;
use std::sync::Arc;

use super::jobs::{categories, job_from_row, Job, JOB_COLUMNS};
use super::sql::{Conn, DbError};
use crate::error::ApiError;
use crate::params;
use crowdbox_core::coco::CocoCategory;
use crowdbox_core::wire::ExampleImage;

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
    pub fn find(&mut self, conn: &mut Conn, name: &str) -> Result<Arc<JobFacts>, ApiError> {
        if !self.0.contains_key(name) {
            let facts = job_facts(conn, name)?.map(Arc::new);
            self.0.insert(name.to_owned(), facts);
        }
        self.0[name]
            .clone()
            .ok_or_else(|| ApiError::JobNotFound(name.to_owned()))
    }
}

fn job_facts(conn: &mut Conn, job_name: &str) -> Result<Option<JobFacts>, DbError> {
    let job = conn.row(
        &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = ?1"),
        params![job_name],
        job_from_row,
    )?;
    let Some(job) = job else {
        return Ok(None);
    };
    let categories = categories(conn, &job)?;
    let has_gold = conn.exists(
        "SELECT 1 FROM images WHERE job_id = ?1 AND is_gold = 1 LIMIT 1",
        params![job.id],
    )?;
    Ok(Some(JobFacts {
        examples: job.example_images(),
        categories,
        has_gold,
        job,
    }))
}
