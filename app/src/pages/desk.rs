use leptos::prelude::*;
use leptos_meta::Meta;

use super::Restricted;
use crate::api::desk;
use crate::components::PageTitle;
use crate::domain::Desk;

/// The writers' list of posts: one's own, or everyone's for editors and admins, with the
/// drafts submitted for review first.
#[component]
pub fn DeskPage() -> impl IntoView {
    let posts = Resource::new(|| (), |_| desk());
    view! {
        <PageTitle text="Posts"/>
        <Meta name="description" content="Drafts, posts submitted for review, scheduled and published posts."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match posts.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(desk) => view! { <DeskTable desk/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DeskTable(desk: Desk) -> impl IntoView {
    let waiting = desk.posts.iter().filter(|p| p.awaits_review).count();
    view! {
        <h1>{if desk.everyone { "Posts" } else { "Your posts" }}</h1>
        <p><a href="/admin/posts/new">"Write a new post"</a></p>
        {(waiting > 0).then(|| view! {
            <p class="note" role="status">{format!("{waiting} post{} submitted for review, waiting for you to publish or send back.", if waiting == 1 { "" } else { "s" })}</p>
        })}
        {if desk.posts.is_empty() {
            view! { <p class="empty-state">"No posts yet."</p> }.into_any()
        } else {
            view! {
                <table class="users desk">
                    <thead>
                        <tr><th scope="col">"Title"</th><th scope="col">"Author"</th><th scope="col">"Status"</th><th scope="col">"Last saved"</th></tr>
                    </thead>
                    <tbody>
                        {desk.posts.into_iter().map(|p| view! {
                            <tr class:awaits-review=p.awaits_review>
                                <td><a href=format!("/posts/{}/edit", p.slug)>{p.title}</a></td>
                                <td>{p.author}</td>
                                <td>{p.status}</td>
                                <td>{p.saved}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {desk.truncated.then(|| view! { <p class="hint">"Only the first 200 posts are listed."</p> })}
    }
}
