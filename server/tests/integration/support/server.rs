use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestDb;

/// A Quire server on a random port: the library's router served in this test process (the
/// default: quick to start), or the real `quire` binary for tests about the process — its
/// log, signals, crashes, memory. Stopped when dropped.
pub struct TestServer {
    how: How,
    pub base: String,
    pub client: reqwest::Client,
}

enum How {
    Process {
        child: Child,
        log: Arc<Mutex<Vec<String>>>,
    },
    InProcess {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
    },
}

/// What the binary does at start for the servers of this process, once: the highlighter's
/// grammars loaded up front (else the first post with code would load them, holding every
/// thread that needs them meanwhile). With `QUIRE_TEST_LOG` set (a `RUST_LOG` filter), they
/// log to the output of the test that started them (shown when it fails).
fn prepare_this_process() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        quire::http::middleware::request_log::carry_spans_into_leptos_tasks();
        app::render::load_highlighter();
        if let Ok(filter) = std::env::var("QUIRE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

/// Variables a server in this process cannot take: they configure the process (logging).
const PROCESS_ONLY: &[&str] = &["RUST_LOG", "LOG_FORMAT"];

/// The `quire` binary built for these tests.
pub fn quire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire"));
    // Only what a test sets reaches the server: no DATABASE_URL, PORT or RUST_LOG of the
    // developer's shell.
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null());
    cmd
}

impl TestServer {
    pub async fn start(db: &TestDb) -> TestServer {
        Self::start_with(db, &[]).await
    }

    /// Serves `db` with extra settings (environment variables), in this process unless one
    /// of them configures the process itself.
    pub async fn start_with(db: &TestDb, env: &[(&str, &str)]) -> TestServer {
        // QUIRE_TEST_PROCESS=1 runs every test against the binary, to read its log.
        let forced = std::env::var_os("QUIRE_TEST_PROCESS").is_some_and(|v| v == "1");
        if forced || env.iter().any(|(k, _)| PROCESS_ONLY.contains(k)) {
            return Self::process_with(db, env).await;
        }
        let mut vars = vec![("DATABASE_URL", db.url.as_str())];
        let mut site_root = "target/site";
        for (name, value) in env {
            match *name {
                "LEPTOS_SITE_ROOT" => site_root = value,
                _ => vars.push((name, value)),
            }
        }
        prepare_this_process();
        let settings = quire::startup::config::settings_from(&vars)
            .unwrap_or_else(|e| panic!("a setting this server cannot take: {e}"));
        let leptos = quire::startup::leptos_options_at(site_root);
        let config = quire::startup::Config::from_settings(settings, leptos).expect("a config");
        // A runtime of its own, on a thread of its own, as the binary has: the test's runtime
        // then only runs the test.
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let (app, _db) = quire::http::app(&config).await.expect("the blog's router");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let _ = ready.send(listener.local_addr().unwrap());
                let stopping = async {
                    let _ = stopped.await;
                };
                quire::http::listener::serve(
                    listener,
                    app,
                    config.connections,
                    stopping,
                    Duration::ZERO,
                )
                .await;
            });
        });
        let addr =
            tokio::task::spawn_blocking(move || listening.recv().expect("the server started"))
                .await
                .unwrap();
        let base = format!("http://{addr}");
        TestServer {
            how: How::InProcess { stop: Some(stop) },
            base,
            client: Self::client(),
        }
    }

    /// The real `quire` binary on `db`.
    pub async fn process(db: &TestDb) -> TestServer {
        Self::process_with(db, &[]).await
    }

    /// The real `quire` binary on `db`, with extra environment variables.
    pub async fn process_with(db: &TestDb, env: &[(&str, &str)]) -> TestServer {
        let mut cmd = quire();
        cmd.current_dir(db.dir.path()).env("DATABASE_URL", &db.url);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self::spawn(cmd).await
    }

    /// Starts a prepared command and waits until it listens.
    pub async fn spawn(mut cmd: Command) -> TestServer {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start quire");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        // Up to the end of the address, in a text or a JSON line.
                        let addr = rest.split(['"', ' ']).next().unwrap_or_default();
                        let _ = tx.send(addr.trim().to_owned());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let base = loop {
            if let Ok(addr) = rx.try_recv() {
                break addr;
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "quire exited with {status} before listening:\n{}",
                    log.lock().unwrap().join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "quire did not listen within 30 s:\n{}",
                log.lock().unwrap().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        TestServer {
            how: How::Process { child, log },
            base,
            client: Self::client(),
        }
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    fn child(&mut self) -> &mut Child {
        match &mut self.how {
            How::Process { child, .. } => child,
            How::InProcess { .. } => {
                panic!("an in-process server has no process: use TestServer::process")
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path`; returns the status and the body, without hydration markers (see
    /// `Browser::page`).
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        (status, super::without_hydration_markers(&body))
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        match &self.how {
            How::Process { child, .. } => child.id(),
            How::InProcess { .. } => {
                panic!("an in-process server has no process: use TestServer::process")
            }
        }
    }

    /// Everything the server has printed so far (a process's only).
    pub fn log(&self) -> String {
        match &self.how {
            How::Process { log, .. } => log.lock().unwrap().join("\n"),
            How::InProcess { .. } => "(served in-process: no log; use TestServer::process)".into(),
        }
    }

    /// Waits up to `within` for the log to contain `needle` (lines reach it from a reader
    /// thread, a moment after the server wrote them). Returns whether it did.
    pub async fn log_shows(&self, needle: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if self.log().contains(needle) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        let pid = self.pid();
        signal(pid, "TERM");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child().try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "quire did not stop within {within:?} of SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the process at once (SIGKILL), as a crash or an OOM kill would.
    pub fn kill(&mut self) {
        let child = self.child();
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

impl Drop for TestServer {
    fn drop(&mut self) {
        match &mut self.how {
            How::Process { child, .. } => {
                let _ = child.kill();
                let _ = child.wait();
            }
            How::InProcess { stop } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
            }
        }
    }
}
