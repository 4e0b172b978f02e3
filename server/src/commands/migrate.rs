//! `quire migrate`: bring the schema up to date, e.g. as a release step before new instances
//! start (they also migrate at start, which is safe with several at once).

use anyhow::Context as _;
use app::db::Db;

use crate::startup::database::connect_with_retries;
use crate::startup::Config;

/// `quire migrate`: connects (retrying as a start-up does), applies the pending migrations
/// and says which.
pub async fn run(config: &Config) -> anyhow::Result<()> {
    let url = &config.database.url;
    println!("Database: {url} ({})", url.backend());
    let db = connect_with_retries(config).await?;
    let result = apply(&db).await;
    db.close().await;
    result
}

async fn apply(db: &Db) -> anyhow::Result<()> {
    // Read first, to name what is applied. Another instance migrating at the same moment
    // may apply some of them instead; either way they are applied once it returns.
    let before = db
        .migration_status()
        .await
        .context("could not read the migrations")?;
    db.migrate()
        .await
        .context("could not apply database migrations")?;
    if before.pending.is_empty() {
        println!(
            "The schema is up to date: {} migrations applied, none pending.",
            before.applied.len()
        );
    } else {
        for migration in &before.pending {
            println!("Applied {migration}");
        }
        let after = db
            .migration_status()
            .await
            .context("could not read the migrations")?;
        println!(
            "The schema is up to date: {} migrations applied.",
            after.applied.len()
        );
    }
    Ok(())
}
