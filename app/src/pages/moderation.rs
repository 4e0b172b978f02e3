use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::Restricted;
use crate::api::{get_moderation_queue, DeleteComment, ModerateComment, SetHoldComments};
use crate::components::{
    last_error, Comment, CommentActions, FormMessage, PageTitle, SubmitButton,
};
use crate::domain::ModerationQueue;

/// The admin's moderation page: comments that are hidden or await approval, newest first,
/// with the buttons that decide their fate, and the setting that holds new comments.
#[component]
pub fn ModerationPage() -> impl IntoView {
    let remove = ServerAction::<DeleteComment>::new();
    let moderate = ServerAction::<ModerateComment>::new();
    let hold = ServerAction::<SetHoldComments>::new();
    let actions = CommentActions { remove, moderate };
    let queue = Resource::new(|| (), |_| get_moderation_queue());
    view! {
        <PageTitle text="Comments"/>
        <Meta name="description" content="Hidden comments and comments awaiting approval."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(queue) => view! { <Queue queue actions hold/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Queue(
    queue: ModerationQueue,
    actions: CommentActions,
    hold: ServerAction<SetHoldComments>,
) -> impl IntoView {
    let hold_error = last_error(hold.value());
    let moderate_error = last_error(actions.moderate.value());
    let remove_error = last_error(actions.remove.value());
    let count = queue.comments.len();
    view! {
        <h1>"Comments"</h1>
        <div class="hold-setting">
        <ActionForm action=hold>
            <FormMessage error=hold_error/>
            <div class="checkbox-field">
                <input
                    type="checkbox"
                    id="field-hold"
                    name="hold"
                    value="true"
                    checked=queue.hold_for_approval
                    aria-describedby="field-hold-hint"
                />
                <label for="field-hold">"Hold new comments for approval"</label>
            </div>
            <p class="hint" id="field-hold-hint">
                "Readers' new comments then wait here until you approve them; your own never do."
            </p>
            <SubmitButton label="Save setting"/>
        </ActionForm>
        </div>
        <h2>"Hidden and awaiting approval"</h2>
        <FormMessage error=moderate_error/>
        <FormMessage error=remove_error/>
        {if count == 0 {
            view! { <p class="empty-state">"No comment is hidden or awaiting approval."</p> }.into_any()
        } else {
            view! {
                <ol class="comment-list moderation-queue">
                    {queue.comments.into_iter().map(|q| view! {
                        <li>
                            <p class="queued-on">
                                "On " <a href=format!("/posts/{}", q.post_slug)>{q.post_title}</a>
                            </p>
                            <Comment comment=q.comment actions/>
                        </li>
                    }).collect_view()}
                </ol>
            }
            .into_any()
        }}
    }
}
