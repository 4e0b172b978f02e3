use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::{get_post, AddComment, DeleteComment, ModerateComment};
use crate::components::{
    last_error, textarea_text, FormMessage, PageTitle, PostMeta, SubmitButton, TagList,
};
use crate::components::{static_export, Byline, Comment, CommentActions, Honeypot, SubscribeForm};
use crate::domain::{reading_time, Author, PostStatus, PostView, SeriesNav};
use crate::error::AppError;
use crate::session::Session;

/// A post with its comments and the comment form.
#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    // A private preview link's token, for a post not yet published.
    let preview = move || query.read().get("preview");
    // Which page of comments (`?comments=2`: the 50 before the newest 50); anything else: 1.
    let comment_page = move || {
        query
            .read()
            .get("comments")
            .and_then(|p| p.parse::<u32>().ok())
    };
    let add = ServerAction::<AddComment>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let moderate = ServerAction::<ModerateComment>::new();
    let actions = CommentActions { remove, moderate };
    let post = Resource::new(
        move || (slug(), preview(), comment_page()),
        |(slug, preview, page)| get_post(slug, preview, page),
    );

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) => view! { <Article post add actions/> }.into_any(),
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
    actions: CommentActions,
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
    // `?reply=ID`: the comment form answers that comment (named when it is on this page).
    let replying = use_query_map()
        .read_untracked()
        .get("reply")
        .and_then(|id| id.parse::<i64>().ok())
        .map(|id| {
            let name = post
                .comments
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.author_name.clone());
            (id, name)
        });
    // Who may change it, for its "Edit post" links (the body and comments are not needed).
    let shown = PostView {
        comments: Vec::new(),
        body_html: String::new(),
        ..post.clone()
    };
    // Hidden and pending comments, which only some viewers get (marked), are not counted.
    let count = post.visible_comments;
    let pages = CommentPages {
        slug: post.slug.clone(),
        page: post.comment_page,
        earlier: post.earlier_comments,
    };
    view! {
        <PageTitle text=post.title.clone()/>
        <Meta name="description" content=description/>
        <PostMeta post=post.clone()/>
        <PublicationNotice post=post.clone()/>
        <article class="post">
            <header class="post-header">
                <h1>{post.title.clone()}</h1>
                {(!post.subtitle.is_empty()).then(|| view! { <p class="post-subtitle">{post.subtitle.clone()}</p> })}
                <p class="post-meta">
                    <Byline author=Author { id: post.author_id, name: post.author_name.clone() } coauthors=post.coauthors.clone()/>
                    {date.map(|d| view! { " on " <time datetime=post.published_at.map(|p| p.to_rfc3339())>{d}</time> })}
                    " · " {reading_time(post.reading_minutes)}
                </p>
                <TagList tags=post.tags.clone()/>
                {post.cover_url.clone().map(|src| view! { <img class="cover" src=src alt="" width="720" height="480" loading="lazy" decoding="async"/> })}
            </header>
            // Rendered from Markdown and sanitized with an allow-list on the server.
            <div class="post-body" inner_html=post.body_html.clone()></div>
            {post.series.clone().map(|series| view! { <SeriesLinks series/> })}
            <Transition fallback=|| ()>
                {
                    let slug = slug.clone();
                    let shown = shown.clone();
                    move || {
                        let slug = slug.clone();
                        let shown = shown.clone();
                        Suspend::new(async move {
                            let theirs = matches!(user.await, Ok(Some(me)) if shown.changeable_by(&me));
                            theirs.then(|| view! {
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
            <FormMessage error=last_error(actions.moderate.value())/>
            {pages.view()}
            <ol class="comment-list">
                {post.comments.into_iter().map(|mut c| {
                    let replies = std::mem::take(&mut c.replies);
                    // A static copy has no comment form to reply with.
                    let slug = (!static_export()).then(|| post.slug.clone());
                    view! {
                        <li>
                            <Comment comment=c actions post=slug.clone()/>
                            {(!replies.is_empty()).then(|| view! {
                                <ol class="comment-list replies">
                                    {replies.into_iter().map(|r| view! { <li><Comment comment=r actions post=slug.clone()/></li> }).collect_view()}
                                </ol>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <CommentForm slug=form_slug add replying/>
        </section>
        <SubscribeForm/>
    }
}

/// "Part 2 of 5 in “Series”", with the parts before and after this one.
#[component]
fn SeriesLinks(series: SeriesNav) -> impl IntoView {
    let place = match series.part {
        Some(part) => format!("Part {part} of {} in ", series.total),
        None => "A part of ".to_owned(),
    };
    view! {
        <nav class="series-links" aria-label="Series">
            <p>{place}<a href=format!("/series/{}", series.slug)>{series.title}</a></p>
            {series.previous.map(|p| view! {
                <p><a href=format!("/posts/{}", p.slug) rel="prev">{format!("Previous: {}", p.title)}</a></p>
            })}
            {series.next.map(|p| view! {
                <p><a href=format!("/posts/{}", p.slug) rel="next">{format!("Next: {}", p.title)}</a></p>
            })}
        </nav>
    }
}

/// Links to the neighbouring pages of comments, when there are any.
struct CommentPages {
    slug: String,
    page: u32,
    earlier: bool,
}

impl CommentPages {
    fn href(&self, page: u32) -> String {
        match page {
            1 => format!("/posts/{}#comments-title", self.slug),
            n => format!("/posts/{}?comments={n}#comments-title", self.slug),
        }
    }

    fn view(&self) -> impl IntoView {
        let earlier = self.earlier.then(|| {
            view! { <a href=self.href(self.page + 1)>"Earlier comments"</a> }
        });
        let newer = (self.page > 1).then(|| {
            view! { <a href=self.href(self.page - 1)>"Newer comments"</a> }
        });
        (self.earlier || self.page > 1).then(|| {
            view! {
                <nav class="pager comment-pages" aria-label="Comment pages">
                    {earlier}
                    {(self.page > 1).then(|| view! { <span>{format!("Page {}", self.page)}</span> })}
                    {newer}
                </nav>
            }
        })
    }
}

#[component]
fn CommentForm(
    slug: String,
    add: ServerAction<AddComment>,
    replying: Option<(i64, Option<String>)>,
) -> impl IntoView {
    if static_export() {
        return ().into_any();
    }
    let user = Session::get().user;
    let error = last_error(add.value());
    // The comment just sent is held for approval (the hold setting is on): `?held=1`.
    let held = use_query_map().read_untracked().get("held").is_some();
    view! {
        <Transition fallback=|| ()>
            {
                let slug = slug.clone();
                move || {
                    let slug = slug.clone();
                    let replying = replying.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(_)) => view! {
                                <ActionForm action=add attr:id="comment-form">
                                    <FormMessage error/>
                                    <input type="hidden" name="slug" value=slug.clone()/>
                                    {replying.map(|(id, name)| view! {
                                        <input type="hidden" name="parent" value=id/>
                                        <p class="replying">
                                            {format!("Replying to {}. ", name.map_or("a comment".to_owned(), |n| format!("{n}’s comment")))}
                                            <a href=format!("/posts/{slug}#comment-form")>"Cancel the reply"</a>
                                        </p>
                                    })}
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
                                    <Honeypot/>
                                    <SubmitButton label="Submit comment"/>
                                    {held.then(|| view! {
                                        <p class="form-ok" role="status">
                                            "Thank you! Your comment awaits approval: others will see it once the admin approves it."
                                        </p>
                                    })}
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
    .into_any()
}

/// Tells the admin (or whoever has the preview link) that a post is not out yet, and gives
/// the admin its private preview link.
#[component]
fn PublicationNotice(post: PostView) -> impl IntoView {
    let when = post
        .published_at
        .map(|at| at.format("%B %-d, %Y at %H:%M UTC").to_string());
    let notice = match post.status {
        PostStatus::Published => return None,
        PostStatus::Draft => "This is a draft: only the admin and people with its preview link can see it.".to_owned(),
        PostStatus::Scheduled => format!(
            "Scheduled for {}: until then only the admin and people with its preview link can see it.",
            when.unwrap_or_default()
        ),
    };
    Some(view! {
        // Unpublished: never in search engines, even through a shared link.
        <Meta name="robots" content="noindex"/>
        <aside class="publication-notice" role="note" aria-label="Not published">
            <p>{notice}</p>
            {post.preview_url.map(|link| view! {
                <p>
                    <label for="preview-link">"Private preview link"</label>
                    <input id="preview-link" type="text" readonly value=link/>
                </p>
            })}
        </aside>
    })
}
