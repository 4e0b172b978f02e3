//! `quire import-wordpress FILE.xml`: a WordPress export (Tools → Export → All content) brought
//! in: posts and pages with their status and dates, authors as accounts, categories and tags
//! as tags, comments, featured images, and the old addresses, which redirect to the new ones.
//! Read and checked first; written in one transaction (see `importing`).

mod body;
mod plan;
mod wxr;

use std::collections::HashMap;
use std::path::PathBuf;

use app::db::Db;

use super::importing::{self, Target, Write};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The export: the `.xml` file "Tools → Export → All content" downloads.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub target: Target,
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
    let (text, source) = importing::read_export(&options.file)?;
    let export = wxr::parse(&text).map_err(|why| anyhow::anyhow!("{source}: {why}"))?;
    importing::check_images_folder(options.fetch_images.as_deref(), "wp-content/uploads")?;
    let settings = importing::Settings {
        admin: options.admin.as_deref(),
        images: options.fetch_images.as_deref(),
    };
    let (plan, notes) = plan::plan(&export, &settings);
    let write = Write {
        target: options.target.clone(),
        fixed: HashMap::new(),
        source: &source,
    };
    let written = importing::write(db, &plan, write).await?;
    notes.print(written.old_addresses, options.target.dry_run);
    Ok(())
}
