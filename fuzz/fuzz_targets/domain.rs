//! The domain types that parse untrusted form and URL input (`app::domain`). Every parser gets
//! the same text. Asserts: no panic; a value that is accepted parses again to the same value;
//! and what the type promises holds for it (length limits in characters, trimming, no control
//! characters, the shape of an email, a slug or a cover URL); a multi-line text (post body,
//! comment, message) is accepted exactly when it is within its limit, not blank and free of
//! control characters other than line breaks and tabs.
//!
//! Input: the first byte, when it is 0xC0 or more, repeats the rest up to 64 times, so that the
//! fuzzer reaches the long limits (5,000 and 100,000 characters) with small inputs.
#![no_main]

use app::domain::{
    check_body_length, parse_body, parse_comment, parse_cover_url, parse_message, parse_phone,
    parse_subtitle, Email, PageNumber, Password, PostTitle, Role, Slug, UserName,
};
use libfuzzer_sys::fuzz_target;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_trimmed(s: &str) -> bool {
    s.trim() == s
}

/// Control characters other than line breaks and tabs (multi-line text refuses them).
fn has_invisible_controls(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fuzz_target!(|data: &[u8]| {
    let (repeat, rest) = match data.split_first() {
        Some((&b, rest)) if b >= 0xC0 => (1 + usize::from(b - 0xC0), rest),
        _ => (1, data),
    };
    let raw = String::from_utf8_lossy(rest).repeat(repeat);
    let raw = raw.as_str();

    if let Ok(email) = Email::parse(raw) {
        let e = email.as_str();
        assert_eq!(Email::parse(e), Ok(email.clone()), "email re-parse");
        assert!(chars(e) <= 254, "email too long: {e:?}");
        assert_eq!(e, e.to_lowercase(), "email not lowercase");
        assert!(!e.chars().any(|c| c.is_whitespace() || c.is_control()));
        let (local, domain) = e.split_once('@').expect("an @");
        assert!(
            !local.is_empty() && local.len() <= 64,
            "local part {local:?}"
        );
        assert!(
            !domain.contains('@') && domain.contains('.'),
            "domain {domain:?}"
        );
        assert!(!domain.starts_with('.') && !domain.ends_with('.') && !domain.contains(".."));
    }

    if let Ok(name) = UserName::parse(raw) {
        let n = name.as_str();
        assert_eq!(UserName::parse(n), Ok(name.clone()), "name re-parse");
        assert!((1..=UserName::MAX_CHARS).contains(&chars(n)), "name length");
        assert!(is_trimmed(n) && !n.chars().any(char::is_control));
    }

    if let Ok(password) = Password::parse(raw) {
        // Taken exactly as typed: never trimmed, cut or case-folded.
        assert_eq!(password.expose(), raw, "password changed");
        assert!(Password::parse(password.expose()) == Ok(password.clone()));
        let n = chars(raw);
        assert!(
            (Password::MIN_CHARS..=Password::MAX_CHARS).contains(&n),
            "password length {n}"
        );
        assert_eq!(
            format!("{password:?}"),
            "Password(****)",
            "Debug shows the password"
        );
    }

    if let Ok(title) = PostTitle::parse(raw) {
        let t = title.as_str();
        assert_eq!(PostTitle::parse(t), Ok(title.clone()), "title re-parse");
        assert!(
            (1..=PostTitle::MAX_CHARS).contains(&chars(t)),
            "title length"
        );
        assert!(is_trimmed(t) && !t.chars().any(char::is_control));

        // Every title gets a slug, and that slug is one a URL may carry.
        let slug = Slug::from_title(&title);
        assert_eq!(
            Slug::parse(slug.as_str()),
            Ok(slug.clone()),
            "derived slug {slug:?} refused"
        );
        // Two posts whose titles slug alike get numbered slugs: still valid and in the limit.
        let n = rest
            .iter()
            .take(4)
            .fold(0u32, |n, &b| n << 8 | u32::from(b));
        for n in [2, n, u32::MAX] {
            let suffixed = slug.with_suffix(n);
            let s = suffixed.as_str();
            assert!(s.ends_with(&format!("-{n}")), "{s:?}");
            assert_eq!(
                Slug::parse(s),
                Ok(suffixed.clone()),
                "suffixed slug {s:?} refused"
            );
        }
    }

    if let Ok(slug) = Slug::parse(raw) {
        let s = slug.as_str();
        assert_eq!(s, raw);
        assert!((1..=Slug::MAX_CHARS).contains(&chars(s)), "slug length");
        assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
        assert!(
            s.chars().all(|c| c == '-' || c.is_alphanumeric()),
            "slug {s:?}"
        );
        // The documented rule is "what titles slug to": so an accepted slug must be what its
        // own text slugs to (lowercase already, nothing to drop or change).
        let title = PostTitle::parse(s).expect("a slug is a valid title");
        assert_eq!(
            Slug::from_title(&title),
            slug,
            "parse accepts a slug no title makes"
        );
    }

    if let Ok(subtitle) = parse_subtitle(raw) {
        assert_eq!(
            parse_subtitle(&subtitle).as_ref(),
            Ok(&subtitle),
            "subtitle re-parse"
        );
        assert!(chars(&subtitle) <= 300 && is_trimmed(&subtitle));
        assert!(!subtitle.chars().any(char::is_control));
    }

    match parse_cover_url(raw) {
        Ok(Some(url)) => {
            assert_eq!(
                parse_cover_url(&url),
                Ok(Some(url.clone())),
                "cover re-parse"
            );
            assert!(chars(&url) <= 2000, "cover URL length");
            let scheme = quire_fuzz::url_scheme(&url);
            assert!(
                matches!(scheme.as_deref(), Some("http" | "https")),
                "cover URL {url:?} has scheme {scheme:?}"
            );
            // It goes into an attribute: nothing that could end or escape it.
            assert!(!url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\".contains(c)));
        }
        Ok(None) => assert!(raw.trim().is_empty(), "a cover URL {raw:?} was dropped"),
        Err(_) => {}
    }

    let body_fits = check_body_length(raw).is_ok();
    assert_eq!(body_fits, chars(raw) <= 100_000, "body length rule");
    let body_ok = body_fits && !raw.trim().is_empty() && !has_invisible_controls(raw);
    match parse_body(raw) {
        Ok(body) => {
            assert_eq!(body, raw, "a body is kept exactly as written");
            assert!(body_ok, "an invalid body accepted");
        }
        Err(_) => assert!(!body_ok, "a valid body refused"),
    }

    for (what, parse) in [
        (
            "comment",
            parse_comment as fn(&str) -> Result<String, String>,
        ),
        ("message", parse_message),
    ] {
        if let Ok(text) = parse(raw) {
            assert_eq!(parse(&text).as_ref(), Ok(&text), "{what} re-parse");
            assert!((1..=5000).contains(&chars(&text)), "{what} length");
            assert!(is_trimmed(&text), "{what} not trimmed");
            assert!(
                !has_invisible_controls(&text),
                "{what} with control characters"
            );
        }
    }

    if let Ok(phone) = parse_phone(raw) {
        assert_eq!(parse_phone(&phone).as_ref(), Ok(&phone), "phone re-parse");
        assert!(chars(&phone) <= 40 && is_trimmed(&phone));
        assert!(phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-.".contains(c)));
    }

    let page = PageNumber::parse(Some(raw));
    assert!(
        (1..=PageNumber::MAX).contains(&page.get()),
        "page {}",
        page.get()
    );
    assert_eq!(PageNumber::parse(Some(&page.get().to_string())), page);
    // OFFSET arithmetic never overflows, whatever the page size.
    for per_page in [1, 10, u32::MAX] {
        assert!(page.offset(per_page) >= 0);
    }

    if let Some(role) = Role::parse(raw) {
        assert_eq!(role.as_str(), raw);
    }
});
