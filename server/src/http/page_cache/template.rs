//! A page with holes for one piece of text (a reader's name), kept compressed around the
//! holes so that filling it in costs a copy, not a compression.
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
    /// The placeholder is not on the page: it was not rendered as the stand-in's.
    NoPlaceholder,
    /// The placeholder shows somewhere other than an element's text (an attribute, a
    /// script), where HTML-escaped text would not be right.
    OutsideText,
    /// The stand-in's address or id shows: the page shows more of its reader than a name.
    ShowsStandIn,
}

pub struct Template {
    /// The page between the holes: one more run than holes.
    runs: Vec<Bytes>,
    /// Each run as raw deflate blocks, the last one final.
    deflated: Vec<Bytes>,
    crcs: Vec<crc32fast::Hasher>,
}

impl Template {
    /// The page with a hole wherever `placeholder` is, which must be an element's whole text
    /// (`>placeholder<`).
    pub fn new(page: &[u8], placeholder: &str) -> Result<Template, Unfit> {
        let placeholder = placeholder.as_bytes();
        let mut runs = Vec::new();
        let mut start = 0;
        let mut at = 0;
        while let Some(found) = find(&page[at..], placeholder) {
            let hole = at + found;
            let end = hole + placeholder.len();
            let in_text = hole > 0 && page[hole - 1] == b'>' && page.get(end) == Some(&b'<');
            if !in_text {
                return Err(Unfit::OutsideText);
            }
            runs.push(Bytes::copy_from_slice(&page[start..hole]));
            start = end;
            at = end;
        }
        if runs.is_empty() {
            return Err(Unfit::NoPlaceholder);
        }
        runs.push(Bytes::copy_from_slice(&page[start..]));
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
            deflated,
            crcs,
        })
    }

    /// Bytes held, for the cache's weighing.
    pub fn size(&self) -> usize {
        self.runs.iter().map(Bytes::len).sum::<usize>()
            + self.deflated.iter().map(Bytes::len).sum::<usize>()
    }

    /// The page with `text` (HTML-escaped here) in every hole.
    pub fn fill(&self, text: &str) -> Bytes {
        let text = html_escape::encode_text(text);
        let mut page = Vec::with_capacity(self.runs.iter().map(Bytes::len).sum::<usize>() + 64);
        for (i, run) in self.runs.iter().enumerate() {
            if i > 0 {
                page.extend_from_slice(text.as_bytes());
            }
            page.extend_from_slice(run);
        }
        Bytes::from(page)
    }

    /// [`Template::fill`], as gzip.
    pub fn fill_gzip(&self, text: &str) -> Bytes {
        let text = html_escape::encode_text(text);
        let text = text.as_bytes();
        let mut text_crc = crc32fast::Hasher::new();
        text_crc.update(text);
        let size = self.deflated.iter().map(Bytes::len).sum::<usize>();
        let mut gzip = Vec::with_capacity(size + 32 + self.runs.len() * (text.len() + 5));
        // ID1 ID2, deflate, no flags, no time, no extra flags, unknown OS.
        gzip.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        let mut crc = crc32fast::Hasher::new();
        for (i, run) in self.deflated.iter().enumerate() {
            if i > 0 {
                stored(&mut gzip, text);
                crc.combine(&text_crc);
            }
            gzip.extend_from_slice(run);
            crc.combine(&self.crcs[i]);
        }
        let length =
            self.runs.iter().map(Bytes::len).sum::<usize>() + text.len() * (self.runs.len() - 1);
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

    const HOLE: &str = "stand-in-0123";

    fn gunzip(gzip: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gzip)
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    }

    fn page(body: &str) -> String {
        format!(
            "<html><a class=\"account-link\">{HOLE}</a>{}<p>{HOLE}</p></html>",
            body.repeat(40)
        )
    }

    #[test]
    fn filled_pages_escape_the_text_and_decode_from_gzip() {
        let template = Template::new(page("<li>post</li>").as_bytes(), HOLE).unwrap();
        for name in ["Ada", "", "<script>&\"x\"", "Zoë 李", &"n".repeat(70_000)] {
            let filled = template.fill(name);
            let escaped = html_escape::encode_text(name);
            assert_eq!(
                String::from_utf8(filled.to_vec()).unwrap(),
                page("<li>post</li>").replace(HOLE, &escaped),
                "{name:.20}"
            );
            assert_eq!(gunzip(&template.fill_gzip(name)), filled.to_vec());
        }
    }

    #[test]
    fn gzip_is_smaller_than_the_page() {
        let template =
            Template::new(page("<li class=\"post\">a post</li>").as_bytes(), HOLE).unwrap();
        let gzip = template.fill_gzip("Ada");
        assert!(
            gzip.len() * 5 < template.fill("Ada").len(),
            "{}",
            gzip.len()
        );
    }

    #[test]
    fn the_placeholder_must_be_an_elements_text() {
        assert_eq!(
            Template::new(b"<p>no one</p>", HOLE).err(),
            Some(Unfit::NoPlaceholder)
        );
        for page in [
            format!("<a title=\"{HOLE}\">x</a>"),
            format!("<p>Hello {HOLE}</p>"),
            format!("<script>let n = \"{HOLE}\";</script>"),
            format!("<p>{HOLE}</p><p>a{HOLE}</p>"),
            format!("{HOLE}<p>"),
        ] {
            assert_eq!(
                Template::new(page.as_bytes(), HOLE).err(),
                Some(Unfit::OutsideText),
                "{page}"
            );
        }
    }
}
