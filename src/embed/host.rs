//! The host page's side of the conversation: the `message` listener (origin and source checked), and the page
//! shown until the host's `init` has arrived.

use crowdbox_core::embed::{self as protocol, AppMessage, EmbedError, HostMessage, HostTask, Init};
use crowdbox_core::wire::Task;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{apply_theme, Embed};
use crate::app::{loading_view, Loading};
use crate::page_images::{image_size, resolve};
use crate::strings::Wording;
use crate::work_source::WorkSource;

/// [`Wording`] keys.
const WAITING: &str = "embed_waiting";
const FAILED: &str = "embed_failed";

/// The data of a message as JSON text (hosts may post an object or a JSON string).
fn message_text(data: &wasm_bindgen::JsValue) -> Option<String> {
    data.as_string()
        .or_else(|| js_sys::JSON::stringify(data).ok()?.as_string())
}

/// Whether `event` comes from the host page: its origin and the very window that framed this one.
fn from_parent(event: &web_sys::MessageEvent, parent: &str) -> Result<(), String> {
    if event.origin() != parent {
        return Err(format!(
            "A message from {} was ignored: only {parent} may send messages to this app.",
            event.origin()
        ));
    }
    let parent_window = web_sys::window().and_then(|w| w.parent().ok().flatten());
    match (event.source(), parent_window) {
        (Some(source), Some(parent_window)) if js_sys::Object::is(&source, &parent_window) => {
            Ok(())
        }
        _ => Err("A message from another window than the host page was ignored.".to_owned()),
    }
}

/// A job name that keeps these tasks' drafts apart from other hosts' (FNV-1a of the image URLs).
fn job_name_for(tasks: &[HostTask]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in tasks.iter().flat_map(|t| t.src.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("embedded-{hash:016x}")
}

/// The host's tasks with absolute image URLs (relative ones are relative to the host's origin) and their sizes
/// (decoded when the host did not give them); numbered from `first_id`.
async fn resolve_tasks(
    embed: Embed,
    host_tasks: &[HostTask],
    parent: &str,
    first_id: u64,
    path: &str,
) -> Result<Vec<Task>, EmbedError> {
    let base = format!("{parent}/");
    let mut resolved = Vec::with_capacity(host_tasks.len());
    let mut sizes = Vec::with_capacity(host_tasks.len());
    for (i, task) in host_tasks.iter().enumerate() {
        let field = format!("{path}[{i}].src");
        let src = resolve(task.src.trim(), &base).map_err(|e| EmbedError {
            message: e,
            field: Some(field.clone()),
        })?;
        let size = if task.width > 0 && task.height > 0 {
            (task.width, task.height)
        } else {
            image_size(&src).await.map_err(|e| EmbedError {
                message: e,
                field: Some(field),
            })?
        };
        resolved.push(HostTask {
            src,
            ..task.clone()
        });
        sizes.push(size);
    }
    let categories = embed
        .with_work(|w| w.categories.clone())
        .unwrap_or_default();
    protocol::tasks(&resolved, &sizes, &categories, first_id, path)
}

/// Sets up the work an `init` describes; the page shows it once its images are known.
fn start(embed: Embed, wording: Wording, init: Init, parent: String, state: RwSignal<Loading>) {
    apply_theme(&init.theme);
    wording.replace(init.strings.clone());
    if init.tasks.is_empty() {
        // Tasks from a crowdbox server job (checked: `init` has a job when it has no tasks).
        let job = init.job.clone().unwrap_or_default();
        embed.install_work(&init, None, job.clone());
        state.set(Loading::Ready(job, WorkSource::Embedded(embed)));
        return;
    }
    let job = init
        .job
        .clone()
        .unwrap_or_else(|| job_name_for(&init.tasks));
    // Installed first (without tasks yet) so the tasks are checked against its labels.
    embed.install_work(&init, Some(Vec::new()), job.clone());
    spawn_local(async move {
        match resolve_tasks(embed, &init.tasks, &parent, 1, "tasks").await {
            Ok(tasks) => {
                embed.with_work(|w| w.tasks = Some(tasks));
                state.set(Loading::Ready(job, WorkSource::Embedded(embed)));
            }
            Err(e) => {
                embed.with_state(|s| s.work = None);
                embed.post_error("bad_message", &e);
                state.set(Loading::Failed(FAILED, e.to_string()));
            }
        }
    });
}

/// The app in embedding mode: listens to the host page, and shows the work once the host sent it.
#[component]
pub fn EmbedApp(parent: Result<String, EmbedError>) -> impl IntoView {
    let state = RwSignal::new(Loading::Busy(WAITING));
    // The host's words, given to every view below (the worker's page is built once they are in).
    let wording = Wording::provide();
    let embed = Embed::new(parent.as_ref().cloned().unwrap_or_default());
    match parent {
        Err(e) => state.set(Loading::Failed(FAILED, e.message)),
        Ok(parent) => {
            let listener = window_event_listener(ev::message, move |event| {
                if let Err(why) = from_parent(&event, &parent) {
                    embed.post_error(
                        "wrong_origin",
                        &EmbedError {
                            message: why,
                            field: None,
                        },
                    );
                    return;
                }
                let parsed = message_text(&event.data())
                    .ok_or_else(|| EmbedError {
                        message: "The message could not be read as JSON.".to_owned(),
                        field: None,
                    })
                    .and_then(|text| protocol::parse_host_message(&text));
                match parsed {
                    Err(e) => {
                        // Until there is work, also shown on the page, so the host's author sees it.
                        if !embed.has_work() {
                            state.set(Loading::Failed(FAILED, e.to_string()));
                        }
                        embed.post_error("bad_message", &e);
                    }
                    Ok(HostMessage::Init(init)) => {
                        if embed.has_work() {
                            embed.post_error(
                                "already_started",
                                &EmbedError {
                                    message: "The app already has its work; reload the frame to start other work.".to_owned(),
                                    field: Some("type".to_owned()),
                                },
                            );
                        } else {
                            state.set(Loading::Busy(WAITING));
                            start(embed, wording, *init, parent.clone(), state);
                        }
                    }
                    Ok(HostMessage::SetTheme(theme)) => apply_theme(&theme),
                }
            });
            on_cleanup(move || listener.remove());
            embed.post(&AppMessage::Ready);
        }
    }
    loading_view(state)
}
