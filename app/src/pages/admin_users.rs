use leptos::prelude::*;
use leptos_meta::Meta;

use crate::components::PageTitle;

use super::Restricted;
use crate::api::{list_users, verification_mode};
use crate::domain::{EmailVerification, Role};

/// The admin's list of accounts.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    let verification = Resource::new(|| (), |_| verification_mode());
    view! {
        <PageTitle text="Users"/>
        <Meta name="description" content="Accounts on this blog."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(users) => { let mode = verification.await; view! {
                            <h1>"Users"</h1>
                            <p class="note">{match mode {
                                Ok(EmailVerification::On) => "Email verification is on: new accounts confirm their address by a mailed link before they can comment.",
                                Ok(EmailVerification::OffWithoutMail) => "Email verification is off: it needs the blog's mail settings (SMTP_URL, CONTACT_TO) and its public address (QUIRE_PUBLIC_URL).",
                                Ok(EmailVerification::OffBySetting) => "Email verification is off (QUIRE_VERIFY_EMAIL=off).",
                                Err(_) => "",
                            }}</p>
                            <table class="users">
                                <caption>{format!("{} accounts", users.len())}</caption>
                                <thead>
                                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Address confirmed"</th><th scope="col">"Joined"</th></tr>
                                </thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! {
                                        <tr>
                                            <td>{u.name}</td>
                                            <td>{u.email}</td>
                                            <td>{if u.role == Role::Admin { "Admin" } else { "Reader" }}</td>
                                            <td>{if u.email_verified { "Yes" } else { "No" }}</td>
                                            <td>{u.created_at.format("%B %-d, %Y").to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any() }
                    }
                })}
            </Suspense>
        </section>
    }
}
