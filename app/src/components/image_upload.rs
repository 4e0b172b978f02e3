//! The editor's "Upload image" form: sends a picture to `POST /api/images` and offers its
//! address as the cover or as Markdown at the end of the body.
//!
//! With JavaScript the form is sent in the background and the buttons fill the editor's
//! fields (`field-cover_url`, `field-body`). Without it, it is a plain multipart form post:
//! the server redirects back here with `?uploaded=<address>` (or `?upload_error=<code>`), and
//! the address is shown to copy — what was typed in the editor and not yet saved is lost then,
//! so upload first.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::{image_markdown, is_image_path, UploadProblem};

#[component]
pub fn ImageUpload() -> impl IntoView {
    let query = use_query_map();
    let (uploaded, error) = query.with_untracked(|q| {
        (
            q.get("uploaded").filter(|url| is_image_path(url)),
            q.get("upload_error")
                .and_then(|code| UploadProblem::from_code(&code))
                .map(|problem| problem.message().to_owned()),
        )
    });
    view! { <ImageUploadForm uploaded error/> }
}

/// The form itself, an island: what a plain form post came back with is its starting state.
#[island]
fn ImageUploadForm(uploaded: Option<String>, error: Option<String>) -> impl IntoView {
    let uploaded = RwSignal::new(uploaded);
    let error = RwSignal::new(error);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<&'static str>);
    // Effects run only in the browser: the buttons that fill the editor need the script.
    let scripted = RwSignal::new(false);
    Effect::new(move || scripted.set(true));
    let alt = RwSignal::new(String::new());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            ev.prevent_default();
            done.set(None);
            client::upload(form, busy, uploaded, error);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let use_as_cover = move |_| {
        if let Some(url) = uploaded.get_untracked() {
            #[cfg(feature = "hydrate")]
            client::fill("field-cover_url", &url, false);
            #[cfg(not(feature = "hydrate"))]
            let _ = url;
            done.set(Some("Cover image URL set."));
        }
    };
    let insert_into_body = move |_| {
        if let Some(url) = uploaded.get_untracked() {
            let markdown = image_markdown(&alt.get_untracked(), &url);
            #[cfg(feature = "hydrate")]
            client::fill("field-body", &markdown, true);
            #[cfg(not(feature = "hydrate"))]
            let _ = markdown;
            done.set(Some("Image inserted at the end of the body."));
        }
    };

    view! {
        <section class="image-upload" aria-labelledby="image-upload-heading" data-live=move || scripted.get().then_some("")>
            <h2 id="image-upload-heading">"Images"</h2>
            <form method="post" action="/api/images" enctype="multipart/form-data" on:submit=on_submit>
                <div class="field">
                    <label for="image-file">"Image file"</label>
                    <p class="hint" id="image-file-hint">
                        "PNG, JPEG, GIF or WebP, at most 5 MiB. Without JavaScript, upload before typing: the page reloads."
                    </p>
                    <input
                        id="image-file"
                        type="file"
                        name="image"
                        accept="image/png,image/jpeg,image/gif,image/webp"
                        required
                        aria-describedby="image-file-hint"
                    />
                </div>
                <div class="field">
                    <label for="image-alt">"Image description (alt text)"</label>
                    <p class="hint" id="image-alt-hint">"Optional. Used when the image is inserted into the body."</p>
                    <input
                        id="image-alt"
                        type="text"
                        name="alt"
                        maxlength="300"
                        aria-describedby="image-alt-hint"
                        on:input=move |ev| alt.set(event_target_value(&ev))
                    />
                </div>
                <div class="form-actions">
                    <button type="submit" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                        "Upload image"
                    </button>
                    <Show when=move || busy.get()>
                        <span class="progress" role="status">"Uploading…"</span>
                    </Show>
                </div>
                {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            </form>
            {move || uploaded.get().map(|url| view! {
                <div class="uploaded-image">
                    <label for="image-url">"Uploaded image address"</label>
                    <input id="image-url" type="text" readonly value=url.clone()/>
                    <Show
                        when=move || scripted.get()
                        fallback=|| view! {
                            <p class="hint">"Copy it into \u{201c}Cover image URL\u{201d}, or into the body as ![description](address)."</p>
                        }
                    >
                        <div class="form-actions">
                            <button type="button" on:click=use_as_cover>"Use as cover"</button>
                            <button type="button" on:click=insert_into_body>"Insert into body"</button>
                        </div>
                    </Show>
                    {move || done.get().map(|text| view! { <p class="hint" role="status">{text}</p> })}
                </div>
            })}
        </section>
    }
}

#[cfg(feature = "hydrate")]
pub(super) mod client {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys;

    use crate::domain::UploadProblem;

    #[derive(serde::Deserialize)]
    struct Answer {
        url: Option<String>,
        error: Option<String>,
    }

    pub fn upload(
        form: web_sys::HtmlFormElement,
        busy: RwSignal<bool>,
        uploaded: RwSignal<Option<String>>,
        error: RwSignal<Option<String>>,
    ) {
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            error.set(Some("The form could not be read.".into()));
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = send(data).await;
            busy.set(false);
            match result {
                Ok(url) => {
                    uploaded.set(Some(url));
                    form.reset();
                }
                Err(message) => error.set(Some(message)),
            }
        });
    }

    async fn send(data: web_sys::FormData) -> Result<String, String> {
        let network = |_| crate::error::AppError::Network.to_string();
        let response = gloo_net::http::Request::post("/api/images")
            .header("Accept", "application/json")
            .body(data)
            .map_err(network)?
            .send()
            .await
            .map_err(network)?;
        let status = response.status();
        // The body-size layer answers 413 in plain text, before the upload sees the request.
        let answer = response.json::<Answer>().await.ok();
        match answer {
            Some(Answer { url: Some(url), .. }) if response.ok() => Ok(url),
            Some(Answer {
                error: Some(message),
                ..
            }) => Err(message),
            _ if status == 413 => Err(UploadProblem::TooLarge.message().to_owned()),
            _ => Err(crate::error::AppError::unexplained().to_string()),
        }
    }

    /// Puts `text` into the editor's field `id` (after what is there, when `append`), and
    /// tells the page it changed, as typing would (the body's preview follows).
    pub fn fill(id: &str, text: &str, append: bool) {
        let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        else {
            return;
        };
        let joined = |current: String| {
            if !append || current.trim().is_empty() {
                text.to_owned()
            } else {
                format!("{}\n\n{text}\n", current.trim_end())
            }
        };
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_value(&joined(input.value()));
        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(&joined(area.value()));
        }
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
            let _ = element.dispatch_event(&event);
        }
    }
}
