use leptos::prelude::*;

use crate::domain::{author_href, Author};

/// "Posted by Ada", "Posted by Ada and Bob", "Posted by Ada, Bob and Cy": each name a link to
/// its author page.
#[component]
pub fn Byline(author: Author, coauthors: Vec<Author>) -> impl IntoView {
    let last = coauthors.len();
    let others = coauthors
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let joint = if i + 1 == last { " and " } else { ", " };
            view! { {joint} <a class="author" href=author_href(a.id)>{a.name}</a> }
        })
        .collect_view();
    view! {
        "Posted by " <a class="author" href=author_href(author.id)>{author.name}</a>
        {others}
    }
}
