//! The WASM entry point: hydrates the server-rendered page. All components live in `app`.

// The post page's view type nests deeply (Leptos encodes the whole tree in types); the
// release build's layout computation needs more than the default 128 levels.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; the release client leaves out the
    // formatting code they need (the download is the cost).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
