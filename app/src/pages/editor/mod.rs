mod notices;

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::Restricted;
use crate::api::{
    load_new_post_draft, load_post_draft, mailing_progress, newsletter_reach, preview_post,
    CreatePost, UpdatePost,
};
use crate::components::{
    last_error, textarea_text, Autosave, FormMessage, ImageUpload, PageTitle, SubmitButton,
};
use crate::domain::{BodyFormat, PostDraft};
use crate::error::AppError;
use notices::{AutosaveNotice, StaleNotice};

/// Writing a new post (admin only).
#[component]
pub fn NewPostPage() -> impl IntoView {
    let action = ServerAction::<CreatePost>::new();
    let error = last_error(action.value());
    let draft = Resource::new(|| (), |_| load_new_post_draft());
    let restoring = restoring();
    view! {
        <PageTitle text="New post"/>
        <section class="editor-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Err(error) => {
                            #[cfg(feature = "ssr")]
                            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                                r.set_status(error.status());
                            }
                            view! { <Restricted error/> }.into_any()
                        }
                        Ok(draft) => { let label = if draft.can_publish { "Publish" } else { "Save" }; view! {
                            <h1>"New post"</h1>
                            <AutosaveNotice draft=draft.clone() restored=restoring error/>
                            // A form of its own (forms do not nest): see components::image_upload.
                            <ImageUpload/>
                            <ActionForm action>
                                <EditorFields draft=shown(draft, restoring) error/>
                                <SubmitButton label/>
                            </ActionForm>
                        }
                        .into_any() }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Editing a post (admin only).
#[component]
pub fn EditPostPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let action = ServerAction::<UpdatePost>::new();
    let error = last_error(action.value());
    let draft = Resource::new(slug, load_post_draft);
    let restoring = restoring();
    view! {
        <PageTitle text="Edit post"/>
        <section class="editor-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(draft) => view! {
                            <h1>"Edit post"</h1>
                            <p class="editor-links">
                                <a href=format!("/posts/{}/revisions", draft.slug)>{format!("Revisions (this is revision {})", draft.revision)}</a>
                            </p>
                            <AutosaveNotice draft=draft.clone() restored=restoring error/>
                            <StaleNotice draft=draft.clone() error/>
                            // A form of its own (forms do not nest): see components::image_upload.
                            <ImageUpload/>
                            <ActionForm action>
                                <input type="hidden" name="slug" value=draft.slug.clone()/>
                                <EditorFields draft=shown(draft, restoring) error/>
                                <SubmitButton label="Save"/>
                            </ActionForm>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Whether the page was asked to bring back the writer's draft copy (`?restore=1`).
fn restoring() -> bool {
    use_query_map().with_untracked(|q| q.get("restore").is_some())
}

/// What the fields start with: the draft copy when restoring one, else what is saved.
fn shown(draft: PostDraft, restoring: bool) -> PostDraft {
    if restoring {
        draft.restored()
    } else {
        draft
    }
}

/// Title, subtitle, cover and body, each with its error, and a live preview of the body.
#[component]
fn EditorFields(draft: PostDraft, error: Signal<Option<AppError>>) -> impl IntoView {
    // After a failed plain-HTML post the server echoes what was typed; else the draft's value.
    let value = move |field: &'static str, stored: String| {
        move || {
            error
                .get()
                .and_then(|e| e.value(field))
                .unwrap_or_else(|| stored.clone())
        }
    };
    let message = move |field: &'static str| move || error.get().and_then(|e| e.for_field(field));
    let body = error
        .get_untracked()
        .and_then(|e| e.value("body"))
        .unwrap_or_else(|| draft.body.clone());
    // The page is rendered on the server only; the client renders the preview as one types.
    let format = draft.body_format;
    #[cfg(feature = "ssr")]
    let preview = if body.trim().is_empty() {
        String::new()
    } else {
        crate::render::post_body_html(&body, format)
    };
    #[cfg(not(feature = "ssr"))]
    let preview = String::new();

    // On the edit page, the revision the text started from: a save from an older one than
    // the post's is refused. After a failed save, the one the server echoed.
    let revision = (!draft.slug.is_empty()).then(|| {
        error
            .get_untracked()
            .and_then(|e| e.value("revision"))
            .unwrap_or_else(|| draft.revision.to_string())
    });
    let server_copy_ms = draft.autosave.as_ref().map(|copy| copy.saved_at_ms);
    view! {
        {revision.map(|r| view! { <input type="hidden" id="field-revision" name="revision" value=r/> })}
        <FormMessage error/>
        <Autosave slug=draft.slug.clone() server_copy_ms/>
        <TextInput label="Title" name="title" value=Signal::derive(value("title", draft.title.clone())) message=Signal::derive(message("title"))/>
        <TextInput label="Subtitle" name="subtitle" value=Signal::derive(value("subtitle", draft.subtitle.clone())) message=Signal::derive(message("subtitle")) optional=true/>
        <TextInput label="Cover image URL" name="cover_url" value=Signal::derive(value("cover_url", draft.cover_url.clone())) message=Signal::derive(message("cover_url")) optional=true/>
        <TextInput label="Tags" name="tags" value=Signal::derive(value("tags", draft.tags.clone())) message=Signal::derive(message("tags")) optional=true/>
        <TextInput label="Co-authors (account emails, separated by commas)" name="coauthors" value=Signal::derive(value("coauthors", draft.coauthors.clone())) message=Signal::derive(message("coauthors")) optional=true/>
        <TextInput label="Series" name="series" value=Signal::derive(value("series", draft.series.clone())) message=Signal::derive(message("series")) optional=true/>
        <TextInput label="Part (its number in the series)" name="part" kind="number" value=Signal::derive(value("part", draft.part.clone())) message=Signal::derive(message("part")) optional=true/>
        <BodyField body is_html={format == BodyFormat::Html} message=message("body")() preview/>
        <Publishing draft=draft.clone() error/>
        <Newsletter draft error/>
    }
}

/// "Email this post to N subscribers": offered until the post is out (ticked for a new
/// post), never again once it was mailed, and not at all when this blog cannot mail.
#[component]
fn Newsletter(draft: PostDraft, error: Signal<Option<AppError>>) -> impl IntoView {
    // Asked only of those who may mail: a refusal would make the editor's page a 403.
    let can_mail = draft.can_mail;
    let reach = Resource::new(
        move || can_mail,
        |can_mail| async move {
            match can_mail {
                true => newsletter_reach().await,
                false => Ok(None),
            }
        },
    );
    let (waiting, sent, refused) = draft.mailings;
    let slug = draft.slug.clone();
    let mailed = draft.newsletter == "queued";
    let offered = draft.status != "published" || draft.slug.is_empty();
    // Rendered on the server only: what a failed post echoed, else the stored choice.
    let ticked = match error
        .get_untracked()
        .and_then(|e| e.value("email_subscribers"))
    {
        Some(echoed) => echoed == "on",
        None => draft.status.is_empty() || draft.newsletter == "wanted",
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                match reach.await {
                    _ if mailed => view! {
                        <MailingProgress slug=slug.clone() counts=(waiting, sent, refused)/>
                    }.into_any(),
                    Ok(Some(count)) if offered => view! {
                        <div class="field choice-field">
                            <label class="choice">
                                <input type="checkbox" name="email_subscribers" value="on" checked=ticked/>
                                {format!("Email this post to {count} subscriber{} when it is out", if count == 1 { "" } else { "s" })}
                            </label>
                        </div>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}}
        </Suspense>
    }
}

/// A mailed post's sent, waiting and refused counts, with a bar: an island that asks again
/// every two seconds while mails are waiting, so a send in progress can be watched (without
/// JavaScript, the counts as of the page's loading).
#[island]
fn MailingProgress(slug: String, counts: (i64, i64, i64)) -> impl IntoView {
    let (counts, set_counts) = signal(counts);
    let ask = StoredValue::new(slug);
    // Marks it live once the client runs (effects run only in the browser).
    let (live, set_live) = signal(false);
    Effect::new(move || set_live.set(true));
    Effect::new(move |_| {
        if counts.get().0 > 0 {
            set_timeout(
                move || {
                    leptos::task::spawn_local(async move {
                        // A failed look is not shown: the next one may work, and the counts
                        // on screen stay true as of their time.
                        if let Ok(now) = mailing_progress(ask.get_value()).await {
                            set_counts.set(now);
                        }
                    })
                },
                std::time::Duration::from_secs(2),
            );
        }
    });
    let done = move || {
        let (_, sent, refused) = counts.get();
        (sent + refused).to_string()
    };
    let total = move || {
        let (waiting, sent, refused) = counts.get();
        (waiting + sent + refused).max(1).to_string()
    };
    view! {
        <div class="newsletter-progress" data-live=move || live.get().then_some("")>
            <p role="status">
                {move || {
                    let (waiting, sent, refused) = counts.get();
                    format!("Mailed to subscribers: {sent} sent, {waiting} waiting, {refused} refused.")
                }}
            </p>
            <progress max=total value=done aria-label="Mails to subscribers handled"></progress>
        </div>
    }
}

/// The body's text area and, below it, the rendered body: an island, so the preview follows
/// the typing (a moment after it stops, not on every key).
#[island]
fn BodyField(
    body: String,
    is_html: bool,
    message: Option<String>,
    preview: String,
) -> impl IntoView {
    // Copy, so each preview request can take it.
    let format: Option<&'static str> = is_html.then_some(BodyFormat::Html.as_str());
    let typed = StoredValue::new(body.clone());
    let (html, set_html) = signal(preview);
    let (rendering, set_rendering) = signal(false);
    let (failure, set_failure) = signal(None::<String>);
    let schedule_preview = move |text: String| {
        typed.set_value(text.clone());
        set_timeout(
            move || {
                if typed.get_value() != text {
                    return;
                }
                set_rendering.set(true);
                leptos::task::spawn_local(async move {
                    let result = if text.trim().is_empty() {
                        Ok(String::new())
                    } else {
                        preview_post(text.clone(), format.map(str::to_owned)).await
                    };
                    // An answer for text typed over since is dropped.
                    if typed.get_value() == text {
                        set_rendering.set(false);
                        match result {
                            Ok(rendered) => {
                                set_failure.set(None);
                                set_html.set(rendered);
                            }
                            Err(e) => set_failure.set(Some(e.to_string())),
                        }
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    };
    let invalid = message.is_some().to_string();
    // Marks the preview live once the client runs (effects run only in the browser).
    let (live, set_live) = signal(false);
    Effect::new(move || set_live.set(true));
    view! {
        <div class="field">
            <label for="field-body">"Body"</label>
            {if is_html {
                view! { <p class="hint" id="field-body-hint">"HTML, as the Flask blog this post was imported from stored it: edit the tags as they are. It is cleaned the same way as Markdown when shown."</p> }.into_any()
            } else {
                view! { <p class="hint" id="field-body-hint">"Markdown: **bold**, *italic*, [links](https://…), lists, tables, ``` code ```."</p> }.into_any()
            }}
            <textarea
                id="field-body"
                name="body"
                rows="16"
                required
                aria-describedby="field-body-hint"
                aria-invalid=invalid
                on:input=move |ev| schedule_preview(event_target_value(&ev))
            >
                {textarea_text(body)}
            </textarea>
            {message.map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
        <section class="preview" aria-label="Preview" aria-busy=move || rendering.get().to_string() data-live=move || live.get().then_some("")>
            <h2>"Preview"</h2>
            <Show when=move || rendering.get()>
                <p class="progress" role="status">"Rendering…"</p>
            </Show>
            {move || failure.get().map(|e| view! { <p class="error">{e}</p> })}
            {move || {
                let html = html.get();
                if html.is_empty() {
                    view! { <p class="hint">"The rendered body appears here as you type."</p> }.into_any()
                } else {
                    view! { <div class="post-body" inner_html=html></div> }.into_any()
                }
            }}
        </section>
    }
}

/// Publish (now, or keep the date of a post that is out), keep as a draft, submit for
/// review, or schedule. A contributor, who cannot publish, gets the draft and the review.
#[component]
fn Publishing(draft: PostDraft, error: Signal<Option<AppError>>) -> impl IntoView {
    let can_publish = draft.can_publish;
    let stored = match draft.status.as_str() {
        "" if can_publish => "published".to_owned(),
        "" => "draft".to_owned(),
        status => status.to_owned(),
    };
    let status = move || {
        error
            .get()
            .and_then(|e| e.value("status"))
            .unwrap_or_else(|| stored.clone())
    };
    let publish_at = move || {
        error
            .get()
            .and_then(|e| e.value("publish_at"))
            .unwrap_or_else(|| draft.publish_at.clone())
    };
    let message = move || error.get().and_then(|e| e.for_field("publish_at"));
    let status_message = move || error.get().and_then(|e| e.for_field("status"));
    let choice = move |value: &'static str, label: &'static str| {
        let status = status.clone();
        view! {
            <label class="choice">
                <input type="radio" name="status" value=value checked=move || status() == value/>
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="field publishing">
            <legend>"Publishing"</legend>
            {can_publish.then(|| choice("published", "Publish"))}
            {choice("draft", "Draft")}
            {choice("review", "Submit for review")}
            {can_publish.then(|| view! {
                {choice("scheduled", "Schedule")}
                <label for="field-publish-at">"Publish at (UTC)"</label>
                <p class="hint" id="field-publish-at-hint">"For a scheduled post: it appears by itself at this time."</p>
                <input
                    id="field-publish-at"
                    type="datetime-local"
                    name="publish_at"
                    value=publish_at
                    aria-describedby="field-publish-at-hint"
                    aria-invalid=move || message().is_some().to_string()
                />
                {move || message().map(|m| view! { <p class="field-error">{m}</p> })}
            })}
            {(!can_publish).then(|| view! {
                <p class="hint">"An editor publishes what you submit for review."</p>
            })}
            {move || status_message().map(|m| view! { <p class="field-error">{m}</p> })}
        </fieldset>
    }
}

#[component]
fn TextInput(
    label: &'static str,
    name: &'static str,
    value: Signal<String>,
    message: Signal<Option<String>>,
    #[prop(optional)] optional: bool,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {optional.then(|| view! { <p class="hint" id=hint_id.clone()>"Optional."</p> })}
            <input
                id=id
                name=name
                type=kind
                required=!optional
                aria-describedby=optional.then_some(hint_id.clone())
                value=move || value.get()
                aria-invalid=move || message.get().is_some().to_string()
            />
            {move || message.get().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}
