//! Forms are posted by the browser itself (pages are server-rendered islands): a post that
//! went through lands on the page it belongs to, with a note where the page has one, whether
//! or not JavaScript runs.

use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    account_changes_land_on_the_account_page_with_a_note,
    a_sent_message_lands_on_the_contact_page_saying_so,
    a_comment_lands_on_the_newest_comments_and_says_when_it_is_held,
);

/// Submits like a browser (plain HTML post from `from_page`), expects a redirect, and returns
/// where it goes (as a path) and that page's HTML.
async fn lands_on(
    b: &mut Browser<'_>,
    server: &TestServer,
    endpoint: &str,
    from_page: &str,
    form: &[(&str, &str)],
) -> (String, String) {
    let reply = b.submit(endpoint, from_page, form).await;
    assert_eq!(reply.status, 302, "{endpoint}: {}", reply.body);
    let location = reply.location.expect("a redirect");
    let path = location.trim_start_matches(&server.base).to_owned();
    let page = b.page(&path).await;
    assert_eq!(page.status, 200, "{path}");
    (path, page.body)
}

async fn account_changes_land_on_the_account_page_with_a_note(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut b = Browser::new(&server);
    b.register("Ada", "ada@example.com", PASSWORD).await;

    let plain = b.page("/account").await.body;
    assert!(!plain.contains("was saved") && !plain.contains("was changed"));

    let (path, page) = lands_on(
        &mut b,
        &server,
        "account/name",
        "/account",
        &[("name", "Ada L.")],
    )
    .await;
    assert_eq!(path, "/account?saved=name");
    assert!(page.contains("Your name was saved."), "{page}");
    assert!(page.contains(r#"value="Ada L.""#), "the new name is shown");

    let form = [
        ("current_password", PASSWORD),
        ("new_password", "another fine passphrase"),
    ];
    let (path, page) = lands_on(&mut b, &server, "account/password", "/account", &form).await;
    assert_eq!(path, "/account?saved=password");
    assert!(page.contains("Your password was changed."), "{page}");

    // A failure still goes back to the form with its error, and no note.
    let reply = b.submit("account/name", "/account", &[("name", "")]).await;
    let back = reply.location.expect("back to the form");
    assert!(back.contains("__err="), "{back}");
    let page = b.page(back.trim_start_matches(&server.base)).await.body;
    assert!(!page.contains("Your name was saved."), "{page}");
}

async fn a_sent_message_lands_on_the_contact_page_saying_so(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut b = Browser::new(&server);
    let form = [
        ("name", "Grace"),
        ("email", "grace@example.com"),
        ("phone", ""),
        ("message", "Hello there."),
    ];
    let (path, page) = lands_on(&mut b, &server, "contact", "/contact", &form).await;
    assert_eq!(path, "/contact?sent=1");
    assert!(page.contains(app::api::MESSAGE_SENT), "{page}");
    assert!(
        !page.contains(r#"name="message""#),
        "the form is replaced by the note"
    );
}

async fn a_comment_lands_on_the_newest_comments_and_says_when_it_is_held(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    // A title outside ASCII: its address is percent-encoded in the redirect.
    let (status, _) = admin.create_post("Café crème", "published", "", "").await;
    assert!(status < 400);
    let post = "/posts/café-crème";

    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    let form = [("slug", "café-crème"), ("body", "First!")];
    let (path, page) = lands_on(&mut reader, &server, "comments/add", post, &form).await;
    assert_eq!(path, "/posts/caf%C3%A9-cr%C3%A8me#comments-title");
    assert!(page.contains("First!"), "{page}");
    assert!(!page.contains("awaits approval"));

    let reply = admin.call("admin/comments/hold", &[("hold", "true")]).await;
    assert!(reply.status < 400, "{}", reply.body);
    let form = [("slug", "café-crème"), ("body", "Second, held.")];
    let (path, page) = lands_on(&mut reader, &server, "comments/add", post, &form).await;
    assert_eq!(path, "/posts/caf%C3%A9-cr%C3%A8me?held=1#comments-title");
    assert!(page.contains("Your comment awaits approval"), "{page}");
}
