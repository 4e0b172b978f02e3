//! Sessions: rotation, logout, password changes, restarts, several instances.

use std::time::Duration;

use crate::support::{both, execute, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    logout_destroys_the_session_on_the_server,
    login_always_issues_a_new_session_id,
    changing_the_password_ends_other_sessions,
    a_session_survives_a_restart,
    two_instances_accept_each_others_sessions,
    the_account_page_lists_sessions_and_ends_them,
    a_new_password_takes_the_other_sessions_off_the_list,
    kept_sessions_and_users_cost_no_query_until_they_change,
    a_change_through_another_instance_counts_at_its_next_request,
);

async fn listed(browser: &mut Browser<'_>) -> Vec<serde_json::Value> {
    let reply = browser.call("account/sessions", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn the_account_page_lists_sessions_and_ends_them(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut laptop = Browser::new(&server);
    laptop.register("Ada", "ada@example.com", PASSWORD).await;
    let mut phone = Browser::new(&server);
    assert!(phone.login("ada@example.com", PASSWORD).await.status < 400);
    let mut tablet = Browser::new(&server);
    assert!(tablet.login("ada@example.com", PASSWORD).await.status < 400);
    let mut bob = Browser::new(&server);
    bob.register("Bob", "bob@example.com", PASSWORD).await;

    let list = listed(&mut laptop).await;
    assert_eq!(list.len(), 3, "{list:?}");
    let current: Vec<_> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert!(list.iter().all(|s| s["address"] == "127.0.0.1"), "{list:?}");
    assert!(list
        .iter()
        .all(|s| s["created_at"].is_string() && s["last_seen_at"].is_string()));
    let page = laptop.page("/account").await;
    assert!(
        page.body.contains("Where you&#x27;re logged in")
            || page.body.contains("Where you're logged in"),
        "{}",
        page.body
    );
    assert!(page.body.contains("(this browser)"), "{}", page.body);
    // What names a session is not its id, the cookie's secret.
    let cookie = laptop.cookie.clone().unwrap();
    let id = cookie.trim_start_matches("quire_session=");
    assert!(!page.body.contains(id));

    // Bob cannot end Ada's sessions; Ada ends the phone's.
    let phone_handle = listed(&mut phone)
        .await
        .into_iter()
        .find(|s| s["current"] == true)
        .unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign = bob
        .call("account/sessions/end", &[("handle", &phone_handle)])
        .await;
    assert_eq!(foreign.status, 404);
    assert_eq!(phone.whoami().await["name"], "Ada");
    let ended = laptop
        .call("account/sessions/end", &[("handle", &phone_handle)])
        .await;
    assert!(ended.status < 400, "{}", ended.body);
    assert!(phone.whoami().await.is_null(), "the phone is logged out");
    assert_eq!(listed(&mut laptop).await.len(), 2);

    let others = laptop.call("account/sessions/end-others", &[]).await;
    assert!(others.status < 400, "{}", others.body);
    assert!(tablet.whoami().await.is_null());
    assert_eq!(laptop.whoami().await["name"], "Ada");
    assert_eq!(listed(&mut laptop).await.len(), 1);
    assert_eq!(listed(&mut bob).await.len(), 1, "Bob's session is his own");
}

async fn a_new_password_takes_the_other_sessions_off_the_list(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut laptop = Browser::new(&server);
    laptop.register("Ada", "ada@example.com", PASSWORD).await;
    let mut phone = Browser::new(&server);
    assert!(phone.login("ada@example.com", PASSWORD).await.status < 400);
    assert_eq!(listed(&mut laptop).await.len(), 2);
    let handle = |list: &[serde_json::Value]| list[0]["handle"].as_str().unwrap().to_owned();
    let before = handle(
        &listed(&mut laptop)
            .await
            .into_iter()
            .filter(|s| s["current"] == true)
            .collect::<Vec<_>>(),
    );
    let changed = laptop
        .call(
            "account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "another good password"),
            ],
        )
        .await;
    assert!(changed.status < 400, "{}", changed.body);
    let list = listed(&mut laptop).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["current"], true);
    assert_eq!(
        handle(&list),
        before,
        "this browser's session goes on under its handle"
    );
    assert!(phone.whoami().await.is_null());
}

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

async fn kept_sessions_and_users_cost_no_query_until_they_change(db: TestDb) {
    let server = TestServer::start_with(&db, &[("RUST_LOG", "info,sqlx::query=debug")]).await;
    // The statements that load a session (tower-sessions' own) and its user (`users::by_id`).
    let loads = || {
        server
            .log()
            .to_lowercase()
            .lines()
            .filter(|l| {
                l.contains("select data from") || l.contains("totp_since from users where id")
            })
            .count()
    };
    let settled = || tokio::time::sleep(Duration::from_millis(300));
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(ada.whoami().await["name"], "Ada");
    settled().await;
    let first = loads();
    assert!(first > 0, "the statements are being counted");
    // Pages that only read the session leave it unsaved, so nothing moves the version.
    for _ in 0..3 {
        assert_eq!(ada.page("/account").await.status, 200);
        assert_eq!(ada.whoami().await["name"], "Ada");
    }
    settled().await;
    assert_eq!(loads(), first, "the session and its user were kept");

    // Changed behind the server's back, as another instance or a command would: the next
    // request sees each change.
    execute(&db, "UPDATE users SET name = 'Countess Ada'").await;
    assert_eq!(ada.whoami().await["name"], "Countess Ada");
    settled().await;
    assert!(loads() > first, "read again after the change");
    execute(&db, "UPDATE users SET role = 'admin'").await;
    assert_eq!(ada.whoami().await["role"], "Admin");
    assert_eq!(ada.page("/admin/users").await.status, 200);
    execute(&db, "UPDATE users SET role = 'reader'").await;
    assert_eq!(ada.page("/admin/users").await.status, 403);
    execute(&db, "DELETE FROM sessions").await;
    assert!(
        ada.whoami().await.is_null(),
        "a deleted session logs nobody in"
    );
    assert_eq!(ada.page("/account").await.status, 401);
}

async fn a_change_through_another_instance_counts_at_its_next_request(db: TestDb) {
    let one = TestServer::start(&db).await;
    let two = TestServer::start(&db).await;
    let mut laptop = Browser::new(&two);
    laptop.register("Ada", "ada@example.com", PASSWORD).await;
    let mut phone = Browser::new(&one);
    assert!(phone.login("ada@example.com", PASSWORD).await.status < 400);
    for _ in 0..2 {
        assert_eq!(phone.whoami().await["name"], "Ada");
    }

    let renamed = laptop.call("account/name", &[("name", "Ada L.")]).await;
    assert!(renamed.status < 400, "{}", renamed.body);
    assert_eq!(
        phone.whoami().await["name"],
        "Ada L.",
        "the new name, at once"
    );
    let others = laptop.call("account/sessions/end-others", &[]).await;
    assert!(others.status < 400, "{}", others.body);
    assert!(
        phone.whoami().await.is_null(),
        "ended at the other instance"
    );
    assert_eq!(laptop.whoami().await["name"], "Ada L.");
}
