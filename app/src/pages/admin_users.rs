use leptos::prelude::*;
use leptos_meta::Meta;

use crate::components::PageTitle;

use super::Restricted;
use crate::api::list_users;
use crate::domain::Role;

/// The admin's list of accounts.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <PageTitle text="Users"/>
        <Meta name="description" content="Accounts on this blog."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(users) => view! {
                            <h1>"Users"</h1>
                            <table class="users">
                                <caption>{format!("{} accounts", users.len())}</caption>
                                <thead>
                                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Joined"</th></tr>
                                </thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! {
                                        <tr>
                                            <td>{u.name}</td>
                                            <td>{u.email}</td>
                                            <td>{if u.role == Role::Admin { "Admin" } else { "Reader" }}</td>
                                            <td>{u.created_at.format("%B %-d, %Y").to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
