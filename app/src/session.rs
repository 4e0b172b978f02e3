//! The browser's view of the session: who is logged in, refreshed after anything that may
//! change it.
//!
//! Form actions are created by their pages, not here: Leptos hands a failed plain-HTML form
//! post's error to the actions created under `<Routes>`, so that a page without JavaScript
//! can show it.

use leptos::prelude::*;

use crate::api::{get_current_user, Logout};
use crate::domain::CurrentUser;
use crate::error::AppError;

#[derive(Clone, Copy)]
pub struct Session {
    pub logout: ServerAction<Logout>,
    changed: RwSignal<u32>,
    /// Who is logged in.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Session {
    pub fn provide() -> Session {
        let logout = ServerAction::<Logout>::new();
        let changed = RwSignal::new(0);
        let user = Resource::new(
            move || (logout.version().get(), changed.get()),
            |_| get_current_user(),
        );
        let session = Session {
            logout,
            changed,
            user,
        };
        provide_context(session);
        session
    }

    pub fn get() -> Session {
        expect_context::<Session>()
    }

    /// Refetches the user whenever `action` completes a run.
    pub fn refresh_after<A: Send + Sync + 'static, O: Send + Sync + 'static>(
        self,
        action: Action<A, O>,
    ) {
        let changed = self.changed;
        Effect::new(move |previous: Option<usize>| {
            let version = action.version().get();
            if previous.is_some_and(|p| p != version) {
                changed.update(|n| *n += 1);
            }
            version
        });
    }
}
