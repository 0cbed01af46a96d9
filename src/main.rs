//! The browser entry point: mounts the app. Built by scripts/tools.sh build_frontend (see whole-app/index.html), for wasm32 only.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(crowdbox_app::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "crowdbox-app runs in a browser: build it with `trunk build --release` and serve dist/"
    );
    std::process::exit(2);
}
