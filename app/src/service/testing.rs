//! What the services' tests share: an app state on a fresh, migrated SQLite file, and
//! accounts to call the services as.

use std::sync::Arc;

use crate::auth::SessionUser;
use crate::db::{self, users::NewUser, DatabaseUrl, Db, PoolSettings};
use crate::domain::Role;
use crate::state::{AppState, SiteSettings};

/// A state on a database of its own; the folder lives as long as the value.
pub struct TestState {
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

pub async fn state() -> TestState {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = DatabaseUrl::sqlite_file(&dir.path().join("quire.db"));
    let db = Db::connect(&url, &PoolSettings::default())
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let state = AppState {
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("quire")
            .build(),
        freshness: Arc::new(crate::freshness::Freshness::new(db.clone())),
        db,
        site: Arc::new(SiteSettings::default()),
        mailer: None,
    };
    TestState { state, _dir: dir }
}

/// A state whose blog can mail (to an SMTP server that is never reached: mail waits in the
/// outbox), with links starting `https://blog.example`.
pub async fn state_with_mail() -> TestState {
    let mut test = state().await;
    test.state.site = Arc::new(SiteSettings {
        public_url: Some("https://blog.example".into()),
        ..SiteSettings::default()
    });
    let mailer = crate::mail::Mailer::new(
        "smtp://127.0.0.1:9",
        "owner@blog.example",
        None,
        std::time::Duration::from_secs(60),
    )
    .expect("a mailer");
    test.state.mailer = Some(Arc::new(mailer));
    test
}

/// An account with `role` and no usable password.
pub async fn user(state: &AppState, name: &str, role: Role) -> SessionUser {
    let email = format!("{}@example.test", name.to_lowercase());
    let name = crate::domain::UserName::parse(name).unwrap();
    let user = NewUser {
        name: &name,
        email: &crate::domain::Email::parse(&email).unwrap(),
        password_hash: "!",
        role,
    };
    let id = db::users::create(&state.db, &user)
        .await
        .expect("create a user");
    db::users::by_id(&state.db, id).await.unwrap().unwrap()
}
