//! The entry point of a server job's volunteer app: mounts [`crowdbox_app::app::ServerJobApp`] only. Built by
//! trunk from `server-job/index.html` into `dist/server-job/`; the crowdbox server sends that page for `/` unless
//! the address asks for the embedding (`?embed=`) or a static site's job (`?static=`), so a server job's first
//! load carries neither mode's code. `dist/index.html` (bin `crowdbox-app`) stays the whole app, for static hosts
//! and embedding.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(crowdbox_app::app::ServerJobApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "crowdbox-server-job runs in a browser: build it with scripts/tools.sh build_frontend and serve dist/"
    );
    std::process::exit(2);
}
