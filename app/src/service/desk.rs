//! The writers' list of posts: a contributor's or author's own, or — for editors and
//! admins — everyone's, with the drafts submitted for review first.

use crate::db;
use crate::domain::{format_saved_at, Capability, Desk, DeskPost, PostStatus};
use crate::error::AppError;
use crate::state::AppState;

use super::Caller;

pub async fn desk(state: &AppState, caller: &Caller) -> Result<Desk, AppError> {
    let writer = caller.require(Capability::Write)?;
    let everyone = caller.can(Capability::EditOthers);
    let rows = db::posts::desk(&state.db, (!everyone).then_some(writer.id))
        .await
        .map_err(|e| AppError::from_db("listing posts", e))?;
    let now = db::now();
    let truncated = rows.len() as i64 >= db::posts::DESK_LIMIT;
    let posts = rows
        .into_iter()
        .map(|row| {
            let status = match (PostStatus::of(row.published_at, now), row.submitted_at) {
                (PostStatus::Draft, Some(_)) => "Submitted for review".to_owned(),
                (PostStatus::Draft, None) => "Draft".to_owned(),
                (PostStatus::Scheduled, _) => format!(
                    "Scheduled for {}",
                    row.published_at.map(format_saved_at).unwrap_or_default()
                ),
                (PostStatus::Published, _) => "Published".to_owned(),
            };
            DeskPost {
                awaits_review: row.published_at.is_none()
                    && row.submitted_at.is_some()
                    && caller.can(Capability::EditOthers),
                slug: row.slug,
                title: row.title,
                author: row.author_name,
                status,
                saved: format_saved_at(row.updated_at),
            }
        })
        .collect();
    Ok(Desk {
        posts,
        everyone,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::editor::{self, Typed};
    use crate::service::testing;

    fn draft<'a>(title: &'a str, status: &'a str) -> Typed<'a> {
        Typed {
            status,
            ..Typed::blank(title, "Words.")
        }
    }

    #[tokio::test]
    async fn writers_see_their_own_and_editors_see_the_review_queue_first() {
        let state = testing::state().await;
        let cara = Caller::from_user(Some(testing::user(&state, "Cara", Role::Contributor).await));
        let abe = Caller::from_user(Some(testing::user(&state, "Abe", Role::Author).await));
        let ed = Caller::from_user(Some(testing::user(&state, "Ed", Role::Editor).await));
        editor::create(&state, &cara, &draft("For review", "review"))
            .await
            .unwrap();
        editor::create(&state, &abe, &draft("Out", "published"))
            .await
            .unwrap();
        editor::create(&state, &abe, &draft("Mine", "draft"))
            .await
            .unwrap();

        let own = desk(&state, &cara).await.unwrap();
        assert!(!own.everyone);
        let titles = |d: &Desk| d.posts.iter().map(|p| p.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&own), ["For review"]);
        assert!(
            !own.posts[0].awaits_review,
            "not for the contributor to publish"
        );

        let all = desk(&state, &ed).await.unwrap();
        assert_eq!(titles(&all), ["For review", "Mine", "Out"]);
        assert!(all.posts[0].awaits_review);
        assert_eq!(all.posts[0].status, "Submitted for review");
        assert_eq!(
            desk(
                &state,
                &Caller::from_user(Some(testing::user(&state, "Rea", Role::Reader).await))
            )
            .await
            .unwrap_err(),
            AppError::Forbidden
        );
    }
}
