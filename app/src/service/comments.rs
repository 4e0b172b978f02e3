//! Readers' comments: adding one (once the reader's address is verified, where the blog asks
//! for it; held for approval when the admin says so, throttled per reader, the admin excepted) and deleting one (its author or the admin).

use crate::auth::rate_limit;
use crate::db;
use crate::domain::{parse_comment, Capability, CommentStatus};
use crate::error::AppError;
use crate::state::AppState;

use super::{admit, caught_by_honeypot, Caller};

/// Adds the caller's comment to the post at `slug` and says where it stands: `Pending` when
/// it waits for the admin's approval. A bot that fills the honeypot (`website`) is answered
/// the same way and nothing is stored.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    body: &str,
    website: &str,
    parent: &str,
) -> Result<CommentStatus, AppError> {
    let user = caller.require_user()?;
    let text = parse_comment(body)
        .map_err(|m| AppError::invalid("body", m).with_values(&[("body", body)]))?;
    let thread = super::replies::thread_for(state, caller, slug, parent).await?;
    if !super::verification::may_comment(state, caller).await? {
        let message = super::verification::VERIFY_TO_COMMENT;
        return Err(AppError::invalid("body", message).with_values(&[("body", body)]));
    }
    let db_err = |e| AppError::from_db("adding a comment", e);
    let is_admin = caller.can(Capability::Moderate);
    // The admin's comments are never held: no need to read the setting for them.
    let hold = !is_admin && db::site::hold_comments(&state.db).await.map_err(db_err)?;
    let status = CommentStatus::for_new_comment(hold, is_admin);
    if caught_by_honeypot("comment", website) {
        return Ok(status);
    }
    let limit = rate_limit::Policy {
        free: i64::from(state.site.comments_per_hour),
        ..rate_limit::COMMENT_PER_ACCOUNT
    };
    let account = user.id.to_string();
    let too_many = "You have posted many comments in a short time.";
    let admitted = if is_admin {
        None
    } else {
        let limits = [(limit, account.as_str())];
        Some(admit(state, &limits, too_many, "adding a comment").await?)
    };
    let created = db::comments::create(&state.db, slug, user.id, &text, status, thread).await;
    if !matches!(created, Ok(Some(_))) {
        // Only saved comments count.
        if let Some(admitted) = admitted {
            admitted.forgive(&state.db).await;
        }
    }
    match created {
        Ok(Some(id)) => {
            if thread.is_some() && status == CommentStatus::Visible {
                super::replies::notify(state, id).await;
            }
            Ok(status)
        }
        Ok(None) => Err(AppError::NotFound(
            "There is no post at this address.".into(),
        )),
        Err(e) => Err(db_err(e)),
    }
}

/// Deletes comment `id`: its author or the admin may (the rule is in the SQL).
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    let user = caller.require_user()?;
    let db_err = |e| AppError::from_db("deleting a comment", e);
    if db::comments::delete(&state.db, id, user.id, caller.can(Capability::Moderate))
        .await
        .map_err(db_err)?
    {
        Ok(())
    } else if db::comments::exists(&state.db, id).await.map_err(db_err)? {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound("There is no such comment.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PostTitle, Role};
    use crate::service::testing;

    async fn a_post(state: &AppState, author: i64) {
        let title = PostTitle::parse("Talk").unwrap();
        let post = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: author,
            tags: &[],
            title: &title,
            subtitle: "",
            body: "Body.",
            cover_url: None,
            published_at: Some(db::now()),
            newsletter: false,
        };
        db::posts::create(&state.db, &post).await.unwrap();
    }

    #[tokio::test]
    async fn held_comments_wait_except_the_admins() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let reader = Caller::from_user(Some(testing::user(&state, "Reader", Role::Reader).await));
        a_post(&state, admin.user().unwrap().id).await;
        assert_eq!(
            add(&state, &reader, "talk", "Hi", "", "").await.unwrap(),
            CommentStatus::Visible
        );
        db::site::set_hold_comments(&state.db, true).await.unwrap();
        assert_eq!(
            add(&state, &reader, "talk", "Hi again", "", "")
                .await
                .unwrap(),
            CommentStatus::Pending
        );
        assert_eq!(
            add(&state, &admin, "talk", "Welcome", "", "")
                .await
                .unwrap(),
            CommentStatus::Visible
        );
        assert_eq!(
            add(&state, &Caller::Visitor, "talk", "Anon", "", "")
                .await
                .unwrap_err(),
            AppError::Unauthorized
        );
        assert_eq!(
            add(&state, &reader, "nowhere", "Hi", "", "")
                .await
                .unwrap_err()
                .status(),
            404
        );
    }

    #[tokio::test]
    async fn readers_are_throttled_and_the_honeypot_stores_nothing() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let reader = Caller::from_user(Some(testing::user(&state, "Reader", Role::Reader).await));
        a_post(&state, admin.user().unwrap().id).await;
        add(&state, &reader, "talk", "Bot text", "http://spam", "")
            .await
            .unwrap();
        let free = state.site.comments_per_hour;
        for n in 0..free {
            add(&state, &reader, "talk", &format!("Comment {n}"), "", "")
                .await
                .unwrap();
        }
        let err = add(&state, &reader, "talk", "One more", "", "")
            .await
            .unwrap_err();
        assert_eq!(err.status(), 429);
        // The admin is never held back.
        add(&state, &admin, "talk", "Still talking", "", "")
            .await
            .unwrap();
        let post = db::posts::by_slug(&state.db, "talk")
            .await
            .unwrap()
            .unwrap();
        let page =
            db::comments::page_for_post(&state.db, post.id, db::comments::Viewer::Moderator, 1)
                .await
                .unwrap();
        assert_eq!(page.visible_total, i64::from(free) + 1, "no bot comment");
    }

    #[tokio::test]
    async fn a_comment_is_deleted_by_its_author_or_the_admin() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let ann = Caller::from_user(Some(testing::user(&state, "Ann", Role::Reader).await));
        let bob = Caller::from_user(Some(testing::user(&state, "Bob", Role::Reader).await));
        a_post(&state, admin.user().unwrap().id).await;
        add(&state, &ann, "talk", "Mine", "", "").await.unwrap();
        add(&state, &ann, "talk", "Also mine", "", "")
            .await
            .unwrap();
        assert_eq!(
            delete(&state, &bob, 1).await.unwrap_err(),
            AppError::Forbidden
        );
        delete(&state, &ann, 1).await.unwrap();
        delete(&state, &admin, 2).await.unwrap();
        assert_eq!(delete(&state, &admin, 2).await.unwrap_err().status(), 404);
    }
}
