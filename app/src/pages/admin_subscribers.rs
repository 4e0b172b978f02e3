use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use super::Restricted;
use crate::api::{list_subscribers, RemoveSubscriber};
use crate::components::{last_error, FormMessage, LinkButton, PageTitle, SubmitButton};
use crate::domain::SubscriberStatus;

/// The admin's subscribers: how many in each state, a search, and each address with a
/// "Remove" button. `?q=` searches, `?page=` pages.
#[component]
pub fn AdminSubscribersPage() -> impl IntoView {
    let query = use_query_map();
    let outcome = query.with_untracked(import_outcome);
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
                    let (search, outcome) = (search.clone(), outcome.clone());
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
                                <ListFile outcome=outcome.clone()/>
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

/// What an import did, as the redirect from `POST /admin/subscribers/import` tells it:
/// numbers and codes only (see `server/src/http/subscriber_list.rs`), put into words here.
fn import_outcome(q: &leptos_router::params::ParamsMap) -> Option<(bool, String)> {
    if let Some(counts) = q.get("imported") {
        let n: Vec<u64> = counts.split('.').filter_map(|n| n.parse().ok()).collect();
        let [confirmed, pending, now_confirmed, unchanged, kept_out] = n[..] else {
            return None;
        };
        let dry_run = q.get("dry_run").is_some();
        let done = if dry_run {
            "Dry run, nothing was changed. The import would make"
        } else {
            "Imported:"
        };
        return Some((
            false,
            format!(
                "{done} {confirmed} added confirmed, {pending} waiting for their own \
                 subscription, {now_confirmed} confirmed now, {unchanged} already subscribed, \
                 {kept_out} unsubscribed or bouncing here and left out."
            ),
        ));
    }
    let message = match q.get("import_error")?.as_str() {
        "lines" => {
            let lines: Vec<u64> = q
                .get("lines")
                .unwrap_or_default()
                .split('.')
                .filter_map(|n| n.parse().ok())
                .collect();
            let of: usize = q.get("of").and_then(|n| n.parse().ok()).unwrap_or(lines.len());
            let listed: Vec<String> = lines.iter().map(u64::to_string).collect();
            let more = if of > lines.len() { format!(" and {} more", of - lines.len()) } else { String::new() };
            format!(
                "Nothing was imported: line {}{more} of the file is not an email address or is not CSV.",
                listed.join(", ")
            )
        }
        "no_email_column" => {
            "Nothing was imported: the file's first line must name its columns, one of them \"email\".".to_owned()
        }
        "no_file" => "Choose a CSV file to import.".to_owned(),
        "not_a_form" => "The file could not be read. Please try again.".to_owned(),
        _ => "The import failed and nothing was changed. Please try again.".to_owned(),
    };
    Some((true, message))
}

/// Download the list, or import one: a plain multipart form post, so it works without
/// JavaScript; the page script shows "Working…" while a large file is read.
#[component]
fn ListFile(outcome: Option<(bool, String)>) -> impl IntoView {
    view! {
        <section class="subscriber-file" aria-labelledby="subscriber-file-heading">
            <h2 id="subscriber-file-heading">"Move the list"</h2>
            {outcome.map(|(failed, message)| {
                let class = if failed { "form-error" } else { "form-ok" };
                let role = if failed { "alert" } else { "status" };
                view! { <p class=class role=role>{message}</p> }
            })}
            <p><a href="/admin/subscribers.csv" download="subscribers.csv">"Download all as CSV"</a></p>
            <form method="post" action="/admin/subscribers/import" enctype="multipart/form-data">
                <label for="subscriber-file">"CSV file to import"</label>
                <input type="file" id="subscriber-file" name="file" accept=".csv,text/csv" required aria-describedby="subscriber-file-hint"/>
                <p class="hint" id="subscriber-file-hint">
                    "An \u{201c}email\u{201d} column, and \u{201c}opted_in\u{201d} (yes) for addresses that confirmed elsewhere; others wait until they subscribe here. Addresses that unsubscribed here are never added back."
                </p>
                <div class="checkbox-field">
                    <input type="checkbox" id="subscriber-dry-run" name="dry_run" value="1"/>
                    <label for="subscriber-dry-run">"Only show what would change"</label>
                </div>
                <SubmitButton label="Import"/>
            </form>
        </section>
    }
}
