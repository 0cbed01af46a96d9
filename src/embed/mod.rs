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

use std::time::Duration;

use crowdbox_core::coco::CocoCategory;
use crowdbox_core::editor::Editor;
use crowdbox_core::embed::{
    self as protocol, AppMessage, EmbedError, Init, Theme, DEFAULT_ANSWER_NAME,
};
use crowdbox_core::wire::{CocoResult, Task, TaskBatch};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::outbox_driver::Driver;
use crowdbox_core::worker::Session;

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
    /// Where the crowdbox API lives (the host's `api_base` without a trailing `/`; empty = this page's origin).
    api_base: String,
    instructions: String,
    categories: Vec<CocoCategory>,
    /// The host's tasks; `None` when the tasks come from a crowdbox server job.
    tasks: Option<Vec<Task>>,
    done: Vec<u64>,
}

/// The embedding for the page's lifetime: made by [`EmbedApp`], handed to the worker's page as its
/// [`crate::work_source::WorkSource`]. Cheap to copy into event handlers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Embed(StoredValue<EmbedState>);

/// The host origin named by the address (`?embed=…`), checked; `None` when the app is not embedded.
pub fn parent_from_page() -> Option<Result<String, EmbedError>> {
    let search = web_sys::window()?.location().search().ok()?;
    let value = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("embed")?;
    Some(protocol::parse_origin(&value))
}

impl Embed {
    fn new(parent: String) -> Self {
        Self(StoredValue::new(EmbedState { parent, work: None }))
    }

    fn with_state<T>(self, f: impl FnOnce(&mut EmbedState) -> T) -> Option<T> {
        self.0.try_update_value(f)
    }

    fn with_work<T>(self, f: impl FnOnce(&mut Work) -> T) -> Option<T> {
        self.with_state(|s| s.work.as_mut().map(f)).flatten()
    }

    /// Whether the host's `init` has arrived.
    fn has_work(self) -> bool {
        self.with_work(|_| ()).is_some()
    }

    /// Whether the host gave the work a `job` name (else the job has a made-up name, not shown).
    pub fn job_is_named(self) -> bool {
        self.with_work(|w| w.named).unwrap_or(false)
    }

    /// The bearer token the host handed over (sent as the invite to the crowdbox server).
    pub fn token(self) -> Option<String> {
        self.with_work(|w| w.token.clone()).flatten()
    }

    /// Where the crowdbox API lives (empty: the origin that served the app).
    pub fn api_base(self) -> String {
        self.with_work(|w| w.api_base.clone()).unwrap_or_default()
    }

    /// Whether the tasks come from a crowdbox server job (then submissions go through the outbox).
    pub fn from_server(self) -> bool {
        self.with_work(|w| w.tasks.is_none()).unwrap_or(false)
    }

    /// The embedded "lease": every host task not submitted yet. `None` when the tasks come from a server job
    /// (then the app leases from the server as usual).
    pub fn lease(self) -> Option<TaskBatch> {
        self.with_work(|w| {
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

    /// A host task was submitted: it is done. Answers every done task.
    pub fn mark_done(self, task_id: u64) -> Vec<u64> {
        self.with_work(|w| {
            if !w.done.contains(&task_id) {
                w.done.push(task_id);
            }
            w.done.clone()
        })
        .unwrap_or_default()
    }

    /// Sends `message` to the host page (to its origin only; never `*`).
    pub fn post(self, message: &AppMessage) {
        let Some(parent) = self.with_state(|s| s.parent.clone()) else {
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

    fn post_error(self, code: &str, e: &EmbedError) {
        self.post(&AppMessage::error(code, e));
    }

    /// `{ <name>: answer }` for a result, or the reason there is none (the host is told it too).
    pub fn answer_of(self, result: &CocoResult) -> Result<protocol::NamedAnswer, EmbedError> {
        let name = self
            .with_work(|w| w.name.clone())
            .unwrap_or_else(|| DEFAULT_ANSWER_NAME.to_owned());
        let answer =
            protocol::crowd_answer(result).inspect_err(|e| self.post_error("answer_failed", e))?;
        Ok(protocol::named_answer(&name, answer))
    }

    /// For every task on screen: tells the host about the boxes as they change (at most every 250 ms, and only
    /// when the boxes did change).
    pub fn watch_editor(self, task: &Task, editor: RwSignal<Editor>) {
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
                    if let Ok(answer) = self.answer_of(&sent) {
                        self.post(&AppMessage::Changed { task_id, answer });
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

    /// After a task's submission: the host gets `submitted` (answer, the submission as sent or kept, and how
    /// many tasks are left).
    pub fn submitted(
        self,
        session: RwSignal<Session>,
        driver: Driver,
        task_id: u64,
        answer: protocol::NamedAnswer,
        submission_json: String,
    ) {
        let remaining = if self.from_server() {
            let queued = driver.queued_tasks();
            session.with_untracked(|s| {
                s.batch_task_ids()
                    .iter()
                    .filter(|t| !queued.contains(t))
                    .count()
            })
        } else {
            self.with_work(|w| w.tasks.as_ref().map_or(0, Vec::len) - w.done.len())
                .unwrap_or(0)
        };
        match AppMessage::submitted(task_id, answer, submission_json, remaining) {
            Ok(message) => self.post(&message),
            Err(e) => self.post_error("answer_failed", &e),
        }
    }

    /// The work an `init` describes, once every task has its image size.
    fn install_work(self, init: &Init, tasks: Option<Vec<Task>>, job: String) {
        let work = Work {
            job,
            named: init.job.is_some(),
            name: init
                .name
                .clone()
                .unwrap_or_else(|| DEFAULT_ANSWER_NAME.to_owned()),
            token: init.token.clone(),
            api_base: init
                .api_base
                .as_deref()
                .map_or_else(String::new, |b| b.trim_end_matches('/').to_owned()),
            instructions: protocol::instructions(init),
            categories: protocol::categories(&init.labels),
            tasks,
            done: Vec::new(),
        };
        self.with_state(|s| s.work = Some(work));
    }
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
