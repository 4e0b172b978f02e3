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

use anyhow::Context as _;
use app::db::{self, Db};
use app::domain::Email;

use super::importing::{self, Target, Write};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The folder: `*.md` files, and `*/index.md` page bundles.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub target: Target,
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
    let mut fixed = HashMap::new();
    if let Some(user) = &author {
        fixed.insert(user.name.as_str().to_owned(), user.id);
    }
    let source = options.dir.display().to_string();
    let write = Write {
        target: options.target.clone(),
        fixed,
        source: &source,
    };
    importing::write(db, &plan, write).await?;
    Ok(())
}
