//! Test support: fresh databases and running servers.

mod browser;
mod database;
pub mod html;
mod private_pg;
pub mod server;
pub mod smtp;

pub use browser::{Browser, Reply};
pub use database::{Kind, TestDb};
pub use private_pg::PrivatePostgres;
pub use server::TestServer;

use app::db::Db;

/// `html` without the empty comments (`<!>`) Leptos writes as hydration markers.
pub fn without_hydration_markers(html: &str) -> String {
    html.replace("<!>", "")
}

/// An admin (the first account) and a reader, both logged in, with the password the tests use.
pub async fn admin_and_reader(server: &TestServer) -> (Browser<'_>, Browser<'_>) {
    const PASSWORD: &str = "correct horse battery";
    let mut admin = Browser::new(server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut reader = Browser::new(server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    (admin, reader)
}

/// Runs each named test on both backends, as `<name>::sqlite` and `<name>::postgres`.
/// Each test is an `async fn(TestDb)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::TestDb::new($crate::support::Kind::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::TestDb::new($crate::support::Kind::Postgres).await).await
            }
        }
    )*};
}
pub(crate) use both;

/// Runs the `quire` binary with `args` on `db`; returns whether it succeeded and all it
/// printed (standard output, then standard error).
pub fn quire_on(db: &TestDb, args: &[&str]) -> (bool, String) {
    let out = server::quire()
        .env("DATABASE_URL", &db.url)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Where `path` on `server` redirects to, if it does.
pub async fn location(server: &TestServer, path: &str) -> Option<String> {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(server.url(path))
        .send()
        .await
        .unwrap();
    response
        .status()
        .is_redirection()
        .then(|| response.headers()["location"].to_str().unwrap().to_owned())
}

/// The one number `sql` selects from `db`.
pub async fn count(db: &TestDb, sql: &str) -> i64 {
    match db.connect().await {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(&pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(&pool).await,
    }
    .unwrap()
}

/// Runs `sql` on the test's database, as a command or an administrator by hand would.
pub async fn execute(db: &TestDb, sql: &str) {
    match db.connect().await {
        Db::Sqlite(pool) => sqlx::query(sql).execute(&pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql).execute(&pool).await.map(|_| ()),
    }
    .unwrap()
}

/// Makes the database refuse to insert a post titled `title` (a trigger): a failure an
/// import's own checks cannot see coming, half-way through its transaction.
pub async fn refuse_posts_titled(db: &Db, title: &str) {
    let title = title.replace('\'', "''");
    match db {
        Db::Sqlite(pool) => {
            sqlx::query(&format!(
                "CREATE TRIGGER boom BEFORE INSERT ON posts WHEN NEW.title = '{title}'
                 BEGIN SELECT RAISE(ABORT, 'boom'); END"
            ))
            .execute(pool)
            .await
            .unwrap();
        }
        Db::Postgres(pool) => {
            sqlx::query(&format!(
                "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF NEW.title = '{title}' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$"
            ))
            .execute(pool)
            .await
            .unwrap();
            sqlx::query(
                "CREATE TRIGGER boom BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION boom()",
            )
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

pub mod seed {
    use app::db::{self, posts::NewPost, users::NewUser, Db};
    use app::domain::{Email, PostTitle, Role, UserName};
    use chrono::{DateTime, Utc};

    pub async fn author(db: &Db, name: &str) -> i64 {
        let email = format!("{}@example.test", name.to_lowercase().replace(' ', "."));
        db::users::create(
            db,
            &NewUser {
                name: &UserName::parse(name).unwrap(),
                email: &Email::parse(&email).unwrap(),
                password_hash: "!",
                role: Role::Admin,
            },
        )
        .await
        .expect("create author")
    }

    /// Stores `png` as an upload by `uploader`; returns its SHA-256 (hex).
    pub async fn image(db: &Db, uploader: i64, png: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        let sha = format!("{:x}", Sha256::digest(png));
        let image = db::images::NewImage {
            sha256: &sha,
            content_type: "image/png",
            bytes: png,
            width: None,
            height: None,
            uploader_id: uploader,
        };
        db::images::store(db, &image).await.unwrap();
        sha
    }

    /// Creates a post; `published_at: None` leaves it a draft. Returns its slug.
    pub async fn post(
        db: &Db,
        author_id: i64,
        title: &str,
        published_at: Option<DateTime<Utc>>,
    ) -> String {
        let title = PostTitle::parse(title).unwrap();
        let post = NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            tags: &[],
            author_id,
            title: &title,
            subtitle: "Subtitle of it",
            body: "Body.",
            cover_url: None,
            published_at,
            newsletter: false,
        };
        db::posts::create(db, &post)
            .await
            .expect("create post")
            .slug
            .as_str()
            .to_owned()
    }

    /// A subscriber who asked for a link (its token's hash: 64 × `hash`) and has not
    /// confirmed it; unsubscribed since, with `unsubscribed`.
    pub async fn unconfirmed_subscriber(db: &Db, address: &str, hash: char, unsubscribed: bool) {
        let link = db::outbox::NewMail {
            kind: "subscription",
            recipient: address,
            reply_to: None,
            subject: "Confirm",
            text_body: "Link",
            html_body: None,
            message_id: None,
            list_unsubscribe: None,
        };
        let hash = hash.to_string().repeat(64);
        let email = Email::parse(address).unwrap();
        let week = db::now() + chrono::TimeDelta::days(7);
        db::subscribers::request(db, &email, &hash, week, &link)
            .await
            .unwrap();
        if unsubscribed {
            let found = db::subscribers::by_confirm_token(db, &hash, db::now()).await;
            db::subscribers::unsubscribe(db, found.unwrap().unwrap().id)
                .await
                .unwrap();
        }
    }

    pub fn days_ago(days: i64) -> Option<DateTime<Utc>> {
        Some(db::now() - chrono::TimeDelta::days(days))
    }
}
