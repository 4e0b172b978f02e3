//! A folder of Markdown files read and checked before anything is written: every post with
//! its front matter parsed, its images read, its comments; and every problem, by file, so
//! one look (`--dry-run`) shows all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use app::domain::{
    image_path, parse_cover_url, parse_subtitle, BodyFormat, CommentStatus, PostTitle, Slug, Tag,
    UploadProblem,
};
use chrono::{DateTime, NaiveDate, Utc};
use gray_matter::engine::{Engine, TOML, YAML};
use pulldown_cmark::{Event, Options, Parser, Tag as CmTag};
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use crate::commands::importing::{parse_date, Plan, PlannedComment, PlannedImage, PlannedPost};

/// The front matter fields Quire reads, under the names Hugo, Zola and Jekyll use; others
/// are ignored.
#[derive(Debug, Default, Deserialize)]
struct FrontMatter {
    title: Option<String>,
    #[serde(alias = "description", alias = "summary")]
    subtitle: Option<String>,
    date: Option<String>,
    draft: Option<bool>,
    tags: Option<OneOrMany>,
    categories: Option<OneOrMany>,
    slug: Option<String>,
    #[serde(alias = "image", alias = "featured_image", alias = "cover_image")]
    cover: Option<String>,
    author: Option<String>,
    format: Option<String>,
}

/// `tags: rust` as well as `tags: [rust, web]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// A comment as `export-markdown` writes them (`<slug>.comments.json`).
#[derive(Debug, Deserialize)]
struct CommentFile {
    author: String,
    date: String,
    body: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// Reads every `*.md` / `*.markdown` file of `dir`, and each `*/index.md` (a page bundle).
/// `author` names the author of every post (else each file's `author`); `now` dates undated
/// posts.
pub fn read(dir: &Path, author: Option<&str>, now: DateTime<Utc>) -> anyhow::Result<Plan> {
    let root = dir
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    let mut plan = Plan::default();
    for file in markdown_files(&root)? {
        let name = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => plan.add(&root, &file, &name, &text, author, now),
            Err(e) => plan
                .problems
                .push(format!("{name}: cannot be read as UTF-8 text ({e})")),
        }
    }
    plan.check_unique();
    plan.posts.sort_by(|a, b| {
        (a.published_at.is_none(), a.published_at, &a.file).cmp(&(
            b.published_at.is_none(),
            b.published_at,
            &b.file,
        ))
    });
    Ok(plan)
}

fn markdown_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        if path.is_dir() {
            let index = path.join("index.md");
            if index.is_file() {
                files.push(index);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "markdown")
        ) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The front matter and the body: YAML between `---` lines or TOML between `+++` lines.
/// Split here rather than by gray_matter's `Matter`, which rejoins the body's lines (losing
/// its last line break and any `\r`); its engines parse the front matter.
fn split(text: &str) -> Result<(FrontMatter, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let fence = first.trim_end();
    if fence != "---" && fence != "+++" {
        return Ok((FrontMatter::default(), text));
    }
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            let matter = &rest[..at];
            let body = &rest[at + line.len()..];
            let pod = if fence == "---" {
                YAML::parse(matter)
            } else {
                TOML::parse(matter)
            }
            .map_err(|e| format!("its front matter cannot be read ({e})"))?;
            if matter.trim().is_empty() {
                return Ok((FrontMatter::default(), body));
            }
            let front = pod
                .deserialize::<FrontMatter>()
                .map_err(|e| format!("its front matter has a field of the wrong kind ({e})"))?;
            return Ok((front, body));
        }
        at += line.len();
    }
    Err(format!("its front matter has no closing {fence} line"))
}

impl Plan {
    fn add(
        &mut self,
        root: &Path,
        file: &Path,
        name: &str,
        text: &str,
        author: Option<&str>,
        now: DateTime<Utc>,
    ) {
        let before = self.problems.len();
        let mut problem = |p: String| self.problems.push(format!("{name}: {p}"));
        let (front, body) = match split(text) {
            Ok(split) => split,
            Err(p) => return problem(p),
        };
        let title = match front.title.as_deref().map(PostTitle::parse) {
            Some(Ok(title)) => Some(title),
            Some(Err(why)) => {
                problem(format!("its title: {why}"));
                None
            }
            None => {
                problem("it has no title".into());
                None
            }
        };
        let subtitle =
            parse_subtitle(front.subtitle.as_deref().unwrap_or("")).unwrap_or_else(|why| {
                problem(format!("its subtitle: {why}"));
                String::new()
            });
        let published_at = match (front.draft, front.date.as_deref()) {
            (Some(true), _) => None,
            (_, Some(raw)) => parse_date(raw).or_else(|| {
                problem(format!(
                    "its date {raw:?} is not a date (write 2024-05-01 or 2024-05-01T09:30:00Z)"
                ));
                None
            }),
            (_, None) => {
                self.undated.push(name.to_owned());
                Some(now)
            }
        };
        let mut tags = Vec::new();
        for raw in front
            .tags
            .map(OneOrMany::into_vec)
            .unwrap_or_default()
            .into_iter()
            .chain(
                front
                    .categories
                    .map(OneOrMany::into_vec)
                    .unwrap_or_default(),
            )
        {
            match Tag::parse(&raw) {
                Ok(tag) if !tags.iter().any(|t: &Tag| t.slug == tag.slug) => tags.push(tag),
                Ok(_) => {}
                Err(why) => problem(format!("its tag {raw:?}: {why}")),
            }
        }
        let slug = match (front.slug.as_deref(), &title) {
            (Some(raw), _) => Slug::parse(raw)
                .map_err(|why| problem(format!("its slug {raw:?}: {why}")))
                .ok(),
            // Where Hugo, Zola and Jekyll put it: at its file's (or bundle's) name.
            (None, Some(title)) => Some(file_slug(file).unwrap_or_else(|| Slug::from_title(title))),
            (None, None) => None,
        };
        let format = match front.format.as_deref() {
            None | Some("markdown") => BodyFormat::Markdown,
            Some("html") => BodyFormat::Html,
            Some(other) => {
                problem(format!("its format {other:?} is neither markdown nor html"));
                BodyFormat::Markdown
            }
        };
        let author = match author.or(front.author.as_deref()) {
            Some(author) => author.trim().to_owned(),
            None => {
                problem("it names no author: add `author:` or pass --author EMAIL".into());
                String::new()
            }
        };
        let folder = file.parent().unwrap_or(root);
        let mut images = Vec::new();
        let body = local_images(body, |target| {
            load_image(root, folder, target)
                .map(|(sha, image)| {
                    images.push((sha.clone(), image));
                    sha
                })
                .map_err(|why| problem(format!("its image {target:?}: {why}")))
                .ok()
        });
        let cover = front
            .cover
            .map(|cover| {
                if is_relative(&cover) {
                    match load_image(root, folder, &cover) {
                        Ok((path, image)) => {
                            images.push((path.clone(), image));
                            path
                        }
                        Err(why) => {
                            problem(format!("its cover {cover:?}: {why}"));
                            cover
                        }
                    }
                } else {
                    match parse_cover_url(&cover) {
                        Ok(cover) => cover.unwrap_or_default(),
                        Err(why) => {
                            problem(format!("its cover {cover:?}: {why}"));
                            cover
                        }
                    }
                }
            })
            .filter(|cover| !cover.is_empty());
        let comments = read_comments(file, &mut problem);
        let (Some(title), Some(slug)) = (title, slug) else {
            return;
        };
        if self.problems.len() > before {
            return;
        }
        for (path, (bytes, content_type, size)) in images {
            let sha = path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned();
            self.images.entry(sha).or_insert(PlannedImage {
                bytes,
                content_type,
                size,
                author: author.clone(),
            });
        }
        self.posts.push(PlannedPost {
            file: name.to_owned(),
            title,
            subtitle,
            slug,
            body,
            format,
            cover,
            published_at,
            tags,
            author,
            comments,
            old_addresses: Vec::new(),
        });
    }

    /// Two files must not make the same title or address.
    fn check_unique(&mut self) {
        let (mut titles, mut slugs) = (BTreeMap::new(), BTreeMap::new());
        for post in &self.posts {
            if let Some(other) = titles.insert(post.title.as_str().to_owned(), post.file.clone()) {
                self.problems
                    .push(format!("{}: its title is also {other}'s", post.file));
            }
            if let Some(other) = slugs.insert(post.slug.as_str().to_owned(), post.file.clone()) {
                self.problems.push(format!(
                    "{}: its address /posts/{} is also {other}'s",
                    post.file,
                    post.slug.as_str()
                ));
            }
        }
    }
}

/// The address a static site generator gives a post without a `slug`: its file's name, or
/// its bundle folder's for an `index.md`, without Jekyll's date (`2024-05-01-hello.md`);
/// `None` when that is not an address Quire makes (it then comes from the title).
fn file_slug(file: &Path) -> Option<Slug> {
    let stem = file.file_stem()?.to_str()?;
    let name = if stem == "index" {
        file.parent()?.file_name()?.to_str()?
    } else {
        stem
    };
    let undated = match name.get(..11) {
        Some(date)
            if NaiveDate::parse_from_str(&date[..10], "%Y-%m-%d").is_ok()
                && date.ends_with('-')
                && name.len() > 11 =>
        {
            &name[11..]
        }
        _ => name,
    };
    Slug::parse(&undated.to_lowercase()).ok()
}

type LoadedImage = (Vec<u8>, &'static str, Option<(u32, u32)>);

/// Whether `target` is a path in the folder rather than an address (`https:`, `/…`, `#…`).
fn is_relative(target: &str) -> bool {
    !(target.is_empty()
        || target.starts_with('/')
        || target.starts_with('#')
        || target.starts_with('?')
        || target
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':')))
}

/// Reads the image at `target` (relative to `folder`, inside `root`) and checks it as an
/// upload is checked. Returns its address in Quire's image store and the file.
fn load_image(root: &Path, folder: &Path, target: &str) -> Result<(String, LoadedImage), String> {
    let path = folder
        .join(target)
        .canonicalize()
        .map_err(|_| "there is no such file in the folder".to_owned())?;
    if !path.starts_with(root) {
        return Err("it is outside the folder being imported".into());
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot be read ({e})"))?;
    let (kind, size) = UploadProblem::check(&bytes).map_err(|p| p.message().to_owned())?;
    let sha = format!("{:x}", Sha256::digest(&bytes));
    Ok((image_path(&sha, kind), (bytes, kind.content_type(), size)))
}

/// `body` with each local image — `![…](path)` or `<img src="path">` with a relative path —
/// replaced by what `store` returns for it (its address in the image store); a `None` keeps
/// the reference as written. pulldown-cmark finds them, so an example in a code block is left
/// alone.
fn local_images(body: &str, mut store: impl FnMut(&str) -> Option<String>) -> String {
    let mut targets = Vec::new();
    for (event, range) in Parser::new_ext(body, Options::all()).into_offset_iter() {
        let source = &body[range.clone()];
        match event {
            // The destination as written: right after the `](` (the parsed one may differ,
            // with escapes undone).
            Event::Start(CmTag::Image { .. }) => {
                if let Some(at) = source.rfind("](") {
                    let start = at + 2;
                    let len = source[start..]
                        .find([')', ' ', '\n'])
                        .unwrap_or(source.len() - start);
                    targets.push(range.start + start..range.start + start + len);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let mut from = 0;
                while let Some(at) = source[from..].find("src=\"") {
                    let start = from + at + "src=\"".len();
                    let Some(len) = source[start..].find('"') else {
                        break;
                    };
                    targets.push(range.start + start..range.start + start + len);
                    from = start + len;
                }
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(body.len());
    let mut done = 0;
    for target in targets {
        let path = &body[target.clone()];
        if let Some(address) = is_relative(path).then(|| store(path)).flatten() {
            out.push_str(&body[done..target.start]);
            out.push_str(&address);
            done = target.end;
        }
    }
    out.push_str(&body[done..]);
    out
}

/// The comments kept beside a post: `<name>.comments.json`, or `comments.json` in a bundle.
fn read_comments(file: &Path, problem: &mut impl FnMut(String)) -> Vec<PlannedComment> {
    let beside = if file.file_name().is_some_and(|n| n == "index.md") {
        file.with_file_name("comments.json")
    } else {
        file.with_extension("comments.json")
    };
    let Ok(text) = std::fs::read(&beside) else {
        return Vec::new();
    };
    let comments: Vec<CommentFile> = match serde_json::from_slice(&text) {
        Ok(comments) => comments,
        Err(e) => {
            problem(format!("its comments file cannot be read ({e})"));
            return Vec::new();
        }
    };
    let mut planned = Vec::new();
    for (n, c) in comments.into_iter().enumerate() {
        let Some(created_at) = parse_date(&c.date) else {
            problem(format!(
                "comment {}: its date {:?} is not a date",
                n + 1,
                c.date
            ));
            continue;
        };
        let status = match c.status.as_deref() {
            None => CommentStatus::Visible,
            Some(raw) => match CommentStatus::parse(raw) {
                Some(status) => status,
                None => {
                    problem(format!(
                        "comment {}: its status {raw:?} is not visible, hidden or pending",
                        n + 1
                    ));
                    continue;
                }
            },
        };
        planned.push(PlannedComment {
            author: c.author.trim().to_owned(),
            created_at,
            format: c
                .format
                .as_deref()
                .map(BodyFormat::parse)
                .unwrap_or_default(),
            body: c.body,
            status,
        });
    }
    planned
}

/// Every account name the plan needs: authors and commenters.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_without_a_slug_is_at_its_file_name_as_generators_put_it() {
        let slug = |path: &str| file_slug(Path::new(path)).map(|s| s.as_str().to_owned());
        assert_eq!(slug("posts/first-post.md").as_deref(), Some("first-post"));
        assert_eq!(
            slug("posts/with-a-photo/index.md").as_deref(),
            Some("with-a-photo")
        );
        assert_eq!(
            slug("_posts/2024-05-01-hello-world.md").as_deref(),
            Some("hello-world")
        );
        assert_eq!(slug("posts/My_Notes.md"), None);
    }

    #[test]
    fn dates_are_read_as_front_matter_writes_them() {
        let day = |s: &str| parse_date(s).map(|d| d.to_rfc3339());
        assert_eq!(
            day("2024-05-01").as_deref(),
            Some("2024-05-01T00:00:00+00:00")
        );
        assert_eq!(
            day("2024-05-01T09:30:00+02:00").as_deref(),
            Some("2024-05-01T07:30:00+00:00")
        );
        assert_eq!(
            day("2024-05-01 09:30:00 +0000").as_deref(),
            Some("2024-05-01T09:30:00+00:00")
        );
        assert_eq!(
            day("2024-05-01T09:30:00").as_deref(),
            Some("2024-05-01T09:30:00+00:00")
        );
        assert_eq!(day("May 1st"), None);
    }

    #[test]
    fn yaml_and_toml_front_matter_keep_the_body_exactly() {
        let (front, body) =
            split("---\ntitle: \"A: b\"\ntags: rust\ndraft: true\n---\nBody\r\n\n").unwrap();
        assert_eq!(front.title.as_deref(), Some("A: b"));
        assert_eq!(
            front.tags.map(OneOrMany::into_vec),
            Some(vec!["rust".to_owned()])
        );
        assert_eq!(front.draft, Some(true));
        assert_eq!(body, "Body\r\n\n");
        let (front, body) = split("+++\ntitle = \"T\"\ndate = 2024-05-01T09:30:00Z\ncategories = [\"a\", \"b\"]\n+++\n# Hi\n").unwrap();
        assert_eq!(front.date.as_deref(), Some("2024-05-01T09:30:00Z"));
        assert_eq!(
            front.categories.map(OneOrMany::into_vec).map(|c| c.len()),
            Some(2)
        );
        assert_eq!(body, "# Hi\n");
        assert!(split("---\ntitle: x\nno end").is_err());
        assert_eq!(split("No front matter").unwrap().1, "No front matter");
    }

    #[test]
    fn only_local_images_are_taken() {
        let body = "![a](pics/a.png) [link](other.md) ![b](https://x.example/b.png) <img src=\"c.gif\">\n\n    ![code](not-an-image.png)\n";
        let mut asked = Vec::new();
        let out = local_images(body, |t| {
            asked.push(t.to_owned());
            Some(format!("/images/{t}"))
        });
        assert_eq!(asked, ["pics/a.png", "c.gif"]);
        assert_eq!(
            out,
            "![a](/images/pics/a.png) [link](other.md) ![b](https://x.example/b.png) <img src=\"/images/c.gif\">\n\n    ![code](not-an-image.png)\n"
        );
    }
}
