//! The console's screens after the job list, each in a wasm chunk of its own in the split build (see
//! [`crate::components::later`]): the sign-in and the job list come first, a job's page, the new-job form and the
//! review screen (with its editor) when the owner first opens one.

use leptos::prelude::*;

use super::job_form::NewJobPage;
use super::job_page::JobPage;
use super::review::ReviewPage;
use crate::components::later::split_panel;

split_panel!(
    /// `New job`: the form.
    new_job_page, preload_new_job_page, () => view! { <NewJobPage /> }
);

split_panel!(
    /// A job's page: progress, pace, class balance, workers, settings, uploads, invites, exports.
    job_page, preload_job_page, (job: String) => view! { <JobPage job /> }
);

split_panel!(
    /// The review screen: the queue and the correction editor.
    review_page, preload_review_page, (job: String) => view! { <ReviewPage job /> }
);

/// Fetches the job page's chunk while the owner looks at the job list, so that opening a job is instant (a
/// chunk that failed is fetched again when the page is opened).
pub(crate) fn preload_job_page_soon() {
    #[cfg(feature = "lazy")]
    leptos::task::spawn_local(async {
        let _ = preload_job_page().await;
    });
}
