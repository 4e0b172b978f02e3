//! A post's revisions (admin only): the list, and one revision compared with the post as it
//! is, with a button that restores it. Plain pages: nothing here needs the client.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::Restricted;
use crate::api::{list_revisions, load_revision, RestoreRevision};
use crate::components::{last_error, Difference, FormMessage, PageTitle, SubmitButton, Versions};
use crate::domain::{RevisionFields, RevisionSummary};
use crate::error::AppError;

fn saved(summary: &RevisionSummary) -> String {
    match &summary.saved_by {
        Some(name) => format!("{}, by {name}", summary.saved_at),
        None => summary.saved_at.clone(),
    }
}

/// `/posts/<slug>/revisions`: every kept revision, newest first.
#[component]
pub fn RevisionsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let list = Resource::new(slug, list_revisions);
    view! {
        <PageTitle text="Revisions"/>
        <section class="revisions-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(list) => {
                            let slug = list.slug.clone();
                            let current = list.current;
                            view! {
                                <h1>"Revisions of “" {list.title.clone()} "”"</h1>
                                <p class="hint">"Every save keeps a revision; the newest ones are kept. Compare one with the post as it is, and restore it if you want it back."</p>
                                <table class="revisions">
                                    <thead><tr><th scope="col">"Revision"</th><th scope="col">"Saved"</th><th scope="col">"Title"</th><th scope="col"><span class="visually-hidden">"Compare"</span></th></tr></thead>
                                    <tbody>
                                        {list.revisions.into_iter().map(|r| {
                                            let link = (r.number != current).then(|| {
                                                let href = format!("/posts/{slug}/revisions/{}", r.number);
                                                let name = format!("Compare revision {} with the current version", r.number);
                                                view! { <a href=href aria-label=name>"Compare"</a> }
                                            });
                                            view! {
                                                <tr>
                                                    <td>{r.number}{(r.number == current).then_some(" (current)")}</td>
                                                    <td>{saved(&r)}</td>
                                                    <td>{r.title.clone()}</td>
                                                    <td>{link}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p><a href=format!("/posts/{}/edit", list.slug)>"Back to the editor"</a></p>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/posts/<slug>/revisions/<number>`: the revision beside the post as it is.
#[component]
pub fn RevisionPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        params.with(|p| {
            (
                p.get("slug").unwrap_or_default(),
                p.get("number").and_then(|n| n.parse::<i64>().ok()),
            )
        })
    };
    let view_of = Resource::new(key, |(slug, number)| async move {
        match number {
            Some(number) => load_revision(slug, number).await,
            None => Err(AppError::NotFound(
                "This post keeps no such revision.".into(),
            )),
        }
    });
    let action = ServerAction::<RestoreRevision>::new();
    let error = last_error(action.value());
    view! {
        <PageTitle text="Revision"/>
        <section class="revisions-page editor-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match view_of.await {
                        Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(revision) => {
                            let number = revision.summary.number;
                            let all = format!("/posts/{}/revisions", revision.slug);
                            let versions = versions(
                                format!("revision {number}"),
                                revision.fields,
                                revision.current_fields,
                            );
                            view! {
                                <h1>{format!("Revision {number} of “{}”", revision.summary.title)}</h1>
                                <p>{format!("Saved {}. The post is at revision {} now.", saved(&revision.summary), revision.current)}</p>
                                <Difference versions/>
                                {(number != revision.current).then(|| view! {
                                    <ActionForm action>
                                        <FormMessage error/>
                                        <input type="hidden" name="slug" value=revision.slug.clone()/>
                                        <input type="hidden" name="number" value=number.to_string()/>
                                        <input type="hidden" name="revision" value=revision.current.to_string()/>
                                        <p class="hint">"Restoring saves this revision's title, subtitle, cover, tags and body as a new revision; whether and when the post is published stays as it is."</p>
                                        <SubmitButton label=format!("Restore revision {number}")/>
                                    </ActionForm>
                                })}
                                <p><a href=all>"All revisions"</a></p>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A revision (older) against the current version (newer).
fn versions(name: String, old: RevisionFields, new: RevisionFields) -> Versions {
    Versions {
        names: (name, "the current version".to_owned()),
        fields: vec![
            ("Title", old.title, new.title),
            ("Subtitle", old.subtitle, new.subtitle),
            ("Cover image URL", old.cover_url, new.cover_url),
            ("Tags", old.tags, new.tags),
        ],
        body: (old.body, new.body),
    }
}
