//! Where the volunteer is: the task within the batch and the job as a whole.

use leptos::prelude::*;

use crowdbox_core::worker::Session;

#[component]
pub fn Progress(session: RwSignal<Session>) -> impl IntoView {
    let task = move || session.with(Session::task_progress);
    let job = move || session.with(Session::job_progress);
    view! {
        <p class="progress">
            <Show when=move || task().is_some()>
                <span id="task-progress">{move || task().unwrap_or_default()}</span>
            </Show>
            <Show when=move || job().is_some()>
                <span id="job-progress">{move || job().unwrap_or_default()}</span>
            </Show>
        </p>
    }
}
