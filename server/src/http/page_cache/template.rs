//! A page with holes for a few pieces of text (a reader's name and address), kept compressed
//! around the holes so that filling them in costs a copy, not a compression.
//!
//! gzip has no "insert here", but deflate is a sequence of blocks: each run of the page
//! between holes is deflated on its own and ends on a byte boundary (a sync flush), a hole's
//! text goes in as a stored block, and the gzip trailer's CRC-32 is combined from the runs'
//! and the text's. Written by hand because no crate splices deflate streams; the result is
//! ordinary gzip, checked against flate2's decoder in the tests.

use std::io::Write;

use axum::body::Bytes;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// Why a rendering cannot be kept as a template.
#[derive(Debug, PartialEq, Eq)]
pub enum Unfit {
    /// The first placeholder is not on the page: it was not rendered as the stand-in's.
    NoPlaceholder,
    /// A placeholder shows somewhere other than an element's whole text or a double-quoted
    /// attribute's whole value (a script, part of a sentence), where escaping for either
    /// would not be right.
    OutsideText,
    /// The stand-in's id shows: the page shows more of its reader than the template fills in.
    ShowsStandIn,
}

/// Where a hole is, which decides how its text is escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    /// `>hole<`
    Text,
    /// `="hole"`
    Attribute,
}

pub struct Template {
    /// The page between the holes: one more run than holes.
    runs: Vec<Bytes>,
    /// Which placeholder each hole was, and where.
    holes: Vec<(usize, Context)>,
    /// Each run as raw deflate blocks, the last one final.
    deflated: Vec<Bytes>,
    crcs: Vec<crc32fast::Hasher>,
}

impl Template {
    /// The page with a hole wherever one of `placeholders` is, each an element's whole text
    /// or a double-quoted attribute's whole value. The first must show at least once.
    pub fn new(page: &[u8], placeholders: &[&str]) -> Result<Template, Unfit> {
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (which, placeholder) in placeholders.iter().enumerate() {
            let placeholder = placeholder.as_bytes();
            let mut at = 0;
            while let Some(offset) = find(&page[at..], placeholder) {
                let start = at + offset;
                at = start + placeholder.len();
                found.push((start, at, which));
            }
        }
        if !found.iter().any(|&(_, _, which)| which == 0) {
            return Err(Unfit::NoPlaceholder);
        }
        found.sort_unstable();
        let mut runs = Vec::new();
        let mut holes = Vec::new();
        let mut from = 0;
        for (start, end, which) in found {
            if start < from {
                return Err(Unfit::OutsideText);
            }
            let before = start.checked_sub(1).map(|i| page[i]);
            let context = match (before, page.get(end)) {
                (Some(b'>'), Some(b'<')) => Context::Text,
                (Some(b'"'), Some(b'"')) if start >= 2 && page[start - 2] == b'=' => {
                    Context::Attribute
                }
                _ => return Err(Unfit::OutsideText),
            };
            runs.push(Bytes::copy_from_slice(&page[from..start]));
            holes.push((which, context));
            from = end;
        }
        runs.push(Bytes::copy_from_slice(&page[from..]));
        let last = runs.len() - 1;
        let deflated = runs
            .iter()
            .enumerate()
            .map(|(i, run)| deflate(run, i == last))
            .collect();
        let crcs = runs
            .iter()
            .map(|run| {
                let mut crc = crc32fast::Hasher::new();
                crc.update(run);
                crc
            })
            .collect();
        Ok(Template {
            runs,
            holes,
            deflated,
            crcs,
        })
    }

    /// Bytes held, for the cache's weighing.
    pub fn size(&self) -> usize {
        self.runs.iter().map(Bytes::len).sum::<usize>()
            + self.deflated.iter().map(Bytes::len).sum::<usize>()
    }

    /// Each hole's text, escaped for where it is.
    fn texts(&self, values: &[&str]) -> Vec<String> {
        self.holes
            .iter()
            .map(|&(which, context)| {
                let value = values.get(which).copied().unwrap_or_default();
                match context {
                    Context::Text => html_escape::encode_text(value).into_owned(),
                    Context::Attribute => {
                        html_escape::encode_double_quoted_attribute(value).into_owned()
                    }
                }
            })
            .collect()
    }

    /// The page with `values[i]` (escaped here) in the holes of placeholder `i`.
    pub fn fill(&self, values: &[&str]) -> Bytes {
        let texts = self.texts(values);
        let size = self.runs.iter().map(Bytes::len).sum::<usize>();
        let mut page = Vec::with_capacity(size + texts.iter().map(String::len).sum::<usize>());
        for (i, run) in self.runs.iter().enumerate() {
            if let Some(text) = i.checked_sub(1).map(|h| &texts[h]) {
                page.extend_from_slice(text.as_bytes());
            }
            page.extend_from_slice(run);
        }
        Bytes::from(page)
    }

    /// [`Template::fill`], as gzip.
    pub fn fill_gzip(&self, values: &[&str]) -> Bytes {
        let texts = self.texts(values);
        let size = self.deflated.iter().map(Bytes::len).sum::<usize>();
        let filled: usize = texts.iter().map(|t| t.len() + 5).sum();
        let mut gzip = Vec::with_capacity(size + 32 + filled);
        // ID1 ID2, deflate, no flags, no time, no extra flags, unknown OS.
        gzip.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        let mut crc = crc32fast::Hasher::new();
        let mut length = 0;
        for (i, run) in self.deflated.iter().enumerate() {
            if let Some(text) = i.checked_sub(1).map(|h| texts[h].as_bytes()) {
                stored(&mut gzip, text);
                let mut text_crc = crc32fast::Hasher::new();
                text_crc.update(text);
                crc.combine(&text_crc);
                length += text.len();
            }
            gzip.extend_from_slice(run);
            crc.combine(&self.crcs[i]);
            length += self.runs[i].len();
        }
        gzip.extend_from_slice(&crc.finalize().to_le_bytes());
        gzip.extend_from_slice(&(length as u32).to_le_bytes());
        Bytes::from(gzip)
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `data` as raw deflate blocks that refer to nothing before them. Not `last`: ends with a
/// sync flush (byte-aligned, not final), so more blocks may follow.
fn deflate(data: &[u8], last: bool) -> Bytes {
    // Level 6, as the kept pages' gzip: done once per rendering, not per reader.
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::new(6));
    encoder
        .write_all(data)
        .expect("writing to memory cannot fail");
    let blocks = if last {
        encoder.finish().expect("writing to memory cannot fail")
    } else {
        encoder.flush().expect("writing to memory cannot fail");
        // What is written so far; dropping the encoder then finishes into an empty vector.
        std::mem::take(encoder.get_mut())
    };
    Bytes::from(blocks)
}

/// `data` as stored (uncompressed) deflate blocks, none final, after a byte boundary.
fn stored(out: &mut Vec<u8>, data: &[u8]) {
    for chunk in data.chunks(u16::MAX as usize) {
        let len = chunk.len() as u16;
        // BFINAL 0, BTYPE 00, the rest of the byte padding.
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const NAME: &str = "stand-in-0123";
    const EMAIL: &str = "stand-in-4567@stand-in.invalid";

    fn gunzip(gzip: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gzip)
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    }

    fn page(name: &str, email_text: &str, email_attribute: &str) -> String {
        format!(
            "<html><a class=\"account-link\">{name}</a>{}<p>{name}</p>\
             <p>To <strong>{email_text}</strong></p><input name=\"email\" value=\"{email_attribute}\"/></html>",
            "<li>post</li>".repeat(400)
        )
    }

    #[test]
    fn filled_pages_escape_each_hole_for_its_place_and_decode_from_gzip() {
        let template = Template::new(page(NAME, EMAIL, EMAIL).as_bytes(), &[NAME, EMAIL]).unwrap();
        for (name, email) in [
            ("Ada", "ada@example.com"),
            ("", ""),
            ("<script>&\"x\"", "\"q\"@example.com"),
            ("Zoë 李", "zoë@example.com"),
            (&"n".repeat(70_000), "a@b.c"),
        ] {
            let filled = template.fill(&[name, email]);
            let expected = page(
                &html_escape::encode_text(name),
                &html_escape::encode_text(email),
                &html_escape::encode_double_quoted_attribute(email),
            );
            assert_eq!(
                String::from_utf8(filled.to_vec()).unwrap(),
                expected,
                "{name:.20}"
            );
            assert_eq!(gunzip(&template.fill_gzip(&[name, email])), filled.to_vec());
        }
    }

    #[test]
    fn gzip_is_smaller_than_the_page() {
        let template = Template::new(page(NAME, EMAIL, EMAIL).as_bytes(), &[NAME, EMAIL]).unwrap();
        let gzip = template.fill_gzip(&["Ada", "ada@example.com"]);
        assert!(
            gzip.len() * 4 < template.fill(&["Ada", "ada@example.com"]).len(),
            "{}",
            gzip.len()
        );
    }

    #[test]
    fn placeholders_must_be_an_elements_text_or_an_attributes_value() {
        assert_eq!(
            Template::new(b"<p>no one</p>", &[NAME]).err(),
            Some(Unfit::NoPlaceholder)
        );
        assert_eq!(
            Template::new(format!("<p>{EMAIL}</p>").as_bytes(), &[NAME, EMAIL]).err(),
            Some(Unfit::NoPlaceholder),
            "the name must show"
        );
        for page in [
            format!("<a title='{NAME}'>x</a>"),
            format!("<p>Hello {NAME}</p>"),
            format!("<script>let n = \"{NAME}\";</script>"),
            format!("<p>{NAME}</p><p>a{NAME}</p>"),
            format!("{NAME}<p>"),
            format!("<p>{NAME}</p><a href=\"/u/{EMAIL}\">"),
        ] {
            assert_eq!(
                Template::new(page.as_bytes(), &[NAME, EMAIL]).err(),
                Some(Unfit::OutsideText),
                "{page}"
            );
        }
    }
}
