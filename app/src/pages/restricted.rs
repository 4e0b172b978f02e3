use leptos::prelude::*;

use crate::error::AppError;

/// What a page shows instead of its content when the visitor may not see it.
#[component]
pub fn Restricted(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthorized => view! {
            <div class="restricted">
                <h1>"Please log in"</h1>
                <p>"You need to be logged in to see this page."</p>
                <p><a href="/login">"Log in"</a> " or " <a href="/register">"register"</a></p>
            </div>
        }
        .into_any(),
        AppError::Forbidden => view! {
            <div class="restricted">
                <h1>"Not allowed"</h1>
                <p>"This page is for the blog's admin."</p>
                <p><a href="/">"Go to the home page"</a></p>
            </div>
        }
        .into_any(),
        AppError::TwoFactorRequired => view! {
            <div class="restricted">
                <h1>"Two-factor sign-in needed"</h1>
                <p>"This blog asks admins to use two-factor sign-in before using the admin pages."</p>
                <p><a href="/account#two-factor">"Set it up on your account page"</a></p>
            </div>
        }
        .into_any(),
        other => view! { <p class="error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}
