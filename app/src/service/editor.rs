//! Writing posts: the editor's fields checked all at once (echoed back on a mistake), new
//! posts, edits that keep the address, deleting, and the live preview. Who may do which is
//! `domain::Role::can` and `domain::may_change_post`: contributors write drafts and submit
//! them for review, authors publish their own posts, editors and admins anyone's.

use crate::db;
use crate::db::posts::{CreatePostError, NewPost, PostChanges, UpdatePostError};
use crate::domain::{
    check_body_length, format_publish_at, format_saved_at, parse_base_revision, parse_body,
    parse_coauthor_emails, parse_cover_url, parse_series, parse_subtitle, parse_tags, tags_field,
    BodyFormat, Capability, Email, PostDraft, PostStatus, PostTitle, Publication, SeriesChoice,
    Slug, Tag,
};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::Caller;

/// The editor's fields as typed.
pub struct Typed<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub cover_url: &'a str,
    pub body: &'a str,
    pub status: &'a str,
    pub publish_at: &'a str,
    pub tags: &'a str,
    /// The "Email this post to N subscribers" box: `on` when ticked.
    pub email_subscribers: &'a str,
    /// The revision the edit started from (the editor's hidden field); empty: not checked.
    pub revision: &'a str,
    /// The "Co-authors" field: account emails separated by commas.
    pub coauthors: &'a str,
    /// The "Series" field: its name (empty: none), and "Part": a number (empty: keep, or
    /// last).
    pub series: &'a str,
    pub part: &'a str,
}

#[cfg(test)]
impl<'a> Typed<'a> {
    /// A title and a body, every other field left empty (the services' tests).
    pub(crate) fn blank(title: &'a str, body: &'a str) -> Typed<'a> {
        Typed {
            title,
            body,
            subtitle: "",
            cover_url: "",
            status: "",
            publish_at: "",
            tags: "",
            email_subscribers: "",
            revision: "",
            coauthors: "",
            series: "",
            part: "",
        }
    }
}

/// The editor's fields, parsed.
struct PostFields {
    title: PostTitle,
    subtitle: String,
    cover_url: Option<String>,
    body: String,
    publication: Publication,
    tags: Vec<Tag>,
    coauthors: Vec<Email>,
    /// A draft submitted for review (the "status" `review`).
    submitted: bool,
    series: Option<SeriesChoice>,
}

impl Typed<'_> {
    /// Parses every field, reporting every bad one at once and echoing them all.
    fn parse(&self) -> Result<PostFields, AppError> {
        let mut form = FormErrors::default();
        let (status, submitted) = match self.status.trim() {
            "review" => ("draft", true),
            status => (status, false),
        };
        let parsed = (
            form.check("title", PostTitle::parse(self.title)),
            form.check("subtitle", parse_subtitle(self.subtitle)),
            form.check("cover_url", parse_cover_url(self.cover_url)),
            form.check("body", parse_body(self.body)),
            form.check("publish_at", Publication::parse(status, self.publish_at)),
            form.check("tags", parse_tags(self.tags)),
            form.check("coauthors", parse_coauthor_emails(self.coauthors)),
        );
        // Two fields, one parse: the error names the field it is about.
        let series = match parse_series(self.series, self.part) {
            Ok(series) => Some(series),
            Err((field, message)) => form.check::<()>(field, Err(message)).map(|_| None),
        };
        match parsed {
            (
                Some(title),
                Some(subtitle),
                Some(cover_url),
                Some(body),
                Some(publication),
                Some(tags),
                Some(coauthors),
            ) if series.is_some() => Ok(PostFields {
                series: series.flatten(),
                title,
                subtitle,
                cover_url,
                body,
                publication,
                tags,
                coauthors,
                submitted,
            }),
            _ => Err(form.into_error(&self.echo())),
        }
    }

    fn echo(&self) -> [(&'static str, &str); 12] {
        [
            ("series", self.series),
            ("part", self.part),
            ("revision", self.revision),
            ("coauthors", self.coauthors),
            ("email_subscribers", self.email_subscribers),
            ("title", self.title),
            ("subtitle", self.subtitle),
            ("cover_url", self.cover_url),
            ("body", self.body),
            ("status", self.status),
            ("publish_at", self.publish_at),
            ("tags", self.tags),
        ]
    }

    /// Refuses what the caller's role may not ask for: publishing (or scheduling) without
    /// [`Capability::Publish`], mailing the subscribers without [`Capability::EditOthers`].
    fn check_role(&self, caller: &Caller, fields: &PostFields) -> Result<(), AppError> {
        if fields.publication != Publication::Draft && !caller.can(Capability::Publish) {
            return Err(AppError::invalid(
                "status",
                "As a contributor you cannot publish: keep the post as a draft, or submit it \
                 for review and an editor will publish it.",
            )
            .with_values(&self.echo()));
        }
        if self.email_subscribers == "on" && !caller.can(Capability::EditOthers) {
            return Err(AppError::invalid(
                "email_subscribers",
                "Only editors and admins mail the subscribers.",
            )
            .with_values(&self.echo()));
        }
        Ok(())
    }

    fn series_taken(&self, other: &str) -> AppError {
        AppError::conflict(
            "series",
            format!("The series “{other}” has a name too much like this one: use that name, or another."),
        )
        .with_values(&self.echo())
    }

    fn duplicate_title(&self) -> AppError {
        AppError::conflict(
            "title",
            "A post with this title exists already. Choose another title.",
        )
        .with_values(&self.echo())
    }
}

/// Publishes a new post (now, later, or not yet: a draft) and returns its address.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    typed: &Typed<'_>,
) -> Result<Slug, AppError> {
    let writer = caller.require(Capability::Write)?;
    let fields = typed.parse()?;
    typed.check_role(caller, &fields)?;
    let coauthors = coauthor_ids(state, typed, &fields, writer.id).await?;
    let newsletter = typed.email_subscribers == "on";
    let post = NewPost {
        coauthors: &coauthors,
        newsletter,
        submitted: fields.submitted,
        series: fields.series.as_ref(),
        author_id: writer.id,
        tags: &fields.tags,
        title: &fields.title,
        subtitle: &fields.subtitle,
        body: &fields.body,
        cover_url: fields.cover_url.as_deref(),
        published_at: match fields.publication {
            Publication::Published => Some(db::now()),
            Publication::Draft => None,
            Publication::Scheduled(at) => Some(at),
        },
    };
    match db::posts::create(&state.db, &post).await {
        Ok(created) => {
            if newsletter {
                queue_newsletters(state);
            }
            Ok(created.slug)
        }
        Err(CreatePostError::DuplicateTitle) => Err(typed.duplicate_title()),
        Err(CreatePostError::SeriesTaken(other)) => Err(typed.series_taken(&other)),
        Err(CreatePostError::Db(e)) => Err(AppError::from_db("creating a post", e)),
    }
}

/// Saves changes to the post at `slug`; its address stays the same.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    typed: &Typed<'_>,
) -> Result<(), AppError> {
    let (editor, post) = super::post_for_change(state, caller, slug).await?;
    let fields = typed.parse()?;
    typed.check_role(caller, &fields)?;
    let coauthors = coauthor_ids(state, typed, &fields, post.author_id).await?;
    let mut base_revision = parse_base_revision(typed.revision)
        .map_err(|m| AppError::invalid("revision", m).with_values(&typed.echo()))?;
    if !caller.can(Capability::EditOthers) {
        // The post was checked as it is at this revision: the save applies only to that.
        if base_revision.is_some_and(|base| base != post.revision) {
            return Err(stale(state, slug, typed).await);
        }
        base_revision = Some(post.revision);
    }
    let newsletter = typed.email_subscribers == "on";
    let changes = PostChanges {
        newsletter,
        submitted: fields.submitted,
        series: Some(fields.series.as_ref()),
        editor_id: editor.id,
        base_revision,
        revisions_kept: state.site.revisions_kept,
        coauthors: Some(&coauthors),
        title: &fields.title,
        subtitle: &fields.subtitle,
        body: &fields.body,
        cover_url: fields.cover_url.as_deref(),
        publication: fields.publication,
        tags: &fields.tags,
    };
    match db::posts::update(&state.db, slug, &changes).await {
        Ok(Some(_)) => {
            if newsletter {
                queue_newsletters(state);
            }
            Ok(())
        }
        Ok(None) => Err(AppError::NotFound("There is no such post.".into())),
        Err(UpdatePostError::DuplicateTitle) => Err(typed.duplicate_title()),
        Err(UpdatePostError::SeriesTaken(other)) => Err(typed.series_taken(&other)),
        Err(UpdatePostError::Stale) => Err(stale(state, slug, typed).await),
        Err(UpdatePostError::Db(e)) => Err(AppError::from_db("updating a post", e)),
    }
}

/// The accounts the "Co-authors" field names, the post's own author left out; a field error
/// naming the first address no account has.
async fn coauthor_ids(
    state: &AppState,
    typed: &Typed<'_>,
    fields: &PostFields,
    author: i64,
) -> Result<Vec<i64>, AppError> {
    match db::coauthors::accounts(&state.db, &fields.coauthors).await {
        Ok(Ok(ids)) => Ok(ids.into_iter().filter(|&id| id != author).collect()),
        Ok(Err(unknown)) => Err(AppError::invalid(
            "coauthors",
            format!("No account on this blog has the address {unknown}: a co-author needs one."),
        )
        .with_values(&typed.echo())),
        Err(e) => Err(AppError::from_db("finding co-authors", e)),
    }
}

/// A save refused because the post was saved since the edit started: says by whom and when,
/// and echoes what was typed with the post's revision now, so that saving again (after
/// looking at the difference the editor shows) is a deliberate overwrite.
async fn stale(state: &AppState, slug: &str, typed: &Typed<'_>) -> AppError {
    let last = match db::posts::last_save(&state.db, slug).await {
        Ok(Some(last)) => last,
        Ok(None) => return AppError::NotFound("There is no such post.".into()),
        Err(e) => return AppError::from_db("reading a post's last save", e),
    };
    let revision = last.revision.to_string();
    let values = typed.echo().map(|(field, value)| match field {
        "revision" => (field, revision.as_str()),
        _ => (field, value),
    });
    AppError::conflict("revision", stale_message(last.by.as_deref(), last.at)).with_values(&values)
}

fn stale_message(by: Option<&str>, at: chrono::DateTime<chrono::Utc>) -> String {
    let at = format_saved_at(at);
    let who = by.unwrap_or("Someone");
    format!(
        "{who} saved this post at {at}, after you started editing it, so your save was \
         refused. Your text is still in the editor. Compare it with theirs below, then save \
         again to replace theirs with yours, or open the editor afresh to start from theirs."
    )
}

/// Queues the mails of a post marked for the subscribers now, if it is out, rather than at
/// the queuing task's next look.
fn queue_newsletters(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = super::newsletter::queue_due(&state).await {
            tracing::warn!(error = %e, "cannot queue newsletter mails");
        }
    });
}

/// Deletes the post at `slug` and its comments.
pub async fn delete(state: &AppState, caller: &Caller, slug: &str) -> Result<(), AppError> {
    let (_, post) = super::post_for_change(state, caller, slug).await?;
    // A writer who may delete the post as it was checked deletes that, not a later save.
    let revision = (!caller.can(Capability::EditOthers)).then_some(post.revision);
    match db::posts::delete(&state.db, slug, revision).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound("There is no such post.".into())),
        Err(e) => Err(AppError::from_db("deleting a post", e)),
    }
}

/// How far the mailing of the post at `slug` has got: (waiting, sent, refused), what the
/// editor's progress bar shows while a send runs.
pub async fn mailing_progress(
    state: &AppState,
    caller: &Caller,
    slug: &str,
) -> Result<(i64, i64, i64), AppError> {
    let (_, post) = super::post_for_change(state, caller, slug).await?;
    db::subscribers::mailing_counts(&state.db, post.id, crate::mail::outbox::MAX_ATTEMPTS)
        .await
        .map_err(|e| AppError::from_db("reading a post's mailing", e))
}

/// The post at `slug` as the editor shows it.
pub async fn draft(state: &AppState, caller: &Caller, slug: &str) -> Result<PostDraft, AppError> {
    let (editor, post) = super::post_for_change(state, caller, slug).await?;
    let db_err = |e| AppError::from_db("loading a post", e);
    let tags = db::tags::for_post(&state.db, post.id)
        .await
        .map_err(db_err)?;
    let status = PostStatus::of(post.published_at, db::now());
    let newsletter = db::subscribers::newsletter_state(&state.db, post.id)
        .await
        .map_err(db_err)?
        .unwrap_or_default();
    let mailings = match newsletter.as_str() {
        "queued" => {
            let max = crate::mail::outbox::MAX_ATTEMPTS;
            db::subscribers::mailing_counts(&state.db, post.id, max)
                .await
                .map_err(db_err)?
        }
        _ => (0, 0, 0),
    };
    let coauthors = db::coauthors::emails_for_post(&state.db, post.id)
        .await
        .map_err(db_err)?;
    let mut draft = PostDraft {
        newsletter,
        mailings,
        coauthors: coauthors.join(", "),
        revision: post.revision,
        autosave: None,
        slug: post.slug,
        title: post.title,
        subtitle: post.subtitle,
        cover_url: post.cover_url.unwrap_or_default(),
        body: post.body,
        body_format: post.body_format,
        status: match (status, post.submitted_at) {
            (PostStatus::Draft, Some(_)) => "review".to_owned(),
            _ => status.as_str().to_owned(),
        },
        can_publish: caller.can(Capability::Publish),
        can_mail: caller.can(Capability::EditOthers),
        series: post.series_title.unwrap_or_default(),
        part: post
            .series_position
            .map(|n| n.to_string())
            .unwrap_or_default(),
        publish_at: match (status, post.published_at) {
            (PostStatus::Scheduled, Some(at)) => format_publish_at(at),
            _ => String::new(),
        },
        tags: tags_field(&tags),
    };
    draft.autosave = super::autosave::offered(state, editor.id, Some(post.id), &draft).await?;
    Ok(draft)
}

/// An empty editor for a new post, with the caller's draft copy of a new post, if any.
pub async fn new_draft(state: &AppState, caller: &Caller) -> Result<PostDraft, AppError> {
    let editor = caller.require(Capability::Write)?;
    let mut draft = PostDraft {
        can_publish: caller.can(Capability::Publish),
        can_mail: caller.can(Capability::EditOthers),
        ..PostDraft::default()
    };
    draft.autosave = super::autosave::offered(state, editor.id, None, &draft).await?;
    Ok(draft)
}

/// The body rendered as it will appear. `format` is `html` for a post imported from a Flask
/// blog; anything else is Markdown.
pub fn preview(caller: &Caller, body: &str, format: &str) -> Result<String, AppError> {
    caller.require(Capability::Write)?;
    check_body_length(body).map_err(|m| AppError::invalid("body", m))?;
    Ok(crate::render::post_body_html(
        body,
        BodyFormat::parse(format),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    fn typed<'a>(title: &'a str, body: &'a str) -> Typed<'a> {
        Typed {
            tags: "Rust, Web dev",
            ..Typed::blank(title, body)
        }
    }

    #[tokio::test]
    async fn the_admin_writes_and_everyone_else_is_refused() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let reader = Caller::from_user(Some(testing::user(&state, "Reader", Role::Reader).await));
        let post = typed("Hello, World!", "Body.");
        assert_eq!(
            create(&state, &Caller::Visitor, &post).await.unwrap_err(),
            AppError::Unauthorized
        );
        assert_eq!(
            create(&state, &reader, &post).await.unwrap_err(),
            AppError::Forbidden
        );
        let slug = create(&state, &admin, &post).await.unwrap();
        assert_eq!(slug.as_str(), "hello-world");
        let draft = draft(&state, &admin, "hello-world").await.unwrap();
        assert_eq!(draft.tags, "Rust, Web dev");
        assert_eq!(draft.status, "published");
        let again = create(&state, &admin, &post).await.unwrap_err();
        assert!(again.for_field("title").is_some());
        assert_eq!(
            again.value("body").as_deref(),
            Some("Body."),
            "what was typed comes back"
        );
    }

    #[tokio::test]
    async fn a_save_from_an_older_revision_is_refused_with_the_text_kept() {
        let state = testing::state().await;
        let ada = Caller::from_user(Some(testing::user(&state, "Ada", Role::Admin).await));
        let bob = Caller::from_user(Some(testing::user(&state, "Bob", Role::Admin).await));
        create(&state, &ada, &typed("Shared", "First."))
            .await
            .unwrap();
        assert_eq!(draft(&state, &bob, "shared").await.unwrap().revision, 1);

        let mut ada_edit = typed("Shared", "Ada's words.");
        ada_edit.revision = "1";
        update(&state, &ada, "shared", &ada_edit).await.unwrap();
        assert_eq!(draft(&state, &ada, "shared").await.unwrap().revision, 2);

        // Bob started from revision 1 too: refused, told who saved, and his text echoed
        // with the revision now, so a second save is a deliberate overwrite.
        let mut bob_edit = typed("Shared", "Bob's words.");
        bob_edit.revision = "1";
        let refused = update(&state, &bob, "shared", &bob_edit).await.unwrap_err();
        assert_eq!(refused.status(), http::StatusCode::CONFLICT);
        let message = refused.for_field("revision").unwrap();
        assert!(message.starts_with("Ada saved this post at "), "{message}");
        assert_eq!(refused.value("body").as_deref(), Some("Bob's words."));
        assert_eq!(refused.value("revision").as_deref(), Some("2"));
        assert_eq!(
            draft(&state, &ada, "shared").await.unwrap().body,
            "Ada's words."
        );

        bob_edit.revision = "2";
        update(&state, &bob, "shared", &bob_edit).await.unwrap();
        let now = draft(&state, &ada, "shared").await.unwrap();
        assert_eq!((now.body.as_str(), now.revision), ("Bob's words.", 3));

        // Without a revision (a client that is not the editor) nothing is checked; a
        // revision that is not a number is refused, echoing the text all the same.
        update(&state, &ada, "shared", &typed("Shared", "Unchecked."))
            .await
            .unwrap();
        ada_edit.revision = "two";
        let bad = update(&state, &ada, "shared", &ada_edit).await.unwrap_err();
        assert_eq!(bad.value("body").as_deref(), Some("Ada's words."));
    }

    #[tokio::test]
    async fn every_bad_field_is_reported_at_once() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let mut post = typed("", " ");
        post.cover_url = "javascript:alert(1)";
        post.status = "scheduled";
        let err = create(&state, &admin, &post).await.unwrap_err();
        for field in ["title", "body", "cover_url", "publish_at"] {
            assert!(err.for_field(field).is_some(), "{field}: {err:?}");
        }
    }

    #[test]
    fn the_preview_renders_either_format_for_the_admin_only() {
        let admin = Caller::Member(crate::auth::SessionUser::new(
            1,
            "A".into(),
            "a@example.test".into(),
            Role::Admin,
            "!".into(),
            None,
        ));
        assert_eq!(
            preview(&admin, "**b**", "").unwrap(),
            "<p><strong>b</strong></p>\n"
        );
        assert_eq!(preview(&admin, "**b**", "html").unwrap(), "**b**");
        assert_eq!(
            preview(&Caller::Visitor, "x", "").unwrap_err(),
            AppError::Unauthorized
        );
    }
}
