//! The owner console's browser entry point: mounts [`crowdbox_app::console::Console`]. Built from
//! `owner/index.html` into `dist/owner/` by scripts/tools.sh build_frontend, its own bundle (split: the pages after
//! the job list load when first opened), so the volunteer app's first load does not grow.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(crowdbox_app::console::Console);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "crowdbox-console runs in a browser: build it with scripts/tools.sh build_frontend and serve dist/"
    );
    std::process::exit(2);
}
