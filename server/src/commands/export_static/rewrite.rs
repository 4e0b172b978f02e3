//! A live page turned into its static copy: every link to the site made relative to the
//! page's place in the copy (and noted, to be copied in turn), links to what needs the server
//! taken out, and forms and scripts dropped (a static page has no server to post to).

use std::cell::RefCell;

use lol_html::html_content::Element;
use lol_html::{doc_comments, element, rewrite_str, RewriteStrSettings};

use super::links::{classify, SitePath, Target};

/// A rewritten page and what it linked to.
#[derive(Debug, Default)]
pub struct Rewritten {
    pub html: String,
    /// Pages and files of the site it links to, to copy too.
    pub links: Vec<SitePath>,
    /// Links to pages only the server has (`/login`, `/search?q=…`): made plain text.
    pub live_links: Vec<String>,
    /// Forms and scripts dropped (the pages rendered for a copy have none of their own).
    pub dropped: usize,
}

/// Attributes that hold one address, per element.
const ADDRESS_ATTRIBUTES: &[(&str, &str)] = &[
    ("a[href]", "href"),
    ("link[href]", "href"),
    ("img[src]", "src"),
    ("source[src]", "src"),
    ("video[src]", "src"),
    ("video[poster]", "poster"),
    ("audio[src]", "src"),
    ("iframe[src]", "src"),
];

pub fn rewrite(here: &SitePath, html: &str) -> anyhow::Result<Rewritten> {
    let found = RefCell::new(Rewritten::default());
    let mut handlers = Vec::new();
    for &(selector, attribute) in ADDRESS_ATTRIBUTES {
        let found = &found;
        handlers.push(element!(selector, move |el: &mut Element| {
            let Some(value) = el.get_attribute(attribute) else {
                return Ok(());
            };
            let address = html_escape::decode_html_entities(&value);
            match relink(here, &address) {
                Relinked::Keep => {}
                Relinked::To(link, target) => {
                    el.set_attribute(attribute, &link.replace('&', "&amp;"))?;
                    found.borrow_mut().links.push(target);
                }
                Relinked::Gone => {
                    found.borrow_mut().live_links.push(address.into_owned());
                    if el.tag_name() == "a" {
                        el.remove_and_keep_content();
                    } else {
                        el.remove();
                    }
                }
            }
            Ok(())
        }));
    }
    {
        let found = &found;
        handlers.push(element!(
            "img[srcset], source[srcset]",
            move |el: &mut Element| {
                let Some(value) = el.get_attribute("srcset") else {
                    return Ok(());
                };
                let value = html_escape::decode_html_entities(&value);
                let mut candidates = Vec::new();
                for candidate in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    let (address, descriptor) =
                        candidate.split_once(' ').unwrap_or((candidate, ""));
                    match relink(here, address) {
                        Relinked::Keep => candidates.push(candidate.to_owned()),
                        Relinked::To(link, target) => {
                            found.borrow_mut().links.push(target);
                            candidates.push(format!("{link} {descriptor}").trim_end().to_owned());
                        }
                        Relinked::Gone => found.borrow_mut().live_links.push(address.to_owned()),
                    }
                }
                el.set_attribute("srcset", &candidates.join(", ").replace('&', "&amp;"))?;
                Ok(())
            }
        ));
        handlers.push(element!("form, script", move |el: &mut Element| {
            found.borrow_mut().dropped += 1;
            el.remove();
            Ok(())
        }));
    }
    let settings = handlers
        .into_iter()
        .fold(RewriteStrSettings::new(), |settings, handler| {
            settings.append_element_content_handler(handler)
        })
        // The markers hydration would use (`<!>`, `<!--<() />-->`): no client reads them here.
        .append_document_content_handler(doc_comments!(|comment| {
            comment.remove();
            Ok(())
        }));
    let html = rewrite_str(html, settings)?;
    let mut found = found.into_inner();
    found.html = html;
    Ok(found)
}

enum Relinked {
    Keep,
    To(String, SitePath),
    Gone,
}

fn relink(here: &SitePath, address: &str) -> Relinked {
    match classify(address) {
        Target::Elsewhere => Relinked::Keep,
        Target::Live => Relinked::Gone,
        Target::Site(target, fragment) => match here.link_to(&target, fragment.as_deref()) {
            Some(link) => Relinked::To(link, target),
            None => Relinked::Gone,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post() -> SitePath {
        match classify("/posts/hello") {
            Target::Site(path, _) => path,
            _ => unreachable!(),
        }
    }

    #[test]
    fn site_links_become_relative_and_are_noted() {
        let page = r#"<link rel="stylesheet" href="/pkg/quire.css"><a href="/tags/rust?page=2">Rust</a>
<a href="https://example.com/x">out</a><img src="/images/a.webp" srcset="/images/a.webp 1x, /images/b.webp 2x" alt="">"#;
        let out = rewrite(&post(), page).unwrap();
        assert!(
            out.html.contains(r#"href="../../pkg/quire.css""#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"href="../../tags/rust/page/2/""#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"href="https://example.com/x""#));
        assert!(
            out.html
                .contains(r#"srcset="../../images/a.webp 1x, ../../images/b.webp 2x""#),
            "{}",
            out.html
        );
        assert_eq!(out.links.len(), 5);
        assert!(out.live_links.is_empty());
    }

    #[test]
    fn links_to_the_server_become_text_and_forms_and_scripts_go() {
        let page = r#"<p>Please <a href="/login">log in</a>.<!></p><!--<() />--><form action="/search"><input name="q"></form><script>x()</script>"#;
        let out = rewrite(&post(), page).unwrap();
        assert_eq!(out.html, "<p>Please log in.</p>");
        assert_eq!(out.live_links, ["/login"]);
        assert_eq!(out.dropped, 2);
    }

    #[test]
    fn entities_in_addresses_are_read_as_the_browser_reads_them() {
        let out = rewrite(&post(), r#"<a href="/?page=2&amp;x=1">next</a>"#).unwrap();
        assert_eq!(out.live_links, ["/?page=2&x=1"]);
    }
}
