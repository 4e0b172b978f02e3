use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use super::Restricted;
use crate::api::{list_subscribers, RemoveSubscriber};
use crate::components::{last_error, FormMessage, LinkButton, PageTitle};
use crate::domain::SubscriberStatus;

/// The admin's subscribers: how many in each state, a search, and each address with a
/// "Remove" button. `?q=` searches, `?page=` pages.
#[component]
pub fn AdminSubscribersPage() -> impl IntoView {
    let query = use_query_map();
    let (search, page) = query.with_untracked(|q| {
        let page = q
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1);
        (q.get("q").unwrap_or_default(), page)
    });
    let remove = ServerAction::<RemoveSubscriber>::new();
    let error = last_error(remove.value());
    let listing = Resource::new(
        {
            let search = search.clone();
            move || (search.clone(), page)
        },
        |(q, page)| list_subscribers(Some(q), Some(page)),
    );
    view! {
        <PageTitle text="Subscribers"/>
        <Meta name="description" content="Who gets new posts by email."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let search = search.clone();
                    Suspend::new(async move {
                        match listing.await {
                            Err(error) => view! { <Restricted error/> }.into_any(),
                            Ok(listing) => view! {
                                <h1>"Subscribers"</h1>
                                <p class="note">{format!(
                                    "{} confirmed, {} waiting for confirmation, {} unsubscribed, {} bouncing.",
                                    listing.confirmed, listing.pending, listing.unsubscribed, listing.bouncing
                                )}</p>
                                <form method="get" action="/admin/subscribers" role="search" class="subscriber-search">
                                    <label for="subscriber-search">"Search addresses"</label>
                                    <input type="search" id="subscriber-search" name="q" value=search.clone() maxlength="200"/>
                                    <button type="submit">"Search"</button>
                                </form>
                                <FormMessage error/>
                                <table class="users">
                                    <caption>{if search.is_empty() { "Newest first".to_owned() } else { format!("Addresses containing \u{201c}{search}\u{201d}") }}</caption>
                                    <thead>
                                        <tr><th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col">"Since"</th><th scope="col">"Remove"</th></tr>
                                    </thead>
                                    <tbody>
                                        {listing.rows.into_iter().map(|s| view! {
                                            <tr>
                                                <td>{s.email.clone()}</td>
                                                <td>{status_label(s.status)}</td>
                                                <td>{s.created_at.format("%B %-d, %Y").to_string()}</td>
                                                <td>
                                                    <ActionForm action=remove>
                                                        <input type="hidden" name="id" value=s.id/>
                                                        <LinkButton label="Remove" name=format!("Remove {}", s.email)/>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {listing.more.then(|| {
                                    let q = crate::domain::encode_query_value(&search);
                                    view! { <p><a href=format!("/admin/subscribers?q={q}&page={}", page + 1)>"More"</a></p> }
                                })}
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

fn status_label(status: SubscriberStatus) -> &'static str {
    match status {
        SubscriberStatus::Pending => "Waiting for confirmation",
        SubscriberStatus::Confirmed => "Confirmed",
        SubscriberStatus::Unsubscribed => "Unsubscribed",
        SubscriberStatus::Bouncing => "Bouncing",
    }
}
