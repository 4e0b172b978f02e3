//! Where each address of the live site goes in a static copy, and how one page links to
//! another there: relative links, so the copy works at any address (a domain's root or a
//! folder of one), and pages as folders with an `index.html`, which every static server
//! serves for the folder's address.

use percent_encoding::percent_decode_str;

/// An address of the live site, as the crawl keeps it: a path, and the one numbered query
/// parameter pages use for their pages (`?page=2`, `?comments=3`), if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SitePath {
    /// Percent-encoded segments, without empty ones: `/tags/caf%C3%A9` → `["tags", "caf%C3%A9"]`.
    segments: Vec<String>,
    /// `("page", 2)` for `?page=2`.
    page: Option<(String, u32)>,
}

/// What a link inside the site's pages points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Another page or file of the site, and the `#fragment`, if any.
    Site(SitePath, Option<String>),
    /// Something only this server can answer (a form's page, an account's, the admin's): the
    /// static copy has nothing there.
    Live,
    /// Another site, a fragment of the same page, `mailto:`, `data:`: left as it is.
    Elsewhere,
}

/// First segments of pages that need the server: forms, accounts, the admin, the API.
const LIVE_ONLY: &[&str] = &[
    "account",
    "admin",
    "api",
    "contact",
    "email-confirmed",
    "forgot-password",
    "login",
    "logout",
    "register",
    "reset-password",
    "search",
    "subscribe",
    "theme",
    "unsubscribe",
    "verify-email",
];

impl SitePath {
    #[cfg(test)]
    pub fn root() -> Self {
        SitePath {
            segments: Vec::new(),
            page: None,
        }
    }

    /// The address to ask the live site for: `/tags/rust?page=2`.
    pub fn request_uri(&self) -> String {
        let mut uri = format!("/{}", self.segments.join("/"));
        if let Some((name, number)) = &self.page {
            uri.push_str(&format!("?{name}={number}"));
        }
        uri
    }

    /// Whether this is a file (a feed, an image, the stylesheet) rather than a page: its
    /// last segment has an extension, which slugs, tags and author ids never have.
    pub fn is_file(&self) -> bool {
        self.page.is_none() && self.segments.last().is_some_and(|s| s.contains('.'))
    }

    /// The segments of its place in the copy: a file where it was, a page as a folder (its
    /// numbered pages as sub-folders: `?page=2` → `page/2/`). `None` when a segment cannot
    /// be a file name (`..`, a slash or NUL once decoded).
    fn copy_segments(&self) -> Option<Vec<String>> {
        let mut out = Vec::with_capacity(self.segments.len() + 2);
        for segment in &self.segments {
            let name = percent_decode_str(segment).decode_utf8().ok()?;
            if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
                return None;
            }
            out.push(segment.clone());
        }
        if let Some((name, number)) = &self.page {
            out.push(name.clone());
            out.push(number.to_string());
        }
        Some(out)
    }

    /// The file this address is written to, relative to the copy's folder, decoded:
    /// `posts/café/index.html`, `feed.xml`.
    pub fn file(&self) -> Option<std::path::PathBuf> {
        let segments = self.copy_segments()?;
        let mut file = std::path::PathBuf::new();
        for segment in &segments {
            file.push(percent_decode_str(segment).decode_utf8().ok()?.as_ref());
        }
        if !self.is_file() {
            file.push("index.html");
        }
        Some(file)
    }

    /// How a page at `self` links to `target` in the copy: `../../tags/rust/`, `./`,
    /// `../images/a.webp`. `self` must be a page.
    pub fn link_to(&self, target: &SitePath, fragment: Option<&str>) -> Option<String> {
        let from = self.copy_segments()?;
        let to = target.copy_segments()?;
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut link = "../".repeat(from.len() - common);
        link.push_str(&to[common..].join("/"));
        if !target.is_file() && common < to.len() {
            link.push('/');
        }
        if link.is_empty() {
            link.push_str("./");
        }
        if let Some(fragment) = fragment {
            link.push('#');
            link.push_str(fragment);
        }
        Some(link)
    }
}

/// What `href` (as written in a page of the live site) points at.
pub fn classify(href: &str) -> Target {
    let href = href.trim();
    if !href.starts_with('/') || href.starts_with("//") {
        return Target::Elsewhere;
    }
    let (rest, fragment) = match href.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment.to_owned())),
        None => (href, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if segments
        .first()
        .is_some_and(|first| LIVE_ONLY.contains(&first.as_str()))
        || segments.len() == 3 && segments[0] == "posts" && segments[2] != "feed.xml"
    {
        // `/posts/<slug>/edit`, `/posts/<slug>/delete`: the admin's.
        return Target::Live;
    }
    let page = match query.filter(|q| !q.is_empty()) {
        None => None,
        Some(query) => match query.split_once('=') {
            Some((name @ ("page" | "comments"), number)) => match number.parse::<u32>() {
                Ok(1) => None,
                Ok(n) if n > 1 => Some((name.to_owned(), n)),
                _ => return Target::Live,
            },
            // Any other question (`?held=1`, `?token=`) is for the server.
            _ => return Target::Live,
        },
    };
    Target::Site(SitePath { segments, page }, fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(href: &str) -> SitePath {
        match classify(href) {
            Target::Site(path, _) => path,
            other => panic!("{href} is {other:?}"),
        }
    }

    #[test]
    fn pages_become_folders_and_numbered_pages_sub_folders() {
        assert_eq!(
            site("/").file().unwrap(),
            std::path::Path::new("index.html")
        );
        assert_eq!(
            site("/posts/hello").file().unwrap(),
            std::path::Path::new("posts/hello/index.html")
        );
        assert_eq!(
            site("/?page=3").file().unwrap(),
            std::path::Path::new("page/3/index.html")
        );
        assert_eq!(
            site("/posts/hello?comments=2#comments-title")
                .file()
                .unwrap(),
            std::path::Path::new("posts/hello/comments/2/index.html")
        );
        assert_eq!(
            site("/tags/caf%C3%A9").file().unwrap(),
            std::path::Path::new("tags/café/index.html")
        );
        assert_eq!(
            site("/feed.xml").file().unwrap(),
            std::path::Path::new("feed.xml")
        );
        assert_eq!(site("/?page=1"), site("/"));
    }

    #[test]
    fn links_are_relative_so_the_copy_works_in_any_folder() {
        let post = site("/posts/hello");
        assert_eq!(post.link_to(&site("/"), None).unwrap(), "../../");
        assert_eq!(
            post.link_to(&site("/tags/rust"), None).unwrap(),
            "../../tags/rust/"
        );
        assert_eq!(
            post.link_to(&post, Some("comments-title")).unwrap(),
            "./#comments-title"
        );
        assert_eq!(
            post.link_to(&site("/posts/hello?comments=2"), None)
                .unwrap(),
            "comments/2/"
        );
        assert_eq!(
            SitePath::root().link_to(&site("/?page=2"), None).unwrap(),
            "page/2/"
        );
        assert_eq!(
            site("/?page=2")
                .link_to(&site("/images/a.webp"), None)
                .unwrap(),
            "../../images/a.webp"
        );
        assert_eq!(
            SitePath::root()
                .link_to(&site("/v/1/pkg/quire.css"), None)
                .unwrap(),
            "v/1/pkg/quire.css"
        );
        assert_eq!(
            site("/tags/caf%C3%A9").link_to(&site("/"), None).unwrap(),
            "../../"
        );
    }

    #[test]
    fn what_needs_the_server_or_is_elsewhere_is_told_apart() {
        for live in [
            "/login",
            "/admin/posts/new",
            "/posts/x/edit",
            "/search?q=rust",
            "/?held=1",
            "/?page=x",
        ] {
            assert_eq!(classify(live), Target::Live, "{live}");
        }
        for elsewhere in [
            "https://example.com/",
            "//cdn.example/x.js",
            "#main",
            "mailto:a@b.c",
            "data:image/png;base64,AA",
        ] {
            assert_eq!(classify(elsewhere), Target::Elsewhere, "{elsewhere}");
        }
        assert!(matches!(classify("/tags/rust/feed.xml"), Target::Site(..)));
        assert!(matches!(classify("/posts/x/"), Target::Site(..)));
    }

    #[test]
    fn a_path_that_cannot_be_a_file_name_has_no_place() {
        assert_eq!(site("/posts/%2E%2E").file(), None);
        assert_eq!(site("/posts/a%2Fb").file(), None);
    }
}
