use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::{sessions, EndOtherSessions, EndSession};
use crate::components::{last_error, FormMessage, SubmitButton};
use crate::domain::SessionView;
use crate::error::AppError;

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%B %-d, %Y at %H:%M UTC").to_string()
}

/// The account page's list of the places the account is logged in, each of which can be
/// ended (that browser is logged out at its next request).
#[component]
pub fn SessionsSection() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let listed = Resource::new(
        move || (end.version().get(), end_others.version().get()),
        |_| sessions(),
    );
    let end_error = last_error(end.value());
    let others_error = last_error(end_others.value());

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match listed.await {
                    // A visitor: the page says to log in.
                    Err(AppError::Unauthorized) => ().into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(list) => {
                        let others = list.iter().filter(|s| !s.current).count();
                        view! {
                            <h2 id="sessions">"Where you're logged in"</h2>
                            <FormMessage error=end_error/>
                            <table class="sessions">
                                <caption>{match list.len() { 1 => "1 session".to_owned(), n => format!("{n} sessions") }}</caption>
                                <thead>
                                    <tr><th scope="col">"Browser"</th><th scope="col">"Address"</th><th scope="col">"Logged in"</th><th scope="col">"Last active"</th><th scope="col"><span class="visually-hidden">"End"</span></th></tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! { <SessionRow session=s end/> }).collect_view()}
                                </tbody>
                            </table>
                            {(others > 0).then(|| view! {
                                <ActionForm action=end_others>
                                    <FormMessage error=others_error/>
                                    <SubmitButton label="Log out everywhere else"/>
                                </ActionForm>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionRow(session: SessionView, end: ServerAction<EndSession>) -> impl IntoView {
    let label = format!(
        "End the session of {} from {}",
        session.browser, session.address
    );
    view! {
        <tr>
            <td>{session.browser.clone()}{session.current.then(|| view! { <strong>" (this browser)"</strong> })}</td>
            <td>{session.address.clone()}</td>
            <td>{when(session.created_at)}</td>
            <td>{when(session.last_seen_at)}</td>
            <td>
                {(!session.current).then(|| view! {
                    <ActionForm action=end>
                        <input type="hidden" name="handle" value=session.handle.clone()/>
                        <button type="submit" aria-label=label.clone()>"End"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
