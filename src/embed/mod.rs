//! Embedding mode: the app runs in an iframe of a host page and gets its work through `postMessage`.
//!
//! The page is opened with `?embed=<host origin>` (e.g. `?embed=https://portal.example`). The app posts `ready`
//! to that origin only, accepts messages only from that origin *and* from `window.parent`, and builds its work
//! from the host's `init` (labels, tasks, instructions, theme, token; see `crowdbox_core::embed` for the
//! protocol). Host-given tasks are handed out like static-site mode's; an `init` with a `job` and no tasks
//! leases from the crowdbox server instead (at `api_base`, with `token` as the invite), and submissions go
//! through the outbox. Either way the host gets `changed` while the volunteer edits and `submitted` for each
//! task.

mod host;

use std::cell::RefCell;
use std::time::Duration;

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::editor::Editor;
use crowdbox_core::embed::{
    self as protocol, AppMessage, EmbedError, Init, Theme, DEFAULT_ANSWER_NAME,
};
use crowdbox_core::wire::{CocoResult, Task, TaskAnswer, TaskBatch};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::drafts::{submission_id_for, LocalDrafts};
use crate::outbox_driver::Driver;
use crowdbox_core::worker::{task_of, DraftStore, Event, Session};

pub use host::EmbedApp;

/// What the host set up, for the page's lifetime.
struct EmbedState {
    /// The host page's origin: the only one messages are sent to and taken from.
    parent: String,
    /// Set by the host's `init`.
    work: Option<Work>,
}

struct Work {
    job: String,
    /// Whether the host named the job (else `job` is made up from the image URLs).
    named: bool,
    /// The answer's key (`boundingBox` unless the host named another).
    name: String,
    token: Option<String>,
    instructions: String,
    categories: Vec<CocoCategory>,
    /// The host's tasks; `None` when the tasks come from a crowdbox server job.
    tasks: Option<Vec<Task>>,
    done: Vec<u64>,
}

thread_local! {
    static STATE: RefCell<Option<EmbedState>> = const { RefCell::new(None) };
}

fn with_state<T>(f: impl FnOnce(&mut EmbedState) -> T) -> Option<T> {
    STATE.with(|s| s.borrow_mut().as_mut().map(f))
}

fn with_work<T>(f: impl FnOnce(&mut Work) -> T) -> Option<T> {
    with_state(|s| s.work.as_mut().map(f)).flatten()
}

/// The host origin named by the address (`?embed=…`), checked; `None` when the app is not embedded.
pub fn parent_from_page() -> Option<Result<String, EmbedError>> {
    let search = web_sys::window()?.location().search().ok()?;
    let value = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("embed")?;
    Some(protocol::parse_origin(&value))
}

/// Whether the app runs embedded and the host's `init` has arrived.
pub fn is_active() -> bool {
    with_work(|_| ()).is_some()
}

/// Whether the work is embedded and the host gave it no `job` name.
pub fn job_is_unnamed() -> bool {
    with_work(|w| !w.named).unwrap_or(false)
}

/// The bearer token the host handed over (sent as the invite to the crowdbox server).
pub fn token() -> Option<String> {
    with_work(|w| w.token.clone()).flatten()
}

/// The embedded "lease": every host task not submitted yet. `None` when not embedded or when the tasks come
/// from a server job (then the app leases from the server as usual).
pub fn lease() -> Option<TaskBatch> {
    with_work(|w| {
        let tasks = w.tasks.as_ref()?;
        Some(protocol::batch(
            &w.job,
            &w.instructions,
            &w.categories,
            tasks,
            &w.done,
        ))
    })
    .flatten()
}

/// Sends `message` to the host page (to its origin only; never `*`).
pub fn post(message: &AppMessage) {
    let Some(parent) = with_state(|s| s.parent.clone()) else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(target)) = window.parent() else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(&message.to_json()) {
        let _ = target.post_message(&value, &parent);
    }
}

fn post_error(code: &str, e: &EmbedError) {
    post(&AppMessage::error(code, e));
}

/// `{ <name>: answer }` for a result, or the reason there is none.
fn answer_of(result: &CocoResult) -> Result<protocol::NamedAnswer, EmbedError> {
    let name = with_work(|w| w.name.clone()).unwrap_or_else(|| DEFAULT_ANSWER_NAME.to_owned());
    let answer = protocol::crowd_answer(result)?;
    Ok(protocol::named_answer(&name, answer))
}

/// Sets the host's `--cb-*` variables (already checked) on the page.
fn apply_theme(theme: &Theme) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(root) = root {
        let style = root.style();
        for (name, value) in protocol::app_variables(theme) {
            let _ = style.set_property(name, &value);
        }
    }
}

/// Called by the task view for every task: while embedded, tells the host about the boxes as they change (at
/// most every 250 ms, and only when the boxes did change).
pub fn watch_editor(task: &Task, editor: RwSignal<Editor>) {
    if !is_active() {
        return;
    }
    let task_id = task.task_id;
    let image = task.image.clone();
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |last: Option<CocoResult>| {
        let result = editor.with(|e| e.to_coco_result(&image));
        if last
            .as_ref()
            .is_none_or(|l| l.annotations == result.annotations)
        {
            return result;
        }
        if let Some(Some(old)) = timer.try_get_value() {
            old.clear();
        }
        let sent = result.clone();
        let handle = set_timeout_with_handle(
            move || {
                timer.try_set_value(None);
                match answer_of(&sent) {
                    Ok(answer) => post(&AppMessage::Changed { task_id, answer }),
                    Err(e) => post_error("answer_failed", &e),
                }
            },
            Duration::from_millis(250),
        );
        timer.set_value(handle.ok());
        result
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = timer.try_get_value() {
            handle.clear();
        }
    });
}

/// The volunteer submitted the task on screen: the host gets `submitted` (answer, COCO, outcome, change
/// record). Host tasks are then done; tasks from a server job also go to the server through the outbox.
pub fn submit(session: RwSignal<Session>, driver: Option<Driver>, task_answer: TaskAnswer) {
    let Some(task_id) = session.with_untracked(|s| s.current_task().map(|t| t.task_id)) else {
        return;
    };
    let answer = match answer_of(&task_answer.result) {
        Ok(answer) => answer,
        Err(e) => {
            post_error("answer_failed", &e);
            session.update(|s| {
                s.apply(Event::Announced(e.to_string()));
            });
            return;
        }
    };
    let from_server = with_work(|w| w.tasks.is_none()).unwrap_or(false);
    let (submission_json, remaining) = if from_server {
        let Some(driver) = driver else {
            return;
        };
        driver.submit(task_answer);
        // What the outbox holds for the task: the very bytes the server gets.
        let Some(body) = driver.sync.with_untracked(|s| {
            s.outbox
                .entries
                .iter()
                .rev()
                .find(|e| task_of(&e.body) == Some(task_id))
                .map(|e| e.body.clone())
        }) else {
            // The outbox refused it and said why in the status line; the task stays on screen.
            return;
        };
        let queued = driver.queued_tasks();
        let remaining = session.with_untracked(|s| {
            s.batch_task_ids()
                .iter()
                .filter(|t| !queued.contains(t))
                .count()
        });
        (body, remaining)
    } else {
        let now = crate::clock::page_ms();
        let prepared = session.with_untracked(|s| {
            let key = s.draft_key()?;
            let id = submission_id_for(&LocalDrafts, &key);
            Some((key, s.prepare_submission(task_answer, now, id)?))
        });
        let Some((key, submission)) = prepared else {
            return;
        };
        LocalDrafts.remove(&key);
        let done = with_work(|w| {
            if !w.done.contains(&task_id) {
                w.done.push(task_id);
            }
            w.done.clone()
        })
        .unwrap_or_default();
        session.update(|s| {
            s.apply(Event::Submitted {
                now_ms: now,
                queued: &done,
            });
        });
        let remaining =
            with_work(|w| w.tasks.as_ref().map_or(0, Vec::len) - w.done.len()).unwrap_or(0);
        (
            serde_json::to_string(&submission).unwrap_or_default(),
            remaining,
        )
    };
    post(&AppMessage::Submitted {
        task_id,
        answer,
        submission_json,
        remaining,
    });
}

/// The work an `init` describes, once every task has its image size.
fn install_work(init: &Init, tasks: Option<Vec<Task>>, job: String) {
    let work = Work {
        job,
        named: init.job.is_some(),
        name: init
            .name
            .clone()
            .unwrap_or_else(|| DEFAULT_ANSWER_NAME.to_owned()),
        token: init.token.clone(),
        instructions: protocol::instructions(init),
        categories: protocol::categories(&init.labels),
        tasks,
        done: Vec::new(),
    };
    with_state(|s| s.work = Some(work));
}
