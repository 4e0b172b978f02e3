use leptos::prelude::*;

use crate::domain::{PostPage, PostSummary};

/// A page of post summaries with links to the newer and older pages.
#[component]
pub fn PostList(page: PostPage) -> impl IntoView {
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
                    <a rel="prev" href=page_href(number - 1)>"← Newer posts"</a>
                })}
                {page.has_older.then(|| view! {
                    <a rel="next" class="older" href=page_href(number + 1)>"Older posts →"</a>
                })}
            </nav>
        })}
    }
    .into_any()
}

fn page_href(page: u32) -> String {
    if page <= 1 {
        "/".to_owned()
    } else {
        format!("/?page={page}")
    }
}

#[component]
fn PostCard(post: PostSummary) -> impl IntoView {
    let date = post.display_date();
    let datetime = post.published_at.to_rfc3339();
    let href = format!("/posts/{}", post.slug);
    view! {
        <article class="post-preview">
            {post.cover_url.map(|src| view! { <img class="preview-cover" src=src alt="" loading="lazy"/> })}
            <h2 class="post-title"><a href=href>{post.title}</a></h2>
            {(!post.subtitle.is_empty()).then(|| view! { <p class="post-subtitle">{post.subtitle}</p> })}
            <p class="post-meta">
                "Posted by " <span class="author">{post.author_name}</span>
                " on " <time datetime=datetime>{date}</time>
            </p>
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
