//! Who is logged in, for the page being rendered, and the header's "Log out" action.
//!
//! Pages are rendered on the server (islands mode): every login, logout or change of name
//! is followed by a new page, rendered with the session as it is then.
//!
//! Form actions are created by their pages, not here: Leptos hands a failed plain-HTML form
//! post's error to the actions created under `<Routes>`, so that the page can show it.

use leptos::prelude::*;

use crate::api::{get_current_user, Logout};
use crate::domain::CurrentUser;
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct Session {
    pub logout: ServerAction<Logout>,
    /// Who is logged in.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Session {
    pub fn provide() -> Session {
        let logout = ServerAction::<Logout>::new();
        let user = Resource::new(|| (), |_| get_current_user());
        let session = Session { logout, user };
        provide_context(session);
        session
    }

    pub fn get() -> Session {
        expect_context::<Session>()
    }
}
