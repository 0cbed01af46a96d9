//! - `GET /api/jobs`: every job with its settings and progress.
//! - `POST /api/jobs`: creates a job from `crowdbox job create`'s fields (409 `job_exists`).
//! - `PATCH /api/jobs/{job}`: `crowdbox job update`'s fields, the per-label targets and the example images, all
//!   or nothing.

use std::path::Path as FilePath;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use crowdbox_core::owner::{JobList, JobOverview, JobPatch, JobPatched, NewJob};
use crowdbox_core::quality::JobQuality;
use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Owner;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::formats_io::job_file::{self, Example, JobFile};
use crate::job_settings::{replaced_examples, update_job, JobChanges, QualityChanges};
use crate::{db, image_store, jobs, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_jobs, create_job))
}

/// Every job with its settings and progress.
#[utoipa::path(get, path = "/jobs", tag = "owner", security(("owner_token" = [])),
    responses((status = 200, body = JobList), (status = 401, description = "No or a wrong owner token", body = ErrorBody)))]
async fn list_jobs(State(state): State<AppState>) -> Result<Json<JobList>, ApiError> {
    let now_ms = state.clock.now_ms();
    let mut overviews = Vec::new();
    for summary in db::jobs::list_jobs(&state.db).await? {
        overviews.push(jobs::overview(&state.db, summary.job, now_ms).await?);
    }
    Ok(Json(JobList { jobs: overviews }))
}

/// Creates a job from `crowdbox job create`'s fields.
#[utoipa::path(post, path = "/jobs", tag = "owner", security(("owner_token" = [])), request_body = NewJob,
    responses(
        (status = 201, body = JobOverview),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody),
        (status = 409, description = "A job of that name exists (`job_exists`)", body = ErrorBody),
        (status = 422, description = "A field is wrong (`invalid_field`, `field` names it); nothing is stored", body = ErrorBody),
    ))]
async fn create_job(
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewJob>,
) -> Result<(StatusCode, Json<JobOverview>), ApiError> {
    let spec = job_file(new)?
        .into_spec(FilePath::new(""))
        .map_err(|error| FieldError::new("body", error.to_string()))?;
    let mut tx = state.db.begin_write().await?;
    if db::jobs::find_job(&mut tx, &spec.name)?.is_some() {
        return Err(ApiError::JobExists(spec.name));
    }
    let job = db::jobs::create_job(&mut tx, &spec, state.clock.now_ms())?;
    tx.commit()?;
    let overview = jobs::overview(&state.db, job, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(overview)))
}

/// The job file the request stands for, after the checks that name a field: the API takes example images as
/// http(s) URLs only (a path would name a file on the server).
fn job_file(new: NewJob) -> Result<JobFile, ApiError> {
    let name = new.name.trim();
    if name.is_empty() || name.contains('/') || name.len() > 100 {
        return Err(FieldError::new(
            "name",
            format!("the job name {name:?} must be 1 to 100 characters without `/`"),
        )
        .into());
    }
    job_file::clean_labels(&new.labels)
        .map_err(|error| FieldError::new("labels", error.to_string()))?;
    let counts = [
        ("workers_per_image", new.workers_per_image),
        ("batch_size", new.batch_size),
        ("lease_seconds", new.lease_seconds),
    ];
    for (field, value) in counts {
        if value == Some(0) {
            return Err(FieldError::new(field, format!("{field} must be at least 1")).into());
        }
    }
    for (field, urls) in [
        ("good_examples", &new.good_examples),
        ("bad_examples", &new.bad_examples),
    ] {
        if let Some((index, url)) = urls
            .iter()
            .enumerate()
            .find(|(_, url)| !(url.starts_with("https://") || url.starts_with("http://")))
        {
            return Err(FieldError::new(
                format!("{field}[{index}]"),
                format!("{url:?} is not an http(s) URL; the API takes example images as URLs"),
            )
            .into());
        }
    }
    let workers_per_image = new
        .workers_per_image
        .unwrap_or(job_file::default_workers_per_image());
    let quality = JobQuality {
        gold_rate: new.gold_rate.unwrap_or(job_file::default_gold_rate()),
        block_below: new.block_below,
        min_gold_tasks: new
            .min_gold_tasks
            .unwrap_or(job_file::default_min_gold_tasks()),
        min_workers_per_image: new.min_workers_per_image,
        agreement_iou: new
            .agreement_iou
            .unwrap_or(job_file::default_agreement_iou()),
        finish_first: new.finish_first.unwrap_or(false),
    };
    check_quality(&quality, workers_per_image)?;
    Ok(JobFile {
        name: new.name,
        labels: new.labels,
        instructions: new.instructions,
        instructions_file: None,
        workers_per_image,
        batch_size: new.batch_size.unwrap_or(job_file::default_batch_size()),
        lease_seconds: new
            .lease_seconds
            .unwrap_or(job_file::default_lease_seconds()),
        mode: new.mode.unwrap_or_default(),
        allow_carry_forward: new.allow_carry_forward.unwrap_or(false),
        good_examples: new.good_examples,
        bad_examples: new.bad_examples,
        gold_rate: quality.gold_rate,
        block_below: quality.block_below,
        min_gold_tasks: quality.min_gold_tasks,
        min_workers_per_image: quality.min_workers_per_image,
        agreement_iou: quality.agreement_iou,
        finish_first: quality.finish_first,
        order: new.order.unwrap_or_default(),
    })
}

/// Refuses quality settings that do not fit together, naming the JSON field at fault.
fn check_quality(quality: &JobQuality, workers_per_image: u32) -> Result<(), ApiError> {
    quality
        .check(workers_per_image)
        .map_err(|error| FieldError::new(error.field(), error.to_string()).into())
}

/// The job's examples after a patch's `good_examples` / `bad_examples` (`None` when it gives neither). Every
/// `src` is checked (a stored file is read again) before anything is written; the first wrong one is named.
async fn requested_examples(
    state: &AppState,
    job: &jobs::Job,
    good: Option<Vec<String>>,
    bad: Option<Vec<String>>,
) -> Result<Option<Vec<Example>>, ApiError> {
    if good.is_none() && bad.is_none() {
        return Ok(None);
    }
    let store = state.image_store.clone();
    let current = job.examples.clone();
    let resolved = tokio::task::spawn_blocking(move || {
        let mut lists = Vec::new();
        for (field, kind, given) in [
            ("good_examples", "good", good),
            ("bad_examples", "bad", bad),
        ] {
            let Some(given) = given else {
                lists.push(None);
                continue;
            };
            let mut list = Vec::with_capacity(given.len());
            for (index, src) in given.iter().enumerate() {
                let example = image_store::requested_example(&store, &current, kind, src)
                    .map_err(|message| FieldError::new(format!("{field}[{index}]"), message))?;
                list.push(example);
            }
            lists.push(Some(list));
        }
        let bad = lists.pop().flatten();
        let good = lists.pop().flatten();
        Ok::<_, FieldError>(replaced_examples(&current, good, bad))
    })
    .await
    .map_err(|error| ApiError::Internal(anyhow::Error::new(error)))??;
    Ok(Some(resolved))
}

/// Changes `crowdbox job update`'s fields, the per-label targets and the example images, all or nothing. Routed
/// with the volunteers' `GET /api/jobs/{job}`, so it checks the owner token itself.
#[utoipa::path(patch, path = "/jobs/{job}", tag = "owner", security(("owner_token" = [])),
    params(("job" = String, Path, description = "The job's name")), request_body = JobPatch,
    responses(
        (status = 200, body = JobPatched),
        (status = 401, description = "No or a wrong owner token", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing changes", body = ErrorBody),
    ))]
pub(crate) async fn patch_job(
    _owner: Owner,
    State(state): State<AppState>,
    Path(job_name): Path<String>,
    ApiJson(patch): ApiJson<JobPatch>,
) -> Result<Json<JobPatched>, ApiError> {
    let job = jobs::requested_job(&state.db, &job_name).await?;
    if let Some(targets) = &patch.label_targets {
        let labels = {
            let mut conn = state.db.connect().await?;
            db::jobs::labels(&mut conn, &job)?
        };
        if let Some(unknown) = targets.keys().find(|label| !labels.contains(label)) {
            return Err(FieldError::new(
                format!("label_targets.{unknown}"),
                format!(
                    "job {} has no label {unknown:?} (its labels: {})",
                    job.name,
                    labels.join(", ")
                ),
            )
            .into());
        }
    }
    let counts = [
        ("workers_per_image", patch.workers_per_image),
        ("batch_size", patch.batch_size),
        ("lease_seconds", patch.lease_seconds),
    ];
    for (field, value) in counts {
        if value == Some(0) {
            return Err(FieldError::new(field, format!("{field} must be at least 1")).into());
        }
    }
    let quality = QualityChanges {
        gold_rate: patch.gold_rate,
        block_below: patch.block_below,
        min_gold_tasks: patch.min_gold_tasks,
        min_workers_per_image: patch.min_workers_per_image,
        agreement_iou: patch.agreement_iou,
        finish_first: patch.finish_first,
    };
    let workers_per_image = patch
        .workers_per_image
        .unwrap_or(u32::try_from(job.workers_per_image).unwrap_or(u32::MAX));
    check_quality(&quality.applied_to(job.quality), workers_per_image)?;
    let examples =
        requested_examples(&state, &job, patch.good_examples, patch.bad_examples).await?;
    let changes = JobChanges {
        instructions: patch.instructions,
        workers_per_image: patch.workers_per_image,
        batch_size: patch.batch_size,
        lease_seconds: patch.lease_seconds,
        mode: patch.mode,
        allow_carry_forward: patch.allow_carry_forward,
        label_targets: patch.label_targets,
        quality,
        lease_order: patch.order,
        examples,
    };
    let updated = update_job(&state.db, &job_name, &changes)
        .await
        .map_err(|error| {
            // What the update refuses is the request's content; a database failure is the server's.
            if error.is::<crate::db::DbError>() {
                ApiError::Internal(error)
            } else {
                FieldError::new("body", error.to_string()).into()
            }
        })?;
    let overview = jobs::overview(&state.db, updated.job, state.clock.now_ms()).await?;
    Ok(Json(JobPatched {
        job: overview,
        changed: updated.changed.into_iter().map(str::to_owned).collect(),
    }))
}
