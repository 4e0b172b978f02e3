//! Standalone pages: the admin writes them, orders them and picks those the navigation shows;
//! readers read them at `/pages/<slug>`.

use crate::support::{both, count, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    pages_appear_in_the_navigation_in_the_admins_order,
    page_forms_work_without_javascript_and_keep_a_mistake,
);

async fn add(admin: &mut Browser<'_>, title: &str, body: &str, in_nav: bool) -> u16 {
    let mut form = vec![("title", title), ("body", body)];
    if in_nav {
        form.push(("in_nav", "on"));
    }
    admin.call("admin/pages/create", &form).await.status
}

/// The titles of the navigation's page links on `page`, in order.
fn nav_pages(page: &str) -> Vec<String> {
    let nav = &page[page.find(r#"<nav aria-label="Main">"#).unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    nav.split(r#"<a href="/pages/"#)
        .skip(1)
        .map(|link| {
            let text = &link[link.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_owned()
        })
        .collect()
}

async fn pages_appear_in_the_navigation_in_the_admins_order(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    assert!(
        add(
            &mut admin,
            "Colophon",
            "Set in *type*.<script>x</script>",
            true
        )
        .await
            < 400
    );
    assert!(add(&mut admin, "Talks", "Where I spoke.", true).await < 400);
    assert!(add(&mut admin, "Unlisted", "Only by link.", false).await < 400);

    let mut reader = Browser::new(&server);
    let home = reader.page("/").await.body;
    assert_eq!(nav_pages(&home), ["Colophon", "Talks"]);
    let page = reader.page("/pages/colophon").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Colophon</h1>"), "{}", page.body);
    assert!(page.body.contains("Set in <em>type</em>."), "{}", page.body);
    assert!(!page.body.contains("<script>x"), "sanitized");
    assert_eq!(
        reader.page("/pages/unlisted").await.status,
        200,
        "by its link"
    );
    assert_eq!(reader.page("/pages/nothing").await.status, 404);

    // Reordered: the navigation follows at once, cached pages included.
    let moved = admin
        .call(
            "admin/pages/move",
            &[("slug", "talks"), ("direction", "up")],
        )
        .await;
    assert!(moved.status < 400, "{}", moved.body);
    assert_eq!(
        nav_pages(&reader.page("/").await.body),
        ["Talks", "Colophon"]
    );
    assert_eq!(
        admin
            .call(
                "admin/pages/move",
                &[("slug", "talks"), ("direction", "up")]
            )
            .await
            .status,
        404,
        "nothing before the first"
    );
    // Edited: shown or not, retitled; the address stays.
    let edit = admin
        .call(
            "admin/pages/update",
            &[
                ("slug", "unlisted"),
                ("title", "Now listed"),
                ("body", "Seen."),
                ("in_nav", "on"),
            ],
        )
        .await;
    assert!(edit.status < 400, "{}", edit.body);
    assert_eq!(
        nav_pages(&reader.page("/").await.body),
        ["Talks", "Colophon", "Now listed"]
    );
    assert!(reader
        .page("/pages/unlisted")
        .await
        .body
        .contains("Now listed"));
    assert!(
        admin
            .call("admin/pages/delete", &[("slug", "talks")])
            .await
            .status
            < 400
    );
    assert_eq!(
        nav_pages(&reader.page("/").await.body),
        ["Colophon", "Now listed"]
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM pages").await, 2);
    // The admin's list, with its buttons named for their page.
    let list = admin.page("/admin/pages").await.body;
    assert!(
        list.contains(r#"aria-label="Move down: Colophon""#),
        "{list}"
    );
    assert!(
        list.contains(r#"aria-label="Move up: Now listed""#),
        "{list}"
    );
}

async fn page_forms_work_without_javascript_and_keep_a_mistake(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    assert!(add(&mut admin, "About me", "Hello.", true).await < 400);
    let form = admin.page("/admin/pages/new").await.body;
    assert!(
        form.contains(r#"<label for="field-title">Title</label>"#),
        "{form}"
    );
    assert!(form.contains("Show in the navigation"));
    let sent = admin
        .submit(
            "admin/pages/create",
            "/admin/pages/new",
            &[
                ("title", "About me"),
                ("body", "Kept words."),
                ("in_nav", "on"),
            ],
        )
        .await;
    let location = sent.location.expect("back to the form");
    let back = admin
        .page(location.trim_start_matches(&server.base))
        .await
        .body;
    assert!(back.contains("Another page has this title"), "{back}");
    assert!(back.contains("Kept words."), "{back}");
    let made = admin
        .submit(
            "admin/pages/create",
            "/admin/pages/new",
            &[("title", "Talks"), ("body", "Where.")],
        )
        .await;
    assert_eq!(made.location.as_deref(), Some("/pages/talks"));
    let editor = admin.page("/admin/pages/talks/edit").await.body;
    assert!(
        editor.contains(r#"value="Talks""#) && editor.contains("Where."),
        "{editor}"
    );
    assert!(
        !editor.contains(r#"value="on" checked"#),
        "kept out of the navigation"
    );
    assert_eq!(Browser::new(&server).page("/admin/pages").await.status, 401);
}
