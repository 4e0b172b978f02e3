use leptos::prelude::*;

use crate::domain::{reading_time, Author, PostPage, PostSummary, Tag};

/// A page of post summaries with links to the newer and older pages of the listing at `base`
/// (the home page unless told).
#[component]
pub fn PostList(
    page: PostPage,
    #[prop(into, default = "/".to_owned())] base: String,
) -> impl IntoView {
    if page.posts.is_empty() {
        return view! { <EmptyState first_page=page.page == 1/> }.into_any();
    }
    let number = page.page;
    view! {
        <ol class="post-list" aria-label="Posts">
            {page.posts.into_iter().map(|post| view! { <li><PostCard post/></li> }).collect_view()}
        </ol>
        {(page.has_newer || page.has_older).then(|| view! {
            <nav class="pager" aria-label="Pagination">
                {page.has_newer.then(|| view! {
                    <a rel="prev" href=page_href(&base, number - 1)>"← Newer posts"</a>
                })}
                {page.has_older.then(|| view! {
                    <a rel="next" class="older" href=page_href(&base, number + 1)>"Older posts →"</a>
                })}
            </nav>
        })}
    }
    .into_any()
}

fn page_href(base: &str, page: u32) -> String {
    if page <= 1 {
        base.to_owned()
    } else {
        format!("{base}?page={page}")
    }
}

#[component]
fn PostCard(post: PostSummary) -> impl IntoView {
    let date = post.display_date();
    let datetime = post.published_at.to_rfc3339();
    let href = format!("/posts/{}", post.slug);
    view! {
        <article class="post-preview">
            {post.cover_url.map(|src| view! { <img class="preview-cover" src=src alt="" width="720" height="240" loading="lazy" decoding="async"/> })}
            <h2 class="post-title"><a href=href>{post.title}</a></h2>
            {(!post.subtitle.is_empty()).then(|| view! { <p class="post-subtitle">{post.subtitle}</p> })}
            <p class="post-meta">
                <super::Byline author=Author { id: post.author_id, name: post.author_name } coauthors=post.coauthors/>
                " on " <time datetime=datetime>{date}</time>
                " · " {reading_time(post.reading_minutes)}
            </p>
            <TagList tags=post.tags/>
        </article>
    }
}

#[component]
fn EmptyState(first_page: bool) -> impl IntoView {
    if first_page {
        view! {
            <div class="empty-state">
                <h2>"No posts yet"</h2>
                <p>"Nothing has been published here so far. Check back soon."</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="empty-state">
                <h2>"No posts on this page"</h2>
                <p><a href="/">"Back to the newest posts"</a></p>
            </div>
        }
        .into_any()
    }
}

/// A post's tags as links to their pages; nothing when it has none.
#[component]
pub fn TagList(tags: Vec<Tag>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="tags" aria-label="Tags">
                {tags
                    .into_iter()
                    .map(|tag| {
                        let href = tag.href();
                        view! { <li><a href=href rel="tag">{tag.name}</a></li> }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
