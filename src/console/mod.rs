//! The owner console (`/owner/`, its own bundle: `src/bin/crowdbox-console.rs`): sign-in with the owner token,
//! the job list, a job's page (progress, pace, class balance, workers, settings, uploads, invites, exports) and
//! the review screen. Views and browser calls only: what the console computes lives in
//! `crowdbox_core::console`.

mod api;
mod balance;
mod charts;
mod examples;
mod job_form;
mod job_page;
mod jobs;
mod pages;
mod review;
mod review_view;
mod settings;
mod upload;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crowdbox_core::owner::JobList;

use crate::components::later::{load_when, Wanted};

/// What the console shows; kept in the address's fragment (`#job=birds`), never with the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Page {
    Jobs,
    NewJob,
    Job(String),
    Review(String),
}

impl Page {
    fn from_hash(hash: &str) -> Self {
        let hash = hash.trim_start_matches('#');
        let value = |prefix: &str| {
            hash.strip_prefix(prefix)
                .map(|v| {
                    js_sys::decode_uri_component(v)
                        .ok()
                        .and_then(|s| s.as_string())
                        .unwrap_or_default()
                })
                .filter(|v| !v.is_empty())
        };
        if hash == "new" {
            Page::NewJob
        } else if let Some(job) = value("job=") {
            Page::Job(job)
        } else if let Some(job) = value("review=") {
            Page::Review(job)
        } else {
            Page::Jobs
        }
    }

    fn hash(&self) -> String {
        let encode = crowdbox_core::console::exports::encode;
        match self {
            Page::Jobs => String::new(),
            Page::NewJob => "#new".to_owned(),
            Page::Job(job) => format!("#job={}", encode(job)),
            Page::Review(job) => format!("#review={}", encode(job)),
        }
    }
}

/// What every part of the console reaches: the token and where it is.
#[derive(Clone, Copy)]
pub(crate) struct Owner {
    pub token: RwSignal<Option<String>>,
    pub page: RwSignal<Page>,
}

impl Owner {
    pub fn from_context() -> Self {
        use_context::<Owner>().expect("the console provides the owner context")
    }

    /// The token, or empty once signed out (requests then get 401 and sign out again).
    pub fn token(&self) -> String {
        self.token.get_untracked().unwrap_or_default()
    }

    pub fn go(&self, page: Page) {
        if let Some(window) = web_sys::window() {
            let hash = page.hash();
            let target = if hash.is_empty() {
                " ".to_owned()
            } else {
                hash
            };
            let _ = window.location().set_hash(target.trim());
        }
        self.page.set(page);
    }

    /// A refused token signs the console out, saying why.
    pub fn check(&self, error: &api::OwnerError) {
        if error.is_unauthorized() {
            api::store_token(None);
            self.token.set(None);
        }
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[component]
pub fn Console() -> impl IntoView {
    let owner = Owner {
        token: RwSignal::new(api::stored_token()),
        page: RwSignal::new(Page::from_hash(&current_hash())),
    };
    provide_context(owner);
    let hash_listener = window_event_listener(ev::hashchange, move |_| {
        let page = Page::from_hash(&current_hash());
        if owner.page.get_untracked() != page {
            owner.page.set(page);
        }
    });
    on_cleanup(move || hash_listener.remove());
    let sign_out = move |_| {
        api::store_token(None);
        owner.token.set(None);
    };
    view! {
        <div class="console-shell">
            <header class="topbar console-topbar">
                <h1>
                    <a href="#" on:click=move |ev| { ev.prevent_default(); owner.go(Page::Jobs); }>
                        "crowdbox owner console"
                    </a>
                </h1>
                <Show when=move || owner.token.with(Option::is_some)>
                    <button type="button" class="secondary" on:click=sign_out>"Sign out"</button>
                </Show>
            </header>
            {move || match (owner.token.get().is_some(), owner.page.get()) {
                (false, _) => view! { <SignIn /> }.into_any(),
                (true, Page::Jobs) => view! { <jobs::JobListPage /> }.into_any(),
                (true, Page::NewJob) => load_when(Wanted::AtOnce, pages::new_job_page).into_any(),
                (true, Page::Job(job)) => {
                    load_when(Wanted::AtOnce, move || pages::job_page(job.clone())).into_any()
                }
                (true, Page::Review(job)) => {
                    load_when(Wanted::AtOnce, move || pages::review_page(job.clone())).into_any()
                }
            }}
        </div>
    }
}

/// The sign-in form: the token is checked with `GET /api/jobs` before it is kept in the tab's session storage.
#[component]
fn SignIn() -> impl IntoView {
    let owner = Owner::from_context();
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let token = typed.get_untracked().trim().to_owned();
        if token.is_empty() {
            error.set(Some("Type the owner token.".to_owned()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = api::get::<JobList>(&token, "/api/jobs").await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    api::store_token(Some(&token));
                    error.set(None);
                    owner.token.set(Some(token));
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <main class="console-main sign-in">
            <form class="card" on:submit=submit aria-labelledby="sign-in-heading">
                <h2 id="sign-in-heading">"Sign in"</h2>
                <p>
                    "The owner token is what " <code>"crowdbox serve"</code>
                    " printed when it started. It is kept in this tab only, until the tab closes."
                </p>
                <label for="owner-token">"Owner token"</label>
                <input
                    id="owner-token"
                    type="password"
                    autocomplete="current-password"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button type="submit" disabled=move || busy.get()>"Sign in"</button>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </form>
        </main>
    }
}

/// A progress bar of a job: done, in progress, waiting and open, with the counts as text.
#[component]
pub(crate) fn ProgressBar(
    #[prop(into)] progress: Signal<crowdbox_core::owner::ProgressEvent>,
    #[prop(into)] label: String,
) -> impl IntoView {
    use crowdbox_core::console::pace::Segments;
    let segments = Memo::new(move |_| Segments::of(&progress.get()));
    let width = move |part: fn(&Segments) -> u64| {
        segments.with(|s| format!("width: {:.3}%", s.percent(part(s))))
    };
    let text = move || {
        segments.with(|s| {
            format!(
                "{} of {} done, {} in progress, {} waiting for another worker, {} open",
                s.done, s.total, s.in_progress, s.waiting, s.open
            )
        })
    };
    view! {
        <div class="job-progress">
            <div
                class="bar"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=move || segments.with(|s| s.total.to_string())
                aria-valuenow=move || segments.with(|s| s.done.to_string())
                aria-valuetext=text
            >
                <span class="seg done" style=move || width(|s| s.done)></span>
                <span class="seg in-progress" style=move || width(|s| s.in_progress)></span>
                <span class="seg waiting" style=move || width(|s| s.waiting)></span>
            </div>
            <p class="bar-legend">{text}</p>
        </div>
    }
}
