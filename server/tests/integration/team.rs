//! A blog for a team: contributors submit drafts that editors publish, authors publish their
//! own posts only, the admin invites people (a single-use link that expires: mailed, or shown
//! on screen), changes roles and removes people, whose posts stay under their name.

use crate::support::smtp::{mail_settings, SmtpSink};
use crate::support::{both, count, execute, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    a_contributor_submits_a_draft_and_an_editor_publishes_it,
    authors_publish_their_own_posts_and_no_one_else_s,
    an_invitation_link_works_once_and_names_its_account,
    an_invitation_expires,
    without_javascript_the_invitation_link_is_shown_once,
    invitations_are_mailed_when_the_blog_can_mail,
    a_role_change_applies_to_a_session_at_once,
    removed_people_cannot_log_in_and_their_posts_stay_theirs,
);

async fn member<'a>(server: &'a TestServer, db: &TestDb, name: &str, role: &str) -> Browser<'a> {
    let mut browser = Browser::new(server);
    let email = format!("{}@example.com", name.to_lowercase());
    browser.register(name, &email, PASSWORD).await;
    execute(
        db,
        &format!("UPDATE users SET role = '{role}' WHERE email = '{email}'"),
    )
    .await;
    browser
}

/// The id of the account with `email`, as a form sends it.
async fn id_of(db: &TestDb, email: &str) -> String {
    count(db, &format!("SELECT id FROM users WHERE email = '{email}'"))
        .await
        .to_string()
}

fn post<'a>(title: &'a str, body: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("subtitle", ""),
        ("cover_url", ""),
        ("body", body),
        ("status", status),
        ("publish_at", ""),
        ("tags", ""),
    ]
}

async fn a_contributor_submits_a_draft_and_an_editor_publishes_it(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut cara = member(&server, &db, "Cara", "contributor").await;
    let mut ed = member(&server, &db, "Ed", "editor").await;

    // Publishing is not hers to do: refused on the field, with what she typed kept.
    let refused = cara
        .call(
            "posts/create",
            &post("Field notes", "My words.", "published"),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("cannot publish"), "{}", refused.body);
    assert!(refused.body.contains("My words."), "{}", refused.body);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);

    let submitted = cara
        .call("posts/create", &post("Field notes", "My words.", "review"))
        .await;
    assert!(submitted.status < 400, "{}", submitted.body);
    assert_eq!(
        Browser::new(&server)
            .page("/posts/field-notes")
            .await
            .status,
        404
    );
    let editor_page = cara.page("/posts/field-notes/edit").await;
    assert_eq!(editor_page.status, 200);
    assert!(editor_page.body.contains("Submit for review"));
    assert!(
        !editor_page.body.contains(r#"value="published""#),
        "no Publish for her"
    );

    // The editor finds it first in the list, and publishes it.
    let desk = ed.page("/admin/posts").await;
    assert!(
        desk.body.contains("1 post submitted for review"),
        "{}",
        desk.body
    );
    assert!(desk.body.contains("Submitted for review"));
    let form = ed.page("/posts/field-notes/edit").await;
    assert!(form.body.contains(r#"value="published""#));
    let mut publish = post("Field notes", "My words, edited.", "published");
    publish.push(("slug", "field-notes"));
    let published = ed.call("posts/update", &publish).await;
    assert!(published.status < 400, "{}", published.body);
    let page = Browser::new(&server).page("/posts/field-notes").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Cara"), "her byline stays");

    // Out now, so it is the editors' to change: she may no longer, nor delete it.
    let mut edit = post("Field notes", "Sneaky.", "draft");
    edit.push(("slug", "field-notes"));
    assert_eq!(cara.call("posts/update", &edit).await.status, 403);
    assert_eq!(
        cara.call("posts/delete", &[("slug", "field-notes")])
            .await
            .status,
        403
    );
    assert_eq!(cara.page("/admin/posts").await.status, 200);
    // Moderating and the admin's pages are not hers, nor the editor's people page.
    assert_eq!(cara.call("admin/comments", &[]).await.status, 403);
    assert!(ed.call("admin/comments", &[]).await.status < 400);
    assert_eq!(ed.call("admin/users", &[]).await.status, 403);
}

async fn authors_publish_their_own_posts_and_no_one_else_s(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut abe = member(&server, &db, "Abe", "author").await;
    let mut ann = member(&server, &db, "Ann", "author").await;
    assert!(admin.publish("Admin notes", "Theirs.").await.status < 400);
    let own = abe
        .call("posts/create", &post("Abe writes", "Mine.", "published"))
        .await;
    assert!(own.status < 400, "{}", own.body);
    assert_eq!(
        Browser::new(&server).page("/posts/abe-writes").await.status,
        200
    );

    let mut edit = post("Abe writes", "Mine, better.", "published");
    edit.push(("slug", "abe-writes"));
    assert!(abe.call("posts/update", &edit).await.status < 400);
    // Someone else's post: neither its editor nor its revisions nor deleting it.
    assert_eq!(ann.call("posts/update", &edit).await.status, 403);
    assert_eq!(ann.page("/posts/abe-writes/edit").await.status, 403);
    assert_eq!(
        ann.call("posts/revisions", &[("slug", "abe-writes")])
            .await
            .status,
        403
    );
    assert_eq!(
        ann.call("posts/delete", &[("slug", "admin-notes")])
            .await
            .status,
        403
    );
    // Named a co-author, she may.
    let mut shared = post("Abe writes", "Ours.", "published");
    shared.push(("slug", "abe-writes"));
    shared.push(("coauthors", "ann@example.com"));
    assert!(abe.call("posts/update", &shared).await.status < 400);
    let mut hers = post("Abe writes", "Ours, by Ann.", "published");
    hers.push(("slug", "abe-writes"));
    hers.push(("coauthors", "ann@example.com"));
    let by_ann = ann.call("posts/update", &hers).await;
    assert!(by_ann.status < 400, "{}", by_ann.body);
    // Their list holds their own posts only; the post page offers them its editor.
    let desk = ann.page("/admin/posts").await;
    assert!(
        desk.body.contains("Abe&#x27;s") || desk.body.contains("Abe writes"),
        "{}",
        desk.body
    );
    assert!(!desk.body.contains("Admin notes"), "{}", desk.body);
    assert!(ann
        .page("/posts/abe-writes")
        .await
        .body
        .contains(r#"href="/posts/abe-writes/edit""#));
    assert!(!ann
        .page("/posts/admin-notes")
        .await
        .body
        .contains("/edit\""));
    // Mailing the subscribers is for editors and admins.
    let mut mailing = post("Another", "x", "draft");
    mailing.push(("email_subscribers", "on"));
    assert_eq!(abe.call("posts/create", &mailing).await.status, 422);
    assert!(
        abe.call("posts/delete", &[("slug", "abe-writes")])
            .await
            .status
            < 400
    );
}

/// The link the `admin/invites/create` answer shows (a blog without mail).
fn link_of(reply: &crate::support::Reply) -> String {
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let link = json["link"].as_str().expect("a link to show").to_owned();
    link[link.find("/invite/").unwrap()..].to_owned()
}

async fn an_invitation_link_works_once_and_names_its_account(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let made = admin
        .call(
            "admin/invites/create",
            &[("email", "Eve@Example.com"), ("role", "editor")],
        )
        .await;
    assert!(made.status < 400, "{}", made.body);
    let link = link_of(&made);
    let token = link.trim_start_matches("/invite/").to_owned();
    let listed = admin.page("/admin/users").await.body;
    assert!(
        listed.contains("eve@example.com") && listed.contains("Withdraw"),
        "{listed}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invites").await, 1);
    // Only a hash of the token is kept.
    let stored = format!("SELECT COUNT(*) FROM invites WHERE token_hash = '{token}'");
    assert_eq!(count(&db, &stored).await, 0);

    // Logged in as someone else: refused, and the link still works for Eve.
    let mut rita = Browser::new(&server);
    rita.register("Rita", "rita@example.com", PASSWORD).await;
    let page = rita.page(&link).await;
    assert!(
        page.body.contains("you are logged in as rita@example.com"),
        "{}",
        page.body
    );
    let wrong = rita.call("invites/accept", &[("token", &token)]).await;
    assert_eq!(wrong.status, 409, "{}", wrong.body);

    let mut eve = Browser::new(&server);
    let page = eve.page(&link).await;
    assert!(page.body.contains("as editor"), "{}", page.body);
    assert!(page.body.contains("eve@example.com"));
    let joined = eve
        .call(
            "invites/accept",
            &[("token", &token), ("name", "Eve"), ("password", PASSWORD)],
        )
        .await;
    assert!(joined.status < 400, "{}", joined.body);
    assert!(
        eve.call("admin/comments", &[]).await.status < 400,
        "an editor, logged in"
    );
    assert_eq!(eve.call("admin/users", &[]).await.status, 403);

    let again = Browser::new(&server)
        .call(
            "invites/accept",
            &[
                ("token", &token),
                ("name", "Mallory"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains("used already"), "{}", again.body);
    let used = Browser::new(&server).page(&link).await;
    assert!(used.body.contains("used already"), "{}", used.body);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 3);

    // An account that exists takes the role by logging in and accepting; never a lower one.
    let made = admin
        .call(
            "admin/invites/create",
            &[("email", "rita@example.com"), ("role", "author")],
        )
        .await;
    let token = link_of(&made).trim_start_matches("/invite/").to_owned();
    let anonymous = Browser::new(&server)
        .call(
            "invites/accept",
            &[("token", &token), ("name", "Rita"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(anonymous.status, 409, "{}", anonymous.body);
    assert!(
        anonymous.body.contains("Log in as rita@example.com"),
        "{}",
        anonymous.body
    );
    assert!(
        rita.call("invites/accept", &[("token", &token)])
            .await
            .status
            < 400
    );
    assert!(
        rita.call("posts/desk", &[]).await.status < 400,
        "an author now"
    );
    let withdrawn = admin
        .call(
            "admin/invites/create",
            &[("email", "x@example.com"), ("role", "author")],
        )
        .await;
    let dead = link_of(&withdrawn);
    let id = count(&db, "SELECT MAX(id) FROM invites").await.to_string();
    assert!(
        admin
            .call("admin/invites/withdraw", &[("id", &id)])
            .await
            .status
            < 400
    );
    assert!(Browser::new(&server)
        .page(&dead)
        .await
        .body
        .contains("withdrawn"));
    // Inviting someone to a role they hold already says so.
    let held = admin
        .call(
            "admin/invites/create",
            &[("email", "eve@example.com"), ("role", "author")],
        )
        .await;
    assert_eq!(held.status, 422);
    assert!(
        held.body.contains("Eve is an editor already"),
        "{}",
        held.body
    );
}

async fn an_invitation_expires(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let made = admin
        .call(
            "admin/invites/create",
            &[("email", "late@example.com"), ("role", "contributor")],
        )
        .await;
    let link = link_of(&made);
    let token = link.trim_start_matches("/invite/").to_owned();
    let past = "2020-01-01 00:00:00+00:00";
    execute(&db, &format!("UPDATE invites SET expires_at = '{past}'")).await;
    let page = Browser::new(&server).page(&link).await;
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("This invitation expired"),
        "{}",
        page.body
    );
    let late = Browser::new(&server)
        .call(
            "invites/accept",
            &[("token", &token), ("name", "Late"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(late.status, 404);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 1);
    assert!(admin.page("/admin/users").await.body.contains("Expired"));
}

async fn without_javascript_the_invitation_link_is_shown_once(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let form = admin.page("/admin/users").await;
    assert!(
        form.body
            .contains(r#"<label for="field-role">Role</label>"#),
        "{}",
        form.body
    );
    let posted = admin
        .submit(
            "admin/invites/create",
            "/admin/users",
            &[("email", "sam@example.com"), ("role", "author")],
        )
        .await;
    let location = posted.location.expect("a redirect back");
    assert!(location.starts_with("/admin/users?shown="), "{location}");
    let shown = admin.page(&location).await;
    assert!(
        shown.body.contains("hand this link over yourself"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("/invite/"));
    // Once only, and only for that admin.
    assert!(!admin.page(&location).await.body.contains("/invite/"));
    let mut other = member(&server, &db, "Other", "admin").await;
    let again = admin
        .submit(
            "admin/invites/create",
            "/admin/users",
            &[("email", "t@example.com"), ("role", "author")],
        )
        .await
        .location
        .unwrap();
    assert!(!other.page(&again).await.body.contains("/invite/"));
    // A bad address comes back with what was typed.
    let bad = admin
        .submit(
            "admin/invites/create",
            "/admin/users",
            &[("email", "not an address"), ("role", "author")],
        )
        .await;
    let location = bad.location.expect("back to the form");
    let back = admin.page(location.trim_start_matches(&server.base)).await;
    assert!(back.body.contains("not an address"), "{}", back.body);
}

async fn invitations_are_mailed_when_the_blog_can_mail(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let mut settings = mail_settings(&smtp);
    settings.push(("QUIRE_VERIFY_EMAIL", "off".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = TestServer::start_with(&db, &settings).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let made = admin
        .call(
            "admin/invites/create",
            &[("email", "mia@example.com"), ("role", "author")],
        )
        .await;
    assert!(made.status < 400, "{}", made.body);
    assert!(
        !made.body.contains("/invite/"),
        "mailed, not shown: {}",
        made.body
    );
    let mails = smtp.wait_for(1).await;
    let mail = mails
        .iter()
        .find(|m| m.contains("To: mia@example.com"))
        .expect("the invitation");
    assert!(mail.contains("invites you to join"), "{mail}");
    let link = crate::support::smtp::link_in(mail, "/invite/");
    let mut mia = Browser::new(&server);
    assert!(mia.page(&link).await.body.contains("as author"));
    let token = link.trim_start_matches("/invite/");
    let joined = mia
        .call(
            "invites/accept",
            &[("token", token), ("name", "Mia"), ("password", PASSWORD)],
        )
        .await;
    assert!(joined.status < 400, "{}", joined.body);
    assert!(mia.call("posts/desk", &[]).await.status < 400);
}

async fn a_role_change_applies_to_a_session_at_once(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut rita = Browser::new(&server);
    rita.register("Rita", "rita@example.com", PASSWORD).await;
    assert_eq!(rita.call("posts/new-draft", &[]).await.status, 403);
    let id = id_of(&db, "rita@example.com").await;
    assert!(
        admin
            .call("admin/users/role", &[("id", &id), ("role", "contributor")])
            .await
            .status
            < 400
    );
    assert!(rita.call("posts/new-draft", &[]).await.status < 400);
    assert!(rita
        .page("/")
        .await
        .body
        .contains(r#"href="/admin/posts/new""#));
    // Not one's own role: a blog always keeps an admin.
    let me = id_of(&db, "admin@example.com").await;
    assert_eq!(
        admin
            .call("admin/users/role", &[("id", &me), ("role", "reader")])
            .await
            .status,
        422
    );
    assert_eq!(
        admin
            .call("admin/users/role", &[("id", &id), ("role", "owner")])
            .await
            .status,
        422
    );
}

async fn removed_people_cannot_log_in_and_their_posts_stay_theirs(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut abe = member(&server, &db, "Abe", "author").await;
    assert!(abe.publish("Abe writes", "Words.").await.status < 400);
    assert_eq!(
        abe.call(
            "comments/add",
            &[("slug", "abe-writes"), ("body", "And a comment.")]
        )
        .await
        .status,
        200
    );
    let id = id_of(&db, "abe@example.com").await;
    // Unconfirmed, nothing happens.
    assert_eq!(
        admin
            .call("admin/users/remove", &[("id", &id)])
            .await
            .status,
        422
    );
    assert!(
        admin
            .call("admin/users/remove", &[("id", &id), ("confirm", "on")])
            .await
            .status
            < 400
    );

    assert_eq!(
        abe.call("posts/desk", &[]).await.status,
        401,
        "their session ended"
    );
    assert!(abe.login("abe@example.com", PASSWORD).await.status >= 400);
    let page = Browser::new(&server).page("/posts/abe-writes").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Abe") && page.body.contains("And a comment."));
    assert!(!admin
        .page("/admin/users")
        .await
        .body
        .contains("abe@example.com"));
    // The address is free for a new account, which gets nothing of the old one's.
    let mut again = Browser::new(&server);
    again
        .register("Abe Again", "abe@example.com", PASSWORD)
        .await;
    assert_eq!(again.call("posts/new-draft", &[]).await.status, 403);
    let me = id_of(&db, "admin@example.com").await;
    assert_eq!(
        admin
            .call("admin/users/remove", &[("id", &me), ("confirm", "on")])
            .await
            .status,
        422
    );
}
