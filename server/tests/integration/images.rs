//! Uploaded images: only the admin uploads, only real PNG, JPEG, GIF and WebP files (told by
//! their bytes) up to 5 MiB are kept, they are served byte for byte with a year of caching,
//! and backups and `copy-data` carry them.

use app::db::Db;
use reqwest::multipart::{Form, Part};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::server::quire;
use crate::support::{admin_and_reader, both, Browser, Kind, TestDb, TestServer};

both!(
    the_admin_uploads_each_kind_and_gets_it_back_byte_for_byte,
    files_that_are_not_images_are_refused_by_their_content,
    uploads_over_five_mib_are_refused,
    only_the_admin_may_upload_and_never_cross_site,
    unknown_image_addresses_are_not_found,
    a_form_post_without_javascript_comes_back_to_the_editor,
    an_uploaded_cover_and_body_image_show_on_the_post_and_home_page,
);

// ---- tiny image files, made here -------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A valid `width`×`height` RGB PNG of one colour (zlib with a stored block: no compressor
/// needed).
pub fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Each row: filter type 0 (none), then the pixels.
    let mut row = vec![0];
    row.extend(rgb.repeat(width as usize));
    let raw = row.repeat(height as usize);
    let mut zlib = vec![0x78, 0x01, 0x01];
    let len = raw.len() as u16;
    zlib.extend(len.to_le_bytes());
    zlib.extend((!len).to_le_bytes());
    zlib.extend(&raw);
    zlib.extend(adler32(&raw).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A 1×1 GIF.
fn gif() -> Vec<u8> {
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec()
}

/// The header of a 16×8 baseline JPEG (what the server reads), with every byte value after it.
fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    out.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    out.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03]);
    out.extend([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    out.extend(0..=255u8);
    out.extend([0xFF, 0xD9]);
    out
}

/// A lossless WebP header, 2×3.
fn webp() -> Vec<u8> {
    let mut body = b"WEBPVP8L".to_vec();
    body.extend(5u32.to_le_bytes());
    body.push(0x2F);
    body.extend((1u32 | (2 << 14)).to_le_bytes());
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

// ---- helpers ----------------------------------------------------------------------------

/// What `/api/images` answered.
struct Answer {
    status: u16,
    json: serde_json::Value,
    location: Option<String>,
}

fn form(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Form {
    Form::new().text("alt", "a picture").part(
        "image",
        Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)
            .unwrap(),
    )
}

/// Posts `form` as the editor's script does (same origin, JSON back), with `cookie`.
async fn upload(server: &TestServer, cookie: Option<&str>, form: Form) -> Answer {
    let mut request = server
        .client
        .post(server.url("/api/images"))
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .multipart(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    answer(request.send().await.unwrap()).await
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    Answer {
        status,
        json: serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        location,
    }
}

async fn image_count(db: &TestDb) -> i64 {
    let pool = db.connect().await;
    let count = match &pool {
        Db::Sqlite(p) => sqlx::query_scalar("SELECT COUNT(*) FROM images")
            .fetch_one(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar("SELECT COUNT(*) FROM images")
            .fetch_one(p)
            .await
            .unwrap(),
    };
    pool.close().await;
    count
}

struct Served {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

async fn fetch(server: &TestServer, path: &str, if_none_match: Option<&str>) -> Served {
    let mut request = server.client.get(server.url(path));
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await.unwrap();
    Served {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

fn header<'h>(served: &'h Served, name: &str) -> &'h str {
    served
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

// ---- tests ------------------------------------------------------------------------------

async fn the_admin_uploads_each_kind_and_gets_it_back_byte_for_byte(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (admin, _) = admin_and_reader(&server).await;
    let cookie = admin.cookie.clone();
    for (bytes, ext, content_type, claimed) in [
        (
            png(3, 2, [200, 30, 40]),
            "png",
            "image/png",
            "application/octet-stream",
        ),
        (jpeg(), "jpg", "image/jpeg", "image/png"),
        (gif(), "gif", "image/gif", "image/gif"),
        (webp(), "webp", "image/webp", "text/plain"),
    ] {
        // The client's name and type are ignored: the bytes say what the file is.
        let reply = upload(
            &server,
            cookie.as_deref(),
            form("photo.bin", claimed, bytes.clone()),
        )
        .await;
        assert_eq!(reply.status, 201, "{ext}: {}", reply.json);
        let url = reply.json["url"].as_str().unwrap().to_owned();
        let hash = sha256_hex(&bytes);
        assert_eq!(url, format!("/images/{hash}.{ext}"));

        let served = fetch(&server, &url, None).await;
        assert_eq!(served.status, 200, "{url}");
        assert_eq!(served.bytes, bytes, "{ext}: served byte for byte");
        assert_eq!(header(&served, "content-type"), content_type);
        assert_eq!(
            header(&served, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&served, "etag"), format!("\"{hash}\""));
        assert_eq!(header(&served, "x-content-type-options"), "nosniff");
        let policy = header(&served, "content-security-policy");
        assert!(
            policy.contains("default-src 'none'") && policy.contains("sandbox"),
            "{policy}"
        );

        let again = fetch(&server, &url, Some(&format!("\"{hash}\""))).await;
        assert_eq!(again.status, 304);
        assert!(again.bytes.is_empty());
        assert_eq!(header(&again, "etag"), format!("\"{hash}\""));
        let stale = fetch(&server, &url, Some("\"something-else\"")).await;
        assert_eq!(stale.status, 200);

        // The same file again: the same address, stored once.
        let twice = upload(
            &server,
            cookie.as_deref(),
            form("other-name.png", content_type, bytes),
        )
        .await;
        assert_eq!(twice.status, 200, "{}", twice.json);
        assert_eq!(twice.json["url"], url.as_str());
    }
    assert_eq!(image_count(&db).await, 4);

    // Served to anyone, logged in or not, without a session.
    let url = format!("/images/{}.gif", sha256_hex(&gif()));
    let (status, _) = server.get(&url).await;
    assert_eq!(status, 200);
}

async fn files_that_are_not_images_are_refused_by_their_content(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (admin, _) = admin_and_reader(&server).await;
    let cookie = admin.cookie.as_deref();
    let mut cut_png = png(4, 4, [0, 0, 0]);
    cut_png.truncate(20);
    for (name, bytes, status, says) in [
        (
            "page.png",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script>".to_vec(),
            415,
            "SVG and HTML",
        ),
        (
            "drawing.png",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#.to_vec(),
            415,
            "SVG and HTML",
        ),
        (
            "drawing.svg",
            br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#.to_vec(),
            415,
            "SVG and HTML",
        ),
        ("notes.jpg", b"just some notes".to_vec(), 415, "not a PNG"),
        ("empty.png", Vec::new(), 422, "empty"),
        ("cut.png", cut_png, 422, "damaged"),
    ] {
        let reply = upload(&server, cookie, form(name, "image/png", bytes)).await;
        assert_eq!(reply.status, status, "{name}: {}", reply.json);
        let message = reply.json["error"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{name}: {message}");
    }

    // No file at all, and a request that is not a multipart form.
    let reply = upload(&server, cookie, Form::new().text("alt", "nothing")).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    let not_multipart = server
        .client
        .post(server.url("/api/images"))
        .header("origin", &server.base)
        .header("cookie", cookie.unwrap())
        .header("content-type", "image/png")
        .body(png(1, 1, [0, 0, 0]))
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status().as_u16(), 400);
    assert_eq!(image_count(&db).await, 0, "nothing was stored");
}

async fn uploads_over_five_mib_are_refused(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (admin, _) = admin_and_reader(&server).await;
    let cookie = admin.cookie.as_deref();

    // Just over the image limit, in a request the body limit lets through: the upload refuses.
    let mut big = png(1, 1, [0, 0, 0]);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let reply = upload(&server, cookie, form("big.png", "image/png", big)).await;
    assert_eq!(reply.status, 413, "{}", reply.json);
    assert!(
        reply.json["error"].as_str().unwrap().contains("5 MiB"),
        "{}",
        reply.json
    );

    // Far over: the body limit refuses the request on its headers, before any is sent.
    let addr = server.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/images HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\n\
         Sec-Fetch-Site: same-origin\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        server.base,
        cookie.unwrap(),
        6 * 1024 * 1024
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut status = vec![0; 64];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut status))
        .await
        .expect("an answer without the body")
        .unwrap();
    assert!(
        status[..n].starts_with(b"HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&status[..n])
    );

    // Exactly at the limit is fine.
    let mut largest = png(1, 1, [9, 9, 9]);
    largest.resize(5 * 1024 * 1024, 7);
    let reply = upload(&server, cookie, form("largest.png", "image/png", largest)).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
    assert_eq!(image_count(&db).await, 1);
}

async fn only_the_admin_may_upload_and_never_cross_site(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (admin, reader) = admin_and_reader(&server).await;
    let file = || form("a.png", "image/png", png(2, 2, [1, 2, 3]));

    let reply = upload(&server, None, file()).await;
    assert_eq!(reply.status, 401, "anonymous: {}", reply.json);
    let reply = upload(&server, reader.cookie.as_deref(), file()).await;
    assert_eq!(reply.status, 403, "reader: {}", reply.json);

    // The admin's own cookie, sent from another site's page: refused by the CSRF guard.
    for (origin, fetch_site) in [
        ("https://evil.example", "cross-site"),
        ("null", "cross-site"),
        (server.base.as_str(), "same-site"),
    ] {
        let response = server
            .client
            .post(server.url("/api/images"))
            .header("origin", origin)
            .header("sec-fetch-site", fetch_site)
            .header("cookie", admin.cookie.as_deref().unwrap())
            .multipart(file())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 403, "{origin} {fetch_site}");
    }
    assert_eq!(image_count(&db).await, 0, "nothing was stored");

    let reply = upload(&server, admin.cookie.as_deref(), file()).await;
    assert_eq!(reply.status, 201, "{}", reply.json);
}

async fn unknown_image_addresses_are_not_found(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (admin, _) = admin_and_reader(&server).await;
    let bytes = png(1, 1, [5, 5, 5]);
    let reply = upload(
        &server,
        admin.cookie.as_deref(),
        form("a.png", "image/png", bytes.clone()),
    )
    .await;
    assert_eq!(reply.status, 201);
    let hash = sha256_hex(&bytes);
    for path in [
        format!("/images/{}.png", "0".repeat(64)),
        format!("/images/{hash}.jpg"),
        format!("/images/{hash}.svg"),
        format!("/images/{hash}"),
        format!("/images/{}.png", hash.to_uppercase()),
        "/images/x.png".to_owned(),
    ] {
        let served = fetch(&server, &path, None).await;
        assert_eq!(served.status, 404, "{path}");
        assert_ne!(served.bytes, bytes);
    }
}

async fn a_form_post_without_javascript_comes_back_to_the_editor(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let cookie = admin.cookie.clone().unwrap();
    let form_post = |referer: String, form: Form| {
        server
            .client
            .post(server.url("/api/images"))
            .header("origin", &server.base)
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", referer)
            .header("cookie", &cookie)
            .multipart(form)
            .send()
    };
    let bytes = png(2, 1, [10, 20, 30]);
    let url = format!("/images/{}.png", sha256_hex(&bytes));
    let reply = answer(
        form_post(
            server.url("/admin/posts/new"),
            form("a.png", "image/png", bytes.clone()),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 303);
    let location = reply.location.unwrap();
    assert_eq!(location, format!("/admin/posts/new?uploaded={url}"));

    // The editor shows the address to copy.
    let page = admin.page(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("value=\"{url}\"")),
        "{}",
        page.body
    );

    // A refusal comes back as a message; a Referer elsewhere leads to the new-post page.
    let reply = answer(
        form_post(
            "https://evil.example/posts/x/edit".into(),
            form("x.png", "image/png", b"<svg/>".to_vec()),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 303);
    let location = reply.location.unwrap();
    assert_eq!(location, "/admin/posts/new?upload_error=markup");
    let page = admin.page(&location).await;
    assert!(
        page.body.contains("SVG and HTML files are not accepted"),
        "{}",
        page.body
    );

    let reply = answer(
        form_post(
            server.url("/posts/some-post/edit?x=1"),
            form("b.gif", "image/gif", gif()),
        )
        .await
        .unwrap(),
    )
    .await;
    let location = reply.location.unwrap();
    assert!(
        location.starts_with("/posts/some-post/edit?uploaded=/images/"),
        "{location}"
    );
}

async fn an_uploaded_cover_and_body_image_show_on_the_post_and_home_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let cover = upload(
        &server,
        admin.cookie.as_deref(),
        form("cover.png", "image/png", png(8, 4, [0, 120, 200])),
    )
    .await;
    let cover = cover.json["url"].as_str().unwrap().to_owned();
    let inline = upload(
        &server,
        admin.cookie.as_deref(),
        form("inline.gif", "image/gif", gif()),
    )
    .await;
    let inline = inline.json["url"].as_str().unwrap().to_owned();
    let body = format!("Look:\n\n![A tiny dot]({inline})\n");
    let reply = admin
        .call(
            "posts/create",
            &[
                ("title", "A post with pictures"),
                ("subtitle", ""),
                ("cover_url", &cover),
                ("body", &body),
                ("status", "published"),
                ("publish_at", ""),
            ],
        )
        .await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);

    let post = admin.page("/posts/a-post-with-pictures").await;
    assert_eq!(post.status, 200);
    assert!(
        post.body.contains(&format!(
            "<img src=\"{cover}\" alt=\"\" width=\"720\" height=\"480\" loading=\"lazy\" decoding=\"async\" class=\"cover\">"
        )),
        "{}",
        post.body
    );
    assert!(
        post.body
            .contains(&format!("<img src=\"{inline}\" alt=\"A tiny dot\"")),
        "{}",
        post.body
    );
    // Link previews need an absolute address.
    assert!(
        post.body.contains(&format!(
            "property=\"og:image\" content=\"{}",
            server.url(&cover)
        )),
        "{}",
        post.body
    );
    let (status, home) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(home.contains(&format!("src=\"{cover}\"")), "{home}");

    // A cover address that merely looks like an image of ours is still checked.
    let reply = admin
        .call(
            "posts/create",
            &[
                ("title", "Bad cover"),
                ("subtitle", ""),
                ("cover_url", "/images/../../etc/passwd"),
                ("body", "x"),
                ("status", "published"),
                ("publish_at", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.invalid_fields(), ["cover_url"]);
}

/// An uploaded image survives `quire export` → `quire import` and `quire copy-data` from
/// SQLite to PostgreSQL, byte for byte, and is served from its new home.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_survive_backups_and_copy_data() {
    let sqlite = TestDb::new(Kind::Sqlite).await;
    let bytes = {
        let mut b = png(3, 3, [1, 2, 3]);
        // Every byte value, so nothing can be lost to a text encoding on the way.
        b.extend(0..=255u8);
        b
    };
    let url = {
        let server = TestServer::start(&sqlite).await;
        let mut admin = Browser::new(&server);
        admin
            .register("Admin", "admin@example.com", "correct horse battery")
            .await;
        let reply = upload(
            &server,
            admin.cookie.as_deref(),
            form("a.png", "image/png", bytes.clone()),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.json);
        reply.json["url"].as_str().unwrap().to_owned()
    };

    let run = |url: Option<&str>, args: &[&str]| {
        let mut cmd = quire();
        if let Some(url) = url {
            cmd.env("DATABASE_URL", url);
        }
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.jsonl");
    run(Some(&sqlite.url), &["export", file.to_str().unwrap()]);
    let export = std::fs::read_to_string(&file).unwrap();
    assert!(export.contains(r#""table":"images""#), "{export}");

    let imported = TestDb::new(Kind::Postgres).await;
    run(Some(&imported.url), &["import", file.to_str().unwrap()]);
    let copied = TestDb::new(Kind::Postgres).await;
    run(
        None,
        &["copy-data", "--from", &sqlite.url, "--to", &copied.url],
    );
    for target in [&imported, &copied] {
        let server = TestServer::start(target).await;
        let served = fetch(&server, &url, None).await;
        assert_eq!(served.status, 200);
        assert_eq!(served.bytes, bytes);
        assert_eq!(header(&served, "content-type"), "image/png");
    }
}
