//! `quire import-markdown DIR`: a folder of Markdown files with YAML or TOML front matter, as
//! Hugo, Zola and Jekyll keep them (and as `export-markdown` writes them), brought in as
//! posts: titles, subtitles, dates, drafts, tags, addresses, covers, bodies; the images they
//! refer to by a relative path, into the image store; comments kept beside them.
//!
//! Every file is read and checked first, and all problems are listed together; then one
//! transaction writes everything, so a failure leaves the blog as it was. `--dry-run` stops
//! before committing. A blog that has posts is refused unless `--replace`.

mod plan;

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use app::db::{self, images::NewImage, import::ImportedComment, import::ImportedPost, Db};
use app::domain::{Email, UserName};
use sha2::{Digest, Sha256};

/// Accounts made for authors and commenters have addresses under this name, which can never
/// receive mail: they log in only once an admin sets a password (`quire admin set-password`).
const PLACEHOLDER_DOMAIN: &str = "import.invalid";

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The folder: `*.md` files, and `*/index.md` page bundles.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Check everything and say what would be imported, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the blog's posts (and their comments) first, instead of refusing a blog that
    /// has some.
    #[arg(long)]
    pub replace: bool,
    /// The account (by email) every post is by, instead of each file's `author`.
    #[arg(long, value_name = "EMAIL")]
    pub author: Option<String>,
}

pub async fn run(db: &Db, options: &Options) -> anyhow::Result<()> {
    let author = match &options.author {
        None => None,
        Some(raw) => {
            let email = Email::parse(raw).map_err(|why| anyhow::anyhow!("--author: {why}"))?;
            let user = db::users::by_email(db, &email)
                .await
                .context("could not read the accounts")?;
            Some(user.ok_or_else(|| anyhow::anyhow!("--author: no account has the address {raw}"))?)
        }
    };
    let plan = plan::read(
        &options.dir,
        author.as_ref().map(|u| u.name.as_str()),
        db::now(),
    )?;
    let mut problems = plan.problems.clone();
    let mut names = HashMap::new();
    for name in plan::names(&plan) {
        match UserName::parse(&name) {
            Ok(parsed) => {
                names.insert(name, parsed);
            }
            Err(why) => problems.push(format!("the name {name:?}: {why}")),
        }
    }
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("  {problem}");
        }
        bail!(
            "{} problems in {}: nothing was imported",
            problems.len(),
            options.dir.display()
        );
    }

    let mut tx = db
        .begin_write()
        .await
        .context("could not open the database")?;
    let existing = db::import::post_count(&mut tx).await?;
    if existing > 0 && !options.replace {
        bail!(
            "this blog has {existing} posts: import into an empty blog, or pass --replace to \
             delete them first"
        );
    }
    if options.replace {
        db::import::delete_posts(&mut tx).await?;
    }
    let mut accounts = HashMap::new();
    if let Some(user) = &author {
        accounts.insert(user.name.clone(), user.id);
    }
    for (name, parsed) in &names {
        if !accounts.contains_key(name) {
            let email = Email::parse(&placeholder_email(name))
                .map_err(|why| anyhow::anyhow!("an account for {name:?}: {why}"))?;
            let id = db::import::account(&mut tx, parsed, &email).await?;
            accounts.insert(name.clone(), id);
        }
    }
    let account = |name: &str| accounts.get(name).copied().unwrap_or_default();
    for (sha256, image) in &plan.images {
        let stored = NewImage {
            sha256,
            content_type: image.content_type,
            bytes: &image.bytes,
            width: image.size.map(|s| s.0),
            height: image.size.map(|s| s.1),
            uploader_id: account(&image.author),
        };
        db::images::store_in(&mut tx, &stored).await?;
    }

    let mut progress = super::progress::Progress::rows(plan.posts.len() as u64);
    progress.table("posts");
    let (mut drafts, mut comments) = (0, 0);
    for post in &plan.posts {
        drafts += usize::from(post.published_at.is_none());
        let id = db::import::insert_post(
            &mut tx,
            &ImportedPost {
                author_id: account(&post.author),
                title: &post.title,
                subtitle: &post.subtitle,
                slug: &post.slug,
                body: &post.body,
                body_format: post.format,
                cover_url: post.cover.as_deref(),
                published_at: post.published_at,
            },
        )
        .await
        .with_context(|| format!("{}: could not be saved", post.file))?;
        db::tags::set_for_post(&mut tx, id, &post.tags).await?;
        for comment in &post.comments {
            let row = ImportedComment {
                post_id: id,
                author_id: account(&comment.author),
                body: &comment.body,
                body_format: comment.format,
                status: comment.status,
                created_at: comment.created_at,
            };
            db::import::insert_comment(&mut tx, &row).await?;
            comments += 1;
        }
        progress.advance(1);
    }
    progress.done("posts", plan.posts.len() as u64);
    progress.finish();

    println!(
        "{} posts ({drafts} drafts), {} images, {comments} comments, {} authors and commenters",
        plan.posts.len(),
        plan.images.len(),
        accounts.len()
    );
    if !plan.undated.is_empty() {
        println!(
            "Published as of now, having neither a date nor `draft: true`: {}",
            plan.undated.join(", ")
        );
    }
    if options.dry_run {
        tx.rollback().await.context("could not undo the dry run")?;
        println!("Dry run: nothing was changed.");
    } else {
        tx.commit().await.context("could not save the import")?;
    }
    Ok(())
}

/// The address of the account made for `name`: readable, and unique per exact name.
fn placeholder_email(name: &str) -> String {
    let mut local: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    local.truncate(40);
    let local = local.trim_matches('-');
    let tag = hex::encode(&Sha256::digest(name.as_bytes())[..4]);
    if local.is_empty() {
        format!("author-{tag}@{PLACEHOLDER_DOMAIN}")
    } else {
        format!("{local}-{tag}@{PLACEHOLDER_DOMAIN}")
    }
}
