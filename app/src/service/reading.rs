//! A post's page: who may see it (drafts and scheduled posts are for those who may change
//! them, or who hold its preview link), and the page of comments the caller may see.

use crate::db::{self, comments::CommentRecord, comments::Viewer};
use crate::domain::{Avatar, Capability, CommentView, PostStatus, PostView, SeriesNav, SeriesPage};
use crate::error::AppError;
use crate::state::{AppState, SiteSettings};

use super::Caller;

/// Where the page is asked for: links in it are made absolute with the public URL, else
/// the request's `host`.
pub struct PostRequest<'a> {
    pub slug: &'a str,
    /// The token of the post's private preview link, if the address carries one.
    pub preview: Option<&'a str>,
    /// Which page of comments (1, the default: the newest).
    pub comments: Option<u32>,
    pub host: Option<&'a str>,
}

pub async fn post(
    state: &AppState,
    caller: &Caller,
    request: &PostRequest<'_>,
) -> Result<PostView, AppError> {
    let not_found = || AppError::NotFound("There is no post at this address.".into());
    let db_err = |e| AppError::from_db("loading a post", e);
    let post = db::posts::by_slug(&state.db, request.slug)
        .await
        .map_err(db_err)?
        .ok_or_else(not_found)?;
    let status = PostStatus::of(post.published_at, db::now());
    let has_link = request.preview.is_some() && request.preview == post.preview_token.as_deref();
    let theirs = caller
        .user()
        .is_some_and(|user| caller.can(Capability::Write) && super::may_change(user, &post));
    if status != PostStatus::Published && !theirs && !has_link {
        return Err(not_found());
    }
    let comment_page = request.comments.unwrap_or(1).max(1);
    let viewer = caller.viewer();
    let page = db::comments::page_for_post(&state.db, post.id, viewer, comment_page)
        .await
        .map_err(db_err)?;
    let tags = db::tags::for_post(&state.db, post.id)
        .await
        .map_err(db_err)?;
    let url = format!("{}/posts/{}", state.site.base_url(request.host), post.slug);
    let series = match (post.series_id, &post.series_title, &post.series_slug) {
        (Some(id), Some(title), Some(slug)) => {
            let parts = db::series::parts(&state.db, id, db::now())
                .await
                .map_err(db_err)?;
            Some(SeriesNav::of(
                title.clone(),
                slug.clone(),
                parts,
                &post.slug,
            ))
        }
        _ => None,
    };
    let preview_url = match (&post.preview_token, status) {
        (Some(token), PostStatus::Draft | PostStatus::Scheduled) if theirs => {
            Some(format!("{url}?preview={token}"))
        }
        _ => None,
    };
    Ok(PostView {
        id: post.id,
        url,
        status,
        preview_url,
        tags,
        author_id: post.author_id,
        reading_minutes: db::posts::reading_minutes(crate::render::text_chars(
            &post.body,
            post.body_format,
        ) as i64),
        updated_at: post.updated_at,
        body_html: crate::render::post_body_html(&post.body, post.body_format),
        slug: post.slug,
        title: post.title,
        subtitle: post.subtitle,
        author_name: post.author_name,
        coauthors: db::coauthors::parse(&post.coauthors),
        cover_url: post.cover_url,
        published_at: post.published_at,
        comments: threaded(
            page.comments
                .into_iter()
                .map(|c| comment_view(c, viewer, &state.site)),
        ),
        comment_page,
        earlier_comments: page.earlier,
        visible_comments: page.visible_total,
        series,
    })
}

/// The series at `slug` with its published parts in order; `NotFound` when it has none.
pub async fn series(state: &AppState, slug: &str) -> Result<SeriesPage, AppError> {
    let not_found = || AppError::NotFound("There is no series at this address.".into());
    let db_err = |e| AppError::from_db("loading a series", e);
    let (id, title) = db::series::by_slug(&state.db, slug)
        .await
        .map_err(db_err)?
        .ok_or_else(not_found)?;
    let parts = db::series::parts(&state.db, id, db::now())
        .await
        .map_err(db_err)?;
    if parts.is_empty() {
        return Err(not_found());
    }
    Ok(SeriesPage {
        title,
        slug: slug.to_owned(),
        parts,
    })
}

/// Comments in display order (each followed by its replies) as threads: each reply under
/// the comment it answers.
fn threaded(comments: impl Iterator<Item = CommentView>) -> Vec<CommentView> {
    let mut threads: Vec<CommentView> = Vec::new();
    for comment in comments {
        match (comment.parent_id, threads.last_mut()) {
            (Some(parent), Some(thread)) if thread.id == parent => thread.replies.push(comment),
            _ => threads.push(comment),
        }
    }
    threads
}

/// A comment as `viewer` gets it: rendered, the email turned into an avatar, and what they
/// may do with it.
pub fn comment_view(c: CommentRecord, viewer: Viewer, site: &SiteSettings) -> CommentView {
    let is_admin = viewer == Viewer::Moderator;
    CommentView {
        status: c.status(),
        can_delete: is_admin || viewer == Viewer::Reader(c.author_id),
        can_moderate: is_admin,
        avatar: if site.gravatar {
            Avatar::Gravatar(gravatar(&c.author_email))
        } else {
            Avatar::initial(&c.author_name, c.author_id)
        },
        body_html: crate::render::comment_body_html(&c.body, c.body_format),
        id: c.id,
        author_name: c.author_name,
        created_at: c.created_at,
        parent_id: c.parent_id,
        replies: Vec::new(),
    }
}

/// Gravatar's address for an email: the MD5 of the trimmed, lowercased address, so the
/// email itself never reaches the browser.
pub fn gravatar(email: &str) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(email.trim().to_lowercase().as_bytes());
    format!(
        "https://www.gravatar.com/avatar/{}?d=retro&s=100",
        hex::encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PostTitle, Role};
    use crate::service::testing;

    #[test]
    fn gravatar_hashes_the_normalized_email() {
        // The example from Gravatar's documentation.
        assert_eq!(
            gravatar(" MyEmailAddress@example.com "),
            "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=retro&s=100"
        );
    }

    fn at<'a>(slug: &'a str, preview: Option<&'a str>) -> PostRequest<'a> {
        PostRequest {
            slug,
            preview,
            comments: None,
            host: Some("blog.example"),
        }
    }

    #[tokio::test]
    async fn a_draft_is_the_admins_or_the_preview_links_alone() {
        let state = testing::state().await;
        let admin = testing::user(&state, "Admin", Role::Admin).await;
        let reader = testing::user(&state, "Reader", Role::Reader).await;
        let title = PostTitle::parse("Not yet").unwrap();
        let draft = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: admin.id,
            tags: &[],
            title: &title,
            subtitle: "",
            body: "Soon.",
            cover_url: None,
            published_at: None,
            newsletter: false,
        };
        db::posts::create(&state.db, &draft).await.unwrap();
        let admin = Caller::from_user(Some(admin));
        let seen = post(&state, &admin, &at("not-yet", None)).await.unwrap();
        let link = seen
            .preview_url
            .clone()
            .expect("the admin gets the preview link");
        assert!(
            link.starts_with("http://blog.example/posts/not-yet?preview="),
            "{link}"
        );
        let token = link.rsplit('=').next().unwrap();

        let reader = Caller::from_user(Some(reader));
        for (caller, preview) in [
            (&Caller::Visitor, None),
            (&reader, None),
            (&reader, Some("wrong")),
        ] {
            let err = post(&state, caller, &at("not-yet", preview))
                .await
                .unwrap_err();
            assert_eq!(err.status(), 404);
        }
        let shared = post(&state, &Caller::Visitor, &at("not-yet", Some(token)))
            .await
            .unwrap();
        assert_eq!(shared.preview_url, None, "only the admin is shown the link");
    }
}
