use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{reply_notifications, SetReplyNotifications};
use crate::components::{last_error, FormMessage, SubmitButton};

/// The account page's "Notifications": whether replies to one's comments come by mail.
#[component]
pub fn NotificationsSection() -> impl IntoView {
    let action = ServerAction::<SetReplyNotifications>::new();
    let error = last_error(action.value());
    let wanted = Resource::new(|| (), |_| reply_notifications());
    let saved = use_query_map().read_untracked().get("saved").as_deref() == Some("notifications");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                wanted.await.ok().map(|on| view! {
                    <h2 id="notifications">"Notifications"</h2>
                    <ActionForm action>
                        <FormMessage error/>
                        {saved.then(|| view! { <p class="form-ok" role="status">"Saved."</p> })}
                        <div class="checkbox-field">
                            <input type="checkbox" id="field-replies" name="replies" value="on" checked=on aria-describedby="field-replies-hint"/>
                            <label for="field-replies">"Email me when someone replies to my comments"</label>
                        </div>
                        <p class="hint" id="field-replies-hint">"One mail per reply, once it is visible; replies of your own are not mailed to you."</p>
                        <SubmitButton label="Save notifications"/>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}
