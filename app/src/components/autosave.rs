//! The editor's draft copies, kept from the browser: every five seconds while the text
//! changes, and when the tab is hidden or closed, the editor's fields go to the server as the
//! writer's draft copy (`api::autosave_post`); the page offers a kept copy back the next time
//! (`pages::editor`).
//!
//! The server cannot take a copy when the session has expired or the network is gone, so
//! every change is also kept in this browser's `localStorage`, under the post's address. When
//! the editor opens again with text there that is neither what is saved nor the server's
//! copy, this offers it back too.

use leptos::prelude::*;

/// Sits inside the editor's form, with a status line saying when the last copy was kept.
/// `server_copy_ms`: when the server's copy the page offers was kept (ms since the epoch),
/// so an older copy in this browser is not offered twice.
#[island]
pub fn Autosave(slug: String, server_copy_ms: Option<i64>) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let offer = RwSignal::new(None::<String>);
    let anchor = NodeRef::<leptos::html::Div>::new();
    let key = StoredValue::new(storage_key(&slug));
    // Marks it live once the client runs (effects run only in the browser).
    let (live, set_live) = signal(false);
    Effect::new(move || set_live.set(true));
    #[cfg(feature = "hydrate")]
    {
        let started = StoredValue::new(false);
        Effect::new(move || {
            if let (Some(element), false) = (anchor.get(), started.get_value()) {
                started.set_value(true);
                client::start(element, key.get_value(), server_copy_ms, status, offer);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (server_copy_ms, key);
    let restore = move |_| {
        #[cfg(feature = "hydrate")]
        client::restore(&key.get_value(), status);
        offer.set(None);
    };
    let discard = move |_| {
        #[cfg(feature = "hydrate")]
        client::forget(&key.get_value());
        offer.set(None);
    };
    view! {
        <div class="autosave" node_ref=anchor data-live=move || live.get().then_some("")>
            <Show when=move || offer.get().is_some()>
                <div class="notice autosave-offer" role="region" aria-label="Text kept in this browser">
                    <p>{move || format!(
                        "Text you typed in this browser ({}) was not saved.",
                        offer.get().unwrap_or_default()
                    )}</p>
                    <button type="button" on:click=restore>"Restore it"</button>
                    " "
                    <button type="button" class="secondary" on:click=discard>"Discard it"</button>
                </div>
            </Show>
            <p class="autosave-status hint" role="status">{move || status.get()}</p>
        </div>
    }
}

/// Where this browser keeps the copy of the post at `slug` (empty: a new post).
fn storage_key(slug: &str) -> String {
    if slug.is_empty() {
        "quire-draft:new".to_owned()
    } else {
        format!("quire-draft:{slug}")
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys;

    use crate::error::AppError;

    /// What a copy holds: the form's fields by name, in this order.
    const FIELDS: [&str; 7] = [
        "slug",
        "revision",
        "title",
        "subtitle",
        "cover_url",
        "tags",
        "body",
    ];
    /// Marks kept beside the fields in this browser's copy.
    const AT: &str = "kept_at";
    const SYNCED: &str = "synced";
    const SUBMITTED: &str = "submitted";
    const EVERY: Duration = Duration::from_secs(5);
    const ENDPOINT: &str = "/api/posts/autosave";

    struct Editor {
        form: web_sys::HtmlFormElement,
        key: String,
        /// The fields as last kept on the server (at first: as the page showed them).
        sent: String,
        sending: bool,
        /// The server's last answer was "log in": a submit now fails the same way, so its
        /// text is not taken as saved.
        logged_out: bool,
    }

    type Shared = Rc<RefCell<Editor>>;

    pub fn start(
        anchor: web_sys::HtmlDivElement,
        key: String,
        server_copy_ms: Option<i64>,
        status: RwSignal<String>,
        offer: RwSignal<Option<String>>,
    ) {
        let Some(form) = anchor
            .closest("form")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Some(shown) = fields(&form) else { return };
        offer.set(offered(&key, &shown, server_copy_ms));
        let editor: Shared = Rc::new(RefCell::new(Editor {
            form: form.clone(),
            key,
            sent: shown.to_string().into(),
            sending: false,
            logged_out: false,
        }));

        let ticking = editor.clone();
        set_interval(move || send(&ticking, status), EVERY);

        // Every change goes to this browser's copy at once: a crash loses nothing.
        let typing = editor.clone();
        listen(&form, "input", move || {
            keep_here(&typing.borrow(), false, false)
        });
        // What is submitted is not sent again as a copy when the page goes: a save that
        // goes through drops the copy, and one that fails shows the text again.
        let submitting = editor.clone();
        listen(&form, "submit", move || {
            let mut editor = submitting.borrow_mut();
            keep_here(&editor, false, !editor.logged_out);
            if let Some(params) = fields(&editor.form) {
                editor.sent = params.to_string().into();
            }
        });
        // Hidden (another tab, the window minimized) or gone (closed, navigated away): the
        // last chance to send, with a beacon, which the browser delivers after the page went.
        let hiding = editor.clone();
        if let Some(document) = window().document() {
            let doc = document.clone();
            listen(&document, "visibilitychange", move || {
                if doc.visibility_state() == web_sys::VisibilityState::Hidden {
                    beacon(&hiding);
                }
            });
        }
        let leaving = editor;
        listen(&window(), "pagehide", move || beacon(&leaving));
    }

    fn listen(target: &web_sys::EventTarget, event: &str, handler: impl FnMut() + 'static) {
        let closure = Closure::<dyn FnMut()>::new(handler);
        if target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .is_ok()
        {
            // Lives as long as the page: the editor never goes away without it.
            closure.forget();
        }
    }

    fn fields(form: &web_sys::HtmlFormElement) -> Option<web_sys::UrlSearchParams> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        let params = web_sys::UrlSearchParams::new().ok()?;
        for name in FIELDS {
            params.append(name, &data.get(name).as_string().unwrap_or_default());
        }
        Some(params)
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    /// This browser's copy, split into the fields and (kept at, synced, submitted).
    fn kept_here(key: &str) -> Option<(web_sys::UrlSearchParams, f64, bool, bool)> {
        let stored = storage()?.get_item(key).ok()??;
        let params = web_sys::UrlSearchParams::new_with_str(&stored).ok()?;
        let at = params.get(AT)?.parse().ok()?;
        let synced = params.get(SYNCED).as_deref() == Some("1");
        let submitted = params.get(SUBMITTED).as_deref() == Some("1");
        for mark in [AT, SYNCED, SUBMITTED] {
            params.delete(mark);
        }
        Some((params, at, synced, submitted))
    }

    /// When this browser holds text the page does not show, and the server's copy (offered
    /// by the page) is not newer: when that text was typed, to offer it.
    fn offered(
        key: &str,
        shown: &web_sys::UrlSearchParams,
        server_copy_ms: Option<i64>,
    ) -> Option<String> {
        let (kept, at, synced, submitted) = kept_here(key)?;
        let revision = |p: &web_sys::UrlSearchParams| {
            p.get("revision")
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or_default()
        };
        // Submitted, and since then the post moved on (or, for a new post, exists): saved.
        let new_post = kept.get("slug").unwrap_or_default().is_empty();
        let saved_since = submitted && (new_post || revision(shown) > revision(&kept));
        let same = kept.to_string() == shown.to_string();
        let on_server = server_copy_ms.is_some_and(|ms| synced || at <= ms as f64);
        if same || saved_since {
            forget(key);
            return None;
        }
        if on_server {
            return None;
        }
        let date = js_sys::Date::new(&at.into());
        Some(format!(
            "{}, {}",
            String::from(date.to_locale_date_string("en-GB", &Default::default())),
            String::from(date.to_locale_time_string("en-GB"))
        ))
    }

    fn keep_here(editor: &Editor, synced: bool, submitted: bool) {
        let (Some(params), Some(storage)) = (fields(&editor.form), storage()) else {
            return;
        };
        params.append(AT, &js_sys::Date::now().to_string());
        params.append(SYNCED, if synced { "1" } else { "0" });
        params.append(SUBMITTED, if submitted { "1" } else { "0" });
        // A full storage leaves the server's copy: nothing to do but carry on.
        let _ = storage.set_item(&editor.key, &String::from(params.to_string()));
    }

    fn send(editor: &Shared, status: RwSignal<String>) {
        let Some(params) = fields(&editor.borrow().form) else {
            return;
        };
        let text: String = params.to_string().into();
        if editor.borrow().sending || text == editor.borrow().sent {
            return;
        }
        editor.borrow_mut().sending = true;
        keep_here(&editor.borrow(), false, false);
        let field = |name| params.get(name).unwrap_or_default();
        let call = crate::api::autosave_post(
            field("slug"),
            Some(field("revision")),
            field("title"),
            field("subtitle"),
            field("cover_url"),
            field("tags"),
            field("body"),
        );
        let editor = editor.clone();
        leptos::task::spawn_local(async move {
            let result = call.await;
            editor.borrow_mut().sending = false;
            editor.borrow_mut().logged_out = matches!(result, Err(AppError::Unauthorized));
            match result {
                Ok(at) => {
                    editor.borrow_mut().sent = text.clone();
                    let unchanged = fields(&editor.borrow().form)
                        .is_some_and(|now| now.to_string() == text.as_str());
                    if unchanged {
                        keep_here(&editor.borrow(), true, false);
                    }
                    status.set(format!("Draft copy kept at {at}."));
                }
                Err(AppError::Unauthorized) => status.set(
                    "Not kept on the server: you are logged out. What you type is kept in this \
                     browser; log in again in another tab and it is kept there too."
                        .into(),
                ),
                Err(e) => status.set(format!(
                    "Not kept on the server ({e}). What you type is kept in this browser."
                )),
            }
        });
    }

    fn beacon(editor: &Shared) {
        let Some(params) = fields(&editor.borrow().form) else {
            return;
        };
        let text: String = params.to_string().into();
        if text == editor.borrow().sent {
            return;
        }
        keep_here(&editor.borrow(), false, false);
        let sent = window()
            .navigator()
            .send_beacon_with_opt_url_search_params(ENDPOINT, Some(&params));
        // Queued: the server has it unless it refuses (logged out), and then this browser's
        // copy, marked unsynced, is offered instead.
        if sent.unwrap_or(false) {
            editor.borrow_mut().sent = text;
        }
    }

    /// Puts this browser's copy into the editor's fields.
    pub fn restore(key: &str, status: RwSignal<String>) {
        let Some((kept, _, _, _)) = kept_here(key) else {
            return;
        };
        for name in &FIELDS[1..] {
            if let Some(value) = kept.get(name) {
                super::super::image_upload::client::fill(&format!("field-{name}"), &value, false);
            }
        }
        status.set("The text kept in this browser is back in the editor. Save to keep it.".into());
    }

    pub fn forget(key: &str) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(key);
        }
    }
}
