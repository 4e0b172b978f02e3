use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::components::{last_error, FormMessage, PageTitle, SubmitButton};

use super::Restricted;
use crate::api::{
    list_invites, list_users, shown_invite, verification_mode, Invite, RemoveUser, SetRole,
    WithdrawInvite, SAVED_TEAM,
};
use crate::domain::{EmailVerification, InviteListing, InviteSent, Role, UserListing, INVITE_DAYS};
use crate::session::Session;

/// The admin's people page: invitations, everyone's role, and removing people.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    let invites = Resource::new(|| (), |_| list_invites());
    let verification = Resource::new(|| (), |_| verification_mode());
    let me = Session::get().user;
    let saved = use_query_map().read_untracked().get("saved").as_deref() == Some(SAVED_TEAM);
    // Made here, once, rather than in the form (which the page may render more than once):
    // a link held for the next page is handed out a single time.
    let key = use_query_map().read_untracked().get("shown");
    let held = Resource::new(
        move || key.clone(),
        |key| async move {
            match key {
                Some(key) => shown_invite(key).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <PageTitle text="Users"/>
        <Meta name="description" content="The people on this blog, their roles, and invitations."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match (users.await, invites.await) {
                        (Err(error), _) | (_, Err(error)) => view! { <Restricted error/> }.into_any(),
                        (Ok(users), Ok(invites)) => {
                            let mode = verification.await;
                            let my_id = me.await.ok().flatten().map(|u| u.id).unwrap_or_default();
                            view! {
                                <h1>"Users"</h1>
                                {saved.then(|| view! { <p class="form-ok" role="status">"Saved."</p> })}
                                <p class="note">{verification_note(mode.ok())}</p>
                                <InviteForm held/>
                                <Invitations invites/>
                                <People users my_id/>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

fn verification_note(mode: Option<EmailVerification>) -> &'static str {
    match mode {
        Some(EmailVerification::On) => "Email verification is on: new accounts confirm their address by a mailed link before they can comment.",
        Some(EmailVerification::OffWithoutMail) => "Email verification is off: it needs the blog's mail settings (SMTP_URL, CONTACT_TO) and its public address (QUIRE_PUBLIC_URL).",
        Some(EmailVerification::OffBySetting) => "Email verification is off (QUIRE_VERIFY_EMAIL=off).",
        None => "",
    }
}

/// The roles one may hold, as `<option>`s, `selected` marking one.
fn role_options(roles: &[Role], selected: Role) -> impl IntoView {
    roles
        .iter()
        .map(|&role| {
            view! {
                <option value=role.as_str() selected=role == selected>
                    {format!("{}: {}", role.label(), role.describe())}
                </option>
            }
        })
        .collect_view()
}

/// "Invite someone": an address and a role. The answer says the link was mailed, or shows
/// it (a blog that cannot mail); without JavaScript it comes back through `?shown=`.
#[component]
fn InviteForm(held: Resource<Option<InviteSent>>) -> impl IntoView {
    let action = ServerAction::<Invite>::new();
    let error = last_error(action.value());
    let team_roles = [Role::Admin, Role::Editor, Role::Author, Role::Contributor];
    view! {
        <h2 id="invite-title">"Invite someone"</h2>
        <ActionForm action attr:id="invite-form" attr:aria-labelledby="invite-title">
            <FormMessage error/>
            <crate::components::Field label="Email address" name="email" kind="email" autocomplete="off" error echo=true/>
            <div class="field">
                <label for="field-role">"Role"</label>
                <select id="field-role" name="role">{role_options(&team_roles, Role::Author)}</select>
                {move || error.get().and_then(|e| e.for_field("role")).map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <SubmitButton label="Invite"/>
        </ActionForm>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let sent = action.value().get().and_then(Result::ok).or(held.await);
                sent.map(|sent| view! { <InviteResult sent/> })
            })}
        </Transition>
    }
}

#[component]
fn InviteResult(sent: InviteSent) -> impl IntoView {
    let who = format!("{} as {}", sent.email, sent.role.label().to_lowercase());
    match sent.link {
        None => view! {
            <p class="form-ok" role="status">{format!("Invitation mailed to {who}.")}</p>
        }
        .into_any(),
        Some(link) => view! {
            <div class="form-ok invite-link" role="status">
                <p>{format!("Invitation made for {who}. This blog cannot mail, so hand this link over yourself: it works once, for {INVITE_DAYS} days, and is not shown again.")}</p>
                <label for="invite-link">"Invitation link"</label>
                <input id="invite-link" type="text" readonly value=link/>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Invitations(invites: Vec<InviteListing>) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawInvite>::new();
    let error = last_error(withdraw.value());
    (!invites.is_empty()).then(|| view! {
        <h2>"Invitations not used yet"</h2>
        <FormMessage error/>
        <table class="users invites">
            <thead>
                <tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Invited by"</th><th scope="col">"Link works until"</th><th scope="col">"Withdraw"</th></tr>
            </thead>
            <tbody>
                {invites.into_iter().map(|i| view! {
                    <tr>
                        <td>{i.email.clone()}</td>
                        <td>{i.role.label()}</td>
                        <td>{i.invited_by.unwrap_or_default()}</td>
                        <td>{if i.expired { format!("Expired {}", i.expires) } else { i.expires }}</td>
                        <td>
                            <ActionForm action=withdraw>
                                <input type="hidden" name="id" value=i.id/>
                                <button type="submit" class="link-button" aria-label=format!("Withdraw the invitation to {}", i.email)>"Withdraw"</button>
                            </ActionForm>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}

#[component]
fn People(users: Vec<UserListing>, my_id: i64) -> impl IntoView {
    let set_role = ServerAction::<SetRole>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let role_error = last_error(set_role.value());
    let remove_error = last_error(remove.value());
    view! {
        <h2>"People"</h2>
        <FormMessage error=role_error/>
        <FormMessage error=remove_error/>
        <table class="users">
            <caption>{format!("{} accounts", users.len())}</caption>
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Address confirmed"</th><th scope="col">"Joined"</th><th scope="col">"Remove"</th></tr>
            </thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let mine = u.id == my_id;
                    let role_id = format!("role-{}", u.id);
                    let confirm_id = format!("remove-{}", u.id);
                    let name = u.name.clone();
                    view! {
                        <tr>
                            <td>{u.name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td>{if mine {
                                view! { {u.role.label()} " (you)" }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=set_role attr:class="inline-form">
                                        <input type="hidden" name="id" value=u.id/>
                                        <label for=role_id.clone() class="visually-hidden">{format!("Role of {name}")}</label>
                                        <select id=role_id name="role">{role_options(&Role::ALL, u.role)}</select>
                                        <button type="submit" aria-label=format!("Change the role of {name}")>"Change"</button>
                                    </ActionForm>
                                }.into_any()
                            }}</td>
                            <td>{if u.email_verified { "Yes" } else { "No" }}</td>
                            <td>{u.created_at.format("%B %-d, %Y").to_string()}</td>
                            <td>{(!mine).then(|| view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=u.id/>
                                    <input type="checkbox" id=confirm_id.clone() name="confirm" value="on" required/>
                                    <label for=confirm_id>{format!("Yes, remove {}", u.name)}</label>
                                    <button type="submit" aria-label=format!("Remove {}", u.name)>"Remove"</button>
                                </ActionForm>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <p class="hint">"Removing someone ends their sessions and frees their address; their posts and comments stay under their name."</p>
    }
}
