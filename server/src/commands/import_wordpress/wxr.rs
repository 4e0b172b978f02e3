//! A WordPress eXtended RSS file (WXR 1.0–1.2, as "Tools → Export" writes it) read into
//! plain values, with roxmltree. Nothing here decides what Quire makes of them.

use roxmltree::{Document, Node};

const WP: &str = "http://wordpress.org/export/";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
const DC: &str = "http://purl.org/dc/elements/1.1/";

#[derive(Debug, Default)]
pub struct Export {
    /// `wp:base_blog_url`: where the blog's pages were (`http://example.com`).
    pub blog_url: String,
    /// `wp:base_site_url`: where WordPress itself is (uploads are under it).
    pub site_url: String,
    pub authors: Vec<Author>,
    pub items: Vec<Item>,
}

#[derive(Debug, Default)]
pub struct Author {
    pub id: String,
    pub login: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Default)]
pub struct Item {
    pub id: i64,
    pub title: String,
    pub link: String,
    /// The author's login.
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    /// Local time, and UTC (`0000-00-00 00:00:00` when never published).
    pub date: String,
    pub date_gmt: String,
    pub name: String,
    pub status: String,
    pub kind: String,
    pub attachment_url: String,
    /// `(domain, name)`: `("category", "Café")`, `("post_tag", "rust")`.
    pub terms: Vec<(String, String)>,
    pub meta: Vec<(String, String)>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Default)]
pub struct Comment {
    pub author: String,
    pub date_gmt: String,
    pub content: String,
    /// `1`, `0` (held), `spam`, `trash`.
    pub approved: String,
    /// `comment` (or empty), `pingback`, `trackback`.
    pub kind: String,
    pub parent: String,
    pub user_id: String,
}

impl Item {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `text`. Fails on what is not XML, or not a WordPress export.
pub fn parse(text: &str) -> Result<Export, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options)
        .map_err(|e| format!("it is not well-formed XML ({e})"))?;
    let channel = document
        .root_element()
        .children()
        .find(|n| n.has_tag_name("channel"))
        .ok_or("it has no <channel>: not an RSS file")?;
    let version = wp_text(channel, "wxr_version");
    if version.is_empty() {
        return Err(
            "it has no <wp:wxr_version>: not a WordPress export (Tools → Export → All content)"
                .into(),
        );
    }
    let mut export = Export {
        blog_url: wp_text(channel, "base_blog_url"),
        site_url: wp_text(channel, "base_site_url"),
        ..Export::default()
    };
    for node in channel.children().filter(Node::is_element) {
        if is_wp(node, "author") {
            export.authors.push(Author {
                id: wp_text(node, "author_id"),
                login: wp_text(node, "author_login"),
                email: wp_text(node, "author_email"),
                display_name: wp_text(node, "author_display_name"),
            });
        } else if node.has_tag_name("item") {
            export.items.push(item(node)?);
        }
    }
    Ok(export)
}

fn item(node: Node) -> Result<Item, String> {
    let id = wp_text(node, "post_id");
    let mut item = Item {
        id: id
            .parse()
            .map_err(|_| format!("an item has the post id {id:?}, which is not a number"))?,
        title: text(node, "", "title"),
        link: text(node, "", "link"),
        creator: text(node, DC, "creator"),
        content: text(node, CONTENT, "encoded"),
        excerpt: node
            .children()
            .find(|n| {
                n.tag_name().name() == "encoded"
                    && n.tag_name()
                        .namespace()
                        .is_some_and(|ns| ns.ends_with("/excerpt/"))
            })
            .map(own_text)
            .unwrap_or_default(),
        date: wp_text(node, "post_date"),
        date_gmt: wp_text(node, "post_date_gmt"),
        name: wp_text(node, "post_name"),
        status: wp_text(node, "status"),
        kind: wp_text(node, "post_type"),
        attachment_url: wp_text(node, "attachment_url"),
        ..Item::default()
    };
    for child in node.children().filter(Node::is_element) {
        if child.has_tag_name("category") {
            let domain = child.attribute("domain").unwrap_or("category").to_owned();
            item.terms.push((domain, own_text(child)));
        } else if is_wp(child, "postmeta") {
            item.meta
                .push((wp_text(child, "meta_key"), wp_text(child, "meta_value")));
        } else if is_wp(child, "comment") {
            item.comments.push(Comment {
                author: wp_text(child, "comment_author"),
                date_gmt: wp_text(child, "comment_date_gmt"),
                content: wp_text(child, "comment_content"),
                approved: wp_text(child, "comment_approved"),
                kind: wp_text(child, "comment_type"),
                parent: wp_text(child, "comment_parent"),
                user_id: wp_text(child, "comment_user_id"),
            });
        }
    }
    Ok(item)
}

/// Whether `node` is `wp:<name>`, in any WXR version's namespace.
fn is_wp(node: Node, name: &str) -> bool {
    node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_some_and(|ns| ns.starts_with(WP) && !ns.ends_with("/excerpt/"))
}

fn wp_text(node: Node, name: &str) -> String {
    node.children()
        .find(|n| is_wp(*n, name))
        .map(own_text)
        .unwrap_or_default()
}

/// The text of the child `name` in namespace `namespace` ("" for none).
fn text(node: Node, namespace: &str, name: &str) -> String {
    node.children()
        .find(|n| {
            n.tag_name().name() == name && n.tag_name().namespace().unwrap_or("") == namespace
        })
        .map(own_text)
        .unwrap_or_default()
}

/// All the text of `node` (CDATA sections included), trimmed of the export's indentation.
fn own_text(node: Node) -> String {
    let mut text = String::new();
    for child in node.children().filter(Node::is_text) {
        text.push_str(child.text().unwrap_or_default());
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_wordpress_export_is_named() {
        assert!(parse("<rss><channel>")
            .unwrap_err()
            .contains("not well-formed"));
        assert!(parse("<html/>").unwrap_err().contains("no <channel>"));
        assert!(parse("<rss><channel><title>x</title></channel></rss>")
            .unwrap_err()
            .contains("wxr_version"));
    }

    #[test]
    fn items_terms_meta_and_comments_are_read_in_any_wxr_version() {
        let text = r#"<rss xmlns:wp="http://wordpress.org/export/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<wp:wxr_version>1.1</wp:wxr_version><wp:base_blog_url>http://old.example</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email>ann@old.example</wp:author_email></wp:author>
<item><title>A &amp; B</title><dc:creator>ann</dc:creator><content:encoded><![CDATA[<p>Hi</p>]]></content:encoded>
<excerpt:encoded><![CDATA[Short]]></excerpt:encoded><wp:post_id>7</wp:post_id><wp:status>publish</wp:status>
<category domain="post_tag" nicename="x"><![CDATA[X]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_approved>1</wp:comment_approved></wp:comment></item>
</channel></rss>"#;
        let export = parse(text).unwrap();
        assert_eq!(export.blog_url, "http://old.example");
        assert_eq!(export.authors[0].login, "ann");
        let item = &export.items[0];
        assert_eq!((item.id, item.title.as_str()), (7, "A & B"));
        assert_eq!(
            (item.content.as_str(), item.excerpt.as_str()),
            ("<p>Hi</p>", "Short")
        );
        assert_eq!(item.terms, [("post_tag".to_owned(), "X".to_owned())]);
        assert_eq!(item.meta("_thumbnail_id"), Some("9"));
        assert_eq!(item.comments[0].approved, "1");
    }
}
