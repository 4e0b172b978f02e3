use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use super::NotFound;
use crate::api::{get_post, AddComment, DeleteComment};
use crate::components::{last_error, textarea_text, FormMessage, PageTitle, SubmitButton};
use crate::domain::{CommentView, PostView};
use crate::error::AppError;
use crate::session::Session;

/// A post with its comments and the comment form.
#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let add = ServerAction::<AddComment>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let post = Resource::new(
        move || (slug(), add.version().get(), remove.version().get()),
        |(slug, _, _)| get_post(slug),
    );

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) => view! { <Article post add remove/> }.into_any(),
                    Err(AppError::NotFound(_)) => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Article(
    post: PostView,
    add: ServerAction<AddComment>,
    remove: ServerAction<DeleteComment>,
) -> impl IntoView {
    let user = Session::get().user;
    let slug = post.slug.clone();
    let form_slug = post.slug.clone();
    let description = if post.subtitle.is_empty() {
        post.title.clone()
    } else {
        post.subtitle.clone()
    };
    let date = post.display_date();
    let count = post.comments.len();
    view! {
        <PageTitle text=post.title.clone()/>
        <Meta name="description" content=description/>
        <article class="post">
            <header class="post-header">
                <h1>{post.title.clone()}</h1>
                {(!post.subtitle.is_empty()).then(|| view! { <p class="post-subtitle">{post.subtitle.clone()}</p> })}
                <p class="post-meta">
                    "Posted by " <span class="author">{post.author_name.clone()}</span>
                    {date.map(|d| view! { " on " <time datetime=post.published_at.map(|p| p.to_rfc3339())>{d}</time> })}
                </p>
                {post.cover_url.clone().map(|src| view! { <img class="cover" src=src alt="" loading="lazy"/> })}
            </header>
            // Rendered from Markdown and sanitized with an allow-list on the server.
            <div class="post-body" inner_html=post.body_html.clone()></div>
            <Transition fallback=|| ()>
                {
                    let slug = slug.clone();
                    move || {
                        let slug = slug.clone();
                        Suspend::new(async move {
                            let is_admin = matches!(user.await, Ok(Some(me)) if me.is_admin());
                            is_admin.then(|| view! {
                                <p class="admin-actions">
                                    <a href=format!("/posts/{slug}/edit")>"Edit post"</a>
                                    <a href=format!("/posts/{slug}/delete")>"Delete post"</a>
                                </p>
                            })
                        })
                    }
                }
            </Transition>
        </article>
        <section class="comments" aria-labelledby="comments-title">
            <h2 id="comments-title">{format!("{count} comment{}", if count == 1 { "" } else { "s" })}</h2>
            <ol class="comment-list">
                {post.comments.into_iter().map(|c| view! { <li><Comment comment=c remove/></li> }).collect_view()}
            </ol>
            <CommentForm slug=form_slug add/>
        </section>
    }
}

#[component]
fn Comment(comment: CommentView, remove: ServerAction<DeleteComment>) -> impl IntoView {
    let when = comment
        .created_at
        .format("%B %-d, %Y at %H:%M UTC")
        .to_string();
    view! {
        <article class="comment">
            <img class="avatar" src=comment.avatar_url alt="" width="50" height="50" loading="lazy"/>
            <div>
                <p class="comment-meta">
                    <span class="author">{comment.author_name}</span>
                    " · " <time datetime=comment.created_at.to_rfc3339()>{when}</time>
                </p>
                <div class="comment-body" inner_html=comment.body_html></div>
                {comment.can_delete.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="id" value=comment.id/>
                        <button
                            type="submit"
                            class="link-button"
                            aria-label="Delete comment"
                            disabled=move || remove.pending().get()
                            aria-busy=move || remove.pending().get().to_string()
                        >
                            "Delete"
                        </button>
                    </ActionForm>
                })}
            </div>
        </article>
    }
}

#[component]
fn CommentForm(slug: String, add: ServerAction<AddComment>) -> impl IntoView {
    let user = Session::get().user;
    let error = last_error(add.value());
    view! {
        <Transition fallback=|| ()>
            {
                let slug = slug.clone();
                move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(_)) => view! {
                                <ActionForm action=add>
                                    <FormMessage error/>
                                    <input type="hidden" name="slug" value=slug/>
                                    <div class="field">
                                        <label for="field-comment">"Comment"</label>
                                        <textarea
                                            id="field-comment"
                                            name="body"
                                            rows="4"
                                            required
                                            aria-invalid=move || error.get().and_then(|e| e.for_field("body")).is_some().to_string()
                                        >
                                            {move || textarea_text(error.get().and_then(|e| e.value("body")).unwrap_or_default())}
                                        </textarea>
                                        {move || error.get().and_then(|e| e.for_field("body")).map(|m| view! { <p class="field-error">{m}</p> })}
                                    </div>
                                    <SubmitButton label="Submit comment" pending=add.pending().into()/>
                                </ActionForm>
                            }
                            .into_any(),
                            _ => view! {
                                <p class="login-prompt">
                                    "You need to " <a href="/login">"login"</a> " or "
                                    <a href="/register">"register"</a> " to comment."
                                </p>
                            }
                            .into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}
