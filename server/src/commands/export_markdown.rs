//! `quire export-markdown DIR`: every post as a Markdown file with YAML front matter, as Hugo,
//! Zola and Jekyll keep them (`<slug>.md`), drafts and scheduled posts included; the uploaded
//! images the posts use beside them (`images/<sha256>.<ext>`, referred to by that relative
//! path); and each post's comments as JSON (`<slug>.comments.json`). A person leaving Quire,
//! or keeping an archive, gets their writing as plain files.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use app::db::{self, archive::ArchivedComment, posts::PostRecord, Db};
use app::domain::{parse_image_name, BodyFormat, Tag, IMAGE_PATH_PREFIX};
use serde::Serialize;

pub async fn run(db: &Db, dir: &Path) -> anyhow::Result<()> {
    let staged = super::staged::Staged::begin(dir)?;
    let (posts, images, comments) = write(db, staged.path()).await?;
    staged.finish()?;
    println!(
        "{posts} posts, {images} images and {comments} comments written to {}",
        dir.display()
    );
    Ok(())
}

/// Writes the archive into `dir`; how many posts, images and comments.
async fn write(db: &Db, dir: &Path) -> anyhow::Result<(usize, usize, usize)> {
    std::fs::create_dir_all(dir.join("images"))
        .with_context(|| format!("could not create {}", dir.display()))?;

    let posts = db::archive::posts(db)
        .await
        .context("could not read the posts")?;
    let ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let mut tags = db::tags::for_posts(db, &ids)
        .await
        .context("could not read the tags")?;
    let mut progress = super::progress::Progress::rows(posts.len() as u64);
    progress.table("posts");
    let (mut images, mut comment_count) = (BTreeSet::new(), 0);
    for post in &posts {
        let post_tags = tags.remove(&post.id).unwrap_or_default();
        let (body, used) = relative_images(&post.body);
        let cover = post.cover_url.as_deref().map(relative_images);
        images.extend(used);
        if let Some((_, used)) = &cover {
            images.extend(used.iter().cloned());
        }
        let cover = cover.map(|(cover, _)| cover);
        let text = format!("{}{body}", front_matter(post, &post_tags, cover.as_deref()));
        let file = dir.join(format!("{}.md", post.slug));
        std::fs::write(&file, text)
            .with_context(|| format!("could not write {}", file.display()))?;

        let comments = db::archive::comments(db, post.id)
            .await
            .with_context(|| format!("could not read the comments of {}", post.slug))?;
        if !comments.is_empty() {
            comment_count += comments.len();
            let file = dir.join(format!("{}.comments.json", post.slug));
            let json =
                serde_json::to_vec_pretty(&comments.iter().map(Comment::from).collect::<Vec<_>>())?;
            std::fs::write(&file, json)
                .with_context(|| format!("could not write {}", file.display()))?;
        }
        progress.advance(1);
    }
    progress.done("posts", posts.len() as u64);
    progress.finish();

    for name in &images {
        let Some((sha256, _)) = parse_image_name(name) else {
            continue;
        };
        // An address to an image that is not in the store stays as it was written.
        if let Some(image) = db::images::by_hash(db, sha256)
            .await
            .context("could not read an image")?
        {
            let file = dir.join("images").join(name);
            std::fs::write(&file, image.bytes)
                .with_context(|| format!("could not write {}", file.display()))?;
        }
    }
    Ok((posts.len(), images.len(), comment_count))
}

/// The front matter of `post`, between `---` lines. Strings are written as JSON strings: YAML
/// 1.2 reads them as they are, and serde_json escapes whatever a title may hold.
fn front_matter(post: &PostRecord, tags: &[Tag], cover: Option<&str>) -> String {
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let mut lines = vec!["---".to_owned(), format!("title: {}", quoted(&post.title))];
    if !post.subtitle.is_empty() {
        lines.push(format!("subtitle: {}", quoted(&post.subtitle)));
    }
    lines.push(format!("slug: {}", quoted(&post.slug)));
    match post.published_at {
        Some(at) => lines.push(format!("date: {}", quoted(&at.to_rfc3339()))),
        None => lines.push("draft: true".to_owned()),
    }
    lines.push(format!("author: {}", quoted(&post.author_name)));
    let coauthors = db::coauthors::parse(&post.coauthors);
    if !coauthors.is_empty() {
        let names: Vec<String> = coauthors.iter().map(|a| quoted(&a.name)).collect();
        lines.push(format!("coauthors: [{}]", names.join(", ")));
    }
    if !tags.is_empty() {
        let names: Vec<String> = tags.iter().map(|t| quoted(&t.name)).collect();
        lines.push(format!("tags: [{}]", names.join(", ")));
    }
    if let Some(cover) = cover {
        lines.push(format!("cover: {}", quoted(cover)));
    }
    if post.body_format == BodyFormat::Html {
        // Imported from another blog as HTML: kept as such, and said so for importers.
        lines.push("format: \"html\"".to_owned());
    }
    lines.push("---".to_owned());
    lines.push(String::new());
    lines.join("\n")
}

/// `text` with each address of an uploaded image (`/images/<sha256>.<ext>`, from the site's
/// root) made relative (`images/…`), and the image file names it uses.
fn relative_images(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut used = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(IMAGE_PATH_PREFIX) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let name_len = from[IMAGE_PATH_PREFIX.len()..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(from.len() - IMAGE_PATH_PREFIX.len());
        let name = &from[IMAGE_PATH_PREFIX.len()..IMAGE_PATH_PREFIX.len() + name_len];
        // From the root only: not the tail of another site's address (`https://x/images/…`).
        let rooted = out
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "(\"'<=[".contains(c));
        if rooted && parse_image_name(name).is_some() {
            out.push_str("images/");
            out.push_str(name);
            used.push(name.to_owned());
        } else {
            out.push_str(&from[..IMAGE_PATH_PREFIX.len() + name_len]);
        }
        rest = &from[IMAGE_PATH_PREFIX.len() + name_len..];
    }
    out.push_str(rest);
    (out, used)
}

/// A comment as the JSON file keeps it.
#[derive(Serialize)]
struct Comment<'a> {
    author: &'a str,
    date: String,
    format: &'a str,
    status: &'a str,
    body: &'a str,
}

impl<'a> From<&'a ArchivedComment> for Comment<'a> {
    fn from(c: &'a ArchivedComment) -> Self {
        Comment {
            author: &c.author_name,
            date: c.created_at.to_rfc3339(),
            format: c.body_format.as_str(),
            status: &c.status,
            body: &c.body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_from_the_root_become_relative() {
        let sha = "ab".repeat(32);
        let text = format!(
            "![a](/images/{sha}.png) <img src=\"/images/{sha}.webp\"> \
             https://elsewhere.example/images/{sha}.png /images/not-an-image.png"
        );
        let (out, used) = relative_images(&text);
        assert_eq!(
            out,
            format!(
                "![a](images/{sha}.png) <img src=\"images/{sha}.webp\"> \
                 https://elsewhere.example/images/{sha}.png /images/not-an-image.png"
            )
        );
        assert_eq!(used, [format!("{sha}.png"), format!("{sha}.webp")]);
    }
}
