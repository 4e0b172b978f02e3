//! A real SMTP server for the tests: aiosmtpd, from PyPI (`scripts/install-tools.sh
//! --test-tools` puts it in `~/.cache/quire/test-venv`), on a random local port, keeping every
//! mail it accepts in a Maildir, so tests read exactly what Quire sent over the wire.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpSink {
    pub url: String,
    maildir: tempfile::TempDir,
    server: Child,
}

/// The Python that has aiosmtpd: `QUIRE_TEST_PYTHON`, else the test virtualenv.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("QUIRE_TEST_PYTHON") {
        return python.into();
    }
    let home = std::env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".cache/quire/test-venv/bin/python")
}

/// A local port nothing listens on yet: for a server that starts later, or never.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        // aiosmtpd takes a port, not a listener: a free one, closed just before it binds.
        SmtpSink::start_on(free_port()).await
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        SmtpSink::launch(port, "aiosmtpd.handlers.Mailbox").await
    }

    /// A server that refuses some recipients, as real ones do (see `refusing_smtp.py`):
    /// `bounce…@` for good (550), `later…@` once for now (451).
    pub async fn start_refusing() -> SmtpSink {
        SmtpSink::launch(free_port(), "refusing_smtp.Refusing").await
    }

    async fn launch(port: u16, handler: &str) -> SmtpSink {
        let python = python();
        assert!(
            python.exists(),
            "no SMTP server for the mail tests: {} is missing. Run \
             `scripts/install-tools.sh --test-tools` (scripts/test.sh does), or point \
             QUIRE_TEST_PYTHON at a Python with aiosmtpd installed",
            python.display()
        );
        let maildir = tempfile::tempdir().unwrap();
        let listen = format!("127.0.0.1:{port}");
        let mut server = Command::new(&python)
            .args(["-m", "aiosmtpd", "--nosetuid", "--listen", &listen])
            .args(["--class", handler])
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/support"),
            )
            // A path that does not exist yet, so that Python's Maildir makes its folders.
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd with {}: {e}", python.display()));
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(&listen).await.is_ok() {
                return SmtpSink {
                    url: format!("smtp://{listen}"),
                    maildir,
                    server,
                };
            }
            if let Ok(Some(status)) = server.try_wait() {
                let mut err = String::new();
                if let Some(mut stderr) = server.stderr.take() {
                    std::io::Read::read_to_string(&mut stderr, &mut err).ok();
                }
                panic!("aiosmtpd exited ({status}) before listening on {listen}:\n{err}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = server.kill();
        panic!("aiosmtpd did not listen on {listen} within 10 s");
    }

    /// Waits up to 10 s for `n` mails and returns the ones received, oldest first.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            if self.mails().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.mails()
    }

    /// The mails in the Maildir: each file of `new/` is one mail, named after the time it
    /// arrived.
    fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.path().join("mail/new")) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        files
            .iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// What the mailing tests give the blog: the public URL links start with (a name that
/// resolves nowhere: the tests follow a link's path on the test server).
pub const PUBLIC_URL: &str = "https://blog.example.com";

/// The settings of a blog that mails through `smtp`, links starting with [`PUBLIC_URL`].
pub fn mail_settings(smtp: &SmtpSink) -> Vec<(&'static str, String)> {
    vec![
        ("SMTP_URL", smtp.url.clone()),
        ("CONTACT_TO", "owner@example.com".into()),
        ("QUIRE_PUBLIC_URL", PUBLIC_URL.into()),
    ]
}

/// The path of the link under `prefix` (e.g. `/reset-password/`) in a mail, with its 64-digit
/// token, the mail's quoted-printable soft line breaks undone.
pub fn link_in(mail: &str, prefix: &str) -> String {
    let text = mail.replace("=\r\n", "").replace("=\n", "");
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("a {prefix} link in the mail: {mail}"));
    text[at..at + prefix.len() + 64].to_owned()
}
