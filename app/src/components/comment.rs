use leptos::form::ActionForm;
use leptos::prelude::*;

use super::LinkButton;
use crate::api::{DeleteComment, ModerateComment};
use crate::domain::{Avatar, CommentStatus, CommentView, ModerationAction};

/// The actions behind a comment's buttons, created by the page that lists comments: their
/// forms post to them, and the page shows a failed one's error (a new page follows every
/// post, so nothing is reloaded in place).
#[derive(Clone, Copy)]
pub struct CommentActions {
    pub remove: ServerAction<DeleteComment>,
    pub moderate: ServerAction<ModerateComment>,
}

/// One comment, with the buttons its viewer may use: "Delete" for its author and the admin;
/// "Hide", "Show" or "Approve" for the admin. A hidden or pending comment says so. On a
/// post's page (`post` is its slug) it has a "Reply" link: the comment form, answering its
/// thread (a link, not a form per comment, keeps long threads light).
#[component]
pub fn Comment(
    comment: CommentView,
    actions: CommentActions,
    #[prop(optional_no_strip)] post: Option<String>,
) -> impl IntoView {
    let reply = post.map(|slug| {
        let thread = comment.parent_id.unwrap_or(comment.id);
        (
            format!("/posts/{slug}?reply={thread}#comment-form"),
            format!("Reply to {}", comment.author_name),
        )
    });
    let when = comment
        .created_at
        .format("%B %-d, %Y at %H:%M UTC")
        .to_string();
    let mark = match comment.status {
        CommentStatus::Visible => None,
        CommentStatus::Hidden => Some("Hidden"),
        CommentStatus::Pending => Some("Awaiting approval"),
    };
    let id = comment.id;
    let moderation = if comment.can_moderate {
        ModerationAction::offered_for(comment.status)
    } else {
        &[]
    };
    let remove = actions.remove;
    view! {
        <article class="comment" id=format!("comment-{id}") class:held=mark.is_some()>
            {match comment.avatar {
                Avatar::Gravatar(src) => view! {
                    <img class="avatar" src=src alt="" width="50" height="50" loading="lazy"/>
                }
                .into_any(),
                // Decoration, as the picture is: the name is written beside it.
                Avatar::Initial { letter, tone } => view! {
                    <span class=format!("avatar avatar-initial avatar-tone-{tone}") aria-hidden="true">{letter}</span>
                }
                .into_any(),
            }}
            <div>
                <p class="comment-meta">
                    <span class="author">{comment.author_name}</span>
                    " · " <time datetime=comment.created_at.to_rfc3339()>{when}</time>
                    {mark.map(|m| view! { " · " <strong class="comment-status">{m}</strong> })}
                </p>
                <div class="comment-body" inner_html=comment.body_html></div>
                {(reply.is_some() || comment.can_delete || !moderation.is_empty()).then(|| view! {
                    <div class="comment-actions">
                        {reply.map(|(href, name)| view! { <a href=href aria-label=name>"Reply"</a> })}
                        {moderation
                            .iter()
                            .map(|&action| view! { <ModerationButton id action moderate=actions.moderate/> })
                            .collect_view()}
                        {comment.can_delete.then(|| view! {
                            <ActionForm action=remove>
                                <input type="hidden" name="id" value=id/>
                                <LinkButton label="Delete" name="Delete comment"/>
                            </ActionForm>
                        })}
                    </div>
                })}
            </div>
        </article>
    }
}

/// A button that hides, shows or approves a comment: a form of its own, so it works without
/// JavaScript too.
#[component]
fn ModerationButton(
    id: i64,
    action: ModerationAction,
    moderate: ServerAction<ModerateComment>,
) -> impl IntoView {
    let (text, name) = match action {
        ModerationAction::Hide => ("Hide", "Hide comment"),
        ModerationAction::Show => ("Show", "Show comment"),
        ModerationAction::Approve => ("Approve", "Approve comment"),
    };
    view! {
        <ActionForm action=moderate>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="action" value=action.as_str()/>
            <LinkButton label=text name/>
        </ActionForm>
    }
}
