//! Panels loaded when first wanted. With the `lazy` feature each builder below is a split point: its code (and
//! what only it uses) is in a wasm chunk of its own that the browser fetches the first time the panel is wanted
//! (or when [`preload_panels`] asks), so a volunteer's first load does not carry it. Without the feature the
//! builders are plain calls. A chunk that cannot be fetched (no network) gives an alert with a retry, never a
//! broken page: the split loader's failure is an `Err`, not a panic.

use std::future::Future;

use crowdbox_core::editor::Editor;
use leptos::prelude::*;

use crate::components::instructions::FullInstructions;
use crate::components::shortcut_help::ShortcutHelp;
use crate::components::verify_panel::{VerifyPanel, VerifyPanelProps};
use crate::strings::Wording;

/// A panel's chunk could not be fetched; asking again fetches it anew.
#[derive(Clone, Copy, Debug)]
pub struct PanelUnavailable;

impl From<leptos::wasm_split::SplitLoaderError> for PanelUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// When a panel is wanted: when a dialog's `open` first turns true, or at once.
#[derive(Clone, Copy)]
pub enum Wanted {
    Opened(RwSignal<bool>),
    AtOnce,
}

/// Mounts what `build` makes from the first time the panel is wanted, and keeps it mounted after (a dialog
/// closes itself; unmounting it would lose where focus goes back to). If its chunk cannot be fetched, an alert
/// with "Try again" stands in its place and a dialog's `open` goes back to false, so the page's keys work again;
/// opening the dialog again (or "Try again") fetches the chunk anew.
pub fn load_when<Fut>(
    wanted: Wanted,
    build: impl Fn() -> Fut + Send + Sync + 'static,
) -> impl IntoView
where
    Fut: Future<Output = Result<AnyView, PanelUnavailable>> + Send + 'static,
{
    let w = Wording::current();
    let ever = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false)
            || match wanted {
                Wanted::Opened(open) => open.get(),
                Wanted::AtOnce => true,
            }
    });
    let attempt = RwSignal::new(0_u32);
    let failed = RwSignal::new(false);
    let retry = move || {
        failed.set(false);
        attempt.update(|n| *n += 1);
    };
    if let Wanted::Opened(open) = wanted {
        Effect::new(move |_| {
            if open.get() && failed.get_untracked() {
                retry();
            }
        });
    }
    let try_again = move |_| match wanted {
        Wanted::Opened(open) => open.set(true),
        Wanted::AtOnce => retry(),
    };
    move || {
        attempt.track();
        ever.get().then(|| {
            let loading = build();
            Suspend::new(async move {
                match loading.await {
                    Ok(panel) => panel,
                    Err(PanelUnavailable) => {
                        failed.set(true);
                        if let Wanted::Opened(open) = wanted {
                            open.set(false);
                        }
                        view! {
                            <div class="error panel-unavailable" role="alert">
                                <p>{w.text("panel_unavailable")}</p>
                                <button type="button" class="secondary" on:click=try_again>
                                    {w.text("try_again")}
                                </button>
                            </div>
                        }
                        .into_any()
                    }
                }
            })
        })
    }
}

/// Fetches the dialogs' chunks, so that they open at once when asked for; called when an image is on screen (a
/// chunk is fetched once: later calls find it loaded, and one that failed is tried again when next wanted). The
/// verify list is fetched when a verify job's task view is built.
pub fn preload_panels() {
    #[cfg(feature = "lazy")]
    leptos::task::spawn_local(async {
        let _ = preload_shortcut_help().await;
        let _ = preload_full_instructions().await;
    });
}

/// Declares the builder of a panel (or a console page): with the `lazy` feature a split point of its own name
/// (see the module documentation) and its preload function, without it an `async fn` that builds it at once.
macro_rules! split_panel {
    ($(#[$doc:meta])* $name:ident, $preload:ident, ($($arg:ident: $ty:ty),* $(,)?) => $body:expr) => {
        $(#[$doc])*
        #[cfg(feature = "lazy")]
        #[leptos::wasm_split::wasm_split(
            $name,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload($preload)
        )]
        pub fn $name($($arg: $ty),*) -> Result<AnyView, $crate::components::later::PanelUnavailable> {
            Ok($body.into_any())
        }

        $(#[$doc])*
        #[cfg(not(feature = "lazy"))]
        pub async fn $name($($arg: $ty),*) -> Result<AnyView, $crate::components::later::PanelUnavailable> {
            Ok($body.into_any())
        }
    };
}
// The console declares its pages with it too (`src/console/pages.rs`).
#[cfg(feature = "console")]
pub(crate) use split_panel;

split_panel!(
    /// The key help and its remapping (?).
    shortcut_help, preload_shortcut_help, (open: RwSignal<bool>, editor: RwSignal<Editor>) =>
        view! { <ShortcutHelp open editor /> }
);

split_panel!(
    /// The full instructions from Markdown, with the job's example images (I).
    full_instructions, preload_full_instructions,
    (text: String, open: RwSignal<bool>, examples: Vec<(String, bool, String)>) =>
        view! { <FullInstructions text open examples /> }
);

split_panel!(
    /// A verify job's list of given boxes to accept or reject.
    verify_panel, preload_verify_panel, (props: VerifyPanelProps) => VerifyPanel(props)
);
