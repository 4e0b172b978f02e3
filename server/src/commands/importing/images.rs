//! Images an import takes from a copy of the old site's uploads into Quire's image store,
//! checked as an upload is, and the addresses that named them rewritten.

use std::collections::HashMap;
use std::path::Path;

use app::domain::{image_path, UploadProblem};
use sha2::{Digest, Sha256};

use super::{Plan, PlannedImage};

/// Images taken from a local copy of the old site's uploads (`--fetch-images`): WordPress'
/// `wp-content/uploads`, Ghost's `content/images`.
pub struct Images<'a> {
    uploads: Option<&'a Path>,
    /// Where the old site served them: `http://old.example/wp-content/uploads/`.
    prefixes: Vec<String>,
    /// Address on the old site → its place in Quire's store, once read.
    stored: HashMap<String, String>,
    pub problems: Vec<String>,
}

impl<'a> Images<'a> {
    pub fn new(uploads: Option<&'a Path>, prefixes: Vec<String>) -> Self {
        Images {
            uploads,
            prefixes,
            stored: HashMap::new(),
            problems: Vec::new(),
        }
    }

    pub fn fetching(&self) -> bool {
        self.uploads.is_some()
    }

    /// The file under the uploads copy that `url` names, if it is an upload of the old site.
    fn local(&self, url: &str) -> Option<String> {
        let url = url.split(['?', '#']).next().unwrap_or(url);
        self.prefixes.iter().find_map(|prefix| {
            url.strip_prefix(prefix.as_str()).map(|rest| {
                percent_encoding::percent_decode_str(rest)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }

    /// Brings the upload at `url` into the plan's images; its address in Quire's store, or
    /// `None` (with a problem noted) when the copy does not have it as an image.
    pub fn store(
        &mut self,
        url: &str,
        author: &str,
        plan: &mut Plan,
        label: &str,
    ) -> Option<String> {
        let relative = self.local(url)?;
        if let Some(path) = self.stored.get(&relative) {
            return Some(path.clone());
        }
        let root = self.uploads?;
        let found = root
            .join(&relative)
            .canonicalize()
            .ok()
            .filter(|path| root.canonicalize().is_ok_and(|root| path.starts_with(root)));
        let Some(file) = found else {
            self.problems.push(format!(
                "{label}: its image {url} is not in {} (as {relative})",
                root.display()
            ));
            return None;
        };
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.problems
                    .push(format!("{label}: {} cannot be read ({e})", file.display()));
                return None;
            }
        };
        let (kind, size) = match UploadProblem::check(&bytes) {
            Ok(checked) => checked,
            Err(problem) => {
                self.problems.push(format!(
                    "{label}: {}: {}",
                    file.display(),
                    problem.message()
                ));
                return None;
            }
        };
        let sha = format!("{:x}", Sha256::digest(&bytes));
        let path = image_path(&sha, kind);
        plan.images.entry(sha).or_insert(PlannedImage {
            bytes,
            content_type: kind.content_type(),
            size,
            author: author.to_owned(),
        });
        self.stored.insert(relative, path.clone());
        Some(path)
    }

    /// `html` with each `<img src>` (and link to an image) into the old uploads made an
    /// address in Quire's store; `srcset`s, which name sizes the store does not keep, dropped.
    pub fn rewrite_body(
        &mut self,
        html: &str,
        author: &str,
        plan: &mut Plan,
        label: &str,
    ) -> String {
        let this = std::cell::RefCell::new((self, plan));
        let rewrite = |el: &mut lol_html::html_content::Element, attribute: &str| {
            let Some(url) = el.get_attribute(attribute) else {
                return;
            };
            let url = html_escape::decode_html_entities(&url).into_owned();
            let mut guard = this.borrow_mut();
            let (images, plan) = &mut *guard;
            if images.local(&url).is_none() {
                return;
            }
            if attribute == "href" && !looks_like_image(&url) {
                return;
            }
            if let Some(path) = images.store(&url, author, plan, label) {
                let _ = el.set_attribute(attribute, &path);
                el.remove_attribute("srcset");
                el.remove_attribute("sizes");
            }
        };
        let settings = lol_html::RewriteStrSettings::new()
            .append_element_content_handler(lol_html::element!("img[src]", |el| {
                rewrite(el, "src");
                Ok(())
            }))
            .append_element_content_handler(lol_html::element!("a[href]", |el| {
                rewrite(el, "href");
                Ok(())
            }));
        lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_owned())
    }
}

fn looks_like_image(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}
