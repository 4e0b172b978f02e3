//! What the editor says above its fields: a draft copy to restore, and a save refused
//! because someone saved the post since.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::DiscardAutosave;
use crate::components::{Difference, SubmitButton, Versions};
use crate::domain::PostDraft;
use crate::error::AppError;

/// "You have text from … that was not saved": restore it (the page again, with `?restore=1`,
/// so it works without JavaScript) or discard it. Once restored, says so instead; after a
/// failed save, which shows what was typed, says nothing.
#[component]
pub fn AutosaveNotice(
    draft: PostDraft,
    restored: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    if error.get_untracked().is_some() {
        return ().into_any();
    }
    let here = if draft.slug.is_empty() {
        "/admin/posts/new".to_owned()
    } else {
        format!("/posts/{}/edit", draft.slug)
    };
    let discard = ServerAction::<DiscardAutosave>::new();
    match draft.autosave {
        Some(copy) if restored => view! {
            <div class="notice" role="status">
                <p>{format!("Your unsaved text from {} is back in the editor. Save to keep it.", copy.saved_at)}</p>
            </div>
        }
        .into_any(),
        Some(copy) => view! {
            <section class="notice autosave-notice" aria-labelledby="autosave-heading">
                <h2 id="autosave-heading">"Unsaved text"</h2>
                <p>{format!(
                    "You were writing in this editor on {} and that text was not saved.",
                    copy.saved_at
                )}</p>
                <p><a href=format!("{here}?restore=1")>"Restore the unsaved text"</a></p>
                <ActionForm action=discard>
                    <input type="hidden" name="slug" value=draft.slug.clone()/>
                    <SubmitButton label="Discard the unsaved text"/>
                </ActionForm>
            </section>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// A save refused as stale: who saved the post meanwhile, and the difference between their
/// version (`draft`, as the page loaded it) and what was typed (echoed in `error`).
#[component]
pub fn StaleNotice(draft: PostDraft, error: Signal<Option<AppError>>) -> impl IntoView {
    let Some(error) = error.get_untracked() else {
        return ().into_any();
    };
    let Some(message) = error.for_field("revision") else {
        return ().into_any();
    };
    // Only a stale save echoes the text: a revision the post never had does not.
    if error.value("body").is_none() || !matches!(error, AppError::Conflict { .. }) {
        return view! { <p class="form-error" role="alert">{message}</p> }.into_any();
    }
    let typed = |field: &str| error.value(field).unwrap_or_default();
    let versions = Versions {
        names: ("the saved version".into(), "yours".into()),
        fields: vec![
            ("Title", draft.title.clone(), typed("title")),
            ("Subtitle", draft.subtitle.clone(), typed("subtitle")),
            (
                "Cover image URL",
                draft.cover_url.clone(),
                typed("cover_url"),
            ),
            ("Tags", draft.tags.clone(), typed("tags")),
        ],
        body: (draft.body.clone(), typed("body")),
    };
    view! {
        <section class="notice stale-notice" aria-labelledby="stale-heading">
            <h2 id="stale-heading">"Saved by someone else meanwhile"</h2>
            <p role="alert">{message}</p>
            <details open>
                <summary>"What differs between the saved post and your text"</summary>
                <Difference versions/>
            </details>
        </section>
    }
    .into_any()
}
