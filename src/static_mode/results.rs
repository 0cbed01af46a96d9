//! Results kept in the browser in static-site mode: one COCO result per finished task, in localStorage under
//! the job's name, so a reload keeps them and the downloads hold every task done so far.

use crowdbox_core::wire::CocoResult;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// localStorage key of a static job's results (the name's length keeps job names apart).
pub fn storage_key(job: &str) -> String {
    format!("crowdbox.static-results.{}.{job}", job.len())
}

/// Every kept result as (task id, result), in the order the tasks were finished.
pub fn load(job: &str) -> Vec<(u64, CocoResult)> {
    storage()
        .and_then(|s| s.get_item(&storage_key(job)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The tasks that have a kept result.
pub fn done_tasks(job: &str) -> Vec<u64> {
    load(job).into_iter().map(|(task, _)| task).collect()
}

/// Forgets every kept result of `job` (start over).
pub fn clear(job: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&storage_key(job));
    }
}

/// Keeps `result` as task `task_id`'s (replacing an earlier one).
pub fn keep(job: &str, task_id: u64, result: CocoResult) -> Result<(), String> {
    let mut all = load(job);
    all.retain(|(task, _)| *task != task_id);
    all.push((task_id, result));
    let text = serde_json::to_string(&all).map_err(|e| e.to_string())?;
    storage()
        .ok_or("this browser does not allow storage")?
        .set_item(&storage_key(job), &text)
        .map_err(|_| "the browser's storage is full or blocked".to_owned())
}
