//! Loading a static job: the job file, its tasks (a Ground Truth input manifest or a task batch), the
//! instructions, and the sizes of images (decoded in the browser, since a manifest does not give them).

use crowdbox_core::coco::CocoImage;
use crowdbox_core::wire::{StaticJob, Task, TaskBatch};
use gloo_net::http::Request;
use wasm_bindgen::UnwrapThrowExt;

use super::StaticSource;
use crate::page_images::{image_size, image_sizes, resolve};

async fn fetch_text(url: &str, what: &str) -> Result<String, String> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("Could not load the {what} from {url} ({e})."))?;
    if !response.ok() {
        return Err(format!(
            "Could not load the {what} from {url}: the host answered {}.",
            response.status()
        ));
    }
    response
        .text()
        .await
        .map_err(|e| format!("Could not read the {what} from {url} ({e})."))
}

/// The job file at `job_file` (relative to the page) with its tasks and instructions, ready to work on.
pub async fn load_job(job_file: &str) -> Result<StaticSource, String> {
    let job_url = resolve(job_file, "")?;
    let text = fetch_text(&job_url, "job file").await?;
    let job: StaticJob = serde_json::from_str(&text)
        .map_err(|e| format!("The job file {job_url} is not a valid crowdbox job: {e}."))?;
    if job.labels.is_empty() {
        return Err(format!("The job file {job_url} names no labels."));
    }
    let submit_url = match &job.submit_url {
        Some(url) => Some(resolve(url, &job_url)?),
        None => None,
    };
    let mut instructions = job.instructions.clone();
    let tasks = match &job.tasks {
        Some(tasks) => {
            let tasks_url = resolve(tasks, &job_url)?;
            let text = fetch_text(&tasks_url, "task list").await?;
            match serde_json::from_str::<TaskBatch>(&text) {
                Ok(batch) => {
                    if instructions.is_empty() {
                        instructions = batch.instructions;
                    }
                    let mut tasks = batch.tasks;
                    for task in &mut tasks {
                        task.image_url = resolve(&task.image_url, &tasks_url)?;
                    }
                    tasks
                }
                Err(_) => manifest_tasks(&text, &tasks_url).await?,
            }
        }
        None => Vec::new(),
    };
    Ok(StaticSource {
        job,
        job_url,
        submit_url,
        instructions,
        tasks,
    })
}

/// One line of a Ground Truth input manifest; other attributes are skipped unread.
#[derive(serde::Deserialize)]
struct ManifestLine {
    #[serde(rename = "source-ref")]
    source_ref: String,
    /// The image's size, when the line gives it (as `crowdbox import --manifest` accepts for URLs): then the
    /// image is not loaded just to measure it.
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
}

/// How many images are loaded at once to measure them (a browser fetches about six per host in parallel).
const SIZE_READS_AT_ONCE: usize = 8;

/// One task per manifest line (task and image id = the line number); `source-ref` is kept as the file name.
/// Read line by line here rather than with core's full importer, which keeps the wasm smaller. Images whose
/// line gives no size are measured by loading them, several at a time.
async fn manifest_tasks(text: &str, manifest_url: &str) -> Result<Vec<Task>, String> {
    let mut tasks = Vec::new();
    let mut unsized_tasks: Vec<usize> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("line {line_number} of {manifest_url}");
        let entry: ManifestLine = serde_json::from_str(line).map_err(|e| {
            format!(
                "The task list is neither a task batch nor a Ground Truth input manifest: {} ({e}).",
                where_()
            )
        })?;
        let reference = entry.source_ref.trim().to_owned();
        if reference.starts_with("s3://") {
            return Err(format!(
                "`{reference}` ({}) is in S3, which a browser cannot read: use http(s) URLs or paths relative to the manifest.",
                where_()
            ));
        }
        let url = resolve(&reference, manifest_url)?;
        let (width, height) = match (entry.width, entry.height) {
            (Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
            (None, None) => {
                unsized_tasks.push(tasks.len());
                (0, 0)
            }
            _ => {
                return Err(format!(
                    "`width` and `height` must both be given and be positive ({})",
                    where_()
                ))
            }
        };
        let id = line_number as u64;
        tasks.push(Task {
            task_id: id,
            image: CocoImage {
                id,
                file_name: reference,
                width,
                height,
                license: None,
                date_captured: None,
                outcomes: Default::default(),
            },
            image_url: url,
            initial_annotations: Vec::new(),
            tiles: None,
        });
    }
    if tasks.is_empty() {
        return Err(format!("The task list {manifest_url} names no images."));
    }
    for chunk in unsized_tasks.chunks(SIZE_READS_AT_ONCE) {
        let urls: Vec<&str> = chunk
            .iter()
            .map(|&index| tasks[index].image_url.as_str())
            .collect();
        let sizes = image_sizes(&urls).await?;
        for (&index, size) in chunk.iter().zip(sizes) {
            let task = &mut tasks[index];
            let (width, height) =
                size.map_err(|e| format!("{e} (line {} of {manifest_url})", task.task_id))?;
            task.image.width = width;
            task.image.height = height;
        }
    }
    Ok(tasks)
}

/// Tasks for image files the volunteer opened or dropped (object URLs; sizes from the decoded images). Files
/// that are not images are named in the error; the others are still returned.
pub async fn file_tasks(files: Vec<web_sys::File>) -> (Vec<Task>, Vec<String>) {
    let mut tasks = Vec::new();
    let mut refused = Vec::new();
    for file in files {
        let name = file.name();
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) else {
            refused.push(name);
            continue;
        };
        match image_size(&url).await {
            Ok((width, height)) if width > 0 && height > 0 => {
                let id = super::local_task_id(&name, file.size());
                tasks.push(Task {
                    task_id: id,
                    image: CocoImage {
                        id,
                        file_name: name,
                        width,
                        height,
                        license: None,
                        date_captured: None,
                        outcomes: Default::default(),
                    },
                    image_url: url,
                    initial_annotations: Vec::new(),
                    tiles: None,
                });
            }
            _ => {
                web_sys::Url::revoke_object_url(&url).unwrap_throw();
                refused.push(name);
            }
        }
    }
    (tasks, refused)
}
