//! `quire import-ghost FILE.json`: a Ghost export (Settings → Labs → Export) brought in: posts
//! and pages with their status and dates, staff users as accounts, public tags, feature
//! images, and the old `/<slug>/` addresses, which redirect to the new ones. Read and checked
//! first; written in one transaction (see `importing`).

mod export;
mod plan;

use std::collections::HashMap;
use std::path::PathBuf;

use app::db::Db;

use super::importing::{self, Target, Write};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The export: the `.json` file Settings → Labs → Export downloads.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub target: Target,
    /// The staff user (by email, as in the export) who becomes an admin of this blog; the
    /// others become accounts that log in once they set a password.
    #[arg(long, value_name = "EMAIL")]
    pub admin: Option<String>,
    /// A copy of the Ghost site's `content/images` folder: images the posts use are taken
    /// from it into Quire's image store, and their addresses rewritten.
    #[arg(long, value_name = "DIR")]
    pub fetch_images: Option<PathBuf>,
}

pub async fn run(db: &Db, options: &Options) -> anyhow::Result<()> {
    let (text, source) = importing::read_export(&options.file)?;
    let (meta, data) = export::parse(&text).map_err(|why| anyhow::anyhow!("{source}: {why}"))?;
    importing::check_images_folder(options.fetch_images.as_deref(), "content/images")?;
    if !meta.version.is_empty() {
        println!("A Ghost {} export.", meta.version);
    }
    let settings = importing::Settings {
        admin: options.admin.as_deref(),
        images: options.fetch_images.as_deref(),
    };
    let (plan, notes) = plan::plan(&data, &settings);
    let write = Write {
        target: options.target.clone(),
        fixed: HashMap::new(),
        source: &source,
    };
    let written = importing::write(db, &plan, write).await?;
    notes.print(written.old_addresses, options.target.dry_run);
    Ok(())
}
