//! A post's revisions: listed, each compared with the post as it is, and restored — which
//! is a save like any other, so it makes a revision of its own and is refused when the post
//! was saved since the comparison was shown.

use crate::db::{self, posts::PostChanges, posts::PostRecord, posts::UpdatePostError};
use crate::domain::{
    format_saved_at, parse_base_revision, parse_tags, Capability, PostStatus, PostTitle,
    Publication, RevisionFields, RevisionList, RevisionSummary, RevisionView,
};
use crate::error::AppError;
use crate::state::AppState;

use super::{post_for_change, Caller};

async fn revision(
    state: &AppState,
    post: &PostRecord,
    number: i64,
) -> Result<db::revisions::RevisionRow, AppError> {
    db::revisions::find(&state.db, post.id, number)
        .await
        .map_err(|e| AppError::from_db("loading a revision", e))?
        .ok_or_else(|| AppError::NotFound("This post keeps no such revision.".into()))
}

fn summary(row: &db::revisions::RevisionRow) -> RevisionSummary {
    RevisionSummary {
        number: row.number,
        saved_at: format_saved_at(row.saved_at),
        saved_by: row.saved_by.clone(),
        title: row.title.clone(),
    }
}

fn fields(row: db::revisions::RevisionRow) -> RevisionFields {
    RevisionFields {
        title: row.title,
        subtitle: row.subtitle,
        cover_url: row.cover_url.unwrap_or_default(),
        tags: row.tags,
        body: row.body,
    }
}

/// The post at `slug`'s kept revisions, newest first.
pub async fn list(state: &AppState, caller: &Caller, slug: &str) -> Result<RevisionList, AppError> {
    let (_, post) = post_for_change(state, caller, slug).await?;
    let rows = db::revisions::of_post(&state.db, post.id)
        .await
        .map_err(|e| AppError::from_db("listing revisions", e))?;
    Ok(RevisionList {
        slug: post.slug,
        title: post.title,
        current: post.revision,
        revisions: rows
            .into_iter()
            .map(|line| RevisionSummary {
                number: line.number,
                saved_at: format_saved_at(line.saved_at),
                saved_by: line.saved_by,
                title: line.title,
            })
            .collect(),
    })
}

/// Revision `number` of the post at `slug`, beside the post as it is.
pub async fn view(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    number: i64,
) -> Result<RevisionView, AppError> {
    let (_, post) = post_for_change(state, caller, slug).await?;
    let row = revision(state, &post, number).await?;
    let tags = db::tags::for_post(&state.db, post.id)
        .await
        .map_err(|e| AppError::from_db("loading a post's tags", e))?;
    Ok(RevisionView {
        summary: summary(&row),
        fields: fields(row),
        current: post.revision,
        current_fields: RevisionFields {
            title: post.title,
            subtitle: post.subtitle,
            cover_url: post.cover_url.unwrap_or_default(),
            tags: crate::domain::tags_field(&tags),
            body: post.body,
        },
        slug: post.slug,
    })
}

/// Makes revision `number` the post's text again (its publication and mailing stay as they
/// are), as a new revision. `base_revision` is the post's revision the comparison showed.
pub async fn restore(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    number: i64,
    base_revision: &str,
) -> Result<(), AppError> {
    let (editor, post) = post_for_change(state, caller, slug).await?;
    let mut base_revision =
        parse_base_revision(base_revision).map_err(|m| AppError::invalid("form", m))?;
    if !caller.can(Capability::EditOthers) {
        // Allowed on the post as it is now: the restore applies only to that.
        base_revision = Some(base_revision.unwrap_or(post.revision));
    }
    let row = revision(state, &post, number).await?;
    // Kept as it was saved, so it parses as it did then.
    let unreadable = |m: String| AppError::invalid("form", format!("Revision {number}: {m}"));
    let title = PostTitle::parse(&row.title).map_err(unreadable)?;
    let tags = parse_tags(&row.tags).map_err(unreadable)?;
    let newsletter = db::subscribers::newsletter_state(&state.db, post.id)
        .await
        .map_err(|e| AppError::from_db("reading a post's mailing", e))?
        .is_some_and(|s| s == "wanted");
    let changes = PostChanges {
        title: &title,
        subtitle: &row.subtitle,
        body: &row.body,
        cover_url: row.cover_url.as_deref(),
        publication: publication_of(&post),
        tags: &tags,
        newsletter,
        editor_id: editor.id,
        base_revision,
        revisions_kept: state.site.revisions_kept,
        // Revisions keep the text; the byline and the review stay as they are.
        coauthors: None,
        submitted: post.submitted_at.is_some(),
        series: None,
    };
    match db::posts::update(&state.db, slug, &changes).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(AppError::NotFound("There is no such post.".into())),
        Err(UpdatePostError::DuplicateTitle) => Err(AppError::conflict(
            "form",
            format!(
                "Another post is titled “{}” now. Rename that one first, or restore another revision.",
                title.as_str()
            ),
        )),
        Err(UpdatePostError::Stale) => Err(AppError::conflict(
            "form",
            "The post was saved again while you were looking at this revision. Compare again, then restore.",
        )),
        // Restoring leaves the series as it is, so this cannot be.
        Err(UpdatePostError::SeriesTaken(_)) => Err(AppError::conflict(
            "form",
            "The post's series could not be kept. Save the post again.",
        )),
        Err(UpdatePostError::Db(e)) => Err(AppError::from_db("restoring a revision", e)),
    }
}

/// The post's publication as a save that keeps it: out stays out (with its date), a draft
/// a draft, a scheduled post scheduled for the same time.
fn publication_of(post: &PostRecord) -> Publication {
    match (
        PostStatus::of(post.published_at, db::now()),
        post.published_at,
    ) {
        (PostStatus::Scheduled, Some(at)) => Publication::Scheduled(at),
        (PostStatus::Draft, _) => Publication::Draft,
        _ => Publication::Published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::editor::{self, Typed};
    use crate::service::testing;

    fn typed<'a>(title: &'a str, body: &'a str, tags: &'a str, revision: &'a str) -> Typed<'a> {
        Typed {
            status: "draft",
            tags,
            revision,
            ..Typed::blank(title, body)
        }
    }

    #[tokio::test]
    async fn every_save_is_a_revision_and_restoring_one_is_another() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Ada", Role::Admin).await));
        let reader = Caller::from_user(Some(testing::user(&state, "Rory", Role::Reader).await));
        editor::create(&state, &admin, &typed("Notes", "First.", "Rust", ""))
            .await
            .unwrap();
        editor::update(
            &state,
            &admin,
            "notes",
            &typed("Notes", "Second.", "Rust, Web", "1"),
        )
        .await
        .unwrap();
        let kept = list(&state, &admin, "notes").await.unwrap();
        assert_eq!(kept.current, 2);
        let numbers: Vec<i64> = kept.revisions.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [2, 1]);
        assert_eq!(kept.revisions[1].saved_by.as_deref(), Some("Ada"));
        assert_eq!(
            list(&state, &reader, "notes").await.unwrap_err(),
            AppError::Forbidden
        );

        let first = view(&state, &admin, "notes", 1).await.unwrap();
        assert_eq!(first.fields.body, "First.");
        assert_eq!(first.fields.tags, "Rust");
        assert_eq!(first.current_fields.tags, "Rust, Web");

        // Restored from a stale comparison: refused. From the current one: a third revision.
        assert!(restore(&state, &admin, "notes", 1, "1").await.is_err());
        restore(&state, &admin, "notes", 1, "2").await.unwrap();
        let now = editor::draft(&state, &admin, "notes").await.unwrap();
        assert_eq!(
            (now.body.as_str(), now.tags.as_str(), now.revision),
            ("First.", "Rust", 3)
        );
        assert_eq!(now.status, "draft", "its publication stays as it was");
        assert!(matches!(
            view(&state, &admin, "notes", 9).await,
            Err(AppError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn only_the_newest_revisions_are_kept() {
        let mut state = testing::state().await;
        state.state.site = std::sync::Arc::new(crate::state::SiteSettings {
            revisions_kept: 2,
            ..crate::state::SiteSettings::default()
        });
        let admin = Caller::from_user(Some(testing::user(&state, "Ada", Role::Admin).await));
        editor::create(&state, &admin, &typed("Notes", "v1", "", ""))
            .await
            .unwrap();
        for (n, body) in [(1, "v2"), (2, "v3"), (3, "v4")] {
            let revision = n.to_string();
            editor::update(
                &state,
                &admin,
                "notes",
                &typed("Notes", body, "", &revision),
            )
            .await
            .unwrap();
        }
        let kept: Vec<i64> = list(&state, &admin, "notes")
            .await
            .unwrap()
            .revisions
            .iter()
            .map(|r| r.number)
            .collect();
        assert_eq!(kept, [4, 3]);
    }
}
