use leptos::prelude::*;

use crate::error::AppError;

/// The error of an action's last run, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A labelled input with its error message beside it. `value` is what to show in it (what was
/// typed, echoed back after a failed submit); pass none for passwords.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] echo: bool,
    /// Not required (the browser lets it be empty).
    #[prop(optional)]
    optional: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = Signal::derive(move || error.get().and_then(|e| e.for_field(name)));
    let value = move || {
        if echo {
            error.get().and_then(|e| e.value(name))
        } else {
            None
        }
    };
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=!optional
                value=value
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=described_by
            />
            {move || message.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// A message about the whole form (not one field), announced to screen readers.
#[component]
pub fn FormMessage(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|e| e.form_message())
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}

/// The submit button of the form it is in. The browser posts the form itself, so it works
/// without JavaScript; the page's script (`page_script.js`) disables the button and shows
/// "Working…" beside it while the browser waits for the answer.
#[component]
pub fn SubmitButton(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" aria-busy="false">{label}</button>
        </div>
    }
}

/// A small submit button styled as a link (log out, a comment's "Delete", "Hide"…), with an
/// accessible name of its own; disabled while its form is being posted, like `SubmitButton`.
#[component]
pub fn LinkButton(#[prop(into)] label: String, #[prop(into)] name: String) -> impl IntoView {
    view! {
        <button type="submit" class="link-button" aria-label=name aria-busy="false">
            {label}
        </button>
    }
}

/// Text for a `<textarea>`'s children. Tachys (0.2) writes a textarea's children into the
/// server's HTML unescaped, as if it were a `<script>`; text holding `</textarea>` would end
/// the element early and the rest would be parsed as markup: stored XSS through the editor,
/// and reflected XSS through any form that echoes what was typed. So the server escapes it
/// here (the browser decodes it back, textarea content being escapable text). In the browser
/// children become a DOM text node, which needs no escaping.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        html_escape::encode_double_quoted_attribute(&text).into_owned()
    } else {
        text
    }
}

/// The honeypot: a text field that people never see or reach, so never fill, and that bots
/// filling every field do. The server drops a submission that has it filled (answering as if
/// all went well). Moved off-screen by CSS rather than `type=hidden`, which bots skip; out of
/// the accessibility tree and the tab order; no label, so nothing can mistake it for a field
/// of the form; and no autofill.
#[component]
pub fn Honeypot() -> impl IntoView {
    view! {
        <div class="hp-field" aria-hidden="true">
            <input type="text" name=crate::domain::HONEYPOT_FIELD tabindex="-1" autocomplete="off" value=""/>
        </div>
    }
}
