//! The WASM entry point. Pages are rendered by the server; the client brings only the
//! interactive parts of a page, `app`'s islands, to life (Leptos' islands mode). The island
//! script in the page calls `hydrate` and then each island's own hydration function.

// Nothing here names `app`, but its islands' exported hydration functions must be linked in.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; the release client leaves out the
    // formatting code they need (the download is the cost).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
