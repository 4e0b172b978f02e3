//! Uploaded images: what kinds are accepted, told by their first bytes, and their addresses.
//!
//! The type of an upload is read from the file's content (its "magic bytes"), never from its
//! name or the Content-Type the client sent: a page or an SVG renamed `cat.png` is refused.
//! Only raster formats that browsers show without running anything are accepted — no SVG,
//! which can carry script.

/// The largest image accepted, in bytes (5 MiB).
pub const IMAGE_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Where images are served: `/images/<sha256>.<ext>`.
pub const IMAGE_PATH_PREFIX: &str = "/images/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    pub const ALL: [ImageKind; 4] = [
        ImageKind::Png,
        ImageKind::Jpeg,
        ImageKind::Gif,
        ImageKind::Webp,
    ];

    /// The kind the bytes are, by their signature; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
        }
    }

    pub fn from_content_type(content_type: &str) -> Option<ImageKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.content_type() == content_type)
    }

    pub fn from_extension(extension: &str) -> Option<ImageKind> {
        Self::ALL.into_iter().find(|k| k.extension() == extension)
    }

    /// Width and height from the file's header, without decoding the picture. `None` when the
    /// header is cut short or damaged.
    pub fn dimensions(self, bytes: &[u8]) -> Option<(u32, u32)> {
        let size = match self {
            ImageKind::Png => png_size(bytes),
            ImageKind::Jpeg => jpeg_size(bytes),
            ImageKind::Gif => gif_size(bytes),
            ImageKind::Webp => webp_size(bytes),
        }?;
        (size.0 > 0 && size.1 > 0).then_some(size)
    }
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_be_bytes([b[0], b[1]])))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The IHDR chunk comes first: width and height are its first two big-endian words.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(bytes, 16)?, be32(bytes, 20)?))
}

/// The logical screen size, right after the signature.
fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    Some((le16(bytes, 6)?, le16(bytes, 8)?))
}

/// The first chunk says which of WebP's three layouts the file uses.
fn webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        // Lossy: a key frame's start code, then 14-bit sizes.
        b"VP8 " => {
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(bytes, 26)? & 0x3FFF, le16(bytes, 28)? & 0x3FFF))
        }
        // Lossless: a signature byte, then two 14-bit sizes minus one.
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return None;
            }
            let b = bytes.get(21..25)?;
            let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        // Extended: 24-bit canvas sizes minus one.
        b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => None,
    }
}

/// Walks the markers up to the first start-of-frame, which holds the size.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Standalone markers: no length.
            0x01 | 0xD0..=0xD7 => at += 2,
            // Start of frame (baseline, progressive, …), not DHT (C4), JPG (C8) or DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let height = be16(bytes, at + 5)?;
                let width = be16(bytes, at + 7)?;
                return Some((width, height));
            }
            // End of image or start of scan before any frame: damaged.
            0xD9 | 0xDA => return None,
            _ => {
                let length = be16(bytes, at + 2)? as usize;
                if length < 2 {
                    return None;
                }
                at += 2 + length;
            }
        }
    }
}

/// Why an upload was refused: the status it is answered with and what the admin is told. The
/// editor's no-JavaScript form gets the `code` back in its address (`?upload_error=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    /// The request had no file in its `image` field.
    Missing,
    Empty,
    TooLarge,
    /// SVG (or HTML, or XML): text that a browser could run script from.
    Markup,
    /// Not PNG, JPEG, GIF or WebP.
    NotAnImage,
    /// Starts like an image, but its header is cut short or damaged.
    Damaged,
}

impl UploadProblem {
    const ALL: [UploadProblem; 6] = [
        UploadProblem::Missing,
        UploadProblem::Empty,
        UploadProblem::TooLarge,
        UploadProblem::Markup,
        UploadProblem::NotAnImage,
        UploadProblem::Damaged,
    ];

    /// Checks an uploaded file: its kind, from its bytes, and its size from its header.
    pub fn check(bytes: &[u8]) -> Result<(ImageKind, Option<(u32, u32)>), UploadProblem> {
        if bytes.is_empty() {
            return Err(UploadProblem::Empty);
        }
        if bytes.len() > IMAGE_MAX_BYTES {
            return Err(UploadProblem::TooLarge);
        }
        let Some(kind) = ImageKind::sniff(bytes) else {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
            let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
            return Err(if start.starts_with('<') {
                UploadProblem::Markup
            } else {
                UploadProblem::NotAnImage
            });
        };
        match kind.dimensions(bytes) {
            Some(size) => Ok((kind, Some(size))),
            None => Err(UploadProblem::Damaged),
        }
    }

    pub fn status(self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            UploadProblem::Missing | UploadProblem::Empty | UploadProblem::Damaged => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            UploadProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UploadProblem::Markup | UploadProblem::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            UploadProblem::Missing => "missing",
            UploadProblem::Empty => "empty",
            UploadProblem::TooLarge => "too-large",
            UploadProblem::Markup => "markup",
            UploadProblem::NotAnImage => "not-an-image",
            UploadProblem::Damaged => "damaged",
        }
    }

    pub fn from_code(code: &str) -> Option<UploadProblem> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            UploadProblem::Missing => "Choose an image file to upload.",
            UploadProblem::Empty => "That file is empty.",
            UploadProblem::TooLarge => "That image is too large: the limit is 5 MiB.",
            UploadProblem::Markup => {
                "SVG and HTML files are not accepted (they can carry scripts). Use a PNG, JPEG, GIF or WebP image."
            }
            UploadProblem::NotAnImage => {
                "That file is not a PNG, JPEG, GIF or WebP image (the type is read from the file itself, not its name)."
            }
            UploadProblem::Damaged => "That image could not be read: it seems cut short or damaged.",
        }
    }
}

/// The address an image is served at.
pub fn image_path(sha256: &str, kind: ImageKind) -> String {
    format!("{IMAGE_PATH_PREFIX}{sha256}.{}", kind.extension())
}

/// Splits a served image's file name, `<sha256>.<ext>`, into its hash (64 lowercase hex
/// digits) and kind; `None` for any other name.
pub fn parse_image_name(name: &str) -> Option<(&str, ImageKind)> {
    let (hash, extension) = name.split_once('.')?;
    let is_hash = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !is_hash {
        return None;
    }
    Some((hash, ImageKind::from_extension(extension)?))
}

/// Whether `url` is the address of an uploaded image on this site.
pub fn is_image_path(url: &str) -> bool {
    url.strip_prefix(IMAGE_PATH_PREFIX)
        .is_some_and(|name| parse_image_name(name).is_some())
}

/// Markdown that shows the image at `url` with `alt` as its description. Brackets and line
/// breaks would end the description early, so they are left out.
pub fn image_markdown(alt: &str, url: &str) -> String {
    let alt: String = alt
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | '\\'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("![{}]({url})", alt.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of a 3×2 PNG: signature and IHDR.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn kinds_are_told_by_their_bytes() {
        assert_eq!(ImageKind::sniff(PNG), Some(ImageKind::Png));
        assert_eq!(ImageKind::Png.dimensions(PNG), Some((3, 2)));
        let gif = b"GIF89a\x05\x00\x07\x00\x80\x00\x00";
        assert_eq!(ImageKind::sniff(gif), Some(ImageKind::Gif));
        assert_eq!(ImageKind::Gif.dimensions(gif), Some((5, 7)));
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        jpeg.extend([0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00, 0x09, 0x00, 0x0A, 0x01]);
        assert_eq!(ImageKind::sniff(&jpeg), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::Jpeg.dimensions(&jpeg), Some((10, 9)));
        let mut webp = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2F".to_vec();
        // 4 × 6: (4-1) | (6-1) << 14.
        webp.extend((3u32 | 5 << 14).to_le_bytes());
        assert_eq!(ImageKind::sniff(&webp), Some(ImageKind::Webp));
        assert_eq!(ImageKind::Webp.dimensions(&webp), Some((4, 6)));
    }

    #[test]
    fn pages_scripts_and_svg_are_not_images() {
        for bytes in [
            &b"<!DOCTYPE html><script>alert(1)</script>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<?xml version=\"1.0\"?><svg/>",
            b"just some text",
            b"",
            b"\x89PN",
            b"RIFF\x00\x00\x00\x00AVI ",
        ] {
            assert_eq!(ImageKind::sniff(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn cut_headers_have_no_size() {
        assert_eq!(ImageKind::Png.dimensions(&PNG[..20]), None);
        assert_eq!(
            ImageKind::Jpeg.dimensions(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00]),
            None
        );
        assert_eq!(ImageKind::Gif.dimensions(b"GIF89a\x01"), None);
        assert_eq!(ImageKind::Webp.dimensions(b"RIFF\0\0\0\0WEBPVP8 "), None);
    }

    #[test]
    fn image_names_are_a_hash_and_a_known_extension() {
        let hash = "a".repeat(64);
        assert_eq!(
            parse_image_name(&format!("{hash}.png")),
            Some((hash.as_str(), ImageKind::Png))
        );
        assert!(is_image_path(&image_path(&hash, ImageKind::Webp)));
        for bad in [
            format!("{hash}.svg"),
            format!("{hash}.PNG"),
            format!("{}.png", "A".repeat(64)),
            format!("{}.png", "a".repeat(63)),
            format!("{hash}.png.html"),
            format!("../{hash}.png"),
            "x.png".to_owned(),
        ] {
            assert_eq!(parse_image_name(&bad), None, "{bad}");
        }
    }

    #[test]
    fn uploads_are_checked_by_content() {
        assert_eq!(
            UploadProblem::check(PNG),
            Ok((ImageKind::Png, Some((3, 2))))
        );
        assert_eq!(UploadProblem::check(b""), Err(UploadProblem::Empty));
        assert_eq!(
            UploadProblem::check(b"\xef\xbb\xbf  <svg onload=alert(1)>"),
            Err(UploadProblem::Markup)
        );
        assert_eq!(
            UploadProblem::check(b"<html><script>alert(1)</script>"),
            Err(UploadProblem::Markup)
        );
        assert_eq!(
            UploadProblem::check(b"plain text"),
            Err(UploadProblem::NotAnImage)
        );
        assert_eq!(
            UploadProblem::check(&PNG[..14]),
            Err(UploadProblem::Damaged)
        );
        let mut huge = PNG.to_vec();
        huge.resize(IMAGE_MAX_BYTES + 1, 0);
        assert_eq!(UploadProblem::check(&huge), Err(UploadProblem::TooLarge));
        for problem in UploadProblem::ALL {
            assert_eq!(UploadProblem::from_code(problem.code()), Some(problem));
        }
    }

    #[test]
    fn markdown_descriptions_cannot_break_out() {
        assert_eq!(
            image_markdown(" A [cat]\nsleeping ", "/images/x.png"),
            "![A cat sleeping](/images/x.png)"
        );
    }
}
