use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::{
    two_factor, ConfirmTwoFactor, DisableTwoFactor, NewRecoveryCodes, StartTwoFactor,
};
use crate::components::{last_error, Field, FormMessage, SubmitButton};
use crate::domain::{TwoFactor, TwoFactorPanel};
use crate::error::AppError;

/// The account page's two-factor section: set it up, see and replace recovery codes, turn
/// it off.
#[component]
pub fn TwoFactorSection() -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let renew = ServerAction::<NewRecoveryCodes>::new();
    let panel = Resource::new(
        move || {
            (
                start.version().get(),
                confirm.version().get(),
                disable.version().get(),
                renew.version().get(),
            )
        },
        |_| two_factor(),
    );
    let errors = (
        last_error(start.value()),
        last_error(confirm.value()),
        last_error(disable.value()),
        last_error(renew.value()),
    );

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match panel.await {
                    // A visitor: the page says to log in.
                    Err(AppError::Unauthorized) => ().into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(TwoFactorPanel { state, new_codes }) => view! {
                        <h2 id="two-factor">"Two-factor sign-in"</h2>
                        // Just made: the answer to the form, with JavaScript; without, the
                        // page's own data.
                        {move || {
                            let answered = renew.value().get().or_else(|| confirm.value().get());
                            let codes = answered.and_then(Result::ok).unwrap_or_else(|| new_codes.clone());
                            view! { <NewCodes codes/> }
                        }}
                        {match state {
                            TwoFactor::Off { required } => view! {
                                {required.then(|| view! {
                                    <p class="form-error" role="alert">"This blog asks admins to use two-factor sign-in: set it up to use the admin pages."</p>
                                })}
                                <p>"Logging in will also ask for a code from an authenticator app on your phone, so a stolen password alone is not enough."</p>
                                <ActionForm action=start>
                                    <FormMessage error=errors.0/>
                                    <SubmitButton label="Set up two-factor sign-in"/>
                                </ActionForm>
                            }.into_any(),
                            TwoFactor::Enrolling { secret, qr_svg } => view! {
                                <p>"Scan this code with your authenticator app, or type the key below into it."</p>
                                <div class="qr-code" role="img" aria-label="QR code to scan with your authenticator app" inner_html=qr_svg></div>
                                <p>"Key: " <code class="totp-secret">{secret}</code></p>
                                <ActionForm action=confirm>
                                    <FormMessage error=errors.1/>
                                    <Field label="Code from your app" name="code" autocomplete="one-time-code" error=errors.1 hint="The six digits your app shows for this blog."/>
                                    <SubmitButton label="Turn on two-factor sign-in"/>
                                </ActionForm>
                            }.into_any(),
                            TwoFactor::On { codes_left } => view! {
                                <p class="form-ok">"Two-factor sign-in is on. Recovery codes left: " {codes_left} "."</p>
                                <h3>"New recovery codes"</h3>
                                <p>"The old ones stop working."</p>
                                <ActionForm action=renew>
                                    <FormMessage error=errors.3/>
                                    <Field label="Password to make new codes" name="codes_password" kind="password" autocomplete="current-password" error=errors.3/>
                                    <SubmitButton label="Make new recovery codes"/>
                                </ActionForm>
                                <h3>"Turn it off"</h3>
                                <p>"Turning it off logs you out everywhere else."</p>
                                <ActionForm action=disable>
                                    <FormMessage error=errors.2/>
                                    <Field label="Password to turn it off" name="password" kind="password" autocomplete="current-password" error=errors.2/>
                                    <SubmitButton label="Turn off two-factor sign-in"/>
                                </ActionForm>
                            }.into_any(),
                        }}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Recovery codes just made: shown this once.
#[component]
fn NewCodes(codes: Vec<String>) -> impl IntoView {
    (!codes.is_empty()).then(|| view! {
        <div class="recovery-codes" role="status">
            <h3>"Your recovery codes"</h3>
            <p>"Keep them somewhere safe. Each one logs you in once without your phone. They are not shown again."</p>
            <ol>
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
        </div>
    })
}
