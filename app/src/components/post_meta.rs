use leptos::prelude::*;
use leptos_meta::{Link, Meta};

use crate::domain::PostView;

/// What search engines and link previews read about a post: its canonical address,
/// OpenGraph and Twitter-card tags, and a JSON-LD `BlogPosting`.
#[component]
pub fn PostMeta(post: PostView) -> impl IntoView {
    let description = if post.subtitle.is_empty() {
        post.title.clone()
    } else {
        post.subtitle.clone()
    };
    let card = if post.cover_url.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let published = post.published_at.map(|at| at.to_rfc3339());
    let cover = post
        .cover_url
        .as_deref()
        .map(|cover| absolute(&post.url, cover));
    let json = blog_posting(&post, cover.as_deref(), &description);
    view! {
        <Link rel="canonical" href=post.url.clone()/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:site_name" content="Quire"/>
        <Meta property="og:title" content=post.title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=post.url.clone()/>
        {cover.map(|src| view! { <Meta property="og:image" content=src/> })}
        {published.map(|at| view! { <Meta property="article:published_time" content=at/> })}
        <Meta name="twitter:card" content=card/>
        <Meta name="twitter:title" content=post.title.clone()/>
        <Meta name="twitter:description" content=description/>
        // A data block, never run (so it needs no nonce); `<` is escaped in it, so no text can
        // close the element early.
        <script type="application/ld+json" inner_html=json></script>
    }
}

/// The post as a schema.org `BlogPosting`, in JSON.
/// The author as a schema.org Person, or every author (the post's, then its co-authors')
/// as a list of them.
fn authors(post: &PostView) -> String {
    let person = |name: &str| format!("{{\"@type\":\"Person\",\"name\":{}}}", json_string(name));
    if post.coauthors.is_empty() {
        return person(&post.author_name);
    }
    let all: Vec<String> = std::iter::once(person(&post.author_name))
        .chain(post.coauthors.iter().map(|a| person(&a.name)))
        .collect();
    format!("[{}]", all.join(","))
}

fn blog_posting(post: &PostView, cover: Option<&str>, description: &str) -> String {
    let mut fields = vec![
        ("@context", json_string("https://schema.org")),
        ("@type", json_string("BlogPosting")),
        ("headline", json_string(&post.title)),
        ("description", json_string(description)),
        ("url", json_string(&post.url)),
        ("mainEntityOfPage", json_string(&post.url)),
        ("dateModified", json_string(&post.updated_at.to_rfc3339())),
        ("author", authors(post)),
    ];
    if let Some(at) = post.published_at {
        fields.push(("datePublished", json_string(&at.to_rfc3339())));
    }
    if let Some(cover) = cover {
        fields.push(("image", json_string(cover)));
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(key, value)| format!("{}:{value}", json_string(key)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// A cover's address as link previews need it: an uploaded image's site-relative
/// `/images/…` address is made absolute with the origin of the post's (absolute) URL.
fn absolute(post_url: &str, cover: &str) -> String {
    if !cover.starts_with('/') {
        return cover.to_owned();
    }
    let origin_end = post_url
        .find("://")
        .and_then(|scheme| post_url[scheme + 3..].find('/').map(|i| scheme + 3 + i))
        .unwrap_or(post_url.len());
    format!("{}{cover}", &post_url[..origin_end])
}

/// A JSON string literal that is also safe inside a `<script>` element.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_cannot_close_the_script() {
        assert_eq!(
            json_string("</script><b a=\"1\">\\\n"),
            r#""\u003c/script\u003e\u003cb a=\"1\"\u003e\\\u000a""#
        );
    }
}
