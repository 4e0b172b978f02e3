//! `quire import-wordpress FILE.xml`: a WordPress export (Tools → Export → All content) brought
//! in: posts and pages with their status and dates, authors as accounts, categories and tags
//! as tags, comments, featured images, and the old addresses, which redirect to the new ones.
//! Read and checked first; written in one transaction (see `importing`).

mod body;
mod plan;
mod wxr;

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context as _;
use app::db::Db;

use super::importing::{self, Write};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The export: the `.xml` file "Tools → Export → All content" downloads.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check everything and say what would be imported, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the blog's posts (and their comments) first, instead of refusing a blog that
    /// has some.
    #[arg(long)]
    pub replace: bool,
    /// The author (by email, as in the export) who becomes an admin of this blog; the other
    /// authors become accounts that log in once they set a password.
    #[arg(long, value_name = "EMAIL")]
    pub admin: Option<String>,
    /// A copy of the old site's `wp-content/uploads` folder: images the posts use are taken
    /// from it into Quire's image store, and their addresses rewritten. Without it, images
    /// stay on the old site's addresses.
    #[arg(long, value_name = "DIR")]
    pub fetch_images: Option<PathBuf>,
}

pub async fn run(db: &Db, options: &Options) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&options.file)
        .with_context(|| format!("could not read {}", options.file.display()))?;
    let source = options.file.display().to_string();
    let export = wxr::parse(&text).map_err(|why| anyhow::anyhow!("{source}: {why}"))?;
    if let Some(dir) = &options.fetch_images {
        anyhow::ensure!(
            dir.is_dir(),
            "--fetch-images {}: not a folder (give the copy of wp-content/uploads)",
            dir.display()
        );
    }
    let settings = plan::Settings {
        admin: options.admin.as_deref(),
        uploads: options.fetch_images.as_deref(),
    };
    let (plan, notes) = plan::plan(&export, &settings);
    let write = Write {
        dry_run: options.dry_run,
        replace: options.replace,
        fixed: HashMap::new(),
        source: &source,
    };
    let written = importing::write(db, &plan, write).await?;
    notes.print(written.old_addresses);
    Ok(())
}
