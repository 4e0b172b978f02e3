use leptos::form::ActionForm;
use leptos::prelude::*;

use super::Restricted;
use crate::api::{list_messages, list_unsent_mail, SetMessageRead};
use crate::components::{LinkButton, PageTitle};
use crate::domain::UnsentMail;

/// The admin's inbox of contact messages.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let mark = ServerAction::<SetMessageRead>::new();
    let messages = Resource::new(|| (), |_| list_messages());
    let unsent = Resource::new(|| (), |_| list_unsent_mail());
    view! {
        <PageTitle text="Messages"/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <h1>"Messages"</h1><p>"No messages yet."</p> }.into_any(),
                        Ok(list) => {
                            let unread = list.iter().filter(|m| !m.read).count();
                            view! {
                                <h1>"Messages"</h1>
                                <p>{format!("{} messages, {unread} unread.", list.len())}</p>
                                <ol class="inbox">
                                    {list.into_iter().map(|m| view! {
                                        <li class="message" class:unread=!m.read>
                                            <p class="message-meta">
                                                <strong>{m.name}</strong> " <" {m.email} "> "
                                                {(!m.phone.is_empty()).then(|| format!("· {} ", m.phone))}
                                                "· " {m.created_at.format("%B %-d, %Y %H:%M UTC").to_string()}
                                                {(!m.mailed).then(|| match m.mail_error {
                                                    Some(error) => format!(" · not mailed yet (the last try failed: {error}; it will be tried again)"),
                                                    None => " · not mailed".to_owned(),
                                                })}
                                            </p>
                                            <p class="message-body">{m.body}</p>
                                            <ActionForm action=mark>
                                                <input type="hidden" name="id" value=m.id/>
                                                <input type="hidden" name="read" value=(!m.read).to_string()/>
                                                {
                                                    let label = if m.read { "Mark as unread" } else { "Mark as read" };
                                                    view! { <LinkButton label name=label/> }
                                                }
                                            </ActionForm>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move {
                    unsent.await.ok().filter(|list| !list.is_empty()).map(|list| view! { <UnsentList list/> })
                })}
            </Suspense>
        </section>
    }
}

/// Mail of any kind the SMTP server has not taken yet: what, to whom, and why not.
#[component]
fn UnsentList(list: Vec<UnsentMail>) -> impl IntoView {
    view! {
        <section aria-labelledby="unsent-title">
            <h2 id="unsent-title">"Mail not sent yet"</h2>
            <ul class="unsent-mail">
                {list.into_iter().map(|m| {
                    let next = if m.given_up {
                        "no more tries: check the mail settings".to_owned()
                    } else {
                        format!("next try {}", m.next_attempt_at.format("%B %-d, %H:%M UTC"))
                    };
                    view! {
                        <li>
                            <strong>{m.subject}</strong> " to " {m.recipient}
                            {format!(" ({}) · {} tries, {next}", m.kind, m.attempts)}
                            <br/>
                            <span class="field-error">{m.last_error.unwrap_or_default()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
