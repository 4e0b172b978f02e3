//! The editor's draft copies: what someone was typing, kept every few seconds and when the
//! tab is hidden, so a crash, a closed tab or an expired session loses nothing. A copy is
//! the writer's own (no one else sees it), one per post, and goes once they save or discard.

use crate::db;
use crate::domain::{
    format_saved_at, parse_base_revision, AutosavedText, Capability, EditorText, PostDraft,
};
use crate::error::AppError;
use crate::state::AppState;

use super::Caller;

/// The editor's fields as the draft copy takes them.
pub struct Typed<'a> {
    /// The post's address; empty for a new post.
    pub slug: &'a str,
    pub revision: &'a str,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub cover_url: &'a str,
    pub tags: &'a str,
    pub body: &'a str,
}

/// Keeps the caller's copy of what the editor shows. Returns when, for the editor's status
/// line ("Draft copy kept at 21:40:05 UTC").
pub async fn keep(
    state: &AppState,
    caller: &Caller,
    typed: &Typed<'_>,
) -> Result<String, AppError> {
    let editor = caller.require(Capability::Write)?;
    let text = EditorText::parse(
        typed.title,
        typed.subtitle,
        typed.cover_url,
        typed.tags,
        typed.body,
    )
    .map_err(|m| AppError::invalid("form", m))?;
    let base_revision =
        parse_base_revision(typed.revision).map_err(|m| AppError::invalid("revision", m))?;
    let post_id = post_id(state, caller, typed.slug).await?;
    let at = db::autosaves::keep(&state.db, editor.id, post_id, base_revision, &text)
        .await
        .map_err(|e| AppError::from_db("keeping a draft copy", e))?;
    Ok(at.format("%H:%M:%S UTC").to_string())
}

/// Drops the caller's copy of the post at `slug` (empty: a new post).
pub async fn discard(state: &AppState, caller: &Caller, slug: &str) -> Result<(), AppError> {
    let editor = caller.require(Capability::Write)?;
    let post_id = post_id(state, caller, slug).await?;
    db::autosaves::discard(&state.db, editor.id, post_id)
        .await
        .map(|_| ())
        .map_err(|e| AppError::from_db("dropping a draft copy", e))
}

/// The copy `user_id` kept of the post `post_id` (none: a new post), if it says something
/// `draft` (what is saved) does not: a copy of the saved text offers nothing.
pub(super) async fn offered(
    state: &AppState,
    user_id: i64,
    post_id: Option<i64>,
    draft: &PostDraft,
) -> Result<Option<AutosavedText>, AppError> {
    let row = db::autosaves::find(&state.db, user_id, post_id)
        .await
        .map_err(|e| AppError::from_db("reading a draft copy", e))?;
    Ok(row
        .map(|row| AutosavedText {
            title: row.title,
            subtitle: row.subtitle,
            cover_url: row.cover_url,
            tags: row.tags,
            body: row.body,
            base_revision: row.base_revision,
            saved_at: format_saved_at(row.saved_at),
            saved_at_ms: row.saved_at.timestamp_millis(),
        })
        .filter(|copy| !same_text(copy, draft)))
}

fn same_text(copy: &AutosavedText, draft: &PostDraft) -> bool {
    // Browsers send a textarea's line ends as CRLF; the stored body may have either.
    let lines = |s: &str| s.replace("\r\n", "\n");
    copy.title.trim() == draft.title
        && copy.subtitle.trim() == draft.subtitle
        && copy.cover_url.trim() == draft.cover_url
        && copy.tags.trim() == draft.tags
        && lines(&copy.body) == lines(&draft.body)
}

/// The id of the post at `slug` if the caller may change it; `None` for a new post.
async fn post_id(state: &AppState, caller: &Caller, slug: &str) -> Result<Option<i64>, AppError> {
    if slug.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        super::post_for_change(state, caller, slug).await?.1.id,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::editor;
    use crate::service::testing;

    fn typed<'a>(slug: &'a str, body: &'a str) -> Typed<'a> {
        Typed {
            slug,
            revision: "",
            title: "Half a title",
            subtitle: "",
            cover_url: "",
            tags: "",
            body,
        }
    }

    #[tokio::test]
    async fn a_copy_is_its_writers_alone_and_goes_when_they_save() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let other = Caller::from_user(Some(testing::user(&state, "Other", Role::Admin).await));
        let reader = Caller::from_user(Some(testing::user(&state, "Reader", Role::Reader).await));
        let words = typed("", "The first line, and then");
        assert_eq!(
            keep(&state, &Caller::Visitor, &words).await.unwrap_err(),
            AppError::Unauthorized
        );
        assert_eq!(
            keep(&state, &reader, &words).await.unwrap_err(),
            AppError::Forbidden
        );
        keep(&state, &admin, &words).await.unwrap();
        let mine = editor::new_draft(&state, &admin).await.unwrap();
        assert_eq!(
            mine.autosave.as_ref().map(|c| c.body.as_str()),
            Some("The first line, and then")
        );
        assert_eq!(mine.clone().restored().title, "Half a title");
        assert!(editor::new_draft(&state, &other)
            .await
            .unwrap()
            .autosave
            .is_none());

        // Kept again: still one copy, the newer text.
        keep(
            &state,
            &admin,
            &typed("", "The first line, and then the second."),
        )
        .await
        .unwrap();
        let mine = editor::new_draft(&state, &admin).await.unwrap();
        assert_eq!(
            mine.autosave.unwrap().body,
            "The first line, and then the second."
        );

        discard(&state, &admin, "").await.unwrap();
        assert!(editor::new_draft(&state, &admin)
            .await
            .unwrap()
            .autosave
            .is_none());
    }

    #[tokio::test]
    async fn a_copy_of_what_is_saved_is_not_offered() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let post = editor::Typed::blank("Saved", "Line one\nLine two");
        editor::create(&state, &admin, &post).await.unwrap();
        let mut same = typed("saved", "Line one\r\nLine two");
        same.title = "Saved";
        keep(&state, &admin, &same).await.unwrap();
        assert!(editor::draft(&state, &admin, "saved")
            .await
            .unwrap()
            .autosave
            .is_none());
        let changed = Typed {
            revision: "1",
            ..same
        };
        keep(
            &state,
            &admin,
            &Typed {
                body: "Line one\nLine 2",
                ..changed
            },
        )
        .await
        .unwrap();
        let copy = editor::draft(&state, &admin, "saved")
            .await
            .unwrap()
            .autosave
            .unwrap();
        assert_eq!(copy.base_revision, Some(1));
        assert!(matches!(
            keep(&state, &admin, &typed("no-such-post", "x")).await,
            Err(AppError::NotFound(_))
        ));
    }
}
