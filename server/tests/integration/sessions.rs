//! Sessions: rotation, logout, password changes, restarts, several instances.

use std::time::Duration;

use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    logout_destroys_the_session_on_the_server,
    login_always_issues_a_new_session_id,
    changing_the_password_ends_other_sessions,
    a_session_survives_a_restart,
    two_instances_accept_each_others_sessions,
);

async fn logout_destroys_the_session_on_the_server(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let old_cookie = ada.cookie.clone();
    let reply = ada.call("logout", &[]).await;
    assert!(reply.status < 400, "{}", reply.body);
    assert!(ada.cookie.is_none(), "cookie removed");

    let mut replay = Browser::with_cookie(&server, old_cookie);
    assert!(
        replay.whoami().await.is_null(),
        "the old cookie no longer logs anyone in"
    );
    assert_eq!(replay.page("/account").await.status, 401);
}

async fn login_always_issues_a_new_session_id(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Bob", "bob@example.com", PASSWORD)
        .await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let before = ada.cookie.clone().unwrap();
    // Logging in over an existing session (as another user, even) must not keep its id.
    assert!(ada.login("bob@example.com", PASSWORD).await.status < 400);
    let after = ada.cookie.clone().unwrap();
    assert_ne!(before, after);
    assert_eq!(ada.whoami().await["name"], "Bob");
    assert!(Browser::with_cookie(&server, Some(before))
        .whoami()
        .await
        .is_null());
}

async fn changing_the_password_ends_other_sessions(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut laptop = Browser::new(&server);
    laptop.register("Ada", "ada@example.com", PASSWORD).await;
    let mut phone = Browser::new(&server);
    assert!(phone.login("ada@example.com", PASSWORD).await.status < 400);

    let wrong = laptop
        .call(
            "account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("That is not your current password."));

    let ok = laptop
        .call(
            "account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(laptop.whoami().await["name"], "Ada", "this session goes on");
    assert!(phone.whoami().await.is_null(), "the other session ended");
    assert_eq!(
        Browser::new(&server)
            .login("ada@example.com", PASSWORD)
            .await
            .status,
        401
    );
    assert!(
        Browser::new(&server)
            .login("ada@example.com", "a brand new passphrase")
            .await
            .status
            < 400
    );
}

async fn a_session_survives_a_restart(db: TestDb) {
    let mut server = TestServer::process(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let cookie = ada.cookie.clone();
    assert!(server.terminate(Duration::from_secs(10)).success());

    let server = TestServer::process(&db).await;
    let mut again = Browser::with_cookie(&server, cookie);
    assert_eq!(again.whoami().await["name"], "Ada");
}

async fn two_instances_accept_each_others_sessions(db: TestDb) {
    let one = TestServer::start(&db).await;
    let two = TestServer::start(&db).await;
    let mut ada = Browser::new(&one);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let mut at_two = Browser::with_cookie(&two, ada.cookie.clone());
    assert_eq!(at_two.whoami().await["name"], "Ada");
    // And a logout at one instance holds at the other.
    at_two.call("logout", &[]).await;
    assert!(ada.whoami().await.is_null());
}
