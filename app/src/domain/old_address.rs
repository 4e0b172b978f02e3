//! An address a post had on the blog it was imported from, in one form however it is
//! written or asked for, so that a redirect finds it.

use percent_encoding::percent_decode_str;

/// `/2024/05/hello`, `/?p=123`: a path percent-decoded and lowercased, without a trailing
/// slash, with the query only when it is the whole address's point (`?p=`, `?page_id=` at
/// the root, as WordPress' plain links are).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldAddress(String);

/// Query parameters that name a post on their own, at the root (WordPress' plain links).
const POST_PARAMETERS: &[&str] = &["p", "page_id"];

impl OldAddress {
    /// From a full address (`http://old.example/2024/05/hello/`) or a path with its query
    /// (`/?p=123`). `None` for the root itself or what names no page.
    pub fn parse(raw: &str) -> Option<OldAddress> {
        let raw = raw.trim();
        let without_origin = match raw.split_once("://") {
            Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
            None => raw,
        };
        let without_fragment = without_origin.split('#').next().unwrap_or_default();
        let (path, query) = match without_fragment.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (without_fragment, None),
        };
        Self::from_parts(path, query)
    }

    /// From a request's path and query.
    pub fn from_parts(path: &str, query: Option<&str>) -> Option<OldAddress> {
        let path = percent_decode_str(path).decode_utf8().ok()?.to_lowercase();
        let path = path.trim_end_matches('/');
        if !path.is_empty() {
            return path.starts_with('/').then(|| OldAddress(path.to_owned()));
        }
        let (name, value) = query?.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (POST_PARAMETERS.contains(&name) && !value.is_empty()).then_some((name, value))
        })?;
        value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| OldAddress(format!("/?{name}={value}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Option<String> {
        OldAddress::parse(raw).map(|a| a.0)
    }

    #[test]
    fn one_form_whoever_writes_it() {
        let hello = Some("/2024/05/hello".to_owned());
        assert_eq!(parsed("http://wp.test/2024/05/hello/"), hello);
        assert_eq!(parsed("/2024/05/Hello"), hello);
        assert_eq!(parsed("/2024/05/hello/#comments"), hello);
        assert_eq!(
            parsed("/2024/05/cr%C3%A8me/"),
            Some("/2024/05/crème".to_owned())
        );
        assert_eq!(parsed("http://wp.test/?p=5"), Some("/?p=5".to_owned()));
        assert_eq!(
            OldAddress::from_parts("/", Some("utm=x&page_id=16")).map(|a| a.0),
            Some("/?page_id=16".to_owned())
        );
    }

    #[test]
    fn the_root_and_other_questions_name_no_post() {
        assert_eq!(parsed("http://wp.test/"), None);
        assert_eq!(parsed("/?page=2"), None);
        assert_eq!(parsed("/?p=abc"), None);
        assert_eq!(parsed("/?p="), None);
        assert_eq!(parsed("/%FF"), None);
    }
}
