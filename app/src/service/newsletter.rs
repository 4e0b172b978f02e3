//! Mailing a new post to the subscribers: when a post the editor marked "Email this post" is
//! out (at once, or when its scheduled time comes), one mail per confirmed subscriber goes
//! into the outbox, each with an unsubscribe link of its own; the outbox's sender delivers
//! them at the configured pace.
//!
//! Exactly once as far as SMTP allows: taking the post (`post_newsletters`) and queuing its
//! mails happen in one transaction, and `post_mailings` is unique per (post, subscriber), so
//! no crash, retry or second instance queues a post twice for an address.

use std::time::Duration;

use crate::auth::reset_token::ResetToken;
use crate::db::{self, outbox::NewMail, posts::PostRecord};
use crate::domain::BodyFormat;
use crate::mail::outbox::NEWSLETTER_KIND;
use crate::state::AppState;

/// How often instances look for posts whose time has come (a post saved as out already is
/// queued at once, by the editor).
const LOOK_EVERY: Duration = Duration::from_secs(15);

/// Queues the mails of every post that is due, every [`LOOK_EVERY`]; runs for the life of
/// the server (on every instance: see the module's note).
pub async fn run(state: AppState) {
    loop {
        if let Err(e) = queue_due(&state).await {
            tracing::warn!(error = %e, "cannot queue newsletter mails");
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// Queues the mails of the posts that are out and wanted mailing; returns how many.
pub async fn queue_due(state: &AppState) -> Result<usize, sqlx::Error> {
    let Some(base_url) = super::subscriptions::base_url(state).map(str::to_owned) else {
        return Ok(0);
    };
    let mut queued = 0;
    for slug in db::subscribers::due_newsletters(&state.db, db::now()).await? {
        let Some(post) = db::posts::by_slug(&state.db, &slug).await? else {
            continue;
        };
        queued += queue_post(state, &post, &base_url).await?;
    }
    if queued > 0 {
        if let Some(mailer) = &state.mailer {
            mailer.wake();
        }
    }
    Ok(queued)
}

async fn queue_post(
    state: &AppState,
    post: &PostRecord,
    base_url: &str,
) -> Result<usize, sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    if !db::subscribers::take_newsletter(&mut tx, post.id).await? {
        tx.rollback().await?;
        return Ok(0);
    }
    let letter = Letter::of(post, base_url);
    let mut queued = 0;
    for (subscriber_id, email) in db::subscribers::confirmed(&mut tx).await? {
        let token = ResetToken::generate();
        let unsubscribe = format!("{base_url}/unsubscribe/{}", token.as_str());
        let (text, html) = letter.for_recipient(&unsubscribe);
        let mail = NewMail {
            kind: NEWSLETTER_KIND,
            recipient: &email,
            reply_to: None,
            subject: &post.title,
            text_body: &text,
            html_body: Some(&html),
            message_id: None,
            // RFC 8058 one-click needs HTTPS; without it the link in the mail still works.
            list_unsubscribe: unsubscribe
                .starts_with("https://")
                .then_some(unsubscribe.as_str()),
        };
        if db::subscribers::queue_mailing(&mut tx, post.id, subscriber_id, &token.hash(), &mail)
            .await?
        {
            queued += 1;
        }
    }
    tx.commit().await?;
    tracing::info!(post.id = post.id, queued, "post queued for its subscribers");
    Ok(queued)
}

/// A post as a mail, before the recipient's own unsubscribe link goes in.
struct Letter {
    title: String,
    url: String,
    text: String,
    html: String,
}

impl Letter {
    fn of(post: &PostRecord, base_url: &str) -> Letter {
        let url = format!("{base_url}/posts/{}", post.slug);
        // The same cleaned HTML as on the page, addresses made absolute for the mail client.
        let body = crate::render::post_body_html_absolute(&post.body, post.body_format, &url)
            .unwrap_or_else(|| crate::render::post_body_html(&post.body, post.body_format));
        let escape = |s: &str| html_escape::encode_text(s).into_owned();
        let mut html = format!("<h1><a href=\"{url}\">{}</a></h1>", escape(&post.title));
        if !post.subtitle.is_empty() {
            html.push_str(&format!("<p><em>{}</em></p>", escape(&post.subtitle)));
        }
        if let Some(cover) = &post.cover_url {
            let cover = absolute_url(cover, base_url);
            let cover = html_escape::encode_double_quoted_attribute(&cover);
            html.push_str(&format!(
                "<p><img src=\"{cover}\" alt=\"\" style=\"max-width:100%\"></p>"
            ));
        }
        html.push_str(&body);
        let body_text = match post.body_format {
            // Markdown reads well as it is.
            BodyFormat::Markdown => post.body.clone(),
            BodyFormat::Html => crate::render::text_of_html(&post.body),
        };
        let mut text = format!("{}\n\n", post.title);
        if !post.subtitle.is_empty() {
            text.push_str(&format!("{}\n\n", post.subtitle));
        }
        text.push_str(&body_text);
        Letter {
            title: post.title.clone(),
            url,
            text,
            html,
        }
    }

    /// The text and HTML bodies for one recipient.
    fn for_recipient(&self, unsubscribe: &str) -> (String, String) {
        let text = format!(
            "{}\n\nRead it on the blog: {}\n\n--\nYou get this because you subscribed to new \
             posts. Unsubscribe: {unsubscribe}\n",
            self.text.trim_end(),
            self.url
        );
        let html = format!(
            "{}<p><a href=\"{}\">Read \u{201c}{}\u{201d} on the blog</a></p><hr><p>You get \
             this because you subscribed to new posts. <a href=\"{unsubscribe}\">Unsubscribe</a>\
             </p>",
            self.html,
            self.url,
            html_escape::encode_text(&self.title)
        );
        (text, html)
    }
}

fn absolute_url(url: &str, base_url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{base_url}{url}")
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Email, PostTitle, Role};
    use crate::service::testing;

    async fn outbox(state: &AppState) -> Vec<(i64, String, Option<String>)> {
        crate::db::on_pool!(&state.db, pool => {
            sqlx::query_as(
                "SELECT id, recipient, list_unsubscribe FROM outbox WHERE kind = 'post' ORDER BY id",
            )
            .fetch_all(pool)
            .await
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_post_is_queued_once_per_subscriber_and_refusals_stop_the_mail() {
        let state = testing::state_with_mail().await;
        let admin = testing::user(&state, "Admin", Role::Admin).await;
        for address in ["a@example.com", "b@example.com"] {
            let email = Email::parse(address).unwrap();
            db::subscribers::subscribe_confirmed(&state.db, &email)
                .await
                .unwrap();
        }
        let title = PostTitle::parse("Out now").unwrap();
        let post = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: admin.id,
            tags: &[],
            title: &title,
            subtitle: "",
            body: "Hello ![x](/images/x.png)",
            cover_url: None,
            published_at: Some(db::now()),
            newsletter: true,
        };
        db::posts::create(&state.db, &post).await.unwrap();
        assert_eq!(queue_due(&state).await.unwrap(), 2);
        assert_eq!(queue_due(&state).await.unwrap(), 0, "taken once");
        let queued = outbox(&state).await;
        assert_eq!(queued.len(), 2);
        let unsubscribe = queued[0].2.as_deref().unwrap();
        assert!(unsubscribe.starts_with("https://blog.example/unsubscribe/"));

        let title = PostTitle::parse("Out again").unwrap();
        let again = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            title: &title,
            ..post
        };
        db::posts::create(&state.db, &again).await.unwrap();
        assert_eq!(queue_due(&state).await.unwrap(), 2);

        // Refused for good, at a limit of one: bouncing, and its other waiting mail goes; the
        // refused one stays, the record of it.
        let (first, second) = (queued[0].0, queued[1].0);
        db::subscribers::bounced(&state.db, first, 1).await.unwrap();
        let remaining: Vec<String> = outbox(&state).await.into_iter().map(|m| m.1).collect();
        assert_eq!(
            remaining,
            ["a@example.com", "b@example.com", "b@example.com"]
        );
        assert_eq!(
            db::subscribers::count_confirmed(&state.db).await.unwrap(),
            1
        );
        db::subscribers::delivered(&state.db, second).await.unwrap();
    }

    #[test]
    fn relative_addresses_become_absolute_and_others_stay() {
        let body = "![a](/images/a.png) [b](/posts/b) [c](https://x.example/c)";
        let html = crate::render::post_body_html_absolute(
            body,
            BodyFormat::Markdown,
            "https://blog.example/posts/p",
        )
        .unwrap();
        assert!(
            html.contains(r#"src="https://blog.example/images/a.png""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://blog.example/posts/b""#),
            "{html}"
        );
        assert!(html.contains(r#"href="https://x.example/c""#), "{html}");
        assert_eq!(
            absolute_url("/images/a.png", "https://b.example"),
            "https://b.example/images/a.png"
        );
        assert_eq!(
            absolute_url("https://x.example/a.png", "https://b.example"),
            "https://x.example/a.png"
        );
    }

    #[test]
    fn an_html_body_becomes_its_text() {
        assert_eq!(
            crate::render::text_of_html("<p>Fish &amp; <b>chips</b></p><script>x()</script>"),
            "Fish & chips"
        );
    }
}
